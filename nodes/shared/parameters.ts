/** Parameters several nodes read the same way: the Service Catalog, and rows a Data Table step handed on. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { CatalogError, parseCatalogInput, type Catalog } from '../../lib/catalog';

/** What ops are told to do when a catalog cannot be read: the entries to fix, or the parse error. */
export function catalogProblem(e: unknown): string {
	return e instanceof CatalogError ? `Fix the Service Catalog workflow: ${e.problems.join('; ')}` : (e as Error).message;
}

/** The node's Catalog parameter, checked; a catalog that cannot be read stops the node naming what to fix. */
export function catalogParameter(ctx: IExecuteFunctions): Catalog {
	try {
		return parseCatalogInput(ctx.getNodeParameter('catalog', 0, '') as unknown);
	} catch (e) {
		throw new NodeOperationError(ctx.getNode(), 'The service catalog could not be read', { description: catalogProblem(e) });
	}
}

/** Rows as a Data Table step hands them on (JSON text or an array); the one empty item of an empty table is no row. */
export function rowsOf(raw: unknown): IDataObject[] {
	const value = typeof raw === 'string' ? (raw.trim() ? (JSON.parse(raw) as unknown) : []) : raw;
	return (Array.isArray(value) ? value : []).filter((r): r is IDataObject => !!r && typeof r === 'object' && Object.keys(r as object).length > 0);
}
