/**
 * The drift report: reads every practitioner calendar of the catalog for the next days (Graph calendarView,
 * a first delta round) and the MediRecords appointments of the same days on every practitioner's provider, and
 * says where MediRecords differs from Outlook. What a re-drive puts right comes out on the second output,
 * shaped like the calendar sweep's changes, for the Booking Processor. The comparison is lib/drift/drift.ts.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { mailboxes as catalogMailboxes } from '../../lib/catalog';
import { compareCalendars, driftAlert, driftSummary, outlookBooking, type OutlookBooking, type SeenAppointment } from '../../lib/drift/drift';
import { toPracticeLocal } from '../../lib/time';
import { practicePath } from '../MediRecords/actions/appointment/shared';
import { mediRecordsPaged } from '../MediRecords/transport';
import { deltaStart, readDelta } from '../MicrosoftGraph/reads';
import { graphAnswered } from '../MicrosoftGraph/subscriptions';
import { graphBaseUrl } from '../MicrosoftGraph/transport';
import { catalogParameter } from '../shared/parameters';

export class CalendarDriftReport implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Calendar Drift Report',
		name: 'calendarDriftReport',
		icon: { light: 'file:drift.svg', dark: 'file:drift.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"Outlook against MediRecords, next " + $parameter["daysAhead"] + " days"}}',
		description: 'Compares the bookings in every practitioner’s Outlook calendar with the MediRecords appointments that carry them: missing, extra, wrong time, wrong practitioner, cancelled in one only',
		defaults: { name: 'Compare Outlook with MediRecords' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [
			{ type: NodeConnectionTypes.Main, displayName: 'Report' },
			{ type: NodeConnectionTypes.Main, displayName: 'Re-drive' },
		],
		credentials: [
			{ name: 'microsoftGraphAppApi', required: true },
			{ name: 'mediRecordsApi', required: true },
		],
		properties: [
			{ displayName: 'Catalog', name: 'catalog', type: 'json', default: "={{ $('Load Service Catalog').first().json.catalog }}", description: 'Every practitioner of the catalog: their Outlook calendar and their MediRecords provider' },
			{ displayName: 'Days Ahead', name: 'daysAhead', type: 'number', default: 60, typeOptions: { minValue: 1, maxValue: 365 }, description: 'From now until this many days ahead' },
			{
				displayName: 'Re-Drive What Drifted',
				name: 'redrive',
				type: 'boolean',
				default: true,
				description:
					'Whether a booking missing from MediRecords, at another time there, or still booked there though cancelled in Outlook comes out on Re-drive, to go through the Booking Processor again. The rest (a second appointment, another practitioner, cancelled in MediRecords only, an appointment whose event is gone) is only listed: a person decides.',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const catalog = catalogParameter(this);
		const days = Number(this.getNodeParameter('daysAhead', 0, 60));
		const now = Date.now();
		const until = now + days * 86_400_000;
		const tz = catalog.clinic.timeZone;
		const base = `${await graphBaseUrl(this)}/v1.0`;

		// Outlook first: the truth. A calendar that cannot be read stops the report (its bookings would all read as extra).
		const bookings: OutlookBooking[] = [];
		const events = new Map<string, { mailbox: string; event: IDataObject }>();
		for (const mailbox of catalogMailboxes(catalog)) {
			const read = await readDelta(this, mailbox, deltaStart(base, mailbox, 0, days, now));
			if (!read.ok) {
				throw new NodeOperationError(this.getNode(), `Outlook calendar ${mailbox} could not be read`, { description: `${graphAnswered(read.response)}. The report compares nothing until every calendar reads.` });
			}
			for (const ev of read.events) {
				if (ev['@removed']) continue;
				const b = outlookBooking(catalog, mailbox, ev);
				if (!b) continue;
				bookings.push(b);
				events.set(b.eventId, { mailbox, event: ev });
			}
		}

		// The same days on every practitioner's MediRecords provider, every status.
		const appointments: SeenAppointment[] = [];
		const qs = { appointmentDateRangeStart: toPracticeLocal(now, tz), appointmentDateRangeEnd: toPracticeLocal(until, tz) };
		const path = await practicePath(this);
		for (const providerId of new Set(catalog.practitioners.map((p) => p.providerId))) {
			const list = await mediRecordsPaged<IDataObject>(this, 'GET', path, { qs: { ...qs, providerId }, pageSize: 100 });
			for (const a of list) appointments.push({ id: String(a.id ?? ''), providerId: String(a.providerId ?? providerId), scheduleTime: String(a.scheduleTime ?? ''), status: Number(a.appointmentStatus), notes: String(a.notes ?? '') });
		}

		const report = compareCalendars(bookings, appointments);
		const checkedAt = new Date(now).toISOString();
		this.customData?.setAll?.({ drift: String(report.total), outlookBookings: String(report.outlookBookings), appointments: String(report.appointments) });
		const redrive = this.getNodeParameter('redrive', 0, true) === true;
		const changes: INodeExecutionData[] = [];
		if (redrive) {
			for (const d of report.drift) {
				const source = d.redrive && d.eventId ? events.get(d.eventId) : undefined;
				// Shaped as the sweep's re-drive (a later attempt): the ledger may say this version is done, and it is done again.
				if (source) changes.push({ json: { changeType: 'updated', mailbox: source.mailbox, eventId: d.eventId!, event: source.event, sweep: true, attempt: 2, drift: d.kind, receivedAt: checkedAt }, pairedItem: { item: 0 } });
			}
		}
		const summary = driftSummary(report);
		return [[{ json: { summary, ...report, redriven: changes.length, daysAhead: days, checkedAt, alert: driftAlert(report, changes.length) } as unknown as IDataObject, pairedItem: { item: 0 } }], changes];
	}
}
