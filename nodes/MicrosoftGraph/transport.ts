/**
 * Microsoft Graph through n8n's own HTTP helpers (so n8n's proxy settings and
 * credential storage apply); paging uses the Graph client's PageIterator
 * (subscriptions.ts). Throttling (429/503/504) waits for Retry-After; an expired or
 * nearly expired token is refreshed by n8n's credential pre-authentication.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, IHookFunctions, IHttpRequestMethods, IWebhookFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';
import { retryWait, type RetryPolicy } from '../../lib/http';

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

interface CredentialState {
	creds: Promise<ICredentialDataDecryptedObject>;
	/** Set while one request refreshes the token; the others wait for it instead of refreshing too. */
	refreshing?: Promise<void>;
}

/**
 * The credential is read and decrypted once per context (one webhook POST, one
 * node run) and shared by every Graph call made in it. A refreshed token is
 * written into this same object by n8n's pre-authentication, so later calls
 * use it without another read.
 */
const credentialStates = new WeakMap<object, CredentialState>();
function credentialState(ctx: GraphContext): CredentialState {
	let s = credentialStates.get(ctx);
	if (!s) {
		s = { creds: ctx.getCredentials(GRAPH_CREDENTIAL) };
		credentialStates.set(ctx, s);
		// A failed read is not remembered: the next call reads again.
		s.creds.catch(() => credentialStates.delete(ctx));
	}
	return s;
}

export async function graphCredentials(ctx: GraphContext): Promise<ICredentialDataDecryptedObject> {
	return credentialState(ctx).creds;
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
			? 'Check the tenant id, client id and secret in the Microsoft Graph credential, and that the app has the Calendars.ReadWrite application permission (Calendars.Read to read only) with admin consent.'
			: res.status === 429 || res.status >= 500
				? 'Microsoft Graph is throttling or unavailable; the next upkeep run retries.'
				: '';
	return new NodeApiError(ctx.getNode(), { status: res.status, message } as JsonObject, { message: `Microsoft Graph: ${what} failed: ${message}`, description: hint, httpCode: String(res.status) });
}

/** Graph's throttling answers (429, and 503/504 when it is overloaded), retried as Retry-After asks. */
export const graphRetries = (retries: number): RetryPolicy => ({ retries, baseDelayMs: 1000, maxWaitMs: 60_000, statuses: [429, 503, 504], serverErrors: false, networkErrors: false });

/** One Graph HTTP call, retried on throttling, with the token refreshed when near expiry or refused. */
export async function graphHttp(ctx: GraphContext, method: IHttpRequestMethods, url: string, body?: unknown, maxRetries = 4): Promise<GraphResponse> {
	const policy = graphRetries(maxRetries);
	const state = credentialState(ctx);
	const creds = await state.creds;
	let refused = false;
	for (let attempt = 0; ; attempt++) {
		while (state.refreshing) await state.refreshing;
		const refresh: boolean = refused || !creds.accessToken || Number(creds.accessTokenExpiresAt ?? 0) - Date.now() < REFRESH_MARGIN_MS;
		const tokenUsed: unknown = refresh ? undefined : creds.accessToken;
		let refreshed = (): void => {};
		if (refresh) {
			state.refreshing = new Promise<void>((resolve) => (refreshed = resolve));
			// An empty token makes n8n run the credential's pre-authentication, which fills this object in.
			creds.accessToken = '';
		}
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
		let res: { statusCode: number; headers: GraphResponse['headers']; body: unknown };
		try {
			res = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, GRAPH_CREDENTIAL, options, {
				credentialsDecrypted: { id: '', name: '', type: GRAPH_CREDENTIAL, data: creds },
			})) as typeof res;
		} finally {
			if (refresh) {
				state.refreshing = undefined;
				refreshed();
			}
		}
		const out: GraphResponse = { status: res.statusCode, headers: res.headers ?? {}, body: res.body };
		if (out.status === 401 && attempt === 0) {
			// Refresh only if nobody has since: a burst refused together refreshes once.
			refused = tokenUsed === undefined || creds.accessToken === tokenUsed;
			continue;
		}
		refused = false;
		const wait = retryWait(policy, attempt, { status: out.status, retryAfter: out.headers['retry-after'] });
		if (wait !== undefined) {
			await sleep(wait);
			continue;
		}
		return out;
	}
}
