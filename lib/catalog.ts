/**
 * The clinic's service catalog: services, practitioners, forms and routing
 * rules, validated with zod. Errors name the entry that is wrong
 * (for example `practitioners[dr-dia].mailbox`), never a bare index.
 */
import { z } from 'zod';
import { DEFAULT_TIME_ZONE, isTimeZone } from './time';

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

export const catalogSchema = z.object({
	clinic: z.object({
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
		/** Where ops alerts go (a Teams/Slack incoming webhook or similar): no patient data is ever sent there. */
		opsAlertUrl: z.string().trim().url().optional(),
		priceTolerance: z.number().nonnegative().default(0.5),
	}),
	services: z.array(serviceSchema).min(1),
	practitioners: z.array(practitionerSchema).min(1),
	forms: z.array(formSchema).default([]),
	routing: z.array(ruleSchema).default([]),
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
			const entry = next as Record<string, unknown> | undefined;
			const label = entry?.key ?? entry?.formId ?? entry?.name ?? entry?.eventType ?? `#${seg + 1}`;
			out += `[${String(label)}]`;
		} else {
			out += out ? `.${seg}` : seg;
		}
		node = next;
	}
	return out || 'catalog';
}

/** Validates a catalog; throws CatalogError naming every bad entry. */
export function parseCatalog(input: unknown): Catalog {
	const parsed = catalogSchema.safeParse(input);
	if (!parsed.success) {
		throw new CatalogError(parsed.error.issues.map((i) => `${describePath(i.path, input)} ${i.message}`));
	}
	const c = parsed.data;
	const problems: string[] = [];
	const dupes = (list: string[], what: string) => {
		const seen = new Set<string>();
		for (const k of list) {
			if (seen.has(k)) problems.push(`${what}[${k}] appears twice`);
			seen.add(k);
		}
	};
	dupes(c.services.map((s) => s.key), 'services');
	dupes(c.practitioners.map((p) => p.key), 'practitioners');
	dupes(c.practitioners.map((p) => p.mailbox), 'practitioner mailbox');
	dupes(c.forms.map((f) => f.formId), 'forms');
	const services = new Set(c.services.map((s) => s.key));
	const formKeys = new Set(c.forms.map((f) => f.type));
	for (const p of c.practitioners) {
		for (const s of p.services) if (!services.has(s)) problems.push(`practitioners[${p.key}].services names "${s}", which is not a service in the catalog`);
		for (const cal of p.calendly) if (cal.service && !services.has(cal.service)) problems.push(`practitioners[${p.key}].calendly[${cal.eventType}].service names unknown service "${cal.service}"`);
	}
	for (const s of c.services) {
		if (s.intakeForm && !formKeys.has(s.intakeForm as FormType)) problems.push(`services[${s.key}].intakeForm "${s.intakeForm}" is not a form type in the catalog`);
		if (s.status === 'active') {
			if (!c.practitioners.some((p) => !p.consultant && p.services.includes(s.key))) problems.push(`services[${s.key}] is active but no practitioner delivers it`);
			if (!s.appointmentTypes.followUp && !s.appointmentTypes.initial) problems.push(`services[${s.key}] is active but has no MediRecords appointment type`);
		}
	}
	for (const f of c.forms) if (f.service && !services.has(f.service)) problems.push(`forms[${f.formId}].service names unknown service "${f.service}"`);
	for (const r of c.routing) if (r.service && !services.has(r.service)) problems.push(`routing[${r.name}].service names unknown service "${r.service}"`);
	if (!c.practitioners.some((p) => p.consultant)) problems.push('practitioners: no consultant is marked for free initial consultations');
	if (problems.length) throw new CatalogError(problems);
	return c;
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
	const catalog = parseCatalog(value);
	if (checked.size >= 8) checked.delete(checked.keys().next().value as string);
	checked.set(text, catalog);
	return catalog;
}

export function practitionersFor(catalog: Catalog, serviceKey: string): Practitioner[] {
	return catalog.practitioners.filter((p) => !p.consultant && p.services.includes(serviceKey));
}

export function consultant(catalog: Catalog): Practitioner {
	return catalog.practitioners.find((p) => p.consultant)!;
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

/**
 * Builds the catalog from the "Define Catalog" node's form fields (n8n fixed
 * collections), so ops edit it as forms in the n8n UI rather than as JSON.
 */
export function catalogFromParameters(p: Record<string, unknown>): unknown {
	const clinic = (p.clinic as Record<string, unknown>) ?? {};
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
		},
		services: rows(p.services).map((s) => ({
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
		practitioners: rows(p.practitioners).map((r) => ({
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
		})),
		forms: rows(p.forms).map((f) => ({
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
