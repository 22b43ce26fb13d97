import { catalogFromParameters, CatalogError, checkCatalog, outOfServiceNote, parseCatalog, type Catalog } from '../../lib/catalog';
import { toE164, toIsoDate, splitName } from '../../lib/patientFields';
import { readAnswers, routeBooking } from '../../lib/booking';
import { routeForm } from '../../lib/forms';
import { etagMatches, listingVersion, listPractitioners, watchedMailboxes, websiteForm } from '../../lib/listing';
import { matchPayment } from '../../lib/payments';
import { checkSubmission, readQuestions, recogniseQuestions } from '../../lib/jotform';
import { APPOINTMENT_TYPES, PRACTITIONERS } from '../../sandbox/seed';
import { buildSubmission, questionsContent } from '../../sandbox/services';
import { calendlyInvitee, catalogParameters, graphEvent, shippedCatalog, stripeEvent } from '../helpers/fixtures';

const catalog: Catalog = shippedCatalog();
const type = (name: string) => APPOINTMENT_TYPES.find((t) => t.name === name)!.id;
const provider = (key: string) => PRACTITIONERS.find((p) => p.key === key)!.providerId;

describe('the shipped catalog', () => {
	test('is valid and agrees with the MediRecords sandbox (providers and appointment types exist)', () => {
		for (const p of catalog.practitioners) expect(PRACTITIONERS.find((x) => x.key === p.key)?.providerId).toBe(p.providerId);
		const typeIds = new Set(APPOINTMENT_TYPES.map((t) => t.id));
		for (const s of catalog.services) for (const id of Object.values(s.appointmentTypes)) expect(typeIds.has(id!)).toBe(true);
		expect(catalog.services.filter((s) => s.status === 'waitlist').map((s) => s.key)).toEqual(['counseling', 'equine-therapy']);
		expect(catalog.services.find((s) => s.key === 'alternative-medicine')!.prices).toEqual({ initial: 119, followUp: 79 });
		expect(catalog.services.find((s) => s.key === 'gaps-coaching')!.prices).toEqual({ initial: 195, followUp: 79 });
		expect(catalog.forms.map((f) => f.type).sort()).toEqual(['equine_therapy', 'gaps_assessment', 'medical_history', 'mental_health', 'mini_intake', 'waitlist', 'weight_loss']);
	});

	const broken = (mutate: (p: ReturnType<typeof catalogParameters>) => void) => {
		const p = JSON.parse(JSON.stringify(catalogParameters()));
		mutate(p);
		try {
			parseCatalog(catalogFromParameters(p));
		} catch (e) {
			expect(e).toBeInstanceOf(CatalogError);
			return (e as CatalogError).problems.join(' | ');
		}
		throw new Error('the broken catalog was accepted');
	};

	test.each([
		['a bad mailbox', (p: any) => (p.practitioners.values[1].mailbox = 'dr dia'), /practitioners\[dr-dia\]: mailbox must be an email/],
		['an unknown service on a practitioner', (p: any) => (p.practitioners.values[4].services = 'gaps-coachin'), /practitioners\[ramona\]: services names service "gaps-coachin"/],
		['a provider id that is not a UUID', (p: any) => (p.practitioners.values[2].providerId = 'CAL_002'), /practitioners\[dr-shivani\]: providerId must be a MediRecords UUID/],
		['a broken routing pattern', (p: any) => (p.routing.values[3].subject = '(GAPS'), /routing\[GAPS Coaching\]: subject is not a valid pattern/],
		['a duplicate service', (p: any) => p.services.values.push({ ...p.services.values[0] }), /services\[alternative-medicine\]: key "alternative-medicine" is already used/],
		['a non-numeric JotForm id', (p: any) => (p.forms.values[0].formId = 'mini'), /forms\[mini\]: formId must be the numeric JotForm form id/],
		['an open service nobody delivers', (p: any) => p.services.values.push({ ...p.services.values[0], key: 'reiki', name: 'Reiki' }), /services\[reiki\]: is active but no practitioner in service delivers it/],
		['no consultant', (p: any) => (p.practitioners.values[0].consultant = false), /no consultant in service is marked/],
	])('reports %s, naming the entry', (_label, mutate, expected) => {
		expect(broken(mutate)).toMatch(expected);
	});

	const checked = (mutate: (p: any) => void) => {
		const p = JSON.parse(JSON.stringify(catalogParameters()));
		mutate(p);
		return checkCatalog(catalogFromParameters(p));
	};

	test('a wrong entry takes only itself out of service; everything else stays', () => {
		const c = checked((p) => (p.practitioners.values[1].mailbox = 'dr.dia.wholehealthclinic.example'));
		expect(c.practitioners.map((p) => p.key)).toEqual(catalog.practitioners.map((p) => p.key).filter((k) => k !== 'dr-dia'));
		expect(c.services).toEqual(catalog.services);
		expect(c.forms).toEqual(catalog.forms);
		expect(c.routing).toEqual(catalog.routing);
		expect(c.problems).toEqual([{ entry: 'practitioners[dr-dia]', problem: 'mailbox must be an email address (the Office 365 mailbox)', outOfService: true }]);
		// Its bookings are unrouted with the entry named; other practitioners still book.
		const lost = routeBooking(c, graphEvent({ mailbox: PRACTITIONERS.find((x) => x.key === 'dr-dia')!.mailbox, subject: 'Alternative Medicine Follow-up' }));
		expect(lost).toMatchObject({ ok: false, reason: 'unknown_practitioner' });
		expect(!lost.ok && lost.detail).toMatch(/practitioners\[dr-dia\]/);
		expect(routeBooking(c, graphEvent({ mailbox: PRACTITIONERS.find((x) => x.key === 'dr-shivani')!.mailbox, subject: 'Alternative Medicine Follow-up' })).ok).toBe(true);
		expect(listPractitioners(c, 'alternative-medicine')).toMatchObject({ ok: true, value: { practitioners: [{ key: 'dr-shivani' }, { key: 'nurse' }] } });
	});

	test('a wrong photo link or an over-long bio is left out; the practitioner stays in service; a wrong contact phone is left out of the clinic', () => {
		const c = checked((p) => {
			p.practitioners.values[1].photoUrl = 'http://example.com/dia.jpg';
			p.practitioners.values[2].bio = 'x'.repeat(401);
			p.clinic.phone = 'call us';
		});
		expect(c.practitioners.map((p) => p.key)).toEqual(catalog.practitioners.map((p) => p.key));
		expect(c.practitioners.find((p) => p.key === 'dr-dia')!.photoUrl).toBeUndefined();
		expect(c.practitioners.find((p) => p.key === 'dr-shivani')!.bio).toBeUndefined();
		expect(c.clinic.phone).toBeUndefined();
		expect(c.problems).toEqual([
			{ entry: 'clinic.phone', problem: expect.stringMatching(/must be a phone number.*left out/), outOfService: false },
			{ entry: 'practitioners[dr-dia]', problem: expect.stringMatching(/^photoUrl must be an https:\/\/ link.*left out/), outOfService: false },
			{ entry: 'practitioners[dr-shivani]', problem: expect.stringMatching(/^bio must be at most 400 characters.*left out/), outOfService: false },
		]);
	});

	test('a mistyped service on a practitioner leaves them their other services; a service nobody delivers keeps its free consultations', () => {
		const c = checked((p) => (p.practitioners.values[4].services = 'gaps-coachin'));
		expect(c.practitioners.find((p) => p.key === 'ramona')).toBeUndefined();
		expect(c.services.map((s) => s.key)).toEqual(catalog.services.map((s) => s.key));
		expect(c.problems.map((p) => [p.entry, p.outOfService])).toEqual([
			['practitioners[ramona]', false],
			['practitioners[ramona]', true],
			['services[gaps-coaching]', false],
		]);
		const free = routeBooking(c, graphEvent({ mailbox: PRACTITIONERS.find((x) => x.key === 'consultant')!.mailbox, subject: 'GAPS Coaching Free Initial Consultation' }));
		expect(free).toMatchObject({ ok: true, value: { kind: 'freeConsultation', service: 'gaps-coaching' } });
	});

	test('a service without an appointment type is out with its forms and rules; the other services are untouched', () => {
		const c = checked((p) => {
			const s = p.services.values.find((x: any) => x.key === 'weight-loss');
			s.initialAppointmentTypeId = '';
			s.followUpAppointmentTypeId = '';
		});
		expect(c.services.map((s) => s.key)).toEqual(catalog.services.map((s) => s.key).filter((k) => k !== 'weight-loss'));
		expect(c.practitioners.map((p) => p.key)).toEqual(catalog.practitioners.map((p) => p.key));
		expect(c.practitioners.every((p) => !p.services.includes('weight-loss'))).toBe(true);
		expect(c.forms.some((f) => f.service === 'weight-loss')).toBe(false);
		expect(c.problems.filter((p) => p.outOfService).map((p) => p.entry)).toEqual(expect.arrayContaining(['services[weight-loss]']));
	});

	test('the problems travel with the checked catalog: checking it again (every later step does) keeps them', () => {
		const c = checked((p) => (p.practitioners.values[1].mailbox = 'dr dia'));
		const again = checkCatalog(JSON.parse(JSON.stringify(c)));
		expect(again).toEqual(c);
		expect(outOfServiceNote(again, 'practitioners')).toMatch(/practitioners\[dr-dia\]/);
		expect(outOfServiceNote(again, 'forms')).toBe('');
	});

	test('only the clinic’s required settings stop the whole catalog; a wrong alert URL is left out', () => {
		expect(() => checked((p) => (p.clinic.timeZone = 'Sydney'))).toThrow(/clinic\.timeZone must be an IANA time zone/);
		const c = checked((p) => (p.clinic.opsAlertUrl = 'not a url'));
		expect(c.clinic.opsAlertUrl).toBeUndefined();
		expect(c.problems).toEqual([expect.objectContaining({ entry: 'clinic.opsAlertUrl', outOfService: false })]);
		expect(c.services).toEqual(catalog.services);
	});

	test('opening a waitlisted service is a one-field change', () => {
		const p = JSON.parse(JSON.stringify(catalogParameters()));
		p.services.values.find((s: { key: string }) => s.key === 'counseling').status = 'active';
		expect(parseCatalog(catalogFromParameters(p)).services.find((s) => s.key === 'counseling')!.status).toBe('active');
	});
});

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

