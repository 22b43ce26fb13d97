/**
 * Microsoft Graph sandbox: the slice of Graph the clinic uses, on loopback.
 * Client-credentials tokens, /subscriptions with the real validation handshake
 * against the notification and lifecycle URLs (a failed handshake refuses the
 * subscription), expiry enforcement and a maximum lifetime, $batch (20 max),
 * events with $select, calendarView delta, events written by the app (create, update, delete, single-value
 * extended properties, $filter on them) only with Calendars.ReadWrite in the token, and a control API to change
 * practitioners' calendars and deliver notifications (duplicates, out of
 * order, wrong clientState, lifecycle events) with fault injection.
 */
import { createHash, randomBytes, randomUUID } from 'crypto';
import { DateTime } from 'luxon';
import { json, Router, SandboxServer, takeFault, type Fault, type SandboxRequest, type SandboxResponse, type ServeOptions } from './http';
import { calendlyOutlookEvent, type CalendlyBooking } from './calendly';
import { GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET, PRACTITIONERS, TENANT_ID } from './seed';

export interface GraphEvent {
	id: string;
	iCalUId: string;
	changeKey: string;
	subject: string;
	start: { dateTime: string; timeZone: string };
	end: { dateTime: string; timeZone: string };
	organizer: { emailAddress: { name: string; address: string } };
	attendees: Array<{ type: string; emailAddress: { name: string; address: string } }>;
	body: { contentType: string; content: string };
	bodyPreview: string;
	location: { displayName: string };
	isCancelled: boolean;
	createdDateTime: string;
	lastModifiedDateTime: string;
	[k: string]: unknown;
}

export interface Subscription {
	id: string;
	resource: string;
	changeType: string;
	notificationUrl: string;
	lifecycleNotificationUrl?: string;
	expirationDateTime: string;
	clientState?: string;
	applicationId: string;
	creatorId: string;
	latestSupportedTlsVersion: string;
}

export interface GraphSandboxOptions {
	port?: number;
	/** Max subscription lifetime in minutes (Outlook events: 10080 today, 4230 historically). */
	maxLifetimeMinutes?: number;
	tokenLifetimeSeconds?: number;
}

export interface Delivery {
	url: string;
	status: number;
	ms: number;
	body: unknown;
}

const graphError = (status: number, code: string, message: string, headers: Record<string, string> = {}): SandboxResponse =>
	json(status, { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } }, headers);

// Graph's event resource (api-reference/v1.0/resources/event.md): these fields are on every event, whoever wrote it.
/** Outlook's concurrent requests per app per mailbox. */
const MAILBOX_CONCURRENCY = 4;

/** What an app may write on an event (api-reference/v1.0/resources/event.md, the read-write properties). */
const EVENT_WRITABLE = ['subject', 'body', 'start', 'end', 'location', 'locations', 'attendees', 'showAs', 'sensitivity', 'importance', 'isAllDay', 'isReminderOn', 'reminderMinutesBeforeStart', 'categories', 'isOnlineMeeting', 'onlineMeetingProvider', 'recurrence', 'responseRequested', 'allowNewTimeProposals', 'hideAttendees', 'transactionId', 'singleValueExtendedProperties'];

/** "String {GUID} Name X" or "String {GUID} Id 0x…" (extended-properties-overview.md, "id formats"). */
const EXTENDED_ID = /^(String|Integer|Boolean|SystemTime|Binary|Double|Float|Long|Short|CLSID) \{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\} (Name \S.*|Id 0x[0-9a-f]{1,4})$/i;

/** Two extended property ids are one property when type and GUID match regardless of case and the Name matches exactly (Graph: "Filtering the string name (Name) in the id is case-sensitive"). */
function sameExtendedId(a: string, b: string): boolean {
	const split = (s: string) => /^(\S+ \{[^}]+\}) (Name|Id) (.*)$/i.exec(s.trim());
	const x = split(a);
	const y = split(b);
	if (!x || !y) return false;
	return x[1].toLowerCase() === y[1].toLowerCase() && x[2].toLowerCase() === y[2].toLowerCase() && (x[2].toLowerCase() === 'name' ? x[3] === y[3] : x[3].toLowerCase() === y[3].toLowerCase());
}

/** A $filter split at its top-level ` and ` (not inside parentheses or quotes). */
function splitAnd(filter: string): string[] {
	const out: string[] = [];
	let depth = 0;
	let quoted = false;
	let last = 0;
	for (let i = 0; i < filter.length; i++) {
		const ch = filter[i];
		if (ch === "'") quoted = !quoted;
		else if (!quoted && ch === '(') depth++;
		else if (!quoted && ch === ')') depth--;
		else if (!quoted && depth === 0 && /^ and /i.test(filter.slice(i, i + 5))) {
			out.push(filter.slice(last, i).trim());
			last = i + 5;
			i += 4;
		}
	}
	out.push(filter.slice(last).trim());
	return out;
}

const EVENT_FIELDS = ['id', 'iCalUId', 'changeKey', 'subject', 'start', 'end', 'organizer', 'attendees', 'body', 'bodyPreview', 'location', 'isCancelled', 'createdDateTime', 'lastModifiedDateTime', 'sensitivity', 'isAllDay', 'type', 'seriesMasterId', 'showAs', 'responseStatus', 'isOnlineMeeting', 'onlineMeeting', 'recurrence'];

