/** Resource and operation → the operation's own file (one per operation, as n8n's Microsoft Outlook v2 node). */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import * as appointment from './appointment';
import * as appointmentType from './appointmentType';
import * as patient from './patient';
import * as practice from './practice';

export interface Operation {
	description: INodeProperties[];
	execute(ctx: IExecuteFunctions, i: number): Promise<IDataObject | IDataObject[]>;
}

const RESOURCES: Record<string, Record<string, Operation>> = {
	appointment: appointment.operations,
	appointmentType: appointmentType.operations,
	patient: patient.operations,
	practice: practice.operations,
};

/** n8n's conventional option: the step's output keeps the input item's fields, so the next step reads both from $json. */
export const INCLUDE_INPUT_FIELDS: INodeProperties = {
	displayName: 'Include Input Fields',
	name: 'includeInputFields',
	type: 'boolean',
	default: false,
	description: 'Whether the output items also carry every field of the input item (MediRecords’ fields win where names are the same), so the steps after this one need not reach back for them',
};

/** Every operation of a resource gets Include Input Fields in its Options (a new Options collection where it has none). */
function withIncludeInputFields(resource: string, properties: INodeProperties[]): INodeProperties[] {
	const operations = (properties.find((p) => p.name === 'operation')?.options ?? []).map((o) => String((o as { value: unknown }).value));
	const byDisplayName = (a: { displayName: string }, b: { displayName: string }) => a.displayName.localeCompare(b.displayName);
	const covered = new Set<string>();
	const out = properties.map((p) => {
		if (p.name !== 'options' || p.type !== 'collection') return p;
		for (const op of (p.displayOptions?.show?.operation ?? []) as string[]) covered.add(op);
		return { ...p, options: [...((p.options ?? []) as INodeProperties[]), INCLUDE_INPUT_FIELDS].sort(byDisplayName) };
	});
	const missing = operations.filter((op) => !covered.has(op));
	if (missing.length) {
		out.push({ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, displayOptions: { show: { resource: [resource], operation: missing } }, options: [INCLUDE_INPUT_FIELDS] });
	}
	return out;
}

/** Every resource's operation selector and fields, in the order the editor shows them. */
export const resourceProperties: INodeProperties[] = [
	...withIncludeInputFields('patient', patient.description),
	...withIncludeInputFields('appointment', appointment.description),
	...withIncludeInputFields('appointmentType', appointmentType.description),
	...withIncludeInputFields('practice', practice.description),
];

export async function router(ctx: IExecuteFunctions, i: number): Promise<IDataObject | IDataObject[]> {
	const resource = ctx.getNodeParameter('resource', i) as string;
	const operation = ctx.getNodeParameter('operation', i) as string;
	const op = RESOURCES[resource]?.[operation];
	if (!op) throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" is not known for the resource "${resource}".`, { itemIndex: i });
	return op.execute(ctx, i);
}