describe('Route Form: JotForm submissions as the API returns them, fields recognised from the questions', () => {
	const questions = (formId: string) => readQuestions(questionsContent(formId));
	const route = (formId: string, answers: Record<string, unknown>, fields?: Record<string, string>) => {
		const c = fields ? { ...catalog, forms: catalog.forms.map((f) => (f.formId === formId ? { ...f, fields } : f)) } : catalog;
		return routeForm(c, { submission: buildSubmission(formId, answers).submission, questions: questions(formId), apiDomain: 'hipaa-api.jotform.com' });
	};
	// JotForm's own generated names: "Phone Number" → phoneNumber, "Date of Birth" → dateOf.
	const base = { fullName: { first: 'ana', last: 'CITIZEN' }, email: ' Ana.Citizen@Example.COM ', phoneNumber: { full: '(04) 0011 1222' }, dateOf: { month: 'April', day: '12', year: '1988' } };
	test.each([
		['241000000002', 'medical_history', 'alternative-medicine'],
		['241000000003', 'gaps_assessment', 'gaps-coaching'],
		['241000000004', 'weight_loss', 'weight-loss'],
		['241000000005', 'mental_health', 'counseling'],
		['241000000006', 'equine_therapy', 'equine-therapy'],
	])('form %s → %s for %s, every identity field read with no field map', (formId, formType, service) => {
		const r = route(formId, { ...base, currentMedications: 'Magnesium', whatBrings: 'Sleep', previousExperience: 'None', digestiveSymptoms: 'Bloating', currentWeight: '80' });
		if (!r.ok) throw new Error(r.detail);
		expect(r.value).toMatchObject({ formType, service, patient: { firstName: 'Ana', lastName: 'Citizen', email: 'ana.citizen@example.com', phone: '+61400111222', dob: '1988-04-12' }, problems: [] });
		expect(r.value.answers.length).toBeGreaterThan(0);
		expect(r.value.submissionUrl).toBe(`https://hipaa.jotform.com/inbox/${formId}/${r.value.submissionId}`);
	});

	test('gender from a radio question, address from an address question; a form without gender gives none', () => {
		const r = route('241000000002', { ...base, gender: 'Female', address: { addr_line1: '1 Main St', addr_line2: '', city: 'Newtown', state: 'NSW', postal: '2042', country: 'Australia' } });
		expect(r.ok && r.value.patient).toMatchObject({ gender: 'F', address: { line1: '1 Main St', suburb: 'Newtown', state: 'NSW', postcode: '2042', country: 'Australia' } });
		const noGender = route('241000000003', base);
		expect(noGender.ok && noGender.value.patient.gender).toBeUndefined();
	});

	test('mini intake: the service comes from the answer; odd formats are normalised', () => {
		const r = route('241000000001', { fullName: { first: 'Ana', last: 'Citizen' }, email: 'ana@example.com', phoneNumber: { full: '+61 (0)400 111 222' }, dateOf: { month: '04', day: '12', year: '1988' }, whichService: 'GAPS Coaching' });
		if (!r.ok) throw new Error(r.detail);
		expect(r.value).toMatchObject({ formType: 'mini_intake', service: 'gaps-coaching', patient: { firstName: 'Ana', lastName: 'Citizen', phone: '+61400111222', dob: '1988-04-12' } });
	});

	test('waitlist sign-up for a service not yet open', () => {
		const r = route('241000000007', { fullName: { first: 'Cal', last: 'Ng' }, email: 'cal@example.com', whichService: 'Equine Therapy' });
		expect(r.ok && r.value).toMatchObject({ formType: 'waitlist', service: 'equine-therapy', patient: { email: 'cal@example.com', lastName: 'Ng' } });
	});

	test('the catalog field map overrides: by generated name, by qN_name, or by label', () => {
		const r = route('241000000005', { ...base, whatBrings: 'call me on 0400 999 888' }, { 'q13_whatBrings': 'notes' });
		expect(r.ok && r.value.patient.notes).toBe('call me on 0400 999 888');
		const byLabel = route('241000000005', { ...base, whatBrings: 'x' }, { 'What brings you to counseling?': 'notes' });
		expect(byLabel.ok && byLabel.value.patient.notes).toBe('x');
	});

	test('an answer for a patient detail that cannot be read is a problem (by label, no value), never dropped silently', () => {
		const r = route('241000000002', { fullName: { first: 'Ana', last: 'Citizen' }, email: 'ana@example.com', phoneNumber: { full: 'call me' }, dateOf: { month: 'February', day: '30', year: '1988' } });
		expect(r.ok && r.value.problems).toEqual(['Phone Number is not a phone number that can be read', 'Date of Birth is not a date that can be read']);
		expect(r.ok && r.value.patient.dob).toBeUndefined();
		expect(route('241000000002', { fullName: { first: 'Ana', last: 'Citizen' }, email: 'not an email' })).toMatchObject({ ok: false, reason: 'patient_not_identifiable' });
		expect(routeForm(catalog, { submission: buildSubmission('241000000099', base).submission, questions: [] })).toMatchObject({ ok: false, reason: 'not_catalog_form' });
	});

	test('names holding markup or links are problems, not patient names', () => {
		const r = route('241000000002', { ...base, fullName: { first: '<b>Ana</b>', last: 'Citizen' } });
		expect(r.ok && r.value.patient).toMatchObject({ lastName: 'Citizen' });
		expect(r.ok && r.value.patient.firstName).toBeUndefined();
		expect(r.ok && r.value.problems).toEqual([expect.stringMatching(/^Full Name is not a name/)]);
		// Without a readable last name there is nobody to create: Unrouted, for a person to enter by hand.
		const link = route('241000000002', { ...base, fullName: { first: 'Ana', last: 'https://evil.example' } });
		expect(link).toMatchObject({ ok: false, reason: 'no_patient_name' });
		expect(!link.ok && link.detail).not.toMatch(/evil/);
	});
});

