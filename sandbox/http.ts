/** Small HTTP toolkit shared by the local sandboxes: routing, JSON bodies, fault injection. */
import http from 'http';
import type { AddressInfo } from 'net';

export interface SandboxRequest {
	method: string;
	path: string;
	query: URLSearchParams;
	headers: http.IncomingHttpHeaders;
	rawBody: Buffer;
	body: unknown;
	params: Record<string, string>;
}

export interface SandboxResponse {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
	/** Raw text body (sent as-is, with the given content type). */
	text?: string;
}

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

interface Route {
	method: string;
	pattern: RegExp;
	keys: string[];
	handler: Handler;
}

export interface Fault {
	/** Only requests whose "METHOD path" matches this regular expression are affected (default: all). */
	match?: string;
	status: number;
	retryAfter?: number;
	body?: unknown;
	/** How many matching requests fail (default 1). */
	times?: number;
}

export interface FaultState {
	latencyMs: number;
	queue: Fault[];
}

export class Router {
	private routes: Route[] = [];

	add(method: string, path: string, handler: Handler): this {
		const keys: string[] = [];
		const source = path
			.split('/')
			.map((seg) => {
				if (seg.startsWith(':')) {
					keys.push(seg.slice(1));
					return '([^/]+)';
				}
				return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			})
			.join('/');
		this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), keys, handler });
		return this;
	}

	match(method: string, path: string): { handler: Handler; params: Record<string, string> } | 'method' | undefined {
		let pathMatched = false;
		for (const r of this.routes) {
			const m = r.pattern.exec(path);
			if (!m) continue;
			pathMatched = true;
			if (r.method !== method) continue;
			const params: Record<string, string> = {};
			r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
			return { handler: r.handler, params };
		}
		return pathMatched ? 'method' : undefined;
	}
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse {
	return { status, body, headers };
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
	if (!raw.length) return undefined;
	const text = raw.toString('utf8');
	if ((contentType ?? '').includes('application/x-www-form-urlencoded')) {
		return Object.fromEntries(new URLSearchParams(text));
	}
	if ((contentType ?? '').includes('json')) {
		return JSON.parse(text);
	}
	return text;
}

export class BadJson extends Error {}

export interface RunningServer {
	url: string;
	port: number;
	close(): Promise<void>;
}

export interface ServeOptions {
	port?: number;
	host?: string;
	faults: FaultState;
	/** Requests under this prefix are the sandbox's own control API; never faulted. */
	controlPrefix?: string;
	onRequest?: (req: SandboxRequest) => void;
	/** Requests being answered right now, and the most seen at once (control API excluded). */
	load?: LoadState;
	notFound?: (req: SandboxRequest) => SandboxResponse;
}

export interface LoadState {
	inFlight: number;
	maxInFlight: number;
}

const sleepMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the first queued fault matching "METHOD path". With a prefix (e.g. "batch:"), only faults
 * whose match starts with it are considered, matched without it (steps inside a $batch call).
 */
export function takeFault(faults: FaultState, method: string, path: string, prefix = ''): Fault | undefined {
	const line = `${method} ${path}`;
	const idx = faults.queue.findIndex((f) => {
		if (prefix) return f.match?.startsWith(prefix) === true && new RegExp(f.match.slice(prefix.length)).test(line);
		return !f.match || new RegExp(f.match).test(line);
	});
	if (idx < 0) return undefined;
	const fault = faults.queue[idx];
	const left = (fault.times ?? 1) - 1;
	if (left <= 0) faults.queue.splice(idx, 1);
	else faults.queue[idx] = { ...fault, times: left };
	return fault;
}

