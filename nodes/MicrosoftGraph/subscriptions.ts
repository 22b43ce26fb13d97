import type { Client } from '@microsoft/microsoft-graph-client';
// The paging class alone, not the package index: the index (and its Client) pulls in the default
// middleware (RetryHandler's timers, factories that read `process`) and GraphRequest's console
// logging, which community packages may not ship. Requests go through graphHttp instead.
import { PageIterator } from '@microsoft/microsoft-graph-client/lib/src/tasks/PageIterator';
import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';
import { chunk, isBeyondMaxLifetime, subscriptionResource, type ExistingSubscription } from '../../lib/sources/graph';
import { retryWait } from '../../lib/http';
import { graphBaseUrl, graphError, graphHttp, graphRetries, type GraphContext } from './transport';

/** One Graph JSON call; anything but 2xx is a NodeApiError saying what failed and what to check. */
async function graphJson<T>(ctx: GraphContext, method: 'GET' | 'POST', url: string, what: string, body?: unknown): Promise<T> {
	const res = await graphHttp(ctx, method, url, body);
	if (res.status < 200 || res.status >= 300) throw graphError(ctx, res, what);
	return res.body as T;
}

/** What PageIterator asks of a Graph client: `api(nextLink).get()`, answered through graphHttp. */
function pagingClient(ctx: GraphContext, what: string): Client {
	return { api: (url: string) => ({ get: async () => graphJson(ctx, 'GET', url, what) }) } as unknown as Client;
}

export interface BatchStep {
	id: string;
	method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
	url: string;
	body?: IDataObject;
}

export interface BatchResult {
	id: string;
	status: number;
	body?: IDataObject;
	headers?: Record<string, string>;
}

/** Lists every subscription of the app, following @odata.nextLink with the Graph client's PageIterator. */
export async function listSubscriptions(ctx: GraphContext): Promise<ExistingSubscription[]> {
	const what = 'listing subscriptions';
	const first = await graphJson<{ value: ExistingSubscription[] }>(ctx, 'GET', `${await graphBaseUrl(ctx)}/v1.0/subscriptions`, what);
	const all: ExistingSubscription[] = [];
	const it = new PageIterator(pagingClient(ctx, what), first, (s: ExistingSubscription) => {
		all.push(s);
		return true;
	});
	await it.iterate();
	return all;
}

/** Sends steps through $batch, 20 per call; steps Graph throttles (429/503) are sent again after Retry-After. */
export async function runBatch(ctx: GraphContext, steps: BatchStep[], maxRounds = 4): Promise<Map<string, BatchResult>> {
	const batchUrl = `${await graphBaseUrl(ctx)}/v1.0/$batch`;
	// Graph's own policy, for the steps inside a batch (which answer 429 or 503 when throttled).
	const policy = { ...graphRetries(maxRounds - 1), statuses: [429, 503] };
	const results = new Map<string, BatchResult>();
	let todo = steps;
	for (let round = 0; todo.length && round < maxRounds; round++) {
		let waitMs = 0;
		const again: BatchStep[] = [];
		for (const group of chunk(todo, 20)) {
			const body = {
				requests: group.map((s) => ({ id: s.id, method: s.method, url: s.url, ...(s.body ? { body: s.body, headers: { 'Content-Type': 'application/json' } } : {}) })),
			};
			const res = await graphJson<{ responses?: BatchResult[] }>(ctx, 'POST', batchUrl, '$batch', body);
			for (const r of res.responses ?? []) {
				const wait = retryWait(policy, round, { status: r.status, retryAfter: r.headers?.['Retry-After'] ?? r.headers?.['retry-after'] });
				if (wait !== undefined) {
					waitMs = Math.max(waitMs, wait);
					again.push(group.find((s) => s.id === r.id)!);
				} else results.set(r.id, r);
			}
		}
		todo = again;
		if (todo.length) await sleep(waitMs);
	}
	return results;
}

export interface SubscriptionSpec {
	mailbox: string;
	notificationUrl: string;
	lifecycleUrl?: string;
	clientState: string;
	lifetimeMinutes: number;
	fallbackLifetimeMinutes: number;
}

