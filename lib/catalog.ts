/**
 * The clinic's service catalog: services, practitioners, forms and routing
 * rules, validated with zod. Errors name the entry that is wrong
 * (for example `practitioners[dr-dia].mailbox`), never a bare index.
 */
import { z } from 'zod';
import { DEFAULT_TIME_ZONE, isTimeZone } from './time';
import { omit } from './objects';

export const BOOKING_KINDS = ['freeConsultation', 'initial', 'followUp'] as const;
export type BookingKind = (typeof BOOKING_KINDS)[number];

export const FORM_TYPES = ['mini_intake', 'medical_history', 'gaps_assessment', 'weight_loss', 'mental_health', 'equine_therapy', 'waitlist'] as const;
export type FormType = (typeof FORM_TYPES)[number];

export const PATIENT_TARGETS = ['fullName', 'firstName', 'lastName', 'email', 'phone', 'dob', 'gender', 'service', 'address', 'notes'] as const;

const key = z.string().trim().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, "-" or "_"');
const uuid = z.string().trim().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a MediRecords UUID');
const price = z.number().nonnegative().nullable();
const pattern = z
	.string()
	.trim()
	.min(1)
	.superRefine((p, ctx) => {
		try {
			new RegExp(p, 'i');
		} catch {
			ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'is not a valid pattern (regular expression)' });
		}
	});

const serviceSchema = z.object({
	key,
	name: z.string().trim().min(1),
	status: z.enum(['active', 'waitlist']),
	prices: z.object({ initial: price, followUp: price }),
	intakeForm: key.optional(),
	appointmentTypes: z.object({ initial: uuid.optional(), followUp: uuid.optional(), freeConsultation: uuid.optional() }),
});

const practitionerSchema = z.object({
	key,
	name: z.string().trim().min(1),
	mailbox: z.string().trim().toLowerCase().email('must be an email address (the Office 365 mailbox)'),
	providerId: uuid,
	services: z.array(key).min(1, 'must deliver at least one service'),
	consultant: z.boolean().default(false),
	calendly: z
		.array(z.object({ url: z.string().trim().url('must be a full https:// Calendly link'), eventType: z.string().trim().min(1), kind: z.enum(BOOKING_KINDS).optional(), service: key.optional() }))
		.default([]),
	/** For the website: a sentence or two, and a portrait (https). */
	bio: z.string().trim().max(400, 'must be at most 400 characters (a sentence or two for the website)').optional(),
	photoUrl: z
		.string()
		.trim()
		.url('must be a full https:// link to the photo')
		.refine((u) => u.startsWith('https://'), 'must be an https:// link (the website is served over https)')
		.optional(),
});

const formSchema = z.object({
	formId: z.string().trim().regex(/^\d{6,}$/, 'must be the numeric JotForm form id'),
	type: z.enum(FORM_TYPES),
	service: key.optional(),
	fields: z.record(z.string().trim().min(1), z.enum(PATIENT_TARGETS)).default({}),
});

const ruleSchema = z
	.object({
		name: z.string().trim().min(1),
		service: key.optional(),
		kind: z.enum(BOOKING_KINDS).optional(),
		subject: pattern.optional(),
		eventType: pattern.optional(),
		organizer: z.string().trim().toLowerCase().optional(),
	})
	.refine((r) => r.service || r.kind, { message: 'must set a service, a booking kind, or both' })
	.refine((r) => r.subject || r.eventType || r.organizer, { message: 'must have at least one pattern (subject, event type or organiser)' });

const clinicSchema = z.object({
	name: z.string().trim().min(1),
	siteOrigin: z.string().trim().url('must be the website origin, e.g. https://www.clinic.example').transform((u) => new URL(u).origin),
	defaultCountry: z.enum(['AU', 'NZ', 'GB', 'US', 'CA', 'IE']).default('AU'),
	timeZone: z
		.string()
		.trim()
		.default(DEFAULT_TIME_ZONE)
		.refine(isTimeZone, 'must be an IANA time zone name, e.g. Australia/Sydney'),
	currency: z.string().trim().length(3).default('AUD'),
	waitlistFormUrl: z.string().trim().url().optional(),
	/** Where routine ops notices go (a Teams/Slack incoming webhook or similar): no patient data is ever sent there. */
	opsAlertUrl: z.string().trim().url().optional(),
	priceTolerance: z.number().nonnegative().default(0.5),
	/** Shown on the website when online booking cannot be reached. */
	phone: z.string().trim().regex(/^\+?[0-9 ()-]{6,20}$/, 'must be a phone number, e.g. 02 9000 0000').optional(),
	email: z.string().trim().email('must be an email address').optional(),
});

