/**
 * The calendar sweep: notifications make a booking fast, this makes it certain. On n8n's schedule it reads
 * each watched mailbox's calendarView delta from its stored delta link, and sends every change the Booking
 * Ledger does not have as done down the booking path; failed rows whose back-off has passed are read again
 * from Outlook and re-driven. What to do with what was read is decided in lib/ledger/sweep.ts.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { mailboxes as catalogMailboxes, parseCatalogInput } from '../../lib/catalog';
import { entryOf, readRow, workingRow } from '../../lib/ledger/ledger';
import { nextAttempt, planSweep, type SweptChange } from '../../lib/ledger/sweep';
import { deltaStart, readDelta, readEvent } from '../MicrosoftGraph/reads';
import { graphAnswered } from '../MicrosoftGraph/subscriptions';
import { catalogProblem, rowsOf } from '../shared/parameters';
import { graphBaseUrl, graphStats } from '../MicrosoftGraph/transport';

/**
 * Sweeps running in this process, by workflow: a sweep that outlasts the interval (a calendar import) is not
 * joined by the next one, which would send the same changes again before the first recorded them.
 */
const running = new Set<string>();

export class GraphCalendarSweep implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft Graph Calendar Sweep',
		name: 'graphCalendarSweep',
		icon: { light: 'file:msgraph.svg', dark: 'file:msgraph.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"Read what changed in the calendars"}}',
		description: 'Reads what changed in every practitioner calendar since the last sweep (Graph delta queries) and hands on what the Booking Ledger has not done, plus the failures due for another attempt',
		defaults: { name: 'Sweep Calendars' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [
			{ type: NodeConnectionTypes.Main, displayName: 'Changes' },
			{ type: NodeConnectionTypes.Main, displayName: 'Claims' },
			{ type: NodeConnectionTypes.Main, displayName: 'Calendar Sync' },
			{ type: NodeConnectionTypes.Main, displayName: 'Calendar Failures' },
		],
		credentials: [{ name: 'microsoftGraphAppApi', required: true }],
		properties: [
			{ displayName: 'Catalog', name: 'catalog', type: 'json', default: "={{ $('Load Service Catalog').first().json.catalog }}", description: 'Every practitioner mailbox of the catalog is swept' },
			{ displayName: 'Calendar Sync Rows', name: 'syncRows', type: 'json', default: "={{ $('Calendar Sync Rows').all().map(i => i.json) }}", description: 'The Calendar Sync data table: each mailbox’s delta link and how many sweeps in a row failed' },
			{ displayName: 'Ledger Rows', name: 'ledgerRows', type: 'json', default: "={{ $('Open Ledger Rows').all().map(i => i.json) }}", description: 'Booking Ledger rows that failed, and those recorded lately (what the sweep need not do again)' },
			{ displayName: 'Days Back', name: 'daysBack', type: 'number', default: 1, description: 'How far back a calendar is read when it has no delta link yet (first sweep, or Graph expired it)' },
			{ displayName: 'Days Ahead', name: 'daysAhead', type: 'number', default: 365 },
			{
				displayName: 'Settle Time (Seconds)',
				name: 'settleSeconds',
				type: 'number',
				default: 60,
				typeOptions: { minValue: 0 },
				description: 'A change made less than this long ago is left to its notification and looked at again by the next sweep',
			},
			{
				displayName: 'Claim Times Out After (Minutes)',
				name: 'leaseMinutes',
				type: 'number',
				default: 5,
				typeOptions: { minValue: 0 },
				description: 'The changes handed on are written to the Booking Ledger as being worked on, so the next sweep leaves them alone; after this long without an outcome (a crash) it takes them up again',
			},
			{
				displayName: 'Alert After Failed Sweeps',
				name: 'alertAfter',
				type: 'number',
				default: 3,
				typeOptions: { minValue: 1 },
				description: 'A calendar Graph will not read is retried at every sweep; after this many in a row ops are told',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		let mailboxes: string[];
		let syncRows: IDataObject[];
		let ledgerRows: IDataObject[];
		try {
			mailboxes = catalogMailboxes(parseCatalogInput(this.getNodeParameter('catalog', 0, '') as unknown));
			syncRows = rowsOf(this.getNodeParameter('syncRows', 0, []));
			ledgerRows = rowsOf(this.getNodeParameter('ledgerRows', 0, []));
		} catch (e) {
			throw new NodeOperationError(this.getNode(), 'The sweep’s inputs could not be read', { description: catalogProblem(e) });
		}
		const lock = String(this.getWorkflow().id ?? '');
		if (running.has(lock)) {
			this.customData?.set?.('skipped', 'the previous sweep is still running');
			return [[], [], [], []];
		}
		running.add(lock);
		try {
			return await sweep(this, mailboxes, syncRows, ledgerRows);
		} finally {
			running.delete(lock);
		}
	}
}

async function sweep(ctx: IExecuteFunctions, mailboxes: string[], syncRows: IDataObject[], ledgerRows: IDataObject[]): Promise<INodeExecutionData[][]> {
	const base = `${await graphBaseUrl(ctx)}/v1.0`;
	const now = Date.now();
	const daysBack = Number(ctx.getNodeParameter('daysBack', 0, 1));
	const daysAhead = Number(ctx.getNodeParameter('daysAhead', 0, 365));
	const alertAfter = Number(ctx.getNodeParameter('alertAfter', 0, 3));
	const sync = new Map(syncRows.map((r) => [String(r.mailbox ?? '').toLowerCase(), r]));

	const changes: SweptChange[] = [];
	const links = new Map<string, { previous: string; next: string; changes: number }>();
	const syncOut: INodeExecutionData[] = [];
	const failures: INodeExecutionData[] = [];
	await Promise.all(
		mailboxes.map(async (mailbox) => {
			const known = sync.get(mailbox);
			const link = String(known?.deltaLink ?? '');
			let read = await readDelta(ctx, mailbox, link || deltaStart(base, mailbox, daysBack, daysAhead, now));
			// Graph expires delta tokens (410 Gone, syncStateNotFound): read the window afresh.
			if (!read.ok && link && read.response.status === 410) read = await readDelta(ctx, mailbox, deltaStart(base, mailbox, daysBack, daysAhead, now));
			if (!read.ok) {
				const inARow = (Number(known?.failures ?? 0) || 0) + 1;
				const error = graphAnswered(read.response).slice(0, 300);
				syncOut.push({ json: { mailbox, sweptAt: new Date(now).toISOString(), failures: inARow, error }, pairedItem: { item: 0 } });
				failures.push({ json: { mailbox, status: read.response.status, error, failures: inARow, alert: inARow >= alertAfter }, pairedItem: { item: 0 } });
				return;
			}
			for (const ev of read.events) {
				const eventId = String(ev.id ?? '');
				if (!eventId) continue;
				changes.push(ev['@removed'] ? { changeType: 'deleted', mailbox, eventId } : { changeType: 'updated', mailbox, eventId, event: ev });
			}
			links.set(mailbox, { previous: link, next: read.deltaLink ?? link, changes: read.events.length });
		}),
	);

	const plan = planSweep(changes, ledgerRows.map(readRow), now, Number(ctx.getNodeParameter('settleSeconds', 0, 60)) * 1000);
	for (const [mailbox, l] of links) {
		// A mailbox with a change its notification may still be booking keeps its link: the next sweep reads that change again.
		const deltaLink = plan.hold.has(mailbox) ? l.previous : l.next;
		syncOut.push({ json: { mailbox, deltaLink, sweptAt: new Date(now).toISOString(), changes: l.changes, failures: 0, error: '' }, pairedItem: { item: 0 } });
	}
	const receivedAt = new Date(now).toISOString();
	const send: INodeExecutionData[] = plan.send.map((c) => ({ json: { ...c, sweep: true, receivedAt } as unknown as IDataObject, pairedItem: { item: 0 } }));
	// Rows due again are read from Outlook first: the calendar, not the ledger, says what the booking is now.
	const reread = await Promise.all(
		plan.reread.map(async (row) => {
			const res = await readEvent(ctx, base, row.mailbox, row.eventId);
			if (res.status === 404) return { changeType: 'deleted', mailbox: row.mailbox, eventId: row.eventId, attempt: nextAttempt(row), sweep: true, receivedAt };
			if (res.status >= 400) return undefined; // Still unreadable: the row stays due for the next sweep.
			return { changeType: 'updated', mailbox: row.mailbox, eventId: row.eventId, event: res.body as IDataObject, attempt: nextAttempt(row), sweep: true, receivedAt };
		}),
	);
	for (const c of reread) if (c) send.push({ json: c as IDataObject, pairedItem: { item: 0 } });

	ctx.customData?.setAll?.({ sweptCalendars: String(mailboxes.length - failures.length), calendarFailures: String(failures.length), changesSent: String(send.length), alreadyDone: String(plan.done), graphCalls: String(graphStats(ctx).calls) });
	// The one ops must hear about first: the stop that follows names the first failure only.
	failures.sort((a, b) => Number(b.json.alert) - Number(a.json.alert));
	// Written before the changes are handed on: a sweep that starts while these are still being booked leaves them alone.
	const leaseMs = Number(ctx.getNodeParameter('leaseMinutes', 0, 5)) * 60_000;
	const claims = send.flatMap((item) => {
		const entry = entryOf(item.json);
		return entry ? [{ json: workingRow(entry, now, leaseMs) as unknown as IDataObject, pairedItem: { item: 0 } }] : [];
	});
	return [send, claims, syncOut, failures];
}
