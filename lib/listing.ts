/** The website's listing: a service's practitioners and Calendly links (or its waitlist form), and its version for caching. */
import { createHash } from 'crypto';
import { consultant, practitionersFor, type Catalog, type Practitioner } from './catalog';
import { fail, type RouteResult } from './rules';

export interface ServiceListing {
	service: string;
	serviceName: string;
	status: 'active' | 'waitlist';
	kind: 'freeConsultation' | 'followUp';
	prices: { initial: number | null; followUp: number | null; currency: string };
	practitioners: Array<{ key: string; name: string; calendly: Array<{ eventType: string; url: string }> }>;
	waitlistFormUrl?: string;
}

/**
 * The mailboxes whose calendar subscription is alive now, from upkeep's last report (one row per
 * mailbox: `mailbox`, `watchedUntil` as an ISO time or empty). Rows that cannot be read count as
 * not watched.
 */
export function watchedMailboxes(rows: unknown, now = Date.now()): Set<string> {
	const watched = new Set<string>();
	for (const row of Array.isArray(rows) ? rows : []) {
		const r = row as { mailbox?: unknown; watchedUntil?: unknown };
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
	if (!service) return fail('unknown_service', `There is no service "${k}". Known: ${catalog.services.map((s) => s.key).join(', ')}.`);
	const base = { service: service.key, serviceName: service.name, status: service.status, kind, prices: { ...service.prices, currency: catalog.clinic.currency } };
	if (service.status !== 'active') return { ok: true, value: { ...base, practitioners: [], waitlistFormUrl: catalog.clinic.waitlistFormUrl } };
	const theConsultant = consultant(catalog);
	const people = (kind === 'freeConsultation' ? (theConsultant ? [theConsultant] : []) : practitionersFor(catalog, service.key)).filter((p) => !watched || watched.has(p.mailbox));
	const links = (p: Practitioner) =>
		p.calendly
			.filter((c) => (kind === 'freeConsultation' ? true : !c.service || c.service === service.key))
			.filter((c) => kind !== 'freeConsultation' || c.kind === undefined || c.kind === 'freeConsultation')
			.map(({ eventType, url }) => ({ eventType, url }));
	return { ok: true, value: { ...base, practitioners: people.map((p) => ({ key: p.key, name: p.name, calendly: links(p) })) } };
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
