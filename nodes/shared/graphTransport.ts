/**
 * Microsoft Graph through n8n's own HTTP helpers (so n8n's proxy settings and
 * credential storage apply) with the official Graph client on top for paging
 * and $batch. Throttling (429/503/504) waits for Retry-After; an expired or
 * nearly expired token is refreshed by n8n's credential pre-authentication.
 */
import { Client, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, IHookFunctions, IHttpRequestMethods, IWebhookFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';
import { retryAfterMs } from '../../lib/medirecordsMapping';

export type GraphContext = IExecuteFunctions | IHookFunctions | IWebhookFunctions;
export const GRAPH_CREDENTIAL = 'microsoftGraphAppApi';
const REFRESH_MARGIN_MS = 5 * 60_000;

export interface GraphResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

export interface GraphStats {
	calls: number;
}

/** Counts Graph calls per context (for the upkeep report and the benchmark). */
const stats = new WeakMap<object, GraphStats>();
export function graphStats(ctx: GraphContext): GraphStats {
	let s = stats.get(ctx);
	if (!s) stats.set(ctx, (s = { calls: 0 }));
	return s;
}

export async function graphCredentials(ctx: GraphContext): Promise<ICredentialDataDecryptedObject> {
	return ctx.getCredentials(GRAPH_CREDENTIAL);
}

export async function graphBaseUrl(ctx: GraphContext): Promise<string> {
	const c = await graphCredentials(ctx);
	return String(c.graphUrl || 'https://graph.microsoft.com').replace(/\/+$/, '');
}

function graphMessage(body: unknown, status: number): string {
	const b = body as { error?: { message?: string; code?: string } | string; error_description?: string };
	if (b && typeof b.error === 'object' && b.error?.message) return b.error.message;
	if (b?.error_description) return b.error_description;
	if (typeof b?.error === 'string') return b.error;
	return `HTTP ${status}`;
}

export function graphError(ctx: GraphContext, res: GraphResponse, what: string): NodeApiError {
	const message = graphMessage(res.body, res.status);
	const hint =
		res.status === 401 || res.status === 403
			? 'Check the tenant id, client id and secret in the Microsoft Graph credential, and that the app has the Calendars.Read application permission with admin consent.'
			: res.status === 429 || res.status >= 500
				? 'Microsoft Graph is throttling or unavailable; the next upkeep run retries.'
				: '';
	return new NodeApiError(ctx.getNode(), { status: res.status, message } as JsonObject, { message: `Microsoft Graph: ${what} failed: ${message}`, description: hint, httpCode: String(res.status) });
}

/** One Graph HTTP call, retried on throttling, with the token refreshed when near expiry or refused. */
export async function graphHttp(ctx: GraphContext, method: IHttpRequestMethods, url: string, body?: unknown, maxRetries = 4): Promise<GraphResponse> {
	const creds = await graphCredentials(ctx);
	let forceRefresh = !creds.accessToken || Number(creds.accessTokenExpiresAt ?? 0) - Date.now() < REFRESH_MARGIN_MS;
	for (let attempt = 0; ; attempt++) {
		graphStats(ctx).calls++;
		const options = {
			method,
			url,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			headers: { Accept: 'application/json' },
			timeout: 30_000,
			...(body !== undefined ? { body: body as IDataObject } : {}),
		};
		const extra = forceRefresh ? { credentialsDecrypted: { id: '', name: '', type: GRAPH_CREDENTIAL, data: { ...creds, accessToken: '' } } } : undefined;
		const res = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, GRAPH_CREDENTIAL, options, extra)) as { statusCode: number; headers: GraphResponse['headers']; body: unknown };
		forceRefresh = false;
		const out: GraphResponse = { status: res.statusCode, headers: res.headers ?? {}, body: res.body };
		if (out.status === 401 && attempt === 0) {
			forceRefresh = true;
			continue;
		}
		if ((out.status === 429 || out.status === 503 || out.status === 504) && attempt < maxRetries) {
			await sleep(retryAfterMs(out.headers['retry-after'], 1000 * 2 ** attempt, Date.now(), 60_000));
			continue;
		}
		return out;
	}
}

/** Runs every request of the Graph client through graphHttp. */
class N8nHttpMiddleware implements Middleware {
	constructor(private readonly ctx: GraphContext) {}

	async execute(context: Context): Promise<void> {
		const url = typeof context.request === 'string' ? context.request : context.request.url;
		const method = String(context.options?.method ?? 'GET').toUpperCase() as IHttpRequestMethods;
		const raw = context.options?.body;
		const body = typeof raw === 'string' && raw ? JSON.parse(raw) : undefined;
		const res = await graphHttp(this.ctx, method, url, body);
		const headers = new Headers();
		for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : String(v));
		const text = res.status === 204 || res.body === undefined || res.body === '' ? null : typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
		if (text !== null) headers.set('content-type', 'application/json');
		context.response = new Response(text, { status: res.status, headers });
	}

	setNext(): void {}
}

export async function graphClient(ctx: GraphContext): Promise<Client> {
	const base = await graphBaseUrl(ctx);
	return Client.initWithMiddleware({ middleware: new N8nHttpMiddleware(ctx), baseUrl: base, defaultVersion: 'v1.0' });
}
