/**
 * Stripe payments → what they pay for. First from the Stripe event alone
 * (metadata, then the amount against the catalog's prices), then — once the
 * patient's upcoming bookings are read from MediRecords — against the booking
 * it pays for: the expected amount is that booking's service and kind.
 * Reasons a person should look are told apart, and say which booking was
 * compared (its MediRecords id, service and kind; never patient data).
 */
import { expectedPrice, type BookingKind, type Catalog, type Service } from '../catalog';
import { APPOINTMENT_STATUS } from '../medirecords/mapping';
import { cleanEmail } from './patientFields';
import { fail, matchingRules, type RouteResult } from '../catalog/rules';

export type PaymentReason = 'ok' | 'service_unclear' | 'no_catalog_price' | 'amount_differs' | 'currency_differs' | 'no_booking' | 'booking_unclear';

export interface PaymentMatch {
	eventId: string;
	eventType: string;
	paymentId?: string;
	amount: number;
	currency: string;
	refund: boolean;
	/** For a refund (Stripe's `charge.refunded`): how much of `amount` is refunded so far, and whether in full. */
	refundedAmount?: number;
	refundedInFull?: boolean;
	email?: string;
	service?: string;
	serviceName?: string;
	practitioner?: string;
	kind?: 'initial' | 'followUp';
	expectedAmount?: number | null;
	amountMatches: boolean;
	matchedBy: 'metadata' | 'amount' | 'none';
	/** True when a person should look; `reason` says why. */
	needsReview: boolean;
	reason: PaymentReason;
	candidates: Array<{ service: string; kind: 'initial' | 'followUp' }>;
	created?: string;
}

const STRIPE_TYPES = ['payment_intent.succeeded', 'charge.succeeded', 'charge.refunded', 'checkout.session.completed'];

// Webhook bodies are untyped JSON; every field is checked before use.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- narrowed field by field below
type Json = Record<string, any>;

/** The amount against one expected price: the reason a person should look, or 'ok'. */
export function compareAmount(catalog: Catalog, amount: number, currency: string, expected: number | null | undefined): PaymentReason {
	if (currency && currency !== catalog.clinic.currency) return 'currency_differs';
	if (expected === null || expected === undefined) return 'no_catalog_price';
	return Math.abs(expected - amount) <= catalog.clinic.priceTolerance ? 'ok' : 'amount_differs';
}

/** A refund's payment was checked when it was paid: a refund is noted as one, never as a price that differs. */
function judged(refund: boolean, found: PaymentReason): PaymentReason {
	return refund && (found === 'amount_differs' || found === 'no_catalog_price') ? 'ok' : found;
}

