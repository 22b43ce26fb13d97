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

/** Every resource's operation selector and fields, in the order the editor shows them. */
export const resourceProperties: INodeProperties[] = [...patient.description, ...appointment.description, ...appointmentType.description, ...practice.description];

export async function router(ctx: IExecuteFunctions, i: number): Promise<IDataObject | IDataObject[]> {
	const resource = ctx.getNodeParameter('resource', i) as string;
	const operation = ctx.getNodeParameter('operation', i) as string;
	const op = RESOURCES[resource]?.[operation];
	if (!op) throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" is not known for the resource "${resource}".`, { itemIndex: i });
	return op.execute(ctx, i);
}