/** Entry fields only the website shows: when wrong they are left out, and the entry stays in service. */
const WEBSITE_ONLY_FIELDS = { practitioners: ['bio', 'photoUrl'] } as const;

/** Clinic fields that can be left out when wrong: the rest of the clinic works without them. */
const OPTIONAL_CLINIC_FIELDS = ['waitlistFormUrl', 'opsAlertUrl', 'priceTolerance', 'phone', 'email'] as const;

/**
 * Something ops must fix in the catalog. `entry` names it by its own key, e.g. `practitioners[dr-dia]`;
 * `outOfService` says whether the check took that entry out (the rest of the catalog works either way).
 */
export interface CatalogProblem {
	entry: string;
	problem: string;
	outOfService: boolean;
	/** The workflow step that holds the entry, when it has its own (a Clinic Catalog Entry step). */
	step?: string;
}

const problemSchema = z.object({ entry: z.string(), problem: z.string(), outOfService: z.boolean().default(true), step: z.string().optional() });

export const catalogSchema = z.object({
	clinic: clinicSchema,
	services: z.array(serviceSchema),
	practitioners: z.array(practitionerSchema),
	forms: z.array(formSchema).default([]),
	routing: z.array(ruleSchema).default([]),
	/** Entries left out by the check: everything else in the catalog is in service. */
	problems: z.array(problemSchema).default([]),
});

export type Catalog = z.infer<typeof catalogSchema>;
export type Service = Catalog['services'][number];
export type Practitioner = Catalog['practitioners'][number];
export type Form = Catalog['forms'][number];
export type RoutingRule = Catalog['routing'][number];

export class CatalogError extends Error {
	/** missing: no catalog reached the node at all (as opposed to a catalog with mistakes). */
	constructor(
		readonly problems: string[],
		readonly missing = false,
	) {
		super(`The service catalog is invalid: ${problems.join('; ')}`);
		this.name = 'CatalogError';
	}
}

/** "practitioners.3.mailbox" → "practitioners[dr-dia].mailbox", using each entry's own key. */
function describePath(path: Array<string | number>, input: unknown): string {
	let node: unknown = input;
	let out = '';
	for (const seg of path) {
		const current = node as Record<string | number, unknown> | undefined;
		const next = current?.[seg];
		if (typeof seg === 'number') {
			out += `[${entryLabel(next) ?? `#${seg + 1}`}]`;
		} else {
			out += out ? `.${seg}` : seg;
		}
		node = next;
	}
	return out || 'catalog';
}

/** An entry's own name for problems (key, form id, rule name or event type); undefined when it has none. */
function entryLabel(entry: unknown): string | undefined {
	const e = entry as Record<string, unknown> | undefined;
	const label = e?.key ?? e?.formId ?? e?.name ?? e?.eventType;
	return typeof label === 'string' && label.trim() ? label.trim() : undefined;
}

const LISTS = ['services', 'practitioners', 'forms', 'routing'] as const;
type ListName = (typeof LISTS)[number];

/**
 * Checks a catalog entry by entry. A wrong entry is taken out of service on its own, with a
 * problem naming it: a practitioner with a mistyped mailbox stops being listed and routed, and
 * every other practitioner, service and form keeps working. References follow: a practitioner
 * loses a service that is out (and is out with none left), a form or rule naming a service that
 * is out is out; a service no practitioner delivers stays, with a warning. Only the clinic's own required settings (name, website origin,
 * time zone, currency, country) stop the whole catalog: without them no booking can be placed
 * correctly.
 */