export class GraphSandbox extends SandboxServer {
	readonly mailboxes = new Map<string, Map<string, GraphEvent>>();
	private readonly mailboxInFlight = new Map<string, number>();
	/** How long each calendar request is held (0: answered at once). */
	mailboxReadMs = 0;
	/** Requests refused for MailboxConcurrency, and the most seen at once on one mailbox. */
	throttled = 0;
	maxMailboxInFlight = 0;
	readonly subscriptions = new Map<string, Subscription>();
	readonly tokens = new Map<string, number>();
	/**
	 * The application permissions a new token carries (its `roles` claim). Consent changes reach a token only
	 * when it is issued again, as in Entra ID. Calendars.ReadWrite is what the calendar blocks need.
	 */
	appRoles: string[] = ['Calendars.ReadWrite'];
	private readonly tokenRoles = new Map<string, string[]>();
	/** Mailboxes an Exchange application access policy keeps this app from writing (403 ErrorAccessDenied). */
	readonly writeRefused = new Set<string>();
	readonly calls: Array<{ method: string; path: string }> = [];

	/** How many Graph API calls were made so far, token requests (`/oauth2/`) left out: what the benchmarks count. */
	apiCallCount(): number {
		return this.calls.filter((c) => !c.path.includes('/oauth2/')).length;
	}
	readonly deliveries: Delivery[] = [];
	/** When false, changes are not notified (to simulate lost notifications before a `missed` lifecycle event). */
	notify = true;
	maxLifetimeMinutes: number;
	/** Subscriptions per page when listing without $top (Graph pages with @odata.nextLink). */
	subscriptionsPageSize = 100;
	private tombstones = new Map<string, Array<{ id: string; at: number }>>();
	private pending: Array<Promise<unknown>> = [];

	constructor(private readonly opts: GraphSandboxOptions = {}) {
		super(opts.port);
		this.maxLifetimeMinutes = opts.maxLifetimeMinutes ?? 10080;
		for (const p of PRACTITIONERS) this.mailboxes.set(p.mailbox, new Map());
	}

	protected serveOptions(): Partial<ServeOptions> {
		return {
			onRequest: (r) => this.calls.push({ method: r.method, path: r.path }),
			notFound: () => graphError(400, 'BadRequest', 'Resource not found for the segment.'),
		};
	}

	async stop(): Promise<void> {
		await Promise.allSettled(this.pending);
		await super.stop();
	}

	/** A new mailbox in the tenant, as an Exchange admin creates one for a new practitioner. */
	addMailbox(mailbox: string): void {
		const key = mailbox.trim().toLowerCase();
		if (!this.mailboxes.has(key)) this.mailboxes.set(key, new Map());
	}

	reset(): void {
		const seeded = new Set(PRACTITIONERS.map((p) => p.mailbox));
		for (const key of [...this.mailboxes.keys()]) if (!seeded.has(key)) this.mailboxes.delete(key);
		for (const m of this.mailboxes.values()) m.clear();
		this.subscriptions.clear();
		this.calls.length = 0;
		this.deliveries.length = 0;
		this.faults.queue.length = 0;
		this.faults.latencyMs = 0;
		this.mailboxReadMs = 0;
		this.throttled = 0;
		this.maxMailboxInFlight = 0;
		this.mailboxInFlight.clear();
		this.load.maxInFlight = 0;
		this.tombstones.clear();
		this.notify = true;
		this.appRoles = ['Calendars.ReadWrite'];
		this.writeRefused.clear();
		this.maxLifetimeMinutes = this.opts.maxLifetimeMinutes ?? 10080;
	}

	/** Waits for notifications in flight to be delivered. */
	async settle(): Promise<void> {
		while (this.pending.length) {
			const batch = this.pending.splice(0);
			await Promise.allSettled(batch);
		}
	}

