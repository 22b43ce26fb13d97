/**
 * Bookings as Calendly really writes them into Outlook (sandbox/calendly.ts, from Calendly's and Graph's
 * documentation): the default title "<Invitee> and <Host>", the event type on the "Event Name:" line, the
 * invitee's answers, and the practitioners' own entries Graph reports alongside them.
 */
import { catalogFromParameters, parseCatalog, type Catalog } from '../../../lib/catalog';
import { routeCalendarChange, routeCalendlyInvitee, type CalendarChange } from '../../../lib/sources/booking';
import { calendlyOutlookEvent, type CalendlyBooking } from '../../../sandbox/calendly';
import { APPOINTMENT_TYPES } from '../../../sandbox/seed';
import { calendlyInvitee, catalogParameters, shippedCatalog } from '../../helpers/fixtures';

const catalog: Catalog = shippedCatalog();
const type = (name: string) => APPOINTMENT_TYPES.find((t) => t.name === name)!.id;
const when = { start: { dateTime: '2027-02-01T23:00:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2027-02-01T23:30:00.0000000', timeZone: 'UTC' } };

function change(b: Partial<CalendlyBooking> & { mailbox: string; eventType: string }, c: Catalog = catalog, over: Record<string, unknown> = {}): CalendarChange {
	const event = { id: 'AAMkAGI2-shape', ...calendlyOutlookEvent({ invitee: { name: 'Ana Citizen', email: 'ana.c@example.com' }, ...when, ...b }), ...over };
	return routeCalendarChange(c, { changeType: 'created', mailbox: b.mailbox, eventId: event.id, event });
}

function booked(ch: CalendarChange) {
	if (ch.route !== 'booking') throw new Error(`expected a booking, got ${JSON.stringify(ch)}`);
	return ch.value;
}

describe('Calendly’s default title names people, not services: the "Event Name:" line routes', () => {
	test.each([
		['dr.dia@clinic.example', 'Weight Loss Follow-up', 'weight-loss', 'Weight Loss Follow-up'],
		['dr.dia@clinic.example', 'Alternative Medicine Follow-up', 'alternative-medicine', 'Alternative Medicine Follow-up'],
		['dr.shivani@clinic.example', 'Weight Loss Follow-up', 'weight-loss', 'Weight Loss Follow-up'],
		['dr.shivani@clinic.example', 'Alternative Medicine Follow-up', 'alternative-medicine', 'Alternative Medicine Follow-up'],
		['nurse@clinic.example', 'Weight Loss Follow-up', 'weight-loss', 'Weight Loss Follow-up'],
		['nurse@clinic.example', 'Alternative Medicine Follow-up', 'alternative-medicine', 'Alternative Medicine Follow-up'],
		['ramona@clinic.example', 'GAPS Coaching Initial', 'gaps-coaching', 'GAPS Coaching Initial'],
		['ramona@clinic.example', 'GAPS Coaching Follow-up', 'gaps-coaching', 'GAPS Coaching Follow-up'],
	])('"Ana Citizen and <host>" in %s, Event Name "%s" → %s', (mailbox, eventType, service, typeName) => {
		const b = booked(change({ mailbox, eventType }));
		expect(b.subject).toMatch(/^Ana Citizen and /);
		expect(b).toMatchObject({ service, appointmentTypeId: type(typeName), matchedRule: `Calendly event type: ${eventType}`, attention: [] });
	});

	test('a customised title with the event type in it routes without the "Event Name:" line matching a link', () => {
		const b = booked(change({ mailbox: 'dr.dia@clinic.example', eventType: 'Weight Loss Check-in', title: 'Weight Loss Follow-up: Ana Citizen' }));
		expect(b).toMatchObject({ service: 'weight-loss', kind: 'followUp' });
	});

	test('a patient called "Weight" booking an Alternative Medicine follow-up is not booked for Weight Loss', () => {
		const b = booked(change({ mailbox: 'dr.dia@clinic.example', eventType: 'Alternative Medicine Follow-up', invitee: { name: 'Sam Weight', email: 'sam.w@example.com' } }));
		expect(b.service).toBe('alternative-medicine');
	});
});

