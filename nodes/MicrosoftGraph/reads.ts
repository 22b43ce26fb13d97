/**
 * Reading calendars from Graph, shared by the calendar trigger and the calendar sweep: one event by id, and a
 * mailbox's calendarView delta page by page. Every read of a mailbox waits for that mailbox's slot (Outlook
 * allows an app 4 concurrent requests per mailbox) and then for one of this process's 8.
 */
import type { IDataObject } from 'n8n-workflow';
import { Limiter } from '../../lib/concurrency';
import { graphHttp, type GraphContext, type GraphResponse } from './transport';

/** What a booking is read from, and what says an entry is not one (a private, all-day or recurring entry, a free slot). */
export const EVENT_SELECT = 'id,iCalUId,changeKey,subject,start,end,organizer,attendees,body,bodyPreview,location,isCancelled,lastModifiedDateTime,sensitivity,isAllDay,type,seriesMasterId,showAs';

/**
 * Graph reads from this process, at most this many at once whatever the number of POSTs or sweeps in
 * flight: a calendar import must not open hundreds of connections and starve n8n's own work.
 */
const graphReads = new Limiter(8);

/**
 * Outlook allows an app 4 concurrent requests per mailbox (Graph throttling limits, "Outlook service
 * limits"); a fifth is refused 429 MailboxConcurrency. Reads of one calendar queue here instead.
 */
const MAILBOX_CONCURRENCY = 4;
const mailboxReads = new Map<string, Limiter>();
/** One Graph read of a mailbox: its mailbox slot first, then one of the 8, so a read waiting on a busy calendar holds none of the 8. */
export function readMailbox<T>(mailbox: string, task: () => Promise<T>): Promise<T> {
	let limiter = mailboxReads.get(mailbox);
	if (!limiter) mailboxReads.set(mailbox, (limiter = new Limiter(MAILBOX_CONCURRENCY)));
	return limiter.run(() => graphReads.run(task));
}

/** One event of a mailbox, with the fields a booking is read from. */
export function readEvent(ctx: GraphContext, base: string, mailbox: string, eventId: string): Promise<GraphResponse> {
	return readMailbox(mailbox, () => graphHttp(ctx, 'GET', `${base}/users/${encodeURIComponent(mailbox)}/events/${encodeURIComponent(eventId)}?$select=${EVENT_SELECT}`));
}

/** The first calendarView delta URL of a mailbox: the window the calendar is read over. */
export function deltaStart(base: string, mailbox: string, daysBack: number, daysAhead: number, now = Date.now()): string {
	return `${base}/users/${encodeURIComponent(mailbox)}/calendarView/delta?startDateTime=${new Date(now - daysBack * 86_400_000).toISOString()}&endDateTime=${new Date(now + daysAhead * 86_400_000).toISOString()}`;
}

export type DeltaRead = { ok: true; events: IDataObject[]; deltaLink?: string } | { ok: false; response: GraphResponse };

/** Every page of a delta from `url` (nextLink and deltaLink are absolute URLs: read as given). */
export async function readDelta(ctx: GraphContext, mailbox: string, url: string, maxPages = 200): Promise<DeltaRead> {
	const events: IDataObject[] = [];
	for (let page = 0; page < maxPages; page++) {
		const answer = await readMailbox(mailbox, () => graphHttp(ctx, 'GET', url));
		if (answer.status >= 400) return { ok: false, response: answer };
		const res = answer.body as { value?: IDataObject[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
		events.push(...(res.value ?? []));
		if (res['@odata.nextLink']) url = res['@odata.nextLink'];
		else return { ok: true, events, deltaLink: res['@odata.deltaLink'] };
	}
	return { ok: true, events };
}