export function expiryIn(minutes: number): string {
	return new Date(Date.now() + minutes * 60_000).toISOString();
}

export function createStep(id: string, spec: SubscriptionSpec, minutes: number): BatchStep {
	return {
		id,
		method: 'POST',
		url: '/subscriptions',
		body: {
			changeType: 'created,updated,deleted',
			notificationUrl: spec.notificationUrl,
			...(spec.lifecycleUrl ? { lifecycleNotificationUrl: spec.lifecycleUrl } : {}),
			resource: subscriptionResource(spec.mailbox),
			expirationDateTime: expiryIn(minutes),
			clientState: spec.clientState,
			latestSupportedTlsVersion: 'v1_2',
		},
	};
}

export function errorMessage(body: unknown): string {
	const b = body as { error?: { message?: string } } | undefined;
	return b?.error?.message ?? 'no message';
}

/** What ops read when Graph refused a call: its status and its own message. */
export function graphAnswered(res: { status: number; body: unknown }): string {
	return `Microsoft Graph answered ${res.status}: ${errorMessage(res.body)}`;
}

/**
 * Creates or renews through $batch; a step refused as "beyond allowed max" is
 * sent again once with the fallback lifetime.
 */
export async function batchWithLifetimeFallback(
	ctx: GraphContext,
	steps: BatchStep[],
	rebuild: (step: BatchStep, minutes: number) => BatchStep,
	fallbackMinutes: number,
): Promise<Map<string, BatchResult & { usedFallback?: boolean }>> {
	const results: Map<string, BatchResult & { usedFallback?: boolean }> = await runBatch(ctx, steps);
	const retry = steps.filter((s) => results.get(s.id)?.status === 400 && isBeyondMaxLifetime(errorMessage(results.get(s.id)?.body)));
	if (retry.length) {
		const second = await runBatch(ctx, retry.map((s) => rebuild(s, fallbackMinutes)));
		for (const [id, r] of second) results.set(id, { ...r, usedFallback: true });
	}
	return results;
}

/** What became of one subscription Graph was asked to create. */
export interface Creation {
	mailbox: string;
	ok: boolean;
	status?: number;
	id?: string;
	expirationDateTime?: string;
	usedFallback?: boolean;
	/** Graph's message when it refused. */
	reason?: string;
}

/**
 * The one way subscriptions are created (by the trigger on activation and after `subscriptionRemoved`, and by
 * upkeep): through $batch, with the lifetime fallback; creations Graph refused because its validation request
 * to our webhook failed (n8n still starting) are tried again `handshakeRetries` times, `handshakeWaitMs` apart.
 * One result per spec, in the specs' order.
 */
export async function createSubscriptions(ctx: GraphContext, specs: SubscriptionSpec[], handshakeRetries: number, handshakeWaitMs = 5000): Promise<Creation[]> {
	const results = new Map<SubscriptionSpec, Creation>();
	let pending = specs;
	for (let attempt = 0; pending.length; attempt++) {
		const round = pending;
		const steps = round.map((spec, i) => createStep(String(i), spec, spec.lifetimeMinutes));
		const answers = await batchWithLifetimeFallback(ctx, steps, (step, minutes) => createStep(step.id, round[Number(step.id)], minutes), round[0].fallbackLifetimeMinutes);
		pending = [];
		round.forEach((spec, i) => {
			const r = answers.get(String(i));
			const reason = errorMessage(r?.body);
			if (r?.status === 201 && r.body?.id) {
				results.set(spec, { mailbox: spec.mailbox, ok: true, status: 201, id: String(r.body.id), expirationDateTime: String(r.body.expirationDateTime ?? ''), usedFallback: r.usedFallback });
			} else if (attempt < handshakeRetries && /validation request failed/i.test(reason)) pending.push(spec);
			else results.set(spec, { mailbox: spec.mailbox, ok: false, status: r?.status, reason, usedFallback: r?.usedFallback });
		});
		if (pending.length) await sleep(handshakeWaitMs);
	}
	return specs.map((spec) => results.get(spec)!);
}
