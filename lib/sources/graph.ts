/** Pure rules for Microsoft Graph change notifications and subscription upkeep. */
import { createHmac, timingSafeEqual } from 'crypto';

/**
 * The clientState Graph echoes in every notification. It is derived (HMAC-SHA256)
 * from the credential's notification secret and the workflow's webhook path:
 * unguessable, different for every workflow, and computable by the upkeep
 * workflow when it recreates a subscription Graph dropped, without either
 * workflow having to read the other's state.
 */
export function clientStateFor(secret: string, webhookPath: string): string {
	if (!secret) throw new Error('The Microsoft Graph credential has no notification secret; set one so notifications can be authenticated.');
	// "graph-calendar", "/graph-calendar/" and "Graph-Calendar" are one webhook in n8n: one clientState.
	const path = webhookPath.trim().replace(/^\/+|\/+$/g, '').toLowerCase();
	return createHmac('sha256', secret).update(path).digest('base64url');
}

export function constantTimeEqual(a: unknown, b: string): boolean {
	if (typeof a !== 'string') return false;
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	if (x.length !== y.length) {
		timingSafeEqual(y, y);
		return false;
	}
	return timingSafeEqual(x, y);
}

export interface Notification {
	subscriptionId?: string;
	changeType?: string;
	resource?: string;
	clientState?: unknown;
	resourceData?: { id?: string };
	lifecycleEvent?: string;
	subscriptionExpirationDateTime?: string;
	tenantId?: string;
}

