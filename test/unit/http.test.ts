import { retryAfterMs } from '../../lib/http';

describe('Retry-After', () => {
	test('seconds, HTTP date, missing, capped', () => {
		expect(retryAfterMs('2', 500)).toBe(2000);
		expect(retryAfterMs(undefined, 500)).toBe(500);
		const now = Date.parse('2026-11-25T00:00:00Z');
		expect(retryAfterMs('Wed, 25 Nov 2026 00:00:03 GMT', 500, now)).toBe(3000);
		expect(retryAfterMs('99999', 500)).toBe(120000);
	});
});
