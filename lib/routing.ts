/**
 * Routing rules, pure: calendar events and Calendly payloads → one normalised
 * booking; JotForm submissions → form type and patient fields; Stripe events →
 * the service they most likely pay for; a service → its practitioners.
 * Nothing here throws on bad input: it returns { ok: false, reason } so the
 * item goes to the Unrouted output instead of being lost.
 */
import { createHash } from 'crypto';
import { consultant, practitionersFor, type BookingKind, type Catalog, type FormType, type Practitioner, type Service } from './catalog';
import { fromPracticeLocal } from './medirecordsTime';
import { readQuestions, recogniseQuestions, submissionLink, type JotFormQuestion, type JotFormSubmission } from './jotform';
import { cleanEmail, splitName, titleCase, toE164, toIsoDate, type PatientAddress } from './patientFields';
import { boundValue, clip, isPlausibleName, LIMITS, stripHtml, textLines } from './publicInput';

export interface BookingPatient {
	firstName?: string;
	lastName?: string;
	email?: string;
	phone?: string;
	dob?: string;
	answers: Array<{ question: string; answer: string }>;
}

export interface Booking {
	source: 'outlook' | 'calendly';
	service: string;
	serviceName: string;
	kind: BookingKind;
	practitioner: string;
	practitionerName: string;
	mailbox: string;
	providerId: string;
	appointmentTypeId: string;
	start: string;
	end: string;
	durationMinutes: number;
	subject: string;
	priceExpected: number | null;
	currency: string;
	patient: BookingPatient;
	sourceIds: { eventId?: string; iCalUId?: string; calendlyEventUri?: string; calendlyInviteeUri?: string; paymentId?: string };
	matchedRule?: string;
}

export type Unrouted = { ok: false; reason: string; detail: string };
export type Routed<T> = { ok: true; value: T };
export type RouteResult<T> = Routed<T> | Unrouted;

const fail = (reason: string, detail: string): Unrouted => ({ ok: false, reason, detail });

function testPattern(pattern: string | undefined, value: string | undefined): boolean | undefined {
	if (!pattern) return undefined;
	if (value === undefined) return false;
	// Ops write the patterns; what they are matched against is capped so no pattern can be made to crawl.
	return new RegExp(pattern, 'i').test(clip(value, 500));
}

interface Signals {
	subject?: string;
	eventType?: string;
	organizer?: string;
}

/** A rule matches when every pattern it has matches. */
function matchingRules(catalog: Catalog, s: Signals) {
	return catalog.routing.filter((r) => {
		const checks = [
			testPattern(r.subject, s.subject),
			testPattern(r.eventType, s.eventType),
			r.organizer ? (s.organizer ?? '').toLowerCase() === r.organizer : undefined,
		].filter((c) => c !== undefined);
		return checks.length > 0 && checks.every(Boolean);
	});
}

function ensureIso(value: unknown, timeZone?: string): string | undefined {
	if (!value) return undefined;
	const s = String(value);
	if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(s)) return new Date(s).toISOString();
	// Graph dateTime without offset, with a timeZone field ("UTC" when Prefer: outlook.timezone is not set).
	if (!timeZone || /^(utc|gmt|coordinated universal time)$/i.test(timeZone)) return new Date(`${s.replace(/(\.\d{3})\d+$/, '$1')}Z`).toISOString();
	try {
		return new Date(fromPracticeLocal(s.slice(0, 16), timeZone)).toISOString();
	} catch {
		return undefined;
	}
}

/** Calendly's own footer and metadata lines in the event body: not the patient's answers. */
const FOOTER = /^(need to make changes|cancel|reschedule|powered by|location|invitee time zone)\b/i;

/** Calendly writes a question on its own line, ending with "?", ":" or (its default question) ".", the answer on the next. */
function isQuestionLine(line: string): boolean {
	if (line.length > 200 || FOOTER.test(line)) return false;
	if (/[?:]$/.test(line)) return true;
	return /\.$/.test(line) && line.split(' ').length >= 4;
}

