import { hasCalendlyMarkers, readAnswers } from '../../../lib/sources/calendly';

describe('booking answers as Calendly writes them into the Outlook event', () => {
	test('question lines (ending ?, : or Calendly’s default "…our meeting.") pair with the next line; the footer is not an answer', () => {
		const body = [
			'<p>Event Name: GAPS Coaching Follow-up</p>',
			'<p>Please share anything that will help prepare for our meeting.<br>Bloating after meals</p>',
			'<p>Phone Number: 0400 111 222</p>',
			'<p>Need to make changes to this event?<br>Cancel: https://calendly.com/cancellations/AAA<br>Reschedule: https://calendly.com/reschedulings/AAA</p>',
		].join('');
		expect(readAnswers(body)).toEqual([
			{ question: 'Event Name', answer: 'GAPS Coaching Follow-up' },
			{ question: 'Please share anything that will help prepare for our meeting.', answer: 'Bloating after meals' },
			{ question: 'Phone Number', answer: '0400 111 222' },
		]);
	});

	test('"Question: answer" lines, and a question line with its answer on the next', () => {
		expect(readAnswers('Phone: 0400\n\nWhy?\nBecause')).toEqual([{ question: 'Phone', answer: '0400' }, { question: 'Why?', answer: 'Because' }]);
	});

	test('Calendly’s markers are found at the start or the end of a body, however long the answers between', () => {
		const answers = Array.from({ length: 2000 }, (_, i) => `Question ${i}: an answer`).join('\n');
		expect(hasCalendlyMarkers(`Event Name: GAPS Coaching Follow-up\n${answers}`)).toBe(true);
		expect(hasCalendlyMarkers(`${answers}\nPowered by Calendly.com`)).toBe(true);
		expect(hasCalendlyMarkers(answers)).toBe(false);
	});
});
