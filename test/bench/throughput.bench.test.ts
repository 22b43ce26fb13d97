/**
 * Booking path and website endpoint vs a bare n8n webhook, side by side on the same n8n in the same
 * run (regular mode, then queue mode with a webhook process in front): acknowledgement p50/p99 at 1,
 * 10, 50 and 100 requests in flight, completions per second, CPU of n8n's main process (and of the
 * other n8n processes) per request, MediRecords and Graph calls per booking and per duplicate, peak
 * main-process memory. Writes harness/.run/throughput.json and bench/results.json.
 *
 * The bare workflow is a Webhook (202 on receipt) and one HTTP Request to a local sink: the least
 * a workflow that acknowledges and then calls out can cost. A booking is one Graph notification
 * POST for one new Calendly event; it is complete when its appointment exists in MediRecords.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import path from 'path';
import type { GraphEvent } from '../../sandbox/graph';
import { AlertInbox } from '../../sandbox/services';
import { PRACTITIONERS } from '../../sandbox/seed';
import { startWorld, stopWorld, waitFor, type World } from '../e2e/context';
import { HARNESS, N8N_VERSION, packPackage, ROOT } from '../../local/n8n';
import { appointmentFor, calendlyEvent, newPatient } from '../e2e/scenarios';
import { benchN8nEnv } from './n8n-env';

const LEVELS = (process.env.BENCH_LEVELS ?? '1,10,50,100').split(',').map(Number);
const PER_LEVEL = Number(process.env.BENCH_REQUESTS ?? 100);
const MODES = (process.env.BENCH_MODES ?? 'regular,queue').split(',') as Array<'regular' | 'queue'>;
type Kind = 'bare' | 'booking' | 'website';
// BENCH_KINDS=booking: only the booking path (for a CPU profile of it alone).
const KINDS = (process.env.BENCH_KINDS ?? 'bare,booking,website').split(',') as Kind[];
const MAILBOXES = ['dr-dia', 'dr-shivani', 'nurse', 'ramona'].map((k) => PRACTITIONERS.find((p) => p.key === k)!.mailbox);

interface Level {
	inFlight: number;
	requests: number;
	ackP50Ms: number;
	ackP99Ms: number;
	answered503: number;
	completedPerSec: number;
	mainCpuMsPerRequest: number;
	otherProcessesCpuMsPerRequest?: number;
}

const quantile = (xs: number[], q: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** Sends `count` requests keeping `inFlight` open at once; resolves with each one's status and time to answer. */
async function drive(count: number, inFlight: number, send: (i: number) => Promise<number>): Promise<Array<{ status: number; ms: number }>> {
	const out: Array<{ status: number; ms: number }> = new Array(count);
	let next = 0;
	const lane = async () => {
		while (next < count) {
			const i = next++;
			const t0 = performance.now();
			const status = await send(i).catch(() => 0);
			out[i] = { status, ms: Math.round(performance.now() - t0) };
		}
	};
	await Promise.all(Array.from({ length: inFlight }, lane));
	return out;
}

async function measure(w: World, sink: AlertInbox, level: number, kind: Kind, peak: { rss: number }): Promise<Level> {
	const cpu0 = w.n8n.cpuMs();
	const t0 = performance.now();
	let acks: Array<{ status: number; ms: number }>;
	if (kind === 'website') {
		// The website's GET: the answer is the completion.
		acks = await drive(PER_LEVEL, level, async (i) => {
			const res = await fetch(`${w.n8n.publicUrl}/webhook/service-calendars?service=${['gaps-coaching', 'weight-loss', 'alternative-medicine'][i % 3]}`, { headers: { Origin: 'https://www.wholehealthclinic.example' } });
			await res.text();
			return res.status;
		});
	} else if (kind === 'bare') {
		const before = sink.alerts.length;
		const tag = `${level}-${Date.now()}`;
		acks = await drive(PER_LEVEL, level, async (i) => (await fetch(`${w.n8n.publicUrl}/webhook/bench-bare`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: `${tag}-${i}` }) })).status);
		await waitFor('bare executions', () => sink.alerts.length - before >= acks.filter((a) => a.status < 300).length, 300_000, 50);
	} else {
		w.graph.notify = false;
		const events: GraphEvent[] = Array.from({ length: PER_LEVEL }, (_, i) => {
			const m = MAILBOXES[i % MAILBOXES.length];
			return w.graph.createEvent(m, calendlyEvent(m, m.startsWith('ramona') ? 'GAPS Coaching Follow-up' : 'Alternative Medicine Follow-up', newPatient('bench')));
		});
		w.graph.notify = true;
		acks = await drive(PER_LEVEL, level, async (i) => {
			const ev = events[i];
			const sub = w.graph.subscriptionsFor(String(ev.organizer.emailAddress.address))[0];
			return (await w.graph.deliver(sub.notificationUrl, { value: [w.graph.notificationFor(sub, ev.id, 'created')] })).status;
		});
		await waitFor('bookings', () => events.every((e, i) => acks[i].status !== 202 || appointmentFor(w, e.id)), 600_000, 100);
	}
	const seconds = (performance.now() - t0) / 1000;
	const cpu1 = w.n8n.cpuMs();
	peak.rss = Math.max(peak.rss, w.n8n.rssMiB() ?? 0);
	const ok = acks.filter((a) => a.status >= 200 && a.status < 300);
	return {
		inFlight: level,
		requests: PER_LEVEL,
		ackP50Ms: quantile(ok.map((a) => a.ms), 0.5),
		ackP99Ms: quantile(ok.map((a) => a.ms), 0.99),
		answered503: acks.filter((a) => a.status === 503).length,
		completedPerSec: Math.round((ok.length / seconds) * 10) / 10,
		mainCpuMsPerRequest: Math.round((cpu1[0] - cpu0[0]) / PER_LEVEL),
		...(cpu1.length > 1 ? { otherProcessesCpuMsPerRequest: Math.round(cpu1.slice(1).reduce((a, c, i) => a + c - cpu0[i + 1], 0) / PER_LEVEL) } : {}),
	};
}

