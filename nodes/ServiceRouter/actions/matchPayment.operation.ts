/**
 * Match Payment: which service a Stripe payment is for and whether its amount matches the catalog; or,
 * matched against the payer's upcoming MediRecords appointments, the booking it pays for.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { omit } from '../../../lib/objects';
import { bookingStillToCome, matchPayment, matchPaymentToBooking, type AppointmentSeen, type PaymentMatch } from '../../../lib/sources/payments';
import { noteExecution } from '../../shared/executionData';
import { eachItem, jsonParameter, readCatalog, showFor, type Operation, type Outputs } from './common';

export const option: Operation['option'] = {
	name: 'Match Payment',
	value: 'matchPayment',
	action: 'Match a stripe payment to a service',
	description: 'Which service a Stripe payment is for, and whether the amount matches the catalog',
};
export const subtitle = 'Match a payment';

export const description: INodeProperties[] = [
	{
		displayName: 'Match Against',
		name: 'matchAgainst',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Catalog Prices', value: 'catalog', description: 'Each input item is a Stripe event: which service it pays for, from its metadata and amount' },
			{ name: 'The Payer’s Bookings', value: 'bookings', description: 'The input items are the payer’s upcoming MediRecords appointments: the one the payment pays for, and that booking’s expected amount' },
		],
		default: 'catalog',
		displayOptions: showFor('matchPayment'),
	},
	{
		displayName: 'Payment',
		name: 'payment',
		type: 'json',
		required: true,
		default: '',
		placeholder: "={{ $('Match Payment').first().json }}",
		description: 'The Match Payment step’s output for this Stripe event. The input items are the payer’s upcoming appointments; they are matched once, together, and one item comes out.',
		displayOptions: { show: { operation: ['matchPayment'], matchAgainst: ['bookings'] } },
	},
	{
		displayName: 'Wait for a Booking (Hours)',
		name: 'waitHours',
		type: 'number',
		default: 48,
		typeOptions: { minValue: 0 },
		description:
			'A payment whose booking is not in MediRecords yet (Stripe’s webhook often comes before the booking’s calendar notification) is marked waiting for this long after Stripe created it, to be matched again; only then is it flagged as having no booking. 0 flags it at once. Refunds never wait.',
		displayOptions: { show: { operation: ['matchPayment'], matchAgainst: ['bookings'] } },
	},
];

export async function execute(ctx: IExecuteFunctions, out: Outputs): Promise<void> {
	if (ctx.getNodeParameter('matchAgainst', 0, 'catalog') === 'bookings') return matchBookings(ctx, out);
	await eachItem(ctx, out, (i, catalog, payload, input) => {
		const match = matchPayment(catalog, (payload.body as IDataObject) ?? payload);
		if (!match.ok) return out.unrouted(i, match.reason, match.detail, input);
		out.notes.push({ service: match.value.service, kind: match.value.kind, payment: match.value.reason, outcome: `payment: ${match.value.reason}` });
		out.put('main', match.value as unknown as IDataObject, i);
	});
	out.noteExecution(ctx);
}

/** All input items are the payer's appointments; one item comes out, paired with all of them. */
async function matchBookings(ctx: IExecuteFunctions, out: Outputs): Promise<void> {
	const items = ctx.getInputData();
	const payment = jsonParameter(ctx.getNodeParameter('payment', 0, '') as unknown) as (PaymentMatch & { catalog?: unknown }) | undefined;
	if (!payment || typeof payment !== 'object' || typeof payment.amount !== 'number') {
		throw new NodeOperationError(ctx.getNode(), 'No payment reached this step.', { description: "Set Payment to the Match Payment step's output, for example {{ $('Match Payment').first().json }}." });
	}
	const catalog = readCatalog(ctx, 0);
	const checked = matchPaymentToBooking(catalog, omit(payment, 'catalog'), items.map((item) => item.json as AppointmentSeen));
	const wait = bookingStillToCome(checked, Date.now(), Number(ctx.getNodeParameter('waitHours', 0, 48)));
	const reviewAlert = wait.waitUntil ? { ...checked.reviewAlert, waitedUntil: wait.waitUntil } : checked.reviewAlert;
	out.lists[0].push({ json: { ...checked, reviewAlert, ...wait } as unknown as IDataObject, pairedItem: items.map((_, item) => ({ item })) });
	const outcome = wait.waiting ? 'payment: waiting for its booking' : `payment: ${checked.reason}`;
	noteExecution(ctx, { payment: wait.waiting ? 'waiting' : checked.reason, service: checked.service, kind: checked.kind, appointmentId: checked.comparedWith?.appointmentId, outcome }, ['outcome']);
}
