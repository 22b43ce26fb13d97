/**
 * The shape of the clinic's service catalog (services, practitioners, forms, routing rules), in zod, and
 * how its problems are named: by each entry's own key (`practitioners[dr-dia].mailbox`), never an index.
 */
import { z } from 'zod';
import { DEFAULT_TIME_ZONE, isTimeZone } from '../time';
import { BOOKING_KINDS, FORM_TYPES, PATIENT_TARGETS } from './facts';

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

export const serviceSchema = z.object({
	key,
	name: z.string().trim().min(1),
	status: z.enum(['active', 'waitlist']),
	prices: z.object({ initial: price, followUp: price }),
	intakeForm: key.optional(),
	appointmentTypes: z.object({ initial: uuid.optional(), followUp: uuid.optional(), freeConsultation: uuid.optional() }),
});

export const practitionerSchema = z.object({
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

export const formSchema = z.object({
	formId: z.string().trim().regex(/^\d{6,}$/, 'must be the numeric JotForm form id'),
	type: z.enum(FORM_TYPES),
	service: key.optional(),
	fields: z.record(z.string().trim().min(1), z.enum(PATIENT_TARGETS)).default({}),
});

export const ruleSchema = z
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

export const clinicSchema = z.object({
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
	/**
	 * The Calendly question (on the consultant's free consultation) that asks which service the patient
	 * wants: its answer names the service when the event type does not.
	 */
	serviceQuestion: z.string().trim().min(1).default('Which service are you interested in?'),
	/** Shown on the website when online booking cannot be reached. */
	phone: z.string().trim().regex(/^\+?[0-9 ()-]{6,20}$/, 'must be a phone number, e.g. 02 9000 0000').optional(),
	email: z.string().trim().email('must be an email address').optional(),
	/** The subject of the busy block a MediRecords appointment puts in the practitioner's Outlook (no patient data). */
	blockSubject: z.string().trim().min(1).max(100, 'must be at most 100 characters').default('Busy'),
});

/** Entry fields only the website shows: when wrong they are left out, and the entry stays in service. */
export const WEBSITE_ONLY_FIELDS = { practitioners: ['bio', 'photoUrl'] } as const;

/** Clinic fields that can be left out when wrong: the rest of the clinic works without them. */
export const OPTIONAL_CLINIC_FIELDS = ['waitlistFormUrl', 'opsAlertUrl', 'priceTolerance', 'serviceQuestion', 'phone', 'email', 'blockSubject'] as const;

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

export const problemSchema = z.object({ entry: z.string(), problem: z.string(), outOfService: z.boolean().default(true), step: z.string().optional() });

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
export function describePath(path: Array<string | number>, input: unknown): string {
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
export function entryLabel(entry: unknown): string | undefined {
	const e = entry as Record<string, unknown> | undefined;
	const label = e?.key ?? e?.formId ?? e?.name ?? e?.eventType;
	return typeof label === 'string' && label.trim() ? label.trim() : undefined;
}
