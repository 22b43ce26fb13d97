import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import {
	APPOINTMENT_STATUS,
	appendToNotes,
	composeNotes,
	hasReference,
	intervalCodeFor,
	parseDurationText,
	replaceNotesKeepingMarker,
} from '../../../lib/medirecordsMapping';
import { fromPracticeLocal, minutesBetween, normaliseScheduleTime, toPracticeLocal } from '../../../lib/medirecordsTime';
import { getCredentials, intervalCodes, mediRecordsPaged, mediRecordsRequest } from '../transport';
import {
	appointmentLocator,
	appointmentTypeLocator,
	providerLocator,
	REMINDER_OPTIONS,
	STATUS_OPTIONS,
	TIME_ZONE_OPTION,
} from './common';

const show = (operation: string[]) => ({ show: { resource: ['appointment'], operation } });

export const appointmentOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['appointment'] } },
	options: [
		{ name: 'Cancel', value: 'cancel', action: 'Cancel an appointment', description: 'Set the status to Cancelled with a reason' },
		{ name: 'Create', value: 'create', action: 'Create an appointment', description: 'Book an appointment; with an external reference, booking twice returns the first appointment' },
		{ name: 'Delete', value: 'delete', action: 'Delete an appointment' },
		{ name: 'Get', value: 'get', action: 'Get an appointment' },
		{ name: 'Get Many', value: 'getAll', action: 'Get many appointments' },
		{ name: 'Update (Reschedule)', value: 'update', action: 'Update or reschedule an appointment' },
	],
	default: 'create',
};

const referenceScope: INodeProperties = {
	displayName: 'Reference Lookup',
	name: 'referenceLookup',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	description: 'Where to look when the appointment is given by external reference: the provider or the patient whose appointments are searched',
	displayOptions: show(['get', 'update', 'cancel', 'delete']),
	options: [
		{ displayName: 'Provider ID', name: 'providerId', type: 'string', default: '' },
		{ displayName: 'Patient ID', name: 'patientId', type: 'string', default: '' },
		{ displayName: 'Days Back', name: 'daysBack', type: 'number', default: 60, typeOptions: { minValue: 0 } },
		{ displayName: 'Days Ahead', name: 'daysAhead', type: 'number', default: 400, typeOptions: { minValue: 0 } },
		{
			displayName: 'If Not Found',
			name: 'ifNotFound',
			type: 'options',
			options: [
				{ name: 'Fail the Item', value: 'error' },
				{ name: 'Output "Not Found"', value: 'continue', description: 'Emit { found: false } and carry on, for events that never became appointments' },
			],
			default: 'error',
		},
	],
};

