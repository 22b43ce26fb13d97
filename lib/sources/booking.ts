/**
 * Calendar changes → what the clinic does with them. In this order:
 * 1. a deleted or cancelled event is a cancellation;
 * 2. an entry that is not a booking is ignored, whoever's calendar: all-day
 *    entries and recurring series always, anything else unless it carries
 *    Calendly's markers or the name of one of the catalog's Calendly event types
 *    (a practitioner's own "Dentist", a private dinner with her spouse invited,
 *    a supervision meeting);
 * 3. service and kind come from what Calendly writes: the catalog's Calendly
 *    event type named on the body's "Event Name:" line (or in the title), the
 *    routing rules over that name and then over the title (Calendly's default
 *    title, "<Invitee> and <Host>", names people, not services), the patient's
 *    answer to the catalog's service question, the practitioner's only service;
 * 4. a booking is placed whenever a practitioner and an appointment type can be
 *    found; what looks wrong (a service on the waitlist, a service the
 *    practitioner does not deliver, a free consultation off the consultant's
 *    calendar, a phone number that is not one) is booked anyway — Calendly has
 *    confirmed the slot — and carried as `attention` for ops to follow up.
 * Graph events (as Calendly writes them into Outlook) and Calendly's own
 * `invitee.created` bodies give the same Booking.
 */
import { expectedPrice, outOfServiceNote, serviceNamed, type BookingKind, type Catalog, type Practitioner, type Service } from '../catalog';
import { cleanEmail, splitName, titleCase, toIsoDate } from './patientFields';
import { calendlyLinkFor, hasCalendlyMarkers, isPhoneQuestion, literal, readAnswers, titleWithoutNames, type CalendlyLink } from './calendly';
import { patientPhone, samePhone, type PatientPhone } from './phones';
import { clip, isPlausibleName, LIMITS } from './publicInput';
import { fail, matchingRules, type RouteResult, type Unrouted } from '../catalog/rules';
import { graphDateTimeToInstant } from '../time';

export interface BookingPatient extends Omit<PatientPhone, 'phoneUnreadable'> {
	firstName?: string;
	lastName?: string;
	email?: string;
	dob?: string;
	answers: Array<{ question: string; answer: string }>;
}

/** Something about a placed booking ops should follow up. Reasons and catalog names only: never patient data. */
export interface Attention {
	reason: 'service_not_open' | 'practitioner_not_in_service' | 'free_consultation_not_on_consultant' | 'phone_unreadable';
	detail: string;
}

export interface Booking {
	source: 'outlook' | 'calendly';
	service: string;
	serviceName: string;
	kind: BookingKind;
	/** As people write it: "GAPS Coaching follow-up". */
	title: string;
	practitioner: string;
	practitionerName: string;
	mailbox: string;
	providerId: string;
	appointmentTypeId: string;
	start: string;
	end: string;
	durationMinutes: number;
	/** The practice's time zone (the catalog's clinic.timeZone): MediRecords keeps practice-local times. */
	timeZone: string;
	subject: string;
	priceExpected: number | null;
	currency: string;
	patient: BookingPatient;
	/** `modifiedAt`: when Outlook last changed the event (its lastModifiedDateTime), so an older read of it is never written over a newer one. */
	sourceIds: { eventId?: string; iCalUId?: string; modifiedAt?: string; calendlyEventUri?: string; calendlyInviteeUri?: string; paymentId?: string };
	matchedRule?: string;
	attention: Attention[];
	/** The appointment's notes: "Booked via Calendly: <title>. <the patient's answers, but not their contact details>". */
	notes: string;
	/** The ops notice when something about the booking needs following up (catalog names and reasons only); null when nothing does. */
	followUpAlert: FollowUpAlert | null;
}

/** The body of the ops notice for a booking that was placed but needs a person (the appointment id is added once booked). */
export interface FollowUpAlert {
	kind: 'booking_follow_up';
	reasons: Attention['reason'][];
	detail: string;
	service: string;
	bookingKind: BookingKind;
	practitioner: string;
}

export interface Cancellation {
	changeType: 'deleted';
	eventId: string;
	mailbox: string;
	practitioner: string;
	providerId: string;
	timeZone: string;
}

/** A calendar entry that is not a booking: counted, never alerted. No subject, no attendees. */
export interface IgnoredEntry {
	reason: 'not_a_booking';
	eventId?: string;
	practitioner?: string;
}

