/**
 * Hygiene for everything the public can type or POST: booking answers, form
 * answers, names, emails. Lengths are capped before anything is parsed, names
 * may only hold what names hold, and every scan here is linear in its input
 * (no regular expression that can backtrack), so an 80,000-character answer
 * costs microseconds, not seconds of n8n's event loop.
 */

export const LIMITS = {
	email: 254,
	name: 100,
	phone: 40,
	date: 40,
	answer: 2000,
	answers: 200,
	depth: 10,
	/** An Outlook event body or any other free text read for answers. */
	text: 100_000,
} as const;

/**
 * A public value said back in an error answer: at most `max` characters of letters, digits,
 * spaces and hyphens (anything else becomes "?"), marked "…" when cut. An error answer never
 * carries what a stranger sent beyond this.
 */
export function echo(value: unknown, max = 40): string {
	const s = Array.from(String(value ?? '').slice(0, max * 2)).slice(0, max + 1);
	const shown = s.slice(0, max).map((c) => (/^[\p{L}\p{N} -]$/u.test(c) ? c : '?')).join('');
	return s.length > max ? `${shown}…` : shown;
}

/** Cuts to at most `max` characters without splitting a surrogate pair. */
export function clip(value: unknown, max: number): string {
	const s = String(value ?? '');
	if (s.length <= max) return s;
	let end = max;
	const code = s.charCodeAt(end - 1);
	if (code >= 0xd800 && code <= 0xdbff) end--;
	return s.slice(0, end);
}

/** A name holds letters (any script), spaces and ' - . ’ — nothing that looks like markup or a link. */
export function isPlausibleName(value: string): boolean {
	if (!value || value.length > LIMITS.name) return false;
	return /^[\p{L}\p{M}' .\-’]+$/u.test(value) && /\p{L}/u.test(value);
}

/** An email address: one "@", no spaces, a dotted domain; at most 254 characters. Linear. */
export function plausibleEmail(value: unknown): string | undefined {
	const s = String(value ?? '').trim().toLowerCase();
	if (!s || s.length > LIMITS.email) return undefined;
	const at = s.indexOf('@');
	if (at <= 0 || at !== s.lastIndexOf('@')) return undefined;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c <= 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029 || s[i] === '<' || s[i] === '>' || s[i] === '"' || s[i] === ',') return undefined;
	}
	const domain = s.slice(at + 1);
	const dot = domain.lastIndexOf('.');
	if (dot <= 0 || dot === domain.length - 1 || domain.startsWith('.') || domain.includes('..')) return undefined;
	return s;
}

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };
const BREAKS = new Set(['br', '/p', '/div', '/li', '/tr', 'p', 'div', 'li', 'tr']);

/** HTML → text in one pass: tags dropped (line breaks where blocks end), common entities decoded. */
export function stripHtml(html: unknown): string {
	const s = clip(html, LIMITS.text);
	let out = '';
	let i = 0;
	while (i < s.length) {
		const ch = s[i];
		if (ch === '<') {
			const close = s.indexOf('>', i + 1);
			if (close < 0) {
				// An unclosed "<": the rest is text, not a tag (and is not scanned again).
				out += s.slice(i);
				break;
			}
			const name = /^\/?[a-z0-9]{1,10}/i.exec(s.slice(i + 1, Math.min(close, i + 12)))?.[0]?.toLowerCase() ?? '';
			if (BREAKS.has(name)) out += '\n';
			i = close + 1;
			// A style or script element's content is not text (Exchange wraps every HTML body with a <style>).
			if (name === 'style' || name === 'script') {
				const closing = new RegExp(`</${name}`, 'gi');
				closing.lastIndex = i;
				i = closing.exec(s)?.index ?? s.length;
			}
			continue;
		}
		if (ch === '&') {
			// Entities are short: look for the ";" only in the next few characters (a long "&&&…" run stays linear).
			const near = s.slice(i + 1, i + 8).indexOf(';');
			const semi = near < 0 ? -1 : i + 1 + near;
			if (semi > 0) {
				const rep = ENTITIES[s.slice(i + 1, semi).toLowerCase()];
				if (rep !== undefined) {
					out += rep;
					i = semi + 1;
					continue;
				}
			}
		}
		out += ch;
		i++;
	}
	return out;
}

/** Lines of text, split on any line terminator (including U+2028/U+2029), trimmed, empty ones dropped. */
export function textLines(text: string): string[] {
	return text
		.split(/\r\n|[\n\r\u2028\u2029]/)
		.map((l) => l.trim())
		.filter(Boolean);
}