/** Reads "Question: answer" lines (and "Question\nanswer" pairs) from the event body Calendly writes. */
export function readAnswers(body: string): Array<{ question: string; answer: string }> {
	const lines = textLines(stripHtml(body));
	const out: Array<{ question: string; answer: string }> = [];
	for (let i = 0; i < lines.length && out.length < LIMITS.answers; i++) {
		const line = lines[i];
		const colon = line.indexOf(':');
		const question = colon >= 2 && colon <= 80 ? line.slice(0, colon).trim() : '';
		const answer = question ? line.slice(colon + 1).trim() : '';
		if (question && answer && !/^https?$/i.test(question) && !FOOTER.test(question)) out.push({ question, answer: clip(answer, LIMITS.answer) });
		else if (isQuestionLine(line) && lines[i + 1] && !isQuestionLine(lines[i + 1]) && !FOOTER.test(lines[i + 1])) {
			out.push({ question: line.replace(/:$/, '').trim(), answer: clip(lines[i + 1], LIMITS.answer) });
			i++;
		}
	}
	return out;
}

function answerFor(answers: BookingPatient['answers'], pattern: RegExp): string | undefined {
	return answers.find((a) => pattern.test(a.question))?.answer;
}

function patientFrom(name: unknown, email: unknown, answers: BookingPatient['answers'], country: string, phone?: unknown): BookingPatient & { problems: string[] } {
	const n = splitName(name);
	const problems: string[] = [];
	for (const part of [n.firstName, n.lastName]) {
		if (part && !isPlausibleName(part)) problems.push('name holds characters a name does not (markup, a link or digits) or is too long');
	}
	return {
		firstName: problems.length ? undefined : titleCase(n.firstName),
		lastName: problems.length ? undefined : titleCase(n.lastName),
		email: cleanEmail(email),
		phone: toE164(phone ?? answerFor(answers, /phone|mobile|cell/i), country),
		dob: toIsoDate(answerFor(answers, /birth|dob\b/i)),
		answers,
		problems,
	};
}

interface Decision {
	service?: Service;
	kind?: BookingKind;
	rule?: string;
}

function decide(catalog: Catalog, practitioner: Practitioner, s: Signals, calendlyHint?: { kind?: BookingKind; service?: string }): RouteResult<Decision> {
	const rules = matchingRules(catalog, s);
	const serviceRule = rules.find((r) => r.service);
	const kindRule = rules.find((r) => r.kind);
	let serviceKey = serviceRule?.service ?? calendlyHint?.service;
	let kind: BookingKind | undefined = kindRule?.kind ?? calendlyHint?.kind;
	if (!kind) kind = practitioner.consultant ? 'freeConsultation' : undefined;
	if (!serviceKey) {
		const own = practitioner.services;
		if (own.length === 1) serviceKey = own[0];
		else {
			return fail(
				'ambiguous_service',
				`${practitioner.name} delivers ${own.join(', ')} and nothing in the event names one of them. Add a routing rule whose subject or event-type pattern matches this event.`,
			);
		}
	}
	const service = catalog.services.find((x) => x.key === serviceKey)!;
	if (!practitioner.services.includes(service.key)) {
		return fail('practitioner_not_in_service', `The event looks like ${service.name}, but ${practitioner.name} does not deliver it in the catalog.`);
	}
	if (service.status !== 'active') {
		return fail('service_not_open', `${service.name} is on the waitlist; a booking for it was not expected. Open the service in the catalog, or cancel the booking.`);
	}
	if (!kind) kind = 'followUp';
	if (kind === 'freeConsultation' && !practitioner.consultant) {
		return fail('free_consultation_not_on_consultant', `A free initial consultation was booked in ${practitioner.name}'s calendar; free consultations belong on the consultant's calendar.`);
	}
	return { ok: true, value: { service, kind, rule: serviceRule?.name ?? kindRule?.name } };
}

