/**
 * Starts every local sandbox on loopback, plus the intercepting proxy for the
 * real JotForm/Stripe hosts: `npm run sandbox`. Prints one JSON line with the
 * addresses (the harness reads it). Ports come from the environment.
 */
import { GraphSandbox } from './graph';
import { MediRecordsSandbox } from './medirecords';
import { startProxy } from './proxy';
import { AlertInbox, JotFormSandbox, SmtpInbox, StripeSandbox } from './services';

const port = (name: string, dflt: number) => Number(process.env[name] ?? dflt);

export async function startAll(certDir: string) {
	const medirecords = await new MediRecordsSandbox({ port: port('MEDIRECORDS_SANDBOX_PORT', 4010) }).start();
	const graph = await new GraphSandbox({ port: port('GRAPH_SANDBOX_PORT', 4011) }).start();
	const jotform = await new JotFormSandbox(port('JOTFORM_SANDBOX_PORT', 4012)).start();
	const stripe = await new StripeSandbox(port('STRIPE_SANDBOX_PORT', 4013)).start();
	const alerts = await new AlertInbox(port('ALERTS_SANDBOX_PORT', 4014)).start();
	const smtp = await new SmtpInbox(port('SMTP_SANDBOX_PORT', 4025)).start();
	const proxy = await startProxy(certDir, {
		'api.stripe.com': stripe.url,
		'api.jotform.com': jotform.url,
		'eu-api.jotform.com': jotform.url,
		'hipaa-api.jotform.com': jotform.url,
		'login.microsoftonline.com': graph.url,
		'graph.microsoft.com': graph.url,
		'api.medirecords.com': medirecords.url,
	}, port('SANDBOX_PROXY_PORT', 4015));
	return { medirecords, graph, jotform, stripe, alerts, smtp, proxy };
}

async function main(): Promise<void> {
	const certDir = process.env.SANDBOX_CERT_DIR ?? `${process.cwd()}/harness/.run/certs`;
	const s = await startAll(certDir);
	process.stdout.write(
		`${JSON.stringify({ medirecords: s.medirecords.url, graph: s.graph.url, jotform: s.jotform.url, stripe: s.stripe.url, alerts: s.alerts.url, smtpPort: s.smtp.port, proxy: s.proxy.url, caFile: `${certDir}/ca.pem` })}\n`,
	);
	const stop = () => process.exit(0);
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

// Bundled into the demo too: only run when this file itself is the program.
if (/sandbox[\/]cli\.[jt]s$/.test(process.argv[1] ?? '')) void main();
