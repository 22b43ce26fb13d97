/**
 * Runs our nodes through n8n's own execution engine (n8n-core's WorkflowExecute,
 * node execution contexts and HTTP helpers), as n8n's node tests do. Requests go
 * over real HTTP to the local sandboxes; nothing in `this.helpers` is mocked.
 */
import { randomUUID } from 'crypto';
import {
	DataDeduplicationService,
	ExecutionLifecycleHooks,
	HookContext,
	LoadOptionsContext,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	ICredentialsHelper,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRunExecutionData,
	type IWebhookData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type IConnections,
	type ICheckProcessedContextData,
	type IDataDeduplicator,
	type DeduplicationItemTypes,
	type DeduplicationScope,
	type WorkflowActivateMode,
} from 'n8n-workflow';
import { MediRecordsApi } from '../../credentials/MediRecordsApi.credentials';
import { MediRecords } from '../../nodes/MediRecords/MediRecords.node';

type NodeClass = new () => INodeType;
type CredClass = new () => ICredentialType;

const nodeClasses: Record<string, NodeClass> = { mediRecords: MediRecords };
const credentialClasses: Record<string, CredClass> = { mediRecordsApi: MediRecordsApi };

export function registerNode(name: string, cls: NodeClass): void {
	nodeClasses[name] = cls;
}
export function registerCredential(name: string, cls: CredClass): void {
	credentialClasses[name] = cls;
}

export const PKG = 'n8n-nodes-medirecords-booking';

class TestNodeTypes implements INodeTypes {
	private cache = new Map<string, INodeType>();
	getByName(type: string): INodeType {
		return this.getByNameAndVersion(type);
	}
	getByNameAndVersion(type: string): INodeType {
		const short = type.replace(`${PKG}.`, '');
		let instance = this.cache.get(short);
		if (!instance) {
			const cls = nodeClasses[short];
			if (!cls) throw new Error(`Unknown node type ${type}`);
			instance = new cls();
			this.cache.set(short, instance);
		}
		return instance;
	}
	getKnownTypes() {
		return {};
	}
}

export const nodeTypes = new TestNodeTypes();

/** n8n's deduplication store (the database in n8n) kept in memory, per workflow and node, for node tests. */
class MemoryDeduplicator implements IDataDeduplicator {
	readonly seen = new Map<string, Set<string>>();
	private key(scope: DeduplicationScope, c: ICheckProcessedContextData) {
		return `${c.workflow.id}/${scope === 'node' ? (c.node?.name ?? '') : ''}`;
	}
	async checkProcessedAndRecord(items: DeduplicationItemTypes[], scope: DeduplicationScope, c: ICheckProcessedContextData) {
		const set = this.seen.get(this.key(scope, c)) ?? new Set<string>();
		this.seen.set(this.key(scope, c), set);
		const out = { new: [] as DeduplicationItemTypes[], processed: [] as DeduplicationItemTypes[] };
		for (const item of items) {
			if (set.has(String(item))) out.processed.push(item);
			else (set.add(String(item)), out.new.push(item));
		}
		return out;
	}
	async removeProcessed(items: DeduplicationItemTypes[], scope: DeduplicationScope, c: ICheckProcessedContextData) {
		for (const item of items) this.seen.get(this.key(scope, c))?.delete(String(item));
	}
	async clearAllProcessedItems(scope: DeduplicationScope, c: ICheckProcessedContextData) {
		this.seen.delete(this.key(scope, c));
	}
	async getProcessedDataCount(scope: DeduplicationScope, c: ICheckProcessedContextData) {
		return this.seen.get(this.key(scope, c))?.size ?? 0;
	}
}

export const deduplicator = new MemoryDeduplicator();
void DataDeduplicationService.init(deduplicator).catch(() => undefined);

function resolveTemplate(value: string, creds: ICredentialDataDecryptedObject): string {
	const body = value.startsWith('=') ? value.slice(1) : value;
	return body.replace(/\{\{\s*\$credentials\.([A-Za-z0-9_]+)\s*\}\}/g, (_m, key: string) => String(creds[key] ?? ''));
}

/** Applies credentials the way n8n's CLI does: generic header/qs templates, function authenticate, preAuthentication. */
export class TestCredentialsHelper extends ICredentialsHelper {
	store: Record<string, ICredentialDataDecryptedObject> = {};
	preAuthCalls = 0;
	/** Times a node read (decrypted) a credential. */
	reads = 0;

	getParentTypes(): string[] {
		return [];
	}
	isCredentialUsableByNode(): boolean {
		return true;
	}
	async authenticate(credentials: ICredentialDataDecryptedObject, typeName: string, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const type = new credentialClasses[typeName]();
		const auth = type.authenticate;
		if (typeof auth === 'function') return auth(credentials, requestOptions);
		if (auth && auth.type === 'generic') {
			const out = { ...requestOptions };
			const props = auth.properties as { headers?: IDataObject; qs?: IDataObject };
			if (props.headers) {
				out.headers = { ...(out.headers ?? {}) };
				for (const [k, v] of Object.entries(props.headers)) (out.headers as IDataObject)[k] = resolveTemplate(String(v), credentials);
			}
			if (props.qs) {
				out.qs = { ...(out.qs ?? {}) };
				for (const [k, v] of Object.entries(props.qs)) (out.qs as IDataObject)[k] = resolveTemplate(String(v), credentials);
			}
			return out;
		}
		return requestOptions;
	}
	async preAuthentication(helpers: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject, typeName: string, _node: INode, expired: boolean): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = new credentialClasses[typeName]();
		const expirable = type.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && credentials[expirable.name] !== undefined && !expired) return undefined;
		this.preAuthCalls++;
		const output = await type.preAuthentication.call(helpers, credentials);
		Object.assign(this.store[typeName] ?? {}, output);
		return output;
	}
	async runPreAuthentication(helpers: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject, typeName: string) {
		const type = new credentialClasses[typeName]();
		return type.preAuthentication?.call(helpers, credentials);
	}
	async getCredentials(_n: INodeCredentialsDetails, _type: string): Promise<ICredentials> {
		throw new Error('not used');
	}
	async getDecrypted(_a: IWorkflowExecuteAdditionalData, _n: INodeCredentialsDetails, type: string): Promise<ICredentialDataDecryptedObject> {
		this.reads++;
		const c = this.store[type];
		if (!c) throw new Error(`No test credentials of type ${type}`);
		return { ...c };
	}
	async updateCredentials(_n: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.store[type] = { ...data };
	}
	async updateCredentialsOauthTokenData(): Promise<void> {}
	getCredentialsProperties() {
		return [];
	}
}