/**
 * Drops what is nested deeper than `depth` and caps strings, arrays and object
 * sizes, so a hostile body cannot make later steps recurse or copy without end.
 */
export function boundValue(value: unknown, depth: number = LIMITS.depth, maxString: number = LIMITS.answer): unknown {
	if (typeof value === 'string') return clip(value, maxString);
	if (value === null || typeof value !== 'object') return value;
	if (depth <= 0) return undefined;
	if (Array.isArray(value)) return value.slice(0, LIMITS.answers).map((v) => boundValue(v, depth - 1, maxString));
	const out: Record<string, unknown> = {};
	let n = 0;
	for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
		if (n++ >= LIMITS.answers) break;
		out[clip(k, 200)] = boundValue(v, depth - 1, maxString);
	}
	return out;
}

function isWordChar(c: string | undefined): boolean {
	if (c === undefined) return false;
	const code = c.charCodeAt(0);
	if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return true;
	return code > 127 && /[\p{L}\p{N}]/u.test(c);
}

/** Every occurrence of `needle` in `hay`, case-insensitively, as [start, end) ranges. Linear per needle. */
function occurrences(hayLower: string, needleLower: string, wholeWord: boolean, hay: string): Array<[number, number]> {
	const out: Array<[number, number]> = [];
	let from = 0;
	while (needleLower && from <= hayLower.length) {
		const at = hayLower.indexOf(needleLower, from);
		if (at < 0) break;
		const end = at + needleLower.length;
		if (!wholeWord || (!isWordChar(hay[at - 1]) && !isWordChar(hay[end]))) out.push([at, end]);
		from = end;
	}
	return out;
}

const EMAIL_STOP = new Set(' \t\n\r\f\v\u00a0\u2028\u2029"\'<>(),;:[]'.split(''));
const PHONE_CHARS = new Set('0123456789 \t-+()'.split(''));

/**
 * Removes the given values (case-insensitive; short ones like a two-letter
 * surname only as whole words), then anything that still looks like an email
 * address or a phone number. Linear in the message for each value.
 */
export function redactText(message: unknown, sensitive: unknown[]): string {
	const text = clip(message, LIMITS.text);
	const lower = text.toLowerCase();
	const ranges: Array<[number, number]> = [];
	const needles = sensitive.filter((v) => typeof v === 'string' || typeof v === 'number').map((v) => String(v).trim().toLowerCase()).filter((n) => n.length >= 2 && n.length <= 1000);
	// toLowerCase can change lengths for a few scripts; then positions would not line up.
	if (needles.length && lower.length !== text.length) return '[redacted]';
	for (const needle of needles) ranges.push(...occurrences(lower, needle, needle.length < 4, text));
	// Email-looking tokens: runs between separators that contain "@" and a dot after it.
	let start = 0;
	for (let i = 0; i <= text.length; i++) {
		if (i === text.length || EMAIL_STOP.has(text[i])) {
			if (i > start) {
				const token = text.slice(start, i);
				const at = token.indexOf('@');
				if (at > 0 && token.indexOf('.', at) > at + 1) ranges.push([start, i]);
			}
			start = i + 1;
		}
	}
	// Phone-looking runs: digits with spaces, dashes, dots, brackets or "+", nine digits or more.
	let runStart = -1;
	let digits = 0;
	for (let i = 0; i <= text.length; i++) {
		const c = text[i];
		if (i < text.length && PHONE_CHARS.has(c)) {
			if (runStart < 0) {
				runStart = i;
				digits = 0;
			}
			if (c >= '0' && c <= '9') digits++;
			continue;
		}
		if (runStart >= 0 && digits >= 9) {
			let s = runStart;
			let e = i;
			while (s < e && !/[\d+]/.test(text[s])) s++;
			while (e > s && !/\d/.test(text[e - 1])) e--;
			ranges.push([s, e]);
		}
		runStart = -1;
	}
	if (!ranges.length) return text;
	ranges.sort((a, b) => a[0] - b[0]);
	const merged: Array<[number, number]> = [];
	for (const [s, e] of ranges) {
		const last = merged[merged.length - 1];
		if (last && s <= last[1]) last[1] = Math.max(last[1], e);
		else merged.push([s, e]);
	}
	let out = '';
	let pos = 0;
	for (const [s, e] of merged) {
		out += text.slice(pos, s) + '[redacted]';
		pos = e;
	}
	return out + text.slice(pos);
}
