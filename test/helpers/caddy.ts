/** deploy/Caddyfile through Debian's Caddy (scripts/e2e-setup.sh unpacks it): parsed, and run in front of a test n8n. */
import { spawn } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import net from 'net';
import { tmpdir } from 'os';
import path from 'path';

const ROOT = path.resolve(__dirname, '../..');
export const CADDY = path.join(ROOT, 'harness/tools/caddy/usr/bin/caddy');

/**
 * The shipped Caddyfile as Debian's Caddy can read it: that build has no rate-limit plugin, so the
 * plugin's blocks (and its `order` line) are taken out; everything else is as shipped.
 */
export function standardCaddyfile(text = readFileSync(path.join(ROOT, 'deploy/Caddyfile'), 'utf8')): string {
	return text.replace(/\n\s*order rate_limit[^\n]*/, '').replace(/\n(\t+)rate_limit \{[\s\S]*?\n\1\}/g, '');
}

async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	const { port } = server.address() as net.AddressInfo;
	await new Promise<void>((r) => server.close(() => r()));
	return port;
}

export interface FrontDoor {
	url: string;
	stop(): Promise<void>;
}

/**
 * The clinic's front door on loopback: the shipped site block, served over plain HTTP on a free
 * port, with its upstreams (`n8n`, `n8n-webhook`) pointing at the test's n8n and Caddy's admin API
 * off. Routes, matchers and header rules are the shipped ones.
 */
export async function startFrontDoor(n8nUrl: string, opsAllowedIps: string): Promise<FrontDoor> {
	const port = await freePort();
	const upstream = new URL(n8nUrl).host;
	const home = mkdtempSync(path.join(tmpdir(), 'front-door-'));
	const file = path.join(home, 'Caddyfile');
	const text = standardCaddyfile()
		.replace(/^\{\n/, '{\n\tadmin off\n\tauto_https off\n')
		.replace('{$DOMAIN} {', `http://127.0.0.1:${port} {`)
		.replace(/\bn8n-webhook:5678\b/g, upstream)
		.replace(/\bn8n:5678\b/g, upstream);
	writeFileSync(file, text);
	const child = spawn(CADDY, ['run', '--config', file, '--adapter', 'caddyfile'], { env: { PATH: process.env.PATH, HOME: home, ACME_EMAIL: 'it@clinic.example', OPS_ALLOWED_IPS: opsAllowedIps }, stdio: ['ignore', 'ignore', 'pipe'] });
	let log = '';
	child.stderr.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-4000)));
	const url = `http://127.0.0.1:${port}`;
	const until = Date.now() + 20_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`Caddy exited: ${log}`);
		try {
			await fetch(`${url}/`, { signal: AbortSignal.timeout(1000) });
			break;
		} catch {
			if (Date.now() > until) throw new Error(`Caddy did not answer on ${url}: ${log}`);
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	return {
		url,
		stop: async () => {
			if (child.exitCode !== null) return;
			const exited = new Promise<void>((r) => child.once('exit', () => r()));
			child.kill('SIGTERM');
			await exited;
		},
	};
}
