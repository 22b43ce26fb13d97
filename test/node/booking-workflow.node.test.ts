/**
 * Expressions of the shipped Booking Processor, evaluated by n8n's own expression engine against the workflow
 * file unchanged: when ops are asked to follow a booking up, and what a stop says (the Error Alert pages nobody
 * for "Retrying automatically").
 */
import { readFileSync } from 'fs';
import path from 'path';
import { Workflow, type IConnections, type IDataObject, type INode, type INodeTypes, type IRunExecutionData } from 'n8n-workflow';

const shipped = JSON.parse(readFileSync(path.join(__dirname, '../../workflows/booking-processor.json'), 'utf8')) as { nodes: INode[]; connections: IConnections };
// Expressions only: no node of the workflow is run, so no node type is needed.
const noTypes = { getByName: () => undefined, getByNameAndVersion: () => undefined, getKnownTypes: () => ({}) } as unknown as INodeTypes;

function evaluate(nodeName: string, expression: string, json: IDataObject): unknown {
	const workflow = new Workflow({ id: 'BookingProcWf001', name: 'Booking Processor', nodes: structuredClone(shipped.nodes), connections: shipped.connections, nodeTypes: noTypes, active: false });
	const runExecutionData = { resultData: { runData: {} } } as unknown as IRunExecutionData;
	return workflow.expression.getParameterValue(expression, runExecutionData, 0, 0, nodeName, [{ json }], 'trigger', {});
}
const parameters = (name: string) => shipped.nodes.find((n) => n.name === name)!.parameters as IDataObject;

test('a booking placed with something to follow up asks ops once: an older version another execution superseded asks nothing', () => {
	const condition = String(((parameters('Needs Follow-up?').conditions as IDataObject).conditions as IDataObject[])[0].leftValue);
	const followUpAlert = { kind: 'booking_follow_up', reasons: ['price_differs'] };
	expect(evaluate('Needs Follow-up?', condition, { id: 'appt-1', followUpAlert })).toBe(true);
	expect(evaluate('Needs Follow-up?', condition, { action: 'superseded', superseded: true, followUpAlert })).toBe(false);
	expect(evaluate('Needs Follow-up?', condition, { id: 'appt-1', followUpAlert: null })).toBe(false);
});

test('a calendar read that failed stops "Retrying automatically", naming the event the sweep reads again', () => {
	const message = String(parameters('Retrying Automatically').errorMessage);
	expect(evaluate('Retrying Automatically', message, { retry: { eventId: 'AAMk-1', attempt: 1, givenUp: false, nextAttemptAt: null, bySweep: true, reason: 'calendar_read_failed' } })).toBe('Retrying automatically (the Calendar Sweep reads event AAMk-1 again): calendar_read_failed');
	expect(evaluate('Retrying Automatically', message, { retry: { eventId: 'AAMk-1', attempt: 2, givenUp: false, nextAttemptAt: '2027-01-01T00:10:00.000Z', reason: 'MediRecords answered 503' } })).toBe('Retrying automatically (attempt 2, next at 2027-01-01T00:10:00.000Z): MediRecords answered 503');
	expect(evaluate('Retrying Automatically', message, { retry: { eventId: 'AAMk-1', attempt: 6, givenUp: true, reason: 'MediRecords answered 503' } })).toMatch(/^Booking given up after 6 attempts \(event AAMk-1\)/);
});