/** "Users/{id}/Events/{eventId}" → { user, eventId } (case as Graph sends it varies). */
export function parseResource(resource: string | undefined): { user?: string; eventId?: string } {
	// Both "Users/{id}/Events/{id}" and the older "Users('{id}')/Events('{id}')".
	const m = /^\/?users(?:\/|\(')([^/')]+)'?\)?\/(?:calendar\/)?events(?:\/|\(')([^/'?)]+)/i.exec(String(resource ?? ''));
	if (!m) return {};
	return { user: decodeURIComponent(m[1]), eventId: decodeURIComponent(m[2]) };
}

export function subscriptionResource(mailbox: string): string {
	return `users/${mailbox.trim().toLowerCase()}/events`;
}

export function mailboxOfResource(resource: string | undefined): string | undefined {
	const m = /^\/?users\/([^/]+)\/events$/i.exec(String(resource ?? ''));
	return m ? decodeURIComponent(m[1]).toLowerCase() : undefined;
}

export interface DistinctChange {
	user: string;
	eventId: string;
	subscriptionId?: string;
	changeTypes: string[];
}

/**
 * Splits a notification POST into authentic and spoofed notifications and
 * collapses the authentic ones to one entry per event (Graph repeats and
 * reorders notifications; the event's current state is fetched once).
 */
export function collapse(notifications: Notification[], clientState: string): { changes: DistinctChange[]; rejected: number; unreadable: number } {
	const byEvent = new Map<string, DistinctChange>();
	let rejected = 0;
	let unreadable = 0;
	for (const n of notifications) {
		if (!constantTimeEqual(n?.clientState, clientState)) {
			rejected++;
			continue;
		}
		const { user, eventId } = parseResource(n.resource ?? '');
		const id = n.resourceData?.id ?? eventId;
		if (!user || !id) {
			unreadable++;
			continue;
		}
		const key = `${user.toLowerCase()}|${id}`;
		const entry = byEvent.get(key) ?? { user: user.toLowerCase(), eventId: id, subscriptionId: n.subscriptionId, changeTypes: [] };
		if (n.changeType && !entry.changeTypes.includes(n.changeType)) entry.changeTypes.push(n.changeType);
		byEvent.set(key, entry);
	}
	return { changes: [...byEvent.values()], rejected, unreadable };
}

export interface SeenEvent {
	changeKey?: string;
	iCalUId?: string;
	mailbox: string;
	start?: string;
	at: number;
}

/** A bounded record of what was emitted, oldest dropped first. */
export function remember(store: Record<string, SeenEvent>, eventId: string, value: SeenEvent, max = 5000): void {
	delete store[eventId];
	store[eventId] = value;
	const keys = Object.keys(store);
	for (let i = 0; i < keys.length - max; i++) delete store[keys[i]];
}

export interface ExistingSubscription {
	id: string;
	resource: string;
	notificationUrl: string;
	expirationDateTime: string;
}

export interface UpkeepPlan {
	renew: ExistingSubscription[];
	keep: ExistingSubscription[];
	create: Array<{ mailbox: string; resource: string; previouslyKnown: boolean }>;
	remove: Array<{ sub: ExistingSubscription; why: 'orphan' | 'duplicate' }>;
}

/** Desired (mailboxes × our URL) against what Graph has: what to renew, create and delete. */
export function planUpkeep(
	desiredMailboxes: string[],
	existing: ExistingSubscription[],
	notificationUrl: string,
	opts: { now: number; renewWithinMs: number; known: Record<string, string> },
): UpkeepPlan {
	const ours = existing.filter((s) => s.notificationUrl.trim().toLowerCase() === notificationUrl.trim().toLowerCase());
	const wanted = new Map(desiredMailboxes.map((m) => [subscriptionResource(m), m.trim().toLowerCase()]));
	const plan: UpkeepPlan = { renew: [], keep: [], create: [], remove: [] };
	const byResource = new Map<string, ExistingSubscription[]>();
	for (const s of ours) {
		const r = s.resource.replace(/^\//, '').toLowerCase();
		if (!wanted.has(r)) {
			plan.remove.push({ sub: s, why: 'orphan' });
			continue;
		}
		byResource.set(r, [...(byResource.get(r) ?? []), s]);
	}
	for (const [resource, mailbox] of wanted) {
		const subs = (byResource.get(resource) ?? []).sort((a, b) => Date.parse(b.expirationDateTime) - Date.parse(a.expirationDateTime));
		if (!subs.length) {
			plan.create.push({ mailbox, resource, previouslyKnown: Boolean(opts.known[resource]) });
			continue;
		}
		const [best, ...extra] = subs;
		for (const e of extra) plan.remove.push({ sub: e, why: 'duplicate' });
		if (Date.parse(best.expirationDateTime) - opts.now <= opts.renewWithinMs) plan.renew.push(best);
		else plan.keep.push(best);
	}
	return plan;
}

/** One subscription in upkeep's report: mailbox and ids only. */
export interface UpkeepEntry {
	mailbox: string;
	id?: string;
	expirationDateTime?: string;
	reason?: string;
	action?: string;
	status?: number;
}

export interface UpkeepReport {
	renewed: UpkeepEntry[];
	recreated: UpkeepEntry[];
	created: UpkeepEntry[];
	deleted: UpkeepEntry[];
	held: UpkeepEntry[];
	failed: UpkeepEntry[];
	unchanged: number;
	lifetimeFallbackUsed: boolean;
}

export const emptyReport = (): UpkeepReport => ({ renewed: [], recreated: [], created: [], deleted: [], held: [], failed: [], unchanged: 0, lifetimeFallbackUsed: false });

/**
 * Which planned removals are carried out. Duplicates always go; orphans go when Delete Orphans is on, except
 * while a practitioner entry is out of service in the catalog (a mistyped mailbox, say): then an orphan may be
 * theirs, and is held so no booking is missed once the entry is fixed.
 */
export function removals(plan: UpkeepPlan, practitionerOutOfService: boolean, deleteOrphans: boolean): { remove: UpkeepPlan['remove']; hold: UpkeepPlan['remove'] } {
	const hold = practitionerOutOfService ? plan.remove.filter((r) => r.why !== 'duplicate') : [];
	const remove = plan.remove.filter((r) => r.why === 'duplicate' || (!practitionerOutOfService && deleteOrphans));
	return { remove, hold };
}

/** Until when each wanted calendar is watched, after the upkeep run: what the website lists practitioners by. */
export function watchedCalendars(wanted: string[], plan: UpkeepPlan, report: UpkeepReport, checkedAt: string): Array<{ mailbox: string; watchedUntil: string; checkedAt: string }> {
	const until = new Map<string, string>();
	for (const sub of [...plan.keep, ...plan.renew]) until.set(mailboxOfResource(sub.resource) ?? sub.resource.toLowerCase(), sub.expirationDateTime);
	for (const e of [...report.renewed, ...report.created, ...report.recreated]) if (e.expirationDateTime) until.set(e.mailbox, e.expirationDateTime);
	for (const e of report.failed) if (e.action === 'create' || e.action === 'recreate') until.delete(e.mailbox);
	return wanted.map((mailbox) => ({ mailbox, watchedUntil: until.get(mailbox) ?? '', checkedAt }));
}

export function upkeepSummary(r: UpkeepReport): string {
	return `renewed ${r.renewed.length}, recreated ${r.recreated.length}, created ${r.created.length}, deleted ${r.deleted.length}, held ${r.held.length}, unchanged ${r.unchanged}, failed ${r.failed.length}`;
}

export function isBeyondMaxLifetime(message: unknown): boolean {
	return /beyond allowed max|can only be \d+ minutes in the future|expiration.*(too far|exceeds)/i.test(String(message ?? ''));
}

export function chunk<T>(list: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
	return out;
}

export interface FetchPlan {
	/** Changes whose event is fetched one by one. */
	fetch: DistinctChange[];
	/** Mailboxes with more changes than the cap allows: caught up by one calendarView delta each. */
	resync: string[];
	/** Deletions in resynced mailboxes: known without a fetch (a first delta lists no removals). */
	deleted: DistinctChange[];
}

/**
 * At most `cap` events of one notification POST are fetched one by one. Beyond
 * that (a calendar import, a bulk change) the mailboxes with the most changes
 * are caught up with a delta query instead, largest first, until what is left
 * to fetch fits the cap.
 */
export function planFetches(changes: DistinctChange[], cap: number): FetchPlan {
	if (changes.length <= cap) return { fetch: changes, resync: [], deleted: [] };
	const perMailbox = new Map<string, number>();
	for (const c of changes) perMailbox.set(c.user, (perMailbox.get(c.user) ?? 0) + 1);
	const largestFirst = [...perMailbox.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
	let remaining = changes.length;
	const resync = new Set<string>();
	for (const [mailbox, count] of largestFirst) {
		if (remaining <= cap) break;
		resync.add(mailbox);
		remaining -= count;
	}
	return {
		fetch: changes.filter((c) => !resync.has(c.user)),
		resync: [...resync],
		deleted: changes.filter((c) => resync.has(c.user) && c.changeTypes.includes('deleted')),
	};
}

/** Longest validation token echoed: Graph's are opaque strings far shorter than this. */
export const MAX_VALIDATION_TOKEN = 1024;

/**
 * Graph's subscription handshake: a POST with `?validationToken=…` and no body, answered with the
 * token as plain text. Anything else carrying the parameter (a body, a repeated or over-long
 * token) is not a handshake and is refused: the echo must not become a way to make the clinic's
 * domain serve arbitrary text. Undefined when the request has no validation token at all.
 */
export function validationEcho(token: unknown, body: unknown): { status: 200 | 400; text: string } | undefined {
	if (token === undefined) return undefined;
	const empty = body === undefined || body === null || body === '' || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body as object).length === 0);
	if (typeof token !== 'string' || !token || token.length > MAX_VALIDATION_TOKEN || !empty) return { status: 400, text: 'Not a Microsoft Graph validation request' };
	return { status: 200, text: token };
}


/**
 * Microsoft Graph's hosts: the global service and the national clouds (deployments/national-cloud-deployments.md:
 * US Government L4, US Government L5 (DOD), China operated by 21Vianet). Each cloud issues tokens for its own host.
 */
export const GRAPH_HOSTS = ['graph.microsoft.com', 'graph.microsoft.us', 'dod-graph.microsoft.us', 'microsoftgraph.chinacloudapi.cn'] as const;

/** The client-credentials scope for the credential's Graph URL; a URL that is none of Microsoft's (a proxy, a sandbox) asks for the global service's. */
export function graphScope(graphUrl: unknown): string {
	let host = '';
	try {
		host = new URL(String(graphUrl || 'https://graph.microsoft.com')).hostname.toLowerCase();
	} catch {
		host = '';
	}
	return `https://${(GRAPH_HOSTS as readonly string[]).includes(host) ? host : 'graph.microsoft.com'}/.default`;
}