describe('JotForm submission checks', () => {
	const formIds = catalog.forms.map((f) => f.formId);
	const opts = (nowMs: number) => ({ nowMs, maxAgeMinutes: 60, accountTimeZone: 'America/New_York' });
	test('created_at is read in the account time zone; recent passes, old and future do not', () => {
		const now = Date.UTC(2026, 10, 25, 15, 0); // 10:00 in New York
		const at = (created_at: string, form_id = '241000000002') => checkSubmission({ id: '1', form_id, created_at, status: 'ACTIVE' }, formIds, opts(now));
		expect(at('2026-11-25 09:58:00')).toEqual({ ok: true });
		expect(at('2026-11-25 08:30:00')).toMatchObject({ ok: false, reason: 'stale_submission' });
		expect(at('2026-11-25 11:00:00')).toMatchObject({ ok: false, reason: 'stale_submission' });
		expect(at('not a date')).toMatchObject({ ok: false, reason: 'stale_submission' });
		expect(at('2026-11-25 09:58:00', '241000000099')).toMatchObject({ ok: false, reason: 'not_catalog_form' });
		expect(checkSubmission({ id: '1', form_id: '241000000002', created_at: '2026-11-25 09:58:00', status: 'DELETED' }, formIds, opts(now))).toMatchObject({ ok: false, reason: 'submission_not_active' });
	});

	test('questions are recognised by type first, then label', () => {
		const t = recogniseQuestions(readQuestions(questionsContent('241000000002')));
		expect(Object.fromEntries(t)).toEqual({ '3': 'fullName', '4': 'email', '5': 'phone', '6': 'dob', '8': 'gender', '9': 'address' });
		const text = recogniseQuestions([
			{ qid: '1', name: 'firstName', text: 'First Name', type: 'control_textbox' },
			{ qid: '2', name: 'surname', text: 'Surname', type: 'control_textbox' },
			{ qid: '3', name: 'dateOf', text: 'Date of birth (DD/MM/YYYY)', type: 'control_textbox' },
			{ qid: '4', name: 'mobile', text: 'Mobile', type: 'control_textbox' },
			{ qid: '5', name: 'sex', text: 'Sex', type: 'control_dropdown' },
		]);
		expect(Object.fromEntries(text)).toEqual({ '1': 'firstName', '2': 'lastName', '3': 'dob', '4': 'phone', '5': 'gender' });
	});
});

