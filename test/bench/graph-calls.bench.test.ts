/** Counts Microsoft Graph calls (token requests excluded) per notification and per upkeep run for 8 mailboxes, against the Graph sandbox. */
import { writeFileSync, mkdirSync } from 'fs';
import path from 'path';
import type { IDataObject } from 'n8n-workflow';
import { PRACTITIONERS } from '../../sandbox/seed';
import type { GraphSandbox } from '../../sandbox/graph';
import { GRAPH, graphCredentials, startGraph, TriggerHost } from '../helpers/graph';
import { makeNode, makeWorkflow, runNode } from '../helpers/n8n';

test('Graph calls per notification and per upkeep run', async () => {
	const g: GraphSandbox = await startGraph();
	graphCredentials(g);
	const host = await new TriggerHost({ mailboxes: '' }).start();
	const node = makeNode({ type: 'graphSubscriptionUpkeep', ...GRAPH, parameters: { source: 'list', mailboxes: PRACTITIONERS.map((p) => p.mailbox).join(','), path: 'graph-calendar', webhookBaseUrl: `${host.baseUrl}/`, renewWithinHours: 36, lifetimeMinutes: 10070, fallbackLifetimeMinutes: 4230, deleteOrphans: true, handshakeRetries: 0 } });
	const workflow = makeWorkflow([node]);
	const upkeep = async () => {
		const before = g.apiCallCount();
		const r = await runNode({ type: 'graphSubscriptionUpkeep', parameters: {} }, [{}], { workflow, node, overrides: host.overrides });
		if (r.error) throw r.error;
		return { calls: g.apiCallCount() - before, report: r.outputs[0][0].json as IDataObject };
	};
	const first = await upkeep();
	const steady = await upkeep();
	const before = g.apiCallCount();
	const n = 20;
	for (let i = 0; i < n; i++) {
		g.createEvent('dr.dia@clinic.example', { subject: `Alternative Medicine Follow-up ${i}`, attendees: [{ type: 'required', emailAddress: { name: 'A B', address: `a${i}@example.com` } }] });
		await g.settle();
		await host.settle();
	}
	const perNotification = (g.apiCallCount() - before) / n;
	const result = { perNotification, perFirstUpkeep8Mailboxes: first.calls, perSteadyUpkeep8Mailboxes: steady.calls, created: (first.report.created as unknown[]).length, tokenRequests: g.calls.filter((c) => c.path.includes('/oauth2/')).length };
	mkdirSync(path.join(__dirname, '../../harness/.run'), { recursive: true });
	writeFileSync(path.join(__dirname, '../../harness/.run/graph-calls.json'), JSON.stringify(result, null, 2));
	expect(host.items()).toHaveLength(n);
	await host.stop();
	await g.stop();
});
