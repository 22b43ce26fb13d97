import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { getCredentials, mediRecordsPaged, mediRecordsRequest } from '../transport';

export const appointmentTypeOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['appointmentType'] } },
	options: [{ name: 'Get Many', value: 'getAll', action: 'Get many appointment types' }],
	default: 'getAll',
};

export const practiceOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['practice'] } },
	options: [{ name: 'Get', value: 'get', action: 'Get the practice', description: 'Get the practice named in the credential' }],
	default: 'get',
};

export const appointmentTypeFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show: { resource: ['appointmentType'], operation: ['getAll'] } },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { resource: ['appointmentType'], operation: ['getAll'], returnAll: [false] } },
	},
	{
		displayName: 'Active Only',
		name: 'activeOnly',
		type: 'boolean',
		default: true,
		displayOptions: { show: { resource: ['appointmentType'], operation: ['getAll'] } },
	},
];

export async function listAppointmentTypes(ctx: Parameters<typeof mediRecordsPaged>[0], limit?: number): Promise<IDataObject[]> {
	const { practiceId } = await getCredentials(ctx);
	return mediRecordsPaged<IDataObject>(ctx, 'GET', `/v1/practices/${encodeURIComponent(practiceId)}/appointment-types`, { limit, pageSize: 100 });
}

export async function executePractice(ctx: IExecuteFunctions, resource: string, i: number): Promise<IDataObject | IDataObject[]> {
	if (resource === 'practice') {
		const { practiceId } = await getCredentials(ctx);
		return mediRecordsRequest(ctx, 'GET', `/v1/practices/${encodeURIComponent(practiceId)}`, { itemIndex: i });
	}
	const returnAll = ctx.getNodeParameter('returnAll', i) as boolean;
	const activeOnly = ctx.getNodeParameter('activeOnly', i, true) as boolean;
	const limit = returnAll ? undefined : (ctx.getNodeParameter('limit', i) as number);
	const all = await listAppointmentTypes(ctx, activeOnly ? undefined : limit);
	const kept = activeOnly ? all.filter((t) => t.activeStatus === undefined || Number(t.activeStatus) === 1) : all;
	return limit === undefined ? kept : kept.slice(0, limit);
}
