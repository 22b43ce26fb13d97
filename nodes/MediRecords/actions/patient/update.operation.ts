/** Update: the given fields of a patient, by ID. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { detailFields, patientIdField, readInput, show, updatePatient, type Ctx } from './shared';

export const description: INodeProperties[] = [
	patientIdField('update'),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show(['update']),
		options: detailFields.filter((f) => f.name !== 'address'),
	},
];

export async function execute(ctx: Ctx, i: number): Promise<IDataObject> {
	const id = (ctx.getNodeParameter('patientId', i) as string).trim();
	const changes = readInput(ctx, i, [], 'updateFields');
	if (!Object.keys(changes).length) throw new NodeOperationError(ctx.getNode(), 'No fields to update were given.', { itemIndex: i });
	return updatePatient(ctx, id, changes, i);
}
