/**
 * The Service Router's outputs, one table for both readers: the editor draws the outputs from it (the
 * node's `outputs` expression) and `execute` puts each item on the output of that name. As n8n's Switch
 * node drives its canvas and its routing from the same rules, the two can never disagree on an index.
 */
import { FORM_TYPE_NAMES, FORM_TYPES } from '../../../lib/catalog/facts';

export interface OutputRow {
	/** What `execute` calls the output. */
	name: string;
	/** What the canvas shows. */
	label: string;
}

const row = (name: string, label: string): OutputRow => ({ name, label });
const MAIN = row('main', 'Main');
const UNROUTED = row('unrouted', 'Unrouted');
const NOT_MODIFIED = row('notModified', 'Not Modified');

/** Each operation's outputs. Route Booking's start with one output per service (its Service Outputs parameter). */
export const OUTPUT_TABLE = {
	defineCatalog: [row('main', 'Catalog')],
	listPractitioners: [MAIN, UNROUTED, NOT_MODIFIED],
	websiteWidget: [MAIN, UNROUTED, NOT_MODIFIED],
	matchPayment: [MAIN, UNROUTED],
	matchPaymentBookings: [MAIN],
	routeBooking: [row('freeConsultation', 'Free Consultation'), row('cancellation', 'Cancellation'), UNROUTED, row('notBooking', 'Not a Booking'), row('retryLater', 'Retry Later')],
	recordOutcome: [row('main', 'Continue'), row('ledger', 'Ledger Row')],
	routeForm: [...FORM_TYPES.map((t) => row(t, FORM_TYPE_NAMES[t].label)), UNROUTED],
} satisfies Record<string, OutputRow[]>;

export interface OutputParameters {
	operation?: unknown;
	serviceOutputs?: unknown;
	matchAgainst?: unknown;
}

/**
 * The same rule as `outputRows`, as text the editor evaluates with the table and the node's parameters
 * (n8n runs `outputs` expressions in the browser, so it cannot import this module). A node test checks
 * the two give the same outputs for every operation.
 */
export const OUTPUTS_EXPRESSION = `(t, p) => {
	const rows = p.operation === 'routeBooking'
		? [...String(p.serviceOutputs || '').split(',').map((s) => s.trim()).filter(Boolean).map((k) => ({ name: k, label: k })), ...t.routeBooking]
		: p.operation === 'matchPayment' && p.matchAgainst === 'bookings' ? t.matchPaymentBookings : (t[p.operation] || t.matchPayment);
	return rows.map((r) => ({ type: 'main', displayName: r.label }));
}`;

/** The node's `outputs`: the rule above applied to the table and the parameters in the editor. */
export const outputsExpression: `={{${string}}}` = `={{(${OUTPUTS_EXPRESSION})(${JSON.stringify(OUTPUT_TABLE)}, $parameter)}}`;

/** Service keys listed in Route Booking's Service Outputs ("a, b, c"). */
export function serviceOutputKeys(serviceOutputs: unknown): string[] {
	return String(serviceOutputs || '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}

/** The outputs of an operation with these parameters, in order. */
export function outputRows(p: OutputParameters): OutputRow[] {
	if (p.operation === 'routeBooking') return [...serviceOutputKeys(p.serviceOutputs).map((k) => row(k, k)), ...OUTPUT_TABLE.routeBooking];
	if (p.operation === 'matchPayment' && p.matchAgainst === 'bookings') return OUTPUT_TABLE.matchPaymentBookings;
	return (OUTPUT_TABLE as Record<string, OutputRow[]>)[String(p.operation)] ?? OUTPUT_TABLE.matchPayment;
}
