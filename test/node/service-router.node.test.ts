import type { IDataObject } from 'n8n-workflow';
import { ServiceRouter } from '../../nodes/ServiceRouter/ServiceRouter.node';
import { outputRows } from '../../nodes/ServiceRouter/actions/outputs';
import { FORM_TYPES } from '../../lib/catalog/facts';
import { DEFAULT_RETRY } from '../../lib/ledger/ledger';
import { JotFormSubmissionsApi } from '../../credentials/JotFormSubmissionsApi.credentials';
import { JOTFORM_API_KEY, JotFormSandbox } from '../../sandbox/services';
import { registerCredential, registerNode, runNode, setCredentials } from '../helpers/n8n';
import { calendlyInvitee, catalogParameters, graphEvent, shippedCatalog, stripeEvent } from '../helpers/fixtures';

registerNode('serviceRouter', ServiceRouter);
registerCredential('jotFormSubmissionsApi', JotFormSubmissionsApi);
let jf: JotFormSandbox;
beforeAll(async () => {
	jf = await new JotFormSandbox().start();
	setCredentials('jotFormSubmissionsApi', { apiKey: JOTFORM_API_KEY, apiDomain: 'api.jotform.com', baseUrl: jf.url });
});
afterAll(async () => jf.stop());
const catalog = shippedCatalog() as unknown as IDataObject;
const router = (parameters: IDataObject, input: IDataObject[]) => runNode({ type: 'serviceRouter', parameters }, input);
const outputsOf = (operation: string, extra: IDataObject = {}) => {
	const expr = String(new ServiceRouter().description.outputs).replace(/^=\{\{/, '').replace(/\}\}$/, '');
	// eslint-disable-next-line no-new-func
	return (new Function('$parameter', `return ${expr}`)({ operation, ...extra }) as Array<{ displayName: string }>).map((o) => o.displayName);
};

test('the canvas shows one output per service plus Free Consultation, Cancellation, Unrouted, Not a Booking and Retry Later; per form type for forms; Continue and Ledger Row for Record Outcome', () => {
	expect(outputsOf('routeBooking', { serviceOutputs: 'alternative-medicine, gaps-coaching, weight-loss, counseling, equine-therapy' })).toEqual([
		'alternative-medicine', 'gaps-coaching', 'weight-loss', 'counseling', 'equine-therapy', 'Free Consultation', 'Cancellation', 'Unrouted', 'Not a Booking', 'Retry Later',
	]);
	expect(outputsOf('recordOutcome')).toEqual(['Continue', 'Ledger Row']);
	expect(outputsOf('routeForm')).toEqual(['Mini Intake', 'Medical History', 'GAPS Assessment', 'Weight Loss', 'Mental Health', 'Equine Therapy', 'Waitlist', 'Unrouted']);
	expect(outputsOf('matchPayment')).toEqual(['Main', 'Unrouted']);
	expect(outputsOf('listPractitioners')).toEqual(['Main', 'Unrouted', 'Not Modified']);
	expect(outputsOf('websiteWidget')).toEqual(['Main', 'Unrouted', 'Not Modified']);
	expect(outputsOf('matchPayment', { matchAgainst: 'bookings' })).toEqual(['Main']);
});

test('the canvas and execute read one outputs table: every operation fills exactly the outputs the editor draws', async () => {
	const variants: IDataObject[] = [
		{ operation: 'defineCatalog' },
		{ operation: 'listPractitioners' },
		{ operation: 'websiteWidget' },
		{ operation: 'matchPayment' },
		{ operation: 'matchPayment', matchAgainst: 'bookings' },
		{ operation: 'routeForm' },
		{ operation: 'routeBooking', serviceOutputs: 'gaps-coaching, counseling' },
		{ operation: 'routeBooking', serviceOutputs: '' },
		{ operation: 'recordOutcome', outcome: 'booked', ledgerEntry: '' },
	];
	for (const p of variants) expect({ p, labels: outputsOf(String(p.operation), p) }).toEqual({ p, labels: outputRows(p).map((r) => r.label) });
	// Route Form's outputs are the form types, in the catalog's order, then Unrouted.
	expect(outputRows({ operation: 'routeForm' }).map((r) => r.name)).toEqual([...FORM_TYPES, 'unrouted']);
	// An item for a form type lands on the output the editor labels with that type.
	const r = await router({ operation: 'routeBooking', serviceOutputs: 'gaps-coaching, counseling', catalog: '={{ $json.catalog }}' }, [{ catalog, ...graphEvent({ subject: 'Counseling follow-up', mailbox: 'counselor1@clinic.example' }) }]);
	const labels = outputsOf('routeBooking', { serviceOutputs: 'gaps-coaching, counseling' });
	expect(r.outputs.length).toBe(labels.length);
	expect(labels[r.outputs.findIndex((o) => o.length > 0)]).toBe('counseling');
});

