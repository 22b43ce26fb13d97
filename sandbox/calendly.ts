/**
 * What Calendly writes into a practitioner's Office 365 calendar when a patient books, as Graph then
 * returns it. Sources:
 * - Calendly Help Center, "Customize calendar event details" (calendar event name and description): the
 *   default event name is "{Invitee Full Name} and {Event Host}"; the description lists "Event Name:",
 *   the location, the invitee's answers (each question on its own line, its answer on the next), the
 *   "Need to make changes to this event?" cancel and reschedule links and "Powered by Calendly.com".
 *   Hosts can add the event type's own description, which is how a clinic's reception number ends up
 *   in the entry.
 * - Calendly Help Center, "Connecting Office 365 / Outlook calendars": the event is created in the host's
 *   calendar with the invitee (and any guests they add) as attendees.
 * - Microsoft Graph, event resource (api-reference/v1.0/resources/event.md): the fields an event has
 *   whoever made it (sensitivity, isAllDay, type, showAs, responseStatus, isOnlineMeeting), and the HTML
 *   wrapper Exchange puts around a body written over the API.
 */
import { randomUUID } from 'crypto';
import type { GraphEvent } from './graph';
import { PRACTITIONERS } from './seed';

export interface CalendlyBooking {
	/** The host's mailbox (the practitioner's calendar). */
	mailbox: string;
	/** The Calendly event type's name, e.g. "Weight Loss Follow-up". */
	eventType: string;
	invitee: { name: string; email: string };
	start: { dateTime: string; timeZone: string };
	end: { dateTime: string; timeZone: string };
	/** The invitee's answers, in the order the booking page asks them. */
	answers?: Array<[question: string, answer: string]>;
	/** A customised calendar event name; Calendly's default is "<Invitee> and <Host>". */
	title?: string;
	/** Text the host added to the event type's description (shown in the entry when the host includes it). */
	eventTypeDescription?: string;
	/** Guests the invitee added (Calendly invites them too). */
	guests?: Array<{ name: string; email: string }>;
	/** Calendly's invitee uuid, used in the cancel and reschedule links. */
	uuid?: string;
}

const hostName = (mailbox: string) => PRACTITIONERS.find((p) => p.mailbox === mailbox.toLowerCase())?.name ?? mailbox;

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The body as Exchange stores Calendly's description (an HTML document, lines joined by <br>). */
export function calendlyDescription(b: CalendlyBooking): string {
	const uuid = b.uuid ?? randomUUID();
	const lines = [
		`Event Name: ${b.eventType}`,
		'',
		'Location: Whole Health Clinic, 1 Example Street, Sydney NSW 2000',
		'',
		...(b.eventTypeDescription ? [b.eventTypeDescription, ''] : []),
		...(b.answers ?? []).flatMap(([q, a]) => [q, a, '']),
		'Need to make changes to this event?',
		`Cancel: https://calendly.com/cancellations/${uuid}`,
		`Reschedule: https://calendly.com/reschedulings/${uuid}`,
		'',
		'Powered by Calendly.com',
	];
	return `<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n<style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style>\r\n</head>\r\n<body>\r\n<div>${lines.map(escape).join('<br>\r\n')}</div>\r\n</body>\r\n</html>\r\n`;
}

/** The Outlook event Calendly creates for a booking, with Graph's defaults for the fields Calendly does not set. */
export function calendlyOutlookEvent(b: CalendlyBooking): Partial<GraphEvent> & { subject: string } {
	const host = hostName(b.mailbox);
	const content = calendlyDescription(b);
	return {
		subject: b.title ?? `${b.invitee.name} and ${host}`,
		start: b.start,
		end: b.end,
		organizer: { emailAddress: { name: host, address: b.mailbox } },
		attendees: [
			{ type: 'required', emailAddress: { name: b.invitee.name, address: b.invitee.email } },
			...(b.guests ?? []).map((g) => ({ type: 'required', emailAddress: { name: g.name, address: g.email } })),
		],
		body: { contentType: 'html', content },
		bodyPreview: content.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 255),
		location: { displayName: 'Whole Health Clinic, 1 Example Street, Sydney NSW 2000' },
		sensitivity: 'normal',
		isAllDay: false,
		type: 'singleInstance',
		seriesMasterId: null,
		showAs: 'busy',
		responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
		isOnlineMeeting: false,
	};
}
