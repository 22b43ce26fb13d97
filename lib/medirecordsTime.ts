/**
 * Time handling for MediRecords, which stores `scheduleTime` as practice-local
 * wall-clock time (`YYYY-MM-DDThh:mm`) with no offset.
 */

import { DateTime } from 'luxon';

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

function partsIn(timeZone: string, epochMs: number): Record<string, number> {
	const fmt = new Intl.DateTimeFormat('en-GB', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	});
	const out: Record<string, number> = {};
	for (const p of fmt.formatToParts(new Date(epochMs))) {
		if (p.type !== 'literal') out[p.type] = Number(p.value);
	}
	return out;
}

export function assertTimeZone(timeZone: string): void {
	try {
		new Intl.DateTimeFormat('en-GB', { timeZone });
	} catch {
		throw new Error(`Unknown time zone "${timeZone}". Use an IANA name such as Australia/Sydney.`);
	}
}

/** Parses an ISO-8601 instant. Refuses strings without an offset or Z: their meaning would depend on the server's zone. */
export function parseInstant(value: string): number {
	const s = String(value).trim();
	if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(s)) {
		throw new Error(
			`Start time "${s}" is not an ISO date-time with an offset (for example 2026-12-01T09:30:00+11:00 or 2026-11-30T22:30:00Z).`,
		);
	}
	const ms = Date.parse(s);
	if (Number.isNaN(ms)) throw new Error(`Start time "${s}" is not a valid date.`);
	return ms;
}

function pad(n: number, width = 2): string {
	return String(n).padStart(width, '0');
}

/** ISO instant (with offset) → practice-local `YYYY-MM-DDThh:mm`. */
export function toPracticeLocal(instant: string | number, timeZone: string): string {
	assertTimeZone(timeZone);
	const ms = typeof instant === 'number' ? instant : parseInstant(instant);
	const p = partsIn(timeZone, ms);
	return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

function offsetAt(timeZone: string, epochMs: number): number {
	const p = partsIn(timeZone, epochMs);
	const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
	return asUtc - Math.floor(epochMs / 1000) * 1000;
}

export function isPracticeLocal(value: string): boolean {
	const m = LOCAL_RE.exec(value);
	if (!m) return false;
	const [, y, mo, d, h, mi] = m.map(Number);
	const dt = new Date(Date.UTC(y, mo - 1, d, h, mi));
	return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d && h < 24 && mi < 60;
}

/** Practice-local `YYYY-MM-DDThh:mm` → epoch ms. In a DST gap the later instant wins. */
export function fromPracticeLocal(local: string, timeZone: string): number {
	assertTimeZone(timeZone);
	if (!isPracticeLocal(local)) throw new Error(`"${local}" is not a practice-local time (YYYY-MM-DDThh:mm).`);
	const [, y, mo, d, h, mi] = LOCAL_RE.exec(local)!.map(Number);
	const guess = Date.UTC(y, mo - 1, d, h, mi);
	let result = guess - offsetAt(timeZone, guess);
	const second = guess - offsetAt(timeZone, result);
	if (second !== result) result = Math.max(result, second);
	return result;
}

/** Accepts either an ISO instant with offset or an already practice-local time. */
export function normaliseScheduleTime(value: string, timeZone: string): string {
	const s = String(value ?? '').trim();
	if (isPracticeLocal(s)) return s;
	return toPracticeLocal(s, timeZone);
}

/** Minutes between two ISO instants, rounded to whole minutes. */
export function minutesBetween(startIso: string, endIso: string): number {
	const mins = Math.round((parseInstant(endIso) - parseInstant(startIso)) / 60000);
	if (mins <= 0) throw new Error('The end time must be after the start time.');
	return mins;
}

/**
 * Wall-clock `YYYY-MM-DDThh:mm` in a time zone → ISO instant (UTC), by luxon.
 * A time that does not exist (the DST gap) moves forward by the gap; an
 * ambiguous one (the DST overlap) is the earlier instant.
 */
export function practiceLocalToInstant(local: string, timeZone: string): string {
	assertTimeZone(timeZone);
	if (!isPracticeLocal(local)) throw new Error(`"${local}" is not a practice-local time (YYYY-MM-DDThh:mm).`);
	const dt = DateTime.fromISO(local, { zone: timeZone });
	if (!dt.isValid) throw new Error(`"${local}" cannot be read in ${timeZone}.`);
	return dt.toUTC().toISO({ suppressMilliseconds: true })!;
}
