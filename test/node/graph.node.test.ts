import { readFileSync } from 'fs';
import path from 'path';
import type { IDataObject } from 'n8n-workflow';
import { resolveWebhookDescriptionField, webhookDescriptionIsNativelyResolvable } from 'n8n-workflow';
import { GraphCalendarTrigger } from '../../nodes/GraphCalendarTrigger/GraphCalendarTrigger.node';
import { clientStateFor } from '../../lib/sources/graph';
import type { GraphSandbox } from '../../sandbox/graph';
import { PRACTITIONERS } from '../../sandbox/seed';
import { credentialReads, GRAPH, graphCredentials, NOTIFICATION_SECRET, preAuthCount, startGraph, TriggerHost } from '../helpers/graph';
import { makeNode, makeWorkflow, runNode } from '../helpers/n8n';
import { shippedCatalog } from '../helpers/fixtures';
import type { Catalog } from '../../lib/catalog';

const MAILBOXES = PRACTITIONERS.map((p) => p.mailbox);
const DIA = 'dr.dia@clinic.example';
let g: GraphSandbox;
let host: TriggerHost;

beforeAll(async () => {
	g = await startGraph();
});
afterAll(async () => g.stop());
beforeEach(async () => {
	g.reset();
	graphCredentials(g);
	host = await new TriggerHost({ mailboxes: DIA }).start();
});
afterEach(async () => host.stop());

const calls = (pattern: RegExp) => g.calls.filter((c) => pattern.test(`${c.method} ${c.path}`)).length;
const booking = (subject = 'Alternative Medicine Follow-up') => ({
	subject,
	attendees: [{ type: 'required', emailAddress: { name: 'Ana Citizen', address: 'ana@example.com' } }],
});

async function activated(): Promise<void> {
	await host.activate();
	expect(g.subscriptionsFor(DIA)).toHaveLength(1);
}

describe('webhook description', () => {
	test('n8n resolves both webhook paths from the parameters without its expression engine', () => {
		const [notifications, lifecycle] = new GraphCalendarTrigger().description.webhooks!;
		const node = makeNode({ type: 'graphCalendarTrigger', ...GRAPH, parameters: { path: 'graph-calendar', mailboxes: '' } });
		expect(resolveWebhookDescriptionField(node, notifications, 'path')).toEqual({ resolved: true, value: 'graph-calendar' });
		expect(resolveWebhookDescriptionField(node, lifecycle, 'path')).toEqual({ resolved: true, value: 'graph-calendar/lifecycle' });
		expect(webhookDescriptionIsNativelyResolvable(notifications) && webhookDescriptionIsNativelyResolvable(lifecycle)).toBe(true);
		// The shipped workflow uses version 2, whose body n8n does not parse through an expression per POST.
		const shipped = (JSON.parse(readFileSync(path.join(__dirname, '../../workflows/booking-processor.json'), 'utf8')) as { nodes: Array<{ type: string; typeVersion: number }> }).nodes.find((n) => n.type.endsWith('graphCalendarTrigger'));
		expect(shipped?.typeVersion).toBe(2);
	});
});

