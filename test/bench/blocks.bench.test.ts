/**
 * Calendar Blocks' cost per run for a clinic's 8 practitioners and for 80, 60 days ahead: Microsoft Graph calls
 * (token requests excluded) and MediRecords calls, CPU of the process running the node and wall time, through
 * n8n-core's execution path against the sandboxes. Each practitioner has 2 phone bookings a day (120 in the
 * window). Three runs: the first (every block created), a steady one (nothing changed) and one after reception
 * moved one appointment of every practitioner. Written to harness/.run/blocks.json.
 */
import { mkdirSync, writeFileSync } from 'fs';
import path from 'path';
import type { IDataObject } from 'n8n-workflow';
import { CalendarBlocks } from '../../nodes/CalendarBlocks/CalendarBlocks.node';
import { toPracticeLocal } from '../../lib/time';
import type { GraphSandbox } from '../../sandbox/graph';
import type { Appointment, MediRecordsSandbox } from '../../sandbox/medirecords';
import { catalogWith } from '../helpers/fixtures';
import { GRAPH, graphCredentials, startGraph } from '../helpers/graph';
import { MR, startMediRecords } from '../helpers/medirecords';
import { registerNode, runNode } from '../helpers/n8n';

registerNode('calendarBlocks', CalendarBlocks);

const PER_DAY = 2;
const DAYS = 60;

async function measure(g: GraphSandbox, mr: MediRecordsSandbox, n: number) {
	const catalog = catalogWith(n);
	const practitioners = catalog.practitioners as Array<{ mailbox: string; providerId: string }>;
	const tz = 'Australia/Sydney';
	const day0 = Math.floor(Date.now() / 86_400_000) * 86_400_000;
	const first: Appointment[] = [];
	for (const p of practitioners) {
		g.addMailbox(p.mailbox);
		for (let d = 1; d < DAYS; d++) {
			for (let k = 0; k < PER_DAY; k++) {
				const a = mr.receptionBook({ providerId: p.providerId, scheduleTime: toPracticeLocal(day0 + d * 86_400_000 + (k + 1) * 3 * 3_600_000, tz), minutes: 30 });
				if (d === 1 && k === 0) first.push(a);
			}
		}
	}
	const run = async () => {
		const graph = g.apiCallCount();
		const medirecords = mr.state.requests.length;
		const cpu = process.cpuUsage();
		const t0 = performance.now();
		const r = await runNode({ type: 'calendarBlocks', credentials: { ...GRAPH.credentials, ...MR.credentials }, parameters: { catalog: JSON.stringify(catalog), mode: 'write', daysAhead: DAYS } });
		const ms = performance.now() - t0;
		const used = process.cpuUsage(cpu);
		if (r.error) throw r.error;
		const out = r.outputs[0][0].json as IDataObject & { totals: Record<string, number> };
		const graphCalls = g.apiCallCount() - graph;
		const mediRecordsCalls = mr.state.requests.length - medirecords;
		return { totals: out.totals, graphCalls, mediRecordsCalls, graphCallsPerPractitioner: graphCalls / n, mediRecordsCallsPerPractitioner: mediRecordsCalls / n, cpuMsPerPractitioner: Math.round(((used.user + used.system) / 1000 / n) * 10) / 10, wallMs: Math.round(ms) };
	};
	const created = await run();
	const steady = await run();
	for (const a of first) mr.receptionMove(a.id, { scheduleTime: toPracticeLocal(day0 + 2 * 86_400_000 + 20 * 3_600_000, tz) });
	const oneMoveEach = await run();
	return { practitioners: n, appointmentsEach: (DAYS - 1) * PER_DAY, created, steady, oneMoveEach };
}

test('Calendar Blocks: Graph and MediRecords calls per run, 8 and 80 practitioners × 60 days', async () => {
	const g = await startGraph();
	const mr = await startMediRecords();
	const results: Array<Awaited<ReturnType<typeof measure>>> = [];
	for (const n of [8, 80]) {
		g.reset();
		graphCredentials(g);
		mr.reset();
		results.push(await measure(g, mr, n));
	}
	await Promise.all([g.stop(), mr.stop()]);
	const [few, many] = results;
	const out = {
		byPractitioners: Object.fromEntries(results.map((r) => [r.practitioners, r])),
		// Speed as a ratio in the same run: a steady run's CPU per practitioner for 80 against 8 (1 = linear).
		ratios: { steadyCpuPerPractitioner80Vs8: Math.round((many.steady.cpuMsPerPractitioner / few.steady.cpuMsPerPractitioner) * 100) / 100 },
	};
	mkdirSync(path.join(__dirname, '../../harness/.run'), { recursive: true });
	writeFileSync(path.join(__dirname, '../../harness/.run/blocks.json'), JSON.stringify(out, null, 2));
	for (const r of results) {
		expect(r.created.totals).toMatchObject({ created: r.appointmentsEach * r.practitioners, problems: 0 });
		expect(r.steady.totals).toMatchObject({ created: 0, moved: 0, removed: 0 });
		expect(r.oneMoveEach.totals).toMatchObject({ created: 0, moved: r.practitioners, removed: 0 });
	}
	console.log(JSON.stringify(out, null, 2));
});
