import { patientPhone, readPhone, samePhone } from '../../../lib/sources/phones';

describe('phone numbers by the numbering plan (libphonenumber-js)', () => {
	test.each([
		['0412 345 678', 'AU', '+61412345678', 'mobile'],
		['+61 (0)412 345 678', 'AU', '+61412345678', 'mobile'],
		['0011 61 412 345 678', 'AU', '+61412345678', 'mobile'],
		['0061 412 345 678', 'AU', '+61412345678', 'mobile'],
		['0412 345 678 ext 3', 'AU', '+61412345678', 'mobile'],
		['(02) 9000 0000', 'AU', '+61290000000', 'landline'],
		['1300 123 456', 'AU', '+611300123456', 'landline'],
		['021 123 4567', 'NZ', '+64211234567', 'mobile'],
		['07400 123456', 'GB', '+447400123456', 'mobile'],
		['+1 415 555 2671', 'AU', '+14155552671', 'mobile'],
	])('%s (%s) → %s, %s', (raw, country, e164, kind) => {
		expect(readPhone(raw, country)).toEqual({ e164, kind });
	});

	// Each of these became a "valid" international number under the old hand-written converter.
	test.each(['0412 345 67a', '0412 345 67', '04123456789012', '12345', '0000 000 000', 'call me', '+61 0412', '0412-345-678-9', 'O412 345 678'])('%s is not a phone number: nothing is written', (raw) => {
		expect(readPhone(raw, 'AU')).toEqual({ invalid: true });
		expect(patientPhone(raw, 'AU')).toEqual({ phoneUnreadable: true });
	});

	test('a mobile goes to the mobile field (SMS reminders), a landline to the home phone; blank is nothing', () => {
		expect(patientPhone('0412 345 678')).toEqual({ phone: '+61412345678', mobilePhone: '+61412345678' });
		expect(patientPhone('02 9000 0000')).toEqual({ phone: '+61290000000', homePhone: '+61290000000' });
		expect(patientPhone('  ')).toEqual({});
		expect(patientPhone(undefined)).toEqual({});
	});

	test('the same number however written', () => {
		expect(samePhone('02 9000 0000', '+61 2 9000 0000')).toBe(true);
		expect(samePhone('02 9000 0000', '02 9000 0001')).toBe(false);
		expect(samePhone('', '')).toBe(false);
	});
});