function assemble(catalog: Catalog, practitioner: Practitioner, d: Decision, rest: Omit<Booking, 'service' | 'serviceName' | 'kind' | 'practitioner' | 'practitionerName' | 'mailbox' | 'providerId' | 'appointmentTypeId' | 'priceExpected' | 'currency' | 'matchedRule'>): RouteResult<Booking> {
	const service = d.service!;
	const kind = d.kind!;
	const types = service.appointmentTypes;
	const appointmentTypeId = kind === 'freeConsultation' ? (types.freeConsultation ?? catalog.services.map((s) => s.appointmentTypes.freeConsultation).find(Boolean)) : kind === 'initial' ? (types.initial ?? types.followUp) : (types.followUp ?? types.initial);
	if (!appointmentTypeId) return fail('no_appointment_type', `services[${service.key}] has no MediRecords appointment type for ${kind}. Set it in the Service Catalog.`);
	const priceExpected = kind === 'freeConsultation' ? 0 : kind === 'initial' ? service.prices.initial : service.prices.followUp;
	return {
		ok: true,
		value: {
			...rest,
			service: service.key,
			serviceName: service.name,
			kind,
			practitioner: practitioner.key,
			practitionerName: practitioner.name,
			mailbox: practitioner.mailbox,
			providerId: practitioner.providerId,
			appointmentTypeId,
			priceExpected,
			currency: catalog.clinic.currency,
			matchedRule: d.rule,
		},
	};
}

function findPractitioner(catalog: Catalog, ...mailboxes: Array<string | undefined>): Practitioner | undefined {
	for (const m of mailboxes) {
		const mb = (m ?? '').trim().toLowerCase();
		const p = mb ? catalog.practitioners.find((x) => x.mailbox === mb) : undefined;
		if (p) return p;
	}
	return undefined;
}

// Webhook bodies are untyped JSON; every field is checked before use.
type GraphEvent = Record<string, any>;

/** A Graph calendar event (as Calendly writes it into Outlook). `mailbox` is the calendar it is in. */
export function routeCalendarEvent(catalog: Catalog, event: GraphEvent, mailbox?: string): RouteResult<Booking> {
	if (!event || typeof event !== 'object') return fail('invalid_event', 'The item is not a calendar event.');
	if (!event.start?.dateTime || !event.end?.dateTime) return fail('invalid_event', 'The event has no start or end time.');
	if (event.isCancelled === true) return fail('event_cancelled', 'The event is cancelled in Outlook; it is handled as a cancellation, not a booking.');
	const organizer = event.organizer?.emailAddress?.address as string | undefined;
	const practitioner = findPractitioner(catalog, mailbox, organizer);
	if (!practitioner) return fail('unknown_practitioner', 'The calendar belongs to no practitioner in the Service Catalog. Add the practitioner, or remove the subscription.');
	const subject = clip(event.subject, 500);
	const eventType = answerFor(readAnswers(String(event.body?.content ?? '')), /^event (type|name)$/i);
	const decided = decide(catalog, practitioner, { subject, eventType: eventType ?? subject, organizer });
	if (!decided.ok) return decided;

	const own = new Set(catalog.practitioners.map((p) => p.mailbox));
	const attendees: GraphEvent[] = Array.isArray(event.attendees) ? event.attendees : [];
	const invitee = attendees.find((a) => {
		const addr = String(a?.emailAddress?.address ?? '').toLowerCase();
		return addr && !own.has(addr) && a?.type !== 'resource';
	});
	if (!invitee) return fail('no_patient', 'The event has no attendee other than clinic staff, so there is no patient to book.');
	const answers = readAnswers(String(event.body?.content ?? event.bodyPreview ?? ''));
	const { problems, ...patient } = patientFrom(invitee.emailAddress?.name, invitee.emailAddress?.address, answers, catalog.clinic.defaultCountry);
	if (problems.length) return fail('patient_name_unreadable', `The attendee's ${problems[0]}; MediRecords needs a real name to create the patient. Correct the name in Outlook or book the patient by hand.`);
	if (!patient.lastName && !patient.firstName) return fail('no_patient_name', 'The attendee has no name, and MediRecords needs one to create the patient.');
	const start = ensureIso(event.start.dateTime, event.start.timeZone);
	const end = ensureIso(event.end.dateTime, event.end.timeZone);
	if (!start || !end) return fail('invalid_event', 'The event times cannot be read.');
	const durationMinutes = Math.round((Date.parse(end) - Date.parse(start)) / 60000);
	if (durationMinutes <= 0) return fail('invalid_event', 'The event ends before it starts.');
	return assemble(catalog, practitioner, decided.value, {
		source: 'outlook',
		start,
		end,
		durationMinutes,
		subject,
		patient,
		sourceIds: { eventId: event.id, iCalUId: event.iCalUId },
	});
}

