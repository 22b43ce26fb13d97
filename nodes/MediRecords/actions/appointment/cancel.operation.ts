/** Cancel: sets the status to Cancelled with a reason; cancelling twice changes nothing. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { APPOINTMENT_STATUS } from '../../../../lib/medirecords/mapping';
import { DELETED } from '../../../../lib/medirecords/versions';
import { forReference } from './references';
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
	// By external reference: after the work on it before, and final (an older version of the booking arriving later is not booked again).
	const locator = ctx.getNodeParameter('appointment', i) as { mode?: string; value?: string };
	const reference = locator.mode === 'reference' ? String(locator.value ?? '').trim() : '';
	return forReference(reference, DELETED, () => cancel(ctx, i));
}

async function cancel(ctx: Ctx, i: number): Promise<IDataObject> {
	const current = await resolveAppointment(ctx, i);
	if (!current) return { found: false };
	const reason = String(ctx.getNodeParameter('cancellationReason', i)).trim();
	if (!reason) throw new NodeOperationError(ctx.getNode(), 'MediRecords needs a cancellation reason.', { itemIndex: i });
	if (current.appointmentStatus === APPOINTMENT_STATUS.cancelled) return { action: 'alreadyCancelled', ...current };
	const updated = await putAppointment(ctx, current, { appointmentStatus: APPOINTMENT_STATUS.cancelled, cancellationReason: reason.slice(0, 500) }, i);
	return { action: 'cancelled', ...updated };
}
