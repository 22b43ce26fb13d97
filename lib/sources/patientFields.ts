/** Normalising what patients type into forms and booking questions. */
import { clip, LIMITS, plausibleEmail } from './publicInput';

const COUNTRY: Record<string, { code: string; trunk: string }> = {
	AU: { code: '61', trunk: '0' },
	NZ: { code: '64', trunk: '0' },
	GB: { code: '44', trunk: '0' },
	IE: { code: '353', trunk: '0' },
	US: { code: '1', trunk: '' },
	CA: { code: '1', trunk: '' },
};

/** Phone → E.164 using the clinic's default country for national numbers; undefined when it cannot be read. */
export function toE164(raw: unknown, defaultCountry = 'AU'): string | undefined {
	let s = String(raw ?? '').trim();
	if (!s || s.length > LIMITS.phone) return undefined;
	s = s.replace(/(ext|x)\.?\s*\d+$/i, '');
	const plus = s.startsWith('+') || s.startsWith('00');
	let digits = s.replace(/\D/g, '');
	if (s.startsWith('00')) digits = digits.slice(2);
	const c = COUNTRY[defaultCountry] ?? COUNTRY.AU;
	if (!plus) {
		if (c.trunk && digits.startsWith(c.trunk)) digits = c.code + digits.slice(c.trunk.length);
		else if (!digits.startsWith(c.code) || digits.length < 10) digits = c.code + digits;
	}
	// "+61 (0)4..." style
	for (const { code, trunk } of Object.values(COUNTRY)) {
		if (trunk && digits.startsWith(code + trunk) && digits.length > code.length + 9) digits = code + digits.slice(code.length + trunk.length);
	}
	if (digits.length < 8 || digits.length > 15) return undefined;
	return `+${digits}`;
}

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

/** "Ana María de la Cruz" → first "Ana María"? No: first word first, the rest last — unless a "Last, First" comma form. */
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
	return { firstName: parts[0], lastName: parts.slice(1).join(' ') };
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
