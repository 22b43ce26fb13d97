import {
	BLOCK_BODY,
	BLOCK_PROPERTY_ID,
	blockEvent,
	blockRepair,
	blocksQuery,
	blocksSummary,
	planBlocks,
	memoryFromRows,
	rememberProblems,
	stateRows,
	readBlock,
	wantedBlocks,
	type ListedAppointment,
	type PractitionerBlocks,
	type SeenBlock,
} from '../../../lib/blocks/blocks';
import { outlookBooking } from '../../../lib/drift/drift';
import { referenceMarker } from '../../../lib/medirecords/mapping';
import { routeCalendarChange } from '../../../lib/sources/booking';
import { shippedCatalog } from '../../helpers/fixtures';

const TZ = 'Australia/Sydney';
const minutesByCode = new Map([
	['AIC06', 30],
	['AIC12', 60],
]);
// 2027-01-14 00:00 Sydney (UTC+11) = 2027-01-13T13:00Z; a 60-day window.
const from = Date.parse('2027-01-13T13:00:00Z');
const until = from + 60 * 86_400_000;
const appt = (id: string, o: Partial<ListedAppointment> = {}): ListedAppointment => ({ id, scheduleTime: '2027-01-15T09:00', appointmentStatus: 2, appointmentIntervalCode: 'AIC06', notes: null, ...o });
const seen = (eventId: string, appointmentId: string, o: Partial<SeenBlock> = {}): SeenBlock => ({ eventId, appointmentId, start: '2027-01-14T22:00:00.000Z', end: '2027-01-14T22:30:00.000Z', subject: 'Busy', showAs: 'busy', sensitivity: 'private', ...o });

describe('which appointments a calendar blocks', () => {
	test('reception’s appointments of the window, at their practice-local time for their interval; never a Calendly booking or a cancelled one', () => {
		const w = wantedBlocks(
			[
				appt('phone'),
				appt('long', { scheduleTime: '2027-02-01T14:15', appointmentIntervalCode: 'AIC12', appointmentStatus: 3 }),
				appt('from-calendly', { notes: `Booked via Calendly: GAPS follow-up. ${referenceMarker('AAMk-event')}` }),
				appt('cancelled', { appointmentStatus: 8 }),
				appt('past', { scheduleTime: '2027-01-13T09:00' }),
				appt('too-far', { scheduleTime: '2027-03-20T09:00' }),
				appt('odd-code', { appointmentIntervalCode: 'AIC99' }),
				appt('odd-time', { scheduleTime: 'tomorrow' }),
				appt('phone'),
			],
			{ timeZone: TZ, minutesByCode, from, until },
		);
		expect(w.blocks).toEqual([
			{ appointmentId: 'phone', start: '2027-01-14T22:00:00.000Z', end: '2027-01-14T22:30:00.000Z' },
			{ appointmentId: 'long', start: '2027-02-01T03:15:00.000Z', end: '2027-02-01T04:15:00.000Z' },
		]);
		expect(w.skipped).toEqual({ calendly: 1, cancelled: 1, outside: 2, unreadable: 2 });
	});

	test('a daylight-saving change is the practice’s wall clock: April 5th 09:00 Sydney is UTC+10', () => {
		const w = wantedBlocks([appt('after-dst', { scheduleTime: '2027-04-05T09:00' })], { timeZone: TZ, minutesByCode, from, until: from + 120 * 86_400_000 });
		expect(w.blocks[0].start).toBe('2027-04-04T23:00:00.000Z');
	});
});

describe('reading a block back from Graph', () => {
	const event = {
		id: 'AAMk-block',
		subject: 'Busy',
		showAs: 'busy',
		sensitivity: 'private',
		start: { dateTime: '2027-01-14T22:00:00.0000000', timeZone: 'UTC' },
		end: { dateTime: '2027-01-14T22:30:00.0000000', timeZone: 'UTC' },
		singleValueExtendedProperties: [{ id: BLOCK_PROPERTY_ID, value: 'appt-1' }],
	};
	test('the appointment id from the extended property (Graph echoes the id in its own case), the times in UTC', () => {
		expect(readBlock({ ...event, singleValueExtendedProperties: [{ id: BLOCK_PROPERTY_ID.toLowerCase(), value: 'appt-1' }] })).toEqual(seen('AAMk-block', 'appt-1'));
	});
	test('an event without the property is not a block', () => {
		expect(readBlock({ ...event, singleValueExtendedProperties: undefined })).toBeUndefined();
		expect(readBlock({ ...event, singleValueExtendedProperties: [{ id: 'String {00000000-0000-0000-0000-000000000000} Name Other', value: 'x' }] })).toBeUndefined();
	});
	test('a time Graph gives in a named zone is read in that zone', () => {
		expect(readBlock({ ...event, start: { dateTime: '2027-01-15T09:00:00', timeZone: TZ } })?.start).toBe('2027-01-14T22:00:00.000Z');
	});
});