export function matchPayment(catalog: Catalog, event: Json): RouteResult<PaymentMatch> {
	if (!event || event.object !== 'event' || typeof event.type !== 'string' || !event.data?.object) {
		return fail('invalid_event', 'The item is not a Stripe event.');
	}
	if (!STRIPE_TYPES.includes(event.type)) return fail('ignored_event_type', `Stripe event type ${event.type} is not a payment the clinic records.`);
	const o = event.data.object;
	// charge.refunded carries the Charge (Stripe API reference, "The Charge object"): `amount` is what was paid,
	// `amount_refunded` what has been refunded so far (several partial refunds add up), `refunded` true once in full.
	// The payment is compared with the price; the refund is noted as a refund, never as a price that differs.
	const refund = event.type === 'charge.refunded';
	const cents = Number(o.amount_received ?? o.amount_total ?? o.amount ?? 0);
	const amount = Math.round(cents) / 100;
	const refunded = refund ? { refundedAmount: Math.round(Number(o.amount_refunded ?? 0)) / 100, refundedInFull: o.refunded === true || Number(o.amount_refunded ?? 0) >= cents } : {};
	const currency = String(o.currency ?? '').toUpperCase();
	const md: Record<string, string> = { ...(o.metadata ?? {}) };
	const email = cleanEmail(o.receipt_email ?? o.customer_details?.email ?? o.billing_details?.email ?? md.email ?? md.invitee_email);
	const paymentId = String(o.payment_intent ?? o.id ?? '') || undefined;
	const base = { eventId: String(event.id), eventType: event.type, paymentId, amount, currency, refund, ...refunded, email, created: event.created ? new Date(Number(event.created) * 1000).toISOString() : undefined };

	const mdService = String(md.service ?? md.service_key ?? '').toLowerCase();
	const mdPractitioner = String(md.practitioner ?? md.host_email ?? '').toLowerCase();
	const practitioner = catalog.practitioners.find((p) => p.key === mdPractitioner || p.mailbox === mdPractitioner);
	let service = catalog.services.find((s) => s.key === mdService || s.name.toLowerCase() === mdService);
	const eventTypeName = String(md.event_type ?? md.event_type_name ?? o.description ?? '');
	if (!service && eventTypeName) {
		const rule = matchingRules(catalog, { subject: eventTypeName, eventType: eventTypeName }).find((r) => r.service);
		service = rule ? catalog.services.find((s) => s.key === rule.service) : undefined;
	}
	if (!service && practitioner && practitioner.services.length === 1) service = catalog.services.find((s) => s.key === practitioner.services[0]);

	// The price alone (currency is judged separately below).
	const near = (price: number | null) => compareAmount(catalog, amount, '', price) === 'ok';
	const candidates: PaymentMatch['candidates'] = [];
	for (const s of catalog.services) {
		if (near(s.prices.initial)) candidates.push({ service: s.key, kind: 'initial' });
		if (near(s.prices.followUp)) candidates.push({ service: s.key, kind: 'followUp' });
	}
	const review = (found: PaymentReason) => {
		const reason = judged(refund, found);
		return { reason, needsReview: reason !== 'ok', amountMatches: reason === 'ok' };
	};
	if (service) {
		const kind: 'initial' | 'followUp' = md.kind === 'initial' || (md.kind !== 'followUp' && near(service.prices.initial)) ? 'initial' : 'followUp';
		const expectedAmount = service.prices[kind];
		return { ok: true, value: { ...base, service: service.key, serviceName: service.name, practitioner: practitioner?.key, kind, expectedAmount, matchedBy: 'metadata', candidates, ...review(compareAmount(catalog, amount, currency, expectedAmount)) } };
	}
	const services = [...new Set(candidates.map((c) => c.service))];
	if (services.length === 1) {
		const s = catalog.services.find((x) => x.key === services[0])!;
		const c = candidates.find((x) => x.service === s.key)!;
		return { ok: true, value: { ...base, service: s.key, serviceName: s.name, practitioner: practitioner?.key, kind: c.kind, expectedAmount: s.prices[c.kind], matchedBy: 'amount', candidates, ...review(compareAmount(catalog, amount, currency, s.prices[c.kind])) } };
	}
	// Several services share the price (for example $79 follow-ups), or none has it: the booking decides, or a person.
	const currencyOk = !currency || currency === catalog.clinic.currency;
	return { ok: true, value: { ...base, practitioner: practitioner?.key, matchedBy: 'none', candidates, ...review(currencyOk ? 'service_unclear' : 'currency_differs') } };
}

/** An appointment as MediRecords lists it (only what the match needs). */
export interface AppointmentSeen {
	id?: unknown;
	patientId?: unknown;
	providerId?: unknown;
	appointmentTypeId?: unknown;
	scheduleTime?: unknown;
	appointmentStatus?: unknown;
}

/** The booking a payment was compared with: ids and catalog names only. */
export interface ComparedBooking {
	appointmentId: string;
	service: string | null;
	kind: BookingKind | null;
	scheduleTime: string;
}

export interface PaymentCheck extends PaymentMatch {
	/** The MediRecords appointment the payment is recorded on; null when none can be chosen. */
	appointmentId: string | null;
	comparedWith: ComparedBooking | null;
	/** How many live upcoming bookings were considered (all patients with the payer's email). */
	bookingsConsidered: number;
	/** The line the appointment's notes get: "Paid 195.00 AUD (pi_…)", with " - CHECK AMOUNT" when a person should look. */
	notesLine: string;
	/** The ops notice when a person should look (ids, amounts and catalog names only). */
	reviewAlert: PaymentReviewAlert;
}

export interface PaymentReviewAlert {
	kind: 'payment_review';
	reason: PaymentReason;
	stripeEvent: string;
	paymentId: string | null;
	amount: number;
	expected: number | null;
	service: string | null;
	paymentKind: string | null;
	comparedWith: ComparedBooking | null;
	bookingsConsidered: number;
}

/** What a checked payment hands the next steps, ready to map: the notes line and the ops notice. */
function readyToMap(c: Omit<PaymentCheck, 'notesLine' | 'reviewAlert'>): PaymentCheck {
	const notesLine = c.refund
		? `Refunded ${(c.refundedAmount ?? c.amount).toFixed(2)} ${c.currency} ${c.refundedInFull === false ? `so far of ${c.amount.toFixed(2)} paid` : 'in full'} (${c.paymentId ?? ''})${c.needsReview ? ' - CHECK BOOKING' : ''}`
		: `Paid ${c.amount.toFixed(2)} ${c.currency} (${c.paymentId ?? ''})${c.needsReview ? ' - CHECK AMOUNT' : ''}`;
	const reviewAlert: PaymentReviewAlert = {
		kind: 'payment_review',
		reason: c.reason,
		stripeEvent: c.eventId,
		paymentId: c.paymentId ?? null,
		amount: c.amount,
		expected: c.expectedAmount ?? null,
		service: c.service ?? null,
		paymentKind: c.kind ?? null,
		comparedWith: c.comparedWith,
		bookingsConsidered: c.bookingsConsidered,
	};
	return { ...c, notesLine, reviewAlert };
}

