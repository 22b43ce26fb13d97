/**
 * The calendar trigger: answers Graph's handshake and notifications on its webhooks and starts the workflow
 * with each changed event. What happens to a notification after it is answered (reading events, catching up,
 * lifecycle) is in nodes/MicrosoftGraph/notifications.ts; what was already emitted, in seenState.ts.
 */
import type { IDataObject, IHookFunctions, INodeExecutionData, INodeParameters, IWebhookDescription, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { fromFunction, NodeApiError, NodeConnectionTypes, NodeOperationError, webhookDescriptionFields } from 'n8n-workflow';
import { splitList } from '../../lib/catalog';
import { collapse, constantTimeEqual, subscriptionResource, validationEcho, type Notification } from '../../lib/sources/graph';
import { expectedClientState, fetchChanges, handleLifecycle, subscribe, triggerSpecs } from '../MicrosoftGraph/notifications';
import { triggerState, type EmittedChange } from '../MicrosoftGraph/seenState';
import { errorMessage, listSubscriptions, runBatch } from '../MicrosoftGraph/subscriptions';

export { EVENT_SELECT } from '../MicrosoftGraph/notifications';

/** The echoed token is text, never content a browser may sniff or run. */
const ECHO_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'" };

/**
 * A webhook path n8n resolves from the node's parameters without its expression engine (n8n 2.41+):
 * no expression isolate on the way to Graph's 202. The template is what older n8n evaluates.
 */
function webhookPath(resolve: (parameters: INodeParameters) => string): Pick<IWebhookDescription, 'path'> {
	const template = `={{(${String(resolve)})($parameter)}}`;
	if (typeof webhookDescriptionFields !== 'function' || typeof fromFunction !== 'function') return { path: template };
	return webhookDescriptionFields({ path: fromFunction(resolve) }) as unknown as Pick<IWebhookDescription, 'path'>;
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
				const failed = await subscribe(this, await triggerSpecs(this, wanted));
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
				triggerState(this).subscriptions = {};
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

/** The changes as the workflow's items, each stamped with when they arrived. */
function emit(items: EmittedChange[]): IWebhookResponseData {
	if (!items.length) return { noWebhookResponse: true };
	const receivedAt = new Date().toISOString();
	const data: INodeExecutionData[] = items.map((json) => ({ json: { ...json, receivedAt } }));
	return { noWebhookResponse: true, workflowData: [data] };
}

