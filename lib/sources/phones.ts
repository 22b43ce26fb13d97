/**
 * Phone numbers as patients type them, read with libphonenumber-js (Google's libphonenumber metadata,
 * maintained with each numbering plan's changes). A number is written to MediRecords only when the
 * numbering plan says it is a real number; mobiles go to the mobile field MediRecords texts reminders
 * to, every other kind (landlines, 1300 numbers, VoIP) to the home phone.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { LIMITS } from './publicInput';

export interface PhoneReading {
	/** E.164 (+61412345678), only when the number is valid. */
	e164?: string;
	/** Where the number belongs in MediRecords. */
	kind?: 'mobile' | 'landline';
	/** Something was typed, but it is not a valid phone number: nothing is written, staff are told. */
	invalid?: true;
}

/** Types libphonenumber cannot tell apart (the US and Canada): SMS may reach them, so they count as mobiles. */
const MOBILE_TYPES = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

/** Reads one typed phone number against the clinic's default country. */
export function readPhone(raw: unknown, defaultCountry = 'AU'): PhoneReading {
	const typed = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
	if (!typed) return {};
	if (typed.length > LIMITS.phone) return { invalid: true };
	// An extension is allowed; any other letter means the number was mistyped, whatever digits remain.
	const withoutExtension = typed.replace(/\s*(?:ext\.?|extension|x)\s*\d{1,6}$/i, '');
	if (/\p{L}/u.test(withoutExtension)) return { invalid: true };
	let parsed = parsePhoneNumberFromString(withoutExtension, defaultCountry as CountryCode);
	// "0061 …": the international prefix of most of the world, typed by a patient used to it.
	if (!parsed?.isValid() && /^00[1-9]/.test(withoutExtension)) parsed = parsePhoneNumberFromString(`+${withoutExtension.slice(2)}`);
	if (!parsed || !parsed.isValid()) return { invalid: true };
	return { e164: parsed.number, kind: MOBILE_TYPES.has(String(parsed.getType())) ? 'mobile' : 'landline' };
}

/** The same number, however it is written (+61 2 9000 0000, (02) 9000 0000). */
export function samePhone(a: unknown, b: unknown, defaultCountry = 'AU'): boolean {
	const x = readPhone(a, defaultCountry).e164;
	return !!x && x === readPhone(b, defaultCountry).e164;
}

/** A patient's phone as MediRecords keeps it: the number, and which field it goes to. */
export interface PatientPhone {
	/** The valid number in E.164, whichever kind (waitlist rows and notices keep one number). */
	phone?: string;
	mobilePhone?: string;
	homePhone?: string;
	/** A number was given but could not be read: not written. */
	phoneUnreadable?: true;
}

export function patientPhone(raw: unknown, defaultCountry = 'AU'): PatientPhone {
	const r = readPhone(raw, defaultCountry);
	if (r.invalid) return { phoneUnreadable: true };
	if (!r.e164) return {};
	return r.kind === 'mobile' ? { phone: r.e164, mobilePhone: r.e164 } : { phone: r.e164, homePhone: r.e164 };
}