/**
 * A payment that came before its booking: Calendly takes the payment as the invitee books, and Stripe's webhook
 * often arrives before Graph's notification of the booking (or before the patient exists in MediRecords). Until
 * `waitUntil` (the Stripe event's `created` plus `waitHours`) it waits and is matched again; only after that is
 * "no booking" a person's. A refund never waits: it follows a booking that is there or was never made.
 */
export function bookingStillToCome(check: Pick<PaymentMatch, 'reason' | 'refund' | 'created'>, now: number, waitHours: number): { waiting: boolean; waitUntil: string | null } {
	if (check.reason !== 'no_booking' || check.refund || !(waitHours > 0)) return { waiting: false, waitUntil: null };
	const created = Date.parse(check.created ?? '');
	const until = (Number.isFinite(created) ? created : now) + waitHours * 3_600_000;
	return { waiting: now < until, waitUntil: new Date(until).toISOString() };
}

/** Which service and kind an appointment type is in the catalog (a shared free-consultation type names no service). */
export function appointmentTypeMeaning(catalog: Catalog, typeId: string): { service?: Service; kind?: BookingKind } {
	const found: Array<{ service: Service; kind: BookingKind }> = [];
	for (const s of catalog.services) {
		for (const kind of ['initial', 'followUp', 'freeConsultation'] as const) if (s.appointmentTypes[kind] === typeId) found.push({ service: s, kind });
	}
	if (found.length === 0) return {};
	const kinds = new Set(found.map((f) => f.kind));
	return found.length === 1 ? found[0] : { kind: kinds.size === 1 ? found[0].kind : undefined };
}

/**
 * Chooses the booking a payment pays for among the payer's upcoming bookings
 * (every patient MediRecords has with that email): a booking whose catalog
 * price is the amount wins (the earliest, when they are all one patient's);
 * otherwise the earliest paid booking when there is one patient. Bookings of
 * several patients that fit equally (a family sharing an email) are left to a
 * person: the payment is never noted on a sibling's appointment by guess.
 */
export function matchPaymentToBooking(catalog: Catalog, payment: PaymentMatch, appointments: AppointmentSeen[]): PaymentCheck {
	const live = appointments
		.filter((a) => typeof a?.id === 'string' && a.id && Number(a.appointmentStatus) !== APPOINTMENT_STATUS.cancelled)
		.map((a) => ({ a, ...appointmentTypeMeaning(catalog, String(a.appointmentTypeId ?? '')) }))
		.sort((x, y) => String(x.a.scheduleTime ?? '').localeCompare(String(y.a.scheduleTime ?? '')));
	const paid = live.filter((b) => b.kind !== 'freeConsultation' || payment.amount === 0);
	const ofService = payment.matchedBy === 'metadata' && payment.service ? paid.filter((b) => b.service?.key === payment.service) : paid;
	const pool = ofService.length ? ofService : paid;
	const expected = (b: (typeof pool)[number]) => (b.service && b.kind ? expectedPrice(b.service, b.kind) : null);
	const fits = pool.filter((b) => compareAmount(catalog, payment.amount, payment.currency, expected(b)) === 'ok');
	const patients = (list: typeof pool) => new Set(list.map((b) => String(b.a.patientId ?? ''))).size;
	const result = (reason: PaymentReason, chosen?: (typeof pool)[number]): PaymentCheck => {
		const exp = chosen ? expected(chosen) : (payment.expectedAmount ?? null);
		return readyToMap({
			...payment,
			service: chosen?.service?.key ?? payment.service,
			serviceName: chosen?.service?.name ?? payment.serviceName,
			kind: chosen ? (chosen.kind === 'initial' || chosen.kind === 'followUp' ? chosen.kind : undefined) : payment.kind,
			expectedAmount: exp,
			reason,
			needsReview: reason !== 'ok',
			amountMatches: reason === 'ok',
			appointmentId: chosen ? String(chosen.a.id) : null,
			comparedWith: chosen ? { appointmentId: String(chosen.a.id), service: chosen.service?.key ?? null, kind: chosen.kind ?? null, scheduleTime: String(chosen.a.scheduleTime ?? '') } : null,
			bookingsConsidered: live.length,
		});
	};
	if (pool.length === 0) return result('no_booking');
	if (fits.length > 0) return patients(fits) === 1 ? result('ok', fits[0]) : result('booking_unclear');
	if (patients(pool) > 1) return result('booking_unclear');
	const chosen = pool[0];
	return result(judged(payment.refund, compareAmount(catalog, payment.amount, payment.currency, expected(chosen))), chosen);
}