describe('free consultations: the service from the patient’s answer, or a per-service event type', () => {
	const ask = (answer: string): Partial<CalendlyBooking> & { mailbox: string; eventType: string } => ({
		mailbox: 'consultant@clinic.example',
		eventType: 'Free Initial Consultation',
		answers: [['Which service are you interested in?', answer]],
	});

	test.each([
		['Weight Loss', 'weight-loss'],
		['GAPS coaching', 'gaps-coaching'],
		['counseling', 'counseling'],
	])('answer "%s" → a free consultation for %s on the Consultant', (answer, service) => {
		const b = booked(change(ask(answer)));
		expect(b).toMatchObject({ kind: 'freeConsultation', service, practitioner: 'consultant', appointmentTypeId: type('Free Initial Consultation'), priceExpected: 0 });
	});

	test('no answer (a patient called "Weight" included): stops naming the question to make required', () => {
		const ch = change({ mailbox: 'consultant@clinic.example', eventType: 'Free Initial Consultation', invitee: { name: 'Sam Weight', email: 'sam.w@example.com' } });
		expect(ch).toMatchObject({ route: 'unrouted', reason: 'ambiguous_service' });
		if (ch.route === 'unrouted') expect(ch.detail).toMatch(/Which service are you interested in\?/);
	});

	test('a clinic that gives each service its own consultation event type; a clinic that words the question its own way', () => {
		const params = catalogParameters();
		const practitioners = (params.practitioners as { values: Array<Record<string, unknown>> }).values;
		const consultant = practitioners.find((p) => p.key === 'consultant')!;
		consultant.calendlyLinks = 'Free Consultation: Equine Therapy | https://calendly.com/wholehealth-consultant/equine | equine-therapy | freeConsultation';
		(params.clinic as Record<string, unknown>).serviceQuestion = 'What can we help with';
		const own = parseCatalog(catalogFromParameters(params));
		expect(booked(change({ mailbox: 'consultant@clinic.example', eventType: 'Free Consultation: Equine Therapy' }, own))).toMatchObject({ kind: 'freeConsultation', service: 'equine-therapy' });
		expect(booked(change({ mailbox: 'consultant@clinic.example', eventType: 'Discovery call', answers: [['What can we help with?', 'Weight Loss']] }, own))).toMatchObject({ kind: 'freeConsultation', service: 'weight-loss' });
	});

	test('Calendly’s own webhook body takes the same path', () => {
		const body = calendlyInvitee({ eventName: 'Free Initial Consultation', host: 'consultant@clinic.example' });
		(body.payload as { questions_and_answers: unknown[] }).questions_and_answers.push({ question: 'Which service are you interested in?', answer: 'GAPS Coaching' });
		const r = routeCalendlyInvitee(catalog, body);
		expect(r.ok && r.value).toMatchObject({ kind: 'freeConsultation', service: 'gaps-coaching', patient: { mobilePhone: '+61412345678' } });
	});
});

