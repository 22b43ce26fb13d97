import { DELETED, NewestVersions } from '../../../lib/medirecords/versions';

describe('which version of a booking source was written last', () => {
	test('an older version than one written is superseded; the same or a newer one is not', () => {
		const v = new NewestVersions();
		expect(v.isSuperseded('evt-1', '2026-12-04T10:00:00Z')).toBe(false);
		v.record('evt-1', '2026-12-04T10:00:02Z');
		expect(v.isSuperseded('evt-1', '2026-12-04T10:00:01Z')).toBe(true);
		expect(v.isSuperseded('evt-1', '2026-12-04T10:00:02Z')).toBe(false);
		expect(v.isSuperseded('evt-1', '2026-12-04T10:00:03Z')).toBe(false);
		// Written out of order: the newest stays.
		v.record('evt-1', '2026-12-04T10:00:01Z');
		expect(v.isSuperseded('evt-1', '2026-12-04T10:00:01.500Z')).toBe(true);
		// Other sources are their own; a version without a readable time is never held back.
		expect(v.isSuperseded('evt-2', '2026-12-04T09:00:00Z')).toBe(false);
		expect(v.isSuperseded('evt-1', undefined)).toBe(false);
		expect(v.isSuperseded('evt-1', 'not a time')).toBe(false);
	});

	test('a deletion is final: no version of that source is written after it', () => {
		const v = new NewestVersions();
		v.record('evt-1', DELETED);
		expect(v.isSuperseded('evt-1', '2099-01-01T00:00:00Z')).toBe(true);
		expect(v.isSuperseded('evt-1', undefined)).toBe(true);
		expect(v.isSuperseded('evt-1', DELETED)).toBe(false);
	});

	test('it stays bounded: the least recently written sources are forgotten first', () => {
		const v = new NewestVersions(2);
		v.record('a', '2026-12-04T10:00:00Z');
		v.record('b', '2026-12-04T10:00:00Z');
		v.record('a', '2026-12-04T10:00:05Z');
		v.record('c', '2026-12-04T10:00:00Z');
		expect(v.size).toBe(2);
		expect(v.isSuperseded('b', '2026-12-04T09:00:00Z')).toBe(false);
		expect(v.isSuperseded('a', '2026-12-04T10:00:01Z')).toBe(true);
	});
});
