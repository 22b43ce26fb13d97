/**
 * What Calendly writes into the Outlook event it puts in a practitioner's calendar: the invitee's answers
 * ("Question: answer" lines, or a question line and its answer on the next), its footer and its markers
 * (cancel and reschedule links, "Powered by Calendly", the "Event Name:" line).
 */
import { clip, LIMITS, stripHtml, textLines } from './publicInput';

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

/** Calendly's own lines in an event it writes: its footer links, its signature, the event name line. */
const CALENDLY_MARKERS = /calendly\.com\/(cancellations|reschedulings)\/|powered by calendly|^\s*event name\s*:/im;

const MARKER_WINDOW = LIMITS.answer * 4;

/** Whether an event body carries Calendly's markers: its first lines or its footer, however long the answers between. */
export function hasCalendlyMarkers(body: string): boolean {
	const text = String(body ?? '');
	const parts = text.length > 2 * MARKER_WINDOW ? [text.slice(0, MARKER_WINDOW), text.slice(-MARKER_WINDOW)] : [text];
	return parts.some((part) => CALENDLY_MARKERS.test(textLines(stripHtml(part)).join('\n')));
}
