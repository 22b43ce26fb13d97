/** Cancel: sets the status to Cancelled with a reason; cancelling twice changes nothing. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { APPOINTMENT_STATUS } from '../../../../lib/medirecords/mapping';
import { appointmentToFind, putAppointment, resolveAppointment, show, timeZoneOptions, type Ctx } from './shared';

export const description: INodeProperties[] = [
	...appointmentToFind('cancel'),
	{
		displayName: 'Cancellation Reason',
		name: 'cancellationReason',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Cancelled by patient in Calendly',
		displayOptions: show(['cancel']),
	},
	timeZoneOptions('cancel'),
];

export async function execute(ctx: Ctx, i: number): Promise<IDataObject> {
	const current = await resolveAppointment(ctx, i);
	if (!current) return { found: false };
	const reason = String(ctx.getNodeParameter('cancellationReason', i)).trim();
	if (!reason) throw new NodeOperationError(ctx.getNode(), 'MediRecords needs a cancellation reason.', { itemIndex: i });
	if (current.appointmentStatus === APPOINTMENT_STATUS.cancelled) return { action: 'alreadyCancelled', ...current };
	const updated = await putAppointment(ctx, current, { appointmentStatus: APPOINTMENT_STATUS.cancelled, cancellationReason: reason.slice(0, 500) }, i);
	return { action: 'cancelled', ...updated };
}
