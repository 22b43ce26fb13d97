/**
 * The drift report: Outlook's bookings of the next days (the truth) against the MediRecords appointments that
 * carry their reference marker. A healthy clinic reads 0. Each drift names its Outlook event or its MediRecords
 * appointment and whether a re-drive through the booking path puts it right; what a re-drive cannot decide
 * (a second patient record, an appointment a person cancelled or moved to another practitioner, one whose
 * Outlook event is gone) is listed for a person. Ids, practitioner keys and times only: no patient data.
 * Pure: the reads are the node's.
 */
import type { Catalog } from '../catalog';
import { referenceMarker } from '../medirecords/mapping';
import { routeCalendarChange } from '../sources/booking';
import { toPracticeLocal } from '../time';

/** MediRecords' status code for a cancelled appointment. */
const CANCELLED = 8;

/** One Outlook entry of the window, as routing read it. */
export interface OutlookBooking {
	eventId: string;
	mailbox: string;
	practitioner: string;
	providerId: string;
	/** Practice-local start, as MediRecords keeps it (YYYY-MM-DDThh:mm). */
	scheduleTime: string;
	/** Cancelled in Outlook (the event is still there with isCancelled). */
	cancelled: boolean;
}

/** One MediRecords appointment of the window. */
export interface SeenAppointment {
	id: string;
	providerId: string;
	scheduleTime: string;
	status: number;
	notes: string;
}

