/** What the patient operations share: reading the node's patient fields, MediRecords' search, create, update and addresses. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { decideMatch, type MatchDecision } from '../../../../lib/medirecords/identity';
import { cleanPatient, PATIENT_FIELDS, type PatientInput } from '../../../../lib/medirecords/mapping';
import type { PatientAddress } from '../../../../lib/sources/patientFields';
import { getCredentials, mediRecordsPaged, mediRecordsRequest } from '../../transport';


export type Ctx = IExecuteFunctions;

export const show = (operation: string[]) => ({ show: { resource: ['patient'], operation } });

const GENDERS = [
	{ name: 'Female', value: 'F' },
	{ name: 'Male', value: 'M' },
	{ name: 'Intersex / Indeterminate', value: 'I' },
	{ name: 'Not Stated', value: 'N' },
	{ name: 'Other', value: 'X' },
	{ name: 'Unknown', value: 'U' },
];

export const detailFields: INodeProperties[] = [
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

export function sensitiveValues(p: PatientInput | IDataObject): unknown[] {
	return [p.firstName, p.lastName, p.email, p.mobilePhone, p.homePhone, p.dob];
}

export function readInput(ctx: Ctx, i: number, fields: string[], extraParam: string): PatientInput {
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

export function readAddress(ctx: Ctx, i: number): PatientAddress | undefined {
	const extra = ctx.getNodeParameter('additionalFields', i, {}) as IDataObject;
	const raw = ((extra.address as IDataObject | undefined)?.value ?? {}) as IDataObject;
	const a: PatientAddress = {};
	for (const k of ['line1', 'line2', 'suburb', 'state', 'postcode', 'country'] as const) {
		const v = String(raw[k] ?? '').trim();
		if (v) a[k] = v.slice(0, 200);
	}
	return a.line1 ? a : undefined;
}

export const addressBody = (a: PatientAddress): IDataObject => ({
	addressType: 'HOME',
	addressLine1: a.line1,
	...(a.line2 ? { addressLine2: a.line2 } : {}),
	...(a.suburb ? { suburb: a.suburb } : {}),
	...(a.state ? { state: a.state } : {}),
	...(a.postcode ? { postcode: a.postcode } : {}),
	...(a.country ? { country: a.country } : {}),
});

/** The same first line, and the same postcode when the input gives one. */
export const sameAddress = (held: IDataObject, a: PatientAddress) =>
	String(held.addressLine1 ?? '').trim().toLowerCase() === String(a.line1 ?? '').toLowerCase() &&
	(!a.postcode || String(held.postcode ?? '').trim() === a.postcode);

/**
 * Adds the address when MediRecords holds none and `mayAdd` (the match proves the
 * person, see lib/identity.ts `contactWrite`); a different one is only proposed,
 * and one without proof is `unproven` (proposed too).
 */
export async function syncAddress(ctx: Ctx, patientId: string, a: PatientAddress, i: number, isNew: boolean, mayAdd = true): Promise<'added' | 'unchanged' | 'proposed' | 'unproven'> {
	const path = `/v1/patients/${encodeURIComponent(patientId)}/addresses`;
	const held = isNew ? [] : await mediRecordsPaged<IDataObject>(ctx, 'GET', path, { itemIndex: i });
	if (held.some((h) => sameAddress(h, a))) return 'unchanged';
	if (held.length) return 'proposed';
	if (!mayAdd) return 'unproven';
	await mediRecordsRequest(ctx, 'POST', path, { body: addressBody(a), sensitive: Object.values(a), itemIndex: i });
	return 'added';
}

/** The fields Create and Create or Update identify a patient by, and the rest under Additional Fields. */
export function identityFields(operation: string): INodeProperties[] {
	return [
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			description: 'Matched first (case-insensitive)',
			displayOptions: show([operation]),
		},
		{
			displayName: 'First Name',
			name: 'firstName',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { resource: ['patient'], operation: [operation] } },
		},
		{
			displayName: 'Last Name',
			name: 'lastName',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { resource: ['patient'], operation: [operation] } },
		},
		{
			displayName: 'Date of Birth',
			name: 'dob',
			type: 'string',
			default: '',
			placeholder: 'YYYY-MM-DD',
			description: 'Used with the name when no patient has the email',
			displayOptions: show([operation]),
		},
		{
			displayName: 'Additional Fields',
			name: 'additionalFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			displayOptions: show([operation]),
			options: detailFields.filter((f) => !['email', 'firstName', 'lastName', 'dob'].includes(f.name)),
		},
	];
}

/** The patient's MediRecords ID (Get, Update). */
export function patientIdField(operation: string): INodeProperties {
	return { displayName: 'Patient ID', name: 'patientId', type: 'string', required: true, default: '', displayOptions: show([operation]) };
}
