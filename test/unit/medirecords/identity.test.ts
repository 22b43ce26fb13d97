import { assess, contactWrite, decideMatch, identityLockKey, isUnknown, planUpdate } from '../../../lib/medirecords/identity';

const jane = { id: 'p-jane', firstName: 'Jane', lastName: 'Doe', email: 'family@example.com', dob: '1980-05-01', gender: 'F', mobilePhone: '+61400111222' };
const tom = { id: 'p-tom', firstName: 'Tom', lastName: 'Doe', email: 'family@example.com', dob: '2012-09-09', gender: 'M' };

describe('identity policy: who is the same person', () => {
	test.each([
		['names + email + dob agree', { firstName: 'jane', lastName: 'DOE', email: 'Family@Example.com', dob: '1980-05-01' }, true],
		['names + email agree, no dob given', { firstName: 'Jane', lastName: 'Doe', email: 'family@example.com' }, true],
		['names + dob agree, another email', { firstName: 'Jane', lastName: 'Doe', email: 'jane.new@example.com', dob: '1980-05-01' }, true],
		['accents, apostrophes and hyphens do not matter', { firstName: 'Jané', lastName: 'doe', email: 'family@example.com' }, true],
		['same email, another name (a family member or a stranger)', { firstName: 'Mallory', lastName: 'Evil', email: 'family@example.com' }, false],
		['same name + email, different date of birth', { firstName: 'Jane', lastName: 'Doe', email: 'family@example.com', dob: '2001-01-01' }, false],
		['same name only', { firstName: 'Jane', lastName: 'Doe', email: 'other@example.com' }, false],
		['no last name', { firstName: 'Jane', email: 'family@example.com' }, false],
	])('%s → %s', (_what, incoming, same) => {
		expect(assess(jane, incoming).same).toBe(same);
	});

	test('two family members sharing an email are never merged: each finds only themself', () => {
		expect(decideMatch([jane, tom], { firstName: 'Tom', lastName: 'Doe', email: 'family@example.com' })).toMatchObject({ match: tom, matchedBy: 'nameAndEmail' });
		expect(decideMatch([jane, tom], { firstName: 'Jane', lastName: 'Doe', email: 'family@example.com', dob: '1980-05-01' })).toMatchObject({ match: jane, matchedBy: 'nameEmailAndDob' });
		// A third member with the family email: nobody is "the first candidate"; both are possible duplicates to compare.
		expect(decideMatch([jane, tom], { firstName: 'Amy', lastName: 'Doe', email: 'family@example.com' })).toEqual({ possibleDuplicateOf: ['p-jane', 'p-tom'] });
	});

	test('two records that both match equally are duplicates already: no guess', () => {
		const twin = { ...jane, id: 'p-jane-2' };
		expect(decideMatch([jane, twin], { firstName: 'Jane', lastName: 'Doe', email: 'family@example.com' })).toEqual({ possibleDuplicateOf: ['p-jane', 'p-jane-2'] });
		// …unless one agrees on more: email and date of birth beat email alone.
		const older = { ...jane, id: 'p-jane-3', dob: undefined };
		expect(decideMatch([older, jane], { firstName: 'Jane', lastName: 'Doe', email: 'family@example.com', dob: '1980-05-01' }).match).toBe(jane);
	});

	test('a record found by both searches counts once', () => {
		expect(decideMatch([jane, jane], { firstName: 'Jane', lastName: 'Doe', dob: '1980-05-01' }).match).toBe(jane);
	});
});

describe('identity policy: what public input may change', () => {
	test('blanks are filled; names, date of birth, gender and known contact details that differ are only proposed', () => {
		const record = { ...jane, mobilePhone: '', homePhone: null };
		const plan = planUpdate(record, { firstName: 'Janet', lastName: 'Doe', dob: '1980-05-02', gender: 'M', email: 'evil@example.com', mobilePhone: '+61400999888', homePhone: '+61299990000' });
		expect(plan.fill).toEqual({ mobilePhone: '+61400999888', homePhone: '+61299990000' });
		expect(plan.proposed).toEqual({ firstName: 'Janet', dob: '1980-05-02', gender: 'M', email: 'evil@example.com' });
	});

	test('the same value written differently is no change', () => {
		expect(planUpdate(jane, { firstName: 'JANE', lastName: 'doe', email: 'FAMILY@example.com', mobilePhone: '0400 111 222' })).toEqual({ fill: {}, proposed: {} });
	});

	test('unknown values never overwrite known ones: "", whitespace, gender U or N', () => {
		expect(planUpdate(jane, { gender: 'U', email: '  ', mobilePhone: '', dob: undefined })).toEqual({ fill: {}, proposed: {} });
		expect(planUpdate({ ...jane, gender: 'U' }, { gender: 'F' })).toEqual({ fill: { gender: 'F' }, proposed: {} });
		expect(isUnknown('gender', 'N')).toBe(true);
		expect(isUnknown('lastName', 'N')).toBe(false);
	});

	test('without proof, contact details never fill a blank: they are proposed; clinical blanks still fill', () => {
		const record = { ...jane, email: '', mobilePhone: '', homePhone: null, gender: 'U' };
		const plan = planUpdate(record, { email: 'evil@example.com', mobilePhone: '+61499000111', homePhone: '+61299990000', gender: 'F', medicareNumber: '2123' }, false);
		expect(plan.fill).toEqual({ gender: 'F', medicareNumber: '2123' });
		expect(plan.proposed).toEqual({ email: 'evil@example.com', mobilePhone: '+61499000111', homePhone: '+61299990000' });
	});

	test.each([
		['emailMatch', 'nameEmailAndDob', true],
		['emailMatch', 'nameAndEmail', true],
		['emailMatch', 'nameAndDob', false],
		['propose', 'nameEmailAndDob', false],
		['write', 'nameAndDob', true],
	] as const)('contact details under %s on a %s match may be written: %s', (policy, matchedBy, allowed) => {
		expect(contactWrite(policy, matchedBy)).toBe(allowed);
	});
});

describe('identity lock key: inputs the policy could call one person share it', () => {
	test('the whole name, however Calendly and JotForm split it, with accents and case ignored', () => {
		const calendly = { firstName: 'Ana María', lastName: 'de la Cruz', email: 'a@example.com' };
		const jotform = { firstName: 'ana maria de', lastName: 'La Cruz', email: 'other@example.com' };
		expect(identityLockKey(calendly)).toBe(identityLockKey(jotform));
		expect(identityLockKey(calendly)).not.toBe(identityLockKey({ firstName: 'Ana', lastName: 'Cruz' }));
	});
	test('without a name, the email', () => {
		expect(identityLockKey({ email: ' A@Example.com ' })).toBe(identityLockKey({ email: 'a@example.com' }));
		expect(identityLockKey({ email: 'a@example.com' })).not.toBe(identityLockKey({ email: 'b@example.com' }));
	});
});