/** A Calendly `invitee.created` webhook body (or its `payload`). */
export function routeCalendlyInvitee(catalog: Catalog, body: GraphEvent): RouteResult<Booking> {
	const payload = body?.payload ?? body;
	const se = payload?.scheduled_event;
	if (!se?.start_time || !se?.end_time) return fail('invalid_event', 'The Calendly payload has no scheduled event times.');
	const hosts: string[] = (se.event_memberships ?? []).map((m: GraphEvent) => m?.user_email);
	const practitioner = findPractitioner(catalog, ...hosts);
	if (!practitioner) return fail('unknown_practitioner', 'The Calendly host is not a practitioner in the Service Catalog.');
	const link = practitioner.calendly.find((c) => c.eventType.toLowerCase() === String(se.name ?? '').toLowerCase());
	const decided = decide(catalog, practitioner, { subject: se.name, eventType: se.name, organizer: hosts[0] }, { kind: link?.kind, service: link?.service });
	if (!decided.ok) return decided;
	const qas: GraphEvent[] = Array.isArray(payload.questions_and_answers) ? payload.questions_and_answers.slice(0, LIMITS.answers) : [];
	const answers = qas.map((qa) => ({ question: clip(qa?.question, 200), answer: clip(qa?.answer, LIMITS.answer) }));
	const { problems, ...patient } = patientFrom(
		payload.first_name || payload.last_name ? { first: payload.first_name, last: payload.last_name } : payload.name,
		payload.email,
		answers,
		catalog.clinic.defaultCountry,
		payload.text_reminder_number,
	);
	if (problems.length) return fail('patient_name_unreadable', `The invitee's ${problems[0]}; MediRecords needs a real name to create the patient.`);
	const start = new Date(se.start_time).toISOString();
	const end = new Date(se.end_time).toISOString();
	return assemble(catalog, practitioner, decided.value, {
		source: 'calendly',
		start,
		end,
		durationMinutes: Math.round((Date.parse(end) - Date.parse(start)) / 60000),
		subject: String(se.name ?? ''),
		patient,
		sourceIds: { calendlyEventUri: se.uri, calendlyInviteeUri: payload.uri, paymentId: payload.payment?.external_id },
	});
}

export function routeBooking(catalog: Catalog, item: GraphEvent): RouteResult<Booking> {
	if (item?.payload?.scheduled_event || item?.scheduled_event) return routeCalendlyInvitee(catalog, item);
	const event = item?.event && typeof item.event === 'object' ? item.event : item;
	return routeCalendarEvent(catalog, event, item?.mailbox ?? event?.mailbox);
}

// ---------------------------------------------------------------- forms

export interface RoutedForm {
	formId: string;
	formType: FormType;
	service?: string;
	serviceName?: string;
	submissionId: string;
	/** Where staff open the submission in JotForm. */
	submissionUrl?: string;
	submittedAt?: string;
	patient: { firstName?: string; lastName?: string; email?: string; phone?: string; dob?: string; gender?: string; address?: PatientAddress; notes?: string };
	answers: Array<{ key: string; label: string; value: string }>;
	/** Answers that could not be read (labels only, never the values). */
	problems: string[];
}

