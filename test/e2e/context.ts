/** Sandboxes in this process + real n8n in child processes, shared by the end-to-end scenarios. */
import path from 'path';
import { GraphSandbox } from '../../sandbox/graph';
import { MediRecordsSandbox } from '../../sandbox/medirecords';
import { startProxy, type InterceptingProxy } from '../../sandbox/proxy';
import { AlertInbox, JotFormSandbox, SmtpInbox, StripeSandbox } from '../../sandbox/services';
import { HARNESS, N8n, OPS_KEY, type N8nOptions } from '../../local/n8n';

export interface World {
	mr: MediRecordsSandbox;
	graph: GraphSandbox;
	jotform: JotFormSandbox;
	stripe: StripeSandbox;
	alerts: AlertInbox;
	smtp: SmtpInbox;
	proxy: InterceptingProxy;
	n8n: N8n;
}

export async function startWorld(name: string, mode: 'regular' | 'queue', tarball: string, more: Partial<N8nOptions> = {}): Promise<World> {
	const mr = await new MediRecordsSandbox().start();
	const graph = await new GraphSandbox().start();
	const jotform = await new JotFormSandbox().start();
	const stripe = await new StripeSandbox().start();
	// Every sandbox on a port the OS picks: the tests run beside `npm start` or another run.
	const alerts = await new AlertInbox().start();
	const smtp = await new SmtpInbox().start();
	const proxy = await startProxy(path.join(HARNESS, '.run', 'certs'), {
		'api.stripe.com': stripe.url,
		'api.jotform.com': jotform.url,
		'eu-api.jotform.com': jotform.url,
		'hipaa-api.jotform.com': jotform.url,
	});
	// The Calendar Sweep every 10 s (a clinic's sweeps every 5 minutes), so what it catches up converges within a test.
	const n8n = new N8n({ name, mode, sweepSeconds: 10, opsAlertUrl: `${alerts.url}/alerts`, sandboxes: { medirecords: mr.url, graph: graph.url, smtpPort: smtp.port, proxy: proxy.url, caFile: path.join(HARNESS, '.run', 'certs', 'ca.pem') }, log: process.env.E2E_LOG === '1', ...more });
	n8n.prepare(tarball);
	await n8n.start();
	return { mr, graph, jotform, stripe, alerts, smtp, proxy, n8n };
}

export async function stopWorld(w: World | undefined): Promise<void> {
	if (!w) return;
	await w.n8n.stop();
	await Promise.allSettled([w.mr.stop(), w.graph.stop(), w.jotform.stop(), w.stripe.stop(), w.alerts.stop(), w.smtp.stop(), w.proxy.close()]);
}

export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, ms = 60_000, every = 200): Promise<T> {
	const until = Date.now() + ms;
	let last: unknown;
	while (Date.now() < until) {
		try {
			const v = await fn();
			if (v) return v;
		} catch (e) {
			last = e;
		}
		await new Promise((r) => setTimeout(r, every));
	}
	throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export async function runUpkeep(w: World): Promise<Record<string, unknown>> {
	const res = await fetch(`${w.n8n.url}/webhook/graph-upkeep`, { method: 'POST', headers: { 'X-Ops-Key': OPS_KEY, 'content-type': 'application/json' }, body: '{}' });
	const text = await res.text();
	if (!res.ok) throw new Error(`upkeep webhook answered ${res.status}: ${text}`);
	return JSON.parse(text);
}

/**
 * What a person reads in an e-mail or an alert, with the random parts of its links masked: a link's port,
 * execution id, row and signature (and an e-mail's Message-ID) are digits that could match a patient's phone or birth year by chance.
 * The rest of every link is still checked, so a patient's detail in a link would still be caught.
 */
export function readable(value: unknown): string {
	return (typeof value === 'string' ? value : JSON.stringify(value))
		.replace(/https?:\/\/[\w.-]+(:\d+)?/g, '<origin>')
		.replace(/\/executions\/\d+/g, '/executions/<id>')
		.replace(/\b(r|s)=[0-9a-f]+/g, '$1=<random>')
		.replace(/^Message-ID: .*$/gim, 'Message-ID: <random>');
}
