/** Define Catalog: the clinic's services, practitioners, forms and routing rules, checked entry by entry and attached to each item. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { CatalogError, catalogFromParameters, checkCatalog, describeProblems, entriesOf, withSteps, type Catalog } from '../../../lib/catalog';
import { omit } from '../../../lib/objects';
import { catalogFields } from '../../shared/catalogFields';
import { withCatalog } from '../../shared/catalogItems';
import type { Operation, Outputs } from './common';

export const option: Operation['option'] = {
	name: 'Define Catalog',
	value: 'defineCatalog',
	action: 'Define the service catalog',
	description: 'The clinic’s services, practitioners, forms and routing rules; attaches the checked catalog to each item',
};
export const subtitle = 'The clinic’s catalog';
export const description = catalogFields;

export async function execute(ctx: IExecuteFunctions, out: Outputs): Promise<void> {
	const items = ctx.getInputData();
	const params: IDataObject = {};
	for (const name of ['clinic', 'services', 'practitioners', 'forms', 'routing']) params[name] = ctx.getNodeParameter(name, 0, {}) as IDataObject;
	// Entries from the Clinic Catalog Entry steps before this one (a disabled step passes none).
	const entries = entriesOf(items[0]?.json.catalogEntries);
	let catalog: Catalog;
	try {
		catalog = checkCatalog(catalogFromParameters(params, entries));
		catalog.problems = withSteps(catalog.problems, entries);
	} catch (e) {
		// Only the clinic's own settings stop the whole catalog; wrong entries are taken out one by one below.
		const problems = e instanceof CatalogError ? e.problems : [(e as Error).message];
		throw new NodeOperationError(ctx.getNode(), `The clinic settings are incomplete: ${problems[0]}`, {
			description: `Nothing can be booked until these are fixed in the Service Catalog workflow ("Clinic Catalog" node, Clinic section):\n- ${problems.join('\n- ')}`,
		});
	}
	if (catalog.problems.length) {
		ctx.addExecutionHints({
			type: 'warning',
			location: 'outputPane',
			message: `${catalog.problems.length} to fix in the catalog; everything else works: ${describeProblems(catalog.problems, 3)}`,
		});
	}
	const carried = items.map(({ json }, item) => ({ json: omit(json, 'catalogEntries'), pairedItem: { item } }));
	out.lists[0].push(...withCatalog(carried, catalog as unknown as IDataObject));
}
