/**
 * The booking ledger: one row per calendar event (mailbox + Graph event id) saying which version of it
 * MediRecords reflects, what came of it, and when a failed attempt is tried again. No patient data: ids,
 * change keys, outcomes and reason codes only. The rows live in n8n's data table "Booking Ledger" (written
 * by n8n's Data Table node in the Booking processor); which versions are done is also kept in n8n's
 * deduplication store, which Route Booking reads. This module decides what a row says.
 *
 * A row is
 * - working:  an execution is at it until `claimUntil` (the sweep leaves it alone; a crash lets it lapse);
 * - done:     `doneVersion` is reflected in MediRecords (booked, rescheduled, cancelled, not a booking, needs a person);
 * - failed:   the last attempt failed; the calendar sweep reads the event again and re-drives it at `nextAttemptAt`;
 * - given_up: it failed `maxAttempts` times; ops were told once; a new Outlook version, or a person, re-drives it.
 * An execution cut off by a crash leaves its row working; once the claim lapses the sweep reads the event again.
 */

export type LedgerState = 'working' | 'done' | 'failed' | 'given_up';
export type LedgerOutcome = 'booked' | 'cancelled' | 'not_a_booking' | 'needs_attention' | 'failed' | 'given_up' | '';

/** What Route Booking hands along with each item, so the step that finishes it can write its row. */
export interface LedgerEntry {
	key: string;
	mailbox: string;
	eventId: string;
	/** The Outlook version being worked on: its change key, 'deleted', or '' when the read failed. */
	version: string;
	/** Which attempt this is: 1 for a notification, the row's attempts + 1 when the sweep re-drives it. */
	attempt: number;
}

/** One row of the Booking Ledger data table (dates as ISO text, as n8n's Data Table node writes them). */
export interface LedgerRow {
	key: string;
	mailbox: string;
	eventId: string;
	version: string;
	doneVersion: string;
	state: LedgerState;
	outcome: LedgerOutcome;
	reason: string;
	appointmentId: string;
	attempts: number;
	nextAttemptAt: string | null;
	claimUntil: string | null;
	recordedAt: string;
}

export interface RetrySettings {
	/** The first retry waits this long; each further one twice as long, up to `maxBackoffMs`. */
	backoffMs: number;
	maxBackoffMs: number;
	/** Failed attempts before the ledger gives up and ops are told. */
	maxAttempts: number;
}

export const DEFAULT_RETRY: RetrySettings = { backoffMs: 5 * 60_000, maxBackoffMs: 60 * 60_000, maxAttempts: 6 };

/** How long an execution holds an event before the sweep takes it for cut off: longer than the slowest booking (MediRecords retried at every step). */
export const DEFAULT_LEASE_MS = 5 * 60_000;

/** The ledger key of an event: its mailbox and Graph id. */
export function ledgerKey(mailbox: string, eventId: string): string {
	return `${mailbox.trim().toLowerCase()}/${eventId}`;
}

/** The version of a calendar change as the trigger and the sweep emit it ('' for a read that failed). */
export function changeVersion(change: { changeType?: unknown; event?: unknown }): string {
	if (change.changeType === 'deleted') return 'deleted';
	if (change.changeType === 'fetchFailed') return '';
	const event = (change.event ?? {}) as { changeKey?: unknown; lastModifiedDateTime?: unknown };
	const v = event.changeKey ?? event.lastModifiedDateTime;
	return typeof v === 'string' ? v : '';
}

/** The Graph event id of a trigger or sweep item: its `eventId`, or its event's id ('' when it has neither). */
function eventIdOf(item: { eventId?: unknown; event?: unknown }): string {
	const event = (item.event ?? {}) as { id?: unknown };
	return typeof item.eventId === 'string' && item.eventId ? item.eventId : typeof event.id === 'string' ? event.id : '';
}

/** The entry of a trigger or sweep item; undefined for items that are not calendar changes (a Calendly body). */
export function entryOf(item: { changeType?: unknown; mailbox?: unknown; eventId?: unknown; event?: unknown; attempt?: unknown }): LedgerEntry | undefined {
	const eventId = eventIdOf(item);
	const mailbox = typeof item.mailbox === 'string' ? item.mailbox.trim().toLowerCase() : '';
	if (!eventId || !mailbox) return undefined;
	const attempt = Number(item.attempt);
	return { key: ledgerKey(mailbox, eventId), mailbox, eventId, version: changeVersion(item), attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1 };
}

/**
 * What n8n's deduplication store records once a calendar change is claimed: `eventId|changeKey`, or
 * `eventId|deleted`. Undefined for items that are not calendar changes and for failed reads (nothing to claim).
 */
export function versionClaimKey(item: { changeType?: unknown; eventId?: unknown; event?: unknown }): string | undefined {
	const eventId = eventIdOf(item);
	if (!eventId) return undefined;
	const version = changeVersion(item);
	return version ? `${eventId}|${version}` : undefined;
}