test('Service Outputs: version 1 keeps its five service keys by default; from 1.1 a new node names none until ops list theirs', async () => {
	const event = graphEvent({ subject: 'Counseling follow-up', mailbox: 'counselor1@clinic.example' });
	const v1 = await runNode({ type: 'serviceRouter', parameters: { operation: 'routeBooking', catalog: '={{ $json.catalog }}' } }, [{ catalog, ...event }]);
	expect(v1.outputs.length).toBe(10);
	expect(v1.outputs[3]).toHaveLength(1);
	const v11 = await runNode({ type: 'serviceRouter', typeVersion: 1.1, parameters: { operation: 'routeBooking', catalog: '={{ $json.catalog }}' } }, [{ catalog, ...event }]);
	expect(v11.outputs.length).toBe(5);
	expect(v11.outputs[2][0].json).toMatchObject({ reason: 'no_output_for_service' });
	expect(new ServiceRouter().description.defaultVersion).toBe(1.1);
});

test('Define Catalog checks the catalog and attaches it to every item', async () => {
	const r = await router(catalogParameters(), [{ a: 1 }, { a: 2 }]);
	expect(r.error).toBeUndefined();
	expect(r.outputs[0]).toHaveLength(2);
	expect(r.outputs[0][1].json).toMatchObject({ a: 2, catalog: { clinic: { name: 'Whole Health Clinic' } } });
});

test('Define Catalog takes a broken entry out of service, names it in a hint, and keeps the rest', async () => {
	const p = JSON.parse(JSON.stringify(catalogParameters()));
	p.practitioners.values[4].mailbox = 'ramona-at-clinic';
	const r = await router(p, [{}]);
	expect(r.error).toBeUndefined();
	const checked = r.outputs[0][0].json.catalog as { practitioners: Array<{ key: string }>; problems: unknown[] };
	expect(checked.practitioners.map((x) => x.key)).not.toContain('ramona');
	expect(checked.practitioners).toHaveLength((catalog.practitioners as unknown[]).length - 1);
	expect(checked.problems).toEqual([
		{ entry: 'practitioners[ramona]', problem: 'mailbox must be an email address (the Office 365 mailbox)', outOfService: true },
		// Ramona was GAPS Coaching's only practitioner: the service stays (free consultations still reach the Consultant), with a warning.
		{ entry: 'services[gaps-coaching]', problem: expect.stringMatching(/no practitioner in service delivers it/), outOfService: false },
	]);
	const hints = r.run.data.resultData.runData.serviceRouter[0].hints ?? [];
	expect(hints.map((h) => h.message)).toEqual([expect.stringMatching(/^2 to fix in the catalog; everything else works: practitioners\[ramona\] \(out of service\): mailbox must .*; services\[gaps-coaching\]: is active/)]);
});

test('Define Catalog stops only for the clinic’s own required settings', async () => {
	const p = JSON.parse(JSON.stringify(catalogParameters()));
	p.clinic.timeZone = 'Sydney';
	const r = await router(p, [{}]);
	expect(r.error?.message).toMatch(/clinic settings are incomplete: clinic\.timeZone must be an IANA time zone name/);
	expect(r.error?.description).toMatch(/Nothing can be booked until/);
});

test('each routing step labels its execution for the executions list, with catalog keys and reasons only', async () => {
	const items: IDataObject[] = [
		{ changeType: 'created', mailbox: 'dr.dia@clinic.example', event: graphEvent({ subject: 'Weight Loss Follow-up', mailbox: 'dr.dia@clinic.example', name: 'Ana Citizen', email: 'ana.citizen@example.com' }), catalog },
		{ changeType: 'created', mailbox: 'dr.dia@clinic.example', event: { ...graphEvent({ subject: 'Dentist', mailbox: 'dr.dia@clinic.example', body: 'Bring the form' }), attendees: [] }, catalog },
	];
	const r = await router({ operation: 'routeBooking', catalog: '={{ $json.catalog }}', eventVersionOnce: false }, items);
	expect(r.run.data.resultData.metadata).toEqual({ service: 'weight-loss', practitioner: 'dr-dia', kind: 'followUp', outcome: 'routed, not a booking' });
	expect(JSON.stringify(r.run.data.resultData.metadata)).not.toMatch(/Ana|Citizen|example\.com/);
	const lost = await router({ operation: 'routeBooking', catalog: '={{ $json.catalog }}', eventVersionOnce: false }, [{ changeType: 'created', mailbox: 'nobody@clinic.example', event: graphEvent({ subject: 'Weight Loss Follow-up', mailbox: 'nobody@clinic.example' }), catalog }]);
	expect(lost.run.data.resultData.metadata).toEqual({ outcome: 'unrouted: unknown_practitioner' });
});

