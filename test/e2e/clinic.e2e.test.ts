import { writeFileSync } from 'fs';
import path from 'path';
import { PRACTITIONERS } from '../../sandbox/seed';
import { HARNESS, N8N_VERSION, OPS_KEY, packPackage } from './harness';
import { startWorld, stopWorld, waitFor, type World } from './context';
import { book, newPatient, patientsByEmail } from './scenarios';

let w: World;
beforeAll(async () => {
	w = await startWorld('e2e-clinic', 5720, 'regular', packPackage());
	await waitFor('subscriptions', () => w.graph.subscriptions.size === 8, 120_000, 500);
	await waitFor('JotForm webhooks registered', () => w.jotform.webhooks.size === 7, 60_000);
	await waitFor('Stripe endpoint registered', () => w.stripe.endpoints.size === 1, 60_000);
}, 600_000);
afterAll(async () => stopWorld(w));

const mailbox = (key: string) => PRACTITIONERS.find((p) => p.key === key)!.mailbox;
const answers = (email: string, last: string, phone = '(04) 0011 1222') => ({
	q3_fullName: { first: 'maya', last: last.toUpperCase() },
	q4_email: ` ${email.toUpperCase()} `,
	q5_mobile: { full: phone },
	q5_phone: { full: phone },
	q6_dateOfBirth: { month: '07', day: '03', year: '1990' },
	q6_dateOf: { month: '07', day: '03', year: '1990' },
	q8_gender: 'Female',
	q10_currentMedications: 'Magnesium',
});