describe('activation', () => {
	test('subscribes with a per-workflow clientState and lifecycle URL after answering both validation handshakes', async () => {
		await activated();
		const [sub] = g.subscriptionsFor(DIA);
		expect(sub).toMatchObject({
			changeType: 'created,updated,deleted',
			notificationUrl: `${host.baseUrl}/webhook/graph-calendar`,
			lifecycleNotificationUrl: `${host.baseUrl}/webhook/graph-calendar/lifecycle`,
			clientState: clientStateFor(NOTIFICATION_SECRET, 'graph-calendar'),
		});
		expect(clientStateFor(NOTIFICATION_SECRET, 'graph-calendar')).not.toBe(clientStateFor(NOTIFICATION_SECRET, 'other-workflow'));
		// Two handshakes (notification + lifecycle URL), each answered 200 text/plain.
		expect(host.answers.filter((a) => a === 200)).toHaveLength(2);
		expect(await host.activate()).toBe(false);
	});

	test('the handshake echo is plain text that no browser sniffs or runs; a token with a body, or too long, is refused', async () => {
		const post = (query: string, body?: string) => fetch(`${host.baseUrl}/webhook/graph-calendar?${query}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
		const ok = await post('validationToken=Validation%3A%20Testing%20client%20application');
		expect(ok.status).toBe(200);
		expect(await ok.text()).toBe('Validation: Testing client application');
		expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
		expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
		expect(ok.headers.get('content-security-policy')).toBe("default-src 'none'");
		expect((await post('validationToken=abc', JSON.stringify({ value: [{ subscriptionId: 'x' }] }))).status).toBe(400);
		const long = await post(`validationToken=${'x'.repeat(1025)}`);
		expect(long.status).toBe(400);
		expect(await long.text()).not.toContain('xxx');
	});

	test('Graph refuses the subscription when the handshake is not answered', async () => {
		const dead = await new TriggerHost({ mailboxes: DIA }).start();
		await dead.stop();
		await expect(dead.activate()).rejects.toThrow(/refused 1 subscription/);
		expect(g.subscriptionsFor(DIA)).toHaveLength(0);
	});

	test('deactivation deletes our subscriptions', async () => {
		await activated();
		await host.deactivate();
		expect(g.subscriptions.size).toBe(0);
	});
});

describe('notifications', () => {
	test('a created event is fetched with $select and emitted once; answered 202', async () => {
		await activated();
		const ev = g.createEvent(DIA, booking());
		await g.settle();
		await host.settle();
		expect(host.items()).toHaveLength(1);
		expect(host.items()[0]).toMatchObject({ changeType: 'created', mailbox: DIA, eventId: ev.id, event: { subject: 'Alternative Medicine Follow-up', iCalUId: ev.iCalUId } });
		expect((host.items()[0].event as IDataObject).createdDateTime).toBeUndefined();
		expect(g.deliveries.map((d) => d.status)).toEqual([202]);
	});

	test('a spoofed clientState is refused before any Graph call or execution', async () => {
		await activated();
		const sub = g.subscriptionsFor(DIA)[0];
		const before = g.calls.length;
		const d = await g.deliver(sub.notificationUrl, { value: [g.notificationFor(sub, 'AAMk-fake', 'created', 'guessed-secret')] });
		await host.settle();
		expect(d.status).toBe(403);
		expect(g.calls.length).toBe(before);
		expect(host.items()).toHaveLength(0);
	});

	test('10 duplicate notifications for one event, in one POST and in ten, give one item', async () => {
		await activated();
		g.notify = false;
		const ev = g.createEvent(DIA, booking());
		g.notify = true;
		const sub = g.subscriptionsFor(DIA)[0];
		const one = g.notificationFor(sub, ev.id, 'created');
		await g.deliver(sub.notificationUrl, { value: Array(10).fill(one) });
		await Promise.all(Array.from({ length: 10 }, () => g.deliver(sub.notificationUrl, { value: [one] })));
		await host.settle();
		expect(host.items()).toHaveLength(1);
		expect(calls(/^GET \/v1.0\/users\/.+\/events\//)).toBe(11);
	});

	test('out-of-order created/updated notifications give one item with the latest state, then a real change gives another', async () => {
		await activated();
		g.notify = false;
		const ev = g.createEvent(DIA, booking('GAPS Coaching Follow-up'));
		g.updateEvent(DIA, ev.id, { subject: 'GAPS Coaching Follow-up (moved)' });
		g.notify = true;
		const sub = g.subscriptionsFor(DIA)[0];
		await g.deliver(sub.notificationUrl, { value: [g.notificationFor(sub, ev.id, 'updated'), g.notificationFor(sub, ev.id, 'created'), g.notificationFor(sub, ev.id, 'updated')] });
		await host.settle();
		expect(host.items()).toHaveLength(1);
		expect(host.items()[0]).toMatchObject({ changeType: 'created', event: { subject: 'GAPS Coaching Follow-up (moved)' } });
		g.updateEvent(DIA, ev.id, { start: { dateTime: '2026-12-03T01:00:00.0000000', timeZone: 'UTC' } });
		await g.settle();
		await host.settle();
		expect(host.items().map((i) => i.changeType)).toEqual(['created', 'updated']);
	});

	test('a deleted event is emitted as a deletion with the ids stored for it', async () => {
		await activated();
		const ev = g.createEvent(DIA, booking());
		await g.settle();
		await host.settle();
		g.deleteEvent(DIA, ev.id);
		await g.settle();
		await host.settle();
		expect(host.items().map((i) => i.changeType)).toEqual(['created', 'deleted']);
		expect(host.items()[1]).toMatchObject({ changeType: 'deleted', mailbox: DIA, eventId: ev.id, iCalUId: ev.iCalUId, start: ev.start.dateTime });
		// Graph repeating the deletion does not emit it twice.
		const sub = g.subscriptionsFor(DIA)[0];
		await g.deliver(sub.notificationUrl, { value: [g.notificationFor(sub, ev.id, 'deleted')] });
		await host.settle();
		expect(host.items()).toHaveLength(2);
	});

	test('lifecycle "missed": a calendarView delta resync finds the event created while notifications were lost', async () => {
		await activated();
		const seen = g.createEvent(DIA, booking('Alternative Medicine Follow-up'));
		await g.settle();
		g.notify = false;
		const lost = g.createEvent(DIA, booking('Weight Loss Follow-up'));
		g.notify = true;
		await host.settle();
		expect(host.items().map((i) => i.eventId)).toEqual([seen.id]);
		await g.lifecycle(g.subscriptionsFor(DIA)[0], 'missed');
		await host.settle();
		const resynced = host.items().filter((i) => i.resync);
		expect(resynced.map((i) => i.eventId)).toEqual([lost.id]);
		expect(resynced[0]).toMatchObject({ changeType: 'created', event: { subject: 'Weight Loss Follow-up' } });
	});

	test('lifecycle "reauthorizationRequired" renews; "subscriptionRemoved" recreates', async () => {
		await activated();
		const sub = g.subscriptionsFor(DIA)[0];
		sub.expirationDateTime = new Date(Date.now() + 10 * 60_000).toISOString();
		await g.lifecycle(sub, 'reauthorizationRequired');
		await host.settle();
		expect(Date.parse(g.subscriptionsFor(DIA)[0].expirationDateTime) - Date.now()).toBeGreaterThan(6 * 86_400_000);
		await g.lifecycle(g.subscriptionsFor(DIA)[0], 'subscriptionRemoved');
		await host.settle();
		const [fresh] = g.subscriptionsFor(DIA);
		expect(fresh.id).not.toBe(sub.id);
		expect(fresh.clientState).toBe(sub.clientState);
	});

	/** A subscription Subscription Upkeep made (same URLs and clientState): the trigger never saw its id. */
	function upkeepSubscription(mailbox: string) {
		const own = g.subscriptionsFor(DIA)[0];
		const sub = { ...own, id: `upkeep-${mailbox.split('@')[0]}-${Date.now()}`, resource: `users/${mailbox}/events` };
		g.subscriptions.set(sub.id, sub);
		return sub;
	}

	test('Graph names the user by object id: the change is read and emitted under the mailbox, resolved once through Graph', async () => {
		await activated();
		const RAMONA = 'ramona@clinic.example';
		const sub = upkeepSubscription(RAMONA);
		g.notify = false;
		const events = [g.createEvent(RAMONA, booking('GAPS Coaching Follow-up')), g.createEvent(RAMONA, booking('GAPS Coaching Initial'))];
		g.notify = true;
		const notes = events.map((e) => g.notificationFor(sub, e.id, 'created'));
		expect(String(notes[0].resource)).toBe(`Users/${g.userId(RAMONA)}/Events/${events[0].id}`);
		await g.deliver(sub.notificationUrl, { value: [notes[0]] });
		await g.deliver(sub.notificationUrl, { value: [notes[1]] });
		await host.settle();
		expect(host.items().map((i) => [i.mailbox, i.eventId])).toEqual(events.map((e) => [RAMONA, e.id]));
		expect(calls(new RegExp(`^GET /v1.0/users/${g.userId(RAMONA)}$`))).toBe(1);
		// The deletion, too, is Ramona's: Route Booking can find the practitioner to cancel with.
		g.deleteEvent(RAMONA, events[0].id);
		await g.settle();
		await host.settle();
		expect(host.items()[2]).toMatchObject({ changeType: 'deleted', mailbox: RAMONA, eventId: events[0].id });
	});

	test('lifecycle bodies as Graph sends them (no resource) for a subscription upkeep made: "missed" catches that mailbox up, "subscriptionRemoved" recreates it', async () => {
		await activated();
		const NURSE = 'nurse@clinic.example';
		const sub = upkeepSubscription(NURSE);
		g.notify = false;
		const lost = g.createEvent(NURSE, booking('Weight Loss Follow-up'));
		g.notify = true;
		const d = await g.lifecycle(sub, 'missed');
		expect(d.body).toEqual({ value: [expect.not.objectContaining({ resource: expect.anything() })] });
		await host.settle();
		expect(host.items().filter((i) => i.resync).map((i) => [i.mailbox, i.eventId])).toEqual([[NURSE, lost.id]]);
		await g.lifecycle(sub, 'subscriptionRemoved');
		await host.settle();
		expect(g.subscriptionsFor(NURSE)).toHaveLength(1);
		expect(g.subscriptionsFor(NURSE)[0].id).not.toBe(sub.id);
	});

	test('the token is fetched once and reused; an expired token is refreshed on 401', async () => {
		const before = preAuthCount();
		await activated();
		g.createEvent(DIA, booking());
		await g.settle();
		await host.settle();
		expect(preAuthCount() - before).toBe(1);
		g.expireTokens();
		g.createEvent(DIA, booking('GAPS Coaching Follow-up'));
		await g.settle();
		await host.settle();
		expect(host.items()).toHaveLength(2);
		expect(preAuthCount() - before).toBe(2);
	});
});

describe('bursts', () => {
	const imported = (n: number, prefix = 'Import') => Array.from({ length: n }, (_, i) => ({ ...booking(`${prefix} ${i}`), start: { dateTime: `2026-12-${String(2 + (i % 20)).padStart(2, '0')}T0${i % 9}:00:00.0000000`, timeZone: 'UTC' } }));

	test('one POST naming 40 events of one calendar: each fetched once, at most 4 reads of that mailbox at once (Outlook refuses a fifth), the credential read once', async () => {
		await activated();
		g.faults.latencyMs = 15;
		g.mailboxReadMs = 15;
		const reads = credentialReads();
		const getsBefore = calls(/^GET \/v1.0\/users\/.*\/events\//);
		const { events, deliveries } = await g.importEvents(DIA, imported(40));
		await host.settle();
		expect(deliveries.map((d) => d.status)).toEqual([202]);
		expect(host.items().map((i) => i.eventId).sort()).toEqual(events.map((e) => e.id).sort());
		expect(calls(/^GET \/v1.0\/users\/.*\/events\//) - getsBefore).toBe(40);
		expect(g.maxMailboxInFlight).toBeLessThanOrEqual(4);
		expect(g.maxMailboxInFlight).toBeGreaterThan(1);
		expect(g.throttled).toBe(0);
		expect(credentialReads() - reads).toBe(1);
	});

	test('Outlook answering 429 MailboxConcurrency (another app on the mailbox) is waited out as Retry-After asks: every event emitted once', async () => {
		await activated();
		g.inject({ match: 'GET /v1.0/users/[^/]+/events/', status: 429, retryAfter: 1, times: 3, body: { error: { code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' } } });
		const { events } = await g.importEvents(DIA, imported(5));
		await host.settle();
		expect(host.items().map((i) => i.eventId).sort()).toEqual(events.map((e) => e.id).sort());
		expect(host.items().every((i) => i.changeType === 'created')).toBe(true);
	});

	test('a token Graph stops accepting mid-burst is refreshed once for the whole POST', async () => {
		await activated();
		g.createEvent(DIA, booking());
		await g.settle();
		await host.settle();
		g.expireTokens();
		const before = preAuthCount();
		const { events } = await g.importEvents(DIA, imported(30));
		await host.settle();
		for (const e of events) expect(host.items().filter((i) => i.eventId === e.id)).toHaveLength(1);
		expect(preAuthCount() - before).toBe(1);
	});

	test('beyond the per-POST cap the mailbox is caught up by one delta query: every event emitted once, no per-event reads', async () => {
		await activated();
		const earlier = g.createEvent(DIA, booking('Booked before the import'));
		await g.settle();
		await host.settle();
		const getsBefore = calls(/^GET \/v1.0\/users\/.*\/events\//);
		const reads = credentialReads();
		const { events } = await g.importEvents(DIA, imported(120));
		await host.settle();
		const emitted = host.items().map((i) => i.eventId);
		// The event emitted before the import is not emitted again by the delta.
		expect(emitted.filter((id) => id === earlier.id)).toHaveLength(1);
		for (const e of events) expect(emitted.filter((id) => id === e.id)).toHaveLength(1);
		expect(host.items().filter((i) => i.resync === true)).toHaveLength(120);
		expect(calls(/^GET \/v1.0\/users\/.*\/events\//) - getsBefore).toBe(0);
		expect(calls(/calendarView\/delta/)).toBeGreaterThanOrEqual(12);
		expect(credentialReads() - reads).toBe(1);
		// The same POST again (Graph retrying): nothing new.
		const again = host.items().length;
		await g.deliver(g.subscriptionsFor(DIA)[0].notificationUrl, { value: events.map((e) => g.notificationFor(g.subscriptionsFor(DIA)[0], e.id, 'created')) });
		await host.settle();
		expect(host.items()).toHaveLength(again);
	});

	test('100 POSTs at once: every one answered 202, every event emitted once, Graph reads stay bounded', async () => {
		await activated();
		g.faults.latencyMs = 10;
		const events = imported(100, 'Burst').map((e) => g.createEvent(DIA, e));
		await g.settle();
		await host.settle();
		expect(g.deliveries.map((d) => d.status)).toEqual(Array(100).fill(202));
		for (const e of events) expect(host.items().filter((i) => i.eventId === e.id)).toHaveLength(1);
		expect(g.load.maxInFlight).toBeLessThanOrEqual(8);
	});
});

describe('subscription upkeep', () => {
	let upkeepNode: ReturnType<typeof makeNode>;
	let upkeepWorkflow: ReturnType<typeof makeWorkflow>;
	beforeEach(() => {
		// A fresh upkeep workflow per test: its static data remembers which subscriptions it made.
		upkeepNode = makeNode({ type: 'graphSubscriptionUpkeep', ...GRAPH, parameters: {} });
		upkeepWorkflow = makeWorkflow([upkeepNode]);
	});
	const upkeep = async (extra: IDataObject = {}) => {
		upkeepNode.parameters = { source: 'list', mailboxes: MAILBOXES.join(', '), path: 'graph-calendar', webhookBaseUrl: `${host.baseUrl}/`, renewWithinHours: 36, lifetimeMinutes: 10070, fallbackLifetimeMinutes: 4230, deleteOrphans: true, handshakeRetries: 0, ...extra };
		const r = await runNode({ type: 'graphSubscriptionUpkeep', parameters: {} }, [{}], { workflow: upkeepWorkflow, node: upkeepNode, overrides: host.overrides });
		if (r.error) throw r.error;
		return r.outputs[0][0].json as IDataObject & { created: IDataObject[]; renewed: IDataObject[]; recreated: IDataObject[]; deleted: IDataObject[]; failed: IDataObject[]; graphCalls: number };
	};

	test('creates all 8, then leaves them; recreates one Graph silently dropped; measures Graph calls', async () => {
		const first = await upkeep();
		expect(first.created).toHaveLength(8);
		expect(first.ok).toBe(true);
		const callsFirst = first.graphCalls;
		const steady = await upkeep();
		expect(steady).toMatchObject({ unchanged: 8, ok: true });
		expect(steady.graphCalls).toBe(1);
		const dropped = g.subscriptionsFor('ramona@clinic.example')[0];
		g.dropSilently(dropped.id);
		const after = await upkeep();
		expect(after.recreated.map((r) => r.mailbox)).toEqual(['ramona@clinic.example']);
		expect(g.subscriptionsFor('ramona@clinic.example')).toHaveLength(1);
		expect(callsFirst).toBe(2);
	});

	test('renews what expires soon; a renewal Graph answers 404 is recreated; 429 waits for Retry-After', async () => {
		await upkeep();
		for (const s of g.subscriptions.values()) s.expirationDateTime = new Date(Date.now() + 3_600_000).toISOString();
		g.inject({ match: 'batch:PATCH /v1.0/subscriptions/', status: 429, retryAfter: 1 });
		g.inject({ match: 'batch:PATCH /v1.0/subscriptions/', status: 404 });
		const t0 = Date.now();
		const r = await upkeep();
		expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
		expect(r.renewed).toHaveLength(7);
		expect(r.recreated).toHaveLength(1);
		expect(r.failed).toEqual([]);
		// The injected 404 left the old subscription in place; the next run removes the duplicate.
		const next = await upkeep();
		expect(next.deleted).toEqual([expect.objectContaining({ reason: 'duplicate' })]);
		for (const m of MAILBOXES) expect(g.subscriptionsFor(m)).toHaveLength(1);
		for (const s of g.subscriptions.values()) expect(Date.parse(s.expirationDateTime) - Date.now()).toBeGreaterThan(6 * 86_400_000);
	});

	test('without a Webhook Base URL it subscribes at n8n’s webhook URL (WEBHOOK_URL), not the editor’s, as the trigger does', async () => {
		upkeepNode.parameters = { source: 'list', mailboxes: DIA, path: 'graph-calendar', webhookBaseUrl: '', renewWithinHours: 36, lifetimeMinutes: 10070, fallbackLifetimeMinutes: 4230, deleteOrphans: true, handshakeRetries: 0 };
		const overrides = { ...host.overrides, instanceBaseUrl: 'https://editor.clinic.example/', webhookWaitingBaseUrl: `${host.baseUrl}/webhook-waiting` };
		const r = await runNode({ type: 'graphSubscriptionUpkeep', parameters: {} }, [{}], { workflow: upkeepWorkflow, node: upkeepNode, overrides });
		expect(r.error).toBeUndefined();
		expect(g.subscriptionsFor(DIA).map((s) => s.notificationUrl)).toEqual([`${host.baseUrl}/webhook/graph-calendar`]);
	});

	test('reads every page of the subscription list (PageIterator follows @odata.nextLink through n8n’s HTTP helpers)', async () => {
		await upkeep();
		g.subscriptionsPageSize = 3;
		g.calls.length = 0;
		const steady = await upkeep();
		expect(steady).toMatchObject({ unchanged: 8, ok: true, graphCalls: 3 });
		expect(calls(/^GET \/v1\.0\/subscriptions/)).toBe(3);
	});

	test('falls back to a shorter lifetime when Graph answers "beyond allowed max"', async () => {
		g.maxLifetimeMinutes = 4230;
		const r = await upkeep();
		expect(r.failed).toEqual([]);
		expect(r.created).toHaveLength(8);
		expect(r.lifetimeFallbackUsed).toBe(true);
	});

	test('deletes orphans pointing at our URL and reports failures with reasons', async () => {
		await upkeep();
		const r = await upkeep({ mailboxes: MAILBOXES.slice(0, 6).join(', ') });
		expect(r.deleted.map((d) => d.mailbox).sort()).toEqual(MAILBOXES.slice(6).sort());
		const bad = await upkeep({ mailboxes: [...MAILBOXES.slice(0, 6), 'nobody@clinic.example'].join(', ') });
		expect(bad.ok).toBe(false);
		expect(bad.failed).toEqual([expect.objectContaining({ mailbox: 'nobody@clinic.example', action: 'create', status: 404 })]);
		// The website lists by this: every wanted calendar with until when it is watched; none for the failure.
		const calendars = bad.calendars as Array<{ mailbox: string; watchedUntil: string }>;
		expect(calendars.map((c) => c.mailbox)).toEqual([...MAILBOXES.slice(0, 6), 'nobody@clinic.example']);
		expect(calendars.find((c) => c.mailbox === 'nobody@clinic.example')!.watchedUntil).toBe('');
		for (const c of calendars.slice(0, 6)) expect(Date.parse(c.watchedUntil)).toBe(Date.parse(g.subscriptionsFor(c.mailbox)[0].expirationDateTime));
	});

	test('while a practitioner entry is out of service in the catalog, subscriptions that look orphaned are kept, and the report says so', async () => {
		await upkeep();
		const catalog = JSON.parse(JSON.stringify(shippedCatalog())) as Catalog;
		catalog.practitioners = catalog.practitioners.filter((p) => MAILBOXES.slice(0, 7).includes(p.mailbox));
		catalog.problems = [{ entry: 'practitioners[x]', problem: 'mailbox must be an email address', outOfService: true }];
		const r = await upkeep({ source: 'catalog', catalog: JSON.stringify(catalog) });
		expect(r.deleted).toEqual([]);
		expect((r.held as IDataObject[]).map((h) => h.mailbox)).toEqual([MAILBOXES[7]]);
		expect(r.catalogProblems).toEqual(catalog.problems);
		expect(g.subscriptionsFor(MAILBOXES[7])).toHaveLength(1);
		// Fixed (no entry out of service): the orphan goes.
		catalog.problems = [];
		expect(((await upkeep({ source: 'catalog', catalog: JSON.stringify(catalog) })).deleted as IDataObject[]).map((d) => d.mailbox)).toEqual([MAILBOXES[7]]);
	});
});

test('Graph refusing the app (401 on listing) fails upkeep with a NodeApiError that says what to check', async () => {
	g.inject({ match: 'GET /v1.0/subscriptions', status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } });
	const node = makeNode({ type: 'graphSubscriptionUpkeep', ...GRAPH, parameters: { source: 'list', mailboxes: DIA, path: 'graph-calendar', webhookBaseUrl: `${host.baseUrl}/` } });
	const r = await runNode({ type: 'graphSubscriptionUpkeep', parameters: {} }, [{}], { node, workflow: makeWorkflow([node]), overrides: host.overrides });
	expect(r.error?.name).toBe('NodeApiError');
	expect(r.error?.message).toMatch(/Microsoft Graph: listing subscriptions failed: Insufficient privileges/);
	expect(r.error?.description).toMatch(/Calendars\.Read/);
});
