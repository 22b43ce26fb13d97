/** Delete: removes an appointment from MediRecords (Cancel keeps it, with a reason). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { mediRecordsRequest } from '../../transport';
import { appointmentToFind, practicePath, resolveAppointment, timeZoneOptions, type Ctx } from './shared';

export const description: INodeProperties[] = [...appointmentToFind('delete'), timeZoneOptions('delete')];

export async function execute(ctx: Ctx, i: number): Promise<IDataObject> {
	const current = await resolveAppointment(ctx, i);
	if (!current) return { found: false };
	return mediRecordsRequest<IDataObject>(ctx, 'DELETE', `${await practicePath(ctx)}/${encodeURIComponent(String(current.id))}`, { itemIndex: i });
}
