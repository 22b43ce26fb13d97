/**
 * JotForm as JotForm makes it, pure: which question of a form holds which
 * patient detail (from the question's type and label, the catalog's field map
 * overriding), and whether a submission fetched from JotForm's API may be
 * processed (a catalog form, active, recent).
 */
import { clip, LIMITS } from './publicInput';
import { PATIENT_TARGETS } from '../catalog';
import { practiceLocalToInstant } from '../time';

export type PatientTarget = (typeof PATIENT_TARGETS)[number];

/** A question as `GET /form/{id}/questions` (and each submission answer) describes it. */
export interface JotFormQuestion {
	qid: string;
	name: string;
	text: string;
	type: string;
}

/** One answer of `GET /submission/{id}`: the question plus what was answered. */
export interface JotFormAnswer extends Partial<JotFormQuestion> {
	answer?: unknown;
	prettyFormat?: string;
}

export interface JotFormSubmission {
	id: string;
	form_id: string;
	created_at: string;
	/** Set when the submission was edited (JotForm's "Edit Submission"), same format as created_at; null before. */
	updated_at?: string | null;
	status?: string;
	answers?: Record<string, JotFormAnswer>;
}

const BY_TYPE: Record<string, PatientTarget> = {
	control_fullname: 'fullName',
	control_email: 'email',
	control_phone: 'phone',
	control_birthdate: 'dob',
	control_address: 'address',
};

const CHOICE = new Set(['control_radio', 'control_dropdown', 'control_checkbox']);
const TEXT = new Set(['control_textbox', 'control_textarea', 'control_datetime', 'control_dropdown', 'control_radio']);

/** Label → target for questions whose type alone does not say it (a text box labelled "Date of birth"). Labels are short: capped before matching. */
function byLabel(type: string, label: string): PatientTarget | undefined {
	const l = clip(label, 120).toLowerCase();
	if (CHOICE.has(type) && /\b(gender|sex)\b/.test(l)) return 'gender';
	if (CHOICE.has(type) && /\bservice\b/.test(l)) return 'service';
	if (!TEXT.has(type)) return undefined;
	if (/\b(date of birth|birth ?date|d\.?o\.?b)\b/.test(l)) return 'dob';
	if (type === 'control_datetime') return undefined;
	if (/\b(first|given) name\b/.test(l)) return 'firstName';
	if (/\b(last name|surname|family name)\b/.test(l)) return 'lastName';
	if (/^(full )?name\b/.test(l)) return 'fullName';
	if (/\be-?mail\b/.test(l)) return 'email';
	if (/\b(mobile|phone|cell)\b/.test(l)) return 'phone';
	return undefined;
}

/** "q6_dateOf", "dateOf", "6" or the label all name question 6 in a catalog field map. */
function overrideFor(fields: Record<string, string>, q: JotFormQuestion): string | undefined {
	const keys = [`q${q.qid}_${q.name}`, q.name, q.qid, q.text].map((k) => String(k ?? '').trim().toLowerCase()).filter(Boolean);
	for (const [k, v] of Object.entries(fields)) {
		const key = k.trim().toLowerCase();
		if (keys.includes(key) || keys.includes(key.replace(/^q\d+_/, ''))) return v;
	}
	return undefined;
}

/** Which patient detail each question of a form holds. */
export function recogniseQuestions(questions: JotFormQuestion[], fields: Record<string, string> = {}): Map<string, PatientTarget> {
	const out = new Map<string, PatientTarget>();
	for (const q of questions.slice(0, LIMITS.answers)) {
		const override = overrideFor(fields, q);
		const target = (override as PatientTarget | undefined) ?? BY_TYPE[q.type] ?? byLabel(q.type, q.text ?? '');
		if (target && (PATIENT_TARGETS as readonly string[]).includes(target)) out.set(String(q.qid), target);
	}
	return out;
}

/** Questions from the `content` of `GET /form/{id}/questions` (an object keyed by qid). */
export function readQuestions(content: unknown): JotFormQuestion[] {
	if (!content || typeof content !== 'object') return [];
	const list = Array.isArray(content) ? content : Object.values(content as Record<string, unknown>);
	return list.slice(0, LIMITS.answers).flatMap((raw) => {
		const q = raw as Record<string, unknown>;
		if (!q || typeof q !== 'object' || q.qid === undefined) return [];
		return [{ qid: clip(q.qid, 20), name: clip(q.name, 120), text: clip(q.text, 300), type: clip(q.type, 60) }];
	});
}

