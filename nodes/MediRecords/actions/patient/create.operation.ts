/** Create: a new patient; refused when the identity policy finds them already. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { createPatient, findPatient, identityFields, readAddress, readInput, syncAddress, type Ctx } from './shared';

export const description: INodeProperties[] = identityFields('create');

export async function execute(ctx: Ctx, i: number): Promise<IDataObject> {
	const p = readInput(ctx, i, ['email', 'firstName', 'lastName', 'dob'], 'additionalFields');
	const existing = await findPatient(ctx, p, i);
	if (existing.match) {
		throw new NodeOperationError(ctx.getNode(), `This patient already exists (id ${String(existing.match.id)}, same name and ${existing.matchedBy === 'nameAndDob' ? 'date of birth' : 'email'}).`, {
			itemIndex: i,
			description: 'Use "Create or Update" to update the existing patient instead of creating a duplicate.',
		});
	}
	const created = await createPatient(ctx, p, i);
	const address = readAddress(ctx, i);
	if (address && typeof created.id === 'string') await syncAddress(ctx, created.id, address, i, true);
	return created;
}
