/**
 * When to retry an HTTP call and how long to wait first: one policy for every transport (MediRecords,
 * Microsoft Graph, JotForm). Each transport says which answers it may repeat safely and how long it may
 * wait; Retry-After (seconds or an HTTP date, RFC 9110 §10.2.3) is honoured on every retried answer that
 * carries it, bounded, and exponential back-off covers the rest.
 */

export interface RetryPolicy {
	/** Retries after the first attempt. */
	retries: number;
	/** Back-off: base × 2^attempt. */
	baseDelayMs: number;
	/** The longest wait, whatever Retry-After asks. */
	maxWaitMs: number;
	/** HTTP statuses that are retried. */
	statuses: readonly number[];
	/** Whether every 5xx is retried too (not only those listed). */
	serverErrors: boolean;
	/** Whether a call that got no answer (timeout, refused connection) is retried. */
	networkErrors: boolean;
}

/** What an attempt came to: an HTTP status (with its Retry-After header), or no answer at all. */
export type Attempted = { status: number; retryAfter?: unknown } | { networkError: true };

/** Seconds to wait from a Retry-After header (delta-seconds or HTTP date), bounded. */
export function retryAfterMs(header: unknown, fallbackMs: number, nowMs = Date.now(), capMs = 120_000): number {
	const raw = Array.isArray(header) ? header[0] : header;
	if (raw === undefined || raw === null || raw === '') return Math.min(fallbackMs, capMs);
	const s = String(raw).trim();
	if (/^\d+(\.\d+)?$/.test(s)) return Math.min(Math.round(Number(s) * 1000), capMs);
	const at = Date.parse(s);
	if (!Number.isNaN(at)) return Math.min(Math.max(0, at - nowMs), capMs);
	return Math.min(fallbackMs, capMs);
}

export function backoffMs(attempt: number, baseMs: number): number {
	return baseMs * 2 ** attempt;
}

/** Whether the policy retries this status at all (retries left or not). */
export function retriesStatus(policy: RetryPolicy, status: number): boolean {
	return policy.statuses.includes(status) || (policy.serverErrors && status >= 500);
}

/**
 * How long to wait before retrying after attempt number `attempt` (0 = the first), or undefined when the
 * answer stands: not retryable, or no retries left.
 */
export function retryWait(policy: RetryPolicy, attempt: number, result: Attempted, nowMs = Date.now()): number | undefined {
	if (attempt >= policy.retries) return undefined;
	const backoff = Math.min(backoffMs(attempt, policy.baseDelayMs), policy.maxWaitMs);
	if ('networkError' in result) return policy.networkErrors ? backoff : undefined;
	if (!retriesStatus(policy, result.status)) return undefined;
	return retryAfterMs(result.retryAfter, backoff, nowMs, policy.maxWaitMs);
}
