/**
 * The shipped Calendar Sweep when its Booking Ledger read fails. n8n's Data Table step refuses a read of more
 * than 1,000 rows whose count changes between pages ("synchronization error: result count changed during
 * pagination", n8n-nodes-base DataTable/common/selectMany), which a calendar import's bookings writing to
 * the ledger cause. The sweep then stops without moving any delta link; the stop says "Retrying
 * automatically" (the Error Alert pages nobody) while sweeps keep finishing, and pages ops once none has
 * finished for 30 minutes. The stop's message is evaluated here by n8n's own expression engine, against
 * the shipped workflow unchanged.
 */
import { readFileSync } from 'fs';
import path from 'path';
import { Workflow, type IConnections, type INode, type INodeTypes, type IRunExecutionData } from 'n8n-workflow';

const shipped = JSON.parse(readFileSync(path.join(__dirname, '../../workflows/calendar-sweep.json'), 'utf8')) as { nodes: INode[]; connections: IConnections };
const alertWorkflow = JSON.parse(readFileSync(path.join(__dirname, '../../workflows/error-alert.json'), 'utf8')) as { nodes: INode[] };

// Expressions only: no node of the workflow is run, so no node type is needed.
const noTypes = { getByName: () => undefined, getByNameAndVersion: () => undefined, getKnownTypes: () => ({}) } as unknown as INodeTypes;

function stopMessage(syncRows: Array<Record<string, unknown>>): string {
	const workflow = new Workflow({ id: 'CalendarSweepWf1', name: 'Calendar Sweep', nodes: structuredClone(shipped.nodes), connections: shipped.connections, nodeTypes: noTypes, active: false });
	const stop = workflow.getNode('Ledger Unreadable')!;
	const run = { data: { main: [syncRows.map((json) => ({ json }))] }, source: [], startTime: 0, executionTime: 0, executionIndex: 0 };
	const runExecutionData = { resultData: { runData: { 'Calendar Sync Rows': [run] } } } as unknown as IRunExecutionData;
	return String(workflow.expression.getParameterValue(stop.parameters.errorMessage as string, runExecutionData, 0, 0, stop.name, [{ json: {} }], 'trigger', {}));
}

describe('Calendar Sweep: a Booking Ledger it cannot read', () => {
	const ledgerRead = shipped.nodes.find((n) => n.name === 'Open Ledger Rows')!;

	test('the read is tried 3 times, then its failure goes to "Ledger Unreadable" instead of ending the sweep unexplained', () => {
		expect(ledgerRead).toMatchObject({ retryOnFail: true, maxTries: 3, onError: 'continueErrorOutput' });
		const outputs = shipped.connections['Open Ledger Rows'].main;
		expect(outputs[0]!.map((c) => c.node)).toEqual(['Sweep Calendars']);
		expect(outputs[1]!.map((c) => c.node)).toEqual(['Ledger Unreadable']);
		expect(shipped.nodes.find((n) => n.name === 'Ledger Unreadable')!.type).toBe('n8n-nodes-base.stopAndError');
	});

	test('while sweeps keep finishing it retries by itself, and the Error Alert pages nobody for it', () => {
		const message = stopMessage([{ mailbox: 'dr.dia@clinic.example', sweptAt: new Date(Date.now() - 5 * 60_000).toISOString() }, { mailbox: 'nurse@clinic.example', sweptAt: new Date(Date.now() - 45 * 60_000).toISOString() }]);
		expect(message).toMatch(/^Retrying automatically: the Booking Ledger could not be read/);
		expect(message).toContain('No delta link moved');
		// The Error Alert's filter is what keeps ops' phones quiet: it must know this prefix.
		const filter = JSON.stringify(alertWorkflow.nodes.find((n) => n.name === 'Retrying by Itself?')!.parameters);
		expect(filter).toContain("startsWith('Retrying automatically')");
	});

	test('when no sweep has finished for 30 minutes, or none ever did, ops are told', () => {
		const stale = new Date(Date.now() - 31 * 60_000).toISOString();
		expect(stopMessage([{ mailbox: 'dr.dia@clinic.example', sweptAt: stale }])).toBe(
			`Calendar sweep has not finished since ${stale}: the Booking Ledger could not be read (bookings were writing to it while it was read, or the data table failed). No delta link moved, so the next sweep reads the same changes.`,
		);
		expect(stopMessage([{}])).toMatch(/^Calendar sweep has not finished since it was set up: /);
	});
});