	// ------------------------------------------------------------------ auth
	private authorised(req: SandboxRequest): SandboxResponse | undefined {
		const m = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''));
		const exp = m ? this.tokens.get(m[1]) : undefined;
		if (!m) return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
		if (exp === undefined) return graphError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
		if (exp < Date.now()) return graphError(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
		return undefined;
	}

	/**
	 * Whether the request's token may write the calendar it names: its roles must hold Calendars.ReadWrite
	 * (permissions-reference: Calendars.Read reads only) and no access policy may exclude the mailbox. Graph
	 * answers both with 403 ErrorAccessDenied, "Access is denied. Check credentials and try again."
	 */
	private writeRefusal(req: SandboxRequest, path: string): SandboxResponse | undefined {
		const m = /^\/users\/([^/]+)\/events(?:\/[^/]+)?$/i.exec(path);
		if (!m || !['POST', 'PATCH', 'DELETE'].includes(req.method.toUpperCase())) return undefined;
		const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
		const mailbox = this.userOf(m[1]);
		if (!(this.tokenRoles.get(token) ?? []).includes('Calendars.ReadWrite') || (mailbox && this.writeRefused.has(mailbox))) {
			return graphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
		}
		return undefined;
	}

	expireTokens(): void {
		for (const k of this.tokens.keys()) this.tokens.set(k, Date.now() - 1000);
	}

	private token(req: SandboxRequest): SandboxResponse {
		const b = (req.body ?? {}) as Record<string, string>;
		if (req.params.tenant !== TENANT_ID) return json(400, { error: 'invalid_request', error_description: `AADSTS90002: Tenant '${req.params.tenant}' not found.` });
		if (b.grant_type !== 'client_credentials') return json(400, { error: 'unsupported_grant_type', error_description: 'AADSTS70003: The app requested an unsupported grant type.' });
		if (b.client_id !== GRAPH_CLIENT_ID) return json(400, { error: 'unauthorized_client', error_description: `AADSTS700016: Application with identifier '${b.client_id}' was not found in the directory.` });
		if (b.client_secret !== GRAPH_CLIENT_SECRET) return json(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
		if (b.scope !== 'https://graph.microsoft.com/.default') return json(400, { error: 'invalid_scope', error_description: 'AADSTS1002012: The provided value for scope is not valid.' });
		const token = randomBytes(24).toString('base64url');
		const lifetime = this.opts.tokenLifetimeSeconds ?? 3599;
		this.tokens.set(token, Date.now() + lifetime * 1000);
		this.tokenRoles.set(token, [...this.appRoles]);
		return json(200, { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token });
	}

	// ---------------------------------------------------------- subscriptions
	private purgeExpired(): void {
		for (const [id, s] of this.subscriptions) if (Date.parse(s.expirationDateTime) <= Date.now()) this.subscriptions.delete(id);
	}

	private async handshake(url: string): Promise<string | undefined> {
		const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
		const target = `${url}${url.includes('?') ? '&' : '?'}validationToken=${encodeURIComponent(token)}`;
		try {
			const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, signal: AbortSignal.timeout(10_000) });
			const text = await res.text();
			if (res.status !== 200) return `returned ${res.status}`;
			if (!String(res.headers.get('content-type')).startsWith('text/plain')) return 'did not answer with Content-Type text/plain';
			if (text !== token) return 'did not echo the validation token';
			return undefined;
		} catch (e) {
			return `could not be reached (${(e as Error).message})`;
		}
	}

	private checkExpiry(value: unknown): SandboxResponse | string {
		const t = Date.parse(String(value ?? ''));
		if (Number.isNaN(t)) return graphError(400, 'InvalidRequest', 'expirationDateTime is not a valid date.');
		if (t <= Date.now()) return graphError(400, 'InvalidRequest', 'Subscription expiration datetime must be in the future.');
		if (t - Date.now() > this.maxLifetimeMinutes * 60_000) {
			return graphError(400, 'ExtensionError', `Operation: Create; Exception: [Status Code: BadRequest; Reason: Subscription expiration datetime is beyond allowed max of ${this.maxLifetimeMinutes} minutes.]`);
		}
		return new Date(t).toISOString();
	}

	private async createSubscription(body: Record<string, unknown>): Promise<SandboxResponse> {
		for (const f of ['changeType', 'notificationUrl', 'resource', 'expirationDateTime']) {
			if (!body[f]) return graphError(400, 'InvalidRequest', `${f} is a required property for subscription creation.`);
		}
		const resource = String(body.resource).replace(/^\//, '');
		const m = /^users\/([^/]+)\/events$/i.exec(resource);
		if (!m) return graphError(400, 'InvalidRequest', `Resource '${resource}' is not supported.`);
		if (!this.mailboxes.has(decodeURIComponent(m[1]).toLowerCase())) return graphError(404, 'ResourceNotFound', `Resource '${resource}' does not exist or one of its queried reference-property objects are not present.`);
		const types = String(body.changeType).split(',');
		if (types.some((t) => !['created', 'updated', 'deleted'].includes(t.trim()))) return graphError(400, 'InvalidRequest', 'changeType must be a combination of created, updated, deleted.');
		if (body.clientState !== undefined && String(body.clientState).length > 128) return graphError(400, 'InvalidRequest', 'clientState must be at most 128 characters.');
		const expiry = this.checkExpiry(body.expirationDateTime);
		if (typeof expiry !== 'string') return expiry;
		for (const url of [body.notificationUrl, body.lifecycleNotificationUrl].filter(Boolean) as string[]) {
			if (!/^https?:\/\//.test(url)) return graphError(400, 'InvalidRequest', 'The notification URL must be an absolute https URL.');
			const problem = await this.handshake(url);
			if (problem) return graphError(400, 'InvalidRequest', `Subscription validation request failed. Notification endpoint ${problem}.`);
		}
		const sub: Subscription = {
			id: randomUUID(),
			resource,
			changeType: types.map((t) => t.trim()).join(','),
			notificationUrl: String(body.notificationUrl),
			lifecycleNotificationUrl: body.lifecycleNotificationUrl ? String(body.lifecycleNotificationUrl) : undefined,
			expirationDateTime: expiry,
			clientState: body.clientState === undefined ? undefined : String(body.clientState),
			applicationId: GRAPH_CLIENT_ID,
			creatorId: GRAPH_CLIENT_ID,
			latestSupportedTlsVersion: 'v1_2',
		};
		this.subscriptions.set(sub.id, sub);
		return json(201, this.publicSub(sub));
	}

	/** Graph does not return clientState when subscriptions are read back. */
	private publicSub(s: Subscription): Record<string, unknown> {
		return { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity', ...s, clientState: null };
	}

	/**
	 * Outlook's limit of 4 concurrent requests per app per mailbox (concepts/throttling-limits.md, "Outlook
	 * service limits"): a fifth is answered 429 ApplicationThrottled, "MailboxConcurrency", with Retry-After.
	 * `mailboxReadMs` holds each calendar request open that long, so the limit can be met.
	 */
	private async perMailbox(req: SandboxRequest, h: (req: SandboxRequest) => Promise<SandboxResponse> | SandboxResponse): Promise<SandboxResponse> {
		const m = /^\/v1\.0\/users\/([^/]+)\/(?:events|calendarView)/i.exec(req.path);
		const mailbox = m ? this.userOf(m[1]) : undefined;
		if (!mailbox) return h(req);
		const now = (this.mailboxInFlight.get(mailbox) ?? 0) + 1;
		if (now > MAILBOX_CONCURRENCY) {
			this.throttled++;
			return graphError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', { 'Retry-After': '1' });
		}
		this.mailboxInFlight.set(mailbox, now);
		this.maxMailboxInFlight = Math.max(this.maxMailboxInFlight, now);
		try {
			if (this.mailboxReadMs > 0) await new Promise((r) => setTimeout(r, this.mailboxReadMs));
			return await h(req);
		} finally {
			this.mailboxInFlight.set(mailbox, (this.mailboxInFlight.get(mailbox) ?? 1) - 1);
		}
	}

	private route(method: string, path: string, query: URLSearchParams, body: unknown): Promise<SandboxResponse> | SandboxResponse {
		this.purgeExpired();
		if (path === '/subscriptions' && method === 'GET') {
			const all = [...this.subscriptions.values()];
			const top = Number(query.get('$top') ?? this.subscriptionsPageSize);
			const skip = Number(query.get('$skiptoken') ?? 0);
			const page = all.slice(skip, skip + top);
			const next = skip + top < all.length ? `${this.url}/v1.0/subscriptions?$top=${top}&$skiptoken=${skip + top}` : undefined;
			return json(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscriptions', value: page.map((s) => this.publicSub(s)), ...(next ? { '@odata.nextLink': next } : {}) });
		}
		if (path === '/subscriptions' && method === 'POST') return this.createSubscription((body ?? {}) as Record<string, unknown>);
		let m = /^\/subscriptions\/([^/]+)$/.exec(path);
		if (m) {
			const sub = this.subscriptions.get(m[1]);
			if (!sub) return graphError(404, 'ResourceNotFound', `The object was not found.`);
			if (method === 'GET') return json(200, this.publicSub(sub));
			if (method === 'DELETE') {
				this.subscriptions.delete(sub.id);
				return { status: 204 };
			}
			if (method === 'PATCH') {
				const expiry = this.checkExpiry((body as Record<string, unknown> | undefined)?.expirationDateTime);
				if (typeof expiry !== 'string') return expiry;
				sub.expirationDateTime = expiry;
				return json(200, this.publicSub(sub));
			}
		}
		m = /^\/users\/([^/]+)$/i.exec(path);
		if (m && method === 'GET') {
			// Graph user resource (api-reference/v1.0/resources/user.md): GET /users/{id | userPrincipalName}.
			const mailbox = this.userOf(m[1]);
			if (!mailbox) return graphError(404, 'Request_ResourceNotFound', `Resource '${decodeURIComponent(m[1])}' does not exist or one of its queried reference-property objects are not present.`);
			const user = { id: this.userId(mailbox), mail: mailbox, userPrincipalName: mailbox, displayName: PRACTITIONERS.find((p) => p.mailbox === mailbox)?.name ?? mailbox };
			const select = query.get('$select');
			return json(200, select ? Object.fromEntries(['id', ...select.split(',').map((f) => f.trim())].filter((f) => f in user).map((f) => [f, user[f as keyof typeof user]])) : user);
		}
		m = /^\/users\/([^/]+)\/events$/i.exec(path);
		if (m) {
			const mailbox = this.userOf(m[1]);
			if (!mailbox) return graphError(404, 'ErrorInvalidUser', `The requested user '${decodeURIComponent(m[1])}' is invalid.`);
			if (method === 'GET') return this.listEvents(mailbox, query);
			if (method === 'POST') return this.writeEvent(mailbox, undefined, body);
		}
		m = /^\/users\/([^/]+)\/events\/([^/]+)$/i.exec(path);
		if (m) {
			const mailbox = this.userOf(m[1]);
			const cal = this.mailboxes.get(mailbox ?? '');
			if (!mailbox || !cal) return graphError(404, 'ErrorInvalidUser', `The requested user '${m[1]}' is invalid.`);
			const ev = cal.get(decodeURIComponent(m[2]));
			if (!ev) return graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
			if (method === 'GET') return json(200, this.expand(ev, this.select(ev, query.get('$select')), query.get('$expand')));
			if (method === 'PATCH') return this.writeEvent(mailbox, ev, body);
			if (method === 'DELETE') return (this.deleteEvent(mailbox, ev.id), { status: 204 });
		}
		m = /^\/users\/([^/]+)\/calendarView\/delta$/i.exec(path);
		if (m && method === 'GET') return this.delta(this.userOf(m[1]) ?? decodeURIComponent(m[1]).toLowerCase(), query);
		return graphError(400, 'BadRequest', `Resource not found for the segment '${path.split('/')[1] ?? ''}'.`);
	}

	/**
	 * An event created or updated through the API (api-reference/v1.0/api/user-post-events.md, event-update.md):
	 * writable properties only, a property Graph does not know is refused, extended properties must carry a
	 * well-formed id ("{type} {GUID} Name {name}", extended-properties-overview.md) and are kept per id.
	 */
	private writeEvent(mailbox: string, existing: GraphEvent | undefined, body: unknown): SandboxResponse {
		const b = (body ?? {}) as Record<string, unknown>;
		if (typeof b !== 'object' || Array.isArray(b)) return graphError(400, 'RequestBodyRead', 'The request body is not a JSON object.');
		for (const k of Object.keys(b)) {
			if (!EVENT_WRITABLE.includes(k)) return graphError(400, 'RequestBodyRead', `The property '${k}' does not exist on type 'microsoft.graph.event'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
		}
		const props = b.singleValueExtendedProperties;
		if (props !== undefined) {
			if (!Array.isArray(props) || props.some((p) => !EXTENDED_ID.test(String((p as { id?: unknown })?.id ?? '')) || typeof (p as { value?: unknown }).value !== 'string')) {
				return graphError(400, 'ErrorInvalidProperty', 'The extended property id is not valid: it must be "{type} {GUID} Name {name}" or "{type} {GUID} Id {hex}", with a string value.');
			}
		}
		for (const f of ['start', 'end'] as const) {
			const t = b[f] as { dateTime?: unknown; timeZone?: unknown } | undefined;
			if (t !== undefined && (!t || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(String(t.dateTime ?? '')) || !t.timeZone)) return graphError(400, 'ErrorInvalidRequest', `${f} must be a dateTimeTimeZone with dateTime and timeZone.`);
		}
		if (!existing && (!b.start || !b.end)) return graphError(400, 'ErrorInvalidRequest', 'Your request can\'t be completed. An event needs a start and an end.');
		const merged = (old: unknown, next: unknown) => {
			const byId = new Map<string, unknown>(((old as Array<{ id: string }>) ?? []).map((p) => [p.id.toLowerCase(), p]));
			for (const p of next as Array<{ id: string }>) byId.set(p.id.toLowerCase(), p);
			return [...byId.values()];
		};
		const fields: Partial<GraphEvent> = { ...(b as Partial<GraphEvent>) };
		if (props !== undefined) fields.singleValueExtendedProperties = merged(existing?.singleValueExtendedProperties, props);
		const content = (b.body as { content?: unknown } | undefined)?.content;
		if (content !== undefined) fields.bodyPreview = String(content).slice(0, 255);
		if (existing) return json(200, this.select(this.updateEvent(mailbox, existing.id, fields), null));
		const name = PRACTITIONERS.find((p) => p.mailbox === mailbox)?.name ?? mailbox;
		return json(201, this.select(this.createEvent(mailbox, { subject: '', ...fields, organizer: { emailAddress: { name, address: mailbox } } } as GraphEvent), null));
	}

	/**
	 * GET /users/{id}/events: single events and series masters (never occurrences), with the $filter forms
	 * the clinic uses: a string extended property (singlevaluelegacyextendedproperty-get.md) and start/dateTime
	 * comparisons (concepts/query-parameters.md), joined by `and`; anything else is refused as Graph refuses
	 * what it cannot filter on. Pages of $top (default 10) with an @odata.nextLink carrying $skip.
	 */
	private listEvents(mailbox: string, query: URLSearchParams): SandboxResponse {
		const tests: Array<(e: GraphEvent) => boolean> = [];
		const filter = (query.get('$filter') ?? '').trim();
		for (const clause of filter ? splitAnd(filter) : []) {
			let c: RegExpExecArray | null;
			if ((c = /^singleValueExtendedProperties\/any\(ep:\s*ep\/id eq '([^']+)' and (?:ep\/value (eq|ne) '([^']*)'|(startswith|contains)\(ep\/value,\s*'([^']*)'\))\)$/i.exec(clause))) {
				const [, id, op, value, fn, arg] = c;
				const same = (p: { id: string }) => sameExtendedId(p.id, id);
				tests.push((e) => {
					const v = ((e.singleValueExtendedProperties as Array<{ id: string; value: string }> | undefined) ?? []).find(same)?.value;
					if (v === undefined) return false;
					const lv = v.toLowerCase();
					// Graph compares an extended property's value without regard to case.
					if (op) return op.toLowerCase() === 'eq' ? lv === value.toLowerCase() : lv !== value.toLowerCase();
					return fn!.toLowerCase() === 'startswith' ? lv.startsWith(arg!.toLowerCase()) : lv.includes(arg!.toLowerCase());
				});
			} else if ((c = /^start\/dateTime (ge|gt|le|lt|eq) '(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)Z?'$/i.exec(clause))) {
				const [, op, at] = c;
				const t = Date.parse(`${at.slice(0, 23)}Z`);
				const cmp: Record<string, (a: number) => boolean> = { ge: (a) => a >= t, gt: (a) => a > t, le: (a) => a <= t, lt: (a) => a < t, eq: (a) => a === t };
				tests.push((e) => cmp[op.toLowerCase()](Date.parse(`${inUtc(e.start).dateTime.slice(0, 23)}Z`)));
			} else {
				return graphError(400, 'ErrorInvalidUrlQueryFilter', `The query filter contains one or more invalid nodes: '${clause}'.`);
			}
		}
		const all = [...this.calendar(mailbox).values()].filter((e) => tests.every((t) => t(e)));
		const top = Math.min(Number(query.get('$top') ?? 10) || 10, 1000);
		const skip = Number(query.get('$skip') ?? 0) || 0;
		const page = all.slice(skip, skip + top).map((e) => this.expand(e, this.select(e, query.get('$select')), query.get('$expand')));
		const next = new URLSearchParams(query);
		next.set('$skip', String(skip + top));
		return json(200, { value: page, ...(skip + top < all.length ? { '@odata.nextLink': `${this.url}/v1.0/users/${encodeURIComponent(mailbox)}/events?${next.toString()}` } : {}) });
	}

	/** `$expand=singleValueExtendedProperties($filter=id eq '…')`: the one property asked for, when the event has it. */
	private expand(ev: GraphEvent, out: Record<string, unknown>, expand: string | null): Record<string, unknown> {
		if (!expand) return out;
		const m = /^singleValueExtendedProperties\(\$filter=id eq '([^']+)'\)$/i.exec(expand.trim());
		if (!m) return out;
		const found = ((ev.singleValueExtendedProperties as Array<{ id: string; value: string }> | undefined) ?? []).filter((p) => sameExtendedId(p.id, m[1]));
		return found.length ? { ...out, singleValueExtendedProperties: found } : out;
	}

	/** The events of a calendar that carry an extended property (tests: the blocks in Outlook). */
	eventsWithProperty(mailbox: string, id: string): GraphEvent[] {
		return [...this.calendar(mailbox).values()].filter((e) => ((e.singleValueExtendedProperties as Array<{ id: string }> | undefined) ?? []).some((p) => sameExtendedId(p.id, id)));
	}

	private select(ev: GraphEvent, select: string | null): Record<string, unknown> {
		const fields = select ? select.split(',').map((s) => s.trim()) : EVENT_FIELDS;
		const out: Record<string, unknown> = { '@odata.etag': `W/"${ev.changeKey}"`, id: ev.id };
		for (const f of fields) if (f in ev) out[f] = f === 'start' || f === 'end' ? inUtc(ev[f]) : ev[f];
		return out;
	}

	private delta(mailbox: string, query: URLSearchParams): SandboxResponse {
		const cal = this.mailboxes.get(mailbox);
		if (!cal) return graphError(404, 'ErrorInvalidUser', `The requested user '${mailbox}' is invalid.`);
		const token = query.get('$deltatoken');
		const skip = query.get('$skiptoken');
		let since = 0;
		let start = query.get('startDateTime');
		let end = query.get('endDateTime');
		if (token || skip) {
			const state = JSON.parse(Buffer.from(String(token ?? skip), 'base64url').toString()) as { since: number; start: string; end: string; offset?: number };
			since = state.since;
			start = state.start;
			end = state.end;
		} else if (!start || !end) {
			return graphError(400, 'ErrorInvalidParameter', 'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.');
		}
		const at = (e: GraphEvent) => Date.parse(`${e.start.dateTime.slice(0, 23)}Z`);
		const inWindow = (e: GraphEvent) => at(e) >= Date.parse(start!) && at(e) <= Date.parse(end!);
		// calendarView (and its delta) expands a recurring series into its occurrences: the master itself is not listed.
		const changed = [...cal.values()].filter((e) => Date.parse(e.lastModifiedDateTime) > since).flatMap((e) => occurrences(e)).filter(inWindow);
		const removed = (this.tombstones.get(mailbox) ?? []).filter((t) => t.at > since).map((t) => ({ id: t.id, '@removed': { reason: 'deleted' } }));
		const all = [...changed.map((e) => this.select(e, null)), ...removed];
		const offset = skip ? (JSON.parse(Buffer.from(skip, 'base64url').toString()) as { offset: number }).offset : 0;
		const pageSize = 10;
		const page = all.slice(offset, offset + pageSize);
		const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
		const base = `${this.url}/v1.0/users/${encodeURIComponent(mailbox)}/calendarView/delta`;
		const more = offset + pageSize < all.length;
		return json(200, {
			value: page,
			...(more
				? { '@odata.nextLink': `${base}?$skiptoken=${enc({ since, start, end, offset: offset + pageSize })}` }
				: { '@odata.deltaLink': `${base}?$deltatoken=${enc({ since: Date.now(), start, end })}` }),
		});
	}

	private async batch(req: SandboxRequest): Promise<SandboxResponse> {
		const requests = (req.body as { requests?: Array<{ id: string; method: string; url: string; body?: unknown; headers?: Record<string, string> }> })?.requests;
		if (!Array.isArray(requests) || !requests.length) return graphError(400, 'BadRequest', 'Invalid batch payload format.');
		if (requests.length > 20) return graphError(400, 'BadRequest', 'Number of batch request steps exceeds the maximum of 20.');
		const ids = new Set(requests.map((r) => r.id));
		if (ids.size !== requests.length) return graphError(400, 'BadRequest', 'Batch request ids must be unique.');
		const responses = await Promise.all(
			requests.map(async (r) => {
				const url = new URL(r.url.startsWith('/') ? r.url : `/${r.url}`, 'http://graph.local');
				const fault = takeFault(this.faults, r.method.toUpperCase(), `/v1.0${url.pathname}`, 'batch:');
				if (fault) return { id: r.id, status: fault.status, headers: fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {}, body: { error: { code: fault.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', message: 'Injected fault' } } };
				const res = this.writeRefusal({ ...req, method: r.method.toUpperCase() }, url.pathname) ?? (await this.route(r.method.toUpperCase(), url.pathname, url.searchParams, r.body));
				return { id: r.id, status: res.status, headers: { 'Content-Type': 'application/json' }, ...(res.body !== undefined ? { body: res.body } : {}) };
			}),
		);
		return json(200, { responses });
	}

	// ------------------------------------------------------------ calendars
	createEvent(mailbox: string, e: Partial<GraphEvent> & { subject: string }): GraphEvent {
		const cal = this.calendar(mailbox);
		const now = new Date().toISOString();
		const ev: GraphEvent = {
			id: `AAMkAGI2TG93AAA${randomBytes(18).toString('base64url')}=`,
			iCalUId: `040000008200E00074C5B7101A82E00800000000${randomBytes(8).toString('hex')}`,
			changeKey: randomBytes(9).toString('base64'),
			start: { dateTime: '2026-12-01T22:30:00.0000000', timeZone: 'UTC' },
			end: { dateTime: '2026-12-01T23:00:00.0000000', timeZone: 'UTC' },
			organizer: { emailAddress: { name: mailbox, address: mailbox } },
			attendees: [],
			body: { contentType: 'html', content: '' },
			bodyPreview: '',
			location: { displayName: '' },
			isCancelled: false,
			createdDateTime: now,
			lastModifiedDateTime: now,
			sensitivity: 'normal',
			isAllDay: false,
			type: e.recurrence ? 'seriesMaster' : 'singleInstance',
			seriesMasterId: null,
			showAs: 'busy',
			responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
			isOnlineMeeting: false,
			onlineMeeting: null,
			recurrence: null,
			...e,
		};
		cal.set(ev.id, ev);
		this.changed(mailbox, ev.id, 'created');
		return ev;
	}

	updateEvent(mailbox: string, id: string, patch: Partial<GraphEvent>): GraphEvent {
		const ev = this.calendar(mailbox).get(id);
		if (!ev) throw new Error('no such event');
		Object.assign(ev, patch, { changeKey: randomBytes(9).toString('base64'), lastModifiedDateTime: new Date(Math.max(Date.now(), Date.parse(ev.lastModifiedDateTime) + 1)).toISOString() });
		this.changed(mailbox, id, 'updated');
		return ev;
	}

	deleteEvent(mailbox: string, id: string): void {
		this.calendar(mailbox).delete(id);
		const list = this.tombstones.get(mailbox) ?? [];
		list.push({ id, at: Date.now() });
		this.tombstones.set(mailbox, list);
		this.changed(mailbox, id, 'deleted');
	}

	/** The user's object id in Entra ID (fixed per mailbox here): what Graph names users by in notifications. */
	userId(mailbox: string): string {
		const h = createHash('sha256').update(`user:${mailbox.toLowerCase()}`).digest('hex');
		return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
	}

	/** A `/users/{id | userPrincipalName}` segment → the mailbox, as Graph accepts either. */
	private userOf(segment: string): string | undefined {
		const s = decodeURIComponent(segment).toLowerCase();
		if (this.mailboxes.has(s)) return s;
		return [...this.mailboxes.keys()].find((m) => this.userId(m) === s);
	}

	private calendar(mailbox: string): Map<string, GraphEvent> {
		const cal = this.mailboxes.get(mailbox.toLowerCase());
		if (!cal) throw new Error(`unknown mailbox ${mailbox}`);
		return cal;
	}

	subscriptionsFor(mailbox: string): Subscription[] {
		this.purgeExpired();
		return [...this.subscriptions.values()].filter((s) => s.resource.toLowerCase() === `users/${mailbox.toLowerCase()}/events`);
	}

	/**
	 * One change notification as Graph sends it (concepts/change-notifications-delivery-webhooks.md): the
	 * resource names the user by object id, `Users/{user object id}/Events/{event id}`, whatever mailbox
	 * address the subscription was made with.
	 */
	notificationFor(sub: Subscription, eventId: string, changeType: string, clientState = sub.clientState): Record<string, unknown> {
		const mailbox = decodeURIComponent(sub.resource.split('/')[1]).toLowerCase();
		const user = this.mailboxes.has(mailbox) ? this.userId(mailbox) : mailbox;
		return {
			subscriptionId: sub.id,
			subscriptionExpirationDateTime: sub.expirationDateTime,
			changeType,
			resource: `Users/${user}/Events/${eventId}`,
			resourceData: { '@odata.type': '#Microsoft.Graph.Event', '@odata.id': `Users/${user}/Events/${eventId}`, '@odata.etag': 'W/"x"', id: eventId },
			clientState,
			tenantId: TENANT_ID,
		};
	}

	private changed(mailbox: string, eventId: string, changeType: string): void {
		if (!this.notify) return;
		for (const sub of this.subscriptionsFor(mailbox)) {
			if (!sub.changeType.split(',').includes(changeType)) continue;
			this.pending.push(this.deliver(sub.notificationUrl, { value: [this.notificationFor(sub, eventId, changeType)] }));
		}
	}

	/**
	 * Many events written at once (a calendar import, a bulk move): Graph sends their notifications
	 * together, one POST per subscription with every change in its `value` array.
	 */
	async importEvents(mailbox: string, list: Array<Partial<GraphEvent> & { subject: string }>): Promise<{ events: GraphEvent[]; deliveries: Delivery[] }> {
		const notify = this.notify;
		this.notify = false;
		let events: GraphEvent[];
		try {
			events = list.map((e) => this.createEvent(mailbox, e));
		} finally {
			this.notify = notify;
		}
		const deliveries = await Promise.all(
			this.subscriptionsFor(mailbox).map((sub) => this.deliver(sub.notificationUrl, { value: events.map((ev) => this.notificationFor(sub, ev.id, 'created')) })),
		);
		return { events, deliveries };
	}

	/** POSTs a notification body as Graph does and records how it was answered. */
	async deliver(url: string, body: unknown): Promise<Delivery> {
		const t0 = Date.now();
		try {
			const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
			const d = { url, status: res.status, ms: Date.now() - t0, body };
			await res.text();
			this.deliveries.push(d);
			return d;
		} catch {
			const d = { url, status: 0, ms: Date.now() - t0, body };
			this.deliveries.push(d);
			return d;
		}
	}

	/**
	 * A lifecycle notification as Graph sends it (concepts/change-notifications-lifecycle-events.md): the
	 * subscription, its expiry, the tenant, the clientState and the event, and nothing naming the mailbox.
	 */
	lifecycle(sub: Subscription, lifecycleEvent: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'): Promise<Delivery> {
		if (!sub.lifecycleNotificationUrl) throw new Error('subscription has no lifecycle URL');
		if (lifecycleEvent === 'subscriptionRemoved') this.subscriptions.delete(sub.id);
		return this.deliver(sub.lifecycleNotificationUrl, {
			value: [{ subscriptionId: sub.id, subscriptionExpirationDateTime: sub.expirationDateTime, tenantId: TENANT_ID, clientState: sub.clientState, lifecycleEvent }],
		});
	}

	/** Removes a subscription without telling anyone, as Graph sometimes does. */
	dropSilently(id: string): void {
		this.subscriptions.delete(id);
	}

	protected router(): Router {
		const r = new Router();
		r.add('POST', '/:tenant/oauth2/v2.0/token', (req) => this.token(req));
		const guarded = (h: (req: SandboxRequest) => Promise<SandboxResponse> | SandboxResponse) => async (req: SandboxRequest) =>
			this.authorised(req) ?? this.writeRefusal(req, req.path.replace(/^\/v1\.0/, '')) ?? this.perMailbox(req, h);
		r.add('POST', '/v1.0/$batch', guarded((req) => this.batch(req)));
		for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
			for (const p of ['/v1.0/subscriptions', '/v1.0/subscriptions/:id', '/v1.0/users/:user', '/v1.0/users/:user/events', '/v1.0/users/:user/events/:id', '/v1.0/users/:user/calendarView/delta']) {
				r.add(method, p, guarded((req) => this.route(method, req.path.replace(/^\/v1\.0/, ''), req.query, req.body)));
			}
		}
		// Control API (tests, demo).
		r.add('POST', '/__sandbox/reset', () => (this.reset(), json(200, { ok: true })));
		r.add('POST', '/__sandbox/mailboxes', (req) => {
			const mailbox = String((req.body as { mailbox?: unknown })?.mailbox ?? '');
			if (!/^[^@\s]+@[^@\s]+$/.test(mailbox)) return json(400, { error: 'mailbox must be an email address' });
			this.addMailbox(mailbox);
			return json(201, { mailbox: mailbox.toLowerCase() });
		});
		r.add('POST', '/__sandbox/faults', (req) => {
			const b = (req.body ?? {}) as { latencyMs?: number; mailboxReadMs?: number; faults?: Fault[] };
			if (typeof b.latencyMs === 'number') this.faults.latencyMs = b.latencyMs;
			if (typeof b.mailboxReadMs === 'number') this.mailboxReadMs = b.mailboxReadMs;
			for (const f of b.faults ?? []) this.inject(f);
			return json(200, { queued: this.faults.queue.length });
		});
		r.add('GET', '/__sandbox/state', () => json(200, { subscriptions: [...this.subscriptions.values()], deliveries: this.deliveries.length, calls: this.calls.length }));
		r.add('GET', '/__sandbox/users/:mailbox/events', (req) => {
			const cal = this.mailboxes.get(decodeURIComponent(req.params.mailbox).toLowerCase());
			return cal ? json(200, [...cal.values()].map((e) => ({ id: e.id, subject: e.subject, start: inUtc(e.start), end: inUtc(e.end), showAs: e.showAs, sensitivity: e.sensitivity }))) : json(404, { message: 'no such mailbox' });
		});
		r.add('POST', '/__sandbox/users/:mailbox/events', (req) => json(201, this.createEvent(req.params.mailbox, req.body as GraphEvent)));
		// A patient booking through Calendly: the event Calendly writes into the host's calendar (sandbox/calendly.ts).
		r.add('POST', '/__sandbox/calendly/bookings', (req) => {
			const b = req.body as CalendlyBooking;
			if (!b?.mailbox || !b.eventType || !b.invitee?.email || !b.start?.dateTime || !b.end?.dateTime) return json(400, { message: 'mailbox, eventType, invitee {name, email}, start and end are required' });
			return json(201, this.createEvent(b.mailbox, calendlyOutlookEvent(b)));
		});
		r.add('PATCH', '/__sandbox/users/:mailbox/events/:id', (req) => json(200, this.updateEvent(req.params.mailbox, req.params.id, req.body as GraphEvent)));
		r.add('DELETE', '/__sandbox/users/:mailbox/events/:id', (req) => (this.deleteEvent(req.params.mailbox, req.params.id), { status: 204 }));
		// Entra consent and Exchange access policies: the roles new tokens carry, and mailboxes the app may not write.
		r.add('POST', '/__sandbox/permissions', (req) => {
			const b = (req.body ?? {}) as { roles?: unknown; writeRefused?: unknown };
			if (Array.isArray(b.roles)) this.appRoles = b.roles.map(String);
			if (Array.isArray(b.writeRefused)) {
				this.writeRefused.clear();
				for (const m of b.writeRefused) this.writeRefused.add(String(m).toLowerCase());
			}
			return json(200, { roles: this.appRoles, writeRefused: [...this.writeRefused] });
		});
		r.add('POST', '/__sandbox/notify', (req) => {
			const b = req.body as { enabled?: boolean };
			this.notify = b?.enabled !== false;
			return json(200, { notify: this.notify });
		});
		r.add('POST', '/__sandbox/subscriptions/:id/drop', (req) => (this.dropSilently(req.params.id), json(200, { ok: true })));
		r.add('POST', '/__sandbox/subscriptions/:id/lifecycle', async (req) => {
			const sub = this.subscriptions.get(req.params.id);
			if (!sub) return json(404, { message: 'no such subscription' });
			return json(200, await this.lifecycle(sub, (req.body as { event: 'missed' }).event));
		});
		return r;
	}
}

export async function startGraphSandbox(opts: GraphSandboxOptions = {}): Promise<GraphSandbox> {
	return new GraphSandbox(opts).start();
}

/**
 * Graph keeps an event in the zone it was written in (Calendly writes the host's zone) but, without a
 * `Prefer: outlook.timezone` header, answers every start and end in UTC: `2026-04-04T05:00:00.0000000`.
 */
function inUtc(t: { dateTime: string; timeZone: string }): { dateTime: string; timeZone: string } {
	if (!t?.dateTime || /^utc$/i.test(t.timeZone ?? 'UTC')) return t;
	const dt = DateTime.fromISO(t.dateTime.replace(/(\.\d{3})\d+$/, '$1'), { zone: t.timeZone });
	if (!dt.isValid) return t;
	return { dateTime: `${dt.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss")}.0000000`, timeZone: 'UTC' };
}

/**
 * A series' occurrences as calendarView lists them (Graph: "Get incremental changes to events in a calendar
 * view" and the patternedRecurrence resource): type "occurrence", the master's id as seriesMasterId. Daily and
 * weekly patterns with an end date or a number of occurrences: what a practitioner's standing meeting uses.
 */
function occurrences(e: GraphEvent): GraphEvent[] {
	const r = e.recurrence as { pattern?: { type?: string; interval?: number }; range?: { endDate?: string; numberOfOccurrences?: number } } | null | undefined;
	if (e.type !== 'seriesMaster' || !r?.pattern) return [e];
	const step = (r.pattern.type === 'daily' ? 1 : 7) * (r.pattern.interval ?? 1) * 86_400_000;
	const first = Date.parse(`${e.start.dateTime.slice(0, 23)}Z`);
	const length = Date.parse(`${e.end.dateTime.slice(0, 23)}Z`) - first;
	const until = r.range?.endDate ? Date.parse(`${r.range.endDate}T23:59:59Z`) : Infinity;
	const count = Math.min(r.range?.numberOfOccurrences ?? 52, 52);
	const out: GraphEvent[] = [];
	for (let i = 0; i < count && first + i * step <= until; i++) {
		const at = (ms: number) => ({ dateTime: new Date(ms).toISOString().replace('Z', '0000'), timeZone: 'UTC' });
		out.push({ ...e, id: `${e.id}_occ${i}`, type: 'occurrence', seriesMasterId: e.id, recurrence: null, start: at(first + i * step), end: at(first + i * step + length) });
	}
	return out;
}
