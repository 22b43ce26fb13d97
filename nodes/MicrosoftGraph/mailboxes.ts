/**
 * Which practitioner's mailbox a notification is about. Graph names the user by object id in a change
 * notification's resource (`Users/{user object id}/Events/{event id}`, concepts/change-notifications-delivery-webhooks.md)
 * and a lifecycle notification names only its subscription (concepts/change-notifications-lifecycle-events.md),
 * while the catalog, MediRecords and the seen-state speak mailboxes. Resolved once, in this order:
 * an address as given; what the trigger recorded (its static data, which every n8n process loads with the
 * workflow, and this process's memory); Graph itself, `GET /users/{id}?$select=mail,userPrincipalName`,
 * then `GET /subscriptions/{id}` (its resource is `users/{mailbox}/events`, as this package creates it).
 */
import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { mailboxOfResource } from '../../lib/sources/graph';
import { triggerState } from './seenState';
import { graphBaseUrl, graphHttp } from './transport';

/** user object id or subscription id → mailbox, for this process. Object ids never change owner. */
const remembered = new Map<string, string>();

const isAddress = (s: string) => s.includes('@');

/** Records what the trigger knows for certain: a subscription it created and the mailbox it watches. */
export function recordMailbox(ctx: IHookFunctions | IWebhookFunctions, key: string, mailbox: string): void {
	const st = triggerState(ctx);
	st.mailboxOf ??= {};
	const value = mailbox.trim().toLowerCase();
	if (st.mailboxOf[key] !== value) st.mailboxOf[key] = value;
	remembered.set(key, value);
	if (remembered.size > 5000) remembered.delete(remembered.keys().next().value as string);
}

function known(ctx: IWebhookFunctions, key: string | undefined): string | undefined {
	if (!key) return undefined;
	const hit = remembered.get(key) ?? triggerState(ctx).mailboxOf?.[key];
	if (hit) return hit;
	// Subscriptions the trigger created before this map existed.
	const sub = Object.entries(triggerState(ctx).subscriptions ?? {}).find(([, id]) => id === key)?.[0];
	return mailboxOfResource(sub);
}

/**
 * The mailbox for a notification's user (an object id or an address) and subscription; undefined when Graph
 * cannot say (the caller keeps the ids, so the change is visible and can be replayed).
 */
export async function mailboxFor(ctx: IWebhookFunctions, user: string | undefined, subscriptionId?: string): Promise<string | undefined> {
	if (user && isAddress(user)) return user.trim().toLowerCase();
	const hit = known(ctx, user) ?? known(ctx, subscriptionId);
	if (hit) {
		if (user) recordMailbox(ctx, user, hit);
		return hit;
	}
	// Concurrent POSTs about one user (a calendar import) share one lookup.
	const key = `${user ?? ''}|${subscriptionId ?? ''}`;
	const pending = inFlight.get(key) ?? askGraph(ctx, user, subscriptionId).finally(() => inFlight.delete(key));
	inFlight.set(key, pending);
	return pending;
}

const inFlight = new Map<string, Promise<string | undefined>>();

async function askGraph(ctx: IWebhookFunctions, user: string | undefined, subscriptionId: string | undefined): Promise<string | undefined> {
	const base = `${await graphBaseUrl(ctx)}/v1.0`;
	if (user) {
		const res = await graphHttp(ctx, 'GET', `${base}/users/${encodeURIComponent(user)}?$select=mail,userPrincipalName`);
		const body = res.body as { mail?: unknown; userPrincipalName?: unknown } | undefined;
		const address = res.status < 400 ? String(body?.mail || body?.userPrincipalName || '') : '';
		if (isAddress(address)) {
			recordMailbox(ctx, user, address);
			return address.toLowerCase();
		}
	}
	if (subscriptionId) {
		const res = await graphHttp(ctx, 'GET', `${base}/subscriptions/${encodeURIComponent(subscriptionId)}`);
		const mailbox = res.status < 400 ? mailboxOfResource(String((res.body as { resource?: unknown })?.resource ?? '')) : undefined;
		if (mailbox) {
			recordMailbox(ctx, subscriptionId, mailbox);
			if (user) recordMailbox(ctx, user, mailbox);
			return mailbox;
		}
	}
	return undefined;
}
