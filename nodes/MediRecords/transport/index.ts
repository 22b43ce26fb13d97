import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';
import { retryWait, type RetryPolicy } from '../../../lib/http';
import { readIntervalCodes, redact, type IntervalCode } from '../../../lib/medirecords/mapping';

export type MediRecordsContext = IExecuteFunctions | ILoadOptionsFunctions;

export const CREDENTIAL = 'mediRecordsApi';

export interface RequestOptions {
	body?: IDataObject;
	qs?: IDataObject;
	/** Values that must never appear in an error message (the patient's details). */
	sensitive?: unknown[];
	/** POST is only retried after a server error when a duplicate can be ruled out. */
	retrySafe?: boolean;
	/**
	 * For a POST: before retrying after a server or network error, look for what the
	 * failed attempt may have created; a found result is returned instead of posting again.
	 */
	recheck?: () => Promise<unknown>;
	itemIndex?: number;
	maxRetries?: number;
	baseDelayMs?: number;
}

export interface Credentials {
	baseUrl: string;
	practiceId: string;
}

export async function getCredentials(ctx: MediRecordsContext): Promise<Credentials> {
	const c = await ctx.getCredentials(CREDENTIAL);
	return {
		baseUrl: String(c.baseUrl ?? 'https://api.medirecords.com').replace(/\/+$/, ''),
		practiceId: String(c.practiceId ?? '').trim(),
	};
}

interface FullResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

const HINTS: Record<number, string> = {
	400: 'MediRecords refused the request as invalid. Check the field named in the message.',
	401: 'The MediRecords API token was refused. Check the token in the MediRecords credential.',
	403: 'The MediRecords token is not allowed to do this. Ask MediRecords support to grant the API user access.',
	404: 'MediRecords could not find it. Check the practice id in the credential and the id given to the node.',
	409: 'MediRecords refused a double booking. Pick another time, or allow double booking in the node options.',
	429: 'MediRecords kept rate-limiting the requests. The item can be retried later.',
};

function apiMessage(body: unknown, statusCode: number): string {
	if (body && typeof body === 'object') {
		const b = body as Record<string, unknown>;
		const msg = b.message ?? b.error_description ?? b.error ?? b.detail;
		if (typeof msg === 'string' && msg.trim()) return msg;
	}
	if (typeof body === 'string' && body.trim() && body.length < 300) return body;
	return `HTTP ${statusCode}`;
}

function networkCode(error: unknown): string | undefined {
	const e = error as { code?: string; cause?: { code?: string } };
	return e?.code ?? e?.cause?.code;
}

/**
 * One MediRecords call, through n8n's authenticated request helper (so proxy
 * settings and credential handling are n8n's), retrying 429 (honouring
 * Retry-After) and 5xx with exponential backoff. Errors carry MediRecords'
 * own message with any patient value removed, never the request body.
 */
