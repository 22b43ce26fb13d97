/** The Patient resource: its operations, one file each. */
import type { INodeProperties } from 'n8n-workflow';
import * as create from './create.operation';
import * as get from './get.operation';
import * as search from './search.operation';
import * as update from './update.operation';
import * as upsert from './upsert.operation';

export const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['patient'] } },
	options: [
		{ name: 'Create', value: 'create', action: 'Create a patient', description: 'Create a patient (fails if the details are incomplete)' },
		{ name: 'Create or Update', value: 'upsert', action: 'Create or update a patient', description: 'Create a new record, or update the current one if it already exists (upsert)' },
		{ name: 'Get', value: 'get', action: 'Get a patient' },
		{ name: 'Search', value: 'search', action: 'Search patients', description: 'Find patients by email, or by name and date of birth' },
		{ name: 'Update', value: 'update', action: 'Update a patient' },
	],
	default: 'upsert',
};

export const operations = { create, get, search, update, upsert };

export const description: INodeProperties[] = [operation, ...upsert.description, ...create.description, ...search.description, ...get.description, ...update.description];
