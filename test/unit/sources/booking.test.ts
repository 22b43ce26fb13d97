import { catalogFromParameters, parseCatalog, type Catalog } from '../../../lib/catalog';
import { appointmentNotes, bookingTitle, routeBooking, routeCalendarChange } from '../../../lib/sources/booking';
import { hasCalendlyMarkers } from '../../../lib/sources/calendly';
import { APPOINTMENT_TYPES, PRACTITIONERS } from '../../../sandbox/seed';
import { calendlyInvitee, catalogParameters, graphEvent, shippedCatalog } from '../../helpers/fixtures';

const catalog: Catalog = shippedCatalog();
const type = (name: string) => APPOINTMENT_TYPES.find((t) => t.name === name)!.id;
const provider = (key: string) => PRACTITIONERS.find((p) => p.key === key)!.providerId;
const OUTLOOK_BODY = '<html><body><p>Remember the referral letter</p></body></html>';

/** An entry a practitioner makes in Outlook: no attendees, their own words in the body. */
function privateEntry(mailbox: string, subject: string, extra: Record<string, unknown> = {}) {
	const e = graphEvent({ subject, mailbox, body: OUTLOOK_BODY });
	e.attendees = [];
	return { changeType: 'created', mailbox, eventId: String(e.id), event: { ...e, ...extra } };
}

describe('Route Booking: Outlook events as Calendly writes them', () => {
	test.each([
		['Alternative Medicine Follow-up between Ana Citizen and Dr Dia', 'dr.dia@clinic.example', 'alternative-medicine', 'followUp', 'dr-dia', 'Alternative Medicine Follow-up', 79],
		['Weight Loss Follow-up between Ana Citizen and Dr Dia', 'dr.dia@clinic.example', 'weight-loss', 'followUp', 'dr-dia', 'Weight Loss Follow-up', null],
		['Alternative Medicine Initial Consultation', 'nurse@clinic.example', 'alternative-medicine', 'initial', 'nurse', 'Alternative Medicine Initial', 119],
		['Weight loss check-in', 'dr.shivani@clinic.example', 'weight-loss', 'followUp', 'dr-shivani', 'Weight Loss Follow-up', null],
		['GAPS Coaching Follow-up', 'ramona@clinic.example', 'gaps-coaching', 'followUp', 'ramona', 'GAPS Coaching Follow-up', 79],
		['Session with Ramona', 'ramona@clinic.example', 'gaps-coaching', 'followUp', 'ramona', 'GAPS Coaching Follow-up', 79],
		['GAPS Coaching Initial', 'ramona@clinic.example', 'gaps-coaching', 'initial', 'ramona', 'GAPS Coaching Initial', 195],
	])('%s in %s → %s / %s', (subject, mailbox, service, kind, practitioner, typeName, price) => {
		const r = routeBooking(catalog, { event: graphEvent({ subject, mailbox }), mailbox });
		if (!r.ok) throw new Error(r.detail);
		expect(r.value).toMatchObject({ service, kind, practitioner, providerId: provider(practitioner), appointmentTypeId: type(typeName), priceExpected: price });
		expect(r.value.start).toBe('2026-12-01T22:30:00.000Z');
		expect(r.value.durationMinutes).toBe(30);
		expect(r.value.patient).toMatchObject({ firstName: 'Ana', lastName: 'Citizen', email: 'ana.citizen@example.com', phone: '+61400111222', dob: '1988-04-12' });
		expect(r.value.patient.answers).toContainEqual({ question: 'What would you like help with?', answer: 'Energy and sleep' });
	});

	test.each(['Alternative Medicine', 'GAPS Coaching', 'Weight Loss'])('a free initial consultation for %s lands on the Consultant', (svc) => {
		const r = routeBooking(catalog, { event: graphEvent({ subject: `Free Initial Consultation - ${svc}`, mailbox: 'consultant@clinic.example' }), mailbox: 'consultant@clinic.example' });
		if (!r.ok) throw new Error(r.detail);
		expect(r.value).toMatchObject({ kind: 'freeConsultation', practitioner: 'consultant', providerId: provider('consultant'), appointmentTypeId: type('Free Initial Consultation'), priceExpected: 0 });
		expect(r.value.serviceName).toBe(svc);
	});

	test.each([
		['an event whose subject matches no service, for a two-service practitioner', { subject: 'Catch-up', mailbox: 'dr.dia@clinic.example' }, 'ambiguous_service', /delivers alternative-medicine, weight-loss/],
		['a calendar outside the catalog', { subject: 'GAPS Coaching', mailbox: 'someone@else.example' }, 'unknown_practitioner', /not in the Service Catalog|no practitioner/],
	])('Unrouted with a reason: %s', (_l, e, reason, detail) => {
		const r = routeBooking(catalog, { event: graphEvent(e), mailbox: e.mailbox });
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.reason).toBe(reason);
			expect(r.detail).toMatch(detail);
		}
	});

	test('Calendly’s details with only staff attendees is a booking without a patient; no times is Unrouted', () => {
		const e = graphEvent({ subject: 'GAPS Coaching', mailbox: 'ramona@clinic.example', email: 'dr.dia@clinic.example' });
		expect(routeBooking(catalog, { event: e, mailbox: 'ramona@clinic.example' })).toMatchObject({ ok: false, reason: 'no_patient' });
		const noTimes = graphEvent({ subject: 'GAPS Coaching', mailbox: 'ramona@clinic.example' });
		delete noTimes.start;
		expect(routeBooking(catalog, { event: noTimes, mailbox: 'ramona@clinic.example' })).toMatchObject({ ok: false, reason: 'invalid_event' });
		expect(routeBooking(catalog, null as never)).toMatchObject({ ok: false });
	});

	test('routing is configurable: a new wording only needs a new rule', () => {
		const e = graphEvent({ subject: 'Naturheilkunde Termin', mailbox: 'dr.dia@clinic.example' });
		expect(routeBooking(catalog, { event: e, mailbox: 'dr.dia@clinic.example' }).ok).toBe(false);
		const p = JSON.parse(JSON.stringify(catalogParameters()));
		p.routing.values.push({ name: 'German wording', service: 'alternative-medicine', subject: 'naturheilkunde' });
		const c2 = parseCatalog(catalogFromParameters(p));
		const r = routeBooking(c2, { event: e, mailbox: 'dr.dia@clinic.example' });
		expect(r.ok && r.value.service).toBe('alternative-medicine');
	});

	test('a Calendly invitee payload routes the same way, with payment and Calendly URIs', () => {
		const r = routeBooking(catalog, calendlyInvitee({ eventName: 'Weight Loss Follow-up', host: 'nurse@clinic.example', amount: 79 }));
		if (!r.ok) throw new Error(r.detail);
		expect(r.value).toMatchObject({ source: 'calendly', service: 'weight-loss', kind: 'followUp', practitioner: 'nurse', start: '2026-12-02T23:00:00.000Z' });
		expect(r.value.patient).toMatchObject({ firstName: 'Ben', lastName: 'Lee', email: 'ben.lee@example.com', phone: '+61412345678', dob: '1990-07-03' });
		expect(r.value.sourceIds).toMatchObject({ calendlyEventUri: 'https://api.calendly.com/scheduled_events/EV1', paymentId: 'pi_3Q' });
	});
});

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
		// Attendees prove nothing: only what Calendly writes makes an entry a booking.
		['a patient-looking attendee, no Calendly details (an entry made by hand in Outlook)', { subject: 'Alternative Medicine Follow-up', attendees: [{ type: 'required', emailAddress: { name: 'Ana Citizen', address: 'ana.c@example.com' } }] }, 'ignored'],
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