test('node subtitles read as words', () => {
	const subtitle = String(new ServiceRouter().description.subtitle).replace(/^=\{\{/, '').replace(/\}\}$/, '');
	// eslint-disable-next-line no-new-func
	const show = (operation: string) => new Function('$parameter', `return ${subtitle}`)({ operation }) as string;
	expect(['defineCatalog', 'listPractitioners', 'matchPayment', 'routeBooking', 'routeForm', 'websiteWidget'].map(show)).toEqual([
		'The clinic’s catalog', 'Practitioners for the website', 'Match a payment', 'Route a calendar booking', 'Verify and route a form', 'The website’s booking widget',
	]);
});

test('Route Booking sends each booking to its service output, unrouted ones with a reason, deletions to Cancellation, private entries to Not a Booking', async () => {
	const items: IDataObject[] = [
		{ changeType: 'created', mailbox: 'dr.dia@clinic.example', event: { ...graphEvent({ subject: 'Weight Loss Follow-up', mailbox: 'dr.dia@clinic.example' }), changeKey: 'ck-weight-1' }, catalog },
		{ changeType: 'created', mailbox: 'dr.dia@clinic.example', event: graphEvent({ subject: 'Alternative Medicine Follow-up', mailbox: 'dr.dia@clinic.example' }), catalog },
		{ changeType: 'created', mailbox: 'consultant@clinic.example', event: graphEvent({ subject: 'Free Initial Consultation - GAPS', mailbox: 'consultant@clinic.example' }), catalog },
		{ changeType: 'created', mailbox: 'dr.dia@clinic.example', event: graphEvent({ subject: 'Lunch', mailbox: 'dr.dia@clinic.example' }), catalog },
		{ changeType: 'deleted', mailbox: 'ramona@clinic.example', eventId: 'AAMk-deleted', catalog },
		{ ...calendlyInvitee({ eventName: 'GAPS Coaching Follow-up', host: 'ramona@clinic.example' }), catalog },
		{ changeType: 'created', mailbox: 'dr.dia@clinic.example', event: { ...graphEvent({ subject: 'Dentist', mailbox: 'dr.dia@clinic.example', body: 'Bring the form' }), attendees: [] }, catalog },
	];
	const r = await router({ operation: 'routeBooking', catalog: '={{ $json.catalog }}', serviceOutputs: 'alternative-medicine, gaps-coaching, weight-loss, counseling, equine-therapy' }, items);
	expect(r.error).toBeUndefined();
	const [alt, gaps, weight, counseling, equine, free, cancellation, unrouted, notBooking] = r.outputs;
	expect(weight.map((i) => i.pairedItem)).toEqual([{ item: 0 }]);
	expect(alt.map((i) => i.pairedItem)).toEqual([{ item: 1 }]);
	expect(free[0].json).toMatchObject({ kind: 'freeConsultation', service: 'gaps-coaching', practitioner: 'consultant' });
	expect(unrouted[0].json).toMatchObject({ reason: 'ambiguous_service', input: { mailbox: 'dr.dia@clinic.example' } });
	expect(unrouted[0].json.input).not.toHaveProperty('catalog');
	// Each calendar change carries its ledger entry, for the Record Outcome step that finishes it.
	const ledger = { key: 'ramona@clinic.example/AAMk-deleted', mailbox: 'ramona@clinic.example', eventId: 'AAMk-deleted', version: 'deleted', attempt: 1 };
	expect(cancellation[0].json).toEqual({ changeType: 'deleted', eventId: 'AAMk-deleted', mailbox: 'ramona@clinic.example', practitioner: 'ramona', providerId: 'a1000000-0000-4000-8000-000000000005', timeZone: 'Australia/Sydney', ledger });
	expect(notBooking.map((i) => i.json)).toEqual([{ reason: 'not_a_booking', eventId: expect.any(String), practitioner: 'dr-dia', ledger: expect.objectContaining({ mailbox: 'dr.dia@clinic.example', attempt: 1 }) }]);
	expect(weight[0].json.ledger).toMatchObject({ mailbox: 'dr.dia@clinic.example', eventId: (items[0].event as IDataObject).id, version: 'ck-weight-1', attempt: 1 });
	expect(unrouted[0].json.ledger).toMatchObject({ mailbox: 'dr.dia@clinic.example' });
	expect(notBooking[0].pairedItem).toEqual({ item: 6 });
	expect(unrouted).toHaveLength(1);
	expect(gaps[0].json).toMatchObject({ source: 'calendly', practitioner: 'ramona' });
	expect(counseling).toHaveLength(0);
	expect(equine).toHaveLength(0);
	expect(weight[0].json).not.toHaveProperty('catalog');
});

