import type { IDataObject } from 'n8n-workflow';
import { runNode, loadOptionsContext } from '../helpers/n8n';
import { MR, startMediRecords } from '../helpers/medirecords';
import type { MediRecordsSandbox } from '../../sandbox/medirecords';
import { APPOINTMENT_TYPES, PRACTICE_ID, PRACTITIONERS, SANDBOX_TOKEN } from '../../sandbox/seed';
import { setCredentials } from '../helpers/n8n';
import { MediRecords } from '../../nodes/MediRecords/MediRecords.node';
import { APPOINTMENT_STATUS } from '../../lib/medirecords/mapping';

let sb: MediRecordsSandbox;
beforeAll(async () => (sb = await startMediRecords()));
afterAll(async () => sb.stop());
beforeEach(() => {
	sb.reset();
	setCredentials('mediRecordsApi', { apiToken: SANDBOX_TOKEN, practiceId: PRACTICE_ID, baseUrl: sb.url });
});

const DIA = PRACTITIONERS.find((p) => p.key === 'dr-dia')!.providerId;
const NURSE = PRACTITIONERS.find((p) => p.key === 'nurse')!.providerId;
const ALT_FOLLOW = APPOINTMENT_TYPES.find((t) => t.name === 'Alternative Medicine Follow-up')!.id;
const ALT_INITIAL = APPOINTMENT_TYPES.find((t) => t.name === 'Alternative Medicine Initial')!.id;

const mr = (parameters: IDataObject, input?: IDataObject[], continueOnFail = false) =>
	runNode({ type: 'mediRecords', ...MR, parameters, continueOnFail }, input);

const upsert = (fields: IDataObject, additionalFields: IDataObject = {}) =>
	mr({ resource: 'patient', operation: 'upsert', email: '', firstName: '', lastName: '', dob: '', ...fields, additionalFields });

const ok = (r: Awaited<ReturnType<typeof mr>>) => {
	if (r.error) throw r.error;
	return r.outputs[0].map((i) => i.json);
};

async function patient(email = 'ana.citizen@example.com', lastName = 'Citizen'): Promise<string> {
	const [p] = ok(await upsert({ email, firstName: 'Ana', lastName, dob: '1988-04-12' }, { mobilePhone: '+61400111222', gender: 'F' }));
	return String(p.patientId);
}

const createParams = (patientId: string, extra: IDataObject = {}, options: IDataObject = {}): IDataObject => ({
	resource: 'appointment',
	operation: 'create',
	patientId,
	appointmentType: { __rl: true, mode: 'id', value: ALT_FOLLOW },
	provider: { __rl: true, mode: 'id', value: DIA },
	startTime: '2026-12-01T09:30:00+11:00',
	durationMinutes: 0,
	reminderMethod: 'SMS',
	options,
	...extra,
});