export const credentialsHelper = new TestCredentialsHelper();

export function setCredentials(type: string, data: ICredentialDataDecryptedObject): void {
	credentialsHelper.store[type] = { ...data };
}

function additionalData(hooks: ExecutionLifecycleHooks, overrides: IDataObject = {}): IWorkflowExecuteAdditionalData {
	const data = {
		hooks,
		credentialsHelper,
		executionId: randomUUID(),
		currentNodeParameters: undefined,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting/',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting/',
		variables: {},
		userId: 'test-user',
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not available in node tests');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
		startRunnerTask: async () => {
			throw new Error('Code runners are not available in node tests');
		},
		...overrides,
	};
	return data as unknown as IWorkflowExecuteAdditionalData;
}

export interface NodeSpec {
	type: string;
	parameters: IDataObject;
	name?: string;
	credentials?: Record<string, string>;
	continueOnFail?: boolean;
	/** The node's version; 1 unless given. */
	typeVersion?: number;
}

export function makeNode(spec: NodeSpec, position: [number, number] = [0, 0]): INode {
	const credentials: INode['credentials'] = {};
	for (const [type, name] of Object.entries(spec.credentials ?? {})) credentials[type] = { id: `${type}-id`, name };
	return {
		id: randomUUID(),
		name: spec.name ?? spec.type,
		type: `${PKG}.${spec.type}`,
		typeVersion: spec.typeVersion ?? 1,
		position,
		parameters: spec.parameters as INode['parameters'],
		credentials,
		...(spec.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
}

export function makeWorkflow(nodes: INode[], connections: IConnections = {}, staticData: IDataObject = {}): Workflow {
	return new Workflow({ id: 'wf-test', name: 'test', nodes, connections, nodeTypes, active: false, staticData });
}

export interface NodeRun {
	run: IRun;
	/** Output items per output index of the node under test. */
	outputs: INodeExecutionData[][];
	error?: Error & { description?: string; httpCode?: string };
}

/** Executes one node with the given input items through WorkflowExecute. */
export async function runNode(spec: NodeSpec, input: IDataObject[] = [{}], opts: { overrides?: IDataObject; workflow?: Workflow; node?: INode } = {}): Promise<NodeRun> {
	const node = opts.node ?? makeNode(spec);
	const workflow = opts.workflow ?? makeWorkflow([node]);
	const workflowData = { id: 'wf-test', name: 'test', nodes: [node], connections: {}, active: false } as unknown as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks('manual', randomUUID(), workflowData);
	let resolveRun!: (r: IRun) => void;
	const done = { promise: new Promise<IRun>((r) => (resolveRun = r)) };
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => resolveRun(fullRunData));
	const runExecutionData: IRunExecutionData = {
		resultData: { runData: {} },
		executionData: {
			metadata: {},
			contextData: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node, data: { main: [input.map((json, i) => ({ json, pairedItem: { item: i } }))] }, source: null }],
		},
	} as unknown as IRunExecutionData;
	const execute = new WorkflowExecute(additionalData(hooks, opts.overrides), 'manual', runExecutionData);
	await execute.processRunExecutionData(workflow);
	const run = await done.promise;
	const taskData = run.data.resultData.runData[node.name]?.[0];
	const outputs = (taskData?.data?.main ?? []).map((o) => o ?? []);
	const error = (taskData?.error ?? run.data.resultData.error) as NodeRun['error'];
	return { run, outputs, error };
}

export function loadOptionsContext(spec: NodeSpec, path = 'parameters'): LoadOptionsContext {
	const node = makeNode(spec);
	const workflow = makeWorkflow([node]);
	const hooks = new ExecutionLifecycleHooks('manual', randomUUID(), {} as IWorkflowBase);
	return new LoadOptionsContext(workflow, node, additionalData(hooks), path);
}

export function hookContext(workflow: Workflow, node: INode, webhookData: IWebhookData, overrides: IDataObject, activation: WorkflowActivateMode = 'activate'): HookContext {
	const hooks = new ExecutionLifecycleHooks('trigger', randomUUID(), {} as IWorkflowBase);
	return new HookContext(workflow, node, additionalData(hooks, overrides), 'trigger', activation, webhookData);
}

export function webhookContext(workflow: Workflow, node: INode, webhookData: IWebhookData, overrides: IDataObject): WebhookContext {
	const hooks = new ExecutionLifecycleHooks('webhook', randomUUID(), {} as IWorkflowBase);
	return new WebhookContext(workflow, node, additionalData(hooks, overrides), 'webhook', webhookData, [], null);
}

/** Runs a node with extra additional data (for example the instance base URL). */
export { additionalData as makeAdditionalData };
