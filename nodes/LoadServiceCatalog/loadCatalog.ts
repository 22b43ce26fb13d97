/**
 * The Service Catalog workflow's checked catalog, attached to each item.
 *
 * The catalog workflow runs once per process per cache period, not once per execution: a
 * booking used to pay for a whole sub-workflow execution (database writes, hooks, an expression
 * isolate) just to read the same few kilobytes. It is run with one empty item, so no patient
 * data ever reaches the catalog workflow's executions.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { withCatalog } from '../shared/catalogItems';

export const loadCatalogFields: INodeProperties[] = [
	{
		displayName: 'Service Catalog Workflow ID',
		name: 'catalogWorkflowId',
		type: 'string',
		default: 'CatalogWf0000001',
		required: true,
		description: 'ID of the Service Catalog workflow (the last part of its URL in the editor)',
	},
	{
		displayName: 'Reuse For (Seconds)',
		name: 'cacheSeconds',
		type: 'number',
		default: 30,
		typeOptions: { minValue: 0 },
		description: 'How long this n8n process reuses a catalog it has read. A published catalog change reaches running workflows within this time. 0 reads it on every run.',
	},
];

interface Cached {
	at: number;
	catalog?: IDataObject;
	pending?: Promise<IDataObject>;
}

const cache = new Map<string, Cached>();

/** Forgets every catalog read so far (tests). */
export function forgetCatalogs(): void {
	cache.clear();
}

async function readCatalog(ctx: IExecuteFunctions, workflowId: string): Promise<IDataObject> {
	const result = await ctx.executeWorkflow({ id: workflowId }, [{ json: {} }], undefined, {
		parentExecution: { executionId: ctx.getExecutionId(), workflowId: String(ctx.getWorkflow().id ?? '') },
	});
	const catalog = result.data?.[0]?.[0]?.json?.catalog as IDataObject | undefined;
	if (!catalog || typeof catalog !== 'object') {
		throw new NodeOperationError(ctx.getNode(), 'The Service Catalog workflow returned no catalog.', {
			description: `Workflow ${workflowId} must end with the Service Router "Define Catalog" step ("Clinic Catalog"). Check the ID above.`,
		});
	}
	return catalog;
}

export async function loadCatalog(ctx: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const workflowId = String(ctx.getNodeParameter('catalogWorkflowId', 0, '')).trim();
	if (!workflowId) throw new NodeOperationError(ctx.getNode(), 'Service Catalog Workflow ID is empty.');
	const maxAgeMs = Math.max(0, Number(ctx.getNodeParameter('cacheSeconds', 0, 30))) * 1000;
	const entry = cache.get(workflowId);
	let catalog: IDataObject;
	if (entry?.catalog && Date.now() - entry.at < maxAgeMs) {
		catalog = entry.catalog;
	} else if (entry?.pending && maxAgeMs > 0) {
		// Executions starting together wait for one read.
		catalog = await entry.pending;
	} else {
		const pending = readCatalog(ctx, workflowId);
		cache.set(workflowId, { at: 0, pending });
		try {
			catalog = await pending;
			cache.set(workflowId, { at: Date.now(), catalog });
		} catch (e) {
			// A failed read is not remembered: the next run tries again.
			cache.delete(workflowId);
			const description = (e as { description?: string }).description ?? 'The Service Catalog workflow failed. Open its latest execution to see which entry to fix.';
			const message = (e as Error).message || 'The Service Catalog workflow failed.';
			throw new NodeOperationError(ctx.getNode(), message, { description });
		}
	}
	return [withCatalog(items, catalog)];
}
