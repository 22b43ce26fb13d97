/** Traffic the clinic's systems send, and how to see what MediRecords ended up with. */
import { referenceMarker } from '../../lib/medirecords/mapping';
import type { Appointment, Patient } from '../../sandbox/medirecords';
import type { GraphEvent } from '../../sandbox/graph';
import { calendlyOutlookEvent, type CalendlyBooking } from '../../sandbox/calendly';
import type { World } from './context';
import { waitFor } from './context';

let seq = 0;

/** A unique, letters-only tag (names hold letters only: digits would make them unreadable). */
export function letters(n: number): string {
	let out = '';
	let x = Math.floor(n);
	do {
		out = String.fromCharCode(97 + (x % 26)) + out;
		x = Math.floor(x / 26);
	} while (x > 0);
	return out;
}
export interface Booker {
	first: string;
	last: string;
	email: string;
	phone?: string;
	dob?: string;
}

/** Every patient this test file made up so far (to check that none of them reaches a log). */
export const bookersSoFar: Booker[] = [];

export function newPatient(tag = 'p'): Booker {
	seq++;
	const unique = letters(seq * 1_000_000 + (Date.now() % 1_000_000));
	const p = { first: 'Ana', last: `Citizen-${tag}${unique}`, email: `ana.${tag}.${seq}.${Date.now() % 100000}@example.com`, phone: '0400 111 222', dob: '12/04/1988' };
	bookersSoFar.push(p);
	return p;
}

/** Slots far apart so no two tests double-book a practitioner. */
let slot = 0;
export function nextSlot(minutes = 30): { start: string; end: string } {
	slot++;
	const start = Date.UTC(2027, 0, 1, 0, 0) + slot * 2 * 3_600_000;
	const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '0000').replace(/\.(\d{3})0000$/, '.$10000');
	return { start: iso(start), end: iso(start + minutes * 60_000) };
}

/**
 * A booking as Calendly writes it into the practitioner's calendar (sandbox/calendly.ts): Calendly's default
 * title "<Invitee> and <Host>", the event type on the body's "Event Name:" line, the invitee's answers.
 */
export function calendlyEvent(mailbox: string, eventType: string, p: Booker, when = nextSlot(), extra: Partial<CalendlyBooking> = {}): Partial<GraphEvent> & { subject: string } {
	return calendlyOutlookEvent({
		mailbox,
		eventType,
		invitee: { name: `${p.first} ${p.last}`, email: p.email },
		start: { dateTime: when.start, timeZone: 'UTC' },
		end: { dateTime: when.end, timeZone: 'UTC' },
		answers: [
			['Phone Number', p.phone ?? ''],
			['Date of Birth', p.dob ?? ''],
		],
		uuid: '4f1c9a7e-2b61-4d0a-9f3e-7a1d2c5b8e90',
		...extra,
	});
}

export function appointmentFor(w: World, eventId: string): Appointment | undefined {
	const marker = referenceMarker(eventId);
	return [...w.mr.state.appointments.values()].find((a) => String(a.notes ?? '').includes(marker));
}

export function appointmentsFor(w: World, eventId: string): Appointment[] {
	const marker = referenceMarker(eventId);
	return [...w.mr.state.appointments.values()].filter((a) => String(a.notes ?? '').includes(marker));
}

export function patientsByEmail(w: World, email: string): Patient[] {
	return [...w.mr.state.patients.values()].filter((p) => String(p.email).toLowerCase() === email.toLowerCase());
}

/**
 * Patient searches made for these bookers (by email, or by name), however busy the rest of the world is:
 * sweeps re-reading earlier tests' bookings search for their own patients, never for these.
 */
export function searchesFor(w: World, ...people: Array<Pick<Booker, 'email' | 'last'>>): number {
	const eq = (a: string | undefined, b: string) => String(a ?? '').toLowerCase() === b.toLowerCase();
	return w.mr.state.searches.filter((s) => people.some((p) => eq(s.email, p.email) || eq(s.lastName, p.last))).length;
}

export async function book(w: World, mailbox: string, eventType: string, p: Booker, when = nextSlot(), extra: Partial<CalendlyBooking> = {}): Promise<{ ev: GraphEvent; appt: Appointment; ms: number }> {
	const t0 = Date.now();
	const ev = w.graph.createEvent(mailbox, calendlyEvent(mailbox, eventType, p, when, extra));
	const appt = await waitFor(`appointment for "${eventType}"`, () => appointmentFor(w, ev.id), 60_000, 25);
	return { ev, appt, ms: Date.now() - t0 };
}