describe('Patient', () => {
	test('Create or Update creates a new patient with every demographic field', async () => {
		const [out] = ok(await upsert({ email: 'Ana.Citizen@Example.com', firstName: 'Ana', lastName: 'Citizen', dob: '1988-04-12' }, { mobilePhone: '+61400111222', gender: 'F', titleCode: 'MS' }));
		expect(out.action).toBe('created');
		const stored = sb.state.patients.get(String(out.patientId))!;
		expect(stored).toMatchObject({ firstName: 'Ana', lastName: 'Citizen', dob: '1988-04-12', email: 'ana.citizen@example.com', mobilePhone: '+61400111222', gender: 'F', titleCode: 'MS', defaultPracticeId: PRACTICE_ID });
	});

	test('two executions of Create or Update for one new patient at the same moment (MediRecords slow): one patient, the second finds the first', async () => {
		sb.faults.latencyMs = 150;
		const fields = { email: 'ana.twice@example.com', firstName: 'Ana', lastName: 'Twice', dob: '1988-04-12' };
		const [a, b] = await Promise.all([upsert(fields, { gender: 'F' }), upsert({ ...fields, firstName: 'ANA' }, { gender: 'F' })]);
		const actions = [ok(a)[0].action, ok(b)[0].action].sort();
		expect(actions).toEqual(['created', 'unchanged']);
		expect(ok(a)[0].patientId).toBe(ok(b)[0].patientId);
		expect([...sb.state.patients.values()].filter((p) => p.email === 'ana.twice@example.com')).toHaveLength(1);
	});

	test('Create or Update finds the same person (name + email) and only fills blanks', async () => {
		const id = ok(await upsert({ email: 'ana.citizen@example.com', firstName: 'Ana', lastName: 'Citizen', dob: '1988-04-12' }, { gender: 'F' }))[0].patientId as string;
		const [out] = ok(await upsert({ email: 'ANA.CITIZEN@example.com', firstName: 'ana', lastName: 'CITIZEN' }, { mobilePhone: '+61400999888', gender: 'U' }));
		expect(out).toMatchObject({ action: 'updated', matchedBy: 'nameAndEmail', patientId: id, updatedFields: ['mobilePhone'], needsReview: false, proposedChanges: {} });
		expect(sb.state.patients.size).toBe(1);
		// PUT replaces the patient: fields not given this time are kept; "U" never overwrites a known gender.
		expect(sb.state.patients.get(id)).toMatchObject({ lastName: 'Citizen', mobilePhone: '+61400999888', dob: '1988-04-12', gender: 'F' });
	});

	test('name + date of birth alone (no email on the record) fills clinical blanks but proposes every contact detail', async () => {
		const id = ok(await upsert({ email: '', firstName: 'Ana', lastName: 'Citizen', dob: '1988-04-12' }))[0].patientId as string;
		const before = { ...sb.state.patients.get(id)! };
		const [out] = ok(await upsert({ email: 'ana.new@example.com', firstName: 'ana', lastName: 'CITIZEN', dob: '1988-04-12' }, { gender: 'F', mobilePhone: '+61499000111' }));
		expect(out).toMatchObject({ action: 'updated', matchedBy: 'nameAndDob', patientId: id, updatedFields: ['gender'], needsReview: true, reviewReasons: ['unproven_contact_details'] });
		expect(out.proposedChanges).toEqual({ email: 'ana.new@example.com', mobilePhone: '+61499000111' });
		expect(sb.state.patients.get(id)).toMatchObject({ email: before.email ?? null, mobilePhone: before.mobilePhone ?? null, gender: 'F' });
		expect(sb.state.patients.size).toBe(1);
	});

	test('the attack: a stranger with the patient’s name and date of birth and their own email, mobile and address changes no contact detail; all are proposed', async () => {
		const id = ok(await upsert({ email: 'vera@example.com', firstName: 'Vera', lastName: 'Victim', dob: '1975-03-09' }))[0].patientId as string;
		const before = { ...sb.state.patients.get(id)! };
		const evil = { line1: '66 Attacker Way', suburb: 'Elsewhere', postcode: '2999' };
		const [out] = ok(await upsert({ email: 'mallory@example.com', firstName: 'Vera', lastName: 'Victim', dob: '1975-03-09' }, { mobilePhone: '+61499000111', homePhone: '+61299990000', address: { value: evil } }));
		expect(out).toMatchObject({ action: 'unchanged', matchedBy: 'nameAndDob', patientId: id, addressAction: 'proposed', needsReview: true });
		expect(out.reviewReasons).toEqual(['differing_details', 'unproven_contact_details']);
		expect(Object.keys(out.proposedChanges as IDataObject).sort()).toEqual(['address', 'email', 'homePhone', 'mobilePhone']);
		expect(sb.state.patients.get(id)).toEqual(before);
		expect(sb.state.addresses.get(id) ?? []).toHaveLength(0);
	});

	test('the strongest match (name + the email on the record) fills a blank mobile and address from a form', async () => {
		const id = ok(await upsert({ email: 'vera@example.com', firstName: 'Vera', lastName: 'Victim', dob: '1975-03-09' }))[0].patientId as string;
		const [out] = ok(await upsert({ email: 'VERA@example.com', firstName: 'Vera', lastName: 'Victim', dob: '1975-03-09' }, { mobilePhone: '+61400777888', address: { value: { line1: '2 High St', postcode: '2042' } } }));
		expect(out).toMatchObject({ action: 'updated', matchedBy: 'nameEmailAndDob', updatedFields: ['mobilePhone'], addressAction: 'added', needsReview: false });
		expect(sb.state.patients.get(id)!.mobilePhone).toBe('+61400777888');
	});

	test('Contact Details → Always Propose (bookings): even the strongest match proposes a new mobile; reminders follow the record', async () => {
		const id = ok(await upsert({ email: 'vera@example.com', firstName: 'Vera', lastName: 'Victim' }))[0].patientId as string;
		const before = { ...sb.state.patients.get(id)! };
		const [out] = ok(await upsert({ email: 'vera@example.com', firstName: 'Vera', lastName: 'Victim', contactDetails: 'propose' }, { mobilePhone: '+61499000111' }));
		expect(out).toMatchObject({ action: 'unchanged', matchedBy: 'nameAndEmail', needsReview: true, reviewReasons: ['unproven_contact_details'], proposedChanges: { mobilePhone: '+61499000111' } });
		expect(sb.state.patients.get(id)).toEqual(before);
		// A new patient is created with the booking's phone: a new record hijacks nobody.
		const [fresh] = ok(await upsert({ email: 'new@example.com', firstName: 'Nia', lastName: 'New', contactDetails: 'propose' }, { mobilePhone: '+61400123456' }));
		expect(sb.state.patients.get(String(fresh.patientId))!.mobilePhone).toBe('+61400123456');
	});

	test('a known phone, email, name or date of birth is never overwritten: proposed for review instead', async () => {
		const id = await patient();
		const before = { ...sb.state.patients.get(id)! };
		const [out] = ok(await upsert({ email: 'ana.other@example.com', firstName: 'Ana', lastName: 'Citizen', dob: '1988-04-12' }, { mobilePhone: '+61400999888', gender: 'M' }));
		expect(out).toMatchObject({ action: 'unchanged', matchedBy: 'nameAndDob', patientId: id, needsReview: true, reviewReasons: ['differing_details'] });
		expect(out.proposedChanges).toEqual({ email: 'ana.other@example.com', mobilePhone: '+61400999888', gender: 'M' });
		expect(sb.state.patients.get(id)).toEqual(before);
	});

	test('someone typing an existing patient’s email with another name gets their own record; the existing one is untouched', async () => {
		const id = await patient();
		const before = { ...sb.state.patients.get(id)! };
		const [out] = ok(await upsert({ email: 'ana.citizen@example.com', firstName: 'Mallory', lastName: 'Evil' }, { mobilePhone: '+61499000111' }));
		expect(out).toMatchObject({ action: 'created', matchedBy: null, needsReview: true, reviewReasons: ['possible_duplicate'], possibleDuplicateOf: [id] });
		expect(out.patientId).not.toBe(id);
		expect(sb.state.patients.get(id)).toEqual(before);
		expect(sb.state.patients.size).toBe(2);
	});

	test('two family members sharing an email stay two patients, neither changed by the other', async () => {
		const mum = await patient('family@example.com', 'Lee');
		const [kid] = ok(await upsert({ email: 'family@example.com', firstName: 'Tom', lastName: 'Lee', dob: '2014-02-02' }, { mobilePhone: '+61400555666' }));
		expect(kid).toMatchObject({ action: 'created', possibleDuplicateOf: [mum] });
		const [kidAgain] = ok(await upsert({ email: 'family@example.com', firstName: 'Tom', lastName: 'Lee' }, { mobilePhone: '+61400555666' }));
		expect(kidAgain).toMatchObject({ action: 'unchanged', patientId: kid.patientId, matchedBy: 'nameAndEmail' });
		const [mumAgain] = ok(await upsert({ email: 'family@example.com', firstName: 'Ana', lastName: 'Lee' }));
		expect(mumAgain).toMatchObject({ action: 'unchanged', patientId: mum });
		expect(sb.state.patients.get(mum)).toMatchObject({ firstName: 'Ana', mobilePhone: '+61400111222', dob: '1988-04-12' });
		expect(sb.state.patients.size).toBe(2);
	});

	test('"Overwrite With Input" (staff input) replaces known values, but never with empty ones', async () => {
		const id = await patient();
		const [out] = ok(await mr({ resource: 'patient', operation: 'upsert', onExisting: 'overwrite', email: 'ana.citizen@example.com', firstName: 'Ana', lastName: 'Citizen', dob: '', additionalFields: { mobilePhone: '+61400999888', gender: 'U' } }));
		expect(out).toMatchObject({ action: 'updated', updatedFields: ['mobilePhone'] });
		expect(sb.state.patients.get(id)).toMatchObject({ mobilePhone: '+61400999888', gender: 'F', dob: '1988-04-12' });
	});

	test('an address is added when MediRecords holds none; a different one is proposed, never written', async () => {
		const addr = { line1: '1 Main St', suburb: 'Newtown', state: 'NSW', postcode: '2042', country: 'Australia' };
		const [created] = ok(await upsert({ email: 'ana.citizen@example.com', firstName: 'Ana', lastName: 'Citizen' }, { address: { value: addr } }));
		expect(created).toMatchObject({ action: 'created', addressAction: 'added' });
		expect(sb.state.addresses.get(String(created.patientId))).toEqual([expect.objectContaining({ addressType: 'HOME', addressLine1: '1 Main St', suburb: 'Newtown', postcode: '2042' })]);
		const [same] = ok(await upsert({ email: 'ana.citizen@example.com', firstName: 'Ana', lastName: 'Citizen' }, { address: { value: { ...addr, line1: '1 MAIN ST' } } }));
		expect(same).toMatchObject({ addressAction: 'unchanged', needsReview: false });
		const [moved] = ok(await upsert({ email: 'ana.citizen@example.com', firstName: 'Ana', lastName: 'Citizen' }, { address: { value: { ...addr, line1: '9 Other Rd' } } }));
		expect(moved).toMatchObject({ addressAction: 'proposed', needsReview: true, reviewReasons: ['differing_details'], proposedChanges: { address: { line1: '9 Other Rd' } } });
		expect(sb.state.addresses.get(String(created.patientId))).toHaveLength(1);
	});

	test('Create or Update with nothing new reports unchanged and sends no PUT', async () => {
		await patient();
		const before = sb.state.requests.length;
		const [out] = ok(await upsert({ email: 'ana.citizen@example.com', firstName: 'Ana', lastName: 'Citizen' }));
		expect(out.action).toBe('unchanged');
		expect(sb.state.requests.slice(before).some((r) => r.method === 'PUT')).toBe(false);
	});

	test('Create refuses a duplicate and points to Create or Update', async () => {
		await patient();
		const r = await mr({ resource: 'patient', operation: 'create', email: 'ana.citizen@example.com', firstName: 'Ana', lastName: 'Citizen', dob: '', additionalFields: {} });
		expect(r.error?.message).toMatch(/already exists/);
		expect(r.error?.description).toMatch(/Create or Update/);
		expect(sb.state.patients.size).toBe(1);
	});

	test('Get, Search by email, Search by name + dob, Update', async () => {
		const id = await patient();
		expect(ok(await mr({ resource: 'patient', operation: 'get', patientId: id }))[0].lastName).toBe('Citizen');
		expect(ok(await mr({ resource: 'patient', operation: 'search', searchBy: 'email', email: 'Ana.Citizen@example.com' })).map((p) => p.id)).toEqual([id]);
		expect(ok(await mr({ resource: 'patient', operation: 'search', searchBy: 'nameDob', firstName: 'Ana', lastName: 'Citizen', dob: '1988-04-12' })).map((p) => p.id)).toEqual([id]);
		expect(ok(await mr({ resource: 'patient', operation: 'search', searchBy: 'email', email: 'nobody@example.com' }))).toEqual([]);
		ok(await mr({ resource: 'patient', operation: 'update', patientId: id, updateFields: { homePhone: '0299990000' } }));
		expect(sb.state.patients.get(id)).toMatchObject({ homePhone: '0299990000', firstName: 'Ana', email: 'ana.citizen@example.com' });
	});

	test('a bad date of birth is refused before any call, without echoing it', async () => {
		const r = await upsert({ email: 'x@example.com', firstName: 'Ana', lastName: 'Citizen', dob: '12/04/1988' });
		expect(r.error?.message).toMatch(/YYYY-MM-DD/);
		expect(r.error?.message).not.toContain('12/04/1988');
		expect(sb.state.requests).toHaveLength(0);
	});

	test('MediRecords 400 comes back as NodeApiError with the API message and no PHI', async () => {
		const r = await upsert({ email: 'not-an-email', firstName: 'Ana', lastName: 'Citizen' });
		expect(r.error?.name).toBe('NodeApiError');
		expect(r.error?.httpCode).toBe('400');
		expect(r.error?.message).toMatch(/email is not a valid email address/);
		const text = JSON.stringify({ m: r.error?.message, d: r.error?.description });
		for (const phi of ['Ana', 'Citizen', 'not-an-email']) expect(text).not.toContain(phi);
	});
});

