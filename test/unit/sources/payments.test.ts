import type { Catalog } from '../../../lib/catalog';
import { bookingStillToCome, matchPayment, matchPaymentToBooking, type AppointmentSeen, type PaymentMatch } from '../../../lib/sources/payments';
import { APPOINTMENT_STATUS } from '../../../lib/medirecords/mapping';
import { APPOINTMENT_TYPES } from '../../../sandbox/seed';
import { shippedCatalog, stripeEvent } from '../../helpers/fixtures';

const catalog: Catalog = shippedCatalog();
const type = (name: string) => APPOINTMENT_TYPES.find((t) => t.name === name)!.id;

describe('Match Payment', () => {
	test('a $119 payment is an Alternative Medicine initial consultation', () => {
		const r = matchPayment(catalog, stripeEvent('payment_intent.succeeded', { id: 'pi_1', amount_received: 11900, currency: 'aud', receipt_email: 'Ana@Example.com' }));
		expect(r.ok && r.value).toMatchObject({ service: 'alternative-medicine', kind: 'initial', amount: 119, amountMatches: true, matchedBy: 'amount', email: 'ana@example.com', needsReview: false });
	});

	test('$79 is shared by two services: flagged for review with both candidates; metadata settles it', () => {
		const r = matchPayment(catalog, stripeEvent('charge.succeeded', { id: 'ch_1', payment_intent: 'pi_2', amount: 7900, currency: 'aud' }));
		expect(r.ok && r.value).toMatchObject({ matchedBy: 'none', needsReview: true });
		expect(r.ok && r.value.service).toBeUndefined();
		expect(r.ok && r.value.candidates).toEqual([{ service: 'alternative-medicine', kind: 'followUp' }, { service: 'gaps-coaching', kind: 'followUp' }]);
		const m = matchPayment(catalog, stripeEvent('charge.succeeded', { id: 'ch_2', amount: 7900, currency: 'aud', metadata: { event_type: 'GAPS Coaching Follow-up' } }));
		expect(m.ok && m.value).toMatchObject({ service: 'gaps-coaching', kind: 'followUp', amountMatches: true, matchedBy: 'metadata' });
	});

	test('an amount that does not match the catalog is flagged', () => {
		const r = matchPayment(catalog, stripeEvent('checkout.session.completed', { id: 'cs_1', amount_total: 9900, currency: 'aud', metadata: { service: 'gaps-coaching' } }));
		expect(r.ok && r.value).toMatchObject({ service: 'gaps-coaching', expectedAmount: 79, amountMatches: false, needsReview: true });
	});

	test.each([
		// Stripe's Charge on charge.refunded: amount is what was paid, amount_refunded the total refunded so far.
		['in full', { amount: 19500, amount_refunded: 19500, refunded: true }, 195, true, 'Refunded 195.00 AUD in full (pi_7)'],
		['partly', { amount: 19500, amount_refunded: 5000, refunded: false }, 50, false, 'Refunded 50.00 AUD so far of 195.00 paid (pi_7)'],
		['partly, a second time (amounts add up)', { amount: 19500, amount_refunded: 12000, refunded: false }, 120, false, 'Refunded 120.00 AUD so far of 195.00 paid (pi_7)'],
	])('a refund %s is noted as a refund on the booking it paid for, never as a price that differs', (_l, charge, refundedAmount, inFull, notesLine) => {
		const r = matchPayment(catalog, stripeEvent('charge.refunded', { id: 'ch_7', payment_intent: 'pi_7', currency: 'aud', billing_details: { email: 'ana@example.com' }, ...charge }));
		if (!r.ok) throw new Error(r.detail);
		expect(r.value).toMatchObject({ refund: true, amount: 195, refundedAmount, refundedInFull: inFull, service: 'gaps-coaching', kind: 'initial', reason: 'ok', needsReview: false, email: 'ana@example.com' });
		const appt: AppointmentSeen = { id: 'ap-1', patientId: 'pa-1', appointmentTypeId: type('GAPS Coaching Initial'), scheduleTime: '2026-12-10T09:00', appointmentStatus: 2 };
		const checked = matchPaymentToBooking(catalog, r.value, [appt]);
		expect(checked).toMatchObject({ appointmentId: 'ap-1', reason: 'ok', needsReview: false, notesLine });
	});

	test('a refund is recognised as a refund', () => {
		const r = matchPayment(catalog, stripeEvent('charge.refunded', { id: 'ch_9', payment_intent: 'pi_9', amount: 19500, amount_refunded: 19500, currency: 'aud' }));
		expect(r.ok && r.value).toMatchObject({ refund: true, amount: 195, service: 'gaps-coaching', kind: 'initial', paymentId: 'pi_9' });
	});

	test('other event types and non-events are Unrouted', () => {
		expect(matchPayment(catalog, stripeEvent('customer.created', { id: 'cus_1' }))).toMatchObject({ ok: false, reason: 'ignored_event_type' });
		expect(matchPayment(catalog, { hello: 'world' })).toMatchObject({ ok: false, reason: 'invalid_event' });
	});
});

