import type { Catalog } from '../../../lib/catalog';
import { checkSubmission, readQuestions, recogniseQuestions, versionKey } from '../../../lib/sources/jotform';
import { APPOINTMENT_TYPES } from '../../../sandbox/seed';
import { questionsContent } from '../../../sandbox/services';
import { shippedCatalog } from '../../helpers/fixtures';

const catalog: Catalog = shippedCatalog();
const type = (name: string) => APPOINTMENT_TYPES.find((t) => t.name === name)!.id;

describe('JotForm submission checks', () => {
	const formIds = catalog.forms.map((f) => f.formId);
	const opts = (nowMs: number) => ({ nowMs, maxAgeMinutes: 60, accountTimeZone: 'America/New_York' });
	test('created_at is read in the account time zone; recent passes, old and future do not', () => {
		const now = Date.UTC(2026, 10, 25, 15, 0); // 10:00 in New York
		const at = (created_at: string, form_id = '241000000002') => checkSubmission({ id: '1', form_id, created_at, status: 'ACTIVE' }, formIds, opts(now));
		expect(at('2026-11-25 09:58:00')).toEqual({ ok: true });
		expect(at('2026-11-25 08:30:00')).toMatchObject({ ok: false, reason: 'stale_submission' });
		expect(at('2026-11-25 11:00:00')).toMatchObject({ ok: false, reason: 'stale_submission' });
		expect(at('not a date')).toMatchObject({ ok: false, reason: 'stale_submission' });
		expect(at('2026-11-25 09:58:00', '241000000099')).toMatchObject({ ok: false, reason: 'not_catalog_form' });
		expect(checkSubmission({ id: '1', form_id: '241000000002', created_at: '2026-11-25 09:58:00', status: 'DELETED' }, formIds, opts(now))).toMatchObject({ ok: false, reason: 'submission_not_active' });
	});

	test('an edit (JotForm’s updated_at) is its own version, judged by when it was made', () => {
		const now = Date.UTC(2026, 10, 25, 15, 0); // 10:00 in New York
		const month = { id: '61', form_id: '241000000002', created_at: '2026-10-25 09:58:00', status: 'ACTIVE' };
		expect(checkSubmission(month, formIds, opts(now))).toMatchObject({ ok: false, reason: 'stale_submission' });
		expect(checkSubmission({ ...month, updated_at: '2026-11-25 09:59:00' }, formIds, opts(now))).toEqual({ ok: true });
		expect(versionKey({ ...month, updated_at: null })).toBe('61');
		expect(versionKey({ ...month, updated_at: '2026-11-25 09:59:00' })).toBe('61@2026-11-25 09:59:00');
	});

	test('questions are recognised by type first, then label', () => {
		const t = recogniseQuestions(readQuestions(questionsContent('241000000002')));
		expect(Object.fromEntries(t)).toEqual({ '3': 'fullName', '4': 'email', '5': 'phone', '6': 'dob', '8': 'gender', '9': 'address' });
		const text = recogniseQuestions([
			{ qid: '1', name: 'firstName', text: 'First Name', type: 'control_textbox' },
			{ qid: '2', name: 'surname', text: 'Surname', type: 'control_textbox' },
			{ qid: '3', name: 'dateOf', text: 'Date of birth (DD/MM/YYYY)', type: 'control_textbox' },
			{ qid: '4', name: 'mobile', text: 'Mobile', type: 'control_textbox' },
			{ qid: '5', name: 'sex', text: 'Sex', type: 'control_dropdown' },
		]);
		expect(Object.fromEntries(text)).toEqual({ '1': 'firstName', '2': 'lastName', '3': 'dob', '4': 'phone', '5': 'gender' });
	});
});