export async function mediRecordsRequest<T = IDataObject>(
	ctx: MediRecordsContext,
	method: IHttpRequestMethods,
	path: string,
	opts: RequestOptions = {},
): Promise<T> {
	const { baseUrl } = await getCredentials(ctx);
	const maxRetries = opts.maxRetries ?? 4;
	const baseDelay = opts.baseDelayMs ?? 500;
	const canRetryServerError = method !== 'POST' || opts.retrySafe === true || opts.recheck !== undefined;
	// A POST that may have been applied is repeated only when it is safe or can be checked first; 429 and 503 were never applied.
	const policy: RetryPolicy = { retries: maxRetries, baseDelayMs: baseDelay, maxWaitMs: 120_000, statuses: [429, 503], serverErrors: canRetryServerError, networkErrors: canRetryServerError };
	const recheck = async (): Promise<T | undefined> => (method === 'POST' && opts.recheck ? ((await opts.recheck()) as T | undefined) : undefined);
	const request: IHttpRequestOptions = {
		method,
		url: `${baseUrl}${path}`,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		headers: { Accept: 'application/json' },
		timeout: 30_000,
	};
	if (opts.body !== undefined) request.body = opts.body;
	if (opts.qs !== undefined) request.qs = opts.qs;

	for (let attempt = 0; ; attempt++) {
		let res: FullResponse;
		try {
			res = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL, { ...request })) as FullResponse;
		} catch (error) {
			const code = networkCode(error) ?? 'network error';
			const wait = retryWait(policy, attempt, { networkError: true });
			if (wait !== undefined) {
				await sleep(wait);
				const found = await recheck();
				if (found !== undefined) return found;
				continue;
			}
			throw new NodeApiError(ctx.getNode(), { code } as JsonObject, {
				message: `MediRecords could not be reached (${code})`,
				description: `Check the base URL in the MediRecords credential and the network. ${method} ${path.replace(/[0-9a-f-]{36}/gi, '{id}')} was tried ${attempt + 1} time(s).`,
				itemIndex: opts.itemIndex,
			});
		}
		const status = res.statusCode;
		if (status < 400) return res.body as T;

		if (status === 409 && method === 'POST') {
			// A concurrent execution may have booked the same reference a moment earlier.
			const found = await recheck();
			if (found !== undefined) return found;
		}
		const wait = retryWait(policy, attempt, { status, retryAfter: res.headers['retry-after'] });
		if (wait !== undefined) {
			await sleep(wait);
			if (status >= 500) {
				const found = await recheck();
				if (found !== undefined) return found;
			}
			continue;
		}
		const message = redact(apiMessage(res.body, status), opts.sensitive ?? []);
		const hint = HINTS[status] ?? (status >= 500 ? 'MediRecords had a server error. The item can be retried later; nothing was lost.' : '');
		const tries = attempt > 0 ? ` Tried ${attempt + 1} times.` : '';
		throw new NodeApiError(ctx.getNode(), { status, message } as JsonObject, {
			message: `MediRecords: ${message}`,
			description: `${hint}${tries}`.trim(),
			httpCode: String(status),
			itemIndex: opts.itemIndex,
		});
	}
}

export interface Page<T> {
	data: T[];
	last?: boolean;
	totalPages?: number;
	page?: number;
}

/** Walks MediRecords' 0-based pages until `limit` items (or all, when limit is undefined). */
export async function mediRecordsPaged<T = IDataObject>(
	ctx: MediRecordsContext,
	method: IHttpRequestMethods,
	path: string,
	opts: RequestOptions & { limit?: number; pageSize?: number; inBody?: boolean } = {},
): Promise<T[]> {
	const out: T[] = [];
	const size = opts.pageSize ?? 50;
	for (let page = 0; ; page++) {
		const paging = { page, size };
		const res = await mediRecordsRequest<Page<T>>(ctx, method, path, {
			...opts,
			qs: opts.inBody ? opts.qs : { ...(opts.qs ?? {}), ...paging },
			body: opts.inBody ? { ...(opts.body ?? {}), ...paging } : opts.body,
		});
		const data = Array.isArray(res?.data) ? res.data : [];
		out.push(...data);
		if (opts.limit !== undefined && out.length >= opts.limit) return out.slice(0, opts.limit);
		const last = res?.last ?? (res?.totalPages !== undefined ? page >= res.totalPages - 1 : data.length < size);
		if (last || data.length === 0) return out;
	}
}

const intervalCache = new Map<string, { at: number; codes: IntervalCode[] }>();

/** The appointment-interval code system, cached for an hour per MediRecords host. */
export async function intervalCodes(ctx: MediRecordsContext): Promise<IntervalCode[]> {
	const { baseUrl } = await getCredentials(ctx);
	const hit = intervalCache.get(baseUrl);
	if (hit && Date.now() - hit.at < 3_600_000) return hit.codes;
	const raw = await mediRecordsRequest<unknown>(ctx, 'GET', '/code-system/appointment-Interval-Code');
	const codes = readIntervalCodes(raw);
	if (codes.length) intervalCache.set(baseUrl, { at: Date.now(), codes });
	return codes;
}
