/**
 * Calendar blocks: the MediRecords appointments reception books by phone (or moves there) held as busy,
 * private entries in the practitioner's Outlook calendar, so Calendly never offers a slot that is gone.
 * MediRecords is the truth for blocks: each run plans what makes one calendar hold exactly one block per
 * live appointment of the window, at its time, and nothing else this package wrote.
 *
 * A block carries no patient data: the catalog's subject ("Busy"), showAs busy, sensitivity private, no
 * attendees, one fixed body line. The link to its appointment is a single-value extended property holding
 * the appointment id (Graph: "Outlook extended properties overview", api-reference/v1.0/resources/
 * extended-properties-overview.md; the property id is "String {GUID} Name …").
 * Pure: the reads and writes are the node's.
 */
import { practiceLocalToMs } from '../time';

/** The extended property that holds a block's MediRecords appointment id (a GUID of this package's own). */
export const BLOCK_PROPERTY_ID = 'String {5d2c8f3a-7b41-4e9c-a6d0-3f18b2e94c71} Name MediRecordsAppointmentId';

/** The one line a block's body holds: what the practitioner needs to know, no patient data. */
export const BLOCK_BODY = 'Held in MediRecords. Move or cancel the appointment there; this entry follows within minutes.';

/** MediRecords' status code for a cancelled appointment. */
const CANCELLED = 8;

/** The marker this package writes into the notes of every appointment it booked from Calendly. */
const PACKAGE_BOOKED = /\[ref:[0-9a-f]{20}\]/;

/** One MediRecords appointment as listed (the fields a block needs; the patient is never read). */
export interface ListedAppointment {
	id: string;
	scheduleTime: string;
	appointmentStatus: number;
	appointmentIntervalCode: string;
	notes?: string | null;
}

/** What a calendar should hold for one appointment. */
export interface WantedBlock {
	appointmentId: string;
	/** UTC instants, ISO 8601. */
	start: string;
	end: string;
}

/** A block found in a calendar (an event carrying the extended property). */
export interface SeenBlock {
	eventId: string;
	appointmentId: string;
	start: string;
	end: string;
	subject: string;
	showAs: string;
	sensitivity: string;
}

export interface Wanted {
	blocks: WantedBlock[];
	/** Appointments left out, by why: booked from Calendly (Outlook has the booking), cancelled, outside the window, unreadable. */
	skipped: { calendly: number; cancelled: number; outside: number; unreadable: number };
}

/**
 * The blocks one practitioner's appointments call for: every appointment starting in [from, until) that is
 * not cancelled and was not booked by this package from Calendly (its Outlook event already holds the time).
 */
export function wantedBlocks(appointments: ListedAppointment[], opts: { timeZone: string; minutesByCode: ReadonlyMap<string, number>; from: number; until: number }): Wanted {
	const skipped = { calendly: 0, cancelled: 0, outside: 0, unreadable: 0 };
	const blocks: WantedBlock[] = [];
	const seen = new Set<string>();
	for (const a of appointments) {
		if (!a.id || seen.has(a.id)) continue;
		seen.add(a.id);
		if (Number(a.appointmentStatus) === CANCELLED) {
			skipped.cancelled++;
			continue;
		}
		if (PACKAGE_BOOKED.test(String(a.notes ?? ''))) {
			skipped.calendly++;
			continue;
		}
		const minutes = opts.minutesByCode.get(String(a.appointmentIntervalCode));
		let start: number;
		try {
			start = practiceLocalToMs(String(a.scheduleTime), opts.timeZone);
		} catch {
			start = NaN;
		}
		if (!minutes || !Number.isFinite(start)) {
			skipped.unreadable++;
			continue;
		}
		if (start < opts.from || start >= opts.until) {
			skipped.outside++;
			continue;
		}
		blocks.push({ appointmentId: a.id, start: new Date(start).toISOString(), end: new Date(start + minutes * 60_000).toISOString() });
	}
	return { blocks, skipped };
}

/** Graph's dateTimeTimeZone (UTC unless the zone is named otherwise, e.g. "2027-01-14T22:00:00.0000000") → epoch ms. */
function graphMs(t: unknown): number {
	const v = t as { dateTime?: unknown; timeZone?: unknown } | undefined;
	const s = String(v?.dateTime ?? '');
	if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s)) return NaN;
	const zone = String(v?.timeZone ?? 'UTC');
	const base = s.replace(/(\.\d{3})\d*$/, '$1');
	return /^utc$/i.test(zone) || !zone ? Date.parse(/[zZ]|[+-]\d{2}:\d{2}$/.test(base) ? base : `${base}Z`) : practiceLocalToMs(base.slice(0, 16), zone);
}

