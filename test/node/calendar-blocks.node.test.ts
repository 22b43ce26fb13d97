/**
 * The Calendar Blocks node through n8n's execution path, against the Graph and MediRecords sandboxes: what it
 * writes into each calendar, what a read-only run reports, and how one practitioner's failure stays theirs.
 */
import type { IDataObject } from 'n8n-workflow';
import { CalendarBlocks } from '../../nodes/CalendarBlocks/CalendarBlocks.node';
import { BLOCK_PROPERTY_ID } from '../../lib/blocks/blocks';
import { referenceMarker } from '../../lib/medirecords/mapping';
import { toPracticeLocal } from '../../lib/time';
import { PRACTITIONERS } from '../../sandbox/seed';
import { shippedCatalog } from '../helpers/fixtures';
import { GRAPH } from '../helpers/graph';
import { MR } from '../helpers/medirecords';
import { graphAndMediRecords } from '../helpers/sandboxes';
import { registerNode, runNode, type NodeSpec } from '../helpers/n8n';

registerNode('calendarBlocks', CalendarBlocks);

const sandboxes = graphAndMediRecords();

const catalog = shippedCatalog();
const tz = catalog.clinic.timeZone;
const who = (key: string) => PRACTITIONERS.find((p) => p.key === key)!;
const inDays = (d: number, hour = 10) => toPracticeLocal(Math.floor(Date.now() / 86_400_000) * 86_400_000 + d * 86_400_000 + hour * 3_600_000, tz);
const blocks = (key: string) => sandboxes.g.eventsWithProperty(who(key).mailbox, BLOCK_PROPERTY_ID);
const spec = (mode: 'write' | 'report' = 'write', state: IDataObject[] = []): NodeSpec => ({ type: 'calendarBlocks', credentials: { ...GRAPH.credentials, ...MR.credentials }, parameters: { catalog: JSON.stringify(catalog), mode, daysAhead: 60, stateRows: JSON.stringify(state) } });
/** The Calendar Blocks table between runs, as the workflow's Save Calendar State step keeps it. */
let table: IDataObject[] = [];
beforeEach(() => (table = []));
const run = async (mode: 'write' | 'report' = 'write') => {
	const r = await runNode(spec(mode, table));
	expect(r.error).toBeUndefined();
	table = r.outputs[1].map((i) => i.json);
	return r.outputs[0][0].json as IDataObject & { totals: Record<string, number>; practitioners: Array<IDataObject & { problem: IDataObject | null }>; alert: IDataObject | null };
};

test('one run blocks reception’s appointments only, in the right calendars; a second run changes nothing', async () => {
	const phone = sandboxes.mr.receptionBook({ providerId: who('nurse').providerId, scheduleTime: inDays(3), minutes: 60 });
	sandboxes.mr.receptionBook({ providerId: who('ramona').providerId, scheduleTime: inDays(4) });
	sandboxes.mr.receptionBook({ providerId: who('ramona').providerId, scheduleTime: inDays(5), notes: `Booked via Calendly: GAPS follow-up. ${referenceMarker('AAMk-calendly')}` });
	sandboxes.mr.receptionBook({ providerId: who('ramona').providerId, scheduleTime: inDays(6), status: 8 });
	const first = await run();
	expect(first.totals).toMatchObject({ blocks: 2, created: 2, moved: 0, removed: 0, problems: 0 });
	expect(first.summary).toBe('2 blocks for 8 calendars: 2 created, 0 moved, 0 removed');
	expect(blocks('nurse')).toHaveLength(1);
	expect(blocks('ramona')).toHaveLength(1);
	expect(blocks('nurse')[0].singleValueExtendedProperties).toEqual([{ id: BLOCK_PROPERTY_ID, value: phone.id }]);
	expect(first.practitioners.find((p) => p.practitioner === 'ramona')).toMatchObject({ skipped: { calendly: 1, cancelled: 1, outside: 0, unreadable: 0 } });
	const writes = () => sandboxes.g.calls.filter((c) => c.method !== 'GET' && !c.path.includes('/oauth2/')).length;
	const before = writes();
	const second = await run();
	expect(second.totals).toMatchObject({ blocks: 2, created: 0, moved: 0, removed: 0 });
	expect(writes()).toBe(before);
	expect(first.alert).toBeNull();
});

test('Report Only writes nothing and says what it would do', async () => {
	sandboxes.mr.receptionBook({ providerId: who('dr-dia').providerId, scheduleTime: inDays(2) });
	const r = await run('report');
	expect(r.totals).toMatchObject({ created: 0, wouldCreate: 1 });
	expect(r.summary).toMatch(/would create 1, move 0, remove 0 \(read-only\)$/);
	expect(blocks('dr-dia')).toEqual([]);
	expect(sandboxes.g.calls.filter((c) => c.method !== 'GET' && !c.path.includes('/oauth2/'))).toEqual([]);
});

test('a token without Calendars.ReadWrite: each calendar with work to do is refused and counted as would-do; ops hear on the third run, naming it and the permission', async () => {
	sandboxes.g.appRoles = ['Calendars.Read'];
	sandboxes.mr.receptionBook({ providerId: who('dr-dia').providerId, scheduleTime: inDays(2) });
	const once = () => run('write');
	const r1 = await once();
	expect(r1.practitioners.find((p) => p.practitioner === 'dr-dia')).toMatchObject({ created: 0, wouldCreate: 1, problem: { kind: 'write_refused' } });
	expect(String(r1.practitioners.find((p) => p.practitioner === 'dr-dia')!.problem!.detail)).toMatch(/403: Access is denied/);
	expect(r1.practitioners.filter((p) => p.problem)).toHaveLength(1);
	expect(r1.alert).toBeNull();
	expect((await once()).alert).toBeNull();
	const r3 = await once();
	expect(r3.alert).toMatchObject({ kind: 'calendar_blocks', practitioners: [{ practitioner: 'dr-dia', problem: 'write_refused' }] });
	expect((await once()).alert).toBeNull();
	expect(blocks('dr-dia')).toEqual([]);
	// What the table keeps: the practitioner, the problem, since when, how many runs, when ops were told; no patient data.
	expect(table.find((r) => r.practitioner === 'dr-dia')).toMatchObject({ mailbox: who('dr-dia').mailbox, blocks: 1, problem: 'write_refused', problemRuns: 4, toldAt: expect.stringMatching(/^\d{4}-/) });
	expect(table.find((r) => r.practitioner === 'nurse')).toMatchObject({ problem: '', problemRuns: 0, toldAt: '' });
});

test('a provider MediRecords refuses to list stops only that practitioner, whose blocks are left as they are', async () => {
	sandboxes.mr.receptionBook({ providerId: who('nurse').providerId, scheduleTime: inDays(2) });
	sandboxes.mr.receptionBook({ providerId: who('ramona').providerId, scheduleTime: inDays(2) });
	await run();
	expect(blocks('ramona')).toHaveLength(1);
	sandboxes.mr.inject({ status: 400, match: `^GET /v1/practices/[^/]+/appointments$`, times: 1 });
	// The fault meets whichever practitioner is listed first: exactly one is unreadable, nothing is removed anywhere.
	const r = await run();
	const failed = r.practitioners.filter((p) => p.problem);
	expect(failed.map((p) => (p.problem as IDataObject).kind)).toEqual(['medirecords_unreadable']);
	expect(r.totals.removed).toBe(0);
	expect(blocks('ramona')).toHaveLength(1);
	expect(blocks('nurse')).toHaveLength(1);
});
