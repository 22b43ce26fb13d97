import type { Catalog } from '../../../lib/catalog';
import { routeForm } from '../../../lib/sources/forms';
import { readQuestions } from '../../../lib/sources/jotform';
import { buildSubmission, questionsContent } from '../../../sandbox/services';
import { shippedCatalog } from '../../helpers/fixtures';

const catalog: Catalog = shippedCatalog();

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
