import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { decideMatch, planUpdate, type MatchDecision, type UpdatePlan } from '../../../lib/identity';
import { cleanPatient, PATIENT_FIELDS, type PatientInput } from '../../../lib/medirecordsMapping';
import type { PatientAddress } from '../../../lib/patientFields';
import { getCredentials, mediRecordsPaged, mediRecordsRequest } from '../transport';

const show = (operation: string[]) => ({ show: { resource: ['patient'], operation } });

const GENDERS = [
	{ name: 'Female', value: 'F' },
	{ name: 'Male', value: 'M' },
	{ name: 'Intersex / Indeterminate', value: 'I' },
	{ name: 'Not Stated', value: 'N' },
	{ name: 'Other', value: 'X' },
	{ name: 'Unknown', value: 'U' },
];

const detailFields: INodeProperties[] = [
	{
		displayName: 'Address',
		name: 'address',
		type: 'fixedCollection',
		default: {},
		placeholder: 'Add Address',
		description: 'Home address, kept by MediRecords apart from the patient record (POST /v1/patients/{ID}/addresses)',
		options: [
			{
				name: 'value',
				displayName: 'Address',
				values: [
					{ displayName: 'Line 1', name: 'line1', type: 'string', default: '' },
					{ displayName: 'Line 2', name: 'line2', type: 'string', default: '' },
					{ displayName: 'Suburb', name: 'suburb', type: 'string', default: '' },
					{ displayName: 'State', name: 'state', type: 'string', default: '' },
					{ displayName: 'Postcode', name: 'postcode', type: 'string', default: '' },
					{ displayName: 'Country', name: 'country', type: 'string', default: '' },
				],
			},
		],
	},
	{ displayName: 'Contact Method', name: 'contactMethod', type: 'string', default: '' },
	{ displayName: 'Date of Birth', name: 'dob', type: 'string', default: '', placeholder: 'YYYY-MM-DD' },
	{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
	{ displayName: 'First Name', name: 'firstName', type: 'string', default: '' },
	{ displayName: 'Gender', name: 'gender', type: 'options', options: GENDERS, default: 'U' },
	{ displayName: 'Home Phone', name: 'homePhone', type: 'string', default: '' },
	{ displayName: 'Last Name', name: 'lastName', type: 'string', default: '' },
	{ displayName: 'Mobile Phone', name: 'mobilePhone', type: 'string', default: '', description: 'Used by MediRecords for SMS reminders; E.164 (+61…) is safest' },
	{ displayName: 'Notes', name: 'notes', type: 'string', default: '' },
	{ displayName: 'One Name Only', name: 'oneNameOnly', type: 'boolean', default: false },
	{ displayName: 'Patient Status Code', name: 'patientStatusCode', type: 'string', default: '' },
	{ displayName: 'Title Code', name: 'titleCode', type: 'string', default: '', placeholder: 'e.g. MS' },
	{ displayName: 'Usual Doctor ID', name: 'usualDoctorId', type: 'string', default: '', description: 'Provider UUID of the usual practitioner' },
];

export const patientOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['patient'] } },
	options: [
		{ name: 'Create', value: 'create', action: 'Create a patient', description: 'Create a patient (fails if the details are incomplete)' },
		{ name: 'Create or Update', value: 'upsert', action: 'Create or update a patient', description: 'Find the patient by email, then by name and date of birth; update the match or create a new patient' },
		{ name: 'Get', value: 'get', action: 'Get a patient' },
		{ name: 'Search', value: 'search', action: 'Search patients', description: 'Find patients by email, or by name and date of birth' },
		{ name: 'Update', value: 'update', action: 'Update a patient' },
	],
	default: 'upsert',
};

export const patientFields: INodeProperties[] = [
	{
		displayName: 'Patient ID',
		name: 'patientId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: show(['get', 'update']),
	},
	{
		displayName: 'Search By',
		name: 'searchBy',
		type: 'options',
		options: [
			{ name: 'Email', value: 'email' },
			{ name: 'Name and Date of Birth', value: 'nameDob' },
		],
		default: 'email',
		displayOptions: show(['search']),
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		required: true,
		displayOptions: { show: { resource: ['patient'], operation: ['search'], searchBy: ['email'] } },
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		description: 'Matched first (case-insensitive)',
		displayOptions: show(['create', 'upsert']),
	},
	{
		displayName: 'First Name',
		name: 'firstName',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { resource: ['patient'], operation: ['create', 'upsert'] } },
	},
	{
		displayName: 'First Name',
		name: 'firstName',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { resource: ['patient'], operation: ['search'], searchBy: ['nameDob'] } },
	},
	{
		displayName: 'Last Name',
		name: 'lastName',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { resource: ['patient'], operation: ['create', 'upsert'] } },
	},
	{
		displayName: 'Last Name',
		name: 'lastName',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { resource: ['patient'], operation: ['search'], searchBy: ['nameDob'] } },
	},
	{
		displayName: 'Date of Birth',
		name: 'dob',
		type: 'string',
		default: '',
		placeholder: 'YYYY-MM-DD',
		description: 'Used with the name when no patient has the email',
		displayOptions: show(['create', 'upsert']),
	},
	{
		displayName: 'Date of Birth',
		name: 'dob',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'YYYY-MM-DD',
		displayOptions: { show: { resource: ['patient'], operation: ['search'], searchBy: ['nameDob'] } },
	},
	{
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
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show(['create', 'upsert']),
		options: detailFields.filter((f) => !['email', 'firstName', 'lastName', 'dob'].includes(f.name)),
	},
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show(['update']),
		options: detailFields.filter((f) => f.name !== 'address'),
	},
];