export type CalendarChange =
	| { route: 'booking'; value: Booking }
	| { route: 'cancellation'; value: Cancellation }
	| { route: 'ignored'; value: IgnoredEntry }
	| ({ route: 'unrouted' } & Omit<Unrouted, 'ok'>);

const KIND_WORDS: Record<BookingKind, string> = { freeConsultation: 'free initial consultation', initial: 'initial consultation', followUp: 'follow-up' };

/** "GAPS Coaching follow-up", "Counseling free initial consultation". */
export function bookingTitle(serviceName: string, kind: BookingKind): string {
	return `${serviceName} ${KIND_WORDS[kind]}`;
}

function answerFor(answers: BookingPatient['answers'], pattern: RegExp): string | undefined {
	return answers.find((a) => pattern.test(a.question))?.answer;
}

/**
 * The invitee's own phone: Calendly's text-reminder number, else the answer to a phone question. Never
 * another line that mentions a phone (an event type's "call reception on …"), never the clinic's number.
 */
function inviteePhone(catalog: Catalog, answers: BookingPatient['answers'], reminderNumber?: unknown): PatientPhone {
	const country = catalog.clinic.defaultCountry;
	const typed = [reminderNumber, ...answers.filter((a) => isPhoneQuestion(a.question)).map((a) => a.answer)].filter(
		(v): v is string => typeof v === 'string' && v.trim() !== '' && !(catalog.clinic.phone && samePhone(v, catalog.clinic.phone, country)),
	);
	return patientPhone(typed[0], country);
}

function patientFrom(catalog: Catalog, name: unknown, email: unknown, answers: BookingPatient['answers'], reminderNumber?: unknown): BookingPatient & { problems: string[]; phoneUnreadable?: true } {
	const n = splitName(name);
	const problems: string[] = [];
	for (const part of [n.firstName, n.lastName]) {
		if (part && !isPlausibleName(part)) problems.push('name holds characters a name does not (markup, a link or digits) or is too long');
	}
	return {
		firstName: problems.length ? undefined : titleCase(n.firstName),
		lastName: problems.length ? undefined : titleCase(n.lastName),
		email: cleanEmail(email),
		...inviteePhone(catalog, answers, reminderNumber),
		dob: toIsoDate(answerFor(answers, /birth|dob\b/i)),
		answers,
		problems,
	};
}

// Webhook bodies are untyped JSON; every field is checked before use.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- narrowed field by field below
type GraphEvent = Record<string, any>;

/** The first attendee who is not clinic staff, the calendar itself or a room. */
function patientAttendee(event: GraphEvent, staff: Set<string>): GraphEvent | undefined {
	const attendees: GraphEvent[] = Array.isArray(event.attendees) ? event.attendees.slice(0, 50) : [];
	return attendees.find((a) => {
		const addr = String(a?.emailAddress?.address ?? '').trim().toLowerCase();
		return addr && !staff.has(addr) && a?.type !== 'resource';
	});
}

interface Decision {
	service: Service;
	kind: BookingKind;
	rule?: string;
	attention: Attention[];
}

/** What a booking says about its service and kind, strongest first. */
interface Hints {
	/** The catalog's Calendly event type the booking was made with. */
	link?: CalendlyLink;
	/** Calendly's "Event Name:" line, or the Calendly payload's event name. */
	eventName?: string;
	/** The calendar title with the invitee's and host's names taken out. */
	title?: string;
	/** The patient's answer to the catalog's service question. */
	serviceAnswer?: string;
	organizer?: string;
}