describe('planning one calendar', () => {
	const w = (appointmentId: string, start = '2027-01-14T22:00:00.000Z', end = '2027-01-14T22:30:00.000Z') => ({ appointmentId, start, end });

	test('new appointments get a block, right blocks stay, moved ones move, gone ones go', () => {
		const plan = planBlocks(
			[w('new'), w('same'), w('moved', '2027-01-16T01:00:00.000Z', '2027-01-16T01:30:00.000Z')],
			[seen('e-same', 'same'), seen('e-moved', 'moved'), seen('e-gone', 'cancelled-or-deleted')],
			'Busy',
		);
		expect(plan.create).toEqual([w('new')]);
		expect(plan.kept).toBe(1);
		expect(plan.move).toEqual([{ eventId: 'e-moved', block: w('moved', '2027-01-16T01:00:00.000Z', '2027-01-16T01:30:00.000Z') }]);
		expect(plan.remove).toEqual([{ eventId: 'e-gone', appointmentId: 'cancelled-or-deleted', why: 'no_appointment' }]);
	});

	test('two blocks for one appointment (a crash between create and record, two runs at once) leave one: the right one, else the same one in every process', () => {
		const a = planBlocks([w('twice')], [seen('e-2', 'twice'), seen('e-1', 'twice')], 'Busy');
		expect(a.kept).toBe(1);
		expect(a.remove).toEqual([{ eventId: 'e-2', appointmentId: 'twice', why: 'duplicate' }]);
		const b = planBlocks([w('twice')], [seen('e-1', 'twice', { start: '2027-01-14T23:00:00.000Z' }), seen('e-2', 'twice')], 'Busy');
		expect(b.kept).toBe(1);
		expect(b.remove.map((r) => r.eventId)).toEqual(['e-1']);
	});

	test('a block edited by hand (renamed, made free or public) is put back; a new subject in the catalog renames every block', () => {
		expect(planBlocks([w('a')], [seen('e', 'a', { subject: 'Lunch' })], 'Busy').move).toHaveLength(1);
		expect(planBlocks([w('a')], [seen('e', 'a', { showAs: 'free' })], 'Busy').move).toHaveLength(1);
		expect(planBlocks([w('a')], [seen('e', 'a', { sensitivity: 'normal' })], 'Busy').move).toHaveLength(1);
		expect(planBlocks([w('a')], [seen('e', 'a')], 'Unavailable').move).toHaveLength(1);
	});

	test('a calendar already in step plans nothing', () => {
		expect(planBlocks([w('a')], [seen('e', 'a')], 'Busy')).toEqual({ create: [], move: [], remove: [], kept: 1 });
	});
});

describe('what a block says', () => {
	test('busy, private, no attendees, the fixed line, the appointment id in the property; times in UTC', () => {
		const e = blockEvent({ appointmentId: 'appt-1', start: '2027-01-14T22:00:00.000Z', end: '2027-01-14T22:30:00.000Z' }, 'Busy');
		expect(e).toEqual({
			subject: 'Busy',
			start: { dateTime: '2027-01-14T22:00:00', timeZone: 'UTC' },
			end: { dateTime: '2027-01-14T22:30:00', timeZone: 'UTC' },
			showAs: 'busy',
			sensitivity: 'private',
			isReminderOn: false,
			body: { contentType: 'text', content: BLOCK_BODY },
			attendees: [],
			singleValueExtendedProperties: [{ id: BLOCK_PROPERTY_ID, value: 'appt-1' }],
		});
		expect(Object.keys(blockRepair({ appointmentId: 'appt-1', start: '2027-01-14T22:00:00.000Z', end: '2027-01-14T22:30:00.000Z' }, 'Busy'))).not.toContain('singleValueExtendedProperties');
	});

	test('the list query: the property filter and the window, URL-encoded', () => {
		const q = new URLSearchParams(blocksQuery(from, until));
		expect(q.get('$filter')).toBe(`singleValueExtendedProperties/Any(ep: ep/id eq '${BLOCK_PROPERTY_ID}' and ep/value ne '') and start/dateTime ge '2027-01-13T13:00:00' and start/dateTime lt '2027-03-14T13:00:00'`);
		expect(q.get('$expand')).toBe(`singleValueExtendedProperties($filter=id eq '${BLOCK_PROPERTY_ID}')`);
		expect(q.get('$top')).toBe('100');
	});
});