test('Route Booking routes each event version once, across executions (n8n’s deduplication store)', async () => {
	const ev = (changeKey: string) => ({ ...graphEvent({ subject: 'Weight Loss Follow-up', mailbox: 'dr.dia@clinic.example', id: 'AAMk-once-1' }), changeKey });
	const item = (changeKey: string, changeType = 'created') => ({ changeType, mailbox: 'dr.dia@clinic.example', eventId: 'AAMk-once-1', event: ev(changeKey), catalog });
	const params = { operation: 'routeBooking', catalog: '={{ $json.catalog }}', serviceOutputs: 'weight-loss' };
	const routed = (r: Awaited<ReturnType<typeof router>>) => r.outputs.flat().map((i) => `${i.json.changeType}:${(i.json.sourceIds as IDataObject | undefined)?.changeKey ?? i.json.eventId}`);
	// The same version twice in one POST and again in a second execution (Graph retrying, another n8n process): once.
	expect((await router(params, [item('v1'), item('v1')])).outputs[0]).toHaveLength(1);
	expect(routed(await router(params, [item('v1')]))).toEqual([]);
	// A real change is a new version; a deletion is routed once too.
	expect((await router(params, [item('v2')])).outputs[0]).toHaveLength(1);
	const del = { changeType: 'deleted', mailbox: 'dr.dia@clinic.example', eventId: 'AAMk-once-1', catalog };
	expect((await router(params, [del, del])).outputs[2]).toHaveLength(1);
	expect((await router(params, [del])).outputs[2]).toHaveLength(0);
	// Switched off, every item is routed.
	expect((await router({ ...params, eventVersionOnce: false }, [item('v2')])).outputs[0]).toHaveLength(1);
	// The calendar sweep re-drives a version the ledger says is not done (its first execution was cut off after routing): routed again.
	expect((await router(params, [{ ...item('v2'), sweep: true, attempt: 2 }])).outputs[0].map((i) => (i.json.ledger as IDataObject).attempt)).toEqual([2]);
	// A change the sweep found before its notification ran (the notification queued behind a restart): the sweep's execution
	// routes it, the notification's execution drops it, and neither creates the patient while the other does.
	expect((await router(params, [{ ...item('v3'), sweep: true, attempt: 1 }])).outputs[0]).toHaveLength(1);
	expect((await router(params, [item('v3')])).outputs[0]).toHaveLength(0);
	// And the other way round: a first-attempt sweep item of a version a notification already routed is dropped.
	expect((await router(params, [item('v4')])).outputs[0]).toHaveLength(1);
	expect((await router(params, [{ ...item('v4'), sweep: true, attempt: 1 }])).outputs[0]).toHaveLength(0);
});

test('without a catalog the node says where it should come from', async () => {
	const r = await router({ operation: 'routeBooking', catalog: '={{ $json.catalog }}', serviceOutputs: 'gaps-coaching' }, [{ event: {} }]);
	expect(r.error?.message).toMatch(/catalog is missing or invalid/);
	expect(r.error?.description).toMatch(/Load Service Catalog/);
});

const formRouter = (items: IDataObject[], spec: Partial<{ name: string }> = {}) =>
	runNode({ type: 'serviceRouter', name: spec.name ?? 'Route Form', parameters: { operation: 'routeForm', catalog: '={{ $json.catalog }}' }, credentials: { jotFormSubmissionsApi: 'JotForm Submissions' } }, items);
