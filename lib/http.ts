/** Waiting between retries, as HTTP asks: shared by the MediRecords and Microsoft Graph transports. */

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
