/** Create or Update: finds the patient by the clinic’s identity policy, creates them if absent, and changes an existing record only as Existing Patient allows; anything else is proposed for review. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { KeyedMutex } from '../../../../lib/concurrency';
import { CONTACT_FIELDS, contactWrite, identityLockKey, isUnknown, planUpdate, type ContactWrite, type MatchDecision, type UpdatePlan } from '../../../../lib/medirecords/identity';
import { type PatientInput } from '../../../../lib/medirecords/mapping';
import type { PatientAddress } from '../../../../lib/sources/patientFields';
import { mediRecordsRequest } from '../../transport';
import { createPatient, findPatient, identityFields, readAddress, readInput, show, syncAddress, updatePatient, type Ctx } from './shared';

export type OnExisting = 'fillBlanks' | 'overwrite';

const onExisting: INodeProperties = {
	displayName: 'Existing Patient',
	name: 'onExisting',
	type: 'options',
	options: [
		{
			name: 'Fill Blanks Only, Propose Other Changes',
			value: 'fillBlanks',
			description: 'For bookings and forms (public input): empty fields are filled; names, date of birth, gender and known contact details are never changed — differences come out as proposedChanges for staff to review',
		},
		{
			name: 'Overwrite With Input',
			value: 'overwrite',
			description: 'Only for trusted, staff-entered input: every given value replaces what MediRecords holds (empty values never do)',
		},
	],
	default: 'fillBlanks',
	displayOptions: show(['upsert']),
};

const contactDetails: INodeProperties = {
	displayName: 'Contact Details',
	name: 'contactDetails',
	type: 'options',
	options: [
		{
			name: 'Always Propose',
			value: 'propose',
			description: 'For bookings: reminders follow the record, not the booking. Email, phones and address never change an existing record; each new or differing one is proposed for staff.',
		},
		{
			name: 'Fill Blanks on an Email Match Only',
			value: 'emailMatch',
			description: 'For forms: email, phones and address fill blanks only when the patient matched by name and the email already on the record. A match by name and date of birth alone proposes them (name and date of birth are not secret).',
		},
	],
	default: 'emailMatch',
	displayOptions: { show: { resource: ['patient'], operation: ['upsert'], onExisting: ['fillBlanks'] } },
};

// Existing Patient sits between the identity fields and Additional Fields.
const [email, firstName, lastName, dob, additionalFields] = identityFields('upsert');

export const description: INodeProperties[] = [email, firstName, lastName, dob, onExisting, contactDetails, additionalFields];

/**
 * Create or Update under the identity policy. The output always says what a
 * person may need to look at: `possibleDuplicateOf` (records that share the
 * email, or the name and date of birth, without being a confident match) and
 * `proposedChanges` (values that differ from the record and were not written).
 */
/** What a person may need to look at, in the same shape on every Create or Update output. */
const review = (reasons: string[], proposedChanges: IDataObject) => ({ needsReview: reasons.length > 0, reviewReasons: reasons, proposedChanges });

/**
 * Executions in this process that may be about one person look them up and create them one at a time:
 * two bookings from a new patient arriving together give one patient, the second finding the first's.
 */
const identities = new KeyedMutex();

export async function upsertPatient(ctx: Ctx, p: PatientInput, i: number, onExisting: OnExisting = 'fillBlanks', address?: PatientAddress, contact: ContactWrite = 'emailMatch'): Promise<IDataObject> {
	const policy: ContactWrite = onExisting === 'overwrite' ? 'write' : contact;
	const out = await identities.run(identityLockKey(p), async () => upsertRecord(ctx, p, i, onExisting, policy));
	if (!address || typeof out.patientId !== 'string') return out;
	const isNew = out.action === 'created';
	const synced = await syncAddress(ctx, out.patientId, address, i, isNew, isNew || contactWrite(policy, out.matchedBy as MatchDecision['matchedBy']));
	if (synced === 'added' || synced === 'unchanged') return { ...out, addressAction: synced };
	const reasons = [...new Set([...(out.reviewReasons as string[]), synced === 'unproven' ? 'unproven_contact_details' : 'differing_details'])];
	return { ...out, addressAction: 'proposed', ...review(reasons, { ...(out.proposedChanges as IDataObject), address }) };
}

/** Why each proposed value was not written: it differs from the record, or it is a contact detail without proof. */
function reasonsFor(record: IDataObject, proposed: IDataObject): string[] {
	const fields = Object.keys(proposed);
	const blank = fields.filter((f) => CONTACT_FIELDS.includes(f) && isUnknown(f, record[f]));
	return [...(fields.length > blank.length ? ['differing_details'] : []), ...(blank.length ? ['unproven_contact_details'] : [])];
}

async function upsertRecord(ctx: Ctx, p: PatientInput, i: number, onExisting: OnExisting, policy: ContactWrite): Promise<IDataObject> {
	const decision = await findPatient(ctx, p, i);
	if (!decision.match) {
		const created = await createPatient(ctx, p, i);
		const dupes = decision.possibleDuplicateOf;
		return { action: 'created', matchedBy: null, patientId: created.id, ...review(dupes.length ? ['possible_duplicate'] : [], {}), possibleDuplicateOf: dupes, patient: created };
	}
	const id = String(decision.match.id);
	const allowed = contactWrite(policy, decision.matchedBy);
	// Overwrite writes what differs too; Fill Blanks only fills, and proposes the rest.
	const toWrite = (plan: UpdatePlan) => (onExisting === 'overwrite' ? { ...plan.fill, ...plan.proposed } : plan.fill) as PatientInput;
	let record = decision.match as IDataObject;
	let plan = planUpdate(record, p, allowed);
	if (Object.keys(toWrite(plan)).length) {
		// MediRecords' PUT replaces the record: re-read it and plan again on what it holds now.
		record = await mediRecordsRequest<IDataObject>(ctx, 'GET', `/v1/patients/${encodeURIComponent(id)}`, { itemIndex: i });
		plan = planUpdate(record, p, allowed);
	}
	const changes = toWrite(plan);
	const proposed = (onExisting === 'overwrite' ? {} : plan.proposed) as IDataObject;
	const common = { matchedBy: decision.matchedBy, patientId: id, possibleDuplicateOf: [] as string[], ...review(reasonsFor(record, proposed), proposed) };
	if (!Object.keys(changes).length) return { action: 'unchanged', ...common, patient: record };
	const updated = await updatePatient(ctx, id, changes, i, record);
	return { action: 'updated', ...common, updatedFields: Object.keys(changes), patient: updated };
}

export async function execute(ctx: Ctx, i: number): Promise<IDataObject> {
	const p = readInput(ctx, i, ['email', 'firstName', 'lastName', 'dob'], 'additionalFields');
	const onExisting = ctx.getNodeParameter('onExisting', i, 'fillBlanks') as OnExisting;
	// Hidden under Overwrite With Input: upsertPatient then writes contact details as staff input.
	const contact = ctx.getNodeParameter('contactDetails', i, 'emailMatch') as ContactWrite;
	return upsertPatient(ctx, p, i, onExisting, readAddress(ctx, i), contact);
}