describe('what ops hear', () => {
	const row = (practitioner: string, o: Partial<PractitionerBlocks> = {}): PractitionerBlocks => ({
		practitioner,
		mailbox: `${practitioner}@clinic.example`,
		appointments: 3,
		blocks: 3,
		created: 1,
		moved: 0,
		removed: 0,
		wouldCreate: 0,
		wouldMove: 0,
		wouldRemove: 0,
		skipped: { calendly: 0, cancelled: 0, outside: 0, unreadable: 0 },
		problem: null,
		...o,
	});

	test('the summary counts what was done and what a read-only run would do', () => {
		expect(blocksSummary([row('a'), row('b', { created: 0, wouldCreate: 2, problem: { kind: 'write_refused', detail: '403' } })], false)).toBe(
			'6 blocks for 2 calendars: 1 created, 0 moved, 0 removed; would create 2, move 0, remove 0; 1 calendar needs attention',
		);
		expect(blocksSummary([row('a', { created: 0, wouldCreate: 1 })], true)).toBe('3 blocks for 1 calendars: 0 created, 0 moved, 0 removed; would create 1, move 0, remove 0 (read-only)');
	});

	test('a problem is told once it has lasted three runs, named by practitioner, then again a day later while it lasts; a healthy run or a one-run blip tells nothing', () => {
		const rows = [row('dr-dia', { problem: { kind: 'write_refused', detail: 'Microsoft Graph answered 403: Access is denied.' } }), row('nurse')];
		const t0 = Date.parse('2027-01-14T00:00:00Z');
		const run1 = rememberProblems(rows, {}, t0);
		expect(run1.alert).toBeUndefined();
		const run2 = rememberProblems(rows, run1.memory, t0 + 120_000);
		expect(run2.alert).toBeUndefined();
		const run3 = rememberProblems(rows, run2.memory, t0 + 240_000);
		expect(run3.alert).toMatchObject({ kind: 'calendar_blocks', practitioners: [{ practitioner: 'dr-dia', mailbox: 'dr-dia@clinic.example', problem: 'write_refused' }] });
		expect(String((run3.alert!.practitioners as Array<{ action: string }>)[0].action)).toMatch(/Calendars\.ReadWrite/);
		expect(run3.memory['dr-dia:write_refused']).toEqual({ since: t0, runs: 3, toldAt: t0 + 240_000 });
		expect(rememberProblems(rows, run3.memory, t0 + 360_000).alert).toBeUndefined();
		expect(rememberProblems(rows, run3.memory, t0 + 240_000 + 24 * 3_600_000).alert).toBeDefined();
		// Cleared: forgotten, so a later return waits its three runs again.
		const cleared = rememberProblems([row('dr-dia'), row('nurse')], run3.memory, t0 + 480_000);
		expect(cleared).toEqual({ memory: {} });
		expect(rememberProblems(rows, cleared.memory, t0 + 600_000, { afterRuns: 1, repeatMs: 1 }).alert).toBeDefined();
	});

	test('what is remembered survives the Calendar Blocks table (every process reads it): rows out, rows in, the same memory', () => {
		const rows = [row('dr-dia', { problem: { kind: 'outlook_unreadable', detail: 'Microsoft Graph answered 404: not found' } }), row('nurse')];
		const t0 = Date.parse('2027-01-14T00:00:00Z');
		let memory = {};
		for (let i = 0; i < 3; i++) memory = memoryFromRows(stateRows(rows, rememberProblems(rows, memory, t0 + i * 120_000).memory, t0 + i * 120_000));
		expect(memory).toEqual({ 'dr-dia:outlook_unreadable': { since: t0, runs: 3, toldAt: t0 + 240_000 } });
		const table = stateRows(rows, memory, t0 + 240_000);
		expect(table[1]).toEqual({ practitioner: 'nurse', mailbox: 'nurse@clinic.example', blocks: 3, checkedAt: '2027-01-14T00:04:00.000Z', problem: '', detail: '', problemSince: '', problemRuns: 0, toldAt: '' });
		expect(memoryFromRows([{}, { practitioner: 'x', problem: 'write_failed', problemSince: 'garbage' }])).toEqual({});
	});
});

describe('a block is never a booking', () => {
	test('the Graph trigger, the sweep and the drift report route a block as it comes back from Graph as "not a booking"', () => {
		const catalog = shippedCatalog();
		const nurse = catalog.practitioners.find((p) => p.key === 'nurse')!;
		const block = blockEvent({ appointmentId: 'appt-1', start: '2027-01-14T22:00:00.000Z', end: '2027-01-14T22:30:00.000Z' }, catalog.clinic.blockSubject);
		const event = { ...block, id: 'AAMk-block', organizer: { emailAddress: { name: nurse.name, address: nurse.mailbox } }, bodyPreview: BLOCK_BODY, isCancelled: false, type: 'singleInstance', isAllDay: false };
		for (const changeType of ['created', 'updated']) {
			expect(routeCalendarChange(catalog, { changeType, mailbox: nurse.mailbox, eventId: 'AAMk-block', event } as never)).toEqual({ route: 'ignored', value: { reason: 'not_a_booking', eventId: 'AAMk-block', practitioner: 'nurse' } });
		}
		expect(outlookBooking(catalog, nurse.mailbox, event)).toBeUndefined();
		expect(catalog.clinic.blockSubject).toBe('Busy');
	});
});
