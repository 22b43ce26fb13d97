import type { Catalog } from '../../../lib/catalog';
import { etagMatches, listingVersion, listPractitioners, watchedMailboxes, websiteForm } from '../../../lib/catalog/listing';
import { APPOINTMENT_TYPES } from '../../../sandbox/seed';
import { shippedCatalog } from '../../helpers/fixtures';

const catalog: Catalog = shippedCatalog();
const type = (name: string) => APPOINTMENT_TYPES.find((t) => t.name === name)!.id;

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
		// The same rows as the workflow hands them over: n8n items ($('Watched Calendars').all()).
		expect([...watchedMailboxes(rows.map((json) => ({ json, pairedItem: { item: 0 } })), now)]).toEqual([mailboxOf('dr-dia')]);
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
