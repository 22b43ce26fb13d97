/**
 * What the calendar sweep does with what it read: each change Outlook reports (calendarView delta) is
 * skipped when the ledger says that version is done, left to its notification for a moment when it is
 * fresh (the mailbox's delta link stays put, so the next sweep sees it again), or sent down the booking
 * path; failed rows whose back-off has passed, and work a crash cut off, are read again and re-driven.
 * Pure: the Graph reads and the data tables are the node's.
 */
import { alreadyDone, changeVersion, inFlight, ledgerKey, retryDue, type LedgerRow } from './ledger';

/** A change as the calendar trigger emits it. */
export interface SweptChange {
	changeType: 'updated' | 'deleted';
	mailbox: string;
	eventId: string;
	event?: Record<string, unknown>;
}

export interface SweepPlan {
	/** Sent down the booking path now, with their attempt number. */
	send: Array<SweptChange & { attempt: number }>;
	/**
	 * Mailboxes whose delta link must not move on: they have a change so fresh that its notification is
	 * probably booking it right now; the next sweep reads it again from the same link.
	 */
	hold: Set<string>;
	/** Rows to read again from Outlook before they are re-driven (failed, their back-off passed; or a lapsed claim). */
	reread: LedgerRow[];
	/** How many changes the ledger already has done. */
	done: number;
}

/**
 * `settleMs`: a change modified less than this long ago is most likely being booked by its notification
 * right now; the sweep looks at it again at the next run rather than race it.
 */
export function planSweep(changes: SweptChange[], rows: LedgerRow[], now: number, settleMs: number): SweepPlan {
	const byKey = new Map(rows.map((r) => [r.key, r]));
	const plan: SweepPlan = { send: [], hold: new Set(), reread: [], done: 0 };
	const planned = new Set<string>();
	for (const c of changes) {
		const key = ledgerKey(c.mailbox, c.eventId);
		if (planned.has(key)) continue;
		planned.add(key);
		const row = byKey.get(key);
		const version = changeVersion(c);
		if (alreadyDone(row, version)) {
			plan.done++;
			continue;
		}
		// An execution is at it: its own outcome will say. A crash lets the claim lapse, and it is read again then.
		// When Outlook has moved on since that execution read the event (a move seconds after the booking), the
		// mailbox's delta link stays put: the next sweep sees this change again and books it if it is still not done.
		if (inFlight(row, now)) {
			if (row!.version !== version) plan.hold.add(c.mailbox);
			continue;
		}
		// A failed or given-up row of this very version is the ledger's to retry (or a person's).
		if (row && (row.state === 'failed' || row.state === 'given_up') && row.version === version) continue;
		// Cut off by a crash: another attempt.
		if (row && row.state === 'working') {
			plan.send.push({ ...c, attempt: row.attempts + 1 });
			continue;
		}
		const modified = Date.parse(String(c.event?.lastModifiedDateTime ?? ''));
		if (c.changeType !== 'deleted' && Number.isFinite(modified) && now - modified < settleMs) {
			plan.hold.add(c.mailbox);
			continue;
		}
		plan.send.push({ ...c, attempt: 1 });
	}
	for (const r of rows) {
		if (planned.has(r.key)) continue;
		if (retryDue(r, now)) {
			planned.add(r.key);
			plan.reread.push(r);
		}
	}
	return plan;
}

/** The attempt a re-read row is re-driven as. */
export function nextAttempt(row: LedgerRow): number {
	return row.attempts + 1;
}