describe(`forms, waitlist, payments and the website endpoint in real n8n ${N8N_VERSION}`, () => {
	test.each([
		['241000000001', 'mini intake'],
		['241000000002', 'medical history'],
		['241000000003', 'GAPS assessment'],
		['241000000004', 'weight loss'],
		['241000000005', 'mental health'],
		['241000000006', 'equine therapy'],
	])('JotForm %s (%s): patient created from the form, then updated by a second submission', async (formId) => {
		const email = `maya.${formId}.${Date.now() % 100000}@example.com`;
		const last = `Form${formId.slice(-1)}x${Date.now() % 1000}`;
		const sent = await w.jotform.submit(formId, { ...answers(email, last), q7_whichService: 'GAPS Coaching' });
		expect(sent.map((s) => s.status)).toEqual([200]);
		const [created] = await waitFor('patient from the form', () => patientsByEmail(w, email).length && patientsByEmail(w, email), 60_000);
		expect(created).toMatchObject({ firstName: 'Maya', lastName: last.charAt(0) + last.slice(1).toLowerCase(), email, mobilePhone: '+61400111222', dob: '1990-07-03' });
		await w.jotform.submit(formId, answers(email, last, '0400 222 333'));
		await waitFor('updated phone', () => patientsByEmail(w, email)[0]?.mobilePhone === '+61400222333', 60_000);
		expect(patientsByEmail(w, email)).toHaveLength(1);
	});

	test('waitlist: signing up twice is stored once; launching the service emails each person once and marks them notified', async () => {
		const email = `wait.${Date.now() % 100000}@example.com`;
		// Weight Loss is open in the shipped catalog; people can still be on its waitlist from before it opened.
		for (let i = 0; i < 2; i++) await w.jotform.submit('241000000007', { q3_fullName: { first: 'Cal', last: 'Ng' }, q4_email: email, q5_phone: { full: '0400 333 444' }, q6_service: 'Weight Loss' });
		const other = `wait.other.${Date.now() % 100000}@example.com`;
		await w.jotform.submit('241000000007', { q3_fullName: { first: 'Dee', last: 'Ong' }, q4_email: other, q6_service: 'Counseling' });
		await new Promise((r) => setTimeout(r, 3000));
		const launch = async (service: string) => {
			const res = await fetch(`${w.n8n.url}/webhook/launch-service`, { method: 'POST', headers: { 'X-Ops-Key': OPS_KEY, 'content-type': 'application/json' }, body: JSON.stringify({ service }) });
			await res.text();
			return res.status;
		};
		// A service still on the waitlist in the catalog cannot be launched: nobody is emailed.
		expect(await launch('equine-therapy')).toBe(500);
		expect(await launch('weight-loss')).toBe(200);
		const mails = await waitFor('launch email', () => w.smtp.mails.filter((m) => m.to.includes(email)).length && w.smtp.mails.filter((m) => m.to.includes(email)), 30_000);
		expect(mails).toHaveLength(1);
		// The body is quoted-printable: undo soft line breaks and escapes before reading it.
		mails[0].data = mails[0].data.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
		expect(mails[0].data).toMatch(/Weight Loss is now open/);
		expect(mails[0].data).toMatch(/calendly\.com\/wholehealth-consultant\/free-initial-consultation/);
		expect(w.smtp.mails.some((m) => m.to.includes(other))).toBe(false);
		await launch('weight-loss');
		await new Promise((r) => setTimeout(r, 1500));
		expect(w.smtp.mails.filter((m) => m.to.includes(email))).toHaveLength(1);
	});

	test('a Stripe payment is recorded on the patient’s next appointment, once even if Stripe delivers it twice', async () => {
		const p = newPatient('pay');
		const { appt } = await book(w, mailbox('dr-dia'), 'Alternative Medicine Initial Consultation', p);
		const obj = { id: 'pi_clinic_1', object: 'payment_intent', amount_received: 11900, currency: 'aud', receipt_email: p.email, metadata: {} };
		const id = `evt_pay_${Date.now()}`;
		expect((await w.stripe.send('payment_intent.succeeded', obj, id)).map((d) => d.status)).toEqual([200]);
		await w.stripe.send('payment_intent.succeeded', obj, id);
		await waitFor('payment note', () => String(w.mr.state.appointments.get(appt.id)?.notes).includes('Paid 119.00 AUD (pi_clinic_1)'), 60_000);
		await new Promise((r) => setTimeout(r, 2000));
		expect(String(w.mr.state.appointments.get(appt.id)?.notes).match(/Paid 119/g)).toHaveLength(1);
		expect(String(w.mr.state.appointments.get(appt.id)?.notes)).not.toMatch(/CHECK AMOUNT/);
	});

	test('a wrong amount is recorded and flagged to ops; a payment with no booking is flagged; a forged signature is refused', async () => {
		const p = newPatient('wrong');
		const { appt } = await book(w, mailbox('ramona'), 'GAPS Coaching Follow-up', p);
		const before = w.alerts.alerts.length;
		await w.stripe.send('payment_intent.succeeded', { id: 'pi_wrong', amount_received: 9900, currency: 'aud', receipt_email: p.email, metadata: { service: 'gaps-coaching' } });
		const flag = await waitFor('amount flag', () => w.alerts.alerts.slice(before).find((a) => a.paymentId === 'pi_wrong'), 60_000);
		expect(flag).toMatchObject({ kind: 'payment_review', reason: 'amount_mismatch', amount: 99, expected: 79, service: 'gaps-coaching' });
		expect(JSON.stringify(flag)).not.toContain(p.email);
		expect(String(w.mr.state.appointments.get(appt.id)?.notes)).toMatch(/Paid 99\.00 AUD \(pi_wrong\) - CHECK AMOUNT/);

		await w.stripe.send('payment_intent.succeeded', { id: 'pi_orphan', amount_received: 19500, currency: 'aud', receipt_email: 'nobody.booked@example.com' });
		const orphan = await waitFor('no-booking flag', () => w.alerts.alerts.find((a) => a.paymentId === 'pi_orphan'), 60_000);
		expect(orphan).toMatchObject({ reason: 'no_booking', service: 'gaps-coaching' });

		const forged = await w.stripe.send('payment_intent.succeeded', { id: 'pi_forged', amount_received: 100, currency: 'aud' }, undefined, { badSignature: true });
		expect(forged.map((d) => d.status)).toEqual([401]);
	});

	test('the website gets each service’s practitioners and Calendly links, the Consultant for free consultations, or the waitlist form; CORS only for the clinic site', async () => {
		const get = (q: string) => fetch(`${w.n8n.url}/webhook/service-calendars?${q}`, { headers: { Origin: 'https://www.wholehealthclinic.example' } });
		const gaps = await get('service=gaps-coaching');
		expect(gaps.status).toBe(200);
		expect(gaps.headers.get('access-control-allow-origin')).toBe('https://www.wholehealthclinic.example');
		const body = (await gaps.json()) as { practitioners: Array<{ key: string; calendly: Array<{ url: string }> }>; prices: { initial: number } };
		expect(body.practitioners.map((p) => p.key)).toEqual(['ramona']);
		expect(body.prices.initial).toBe(195);
		const alt = (await (await get('service=alternative-medicine')).json()) as { practitioners: Array<{ key: string }> };
		expect(alt.practitioners.map((p) => p.key)).toEqual(['dr-dia', 'dr-shivani', 'nurse']);
		const free = (await (await get('service=weight-loss&kind=freeConsultation')).json()) as { practitioners: Array<{ key: string }> };
		expect(free.practitioners.map((p) => p.key)).toEqual(['consultant']);
		const wait = (await (await get('service=counseling')).json()) as { status: string; waitlistFormUrl: string; practitioners: unknown[] };
		expect(wait).toMatchObject({ status: 'waitlist', practitioners: [], waitlistFormUrl: 'https://form.jotform.com/241000000007' });
		const unknown = await get('service=astrology');
		expect(unknown.status).toBe(404);
	});

	test('latency from Graph notification to MediRecords appointment, 50 bookings', async () => {
		const ms: number[] = [];
		for (let i = 0; i < 50; i++) {
			const who = ['dr-dia', 'dr-shivani', 'nurse', 'ramona'][i % 4];
			const subject = who === 'ramona' ? 'GAPS Coaching Follow-up' : 'Alternative Medicine Follow-up';
			ms.push((await book(w, mailbox(who), subject, newPatient('bench'))).ms);
		}
		ms.sort((a, b) => a - b);
		const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];
		const result = { n8n: N8N_VERSION, bookings: ms.length, medianMs: q(0.5), p90Ms: q(0.9), maxMs: ms[ms.length - 1], minMs: ms[0], n8nMainRssMiB: w.n8n.rssMiB() };
		writeFileSync(path.join(HARNESS, '.run', 'latency.json'), JSON.stringify(result, null, 2));
		process.stdout.write(`\nGraph notification → MediRecords appointment over ${ms.length} bookings: median ${result.medianMs} ms, p90 ${result.p90Ms} ms, max ${result.maxMs} ms (n8n ${N8N_VERSION}, regular mode)\n`);
		expect(ms).toHaveLength(50);
	});
});
