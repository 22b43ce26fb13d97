/** The Appointment Type resource. */
import type { INodeProperties } from 'n8n-workflow';
import * as getAll from './getAll.operation';

export const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['appointmentType'] } },
	options: [{ name: 'Get Many', value: 'getAll', action: 'Get many appointment types' }],
	default: 'getAll',
};

export const operations = { getAll };

export const description: INodeProperties[] = [operation, ...getAll.description];

export { listAppointmentTypes } from './getAll.operation';