type Ctx = IExecuteFunctions;

function sensitiveValues(p: PatientInput | IDataObject): unknown[] {
	return [p.firstName, p.lastName, p.email, p.mobilePhone, p.homePhone, p.dob];
}

function readInput(ctx: Ctx, i: number, fields: string[], extraParam: string): PatientInput {
	const raw: IDataObject = { ...(ctx.getNodeParameter(extraParam, i, {}) as IDataObject) };
	for (const f of fields) raw[f] = ctx.getNodeParameter(f, i, '') as string;
	try {
		return cleanPatient(raw);
	} catch (e) {
		throw new NodeOperationError(ctx.getNode(), (e as Error).message, { itemIndex: i });
	}
}

export async function searchPatients(ctx: Ctx, criteria: IDataObject, i: number, limit?: number): Promise<IDataObject[]> {
	const { practiceId } = await getCredentials(ctx);
	return mediRecordsPaged<IDataObject>(ctx, 'POST', '/v1/patients/search', {
		body: { practiceId, ...criteria },
		inBody: true,
		retrySafe: true,
		sensitive: sensitiveValues(criteria),
		itemIndex: i,
		limit,
	});
}

/**
 * The clinic's identity policy (lib/identity.ts) over MediRecords' search: the
 * records sharing the email, then (when no confident match yet) those sharing
 * name and date of birth. Never "the first candidate".
 */
export async function findPatient(ctx: Ctx, p: PatientInput, i: number): Promise<MatchDecision> {
	const candidates: IDataObject[] = [];
	if (typeof p.email === 'string') candidates.push(...(await searchPatients(ctx, { email: p.email }, i)));
	let decision = decideMatch(candidates, p);
	if (!decision.match && typeof p.firstName === 'string' && typeof p.lastName === 'string' && typeof p.dob === 'string') {
		candidates.push(...(await searchPatients(ctx, { firstName: p.firstName, lastName: p.lastName, dob: p.dob }, i)));
		decision = decideMatch(candidates, p);
	}
	return decision;
}

export async function createPatient(ctx: Ctx, p: PatientInput, i: number): Promise<IDataObject> {
	const { practiceId } = await getCredentials(ctx);
	if (!p.lastName) throw new NodeOperationError(ctx.getNode(), 'A last name is required to create a MediRecords patient.', { itemIndex: i });
	if (!p.firstName && p.oneNameOnly !== true) {
		throw new NodeOperationError(ctx.getNode(), 'A first name is required to create a MediRecords patient (or set One Name Only).', {
			itemIndex: i,
			description: 'Patients created without a first name cannot be e-prescribed to later.',
		});
	}
	const identifiable = typeof p.email === 'string' || (typeof p.dob === 'string' && typeof p.firstName === 'string');
	return mediRecordsRequest(ctx, 'POST', '/v1/patients', {
		body: { defaultPracticeId: practiceId, ...p },
		sensitive: sensitiveValues(p),
		itemIndex: i,
		// A retried create first looks for the patient the failed attempt may have created.
		recheck: identifiable ? async () => (await findPatient(ctx, p, i)).match : undefined,
	});
}

/** MediRecords' PUT replaces the patient: send everything it holds, with the changes applied. */
export async function updatePatient(ctx: Ctx, id: string, changes: PatientInput, i: number, current?: IDataObject): Promise<IDataObject> {
	const existing = current ?? (await mediRecordsRequest<IDataObject>(ctx, 'GET', `/v1/patients/${encodeURIComponent(id)}`, { itemIndex: i }));
	const body: IDataObject = { defaultPracticeId: existing.defaultPracticeId };
	for (const f of PATIENT_FIELDS) {
		if (existing[f] !== undefined && existing[f] !== null) body[f] = existing[f];
	}
	Object.assign(body, changes);
	return mediRecordsRequest(ctx, 'PUT', `/v1/patients/${encodeURIComponent(id)}`, {
		body,
		sensitive: [...sensitiveValues(body), ...sensitiveValues(existing)],
		itemIndex: i,
	});
}

