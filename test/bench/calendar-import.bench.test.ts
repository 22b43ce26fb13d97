/**
 * A calendar import: BENCH_EVENTS (default 1,000) events in one Graph notification POST, with n8n's
 * readiness polled every 250 ms until every event is booked or BENCH_LIMIT_S (300) seconds pass.
 * The Graph sandbox answers after BENCH_GRAPH_LATENCY_MS (150), as Microsoft's service does.
 * BENCH_TARBALL and BENCH_WORKFLOWS run an earlier build of the package and its workflows on the
 * same harness, for before/after figures. Writes harness/.run/calendar-import.json.
 */
import { mkdirSync, writeFileSync } from 'fs';
import path from 'path';
import { PRACTITIONERS } from '../../sandbox/seed';
import { startWorld, stopWorld, waitFor, type World } from '../e2e/context';
import { HARNESS, packPackage } from '../../local/n8n';
import { appointmentFor, calendlyEvent, newPatient } from '../e2e/scenarios';
import { benchN8nEnv } from './n8n-env';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const LIMIT_S = Number(process.env.BENCH_LIMIT_S ?? 300);
let w: World;
beforeAll(async () => {
	w = await startWorld('bench-import', 'regular', process.env.BENCH_TARBALL ?? packPackage(), { extraEnv: benchN8nEnv(), ...(process.env.BENCH_WORKFLOWS ? { workflowsDir: process.env.BENCH_WORKFLOWS } : {}) });
	await waitFor('subscriptions', () => w.graph.subscriptions.size === 8, 120_000, 500);
	// BENCH_GRAPH_LATENCY_MS: how long the Graph sandbox takes per call, as Microsoft's does (default 150).
	w.graph.faults.latencyMs = Number(process.env.BENCH_GRAPH_LATENCY_MS ?? 150);
}, 600_000);
afterAll(async () => stopWorld(w));

test('calendar import', async () => {
	const m = PRACTITIONERS.find((p) => p.key === 'dr-shivani')!.mailbox;
	const samples: Array<{ at: number; ready: boolean }> = [];
	let done = false;
	const t0 = Date.now();
	const poll = (async () => {
		while (!done) {
			samples.push({ at: Date.now() - t0, ready: await w.n8n.ready() });
			await new Promise((r) => setTimeout(r, 250));
		}
	})();
	const { events, deliveries } = await w.graph.importEvents(m, Array.from({ length: EVENTS }, () => calendlyEvent(m, 'Alternative Medicine Follow-up', newPatient('import'))));
	let booked = 0;
	try {
		await waitFor('every event booked', () => (booked = events.filter((e) => appointmentFor(w, e.id)).length) === EVENTS, LIMIT_S * 1000, 1000);
	} catch {
		/* reported below */
	}
	done = true;
	await poll;
	const notReady = samples.filter((s) => !s.ready);
	const result = {
		events: EVENTS,
		ackStatus: deliveries[0]?.status,
		ackMs: deliveries[0]?.ms,
		booked,
		seconds: Math.round((Date.now() - t0) / 1000),
		readinessChecks: samples.length,
		notReady: notReady.length,
		notReadyFromS: notReady.length ? Math.round(notReady[0].at / 1000) : null,
		notReadyToS: notReady.length ? Math.round(notReady[notReady.length - 1].at / 1000) : null,
		tarball: process.env.BENCH_TARBALL ? path.basename(process.env.BENCH_TARBALL) : 'this tree',
		graphLatencyMs: w.graph.faults.latencyMs,
		n8nEnv: process.env.BENCH_N8N_ENV ?? '',
	};
	mkdirSync(path.join(HARNESS, '.run'), { recursive: true });
	writeFileSync(path.join(HARNESS, '.run', 'calendar-import.json'), JSON.stringify(result, null, 2));
	process.stdout.write(`calendar import: ${JSON.stringify(result)}\n`);
	expect(samples.length).toBeGreaterThan(0);
});