/** An event read with the block property expanded → the block it is, or undefined when it is not one. */
export function readBlock(event: Record<string, unknown>): SeenBlock | undefined {
	const props = Array.isArray(event.singleValueExtendedProperties) ? (event.singleValueExtendedProperties as Array<{ id?: unknown; value?: unknown }>) : [];
	const prop = props.find((p) => String(p?.id ?? '').toLowerCase() === BLOCK_PROPERTY_ID.toLowerCase());
	const appointmentId = String(prop?.value ?? '').trim();
	const eventId = String(event.id ?? '');
	if (!appointmentId || !eventId) return undefined;
	const start = graphMs(event.start);
	const end = graphMs(event.end);
	return {
		eventId,
		appointmentId,
		start: Number.isFinite(start) ? new Date(start).toISOString() : '',
		end: Number.isFinite(end) ? new Date(end).toISOString() : '',
		subject: String(event.subject ?? ''),
		showAs: String(event.showAs ?? ''),
		sensitivity: String(event.sensitivity ?? ''),
	};
}

export interface BlockPlan {
	create: WantedBlock[];
	/** A block at the wrong time (or edited by hand): moved back to its appointment. */
	move: Array<{ eventId: string; block: WantedBlock }>;
	/** A block whose appointment is cancelled, deleted, moved away, or a second block for one appointment. */
	remove: Array<{ eventId: string; appointmentId: string; why: 'no_appointment' | 'duplicate' }>;
	/** Blocks already right. */
	kept: number;
}

/**
 * What one calendar needs so it holds exactly one right block per wanted appointment. A block outside the
 * window is not in `seen` (the node reads the window only) and is left alone: past appointments keep theirs.
 */
export function planBlocks(wanted: WantedBlock[], seen: SeenBlock[], subject: string): BlockPlan {
	const byAppointment = new Map<string, SeenBlock[]>();
	for (const b of seen) {
		const list = byAppointment.get(b.appointmentId) ?? [];
		list.push(b);
		byAppointment.set(b.appointmentId, list);
	}
	const plan: BlockPlan = { create: [], move: [], remove: [], kept: 0 };
	const right = (b: SeenBlock, w: WantedBlock) => Date.parse(b.start) === Date.parse(w.start) && Date.parse(b.end) === Date.parse(w.end) && b.subject === subject && b.showAs === 'busy' && b.sensitivity === 'private';
	const wantedIds = new Set<string>();
	for (const w of wanted) {
		wantedIds.add(w.appointmentId);
		const held = byAppointment.get(w.appointmentId) ?? [];
		if (!held.length) {
			plan.create.push(w);
			continue;
		}
		// Keep one: a right one if any, else the first by id (the same choice in every process).
		const ordered = [...held].sort((a, b) => Number(right(b, w)) - Number(right(a, w)) || a.eventId.localeCompare(b.eventId));
		const [keep, ...extra] = ordered;
		if (right(keep, w)) plan.kept++;
		else plan.move.push({ eventId: keep.eventId, block: w });
		for (const x of extra) plan.remove.push({ eventId: x.eventId, appointmentId: x.appointmentId, why: 'duplicate' });
	}
	for (const [appointmentId, held] of byAppointment) {
		if (wantedIds.has(appointmentId)) continue;
		for (const b of held) plan.remove.push({ eventId: b.eventId, appointmentId, why: 'no_appointment' });
	}
	return plan;
}

/** The Graph event body of a block (create, or PATCH to put one right). */
export function blockEvent(block: WantedBlock, subject: string): Record<string, unknown> {
	const utc = (iso: string) => ({ dateTime: iso.replace(/\.\d{3}Z$|Z$/, ''), timeZone: 'UTC' });
	return {
		subject,
		start: utc(block.start),
		end: utc(block.end),
		showAs: 'busy',
		sensitivity: 'private',
		isReminderOn: false,
		body: { contentType: 'text', content: BLOCK_BODY },
		attendees: [],
		singleValueExtendedProperties: [{ id: BLOCK_PROPERTY_ID, value: block.appointmentId }],
	};
}

