/**
 * What the calendar trigger has already emitted, so Graph's redeliveries and the several notifications one
 * edit makes give one item per event version: kept in the trigger's static data (across restarts) and in
 * memory (for concurrent POSTs in this process, before static data is saved).
 */
import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { remember, type SeenEvent } from '../../lib/sources/graph';

export interface TriggerState {
	seen?: Record<string, SeenEvent & { deleted?: boolean }>;
	deltaLinks?: Record<string, string>;
	subscriptions?: Record<string, string>;
	/** User object id or subscription id → the mailbox it is (mailboxes.ts). */
	mailboxOf?: Record<string, string>;
}

/** One change the trigger emits: created/updated (with the event), deleted, or fetchFailed (ids kept for replay). */
export type EmittedChange = IDataObject & { changeType: string; mailbox: string; eventId: string };

/** Last emitted version of each event, shared by concurrent requests in this process. */
const inProcess = new Map<string, string>();

export function triggerState(ctx: IHookFunctions | IWebhookFunctions): TriggerState {
	return ctx.getWorkflowStaticData('node') as TriggerState;
}

/** Decides whether an event version is new, recording it if so. */
export function firstTime(ctx: IWebhookFunctions, mailbox: string, ev: IDataObject): 'created' | 'updated' | undefined {
	const st = triggerState(ctx);
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

/** A deletion, the first time it is seen: with what was known of the event (its iCalUId and start). */
export function deletion(ctx: IWebhookFunctions, mailbox: string, eventId: string, subscriptionId?: string): EmittedChange | undefined {
	const st = triggerState(ctx);
	st.seen ??= {};
	const key = `${ctx.getWorkflow().id}|${eventId}`;
	if (inProcess.get(key) === 'deleted' || st.seen[eventId]?.deleted) return undefined;
	inProcess.set(key, 'deleted');
	const known = st.seen[eventId];
	remember(st.seen, eventId, { ...(known ?? { mailbox }), changeKey: 'deleted', deleted: true, at: Date.now() } as SeenEvent);
	return { changeType: 'deleted', mailbox, eventId, iCalUId: known?.iCalUId ?? null, start: known?.start ?? null, subscriptionId: subscriptionId ?? null };
}