export type OnExisting = 'fillBlanks' | 'overwrite';

function readAddress(ctx: Ctx, i: number): PatientAddress | undefined {
	const extra = ctx.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const raw = ((extra.address as IDataObject | undefined)?.value ?? {}) as IDataObject;
	const a: PatientAddress = {};
	for (const k of ['line1', 'line2', 'suburb', 'state', 'postcode', 'country'] as const) {
		const v = String(raw[k] ?? '').trim();
		if (v) a[k] = v.slice(0, 200);
	}
	return a.line1 ? a : undefined;
}

const addressBody = (a: PatientAddress): IDataObject => ({
	addressType: 'HOME',
	addressLine1: a.line1,
	...(a.line2 ? { addressLine2: a.line2 } : {}),
	...(a.suburb ? { suburb: a.suburb } : {}),
	...(a.state ? { state: a.state } : {}),
	...(a.postcode ? { postcode: a.postcode } : {}),
	...(a.country ? { country: a.country } : {}),
});

/** The same first line, and the same postcode when the input gives one. */
const sameAddress = (held: IDataObject, a: PatientAddress) =>
	String(held.addressLine1 ?? '').trim().toLowerCase() === String(a.line1 ?? '').toLowerCase() &&
	(!a.postcode || String(held.postcode ?? '').trim() === a.postcode);

/** Adds the address when MediRecords holds none; a different one is only proposed. */
async function syncAddress(ctx: Ctx, patientId: string, a: PatientAddress, i: number, isNew: boolean): Promise<'added' | 'unchanged' | 'proposed'> {
	const path = `/v1/patients/${encodeURIComponent(patientId)}/addresses`;
	const held = isNew ? [] : await mediRecordsPaged<IDataObject>(ctx, 'GET', path, { itemIndex: i });
	if (held.some((h) => sameAddress(h, a))) return 'unchanged';
	if (held.length) return 'proposed';
	await mediRecordsRequest(ctx, 'POST', path, { body: addressBody(a), sensitive: Object.values(a), itemIndex: i });
	return 'added';
}

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

export async function executePatient(ctx: Ctx, operation: string, i: number): Promise<IDataObject | IDataObject[]> {
	switch (operation) {
		case 'get': {
			const id = ctx.getNodeParameter('patientId', i) as string;
			return mediRecordsRequest(ctx, 'GET', `/v1/patients/${encodeURIComponent(id.trim())}`, { itemIndex: i });
		}
		case 'search': {
			const by = ctx.getNodeParameter('searchBy', i) as string;
			const p = by === 'email' ? readInput(ctx, i, ['email'], 'none') : readInput(ctx, i, ['firstName', 'lastName', 'dob'], 'none');
			if (by === 'nameDob' && (!p.firstName || !p.lastName || !p.dob)) {
				throw new NodeOperationError(ctx.getNode(), 'Searching by name needs first name, last name and date of birth.', { itemIndex: i });
			}
			const criteria = by === 'email' ? { email: p.email } : { firstName: p.firstName, lastName: p.lastName, dob: p.dob };
			return searchPatients(ctx, criteria, i);
		}
		case 'create': {
			const p = readInput(ctx, i, ['email', 'firstName', 'lastName', 'dob'], 'additionalFields');
			const existing = await findPatient(ctx, p, i);
			if (existing.match) {
				throw new NodeOperationError(ctx.getNode(), `This patient already exists (id ${String(existing.match.id)}, same name and ${existing.matchedBy === 'nameAndDob' ? 'date of birth' : 'email'}).`, {
					itemIndex: i,
					description: 'Use "Create or Update" to update the existing patient instead of creating a duplicate.',
				});
			}
			const created = await createPatient(ctx, p, i);
			const address = readAddress(ctx, i);
			if (address && typeof created.id === 'string') await syncAddress(ctx, created.id, address, i, true);
			return created;
		}
		case 'update': {
			const id = (ctx.getNodeParameter('patientId', i) as string).trim();
			const changes = readInput(ctx, i, [], 'updateFields');
			if (!Object.keys(changes).length) throw new NodeOperationError(ctx.getNode(), 'No fields to update were given.', { itemIndex: i });
			return updatePatient(ctx, id, changes, i);
		}
		case 'upsert': {
			const p = readInput(ctx, i, ['email', 'firstName', 'lastName', 'dob'], 'additionalFields');
			return upsertPatient(ctx, p, i, ctx.getNodeParameter('onExisting', i, 'fillBlanks') as OnExisting, readAddress(ctx, i));
		}
	}
	throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" is not known for patients.`, { itemIndex: i });
}