/** The part of a block PATCH that moves or repairs it (the property is kept as written). */
export function blockRepair(block: WantedBlock, subject: string): Record<string, unknown> {
	const event = blockEvent(block, subject);
	delete event.singleValueExtendedProperties;
	delete event.attendees;
	return event;
}

/**
 * The window filter for a calendar's blocks: Graph lists events carrying a string extended property with
 * `singleValueExtendedProperties/Any(ep: ep/id eq '…' and ep/value ne '…')` (singlevaluelegacyextendedproperty-get.md,
 * "GET resource instances with string-typed extended properties matching a filter") and filters on
 * `start/dateTime` (concepts/query-parameters.md: `/me/events?$filter=start/dateTime ge '2017-07-01T08:00'`).
 */
export function blocksQuery(from: number, until: number, top = 100): string {
	const at = (ms: number) => new Date(ms).toISOString().slice(0, 19);
	const filter = `singleValueExtendedProperties/Any(ep: ep/id eq '${BLOCK_PROPERTY_ID}' and ep/value ne '') and start/dateTime ge '${at(from)}' and start/dateTime lt '${at(until)}'`;
	const expand = `singleValueExtendedProperties($filter=id eq '${BLOCK_PROPERTY_ID}')`;
	return `$filter=${encodeURIComponent(filter)}&$expand=${encodeURIComponent(expand)}&$select=id,subject,start,end,showAs,sensitivity&$top=${top}`;
}

/** One practitioner's part of a run. */
export interface PractitionerBlocks {
	practitioner: string;
	mailbox: string;
	appointments: number;
	blocks: number;
	created: number;
	moved: number;
	removed: number;
	/** Left undone: the run is read-only, or this mailbox refused writes. */
	wouldCreate: number;
	wouldMove: number;
	wouldRemove: number;
	skipped: Wanted['skipped'];
	/** Why this practitioner's calendar was not (fully) kept in step; null when it was. */
	problem: BlockProblem | null;
}

export const BLOCK_PROBLEMS = ['medirecords_unreadable', 'outlook_unreadable', 'write_refused', 'write_failed'] as const;
export type BlockProblemKind = (typeof BLOCK_PROBLEMS)[number];
export interface BlockProblem {
	kind: BlockProblemKind;
	/** What the service answered (status and its own message): never patient data, blocks carry none. */
	detail: string;
}

const ACTIONS: Record<BlockProblemKind, string> = {
	medirecords_unreadable: 'MediRecords did not list this practitioner’s appointments: check their provider id in the Service Catalog and the MediRecords credential. Their blocks are left as they are until it reads.',
	outlook_unreadable: 'Outlook did not list this practitioner’s calendar: check the mailbox in the Service Catalog and that the Graph app may read it.',
	write_refused: 'Outlook refused to write this calendar: grant the Graph app Calendars.ReadWrite (application permission, admin consent) and include this mailbox in the app’s Exchange access policy. Until then the run only reports what it would block.',
	write_failed: 'Outlook failed some writes to this calendar: the next run tries again.',
};

type Counted = 'blocks' | 'created' | 'moved' | 'removed' | 'wouldCreate' | 'wouldMove' | 'wouldRemove';
/** A run's counts over every calendar, and how many calendars were not (fully) kept in step. */
export type BlocksTotals = Pick<PractitionerBlocks, Counted> & { problems: number };

/** A run's counts over every calendar. */
export function blocksTotals(rows: PractitionerBlocks[]): BlocksTotals {
	const sum = (k: Counted) => rows.reduce((n, r) => n + r[k], 0);
	return { blocks: sum('blocks'), created: sum('created'), moved: sum('moved'), removed: sum('removed'), wouldCreate: sum('wouldCreate'), wouldMove: sum('wouldMove'), wouldRemove: sum('wouldRemove'), problems: rows.filter((r) => r.problem).length };
}

/** One line for ops and the execution list. */
export function blocksSummary(rows: PractitionerBlocks[], readOnly: boolean): string {
	const t = blocksTotals(rows);
	const done = `${t.blocks} blocks for ${rows.length} calendars: ${t.created} created, ${t.moved} moved, ${t.removed} removed`;
	const would = t.wouldCreate + t.wouldMove + t.wouldRemove ? `; would create ${t.wouldCreate}, move ${t.wouldMove}, remove ${t.wouldRemove}${readOnly ? ' (read-only)' : ''}` : '';
	return `${done}${would}${t.problems ? `; ${t.problems} calendar${t.problems > 1 ? 's' : ''} need${t.problems > 1 ? '' : 's'} attention` : ''}`;
}

