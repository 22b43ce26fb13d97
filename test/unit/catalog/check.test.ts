import { catalogFromParameters, CatalogError, checkCatalog, outOfServiceNote, parseCatalog, type Catalog } from '../../../lib/catalog';
import { routeBooking } from '../../../lib/sources/booking';
import { listPractitioners } from '../../../lib/catalog/listing';
import { APPOINTMENT_TYPES, PRACTITIONERS } from '../../../sandbox/seed';
import { catalogParameters, graphEvent, shippedCatalog } from '../../helpers/fixtures';

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
