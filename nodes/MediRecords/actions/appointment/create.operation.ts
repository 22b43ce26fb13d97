/** Create: books an appointment; with an external reference, booking twice returns (or moves) the first one. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { APPOINTMENT_STATUS, composeNotes } from '../../../../lib/medirecords/mapping';
import { DEFAULT_TIME_ZONE, minutesBetween, normaliseScheduleTime } from '../../../../lib/time';
import { mediRecordsRequest } from '../../transport';
import { appointmentTypeLocator, providerLocator, REMINDER_OPTIONS, STATUS_OPTIONS, TIME_ZONE_OPTION } from '../common';
import { forReference } from './references';
import { findByReference, holdsAlready, intervalCode, locatorValue, practicePath, putAppointment, show, typeDurationMinutes, wrap, type Ctx } from './shared';

export const description: INodeProperties[] = [
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
				description: 'An ID from the system the booking came from (for example the Outlook event ID). Creating again with the same reference returns the existing appointment instead of booking twice.',
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
					'Whether the patient was created moments ago (for example when Create or Update answered with action "created"). A new patient has no appointments yet, so the reference lookup is skipped: one MediRecords call fewer. A booking made meanwhile by a duplicate run is still caught by MediRecords’ double-booking refusal.',
			},
			{ displayName: 'Reminder Type', name: 'reminderType', type: 'string', default: '', description: 'MediRecords reminder template code, if the practice uses several' },
			{ displayName: 'Room ID', name: 'roomId', type: 'string', default: '' },
			{
				displayName: 'Source Changed At',
				name: 'sourceModifiedAt',
				type: 'string',
				default: '',
				placeholder: 'e.g. {{ $json.sourceIds.modifiedAt }}',
				description:
					'When the source last changed this booking (Outlook’s lastModifiedDateTime). With an external reference, a version older than one this n8n process already wrote is not written: the item says "superseded", and the appointment keeps the newer time.',
			},
			{ displayName: 'Status', name: 'status', type: 'options', options: STATUS_OPTIONS.filter((s) => s.value !== 8), default: 2 },
			TIME_ZONE_OPTION,
			{ displayName: 'Urgent', name: 'urgent', type: 'boolean', default: false },
		],
	},

];

/** The appointment unless MediRecords has it as cancelled (a cancelled booking of the same reference is booked anew). */
const live = (a: IDataObject | undefined): IDataObject | undefined => (a && a.appointmentStatus !== APPOINTMENT_STATUS.cancelled ? a : undefined);

export async function execute(ctx: Ctx, i: number): Promise<IDataObject> {
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const tz = String(options.timeZone || DEFAULT_TIME_ZONE);
	const patientId = (ctx.getNodeParameter('patientId', i) as string).trim();
	const appointmentTypeId = locatorValue(ctx, 'appointmentType', i);
	const providerId = locatorValue(ctx, 'provider', i);
	const start = ctx.getNodeParameter('startTime', i) as string;
	const reference = String(options.externalReference ?? '').trim();
	if (!patientId) throw new NodeOperationError(ctx.getNode(), 'Patient ID is empty. Connect Patient → Create or Update before this node.', { itemIndex: i });
	if (!appointmentTypeId) throw new NodeOperationError(ctx.getNode(), 'Appointment Type is empty. Check the service catalog entry for this service.', { itemIndex: i });
	const scheduleTime = wrap(ctx, i, () => normaliseScheduleTime(start, tz));

	return forReference(reference, String(options.sourceModifiedAt ?? '').trim() || undefined, () => book(ctx, i, { options, tz, patientId, appointmentTypeId, providerId, start, reference, scheduleTime }));
}

interface Booking {
	options: IDataObject;
	tz: string;
	patientId: string;
	appointmentTypeId: string;
	providerId: string;
	start: string;
	reference: string;
	scheduleTime: string;
}

/** Finds the appointment of the reference (and returns or moves it), or books it. */
async function book(ctx: Ctx, i: number, { options, tz, patientId, appointmentTypeId, providerId, start, reference, scheduleTime }: Booking): Promise<IDataObject> {
	let existing: IDataObject | undefined;
	if (reference && options.patientIsNew !== true) {
		existing = live(await findByReference(ctx, reference, { patientId, timeZone: tz }, i));
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
				// Another execution of the same booking (a crash's re-run racing the calendar sweep) may have booked it
				// under a patient record of its own: the provider's calendar finds it, and the booking is not made twice.
				const found = live(await findByReference(ctx, reference, { patientId, timeZone: tz }, i)) ?? (providerId ? live(await findByReference(ctx, reference, { providerId, timeZone: tz }, i)) : undefined);
				if (!found) return undefined;
				return { ...found, recovered: true, ...(found.patientId !== undefined && found.patientId !== patientId ? { heldByOtherPatientRecord: true } : {}) };
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