/** A change the calendar sweep re-drives (an attempt after the first): the ledger says it is not done, whoever claimed it before. */
export function isRedrive(item: { sweep?: unknown; attempt?: unknown }): boolean {
	const attempt = Number(item.attempt);
	return item.sweep === true && Number.isInteger(attempt) && attempt > 1;
}

/**
 * Whether an entry names the version it works on. A read that failed names none: it says nothing about the
 * booking, so it never writes a row (a row that says done stays done, and one another execution is working on
 * stays its). The calendar sweep's delta query reads the event instead, whatever version it is at by then.
 */
export function namesVersion(entry: LedgerEntry): boolean {
	return entry.version !== '';
}

/** The back-off after failed attempt number `attempt`. */
export function backoff(attempt: number, s: RetrySettings): number {
	return Math.min(s.maxBackoffMs, s.backoffMs * 2 ** Math.max(0, attempt - 1));
}

/** Reasons are codes or our own messages; kept short, one line. */
export function clipReason(reason: unknown): string {
	return String(reason ?? '').replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** The row once the work on `entry` succeeded (or reached a person): that version is done. */
export type DoneOutcome = 'booked' | 'cancelled' | 'not_a_booking' | 'needs_attention';

export function doneRow(entry: LedgerEntry, outcome: DoneOutcome, appointmentId: string, reason: string, now: number): LedgerRow {
	return { key: entry.key, mailbox: entry.mailbox, eventId: entry.eventId, version: entry.version, doneVersion: entry.version, state: 'done', outcome, reason: clipReason(reason), appointmentId, attempts: entry.attempt, nextAttemptAt: null, claimUntil: null, recordedAt: new Date(now).toISOString() };
}

/**
 * The row as an execution starts on `entry`: working until `now + leaseMs`. What MediRecords reflected
 * (`doneVersion`, outcome, appointment id) is left as it was.
 */
export function workingRow(entry: LedgerEntry, now: number, leaseMs: number): Pick<LedgerRow, 'key' | 'mailbox' | 'eventId' | 'version' | 'state' | 'attempts' | 'claimUntil' | 'nextAttemptAt' | 'recordedAt'> {
	return { key: entry.key, mailbox: entry.mailbox, eventId: entry.eventId, version: entry.version, state: 'working', attempts: entry.attempt, claimUntil: new Date(now + leaseMs).toISOString(), nextAttemptAt: null, recordedAt: new Date(now).toISOString() };
}

/**
 * The row once attempt `entry.attempt` failed: retried after the back-off, or given up after `maxAttempts`.
 * `doneVersion` is left out: whatever MediRecords reflected before still stands.
 */
export function failedRow(entry: LedgerEntry, reason: string, now: number, s: RetrySettings): Omit<LedgerRow, 'doneVersion'> {
	const givenUp = entry.attempt >= s.maxAttempts;
	return {
		key: entry.key,
		mailbox: entry.mailbox,
		eventId: entry.eventId,
		version: entry.version,
		state: givenUp ? 'given_up' : 'failed',
		outcome: givenUp ? 'given_up' : 'failed',
		reason: clipReason(reason),
		appointmentId: '',
		attempts: entry.attempt,
		nextAttemptAt: givenUp ? null : new Date(now + backoff(entry.attempt, s)).toISOString(),
		claimUntil: null,
		recordedAt: new Date(now).toISOString(),
	};
}

/** A row as n8n's Data Table node returns it (numbers and dates may come back as text). */
export function readRow(r: Record<string, unknown>): LedgerRow {
	const text = (v: unknown) => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v));
	return {
		key: text(r.key),
		mailbox: text(r.mailbox),
		eventId: text(r.eventId),
		version: text(r.version),
		doneVersion: text(r.doneVersion),
		state: (text(r.state) || 'done') as LedgerState,
		outcome: text(r.outcome) as LedgerOutcome,
		reason: text(r.reason),
		appointmentId: text(r.appointmentId),
		attempts: Number(r.attempts ?? 0) || 0,
		nextAttemptAt: text(r.nextAttemptAt) || null,
		claimUntil: text(r.claimUntil) || null,
		recordedAt: text(r.recordedAt),
	};
}

const passed = (iso: string | null, now: number): boolean => {
	const at = iso ? Date.parse(iso) : 0;
	return !Number.isFinite(at) || at <= now;
};

/** An execution is at this event right now: the sweep leaves it alone. */
export function inFlight(row: LedgerRow | undefined, now: number): boolean {
	return !!row && row.state === 'working' && !passed(row.claimUntil, now);
}

/** Whether the sweep re-drives this row now: failed rows whose back-off has passed, and work a crash cut off (its claim lapsed). */
export function retryDue(row: LedgerRow, now: number): boolean {
	if (!row.mailbox || !row.eventId) return false;
	if (row.state === 'failed') return passed(row.nextAttemptAt, now);
	return row.state === 'working' && passed(row.claimUntil, now);
}

/** Whether a change the sweep read is already reflected in MediRecords by a recent row. */
export function alreadyDone(row: LedgerRow | undefined, version: string): boolean {
	return !!row && row.state === 'done' && version !== '' && row.doneVersion === version;
}
