import { clientStateFor, collapse, constantTimeEqual, emptyReport, graphScope, isBeyondMaxLifetime, parseResource, planFetches, planUpkeep, remember, removals, upkeepSummary, validationEcho, watchedCalendars, MAX_VALIDATION_TOKEN, type DistinctChange, type SeenEvent } from '../../../lib/sources/graph';

describe('clientState', () => {
	test('derived per workflow path, stable, and compared in constant time', () => {
		const a = clientStateFor('secret', 'graph-calendar');
		expect(a).toBe(clientStateFor('secret', 'GRAPH-CALENDAR'));
		expect(a).toBe(clientStateFor('secret', ' /graph-calendar/ '));
		expect(a).not.toBe(clientStateFor('secret', 'other'));
		expect(a).not.toBe(clientStateFor('secret2', 'graph-calendar'));
		expect(a.length).toBeLessThanOrEqual(128);
		expect(constantTimeEqual(a, a)).toBe(true);
		expect(constantTimeEqual(`${a}x`, a)).toBe(false);
		expect(constantTimeEqual(undefined, a)).toBe(false);
		expect(() => clientStateFor('', 'x')).toThrow(/notification secret/);
	});
});

describe('collapse', () => {
	const n = (id: string, changeType: string, clientState = 'cs', user = 'Dr.Dia@clinic.example') => ({ subscriptionId: 's', changeType, clientState, resource: `Users/${user}/Events/${id}`, resourceData: { id } });
	test('one entry per event, spoofed ones counted and dropped', () => {
		const r = collapse([n('A', 'created'), n('A', 'updated'), n('A', 'created'), n('B', 'deleted'), n('C', 'created', 'bad'), { clientState: 'cs' }], 'cs');
		expect(r.changes).toEqual([
			{ user: 'dr.dia@clinic.example', eventId: 'A', subscriptionId: 's', changeTypes: ['created', 'updated'] },
			{ user: 'dr.dia@clinic.example', eventId: 'B', subscriptionId: 's', changeTypes: ['deleted'] },
		]);
		expect(r.rejected).toBe(1);
		expect(r.unreadable).toBe(1);
	});
	test('resource forms', () => {
		expect(parseResource("Users('abc-123')/Events('AAMk=')")).toEqual({ user: 'abc-123', eventId: 'AAMk=' });
		expect(parseResource('users/x@y.z/events/AAMk')).toEqual({ user: 'x@y.z', eventId: 'AAMk' });
		expect(parseResource('me/messages/1')).toEqual({});
	});
});

describe('planUpkeep', () => {
	const url = 'https://n8n.clinic.example/webhook/graph-calendar';
	const now = Date.parse('2026-11-25T00:00:00Z');
	const sub = (id: string, mailbox: string, hours: number, u = url) => ({ id, resource: `users/${mailbox}/events`, notificationUrl: u, expirationDateTime: new Date(now + hours * 3_600_000).toISOString() });
	test('renew soon-expiring, keep healthy, create missing (knowing which were ours), remove orphans and duplicates, ignore others', () => {
		const plan = planUpkeep(
			['a@c.x', 'b@c.x', 'c@c.x', 'd@c.x'],
			[sub('1', 'a@c.x', 2), sub('2', 'b@c.x', 100), sub('3', 'b@c.x', 50), sub('4', 'gone@c.x', 100), sub('5', 'c@c.x', 1, 'https://other/hook')],
			url,
			{ now, renewWithinMs: 24 * 3_600_000, known: { 'users/c@c.x/events': 'old' } },
		);
		expect(plan.renew.map((s) => s.id)).toEqual(['1']);
		expect(plan.keep.map((s) => s.id)).toEqual(['2']);
		expect(plan.create).toEqual([
			{ mailbox: 'c@c.x', resource: 'users/c@c.x/events', previouslyKnown: true },
			{ mailbox: 'd@c.x', resource: 'users/d@c.x/events', previouslyKnown: false },
		]);
		expect(plan.remove.map((r) => `${r.sub.id}:${r.why}`).sort()).toEqual(['3:duplicate', '4:orphan']);
	});
	test('orphans are deleted only when asked, and held while a practitioner entry is out of service; duplicates always go', () => {
		const plan = planUpkeep(['b@c.x'], [sub('2', 'b@c.x', 100), sub('3', 'b@c.x', 50), sub('4', 'gone@c.x', 100)], url, { now, renewWithinMs: 0, known: {} });
		const ids = (r: ReturnType<typeof removals>) => ({ remove: r.remove.map((x) => x.sub.id).sort(), hold: r.hold.map((x) => x.sub.id) });
		expect(ids(removals(plan, false, true))).toEqual({ remove: ['3', '4'], hold: [] });
		expect(ids(removals(plan, false, false))).toEqual({ remove: ['3'], hold: [] });
		expect(ids(removals(plan, true, true))).toEqual({ remove: ['3'], hold: ['4'] });
	});
	test('each wanted calendar is watched until its subscription expires; a failed creation is not watched', () => {
		const plan = planUpkeep(['a@c.x', 'b@c.x', 'c@c.x', 'd@c.x'], [sub('1', 'a@c.x', 2), sub('2', 'b@c.x', 100)], url, { now, renewWithinMs: 24 * 3_600_000, known: {} });
		const report = { ...emptyReport(), unchanged: 1, renewed: [{ mailbox: 'a@c.x', id: '1', expirationDateTime: '2026-12-01T00:00:00Z' }], created: [{ mailbox: 'c@c.x', id: '9', expirationDateTime: '2026-12-02T00:00:00Z' }], failed: [{ mailbox: 'd@c.x', action: 'create', reason: 'refused' }] };
		expect(watchedCalendars(['a@c.x', 'b@c.x', 'c@c.x', 'd@c.x'], plan, report, 'now').map((c) => [c.mailbox, c.watchedUntil])).toEqual([
			['a@c.x', '2026-12-01T00:00:00Z'],
			['b@c.x', new Date(now + 100 * 3_600_000).toISOString()],
			['c@c.x', '2026-12-02T00:00:00Z'],
			['d@c.x', ''],
		]);
		expect(upkeepSummary(report)).toBe('renewed 1, recreated 0, created 1, deleted 0, held 0, unchanged 1, failed 1');
	});
	test('"beyond allowed max" is recognised in both wordings', () => {
		expect(isBeyondMaxLifetime('Subscription expiration datetime is beyond allowed max of 4230 minutes.')).toBe(true);
		expect(isBeyondMaxLifetime('Subscription expiration can only be 4230 minutes in the future.')).toBe(true);
		expect(isBeyondMaxLifetime('Invalid resource')).toBe(false);
	});
	test('the seen-event record is bounded', () => {
		const store: Record<string, SeenEvent> = {};
		for (let i = 0; i < 10; i++) remember(store, `e${i}`, { mailbox: 'm', at: i }, 5);
		expect(Object.keys(store)).toEqual(['e5', 'e6', 'e7', 'e8', 'e9']);
	});
});