function decide(catalog: Catalog, practitioner: Practitioner, h: Hints): RouteResult<Decision> {
	let serviceKey = h.link?.service;
	let kind = h.link?.kind;
	let rule: string | undefined;
	const eventType = h.link?.eventType ?? h.eventName;
	for (const text of [...new Set([h.link?.eventType, h.eventName, h.title].filter((t): t is string => !!t))]) {
		if (serviceKey && kind) break;
		const rules = matchingRules(catalog, { subject: text, eventType, organizer: h.organizer });
		const serviceRule = serviceKey ? undefined : rules.find((r) => r.service);
		const kindRule = kind ? undefined : rules.find((r) => r.kind);
		serviceKey ??= serviceRule?.service;
		kind ??= kindRule?.kind;
		rule ??= serviceRule?.name ?? kindRule?.name;
	}
	serviceKey ??= serviceNamed(catalog, h.serviceAnswer)?.key;
	kind ??= practitioner.consultant ? 'freeConsultation' : 'followUp';
	if (!serviceKey) {
		const own = practitioner.services;
		if (own.length === 1) serviceKey = own[0];
		else {
			return fail(
				'ambiguous_service',
				kind === 'freeConsultation'
					? `A free consultation with ${practitioner.name} names no service: neither its Calendly event type nor an answer to "${catalog.clinic.serviceQuestion}" does. Make that question required on the event type in Calendly (or give each service its own consultation event type in the catalog's Calendly links), then retry the execution.`
					: `${practitioner.name} delivers ${own.join(', ')} and nothing in the booking names one of them, so there is no appointment type to book. Add the Calendly event type to the practitioner's Calendly links with its service, or a routing rule that matches it, then retry the execution.`,
			);
		}
	}
	const service = catalog.services.find((x) => x.key === serviceKey)!;
	const attention: Attention[] = [];
	if (!practitioner.services.includes(service.key)) {
		attention.push({ reason: 'practitioner_not_in_service', detail: `Booked as ${service.name}, which ${practitioner.name} does not deliver in the catalog. Check the booking with the practitioner, or add the service to them.` });
	}
	if (service.status !== 'active') {
		attention.push({ reason: 'service_not_open', detail: `${service.name} is still on the waitlist in the catalog, but Calendly confirmed this booking. It is booked; follow it up with the practitioner.` });
	}
	if (kind === 'freeConsultation' && !practitioner.consultant) {
		attention.push({ reason: 'free_consultation_not_on_consultant', detail: `A free initial consultation was booked in ${practitioner.name}'s calendar; free consultations belong on the consultant's calendar. It is booked as one.` });
	}
	return { ok: true, value: { service, kind, rule: h.link ? `Calendly event type: ${h.link.eventType}` : rule, attention } };
}

const PHONE_UNREADABLE: Attention = {
	reason: 'phone_unreadable',
	detail: 'The phone number given with the booking is not a valid number, so it was not written to MediRecords and SMS reminders cannot reach it. Ask the patient for their number.',
};

type BookingFacts = Pick<Booking, 'source' | 'start' | 'end' | 'durationMinutes' | 'subject' | 'patient' | 'sourceIds'>;

/** Booking questions whose answers are the patient's identity or contact details: they go to the record, not the notes. */
const NOT_IN_NOTES = /^(event (type|name)|invitee( name| email)?|phone|mobile|date of birth|dob)\b/i;

/** The appointment's notes: the booking's title, then the patient's other answers ("Question: answer | …"). */
export function appointmentNotes(title: string, answers: BookingPatient['answers']): string {
	const told = answers
		.filter((a) => !NOT_IN_NOTES.test(a.question))
		.map((a) => `${a.question.replace(/[.:?]+$/, '')}: ${a.answer}`)
		.join(' | ');
	return `Booked via Calendly: ${title}${told ? `. ${told}` : ''}`;
}

function assemble(catalog: Catalog, practitioner: Practitioner, d: Decision, facts: BookingFacts): RouteResult<Booking> {
	const { service, kind } = d;
	const types = service.appointmentTypes;
	const appointmentTypeId =
		kind === 'freeConsultation'
			? (types.freeConsultation ?? catalog.services.map((s) => s.appointmentTypes.freeConsultation).find(Boolean))
			: kind === 'initial'
				? (types.initial ?? types.followUp)
				: (types.followUp ?? types.initial);
	if (!appointmentTypeId) return fail('no_appointment_type', `services[${service.key}] has no MediRecords appointment type for a ${KIND_WORDS[kind]}. Set it in the Service Catalog, then retry the execution.`);
	const title = bookingTitle(service.name, kind);
	const followUpAlert: FollowUpAlert | null = d.attention.length
		? { kind: 'booking_follow_up', reasons: d.attention.map((a) => a.reason), detail: d.attention.map((a) => a.detail).join(' '), service: service.key, bookingKind: kind, practitioner: practitioner.key }
		: null;
	return {
		ok: true,
		value: {
			...facts,
			service: service.key,
			serviceName: service.name,
			kind,
			title,
			practitioner: practitioner.key,
			practitionerName: practitioner.name,
			mailbox: practitioner.mailbox,
			providerId: practitioner.providerId,
			appointmentTypeId,
			timeZone: catalog.clinic.timeZone,
			priceExpected: expectedPrice(service, kind),
			currency: catalog.clinic.currency,
			matchedRule: d.rule,
			attention: d.attention,
			notes: appointmentNotes(title, facts.patient.answers),
			followUpAlert,
		},
	};
}

