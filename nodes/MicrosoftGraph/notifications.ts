/**
 * What the calendar trigger does with Graph's change notifications once they are authenticated and answered:
 * reads each changed event (a 404 is a deletion), catches a mailbox up with a calendarView delta query when
 * too many changed at once or Graph reports `missed`, and acts on lifecycle notifications.
 */
import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { clientStateFor, mailboxOfResource, planFetches, subscriptionResource, type DistinctChange, type Notification } from '../../lib/sources/graph';
import { createSubscriptions, errorMessage, expiryIn, type SubscriptionSpec } from './subscriptions';
import { deletion, firstTime, triggerState, type EmittedChange } from './seenState';
import { mailboxFor, recordMailbox } from './mailboxes';
import { deltaStart, readDelta, readEvent } from './reads';
import { graphBaseUrl, graphCredentials, graphError, graphHttp } from './transport';

export { EVENT_SELECT } from './reads';

/**
 * The clientState each workflow expects, kept for a minute so a burst of notifications is
 * acknowledged without reading and decrypting the credential for every POST.
 */
const expectedState = new Map<string, { value: string; at: number }>();
export async function expectedClientState(ctx: IWebhookFunctions): Promise<string> {
	const path = String(ctx.getNodeParameter('path', 'graph-calendar'));
	const key = `${ctx.getWorkflow().id}|${ctx.getNode().name}|${path}`;
	const hit = expectedState.get(key);
	if (hit && Date.now() - hit.at < 60_000) return hit.value;
	const creds = await graphCredentials(ctx);
	const value = clientStateFor(String(creds.notificationSecret ?? ''), path);
	expectedState.set(key, { value, at: Date.now() });
	return value;
}