describe('Match Payment', () => {
	test('a $119 payment is an Alternative Medicine initial consultation', () => {
		const r = matchPayment(catalog, stripeEvent('payment_intent.succeeded', { id: 'pi_1', amount_received: 11900, currency: 'aud', receipt_email: 'Ana@Example.com' }));
		expect(r.ok && r.value).toMatchObject({ service: 'alternative-medicine', kind: 'initial', amount: 119, amountMatches: true, matchedBy: 'amount', email: 'ana@example.com', needsReview: false });
	});

	test('$79 is shared by two services: flagged for review with both candidates; metadata settles it', () => {
		const r = matchPayment(catalog, stripeEvent('charge.succeeded', { id: 'ch_1', payment_intent: 'pi_2', amount: 7900, currency: 'aud' }));
		expect(r.ok && r.value).toMatchObject({ matchedBy: 'none', needsReview: true });
		expect(r.ok && r.value.service).toBeUndefined();
		expect(r.ok && r.value.candidates).toEqual([{ service: 'alternative-medicine', kind: 'followUp' }, { service: 'gaps-coaching', kind: 'followUp' }]);
		const m = matchPayment(catalog, stripeEvent('charge.succeeded', { id: 'ch_2', amount: 7900, currency: 'aud', metadata: { event_type: 'GAPS Coaching Follow-up' } }));
		expect(m.ok && m.value).toMatchObject({ service: 'gaps-coaching', kind: 'followUp', amountMatches: true, matchedBy: 'metadata' });
	});

	test('an amount that does not match the catalog is flagged', () => {
		const r = matchPayment(catalog, stripeEvent('checkout.session.completed', { id: 'cs_1', amount_total: 9900, currency: 'aud', metadata: { service: 'gaps-coaching' } }));
		expect(r.ok && r.value).toMatchObject({ service: 'gaps-coaching', expectedAmount: 79, amountMatches: false, needsReview: true });
	});

	test('a refund is recognised as a refund', () => {
		const r = matchPayment(catalog, stripeEvent('charge.refunded', { id: 'ch_9', payment_intent: 'pi_9', amount: 19500, amount_refunded: 19500, currency: 'aud' }));
		expect(r.ok && r.value).toMatchObject({ refund: true, amount: 195, service: 'gaps-coaching', kind: 'initial', paymentId: 'pi_9' });
	});

	test('other event types and non-events are Unrouted', () => {
		expect(matchPayment(catalog, stripeEvent('customer.created', { id: 'cus_1' }))).toMatchObject({ ok: false, reason: 'ignored_event_type' });
		expect(matchPayment(catalog, { hello: 'world' })).toMatchObject({ ok: false, reason: 'invalid_event' });
	});
});