export function serve(router: Router, opts: ServeOptions): Promise<RunningServer> {
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			void (async () => {
				const url = new URL(req.url ?? '/', 'http://sandbox.local');
				const method = (req.method ?? 'GET').toUpperCase();
				const rawBody = Buffer.concat(chunks);
				let counted = false;
				const send = (r: SandboxResponse) => {
					if (counted && opts.load) opts.load.inFlight--;
					counted = false;
					const headers: Record<string, string> = { ...(r.headers ?? {}) };
					let payload = '';
					if (r.text !== undefined) {
						payload = r.text;
						headers['content-type'] ??= 'text/plain; charset=utf-8';
					} else if (r.body !== undefined) {
						payload = JSON.stringify(r.body);
						headers['content-type'] ??= 'application/json';
					}
					res.writeHead(r.status, headers);
					res.end(payload);
				};
				let body: unknown;
				try {
					body = parseBody(rawBody, req.headers['content-type']);
				} catch {
					send(json(400, { status: 400, error: 'Bad Request', message: 'Request body is not valid JSON.' }));
					return;
				}
				const sreq: SandboxRequest = {
					method,
					path: url.pathname,
					query: url.searchParams,
					headers: req.headers,
					rawBody,
					body,
					params: {},
				};
				const isControl = opts.controlPrefix !== undefined && url.pathname.startsWith(opts.controlPrefix);
				if (!isControl) {
					if (opts.load) {
						counted = true;
						opts.load.inFlight++;
						opts.load.maxInFlight = Math.max(opts.load.maxInFlight, opts.load.inFlight);
					}
					opts.onRequest?.(sreq);
					if (opts.faults.latencyMs > 0) await sleepMs(opts.faults.latencyMs);
					const fault = takeFault(opts.faults, method, url.pathname);
					if (fault) {
						const headers: Record<string, string> = {};
						if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
						send(json(fault.status, fault.body ?? { status: fault.status, message: `Injected fault ${fault.status}` }, headers));
						return;
					}
				}
				const found = router.match(method, url.pathname);
				if (found === undefined) {
					send(opts.notFound ? opts.notFound(sreq) : json(404, { status: 404, message: 'Not found' }));
					return;
				}
				if (found === 'method') {
					send(json(405, { status: 405, message: `Method ${method} not allowed` }));
					return;
				}
				sreq.params = found.params;
				try {
					send(await found.handler(sreq));
				} catch (e) {
					send(json(500, { status: 500, message: e instanceof Error ? e.message : 'Internal error' }));
				}
			})();
		});
	});
	server.keepAliveTimeout = 1000;
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			resolve({
				url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
				port,
				close: () =>
					new Promise<void>((r) => {
						server.closeAllConnections?.();
						server.close(() => r());
					}),
			});
		});
	});
}

export function paged<T>(all: T[], query: URLSearchParams | Record<string, unknown>, maxSize = 100): SandboxResponse {
	const get = (k: string) => (query instanceof URLSearchParams ? query.get(k) : (query[k] as string | undefined));
	const pageRaw = get('page') ?? '0';
	const sizeRaw = get('size') ?? '20';
	if (!/^\d+$/.test(String(pageRaw)) || !/^\d+$/.test(String(sizeRaw))) {
		return json(400, { status: 400, error: 'Bad Request', message: 'page and size must be non-negative integers.' });
	}
	const page = Number(pageRaw);
	const size = Number(sizeRaw);
	if (size < 1 || size > maxSize) {
		return json(400, { status: 400, error: 'Bad Request', message: `size must be between 1 and ${maxSize}.` });
	}
	const totalElements = all.length;
	const totalPages = Math.ceil(totalElements / size);
	const data = all.slice(page * size, page * size + size);
	return json(200, {
		data,
		first: page === 0,
		last: page >= totalPages - 1,
		totalPages,
		totalElements,
		numberOfElements: data.length,
		size,
		page,
	});
}

/** Lifecycle shared by every sandbox: one loopback server, fault injection, a control API under /__sandbox. */
export abstract class SandboxServer {
	readonly faults: FaultState = { latencyMs: 0, queue: [] };
	readonly load: LoadState = { inFlight: 0, maxInFlight: 0 };
	private server?: RunningServer;

	constructor(protected readonly port?: number) {}

	get url(): string {
		if (!this.server) throw new Error(`${this.constructor.name} is not started`);
		return this.server.url;
	}

	protected abstract router(): Router;

	/** Extra serve options (request log, not-found answer). */
	protected serveOptions(): Partial<ServeOptions> {
		return {};
	}

	async start(): Promise<this> {
		this.server = await serve(this.router(), { port: this.port, faults: this.faults, load: this.load, controlPrefix: '/__sandbox', ...this.serveOptions() });
		return this;
	}

	async stop(): Promise<void> {
		await this.server?.close();
	}

	inject(fault: Fault): void {
		this.faults.queue.push(fault);
	}
}
