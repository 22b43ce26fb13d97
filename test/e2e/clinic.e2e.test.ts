import { readdirSync, readFileSync, writeFileSync } from 'fs';
import path from 'path';
import { PRACTITIONERS } from '../../sandbox/seed';
import { HARNESS, N8N_VERSION, OPS_KEY, packPackage, ROOT } from '../../local/n8n';
import { startWorld, stopWorld, waitFor, readable, type World } from './context';
import { book, letters, newPatient, patientsByEmail } from './scenarios';
import { startFrontDoor } from '../helpers/caddy';

let w: World;
beforeAll(async () => {
	w = await startWorld('e2e-clinic', 'regular', packPackage());
	await waitFor('subscriptions', () => w.graph.subscriptions.size === 8, 120_000, 500);
	await waitFor('JotForm webhooks registered', () => w.jotform.webhooks.size === 7, 60_000);
	await waitFor('Stripe endpoint registered', () => w.stripe.endpoints.size === 1, 60_000);
}, 600_000);
afterAll(async () => stopWorld(w));

const mailbox = (key: string) => PRACTITIONERS.find((p) => p.key === key)!.mailbox;

/** The Payment Ledger data table as n8n holds it. */
function paymentLedger(): Array<Record<string, string | number | null>> {
	const [row] = w.n8n.query(`SELECT id FROM data_table WHERE name = 'Payment Ledger'`, ['id']);
	if (!row) return [];
	const columns = ['stripeEventId', 'paymentId', 'state', 'reason', 'appointmentId', 'waitUntil'];
	return w.n8n.query(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "data_table_user_${String(row[0])}"`, columns).map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
}
// Answers by the names JotForm generates from the labels ("Phone Number" → phoneNumber, "Date of Birth" → dateOf).
const answers = (email: string, last: string, phone?: string) => ({
	fullName: { first: 'maya', last: last.toUpperCase() },
	email: ` ${email.toUpperCase()} `,
	...(phone ? { phoneNumber: { full: phone } } : {}),
	dateOf: { month: 'July', day: '3', year: '1990' },
	gender: 'Female',
	currentMedications: 'Magnesium',
});

/** An e-mail's text with quoted-printable soft line breaks and escapes undone. */
function decodeQuotedPrintable(data: string): string {
	return data.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

async function launchService(service: string): Promise<{ status: number; body: unknown }> {
	const res = await fetch(`${w.n8n.url}/webhook/launch-service`, { method: 'POST', headers: { 'X-Ops-Key': OPS_KEY, 'content-type': 'application/json' }, body: JSON.stringify({ service }) });
	const text = await res.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		// not JSON: kept as text
	}
	return { status: res.status, body };
}

describe(`forms, waitlist, payments and the website endpoint in real n8n ${N8N_VERSION}`, () => {
	// First: nothing has signed anyone up yet, so this n8n has no waitlist table.
	test('Launch Service on a fresh install answers "no sign-ups yet" (200), creates the waitlist table, emails nobody and alerts nobody', async () => {
		expect(w.n8n.dataTables()).not.toContain('clinic_waitlist');
		const [alerts, mails] = [w.alerts.alerts.length, w.smtp.mails.length];
		const res = await launchService('weight-loss');
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ service: 'weight-loss', notified: 0, message: 'No sign-ups yet: nobody is waiting to hear that Weight Loss is open.' });
		expect(w.n8n.dataTables()).toContain('clinic_waitlist');
		await new Promise((r) => setTimeout(r, 2000));
		expect(w.alerts.alerts.slice(alerts)).toEqual([]);
		expect(w.smtp.mails.length).toBe(mails);
	});

	test.each([
		['241000000001', 'mini intake'],
		['241000000002', 'medical history'],
		['241000000003', 'GAPS assessment'],
		['241000000004', 'weight loss'],
		['241000000005', 'mental health'],
		['241000000006', 'equine therapy'],
	])('JotForm %s (%s): patient created from the form as JotForm names its fields; a second submission only fills blanks', async (formId) => {
		const email = `maya.${formId}.${Date.now() % 100000}@example.com`;
		const last = `Form${letters(Number(formId.slice(-1)) * 100000 + (Date.now() % 100000))}`;
		const sent = await w.jotform.submit(formId, { ...answers(email, last), whichService: 'GAPS Coaching' });
		expect(sent.deliveries.map((s) => s.status)).toEqual([200]);
		const [created] = await waitFor('patient from the form', () => patientsByEmail(w, email).length && patientsByEmail(w, email), 60_000);
		expect(created).toMatchObject({ firstName: 'Maya', lastName: last.charAt(0) + last.slice(1).toLowerCase(), email, dob: '1990-07-03' });
		expect(created.mobilePhone ?? null).toBeNull();
		await w.jotform.submit(formId, answers(email, last, '0400 222 333'));
		await waitFor('phone filled in', () => patientsByEmail(w, email)[0]?.mobilePhone === '+61400222333', 60_000);
		expect(patientsByEmail(w, email)).toHaveLength(1);
	});

	test('a patient edits a submission (same id, JotForm’s updated_at): the edit is read once, under the same identity policy; the original and redeliveries change nothing', async () => {
		const email = `maya.edit.${Date.now() % 100000}@example.com`;
		const last = `Edit${letters(Date.now() % 1_000_000)}`;
		const { submissionID } = await w.jotform.submit('241000000002', answers(email, last));
		await waitFor('patient from the form', () => patientsByEmail(w, email).length === 1, 60_000);
		const before = w.alerts.alerts.length;
		// She forgot her mobile, and typed her home landline in the correction.
		expect((await w.jotform.edit(submissionID, answers(email, last, '(02) 9876 5432'))).map((d) => d.status)).toEqual([200]);
		await waitFor('the landline from the edit', () => patientsByEmail(w, email)[0]?.homePhone === '+61298765432', 60_000);
		expect(patientsByEmail(w, email)[0].mobilePhone ?? null).toBeNull();
		// JotForm delivering the edit again, or the original's webhook again: nothing more.
		const sub = w.jotform.submissions.get(submissionID)!;
		const finished = () => w.n8n.executionCustomData('FormProcWf000001').filter((e) => e.status !== 'running' && e.status !== 'new').length;
		const done = finished();
		await w.jotform.deliver('241000000002', submissionID, {});
		await waitFor('the redelivery’s execution', () => finished() > done, 60_000, 200);
		// Its notice (one per reason and hour; this is the run's first redelivery) names the version, and nothing else is sent.
		const notice = await waitFor('the redelivery’s notice', () => w.alerts.alerts.slice(before).find((a) => a.kind === 'form_rejected' && a.reason === 'already_processed'), 60_000, 200);
		expect(readable(notice)).not.toMatch(new RegExp(`${last}|${email}|9876`, 'i'));
		expect(patientsByEmail(w, email)).toHaveLength(1);
		expect(sub.updated_at).toBeTruthy();
		expect(w.alerts.alerts.slice(before).filter((a) => a !== notice)).toEqual([]);
	});

	test('every JotForm trigger has this install’s own webhook URL (no id from the shipped files)', () => {
		const ids = JSON.parse(readFileSync(path.join(w.n8n.userFolder, 'webhook-ids.json'), 'utf8')) as Record<string, string>;
		const urls = [...w.jotform.webhooks.values()].flatMap((m) => [...m.values()]);
		expect(urls).toHaveLength(7);
		for (const url of urls) {
			const id = /\/webhook\/([0-9a-f-]{36})\/webhook$/.exec(url)?.[1];
			expect(id && Object.values(ids).includes(id)).toBeTruthy();
		}
		for (const f of readdirSync(path.join(ROOT, 'workflows'))) expect(readFileSync(path.join(ROOT, 'workflows', f), 'utf8')).not.toMatch(/"webhookId"/);
	});

	test('waitlist: an address counts only once its owner confirms it (a signed link, then a button); launching emails confirmed addresses once', async () => {
		const email = `wait.${Date.now() % 100000}@example.com`;
		const stranger = `wait.stranger.${Date.now() % 100000}@example.com`;
		const mailsTo = (to: string) => w.smtp.mails.filter((m) => m.to.includes(to)).map((m) => decodeQuotedPrintable(m.data));
		// Weight Loss is open in the shipped catalog; people can still be on its waitlist from before it opened.
		const signUp = () => w.jotform.submit('241000000007', { fullName: { first: 'Cal', last: 'Ng' }, email, phoneNumber: { full: '0400 333 444' }, whichService: 'Weight Loss' });
		await signUp();
		const [ask] = await waitFor('confirmation e-mail', () => mailsTo(email).length && mailsTo(email), 30_000);
		// The same person again (the form filled in twice): still one row, and no second e-mail today.
		await signUp();
		// Someone signs up an address they do not read, with a name meant to be mailed to its owner.
		await w.jotform.submit('241000000007', { fullName: { first: 'Visit', last: 'Scamsite' }, email: stranger, whichService: 'Weight Loss' });
		await waitFor('the stranger’s confirmation e-mail', () => mailsTo(stranger).length, 30_000);
		await new Promise((r) => setTimeout(r, 2000));
		// Signing up twice is one row and one e-mail.
		expect(mailsTo(email)).toHaveLength(1);
		expect(ask).toMatch(/Please confirm: tell me when Weight Loss opens/);
		// Nothing the person typed is in it: no name, no phone.
		for (const mail of [ask, mailsTo(stranger)[0]]) expect(readable(mail)).not.toMatch(/\bCal\b|\bNg\b|Visit|Scamsite|0400|333/);
		const link = new URL(/https?:\/\/\S+\/webhook\/waitlist-confirm\?r=\d+&s=[0-9a-f]{64}/.exec(ask)![0]);
		const at = (search: string) => `${w.n8n.url}${link.pathname}${search}`;
		const r = link.searchParams.get('r')!;
		const s = link.searchParams.get('s')!;
		// An altered link, or one for another row, is not valid; nothing changes.
		for (const bad of [`?r=${r}&s=${s.replace(/^./, (c) => (c === '0' ? '1' : '0'))}`, `?r=${Number(r) + 1}&s=${s}`, `?r=${r}`, '?r=1%27%20OR%201=1&s=x']) {
			const res = await fetch(at(bad));
			expect({ bad, status: res.status }).toEqual({ bad, status: 404 });
			expect(res.headers.get('cache-control')).toBe('no-store');
			expect(await res.text()).toMatch(/This link is not valid/);
		}
		const forged = await fetch(at(link.search), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `r=${r}&s=${'0'.repeat(64)}` });
		expect(forged.status).toBe(404);
		// Opening the link (as a mail scanner does) only shows the button.
		const page = await fetch(at(link.search));
		expect(page.status).toBe(200);
		expect(page.headers.get('content-type')).toMatch(/^text\/html/);
		expect(page.headers.get('cache-control')).toBe('no-store');
		const html = await page.text();
		expect(html).toMatch(/<form method="post">/);
		expect(html).not.toMatch(/wait\.|Cal|Ng/);
		expect((await launchService('weight-loss')).body).toMatchObject({ notified: 0 });
		// Pressing it confirms.
		const confirmed = await fetch(at(link.search), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ r, s }).toString() });
		expect(confirmed.status).toBe(200);
		expect(await confirmed.text()).toMatch(/Your address is confirmed/);
		// A service still on the waitlist in the catalog cannot be launched: nobody is emailed.
		expect((await launchService('equine-therapy')).status).toBe(500);
		expect((await launchService('weight-loss')).body).toEqual({ service: 'weight-loss', notified: 1 });
		const opened = await waitFor('launch email', () => mailsTo(email).length === 2 && mailsTo(email)[1], 30_000);
		expect(opened).toMatch(/Weight Loss is now open/);
		expect(opened).toMatch(/calendly\.com\/wholehealth-consultant\/free-initial-consultation/);
		expect(mailsTo(stranger)).toHaveLength(1);
		expect((await launchService('weight-loss')).body).toMatchObject({ notified: 0 });
		await new Promise((r) => setTimeout(r, 1500));
		expect(mailsTo(email)).toHaveLength(2);
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
		// The executions list says what each payment execution was, without the payer.
		const labelled = await waitFor('the payment execution label', () => w.n8n.executionCustomData('PaymentsWf000001').find((e) => e.data.appointmentId === appt.id), 30_000, 500);
		expect(labelled.data).toEqual({ service: 'alternative-medicine', kind: 'initial', payment: 'ok', appointmentId: appt.id, outcome: 'appointment updated' });
		expect(JSON.stringify(labelled.data)).not.toMatch(new RegExp(`${p.last}|${p.email}`, 'i'));
	});

	test('a partial refund, then the rest (Stripe’s charge.refunded, no receipt_email): noted on the booking as refunds, never flagged as a price that differs', async () => {
		const p = newPatient('refund');
		const { appt } = await book(w, mailbox('ramona'), 'GAPS Coaching Initial', p);
		const before = w.alerts.alerts.length;
		// The Charge as Stripe sends it on charge.refunded: amount paid, amount_refunded so far, the payer in billing_details.
		const charge = { id: 'ch_refund_1', object: 'charge', payment_intent: 'pi_refund_1', amount: 19500, currency: 'aud', receipt_email: null, billing_details: { email: p.email }, metadata: {} };
		await w.stripe.send('charge.refunded', { ...charge, amount_refunded: 5000, refunded: false });
		await waitFor('the partial refund noted', () => String(w.mr.state.appointments.get(appt.id)?.notes).includes('Refunded 50.00 AUD so far of 195.00 paid (pi_refund_1)'), 60_000);
		await w.stripe.send('charge.refunded', { ...charge, amount_refunded: 19500, refunded: true });
		await waitFor('the full refund noted', () => String(w.mr.state.appointments.get(appt.id)?.notes).includes('Refunded 195.00 AUD in full (pi_refund_1)'), 60_000);
		expect(String(w.mr.state.appointments.get(appt.id)?.notes)).not.toMatch(/CHECK/);
		await new Promise((r) => setTimeout(r, 1000));
		expect(w.alerts.alerts.slice(before).filter((a) => a.paymentId === 'pi_refund_1')).toEqual([]);
	});

	test('a wrong amount is recorded and flagged to ops; a payment with no booking is flagged; a forged signature is refused', async () => {
		const p = newPatient('wrong');
		const { appt } = await book(w, mailbox('ramona'), 'GAPS Coaching Follow-up', p);
		const before = w.alerts.alerts.length;
		await w.stripe.send('payment_intent.succeeded', { id: 'pi_wrong', amount_received: 9900, currency: 'aud', receipt_email: p.email, metadata: { service: 'gaps-coaching' } });
		const flag = await waitFor('amount flag', () => w.alerts.alerts.slice(before).find((a) => a.paymentId === 'pi_wrong'), 60_000);
		expect(flag).toMatchObject({ kind: 'payment_review', reason: 'amount_differs', amount: 99, expected: 79, service: 'gaps-coaching', comparedWith: { appointmentId: appt.id, service: 'gaps-coaching', kind: 'followUp' } });
		expect(JSON.stringify(flag)).not.toContain(p.email);
		expect(String(w.mr.state.appointments.get(appt.id)?.notes)).toMatch(/Paid 99\.00 AUD \(pi_wrong\) - CHECK AMOUNT/);

		// A payment nobody books for waits (six check intervals here, 48 hours in a clinic), then is flagged once.
		const orphanEvent = `evt_orphan_${Date.now()}`;
		await w.stripe.send('payment_intent.succeeded', { id: 'pi_orphan', amount_received: 19500, currency: 'aud', receipt_email: 'nobody.booked@example.com' }, orphanEvent);
		await waitFor('the payment waiting in the Payment Ledger', () => paymentLedger().find((r) => r.stripeEventId === orphanEvent && r.state === 'waiting'), 60_000, 250);
		expect(w.alerts.alerts.filter((a) => a.paymentId === 'pi_orphan')).toEqual([]);
		const orphan = await waitFor('no-booking flag', () => w.alerts.alerts.find((a) => a.paymentId === 'pi_orphan'), 180_000);
		expect(orphan).toMatchObject({ reason: 'no_booking', service: 'gaps-coaching', waitedUntil: expect.any(String) });
		await waitFor('the ledger saying flagged', () => paymentLedger().find((r) => r.stripeEventId === orphanEvent && r.state === 'flagged'), 60_000, 250);
		await new Promise((r) => setTimeout(r, 25_000));
		expect(w.alerts.alerts.filter((a) => a.paymentId === 'pi_orphan')).toHaveLength(1);

		const forged = await w.stripe.send('payment_intent.succeeded', { id: 'pi_forged', amount_received: 100, currency: 'aud' }, undefined, { badSignature: true });
		expect(forged.map((d) => d.status)).toEqual([401]);
	});

	test('a payment that arrives before its booking waits, and is recorded on the booking once it lands; nobody is told', async () => {
		const p = newPatient('early');
		const before = w.alerts.alerts.length;
		const stripeEvent = `evt_early_${Date.now()}`;
		// Calendly takes the payment as the invitee books: Stripe's webhook comes first, before the patient exists in MediRecords.
		await w.stripe.send('payment_intent.succeeded', { id: 'pi_early_1', amount_received: 7900, currency: 'aud', receipt_email: p.email, metadata: { service: 'gaps-coaching' } }, stripeEvent);
		await waitFor('the payment waiting', () => paymentLedger().find((r) => r.stripeEventId === stripeEvent && r.state === 'waiting'), 60_000, 250);
		const { appt } = await book(w, mailbox('ramona'), 'GAPS Coaching Follow-up', p);
		// The next check reads the event again from Stripe and matches it to the booking now in MediRecords.
		await waitFor('the payment on the booking', () => String(w.mr.state.appointments.get(appt.id)?.notes).includes('Paid 79.00 AUD (pi_early_1)'), 120_000, 250);
		await waitFor('the ledger saying recorded', () => paymentLedger().find((r) => r.stripeEventId === stripeEvent && r.state === 'recorded' && r.appointmentId === appt.id), 60_000, 250);
		expect(w.stripe.eventReads.get(stripeEvent)).toBeGreaterThanOrEqual(1);
		// Recorded once: later checks leave it alone.
		await new Promise((r) => setTimeout(r, 25_000));
		expect(String(w.mr.state.appointments.get(appt.id)?.notes).split('pi_early_1')).toHaveLength(2);
		expect(w.alerts.alerts.slice(before).filter((a) => a.paymentId === 'pi_early_1')).toEqual([]);
		expect(JSON.stringify(paymentLedger())).not.toContain(p.email);
	});

	test('a payment is compared with the booking it pays for: $100 for a GAPS initial expects $195 (not the $79 follow-up); a service with no price says so', async () => {
		const tom = newPatient('tom');
		const { appt } = await book(w, mailbox('ramona'), 'GAPS Coaching Initial', tom);
		const before = w.alerts.alerts.length;
		await w.stripe.send('payment_intent.succeeded', { id: 'pi_tom', amount_received: 10000, currency: 'aud', receipt_email: tom.email, metadata: {} });
		const flag = await waitFor('amount flag', () => w.alerts.alerts.slice(before).find((a) => a.paymentId === 'pi_tom'), 60_000);
		expect(flag).toMatchObject({ kind: 'payment_review', reason: 'amount_differs', amount: 100, expected: 195, service: 'gaps-coaching', paymentKind: 'initial', comparedWith: { appointmentId: appt.id, service: 'gaps-coaching', kind: 'initial' }, bookingsConsidered: 1 });
		expect(JSON.stringify(flag)).not.toMatch(new RegExp(`${tom.last}|${tom.email}`));
		await waitFor('payment note', () => /Paid 100\.00 AUD \(pi_tom\) - CHECK AMOUNT/.test(String(w.mr.state.appointments.get(appt.id)?.notes)), 60_000);

		const wl = newPatient('wl');
		const { appt: wlAppt } = await book(w, mailbox('nurse'), 'Weight Loss Follow-up', wl);
		await w.stripe.send('payment_intent.succeeded', { id: 'pi_wl', amount_received: 6000, currency: 'aud', receipt_email: wl.email, metadata: {} });
		const noPrice = await waitFor('no-price flag', () => w.alerts.alerts.slice(before).find((a) => a.paymentId === 'pi_wl'), 60_000);
		expect(noPrice).toMatchObject({ reason: 'no_catalog_price', expected: null, service: 'weight-loss', comparedWith: { appointmentId: wlAppt.id, kind: 'followUp' } });
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

	test('the website endpoint revalidates: ETag and Cache-Control on the listing, 304 without a body while nothing changed', async () => {
		const url = `${w.n8n.url}/webhook/service-calendars?service=alternative-medicine`;
		const first = await fetch(url, { headers: { Origin: 'https://www.wholehealthclinic.example' } });
		const etag = first.headers.get('etag');
		expect(first.status).toBe(200);
		expect(first.headers.get('cache-control')).toBe('public, max-age=300');
		expect(etag).toMatch(/^"[\w-]{22}"$/);
		expect(((await first.json()) as { version: string }).version).toBe(etag!.slice(1, -1));
		const again = await fetch(url, { headers: { Origin: 'https://www.wholehealthclinic.example', 'If-None-Match': etag! } });
		expect(again.status).toBe(304);
		expect(again.headers.get('etag')).toBe(etag);
		expect(again.headers.get('access-control-allow-origin')).toBe('https://www.wholehealthclinic.example');
		expect(await again.text()).toBe('');
		const other = await fetch(`${w.n8n.url}/webhook/service-calendars?service=gaps-coaching`, { headers: { 'If-None-Match': etag! } });
		expect(other.status).toBe(200);
	});

	test('an unknown service answers 404 with at most a short, clipped echo, never publicly cached', async () => {
		const long = `astrology<script>${'x'.repeat(15_000)}`;
		const res = await fetch(`${w.n8n.url}/webhook/service-calendars?service=${encodeURIComponent(long)}`, { headers: { Origin: 'https://www.wholehealthclinic.example' } });
		expect(res.status).toBe(404);
		expect(res.headers.get('cache-control')).toBe('no-store');
		const text = await res.text();
		expect(text.length).toBeLessThan(400);
		expect(text).not.toMatch(/<script|xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/);
		expect(JSON.parse(text)).toMatchObject({ error: 'unknown_service', detail: expect.stringMatching(/^There is no service "astrology\?script\?x+…"\. Known: /) });
	});

	test('HEAD is answered like GET, without a body, on the listing and the widget', async () => {
		for (const url of [`${w.n8n.url}/webhook/service-calendars?service=gaps-coaching`, `${w.n8n.url}/webhook/clinic-booking.js`]) {
			const [get, head] = [await fetch(url, { headers: { Origin: 'https://www.wholehealthclinic.example' } }), await fetch(url, { method: 'HEAD', headers: { Origin: 'https://www.wholehealthclinic.example' } })];
			await get.text();
			expect(head.status).toBe(200);
			for (const h of ['content-type', 'etag', 'cache-control', 'access-control-allow-origin']) expect({ [h]: head.headers.get(h) }).toEqual({ [h]: get.headers.get(h) });
			expect(await head.text()).toBe('');
			const revalidated = await fetch(url, { method: 'HEAD', headers: { 'If-None-Match': get.headers.get('etag')! } });
			expect(revalidated.status).toBe(304);
		}
	});

	test('the front door (the shipped Caddyfile): ops webhooks answer no cross-origin request, no preflight; n8n itself names no real origin; an unknown webhook echoes nothing', async () => {
		const door = await startFrontDoor(w.n8n.url, '203.0.113.10/32');
		const cors = (res: Response) => [...res.headers.keys()].filter((k) => k.startsWith('access-control-'));
		const origins = ['https://evil.example', 'https://www.wholehealthclinic.example', 'null', 'http://localhost:5678', 'https://n8n.wholehealthclinic.example', 'http://127.0.0.1', 'https://attacker.test', 'file://'];
		try {
			for (const hook of ['graph-upkeep', 'launch-service']) {
				for (const origin of origins) {
					const preflight = { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-ops-key,content-type' } };
					const edge = await fetch(`${door.url}/webhook/${hook}`, preflight);
					await edge.text();
					expect({ hook, origin, status: edge.status, cors: cors(edge) }).toEqual({ hook, origin, status: 404, cors: [] });
					const direct = await fetch(`${w.n8n.url}/webhook/${hook}`, preflight);
					await direct.text();
					expect(direct.headers.get('access-control-allow-origin')).toBe('https://no-browser.invalid');
				}
			}
			// A server with the key still works through the door; an Origin it sends gets no CORS answer.
			const run = await fetch(`${door.url}/webhook/graph-upkeep`, { method: 'POST', headers: { 'X-Ops-Key': OPS_KEY, 'content-type': 'application/json', Origin: 'https://evil.example' }, body: '{}' });
			expect(run.status).toBe(200);
			expect(cors(run)).toEqual([]);
			expect(await run.json()).toMatchObject({ ok: true });
			// n8n's own 404 for a webhook it does not know names the whole path; the door answers a fixed, uncached one.
			const path = `/webhook/${'x'.repeat(6000)}`;
			const direct = await fetch(`${w.n8n.url}${path}`);
			expect(direct.status).toBe(404);
			expect((await direct.text()).length).toBeGreaterThan(6000);
			const unknown = await fetch(`${door.url}${path}`);
			expect(unknown.status).toBe(404);
			expect(unknown.headers.get('cache-control')).toBe('no-store');
			expect(await unknown.text()).toBe('{"code":404,"message":"Not found"}');
			// The website's endpoint keeps its answer for the clinic's site through the same door, its own 404 included.
			const site = await fetch(`${door.url}/webhook/service-calendars?service=gaps-coaching`, { headers: { Origin: 'https://www.wholehealthclinic.example' } });
			expect(site.status).toBe(200);
			expect(site.headers.get('access-control-allow-origin')).toBe('https://www.wholehealthclinic.example');
			const astrology = await fetch(`${door.url}/webhook/service-calendars?service=astrology`, { headers: { Origin: 'https://www.wholehealthclinic.example' } });
			expect(astrology.status).toBe(404);
			expect(await astrology.json()).toMatchObject({ error: 'unknown_service' });
		} finally {
			await door.stop();
		}
	});

	describe('patient records change only on proof', () => {
		const hookFor = (formId: string) => [...(w.jotform.webhooks.get(formId)?.values() ?? [])][0];
		const mrWrites = () => w.mr.state.requests.filter((r) => r.method !== 'GET' && r.path.startsWith('/v1/patients')).length;
		const ready = async () => (await fetch(`${w.n8n.url}/healthz/readiness`)).status;
		const settle = () => new Promise((r) => setTimeout(r, 2500));
		const victimAnswers = (email: string, last: string) => ({ fullName: { first: 'Vera', last }, email, phoneNumber: { full: '0400 777 888' }, dateOf: { month: 'March', day: '9', year: '1975' }, gender: 'Female', address: { addr_line1: '2 High St', city: 'Newtown', state: 'NSW', postal: '2042', country: 'Australia' } });

		test('a forged JotForm POST naming an existing patient changes nothing; ops get one grouped notice without patient data', async () => {
			const email = `vera.${Date.now() % 100000}@example.com`;
			await w.jotform.submit('241000000002', victimAnswers(email, 'Victim'));
			const [victim] = await waitFor('victim registered', () => patientsByEmail(w, email).length && patientsByEmail(w, email), 60_000);
			// Registration ends with the address, written after the patient record: count from there.
			await waitFor('victim’s address', () => (w.mr.state.addresses.get(victim.id)?.length ?? 0) > 0, 60_000);
			const before = JSON.stringify(patientsByEmail(w, email)[0]);
			const writes = mrWrites();
			const alertsBefore = w.alerts.alerts.length;
			// Straight to the webhook URL, shaped exactly like JotForm's multipart POST, five times.
			for (let k = 0; k < 5; k++) {
				const sent = await w.jotform.deliver('241000000002', `60000000000000${k}0000`, { q3_fullName: { first: 'Mallory', last: 'Evil' }, q4_email: email, q5_phoneNumber: { full: '0499 000 111' }, q6_dateOf: { month: 'January', day: '1', year: '2000' }, q8_gender: 'Male' }, [hookFor('241000000002')]);
				expect(sent[0].status).toBe(200);
			}
			const notice = await waitFor('rejection notice', () => w.alerts.alerts.slice(alertsBefore).find((a) => a.kind === 'form_rejected'), 60_000);
			await settle();
			expect(notice).toMatchObject({ kind: 'form_rejected', reason: 'unknown_submission', workflow: 'Form Processor' });
			expect(String(notice.executionUrl)).toMatch(/\/workflow\/.+\/executions\/\d+$/);
			expect(readable(notice)).not.toMatch(/Mallory|Evil|Vera|0499|@/);
			// Grouped: one notice per reason per hour (two only if the hour turned during the five POSTs).
			expect(w.alerts.alerts.slice(alertsBefore).filter((a) => a.kind === 'form_rejected').length).toBeLessThanOrEqual(2);
			expect(mrWrites()).toBe(writes);
			expect(JSON.stringify(patientsByEmail(w, email)[0])).toBe(before);
			expect(patientsByEmail(w, email)).toHaveLength(1);
		});

		test('the attack: a genuine form with a patient’s name and exact date of birth and a stranger’s email, mobile and address changes no contact detail; a booking never moves the reminders', async () => {
			const email = `vera.${Date.now() % 100000}@example.com`;
			const last = `Target${letters(Date.now() % 1_000_000)}`;
			await w.jotform.submit('241000000001', { fullName: { first: 'Vera', last }, email, dateOf: { month: 'March', day: '9', year: '1975' } });
			const [victim] = await waitFor('patient registered', () => patientsByEmail(w, email).length && patientsByEmail(w, email), 60_000);
			expect(victim.mobilePhone ?? null).toBeNull();
			await settle();
			const before = JSON.stringify(w.mr.state.patients.get(victim.id));
			const alertsBefore = w.alerts.alerts.length;
			// Through the genuine public form, so JotForm's API verifies it: only the contact details are the attacker's.
			await w.jotform.submit('241000000002', { fullName: { first: 'Vera', last }, email: 'mallory@attacker.example', phoneNumber: { full: '0499 000 111' }, dateOf: { month: 'March', day: '9', year: '1975' }, address: { addr_line1: '66 Attacker Way', city: 'Elsewhere', state: 'NSW', postal: '2999', country: 'Australia' } });
			const review = await waitFor('review notice', () => w.alerts.alerts.slice(alertsBefore).find((a) => a.kind === 'patient_review'), 60_000);
			expect(review).toMatchObject({ form: 'medical_history', reasons: expect.arrayContaining(['differing_details', 'unproven_contact_details']) });
			// The notice names every proposed field, and no value.
			expect([...(review.fields as string[])].sort()).toEqual(['address', 'email', 'mobilePhone']);
			expect(readable(review)).not.toMatch(/Vera|Target|mallory|0499|Attacker|1975/i);
			await settle();
			expect(JSON.stringify(w.mr.state.patients.get(victim.id))).toBe(before);
			expect(w.mr.state.addresses.get(victim.id) ?? []).toHaveLength(0);
			// The next Calendly booking in the patient's name (her own email, another mobile) is booked on her record; the mobile is proposed, not written.
			const bookingAlerts = w.alerts.alerts.length;
			const { appt } = await book(w, mailbox('ramona'), 'GAPS Coaching Follow-up', { first: 'Vera', last, email, phone: '0499 000 111' });
			// Her record has no mobile (the booking's is only proposed), so MediRecords reminds her by email, never by SMS to nowhere.
			expect(appt).toMatchObject({ patientId: victim.id, reminderMethod: 'EMAIL' });
			const bookingReview = await waitFor('booking review notice', () => w.alerts.alerts.slice(bookingAlerts).find((a) => a.kind === 'patient_review'), 60_000);
			expect(bookingReview).toMatchObject({ reasons: ['unproven_contact_details'], fields: ['mobilePhone'], workflow: 'Booking Processor' });
			expect(JSON.stringify(w.mr.state.patients.get(victim.id))).toBe(before);
		});

		test('junk POSTs to a form’s webhook URL: no error execution, no per-POST alert; counted as rejected and grouped into at most one notice', async () => {
			const url = hookFor('241000000001');
			const errorsBefore = w.n8n.executionCustomData('FormProcWf000001').filter((e) => e.status === 'error').length;
			const alertsBefore = w.alerts.alerts.length;
			const multipart = (fields: Record<string, string>) => {
				const fd = new FormData();
				for (const [k, v] of Object.entries(fields)) fd.set(k, v);
				return fd;
			};
			const junk: RequestInit[] = [
				{ method: 'POST', body: multipart({ hello: 'world' }) },
				{ method: 'POST', body: multipart({ formID: '241000000001', rawRequest: '{not json' }) },
				{ method: 'POST', body: multipart({ submissionID: 'DROP TABLE', rawRequest: '[]' }) },
				{ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b&c=d' },
				{ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"event":"ping"}' },
				{ method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' },
			];
			for (const init of junk) {
				const res = await fetch(url, init);
				await res.text();
				expect(res.status).toBe(200);
			}
			const rejected = await waitFor('junk counted as rejected', () => {
				const labels = w.n8n.executionCustomData('FormProcWf000001').filter((e) => e.data.outcome === 'rejected: no_submission_id');
				return labels.length >= junk.length && labels;
			}, 60_000, 500);
			expect(rejected.every((e) => e.status === 'success')).toBe(true);
			await settle();
			expect(w.n8n.executionCustomData('FormProcWf000001').filter((e) => e.status === 'error')).toHaveLength(errorsBefore);
			const fresh = w.alerts.alerts.slice(alertsBefore);
			expect(fresh.filter((a) => a.kind === 'workflow_error')).toEqual([]);
			// One notice per reason per hour (none when this hour already had one; two only if the hour turned).
			expect(fresh.filter((a) => a.kind === 'form_rejected').length).toBeLessThanOrEqual(1);
			expect(fresh.every((a) => a.kind === 'form_rejected' && a.reason === 'no_submission_id')).toBe(true);
			expect(await ready()).toBe(200);
		});

		test('a genuine submission delivered again (a replay) is processed once', async () => {
			const email = `replay.${Date.now() % 100000}@example.com`;
			const { submissionID } = await w.jotform.submit('241000000003', { fullName: { first: 'Rae', last: 'Play' }, email, dateOf: { month: 'May', day: '5', year: '1985' } });
			await waitFor('patient from the form', () => patientsByEmail(w, email).length, 60_000);
			await settle();
			const writes = mrWrites();
			const sub = w.jotform.submissions.get(submissionID)!;
			await w.jotform.deliver('241000000003', submissionID, { q3_fullName: { first: 'Rae', last: 'Play' }, q4_email: email, q5_phoneNumber: { full: '0411 111 111' } }, [hookFor('241000000003')]);
			// Even if JotForm's copy changed since, a processed id is not processed again.
			sub.answers['5'] = { ...sub.answers['5'], answer: { full: '0411 111 111' } };
			await w.jotform.deliver('241000000003', submissionID, {}, [hookFor('241000000003')]);
			await settle();
			expect(mrWrites()).toBe(writes);
			expect(patientsByEmail(w, email)[0].mobilePhone ?? null).toBeNull();
			// Labelled in the executions list: the first as a verified GAPS assessment that created the patient, the replays as rejected.
			const labels = w.n8n.executionCustomData('FormProcWf000001').map((e) => e.data);
			expect(labels).toEqual(expect.arrayContaining([expect.objectContaining({ form: 'gaps_assessment', patient: 'created' }), expect.objectContaining({ outcome: expect.stringMatching(/^rejected: /) })]));
			expect(JSON.stringify(labels)).not.toMatch(/Rae|Play|replay\./i);
		});

		test('two family members sharing an email: two patients, neither changed by the other’s form', async () => {
			const email = `family.${Date.now() % 100000}@example.com`;
			await w.jotform.submit('241000000002', { fullName: { first: 'Mia', last: 'Khan' }, email, phoneNumber: { full: '0400 100 200' }, dateOf: { month: 'June', day: '1', year: '1980' }, gender: 'Female' });
			await waitFor('mother', () => patientsByEmail(w, email).length === 1, 60_000);
			const mother = { ...patientsByEmail(w, email)[0] };
			const alertsBefore = w.alerts.alerts.length;
			await w.jotform.submit('241000000002', { fullName: { first: 'Sam', last: 'Khan' }, email, phoneNumber: { full: '0400 300 400' }, dateOf: { month: 'August', day: '8', year: '2012' }, gender: 'Male' });
			await waitFor('child', () => patientsByEmail(w, email).length === 2, 60_000);
			const child = patientsByEmail(w, email).find((p) => p.id !== mother.id)!;
			expect(child).toMatchObject({ firstName: 'Sam', dob: '2012-08-08', gender: 'M', mobilePhone: '+61400300400' });
			expect(patientsByEmail(w, email).find((p) => p.id === mother.id)).toEqual(mother);
			const review = await waitFor('possible-duplicate review', () => w.alerts.alerts.slice(alertsBefore).find((a) => a.kind === 'patient_review'), 60_000);
			expect(review).toMatchObject({ reasons: ['possible_duplicate'], possibleDuplicates: 1, form: 'medical_history' });
			expect(readable(review)).not.toMatch(/Khan|Sam|Mia|0400|2012|@example/);
		});

		test('a form without a gender question keeps the known gender; a differing phone is proposed for review, not written', async () => {
			const email = `gender.${Date.now() % 100000}@example.com`;
			await w.jotform.submit('241000000002', victimAnswers(email, 'Gendered'));
			await waitFor('patient', () => patientsByEmail(w, email)[0]?.gender === 'F', 60_000);
			const alertsBefore = w.alerts.alerts.length;
			await w.jotform.submit('241000000003', { fullName: { first: 'Vera', last: 'Gendered' }, email, phoneNumber: { full: '0400 999 000' }, dateOf: { month: 'March', day: '9', year: '1975' } });
			const review = await waitFor('review notice', () => w.alerts.alerts.slice(alertsBefore).find((a) => a.kind === 'patient_review'), 60_000);
			expect(review).toMatchObject({ reasons: ['differing_details'], fields: ['mobilePhone'], form: 'gaps_assessment' });
			expect(readable(review)).not.toMatch(/Vera|Gendered|0400|1975|@example|inbox/);
			expect(patientsByEmail(w, email)[0]).toMatchObject({ gender: 'F', mobilePhone: '+61400777888', dob: '1975-03-09' });
		});

		test('a form from a patient with a booking: the JotForm link goes into the appointment notes for the practitioner', async () => {
			const p = newPatient('form');
			const { appt } = await book(w, mailbox('ramona'), 'GAPS Coaching Follow-up', p);
			const { submissionID } = await w.jotform.submit('241000000003', { fullName: { first: p.first, last: p.last }, email: p.email, dateOf: { month: 'April', day: '12', year: '1988' }, digestiveSymptoms: 'Bloating' });
			const link = `GAPS assessment form: https://www.jotform.com/inbox/241000000003/${submissionID}`;
			await waitFor('form link in the notes', () => String(w.mr.state.appointments.get(appt.id)?.notes).includes(link), 60_000);
			const notes = String(w.mr.state.appointments.get(appt.id)?.notes);
			expect(notes).toMatch(/\[ref:[0-9a-f]{20}\]$/);
			expect(Array.from(notes).length).toBeLessThanOrEqual(500);
			expect(patientsByEmail(w, p.email)).toHaveLength(1);
		});

		test('oversized and deeply nested POSTs: a clear answer, nothing changed, n8n stays ready', async () => {
			const writes = mrWrites();
			const huge = await w.jotform.deliver('241000000002', '60000000000000999999', { q4_email: `${'a'.repeat(80_000)}@example.com`, q3_fullName: { first: 'x'.repeat(40_000), last: '<'.repeat(40_000) } }, [hookFor('241000000002')]);
			expect(huge[0].status).toBeLessThan(500);
			const deep = `{"q4_email":${'{"d":'.repeat(5000)}"leaf"${'}'.repeat(5000)}}`;
			const nested = await w.jotform.deliver('241000000002', '60000000000000999998', deep, [hookFor('241000000002')]);
			expect(nested[0].status).toBeLessThan(500);
			// Not JotForm's multipart shape at all: passed on as no submission, never parsed further.
			const body = await fetch(hookFor('241000000002'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ submissionID: 'x'.repeat(100_000) }) });
			expect(body.status).toBeLessThan(500);
			expect(await ready()).toBe(200);
			await settle();
			expect(await ready()).toBe(200);
			expect(mrWrites()).toBe(writes);
		});
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
