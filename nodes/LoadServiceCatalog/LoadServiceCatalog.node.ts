import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { loadCatalog, loadCatalogFields } from './loadCatalog';

export class LoadServiceCatalog implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Load Service Catalog',
		name: 'loadServiceCatalog',
		icon: { light: 'file:catalog.svg', dark: 'file:catalog.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ Number($parameter["cacheSeconds"]) > 0 ? "The clinic’s catalog, reused " + $parameter["cacheSeconds"] + " s" : "The clinic’s catalog, read every run" }}',
		description: 'Attaches the clinic’s checked service catalog (from the Service Catalog workflow) to each item',
		defaults: { name: 'Load Service Catalog' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: loadCatalogFields,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return loadCatalog(this, this.getInputData());
	}
}
