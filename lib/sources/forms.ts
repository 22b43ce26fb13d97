/**
 * JotForm submissions (fetched from JotForm's API, never the webhook body) →
 * form type, service and the patient's details.
 */
import { FORM_TYPE_NAMES, outOfServiceNote, serviceNamed, type Catalog, type FormType } from '../catalog';
import { readQuestions, recogniseQuestions, submissionLink, type JotFormQuestion, type JotFormSubmission } from './jotform';
import { cleanEmail, splitName, titleCase, toIsoDate, type PatientAddress } from './patientFields';
import { patientPhone, type PatientPhone } from './phones';
import { boundValue, clip, isPlausibleName, LIMITS } from './publicInput';
import { fail, type RouteResult } from '../catalog/rules';

export interface RoutedForm {
	formId: string;
	formType: FormType;
	service?: string;
	serviceName?: string;
	submissionId: string;
	/** Where staff open the submission in JotForm. */
	submissionUrl?: string;
	/** The line the appointment's notes get: "GAPS assessment form: <link>". */
	notesLine: string;
	/** The practice's time zone (the catalog's clinic.timeZone), for the MediRecords steps that follow. */
	timeZone: string;
	submittedAt?: string;
	/** When the patient edited the submission (JotForm's updated_at, account time); absent for the original. */
	editedAt?: string;
	patient: { firstName?: string; lastName?: string; email?: string; dob?: string; gender?: string; address?: PatientAddress; notes?: string } & Omit<PatientPhone, 'phoneUnreadable'>;
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
	if (!form) return fail('not_catalog_form', `JotForm form ${clip(formId, 30)} is not in the Service Catalog. Add it under Forms with its type.${outOfServiceNote(catalog, 'forms')}`);
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
			case 'phone': {
				const { phoneUnreadable, ...phone } = patientPhone(text, country);
				Object.assign(patient, phone);
				if (phoneUnreadable) problems.push(`${label} is not a phone number that can be read`);
				break;
			}
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
		service = serviceNamed(catalog, serviceAnswer);
		if (!service) problems.push('the service named in the form is not in the catalog');
	}
	if (!patient.lastName) {
		return fail('no_patient_name', `Form ${formId} (${form.type}) gives no last name that can be read${problems.length ? ` (${problems.join('; ')})` : ''}, and MediRecords needs one. Open the submission in JotForm and enter the patient by hand.`);
	}
	if (!patient.email && !(patient.firstName && patient.lastName && patient.dob)) {
		return fail('patient_not_identifiable', `Form ${formId} (${form.type}) gives neither a valid email nor name + date of birth, so the patient cannot be found${problems.length ? ` (${problems.join('; ')})` : ''}.`);
	}
	const submissionUrl = input.apiDomain ? submissionLink(input.apiDomain, formId, String(sub.id)) : undefined;
	return {
		ok: true,
		value: {
			formId,
			formType: form.type,
			service: service?.key,
			serviceName: service?.name,
			submissionId: String(sub.id),
			submissionUrl,
			notesLine: `${FORM_TYPE_NAMES[form.type].inNotes} form: ${submissionUrl ?? ''}`,
			timeZone: catalog.clinic.timeZone,
			submittedAt: sub.created_at,
			patient,
			answers: rest,
			problems,
		},
	};
}

