import { DateTime } from 'luxon';
import { graphDateTimeToInstant, isPracticeLocal, minutesBetween, normaliseScheduleTime, practiceLocalToInstant, practiceLocalToMs, toPracticeLocal } from '../../lib/time';

const ZONES = ['Australia/Sydney', 'Australia/Adelaide', 'Australia/Brisbane', 'Australia/Perth', 'Australia/Lord_Howe', 'Pacific/Auckland'];

/** Every quarter-hour wall-clock time of 2026 and 2027, as `YYYY-MM-DDThh:mm` (no zone involved). */
function* quarterHours(): Generator<{ local: string; parts: { year: number; month: number; day: number; hour: number; minute: number } }> {
	for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2028, 0, 1); ms += 15 * 60_000) {
		const d = new Date(ms);
		const parts = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
		yield { local: d.toISOString().slice(0, 16), parts };
	}
}

describe('practice time by luxon', () => {
	test.each(ZONES)('every quarter-hour of 2026–2027 in %s: practice-local → instant and back agree with luxon, 0 differences', (zone) => {
		const differences: string[] = [];
		let checked = 0;
		for (const { local, parts } of quarterHours()) {
			const expected = DateTime.fromObject(parts, { zone }).toMillis();
			if (practiceLocalToMs(local, zone) !== expected) differences.push(local);
			// Instant → practice-local: the wall clock luxon reads at that instant.
			const w = DateTime.fromMillis(expected, { zone });
			const back = `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}T${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
			if (toPracticeLocal(expected, zone) !== back) differences.push(`${local} (back)`);
			checked++;
		}
		expect(checked).toBe(70_080);
		expect(differences).toEqual([]);
		// 140,160 conversions: given as long as a slow machine needs; this test is about results, not speed.
	}, 300_000);

	test.each([
		// The evening before daylight saving ends: Sydney is still +11.
		['2026-04-04T16:00', 'Australia/Sydney', '2026-04-04T05:00:00Z'],
		// Overlap (02:00–03:00 happens twice on 5 April 2026): the earlier instant.
		['2026-04-05T02:30', 'Australia/Sydney', '2026-04-04T15:30:00Z'],
		// Gap (02:00–03:00 does not exist on 4 October 2026): moves forward by the gap, to 03:30 +11.
		['2026-10-04T02:30', 'Australia/Sydney', '2026-10-03T16:30:00Z'],
		// Lord Howe moves by half an hour: 02:15 does not exist on 4 October 2026 → 02:45 +11.
		['2026-10-04T02:15', 'Australia/Lord_Howe', '2026-10-03T15:45:00Z'],
		['2026-09-27T02:30', 'Pacific/Auckland', '2026-09-26T14:30:00Z'],
		['2026-07-01T09:00', 'Australia/Brisbane', '2026-06-30T23:00:00Z'],
	])('%s in %s is %s', (local, zone, instant) => {
		expect(practiceLocalToInstant(local, zone)).toBe(instant);
	});

	test.each([
		['2026-12-01T09:30:00+11:00', 'Australia/Sydney', '2026-12-01T09:30'],
		['2026-11-30T22:30:00Z', 'Australia/Sydney', '2026-12-01T09:30'],
		['2026-06-01T09:30:00+10:00', 'Australia/Perth', '2026-06-01T07:30'],
		['2026-04-05T02:30:00+11:00', 'Australia/Sydney', '2026-04-05T02:30'],
		['2026-04-05T02:30:00+10:00', 'Australia/Sydney', '2026-04-05T02:30'],
		['2026-12-01T09:30:00.000-05:00', 'Australia/Sydney', '2026-12-02T01:30'],
	])('instant %s in %s → practice-local %s', (iso, zone, local) => {
		expect(toPracticeLocal(iso, zone)).toBe(local);
	});

	test('durations are instants apart: a booking across the change keeps its real length', () => {
		// 01:30 → 03:30 local on the night daylight saving starts is one real hour.
		const start = practiceLocalToInstant('2026-10-04T01:30', 'Australia/Sydney');
		const end = practiceLocalToInstant('2026-10-04T03:30', 'Australia/Sydney');
		expect(minutesBetween(start, end)).toBe(60);
		expect(minutesBetween('2026-12-01T09:30:00+11:00', '2026-12-01T10:15:00+11:00')).toBe(45);
	});

	test('Graph date-times: UTC as Graph sends by default, a named IANA zone, an offset; a Windows zone name is unreadable', () => {
		expect(graphDateTimeToInstant('2026-04-04T05:00:00.0000000', 'UTC')).toBe('2026-04-04T05:00:00.000Z');
		expect(graphDateTimeToInstant('2026-04-04T16:00:00.0000000', 'Australia/Sydney')).toBe('2026-04-04T05:00:00.000Z');
		expect(graphDateTimeToInstant('2026-04-04T16:00:00+11:00')).toBe('2026-04-04T05:00:00.000Z');
		expect(graphDateTimeToInstant('2026-04-04T16:00:00.0000000', 'AUS Eastern Standard Time')).toBeUndefined();
		expect(graphDateTimeToInstant('not a time', 'UTC')).toBeUndefined();
	});

	test('refuses a time without an offset, an unknown zone, a date that does not exist and an end before the start', () => {
		expect(() => toPracticeLocal('2026-12-01T09:30:00', 'Australia/Sydney')).toThrow(/offset/);
		expect(() => toPracticeLocal('2026-12-01T09:30:00Z', 'Mars/Olympus')).toThrow(/Unknown time zone/);
		expect(() => practiceLocalToInstant('2026-02-30T09:30', 'Australia/Sydney')).toThrow(/not a practice-local time/);
		expect(() => minutesBetween('2026-12-01T10:00:00Z', '2026-12-01T09:00:00Z')).toThrow(/after the start/);
		expect(isPracticeLocal('2026-02-30T09:30')).toBe(false);
		expect(normaliseScheduleTime('2026-12-01T09:30', 'Australia/Sydney')).toBe('2026-12-01T09:30');
	});
});
