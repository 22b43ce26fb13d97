import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeParameters,
	IWebhookDescription,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { fromFunction, NodeApiError, NodeConnectionTypes, NodeOperationError, webhookDescriptionFields } from 'n8n-workflow';
import { clientStateFor, collapse, constantTimeEqual, mailboxOfResource, planFetches, remember, subscriptionResource, validationEcho, type DistinctChange, type Notification, type SeenEvent } from '../../lib/sources/graph';

/** The echoed token is text, never content a browser may sniff or run. */
const ECHO_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'" };
import { Limiter } from '../../lib/concurrency';
import { splitList } from '../../lib/catalog';
import { graphBaseUrl, graphCredentials, graphError, graphHttp, type GraphContext } from '../MicrosoftGraph/transport';
import { batchWithLifetimeFallback, createStep, errorMessage, expiryIn, listSubscriptions, runBatch, type BatchStep, type SubscriptionSpec } from '../MicrosoftGraph/subscriptions';

/**
 * A webhook path n8n resolves from the node's parameters without its expression engine (n8n 2.41+):
 * no expression isolate on the way to Graph's 202. The template is what older n8n evaluates.
 */
function webhookPath(resolve: (parameters: INodeParameters) => string): Pick<IWebhookDescription, 'path'> {
	const template = `={{(${String(resolve)})($parameter)}}`;
	if (typeof webhookDescriptionFields !== 'function' || typeof fromFunction !== 'function') return { path: template };
	return webhookDescriptionFields({ path: fromFunction(resolve) }) as unknown as Pick<IWebhookDescription, 'path'>;
}

export const EVENT_SELECT = 'id,iCalUId,changeKey,subject,start,end,organizer,attendees,body,bodyPreview,location,isCancelled,lastModifiedDateTime';

interface TriggerState {
	seen?: Record<string, SeenEvent & { deleted?: boolean }>;
	deltaLinks?: Record<string, string>;
	subscriptions?: Record<string, string>;
}

/** Last emitted version of each event, shared by concurrent requests in this process. */
const inProcess = new Map<string, string>();

/**
 * The clientState each workflow expects, kept for a minute so a burst of notifications is
 * acknowledged without reading and decrypting the credential for every POST.
 */
const expectedState = new Map<string, { value: string; at: number }>();
async function expectedClientState(ctx: IWebhookFunctions): Promise<string> {
	const path = String(ctx.getNodeParameter('path', 'graph-calendar'));
	const key = `${ctx.getWorkflow().id}|${ctx.getNode().name}|${path}`;
	const hit = expectedState.get(key);
	if (hit && Date.now() - hit.at < 60_000) return hit.value;
	const creds = await graphCredentials(ctx);
	const value = clientStateFor(String(creds.notificationSecret ?? ''), path);
	expectedState.set(key, { value, at: Date.now() });
	return value;
}

function state(ctx: IHookFunctions | IWebhookFunctions): TriggerState {
	return ctx.getWorkflowStaticData('node') as TriggerState;
}

/** Subscription specs for these mailboxes (the credential is read once). */
async function specs(ctx: IHookFunctions | IWebhookFunctions, mailboxes: string[]): Promise<SubscriptionSpec[]> {
	const creds = await graphCredentials(ctx);
	const shared = {
		notificationUrl: ctx.getNodeWebhookUrl('default')!,
		lifecycleUrl: ctx.getNodeWebhookUrl('setup'),
		clientState: clientStateFor(String(creds.notificationSecret ?? ''), String(ctx.getNodeParameter('path', 'graph-calendar'))),
		lifetimeMinutes: Number(ctx.getNodeParameter('lifetimeMinutes', 10070)),
		fallbackLifetimeMinutes: Number(ctx.getNodeParameter('fallbackLifetimeMinutes', 4230)),
	};
	return mailboxes.map((mailbox) => ({ mailbox, ...shared }));
}

type EmittedChange = IDataObject & { changeType: string; mailbox: string; eventId: string };

