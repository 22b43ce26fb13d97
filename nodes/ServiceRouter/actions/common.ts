/** What the Service Router's operations share: the catalog parameter, the outputs items go to, and the per-item loop. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { CatalogError, parseCatalogInput, type Catalog } from '../../../lib/catalog';
import { etagMatches } from '../../../lib/catalog/listing';
import { omit } from '../../../lib/objects';
import { combineNotes, noteExecution, type ExecutionNote } from '../../shared/executionData';
import type { OutputRow } from './outputs';

/** One operation of the node, in its own file. */
export interface Operation {
	/** Its entry in the Operation list. */
	option: INodePropertyOptions & { value: string };
	/** The canvas subtitle, in words. */
	subtitle: string;
	/** Its own parameters (shown only for it). */
	description: INodeProperties[];
	execute(ctx: IExecuteFunctions, out: Outputs): Promise<void>;
}

export const showFor = (...operation: string[]) => ({ show: { operation } });

/** The checked catalog each item carries (every operation but Define Catalog). */
export const catalogParameter: INodeProperties = {
	displayName: 'Catalog',
	name: 'catalog',
	type: 'json',
	default: '={{ $json.catalog }}',
	description: 'The catalog from the "Load Service Catalog" step (the Service Catalog workflow attaches it to each item)',
	displayOptions: { hide: { operation: ['defineCatalog', 'recordOutcome'] } },
};

/** The outputs of one run, by name, and what each item came to (for the executions list). */
export class Outputs {
	readonly lists: INodeExecutionData[][];
	readonly notes: ExecutionNote[] = [];
	private readonly index: Map<string, number>;

	constructor(
		rows: OutputRow[],
		readonly operation: string,
	) {
		this.lists = rows.map(() => []);
		this.index = new Map(rows.map((r, n) => [r.name, n]));
	}

	has(name: string): boolean {
		return this.index.has(name);
	}

	put(name: string, json: IDataObject, item: number): void {
		const n = this.index.get(name);
		if (n === undefined) throw new Error(`The Service Router has no output "${name}" for ${this.operation}.`);
		this.lists[n].push({ json, pairedItem: { item } });
	}

	/** To Unrouted with a reason ops can act on; the input goes along without the catalog. */
	unrouted(item: number, reason: string, detail: string, input: IDataObject, extra: IDataObject = {}): void {
		this.put('unrouted', { reason, detail, operation: this.operation, input: omit(input, 'catalog'), ...extra }, item);
		this.notes.push({ outcome: `unrouted: ${reason}` });
	}

	/** Main, unless the browser already holds this version (If-None-Match): then Not Modified, no body. */
	unlessCached(ctx: IExecuteFunctions, version: string, json: IDataObject, item: number): void {
		if (etagMatches(String(ctx.getNodeParameter('ifNoneMatch', item, '') ?? ''), version)) this.put('notModified', { version }, item);
		else this.put('main', json, item);
	}

	/** The run's items in the executions list: catalog keys and reasons only. */
	noteExecution(ctx: IExecuteFunctions): void {
		noteExecution(ctx, combineNotes(this.notes), ['outcome']);
	}
}

/** What ops should fix when the catalog did not arrive or does not check. */
export function catalogProblem(e: unknown): string {
	const problems = e instanceof CatalogError ? e.problems : [(e as Error).message];
	return e instanceof CatalogError && e.missing ? problems[0] : `Fix the Service Catalog workflow: ${problems.join('; ')}`;
}

/** The error for an item whose catalog is missing or does not check, saying what ops should fix. */
function catalogFailure(ctx: IExecuteFunctions, e: unknown, item: number): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), 'The service catalog is missing or invalid.', { itemIndex: item, description: catalogProblem(e) });
}

/** The catalog parameter of an item, checked; a clear error when it is missing or wrong. */
export function readCatalog(ctx: IExecuteFunctions, item: number): Catalog {
	try {
		return parseCatalogInput(ctx.getNodeParameter('catalog', item, '') as unknown);
	} catch (e) {
		throw catalogFailure(ctx, e, item);
	}
}

/**
 * Each input item with its catalog and its payload (the item without the catalog). An item whose catalog is
 * missing goes to Unrouted (`no_catalog`) when the step continues on fail, and stops the step otherwise.
 * `skip` drops an item before anything is read.
 */
export async function eachItem(
	ctx: IExecuteFunctions,
	out: Outputs,
	handle: (item: number, catalog: Catalog, payload: IDataObject, input: IDataObject) => void | Promise<void>,
	skip?: (item: number) => boolean,
): Promise<void> {
	const items = ctx.getInputData();
	for (let i = 0; i < items.length; i++) {
		if (skip?.(i)) continue;
		const input = items[i].json;
		let catalog: Catalog;
		try {
			catalog = parseCatalogInput(ctx.getNodeParameter('catalog', i, '') as unknown);
		} catch (e) {
			if (ctx.continueOnFail()) {
				out.unrouted(i, 'no_catalog', catalogProblem(e), input);
				continue;
			}
			throw catalogFailure(ctx, e, i);
		}
		await handle(i, catalog, omit(input, 'catalog'), input);
	}
}

/** A JSON parameter as n8n hands it over: an object, or its text (blank or unreadable text is undefined). */
export function jsonParameter(raw: unknown): unknown {
	if (typeof raw !== 'string') return raw;
	try {
		return raw.trim() ? JSON.parse(raw) : undefined;
	} catch {
		return undefined;
	}
}

/** The browser's If-None-Match header (the website's listing and widget). */
export const ifNoneMatchParameter = (...operations: string[]): INodeProperties => ({
	displayName: 'If-None-Match',
	name: 'ifNoneMatch',
	type: 'string',
	default: '={{ $json.headers?.["if-none-match"] ?? "" }}',
	description: 'The browser’s If-None-Match header. When it names the current version, the item goes to Not Modified (answer 304, no body).',
	displayOptions: showFor(...operations),
});
