/** Get Many: a practice’s appointments by filters, Return All or Limit. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { hasReference } from '../../../../lib/medirecords/mapping';
import { normaliseScheduleTime } from '../../../../lib/time';
import { mediRecordsPaged } from '../../transport';
import { returnAllOrLimit, STATUS_OPTIONS } from '../common';
import { practicePath, show, timeZoneOptions, timeZoneOf, wrap, type Ctx } from './shared';

export const description: INodeProperties[] = [
	...returnAllOrLimit('appointment'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: show(['getAll']),
		options: [
			{ displayName: 'Appointment Type ID', name: 'appointmentTypeId', type: 'string', default: '' },
			{ displayName: 'External Reference', name: 'externalReference', type: 'string', default: '', description: 'Only appointments created with this reference' },
			{ displayName: 'From', name: 'from', type: 'string', default: '', placeholder: '2026-12-01T00:00:00+11:00', description: 'ISO date-time with offset, or practice-local YYYY-MM-DDThh:mm' },
			{ displayName: 'Patient ID', name: 'patientId', type: 'string', default: '' },
			{ displayName: 'Provider ID', name: 'providerId', type: 'string', default: '' },
			{ displayName: 'Room ID', name: 'roomId', type: 'string', default: '' },
			{ displayName: 'Status', name: 'status', type: 'options', options: STATUS_OPTIONS, default: 2 },
			{ displayName: 'To', name: 'to', type: 'string', default: '', placeholder: '2026-12-31T23:59:00+11:00' },
		],
	},
	timeZoneOptions('getAll'),
];

export async function execute(ctx: Ctx, i: number): Promise<IDataObject[]> {
	const tz = timeZoneOf(ctx, i);
	const returnAll = ctx.getNodeParameter('returnAll', i) as boolean;
	const limit = returnAll ? undefined : (ctx.getNodeParameter('limit', i) as number);
	const f = ctx.getNodeParameter('filters', i, {}) as IDataObject;
	const qs: IDataObject = {};
	if (f.from) qs.appointmentDateRangeStart = wrap(ctx, i, () => normaliseScheduleTime(String(f.from), tz));
	if (f.to) qs.appointmentDateRangeEnd = wrap(ctx, i, () => normaliseScheduleTime(String(f.to), tz));
	for (const k of ['providerId', 'patientId', 'appointmentTypeId', 'roomId']) if (f[k]) qs[k] = String(f[k]).trim();
	if (f.status !== undefined) qs.appointmentStatus = f.status;
	const reference = String(f.externalReference ?? '').trim();
	if (!reference) return mediRecordsPaged(ctx, 'GET', await practicePath(ctx), { qs, limit, itemIndex: i, pageSize: Math.min(limit ?? 100, 100) });
	const all = await mediRecordsPaged<IDataObject>(ctx, 'GET', await practicePath(ctx), { qs, itemIndex: i, pageSize: 100 });
	const matching = all.filter((a) => hasReference(a.notes as string, reference));
	return limit === undefined ? matching : matching.slice(0, limit);
}
