/** Traffic the clinic's systems send, and how to see what MediRecords ended up with. */
import { referenceMarker } from '../../lib/medirecords/mapping';
import type { Appointment, Patient } from '../../sandbox/medirecords';
import type { GraphEvent } from '../../sandbox/graph';
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

export function newPatient(tag = 'p'): Booker {
	seq++;
	const unique = letters(seq * 1_000_000 + (Date.now() % 1_000_000));
	return { first: 'Ana', last: `Citizen-${tag}${unique}`, email: `ana.${tag}.${seq}.${Date.now() % 100000}@example.com`, phone: '0400 111 222', dob: '12/04/1988' };
}

/** Slots far apart so no two tests double-book a practitioner. */
let slot = 0;
export function nextSlot(minutes = 30): { start: string; end: string } {
	slot++;
	const start = Date.UTC(2027, 0, 1, 0, 0) + slot * 2 * 3_600_000;
	const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '0000').replace(/\.(\d{3})0000$/, '.$10000');
	return { start: iso(start), end: iso(start + minutes * 60_000) };
}

export function calendlyEvent(mailbox: string, subject: string, p: Booker, when = nextSlot()): Partial<GraphEvent> & { subject: string } {
	return {
		subject,
		start: { dateTime: when.start, timeZone: 'UTC' },
		end: { dateTime: when.end, timeZone: 'UTC' },
		organizer: { emailAddress: { name: mailbox, address: mailbox } },
		attendees: [
			{ type: 'required', emailAddress: { name: `${p.first} ${p.last}`, address: p.email } },
			{ type: 'required', emailAddress: { name: mailbox, address: mailbox } },
		],
		body: { contentType: 'html', content: `<p>Event Name: ${subject}</p><p>Phone Number: ${p.phone ?? ''}</p><p>Date of Birth: ${p.dob ?? ''}</p><p>Need to make changes to this event?<br>Cancel: https://calendly.com/cancellations/4f1c9a7e-2b61-4d0a-9f3e-7a1d2c5b8e90<br>Reschedule: https://calendly.com/reschedulings/4f1c9a7e-2b61-4d0a-9f3e-7a1d2c5b8e90</p><p>Powered by Calendly.com</p>` },
	};
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

export async function book(w: World, mailbox: string, subject: string, p: Booker, when = nextSlot()): Promise<{ ev: GraphEvent; appt: Appointment; ms: number }> {
	const t0 = Date.now();
	const ev = w.graph.createEvent(mailbox, calendlyEvent(mailbox, subject, p, when));
	const appt = await waitFor(`appointment for "${subject}"`, () => appointmentFor(w, ev.id), 60_000, 25);
	return { ev, appt, ms: Date.now() - t0 };
}
