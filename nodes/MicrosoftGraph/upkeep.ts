/**
 * One upkeep run against Graph, as planned by `planUpkeep` (lib/sources/graph.ts): renew what expires soon
 * (recreating what Graph no longer has), create what is missing, delete orphans and duplicates, and report.
 */
import { emptyReport, mailboxOfResource, planUpkeep, removals, subscriptionResource, upkeepSummary, watchedCalendars, type UpkeepReport } from '../../lib/sources/graph';
import { batchWithLifetimeFallback, createSubscriptions, errorMessage, expiryIn, listSubscriptions, runBatch, type BatchStep, type SubscriptionSpec } from './subscriptions';
import type { GraphContext } from './transport';

export interface UpkeepSettings {
	/** The mailboxes that must be watched. */
	wanted: string[];
	notificationUrl: string;
	clientState: string;
	lifetimeMinutes: number;
	fallbackLifetimeMinutes: number;
	renewWithinMs: number;
	deleteOrphans: boolean;
	handshakeRetries: number;
	/** Whether a practitioner entry is out of service in the catalog (orphans are then held). */
	practitionerOutOfService: boolean;
	/** Subscription ids this upkeep created before, by resource (kept in the node's static data). */
	known: Record<string, string>;
}

export interface UpkeepResult extends UpkeepReport {
	summary: string;
	calendars: Array<{ mailbox: string; watchedUntil: string; checkedAt: string }>;
	checkedAt: string;
}

export async function reconcile(ctx: GraphContext, s: UpkeepSettings): Promise<UpkeepResult> {
	const spec = (mailbox: string): SubscriptionSpec => ({ mailbox, notificationUrl: s.notificationUrl, lifecycleUrl: `${s.notificationUrl}/lifecycle`, clientState: s.clientState, lifetimeMinutes: s.lifetimeMinutes, fallbackLifetimeMinutes: s.fallbackLifetimeMinutes });
	const report = emptyReport();
	const plan = planUpkeep(s.wanted, await listSubscriptions(ctx), s.notificationUrl, { now: Date.now(), renewWithinMs: s.renewWithinMs, known: s.known });
	report.unchanged = plan.keep.length;

	// Renewals; one Graph no longer has is recreated.
	const renewSteps: BatchStep[] = plan.renew.map((sub) => ({ id: sub.id, method: 'PATCH', url: `/subscriptions/${sub.id}`, body: { expirationDateTime: expiryIn(s.lifetimeMinutes) } }));
	const renewals = await batchWithLifetimeFallback(ctx, renewSteps, (step, minutes) => ({ ...step, body: { expirationDateTime: expiryIn(minutes) } }), s.fallbackLifetimeMinutes);
	const toCreate = plan.create.map((c) => ({ mailbox: c.mailbox, recreate: c.previouslyKnown }));
	for (const sub of plan.renew) {
		const r = renewals.get(sub.id);
		const mailbox = mailboxOfResource(sub.resource) ?? sub.resource;
		if (r?.usedFallback) report.lifetimeFallbackUsed = true;
		if (r && r.status < 300) report.renewed.push({ mailbox, id: sub.id, expirationDateTime: String(r.body?.expirationDateTime ?? '') });
		else if (r?.status === 404) toCreate.push({ mailbox, recreate: true });
		else report.failed.push({ mailbox, id: sub.id, action: 'renew', status: r?.status, reason: errorMessage(r?.body) });
	}

	// Creations and recreations (handshakes retried while n8n finishes starting).
	const created = await createSubscriptions(ctx, toCreate.map((c) => spec(c.mailbox)), s.handshakeRetries);
	created.forEach((c, i) => {
		const recreate = toCreate[i].recreate;
		if (c.usedFallback) report.lifetimeFallbackUsed = true;
		if (c.ok) {
			s.known[subscriptionResource(c.mailbox)] = c.id!;
			(recreate ? report.recreated : report.created).push({ mailbox: c.mailbox, id: c.id, expirationDateTime: c.expirationDateTime });
		} else report.failed.push({ mailbox: c.mailbox, action: recreate ? 'recreate' : 'create', status: c.status, reason: c.reason });
	});

	// Orphans and duplicates.
	const { remove, hold } = removals(plan, s.practitionerOutOfService, s.deleteOrphans);
	const deleted = await runBatch(ctx, remove.map((r) => ({ id: r.sub.id, method: 'DELETE', url: `/subscriptions/${r.sub.id}` })));
	for (const r of remove) {
		const res = deleted.get(r.sub.id);
		const mailbox = mailboxOfResource(r.sub.resource) ?? r.sub.resource;
		if (res && (res.status < 300 || res.status === 404)) report.deleted.push({ mailbox, id: r.sub.id, reason: r.why });
		else report.failed.push({ mailbox, id: r.sub.id, action: 'delete', status: res?.status, reason: errorMessage(res?.body) });
	}
	for (const r of hold) report.held.push({ mailbox: mailboxOfResource(r.sub.resource) ?? r.sub.resource, id: r.sub.id, reason: 'kept while practitioner entries are out of service in the catalog' });
	for (const r of plan.keep) s.known[r.resource.toLowerCase()] = r.id;
	for (const r of report.renewed) s.known[subscriptionResource(r.mailbox)] = String(r.id);

	const checkedAt = new Date().toISOString();
	return { ...report, summary: upkeepSummary(report), calendars: watchedCalendars(s.wanted, plan, report, checkedAt), checkedAt };
}
