import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '../..');
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');
const compose = parse(read('docker-compose.yml')) as { services: Record<string, { image?: string; build?: { dockerfile: string }; environment?: Record<string, string>; command?: string; healthcheck?: { test: string[] } }> };
const envExample = read('.env.example');
const documented = new Set([...envExample.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
const harnessN8n = JSON.parse(read('harness/package.json')).dependencies.n8n as string;

describe('docker-compose.yml', () => {
	test('parses and every image is pinned to an exact version', () => {
		for (const [name, svc] of Object.entries(compose.services)) {
			expect(svc.image ?? svc.build).toBeTruthy();
			if (svc.image) expect({ name, image: svc.image }).toMatchObject({ image: expect.stringMatching(/:\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?(@sha256:[0-9a-f]{64})?$/) });
		}
		const from = /^FROM\s+(\S+)/m.exec(read('deploy/Dockerfile'))![1];
		expect(from).toBe(`docker.n8n.io/n8nio/n8n:${harnessN8n}`);
	});

	test('every variable it uses is documented in .env.example', () => {
		const used = new Set([...read('docker-compose.yml').matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]));
		for (const v of used) expect({ variable: v, documented: documented.has(v) }).toEqual({ variable: v, documented: true });
		for (const v of read('deploy/Caddyfile').matchAll(/\{\$([A-Z0-9_]+)\}/g)) expect(documented.has(v[1])).toBe(true);
	});

	test('queue mode: main + worker on Redis and PostgreSQL, HTTPS in front, execution data pruned', () => {
		const { n8n, 'n8n-worker': worker, redis, postgres, caddy } = compose.services;
		expect(redis && postgres && caddy).toBeTruthy();
		expect(worker.command).toMatch(/^worker/);
		for (const s of [n8n, worker]) {
			expect(s.environment).toMatchObject({ EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: 'redis', DB_TYPE: 'postgresdb', EXECUTIONS_DATA_PRUNE: 'true', EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none', N8N_PROTOCOL: 'https' });
			expect(s.environment?.WEBHOOK_URL).toMatch(/^https:\/\//);
		}
	});
});

describe('scale-out', () => {
	test('a webhook process takes /webhook/* from Caddy; main, worker and webhook process are checked for readiness, not liveness', () => {
		const { n8n, 'n8n-worker': worker, 'n8n-webhook': webhook } = compose.services;
		expect(webhook.command).toBe('webhook');
		expect(webhook.environment).toMatchObject({ EXECUTIONS_MODE: 'queue' });
		for (const s of [n8n, worker, webhook]) expect(s.healthcheck?.test.join(' ')).toMatch(/\/healthz\/readiness/);
		const caddy = read('deploy/Caddyfile');
		expect(caddy).toMatch(/handle \/webhook\/\* \{\s*reverse_proxy n8n-webhook:5678/);
		expect(caddy).toMatch(/handle \{\s*reverse_proxy n8n:5678/);
	});

	test('the shipped catalog names no machine: its ops alert URL is set per install at import', () => {
		const out = mkdtempSync(path.join(tmpdir(), 'wf-'));
		execFileSync('node', [path.join(ROOT, 'scripts/prepare-workflows.js'), '--ops-alert-url', 'https://ops.example/hook', path.join(ROOT, 'workflows'), out]);
		const stamped = JSON.parse(readFileSync(path.join(out, 'service-catalog.json'), 'utf8')) as { nodes: Array<{ parameters: { operation?: string; clinic?: { opsAlertUrl?: string; name?: string } } }> };
		const clinic = stamped.nodes.find((n) => n.parameters.operation === 'defineCatalog')!.parameters.clinic!;
		expect(clinic).toMatchObject({ opsAlertUrl: 'https://ops.example/hook', name: 'Whole Health Clinic' });
		expect(() => execFileSync('node', [path.join(ROOT, 'scripts/prepare-workflows.js'), '--ops-alert-url', 'not a url', path.join(ROOT, 'workflows'), out], { stdio: 'pipe' })).toThrow();
		const catalog = read('workflows/service-catalog.json');
		expect(catalog).not.toMatch(/127\.0\.0\.1|localhost|:\d{4}\//);
		expect(read('docker-compose.yml')).toMatch(/--ops-alert-url \\"\$\$OPS_ALERT_URL\\"/);
	});
});

describe('shipped workflows', () => {
	const files = ['booking-processor', 'form-processor', 'launch-service', 'payments', 'subscription-upkeep', 'service-calendars-endpoint', 'service-catalog', 'error-alert'];
	const wf = (f: string) => JSON.parse(read(`workflows/${f}.json`)) as { id: string; settings: Record<string, string>; nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>; connections: Record<string, unknown> };

	test('all eight exist, use the package name for our nodes, and name the Error Alert workflow', () => {
		for (const f of files) {
			const w = wf(f);
			for (const n of w.nodes) expect(n.type).toMatch(/^(n8n-nodes-base\.|n8n-nodes-medirecords-booking\.)/);
			if (!['error-alert', 'service-catalog'].includes(f)) expect(w.settings.errorWorkflow).toBe('ErrorAlertWf0001');
			for (const from of Object.keys(w.connections)) expect(w.nodes.some((n) => n.name === from)).toBe(true);
			expect(w.nodes.some((n) => n.type === 'n8n-nodes-base.stickyNote')).toBe(true);
		}
	});

	test('no workflow stores successful executions on its own (the instance setting decides, for patient data)', () => {
		for (const f of files) expect(wf(f).settings.saveDataSuccessExecution).toBeUndefined();
	});
});