describe('Appointment', () => {
	test('Create converts the instant to practice-local time, looks up the interval code and sets the SMS reminder', async () => {
		const pid = await patient();
		const [a] = ok(await mr(createParams(pid, { startTime: '2026-11-30T22:30:00Z', durationMinutes: 45 }, { notes: 'Booked via Calendly' })));
		expect(a).toMatchObject({ action: 'created', scheduleTime: '2026-12-01T09:30', providerId: DIA, appointmentTypeId: ALT_FOLLOW, appointmentStatus: 2, reminderMethod: 'SMS' });
		expect(sb.durationMinutes(String(a.appointmentIntervalCode))).toBe(45);
	});

	test("Duration 0 uses the appointment type's duration", async () => {
		const pid = await patient();
		const [a] = ok(await mr(createParams(pid, { appointmentType: { __rl: true, mode: 'list', value: ALT_INITIAL } })));
		expect(sb.durationMinutes(String(a.appointmentIntervalCode))).toBe(60);
	});

	test('End Time option sets the duration; long notes are truncated to 500', async () => {
		const pid = await patient();
		const [a] = ok(await mr(createParams(pid, {}, { endTime: '2026-12-01T10:00:00+11:00', notes: 'n'.repeat(900) })));
		expect(sb.durationMinutes(String(a.appointmentIntervalCode))).toBe(30);
		expect(Array.from(String(a.notes)).length).toBeLessThanOrEqual(500);
	});

	test('idempotent create: the same external reference returns the existing appointment', async () => {
		const pid = await patient();
		const ref = 'AAMkAGI2TG93AAA=event-1';
		const [first] = ok(await mr(createParams(pid, {}, { externalReference: ref })));
		const [second] = ok(await mr(createParams(pid, {}, { externalReference: ref })));
		expect(first.action).toBe('created');
		expect(second.action).toBe('existing');
		expect(second.id).toBe(first.id);
		expect(sb.state.appointments.size).toBe(1);
	});

	test('an Outlook event moved twice 40 ms apart: three executions at once, each with the version it read (MediRecords slow), give one appointment at the newest time', async () => {
		sb.faults.latencyMs = 150;
		const pid = await patient();
		const ref = 'AAMkAGI2TG93AAA=moved-twice';
		const version = (start: string, modifiedAt: string) => mr(createParams(pid, { startTime: start, durationMinutes: 30 }, { externalReference: ref, ifReferenceExists: 'update', sourceModifiedAt: modifiedAt }));
		// The execution that read the last move gets there first; the two holding older reads come after it.
		const [newest, first, second] = await Promise.all([
			version('2026-12-03T11:00:00+11:00', '2026-12-02T01:00:00.080Z'),
			version('2026-12-03T09:00:00+11:00', '2026-12-02T01:00:00.000Z'),
			version('2026-12-03T10:00:00+11:00', '2026-12-02T01:00:00.040Z'),
		]);
		expect([ok(newest)[0].action, ok(first)[0].action, ok(second)[0].action]).toEqual(['created', 'superseded', 'superseded']);
		expect(ok(first)[0].superseded).toBe(true);
		const appointments = [...sb.state.appointments.values()];
		expect(appointments).toHaveLength(1);
		expect(appointments[0].scheduleTime).toBe(ok(newest)[0].scheduleTime);
		// A newer move still moves it; once the event is deleted and cancelled, an older read arriving late books nothing.
		expect(ok(await version('2026-12-03T12:00:00+11:00', '2026-12-02T01:05:00.000Z'))[0].action).toBe('rescheduled');
		const cancel = { resource: 'appointment', operation: 'cancel', appointment: { __rl: true, mode: 'reference', value: ref }, referenceLookup: { patientId: pid }, cancellationReason: 'Cancelled in Outlook' };
		expect(ok(await mr(cancel))[0].action).toBe('cancelled');
		expect(ok(await version('2026-12-03T12:00:00+11:00', '2026-12-02T01:05:00.000Z'))[0].action).toBe('superseded');
		expect([...sb.state.appointments.values()].map((a) => a.appointmentStatus)).toEqual([APPOINTMENT_STATUS.cancelled]);
	});

	test('for a patient created moments ago the reference lookup is skipped; a duplicate run is still booked once', async () => {
		const pid = await patient();
		const ref = 'AAMkAGI2TG93AAA=event-new-patient';
		const before = sb.state.requests.length;
		const [first] = ok(await mr(createParams(pid, { durationMinutes: 30 }, { externalReference: ref, patientIsNew: true })));
		expect(first.action).toBe('created');
		expect(sb.state.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, '{id}')}`).filter((r) => !r.includes('code-system'))).toEqual(['POST /v1/practices/{id}/appointments']);
		// The same booking again, as a duplicate execution would: MediRecords refuses the slot and the node finds its twin.
		const [again] = ok(await mr(createParams(pid, { durationMinutes: 30 }, { externalReference: ref, patientIsNew: true })));
		expect(again).toMatchObject({ action: 'existing', id: first.id });
		expect(sb.state.appointments.size).toBe(1);
	});

	test('the same booking already made under another patient record (two executions raced) is found on the provider’s calendar, not booked again', async () => {
		const first = await patient('twin@example.com');
		const twin = await patient('twin@example.com', 'Citizen-Twin');
		expect(twin).not.toBe(first);
		const ref = 'AAMkAGI2TG93AAA=event-raced';
		const [made] = ok(await mr(createParams(first, { durationMinutes: 30 }, { externalReference: ref })));
		// The other execution found (or made) the other record, and has nothing under it to find first.
		const [again] = ok(await mr(createParams(twin, { durationMinutes: 30 }, { externalReference: ref })));
		expect(again).toMatchObject({ action: 'existing', id: made.id, patientId: first, heldByOtherPatientRecord: true });
		expect(sb.state.appointments.size).toBe(1);
		// A different booking at that time is still refused: only our own reference is taken as the same booking.
		const r = await mr(createParams(twin, { durationMinutes: 30 }, { externalReference: 'AAMkAGI2TG93AAA=another-event' }));
		expect(r.error?.message).toMatch(/provider already has an appointment/);
	});

	test('a double booking is refused by MediRecords with an actionable message', async () => {
		const a = await patient('a@example.com');
		const b = await patient('b@example.com', 'Other');
		ok(await mr(createParams(a)));
		const r = await mr(createParams(b));
		expect(r.error?.message).toMatch(/provider already has an appointment/);
		expect(r.error?.description).toMatch(/double booking/);
		expect(sb.state.appointments.size).toBe(1);
	});

	test('Get, Update (reschedule) by reference, Cancel with a reason, Delete', async () => {
		const pid = await patient();
		const ref = 'evt-reschedule';
		const [a] = ok(await mr(createParams(pid, {}, { externalReference: ref })));
		expect(ok(await mr({ resource: 'appointment', operation: 'get', appointment: { __rl: true, mode: 'id', value: a.id } }))[0].id).toBe(a.id);

		const [moved] = ok(
			await mr({
				resource: 'appointment',
				operation: 'update',
				appointment: { __rl: true, mode: 'reference', value: ref },
				referenceLookup: { providerId: DIA },
				updateFields: { startTime: '2026-12-02T14:00:00+11:00', durationMinutes: 60, providerId: NURSE },
			}),
		);
		expect(moved).toMatchObject({ action: 'updated', id: a.id, scheduleTime: '2026-12-02T14:00', providerId: NURSE, previousScheduleTime: '2026-12-01T09:30' });
		expect(String(sb.state.appointments.get(String(a.id))!.notes)).toContain('[ref:');

		const noReason = await mr({ resource: 'appointment', operation: 'cancel', appointment: { __rl: true, mode: 'id', value: a.id }, cancellationReason: ' ' });
		expect(noReason.error?.message).toMatch(/cancellation reason/);

		const [cancelled] = ok(await mr({ resource: 'appointment', operation: 'cancel', appointment: { __rl: true, mode: 'reference', value: ref }, referenceLookup: { patientId: pid }, cancellationReason: 'Cancelled in Calendly' }));
		expect(cancelled).toMatchObject({ action: 'cancelled', appointmentStatus: 8, cancellationReason: 'Cancelled in Calendly' });

		const [again] = ok(await mr({ resource: 'appointment', operation: 'cancel', appointment: { __rl: true, mode: 'id', value: a.id }, cancellationReason: 'twice' }));
		expect(again.action).toBe('alreadyCancelled');

		const [deleted] = ok(await mr({ resource: 'appointment', operation: 'delete', appointment: { __rl: true, mode: 'id', value: a.id } }));
		expect(deleted).toEqual({ id: a.id, message: 'Appointment deleted successfully' });
		expect(sb.state.appointments.size).toBe(0);
	});

	test('an unknown reference fails clearly, or says not found when asked to carry on', async () => {
		const failing = await mr({ resource: 'appointment', operation: 'cancel', appointment: { __rl: true, mode: 'reference', value: 'nope' }, referenceLookup: { providerId: DIA }, cancellationReason: 'x' });
		expect(failing.error?.message).toMatch(/No MediRecords appointment carries this external reference/);
		const [out] = ok(await mr({ resource: 'appointment', operation: 'cancel', appointment: { __rl: true, mode: 'reference', value: 'nope' }, referenceLookup: { providerId: DIA, ifNotFound: 'continue' }, cancellationReason: 'x' }));
		expect(out).toEqual({ found: false });
	});

	test('Get Many pages through MediRecords beyond one page, with Return All and Limit', async () => {
		const pid = await patient();
		for (let d = 0; d < 125; d++) {
			const day = new Date(Date.UTC(2027, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
			sb.state.appointments.set(`appt-${d}`, {
				id: `appt-${d}`, practiceId: PRACTICE_ID, patientId: pid, providerId: d % 2 ? DIA : NURSE, appointmentTypeId: ALT_FOLLOW,
				scheduleTime: `${day}T09:00`, appointmentStatus: 2, appointmentIntervalCode: 'AIC06', notes: null,
			});
		}
		const all = ok(await mr({ resource: 'appointment', operation: 'getAll', returnAll: true, filters: {} }));
		expect(all).toHaveLength(125);
		expect(new Set(all.map((a) => a.id)).size).toBe(125);
		const pageCalls = sb.state.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/appointments'));
		expect(pageCalls.length).toBe(2);

		const limited = ok(await mr({ resource: 'appointment', operation: 'getAll', returnAll: false, limit: 30, filters: { providerId: DIA } }));
		expect(limited).toHaveLength(30);
		expect(limited.every((a) => a.providerId === DIA)).toBe(true);

		const ranged = ok(await mr({ resource: 'appointment', operation: 'getAll', returnAll: true, filters: { from: '2027-01-01T00:00:00+11:00', to: '2027-01-10T23:59:00+11:00', status: 2 } }));
		expect(ranged).toHaveLength(10);
	});

	test('Get Many filters by external reference', async () => {
		const pid = await patient();
		ok(await mr(createParams(pid, {}, { externalReference: 'evt-A' })));
		ok(await mr(createParams(pid, { startTime: '2026-12-03T09:30:00+11:00' }, { externalReference: 'evt-B' })));
		const found = ok(await mr({ resource: 'appointment', operation: 'getAll', returnAll: true, filters: { patientId: pid, externalReference: 'evt-B' } }));
		expect(found).toHaveLength(1);
		expect(found[0].scheduleTime).toBe('2026-12-03T09:30');
	});
});

describe('Retries, errors and continueOnFail', () => {
	test('429 is retried after Retry-After, then succeeds', async () => {
		sb.inject({ match: 'GET /v1/practices/', status: 429, retryAfter: 1 });
		const t0 = Date.now();
		const [p] = ok(await mr({ resource: 'practice', operation: 'get' }));
		expect(p.id).toBe(PRACTICE_ID);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
		expect(sb.state.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
	});

	test('500s are retried with backoff; too many fail clearly', async () => {
		sb.inject({ match: 'GET /v1/practices/', status: 500, times: 2 });
		expect(ok(await mr({ resource: 'practice', operation: 'get' }))[0].id).toBe(PRACTICE_ID);
		sb.reset();
		sb.inject({ match: 'GET /v1/practices/', status: 500, times: 10 });
		const r = await mr({ resource: 'practice', operation: 'get' });
		expect(r.error?.message).toMatch(/MediRecords: Injected fault 500/);
		expect(r.error?.description).toMatch(/Tried 5 times/);
		expect(sb.state.requests).toHaveLength(5);
	}, 30000);

	test('a create whose response was lost to a 500 is not booked twice (reference checked before retrying)', async () => {
		const pid = await patient();
		const before = sb.state.appointments.size;
		// The sandbox books the appointment, then the client sees a 500 for that POST.
		const realSet = sb.state.appointments.set.bind(sb.state.appointments);
		let failOnce = true;
		sb.state.appointments.set = (k, v) => {
			const res = realSet(k, v);
			if (failOnce) {
				failOnce = false;
				throw new Error('connection reset after commit');
			}
			return res;
		};
		const [a] = ok(await mr(createParams(pid, {}, { externalReference: 'evt-lost-response' })));
		sb.state.appointments.set = realSet;
		expect(a.action).toBe('existing');
		expect(sb.state.appointments.size).toBe(before + 1);
	});

	test('401 names the credential; 404 practice names the practice id', async () => {
		setCredentials('mediRecordsApi', { apiToken: 'wrong', practiceId: PRACTICE_ID, baseUrl: sb.url });
		const r1 = await mr({ resource: 'practice', operation: 'get' });
		expect(r1.error?.description).toMatch(/token was refused/);
		setCredentials('mediRecordsApi', { apiToken: SANDBOX_TOKEN, practiceId: '00000000-0000-4000-8000-000000000000', baseUrl: sb.url });
		const r2 = await mr({ resource: 'practice', operation: 'get' });
		expect(r2.error?.httpCode).toBe('404');
		expect(r2.error?.description).toMatch(/practice id/);
	});

	test('continueOnFail keeps going per item and pairs each output with its input', async () => {
		const r = await mr(
			{ resource: 'patient', operation: 'upsert', email: '={{$json.email}}', firstName: '={{$json.first}}', lastName: 'Citizen', dob: '', additionalFields: {} },
			[{ email: 'one@example.com', first: 'One' }, { email: 'bad', first: 'Two' }, { email: 'three@example.com', first: 'Three' }],
			true,
		);
		expect(r.error).toBeUndefined();
		const items = r.outputs[0];
		expect(items).toHaveLength(3);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[1].json.error).toMatch(/email is not a valid email address/);
		expect(JSON.stringify(items[1].json)).not.toContain('Two');
		expect(items[0].json.action).toBe('created');
		expect(items[2].json.action).toBe('created');
	});
});

describe('Appointment types, practice and dropdowns', () => {
	test('Get Many appointment types with limit, and the searchable dropdown', async () => {
		expect(ok(await mr({ resource: 'appointmentType', operation: 'getAll', returnAll: true, activeOnly: true }))).toHaveLength(APPOINTMENT_TYPES.length);
		expect(ok(await mr({ resource: 'appointmentType', operation: 'getAll', returnAll: false, limit: 3, activeOnly: true }))).toHaveLength(3);
		const ctx = loadOptionsContext({ type: 'mediRecords', ...MR, parameters: { resource: 'appointment', operation: 'create' } });
		const res = await new MediRecords().methods.listSearch.searchAppointmentTypes.call(ctx, 'gaps');
		expect(res.results.map((r) => r.name)).toEqual(['GAPS Coaching Initial (1 hr 30 mins)', 'GAPS Coaching Follow-up (45 mins)']);
	});
});

describe('Include Input Fields', () => {
	test('off (the default): only MediRecords’ fields; on: the input item’s fields too, MediRecords’ winning on a clash; on Get Many, on every item', async () => {
		const booking = { service: 'gaps-coaching', practitioner: 'dr-dia', action: 'from-the-input' };
		const [plain] = ok(await mr({ resource: 'patient', operation: 'upsert', email: 'inc.input@example.com', firstName: 'Ina', lastName: 'Input', dob: '1990-01-02', additionalFields: {} }, [booking]));
		expect(plain).not.toHaveProperty('service');
		const [merged] = ok(await mr({ resource: 'patient', operation: 'upsert', email: 'inc.input@example.com', firstName: 'Ina', lastName: 'Input', dob: '1990-01-02', additionalFields: {}, options: { includeInputFields: true } }, [booking]));
		expect(merged).toMatchObject({ service: 'gaps-coaching', practitioner: 'dr-dia', action: 'unchanged', patientId: plain.patientId });
		ok(await mr(createParams(String(plain.patientId))));
		const many = ok(await mr({ resource: 'appointment', operation: 'getAll', returnAll: true, filters: { patientId: String(plain.patientId) }, options: { includeInputFields: true } }, [booking]));
		expect(many.length).toBeGreaterThan(0);
		for (const a of many) expect(a).toMatchObject({ service: 'gaps-coaching', patientId: plain.patientId });
	});

	test('every operation offers it, under Options, off by default', () => {
		const props = new MediRecords().description.properties;
		const ops = props.filter((p) => p.name === 'operation').flatMap((p) => (p.options as Array<{ value: string }>).map((o) => `${p.displayOptions!.show!.resource![0]}:${o.value}`));
		for (const op of ops) {
			const [resource, operation] = op.split(':');
			const options = props.filter((p) => p.name === 'options' && (p.displayOptions?.show?.resource as string[]).includes(resource) && (p.displayOptions?.show?.operation as string[]).includes(operation));
			expect({ op, has: options.some((o) => (o.options as Array<{ name: string; default: unknown }>).some((x) => x.name === 'includeInputFields' && x.default === false)) }).toEqual({ op, has: true });
		}
	});
});

describe('Reschedule by reference and notes', () => {
	test('create with "Update It to Match" moves the existing appointment instead of booking twice', async () => {
		const pid = await patient();
		const ref = 'evt-moved-in-outlook';
		const [a] = ok(await mr(createParams(pid, {}, { externalReference: ref, ifReferenceExists: 'update' })));
		const [same] = ok(await mr(createParams(pid, {}, { externalReference: ref, ifReferenceExists: 'update' })));
		expect(same).toMatchObject({ action: 'existing', id: a.id });
		const [moved] = ok(await mr(createParams(pid, { startTime: '2026-12-05T11:00:00+11:00', durationMinutes: 60 }, { externalReference: ref, ifReferenceExists: 'update' })));
		expect(moved).toMatchObject({ action: 'rescheduled', id: a.id, scheduleTime: '2026-12-05T11:00', previousScheduleTime: '2026-12-01T09:30' });
		expect(sb.state.appointments.size).toBe(1);
	});

	test('Add to Notes appends and keeps the reference', async () => {
		const pid = await patient();
		const [a] = ok(await mr(createParams(pid, {}, { externalReference: 'evt-paid', notes: 'Booked via Calendly' })));
		const [u] = ok(await mr({ resource: 'appointment', operation: 'update', appointment: { __rl: true, mode: 'id', value: a.id }, updateFields: { appendNotes: 'Paid 79.00 AUD (pi_1)' } }));
		expect(String(u.notes)).toMatch(/^Booked via Calendly \| Paid 79\.00 AUD \(pi_1\) \[ref:[0-9a-f]{20}\]$/);
	});
});
