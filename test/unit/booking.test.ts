import { bookingTitle, hasCalendlyMarkers, routeBooking, routeCalendarChange } from '../../lib/booking';
import { matchPayment, matchPaymentToBooking, type AppointmentSeen, type PaymentMatch } from '../../lib/payments';
import { APPOINTMENT_STATUS } from '../../lib/medirecordsMapping';
import { APPOINTMENT_TYPES } from '../../sandbox/seed';
import { graphEvent, shippedCatalog, stripeEvent } from '../helpers/fixtures';

const catalog = shippedCatalog();
const type = (name: string) => APPOINTMENT_TYPES.find((t) => t.name === name)!.id;
const OUTLOOK_BODY = '<html><body><p>Remember the referral letter</p></body></html>';

/** An entry a practitioner makes in Outlook: no attendees, their own words in the body. */
function privateEntry(mailbox: string, subject: string, extra: Record<string, unknown> = {}) {
	const e = graphEvent({ subject, mailbox, body: OUTLOOK_BODY });
	e.attendees = [];
	return { changeType: 'created', mailbox, eventId: String(e.id), event: { ...e, ...extra } };
}

describe('is it a booking? decided first, from the event itself', () => {
	test.each(catalog.practitioners.map((p) => [p.name, p.mailbox, p.services.length]))(
		'a private "Dentist" in %s’s calendar (%s, %s service(s)) is ignored: no alert, no subject kept',
		(_n, mailbox) => {
			const change = routeCalendarChange(catalog, privateEntry(String(mailbox), 'Dentist'));
			expect(change.route).toBe('ignored');
			if (change.route === 'ignored') {
				expect(change.value).toMatchObject({ reason: 'not_a_booking', practitioner: catalog.practitioners.find((p) => p.mailbox === mailbox)!.key });
				expect(JSON.stringify(change.value)).not.toMatch(/Dentist|referral/);
			}
		},
	);

	test.each([
		['a staff meeting with colleagues only', { attendees: [{ type: 'required', emailAddress: { name: 'Dr Shivani', address: 'dr.shivani@clinic.example' } }] }, 'ignored'],
		['a room booking (resource attendee)', { attendees: [{ type: 'resource', emailAddress: { name: 'Room 2', address: 'room2@rooms.example' } }] }, 'ignored'],
		['a private entry marked private with no attendees', { sensitivity: 'private' }, 'ignored'],
		['a subject that names a service but nobody to see', { subject: 'GAPS Coaching prep' }, 'ignored'],
		['a patient attendee, no Calendly details (booked by hand in Outlook)', { subject: 'Alternative Medicine Follow-up', attendees: [{ type: 'required', emailAddress: { name: 'Ana Citizen', address: 'ana.c@example.com' } }] }, 'booking'],
		['Calendly details in the body, invitee named only there', { subject: 'Alternative Medicine Follow-up', body: { contentType: 'html', content: '<p>Event Name: Alternative Medicine Follow-up</p><p>Invitee: Ana Citizen</p><p>Invitee Email: ana.c@example.com</p><p>Powered by Calendly.com</p>' } }, 'booking'],
		['Calendly details, no invitee anywhere', { subject: 'Alternative Medicine Follow-up', body: { contentType: 'html', content: '<p>Event Name: Alternative Medicine Follow-up</p><p>Powered by Calendly.com</p>' } }, 'unrouted'],
	])('%s → %s', (_l, extra, route) => {
		const change = routeCalendarChange(catalog, privateEntry('dr.dia@clinic.example', 'Lunch', extra));
		expect(change.route).toBe(route);
		if (change.route === 'booking') expect(change.value.patient).toMatchObject({ firstName: 'Ana', lastName: 'Citizen', email: 'ana.c@example.com' });
		if (change.route === 'unrouted') expect(change.reason).toBe('no_patient');
	});

	test.each([
		['Calendly’s footer links', 'Cancel: https://calendly.com/cancellations/abc', true],
		['Calendly’s signature', 'Powered by Calendly.com', true],
		['the event name line', '<p>Event Name: Weight Loss Follow-up</p>', true],
		['a practitioner’s own note', 'Bring the car in for service', false],
		['a link to calendly.com in a note', 'my page is calendly.com/dr-dia', false],
		['the footer after 40,000 characters of answers', `<p>Why are you booking?<br>${'x'.repeat(40_000)}</p><p>Powered by Calendly.com</p>`, true],
	])('Calendly markers: %s → %s', (_l, body, expected) => {
		expect(hasCalendlyMarkers(body)).toBe(expected);
	});

	test('a deleted event is a cancellation, in the practice time zone; from a calendar outside the catalog it is Unrouted', () => {
		expect(routeCalendarChange(catalog, { changeType: 'deleted', mailbox: 'Ramona@clinic.example', eventId: 'AAMk-del' })).toEqual({
			route: 'cancellation',
			value: { changeType: 'deleted', eventId: 'AAMk-del', mailbox: 'ramona@clinic.example', practitioner: 'ramona', providerId: 'a1000000-0000-4000-8000-000000000005', timeZone: 'Australia/Sydney' },
		});
		expect(routeCalendarChange(catalog, { changeType: 'updated', mailbox: 'ramona@clinic.example', event: { id: 'AAMk-c', isCancelled: true } }).route).toBe('cancellation');
		expect(routeCalendarChange(catalog, { changeType: 'deleted', mailbox: 'x@else.example', eventId: 'AAMk-del' })).toMatchObject({ route: 'unrouted', reason: 'unknown_cancellation' });
	});
});

