import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { CatalogError, mailboxes as catalogMailboxes, parseCatalogInput, splitList, type CatalogProblem } from '../../lib/catalog';
import { clientStateFor } from '../../lib/sources/graph';
import { graphCredentials, graphStats } from '../MicrosoftGraph/transport';
import { reconcile } from '../MicrosoftGraph/upkeep';

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
		const { wanted, catalogProblems } = this.getNodeParameter('source', 0) === 'catalog' ? catalogMailboxesOf(this) : { wanted: splitList(this.getNodeParameter('mailboxes', 0)).map((m) => m.toLowerCase()), catalogProblems: [] };
		const path = String(this.getNodeParameter('path', 0)).replace(/^\/+|\/+$/g, '');
		const base = (String(this.getNodeParameter('webhookBaseUrl', 0, '')) || webhookBaseOf(this)).replace(/\/+$/, '');
		const notificationUrl = `${base}/webhook/${path}`;
		const creds = await graphCredentials(this);
		const result = await reconcile(this, {
			wanted,
			notificationUrl,
			clientState: clientStateFor(String(creds.notificationSecret ?? ''), path),
			lifetimeMinutes: Number(this.getNodeParameter('lifetimeMinutes', 0)),
			fallbackLifetimeMinutes: Number(this.getNodeParameter('fallbackLifetimeMinutes', 0)),
			renewWithinMs: Number(this.getNodeParameter('renewWithinHours', 0)) * 3_600_000,
			deleteOrphans: this.getNodeParameter('deleteOrphans', 0, true) as boolean,
			handshakeRetries: Number(this.getNodeParameter('handshakeRetries', 0, 3)),
			practitionerOutOfService: catalogProblems.some((p) => p.outOfService && p.entry.startsWith('practitioners[')),
			known: (this.getWorkflowStaticData('node').known ??= {}) as Record<string, string>,
		});
		const { summary, calendars, checkedAt, ...report } = result;
		const json: IDataObject = {
			ok: report.failed.length === 0,
			notificationUrl,
			mailboxes: wanted.length,
			...(report as unknown as IDataObject),
			summary,
			catalogProblems: catalogProblems as unknown as IDataObject[],
			calendars,
			graphCalls: graphStats(this).calls,
			checkedAt,
		};
		return [[{ json, pairedItem: { item: 0 } }]];
	}
}

/** Every practitioner mailbox of the catalog the item carries, and what the catalog has out of service. */
function catalogMailboxesOf(ctx: IExecuteFunctions): { wanted: string[]; catalogProblems: CatalogProblem[] } {
	try {
		const catalog = parseCatalogInput(ctx.getNodeParameter('catalog', 0, '') as unknown);
		return { wanted: catalogMailboxes(catalog), catalogProblems: catalog.problems };
	} catch (e) {
		if (e instanceof CatalogError && e.missing) throw new NodeOperationError(ctx.getNode(), `${e.problems[0]} Or choose Mailboxes From: List.`);
		throw new NodeOperationError(ctx.getNode(), 'The service catalog is invalid.', { description: (e as Error).message });
	}
}
