/** Hostile public input (200,000 characters) and every parser and redactor that takes it. */
import { redact } from '../../lib/medirecords/mapping';
import { cleanEmail, splitName, toIsoDate } from '../../lib/sources/patientFields';
import { readPhone } from '../../lib/sources/phones';
import { echo, isPlausibleName, plausibleEmail, redactText, stripHtml } from '../../lib/sources/publicInput';
import { routeBooking } from '../../lib/sources/booking';
import { readAnswers } from '../../lib/sources/calendly';
import { routeForm } from '../../lib/sources/forms';
import { formIdOf, readQuestions, recogniseQuestions, submissionIdOf, submittedAt } from '../../lib/sources/jotform';
import { buildSubmission, questionsContent } from '../../sandbox/services';
import { graphEvent, shippedCatalog } from './fixtures';

export const N = 200_000;
export const ADVERSARIAL: Record<string, string> = {
	'dot run': 'a@' + '.'.repeat(N),
	'@ run': '@'.repeat(N),
	'@ and dots': ('a.' + '@').repeat(N / 3),
	'colon lines': (':'.repeat(100) + '\n').repeat(N / 101),
	'one colon line': 'Question' + ':'.repeat(N),
	'< run': '<'.repeat(N),
	'<a run': '<a'.repeat(N / 2),
	'& run': '&'.repeat(N),
	'U+2028 lines': 'Q: A\u2028'.repeat(N / 5),
	'digits and spaces': '1 '.repeat(N / 2) + 'x',
	'digit dash': '1-'.repeat(N / 2),
	'x ext': 'x1'.repeat(N / 2),
	'letters': 'a'.repeat(N),
	'emails': 'a@b.c '.repeat(N / 6),
};

const catalog = shippedCatalog();
export const PARSERS: Array<[string, (s: string) => unknown]> = [
	['cleanEmail', cleanEmail],
	['plausibleEmail', plausibleEmail],
	['readPhone', (s) => readPhone(s)],
	['toIsoDate', (s) => toIsoDate(s)],
	['splitName', splitName],
	['isPlausibleName', isPlausibleName],
	['stripHtml', stripHtml],
	['readAnswers', readAnswers],
	['redact', (s) => redact(s, ['Ng', 'Li', 'ana@example.com', '+61400111222', s.slice(0, 50)])],
	['redactText', (s) => redactText(s, [s.slice(0, 3)])],
	['submittedAt', (s) => submittedAt(s, 'America/New_York')],
	['echo', (s) => echo(s)],
	['submissionIdOf and formIdOf', (s) => [submissionIdOf({ data: { submissionID: s, formID: s } }), formIdOf(s)]],
	['recogniseQuestions', (s) => recogniseQuestions([{ qid: '1', name: s, text: s, type: 'control_textbox' }], { [s]: 'notes' })],
	['routeBooking (event body and attendee)', (s) =>
		routeBooking(catalog, { mailbox: 'ramona@clinic.example', event: graphEvent({ subject: s.slice(0, 5000), mailbox: 'ramona@clinic.example', body: s, name: s, email: s }) })],
	['routeForm (every answer)', (s) => {
		const { submission } = buildSubmission('241000000002', { fullName: { first: s, last: s }, email: s, phoneNumber: { full: s }, dateOf: s, gender: s, address: { addr_line1: s }, currentMedications: s });
		return routeForm(catalog, { submission, questions: readQuestions(questionsContent('241000000002')) });
	}],
];
