/**
 * The calendar sweep's cost per mailbox per run, for a clinic's 8 calendars and for 200 (the Graph sandbox adds
 * the mailboxes): Microsoft Graph calls (token requests excluded), CPU of the process running the node (n8n's
 * main in regular mode, where the Schedule Trigger runs it) and wall time, through n8n-core's execution path.
 * In-process, the node alone: the Data Table steps around it in the workflow are not counted. Three runs each:
 * the first (no delta links: each calendar's window read afresh, 3 events per calendar), a steady one (nothing
 * changed) and one with a change in every calendar. Written to harness/.run/sweep.json.
 */
import { mkdirSync, writeFileSync } from 'fs';
import path from 'path';
import type { IDataObject } from 'n8n-workflow';
import { GraphCalendarSweep } from '../../nodes/GraphCalendarSweep/GraphCalendarSweep.node';
import type { GraphSandbox } from '../../sandbox/graph';
import { catalogWith, graphEvent } from '../helpers/fixtures';
import { GRAPH, startGraph } from '../helpers/graph';
import { registerNode, runNode } from '../helpers/n8n';

registerNode('graphCalendarSweep', GraphCalendarSweep);

const EVENTS_PER_CALENDAR = 3;

async function measure(g: GraphSandbox, n: number) {
	const catalog = catalogWith(n);
	const mailboxes = (catalog.practitioners as Array<{ mailbox: string }>).map((p) => p.mailbox);
	const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().replace('Z', '0000');
	for (const m of mailboxes) {
		g.addMailbox(m);
		for (let e = 0; e < EVENTS_PER_CALENDAR; e++) {
			const { id: _id, iCalUId: _u, ...ev } = graphEvent({ subject: 'Weight Loss Follow-up', mailbox: m, start: inDays(2 + e), end: inDays(2 + e + 1 / 48) });
			g.createEvent(m, ev as never);
		}
	}
	let syncRows: IDataObject[] = [];
	const run = async () => {
		const calls = g.apiCallCount();
		const cpu = process.cpuUsage();
		const t0 = performance.now();
		const r = await runNode({ type: 'graphCalendarSweep', ...GRAPH, parameters: { catalog: JSON.stringify(catalog), syncRows: JSON.stringify(syncRows), ledgerRows: '[]', daysBack: 1, daysAhead: 365, settleSeconds: 0, leaseMinutes: 5, alertAfter: 3 } });
		const ms = performance.now() - t0;
		const used = process.cpuUsage(cpu);
		if (r.error) throw r.error;
		syncRows = r.outputs[2].map((i) => i.json);
		const graphCalls = g.apiCallCount() - calls;
		return { changes: r.outputs[0].length, graphCalls, graphCallsPerMailbox: graphCalls / n, cpuMsPerMailbox: (used.user + used.system) / 1000 / n, wallMs: Math.round(ms) };
	};
	const first = await run();
	const steady = await run();
	for (const m of mailboxes) {
		const [ev] = [...(g.mailboxes.get(m)?.values() ?? [])];
		g.updateEvent(m, ev.id, { subject: 'Weight Loss Follow-up (moved)' });
	}
	await g.settle();
	const oneChangeEach = await run();
	return { mailboxes: n, first, steady, oneChangeEach };
}

test('the sweep’s cost per mailbox per run, 8 and 200 calendars', async () => {
	const g = await startGraph();
	// Deliveries to nobody: the sandbox has no subscriptions here, so event changes notify no one.
	const results: Array<Awaited<ReturnType<typeof measure>>> = [];
	for (const n of [8, 200]) {
		g.reset();
		results.push(await measure(g, n));
	}
	await g.stop();
	mkdirSync(path.join(__dirname, '../../harness/.run'), { recursive: true });
	const [few, many] = results;
	const out = {
		byMailboxes: Object.fromEntries(results.map((r) => [r.mailboxes, r])),
		// Speed as a ratio in the same run: a steady sweep's CPU per mailbox for 200 calendars against 8 (1 = linear).
		ratios: { steadyCpuPerMailbox200Vs8: Math.round((many.steady.cpuMsPerMailbox / few.steady.cpuMsPerMailbox) * 100) / 100 },
	};
	writeFileSync(path.join(__dirname, '../../harness/.run/sweep.json'), JSON.stringify(out, null, 2));
	for (const r of results) {
		expect(r.first.changes).toBe(EVENTS_PER_CALENDAR * r.mailboxes);
		expect(r.steady.changes).toBe(0);
		expect(r.oneChangeEach.changes).toBe(r.mailboxes);
	}
	console.log(results.map((r) => `${r.mailboxes} mailboxes: ${JSON.stringify({ first: r.first, steady: r.steady, oneChangeEach: r.oneChangeEach })}`).join('\n'));
});
