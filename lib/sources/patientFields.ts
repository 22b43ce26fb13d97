/** Normalising what patients type into forms and booking questions. */
import { clip, LIMITS, plausibleEmail } from './publicInput';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function validDate(y: number, m: number, d: number): string | undefined {
	if (y < 1900 || y > 2100) return undefined;
	const dt = new Date(Date.UTC(y, m - 1, d));
	if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
	return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Date of birth → YYYY-MM-DD. Accepts JotForm's {month, day, year}, ISO dates,
 * day-first numeric dates (the clinic is in Australia) and "12 Apr 1988".
 */
export function toIsoDate(raw: unknown, dayFirst = true): string | undefined {
	if (raw && typeof raw === 'object') {
		const o = raw as Record<string, unknown>;
		if (o.year && o.month && o.day) {
			const month = Number.isNaN(Number(o.month)) ? MONTHS.indexOf(String(o.month).slice(0, 3).toLowerCase()) + 1 : Number(o.month);
			return validDate(Number(o.year), month, Number(o.day));
		}
		return undefined;
	}
	const s = String(raw ?? '').trim();
	if (!s || s.length > LIMITS.date) return undefined;
	let m = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(s);
	if (m) return validDate(Number(m[1]), Number(m[2]), Number(m[3]));
	m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
	if (m) {
		const [a, b] = [Number(m[1]), Number(m[2])];
		const [day, month] = dayFirst ? (a > 12 || b <= 12 ? [a, b] : [b, a]) : b > 12 ? [b, a] : [a, b];
		return validDate(Number(m[3]), month, day);
	}
	m = /^(\d{1,2})\s+([A-Za-z]{3,})\.?,?\s+(\d{4})$/.exec(s);
	if (m) {
		const month = MONTHS.indexOf(m[2].slice(0, 3).toLowerCase()) + 1;
		return month ? validDate(Number(m[3]), month, Number(m[1])) : undefined;
	}
	m = /^([A-Za-z]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(s);
	if (m) {
		const month = MONTHS.indexOf(m[1].slice(0, 3).toLowerCase()) + 1;
		return month ? validDate(Number(m[3]), month, Number(m[2])) : undefined;
	}
	return undefined;
}

/**
 * Family-name particles: in "Ana María de la Cruz" or "Jan van der Berg" the family name starts at the
 * first of them. JotForm's Full Name field asks first and last apart; Calendly and Outlook give one
 * string. One rule splits that string the way people fill in the two boxes.
 */
const PARTICLES = new Set(['al', 'bin', 'binti', 'da', 'das', 'de', 'del', 'della', 'der', 'di', 'dos', 'du', 'el', 'la', 'le', 'mac', 'st', 'st.', 'ten', 'ter', 'van', 'von', 'y']);

/**
 * A full name → given and family names: "Last, First" as written; otherwise the family name starts
 * at the first particle after the first word ("Ana María" + "de la Cruz"), or is the last word
 * ("Mary Jane" + "Smith"). Identity compares whole names as well (identity.ts), so a split that
 * differs between sources never makes two patients.
 */
export function splitName(raw: unknown): { firstName?: string; lastName?: string } {
	if (raw && typeof raw === 'object') {
		const o = raw as Record<string, unknown>;
		const first = clip(typeof (o.first ?? o.firstName) === 'object' ? '' : (o.first ?? o.firstName ?? ''), LIMITS.name + 1).trim();
		const last = clip(typeof (o.last ?? o.lastName) === 'object' ? '' : (o.last ?? o.lastName ?? ''), LIMITS.name + 1).trim();
		return { firstName: first || undefined, lastName: last || undefined };
	}
	const s = clip(raw, LIMITS.name * 2 + 1).replace(/\s+/g, ' ').trim();
	if (!s) return {};
	if (s.includes(',')) {
		const [last, first] = s.split(',').map((x) => x.trim());
		return { firstName: first || undefined, lastName: last || undefined };
	}
	const parts = s.split(' ');
	if (parts.length === 1) return { firstName: parts[0] };
	const particle = parts.findIndex((w, i) => i > 0 && i < parts.length - 1 && PARTICLES.has(w.toLowerCase()));
	const at = particle > 0 ? particle : parts.length - 1;
	return { firstName: parts.slice(0, at).join(' '), lastName: parts.slice(at).join(' ') };
}

export function cleanEmail(raw: unknown): string | undefined {
	return plausibleEmail(raw);
}

export function titleCase(s: string | undefined): string | undefined {
	if (!s) return s;
	if (s !== s.toUpperCase() && s !== s.toLowerCase()) return s;
	return s.toLowerCase().replace(/(^|[\s'-])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** A postal address as the clinic keeps it (MediRecords' HOME address). */
export interface PatientAddress {
	line1?: string;
	line2?: string;
	suburb?: string;
	state?: string;
	postcode?: string;
	country?: string;
}
