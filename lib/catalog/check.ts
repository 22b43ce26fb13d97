/**
 * Checking a catalog entry by entry: a wrong entry is taken out of service on its own, named in a
 * problem, and everything else keeps working. Also how a node reads the checked catalog it is given.
 */
import { z } from 'zod';
import { omit } from '../objects';
import {
	CatalogError,
	clinicSchema,
	describePath,
	entryLabel,
	formSchema,
	OPTIONAL_CLINIC_FIELDS,
	practitionerSchema,
	problemSchema,
	ruleSchema,
	serviceSchema,
	WEBSITE_ONLY_FIELDS,
	type Catalog,
	type CatalogProblem,
} from './schema';

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
