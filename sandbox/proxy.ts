/**
 * An HTTPS-intercepting forward proxy for tests and the demo. n8n's own
 * JotForm and Stripe trigger nodes call api.jotform.com and api.stripe.com when
 * a workflow is activated; with HTTPS_PROXY pointing here and this proxy's CA
 * trusted by n8n (NODE_EXTRA_CA_CERTS), those calls reach the loopback
 * sandboxes while the shipped workflows keep the real host names.
 */
import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import http from 'http';
import type { AddressInfo } from 'net';
import path from 'path';
import tls from 'tls';

export const INTERCEPTED_HOSTS = ['api.stripe.com', 'api.jotform.com', 'eu-api.jotform.com', 'hipaa-api.jotform.com', 'login.microsoftonline.com', 'graph.microsoft.com', 'api.medirecords.com'];

/** Creates (once) a throw-away CA and one certificate for every intercepted host, with openssl. */
export function ensureCertificates(dir: string): { caFile: string; key: Buffer; cert: Buffer } {
	mkdirSync(dir, { recursive: true });
	const f = (n: string) => path.join(dir, n);
	if (!existsSync(f('leaf.pem'))) {
		const run = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
		run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '30', '-subj', '/CN=Clinic Sandbox CA');
		run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('leaf.key'), '-out', f('leaf.csr'), '-subj', '/CN=clinic-sandbox');
		writeFileSync(f('leaf.ext'), `subjectAltName=${INTERCEPTED_HOSTS.map((h) => `DNS:${h}`).join(',')}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`);
		run('x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('leaf.pem'), '-days', '30', '-extfile', f('leaf.ext'));
	}
	return { caFile: f('ca.pem'), key: readFileSync(f('leaf.key')), cert: readFileSync(f('leaf.pem')) };
}

export interface InterceptingProxy {
	url: string;
	port: number;
	seen: Array<{ host: string; method: string; path: string }>;
	close(): Promise<void>;
}

/** routes: host name → loopback base URL of the sandbox answering for it. */
export async function startProxy(certDir: string, routes: Record<string, string>, port = 0): Promise<InterceptingProxy> {
	const { key, cert } = ensureCertificates(certDir);
	const seen: InterceptingProxy['seen'] = [];
	const forward = (req: http.IncomingMessage, res: http.ServerResponse, host: string) => {
		const target = routes[host];
		seen.push({ host, method: req.method ?? 'GET', path: req.url ?? '/' });
		if (!target) {
			res.writeHead(502, { 'content-type': 'text/plain' });
			res.end(`No sandbox answers for ${host}; nothing leaves this machine.`);
			return;
		}
		const url = new URL(req.url ?? '/', target);
		const upstream = http.request(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (up) => {
			res.writeHead(up.statusCode ?? 502, up.headers);
			up.pipe(res);
		});
		upstream.on('error', (e) => {
			res.writeHead(502, { 'content-type': 'text/plain' });
			res.end(`Sandbox for ${host} failed: ${e.message}`);
		});
		req.pipe(upstream);
	};
	const inner = http.createServer((req, res) => forward(req, res, String(req.headers.host ?? '').split(':')[0]));
	const server = http.createServer((req, res) => {
		// Plain-HTTP proxy requests carry an absolute URL.
		const u = new URL(req.url ?? '/');
		req.url = `${u.pathname}${u.search}`;
		forward(req, res, u.hostname);
	});
	server.on('connect', (req, socket) => {
		socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
		const secure = new tls.TLSSocket(socket, { isServer: true, key, cert });
		secure.on('error', () => socket.destroy());
		inner.emit('connection', secure);
	});
	await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
	const actual = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${actual}`,
		port: actual,
		seen,
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
}
