/** What the appointment operations share: where appointments live, the practice time zone, references, and MediRecords' whole-record PUT. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { hasReference, intervalCodeFor, parseDurationText, APPOINTMENT_STATUS } from '../../../../lib/medirecords/mapping';
import { DEFAULT_TIME_ZONE, toPracticeLocal } from '../../../../lib/time';
import { getCredentials, intervalCodes, mediRecordsPaged, mediRecordsRequest } from '../../transport';
import { appointmentLocator, TIME_ZONE_OPTION } from '../common';

export type Ctx = IExecuteFunctions;

export const show = (operation: string[]) => ({ show: { resource: ['appointment'], operation } });

const referenceScope: INodeProperties = {
	displayName: 'Reference Lookup',
	name: 'referenceLookup',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	description: 'Where to look when the appointment is given by external reference: the provider or the patient whose appointments are searched',
	options: [
		{ displayName: 'Days Ahead', name: 'daysAhead', type: 'number', default: 400, typeOptions: { minValue: 0 } },
		{ displayName: 'Days Back', name: 'daysBack', type: 'number', default: 60, typeOptions: { minValue: 0 } },
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
		{ displayName: 'Patient ID', name: 'patientId', type: 'string', default: '' },
		{ displayName: 'Provider ID', name: 'providerId', type: 'string', default: '' },
	],
};

/** The appointment to act on (by ID or external reference) and where to look for a reference. */
export function appointmentToFind(operation: string): INodeProperties[] {
	return [
		{ ...appointmentLocator(), displayOptions: show([operation]) },
		{ ...referenceScope, displayOptions: show([operation]) },
	];
}

/** The Options collection of operations that only need the practice time zone. */
export function timeZoneOptions(operation: string): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show([operation]),
		options: [TIME_ZONE_OPTION],
	};
}

export async function practicePath(ctx: Ctx): Promise<string> {
	const { practiceId } = await getCredentials(ctx);
	return `/v1/practices/${encodeURIComponent(practiceId)}/appointments`;
}

export function timeZoneOf(ctx: Ctx, i: number): string {
	const o = ctx.getNodeParameter('options', i, {}) as IDataObject;
	return String(o.timeZone || DEFAULT_TIME_ZONE);
}

export function locatorValue(ctx: Ctx, name: string, i: number, path?: string): string {
	const v = ctx.getNodeParameter(path ?? name, i, '', { extractValue: true }) as string;
	return String(v ?? '').trim();
}

export function wrap<T>(ctx: Ctx, i: number, fn: () => T): T {
	try {
		return fn();
	} catch (e) {
		throw new NodeOperationError(ctx.getNode(), (e as Error).message, { itemIndex: i });
	}
}

export async function typeDurationMinutes(ctx: Ctx, typeId: string, i: number): Promise<number> {
	const { practiceId } = await getCredentials(ctx);
	const type = await mediRecordsRequest<IDataObject>(ctx, 'GET', `/v1/practices/${encodeURIComponent(practiceId)}/appointment-types/${encodeURIComponent(typeId)}`, { itemIndex: i });
	const minutes = parseDurationText(type.duration as string);
	if (!minutes) {
		throw new NodeOperationError(ctx.getNode(), `The appointment type has no readable duration ("${String(type.duration)}"). Set Duration (Minutes) on the node.`, { itemIndex: i });
	}
	return minutes;
}

export async function intervalCode(ctx: Ctx, minutes: number, i: number): Promise<string> {
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

export async function resolveAppointment(ctx: Ctx, i: number): Promise<IDataObject | undefined> {
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
export function holdsAlready(current: IDataObject, changes: IDataObject): boolean {
	return Object.entries(changes).every(([k, v]) => current[k] === v);
}

/** MediRecords' PUT replaces the appointment: send the whole appointment with the changes applied. */
export async function putAppointment(ctx: Ctx, current: IDataObject, changes: IDataObject, i: number): Promise<IDataObject> {
	const body: IDataObject = {};
	for (const k of UPDATABLE) if (current[k] !== undefined && current[k] !== null) body[k] = current[k];
	Object.assign(body, changes);
	return mediRecordsRequest<IDataObject>(ctx, 'PUT', `${await practicePath(ctx)}/${encodeURIComponent(String(current.id))}`, { body, itemIndex: i });
}
