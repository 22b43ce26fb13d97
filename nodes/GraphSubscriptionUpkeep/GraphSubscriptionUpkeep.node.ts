import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError, sleep } from 'n8n-workflow';
import { CatalogError, mailboxes as catalogMailboxes, parseCatalogInput, splitList, type CatalogProblem } from '../../lib/catalog';
import { clientStateFor, planUpkeep, subscriptionResource, mailboxOfResource } from '../../lib/sources/graph';
import { graphCredentials, graphStats } from '../MicrosoftGraph/transport';
import { batchWithLifetimeFallback, createStep, errorMessage, expiryIn, listSubscriptions, runBatch, type BatchStep, type SubscriptionSpec } from '../MicrosoftGraph/subscriptions';

interface Entry {
	mailbox: string;
	id?: string;
	expirationDateTime?: string;
	reason?: string;
	action?: string;
	status?: number;
}

/**
 * The base of this instance's production webhook URLs (WEBHOOK_URL, which may differ from the
 * editor's URL when webhook processes sit behind their own host), read from n8n's documented
 * `$execution.resumeUrl` (`<webhook base>/webhook-waiting/<id>`); the instance URL otherwise.
 */
function webhookBaseOf(ctx: IExecuteFunctions): string {
	try {
		const resume = String(ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0) ?? '');
		const m = /^(https?:\/\/.+?)\/webhook-waiting\/[^/]*$/.exec(resume);
		if (m) return m[1];
	} catch {
		// No execution data (a manual test run outside n8n): fall back below.
	}
	return ctx.getInstanceBaseUrl();
}

