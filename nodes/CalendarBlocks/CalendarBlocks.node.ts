/**
 * Calendar blocks: every practitioner's MediRecords appointments of the next days kept as busy, private
 * blocks in their Outlook calendar, so Calendly (which offers free times from that calendar) never sells a
 * slot reception already gave away by phone. MediRecords is the truth: each run reads both sides again and
 * creates, moves and removes blocks until each live appointment has exactly one. Appointments this package
 * booked from Calendly already have their Outlook event and are never mirrored. The plan is lib/blocks/blocks.ts.
 *
 * One practitioner's failure (a provider MediRecords does not list, a mailbox that refuses writes) stops only
 * their calendar and is named in one alert. Without Calendars.ReadWrite the run reports what it would block.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import {
	blockEvent,
	blockRepair,
	blocksQuery,
	blocksSummary,
	blocksTotals,
	planBlocks,
	memoryFromRows,
	rememberProblems,
	stateRows,
	readBlock,
	wantedBlocks,
	type BlockPlan,
	type BlockProblem,
	type CalendarStateRow,
	type ListedAppointment,
	type PractitionerBlocks,
	type SeenBlock,
} from '../../lib/blocks/blocks';
import type { Catalog } from '../../lib/catalog';
import { Limiter } from '../../lib/concurrency';
import { toPracticeLocal } from '../../lib/time';
import { practicePath } from '../MediRecords/actions/appointment/shared';
import { intervalCodes, mediRecordsPaged } from '../MediRecords/transport';
import { readMailbox } from '../MicrosoftGraph/reads';
import { graphAnswered } from '../MicrosoftGraph/subscriptions';
import { graphBaseUrl, graphHttp, graphStats, type GraphResponse } from '../MicrosoftGraph/transport';
import { catalogParameter, rowsOf } from '../shared/parameters';

/** Runs going in this process, by workflow: a run that outlasts the interval is not joined by the next one. */
const running = new Set<string>();

/** Practitioners worked on at once (each one's Graph calls also wait for that mailbox's 4 slots). */
const PRACTITIONERS_AT_ONCE = 4;

type Mode = 'write' | 'report';