/** Plain text of any JotForm answer, depth- and length-bounded. */
function answerText(v: unknown, depth: number = LIMITS.depth): string {
	if (v === null || v === undefined || depth <= 0) return '';
	if (typeof v === 'string') return clip(v, LIMITS.answer).trim();
	if (Array.isArray(v)) return clip(v.slice(0, LIMITS.answers).map((x) => answerText(x, depth - 1)).filter(Boolean).join(', '), LIMITS.answer);
	if (typeof v === 'object') {
		const o = v as Record<string, unknown>;
		if ('full' in o) return answerText(o.full, depth - 1);
		if (o.year && o.month && o.day) return `${answerText(o.year, 1)}-${answerText(o.month, 1)}-${answerText(o.day, 1)}`;
		return clip(Object.values(o).slice(0, LIMITS.answers).map((x) => answerText(x, depth - 1)).filter(Boolean).join(' '), LIMITS.answer);
	}
	return clip(String(v), LIMITS.answer);
}

function readAddress(v: unknown): PatientAddress | undefined {
	if (!v || typeof v !== 'object') {
		const line1 = answerText(v);
		return line1 ? { line1: clip(line1, 200) } : undefined;
	}
	const o = v as Record<string, unknown>;
	const t = (k: string) => clip(answerText(o[k], 1), 200) || undefined;
	const a: PatientAddress = { line1: t('addr_line1'), line2: t('addr_line2'), suburb: t('city'), state: t('state'), postcode: t('postal'), country: t('country') };
	return Object.values(a).some(Boolean) ? a : undefined;
}

export interface VerifiedFormInput {
	submission: JotFormSubmission;
	questions: JotFormQuestion[];
	apiDomain?: string;
}

/**
 * A submission fetched from JotForm's API (never the webhook body): answers are
 * read by what each question is (type and label), the catalog's field map
 * overriding. An answer given for a patient detail that cannot be read is a
 * `problem`, never silently dropped.
 */
export function routeForm(catalog: Catalog, input: VerifiedFormInput): RouteResult<RoutedForm> {
	const sub = input.submission;
	const formId = String(sub?.form_id ?? '');
	const form = catalog.forms.find((f) => f.formId === formId);
	if (!form) return fail('not_catalog_form', `JotForm form ${clip(formId, 30)} is not in the Service Catalog. Add it under Forms with its type.`);
	const country = catalog.clinic.defaultCountry;
	const byQid = new Map<string, JotFormQuestion>(input.questions.map((q) => [String(q.qid), q]));
	const answers = (sub.answers && typeof sub.answers === 'object' ? Object.entries(sub.answers) : []).slice(0, LIMITS.answers);
	// Each answer describes its own question too: it stands in for a question the form's list lacks.
	for (const q of readQuestions(answers.map(([qid, a]) => (a && typeof a === 'object' ? { ...a, qid } : undefined)))) if (!byQid.has(q.qid)) byQid.set(q.qid, q);
	const targets = recogniseQuestions([...byQid.values()], form.fields);
	const patient: RoutedForm['patient'] = {};
	const rest: RoutedForm['answers'] = [];
	const problems: string[] = [];
	let serviceAnswer: string | undefined;
	const setName = (which: 'firstName' | 'lastName', raw: string | undefined, label: string) => {
		if (!raw) return;
		if (!isPlausibleName(raw)) problems.push(`${label} is not a name (only letters, spaces and ' - . are accepted)`);
		else patient[which] = titleCase(raw);
	};
	for (const [qid, a] of answers) {
		if (!a || typeof a !== 'object') continue;
		const q = byQid.get(qid)!;
		const value = boundValue(a.answer);
		const text = answerText(value);
		const label = clip(q.text || q.name || `question ${qid}`, 80);
		const target = targets.get(qid);
		if (!text && target !== 'address') continue;
		switch (target) {
			case 'fullName': {
				const n = splitName(value);
				setName('firstName', n.firstName, label);
				setName('lastName', n.lastName, label);
				break;
			}
			case 'firstName':
				setName('firstName', text, label);
				break;
			case 'lastName':
				setName('lastName', text, label);
				break;
			case 'email':
				patient.email = cleanEmail(text);
				if (!patient.email) problems.push(`${label} is not an email address`);
				break;
			case 'phone':
				patient.phone = toE164(text, country);
				if (!patient.phone) problems.push(`${label} is not a phone number that can be read`);
				break;
			case 'dob':
				patient.dob = toIsoDate(value && typeof value === 'object' && !('year' in (value as object)) ? text : value);
				if (!patient.dob) problems.push(`${label} is not a date that can be read`);
				break;
			case 'gender': {
				const g = text.toLowerCase();
				patient.gender = g.startsWith('f') ? 'F' : g.startsWith('m') ? 'M' : /^(non|other|x|intersex)/.test(g) ? 'X' : undefined;
				break;
			}
			case 'address':
				patient.address = readAddress(value);
				break;
			case 'notes':
				patient.notes = text;
				break;
			case 'service':
				serviceAnswer = text;
				break;
			default:
				rest.push({ key: `q${qid}_${clip(q.name, 60)}`, label, value: text });
		}
	}
	let service = form.service ? catalog.services.find((s) => s.key === form.service) : undefined;
	if (!service && serviceAnswer) {
		const a = serviceAnswer.toLowerCase();
		service = catalog.services.find((s) => s.key === a || s.name.toLowerCase() === a || a.includes(s.name.toLowerCase()));
		if (!service) problems.push('the service named in the form is not in the catalog');
	}
	if (!patient.lastName) {
		return fail('no_patient_name', `Form ${formId} (${form.type}) gives no last name that can be read${problems.length ? ` (${problems.join('; ')})` : ''}, and MediRecords needs one. Open the submission in JotForm and enter the patient by hand.`);
	}
	if (!patient.email && !(patient.firstName && patient.lastName && patient.dob)) {
		return fail('patient_not_identifiable', `Form ${formId} (${form.type}) gives neither a valid email nor name + date of birth, so the patient cannot be found${problems.length ? ` (${problems.join('; ')})` : ''}.`);
	}
	return {
		ok: true,
		value: {
			formId,
			formType: form.type,
			service: service?.key,
			serviceName: service?.name,
			submissionId: String(sub.id),
			submissionUrl: input.apiDomain ? submissionLink(input.apiDomain, formId, String(sub.id)) : undefined,
			submittedAt: sub.created_at,
			patient,
			answers: rest,
			problems,
		},
	};
}