// What n8n's JotForm Trigger passes on (resolveData off): the webhook's multipart fields.
const webhookItem = (formID: string, submissionID: string, rawRequest: IDataObject = {}) => ({ formID, submissionID, formTitle: 'x', rawRequest, catalog });

describe('Route Form verifies every submission with JotForm’s API', () => {
	test('a genuine submission is read from the API, not from the POST; the same id a second time is rejected', async () => {
		const { submissionID } = await jf.submit('241000000007', { fullName: { first: 'Cal', last: 'Ng' }, email: 'cal@example.com', whichService: 'Counseling' }, { deliver: false });
		// The POST claims other details: they are ignored.
		const forged = { q3_fullName: { first: 'Mallory', last: 'Evil' }, q4_email: 'mallory@evil.example' };
		const r = await formRouter([webhookItem('241000000007', submissionID, forged)], { name: 'Route Form A' });
		expect(r.error).toBeUndefined();
		expect(r.outputs[6][0].json).toMatchObject({ formType: 'waitlist', service: 'counseling', submissionId: submissionID, patient: { firstName: 'Cal', lastName: 'Ng', email: 'cal@example.com' } });
		const again = await formRouter([webhookItem('241000000007', submissionID)], { name: 'Route Form A' });
		expect(again.outputs[7][0].json).toEqual({ reason: 'already_processed', detail: expect.any(String), rejected: true, submissionId: submissionID, operation: 'routeForm' });
	});

	test('forged, foreign, stale and id-less POSTs are rejected without their content', async () => {
		const stale = await jf.submit('241000000002', { fullName: { first: 'Old', last: 'Entry' }, email: 'old@example.com' }, { deliver: false, createdAtMs: Date.now() - 3 * 86_400_000 });
		const survey = await jf.submit('241000000099', { fullName: { first: 'Staff', last: 'Member' }, email: 'staff@example.com' }, { deliver: false });
		const r = await formRouter([
			webhookItem('241000000002', '5999999999999999999', { q4_email: 'victim@example.com' }),
			webhookItem('241000000002', stale.submissionID),
			webhookItem('241000000002', survey.submissionID),
			{ formID: '241000000002', rawRequest: { q4_email: 'victim@example.com' }, catalog },
			webhookItem('241000000002', '12; DROP TABLE'),
		], { name: 'Route Form B' });
		const unrouted = r.outputs[7].map((o) => o.json);
		expect(unrouted.map((u) => u.reason)).toEqual(['unknown_submission', 'stale_submission', 'not_catalog_form', 'no_submission_id', 'no_submission_id']);
		for (const u of unrouted) {
			expect(u.rejected).toBe(true);
			expect(JSON.stringify(u)).not.toMatch(/victim|Old|Entry|Staff|@/);
		}
		expect(r.outputs.slice(0, 7).every((o) => o.length === 0)).toBe(true);
	});

	test('a JotForm key that stops working fails the execution (kept for retry) instead of rejecting genuine forms', async () => {
		setCredentials('jotFormSubmissionsApi', { apiKey: 'revoked', apiDomain: 'api.jotform.com', baseUrl: jf.url });
		try {
			const { submissionID } = await jf.submit('241000000003', { fullName: { first: 'Ana', last: 'Citizen' }, email: 'ana@example.com' }, { deliver: false });
			const r = await formRouter([webhookItem('241000000003', submissionID)], { name: 'Route Form C' });
			expect(r.error?.message).toMatch(/JotForm refused the API key/);
		} finally {
			setCredentials('jotFormSubmissionsApi', { apiKey: JOTFORM_API_KEY, apiDomain: 'api.jotform.com', baseUrl: jf.url });
		}
	});

	test('questions are fetched once per form and cached', async () => {
		const before = jf.apiCalls.filter((c) => c === 'GET /form/241000000004/questions').length;
		for (let k = 0; k < 3; k++) {
			const { submissionID } = await jf.submit('241000000004', { fullName: { first: 'Wil', last: 'Lo' }, email: `wil${k}@example.com`, gender: 'Male' }, { deliver: false });
			const r = await formRouter([webhookItem('241000000004', submissionID)], { name: 'Route Form D' });
			expect(r.outputs[3][0].json).toMatchObject({ formType: 'weight_loss', patient: { gender: 'M', lastName: 'Lo' } });
		}
		expect(jf.apiCalls.filter((c) => c === 'GET /form/241000000004/questions').length - before).toBeLessThanOrEqual(1);
	});
});

