import { alreadyDone, backoff, changeVersion, DEFAULT_LEASE_MS, DEFAULT_RETRY, doneRow, entryOf, failedRow, inFlight, ledgerKey, readRow, retryDue, workingRow } from '../../../lib/ledger/ledger';
import { nextAttempt, planSweep, type SweptChange } from '../../../lib/ledger/sweep';

const NOW = Date.parse('2027-01-05T10:00:00Z');
const entry = { key: 'dr.dia@clinic.example/AAMk1', mailbox: 'dr.dia@clinic.example', eventId: 'AAMk1', version: 'ck-2', attempt: 1 };

describe('ledger entries', () => {
	test('a trigger or sweep item names its event by mailbox and Graph id, and its version by change key; a deletion and a failed read have their own', () => {
		expect(entryOf({ changeType: 'created', mailbox: ' Dr.Dia@clinic.example ', eventId: 'AAMk1', event: { id: 'AAMk1', changeKey: 'ck-2' } })).toEqual(entry);
		expect(entryOf({ changeType: 'deleted', mailbox: 'dr.dia@clinic.example', eventId: 'AAMk1' })).toMatchObject({ version: 'deleted' });
		expect(entryOf({ changeType: 'fetchFailed', mailbox: 'dr.dia@clinic.example', eventId: 'AAMk1', status: 502 } as never)).toMatchObject({ version: '' });
		expect(entryOf({ changeType: 'updated', mailbox: 'dr.dia@clinic.example', event: { id: 'AAMk1', changeKey: 'ck-3' }, attempt: 3 })).toMatchObject({ eventId: 'AAMk1', version: 'ck-3', attempt: 3 });
		// A Calendly body, or Graph not saying whose calendar: no entry.
		expect(entryOf({ changeType: 'fetchFailed', mailbox: '', eventId: 'AAMk1' })).toBeUndefined();
		expect(entryOf({ event: { uri: 'https://api.calendly.com/scheduled_events/1' } })).toBeUndefined();
		expect(changeVersion({ changeType: 'updated', event: { lastModifiedDateTime: '2027-01-01T00:00:00Z' } })).toBe('2027-01-01T00:00:00Z');
		expect(ledgerKey('Ramona@Clinic.example', 'X')).toBe('ramona@clinic.example/X');
	});

	test('done rows say which version MediRecords reflects; failed rows when to try again, doubling to an hour; the last attempt gives up', () => {
		expect(doneRow(entry, 'booked', 'appt-1', '', NOW)).toEqual({ ...entry, attempt: undefined, doneVersion: 'ck-2', state: 'done', outcome: 'booked', reason: '', appointmentId: 'appt-1', attempts: 1, nextAttemptAt: null, claimUntil: null, recordedAt: '2027-01-05T10:00:00.000Z' } as never);
		expect([1, 2, 3, 4, 5, 6].map((a) => backoff(a, DEFAULT_RETRY) / 60_000)).toEqual([5, 10, 20, 40, 60, 60]);
		const first = failedRow(entry, 'MediRecords answered 503\n  (Service Unavailable)', NOW, DEFAULT_RETRY);
		expect(first).toMatchObject({ state: 'failed', outcome: 'failed', attempts: 1, reason: 'MediRecords answered 503 (Service Unavailable)', nextAttemptAt: '2027-01-05T10:05:00.000Z' });
		expect(first).not.toHaveProperty('doneVersion');
		expect(failedRow({ ...entry, attempt: 6 }, 'still down', NOW, DEFAULT_RETRY)).toMatchObject({ state: 'given_up', outcome: 'given_up', attempts: 6, nextAttemptAt: null });
		expect(failedRow(entry, 'x'.repeat(1000), NOW, DEFAULT_RETRY).reason).toHaveLength(300);
	});

	test('rows read back from the data table (numbers and dates as text) are due once their back-off has passed; done and given-up rows never are', () => {
		const row = readRow({ key: entry.key, mailbox: entry.mailbox, eventId: 'AAMk1', version: 'ck-2', state: 'failed', attempts: '2', nextAttemptAt: '2027-01-05T10:05:00.000Z', doneVersion: null });
		expect(row).toMatchObject({ attempts: 2, doneVersion: '', state: 'failed' });
		expect(retryDue(row, NOW)).toBe(false);
		expect(retryDue(row, NOW + 5 * 60_000)).toBe(true);
		expect(retryDue({ ...row, state: 'given_up' }, NOW + 3_600_000)).toBe(false);
		expect(retryDue({ ...row, state: 'done' }, NOW + 3_600_000)).toBe(false);
		expect(nextAttempt(row)).toBe(3);
		expect(alreadyDone({ ...row, state: 'done', doneVersion: 'ck-2' }, 'ck-2')).toBe(true);
		expect(alreadyDone({ ...row, state: 'done', doneVersion: 'ck-2' }, 'ck-3')).toBe(false);
		expect(alreadyDone({ ...row, state: 'done', doneVersion: '' }, '')).toBe(false);
	});
});