export const DRIFT_KINDS = ['missing', 'wrong_time', 'wrong_practitioner', 'cancelled_in_outlook_only', 'cancelled_in_medirecords_only', 'duplicate', 'extra'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** The drifts a re-drive of the Outlook event through the Booking Processor puts right. */
export const REDRIVEN: ReadonlySet<DriftKind> = new Set(['missing', 'wrong_time', 'cancelled_in_outlook_only']);

export interface Drift {
	kind: DriftKind;
	/** The Outlook event (absent for `extra`: only the appointment's marker is known). */
	eventId?: string;
	mailbox?: string;
	practitioner?: string;
	appointmentId?: string;
	/** What Outlook says: the practitioner's MediRecords provider and the practice-local start. */
	expected?: { providerId: string; scheduleTime: string };
	/** What MediRecords holds. */
	found?: { providerId: string; scheduleTime: string; cancelled: boolean };
	/** Whether the Outlook event is sent down the booking path again to put it right. */
	redrive: boolean;
	/** What a person does, when it is theirs to do. */
	action: string;
}

export interface DriftReport {
	outlookBookings: number;
	appointments: number;
	counts: Record<DriftKind, number>;
	total: number;
	drift: Drift[];
}

/**
 * An Outlook event of the window as the booking path reads it (the same routing as a notification); undefined
 * for what is not a booking (a practitioner's own entry) or needs a person already (routing said why).
 */
export function outlookBooking(catalog: Catalog, mailbox: string, event: Record<string, unknown>): OutlookBooking | undefined {
	const eventId = String(event.id ?? '');
	if (!eventId) return undefined;
	const routed = routeCalendarChange(catalog, { changeType: 'updated', mailbox, eventId, event } as unknown as Parameters<typeof routeCalendarChange>[1]);
	if (routed.route === 'booking') {
		const b = routed.value;
		return { eventId, mailbox: b.mailbox, practitioner: b.practitioner, providerId: b.providerId, scheduleTime: toPracticeLocal(b.start, b.timeZone), cancelled: false };
	}
	if (routed.route === 'cancellation') {
		const c = routed.value;
		return { eventId, mailbox: c.mailbox, practitioner: c.practitioner, providerId: c.providerId, scheduleTime: '', cancelled: true };
	}
	return undefined;
}

const MARKER = /\[ref:[0-9a-f]{20}\]/g;

const ACTIONS: Record<DriftKind, string> = {
	missing: 'Re-driven: the Booking Processor books it again.',
	wrong_time: 'Re-driven: the Booking Processor moves it to Outlook’s time.',
	cancelled_in_outlook_only: 'Re-driven: the Booking Processor cancels it.',
	wrong_practitioner: 'Check with the practitioners whose calendar is right; move the appointment in MediRecords or the event in Outlook.',
	cancelled_in_medirecords_only: 'Someone cancelled it in MediRecords while Outlook still has the booking: cancel it in Calendly, or book it again in MediRecords.',
	duplicate: 'More than one live MediRecords appointment carries this event: keep one (check the patient records), cancel the others.',
	extra: 'Its Outlook event is not among the bookings of the window (deleted, moved out of it, or not a booking): check it and cancel it in MediRecords if the patient is not coming.',
};

const live = (a: SeenAppointment) => a.status !== CANCELLED;

function drift(kind: DriftKind, fields: Omit<Drift, 'kind' | 'redrive' | 'action'>): Drift {
	return { kind, ...fields, redrive: REDRIVEN.has(kind), action: ACTIONS[kind] };
}

export function compareCalendars(bookings: OutlookBooking[], appointments: SeenAppointment[]): DriftReport {
	const byMarker = new Map<string, SeenAppointment[]>();
	for (const a of appointments) {
		for (const marker of new Set(String(a.notes ?? '').match(MARKER) ?? [])) {
			const list = byMarker.get(marker) ?? [];
			list.push(a);
			byMarker.set(marker, list);
		}
	}
	const out: Drift[] = [];
	const claimed = new Set<string>();
	for (const b of bookings) {
		const marker = referenceMarker(b.eventId);
		const held = byMarker.get(marker) ?? [];
		claimed.add(marker);
		const ids = { eventId: b.eventId, mailbox: b.mailbox, practitioner: b.practitioner };
		const expected = { providerId: b.providerId, scheduleTime: b.scheduleTime };
		const current = held.filter(live);
		const seen = (a: SeenAppointment) => ({ appointmentId: a.id, found: { providerId: a.providerId, scheduleTime: a.scheduleTime, cancelled: !live(a) } });
		if (b.cancelled) {
			for (const a of current) out.push(drift('cancelled_in_outlook_only', { ...ids, ...seen(a), expected }));
			continue;
		}
		if (!held.length) {
			out.push(drift('missing', { ...ids, expected }));
			continue;
		}
		if (!current.length) {
			out.push(drift('cancelled_in_medirecords_only', { ...ids, ...seen(held[0]), expected }));
			continue;
		}
		if (current.length > 1) {
			out.push(drift('duplicate', { ...ids, ...seen(current[0]), expected }));
			continue;
		}
		const [a] = current;
		if (a.providerId !== b.providerId) out.push(drift('wrong_practitioner', { ...ids, ...seen(a), expected }));
		else if (a.scheduleTime !== b.scheduleTime) out.push(drift('wrong_time', { ...ids, ...seen(a), expected }));
	}
	for (const [marker, held] of byMarker) {
		if (claimed.has(marker)) continue;
		for (const a of held.filter(live)) out.push(drift('extra', { appointmentId: a.id, found: { providerId: a.providerId, scheduleTime: a.scheduleTime, cancelled: false } }));
	}
	const counts = Object.fromEntries(DRIFT_KINDS.map((k) => [k, out.filter((d) => d.kind === k).length])) as Record<DriftKind, number>;
	return { outlookBookings: bookings.length, appointments: appointments.length, counts, total: out.length, drift: out };
}

/** One line for ops: "3 drifted (missing 1, wrong time 2)", or "no drift". */
export function driftSummary(r: DriftReport): string {
	if (!r.total) return `no drift (${r.outlookBookings} Outlook bookings, ${r.appointments} MediRecords appointments)`;
	const parts = DRIFT_KINDS.filter((k) => r.counts[k]).map((k) => `${k.replace(/_/g, ' ')} ${r.counts[k]}`);
	return `${r.total} drifted (${parts.join(', ')}) of ${r.outlookBookings} Outlook bookings`;
}

/** The notice ops get when anything drifted: counts, and what is for a person (ids and practitioner keys only). */
export function driftAlert(r: DriftReport, redriven: number, max = 20): Record<string, unknown> {
	const forAPerson = r.drift.filter((d) => !d.redrive);
	return {
		kind: 'calendar_drift',
		summary: driftSummary(r),
		counts: r.counts,
		total: r.total,
		redriven,
		forAPerson: forAPerson.slice(0, max).map((d) => ({ kind: d.kind, practitioner: d.practitioner ?? null, eventId: d.eventId ?? null, appointmentId: d.appointmentId ?? null, action: d.action })),
		more: Math.max(0, forAPerson.length - max),
	};
}