/** What the workflow remembers of each practitioner's problem between runs ("dr-dia:write_refused" → …). */
export type ProblemMemory = Record<string, { since: number; runs: number; toldAt?: number }>;

export interface AlertRules {
	/** A problem is told once it has lasted this many runs in a row (a MediRecords blip of one run pages nobody). */
	afterRuns: number;
	/** While it lasts, it is told again this often. */
	repeatMs: number;
}

export const DEFAULT_ALERT_RULES: AlertRules = { afterRuns: 3, repeatMs: 24 * 3_600_000 };

/**
 * This run's problems against what was remembered: the memory to keep (problems that cleared are forgotten)
 * and the ops notice for those now due, or undefined when none is. Practitioner keys, mailboxes and the
 * services' own answers only.
 */
export function rememberProblems(rows: PractitionerBlocks[], memory: ProblemMemory, now: number, rules: AlertRules = DEFAULT_ALERT_RULES): { memory: ProblemMemory; alert?: Record<string, unknown> } {
	const next: ProblemMemory = {};
	const due: PractitionerBlocks[] = [];
	for (const r of rows) {
		if (!r.problem) continue;
		const key = `${r.practitioner}:${r.problem.kind}`;
		const was = memory[key];
		const m = { since: was?.since ?? now, runs: (was?.runs ?? 0) + 1, ...(was?.toldAt !== undefined ? { toldAt: was.toldAt } : {}) };
		if (m.runs >= rules.afterRuns && (m.toldAt === undefined || now - m.toldAt >= rules.repeatMs)) {
			m.toldAt = now;
			due.push(r);
		}
		next[key] = m;
	}
	if (!due.length) return { memory: next };
	return {
		memory: next,
		alert: {
			kind: 'calendar_blocks',
			summary: `${due.length} practitioner calendar${due.length > 1 ? 's are' : ' is'} not kept in step with MediRecords`,
			practitioners: due.map((r) => ({ practitioner: r.practitioner, mailbox: r.mailbox, problem: r.problem!.kind, detail: r.problem!.detail, action: ACTIONS[r.problem!.kind] })),
		},
	};
}

/** One row of the Calendar Blocks data table: a practitioner's calendar as the last run left it (no patient data). */
export interface CalendarStateRow {
	practitioner: string;
	mailbox: string;
	blocks: number;
	checkedAt: string;
	/** The problem kind, or '' when the calendar is in step. */
	problem: string;
	detail: string;
	problemSince: string;
	problemRuns: number;
	toldAt: string;
}

const iso = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? '' : new Date(ms).toISOString());

/** The table's rows → what was remembered of each problem (rows in step, or unreadable, are left out). */
export function memoryFromRows(rows: Array<Partial<Record<keyof CalendarStateRow, unknown>>>): ProblemMemory {
	const memory: ProblemMemory = {};
	for (const r of rows) {
		const problem = String(r.problem ?? '');
		const since = Date.parse(String(r.problemSince ?? ''));
		if (!r.practitioner || !problem || !Number.isFinite(since)) continue;
		const toldAt = Date.parse(String(r.toldAt ?? ''));
		memory[`${String(r.practitioner)}:${problem}`] = { since, runs: Math.max(0, Number(r.problemRuns) || 0), ...(Number.isFinite(toldAt) ? { toldAt } : {}) };
	}
	return memory;
}

/** This run's row for every practitioner, with what is now remembered of their problem. */
export function stateRows(rows: PractitionerBlocks[], memory: ProblemMemory, now: number): CalendarStateRow[] {
	return rows.map((r) => {
		const m = r.problem ? memory[`${r.practitioner}:${r.problem.kind}`] : undefined;
		return {
			practitioner: r.practitioner,
			mailbox: r.mailbox,
			blocks: r.blocks,
			checkedAt: iso(now),
			problem: r.problem?.kind ?? '',
			detail: r.problem?.detail.slice(0, 500) ?? '',
			problemSince: iso(m?.since),
			problemRuns: m?.runs ?? 0,
			toldAt: iso(m?.toldAt),
		};
	});
}
