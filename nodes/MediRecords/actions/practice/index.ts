/** The Practice resource. */
import type { INodeProperties } from 'n8n-workflow';
import * as get from './get.operation';

export const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['practice'] } },
	options: [{ name: 'Get', value: 'get', action: 'Get the practice', description: 'Get the practice named in the credential' }],
	default: 'get',
};

export const operations = { get };

export const description: INodeProperties[] = [operation, ...get.description];
