/**
 * `npm start`: the local demo. Starts the sandboxes on fixed loopback ports,
 * installs the packed package into a fresh n8n user folder, imports and
 * publishes every shipped workflow with credentials pointing at the sandboxes,
 * starts n8n (SQLite, regular mode) and says how to make a demo booking.
 */
import path from 'path';
import { N8n, HARNESS, packPackage, N8N_VERSION, OPS_KEY } from './n8n';
import { startAll } from '../sandbox/cli';
import { startSampleSite } from './sampleSite';

async function main(): Promise<void> {
	const certDir = path.join(HARNESS, '.run', 'certs');
	const s = await startAll(certDir);
	const port = Number(process.env.N8N_PORT ?? 5678);
	const sitePort = Number(process.env.SITE_PORT ?? 4016);
	const site = `http://127.0.0.1:${sitePort}`;
	const n8n = new N8n({
		name: 'demo',
		port,
		mode: 'regular',
		opsAlertUrl: `${s.alerts.url}/alerts`,
		// The sample service pages are this install's website: the endpoint answers them (CORS).
		siteOrigin: site,
		sandboxes: { medirecords: s.medirecords.url, graph: s.graph.url, smtpPort: s.smtp.port, proxy: s.proxy.url, caFile: path.join(certDir, 'ca.pem') },
		extraEnv: { N8N_LOG_LEVEL: 'info' },
	});
	process.stdout.write('› packing the package and preparing n8n (fresh user folder harness/.run/demo)\n');
	n8n.prepare(packPackage());
	process.stdout.write(`› starting n8n ${N8N_VERSION}\n`);
	await n8n.start();
	await startSampleSite(sitePort, `${n8n.url}/webhook/clinic-booking.js`);
	const until = Date.now() + 60_000;
	while (s.graph.subscriptions.size < 8 && Date.now() < until) await new Promise((r) => setTimeout(r, 500));
	process.stdout.write(`
n8n ${N8N_VERSION} is running with the clinic's nodes and workflows (all published).

  Editor:              ${n8n.url}/   (first visit: create the owner account)
  Calendar subscriptions: ${s.graph.subscriptions.size} of 8 practitioner mailboxes (Graph sandbox ${s.graph.url})
  MediRecords sandbox: ${s.medirecords.url}   state: ${s.medirecords.url}/__sandbox/state
  Ops alerts inbox:    ${s.alerts.url}/alerts   Waitlist emails: SMTP sandbox on port ${s.smtp.port}
  Website (sample service pages with the booking widget): ${site}/services/gaps-coaching

Make a demo booking (Calendly writing a GAPS follow-up into Ramona's Outlook calendar):

  bash scripts/demo-booking.sh

or by hand:

  curl -s -X POST ${s.graph.url}/__sandbox/calendly/bookings -H 'content-type: application/json' \\
    -d '{"mailbox":"ramona@clinic.example","eventType":"GAPS Coaching Follow-up","invitee":{"name":"Ana Citizen","email":"ana.citizen@example.com"},"start":{"dateTime":"2026-12-08T23:00:00.0000000","timeZone":"UTC"},"end":{"dateTime":"2026-12-08T23:45:00.0000000","timeZone":"UTC"},"answers":[["Phone Number","0400 111 222"],["Date of Birth","12/04/1988"]]}'
  curl -s ${s.medirecords.url}/__sandbox/state

A JotForm submission (JotForm posts the webhook; n8n reads the submission back from JotForm's API):

  curl -s -X POST ${s.jotform.url}/__sandbox/submit/241000000002 -H 'content-type: application/json' \\
    -d '{"fullName":{"first":"Ana","last":"Citizen"},"email":"ana.citizen@example.com","phoneNumber":{"full":"0400 111 222"},"dateOf":{"month":"April","day":"12","year":"1988"},"gender":"Female"}'

Subscription upkeep on demand: curl -s -X POST ${n8n.url}/webhook/graph-upkeep -H 'X-Ops-Key: ${OPS_KEY}'
Stop with Ctrl+C.
`);
	const stop = async () => {
		await n8n.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

void main().catch((e: unknown) => {
	process.stderr.write(`${(e as Error).stack ?? e}\n`);
	process.exit(1);
});