export class GraphSubscriptionUpkeep implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft Graph Subscription Upkeep',
		name: 'graphSubscriptionUpkeep',
		icon: { light: 'file:msgraph.svg', dark: 'file:msgraph.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"Reconcile calendar subscriptions"}}',
		description: 'Keeps a calendar subscription alive for every practitioner mailbox: renews, recreates what Graph dropped, creates missing ones, deletes orphans, and reports',
		defaults: { name: 'Graph Subscription Upkeep' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'microsoftGraphAppApi', required: true }],
		properties: [
			{
				displayName: 'Mailboxes From',
				name: 'source',
				type: 'options',
				options: [
					{ name: 'Service Catalog', value: 'catalog', description: 'Every practitioner mailbox in the catalog attached to the item' },
					{ name: 'List', value: 'list' },
				],
				default: 'catalog',
			},
			{ displayName: 'Catalog', name: 'catalog', type: 'json', default: '={{ $json.catalog }}', displayOptions: { show: { source: ['catalog'] } } },
			{ displayName: 'Mailboxes', name: 'mailboxes', type: 'string', default: '', placeholder: 'dr.dia@clinic.example, ramona@clinic.example', displayOptions: { show: { source: ['list'] } } },
			{ displayName: 'Trigger Path', name: 'path', type: 'string', default: 'graph-calendar', description: 'The Path of the Microsoft Graph Calendar Trigger in the booking workflow' },
			{ displayName: 'Webhook Base URL', name: 'webhookBaseUrl', type: 'string', default: '', placeholder: 'https://n8n.clinic.example/', description: "The public webhook URL of n8n. Empty uses this instance's (WEBHOOK_URL), as the trigger does." },
			{ displayName: 'Renew When Expiring Within (Hours)', name: 'renewWithinHours', type: 'number', default: 36, typeOptions: { minValue: 1 } },
			{ displayName: 'Subscription Lifetime (Minutes)', name: 'lifetimeMinutes', type: 'number', default: 10070, typeOptions: { minValue: 45 } },
			{ displayName: 'Fallback Lifetime (Minutes)', name: 'fallbackLifetimeMinutes', type: 'number', default: 4230, description: 'Used when Graph answers that the lifetime is beyond the allowed maximum', typeOptions: { minValue: 45 } },
			{ displayName: 'Delete Orphans', name: 'deleteOrphans', type: 'boolean', default: true, description: 'Whether to delete subscriptions pointing at our URL for mailboxes no longer in the catalog' },
			{ displayName: 'Handshake Retries', name: 'handshakeRetries', type: 'number', default: 3, description: 'Creations Graph refused because our webhook did not answer its validation yet (n8n still starting) are tried again this many times, 5 s apart' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const source = this.getNodeParameter('source', 0) as string;
		let wanted: string[];
		let catalogProblems: CatalogProblem[] = [];
		if (source === 'catalog') {
			try {
				const catalog = parseCatalogInput(this.getNodeParameter('catalog', 0, '') as unknown);
				wanted = catalogMailboxes(catalog);
				catalogProblems = catalog.problems;
			} catch (e) {
				if (e instanceof CatalogError && e.missing) throw new NodeOperationError(this.getNode(), `${e.problems[0]} Or choose Mailboxes From: List.`);
				throw new NodeOperationError(this.getNode(), 'The service catalog is invalid.', { description: (e as Error).message });
			}
		} else {
			wanted = splitList(this.getNodeParameter('mailboxes', 0)).map((m) => m.toLowerCase());
		}
		const path = String(this.getNodeParameter('path', 0)).replace(/^\/+|\/+$/g, '');
		const base = (String(this.getNodeParameter('webhookBaseUrl', 0, '')) || webhookBaseOf(this)).replace(/\/+$/, '');
		const notificationUrl = `${base}/webhook/${path}`;
		const creds = await graphCredentials(this);
		const clientState = clientStateFor(String(creds.notificationSecret ?? ''), path);
		const lifetime = Number(this.getNodeParameter('lifetimeMinutes', 0));
		const fallback = Number(this.getNodeParameter('fallbackLifetimeMinutes', 0));
		const known = (this.getWorkflowStaticData('node').known ??= {}) as Record<string, string>;
		const spec = (mailbox: string): SubscriptionSpec => ({ mailbox, notificationUrl, lifecycleUrl: `${notificationUrl}/lifecycle`, clientState, lifetimeMinutes: lifetime, fallbackLifetimeMinutes: fallback });

		const report = { renewed: [] as Entry[], recreated: [] as Entry[], created: [] as Entry[], deleted: [] as Entry[], held: [] as Entry[], failed: [] as Entry[], unchanged: 0, lifetimeFallbackUsed: false };
		const existing = await listSubscriptions(this);
		const plan = planUpkeep(wanted, existing, notificationUrl, { now: Date.now(), renewWithinMs: Number(this.getNodeParameter('renewWithinHours', 0)) * 3_600_000, known });
		report.unchanged = plan.keep.length;

		// Renewals
		const renewSteps: BatchStep[] = plan.renew.map((s) => ({ id: s.id, method: 'PATCH', url: `/subscriptions/${s.id}`, body: { expirationDateTime: expiryIn(lifetime) } }));
		const renewals = await batchWithLifetimeFallback(this, renewSteps, (step, minutes) => ({ ...step, body: { expirationDateTime: expiryIn(minutes) } }), fallback);
		const toCreate: Array<{ mailbox: string; recreate: boolean }> = plan.create.map((c) => ({ mailbox: c.mailbox, recreate: c.previouslyKnown }));
		for (const s of plan.renew) {
			const r = renewals.get(s.id);
			const mailbox = mailboxOfResource(s.resource) ?? s.resource;
			if (r?.usedFallback) report.lifetimeFallbackUsed = true;
			if (r && r.status < 300) report.renewed.push({ mailbox, id: s.id, expirationDateTime: String(r.body?.expirationDateTime ?? '') });
			else if (r?.status === 404) toCreate.push({ mailbox, recreate: true });
			else report.failed.push({ mailbox, id: s.id, action: 'renew', status: r?.status, reason: errorMessage(r?.body) });
		}

		// Creations (and recreations), retrying refused handshakes while n8n finishes starting.
		let pending = toCreate;
		const retries = Number(this.getNodeParameter('handshakeRetries', 0, 3));
		for (let attempt = 0; pending.length; attempt++) {
			const steps = pending.map((c, i) => createStep(String(i), spec(c.mailbox), lifetime));
			const results = await batchWithLifetimeFallback(this, steps, (step, minutes) => createStep(step.id, spec(pending[Number(step.id)].mailbox), minutes), fallback);
			const again: typeof pending = [];
			pending.forEach((c, i) => {
				const r = results.get(String(i));
				if (r?.usedFallback) report.lifetimeFallbackUsed = true;
				if (r?.status === 201) {
					known[subscriptionResource(c.mailbox)] = String(r.body?.id);
					(c.recreate ? report.recreated : report.created).push({ mailbox: c.mailbox, id: String(r.body?.id), expirationDateTime: String(r.body?.expirationDateTime ?? '') });
				} else if (attempt < retries && /validation request failed/i.test(errorMessage(r?.body))) again.push(c);
				else report.failed.push({ mailbox: c.mailbox, action: c.recreate ? 'recreate' : 'create', status: r?.status, reason: errorMessage(r?.body) });
			});
			pending = again;
			if (pending.length) await sleep(5000);
		}

		// Orphans and duplicates
		// While a practitioner entry is out of service (a mistyped mailbox, say), a subscription that
		// looks orphaned may be theirs: it is kept, so no booking is missed once the entry is fixed.
		const practitionerOut = catalogProblems.some((p) => p.outOfService && p.entry.startsWith('practitioners['));
		const held = practitionerOut ? plan.remove.filter((r) => r.why !== 'duplicate') : [];
		const removals = plan.remove.filter((r) => r.why === 'duplicate' || (!practitionerOut && this.getNodeParameter('deleteOrphans', 0, true)));
		const deleted = await runBatch(this, removals.map((r) => ({ id: r.sub.id, method: 'DELETE', url: `/subscriptions/${r.sub.id}` })));
		for (const r of removals) {
			const res = deleted.get(r.sub.id);
			const mailbox = mailboxOfResource(r.sub.resource) ?? r.sub.resource;
			if (res && (res.status < 300 || res.status === 404)) report.deleted.push({ mailbox, id: r.sub.id, reason: r.why });
			else report.failed.push({ mailbox, id: r.sub.id, action: 'delete', status: res?.status, reason: errorMessage(res?.body) });
		}
		for (const r of held) report.held.push({ mailbox: mailboxOfResource(r.sub.resource) ?? r.sub.resource, id: r.sub.id, reason: 'kept while practitioner entries are out of service in the catalog' });
		for (const r of plan.keep) known[r.resource.toLowerCase()] = r.id;
		for (const r of report.renewed) known[subscriptionResource(r.mailbox)] = String(r.id);

		// Until when each wanted calendar is watched: what the website lists practitioners by.
		const until = new Map<string, string>();
		for (const sub of [...plan.keep, ...plan.renew]) until.set(mailboxOfResource(sub.resource) ?? sub.resource.toLowerCase(), sub.expirationDateTime);
		for (const e of [...report.renewed, ...report.created, ...report.recreated]) if (e.expirationDateTime) until.set(e.mailbox, e.expirationDateTime);
		for (const e of report.failed) if (e.action === 'create' || e.action === 'recreate') until.delete(e.mailbox);
		const checkedAt = new Date().toISOString();
		const calendars = wanted.map((mailbox) => ({ mailbox, watchedUntil: until.get(mailbox) ?? '', checkedAt }));

		const json: IDataObject = {
			ok: report.failed.length === 0,
			notificationUrl,
			mailboxes: wanted.length,
			...report,
			summary: `renewed ${report.renewed.length}, recreated ${report.recreated.length}, created ${report.created.length}, deleted ${report.deleted.length}, held ${report.held.length}, unchanged ${report.unchanged}, failed ${report.failed.length}`,
			catalogProblems: catalogProblems as unknown as IDataObject[],
			calendars,
			graphCalls: graphStats(this).calls,
			checkedAt,
		};
		return [[{ json: json as IDataObject, pairedItem: { item: 0 } }]];
	}
}
