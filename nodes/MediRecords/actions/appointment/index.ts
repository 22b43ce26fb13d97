/** The Appointment resource: its operations, one file each. */
import type { INodeProperties } from 'n8n-workflow';
import * as cancel from './cancel.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['appointment'] } },
	options: [
		{ name: 'Cancel', value: 'cancel', action: 'Cancel an appointment', description: 'Set the status to Cancelled with a reason' },
		{ name: 'Create', value: 'create', action: 'Create an appointment', description: 'Book an appointment; with an external reference, booking twice returns the first appointment' },
		{ name: 'Delete', value: 'delete', action: 'Delete an appointment' },
		{ name: 'Get', value: 'get', action: 'Get an appointment' },
		{ name: 'Get Many', value: 'getAll', action: 'Get many appointments' },
		{ name: 'Update (Reschedule)', value: 'update', action: 'Update or reschedule an appointment' },
	],
	default: 'create',
};

export const operations = { cancel, create, delete: del, get, getAll, update };

export const description: INodeProperties[] = [operation, ...create.description, ...get.description, ...getAll.description, ...update.description, ...cancel.description, ...del.description];

export { findByReference } from './shared';