test('Match Payment and List Practitioners through n8n', async () => {
	const pay = await router({ operation: 'matchPayment', catalog: '={{ $json.catalog }}' }, [{ ...stripeEvent('payment_intent.succeeded', { id: 'pi_1', amount_received: 19500, currency: 'aud' }), catalog }]);
	expect(pay.outputs[0][0].json).toMatchObject({ service: 'gaps-coaching', kind: 'initial', amountMatches: true });

	// The payer's appointments are the input items: one item comes out, paired with all of them.
	const payment = { ...(pay.outputs[0][0].json as IDataObject), amount: 100 };
	const booked = await router(
		{ operation: 'matchPayment', matchAgainst: 'bookings', catalog: JSON.stringify(catalog), payment: `={{ ${JSON.stringify(payment)} }}` },
		[
			{ id: 'appt-1', patientId: 'pat-1', appointmentTypeId: 'b2000000-0000-4000-8000-000000000021', scheduleTime: '2027-01-10T09:00', appointmentStatus: 2 },
			{ id: 'appt-0', patientId: 'pat-1', appointmentTypeId: 'b2000000-0000-4000-8000-000000000001', scheduleTime: '2027-01-02T09:00', appointmentStatus: 2 },
		],
	);
	expect(booked.error).toBeUndefined();
	expect(booked.outputs).toHaveLength(1);
	expect(booked.outputs[0]).toHaveLength(1);
	expect(booked.outputs[0][0].json).toMatchObject({ appointmentId: 'appt-1', reason: 'amount_differs', expectedAmount: 195, comparedWith: { appointmentId: 'appt-1', service: 'gaps-coaching', kind: 'initial' } });
	expect(booked.outputs[0][0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
	// Before its booking (the payer has none yet): waiting, with until when; the shipped 48 hours from Stripe's `created`.
	const early = await router({ operation: 'matchPayment', matchAgainst: 'bookings', catalog: JSON.stringify(catalog), payment: `={{ ${JSON.stringify({ ...payment, created: new Date().toISOString() })} }}` }, [{}]);
	expect(early.outputs[0][0].json).toMatchObject({ reason: 'no_booking', waiting: true, reviewAlert: { reason: 'no_booking', waitedUntil: expect.any(String) } });
	const late = await router({ operation: 'matchPayment', matchAgainst: 'bookings', catalog: JSON.stringify(catalog), payment: `={{ ${JSON.stringify({ ...payment, created: new Date(Date.now() - 49 * 3_600_000).toISOString() })} }}` }, [{}]);
	expect(late.outputs[0][0].json).toMatchObject({ reason: 'no_booking', waiting: false });
	const missing = await router({ operation: 'matchPayment', matchAgainst: 'bookings', catalog: JSON.stringify(catalog), payment: '' }, [{}]);
	expect(missing.error?.message).toMatch(/No payment reached this step/);

	const list = await router({ operation: 'listPractitioners', catalog: '={{ $json.catalog }}', service: '={{ $json.query.service }}', kind: 'followUp' }, [{ query: { service: 'weight-loss' }, catalog }]);
	expect((list.outputs[0][0].json.practitioners as IDataObject[]).map((p) => p.key)).toEqual(['dr-dia', 'dr-shivani', 'nurse']);
	const version = String(list.outputs[0][0].json.version);
	expect(version).toMatch(/^[\w-]{22}$/);

	// A browser revalidating with the version it holds: Not Modified, no listing.
	const again = await router({ operation: 'listPractitioners', catalog: '={{ $json.catalog }}', service: '={{ $json.query.service }}', kind: 'followUp' }, [{ query: { service: 'weight-loss' }, headers: { 'if-none-match': `W/"${version}"` }, catalog }]);
	expect(again.outputs[0]).toHaveLength(0);
	expect(again.outputs[2].map((i) => i.json)).toEqual([{ version }]);
	const other = await router({ operation: 'listPractitioners', catalog: '={{ $json.catalog }}', service: '={{ $json.query.service }}', kind: 'followUp' }, [{ query: { service: 'gaps-coaching' }, headers: { 'if-none-match': `"${version}"` }, catalog }]);
	expect(other.outputs[0]).toHaveLength(1);
	expect(other.outputs[0][0].json.version).not.toBe(version);
});

test('Website Widget serves the built widget with the clinic’s contact in front; a browser holding it gets Not Modified', async () => {
	const r = await router({ operation: 'websiteWidget', catalog: '={{ $json.catalog }}' }, [{ headers: {}, catalog }]);
	expect(r.error).toBeUndefined();
	const { script, version } = r.outputs[0][0].json as { script: string; version: string };
	expect(script.startsWith('window.__clinicBookingContact={"clinic":"Whole Health Clinic","phone":"02 9000 0000","email":"hello@wholehealthclinic.example"};\n')).toBe(true);
	// The minified widget itself follows, as built from widget/clinic-booking.ts.
	expect(script.length).toBeGreaterThan(3000);
	expect(script).toContain('calendly.event_scheduled');
	const again = await router({ operation: 'websiteWidget', catalog: '={{ $json.catalog }}' }, [{ headers: { 'if-none-match': `"${version}"` }, catalog }]);
	expect(again.outputs[0]).toHaveLength(0);
	expect(again.outputs[2].map((i) => i.json)).toEqual([{ version }]);
	// A clinic name that tries to close the script cannot.
	const hostile = JSON.parse(JSON.stringify(catalog));
	hostile.clinic.name = '</script><script>alert(1)</script>';
	const h = await router({ operation: 'websiteWidget', catalog: '={{ $json.catalog }}' }, [{ headers: {}, catalog: hostile }]);
	expect(String(h.outputs[0][0].json.script).split('\n')[0]).not.toContain('</script>');
});

describe('Record Outcome', () => {
	const ledger = { key: 'nurse@clinic.example/AAMk1', mailbox: 'nurse@clinic.example', eventId: 'AAMk1', version: 'ck-1', attempt: 1 };

	test('a booked item goes on unchanged, and its ledger row says the version is done, with the appointment id and no patient data', async () => {
		const item = { id: 'appt-9', patient: { firstName: 'Ana', email: 'ana@example.com' }, ledger };
		const r = await runNode({ type: 'serviceRouter', typeVersion: 1.1, parameters: { operation: 'recordOutcome', outcome: 'booked', ledgerEntry: '={{ $json.ledger }}' } }, [item]);
		expect(r.error).toBeUndefined();
		const [main, rows] = r.outputs;
		expect(main.map((i) => i.json)).toEqual([item]);
		expect(rows[0].json).toMatchObject({ key: ledger.key, eventId: 'AAMk1', version: 'ck-1', doneVersion: 'ck-1', state: 'done', outcome: 'booked', appointmentId: 'appt-9', attempts: 1 });
		expect(rows[0].pairedItem).toEqual({ item: 0 });
		expect(JSON.stringify(rows[0].json)).not.toMatch(/Ana|ana@example/);
	});

	test('a failure is kept for the sweep with its next attempt, and the item says so; the last attempt gives up; an item without an entry gets no row', async () => {
		const failing = [{ error: 'MediRecords answered 503', ledger }, { error: 'MediRecords answered 503', ledger: { ...ledger, attempt: 6 } }, { error: 'no entry' }];
		const r = await runNode({ type: 'serviceRouter', typeVersion: 1.1, parameters: { operation: 'recordOutcome', outcome: 'failed', ledgerEntry: '={{ $json.ledger }}', reason: '={{ $json.error }}' } }, failing);
		expect(r.error).toBeUndefined();
		const [main, rows] = r.outputs;
		expect(rows.map((i) => [i.json.state, i.json.attempts, i.json.reason])).toEqual([
			['failed', 1, 'MediRecords answered 503'],
			['given_up', 6, 'MediRecords answered 503'],
		]);
		expect(rows[0].json).not.toHaveProperty('doneVersion');
		expect(Date.parse(String(rows[0].json.nextAttemptAt)) - Date.now()).toBeGreaterThan(4 * 60_000);
		expect(main.map((i) => (i.json.retry as IDataObject | undefined)?.givenUp)).toEqual([false, true, undefined]);
	});

	test('a calendar read that failed writes no row, started or failed (a row the sweep booked meanwhile stays done); the item says the sweep reads the event again', async () => {
		const unread = { changeType: 'fetchFailed', mailbox: 'nurse@clinic.example', eventId: 'AAMk-unread', status: 429, error: 'Too many requests' };
		const started = await runNode({ type: 'serviceRouter', name: 'Record Started', typeVersion: 1.1, parameters: { operation: 'recordOutcome', outcome: 'started', ledgerEntry: '={{ $json }}' } }, [unread]);
		expect(started.error).toBeUndefined();
		expect(started.outputs[0].map((i) => i.json)).toEqual([unread]);
		expect(started.outputs[1]).toEqual([]);
		const failed = await runNode({ type: 'serviceRouter', typeVersion: 1.1, parameters: { operation: 'recordOutcome', outcome: 'failed', ledgerEntry: '={{ $json.ledger }}', reason: '={{ $json.reason }}' } }, [{ reason: 'calendar_read_failed', ledger: { key: 'nurse@clinic.example/AAMk-unread', mailbox: 'nurse@clinic.example', eventId: 'AAMk-unread', version: '', attempt: 1 } }]);
		expect(failed.error).toBeUndefined();
		expect(failed.outputs[1]).toEqual([]);
		expect(failed.outputs[0][0].json.retry).toEqual({ eventId: 'AAMk-unread', attempt: 1, givenUp: false, nextAttemptAt: null, bySweep: true, reason: 'calendar_read_failed' });
	});

	test('Started claims each version once: a repeat gets no working row (a done row stays done), re-drives are never dropped, and Route Booking does not claim twice', async () => {
		const change = (eventId: string, changeKey: string, extra: IDataObject = {}) => ({ changeType: 'updated', mailbox: 'nurse@clinic.example', eventId, event: { ...graphEvent({ subject: 'Weight Loss Follow-up', mailbox: 'nurse@clinic.example', id: eventId }), changeKey }, ...extra });
		const start = (input: IDataObject[]) => runNode({ type: 'serviceRouter', name: 'Record Started', typeVersion: 1.1, parameters: { operation: 'recordOutcome', outcome: 'started', ledgerEntry: '={{ $json }}' } }, input);
		const versions = (r: Awaited<ReturnType<typeof start>>) => r.outputs.map((o) => o.map((i) => String((i.json.event as IDataObject | undefined)?.changeKey ?? i.json.version)));
		// Graph delivers one version twice in a POST, then again later (to another n8n process): one working row, one item on.
		const first = await start([change('AAMk-start-1', 'v1'), change('AAMk-start-1', 'v1')]);
		expect(versions(first)).toEqual([['v1'], ['v1']]);
		expect(first.outputs[1][0].json).toMatchObject({ state: 'working', version: 'v1' });
		expect(first.outputs[0][0].json.versionClaimed).toBe(true);
		expect(versions(await start([change('AAMk-start-1', 'v1')]))).toEqual([[], []]);
		// A new version starts. The sweep finding it too drops (the sweep's own working row lapses if this claim was cut off),
		// and its re-drive, a later attempt, is never dropped.
		expect(versions(await start([change('AAMk-start-1', 'v2')]))).toEqual([['v2'], ['v2']]);
		expect(versions(await start([change('AAMk-start-1', 'v2', { sweep: true, attempt: 1 })]))).toEqual([[], []]);
		expect(versions(await start([change('AAMk-start-1', 'v2', { sweep: true, attempt: 2 })]))).toEqual([['v2'], ['v2']]);
		// A sweep find claims too: the notification queued behind it drops.
		expect(versions(await start([change('AAMk-start-1', 'v3', { sweep: true, attempt: 1 })]))).toEqual([['v3'], ['v3']]);
		expect(versions(await start([change('AAMk-start-1', 'v3')]))).toEqual([[], []]);
		// Route Booking routes what Started claimed, once.
		const routed = await router({ operation: 'routeBooking', catalog: '={{ $json.catalog }}', serviceOutputs: 'weight-loss' }, [{ ...first.outputs[0][0].json, catalog }]);
		expect(routed.outputs[0]).toHaveLength(1);
		// Switched off, every version goes on.
		const off = await runNode({ type: 'serviceRouter', name: 'Record Started', typeVersion: 1.1, parameters: { operation: 'recordOutcome', outcome: 'started', ledgerEntry: '={{ $json }}', eventVersionOnce: false } }, [change('AAMk-start-1', 'v1')]);
		expect(versions(off)).toEqual([['v1'], ['v1']]);
		expect(off.outputs[0][0].json).not.toHaveProperty('versionClaimed');
	});

	test('its retry defaults are the ledger’s own', () => {
		const props = new ServiceRouter().description.properties;
		const def = (name: string) => props.find((p) => p.name === name)!.default;
		expect(def('maxAttempts')).toBe(DEFAULT_RETRY.maxAttempts);
		expect(def('backoffMinutes')).toBe(DEFAULT_RETRY.backoffMs / 60_000);
	});
});