export class CalendarBlocks implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Calendar Blocks',
		name: 'calendarBlocks',
		icon: { light: 'file:blocks.svg', dark: 'file:blocks.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["mode"] === "report" ? "Report what would be blocked" : "Block MediRecords appointments in Outlook"}}',
		description: 'Keeps one busy, private Outlook block per MediRecords appointment of the next days in each practitioner’s calendar, so online booking never offers a slot reception already gave away',
		defaults: { name: 'Keep Calendar Blocks' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [
			{ type: NodeConnectionTypes.Main, displayName: 'Report' },
			{ type: NodeConnectionTypes.Main, displayName: 'Calendar State' },
		],
		credentials: [
			{ name: 'microsoftGraphAppApi', required: true },
			{ name: 'mediRecordsApi', required: true },
		],
		properties: [
			{ displayName: 'Catalog', name: 'catalog', type: 'json', default: "={{ $('Load Service Catalog').first().json.catalog }}", description: 'Every practitioner of the catalog: their Outlook calendar and their MediRecords provider. The block subject is the catalog’s Calendar Block Subject.' },
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				default: 'write',
				options: [
					{ name: 'Keep Blocks', value: 'write', description: 'Create, move and remove blocks (the Graph app needs Calendars.ReadWrite)' },
					{ name: 'Report Only', value: 'report', description: 'Write nothing; report what would be created, moved and removed' },
				],
			},
			{
				displayName: 'Calendar State Rows',
				name: 'stateRows',
				type: 'json',
				default: "={{ $('Calendar Blocks Rows').all().map(i => i.json) }}",
				description: 'The Calendar Blocks data table: each practitioner’s last run, and how long a problem has lasted (so ops hear once, not every run)',
			},
			{ displayName: 'Days Ahead', name: 'daysAhead', type: 'number', default: 60, typeOptions: { minValue: 1, maxValue: 365 }, description: 'From now until this many days ahead' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const catalog = catalogParameter(this);
		const mode = (this.getNodeParameter('mode', 0, 'write') as Mode) === 'report' ? 'report' : 'write';
		const days = Number(this.getNodeParameter('daysAhead', 0, 60));
		const workflowId = String(this.getWorkflow().id ?? '');
		if (running.has(workflowId)) {
			return [[{ json: { summary: 'skipped: the previous run is still going', skipped: true, mode }, pairedItem: { item: 0 } }], []];
		}
		running.add(workflowId);
		try {
			const { report, state } = await run(this, catalog, mode, days);
			return [[{ json: report, pairedItem: { item: 0 } }], state.map((row) => ({ json: row as unknown as IDataObject, pairedItem: { item: 0 } }))];
		} finally {
			running.delete(workflowId);
		}
	}
}

/** The Calendar Blocks table's rows; unreadable ones count as none (every problem then starts its three runs again). */
function stateRowsIn(ctx: IExecuteFunctions): IDataObject[] {
	try {
		return rowsOf(ctx.getNodeParameter('stateRows', 0, '[]'));
	} catch {
		return [];
	}
}

async function run(ctx: IExecuteFunctions, catalog: Catalog, mode: Mode, days: number): Promise<{ report: IDataObject; state: CalendarStateRow[] }> {
	const now = Date.now();
	const from = now;
	const until = now + days * 86_400_000;
	const tz = catalog.clinic.timeZone;
	const subject = catalog.clinic.blockSubject;
	const base = `${await graphBaseUrl(ctx)}/v1.0`;
	const path = await practicePath(ctx);
	// Without the interval codes no block has an end: every calendar is left as it is (and named, as below).
	let codes: Map<string, number> | Error;
	try {
		codes = new Map((await intervalCodes(ctx)).map((c) => [c.code, c.minutes]));
		if (!codes.size) codes = new Error('MediRecords listed no appointment interval codes.');
	} catch (e) {
		codes = e as Error;
	}
	const qs = { appointmentDateRangeStart: toPracticeLocal(from, tz), appointmentDateRangeEnd: toPracticeLocal(until, tz) };

	const one = async (p: Catalog['practitioners'][number]): Promise<PractitionerBlocks> => {
		const row: PractitionerBlocks = { practitioner: p.key, mailbox: p.mailbox, appointments: 0, blocks: 0, created: 0, moved: 0, removed: 0, wouldCreate: 0, wouldMove: 0, wouldRemove: 0, skipped: { calendly: 0, cancelled: 0, outside: 0, unreadable: 0 }, problem: null };
		if (codes instanceof Error) {
			row.problem = { kind: 'medirecords_unreadable', detail: codes.message };
			return row;
		}
		const minutesByCode = codes;
		let listed: ListedAppointment[];
		try {
			listed = await mediRecordsPaged<ListedAppointment>(ctx, 'GET', path, { qs: { ...qs, providerId: p.providerId }, pageSize: 100 });
		} catch (e) {
			row.problem = { kind: 'medirecords_unreadable', detail: (e as Error).message };
			return row;
		}
		row.appointments = listed.length;
		const wanted = wantedBlocks(listed, { timeZone: tz, minutesByCode, from, until });
		row.skipped = wanted.skipped;
		const seen = await listBlocks(ctx, base, p.mailbox, from, until);
		if (!Array.isArray(seen)) {
			row.problem = { kind: 'outlook_unreadable', detail: seen.detail };
			return row;
		}
		const plan = planBlocks(wanted.blocks, seen, subject);
		if (mode === 'report') return pending(row, plan, wanted.blocks.length);
		const problem = await write(ctx, base, p.mailbox, plan, subject, row);
		row.blocks = wanted.blocks.length;
		if (problem) row.problem = problem;
		return row;
	};

	const limiter = new Limiter(PRACTITIONERS_AT_ONCE);
	const rows = await Promise.all(catalog.practitioners.map((p) => limiter.run(() => one(p))));

	// A problem is told once it lasted three runs, then daily while it lasts: the Calendar Blocks table remembers (every process reads it).
	const { memory, alert } = rememberProblems(rows, memoryFromRows(stateRowsIn(ctx)), now);

	const totals = blocksTotals(rows);
	ctx.customData?.setAll?.({ blocks: String(totals.blocks), blocksCreated: String(totals.created), blocksRemoved: String(totals.removed), blockProblems: String(totals.problems) });
	const report = {
		summary: blocksSummary(rows, mode === 'report'),
		mode,
		daysAhead: days,
		checkedAt: new Date(now).toISOString(),
		totals: totals as unknown as IDataObject,
		practitioners: rows as unknown as IDataObject[],
		graphCalls: graphStats(ctx).calls,
		alert: alert ?? null,
	} as IDataObject;
	return { report, state: stateRows(rows, memory, now) };
}

/** What a read-only run (or a calendar that refused writes) leaves undone. */
function pending(row: PractitionerBlocks, plan: BlockPlan, wanted: number): PractitionerBlocks {
	row.blocks = wanted;
	row.wouldCreate += plan.create.length;
	row.wouldMove += plan.move.length;
	row.wouldRemove += plan.remove.length;
	return row;
}

/** Every block of a calendar's window, page by page (nextLink is absolute: read as given). */
async function listBlocks(ctx: IExecuteFunctions, base: string, mailbox: string, from: number, until: number): Promise<SeenBlock[] | { detail: string }> {
	let url: string | undefined = `${base}/users/${encodeURIComponent(mailbox)}/events?${blocksQuery(from, until)}`;
	const out: SeenBlock[] = [];
	for (let page = 0; url && page < 200; page++) {
		const target: string = url;
		const res = await readMailbox(mailbox, () => graphHttp(ctx, 'GET', target));
		if (res.status >= 400) return { detail: graphAnswered(res) };
		const body = res.body as { value?: IDataObject[]; '@odata.nextLink'?: string };
		for (const ev of body.value ?? []) {
			const b = readBlock(ev);
			if (b) out.push(b);
		}
		url = body['@odata.nextLink'];
	}
	return out;
}

/**
 * The plan's writes to one calendar, at most 4 at once (Outlook's per-mailbox limit; throttling waits for
 * Retry-After in graphHttp). A 403 stops this calendar's writes and leaves the rest as "would"; any other
 * failure is retried by the next run, which reads the calendar again (a block created just before a crash is
 * found there, never made twice).
 */
async function write(ctx: IExecuteFunctions, base: string, mailbox: string, plan: BlockPlan, subject: string, row: PractitionerBlocks): Promise<BlockProblem | undefined> {
	const events = `${base}/users/${encodeURIComponent(mailbox)}/events`;
	let refused: string | undefined;
	let failure: string | undefined;
	const attempt = async (call: () => Promise<GraphResponse>, done: () => void, left: () => void, gone = false) => {
		if (refused) return left();
		let res: GraphResponse;
		try {
			res = await readMailbox(mailbox, call);
		} catch (e) {
			failure = `Microsoft Graph could not be reached: ${(e as Error).message}`;
			return left();
		}
		if (res.status < 300 || (gone && res.status === 404)) return done();
		if (res.status === 403) refused = graphAnswered(res);
		else failure = graphAnswered(res);
		left();
	};
	await Promise.all([
		...plan.create.map((b) => attempt(() => graphHttp(ctx, 'POST', events, blockEvent(b, subject)), () => row.created++, () => row.wouldCreate++)),
		...plan.move.map((m) => attempt(() => graphHttp(ctx, 'PATCH', `${events}/${encodeURIComponent(m.eventId)}`, blockRepair(m.block, subject)), () => row.moved++, () => row.wouldMove++)),
		...plan.remove.map((r) => attempt(() => graphHttp(ctx, 'DELETE', `${events}/${encodeURIComponent(r.eventId)}`), () => row.removed++, () => row.wouldRemove++, true)),
	]);
	if (refused) return { kind: 'write_refused', detail: refused };
	if (failure) return { kind: 'write_failed', detail: failure };
	return undefined;
}
