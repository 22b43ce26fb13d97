import { appendToNotes, cleanPatient, composeNotes, hasReference, intervalCodeFor, parseDurationText, patientChanges, readIntervalCodes, redact, referenceMarker, replaceNotesKeepingMarker, truncateNotes } from '../../../lib/medirecords/mapping';

describe('notes and external references', () => {
	test('truncation keeps at most 500 characters without splitting a character', () => {
		const long = '😀'.repeat(600);
		const t = truncateNotes(long);
		expect(Array.from(t)).toHaveLength(500);
		expect(t.endsWith('…')).toBe(true);
		expect(truncateNotes('short')).toBe('short');
	});

	test('the reference marker always survives truncation and fits in 500', () => {
		const ref = 'AAMkAGI2TG93AAA='.repeat(10);
		const notes = composeNotes('x'.repeat(800), ref)!;
		expect(Array.from(notes).length).toBeLessThanOrEqual(500);
		expect(hasReference(notes, ref)).toBe(true);
		expect(hasReference(notes, `${ref}-other`)).toBe(false);
		expect(referenceMarker(ref)).toMatch(/^\[ref:[0-9a-f]{20}\]$/);
	});

	test('appending to notes keeps the marker last and separates entries', () => {
		const notes = composeNotes('Booked via Calendly', 'evt-2')!;
		const once = appendToNotes(notes, 'Paid 79.00 AUD');
		expect(once).toBe(`Booked via Calendly | Paid 79.00 AUD ${referenceMarker('evt-2')}`);
		expect(appendToNotes(once, 'Refunded 79.00 AUD')).toBe(`Booked via Calendly | Paid 79.00 AUD | Refunded 79.00 AUD ${referenceMarker('evt-2')}`);
		expect(appendToNotes(null, 'Paid')).toBe('Paid');
	});

	test('replacing notes keeps the marker', () => {
		const notes = composeNotes('first', 'evt-1')!;
		const next = replaceNotesKeepingMarker(notes, 'Paid $79 (pi_123)');
		expect(next.startsWith('Paid $79')).toBe(true);
		expect(hasReference(next, 'evt-1')).toBe(true);
	});
});

describe('durations and interval codes', () => {
	test.each([
		['30 mins', 30],
		['4 hrs', 240],
		['1 hr', 60],
		['1 hr 30 mins', 90],
		['45', 45],
		['', undefined],
		['soon', undefined],
	])('%s → %s', (text, minutes) => expect(parseDurationText(text)).toBe(minutes));

	test('codes are looked up from the code system, not assumed to be minutes', () => {
		const codes = readIntervalCodes([
			{ code: 'AIC06', description: '30 mins' },
			{ code: 'AIC12', description: '1 hr' },
		]);
		expect(intervalCodeFor(60, codes)).toBe('AIC12');
		expect(() => intervalCodeFor(35, codes)).toThrow(/no appointment interval of 35 minutes.*30, 60/);
		expect(readIntervalCodes({ data: [{ value: 'X', display: '15 mins' }] })).toEqual([{ code: 'X', minutes: 15 }]);
	});
});

describe('patients', () => {
	test('clean: trims, lower-cases email, drops empties, checks the date of birth', () => {
		expect(cleanPatient({ firstName: ' Ana ', email: 'Ana@Example.COM ', mobilePhone: '', dob: '1990-02-28' })).toEqual({
			firstName: 'Ana',
			email: 'ana@example.com',
			dob: '1990-02-28',
		});
		expect(() => cleanPatient({ dob: '1990-02-30' })).toThrow(/real date/);
		expect(() => cleanPatient({ dob: '28/02/1990' })).toThrow(/YYYY-MM-DD/);
	});

	test('changes: only differing fields, email compared case-insensitively', () => {
		expect(patientChanges({ email: 'ANA@x.com', firstName: 'Ana', mobilePhone: null }, { email: 'ana@x.com', firstName: 'Ana', mobilePhone: '+61400000000' })).toEqual({
			mobilePhone: '+61400000000',
		});
	});
});

describe('errors never carry patient data', () => {
	test('redacts given values, and anything that looks like an email or phone', () => {
		const msg = redact('Patient Jane Citizen (jane@example.com, +61 400 123 456) already exists', ['Jane', 'Citizen']);
		expect(msg).not.toMatch(/Jane|Citizen|jane@|400 123/);
		expect(msg).toContain('already exists');
	});
});
