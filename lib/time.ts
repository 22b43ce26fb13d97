/**
 * Practice time, by luxon. MediRecords stores `scheduleTime` as practice-local
 * wall-clock time (`YYYY-MM-DDThh:mm`, no offset); Graph and Calendly give
 * instants. The rules, in one place:
 * - instant → practice-local: the wall clock in the practice's zone at that instant;
 * - practice-local → instant: a wall-clock time that does not exist (the hour
 *   skipped when daylight saving starts) moves forward by the gap (02:30 → 03:30);
 *   one that happens twice (the hour repeated when it ends) is the earlier instant;
 * - durations are instants apart, in whole minutes: a booking across a change keeps
 *   its real length.
 */
import { DateTime, IANAZone } from 'luxon';

/** The practice time zone a node option starts with when no Service Catalog gives one. */
export const DEFAULT_TIME_ZONE = 'Australia/Sydney';

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

const knownZones = new Set<string>();

/** Whether a name is an IANA time zone luxon (and so every conversion here) can use. */
export function isTimeZone(timeZone: string): boolean {
	if (knownZones.has(timeZone)) return true;
	if (!IANAZone.isValidZone(String(timeZone ?? ''))) return false;
	knownZones.add(timeZone);
	return true;
}

export function assertTimeZone(timeZone: string): void {
	if (!isTimeZone(timeZone)) {
		throw new Error(`Unknown time zone "${timeZone}". Use an IANA name such as Australia/Sydney (the Service Catalog's clinic time zone).`);
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
	const dt = DateTime.fromISO(s, { setZone: true });
	if (!dt.isValid) throw new Error(`Start time "${s}" is not a valid date.`);
	return dt.toMillis();
}

/** ISO instant (with offset) or epoch ms → practice-local `YYYY-MM-DDThh:mm`. */
export function toPracticeLocal(instant: string | number, timeZone: string): string {
	assertTimeZone(timeZone);
	const ms = typeof instant === 'number' ? instant : parseInstant(instant);
	const dt = DateTime.fromMillis(ms, { zone: timeZone });
	return `${pad(dt.year, 4)}-${pad(dt.month)}-${pad(dt.day)}T${pad(dt.hour)}:${pad(dt.minute)}`;
}

export function isPracticeLocal(value: string): boolean {
	const m = LOCAL_RE.exec(value);
	if (!m) return false;
	const [, y, mo, d, h, mi] = m.map(Number);
	const dt = new Date(Date.UTC(y, mo - 1, d, h, mi));
	return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d && h < 24 && mi < 60;
}

/** Wall-clock `YYYY-MM-DDThh:mm` (seconds and fractions allowed) in a time zone → epoch ms, by the rules above. */
export function practiceLocalToMs(local: string, timeZone: string): number {
	assertTimeZone(timeZone);
	const s = String(local ?? '').trim().replace(/(\.\d{3})\d+$/, '$1');
	const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(s);
	if (!m || !isPracticeLocal(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}`)) throw new Error(`"${clipped(local)}" is not a practice-local time (YYYY-MM-DDThh:mm).`);
	const [year, month, day, hour, minute, second] = m.slice(1, 7).map((x) => Number(x ?? 0));
	const dt = DateTime.fromObject({ year, month, day, hour, minute, second, millisecond: Number((m[7] ?? '0').padEnd(3, '0')) }, { zone: timeZone });
	if (!dt.isValid) throw new Error(`"${clipped(local)}" cannot be read in ${timeZone}.`);
	return dt.toMillis();
}

/** Wall-clock time in a time zone → ISO instant in UTC (`…Z`). */
export function practiceLocalToInstant(local: string, timeZone: string): string {
	return DateTime.fromMillis(practiceLocalToMs(local, timeZone), { zone: 'UTC' }).toISO({ suppressMilliseconds: true })!;
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
 * A date-time as Graph gives it (`dateTime` without offset, plus `timeZone`), or any
 * ISO string with an offset → ISO instant in UTC. Undefined when it cannot be read
 * (including a zone that is not an IANA name).
 */
export function graphDateTimeToInstant(value: unknown, timeZone?: string): string | undefined {
	if (!value) return undefined;
	const s = String(value).trim();
	try {
		if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(s)) return new Date(parseInstant(s)).toISOString();
		const zone = !timeZone || /^(utc|gmt|coordinated universal time)$/i.test(timeZone) ? 'UTC' : timeZone;
		return new Date(practiceLocalToMs(s, zone)).toISOString();
	} catch {
		return undefined;
	}
}

function pad(n: number, width = 2): string {
	return String(n).padStart(width, '0');
}

function clipped(v: unknown): string {
	return String(v ?? '').slice(0, 40);
}
