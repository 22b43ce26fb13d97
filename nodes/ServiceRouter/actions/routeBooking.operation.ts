/**
 * Route Booking: an Outlook event (as Calendly writes it) or a Calendly booking → a normalised booking on its
 * service's output; cancellations, entries that are not bookings and what needs a person have their own.
 * The rules themselves (what is a booking, which service and kind) live in lib/sources/booking.ts.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { entryOf } from '../../../lib/ledger/ledger';
import { routeCalendarChange } from '../../../lib/sources/booking';
import { claimVersions } from './claims';
import { eachItem, showFor, type Operation, type Outputs } from './common';

export const option: Operation['option'] = {
	name: 'Route Booking',
	value: 'routeBooking',
	action: 'Route a calendar booking',
	description: 'Turn an Outlook event or Calendly booking into a normalised booking, one output per service; entries that are not bookings go to Not a Booking',
};
export const subtitle = 'Route a calendar booking';

/** Version 1's default; from 1.1 on a new node lists none, and ops name the clinic's own services. */
const V1_SERVICE_OUTPUTS = 'alternative-medicine, gaps-coaching, weight-loss, counseling, equine-therapy';
const serviceOutputs = (defaultValue: string, version: NonNullable<NonNullable<INodeProperties['displayOptions']>['show']>['@version']): INodeProperties => ({
	displayName: 'Service Outputs',
	name: 'serviceOutputs',
	type: 'string',
	default: defaultValue,
	placeholder: 'e.g. gaps-coaching, counseling',
	description: 'Service keys (from the Service Catalog) that get their own output, in order. Bookings for other services go to Unrouted.',
	displayOptions: { show: { operation: ['routeBooking'], '@version': version } },
});

export const description: INodeProperties[] = [
	serviceOutputs(V1_SERVICE_OUTPUTS, [1]),
	serviceOutputs('', [{ _cnd: { gte: 1.1 } }]),
	{
		displayName: 'Each Event Version Once',
		name: 'eventVersionOnce',
		type: 'boolean',
		default: true,
		description:
			'Whether a calendar event version (event ID and change key, or its deletion) already routed by an earlier execution is dropped. Recorded in n8n’s deduplication store, which every n8n process shares, so a notification Graph delivered twice — to main and to a webhook process — books once. Changes the Calendar Sweep re-drives (a later attempt) are never dropped: the Booking Ledger says they are not done. A change the sweep finds first is routed once like any other, so a notification still queued behind it books nothing twice. Changes a Record Outcome (Started) step claimed already are passed on.',
		displayOptions: showFor('routeBooking'),
	},
];

export async function execute(ctx: IExecuteFunctions, out: Outputs): Promise<void> {
	// Event versions already routed (by any n8n process) are dropped before routing: see claims.ts. In the
	// Booking processor Record Started has claimed them already (and marked them), so nothing is claimed twice.
	const alreadyRouted = ctx.getNodeParameter('eventVersionOnce', 0, true) === true ? await claimVersions(ctx, out) : () => false;
	await eachItem(
		ctx,
		out,
		(i, catalog, payload, input) => {
			// Each calendar change carries its ledger entry, for the Record Outcome step that finishes it.
			const entry = entryOf(payload);
			const ledger = entry ? { ledger: entry as unknown as IDataObject } : {};
			if (payload.changeType === 'fetchFailed') {
				out.put('retryLater', { reason: 'calendar_read_failed', detail: `Microsoft Graph answered ${String(payload.status ?? 'nothing')} when the event was read; the calendar sweep reads it again.`, eventId: payload.eventId ?? null, ...ledger }, i);
				out.notes.push({ outcome: 'retry later: calendar read failed' });
				return;
			}
			const change = routeCalendarChange(catalog, payload);
			if (change.route === 'cancellation') {
				out.put('cancellation', { ...(change.value as unknown as IDataObject), ...ledger }, i);
				out.notes.push({ practitioner: change.value.practitioner, kind: 'cancellation', outcome: 'cancellation' });
			} else if (change.route === 'ignored') {
				out.put('notBooking', { ...(change.value as unknown as IDataObject), ...ledger }, i);
				out.notes.push({ practitioner: change.value.practitioner, outcome: 'not a booking' });
			} else if (change.route === 'unrouted') out.unrouted(i, change.reason, change.detail, input, ledger);
			else {
				const name = change.value.kind === 'freeConsultation' ? 'freeConsultation' : change.value.service;
				if (!out.has(name)) out.unrouted(i, 'no_output_for_service', `Service "${name}" has no output on this node. Add it to Service Outputs.`, input, ledger);
				else {
					out.put(name, { ...(change.value as unknown as IDataObject), changeType: payload.changeType ?? 'created', ...ledger }, i);
					out.notes.push({ service: change.value.service, practitioner: change.value.practitioner, kind: change.value.kind, outcome: 'routed' });
				}
			}
		},
		alreadyRouted,
	);
	out.noteExecution(ctx);
}
