/**
 * The clinic's identity policy, pure: when incoming details (a booking, a form)
 * are an existing MediRecords patient, and what such input may change on the
 * record. Bookings and forms are public: anyone can type anyone's email, so an
 * email alone never decides who a patient is, and public input never rewrites
 * who a patient is or replaces a contact detail the clinic already holds.
 *
 * | Existing record vs incoming                          | Same person? |
 * |------------------------------------------------------|--------------|
 * | names agree, email agrees, date of birth agrees      | yes          |
 * | names agree, email agrees, either date of birth blank| yes          |
 * | names agree, date of birth agrees (email differs/blank) | yes       |
 * | names agree, both dates of birth known and different | no           |
 * | names differ (whatever the email or date of birth)   | no           |
 * | names agree, neither email nor date of birth agrees  | no           |
 *
 * "No" with a shared email, or with the same name and date of birth, is a
 * possible duplicate: a new patient is created and `possibleDuplicateOf` lists
 * the records a person should compare.
 */

export type PatientRecord = Record<string, unknown>;

/** Letters compared without case, accents, apostrophes, dots or hyphen/space differences. */
export function nameKey(s: unknown): string {
	return String(s ?? '')
		.slice(0, 200)
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[\s'’.-]+/g, ' ')
		.trim();
}

/** The whole name, however it was split into given and family names. */
const fullNameKey = (r: PatientRecord) => nameKey(`${String(r.firstName ?? '')} ${String(r.lastName ?? '')}`);

const emailKey = (s: unknown) => String(s ?? '').trim().toLowerCase();

/**
 * What two inputs share whenever the policy could call them the same person: every "yes" above needs the
 * names to agree, so the whole name (or, without one, the email) is the key under which looking a patient
 * up and creating them is one step. Different people with one name only wait for each other.
 */
export function identityLockKey(r: PatientRecord): string {
	const name = fullNameKey(r);
	return name ? `name:${name}` : `email:${emailKey(r.email)}`;
}
const phoneKey = (s: unknown) => String(s ?? '').replace(/\D/g, '');

/** Empty, whitespace, and MediRecords' "unknown" / "not stated" genders carry no information. */
export function isUnknown(field: string, value: unknown): boolean {
	if (value === undefined || value === null) return true;
	if (typeof value === 'boolean') return false;
	const s = String(value).trim();
	if (!s) return true;
	if (field === 'gender' && ['U', 'N'].includes(s.toUpperCase())) return true;
	return false;
}

/** Whether two values of a field say the same thing. */
export function sameValue(field: string, a: unknown, b: unknown): boolean {
	if (field === 'firstName' || field === 'lastName') return nameKey(a) === nameKey(b);
	if (field === 'email') return emailKey(a) === emailKey(b);
	if (field === 'mobilePhone' || field === 'homePhone') {
		const [x, y] = [phoneKey(a), phoneKey(b)];
		// +61400111222 and 0400111222 are the same number: compare the last nine digits.
		return x === y || (x.length >= 9 && y.length >= 9 && x.slice(-9) === y.slice(-9));
	}
	if (typeof a === 'boolean' || typeof b === 'boolean') return String(a) === String(b);
	return String(a ?? '').trim().toUpperCase() === String(b ?? '').trim().toUpperCase();
}

export interface Assessment {
	id: string;
	namesAgree: boolean;
	emailAgrees: boolean;
	dobAgrees: boolean;
	dobConflicts: boolean;
	/** The same person under the policy. */
	same: boolean;
	/** 2 when both email and date of birth agree, 1 when one does, 0 when not the same person. */
	strength: number;
}

export function assess(existing: PatientRecord, incoming: PatientRecord): Assessment {
	const known = (f: string, v: unknown) => !isUnknown(f, v);
	const namesAgree =
		known('lastName', incoming.lastName) &&
		((sameValue('lastName', existing.lastName, incoming.lastName) &&
			(known('firstName', incoming.firstName) || known('firstName', existing.firstName)
				? sameValue('firstName', existing.firstName, incoming.firstName)
				: true)) ||
			// "Ana María" + "de la Cruz" (JotForm's two boxes) and "Ana" + "María de la Cruz" are one person.
			(known('firstName', incoming.firstName) && fullNameKey(existing) === fullNameKey(incoming)));
	const emailAgrees = known('email', incoming.email) && known('email', existing.email) && sameValue('email', existing.email, incoming.email);
	const bothDob = known('dob', incoming.dob) && known('dob', existing.dob);
	const dobAgrees = bothDob && sameValue('dob', existing.dob, incoming.dob);
	const dobConflicts = bothDob && !dobAgrees;
	const same = namesAgree && !dobConflicts && (emailAgrees || dobAgrees);
	return { id: String(existing.id ?? ''), namesAgree, emailAgrees, dobAgrees, dobConflicts, same, strength: same ? Number(emailAgrees) + Number(dobAgrees) : 0 };
}

export interface MatchDecision {
	/** The one record these details are, when there is exactly one confident match. */
	match?: PatientRecord;
	matchedBy?: 'nameAndEmail' | 'nameAndDob' | 'nameEmailAndDob';
	/** Records that share the email, or the name and date of birth, without being a confident match. */
	possibleDuplicateOf: string[];
}

/** Picks the record the incoming details are, or none. Never "the first candidate". */
export function decideMatch(candidates: PatientRecord[], incoming: PatientRecord): MatchDecision {
	const seen = new Set<string>();
	const unique = candidates.filter((c) => {
		const id = String(c.id ?? '');
		if (!id || seen.has(id)) return false;
		seen.add(id);
		return true;
	});
	const assessed = unique.map((c) => ({ c, a: assess(c, incoming) }));
	const confident = assessed.filter((x) => x.a.same);
	const best = Math.max(0, ...confident.map((x) => x.a.strength));
	const top = confident.filter((x) => x.a.strength === best);
	if (top.length === 1) {
		const { c, a } = top[0];
		return {
			match: c,
			matchedBy: a.emailAgrees && a.dobAgrees ? 'nameEmailAndDob' : a.emailAgrees ? 'nameAndEmail' : 'nameAndDob',
			possibleDuplicateOf: [],
		};
	}
	// Two equally good matches are already duplicates in MediRecords: choosing one would be a guess.
	return { possibleDuplicateOf: assessed.map((x) => x.a.id) };
}

export interface UpdatePlan {
	/** Blanks on the record that the input fills: safe to write. */
	fill: Record<string, unknown>;
	/** Values that differ from what the record holds: for staff to review, never written. */
	proposed: Record<string, unknown>;
}

/**
 * Where the clinic reaches a patient: SMS reminders go to the mobile, letters to
 * the address, the clinic's calls to the phones. A blank one is exactly what an
 * attacker wants to fill, so these are written from public input only on the
 * strongest proof (the address is kept apart from the record; see `contactWrite`).
 */
export const CONTACT_FIELDS: readonly string[] = ['email', 'mobilePhone', 'homePhone', 'address'];

/**
 * How contact details in public input may reach an existing record:
 * - `emailMatch`: they fill blanks only when the match includes the email the
 *   record already holds (name + email, plus date of birth where both have one);
 *   a match by name and date of birth alone proposes every one of them. Name and
 *   date of birth are not secret (social media, school records, a relative).
 * - `propose`: never written to an existing record, always proposed (bookings:
 *   reminders follow the record, not the booking).
 * - `write`: trusted, staff-entered input.
 */
export type ContactWrite = 'emailMatch' | 'propose' | 'write';

/** Whether contact details may fill blanks on a record matched this way. */
export function contactWrite(policy: ContactWrite, matchedBy: MatchDecision['matchedBy']): boolean {
	if (policy === 'write') return true;
	if (policy === 'propose') return false;
	return matchedBy === 'nameAndEmail' || matchedBy === 'nameEmailAndDob';
}

/**
 * What public input may do to an existing record: fill blanks only. Identity
 * fields and contact details that differ go to review; unknown values
 * ("", whitespace, gender "U") never replace known ones. Without
 * `contactAllowed`, contact details never fill a blank either: a new one is
 * proposed like a differing one.
 */
export function planUpdate(existing: PatientRecord, incoming: PatientRecord, contactAllowed = true): UpdatePlan {
	const fill: Record<string, unknown> = {};
	const proposed: Record<string, unknown> = {};
	for (const [field, value] of Object.entries(incoming)) {
		if (field === 'id' || isUnknown(field, value)) continue;
		const current = existing[field];
		if (isUnknown(field, current)) (contactAllowed || !CONTACT_FIELDS.includes(field) ? fill : proposed)[field] = value;
		else if (!sameValue(field, current, value)) proposed[field] = value;
	}
	return { fill, proposed };
}