/** Matches the catalog's service question, however Calendly punctuates it. */
function serviceQuestion(catalog: Catalog): RegExp {
	const text = catalog.clinic.serviceQuestion.replace(/[.:?\s]+$/, '').trim();
	return new RegExp(`^${literal(text).replace(/\s+/g, '\\s+')}[.:?]*$`, 'i');
}

function findPractitioner(catalog: Catalog, ...mailboxes: Array<string | undefined>): Practitioner | undefined {
	for (const m of mailboxes) {
		const mb = (m ?? '').trim().toLowerCase();
		const p = mb ? catalog.practitioners.find((x) => x.mailbox === mb) : undefined;
		if (p) return p;
	}
	return undefined;
}

/** A Graph calendar event (as Calendly writes it into Outlook). `mailbox` is the calendar it is in. */
export function routeCalendarEvent(catalog: Catalog, event: GraphEvent, mailbox?: string): RouteResult<Booking> {
	if (!event || typeof event !== 'object') return fail('invalid_event', 'The item is not a calendar event.');
	if (event.isCancelled === true) return fail('event_cancelled', 'The event is cancelled in Outlook; it is handled as a cancellation, not a booking.');
	// Calendly never writes all-day entries or recurring series (Graph's `type`: seriesMaster, occurrence, exception).
	if (event.isAllDay === true) return fail('not_a_booking', 'An all-day entry: Calendly books times, never whole days.');
	if (typeof event.type === 'string' && event.type !== 'singleInstance') return fail('not_a_booking', 'A recurring series or one of its occurrences: Calendly books single appointments.');
	const organizer = event.organizer?.emailAddress?.address as string | undefined;
	const subject = clip(event.subject, 500);
	const body = String(event.body?.content ?? event.bodyPreview ?? '');
	const answers = readAnswers(body);
	const eventName = answerFor(answers, /^event (type|name)$/i);
	const practitioner = findPractitioner(catalog, mailbox, organizer);
	const link = practitioner ? calendlyLinkFor(catalog, practitioner, eventName, subject) : undefined;
	// Is it a booking? Only what Calendly writes says so: its markers in the body ("Event Name:", its footer links).
	// Attendees prove nothing (a private dinner with a spouse invited, a supervision meeting, an open day's
	// volunteers), and neither does a title that happens to hold an event type's name ("Counseling Session review").
	if (!hasCalendlyMarkers(body)) return fail('not_a_booking', 'The entry carries none of the details Calendly writes into its bookings: a practitioner’s own entry.');
	if (!event.start?.dateTime || !event.end?.dateTime) return fail('invalid_event', 'The event has no start or end time.');
	if (!practitioner) return fail('unknown_practitioner', `The calendar belongs to no practitioner in the Service Catalog. Add the practitioner, or remove the subscription.${outOfServiceNote(catalog, 'practitioners')}`);
	const staff = new Set([...catalog.practitioners.map((p) => p.mailbox), String(mailbox ?? '').trim().toLowerCase()].filter(Boolean));
	const invitee = patientAttendee(event, staff);
	const name = invitee?.emailAddress?.name ?? answerFor(answers, /^invitee( name)?$/i);
	const email = invitee?.emailAddress?.address ?? answerFor(answers, /^invitee email$/i);
	const decided = decide(catalog, practitioner, {
		link,
		eventName,
		title: titleWithoutNames(subject, [name, invitee?.emailAddress?.address, practitioner.name, event.organizer?.emailAddress?.name]),
		serviceAnswer: answerFor(answers, serviceQuestion(catalog)),
		organizer,
	});
	if (!decided.ok) return decided;
	if (!email && !name) return fail('no_patient', 'Calendly’s details are in the event, but it names no invitee (no attendee, no "Invitee" line), so there is no patient to book. Book the patient by hand from Calendly.');
	const { problems, phoneUnreadable, ...patient } = patientFrom(catalog, name, email, answers);
	if (phoneUnreadable) decided.value.attention.push(PHONE_UNREADABLE);
	if (problems.length) return fail('patient_name_unreadable', `The attendee's ${problems[0]}; MediRecords needs a real name to create the patient. Correct the name in Outlook or book the patient by hand.`);
	if (!patient.lastName && !patient.firstName) return fail('no_patient_name', 'The attendee has no name, and MediRecords needs one to create the patient.');
	const start = graphDateTimeToInstant(event.start.dateTime, event.start.timeZone);
	const end = graphDateTimeToInstant(event.end.dateTime, event.end.timeZone);
	if (!start || !end) return fail('invalid_event', 'The event times cannot be read.');
	const durationMinutes = Math.round((Date.parse(end) - Date.parse(start)) / 60000);
	if (durationMinutes <= 0) return fail('invalid_event', 'The event ends before it starts.');
	return assemble(catalog, practitioner, decided.value, { source: 'outlook', start, end, durationMinutes, subject, patient, sourceIds: { eventId: event.id, iCalUId: event.iCalUId, ...(typeof event.lastModifiedDateTime === 'string' ? { modifiedAt: event.lastModifiedDateTime } : {}) } });
}

