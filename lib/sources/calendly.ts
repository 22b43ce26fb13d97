/**
 * What Calendly writes into the Outlook event it puts in a practitioner's calendar: the invitee's answers
 * ("Question: answer" lines, or a question line and its answer on the next), its footer and its markers
 * (cancel and reschedule links, "Powered by Calendly", the "Event Name:" line).
 */
import type { Catalog, Practitioner } from '../catalog';
import { clip, LIMITS, stripHtml, textLines } from './publicInput';

/** Calendly's own footer and metadata lines in the event body: not the patient's answers. */
const FOOTER = /^(need to make changes|cancel|reschedule|powered by|location|invitee time zone)\b/i;

/** Calendly writes a question on its own line, ending with "?", ":" or (its default question) ".", the answer on the next. */
function isQuestionLine(line: string): boolean {
	if (line.length > 200 || FOOTER.test(line)) return false;
	if (/[?:]$/.test(line)) return true;
	return /\.$/.test(line) && line.split(' ').length >= 4;
}

/**
 * The body's text in blocks (runs of lines between blank lines). In HTML only tags break lines: Exchange
 * puts a CRLF after every <br>, which is not a line of its own.
 */
function blocks(body: string): string[][] {
	const html = /<(?:br|p|div|html|body)\b/i.test(body);
	const text = stripHtml(html ? body.replace(/[\r\n]+/g, ' ') : body);
	return text
		.split(/\n[ \t\u00a0]*\n/)
		.map(textLines)
		.filter((b) => b.length);
}

/** "Question: answer" on one line; undefined when the line is not one. */
function colonPair(line: string): { question: string; answer: string } | undefined {
	const colon = line.indexOf(':');
	const question = colon >= 2 && colon <= 80 ? line.slice(0, colon).trim() : '';
	const answer = question ? line.slice(colon + 1).trim() : '';
	return question && answer && !/^https?$/i.test(question) && !FOOTER.test(question) ? { question, answer: clip(answer, LIMITS.answer) } : undefined;
}

/**
 * Reads the invitee's answers from the event body Calendly writes: each question on its own line with its
 * answer on the next (a block of two lines, however the question ends), "Question: answer" lines, and
 * Calendly's own "Event Name: …" line. Its footer (cancel and reschedule links, "Powered by") is not an answer.
 */
export function readAnswers(body: string): Array<{ question: string; answer: string }> {
	const out: Array<{ question: string; answer: string }> = [];
	for (const block of blocks(String(body ?? ''))) {
		if (out.length >= LIMITS.answers) break;
		if (block.length === 2 && block[0].length <= 200 && !colonPair(block[0]) && !FOOTER.test(block[0]) && !FOOTER.test(block[1])) {
			out.push({ question: block[0].replace(/:$/, '').trim(), answer: clip(block[1], LIMITS.answer) });
			continue;
		}
		for (let i = 0; i < block.length && out.length < LIMITS.answers; i++) {
			const line = block[i];
			const pair = colonPair(line);
			if (pair) out.push(pair);
			else if (isQuestionLine(line) && block[i + 1] && !isQuestionLine(block[i + 1]) && !FOOTER.test(block[i + 1])) {
				out.push({ question: line.replace(/:$/, '').trim(), answer: clip(block[i + 1], LIMITS.answer) });
				i++;
			}
		}
	}
	return out;
}

/** Calendly's own lines in an event it writes: its footer links, its signature, the event name line. */
const CALENDLY_MARKERS = /calendly\.com\/(cancellations|reschedulings)\/|powered by calendly|^\s*event name\s*:/im;

const MARKER_WINDOW = LIMITS.answer * 4;

/** Whether an event body carries Calendly's markers: its first lines or its footer, however long the answers between. */
export function hasCalendlyMarkers(body: string): boolean {
	const text = String(body ?? '');
	const parts = text.length > 2 * MARKER_WINDOW ? [text.slice(0, MARKER_WINDOW), text.slice(-MARKER_WINDOW)] : [text];
	return parts.some((part) => CALENDLY_MARKERS.test(textLines(stripHtml(part)).join('\n')));
}

export type CalendlyLink = Practitioner['calendly'][number];

/** A text as a pattern that matches exactly that text. */
export const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const norm = (s: unknown) => String(s ?? '').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * The catalog's Calendly event type a booking was made with: the practitioner's own event type named on
 * Calendly's "Event Name:" line, else one whose name the title holds (a customised title such as
 * "Weight Loss Follow-up with Ana"), else another practitioner's event type of that name (a team or
 * round-robin event). Longest name first, so "GAPS Coaching Initial Extended" beats "GAPS Coaching Initial".
 */
export function calendlyLinkFor(catalog: Catalog, practitioner: Practitioner, eventName?: string, title?: string): CalendlyLink | undefined {
	const name = norm(eventName);
	const own = [...practitioner.calendly].sort((a, b) => b.eventType.length - a.eventType.length);
	if (name) {
		const exact = own.find((l) => norm(l.eventType) === name);
		if (exact) return exact;
	}
	const t = norm(title);
	if (t) {
		const inTitle = own.find((l) => new RegExp(`(^|\\W)${literal(norm(l.eventType))}($|\\W)`).test(t));
		if (inTitle) return inTitle;
	}
	if (!name) return undefined;
	return catalog.practitioners.flatMap((p) => p.calendly).find((l) => norm(l.eventType) === name);
}

/** A booking question that asks the invitee for their own number (Calendly's phone question, its text-reminder number). */
export function isPhoneQuestion(question: string): boolean {
	return /^(?:your\s+)?(?:phone|mobile|cell|contact (?:number|phone)|telephone|send text messages to|text (?:message|reminder)s?\b)/i.test(question.trim());
}

/**
 * A calendar title without the people in it. Calendly's default title is "<Invitee> and <Host>", which names
 * no service: matched against the routing rules as it stands, a patient called "Weight" would be booked for
 * Weight Loss. What remains after the names ("Follow-up", or nothing) is what the rules may read.
 */
export function titleWithoutNames(title: string, names: Array<string | undefined>): string {
	// Lower-cased (the rules match without case), and plain text search: a name is public input, never a pattern.
	let t = ` ${clip(title, 500).toLowerCase()} `;
	for (const n of names.map((x) => clip(x, 200).trim().toLowerCase()).filter((x) => x.length >= 2).sort((a, b) => b.length - a.length)) {
		t = t.split(n).join(' ');
	}
	const rest = t.replace(/\s+/g, ' ').trim();
	return /^(?:and|with|&|-|:|\/|\s)*$/i.test(rest) ? '' : rest;
}
