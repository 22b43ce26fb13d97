/** Pure mapping rules for MediRecords requests: notes, references, durations, patients. */
import { createHash } from 'crypto';
import { sameValue } from './identity';
import { redactText } from '../sources/publicInput';

export const NOTES_MAX = 500;

/** Truncates on a code-point boundary (never splits an emoji or accented letter in two). */
export function truncateNotes(text: string | undefined | null, max = NOTES_MAX): string {
	const chars = Array.from(String(text ?? ''));
	if (chars.length <= max) return chars.join('');
	if (max <= 1) return chars.slice(0, max).join('');
	return chars.slice(0, max - 1).join('') + '…';
}

/**
 * MediRecords has no external-reference field, so the reference is kept in the
 * appointment notes as a short, opaque marker. Outlook event ids are ~150
 * characters, so the marker holds a hash of the reference, not the reference.
 */
export function referenceMarker(reference: string): string {
	const digest = createHash('sha256').update(String(reference)).digest('hex').slice(0, 20);
	return `[ref:${digest}]`;
}

export function hasReference(notes: string | null | undefined, reference: string): boolean {
	return typeof notes === 'string' && notes.includes(referenceMarker(reference));
}

/** Builds the notes text: the user's notes (truncated to leave room) followed by the marker. */
export function composeNotes(notes: string | undefined, reference?: string): string | undefined {
	const marker = reference ? referenceMarker(reference) : '';
	const text = String(notes ?? '').trim();
	if (!marker) return text ? truncateNotes(text) : undefined;
	if (!text) return marker;
	return `${truncateNotes(text, NOTES_MAX - marker.length - 1)} ${marker}`;
}

const MARKER_RE = /\[ref:[0-9a-f]{20}\]/;

/** Keeps the reference marker of existing notes when the notes are replaced. */
export function replaceNotesKeepingMarker(existing: string | null | undefined, next: string): string {
	const m = MARKER_RE.exec(existing ?? '');
	if (!m) return truncateNotes(next);
	if (next.includes(m[0])) return truncateNotes(next);
	return `${truncateNotes(next.trim(), NOTES_MAX - m[0].length - 1)} ${m[0]}`.trim();
}

/** Adds text after the notes' own text ("… | addition"), keeping the reference marker last. */
export function appendToNotes(existing: string | null | undefined, addition: string): string {
	const text = String(existing ?? '').replace(MARKER_RE, '').trim();
	return replaceNotesKeepingMarker(existing, [text, addition.trim()].filter(Boolean).join(' | '));
}

/** "30 mins", "1 hr", "1 hr 30 mins", "4 hrs", "90" → minutes; undefined when unreadable. */
export function parseDurationText(text: string | number | undefined | null): number | undefined {
	if (typeof text === 'number') return Number.isFinite(text) && text > 0 ? text : undefined;
	const s = String(text ?? '').toLowerCase().trim();
	if (!s) return undefined;
	if (/^\d+$/.test(s)) return Number(s);
	let total = 0;
	let matched = false;
	for (const m of s.matchAll(/(\d+(?:\.\d+)?)\s*(h|hr|hrs|hour|hours|m|min|mins|minute|minutes)\b/g)) {
		matched = true;
		const n = Number(m[1]);
		total += m[2].startsWith('h') ? n * 60 : n;
	}
	return matched && total > 0 ? Math.round(total) : undefined;
}

export interface IntervalCode {
	code: string;
	minutes: number;
}

/** Reads the appointment-interval code system, whatever label field it uses. */
export function readIntervalCodes(raw: unknown): IntervalCode[] {
	const list = Array.isArray(raw)
		? raw
		: Array.isArray((raw as { data?: unknown })?.data)
			? (raw as { data: unknown[] }).data
			: [];
	const out: IntervalCode[] = [];
	for (const entry of list as Array<Record<string, unknown>>) {
		const code = entry?.code ?? entry?.value ?? entry?.id;
		const label = entry?.description ?? entry?.display ?? entry?.name ?? entry?.text;
		const minutes = parseDurationText(label as string);
		if (code !== undefined && code !== null && minutes) out.push({ code: String(code), minutes });
	}
	return out;
}

export function intervalCodeFor(minutes: number, codes: IntervalCode[]): string {
	const exact = codes.find((c) => c.minutes === minutes);
	if (exact) return exact.code;
	const available = codes.map((c) => c.minutes).sort((a, b) => a - b);
	throw new Error(
		`MediRecords has no appointment interval of ${minutes} minutes. Available: ${available.join(', ')} minutes. Round the booking length or set the interval code directly.`,
	);
}

export const PATIENT_FIELDS = [
	'titleCode',
	'firstName',
	'lastName',
	'gender',
	'dob',
	'email',
	'mobilePhone',
	'homePhone',
	'usualDoctorId',
	'patientStatusCode',
	'oneNameOnly',
	'notes',
	'contactMethod',
] as const;

export type PatientField = (typeof PATIENT_FIELDS)[number];
export type PatientInput = Partial<Record<PatientField, string | boolean>>;

const DOB_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Cleans patient input: trims, drops empties, lower-cases email, checks the date of birth. */
export function cleanPatient(input: Record<string, unknown>): PatientInput {
	const out: PatientInput = {};
	for (const key of PATIENT_FIELDS) {
		const v = input[key];
		if (v === undefined || v === null) continue;
		if (typeof v === 'boolean') {
			out[key] = v;
			continue;
		}
		const s = String(v).trim();
		if (!s) continue;
		out[key] = key === 'email' ? s.toLowerCase() : s;
	}
	if (typeof out.dob === 'string') {
		const dob = out.dob;
		const d = new Date(`${dob}T00:00:00Z`);
		if (!DOB_RE.test(dob) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== dob) {
			throw new Error('Date of birth must be a real date written as YYYY-MM-DD.');
		}
	}
	return out;
}

/** Fields to send on update: only those that differ from what MediRecords holds (compared as lib/identity.ts compares them). */
export function patientChanges(existing: Record<string, unknown>, wanted: PatientInput): PatientInput {
	const changes: PatientInput = {};
	for (const [k, v] of Object.entries(wanted) as Array<[PatientField, string | boolean]>) if (!sameValue(k, existing[k], v)) changes[k] = v;
	return changes;
}

/** Removes every given sensitive value from a message (case-insensitive), so API errors never echo PHI. */
export function redact(message: string, sensitive: Array<unknown>): string {
	return redactText(message, sensitive);
}

export const APPOINTMENT_STATUS: Record<string, number> = {
	booked: 2,
	confirmed: 3,
	waitingRoom: 4,
	withDoctor: 5,
	atBilling: 6,
	completed: 7,
	cancelled: 8,
};