describe('what Route Booking hands the next steps, ready to map', () => {
	test('the appointment notes: the title and the patient’s answers, never their contact details', () => {
		expect(appointmentNotes('GAPS Coaching follow-up', [
			{ question: 'Phone number', answer: '0400 111 222' },
			{ question: 'Date of birth', answer: '1988-04-12' },
			{ question: 'What would you like to discuss?', answer: 'Sleep' },
			{ question: 'Anything else:', answer: 'Bring the letter' },
		])).toBe('Booked via Calendly: GAPS Coaching follow-up. What would you like to discuss: Sleep | Anything else: Bring the letter');
		expect(appointmentNotes('Counseling follow-up', [])).toBe('Booked via Calendly: Counseling follow-up');
	});

	test('a follow-up notice only when something needs a person, with catalog names and reasons only', () => {
		const routed = routeBooking(catalog, { changeType: 'created', mailbox: 'dr.dia@clinic.example', event: graphEvent({ subject: 'Weight Loss Follow-up', mailbox: 'dr.dia@clinic.example' }) });
		expect(routed.ok && routed.value.followUpAlert).toBeNull();
		const free = routeBooking(catalog, { changeType: 'created', mailbox: 'dr.dia@clinic.example', event: graphEvent({ subject: 'Free consultation - Alternative Medicine', mailbox: 'dr.dia@clinic.example' }) });
		expect(free.ok && free.value.followUpAlert).toMatchObject({ kind: 'booking_follow_up', reasons: ['free_consultation_not_on_consultant'], service: 'alternative-medicine', practitioner: 'dr-dia', bookingKind: 'freeConsultation' });
		expect(JSON.stringify(free.ok && free.value.followUpAlert)).not.toMatch(/Ana|Citizen|example\.com/);
	});
});