export function checkCatalog(input: unknown): Catalog {
	if (!input || typeof input !== 'object' || Array.isArray(input)) throw new CatalogError(['the catalog must be an object with clinic, services, practitioners, forms and routing']);
	const raw = input as Record<string, unknown>;
	// A catalog checked before (by Define Catalog) carries what that check found: kept, since the
	// entries it took out are no longer here to be found again.
	const earlier = z.array(problemSchema).safeParse(raw.problems ?? []);
	const problems: CatalogProblem[] = earlier.success ? [...earlier.data] : [];
	const out = (entry: string, problem: string, outOfService = true) => problems.push({ entry, problem, outOfService });

	// The clinic: optional settings that are wrong are left out; required ones stop the catalog.
	const clinicIn = { ...((raw.clinic as Record<string, unknown>) ?? {}) };
	let clinic = clinicSchema.safeParse(clinicIn);
	if (!clinic.success) {
		const fatal: string[] = [];
		for (const issue of clinic.error.issues) {
			const field = issue.path[0];
			if ((OPTIONAL_CLINIC_FIELDS as readonly unknown[]).includes(field)) {
				out(`clinic.${String(field)}`, `${issue.message}; left out`, false);
				delete clinicIn[field as string];
			} else fatal.push(`${describePath(['clinic', ...issue.path] as Array<string | number>, raw)} ${issue.message}`);
		}
		if (fatal.length) throw new CatalogError(fatal);
		clinic = clinicSchema.safeParse(clinicIn);
		if (!clinic.success) throw new CatalogError(clinic.error.issues.map((i) => `clinic.${i.path.join('.')} ${i.message}`));
	}

	// Each entry on its own.
	const schemas = { services: serviceSchema, practitioners: practitionerSchema, forms: formSchema, routing: ruleSchema } as const;
	const lists = {} as { [K in ListName]: Array<z.infer<(typeof schemas)[K]>> };
	for (const name of LISTS) {
		const entries = raw[name] === undefined ? [] : raw[name];
		if (!Array.isArray(entries)) throw new CatalogError([`${name} must be a list`]);
		const kept: unknown[] = [];
		entries.forEach((entry: unknown, i: number) => {
			let parsed = (schemas[name] as z.ZodTypeAny).safeParse(entry);
			const label = `${name}[${entryLabel(entry) ?? `#${i + 1}`}]`;
			// A wrong website-only field (a bio, a photo link) is left out; the entry stays in service.
			const cosmetic = (WEBSITE_ONLY_FIELDS as Record<string, readonly string[]>)[name] ?? [];
			if (!parsed.success && entry && typeof entry === 'object' && parsed.error.issues.every((issue) => cosmetic.includes(String(issue.path[0])))) {
				const without = { ...(entry as Record<string, unknown>) };
				for (const issue of parsed.error.issues) {
					out(label, `${String(issue.path[0])} ${issue.message}; left out (the website shows the entry without it)`, false);
					delete without[String(issue.path[0])];
				}
				parsed = (schemas[name] as z.ZodTypeAny).safeParse(without);
			}
			if (parsed.success) kept.push(parsed.data);
			else out(label, parsed.error.issues.map((issue) => `${describePath(issue.path, entry).replace(/^catalog$/, 'entry')} ${issue.message}`.replace(/^entry /, '')).join('; '));
		});
		(lists as Record<ListName, unknown[]>)[name] = kept;
	}
	let { services, practitioners, forms, routing } = lists;

	// Duplicates: the first entry keeps the key; later ones are out.
	const firstOnly = <T>(list: T[], keyOf: (t: T) => string, label: (t: T) => string, what: string): T[] => {
		const seen = new Set<string>();
		return list.filter((t) => {
			const k = keyOf(t);
			if (seen.has(k)) {
				out(label(t), `${what} "${k}" is already used by an earlier entry; this one is out of service`);
				return false;
			}
			seen.add(k);
			return true;
		});
	};
	services = firstOnly(services, (s) => s.key, (s) => `services[${s.key}]`, 'key');
	practitioners = firstOnly(practitioners, (p) => p.key, (p) => `practitioners[${p.key}]`, 'key');
	practitioners = firstOnly(practitioners, (p) => p.mailbox, (p) => `practitioners[${p.key}]`, 'mailbox');
	forms = firstOnly(forms, (f) => f.formId, (f) => `forms[${f.formId}]`, 'form id');

	// Services that cannot be booked are out; then references to what is out.
	const formTypes = new Set(forms.map((f) => f.type as string));
	services = services.map((s) => {
		if (s.intakeForm && !formTypes.has(s.intakeForm)) {
			out(`services[${s.key}]`, `intakeForm "${s.intakeForm}" is not a form type in the catalog; left out`, false);
			return omit(s, 'intakeForm');
		}
		return s;
	});
	services = services.filter((s) => {
		if (s.status === 'active' && !s.appointmentTypes.followUp && !s.appointmentTypes.initial) {
			out(`services[${s.key}]`, 'is active but has no MediRecords appointment type');
			return false;
		}
		return true;
	});
	const unknownService = (s: string) => `names service "${s}", which is not in the catalog or is out of service`;
	const serviceKeys = new Set(services.map((s) => s.key));
	practitioners = practitioners.filter((p) => {
		for (const s of p.services) if (!serviceKeys.has(s)) out(`practitioners[${p.key}]`, `services ${unknownService(s)}; left out of their services`, false);
		p.services = p.services.filter((s) => serviceKeys.has(s));
		for (const c of p.calendly) if (c.service && !serviceKeys.has(c.service)) out(`practitioners[${p.key}]`, `calendly[${c.eventType}] ${unknownService(c.service)}; link left out`, false);
		p.calendly = p.calendly.filter((c) => !c.service || serviceKeys.has(c.service));
		if (!p.services.length) {
			out(`practitioners[${p.key}]`, 'delivers no service that is in service');
			return false;
		}
		return true;
	});
	// A service nobody delivers stays in service: its free consultations still reach the Consultant.
	for (const s of services) {
		if (s.status === 'active' && !practitioners.some((p) => !p.consultant && p.services.includes(s.key))) out(`services[${s.key}]`, 'is active but no practitioner in service delivers it: the website lists nobody for its follow-ups', false);
	}
	forms = forms.filter((f) => {
		if (f.service && !serviceKeys.has(f.service)) {
			out(`forms[${f.formId}]`, unknownService(f.service));
			return false;
		}
		return true;
	});
	routing = routing.filter((r) => {
		if (r.service && !serviceKeys.has(r.service)) {
			out(`routing[${r.name}]`, unknownService(r.service));
			return false;
		}
		return true;
	});
	if (!practitioners.some((p) => p.consultant)) out('practitioners', 'no consultant in service is marked for free initial consultations', false);
	return { clinic: clinic.data, services, practitioners, forms, routing, problems: dedupeProblems(problems) };
}

