/** Get: one patient by MediRecords ID. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { mediRecordsRequest } from '../../transport';
import { patientIdField, type Ctx } from './shared';

export const description: INodeProperties[] = [
	patientIdField('get'),
];

export async function execute(ctx: Ctx, i: number): Promise<IDataObject> {
	const id = ctx.getNodeParameter('patientId', i) as string;
	return mediRecordsRequest(ctx, 'GET', `/v1/patients/${encodeURIComponent(id.trim())}`, { itemIndex: i });
}