/** Decides whether an event version is new, recording it if so. */
function firstTime(ctx: IWebhookFunctions, mailbox: string, ev: IDataObject): 'created' | 'updated' | undefined {
	const st = state(ctx);
	st.seen ??= {};
	const id = String(ev.id);
	const key = `${ctx.getWorkflow().id}|${id}`;
	const version = String(ev.changeKey ?? ev.lastModifiedDateTime ?? '');
	const previous = inProcess.get(key) ?? st.seen[id]?.changeKey;
	if (previous !== undefined && previous === version) return undefined;
	inProcess.set(key, version);
	if (inProcess.size > 20000) inProcess.delete(inProcess.keys().next().value as string);
	const start = (ev.start as IDataObject | undefined)?.dateTime as string | undefined;
	remember(st.seen, id, { changeKey: version, iCalUId: ev.iCalUId as string | undefined, mailbox, start, at: Date.now() });
	return previous === undefined ? 'created' : 'updated';
}

function deletion(ctx: IWebhookFunctions, mailbox: string, eventId: string, subscriptionId?: string): EmittedChange | undefined {
	const st = state(ctx);
	st.seen ??= {};
	const key = `${ctx.getWorkflow().id}|${eventId}`;
	if (inProcess.get(key) === 'deleted' || st.seen[eventId]?.deleted) return undefined;
	inProcess.set(key, 'deleted');
	const known = st.seen[eventId];
	remember(st.seen, eventId, { ...(known ?? { mailbox }), changeKey: 'deleted', deleted: true, at: Date.now() } as SeenEvent);
	return { changeType: 'deleted', mailbox, eventId, iCalUId: known?.iCalUId ?? null, start: known?.start ?? null, subscriptionId: subscriptionId ?? null };
}

/**
 * Graph reads from this process's notification webhooks, at most this many at once whatever the number
 * of POSTs in flight: a calendar import must not open hundreds of connections and starve n8n's own work.
 */
const graphReads = new Limiter(8);

async function fetchChanges(ctx: IWebhookFunctions, changes: DistinctChange[]): Promise<EmittedChange[]> {
	const base = `${await graphBaseUrl(ctx)}/v1.0`;
	const plan = planFetches(changes, Number(ctx.getNodeParameter('maxFetchesPerPost', 50)));
	const fetched = await graphReads.map(plan.fetch, async (c): Promise<EmittedChange | undefined> => {
		const res = await graphHttp(ctx, 'GET', `${base}/users/${encodeURIComponent(c.user)}/events/${encodeURIComponent(c.eventId)}?$select=${EVENT_SELECT}`);
		if (res.status === 404) return deletion(ctx, c.user, c.eventId, c.subscriptionId);
		if (res.status >= 400) {
			// Graph already has its 202: keep the ids so the failure is visible and can be replayed.
			return { changeType: 'fetchFailed', mailbox: c.user, eventId: c.eventId, status: res.status, error: errorMessage(res.body), notified: c.changeTypes };
		}
		const ev = res.body as IDataObject;
		const kind = firstTime(ctx, c.user, ev);
		return kind ? { changeType: kind, mailbox: c.user, eventId: c.eventId, subscriptionId: c.subscriptionId ?? null, notified: c.changeTypes, event: ev } : undefined;
	});
	const out = [...fetched, ...plan.deleted.map((c) => deletion(ctx, c.user, c.eventId, c.subscriptionId))];
	for (const mailbox of plan.resync) out.push(...(await graphReads.run(() => resync(ctx, mailbox))));
	return out.filter((x): x is EmittedChange => x !== undefined);
}

