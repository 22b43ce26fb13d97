/** Get Many: the practice's appointment types (active ones by default), Return All or Limit. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { getCredentials, mediRecordsPaged } from '../../transport';
import { returnAllOrLimit } from '../common';

const show = (extra: Record<string, unknown[]> = {}) => ({ show: { resource: ['appointmentType'], operation: ['getAll'], ...extra } });

export const description: INodeProperties[] = [
	...returnAllOrLimit('appointmentType'),
	{
		displayName: 'Active Only',
		name: 'activeOnly',
		type: 'boolean',
		default: true,
		displayOptions: show(),
	},
];

export async function listAppointmentTypes(ctx: Parameters<typeof mediRecordsPaged>[0], limit?: number): Promise<IDataObject[]> {
	const { practiceId } = await getCredentials(ctx);
	return mediRecordsPaged<IDataObject>(ctx, 'GET', `/v1/practices/${encodeURIComponent(practiceId)}/appointment-types`, { limit, pageSize: 100 });
}

export async function execute(ctx: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const returnAll = ctx.getNodeParameter('returnAll', i) as boolean;
	const activeOnly = ctx.getNodeParameter('activeOnly', i, true) as boolean;
	const limit = returnAll ? undefined : (ctx.getNodeParameter('limit', i) as number);
	const all = await listAppointmentTypes(ctx, activeOnly ? undefined : limit);
	const kept = activeOnly ? all.filter((t) => t.activeStatus === undefined || Number(t.activeStatus) === 1) : all;
	return limit === undefined ? kept : kept.slice(0, limit);
}
