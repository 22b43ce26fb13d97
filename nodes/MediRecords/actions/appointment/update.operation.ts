/** Update (Reschedule): moves, re-types or annotates an appointment; nothing is written when it already holds the values. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { appendToNotes, replaceNotesKeepingMarker } from '../../../../lib/medirecords/mapping';
import { minutesBetween, normaliseScheduleTime, practiceLocalToInstant } from '../../../../lib/time';
import { appointmentTypeLocator, REMINDER_OPTIONS, STATUS_OPTIONS } from '../common';
import { appointmentToFind, holdsAlready, intervalCode, locatorValue, putAppointment, resolveAppointment, show, timeZoneOptions, timeZoneOf, wrap, type Ctx } from './shared';

export const description: INodeProperties[] = [
	...appointmentToFind('update'),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show(['update']),
		options: [
			{ ...appointmentTypeLocator('appointmentType', false) },
			{ displayName: 'Add to Notes', name: 'appendNotes', type: 'string', default: '', description: 'Text added after the existing notes (for example a payment record)' },
			{ displayName: 'Duration (Minutes)', name: 'durationMinutes', type: 'number', default: 30, typeOptions: { minValue: 5 } },
			{ displayName: 'End Time', name: 'endTime', type: 'string', default: '', description: 'Instead of a duration: the end as an ISO date-time with offset' },
			{ displayName: 'Notes', name: 'notes', type: 'string', typeOptions: { rows: 3 }, default: '', description: 'Replaces the notes (the external reference is kept)' },
			{ displayName: 'Provider ID', name: 'providerId', type: 'string', default: '' },
			{ displayName: 'Reminder', name: 'reminderMethod', type: 'options', options: REMINDER_OPTIONS, default: 'SMS' },
			{ displayName: 'Start Time', name: 'startTime', type: 'string', default: '', placeholder: '2026-12-01T09:30:00+11:00' },
			{ displayName: 'Status', name: 'status', type: 'options', options: STATUS_OPTIONS.filter((s) => s.value !== 8), default: 3 },
		],
	},
	timeZoneOptions('update'),
];

export async function execute(ctx: Ctx, i: number): Promise<IDataObject> {
	const current = await resolveAppointment(ctx, i);
	if (!current) return { found: false };
	const tz = timeZoneOf(ctx, i);
	const f = ctx.getNodeParameter('updateFields', i, {}) as IDataObject;
	const changes: IDataObject = {};
	if (f.startTime) changes.scheduleTime = wrap(ctx, i, () => normaliseScheduleTime(String(f.startTime), tz));
	let minutes: number | undefined = f.durationMinutes ? Number(f.durationMinutes) : undefined;
	if (f.endTime) {
		const startIso = f.startTime ? String(f.startTime) : wrap(ctx, i, () => practiceLocalToInstant(String(current.scheduleTime), tz));
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
