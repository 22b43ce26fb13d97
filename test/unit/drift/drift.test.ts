import { compareCalendars, driftAlert, driftSummary, outlookBooking, type OutlookBooking, type SeenAppointment } from '../../../lib/drift/drift';
import { referenceMarker } from '../../../lib/medirecords/mapping';
import { graphEvent, shippedCatalog } from '../../helpers/fixtures';

const booking = (eventId: string, o: Partial<OutlookBooking> = {}): OutlookBooking => ({ eventId, mailbox: 'nurse@clinic.example', practitioner: 'nurse', providerId: 'prov-nurse', scheduleTime: '2027-01-05T09:00', cancelled: false, ...o });
const appt = (id: string, eventId: string, o: Partial<SeenAppointment> = {}): SeenAppointment => ({ id, providerId: 'prov-nurse', scheduleTime: '2027-01-05T09:00', status: 2, notes: `Booked via Calendly: Weight Loss follow-up. ${referenceMarker(eventId)}`, ...o });

describe('the drift report: Outlook against MediRecords', () => {
	test('a healthy clinic reads 0; appointments booked by hand (no marker) are not drift', () => {
		const r = compareCalendars([booking('e1'), booking('e2', { cancelled: true })], [appt('a1', 'e1'), appt('a2', 'e2', { status: 8 }), { ...appt('a3', 'x'), notes: 'walk-in' }]);
		expect(r.total).toBe(0);
		expect(r.drift).toEqual([]);
		expect(driftSummary(r)).toBe('no drift (2 Outlook bookings, 3 MediRecords appointments)');
	});

	test('each kind, named by its event or appointment; only what a re-drive puts right is re-driven', () => {
		const r = compareCalendars(
			[
				booking('missing'),
				booking('moved', { scheduleTime: '2027-01-05T10:30' }),
				booking('elsewhere'),
				booking('cancelled-in-outlook', { cancelled: true }),
				booking('cancelled-in-mr'),
				booking('twice'),
			],
			[
				appt('a-moved', 'moved'),
				appt('a-elsewhere', 'elsewhere', { providerId: 'prov-dia' }),
				appt('a-cancelled-in-outlook', 'cancelled-in-outlook'),
				appt('a-cancelled-in-mr', 'cancelled-in-mr', { status: 8 }),
				appt('a-twice-1', 'twice'),
				appt('a-twice-2', 'twice'),
				appt('a-gone', 'deleted-in-outlook'),
				appt('a-gone-cancelled', 'deleted-long-ago', { status: 8 }),
			],
		);
		const seen = r.drift.map((d) => [d.kind, d.eventId ?? d.appointmentId, d.redrive]);
		expect(seen).toEqual([
			['missing', 'missing', true],
			['wrong_time', 'moved', true],
			['wrong_practitioner', 'elsewhere', false],
			['cancelled_in_outlook_only', 'cancelled-in-outlook', true],
			['cancelled_in_medirecords_only', 'cancelled-in-mr', false],
			['duplicate', 'twice', false],
			['extra', 'a-gone', false],
		]);
		expect(r.drift[1]).toMatchObject({ expected: { scheduleTime: '2027-01-05T10:30' }, found: { scheduleTime: '2027-01-05T09:00' }, appointmentId: 'a-moved' });
		expect(r.counts).toEqual({ missing: 1, wrong_time: 1, wrong_practitioner: 1, cancelled_in_outlook_only: 1, cancelled_in_medirecords_only: 1, duplicate: 1, extra: 1 });
		expect(driftSummary(r)).toBe('7 drifted (missing 1, wrong time 1, wrong practitioner 1, cancelled in outlook only 1, cancelled in medirecords only 1, duplicate 1, extra 1) of 6 Outlook bookings');
		const alert = driftAlert(r, 3);
		expect(alert).toMatchObject({ kind: 'calendar_drift', total: 7, redriven: 3, more: 0 });
		expect((alert.forAPerson as Array<{ kind: string }>).map((d) => d.kind)).toEqual(['wrong_practitioner', 'cancelled_in_medirecords_only', 'duplicate', 'extra']);
	});

	test('the notice carries ids and practitioner keys, never the appointment notes', () => {
		const r = compareCalendars([], [{ ...appt('a1', 'gone'), notes: `Ana Citizen, 0400 111 222 ${referenceMarker('gone')}` }]);
		expect(JSON.stringify(driftAlert(r, 0))).not.toMatch(/Ana|0400/);
		expect(JSON.stringify(r)).not.toMatch(/Ana|0400/);
	});

	test('Outlook events are read as the booking path reads them: a booking at its practice-local time, a cancellation, and not a booking', () => {
		const catalog = shippedCatalog();
		const nurse = catalog.practitioners.find((p) => p.key === 'nurse')!;
		const ev = graphEvent({ subject: 'Weight Loss Follow-up', mailbox: nurse.mailbox, id: 'AAMk-drift-1', start: '2027-01-04T22:00:00.0000000', end: '2027-01-04T22:30:00.0000000' });
		expect(outlookBooking(catalog, nurse.mailbox, ev)).toEqual({ eventId: 'AAMk-drift-1', mailbox: nurse.mailbox, practitioner: 'nurse', providerId: nurse.providerId, scheduleTime: '2027-01-05T09:00', cancelled: false });
		expect(outlookBooking(catalog, nurse.mailbox, { ...ev, isCancelled: true })).toMatchObject({ cancelled: true, providerId: nurse.providerId });
		expect(outlookBooking(catalog, nurse.mailbox, { ...ev, attendees: [], subject: 'Lunch' })).toBeUndefined();
	});
});
