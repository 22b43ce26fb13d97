import { catalogFromParameters, CatalogError, parseCatalog, type Catalog } from '../../lib/catalog';
import { toE164, toIsoDate, splitName } from '../../lib/patientFields';
import { listPractitioners, matchPayment, readAnswers, routeBooking, routeForm } from '../../lib/routing';
import { APPOINTMENT_TYPES, PRACTITIONERS } from '../../sandbox/seed';
import { calendlyInvitee, catalogParameters, graphEvent, jotform, shippedCatalog, stripeEvent } from '../helpers/fixtures';

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
		['a bad mailbox', (p: any) => (p.practitioners.values[1].mailbox = 'dr dia'), /practitioners\[dr-dia\]\.mailbox must be an email/],
		['an unknown service on a practitioner', (p: any) => (p.practitioners.values[4].services = 'gaps-coachin'), /practitioners\[ramona\]\.services names "gaps-coachin"/],
		['a provider id that is not a UUID', (p: any) => (p.practitioners.values[2].providerId = 'CAL_002'), /practitioners\[dr-shivani\]\.providerId must be a MediRecords UUID/],
		['a broken routing pattern', (p: any) => (p.routing.values[3].subject = '(GAPS'), /routing\[GAPS Coaching\]\.subject is not a valid pattern/],
		['a duplicate service', (p: any) => p.services.values.push({ ...p.services.values[0] }), /services\[alternative-medicine\] appears twice/],
		['a non-numeric JotForm id', (p: any) => (p.forms.values[0].formId = 'mini'), /forms\[mini\]\.formId must be the numeric JotForm form id/],
		['an open service nobody delivers', (p: any) => p.services.values.push({ ...p.services.values[0], key: 'reiki', name: 'Reiki' }), /services\[reiki\] is active but no practitioner delivers it/],
		['no consultant', (p: any) => (p.practitioners.values[0].consultant = false), /no consultant is marked/],
	])('rejects %s, naming the entry', (_label, mutate, expected) => {
		expect(broken(mutate)).toMatch(expected);
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
		['a waitlisted service (Counseling)', { subject: 'Counseling Session', mailbox: 'counselor1@clinic.example' }, 'service_not_open', /Counseling is on the waitlist/],
		['a waitlisted service free consultation (Equine)', { subject: 'Free Initial Consultation - Equine Therapy', mailbox: 'consultant@clinic.example' }, 'service_not_open', /Equine Therapy is on the waitlist/],
		['a calendar outside the catalog', { subject: 'GAPS Coaching', mailbox: 'someone@else.example' }, 'unknown_practitioner', /not in the Service Catalog|no practitioner/],
		['a service the practitioner does not deliver', { subject: 'GAPS Coaching Follow-up', mailbox: 'dr.dia@clinic.example' }, 'practitioner_not_in_service', /Dr Dia does not deliver/],
		['a free consultation in a practitioner calendar', { subject: 'Free consultation - Alternative Medicine', mailbox: 'dr.dia@clinic.example' }, 'free_consultation_not_on_consultant', /consultant/],
	])('Unrouted with a reason: %s', (_l, e, reason, detail) => {
		const r = routeBooking(catalog, { event: graphEvent(e), mailbox: e.mailbox });
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.reason).toBe(reason);
			expect(r.detail).toMatch(detail);
		}
	});

	test('an event with only staff attendees, or no times, is Unrouted', () => {
		const e = graphEvent({ subject: 'GAPS Coaching', mailbox: 'ramona@clinic.example', email: 'dr.dia@clinic.example' });
		expect(routeBooking(catalog, { event: e, mailbox: 'ramona@clinic.example' })).toMatchObject({ ok: false, reason: 'no_patient' });
		expect(routeBooking(catalog, { event: { subject: 'x' }, mailbox: 'ramona@clinic.example' })).toMatchObject({ ok: false, reason: 'invalid_event' });
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

describe('Route Form: every form type', () => {
	const base = { q3_fullName: { first: 'ana', last: 'CITIZEN' }, q4_email: ' Ana.Citizen@Example.COM ', q5_mobile: { full: '(04) 0011 1222' }, q6_dateOfBirth: { month: '04', day: '12', year: '1988' } };
	test.each([
		['241000000002', 'medical_history', 'alternative-medicine'],
		['241000000003', 'gaps_assessment', 'gaps-coaching'],
		['241000000004', 'weight_loss', 'weight-loss'],
		['241000000005', 'mental_health', 'counseling'],
		['241000000006', 'equine_therapy', 'equine-therapy'],
	])('form %s → %s for %s', (formId, formType, service) => {
		const r = routeForm(catalog, jotform(formId, { ...base, q10_currentMedications: 'Magnesium', q11_empty: '' }));
		if (!r.ok) throw new Error(r.detail);
		expect(r.value).toMatchObject({ formType, service, patient: { firstName: 'Ana', lastName: 'Citizen', email: 'ana.citizen@example.com', phone: '+61400111222', dob: '1988-04-12' } });
		expect(r.value.answers).toEqual([{ key: 'q10_currentMedications', label: 'current Medications', value: 'Magnesium' }]);
	});

	test('mini intake: the service comes from the answer; odd formats are normalised', () => {
		const r = routeForm(catalog, jotform('241000000001', { q3_fullName: 'Citizen, Ana', q4_email: 'ana@example.com', q5_phone: '+61 (0)400 111 222', q6_dateOf: '12/04/1988', q7_whichService: 'GAPS Coaching' }));
		if (!r.ok) throw new Error(r.detail);
		expect(r.value).toMatchObject({ formType: 'mini_intake', service: 'gaps-coaching', patient: { firstName: 'Ana', lastName: 'Citizen', phone: '+61400111222', dob: '1988-04-12' } });
	});

	test('waitlist sign-up for a service not yet open', () => {
		const r = routeForm(catalog, jotform('241000000007', { q3_fullName: { first: 'Cal', last: 'Ng' }, q4_email: 'cal@example.com', q6_service: 'Equine Therapy' }));
		expect(r.ok && r.value).toMatchObject({ formType: 'waitlist', service: 'equine-therapy', patient: { email: 'cal@example.com' } });
	});

	test('missing or unreadable answers are reported, not guessed; unidentifiable patients are Unrouted', () => {
		const r = routeForm(catalog, jotform('241000000002', { q3_fullName: { first: 'Ana', last: 'Citizen' }, q4_email: 'ana@example.com', q5_mobile: { full: 'call me' }, q6_dateOfBirth: { month: '02', day: '30', year: '1988' } }));
		expect(r.ok && r.value.problems).toEqual(['mobile is not a phone number that can be read', 'date Of Birth is not a date that can be read']);
		expect(r.ok && r.value.patient.dob).toBeUndefined();
		expect(routeForm(catalog, jotform('241000000002', { q3_fullName: 'Ana', q4_email: 'not an email' }))).toMatchObject({ ok: false, reason: 'patient_not_identifiable' });
		expect(routeForm(catalog, jotform('999999999', base))).toMatchObject({ ok: false, reason: 'unknown_form' });
		expect(routeForm(catalog, { rawRequest: '{not json' })).toMatchObject({ ok: false, reason: 'no_form_id' });
	});

	test("n8n's JotForm Trigger output (answers by name, no rawRequest) routes too", () => {
		const r = routeForm(catalog, { formID: '241000000003', submissionID: '1', fullName: { first: 'Ana', last: 'Citizen' }, email: 'ana@example.com', mobile: '0400111222', dateOfBirth: '1988-04-12' });
		expect(r.ok && r.value.patient).toMatchObject({ firstName: 'Ana', email: 'ana@example.com', phone: '+61400111222', dob: '1988-04-12' });
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
		expect(free.ok && free.value.practitioners).toEqual([{ key: 'consultant', name: 'Clinic Consultant', calendly: [{ eventType: 'Free Initial Consultation', url: 'https://calendly.com/wholehealth-consultant/free-initial-consultation' }] }]);
		const wait = listPractitioners(catalog, 'counseling');
		expect(wait.ok && wait.value).toMatchObject({ status: 'waitlist', practitioners: [], waitlistFormUrl: 'https://form.jotform.com/241000000007' });
		expect(listPractitioners(catalog, 'astrology')).toMatchObject({ ok: false, reason: 'unknown_service' });
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