describe('a confirmed slot is never dropped', () => {
	test.each([
		['a free consultation for a waitlisted service (Counseling) on the Consultant', 'consultant@clinic.example', 'Free Initial Consultation - Counseling', 'counseling', 'freeConsultation', 'Free Initial Consultation', ['service_not_open'], 'Counseling free initial consultation'],
		['a session for a waitlisted service (Counseling)', 'counselor1@clinic.example', 'Counseling Session', 'counseling', 'followUp', 'Counseling Session', ['service_not_open'], 'Counseling follow-up'],
		['an initial for a waitlisted service (Equine)', 'equine@clinic.example', 'Equine Therapy Initial', 'equine-therapy', 'initial', 'Equine Therapy Initial', ['service_not_open'], 'Equine Therapy initial consultation'],
		['a service the practitioner does not deliver', 'dr.dia@clinic.example', 'GAPS Coaching Follow-up', 'gaps-coaching', 'followUp', 'GAPS Coaching Follow-up', ['practitioner_not_in_service'], 'GAPS Coaching follow-up'],
		['a free consultation in a practitioner’s calendar', 'dr.dia@clinic.example', 'Free consultation - Alternative Medicine', 'alternative-medicine', 'freeConsultation', 'Free Initial Consultation', ['free_consultation_not_on_consultant'], 'Alternative Medicine free initial consultation'],
		['an ordinary follow-up', 'ramona@clinic.example', 'GAPS Coaching Follow-up', 'gaps-coaching', 'followUp', 'GAPS Coaching Follow-up', [], 'GAPS Coaching follow-up'],
	])('%s: booked as its kind, with a notice for ops', (_l, mailbox, subject, service, kind, typeName, reasons, title) => {
		const r = routeBooking(catalog, { event: graphEvent({ subject, mailbox }), mailbox });
		if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
		expect(r.value).toMatchObject({ service, kind, appointmentTypeId: type(typeName), title, timeZone: 'Australia/Sydney' });
		expect(r.value.attention.map((a) => a.reason)).toEqual(reasons);
		for (const a of r.value.attention) expect(a.detail).not.toMatch(/Ana|Citizen|example\.com/);
	});

	test.each([
		['nothing names one of a two-service practitioner’s services', (c: typeof catalog) => c, 'dr.dia@clinic.example', 'Catch-up', 'ambiguous_service'],
		['the service has no appointment type for the kind', (c: typeof catalog) => ({ ...c, services: c.services.map((s) => (s.key === 'gaps-coaching' ? { ...s, appointmentTypes: {} } : s)) }), 'ramona@clinic.example', 'GAPS Coaching Follow-up', 'no_appointment_type'],
		['the calendar is no practitioner’s', (c: typeof catalog) => c, 'someone@else.example', 'GAPS Coaching Follow-up', 'unknown_practitioner'],
	])('only what cannot be placed stops with a reason: %s', (_l, change, mailbox, subject, reason) => {
		const r = routeBooking(change(catalog), { event: graphEvent({ subject, mailbox }), mailbox });
		expect(r).toMatchObject({ ok: false, reason });
	});

	test.each([
		['followUp', 'GAPS Coaching follow-up'],
		['initial', 'GAPS Coaching initial consultation'],
		['freeConsultation', 'GAPS Coaching free initial consultation'],
	] as const)('notes read as people write them: %s → "%s"', (kind, title) => {
		expect(bookingTitle('GAPS Coaching', kind)).toBe(title);
	});
});

