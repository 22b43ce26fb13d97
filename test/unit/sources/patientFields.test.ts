import { toIsoDate, splitName } from '../../../lib/sources/patientFields';
import { readPhone } from '../../../lib/sources/phones';

describe('patient field normalisation', () => {
	test.each([
		['0400 111 222', 'AU', '+61400111222'],
		['+61 (0)400 111 222', 'AU', '+61400111222'],
		['(02) 9999 0000', 'AU', '+61299990000'],
		['0061 400 111 222', 'AU', '+61400111222'],
		['021 123 4567', 'NZ', '+64211234567'],
		['(415) 555-0100', 'US', '+14155550100'],
		['call me', 'AU', undefined],
	])('phone %s (%s) → %s', (raw, c, out) => expect(readPhone(raw, c).e164).toBe(out));

	test.each([
		['12/04/1988', '1988-04-12'],
		['1988-04-12', '1988-04-12'],
		['12 Apr 1988', '1988-04-12'],
		['April 12, 1988', '1988-04-12'],
		['30/02/1988', undefined],
		['yesterday', undefined],
	])('dob %s → %s', (raw, out) => expect(toIsoDate(raw)).toBe(out));

	test.each([
		['Ana María de la Cruz', 'Ana María', 'de la Cruz'],
		['Jan van der Berg', 'Jan', 'van der Berg'],
		['Mary Jane Smith', 'Mary Jane', 'Smith'],
		['Ana Citizen', 'Ana', 'Citizen'],
		['Cruz, Ana María', 'Ana María', 'Cruz'],
		['Cher', 'Cher', undefined],
	])('name "%s" → given "%s", family "%s" (as people fill JotForm’s two boxes)', (raw, firstName, lastName) => {
		expect(splitName(raw)).toEqual({ firstName, lastName });
	});
});
