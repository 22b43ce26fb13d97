/** Create or Update: finds the patient by the clinic’s identity policy, creates them if absent, and changes an existing record only as Existing Patient allows; anything else is proposed for review. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { planUpdate, type UpdatePlan } from '../../../../lib/identity';
import { type PatientInput } from '../../../../lib/medirecordsMapping';
import type { PatientAddress } from '../../../../lib/patientFields';
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

// Existing Patient sits between the identity fields and Additional Fields.
const [email, firstName, lastName, dob, additionalFields] = identityFields('upsert');

export const description: INodeProperties[] = [email, firstName, lastName, dob, onExisting, additionalFields];

/**
 * Create or Update under the identity policy. The output always says what a
 * person may need to look at: `possibleDuplicateOf` (records that share the
 * email, or the name and date of birth, without being a confident match) and
 * `proposedChanges` (values that differ from the record and were not written).
 */
/** What a person may need to look at, in the same shape on every Create or Update output. */
const review = (reasons: string[], proposedChanges: IDataObject) => ({ needsReview: reasons.length > 0, reviewReasons: reasons, proposedChanges });

export async function upsertPatient(ctx: Ctx, p: PatientInput, i: number, onExisting: OnExisting = 'fillBlanks', address?: PatientAddress): Promise<IDataObject> {
	const out = await upsertRecord(ctx, p, i, onExisting);
	if (!address || typeof out.patientId !== 'string') return out;
	const addressAction = await syncAddress(ctx, out.patientId, address, i, out.action === 'created');
	if (addressAction !== 'proposed') return { ...out, addressAction };
	const reasons = [...new Set([...(out.reviewReasons as string[]), 'differing_details'])];
	return { ...out, addressAction, ...review(reasons, { ...(out.proposedChanges as IDataObject), address }) };
}

async function upsertRecord(ctx: Ctx, p: PatientInput, i: number, onExisting: OnExisting): Promise<IDataObject> {
	const decision = await findPatient(ctx, p, i);
	if (!decision.match) {
		const created = await createPatient(ctx, p, i);
		const dupes = decision.possibleDuplicateOf;
		return { action: 'created', matchedBy: null, patientId: created.id, ...review(dupes.length ? ['possible_duplicate'] : [], {}), possibleDuplicateOf: dupes, patient: created };
	}
	const id = String(decision.match.id);
	// Overwrite writes what differs too; Fill Blanks only fills, and proposes the rest.
	const toWrite = (plan: UpdatePlan) => (onExisting === 'overwrite' ? { ...plan.fill, ...plan.proposed } : plan.fill) as PatientInput;
	let record = decision.match as IDataObject;
	let plan = planUpdate(record, p);
	if (Object.keys(toWrite(plan)).length) {
		// MediRecords' PUT replaces the record: re-read it and plan again on what it holds now.
		record = await mediRecordsRequest<IDataObject>(ctx, 'GET', `/v1/patients/${encodeURIComponent(id)}`, { itemIndex: i });
		plan = planUpdate(record, p);
	}
	const changes = toWrite(plan);
	const proposed = onExisting === 'overwrite' ? {} : plan.proposed;
	const common = { matchedBy: decision.matchedBy, patientId: id, possibleDuplicateOf: [] as string[], ...review(Object.keys(proposed).length ? ['differing_details'] : [], proposed as IDataObject) };
	if (!Object.keys(changes).length) return { action: 'unchanged', ...common, patient: record };
	const updated = await updatePatient(ctx, id, changes, i, record);
	return { action: 'updated', ...common, updatedFields: Object.keys(changes), patient: updated };
}

export async function execute(ctx: Ctx, i: number): Promise<IDataObject> {
	const p = readInput(ctx, i, ['email', 'firstName', 'lastName', 'dob'], 'additionalFields');
	return upsertPatient(ctx, p, i, ctx.getNodeParameter('onExisting', i, 'fillBlanks') as OnExisting, readAddress(ctx, i));
}