/** MediRecords and Graph calls for one new booking, and for a duplicate notification of it. */
async function callsPerBooking(w: World): Promise<{ mediRecordsPerNewBooking: number; mediRecordsPerDuplicate: number; graphPerNotification: number }> {
	const m = MAILBOXES[0];
	const n = 10;
	const mr0 = w.mr.state.requests.length;
	const g0 = w.graph.apiCallCount();
	const events: GraphEvent[] = [];
	for (let i = 0; i < n; i++) {
		const ev = w.graph.createEvent(m, calendlyEvent(m, 'Alternative Medicine Follow-up', newPatient('calls')));
		events.push(ev);
		await waitFor('booking', () => appointmentFor(w, ev.id), 60_000, 50);
	}
	const mr1 = w.mr.state.requests.length;
	const g1 = w.graph.apiCallCount();
	const sub = w.graph.subscriptionsFor(m)[0];
	for (const ev of events) await w.graph.deliver(sub.notificationUrl, { value: [w.graph.notificationFor(sub, ev.id, 'updated')] });
	await new Promise((r) => setTimeout(r, 3000));
	return { mediRecordsPerNewBooking: (mr1 - mr0) / n, mediRecordsPerDuplicate: (w.mr.state.requests.length - mr1) / n, graphPerNotification: (g1 - g0) / n };
}

const results: Record<string, unknown> = { n8n: N8N_VERSION, perLevel: PER_LEVEL, measuredAt: new Date().toISOString() };

afterAll(() => {
	mkdirSync(path.join(HARNESS, '.run'), { recursive: true });
	writeFileSync(path.join(HARNESS, '.run', 'throughput.json'), JSON.stringify(results, null, 2));
	writeFileSync(path.join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
});

describe.each(MODES)('booking path vs bare webhook (%s mode)', (mode) => {
	let w: World;
	let sink: AlertInbox;
	beforeAll(async () => {
		sink = await new AlertInbox().start();
		const bare = JSON.parse(readFileSync(path.join(ROOT, 'bench', 'bare-webhook.json'), 'utf8').replace('__SINK_URL__', `${sink.url}/alerts`));
		// BENCH_CPU_PROF=<dir>: n8n's processes write V8 CPU profiles there when they stop (node --cpu-prof).
		const extraEnv = benchN8nEnv();
		if (process.env.BENCH_CPU_PROF) extraEnv.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF}`;
		// Queue mode as it scales: main + a webhook process (the traffic goes to it) + a worker.
		// The Calendar Sweep at its shipped interval (5 minutes), as a clinic runs it: the tests' 10 s sweeps would read
		// every calendar dozens of times during a measurement.
		w = await startWorld(`bench-${mode}`, mode, packPackage(), { extraWorkflows: [bare], extraEnv, sweepSeconds: undefined, ...(mode === 'queue' ? { webhookProcesses: 1 } : {}) });
		await waitFor('subscriptions', () => w.graph.subscriptions.size === 8, 120_000, 500);
	}, 600_000);
	afterAll(async () => {
		await stopWorld(w);
		await sink.stop();
	});

	test('measure', async () => {
		const peak = { rss: 0 };
		const idleRss = w.n8n.rssMiB();
		// Warm every path (first executions compile and cache).
		for (const kind of KINDS) await measure(w, sink, 5, kind, peak);
		const rows: Record<string, { bare: Level; booking: Level; website: Level }> = {};
		for (const level of LEVELS) {
			const row: Partial<Record<Kind, Level>> = {};
			for (const kind of KINDS) row[kind] = await measure(w, sink, level, kind, peak);
			rows[level] = row as { bare: Level; booking: Level; website: Level };
		}
		if (KINDS.length < 3) {
			// A profiling run (BENCH_KINDS): no ratios.
			results[mode] = { levels: rows };
			return;
		}
		const calls = await callsPerBooking(w);
		const at50 = rows[50] ?? rows[LEVELS[LEVELS.length - 1]];
		results[mode] = {
			levels: rows,
			...calls,
			idleMainRssMiB: idleRss,
			peakMainRssMiB: peak.rss,
			ratios: {
				bookingAckP99VsBareAt50: Math.round((at50.booking.ackP99Ms / at50.bare.ackP99Ms) * 100) / 100,
				bookingsPerSecVsBare: Math.round((Math.min(...LEVELS.map((l) => rows[l].booking.completedPerSec / rows[l].bare.completedPerSec)) * 100)) / 100,
				mainCpuPerBookingVsBare: Math.round((at50.booking.mainCpuMsPerRequest / Math.max(1, at50.bare.mainCpuMsPerRequest)) * 100) / 100,
				websitePerSecVsBare: Math.round((Math.min(...LEVELS.map((l) => rows[l].website.completedPerSec / rows[l].bare.completedPerSec)) * 100)) / 100,
			},
		};
		process.stdout.write(`\n${mode}: ${JSON.stringify(results[mode], null, 1)}\n`);
		expect(Object.keys(rows)).toHaveLength(LEVELS.length);
	});
});