export type SubmissionCheck = { ok: true } | { ok: false; reason: 'not_catalog_form' | 'submission_not_active' | 'stale_submission'; detail: string };

/**
 * JotForm writes `created_at` as "YYYY-MM-DD HH:MM:SS" in the account's time
 * zone. A submission older than `maxAgeMinutes` (or dated in the future) is not
 * processed: a genuine webhook arrives within seconds.
 */
export function checkSubmission(
	sub: JotFormSubmission,
	catalogFormIds: string[],
	opts: { nowMs: number; maxAgeMinutes: number; accountTimeZone: string },
): SubmissionCheck {
	if (!catalogFormIds.includes(String(sub.form_id))) {
		return { ok: false, reason: 'not_catalog_form', detail: `The submission belongs to JotForm form ${clip(sub.form_id, 30)}, which is not in the Service Catalog.` };
	}
	if (sub.status && String(sub.status).toUpperCase() !== 'ACTIVE') {
		return { ok: false, reason: 'submission_not_active', detail: `JotForm reports the submission as ${clip(sub.status, 20)}, not ACTIVE.` };
	}
	const created = submittedAt(sub.created_at, opts.accountTimeZone);
	if (created === undefined) return { ok: false, reason: 'stale_submission', detail: 'JotForm gave no submission time that can be read.' };
	// An edit is judged by when it was made: correcting last month's form today is today's news.
	const edited = submittedAt(submissionVersion(sub), opts.accountTimeZone);
	const ageMin = (opts.nowMs - Math.max(created, edited ?? created)) / 60_000;
	if (ageMin > opts.maxAgeMinutes || ageMin < -15) {
		return { ok: false, reason: 'stale_submission', detail: `The submission was made ${Math.round(ageMin)} minutes ago; only submissions from the last ${opts.maxAgeMinutes} minutes are processed from a webhook.` };
	}
	return { ok: true };
}

/** Which version of a submission this is: JotForm's `updated_at` once edited, '' for the original. */
export function submissionVersion(sub: Pick<JotFormSubmission, 'updated_at'>): string {
	return typeof sub.updated_at === 'string' ? clip(sub.updated_at, 30).trim() : '';
}

/** The key a submission version is processed once under: the id for the original, id@updated_at for each edit. */
export function versionKey(sub: Pick<JotFormSubmission, 'id' | 'updated_at'>): string {
	const version = submissionVersion(sub);
	return version ? `${sub.id}@${version}` : String(sub.id);
}

export function submittedAt(createdAt: unknown, accountTimeZone: string): number | undefined {
	const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::\d{2})?$/.exec(clip(createdAt, 30).trim());
	if (!m) return undefined;
	try {
		return Date.parse(practiceLocalToInstant(`${m[1]}T${m[2]}`, accountTimeZone));
	} catch {
		return undefined;
	}
}

/** Where staff open the submission in JotForm (the inbox of the form), for the domain the account is on. */
export function submissionLink(apiDomain: string, formId: string, submissionId: string): string {
	const site = apiDomain.startsWith('hipaa') ? 'hipaa.jotform.com' : apiDomain.startsWith('eu') ? 'eu.jotform.com' : 'www.jotform.com';
	return `https://${site}/inbox/${encodeURIComponent(formId)}/${encodeURIComponent(submissionId)}`;
}

/** The fields of a JotForm webhook POST: multipart fields as n8n parses them (`{ data: fields }`), a body, or an item. */
function postFields(payload: unknown): Record<string, unknown> | undefined {
	const obj = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined);
	const p = obj(payload);
	return obj(p?.data) ?? obj(p?.body) ?? p;
}

/** A JotForm id (submission or form): digits only, or nothing. */
function jotFormId(raw: unknown): string | undefined {
	const id = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
	return /^\d{6,25}$/.test(id) ? id : undefined;
}

/**
 * The submission id of a JotForm webhook POST (`submissionID`, beside `formID`, `rawRequest`…).
 * Only digits are an id; anything else is no submission.
 */
export function submissionIdOf(payload: unknown): string | undefined {
	const f = postFields(payload);
	return jotFormId(f?.submissionID ?? f?.submissionId ?? f?.submission_id);
}

/** The form id a JotForm webhook POST names (`formID`), if it is one. */
export function formIdOf(payload: unknown): string | undefined {
	return jotFormId(postFields(payload)?.formID);
}