describe('List Practitioners (website calendar view)', () => {
	test.each([
		['alternative-medicine', ['dr-dia', 'dr-shivani', 'nurse']],
		['weight-loss', ['dr-dia', 'dr-shivani', 'nurse']],
		['gaps-coaching', ['ramona']],
	])('%s shows %j with their Calendly links for that service', (service, keys) => {
		const r = listPractitioners(catalog, service);
		expect(r.ok && r.value.practitioners.map((p) => p.key)).toEqual(keys);
		if (r.ok) for (const p of r.value.practitioners) expect(p.calendly.length).toBe(service === 'gaps-coaching' ? 2 : 1);
	});

	test('free consultation → the Consultant; a waitlisted service → the waitlist form', () => {
		const free = listPractitioners(catalog, 'GAPS Coaching', 'freeConsultation');
		expect(free.ok && free.value.practitioners).toEqual([{ key: 'consultant', name: 'Clinic Consultant', bio: expect.any(String), calendly: [{ eventType: 'Free Initial Consultation', url: 'https://calendly.com/wholehealth-consultant/free-initial-consultation' }] }]);
		const wait = listPractitioners(catalog, 'counseling');
		expect(wait.ok && wait.value).toMatchObject({ status: 'waitlist', practitioners: [], waitlistFormUrl: 'https://form.jotform.com/241000000007' });
		expect(listPractitioners(catalog, 'astrology')).toMatchObject({ ok: false, reason: 'unknown_service' });
	});

	test('the form after booking: the mini intake after a free consultation, the service’s own after a follow-up, the waitlist form while waitlisted; the clinic’s contact for the fallback', () => {
		const form = (service: string, kind: 'freeConsultation' | 'followUp' = 'followUp') => {
			const r = listPractitioners(catalog, service, kind);
			return r.ok ? r.value.form : undefined;
		};
		const prefill = { firstName: 'name[first]', lastName: 'name[last]', email: 'email' };
		expect(form('gaps-coaching', 'freeConsultation')).toEqual({ type: 'mini_intake', url: 'https://form.jotform.com/241000000001', prefill });
		expect(form('gaps-coaching')).toEqual({ type: 'gaps_assessment', url: 'https://form.jotform.com/241000000003', prefill });
		expect(form('weight-loss')).toMatchObject({ type: 'weight_loss', url: 'https://form.jotform.com/241000000004' });
		expect(form('alternative-medicine')).toMatchObject({ type: 'medical_history' });
		expect(form('counseling')).toMatchObject({ type: 'waitlist', url: 'https://form.jotform.com/241000000007' });
		const r = listPractitioners(catalog, 'gaps-coaching');
		expect(r.ok && r.value.contact).toEqual({ clinic: 'Whole Health Clinic', phone: '02 9000 0000', email: 'hello@wholehealthclinic.example' });
		expect(r.ok && r.value.practitioners[0]).toMatchObject({ key: 'ramona', bio: expect.stringMatching(/GAPS/) });
	});

	test('prefill names follow the form’s Field Map when it names the name or email question', () => {
		expect(websiteForm({ formId: '241000000009', type: 'mini_intake', fields: { q3_fullName3: 'fullName', q4_yourEmail: 'email' } })).toEqual({
			type: 'mini_intake',
			url: 'https://form.jotform.com/241000000009',
			prefill: { firstName: 'fullName3[first]', lastName: 'fullName3[last]', email: 'yourEmail' },
		});
		expect(websiteForm({ formId: '241000000009', type: 'mini_intake', fields: { first: 'firstName', last: 'lastName' } }).prefill).toEqual({ firstName: 'first', lastName: 'last', email: 'email' });
	});
});