/** A Calendly `invitee.created` webhook body (or its `payload`). */
export function routeCalendlyInvitee(catalog: Catalog, body: GraphEvent): RouteResult<Booking> {
	const payload = body?.payload ?? body;
	const se = payload?.scheduled_event;
	if (!se?.start_time || !se?.end_time) return fail('invalid_event', 'The Calendly payload has no scheduled event times.');
	const hosts: string[] = (se.event_memberships ?? []).map((m: GraphEvent) => m?.user_email);
	const practitioner = findPractitioner(catalog, ...hosts);
	if (!practitioner) return fail('unknown_practitioner', `The Calendly host is not a practitioner in the Service Catalog.${outOfServiceNote(catalog, 'practitioners')}`);
	const eventName = clip(se.name, 200);
	const qas: GraphEvent[] = Array.isArray(payload.questions_and_answers) ? payload.questions_and_answers.slice(0, LIMITS.answers) : [];
	const answers = qas.map((qa) => ({ question: clip(qa?.question, 200), answer: clip(qa?.answer, LIMITS.answer) }));
	const decided = decide(catalog, practitioner, {
		link: calendlyLinkFor(catalog, practitioner, eventName),
		eventName,
		serviceAnswer: answerFor(answers, serviceQuestion(catalog)),
		organizer: hosts[0],
	});
	if (!decided.ok) return decided;
	const { problems, phoneUnreadable, ...patient } = patientFrom(
		catalog,
		payload.first_name || payload.last_name ? { first: payload.first_name, last: payload.last_name } : payload.name,
		payload.email,
		answers,
		payload.text_reminder_number,
	);
	if (phoneUnreadable) decided.value.attention.push(PHONE_UNREADABLE);
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

/** A trigger item (a Graph change or a Calendly body) → booking, cancellation, ignored entry, or a reason it cannot be placed. */
export function routeCalendarChange(catalog: Catalog, item: GraphEvent): CalendarChange {
	const event: GraphEvent | undefined = item?.event && typeof item.event === 'object' ? item.event : undefined;
	if (item?.changeType === 'deleted' || event?.isCancelled === true || item?.isCancelled === true) {
		const practitioner = findPractitioner(catalog, item.mailbox);
		const eventId = String(item.eventId ?? event?.id ?? item.id ?? '');
		if (!practitioner || !eventId) {
			return { route: 'unrouted', reason: 'unknown_cancellation', detail: 'A deleted or cancelled event came from a calendar that is not in the catalog, or carried no event id.' };
		}
		return { route: 'cancellation', value: { changeType: 'deleted', eventId, mailbox: practitioner.mailbox, practitioner: practitioner.key, providerId: practitioner.providerId, timeZone: catalog.clinic.timeZone } };
	}
	const routed = routeBooking(catalog, item);
	if (routed.ok) return { route: 'booking', value: routed.value };
	if (routed.reason === 'not_a_booking') {
		const eventId = item?.eventId ?? event?.id ?? item?.id;
		return { route: 'ignored', value: { reason: 'not_a_booking', eventId: typeof eventId === 'string' ? clip(eventId, 300) : undefined, practitioner: findPractitioner(catalog, item?.mailbox ?? event?.mailbox)?.key } };
	}
	return { route: 'unrouted', reason: routed.reason, detail: routed.detail };
}
