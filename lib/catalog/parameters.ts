/**
 * The catalog as ops edit it in the n8n editor: the Clinic Catalog node's form fields and the entries of
 * Clinic Catalog Entry steps, turned into the catalog's shape (checked afterwards by `checkCatalog`).
 */
import { entryLabel, type CatalogProblem } from './schema';

/** Splits "a, b\nc" lists used by the catalog form in the n8n UI. */
export function splitList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
	return String(value ?? '')
		.split(/[\n,]/)
		.map((s) => s.trim())
		.filter(Boolean);
}

/** One entry per line (for values that may themselves contain commas). */
export function splitLines(value: unknown): string[] {
	return String(value ?? '')
		.split(/\r?\n/)
		.map((s) => s.trim())
		.filter(Boolean);
}

const num = (v: unknown): number | null => (v === '' || v === undefined || v === null || Number.isNaN(Number(v)) ? null : Number(v));
const opt = (v: unknown): string | undefined => (v === undefined || v === null || String(v).trim() === '' ? undefined : String(v).trim());

type Rows = { values?: Array<Record<string, unknown>> } | undefined;
const rows = (v: unknown) => ((v as Rows)?.values ?? []) as Array<Record<string, unknown>>;

/** The lists a Clinic Catalog Entry step can add to. */
export const ENTRY_LISTS = ['services', 'practitioners', 'forms'] as const;
export type EntryList = (typeof ENTRY_LISTS)[number];

/** One entry from its own workflow step: the same fields as a row of the catalog node's list. */
export interface CatalogEntry {
	list: EntryList;
	row: Record<string, unknown>;
	step?: string;
}

/** The entries carried by an item (`catalogEntries`), those that have the expected shape. */
export function entriesOf(value: unknown): CatalogEntry[] {
	if (!Array.isArray(value)) return [];
	return value.filter(
		(e): e is CatalogEntry =>
			!!e && typeof e === 'object' && (ENTRY_LISTS as readonly unknown[]).includes((e as CatalogEntry).list) && !!(e as CatalogEntry).row && typeof (e as CatalogEntry).row === 'object',
	);
}

/** The workflow step that holds each problem's entry, where it has its own step (named as the check names it). */
export function withSteps(problems: CatalogProblem[], entries: CatalogEntry[]): CatalogProblem[] {
	const steps = new Map(entries.filter((e) => e.step && entryLabel(e.row)).map((e) => [`${e.list}[${entryLabel(e.row)}]`, e.step!]));
	return problems.map((p) => {
		const step = steps.get(p.entry);
		return step && !p.step ? { ...p, step } : p;
	});
}

/**
 * Builds the catalog from the "Define Catalog" node's form fields (n8n fixed
 * collections), so ops edit it as forms in the n8n UI rather than as JSON.
 */
export function catalogFromParameters(p: Record<string, unknown>, entries: CatalogEntry[] = []): unknown {
	const clinic = (p.clinic as Record<string, unknown>) ?? {};
	const listed = (list: EntryList) => [...entries.filter((e) => e.list === list).map((e) => e.row), ...rows(p[list])];
	return {
		clinic: {
			name: clinic.name,
			siteOrigin: clinic.siteOrigin,
			defaultCountry: opt(clinic.defaultCountry),
			timeZone: opt(clinic.timeZone),
			currency: opt(clinic.currency),
			waitlistFormUrl: opt(clinic.waitlistFormUrl),
			opsAlertUrl: opt(clinic.opsAlertUrl),
			priceTolerance: num(clinic.priceTolerance) ?? undefined,
			serviceQuestion: opt(clinic.serviceQuestion),
			phone: opt(clinic.phone),
			email: opt(clinic.email),
			blockSubject: opt(clinic.blockSubject),
		},
		services: listed('services').map((s) => ({
			key: s.key,
			name: s.name,
			status: s.status,
			prices: { initial: num(s.initialPrice), followUp: num(s.followUpPrice) },
			intakeForm: opt(s.intakeForm),
			appointmentTypes: {
				initial: opt(s.initialAppointmentTypeId),
				followUp: opt(s.followUpAppointmentTypeId),
				freeConsultation: opt(s.freeConsultationAppointmentTypeId),
			},
		})),
		practitioners: listed('practitioners').map((r) => ({
			key: r.key,
			name: r.name,
			mailbox: r.mailbox,
			providerId: r.providerId,
			services: splitList(r.services),
			consultant: r.consultant === true,
			calendly: splitLines(r.calendlyLinks).map((line) => {
				// "Event type name | https://calendly.com/... | service key (optional) | booking kind (optional)" per line
				const [eventType, url, service, kind] = line.split('|').map((x) => x.trim());
				return { eventType, url, ...(service ? { service } : {}), ...(kind ? { kind } : {}) };
			}),
			bio: opt(r.bio),
			photoUrl: opt(r.photoUrl),
		})),
		forms: listed('forms').map((f) => ({
			formId: String(f.formId ?? '').trim(),
			type: f.type,
			service: opt(f.service),
			fields: Object.fromEntries(
				splitLines(f.fieldMap).map((line) => {
					const [q, target] = line.split('=').map((x) => x.trim());
					return [q, target];
				}),
			),
		})),
		routing: rows(p.routing).map((r) => ({
			name: r.name,
			service: opt(r.service),
			kind: opt(r.kind),
			subject: opt(r.subject),
			eventType: opt(r.eventType),
			organizer: opt(r.organizer),
		})),
	};
}
