import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { composeN8nEnvironment, interpolate, machineEnvironment, MACHINE_OVERRIDES, parseDotEnv, readCompose, testDotEnv, type ComposeService } from '../../local/composeEnv';
import { parse as parseYaml } from 'yaml';
import { CADDY, standardCaddyfile } from '../helpers/caddy';
import { FORM_TYPE_NAMES, FORM_TYPES } from '../../lib/catalog/facts';

const ROOT = path.resolve(__dirname, '../..');
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');
const compose = readCompose(ROOT);
const services = compose.services;
const envExample = read('.env.example');
const documented = new Set([...envExample.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
const harnessN8n = JSON.parse(read('harness/package.json')).dependencies.n8n as string;
const N8N_IMAGE = 'clinic/n8n-medirecords-booking:2.41.1';
const n8nServices = Object.entries(services).filter(([, svc]) => svc.image === N8N_IMAGE && !svc.profiles);
const command = (svc: ComposeService) => (Array.isArray(svc.command) ? svc.command.join(' ') : (svc.command ?? ''));
const dotEnv = testDotEnv(ROOT, { name: 'unit', secret: 'unit-secret' });

describe('docker-compose.yml', () => {
	test('parses and every image is pinned to an exact version; n8n, its runners and the Dockerfile name the version the tests run', () => {
		for (const [name, svc] of Object.entries(services)) {
			expect(svc.image ?? svc.build).toBeTruthy();
			if (svc.image) expect({ name, image: svc.image }).toMatchObject({ image: expect.stringMatching(/:\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?(@sha256:[0-9a-f]{64})?$/) });
		}
		const from = /^FROM\s+(\S+)/m.exec(read('deploy/Dockerfile'))![1];
		expect(from).toBe(`docker.n8n.io/n8nio/n8n:${harnessN8n}`);
		expect(N8N_IMAGE.endsWith(`:${harnessN8n}`)).toBe(true);
		const runners = Object.values(services).filter((s) => s.image?.startsWith('n8nio/runners:'));
		expect(runners.length).toBeGreaterThan(0);
		for (const r of runners) expect(r.image).toBe(`n8nio/runners:${harnessN8n}`);
		for (const m of read('deploy/caddy.Dockerfile').matchAll(/^FROM\s+(\S+)/gm)) expect(m[1]).toMatch(/^caddy:\d+\.\d+\.\d+-/);
		expect(read('deploy/caddy.Dockerfile')).toMatch(/caddy-ratelimit@[0-9a-f]{40}/);
	});

	test('every variable it uses is documented in .env.example, and the whole file interpolates from it', () => {
		const used = new Set([...read('docker-compose.yml').matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]));
		for (const v of used) expect({ variable: v, documented: documented.has(v) }).toEqual({ variable: v, documented: true });
		for (const v of read('deploy/Caddyfile').matchAll(/\{\$([A-Z0-9_]+)\}/g)) expect(documented.has(v[1])).toBe(true);
		// As `docker compose config` does with a filled-in .env.
		expect(() => interpolate(read('docker-compose.yml'), dotEnv)).not.toThrow();
	});

	test('logs: n8n writes JSON lines, every service’s log is rotated (10 MB × 5), and the CloudWatch override covers every service', () => {
		expect(compose['x-n8n-env' as keyof typeof compose]).toMatchObject({ N8N_LOG_FORMAT: 'json' });
		for (const [name, svc] of Object.entries(services)) {
			expect({ name, logging: (svc as { logging?: unknown }).logging }).toEqual({ name, logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '5' } } });
		}
		const override = read('deploy/docker-compose.awslogs.yml');
		const parsed = parseYaml(override.replace(/!override /g, ''), { merge: true }) as { services: Record<string, { logging: { driver: string; options: Record<string, string> } }> };
		expect(Object.keys(parsed.services).sort()).toEqual(Object.keys(services).sort());
		for (const [name, svc] of Object.entries(parsed.services)) {
			expect({ name, driver: svc.logging.driver, group: svc.logging.options['awslogs-group'], mode: svc.logging.options.mode }).toEqual({ name, driver: 'awslogs', group: '${CLOUDWATCH_LOG_GROUP:-/clinic/n8n}', mode: 'non-blocking' });
		}
		// Each replaces the file driver's settings (merged, json-file's max-size would be refused by awslogs).
		expect(override.match(/logging: !override \*awslogs/g)).toHaveLength(Object.keys(services).length);
		for (const v of override.matchAll(/\$\{([A-Z0-9_]+)/g)) expect(documented.has(v[1])).toBe(true);
	});

	test('a secret or address left empty in .env stops compose before anything starts, naming it', () => {
		const text = read('docker-compose.yml');
		for (const v of ['N8N_ENCRYPTION_KEY', 'N8N_RUNNERS_AUTH_TOKEN', 'POSTGRES_PASSWORD', 'N8N_DB_PASSWORD', 'N8N_DB_USER', 'DOMAIN', 'OPS_ALLOWED_IPS', 'OPS_ALERT_URL', 'BACKUP_HOST_DIR']) {
			expect({ v, required: new RegExp(`\\$\\{${v}:\\?`).test(text) }).toEqual({ v, required: true });
			expect(() => interpolate(text, { ...dotEnv, [v]: '' })).toThrow(new RegExp(`${v} is missing a value`));
		}
		// The example leaves every secret empty: copying it without filling it in cannot start.
		const example = parseDotEnv(envExample);
		for (const v of ['N8N_ENCRYPTION_KEY', 'N8N_RUNNERS_AUTH_TOKEN', 'POSTGRES_PASSWORD', 'N8N_DB_PASSWORD']) expect(example[v]).toBe('');
		expect(() => interpolate(text, example)).toThrow(/N8N_ENCRYPTION_KEY|N8N_DB_PASSWORD|N8N_RUNNERS_AUTH_TOKEN/);
	});

	test('queue mode: main, one worker (the MediRecords node serialises per process) and webhook processes on Redis and PostgreSQL, HTTPS in front, execution data pruned', () => {
		const names = n8nServices.map(([n]) => n).sort();
		expect(names).toEqual(['n8n', 'n8n-webhook', 'n8n-worker']);
		for (const [, s] of n8nServices) {
			expect(s.environment).toMatchObject({ EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: 'redis', DB_TYPE: 'postgresdb', EXECUTIONS_DATA_PRUNE: 'true', EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none', N8N_PROTOCOL: 'https' });
			expect(s.environment?.WEBHOOK_URL).toMatch(/^https:\/\//);
		}
		expect(command(services['n8n-worker'])).toMatch(/^worker --concurrency=\d+$/);
		expect(command(services['n8n-webhook'])).toBe('webhook');
	});

	test('nothing is installed from the editor, no public API, and n8n does not connect as the database superuser', () => {
		const env = composeN8nEnvironment(compose, dotEnv);
		expect(env).toMatchObject({ N8N_COMMUNITY_PACKAGES_ENABLED: 'false', N8N_UNVERIFIED_PACKAGES_ENABLED: 'false', N8N_PUBLIC_API_DISABLED: 'true', N8N_BLOCK_ENV_ACCESS_IN_NODE: 'true' });
		expect(env.DB_POSTGRESDB_USER).toBe(dotEnv.N8N_DB_USER);
		expect(env.DB_POSTGRESDB_USER).not.toBe(dotEnv.POSTGRES_USER);
		expect(services.postgres.volumes).toContain('./deploy/postgres-init.sh:/docker-entrypoint-initdb.d/10-n8n-role.sh:ro');
		expect(read('deploy/postgres-init.sh')).toMatch(/NOSUPERUSER/);
	});

	test('Code nodes run in external task runners: one per n8n process that executes, pointed at it, sharing its token', () => {
		const env = composeN8nEnvironment(compose, dotEnv);
		expect(env).toMatchObject({ N8N_RUNNERS_MODE: 'external', N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '0.0.0.0', N8N_RUNNERS_AUTH_TOKEN: dotEnv.N8N_RUNNERS_AUTH_TOKEN });
		const runnerTargets = Object.values(services)
			.filter((s) => s.image?.startsWith('n8nio/runners:'))
			.map((s) => {
				expect(s.environment?.N8N_RUNNERS_AUTH_TOKEN).toBe('${N8N_RUNNERS_AUTH_TOKEN}');
				return /^http:\/\/([a-z0-9-]+):5679$/.exec(s.environment?.N8N_RUNNERS_TASK_BROKER_URI ?? '')?.[1];
			});
		expect(runnerTargets.sort()).toEqual(['n8n', 'n8n-worker']);
	});

	test('readiness healthchecks on main, workers and webhook processes; every n8n process and runner gets ≥ 35 s to stop', () => {
		const seconds = (d?: string) => (d ? Number(/^(\d+)s$/.exec(d)?.[1] ?? NaN) : 10);
		for (const [name, s] of n8nServices) {
			expect({ name, check: s.healthcheck?.test.join(' ') }).toEqual({ name, check: expect.stringMatching(/\/healthz\/readiness/) });
			expect({ name, grace: seconds(s.stop_grace_period) }).toEqual({ name, grace: expect.any(Number) });
			expect(seconds(s.stop_grace_period)).toBeGreaterThanOrEqual(35);
			// n8n's own shutdown wait fits inside Docker's.
			expect(Number(s.environment?.N8N_GRACEFUL_SHUTDOWN_TIMEOUT)).toBeLessThan(seconds(s.stop_grace_period));
		}
		for (const s of Object.values(services).filter((x) => x.image?.startsWith('n8nio/runners:'))) expect(seconds(s.stop_grace_period)).toBeGreaterThanOrEqual(35);
	});

	test('a nightly database dump with retention, kept outside the containers', () => {
		const b = services.backup;
		expect(b.image).toBe(services.postgres.image);
		expect(b.environment).toMatchObject({ PGUSER: '${N8N_DB_USER}', BACKUP_KEEP_DAYS: expect.stringContaining('BACKUP_KEEP_DAYS') });
		expect(b.volumes).toContain('./deploy/backup.sh:/backup.sh:ro');
		expect(b.volumes?.some((v) => /^\$\{BACKUP_HOST_DIR:\?.*\}:\/backups$/.test(v))).toBe(true);
		expect(b.healthcheck?.test.join(' ')).toMatch(/-mmin -\d+/);
	});
});

describe('image layout', () => {
	// The rule: the package the image bakes in lives outside every volume an n8n service mounts,
	// or an upgraded image keeps running the package its volume was first filled with.
	const dockerfile = read('deploy/Dockerfile');
	const nodesDir = /^ENV CLINIC_NODES_DIR=(\S+)$/m.exec(dockerfile)?.[1];
	const inside = (p: string, dir: string) => p === dir || p.startsWith(`${dir.replace(/\/$/, '')}/`);

	test('the package is installed outside every volume of every service that runs the image', () => {
		expect(nodesDir).toMatch(/^\//);
		expect(dockerfile).toMatch(/cd "\$CLINIC_NODES_DIR"[\s\S]*npm install \/tmp\/n8n-nodes-medirecords-booking-\*\.tgz/);
		const users = Object.entries(services).filter(([, s]) => s.image === N8N_IMAGE);
		expect(users.map(([name]) => name)).toEqual(expect.arrayContaining(['n8n', 'n8n-webhook', 'n8n-worker']));
		expect(users.length).toBeGreaterThanOrEqual(4);
		for (const [name, s] of users) {
			for (const v of s.volumes ?? []) {
				const target = v.split(':')[1];
				expect({ name, volume: v, holdsPackage: inside(nodesDir!, target) }).toEqual({ name, volume: v, holdsPackage: false });
			}
		}
		// A volume over n8n's folder is still mounted (workflows' webhook ids, settings): the link makes up for it.
		expect(services.n8n.volumes).toContain('n8n-data:/home/node/.n8n');
	});

	test('the entrypoint points ~/.n8n/nodes at the baked package on every start, replacing what an older install left', () => {
		expect(dockerfile).toMatch(/ENTRYPOINT \["tini", "--", "\/clinic-entrypoint\.sh", "\/docker-entrypoint\.sh"\]/);
		const home = mkdtempSync(path.join(tmpdir(), 'n8n-home-'));
		const baked = mkdtempSync(path.join(tmpdir(), 'baked-'));
		const run = (nodesDir = baked) => execFileSync('sh', [path.join(ROOT, 'deploy/n8n-entrypoint.sh'), 'sh', '-c', 'readlink "$HOME/.n8n/nodes"'], { env: { PATH: process.env.PATH, HOME: home, CLINIC_NODES_DIR: nodesDir }, encoding: 'utf8' }).trim();
		// An install from before: a real folder in the volume.
		execFileSync('mkdir', ['-p', path.join(home, '.n8n/nodes/node_modules/old-package')]);
		expect(run()).toBe(baked);
		expect(existsSync(path.join(home, '.n8n/nodes/node_modules/old-package'))).toBe(false);
		// A restart (the link already there), and an upgrade (the image's folder moved): the link follows.
		expect(run()).toBe(baked);
		const moved = mkdtempSync(path.join(tmpdir(), 'baked-v2-'));
		expect(run(moved)).toBe(moved);
	});
});

describe('Caddy', () => {
	const caddy = CADDY;
	const caddyEnv = { PATH: process.env.PATH, HOME: mkdtempSync(path.join(tmpdir(), 'caddy-')), DOMAIN: 'n8n.clinic.example', ACME_EMAIL: 'it@clinic.example', OPS_ALLOWED_IPS: parseDotEnv(envExample).OPS_ALLOWED_IPS };
	// Debian's Caddy has no rate-limit plugin: the plugin's blocks (and its `order` line) are taken
	// out, and everything else goes through Caddy's own parser.
	const standard = standardCaddyfile();
	type Route = { match?: Array<{ path?: string[]; remote_ip?: { ranges: string[] }; host?: string[] }>; handle: Array<Record<string, unknown> & { handler: string; routes?: Route[] }> };

	test('Caddy’s own parser accepts it (scripts/e2e-setup.sh unpacks Debian’s caddy)', () => {
		expect(existsSync(caddy)).toBe(true);
		const file = path.join(caddyEnv.HOME, 'Caddyfile');
		writeFileSync(file, standard);
		expect(execFileSync(caddy, ['validate', '--config', file, '--adapter', 'caddyfile'], { env: caddyEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).toMatch(/Valid configuration/);
	});

	test('only /webhook/* is public; the editor and REST API answer the allow-list; bodies ≤ 1 MB; security headers; rate limits on every webhook route', () => {
		const file = path.join(caddyEnv.HOME, 'Caddyfile');
		writeFileSync(file, standard);
		const json = JSON.parse(execFileSync(caddy, ['adapt', '--config', file, '--adapter', 'caddyfile'], { env: caddyEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
		const [site] = json.apps.http.servers.srv0.routes as Route[];
		expect(site.match?.[0].host).toEqual(['n8n.clinic.example']);
		const routes = site.handle[0].routes!;
		const first = routes[0].handle;
		expect(first.find((h) => h.handler === 'request_body')).toMatchObject({ max_size: 1_000_000 });
		const headers = first.find((h) => h.handler === 'headers') as { response: { set: Record<string, string[]>; delete: string[] } };
		expect(headers.response.set).toMatchObject({ 'X-Content-Type-Options': ['nosniff'], 'Strict-Transport-Security': [expect.stringMatching(/max-age=\d{8}/)], 'X-Frame-Options': ['DENY'], 'Referrer-Policy': ['no-referrer'] });
		expect(headers.response.delete).toContain('Server');
		const upstream = (r: Route) => JSON.stringify(r.handle).match(/"dial":"([^"]+)"/)?.[1] ?? (JSON.stringify(r.handle).includes('static_response') ? 'respond' : undefined);
		const rest = routes.slice(1).map((r) => ({ match: r.match?.[0] ?? 'anything else', to: upstream(r) }));
		expect(rest).toEqual([
			{ match: { path: ['/webhook/service-calendars', '/webhook/service-calendars/*', '/webhook/clinic-booking.js'] }, to: 'n8n-webhook:5678' },
			{ match: { path: ['/webhook/graph-upkeep', '/webhook/launch-service'] }, to: 'n8n-webhook:5678' },
			{ match: { path: ['/webhook/*'] }, to: 'n8n-webhook:5678' },
			{ match: { remote_ip: { ranges: ['203.0.113.10/32', '198.51.100.0/28'] } }, to: 'n8n:5678' },
			{ match: 'anything else', to: 'respond' },
		]);
		expect(JSON.stringify(routes.at(-1))).toMatch(/"status_code":404/);
		// The plugin's blocks that were taken out: one per public route, each keyed per client.
		const limits = [...read('deploy/Caddyfile').matchAll(/rate_limit \{\s*zone (\w+) \{\s*key \{remote_host\}\s*events (\d+)\s*window (\w+)/g)].map((m) => m[1]);
		expect(limits).toEqual(['website', 'ops', 'webhooks']);
	});
});

describe('scale-out', () => {
	test('the test harness runs compose’s n8n environment; only addresses on this machine are its own', () => {
		const env = composeN8nEnvironment(compose, dotEnv);
		expect(Object.keys(MACHINE_OVERRIDES).every((k) => k in env)).toBe(true);
		expect(() => machineEnvironment(env, { EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all' } as never, {})).toThrow(/compose value must be used/);
		expect(() => machineEnvironment(env, {}, { N8N_LOG_LEVEL: 'debug' } as never)).toThrow(/not a per-machine variable/);
		expect(interpolate('${A:-x} ${B-y} $$ ${C}', { A: '', B: '', C: 'c' })).toBe('x  $ c');
	});

	test('the shipped catalog names no machine: its ops alert URL is set per install at import', () => {
		const out = mkdtempSync(path.join(tmpdir(), 'wf-'));
		execFileSync('node', [path.join(ROOT, 'scripts/prepare-workflows.js'), '--ops-alert-url', 'https://ops.example/hook', path.join(ROOT, 'workflows'), out]);
		const stamped = JSON.parse(readFileSync(path.join(out, 'service-catalog.json'), 'utf8')) as { nodes: Array<{ parameters: { operation?: string; clinic?: { opsAlertUrl?: string; name?: string } } }> };
		const clinic = stamped.nodes.find((n) => n.parameters.operation === 'defineCatalog')!.parameters.clinic!;
		expect(clinic).toMatchObject({ opsAlertUrl: 'https://ops.example/hook', name: 'Whole Health Clinic' });
		expect(() => execFileSync('node', [path.join(ROOT, 'scripts/prepare-workflows.js'), '--ops-alert-url', 'not a url', path.join(ROOT, 'workflows'), out], { stdio: 'pipe' })).toThrow();
		// This install's website (the demo's sample pages): the catalog and both website webhooks' CORS name it.
		const site = mkdtempSync(path.join(tmpdir(), 'wf-site-'));
		execFileSync('node', [path.join(ROOT, 'scripts/prepare-workflows.js'), '--site-origin', 'http://127.0.0.1:4016', path.join(ROOT, 'workflows'), site]);
		const read2 = (f: string) => JSON.parse(readFileSync(path.join(site, f), 'utf8')) as { nodes: Array<{ type: string; parameters: { operation?: string; clinic?: { siteOrigin?: string }; options?: { allowedOrigins?: string } } }> };
		expect(read2('service-catalog.json').nodes.find((n) => n.parameters.operation === 'defineCatalog')!.parameters.clinic!.siteOrigin).toBe('http://127.0.0.1:4016');
		expect(read2('service-calendars-endpoint.json').nodes.filter((n) => n.type === 'n8n-nodes-base.webhook').map((n) => n.parameters.options?.allowedOrigins)).toEqual(Array(4).fill('http://127.0.0.1:4016'));
		const catalog = read('workflows/service-catalog.json');
		expect(catalog).not.toMatch(/127\.0\.0\.1|localhost|:\d{4}\//);
		expect(read('docker-compose.yml')).toMatch(/--ops-alert-url \\"\$\$OPS_ALERT_URL\\"/);
	});
});

describe('shipped workflows', () => {
	const files = ['booking-processor', 'calendar-blocks', 'calendar-sweep', 'drift-report', 'form-processor', 'launch-service', 'payments', 'subscription-upkeep', 'service-calendars-endpoint', 'service-catalog', 'error-alert', 'waitlist-confirmation'];
	const wf = (f: string) => JSON.parse(read(`workflows/${f}.json`)) as { id: string; settings: Record<string, string>; nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>; connections: Record<string, unknown> };

	test('all twelve exist (and nothing else), use the package name for our nodes, and name the Error Alert workflow', () => {
		expect(readdirSync(path.join(ROOT, 'workflows')).sort()).toEqual(files.map((f) => `${f}.json`).sort());
		for (const f of files) {
			const w = wf(f);
			for (const n of w.nodes) expect(n.type).toMatch(/^(n8n-nodes-base\.|n8n-nodes-medirecords-booking\.)/);
			if (!['error-alert', 'service-catalog'].includes(f)) expect(w.settings.errorWorkflow).toBe('ErrorAlertWf0001');
			for (const from of Object.keys(w.connections)) expect(w.nodes.some((n) => n.name === from)).toBe(true);
			expect(w.nodes.some((n) => n.type === 'n8n-nodes-base.stickyNote')).toBe(true);
		}
	});

	test('the website’s webhooks answer CORS (preflights too) for the catalog’s website origin only', () => {
		const catalog = wf('service-catalog').nodes.find((n) => n.parameters.operation === 'defineCatalog')!.parameters as { clinic: { siteOrigin: string } };
		const hooks = wf('service-calendars-endpoint').nodes.filter((n) => n.type === 'n8n-nodes-base.webhook');
		expect(hooks.map((n) => `${String(n.parameters.httpMethod)} ${String(n.parameters.path)}`)).toEqual(['GET service-calendars', 'HEAD service-calendars', 'GET clinic-booking.js', 'HEAD clinic-booking.js']);
		for (const h of hooks) expect((h.parameters.options as { allowedOrigins?: string }).allowedOrigins).toBe(catalog.clinic.siteOrigin);
	});

	test('the Payment Ledger is created the same way before a payment is written to it and before waiting payments are read', () => {
		const payments = wf('payments');
		const create = (name: string) => payments.nodes.find((n) => n.name === name)!.parameters;
		expect(create('Ensure Payment Ledger')).toEqual(create('Payment Ledger Table'));
		expect((create('Ensure Payment Ledger').columns as { column: Array<{ name: string }> }).column.map((c) => c.name)).toEqual(['stripeEventId', 'paymentId', 'state', 'reason', 'appointmentId', 'waitUntil', 'checkedAt']);
		// The re-check calls this very workflow, one waiting payment per execution (Match Booking reads one payment).
		expect(payments.nodes.find((n) => n.name === 'Match Each Again')!.parameters).toMatchObject({ workflowId: { value: payments.id }, mode: 'each' });
	});

	test('the waitlist table is created the same way wherever it is first needed (a form sign-up, a launch on a fresh install)', () => {
		const ensure = (f: string) => wf(f).nodes.find((n) => n.name === 'Ensure Waitlist Table')!.parameters;
		expect(ensure('launch-service')).toEqual(ensure('form-processor'));
		const columns = (ensure('form-processor').columns as { column: Array<{ name: string }> }).column.map((c) => c.name);
		expect(columns).toEqual(expect.arrayContaining(['email', 'service', 'notified', 'confirmed', 'confirmBy']));
	});

	test('the ops webhooks need the key, and the waitlist link is signed with the Crypto credential on both sides', () => {
		const keyed = files.flatMap((f) => wf(f).nodes.filter((n) => n.type === 'n8n-nodes-base.webhook' && n.parameters.authentication === 'headerAuth').map((n) => n.parameters.path));
		expect(keyed.sort()).toEqual(['calendar-sweep', 'drift-report', 'graph-upkeep', 'launch-service']);
		// n8n answers every preflight with some origin: for the keyed webhooks it names one no browser has.
		for (const f of files) for (const n of wf(f).nodes.filter((x) => x.parameters.authentication === 'headerAuth')) expect((n.parameters.options as { allowedOrigins?: string }).allowedOrigins).toBe('https://no-browser.invalid');
		const signers = ['form-processor', 'waitlist-confirmation'].map((f) => wf(f).nodes.find((n) => n.type === 'n8n-nodes-base.crypto')!.parameters);
		expect(signers[0]).toMatchObject({ action: 'hmac', type: 'SHA256' });
		expect(signers[1].value).toBe(signers[0].value);
	});

	test('the Form Processor branches on the one list of form types, and the Booking Processor on its Route Booking outputs', () => {
		type Wire = { main: Array<Array<{ node: string }>> };
		const branches = (w: ReturnType<typeof wf>, from: string) => (w.connections[from] as Wire).main.map((o) => o.map((c) => c.node));
		// Route Form's output k is form type k: the step it leads to is named after that type.
		const forms = branches(wf('form-processor'), 'Route Form');
		expect(forms).toHaveLength(FORM_TYPES.length + 1);
		FORM_TYPES.forEach((t, k) => expect({ t, next: forms[k][0] }).toEqual({ t, next: expect.stringMatching(new RegExp(`^${FORM_TYPE_NAMES[t].label}\\b`)) }));
		// Route Booking: one output per listed service, each leading to the step named after that service in the catalog.
		const booking = wf('booking-processor');
		const route = booking.nodes.find((n) => n.name === 'Route Booking')!;
		const keys = String(route.parameters.serviceOutputs).split(',').map((k) => k.trim());
		const clinic = wf('service-catalog').nodes.find((n) => n.parameters.operation === 'defineCatalog')!.parameters as { services?: { values: Array<{ key: string; name: string }> } };
		const entries = wf('service-catalog').nodes.filter((n) => n.type.endsWith('.catalogEntry') && n.parameters.operation === 'service').map((n) => n.parameters as { key?: string; name?: string });
		const names = new Map([...(clinic.services?.values ?? []), ...entries].map((e) => [e.key, e.name]));
		const wires = branches(booking, 'Route Booking');
		expect(wires).toHaveLength(keys.length + 5);
		keys.forEach((k, i) => expect({ k, next: wires[i][0] }).toEqual({ k, next: names.get(k) }));
	});

	test('no workflow stores more successful executions than the instance setting says (for patient data); the sweep stores none of its own', () => {
		for (const f of files) expect([undefined, 'none']).toContain(wf(f).settings.saveDataSuccessExecution);
		expect(wf('calendar-sweep').settings.saveDataSuccessExecution).toBe('none');
	});
});

describe('documentation links', () => {
	/** GitHub's and npm's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
	const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
	const anchors = new Set([...read('README.md').matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
	const links = [
		...readdirSync(path.join(ROOT, 'nodes')).flatMap((d) => readdirSync(path.join(ROOT, 'nodes', d)).filter((f) => f.endsWith('.node.json')).map((f) => `nodes/${d}/${f}`)),
		...readdirSync(path.join(ROOT, 'credentials')).filter((f) => f.endsWith('.credentials.ts')).map((f) => `credentials/${f}`),
	].flatMap((f) => [...read(f).matchAll(/https:\/\/[^"'\s]+/g)].map((m) => ({ f, url: m[0] })));

	test('every node’s and credential’s documentation link is the published package’s README, at a section that exists', () => {
		expect(links.length).toBeGreaterThan(10);
		for (const { f, url } of links) {
			if (!url.includes('#')) continue;
			expect({ f, url: url.split('#')[0] }).toEqual({ f, url: 'https://www.npmjs.com/package/n8n-nodes-medirecords-booking' });
			expect({ f, anchor: anchors.has(url.split('#')[1]) }).toEqual({ f, anchor: true });
		}
	});

	test('no codex file keeps an empty subcategories object (n8n’s lint refuses it)', () => {
		for (const d of readdirSync(path.join(ROOT, 'nodes'))) {
			for (const f of readdirSync(path.join(ROOT, 'nodes', d)).filter((x) => x.endsWith('.node.json'))) {
				const codex = JSON.parse(read(`nodes/${d}/${f}`)) as { subcategories?: Record<string, unknown> };
				if (codex.subcategories !== undefined) expect({ f, keys: Object.keys(codex.subcategories).length > 0 }).toEqual({ f, keys: true });
			}
		}
	});
});

describe('the first start talks', () => {
	test('a port already taken is named, with what to do, before anything is installed', async () => {
		const { createServer } = await import('net');
		const server = createServer();
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		const port = (server.address() as { port: number }).port;
		const { spawn } = await import('child_process');
		const res = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
			// Run asynchronously: the listening server above must keep answering while the script probes it.
			const child = spawn('bash', [path.join(ROOT, 'scripts/start.sh')], { env: { ...process.env, N8N_PORT: String(port) } });
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (d: Buffer) => (stdout += d));
			child.stderr.on('data', (d: Buffer) => (stderr += d));
			child.on('close', (status: number | null) => resolve({ status, stdout, stderr }));
		});
		server.close();
		expect(res.status).toBe(1);
		expect(res.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
		expect(res.stderr).toContain('N8N_PORT=');
		// Nothing was installed or built first: none of the install steps said a word.
		expect(res.stdout).not.toMatch(/›|installing|npm ci|build/);
	});
});

describe('the published package', () => {
	test('is lean: under 0.5 MB packed, no source maps, every node and credential of package.json inside, luxon and zod taken from n8n', () => {
		const pkg = JSON.parse(read('package.json')) as { n8n: { nodes: string[]; credentials: string[] } };
		for (const f of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect({ f, built: existsSync(path.join(ROOT, f)) }).toEqual({ f, built: true });
		const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], { cwd: ROOT, encoding: 'utf8' })) as Array<{ size: number; files: Array<{ path: string }> }>;
		const files = packed.files.map((f) => f.path);
		expect(packed.size).toBeLessThan(500_000);
		expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
		for (const f of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(files).toContain(f);
		const node = read(pkg.n8n.nodes.find((f) => f.includes('CalendarBlocks'))!);
		expect(node).toMatch(/require\("luxon"\)/);
		expect(node).toMatch(/require\("zod"\)/);
	});
});
