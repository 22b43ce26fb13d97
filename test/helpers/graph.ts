/**
 * Hosts the Microsoft Graph Calendar Trigger's two webhooks on a loopback port,
 * calling the node's webhook() through n8n-core's WebhookContext with real
 * request/response objects, so the Graph sandbox's handshakes and
 * notifications arrive over HTTP exactly as Graph's would.
 */
import http from 'http';
import type { AddressInfo } from 'net';
import type { IDataObject, INode, IWebhookData, IWebhookDescription, Workflow } from 'n8n-workflow';
import { GraphCalendarTrigger } from '../../nodes/GraphCalendarTrigger/GraphCalendarTrigger.node';
import { GraphSubscriptionUpkeep } from '../../nodes/GraphSubscriptionUpkeep/GraphSubscriptionUpkeep.node';
import { MicrosoftGraphAppApi } from '../../credentials/MicrosoftGraphAppApi.credentials';
import { GraphSandbox } from '../../sandbox/graph';
import { GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET, TENANT_ID } from '../../sandbox/seed';
import { credentialsHelper, hookContext, makeNode, makeWorkflow, registerCredential, registerNode, setCredentials, webhookContext } from './n8n';

registerNode('graphCalendarTrigger', GraphCalendarTrigger);
registerNode('graphSubscriptionUpkeep', GraphSubscriptionUpkeep);
registerCredential('microsoftGraphAppApi', MicrosoftGraphAppApi);

export const NOTIFICATION_SECRET = 'test-notification-secret-0123456789';

export async function startGraph(opts: ConstructorParameters<typeof GraphSandbox>[0] = {}): Promise<GraphSandbox> {
	const g = await new GraphSandbox(opts).start();
	graphCredentials(g);
	return g;
}

export function graphCredentials(g: GraphSandbox): void {
	setCredentials('microsoftGraphAppApi', {
		tenantId: TENANT_ID,
		clientId: GRAPH_CLIENT_ID,
		clientSecret: GRAPH_CLIENT_SECRET,
		notificationSecret: NOTIFICATION_SECRET,
		loginUrl: g.url,
		graphUrl: g.url,
		accessToken: '',
		accessTokenExpiresAt: 0,
	});
}

export const GRAPH = { credentials: { microsoftGraphAppApi: 'Graph sandbox' } };

function shimResponse(res: http.ServerResponse) {
	let status = 200;
	let type: string | undefined;
	let headers: Record<string, string> = {};
	const api = {
		set(h: Record<string, string>) {
			headers = { ...headers, ...h };
			return api;
		},
		status(code: number) {
			status = code;
			return api;
		},
		type(t: string) {
			type = t.includes('/') ? t : t === 'text/plain' ? 'text/plain' : `text/${t}`;
			return api;
		},
		send(body: string) {
			res.writeHead(status, { ...headers, 'content-type': `${type ?? 'text/html'}; charset=utf-8` });
			res.end(body);
		},
		json(body: unknown) {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		},
		end() {
			res.writeHead(status);
			res.end();
		},
	};
	return api;
}

export class TriggerHost {
	readonly emitted: IDataObject[][] = [];
	readonly answers: number[] = [];
	workflow!: Workflow;
	node!: INode;
	baseUrl = '';
	private server?: http.Server;
	private inflight: Array<Promise<void>> = [];

	constructor(private readonly parameters: IDataObject = {}) {}

	get overrides(): IDataObject {
		return { webhookBaseUrl: `${this.baseUrl}/webhook`, instanceBaseUrl: `${this.baseUrl}/` };
	}

	async start(): Promise<this> {
		this.node = { ...makeNode({ type: 'graphCalendarTrigger', ...GRAPH, parameters: { path: 'graph-calendar', mailboxes: '', ...this.parameters } }), webhookId: '6f9d6a1e-1c2b-4c3d-9e8f-0a0b0c0d0e0f' };
		this.workflow = makeWorkflow([this.node]);
		this.server = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				const done = this.handle(req, res, Buffer.concat(chunks).toString('utf8'));
				this.inflight.push(done);
			});
		});
		await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
		this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	private webhookData(name: 'default' | 'setup'): IWebhookData {
		const description = new GraphCalendarTrigger().description.webhooks!.find((w) => w.name === name) as IWebhookDescription;
		return { httpMethod: 'POST', node: this.node.name, path: name === 'default' ? 'graph-calendar' : 'graph-calendar/lifecycle', webhookDescription: description, workflowId: String(this.workflow.id), workflowExecuteAdditionalData: {} as never } as IWebhookData;
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> {
		const url = new URL(req.url ?? '/', this.baseUrl);
		const name = url.pathname.endsWith('/lifecycle') ? 'setup' : 'default';
		let body: unknown = {};
		try {
			body = raw ? JSON.parse(raw) : {};
		} catch {
			body = raw;
		}
		const response = shimResponse(res);
		const originalWriteHead = res.writeHead.bind(res);
		res.writeHead = ((code: number, ...rest: unknown[]) => {
			this.answers.push(code);
			return originalWriteHead(code, ...(rest as []));
		}) as typeof res.writeHead;
		const request = { query: Object.fromEntries(url.searchParams), body, headers: req.headers, method: req.method };
		const ctx = webhookContext(this.workflow, this.node, this.webhookData(name), { ...this.overrides, httpRequest: request, httpResponse: response });
		const result = await new GraphCalendarTrigger().webhook.call(ctx);
		if (result.workflowData) this.emitted.push(result.workflowData[0].map((i) => i.json));
	}

	/** Waits until every request received so far has been fully processed. */
	async settle(): Promise<void> {
		while (this.inflight.length) await Promise.all(this.inflight.splice(0));
	}

	items(): IDataObject[] {
		return this.emitted.flat();
	}

	async activate(): Promise<boolean> {
		const methods = new GraphCalendarTrigger().webhookMethods.default;
		const ctx = hookContext(this.workflow, this.node, this.webhookData('default'), this.overrides);
		if (await methods.checkExists.call(ctx)) return false;
		return methods.create.call(ctx);
	}

	async deactivate(): Promise<boolean> {
		const ctx = hookContext(this.workflow, this.node, this.webhookData('default'), this.overrides, 'manual');
		return new GraphCalendarTrigger().webhookMethods.default.delete.call(ctx);
	}

	async stop(): Promise<void> {
		await this.settle();
		await new Promise<void>((r) => this.server?.close(() => r()));
	}
}

export function preAuthCount(): number {
	return credentialsHelper.preAuthCalls;
}

/** Credential reads (decryptions) by nodes so far. */
export function credentialReads(): number {
	return credentialsHelper.reads;
}