// ---------------------------------------------------------------- payments

export interface PaymentMatch {
	eventId: string;
	eventType: string;
	paymentId?: string;
	amount: number;
	currency: string;
	refund: boolean;
	email?: string;
	service?: string;
	serviceName?: string;
	practitioner?: string;
	kind?: 'initial' | 'followUp';
	expectedAmount?: number | null;
	amountMatches: boolean;
	matchedBy: 'metadata' | 'amount' | 'none';
	/** True when a person should look: no single service matched, or the amount is not the catalog price. */
	needsReview: boolean;
	candidates: Array<{ service: string; kind: 'initial' | 'followUp' }>;
	created?: string;
}

const STRIPE_TYPES = ['payment_intent.succeeded', 'charge.succeeded', 'charge.refunded', 'checkout.session.completed'];

export function matchPayment(catalog: Catalog, event: GraphEvent): RouteResult<PaymentMatch> {
	if (!event || event.object !== 'event' || typeof event.type !== 'string' || !event.data?.object) {
		return fail('invalid_event', 'The item is not a Stripe event.');
	}
	if (!STRIPE_TYPES.includes(event.type)) return fail('ignored_event_type', `Stripe event type ${event.type} is not a payment the clinic records.`);
	const o = event.data.object;
	const refund = event.type === 'charge.refunded';
	const cents = refund ? Number(o.amount_refunded ?? 0) : Number(o.amount_received ?? o.amount_total ?? o.amount ?? 0);
	const amount = Math.round(cents) / 100;
	const currency = String(o.currency ?? '').toUpperCase();
	const md: Record<string, string> = { ...(o.metadata ?? {}) };
	const email = cleanEmail(o.receipt_email ?? o.customer_details?.email ?? o.billing_details?.email ?? md.email ?? md.invitee_email);
	const paymentId = String(o.payment_intent ?? o.id ?? '') || undefined;
	const base = { eventId: String(event.id), eventType: event.type, paymentId, amount, currency, refund, email, created: event.created ? new Date(Number(event.created) * 1000).toISOString() : undefined };

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

	const tol = catalog.clinic.priceTolerance;
	const near = (price: number | null) => price !== null && Math.abs(price - amount) <= tol;
	const candidates: PaymentMatch['candidates'] = [];
	for (const s of catalog.services) {
		if (near(s.prices.initial)) candidates.push({ service: s.key, kind: 'initial' });
		if (near(s.prices.followUp)) candidates.push({ service: s.key, kind: 'followUp' });
	}
	const currencyOk = !currency || currency === catalog.clinic.currency;
	if (service) {
		const kind: 'initial' | 'followUp' = md.kind === 'initial' || near(service.prices.initial) ? 'initial' : 'followUp';
		const expectedAmount = service.prices[kind];
		return {
			ok: true,
			value: { ...base, service: service.key, serviceName: service.name, practitioner: practitioner?.key, kind, expectedAmount, amountMatches: currencyOk && near(expectedAmount), matchedBy: 'metadata', needsReview: !(currencyOk && near(expectedAmount)), candidates },
		};
	}
	const services = [...new Set(candidates.map((c) => c.service))];
	if (services.length === 1) {
		const s = catalog.services.find((x) => x.key === services[0])!;
		const c = candidates.find((x) => x.service === s.key)!;
		return { ok: true, value: { ...base, service: s.key, serviceName: s.name, practitioner: practitioner?.key, kind: c.kind, expectedAmount: s.prices[c.kind], amountMatches: currencyOk, matchedBy: 'amount', needsReview: !currencyOk, candidates } };
	}
	// Several services share the price (for example $79 follow-ups), or none matches: recorded, flagged for a person.
	return { ok: true, value: { ...base, practitioner: practitioner?.key, amountMatches: currencyOk && candidates.length > 0, matchedBy: 'none', needsReview: true, candidates } };
}

