import { retryAfterMs, retryWait, type RetryPolicy } from '../../lib/http';

describe('Retry-After', () => {
	test('seconds, HTTP date, missing, capped', () => {
		expect(retryAfterMs('2', 500)).toBe(2000);
		expect(retryAfterMs(undefined, 500)).toBe(500);
		const now = Date.parse('2026-11-25T00:00:00Z');
		expect(retryAfterMs('Wed, 25 Nov 2026 00:00:03 GMT', 500, now)).toBe(3000);
		expect(retryAfterMs('99999', 500)).toBe(120000);
	});
});

describe('one retry policy for every transport', () => {
	const policy: RetryPolicy = { retries: 3, baseDelayMs: 500, maxWaitMs: 30_000, statuses: [429], serverErrors: true, networkErrors: true };

	test('listed statuses and 5xx are retried with back-off; others stand', () => {
		expect([0, 1, 2].map((a) => retryWait(policy, a, { status: 502 }))).toEqual([500, 1000, 2000]);
		expect(retryWait(policy, 0, { status: 404 })).toBeUndefined();
		expect(retryWait(policy, 0, { status: 200 })).toBeUndefined();
		expect(retryWait({ ...policy, serverErrors: false }, 0, { status: 502 })).toBeUndefined();
	});

	test('Retry-After is honoured on every retried answer that carries it, and capped', () => {
		expect(retryWait(policy, 0, { status: 429, retryAfter: '7' })).toBe(7000);
		expect(retryWait(policy, 0, { status: 503, retryAfter: '4' })).toBe(4000);
		expect(retryWait(policy, 0, { status: 429, retryAfter: '3600' })).toBe(30_000);
		// A 404 never waits, whatever it says.
		expect(retryWait(policy, 0, { status: 404, retryAfter: '1' })).toBeUndefined();
	});

	test('no retries left: the answer stands; no answer at all is retried only where the policy says', () => {
		expect(retryWait(policy, 3, { status: 429, retryAfter: '1' })).toBeUndefined();
		expect(retryWait(policy, 1, { networkError: true })).toBe(1000);
		expect(retryWait({ ...policy, networkErrors: false }, 0, { networkError: true })).toBeUndefined();
	});

	test('back-off never waits longer than the cap', () => {
		expect(retryWait({ ...policy, retries: 20 }, 15, { status: 500 })).toBe(30_000);
	});
});