describe('payments matched to what they pay for', () => {
	const pay = (amount: number, metadata: Record<string, string> = {}): PaymentMatch => {
		const r = matchPayment(catalog, stripeEvent('payment_intent.succeeded', { id: 'pi_1', object: 'payment_intent', amount_received: amount * 100, currency: 'aud', receipt_email: 'tom.lee@example.com', metadata }));
		if (!r.ok) throw new Error(r.detail);
		return r.value;
	};
	const appt = (id: string, typeName: string, patientId = 'pat-tom', scheduleTime = '2027-01-10T09:00', status = 2): AppointmentSeen => ({ id, patientId, appointmentTypeId: type(typeName), providerId: 'p', scheduleTime, appointmentStatus: status });

	test.each([
		['Tom Lee pays $100 for his GAPS initial ($195)', 100, {}, [appt('a1', 'GAPS Coaching Initial')], 'amount_differs', 195, { appointmentId: 'a1', service: 'gaps-coaching', kind: 'initial' }],
		['$195 for the GAPS initial', 195, {}, [appt('a1', 'GAPS Coaching Initial')], 'ok', 195, { appointmentId: 'a1', service: 'gaps-coaching', kind: 'initial' }],
		['$79 when the next booking is a GAPS follow-up (several services charge $79)', 79, {}, [appt('a1', 'GAPS Coaching Follow-up')], 'ok', 79, { appointmentId: 'a1', service: 'gaps-coaching', kind: 'followUp' }],
		['a Weight Loss booking (no price in the catalog)', 60, {}, [appt('a1', 'Weight Loss Follow-up')], 'no_catalog_price', null, { appointmentId: 'a1', service: 'weight-loss', kind: 'followUp' }],
		['the later booking is the one with the amount’s price', 195, {}, [appt('a1', 'GAPS Coaching Follow-up', 'pat-tom', '2027-01-05T09:00'), appt('a2', 'GAPS Coaching Initial', 'pat-tom', '2027-01-20T09:00')], 'ok', 195, { appointmentId: 'a2', kind: 'initial' }],
		['a free consultation is not what a payment pays for', 119, {}, [appt('f1', 'Free Initial Consultation', 'pat-tom', '2027-01-02T09:00'), appt('a1', 'Alternative Medicine Initial')], 'ok', 119, { appointmentId: 'a1', service: 'alternative-medicine' }],
		['a cancelled booking is skipped', 119, {}, [appt('c1', 'Alternative Medicine Initial', 'pat-tom', '2027-01-02T09:00', APPOINTMENT_STATUS.cancelled), appt('a1', 'Alternative Medicine Initial')], 'ok', 119, { appointmentId: 'a1' }],
		['Stripe metadata names the service: its bookings first', 79, { service: 'alternative-medicine' }, [appt('g1', 'GAPS Coaching Follow-up', 'pat-tom', '2027-01-02T09:00'), appt('a1', 'Alternative Medicine Follow-up')], 'ok', 79, { appointmentId: 'a1', service: 'alternative-medicine' }],
	])('%s → %s', (_l, amount, md, appointments, reason, expected, compared) => {
		const r = matchPaymentToBooking(catalog, pay(amount, md), appointments);
		expect(r.reason).toBe(reason);
		expect(r.needsReview).toBe(reason !== 'ok');
		expect(r.expectedAmount).toBe(expected);
		expect(r.comparedWith).toMatchObject(compared);
		expect(r.appointmentId).toBe(compared.appointmentId);
		expect(JSON.stringify(r.comparedWith)).not.toMatch(/pat-tom|tom\.lee/);
	});

	test('no booking, or a family sharing the email with bookings that fit equally: not noted on anyone’s appointment, a person decides', () => {
		expect(matchPaymentToBooking(catalog, pay(195), [{}])).toMatchObject({ reason: 'no_booking', appointmentId: null, comparedWith: null, service: 'gaps-coaching' });
		const family = [appt('k1', 'GAPS Coaching Follow-up', 'pat-kid-1'), appt('k2', 'Alternative Medicine Follow-up', 'pat-kid-2')];
		expect(matchPaymentToBooking(catalog, pay(79), family)).toMatchObject({ reason: 'booking_unclear', appointmentId: null, bookingsConsidered: 2 });
		// Only one sibling's booking has the amount's price: that one.
		expect(matchPaymentToBooking(catalog, pay(195), [appt('k1', 'GAPS Coaching Initial', 'pat-kid-1'), appt('k2', 'Alternative Medicine Follow-up', 'pat-kid-2')])).toMatchObject({ reason: 'ok', appointmentId: 'k1' });
		// Neither fits and they are two people: a person decides.
		expect(matchPaymentToBooking(catalog, pay(50), family)).toMatchObject({ reason: 'booking_unclear', appointmentId: null });
	});

	test('before the booking is known: "no catalog price" and "amount differs" are separate reasons', () => {
		expect(pay(60, { service: 'weight-loss' })).toMatchObject({ reason: 'no_catalog_price', expectedAmount: null, needsReview: true });
		expect(pay(99, { service: 'gaps-coaching' })).toMatchObject({ reason: 'amount_differs', expectedAmount: 79, needsReview: true });
		expect(pay(79)).toMatchObject({ reason: 'service_unclear', matchedBy: 'none' });
		expect(pay(195)).toMatchObject({ reason: 'ok', service: 'gaps-coaching', kind: 'initial' });
	});
});
