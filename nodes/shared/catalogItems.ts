import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

/** Each item with the checked catalog attached as `catalog`; one item carrying it when there were none. */
export function withCatalog(items: INodeExecutionData[], catalog: IDataObject): INodeExecutionData[] {
	const out: INodeExecutionData[] = items.map((item, i) => ({ json: { ...item.json, catalog }, pairedItem: { item: i } }));
	if (!out.length) out.push({ json: { catalog }, pairedItem: { item: 0 } });
	return out;
}
