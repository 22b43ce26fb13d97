import { ADVERSARIAL, PARSERS } from '../../helpers/adversarial';
import { redact } from '../../../lib/medirecords/mapping';
import { cleanEmail, splitName, toIsoDate } from '../../../lib/sources/patientFields';
import { boundValue, echo, isPlausibleName, plausibleEmail, redactText, stripHtml } from '../../../lib/sources/publicInput';
import { routeBooking } from '../../../lib/sources/booking';
import { readAnswers } from '../../../lib/sources/calendly';
import { routeForm } from '../../../lib/sources/forms';
import { formIdOf, readQuestions, recogniseQuestions, submissionIdOf, submittedAt } from '../../../lib/sources/jotform';
import { buildSubmission, questionsContent } from '../../../sandbox/services';
import { graphEvent, shippedCatalog } from '../../helpers/fixtures';

/** The deepest nesting of a JSON-like value, counted without recursion. */
function nestingDepth(value: unknown): number {
	let max = 0;
	const stack: Array<[unknown, number]> = [[value, 0]];
	while (stack.length) {
		const [v, d] = stack.pop()!;
		max = Math.max(max, d);
		if (v && typeof v === 'object') for (const child of Object.values(v as Record<string, unknown>)) stack.push([child, d + 1]);
	}
	return max;
}

// How fast they are (and that they stay linear) is measured by the benchmark
// (test/bench/public-input.bench.test.ts); here, that each one copes at all.
describe('every parser and redactor copes with 200,000-character adversarial input', () => {
	const cases = PARSERS.flatMap(([name, fn]) => Object.entries(ADVERSARIAL).map(([kind, input]) => [name, kind, fn, input] as const));
	test.each(cases)('%s on %s returns an answer', (_name, _kind, fn, input) => {
		expect(() => fn(input)).not.toThrow();
	});
});

describe('public input limits', () => {
	test('emails over 254 characters, with two "@" or spaces are not emails', () => {
		expect(cleanEmail(`${'a'.repeat(250)}@x.io`)).toBeUndefined();
		expect(cleanEmail('a@b@c.io')).toBeUndefined();
		expect(cleanEmail('a b@c.io')).toBeUndefined();
		expect(cleanEmail(' Ana@Example.COM ')).toBe('ana@example.com');
		expect(cleanEmail('ana@example')).toBeUndefined();
	});

	test('names: letters, spaces and \' - . only, up to 100 characters', () => {
		for (const ok of ["O'Brien", 'Anne-Marie', 'St. John', 'José', '李', 'Ng']) expect(isPlausibleName(ok)).toBe(true);
		for (const bad of ['<b>Ana</b>', 'https://evil.example', 'Ana2', 'x'.repeat(101), '', '---']) expect(isPlausibleName(bad)).toBe(false);
	});

	test('answers are capped at 2,000 characters and 200 entries, nesting at 10 levels', () => {
		const answers = readAnswers(Array.from({ length: 300 }, (_, i) => `Question ${i}: yes`).join('\n'));
		expect(answers).toHaveLength(200);
		expect(readAnswers(`Anything else: ${'y'.repeat(5000)}`)[0].answer).toHaveLength(2000);
		let deep: unknown = 'leaf';
		for (let i = 0; i < 50; i++) deep = { d: deep };
		expect(nestingDepth(boundValue(deep))).toBeLessThanOrEqual(10);
	});

	test('HTML is read as text in one pass', () => {
		expect(stripHtml('<p>Phone:&nbsp;0400 111 222</p><p>Notes: a &amp; b &lt;3</p>')).toBe('\nPhone: 0400 111 222\n\nNotes: a & b <3\n');
		expect(stripHtml('a < b and c')).toBe('a < b and c');
	});
});

describe('redaction', () => {
	test('removes the given values, any email address and any phone number', () => {
		expect(redact('Patient Ana Citizen (ana@example.com, +61 400 111 222) not found', ['Ana', 'Citizen'])).toBe('Patient [redacted] [redacted] ([redacted], [redacted]) not found');
	});

	test('two-letter surnames are redacted as whole words only', () => {
		expect(redact('lastName Ng is invalid; nothing else changes', ['Ng'])).toBe('lastName [redacted] is invalid; nothing else changes');
		expect(redact('Li: missing dob', ['Li'])).toBe('[redacted]: missing dob');
	});
});

describe('what error answers and the JotForm trigger take from a POST', () => {
	test('echo: at most 40 letters, digits, spaces and hyphens; anything else is "?"; marked when cut', () => {
		expect(echo('gaps-coaching')).toBe('gaps-coaching');
		expect(echo('<script>alert(1)</script>')).toBe('?script?alert?1???script?');
		expect(echo('x'.repeat(15_000))).toBe(`${'x'.repeat(40)}…`);
		expect(echo(undefined)).toBe('');
	});

	test('only digits are a JotForm submission or form id, wherever n8n put the fields', () => {
		expect(submissionIdOf({ data: { submissionID: '6012345678901234567' } })).toBe('6012345678901234567');
		expect(submissionIdOf({ body: { submissionID: 6012345678 } })).toBe('6012345678');
		expect(submissionIdOf({ submissionID: '60123456789', notASubmission: false })).toBe('60123456789');
		for (const junk of [{ data: { submissionID: 'DROP TABLE' } }, { data: { submissionID: '1'.repeat(26) } }, 'hello', undefined, null, [], { data: 'x' }]) expect(submissionIdOf(junk)).toBeUndefined();
		expect(formIdOf({ data: { formID: '241000000002' } })).toBe('241000000002');
		expect(formIdOf({ data: { formID: '../../../etc' } })).toBeUndefined();
	});
});