describe('planFetches', () => {
	const changes = (user: string, n: number, changeType = 'created'): DistinctChange[] => Array.from({ length: n }, (_, i) => ({ user, eventId: `${user}-${i}`, changeTypes: [changeType] }));

	test('within the cap every event is fetched', () => {
		const all = [...changes('a', 30), ...changes('b', 20)];
		expect(planFetches(all, 50)).toEqual({ fetch: all, resync: [], deleted: [] });
	});

	test('beyond it the busiest mailboxes are resynced until the rest fits', () => {
		const all = [...changes('a', 10), ...changes('b', 300), ...changes('c', 45), ...changes('d', 5)];
		const plan = planFetches(all, 50);
		expect(plan.resync).toEqual(['b', 'c']);
		expect(plan.fetch.map((c) => c.user)).toEqual([...Array(10).fill('a'), ...Array(5).fill('d')]);
	});

	test('one mailbox over the cap is resynced whole; its deletions are passed on without a fetch', () => {
		const all = [...changes('a', 60), ...changes('a-del', 0), { user: 'a', eventId: 'gone', changeTypes: ['deleted'] }];
		const plan = planFetches(all, 50);
		expect(plan).toMatchObject({ fetch: [], resync: ['a'] });
		expect(plan.deleted.map((c) => c.eventId)).toEqual(['gone']);
	});
});

describe('Graph validation handshake echo', () => {
	test('echoes a short token sent without a body; refuses anything else that carries one', () => {
		expect(validationEcho(undefined, { value: [] })).toBeUndefined();
		expect(validationEcho('Validation: Testing client application', {})).toEqual({ status: 200, text: 'Validation: Testing client application' });
		expect(validationEcho('abc', '')).toEqual({ status: 200, text: 'abc' });
		expect(validationEcho('abc', undefined)).toEqual({ status: 200, text: 'abc' });
		expect(validationEcho('x'.repeat(MAX_VALIDATION_TOKEN), {})?.status).toBe(200);
		for (const [token, body] of [
			['x'.repeat(MAX_VALIDATION_TOKEN + 1), {}],
			['<script>alert(1)</script>', { value: [{ subscriptionId: 's' }] }],
			['abc', 'some text'],
			[['a', 'b'], {}],
			['', {}],
		] as Array<[unknown, unknown]>) {
			expect(validationEcho(token, body)).toEqual({ status: 400, text: 'Not a Microsoft Graph validation request' });
		}
	});
});


describe('the token scope follows the Graph URL', () => {
	test.each([
		['https://graph.microsoft.com', 'https://graph.microsoft.com/.default'],
		['https://graph.microsoft.us/', 'https://graph.microsoft.us/.default'],
		['https://DOD-Graph.microsoft.us', 'https://dod-graph.microsoft.us/.default'],
		['https://microsoftgraph.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn/.default'],
		['http://127.0.0.1:4011', 'https://graph.microsoft.com/.default'],
		['', 'https://graph.microsoft.com/.default'],
		['not a url', 'https://graph.microsoft.com/.default'],
	])('%s → %s', (url, scope) => expect(graphScope(url)).toBe(scope));
});