/** The trigger's subscription for each of these mailboxes (the credential is read once). */
export async function triggerSpecs(ctx: IHookFunctions | IWebhookFunctions, mailboxes: string[]): Promise<SubscriptionSpec[]> {
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

/** Creates the trigger's subscriptions and remembers their ids; the refusals, one line per mailbox. */
export async function subscribe(ctx: IHookFunctions | IWebhookFunctions, specs: SubscriptionSpec[]): Promise<string[]> {
	const st = triggerState(ctx);
	st.subscriptions ??= {};
	const failed: string[] = [];
	for (const c of await createSubscriptions(ctx, specs, 3)) {
		if (c.ok) {
			st.subscriptions[subscriptionResource(c.mailbox)] = c.id!;
			recordMailbox(ctx, c.id!, c.mailbox);
		} else failed.push(`${c.mailbox}: ${c.reason}`);
	}
	return failed;
}

/** Each distinct change read from Graph: new versions, deletions, failed reads (kept for replay), catch-ups. */
export async function fetchChanges(ctx: IWebhookFunctions, notified: DistinctChange[]): Promise<EmittedChange[]> {
	const base = `${await graphBaseUrl(ctx)}/v1.0`;
	// Graph names users by object id: every change is read, remembered and emitted under its mailbox.
	const users = new Map<string, string | undefined>();
	for (const c of notified) if (!users.has(c.user)) users.set(c.user, await mailboxFor(ctx, c.user, c.subscriptionId));
	const unresolved = notified.filter((c) => !users.get(c.user));
	const changes = notified.filter((c) => users.get(c.user)).map((c) => ({ ...c, user: users.get(c.user)! }));
	const plan = planFetches(changes, Number(ctx.getNodeParameter('maxFetchesPerPost', 50)));
	const fetched = await Promise.all(plan.fetch.map(async (c): Promise<EmittedChange | undefined> => {
		const res = await readEvent(ctx, base, c.user, c.eventId);
		if (res.status === 404) return deletion(ctx, c.user, c.eventId, c.subscriptionId);
		if (res.status >= 400) {
			// Graph already has its 202: keep the ids so the failure is visible and can be replayed.
			return { changeType: 'fetchFailed', mailbox: c.user, eventId: c.eventId, status: res.status, error: errorMessage(res.body), notified: c.changeTypes };
		}
		const ev = res.body as IDataObject;
		const kind = firstTime(ctx, c.user, ev);
		return kind ? { changeType: kind, mailbox: c.user, eventId: c.eventId, subscriptionId: c.subscriptionId ?? null, notified: c.changeTypes, event: ev } : undefined;
	}));
	const out = [
		...fetched,
		...plan.deleted.map((c) => deletion(ctx, c.user, c.eventId, c.subscriptionId)),
		// Graph could not say whose calendar: kept with its ids, visible and replayable.
		...unresolved.map((c): EmittedChange => ({ changeType: 'fetchFailed', mailbox: '', user: c.user, eventId: c.eventId, status: 404, error: 'Graph did not say which mailbox this user is', notified: c.changeTypes })),
	];
	for (const mailbox of plan.resync) {
		try {
			out.push(...(await resync(ctx, mailbox)));
		} catch (e) {
			// The catch-up failed: each change Graph named is kept as a failed read (ids only), retried by the calendar sweep.
			const status = Number((e as { httpCode?: string }).httpCode) || 0;
			for (const c of changes) if (c.user === mailbox && !c.changeTypes.includes('deleted')) out.push({ changeType: 'fetchFailed', mailbox, eventId: c.eventId, status, error: (e as Error).message, notified: c.changeTypes });
		}
	}
	return out.filter((x): x is EmittedChange => x !== undefined);
}

/** calendarView delta for one mailbox: what changed while notifications were lost. */
export async function resync(ctx: IWebhookFunctions, mailbox: string): Promise<EmittedChange[]> {
	const st = triggerState(ctx);
	st.deltaLinks ??= {};
	const base = `${await graphBaseUrl(ctx)}/v1.0`;
	const daysBack = Number(ctx.getNodeParameter('resyncDaysBack', 7));
	const daysAhead = Number(ctx.getNodeParameter('resyncDaysAhead', 365));
	const read = await readDelta(ctx, mailbox, st.deltaLinks[mailbox] ?? deltaStart(base, mailbox, daysBack, daysAhead));
	if (!read.ok) throw graphError(ctx, read.response, `catching up ${mailbox.split('@')[1] ?? 'a'} calendar`);
	const emitted: EmittedChange[] = [];
	for (const ev of read.events) {
		if (ev['@removed']) {
			const d = deletion(ctx, mailbox, String(ev.id));
			if (d) emitted.push({ ...d, resync: true });
			continue;
		}
		const kind = firstTime(ctx, mailbox, ev);
		if (kind) emitted.push({ changeType: kind, mailbox, eventId: String(ev.id), event: ev, resync: true });
	}
	if (read.deltaLink) st.deltaLinks[mailbox] = read.deltaLink;
	return emitted;
}

/** Lifecycle notifications: renew on `reauthorizationRequired`, recreate on `subscriptionRemoved`, catch up on `missed`. */
export async function handleLifecycle(ctx: IWebhookFunctions, notifications: Notification[]): Promise<EmittedChange[]> {
	const emitted: EmittedChange[] = [];
	const base = `${await graphBaseUrl(ctx)}/v1.0`;
	for (const n of notifications) {
		// Graph's lifecycle bodies name only the subscription; subscriptions upkeep made are looked up in Graph.
		const mailbox = mailboxOfResource(n.resource) ?? (await mailboxFor(ctx, undefined, n.subscriptionId));
		const [s] = mailbox ? await triggerSpecs(ctx, [mailbox]) : [];
		if (n.lifecycleEvent === 'reauthorizationRequired' && n.subscriptionId) {
			const res = await graphHttp(ctx, 'PATCH', `${base}/subscriptions/${encodeURIComponent(n.subscriptionId)}`, { expirationDateTime: expiryIn(s?.lifetimeMinutes ?? 4230) });
			if (res.status === 404 && s) await subscribe(ctx, [s]);
		} else if (n.lifecycleEvent === 'subscriptionRemoved' && s) {
			await subscribe(ctx, [s]);
		} else if (n.lifecycleEvent === 'missed' && mailbox) {
			emitted.push(...(await resync(ctx, mailbox)));
		}
	}
	return emitted;
}
