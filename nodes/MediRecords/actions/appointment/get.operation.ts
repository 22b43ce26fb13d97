/** Get: one appointment by ID or external reference. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { appointmentToFind, resolveAppointment, timeZoneOptions, type Ctx } from './shared';

export const description: INodeProperties[] = [...appointmentToFind('get'), timeZoneOptions('get')];

export async function execute(ctx: Ctx, i: number): Promise<IDataObject> {
	const found = await resolveAppointment(ctx, i);
	return found ?? { found: false };
}
