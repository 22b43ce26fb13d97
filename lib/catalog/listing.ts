/** The website's listing: a service's practitioners and Calendly links (or its waitlist form), and its version for caching. */
import { createHash } from 'crypto';
import { consultant, practitionersFor } from './lookup';
import type { Catalog, Form, Practitioner } from './schema';
import { fail, type RouteResult } from './rules';
import { echo } from '../sources/publicInput';

export interface ServiceListing {
	service: string;
	serviceName: string;
	status: 'active' | 'waitlist';
	kind: 'freeConsultation' | 'followUp';
	prices: { initial: number | null; followUp: number | null; currency: string };
	practitioners: Array<{ key: string; name: string; bio?: string; photoUrl?: string; calendly: Array<{ eventType: string; url: string }> }>;
	waitlistFormUrl?: string;
	/** The JotForm form a patient fills in after booking here (or the waitlist form), and its prefill parameter names. */
	form?: WebsiteForm;
	/** Shown when online booking cannot be reached. */
	contact: { clinic: string; phone?: string; email?: string };
}

export interface WebsiteForm {
	type: string;
	url: string;
	/** JotForm URL-prefill parameter names for the invitee's first name, last name and email. */
	prefill: { firstName: string; lastName: string; email: string };
}

/** JotForm's own unique names for a form's default Full Name and Email fields. */
const DEFAULT_PREFILL = { firstName: 'name[first]', lastName: 'name[last]', email: 'email' };

/**
 * A form as the website opens it: its JotForm URL and the prefill names. A Field Map entry for
 * fullName, firstName, lastName or email (by its unique name, or qN_name as webhooks send it)
 * overrides JotForm's defaults.
 */
export function websiteForm(form: Form): WebsiteForm {
	const prefill = { ...DEFAULT_PREFILL };
	for (const [question, target] of Object.entries(form.fields ?? {})) {
		const name = question.replace(/^q\d+_/, '');
		if (target === 'fullName') Object.assign(prefill, { firstName: `${name}[first]`, lastName: `${name}[last]` });
		else if (target === 'firstName' || target === 'lastName' || target === 'email') prefill[target] = name;
	}
	return { type: form.type, url: `https://form.jotform.com/${form.formId}`, prefill };
}

/** The clinic's name, and its phone and email when the catalog has them: what the website shows when booking cannot be reached. */
function clinicContact(catalog: Catalog): ServiceListing['contact'] {
	const { name, phone, email } = catalog.clinic;
	return { clinic: name, ...(phone ? { phone } : {}), ...(email ? { email } : {}) };
}

/** After a free consultation the mini intake; after a follow-up the service's own form; while waitlisted the waitlist form. */
function formAfterBooking(catalog: Catalog, service: Catalog['services'][number], kind: 'freeConsultation' | 'followUp'): Form | undefined {
	const type = service.status !== 'active' ? 'waitlist' : kind === 'freeConsultation' ? 'mini_intake' : service.intakeForm;
	if (!type) return undefined;
	const ofType = catalog.forms.filter((f) => f.type === type);
	return ofType.find((f) => f.service === service.key) ?? ofType.find((f) => !f.service);
}

/**
 * The mailboxes whose calendar subscription is alive now, from upkeep's last report (one row per
 * mailbox: `mailbox`, `watchedUntil` as an ISO time or empty), given as rows or as the n8n items
 * that hold them (`{ json: row }`). Rows that cannot be read count as not watched.
 */
export function watchedMailboxes(rows: unknown, now = Date.now()): Set<string> {
	const watched = new Set<string>();
	for (const row of Array.isArray(rows) ? rows : []) {
		const item = row as { json?: unknown } | undefined;
		const r = (item && typeof item.json === 'object' && item.json !== null ? item.json : row) as { mailbox?: unknown; watchedUntil?: unknown };
		if (typeof r?.mailbox !== 'string' || typeof r.watchedUntil !== 'string') continue;
		const until = Date.parse(r.watchedUntil);
		if (Number.isFinite(until) && until > now) watched.add(r.mailbox.trim().toLowerCase());
	}
	return watched;
}

/**
 * A service's listing for the website. With `watched`, only practitioners whose calendar is
 * watched are listed: a patient never books a calendar whose bookings would not reach MediRecords.
 */
export function listPractitioners(catalog: Catalog, serviceKey: string, kind: 'freeConsultation' | 'followUp' = 'followUp', watched?: Set<string>): RouteResult<ServiceListing> {
	const k = String(serviceKey ?? '').trim().toLowerCase();
	const service = catalog.services.find((s) => s.key === k || s.name.toLowerCase() === k);
	if (!service) return fail('unknown_service', `There is no service "${echo(k)}". Known: ${catalog.services.map((s) => s.key).join(', ')}.`);
	const afterBooking = formAfterBooking(catalog, service, kind);
	const form = afterBooking && websiteForm(afterBooking);
	const base = {
		service: service.key,
		serviceName: service.name,
		status: service.status,
		kind,
		prices: { ...service.prices, currency: catalog.clinic.currency },
		...(form ? { form } : {}),
		contact: clinicContact(catalog),
	};
	if (service.status !== 'active') return { ok: true, value: { ...base, practitioners: [], waitlistFormUrl: form?.url ?? catalog.clinic.waitlistFormUrl } };
	const theConsultant = consultant(catalog);
	const people = (kind === 'freeConsultation' ? (theConsultant ? [theConsultant] : []) : practitionersFor(catalog, service.key)).filter((p) => !watched || watched.has(p.mailbox));
	const links = (p: Practitioner) =>
		p.calendly
			.filter((c) => (kind === 'freeConsultation' ? true : !c.service || c.service === service.key))
			.filter((c) => kind !== 'freeConsultation' || c.kind === undefined || c.kind === 'freeConsultation')
			.map(({ eventType, url }) => ({ eventType, url }));
	const person = (p: Practitioner) => ({ key: p.key, name: p.name, ...(p.bio ? { bio: p.bio } : {}), ...(p.photoUrl ? { photoUrl: p.photoUrl } : {}), calendly: links(p) });
	return { ok: true, value: { ...base, practitioners: people.map(person) } };
}

/**
 * The website widget as n8n serves it: the clinic's name, phone and email in front of the script
 * (what it shows when the calendars cannot be reached), and a version for its ETag.
 */
export function servedWidget(catalog: Catalog, script: string): { script: string; version: string } {
	const contact = JSON.stringify(clinicContact(catalog))
		.replace(/</g, '\\u003c')
		.replace(/\u2028/g, '\\u2028')
		.replace(/\u2029/g, '\\u2029');
	const body = `window.__clinicBookingContact=${contact};\n${script}`;
	return { script: body, version: createHash('sha256').update(body).digest('base64url').slice(0, 22) };
}

/** A short content version of a listing: its ETag, and `version` in the body for the website. */
export function listingVersion(listing: ServiceListing): string {
	return createHash('sha256').update(JSON.stringify(listing)).digest('base64url').slice(0, 22);
}

/** Whether an If-None-Match header names this version (strong or weak, in a list, or `*`). */
export function etagMatches(ifNoneMatch: string, version: string): boolean {
	const header = ifNoneMatch.trim();
	if (!header || header.length > 1000) return false;
	if (header === '*') return true;
	return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === `"${version}"`);
}