function dedupeProblems(problems: CatalogProblem[]): CatalogProblem[] {
	const seen = new Set<string>();
	return problems.filter((p) => {
		const k = `${p.entry}\u0000${p.problem}`;
		if (seen.has(k)) return false;
		seen.add(k);
		return true;
	});
}

/** The entries a catalog has out of service, as one line for an alert or error message. */
export function describeProblems(problems: CatalogProblem[], max = 5): string {
	const shown = problems.slice(0, max).map((p) => `${p.entry}${p.step ? ` (step "${p.step}")` : ''}${p.outOfService ? ' (out of service)' : ''}: ${p.problem}`);
	const more = problems.length > max ? `; and ${problems.length - max} more` : '';
	return `${shown.join('; ')}${more}`;
}

/**
 * A sentence for an alert when an item names something the catalog does not have: the entries of
 * that list that are out of service are the likely reason (a mistyped mailbox or form id).
 */
export function outOfServiceNote(catalog: Catalog, list: ListName): string {
	const entries = [...new Set(catalog.problems.filter((p) => p.outOfService && p.entry.startsWith(`${list}[`)).map((p) => p.entry))];
	return entries.length ? ` These catalog entries are out of service until fixed, and may be the one meant: ${entries.slice(0, 5).join(', ')}.` : '';
}

/** Validates a catalog that must be whole (tests, fixtures): throws CatalogError naming every problem. */
export function parseCatalog(input: unknown): Catalog {
	const catalog = checkCatalog(input);
	if (catalog.problems.length) throw new CatalogError(catalog.problems.map((p) => `${p.entry}: ${p.problem}`));
	return catalog;
}

export const NO_CATALOG = 'No catalog reached this node. Put a "Load Service Catalog" step (this package\'s node of that name) before it.';

/** Catalogs already checked, by their JSON text: every item of every run carries the same one. */
const checked = new Map<string, Catalog>();

/** The catalog as it reaches a node parameter: an object, or its JSON text. */
export function parseCatalogInput(raw: unknown): Catalog {
	if (raw === undefined || raw === null || raw === '') throw new CatalogError([NO_CATALOG], true);
	const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
	const hit = checked.get(text);
	if (hit) return hit;
	let value: unknown = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch {
			throw new CatalogError(['the catalog is not valid JSON']);
		}
	}
	const catalog = checkCatalog(value);
	if (checked.size >= 8) checked.delete(checked.keys().next().value as string);
	checked.set(text, catalog);
	return catalog;
}

export function practitionersFor(catalog: Catalog, serviceKey: string): Practitioner[] {
	return catalog.practitioners.filter((p) => !p.consultant && p.services.includes(serviceKey));
}

export function consultant(catalog: Catalog): Practitioner | undefined {
	return catalog.practitioners.find((p) => p.consultant);
}

export function mailboxes(catalog: Catalog): string[] {
	return [...new Set(catalog.practitioners.map((p) => p.mailbox))];
}

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
			phone: opt(clinic.phone),
			email: opt(clinic.email),
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
				// "Event type name | https://calendly.com/... | service key (optional)" per line
				const [eventType, url, service] = line.split('|').map((x) => x.trim());
				return { eventType, url, ...(service ? { service } : {}) };
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