// ---------------------------------------------------------------- website listing

export interface ServiceListing {
	service: string;
	serviceName: string;
	status: 'active' | 'waitlist';
	kind: 'freeConsultation' | 'followUp';
	prices: { initial: number | null; followUp: number | null; currency: string };
	practitioners: Array<{ key: string; name: string; calendly: Array<{ eventType: string; url: string }> }>;
	waitlistFormUrl?: string;
}

export function listPractitioners(catalog: Catalog, serviceKey: string, kind: 'freeConsultation' | 'followUp' = 'followUp'): RouteResult<ServiceListing> {
	const k = String(serviceKey ?? '').trim().toLowerCase();
	const service = catalog.services.find((s) => s.key === k || s.name.toLowerCase() === k);
	if (!service) return fail('unknown_service', `There is no service "${k}". Known: ${catalog.services.map((s) => s.key).join(', ')}.`);
	const base = { service: service.key, serviceName: service.name, status: service.status, kind, prices: { ...service.prices, currency: catalog.clinic.currency } };
	if (service.status !== 'active') return { ok: true, value: { ...base, practitioners: [], waitlistFormUrl: catalog.clinic.waitlistFormUrl } };
	const people = kind === 'freeConsultation' ? [consultant(catalog)] : practitionersFor(catalog, service.key);
	const links = (p: Practitioner) =>
		p.calendly
			.filter((c) => (kind === 'freeConsultation' ? true : !c.service || c.service === service.key))
			.filter((c) => kind !== 'freeConsultation' || c.kind === undefined || c.kind === 'freeConsultation')
			.map(({ eventType, url }) => ({ eventType, url }));
	return { ok: true, value: { ...base, practitioners: people.map((p) => ({ key: p.key, name: p.name, calendly: links(p) })) } };
}

/** A short content version of a listing: its ETag, and `version` in the body for the website. */
export function listingVersion(listing: ServiceListing): string {
	return createHash('sha256').update(JSON.stringify(listing)).digest('base64url').slice(0, 22);
}

/** Whether an If-None-Match header names this version (strong or weak, in a list, or `*`). */
export function etagMatches(ifNoneMatch: string, version: string): boolean {
	const header = ifNoneMatch.trim();
	if (!header || header.length > 1000) return false;
	if (header === '*') return true;
	return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === `"${version}"`);
}