describe('payments matched to what they pay for', () => {
	const pay = (amount: number, metadata: Record<string, string> = {}): PaymentMatch => {
		const r = matchPayment(catalog, stripeEvent('payment_intent.succeeded', { id: 'pi_1', object: 'payment_intent', amount_received: amount * 100, currency: 'aud', receipt_email: 'tom.lee@example.com', metadata }));
		if (!r.ok) throw new Error(r.detail);
		return r.value;
	};
	const appt = (id: string, typeName: string, patientId = 'pat-tom', scheduleTime = '2027-01-10T09:00', status = 2): AppointmentSeen => ({ id, patientId, appointmentTypeId: type(typeName), providerId: 'p', scheduleTime, appointmentStatus: status });

	test.each([
		['Tom Lee pays $100 for his GAPS initial ($195)', 100, {}, [appt('a1', 'GAPS Coaching Initial')], 'amount_differs', 195, { appointmentId: 'a1', service: 'gaps-coaching', kind: 'initial' }],
		['$195 for the GAPS initial', 195, {}, [appt('a1', 'GAPS Coaching Initial')], 'ok', 195, { appointmentId: 'a1', service: 'gaps-coaching', kind: 'initial' }],
		['$79 when the next booking is a GAPS follow-up (several services charge $79)', 79, {}, [appt('a1', 'GAPS Coaching Follow-up')], 'ok', 79, { appointmentId: 'a1', service: 'gaps-coaching', kind: 'followUp' }],
		['a Weight Loss booking (no price in the catalog)', 60, {}, [appt('a1', 'Weight Loss Follow-up')], 'no_catalog_price', null, { appointmentId: 'a1', service: 'weight-loss', kind: 'followUp' }],
		['the later booking is the one with the amount’s price', 195, {}, [appt('a1', 'GAPS Coaching Follow-up', 'pat-tom', '2027-01-05T09:00'), appt('a2', 'GAPS Coaching Initial', 'pat-tom', '2027-01-20T09:00')], 'ok', 195, { appointmentId: 'a2', kind: 'initial' }],
		['a free consultation is not what a payment pays for', 119, {}, [appt('f1', 'Free Initial Consultation', 'pat-tom', '2027-01-02T09:00'), appt('a1', 'Alternative Medicine Initial')], 'ok', 119, { appointmentId: 'a1', service: 'alternative-medicine' }],
		['a cancelled booking is skipped', 119, {}, [appt('c1', 'Alternative Medicine Initial', 'pat-tom', '2027-01-02T09:00', APPOINTMENT_STATUS.cancelled), appt('a1', 'Alternative Medicine Initial')], 'ok', 119, { appointmentId: 'a1' }],
		['Stripe metadata names the service: its bookings first', 79, { service: 'alternative-medicine' }, [appt('g1', 'GAPS Coaching Follow-up', 'pat-tom', '2027-01-02T09:00'), appt('a1', 'Alternative Medicine Follow-up')], 'ok', 79, { appointmentId: 'a1', service: 'alternative-medicine' }],
	])('%s → %s', (_l, amount, md, appointments, reason, expected, compared) => {
		const r = matchPaymentToBooking(catalog, pay(amount, md), appointments);
		expect(r.reason).toBe(reason);
		expect(r.needsReview).toBe(reason !== 'ok');
		expect(r.expectedAmount).toBe(expected);
		expect(r.comparedWith).toMatchObject(compared);
		expect(r.appointmentId).toBe(compared.appointmentId);
		expect(JSON.stringify(r.comparedWith)).not.toMatch(/pat-tom|tom\.lee/);
	});

	test('no booking, or a family sharing the email with bookings that fit equally: not noted on anyone’s appointment, a person decides', () => {
		expect(matchPaymentToBooking(catalog, pay(195), [{}])).toMatchObject({ reason: 'no_booking', appointmentId: null, comparedWith: null, service: 'gaps-coaching' });
		const family = [appt('k1', 'GAPS Coaching Follow-up', 'pat-kid-1'), appt('k2', 'Alternative Medicine Follow-up', 'pat-kid-2')];
		expect(matchPaymentToBooking(catalog, pay(79), family)).toMatchObject({ reason: 'booking_unclear', appointmentId: null, bookingsConsidered: 2 });
		// Only one sibling's booking has the amount's price: that one.
		expect(matchPaymentToBooking(catalog, pay(195), [appt('k1', 'GAPS Coaching Initial', 'pat-kid-1'), appt('k2', 'Alternative Medicine Follow-up', 'pat-kid-2')])).toMatchObject({ reason: 'ok', appointmentId: 'k1' });
		// Neither fits and they are two people: a person decides.
		expect(matchPaymentToBooking(catalog, pay(50), family)).toMatchObject({ reason: 'booking_unclear', appointmentId: null });
	});

	test('before the booking is known: "no catalog price" and "amount differs" are separate reasons', () => {
		expect(pay(60, { service: 'weight-loss' })).toMatchObject({ reason: 'no_catalog_price', expectedAmount: null, needsReview: true });
		expect(pay(99, { service: 'gaps-coaching' })).toMatchObject({ reason: 'amount_differs', expectedAmount: 79, needsReview: true });
		expect(pay(79)).toMatchObject({ reason: 'service_unclear', matchedBy: 'none' });
		expect(pay(195)).toMatchObject({ reason: 'ok', service: 'gaps-coaching', kind: 'initial' });
	});

	test('a payment whose booking is not there yet waits its hours from when Stripe created it; a refund, a wait of 0 and other reasons never wait', () => {
		const created = '2027-01-05T09:00:00.000Z';
		const at = (h: number) => Date.parse(created) + h * 3_600_000;
		expect(bookingStillToCome({ reason: 'no_booking', refund: false, created }, at(1), 48)).toEqual({ waiting: true, waitUntil: '2027-01-07T09:00:00.000Z' });
		expect(bookingStillToCome({ reason: 'no_booking', refund: false, created }, at(48), 48)).toEqual({ waiting: false, waitUntil: '2027-01-07T09:00:00.000Z' });
		expect(bookingStillToCome({ reason: 'no_booking', refund: true, created }, at(1), 48)).toEqual({ waiting: false, waitUntil: null });
		expect(bookingStillToCome({ reason: 'no_booking', refund: false, created }, at(1), 0)).toEqual({ waiting: false, waitUntil: null });
		expect(bookingStillToCome({ reason: 'amount_differs', refund: false, created }, at(1), 48)).toEqual({ waiting: false, waitUntil: null });
		// No creation time (not a Stripe event): from now.
		expect(bookingStillToCome({ reason: 'no_booking', refund: false }, at(0), 48).waiting).toBe(true);
	});
});
