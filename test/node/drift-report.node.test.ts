/**
 * The Calendar Drift Report node through n8n's execution path, against the Graph and MediRecords sandboxes:
 * what it reads from each, what it reports and what it hands on for a re-drive.
 */
import type { IDataObject } from 'n8n-workflow';
import { CalendarDriftReport } from '../../nodes/CalendarDriftReport/CalendarDriftReport.node';
import { referenceMarker } from '../../lib/medirecords/mapping';
import { toPracticeLocal } from '../../lib/time';
import type { GraphSandbox } from '../../sandbox/graph';
import { APPOINTMENT_TYPES, PRACTICE_ID, PRACTITIONERS } from '../../sandbox/seed';
import { graphEvent, shippedCatalog } from '../helpers/fixtures';
import { GRAPH } from '../helpers/graph';
import { MR } from '../helpers/medirecords';
import { graphAndMediRecords } from '../helpers/sandboxes';
import { registerNode, runNode } from '../helpers/n8n';

registerNode('calendarDriftReport', CalendarDriftReport);

const sandboxes = graphAndMediRecords();

const nurse = PRACTITIONERS.find((p) => p.key === 'nurse')!;
const inDays = (d: number) => new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + d * 86_400_000).toISOString().replace('Z', '0000');
/** A booking as Calendly writes it into the nurse's calendar, `d` days from now. */
const booking = (d: number) => {
	const { id: _id, iCalUId: _uid, ...ev } = graphEvent({ subject: 'Weight Loss Follow-up', mailbox: nurse.mailbox, start: inDays(d), end: inDays(d + 1 / 48) });
	return ev as unknown as Parameters<GraphSandbox['createEvent']>[1];
};
const report = () => runNode({ type: 'calendarDriftReport', credentials: { ...GRAPH.credentials, ...MR.credentials }, parameters: { catalog: JSON.stringify(shippedCatalog()), daysAhead: 60, redrive: true } });

test('an Outlook booking MediRecords lacks is reported missing and handed on as a sweep re-drive; one MediRecords has at Outlook’s time is not drift', async () => {
	const held = sandboxes.g.createEvent(nurse.mailbox, booking(3));
	const lacking = sandboxes.g.createEvent(nurse.mailbox, booking(4));
	sandboxes.g.createEvent(nurse.mailbox, { ...booking(5), attendees: [], subject: 'Lunch' });
	const catalog = shippedCatalog();
	sandboxes.mr.state.appointments.set('appt-held', {
		id: 'appt-held',
		practiceId: PRACTICE_ID,
		patientId: 'patient-1',
		providerId: catalog.practitioners.find((p) => p.key === 'nurse')!.providerId,
		appointmentTypeId: APPOINTMENT_TYPES[0].id,
		scheduleTime: toPracticeLocal(`${held.start.dateTime.slice(0, 19)}Z`, catalog.clinic.timeZone),
		appointmentStatus: 2,
		appointmentIntervalCode: '30',
		notes: `Booked via Calendly. ${referenceMarker(held.id)}`,
	});
	const r = await report();
	expect(r.error).toBeUndefined();
	const [[out], redrive] = r.outputs;
	const json = out.json as IDataObject & { drift: Array<IDataObject> };
	expect(json.outlookBookings).toBe(2);
	expect(json.drift.map((d) => [d.kind, d.eventId])).toEqual([['missing', lacking.id]]);
	expect(json.summary).toBe('1 drifted (missing 1) of 2 Outlook bookings');
	expect(redrive.map((i) => i.json)).toEqual([expect.objectContaining({ changeType: 'updated', mailbox: nurse.mailbox, eventId: lacking.id, sweep: true, attempt: 2, drift: 'missing' })]);
	expect((redrive[0].json.event as IDataObject).changeKey).toBe(lacking.changeKey);
});

test('a calendar Graph will not read stops the report, naming the mailbox: nothing is compared on part of the truth', async () => {
	// Graph's answer when the app may not read a mailbox (an application access policy leaves it out).
	sandboxes.g.inject({ status: 403, match: '^GET /v1.0/users/[^/]+/calendarView/delta', times: 1 });
	const r = await report();
	expect(r.error?.message).toMatch(/^Outlook calendar [^ ]+@clinic\.example could not be read$/);
	expect(r.outputs).toEqual([]);
});