export const appointmentFields: INodeProperties[] = [
	{ ...appointmentLocator(), displayOptions: show(['get', 'update', 'cancel', 'delete']) },
	referenceScope,
	{
		displayName: 'Patient ID',
		name: 'patientId',
		type: 'string',
		required: true,
		default: '',
		description: 'MediRecords patient UUID (for example from Patient → Create or Update)',
		displayOptions: show(['create']),
	},
	{ ...appointmentTypeLocator('appointmentType', true), displayOptions: show(['create']) },
	{ ...providerLocator('provider', true), displayOptions: show(['create']) },
	{
		displayName: 'Start Time',
		name: 'startTime',
		type: 'string',
		required: true,
		default: '',
		placeholder: '2026-12-01T09:30:00+11:00',
		description: 'An ISO date-time with offset (as Outlook and Calendly give it), or practice-local YYYY-MM-DDThh:mm',
		displayOptions: show(['create']),
	},
	{
		displayName: 'Duration (Minutes)',
		name: 'durationMinutes',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description: "Length of the booking. 0 uses the appointment type's duration. Converted to MediRecords' appointment interval code.",
		displayOptions: show(['create']),
	},
	{
		displayName: 'Reminder',
		name: 'reminderMethod',
		type: 'options',
		options: REMINDER_OPTIONS,
		default: 'SMS',
		description: 'How MediRecords reminds the patient. MediRecords sends the SMS itself.',
		displayOptions: show(['create']),
	},
	{
		displayName: 'Cancellation Reason',
		name: 'cancellationReason',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Cancelled by patient in Calendly',
		displayOptions: show(['cancel']),
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show(['create']),
		options: [
			{ displayName: 'Allow Double Booking for Patient', name: 'allowDoubleBookingForPatient', type: 'boolean', default: false },
			{ displayName: 'Allow Double Booking for Provider', name: 'allowDoubleBookingForProvider', type: 'boolean', default: false },
			{ displayName: 'Email Reminder', name: 'emailReminder', type: 'boolean', default: false },
			{ displayName: 'End Time', name: 'endTime', type: 'string', default: '', description: 'Instead of a duration: the end as an ISO date-time with offset' },
			{
				displayName: 'External Reference',
				name: 'externalReference',
				type: 'string',
				default: '',
				description: 'An id from the system the booking came from (for example the Outlook event id). Creating again with the same reference returns the existing appointment instead of booking twice.',
			},
			{
				displayName: 'If the Reference Exists',
				name: 'ifReferenceExists',
				type: 'options',
				options: [
					{ name: 'Return the Existing Appointment', value: 'return' },
					{ name: 'Update It to Match (Reschedule)', value: 'update', description: 'Move the existing appointment to this time, provider, type and length' },
				],
				default: 'return',
			},
			{ displayName: 'Notes', name: 'notes', type: 'string', typeOptions: { rows: 3 }, default: '', description: 'Truncated to fit MediRecords’ 500 characters' },
			{
				displayName: 'Patient Is New',
				name: 'patientIsNew',
				type: 'boolean',
				default: false,
				description:
					'Whether the patient was created moments ago (e.g. {{ $json.action === "created" }} after Create or Update). A new patient has no appointments yet, so the reference lookup is skipped: one MediRecords call fewer. A booking made meanwhile by a duplicate run is still caught by MediRecords’ double-booking refusal.',
			},
			{ displayName: 'Reminder Type', name: 'reminderType', type: 'string', default: '', description: 'MediRecords reminder template code, if the practice uses several' },
			{ displayName: 'Room ID', name: 'roomId', type: 'string', default: '' },
			{ displayName: 'Status', name: 'status', type: 'options', options: STATUS_OPTIONS.filter((s) => s.value !== 8), default: 2 },
			TIME_ZONE_OPTION,
			{ displayName: 'Urgent', name: 'urgent', type: 'boolean', default: false },
		],
	},
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show(['update']),
		options: [
			{ ...appointmentTypeLocator('appointmentType', false) },
			{ displayName: 'Duration (Minutes)', name: 'durationMinutes', type: 'number', default: 30, typeOptions: { minValue: 5 } },
			{ displayName: 'End Time', name: 'endTime', type: 'string', default: '', description: 'Instead of a duration: the end as an ISO date-time with offset' },
			{ displayName: 'Add to Notes', name: 'appendNotes', type: 'string', default: '', description: 'Text added after the existing notes (for example a payment record)' },
			{ displayName: 'Notes', name: 'notes', type: 'string', typeOptions: { rows: 3 }, default: '', description: 'Replaces the notes (the external reference is kept)' },
			{ displayName: 'Provider ID', name: 'providerId', type: 'string', default: '' },
			{ displayName: 'Reminder', name: 'reminderMethod', type: 'options', options: REMINDER_OPTIONS, default: 'SMS' },
			{ displayName: 'Start Time', name: 'startTime', type: 'string', default: '', placeholder: '2026-12-01T09:30:00+11:00' },
			{ displayName: 'Status', name: 'status', type: 'options', options: STATUS_OPTIONS.filter((s) => s.value !== 8), default: 3 },
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show(['update', 'getAll', 'get', 'cancel', 'delete']),
		options: [TIME_ZONE_OPTION],
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: show(['getAll']),
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { resource: ['appointment'], operation: ['getAll'], returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: show(['getAll']),
		options: [
			{ displayName: 'Appointment Type ID', name: 'appointmentTypeId', type: 'string', default: '' },
			{ displayName: 'External Reference', name: 'externalReference', type: 'string', default: '', description: 'Only appointments created with this reference' },
			{ displayName: 'From', name: 'from', type: 'string', default: '', placeholder: '2026-12-01T00:00:00+11:00', description: 'ISO date-time with offset, or practice-local YYYY-MM-DDThh:mm' },
			{ displayName: 'Patient ID', name: 'patientId', type: 'string', default: '' },
			{ displayName: 'Provider ID', name: 'providerId', type: 'string', default: '' },
			{ displayName: 'Room ID', name: 'roomId', type: 'string', default: '' },
			{ displayName: 'Status', name: 'status', type: 'options', options: STATUS_OPTIONS, default: 2 },
			{ displayName: 'To', name: 'to', type: 'string', default: '', placeholder: '2026-12-31T23:59:00+11:00' },
		],
	},
];

type Ctx = IExecuteFunctions;

async function practicePath(ctx: Ctx): Promise<string> {
	const { practiceId } = await getCredentials(ctx);
	return `/v1/practices/${encodeURIComponent(practiceId)}/appointments`;
}

function timeZoneOf(ctx: Ctx, i: number): string {
	const o = ctx.getNodeParameter('options', i, {}) as IDataObject;
	return String(o.timeZone || 'Australia/Sydney');
}

function locatorValue(ctx: Ctx, name: string, i: number, path?: string): string {
	const v = ctx.getNodeParameter(path ?? name, i, '', { extractValue: true }) as string;
	return String(v ?? '').trim();
}

function wrap<T>(ctx: Ctx, i: number, fn: () => T): T {
	try {
		return fn();
	} catch (e) {
		throw new NodeOperationError(ctx.getNode(), (e as Error).message, { itemIndex: i });
	}
}

async function typeDurationMinutes(ctx: Ctx, typeId: string, i: number): Promise<number> {
	const { practiceId } = await getCredentials(ctx);
	const type = await mediRecordsRequest<IDataObject>(ctx, 'GET', `/v1/practices/${encodeURIComponent(practiceId)}/appointment-types/${encodeURIComponent(typeId)}`, { itemIndex: i });
	const minutes = parseDurationText(type.duration as string);
	if (!minutes) {
		throw new NodeOperationError(ctx.getNode(), `The appointment type has no readable duration ("${String(type.duration)}"). Set Duration (Minutes) on the node.`, { itemIndex: i });
	}
	return minutes;
}

async function intervalCode(ctx: Ctx, minutes: number, i: number): Promise<string> {
	const codes = await intervalCodes(ctx);
	return wrap(ctx, i, () => intervalCodeFor(minutes, codes));
}

/** Finds the appointment carrying a reference marker among a provider's or patient's appointments. */
export async function findByReference(
	ctx: Ctx,
	reference: string,
	scope: { providerId?: string; patientId?: string; daysBack?: number; daysAhead?: number; timeZone: string },
	i: number,
): Promise<IDataObject | undefined> {
	const qs: IDataObject = {};
	if (scope.patientId) qs.patientId = scope.patientId;
	else if (scope.providerId) qs.providerId = scope.providerId;
	else throw new NodeOperationError(ctx.getNode(), 'To find an appointment by external reference, give a provider ID or patient ID under Reference Lookup.', { itemIndex: i });
	if (!scope.patientId) {
		const now = Date.now();
		qs.appointmentDateRangeStart = toPracticeLocal(now - (scope.daysBack ?? 60) * 86_400_000, scope.timeZone);
		qs.appointmentDateRangeEnd = toPracticeLocal(now + (scope.daysAhead ?? 400) * 86_400_000, scope.timeZone);
	}
	const list = await mediRecordsPaged<IDataObject>(ctx, 'GET', await practicePath(ctx), { qs, itemIndex: i, pageSize: 100 });
	const matches = list.filter((a) => hasReference(a.notes as string, reference));
	// A live appointment wins over a cancelled one with the same reference.
	return matches.find((a) => a.appointmentStatus !== APPOINTMENT_STATUS.cancelled) ?? matches[0];
}

async function resolveAppointment(ctx: Ctx, i: number): Promise<IDataObject | undefined> {
	const locator = ctx.getNodeParameter('appointment', i) as { mode: string; value: string };
	const value = String(locator.value ?? '').trim();
	if (!value) throw new NodeOperationError(ctx.getNode(), 'No appointment id or reference was given.', { itemIndex: i });
	const scope = ctx.getNodeParameter('referenceLookup', i, {}) as IDataObject;
	if (locator.mode === 'reference') {
		const found = await findByReference(ctx, value, { ...(scope as object), timeZone: timeZoneOf(ctx, i) }, i);
		if (!found && scope.ifNotFound !== 'continue') {
			throw new NodeOperationError(ctx.getNode(), 'No MediRecords appointment carries this external reference.', {
				itemIndex: i,
				description: 'The appointment may never have been created, or was deleted in MediRecords. Set Reference Lookup → If Not Found to carry on instead.',
			});
		}
		return found;
	}
	return mediRecordsRequest<IDataObject>(ctx, 'GET', `${await practicePath(ctx)}/${encodeURIComponent(value)}`, { itemIndex: i });
}

const UPDATABLE = ['patientId', 'appointmentTypeId', 'scheduleTime', 'appointmentStatus', 'appointmentIntervalCode', 'providerId', 'roomId', 'notes', 'walkIn', 'firstAvailableDoctor', 'urgency', 'emailReminder', 'reminderMethod', 'reminderType', 'referralId', 'cancellationReason'];

/** Whether the appointment already has every value of the changes (no PUT needed). */
function holdsAlready(current: IDataObject, changes: IDataObject): boolean {
	return Object.entries(changes).every(([k, v]) => current[k] === v);
}

/** MediRecords' PUT replaces the appointment: send the whole appointment with the changes applied. */
async function putAppointment(ctx: Ctx, current: IDataObject, changes: IDataObject, i: number): Promise<IDataObject> {
	const body: IDataObject = {};
	for (const k of UPDATABLE) if (current[k] !== undefined && current[k] !== null) body[k] = current[k];
	Object.assign(body, changes);
	return mediRecordsRequest<IDataObject>(ctx, 'PUT', `${await practicePath(ctx)}/${encodeURIComponent(String(current.id))}`, { body, itemIndex: i });
}

async function createAppointment(ctx: Ctx, i: number): Promise<IDataObject> {
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const tz = String(options.timeZone || 'Australia/Sydney');
	const patientId = (ctx.getNodeParameter('patientId', i) as string).trim();
	const appointmentTypeId = locatorValue(ctx, 'appointmentType', i);
	const providerId = locatorValue(ctx, 'provider', i);
	const start = ctx.getNodeParameter('startTime', i) as string;
	const reference = String(options.externalReference ?? '').trim();
	if (!patientId) throw new NodeOperationError(ctx.getNode(), 'Patient ID is empty. Connect Patient → Create or Update before this node.', { itemIndex: i });
	if (!appointmentTypeId) throw new NodeOperationError(ctx.getNode(), 'Appointment Type is empty. Check the service catalog entry for this service.', { itemIndex: i });
	const scheduleTime = wrap(ctx, i, () => normaliseScheduleTime(start, tz));

	let existing: IDataObject | undefined;
	if (reference && options.patientIsNew !== true) {
		const found = await findByReference(ctx, reference, { patientId, timeZone: tz }, i);
		if (found && found.appointmentStatus !== APPOINTMENT_STATUS.cancelled) existing = found;
		if (existing && options.ifReferenceExists !== 'update') return { action: 'existing', ...existing };
	}

	let minutes = Number(ctx.getNodeParameter('durationMinutes', i, 0));
	if (options.endTime) minutes = wrap(ctx, i, () => minutesBetween(start, String(options.endTime)));
	if (!minutes) minutes = await typeDurationMinutes(ctx, appointmentTypeId, i);

	if (existing) {
		const changes: IDataObject = { scheduleTime, appointmentTypeId, appointmentIntervalCode: await intervalCode(ctx, minutes, i) };
		if (providerId) changes.providerId = providerId;
		if (holdsAlready(existing, changes)) return { action: 'existing', ...existing };
		const moved = await putAppointment(ctx, existing, changes, i);
		return { action: 'rescheduled', previousScheduleTime: existing.scheduleTime, ...moved };
	}
	const reminderMethod = ctx.getNodeParameter('reminderMethod', i, 'SMS') as string;

	const body: IDataObject = {
		patientId,
		appointmentTypeId,
		scheduleTime,
		appointmentStatus: Number(options.status ?? APPOINTMENT_STATUS.booked),
		appointmentIntervalCode: await intervalCode(ctx, minutes, i),
		reminderMethod,
		emailReminder: options.emailReminder === true || reminderMethod === 'EMAIL' || reminderMethod === 'SMS_AND_EMAIL',
		urgency: options.urgent === true ? 2 : 1,
	};
	if (providerId) body.providerId = providerId;
	const notes = composeNotes(options.notes as string, reference || undefined);
	if (notes) body.notes = notes;
	if (options.reminderType) body.reminderType = options.reminderType;
	if (options.roomId) body.roomId = options.roomId;
	if (options.allowDoubleBookingForPatient) body.allowDoubleBookingForPatient = true;
	if (options.allowDoubleBookingForProvider) body.allowDoubleBookingForProvider = true;

	const path = await practicePath(ctx);
	const recheck = reference
		? async () => {
				const found = await findByReference(ctx, reference, { patientId, timeZone: tz }, i);
				return found && found.appointmentStatus !== APPOINTMENT_STATUS.cancelled ? { ...found, recovered: true } : undefined;
			}
		: undefined;
	// With a reference, a server error is retried only after checking the failed attempt booked nothing.
	const created = await mediRecordsRequest<IDataObject>(ctx, 'POST', path, { body, itemIndex: i, recheck });
	if (created.recovered) {
		delete created.recovered;
		return { action: 'existing', ...created };
	}
	return { action: 'created', ...created };
}

async function updateAppointment(ctx: Ctx, i: number): Promise<IDataObject> {
	const current = await resolveAppointment(ctx, i);
	if (!current) return { found: false };
	const tz = timeZoneOf(ctx, i);
	const f = ctx.getNodeParameter('updateFields', i, {}) as IDataObject;
	const changes: IDataObject = {};
	if (f.startTime) changes.scheduleTime = wrap(ctx, i, () => normaliseScheduleTime(String(f.startTime), tz));
	let minutes: number | undefined = f.durationMinutes ? Number(f.durationMinutes) : undefined;
	if (f.endTime) {
		const startIso = f.startTime ? String(f.startTime) : new Date(fromPracticeLocal(String(current.scheduleTime), tz)).toISOString();
		minutes = wrap(ctx, i, () => minutesBetween(startIso, String(f.endTime)));
	}
	if (minutes) changes.appointmentIntervalCode = await intervalCode(ctx, minutes, i);
	const typeId = f.appointmentType ? locatorValue(ctx, 'appointmentType', i, 'updateFields.appointmentType') : '';
	if (typeId) changes.appointmentTypeId = typeId;
	if (f.providerId) changes.providerId = String(f.providerId).trim();
	if (f.status !== undefined) changes.appointmentStatus = Number(f.status);
	if (f.reminderMethod) changes.reminderMethod = f.reminderMethod;
	if (f.notes !== undefined) changes.notes = replaceNotesKeepingMarker(current.notes as string, String(f.notes));
	if (f.appendNotes) changes.notes = appendToNotes((changes.notes ?? current.notes) as string, String(f.appendNotes));
	if (holdsAlready(current, changes)) return { action: 'unchanged', ...current };
	const updated = await putAppointment(ctx, current, changes, i);
	return { action: 'updated', previousScheduleTime: current.scheduleTime, ...updated };
}

async function cancelAppointment(ctx: Ctx, i: number): Promise<IDataObject> {
	const current = await resolveAppointment(ctx, i);
	if (!current) return { found: false };
	const reason = String(ctx.getNodeParameter('cancellationReason', i)).trim();
	if (!reason) throw new NodeOperationError(ctx.getNode(), 'MediRecords needs a cancellation reason.', { itemIndex: i });
	if (current.appointmentStatus === APPOINTMENT_STATUS.cancelled) return { action: 'alreadyCancelled', ...current };
	const updated = await putAppointment(ctx, current, { appointmentStatus: APPOINTMENT_STATUS.cancelled, cancellationReason: reason.slice(0, 500) }, i);
	return { action: 'cancelled', ...updated };
}

async function getMany(ctx: Ctx, i: number): Promise<IDataObject[]> {
	const tz = timeZoneOf(ctx, i);
	const returnAll = ctx.getNodeParameter('returnAll', i) as boolean;
	const limit = returnAll ? undefined : (ctx.getNodeParameter('limit', i) as number);
	const f = ctx.getNodeParameter('filters', i, {}) as IDataObject;
	const qs: IDataObject = {};
	if (f.from) qs.appointmentDateRangeStart = wrap(ctx, i, () => normaliseScheduleTime(String(f.from), tz));
	if (f.to) qs.appointmentDateRangeEnd = wrap(ctx, i, () => normaliseScheduleTime(String(f.to), tz));
	for (const k of ['providerId', 'patientId', 'appointmentTypeId', 'roomId']) if (f[k]) qs[k] = String(f[k]).trim();
	if (f.status !== undefined) qs.appointmentStatus = f.status;
	const reference = String(f.externalReference ?? '').trim();
	if (!reference) return mediRecordsPaged(ctx, 'GET', await practicePath(ctx), { qs, limit, itemIndex: i, pageSize: Math.min(limit ?? 100, 100) });
	const all = await mediRecordsPaged<IDataObject>(ctx, 'GET', await practicePath(ctx), { qs, itemIndex: i, pageSize: 100 });
	const matching = all.filter((a) => hasReference(a.notes as string, reference));
	return limit === undefined ? matching : matching.slice(0, limit);
}

export async function executeAppointment(ctx: Ctx, operation: string, i: number): Promise<IDataObject | IDataObject[]> {
	switch (operation) {
		case 'create':
			return createAppointment(ctx, i);
		case 'get': {
			const found = await resolveAppointment(ctx, i);
			return found ?? { found: false };
		}
		case 'getAll':
			return getMany(ctx, i);
		case 'update':
			return updateAppointment(ctx, i);
		case 'cancel':
			return cancelAppointment(ctx, i);
		case 'delete': {
			const current = await resolveAppointment(ctx, i);
			if (!current) return { found: false };
			return mediRecordsRequest<IDataObject>(ctx, 'DELETE', `${await practicePath(ctx)}/${encodeURIComponent(String(current.id))}`, { itemIndex: i });
		}
	}
	throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" is not known for appointments.`, { itemIndex: i });
}
