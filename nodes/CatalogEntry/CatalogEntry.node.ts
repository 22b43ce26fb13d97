import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import type { CatalogEntry as Entry, EntryList } from '../../lib/catalog';
import { FORM_FIELDS, PRACTITIONER_FIELDS, SERVICE_FIELDS } from '../shared/catalogFields';

const LISTS: Record<string, { list: EntryList; fields: INodeProperties[] }> = {
	practitioner: { list: 'practitioners', fields: PRACTITIONER_FIELDS },
	service: { list: 'services', fields: SERVICE_FIELDS },
	form: { list: 'forms', fields: FORM_FIELDS },
};

const forOperation = (operation: string, fields: INodeProperties[]): INodeProperties[] =>
	fields.map((f) => ({ ...f, displayOptions: { show: { operation: [operation] } } }));

/**
 * One service, practitioner or form of the clinic, as its own step in the Service Catalog
 * workflow: ops find it by name on the canvas and edit one short form. Steps are chained before
 * the "Clinic Catalog" step, which gathers and checks them; a disabled step is out of service.
 */
export class CatalogEntry implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Clinic Catalog Entry',
		name: 'catalogEntry',
		icon: { light: 'file:catalogentry.svg', dark: 'file:catalogentry.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ ({ practitioner: "Practitioner", service: "Service", form: "JotForm form" })[$parameter["operation"]] + ": " + ($parameter["operation"] === "form" ? $parameter["formId"] : $parameter["key"]) }}',
		description: 'One service, practitioner or form of the clinic, gathered by the Clinic Catalog step after it',
		defaults: { name: 'Practitioner' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Form', value: 'form', action: 'Describe a jotform form', description: 'A JotForm form: its ID, type and service' },
					{ name: 'Practitioner', value: 'practitioner', action: 'Describe a practitioner', description: 'A practitioner: mailbox, MediRecords provider, services and Calendly links' },
					{ name: 'Service', value: 'service', action: 'Describe a service', description: 'A service: open or waitlist, prices, MediRecords appointment types' },
				],
				default: 'practitioner',
			},
			{
				displayName: 'Chain this step before the "Clinic Catalog" step. To take the entry out of service, deactivate the step; to remove it, delete the step. Publish the workflow when done: the catalog is checked at once.',
				name: 'entryNotice',
				type: 'notice',
				default: '',
			},
			...forOperation('practitioner', PRACTITIONER_FIELDS),
			...forOperation('service', SERVICE_FIELDS),
			...forOperation('form', FORM_FIELDS),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const { list, fields } = LISTS[operation];
		const row: IDataObject = {};
		for (const f of fields) row[f.name] = this.getNodeParameter(f.name, 0, f.default) as IDataObject[string];
		const entry: Entry = { list, row, step: this.getNode().name };
		const source: INodeExecutionData[] = items.length ? items : [{ json: {}, pairedItem: { item: 0 } }];
		return [
			source.map((item, i) => ({
				json: { ...item.json, catalogEntries: [...((item.json.catalogEntries as unknown[]) ?? []), entry] as unknown as IDataObject[] },
				pairedItem: { item: i },
			})),
		];
	}
}