describe('a practitioner’s own entries are never bookings, whoever is invited', () => {
	const own = (over: Record<string, unknown>) => {
		const ev = { id: 'AAMk-own', subject: 'Dinner', start: when.start, end: when.end, organizer: { emailAddress: { name: 'Dr Dia', address: 'dr.dia@clinic.example' } }, body: { contentType: 'html', content: '<html><body><div>See you there</div></body></html>' }, attendees: [{ type: 'required', emailAddress: { name: 'Sam Spouse', address: 'sam@home.example' } }], sensitivity: 'normal', isAllDay: false, type: 'singleInstance', showAs: 'busy', ...over };
		return routeCalendarChange(catalog, { changeType: 'created', mailbox: 'dr.dia@clinic.example', eventId: ev.id, event: ev });
	};
	test.each([
		['a private dinner with her spouse invited', { sensitivity: 'private' }],
		['a recurring supervision meeting (the series)', { subject: 'Counseling supervision', type: 'seriesMaster', recurrence: { pattern: { type: 'weekly', interval: 1 } } }],
		['one occurrence of it', { subject: 'Counseling supervision', type: 'occurrence', seriesMasterId: 'AAMk-series' }],
		['an all-day open day with a volunteer', { subject: 'Open day', isAllDay: true, start: { dateTime: '2027-02-01T00:00:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2027-02-02T00:00:00.0000000', timeZone: 'UTC' } }],
		['a tentative "free" hold', { showAs: 'free', subject: 'Hold for Weight Loss Follow-up' }],
		['a declined invitation', { responseStatus: { response: 'declined' }, subject: 'Counseling Session review' }],
	])('%s → ignored, no alert, nothing kept', (_l, over) => {
		const ch = own(over);
		expect(ch).toEqual({ route: 'ignored', value: { reason: 'not_a_booking', eventId: 'AAMk-own', practitioner: 'dr-dia' } });
	});

	test('an all-day entry or a series is never a booking, even with Calendly’s lines pasted in', () => {
		const pasted = calendlyOutlookEvent({ mailbox: 'dr.dia@clinic.example', eventType: 'Weight Loss Follow-up', invitee: { name: 'Ana Citizen', email: 'ana.c@example.com' }, ...when });
		expect(own({ ...pasted, isAllDay: true }).route).toBe('ignored');
		expect(own({ ...pasted, type: 'occurrence' }).route).toBe('ignored');
	});
});

describe('phones: the invitee’s own answer only, by the numbering plan', () => {
	test('the reception number Calendly copies from the event type’s description is never the patient’s', () => {
		const b = booked(
			change({
				mailbox: 'ramona@clinic.example',
				eventType: 'GAPS Coaching Follow-up',
				eventTypeDescription: 'Questions before your visit? Phone: 02 9000 0000',
				answers: [['Date of Birth', '12/04/1988']],
			}),
		);
		expect(b.patient).not.toHaveProperty('phone');
		expect(b.patient).not.toHaveProperty('mobilePhone');
		expect(b.patient).not.toHaveProperty('homePhone');
	});

	test('a landline goes to the home phone; a mobile to the mobile (SMS reminders)', () => {
		expect(booked(change({ mailbox: 'ramona@clinic.example', eventType: 'GAPS Coaching Follow-up', answers: [['Phone Number', '(02) 9876 5432']] })).patient).toMatchObject({ homePhone: '+61298765432', phone: '+61298765432' });
		const mobile = booked(change({ mailbox: 'ramona@clinic.example', eventType: 'GAPS Coaching Follow-up', answers: [['Phone Number', '0412 345 678']] })).patient;
		expect(mobile).toMatchObject({ mobilePhone: '+61412345678' });
		expect(mobile).not.toHaveProperty('homePhone');
	});

	test('a mistyped number is not written: the booking is placed and ops are asked to get the number, without it', () => {
		const b = booked(change({ mailbox: 'ramona@clinic.example', eventType: 'GAPS Coaching Follow-up', answers: [['Phone Number', '0412 345 67a']] }));
		expect(b.patient).not.toHaveProperty('mobilePhone');
		expect(b.followUpAlert).toMatchObject({ reasons: ['phone_unreadable'] });
		expect(JSON.stringify(b.followUpAlert)).not.toMatch(/0412|345|67a/);
	});

	test('an 80,000-character invitee with Calendly’s lines: a reason for ops, never a crash', () => {
		const ch = change({ mailbox: 'ramona@clinic.example', eventType: 'GAPS Coaching Follow-up', invitee: { name: `${'x'.repeat(40_000)} ${'<'.repeat(40_000)}`, email: `${'a.'.repeat(40_000)}@example.com` } });
		expect(ch).toMatchObject({ route: 'unrouted', reason: 'patient_name_unreadable' });
	});

	test('names: Calendly’s one string splits as JotForm’s two boxes do', () => {
		const b = booked(change({ mailbox: 'ramona@clinic.example', eventType: 'GAPS Coaching Follow-up', invitee: { name: 'Ana María de la Cruz', email: 'ana.maria@example.com' } }));
		expect(b.patient).toMatchObject({ firstName: 'Ana María', lastName: 'de la Cruz' });
	});
});