/** calendarView delta for one mailbox: what changed while notifications were lost. */
async function resync(ctx: IWebhookFunctions, mailbox: string): Promise<EmittedChange[]> {
	const st = state(ctx);
	st.deltaLinks ??= {};
	const base = `${await graphBaseUrl(ctx)}/v1.0`;
	const daysBack = Number(ctx.getNodeParameter('resyncDaysBack', 7));
	const daysAhead = Number(ctx.getNodeParameter('resyncDaysAhead', 365));
	let url =
		st.deltaLinks[mailbox] ??
		`${base}/users/${encodeURIComponent(mailbox)}/calendarView/delta?startDateTime=${new Date(Date.now() - daysBack * 86_400_000).toISOString()}&endDateTime=${new Date(Date.now() + daysAhead * 86_400_000).toISOString()}`;
	const emitted: EmittedChange[] = [];
	for (let page = 0; page < 200; page++) {
		// nextLink and deltaLink are absolute URLs: read as given.
		const answer = await graphHttp(ctx, 'GET', url);
		if (answer.status >= 400) throw graphError(ctx, answer, `catching up ${mailbox.split('@')[1] ?? 'a'} calendar`);
		const res = answer.body as { value?: IDataObject[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
		for (const ev of res.value ?? []) {
			if (ev['@removed']) {
				const d = deletion(ctx, mailbox, String(ev.id));
				if (d) emitted.push({ ...d, resync: true });
				continue;
			}
			const kind = firstTime(ctx, mailbox, ev);
			if (kind) emitted.push({ changeType: kind, mailbox, eventId: String(ev.id), event: ev, resync: true });
		}
		if (res['@odata.nextLink']) url = res['@odata.nextLink'];
		else {
			if (res['@odata.deltaLink']) st.deltaLinks[mailbox] = res['@odata.deltaLink'];
			break;
		}
	}
	return emitted;
}

async function handleLifecycle(ctx: IWebhookFunctions, notifications: Notification[]): Promise<EmittedChange[]> {
	const emitted: EmittedChange[] = [];
	const base = `${await graphBaseUrl(ctx)}/v1.0`;
	for (const n of notifications) {
		const mailbox = mailboxOfResource(n.resource) ?? Object.entries(state(ctx).subscriptions ?? {}).find(([, id]) => id === n.subscriptionId)?.[0]?.split('/')[1];
		const [s] = mailbox ? await specs(ctx, [mailbox]) : [];
		if (n.lifecycleEvent === 'reauthorizationRequired' && n.subscriptionId) {
			const res = await graphHttp(ctx, 'PATCH', `${base}/subscriptions/${encodeURIComponent(n.subscriptionId)}`, { expirationDateTime: expiryIn(s?.lifetimeMinutes ?? 4230) });
			if (res.status === 404 && s) await createSubscriptions(ctx, [s]);
		} else if (n.lifecycleEvent === 'subscriptionRemoved' && s) {
			await createSubscriptions(ctx, [s]);
		} else if (n.lifecycleEvent === 'missed' && mailbox) {
			emitted.push(...(await resync(ctx, mailbox)));
		}
	}
	return emitted;
}

async function createSubscriptions(ctx: GraphContext & (IHookFunctions | IWebhookFunctions), specs: SubscriptionSpec[]): Promise<string[]> {
	const steps = specs.map((s, i) => createStep(String(i), s, s.lifetimeMinutes));
	const results = await batchWithLifetimeFallback(ctx, steps, (step: BatchStep, minutes) => createStep(step.id, specs[Number(step.id)], minutes), specs[0]?.fallbackLifetimeMinutes ?? 4230);
	const st = state(ctx);
	st.subscriptions ??= {};
	const failed: string[] = [];
	for (const [id, r] of results) {
		const s = specs[Number(id)];
		if (r.status === 201 && r.body?.id) st.subscriptions[subscriptionResource(s.mailbox)] = String(r.body.id);
		else failed.push(`${s.mailbox}: ${errorMessage(r.body)}`);
	}
	return failed;
}

export class GraphCalendarTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft Graph Calendar Trigger',
		name: 'graphCalendarTrigger',
		icon: { light: 'file:msgraph.svg', dark: 'file:msgraph.dark.svg' },
		group: ['trigger'],
		// Version 2 behaves as 1. n8n parses a version-1 webhook node's body as its old Webhook node's
		// (an expression evaluated on every POST); from version 2 it does not.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{"Calendar changes"}}',
		description: 'Starts the workflow when an event is created, changed or deleted in a practitioner’s Office 365 calendar (Graph change notifications, authenticated and de-duplicated)',
		defaults: { name: 'Microsoft Graph Calendar Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'microsoftGraphAppApi', required: true }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', isFullPath: true, ...webhookPath((p) => String(p.path ?? '')) },
			// n8n names a node's second webhook 'setup'; here it is Graph's lifecycleNotificationUrl.
			{ name: 'setup', httpMethod: 'POST', responseMode: 'onReceived', isFullPath: true, ...webhookPath((p) => `${String(p.path ?? '')}/lifecycle`) },
		],
		properties: [
			{
				displayName: 'Path',
				name: 'path',
				type: 'string',
				default: 'graph-calendar',
				required: true,
				description: 'Webhook path. The Subscription Upkeep workflow must use the same path.',
			},
			{
				displayName: 'Mailboxes',
				name: 'mailboxes',
				type: 'string',
				default: '',
				placeholder: 'dr.dia@clinic.example, ramona@clinic.example',
				description: 'Mailboxes to subscribe when the workflow is activated. Leave empty when the Subscription Upkeep workflow subscribes the practitioners of the Service Catalog.',
			},
			{ displayName: 'Subscription Lifetime (Minutes)', name: 'lifetimeMinutes', type: 'number', default: 10070, typeOptions: { minValue: 45 } },
			{ displayName: 'Fallback Lifetime (Minutes)', name: 'fallbackLifetimeMinutes', type: 'number', default: 4230, description: 'Used when Graph answers that the lifetime is beyond the allowed maximum', typeOptions: { minValue: 45 } },
			{ displayName: 'Resync Days Back', name: 'resyncDaysBack', type: 'number', default: 7, description: 'After Graph reports missed notifications, how far back the calendar is re-read' },
			{ displayName: 'Resync Days Ahead', name: 'resyncDaysAhead', type: 'number', default: 365 },
			{
				displayName: 'Max Events Fetched per Notification',
				name: 'maxFetchesPerPost',
				type: 'number',
				default: 50,
				typeOptions: { minValue: 1 },
				description: 'When one notification POST names more changed events than this (a calendar import), the busiest mailboxes are caught up with one delta query each instead of one read per event',
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const wanted = splitList(this.getNodeParameter('mailboxes', '')).map((m) => m.toLowerCase());
				if (!wanted.length) return true;
				const url = this.getNodeWebhookUrl('default');
				const ours = (await listSubscriptions(this)).filter((s) => s.notificationUrl === url);
				return wanted.every((m) => ours.some((s) => s.resource.toLowerCase() === subscriptionResource(m)));
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const wanted = splitList(this.getNodeParameter('mailboxes', '')).map((m) => m.toLowerCase());
				if (!wanted.length) return true;
				const failed = await createSubscriptions(this, await specs(this, wanted));
				if (failed.length) {
					throw new NodeOperationError(this.getNode(), `Microsoft Graph refused ${failed.length} subscription(s)`, { description: failed.join('\n') });
				}
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const url = this.getNodeWebhookUrl('default');
				const ours = (await listSubscriptions(this)).filter((s) => s.notificationUrl === url);
				const results = await runBatch(this, ours.map((s) => ({ id: s.id, method: 'DELETE', url: `/subscriptions/${s.id}` })));
				const failed = [...results.values()].filter((r) => r.status >= 400 && r.status !== 404);
				state(this).subscriptions = {};
				if (failed.length) {
					throw new NodeApiError(this.getNode(), { failed: failed.length } as IDataObject as never, { message: `Microsoft Graph did not delete ${failed.length} subscription(s)`, description: errorMessage(failed[0].body) });
				}
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const res = this.getResponseObject();
		// Graph's handshake: echo the decoded token as text/plain within 10 s, and only that.
		const echo = validationEcho(req.query.validationToken, this.getBodyData());
		if (echo) {
			res.status(echo.status).set(ECHO_HEADERS).type('text/plain').send(echo.text);
			return { noWebhookResponse: true };
		}
		const body = this.getBodyData() as { value?: Notification[] };
		const notifications = Array.isArray(body?.value) ? body.value : undefined;
		if (!notifications) {
			res.status(400).json({ error: 'Not a Microsoft Graph notification body' });
			return { noWebhookResponse: true };
		}
		const clientState = await expectedClientState(this);
		const lifecycle = this.getWebhookName() === 'setup';
		if (lifecycle) {
			const valid = notifications.filter((n) => constantTimeEqual(n?.clientState, clientState));
			res.status(valid.length || !notifications.length ? 202 : 403).end();
			if (!valid.length) return { noWebhookResponse: true };
			const items = await handleLifecycle(this, valid);
			return emit(items);
		}
		const { changes, rejected } = collapse(notifications, clientState);
		if (!changes.length) {
			res.status(rejected ? 403 : 202).end();
			return { noWebhookResponse: true };
		}
		// Answer Graph at once; the events are fetched after the answer has gone.
		res.status(202).end();
		return emit(await fetchChanges(this, changes));
	}
}

function emit(items: EmittedChange[]): IWebhookResponseData {
		if (!items.length) return { noWebhookResponse: true };
		const receivedAt = new Date().toISOString();
		const data: INodeExecutionData[] = items.map((json) => ({ json: { ...json, receivedAt } }));
		return { noWebhookResponse: true, workflowData: [data] };
}