describe('patient field normalisation', () => {
	test.each([
		['0400 111 222', 'AU', '+61400111222'],
		['+61 (0)400 111 222', 'AU', '+61400111222'],
		['(02) 9999 0000', 'AU', '+61299990000'],
		['0061 400 111 222', 'AU', '+61400111222'],
		['021 123 4567', 'NZ', '+64211234567'],
		['(415) 555-0100', 'US', '+14155550100'],
		['call me', 'AU', undefined],
	])('phone %s (%s) → %s', (raw, c, out) => expect(toE164(raw, c)).toBe(out));

	test.each([
		['12/04/1988', '1988-04-12'],
		['1988-04-12', '1988-04-12'],
		['12 Apr 1988', '1988-04-12'],
		['April 12, 1988', '1988-04-12'],
		['30/02/1988', undefined],
		['yesterday', undefined],
	])('dob %s → %s', (raw, out) => expect(toIsoDate(raw)).toBe(out));

	test('names and Calendly body answers', () => {
		expect(splitName('Ana María de la Cruz')).toEqual({ firstName: 'Ana', lastName: 'María de la Cruz' });
		expect(readAnswers('Phone: 0400\n\nWhy?\nBecause')).toEqual([{ question: 'Phone', answer: '0400' }, { question: 'Why?', answer: 'Because' }]);
	});
});

