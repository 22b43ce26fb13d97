/**
 * Record Outcome: what came of a calendar change, as a row for the Booking Ledger data table (written by
 * n8n's Data Table node on the Ledger Row output). A version is done only here, once its MediRecords work
 * succeeded; a failure is kept with its next attempt, and the calendar sweep re-drives it. The items
 * themselves go on unchanged (a failure gains `retry`, which says whether the ledger gave up).
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { clipReason, DEFAULT_RETRY, doneRow, entryOf, failedRow, namesVersion, workingRow, type DoneOutcome, type LedgerEntry } from '../../../lib/ledger/ledger';
import { claimVersions } from './claims';
import { jsonParameter, showFor, type Operation, type Outputs } from './common';

export const option: Operation['option'] = {
	name: 'Record Outcome',
	value: 'recordOutcome',
	action: 'Record what came of a calendar change',
	description: 'Write the Booking Ledger row of a calendar change: done (booked, cancelled, not a booking, needs a person) or failed with its next attempt',
};
export const subtitle = 'Record the outcome in the ledger';

const show = (...outcome: string[]) => ({ show: { operation: ['recordOutcome'], outcome } });

export const description: INodeProperties[] = [
	{
		displayName: 'Outcome',
		name: 'outcome',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Booked', value: 'booked', description: 'The appointment is in MediRecords at the event’s time' },
			{ name: 'Cancelled', value: 'cancelled', description: 'The appointment is cancelled (or there was none)' },
			{ name: 'Failed', value: 'failed', description: 'A MediRecords call or a Microsoft Graph read failed: the sweep tries again after a back-off (a failed read writes no row: the sweep’s delta query reads the event)' },
			{ name: 'Needs Attention', value: 'needs_attention', description: 'It cannot be placed without a person; ops are told by the next step' },
			{ name: 'Not a Booking', value: 'not_a_booking', description: 'A practitioner’s own entry: nothing to do' },
			{ name: 'Started', value: 'started', description: 'An execution starts on the change: the sweep leaves the event alone until its outcome is recorded, or the claim times out (a crash)' },
		],
		default: 'booked',
		displayOptions: showFor('recordOutcome'),
	},
	{
		displayName: 'Ledger Entry',
		name: 'ledgerEntry',
		type: 'json',
		default: "={{ $('Route Booking').item.json.ledger }}",
		description: 'The ledger entry Route Booking gave the item (its event, version and attempt), or the calendar change itself. Items without one go on without a row.',
		displayOptions: showFor('recordOutcome'),
	},
	{
		displayName: 'Claim Times Out After (Minutes)',
		name: 'leaseMinutes',
		type: 'number',
		default: 5,
		typeOptions: { minValue: 0 },
		description: 'Longer than the slowest booking takes (MediRecords retried at every step). After it, the sweep takes the work for cut off and reads the event again.',
		displayOptions: show('started'),
	},
	{
		displayName: 'Each Event Version Once',
		name: 'eventVersionOnce',
		type: 'boolean',
		default: true,
		description:
			'Whether a calendar event version (event ID and change key, or its deletion) another execution already started on is dropped here, before its ledger row is touched. Claimed in n8n’s deduplication store, which every n8n process shares, so a notification Graph delivered twice — to main and to a webhook process — books once, and the repeat leaves the row as the first execution wrote it. Changes the Calendar Sweep re-drives (a later attempt) are never dropped: the Booking Ledger says they are not done. Route Booking does not claim again what this step claimed.',
		displayOptions: show('started'),
	},
	{
		displayName: 'Appointment ID',
		name: 'appointmentId',
		type: 'string',
		default: '={{ $json.id ?? "" }}',
		displayOptions: show('booked', 'cancelled'),
	},
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		default: '={{ $json.error?.message ?? $json.error ?? $json.reason ?? "" }}',
		description: 'A reason code or the step’s error message (never patient data)',
		displayOptions: show('needs_attention', 'failed'),
	},
	{
		displayName: 'Give Up After (Attempts)',
		name: 'maxAttempts',
		type: 'number',
		default: 6,
		typeOptions: { minValue: 1 },
		description: 'After this many failed attempts the ledger gives up and the next step tells ops',
		displayOptions: show('failed'),
	},
	{
		displayName: 'First Retry After (Minutes)',
		name: 'backoffMinutes',
		type: 'number',
		default: 5,
		typeOptions: { minValue: 0 },
		description: 'Each further retry waits twice as long, up to an hour',
		displayOptions: show('failed'),
	},
];

function entryParameter(ctx: IExecuteFunctions, i: number): LedgerEntry | undefined {
	const raw = jsonParameter(ctx.getNodeParameter('ledgerEntry', i, undefined) as unknown) as Partial<LedgerEntry> | undefined;
	if (!raw || typeof raw !== 'object') return undefined;
	// A calendar change as the trigger or the sweep emits it.
	if (typeof raw.key !== 'string' || !raw.key) return entryOf(raw as Parameters<typeof entryOf>[0]);
	return { key: raw.key, mailbox: String(raw.mailbox ?? ''), eventId: String(raw.eventId ?? ''), version: String(raw.version ?? ''), attempt: Math.max(1, Number(raw.attempt) || 1) };
}

export async function execute(ctx: IExecuteFunctions, out: Outputs): Promise<void> {
	const items = ctx.getInputData();
	const now = Date.now();
	const starting = items.length > 0 && ctx.getNodeParameter('outcome', 0) === 'started';
	const claimed = starting && ctx.getNodeParameter('eventVersionOnce', 0, true) === true;
	// Starting: claim each version before its row says working, so a repeat never turns a done row back to working.
	const alreadyStarted = claimed ? await claimVersions(ctx, out) : () => false;
	for (let i = 0; i < items.length; i++) {
		const outcome = ctx.getNodeParameter('outcome', i) as DoneOutcome | 'failed' | 'started';
		let entry: LedgerEntry | undefined;
		try {
			entry = entryParameter(ctx, i);
		} catch (e) {
			throw new NodeOperationError(ctx.getNode(), 'The ledger entry could not be read', { itemIndex: i, description: `${(e as Error).message}. Point Ledger Entry at Route Booking's item: {{ $('Route Booking').item.json.ledger }}.` });
		}
		if (!entry) {
			out.put('main', items[i].json, i);
			continue;
		}
		if (outcome === 'started') {
			if (alreadyStarted(i)) continue;
			// A read that failed starts nothing: there is no version to work on (see namesVersion).
			if (!namesVersion(entry)) {
				out.put('main', items[i].json, i);
				continue;
			}
			out.put('ledger', workingRow(entry, now, Number(ctx.getNodeParameter('leaseMinutes', i, 5)) * 60_000) as unknown as IDataObject, i);
			out.put('main', claimed ? { ...items[i].json, versionClaimed: true } : items[i].json, i);
			continue;
		}
		if (outcome === 'failed') {
			if (!namesVersion(entry)) {
				// A failed read: no row (it would turn a row the sweep booked meanwhile back to failed); the sweep's delta query books it.
				out.put('main', { ...items[i].json, retry: { eventId: entry.eventId, attempt: entry.attempt, givenUp: false, nextAttemptAt: null, bySweep: true, reason: clipReason(ctx.getNodeParameter('reason', i, '')) } }, i);
				continue;
			}
			const backoffMs = Number(ctx.getNodeParameter('backoffMinutes', i, 5)) * 60_000;
			const row = failedRow(entry, String(ctx.getNodeParameter('reason', i, '') ?? ''), now, { ...DEFAULT_RETRY, backoffMs, maxAttempts: Number(ctx.getNodeParameter('maxAttempts', i, DEFAULT_RETRY.maxAttempts)) });
			out.put('ledger', row as unknown as IDataObject, i);
			out.put('main', { ...items[i].json, retry: { eventId: entry.eventId, attempt: row.attempts, givenUp: row.state === 'given_up', nextAttemptAt: row.nextAttemptAt, reason: row.reason } }, i);
			continue;
		}
		// An older version of the booking than one already written (Book Appointment said "superseded"): the
		// execution of the newer one records it; this one must not say its older version is done.
		if (items[i].json.superseded === true && (outcome === 'booked' || outcome === 'cancelled')) {
			out.notes.push({ outcome: 'superseded' });
			out.put('main', items[i].json, i);
			continue;
		}
		const appointmentId = outcome === 'booked' || outcome === 'cancelled' ? String(ctx.getNodeParameter('appointmentId', i, '') ?? '') : '';
		const reason = outcome === 'needs_attention' ? String(ctx.getNodeParameter('reason', i, '') ?? '') : '';
		out.put('ledger', doneRow(entry, outcome, appointmentId, reason, now) as unknown as IDataObject, i);
		out.put('main', items[i].json, i);
	}
	if (out.notes.length) out.noteExecution(ctx);
}
