/**
 * docker-compose.yml's n8n environment, for running n8n here exactly as the compose file runs it.
 *
 * There is no Docker engine on the test machines, so the queue-mode end-to-end tests run the same
 * n8n 2.41.1 processes directly. They take their environment from here: the compose file's
 * shared n8n environment (`x-n8n-env`), interpolated as `docker compose` does from an `.env`
 * built from `.env.example`, with only the values that say *where* things are on this machine
 * replaced (MACHINE_OVERRIDES). Everything else (queue mode, execution-data retention, external
 * task runners, community-package and public-API settings, time zone, proxy hops) is the
 * compose file's own value, so what the tests run is what a clinic deploys.
 */
import { readFileSync } from 'fs';
import path from 'path';
import { parse } from 'yaml';

export interface ComposeService {
	image?: string;
	build?: { context?: string; dockerfile?: string };
	command?: string | string[];
	entrypoint?: string | string[];
	environment?: Record<string, string>;
	volumes?: string[];
	healthcheck?: { test: string[] };
	stop_grace_period?: string;
	depends_on?: Record<string, { condition: string }>;
	deploy?: { replicas?: string | number };
	profiles?: string[];
	ports?: string[];
}

export interface ComposeFile {
	'x-n8n-env': Record<string, string>;
	services: Record<string, ComposeService>;
	volumes?: Record<string, unknown>;
}

/** Compose variables that name where a service is reached; replaced by this machine's addresses. */
export const MACHINE_OVERRIDES = {
	DB_POSTGRESDB_HOST: 'the `postgres` service; here the machine’s PostgreSQL',
	DB_POSTGRESDB_PORT: 'the `postgres` service’s 5432; here the machine’s, or the fault suite’s own PostgreSQL (which it restarts)',
	QUEUE_BULL_REDIS_HOST: 'the `redis` service; here the machine’s Redis',
	QUEUE_BULL_REDIS_PORT: 'the `redis` service’s 6379; here the machine’s, or the fault suite’s own Redis (which it restarts)',
	WEBHOOK_URL: 'https://DOMAIN/ through Caddy; here the webhook process’s own port',
	N8N_EDITOR_BASE_URL: 'https://DOMAIN/ through Caddy; here main’s own port',
} as const;

/** Variables compose does not set that several processes on one machine need apart (ports, folders, the sandboxes' proxy). */
export const MACHINE_ADDITIONS = [
	'PATH',
	'HOME',
	'N8N_USER_FOLDER',
	'N8N_PORT',
	'N8N_LISTEN_ADDRESS',
	'N8N_RUNNERS_BROKER_PORT',
	'QUEUE_HEALTH_CHECK_PORT',
	'QUEUE_BULL_PREFIX',
	'N8N_CACHE_REDIS_KEY_PREFIX',
	'HTTPS_PROXY',
	'HTTP_PROXY',
	'NO_PROXY',
	'NODE_EXTRA_CA_CERTS',
] as const;

/** Parses `KEY=value` lines as `docker compose` reads `.env` (comments and blank lines skipped). */
export function parseDotEnv(text: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const line of text.split(/\r?\n/)) {
		const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
		if (!m || line.trimStart().startsWith('#')) continue;
		out[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
	}
	return out;
}

/**
 * Compose interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`,
 * `${VAR?message}`, `$VAR`, and `$$` for a literal `$`. A required variable that is missing
 * (or empty, with `:?`) is an error, as `docker compose` refuses to start.
 */
export function interpolate(value: string, vars: Record<string, string | undefined>): string {
	return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
		if (whole === '$$') return '$';
		if (bare) return vars[bare] ?? '';
		const v = vars[name!];
		const unset = v === undefined || (colon === ':' && v === '');
		if (op === '-') return unset ? arg! : v!;
		if (op === '?') {
			if (unset) throw new Error(`required variable ${name} is missing a value: ${arg}`);
			return v!;
		}
		return v ?? '';
	});
}

export function readCompose(root: string): ComposeFile {
	// Compose reads YAML 1.1 merge keys (`<<: *n8n`).
	return parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
}

/** The `.env` a clinic would write, from `.env.example`, with this run's secrets and its own database and role. */
export function testDotEnv(root: string, run: { name: string; secret: string }): Record<string, string> {
	const example = parseDotEnv(readFileSync(path.join(root, '.env.example'), 'utf8'));
	const id = run.name.replace(/\W/g, '_').toLowerCase();
	return {
		...example,
		N8N_ENCRYPTION_KEY: `${run.secret}-encryption`,
		POSTGRES_USER: 'postgres',
		POSTGRES_PASSWORD: `${run.secret}-superuser`,
		// A database and role per run: the machine's PostgreSQL is shared with other runs.
		POSTGRES_DB: `n8n_${id}`,
		N8N_DB_USER: `n8n_app_${id}`,
		N8N_DB_PASSWORD: `${run.secret}-db`,
		N8N_RUNNERS_AUTH_TOKEN: `${run.secret}-runners`,
	};
}

/** docker-compose.yml's n8n environment, interpolated from `dotEnv`, as every n8n service gets it. */
export function composeN8nEnvironment(compose: ComposeFile, dotEnv: Record<string, string>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(compose['x-n8n-env'])) out[k] = interpolate(String(v), dotEnv);
	return out;
}

/**
 * The environment an n8n process here runs with: compose's, then this machine's addresses
 * (only MACHINE_OVERRIDES may replace a compose value) and additions (only MACHINE_ADDITIONS,
 * which compose must not set).
 */
export function machineEnvironment(composeEnv: Record<string, string>, overrides: Partial<Record<keyof typeof MACHINE_OVERRIDES, string>>, additions: Partial<Record<(typeof MACHINE_ADDITIONS)[number], string>>): Record<string, string> {
	for (const k of Object.keys(overrides)) if (!(k in MACHINE_OVERRIDES)) throw new Error(`${k} is not a machine address: the compose value must be used`);
	for (const k of Object.keys(additions)) {
		if (!(MACHINE_ADDITIONS as readonly string[]).includes(k)) throw new Error(`${k} is not a per-machine variable`);
		if (k in composeEnv) throw new Error(`${k} is set by docker-compose.yml: the tests must not change it`);
	}
	return { ...composeEnv, ...(overrides as Record<string, string>), ...(additions as Record<string, string>) };
}

/** Secrets shown as their length only (for the report of what the tests ran with). */
export function redactSecrets(env: Record<string, string>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(env)) out[k] = /KEY|PASSWORD|TOKEN|SECRET/.test(k) ? `(${v.length} characters)` : v;
	return out;
}