describe('only watched calendars are listed', () => {
	const now = Date.parse('2026-11-25T00:00:00Z');
	const mailboxOf = (key: string) => catalog.practitioners.find((p) => p.key === key)!.mailbox;
	test('a row counts while its subscription lives; empty, past, unreadable or missing rows do not', () => {
		const rows = [
			{ mailbox: mailboxOf('dr-dia').toUpperCase(), watchedUntil: '2026-11-28T00:00:00Z' },
			{ mailbox: mailboxOf('dr-shivani'), watchedUntil: '' },
			{ mailbox: mailboxOf('nurse'), watchedUntil: '2026-11-24T23:59:59Z' },
			{ mailbox: mailboxOf('consultant'), watchedUntil: 'soon' },
			{ error: 'Data table not found' },
			null,
		];
		expect([...watchedMailboxes(rows, now)]).toEqual([mailboxOf('dr-dia')]);
		expect(watchedMailboxes({ error: 'x' }, now).size).toBe(0);
	});
	test('the listing holds back practitioners whose calendar is not watched, and the consultant too', () => {
		const watched = new Set([mailboxOf('dr-dia'), mailboxOf('nurse')]);
		expect(listPractitioners(catalog, 'weight-loss', 'followUp', watched)).toMatchObject({ ok: true, value: { practitioners: [{ key: 'dr-dia' }, { key: 'nurse' }] } });
		expect(listPractitioners(catalog, 'weight-loss', 'freeConsultation', watched)).toMatchObject({ ok: true, value: { practitioners: [] } });
		expect(listPractitioners(catalog, 'weight-loss', 'freeConsultation', new Set([mailboxOf('consultant')]))).toMatchObject({ ok: true, value: { practitioners: [{ key: 'consultant' }] } });
		// Without a report (not wired), everyone in the catalog.
		expect(listPractitioners(catalog, 'weight-loss').ok && listPractitioners(catalog, 'weight-loss').value.practitioners).toHaveLength(3);
	});
});

describe('listing versions (ETag)', () => {
	test('If-None-Match matches the current version strong, weak, in a list or as *; nothing else', () => {
		const v = 'abcDEF0123456789_-abcd';
		expect(etagMatches(`"${v}"`, v)).toBe(true);
		expect(etagMatches(`W/"${v}"`, v)).toBe(true);
		expect(etagMatches(`"old", W/"${v}"`, v)).toBe(true);
		expect(etagMatches('*', v)).toBe(true);
		expect(etagMatches(v, v)).toBe(false);
		expect(etagMatches('"other"', v)).toBe(false);
		expect(etagMatches('', v)).toBe(false);
		expect(etagMatches(`"${v}", `.repeat(200), v)).toBe(false);
	});

	test('the version changes with the listing and only with it', () => {
		const a = listPractitioners(catalog, 'gaps-coaching');
		const b = listPractitioners(catalog, 'gaps-coaching');
		const c = listPractitioners(catalog, 'weight-loss');
		if (!a.ok || !b.ok || !c.ok) throw new Error('listing failed');
		expect(listingVersion(a.value)).toBe(listingVersion(b.value));
		expect(listingVersion(a.value)).not.toBe(listingVersion(c.value));
		expect(listingVersion({ ...a.value, prices: { ...a.value.prices, followUp: 80 } })).not.toBe(listingVersion(a.value));
	});
});