describe('what the sweep does with what it read', () => {
	const change = (eventId: string, changeKey: string, modifiedAgoMs = 10 * 60_000, mailbox = 'dr.dia@clinic.example'): SweptChange => ({ changeType: 'updated', mailbox, eventId, event: { id: eventId, changeKey, lastModifiedDateTime: new Date(NOW - modifiedAgoMs).toISOString() } });
	const done = (eventId: string, version: string, mailbox = 'dr.dia@clinic.example') => ({ ...doneRow({ ...entry, key: ledgerKey(mailbox, eventId), mailbox, eventId, version }, 'booked', 'a', '', NOW) });

	test('versions the ledger has done are skipped; a newer version of a done event is sent; an event without a row (a crash cut it off) is sent', () => {
		const plan = planSweep([change('A', 'ck-1'), change('B', 'ck-2'), change('C', 'ck-1')], [done('A', 'ck-1'), done('B', 'ck-1')], NOW, 60_000);
		expect(plan.send.map((c) => [c.eventId, c.attempt])).toEqual([['B', 1], ['C', 1]]);
		expect(plan.done).toBe(1);
		expect(plan.hold.size).toBe(0);
	});

	test('a change younger than the settle time is left to its notification: the mailbox keeps its delta link so the next sweep reads it again', () => {
		const plan = planSweep([change('A', 'ck-1', 5_000), change('B', 'ck-1', 5_000, 'nurse@clinic.example')], [done('B', 'ck-1', 'nurse@clinic.example')], NOW, 60_000);
		expect(plan.send).toEqual([]);
		expect([...plan.hold]).toEqual(['dr.dia@clinic.example']);
		// A deletion has no modification time to wait on: it goes at once.
		expect(planSweep([{ changeType: 'deleted', mailbox: 'dr.dia@clinic.example', eventId: 'A' }], [], NOW, 60_000).send).toHaveLength(1);
	});

	test('failed rows are read again once due (with their next attempt number), not while backing off; a failed version in the delta waits for its retry', () => {
		const failed = (eventId: string, at: number, attempts = 2) => readRow({ ...failedRow({ ...entry, key: ledgerKey('dr.dia@clinic.example', eventId), eventId, attempt: attempts }, 'MediRecords answered 503', at, DEFAULT_RETRY) });
		const plan = planSweep([change('A', 'ck-2')], [failed('A', NOW - 3_600_000), failed('B', NOW - 3_600_000), failed('C', NOW)], NOW, 60_000);
		expect(plan.send).toEqual([]);
		expect(plan.reread.map((r) => [r.eventId, nextAttempt(r)])).toEqual([['B', 3]]);
		// The same event once only, however often the delta lists it.
		expect(planSweep([change('D', 'ck-1'), change('D', 'ck-2')], [], NOW, 60_000).send).toHaveLength(1);
	});
});

describe('work in progress', () => {
	const working = (eventId: string, claimUntil: number, attempts = 1) => readRow({ ...workingRow({ ...entry, key: ledgerKey('dr.dia@clinic.example', eventId), eventId, attempt: attempts }, claimUntil - DEFAULT_LEASE_MS, DEFAULT_LEASE_MS), doneVersion: 'ck-1' });
	const change = (eventId: string, changeKey: string): SweptChange => ({ changeType: 'updated', mailbox: 'dr.dia@clinic.example', eventId, event: { id: eventId, changeKey, lastModifiedDateTime: new Date(NOW - 600_000).toISOString() } });

	test('an execution at an event holds it until its claim lapses; what MediRecords reflected stays on the row', () => {
		const w = workingRow(entry, NOW, DEFAULT_LEASE_MS);
		expect(w).toEqual({ key: entry.key, mailbox: entry.mailbox, eventId: 'AAMk1', version: 'ck-2', state: 'working', attempts: 1, claimUntil: '2027-01-05T10:05:00.000Z', nextAttemptAt: null, recordedAt: '2027-01-05T10:00:00.000Z' });
		expect(w).not.toHaveProperty('doneVersion');
		expect(inFlight(readRow(w), NOW + 60_000)).toBe(true);
		expect(inFlight(readRow(w), NOW + DEFAULT_LEASE_MS)).toBe(false);
	});

	test('the sweep leaves an event an execution holds alone; once a crash let the claim lapse, it is sent again as the next attempt', () => {
		expect(planSweep([change('A', 'ck-2')], [working('A', NOW + 60_000)], NOW, 60_000)).toMatchObject({ send: [], reread: [] });
		expect(planSweep([change('A', 'ck-2')], [working('A', NOW - 1, 2)], NOW, 60_000).send.map((c) => c.attempt)).toEqual([3]);
		// Not in the delta any more (read before the crash): read again from Outlook.
		const plan = planSweep([], [working('B', NOW - 1, 1), working('C', NOW + 60_000)], NOW, 60_000);
		expect(plan.reread.map((r) => [r.eventId, nextAttempt(r)])).toEqual([['B', 2]]);
	});

	test('Outlook moved on since the execution at an event read it: the mailbox keeps its delta link, so the next sweep sees the newer version again', () => {
		// The row is working on ck-2 (the version the execution read); the same version in the delta holds nothing.
		expect(planSweep([change('A', 'ck-2')], [working('A', NOW + 60_000)], NOW, 60_000).hold.size).toBe(0);
		const moved = planSweep([change('A', 'ck-3')], [working('A', NOW + 60_000)], NOW, 60_000);
		expect(moved).toMatchObject({ send: [], reread: [] });
		expect([...moved.hold]).toEqual(['dr.dia@clinic.example']);
	});
});
