/** Search: patients by email, or by name and date of birth. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { readInput, searchPatients, show, type Ctx } from './shared';

export const description: INodeProperties[] = [
	{
		displayName: 'Search By',
		name: 'searchBy',
		type: 'options',
		options: [
			{ name: 'Email', value: 'email' },
			{ name: 'Name and Date of Birth', value: 'nameDob' },
		],
		default: 'email',
		displayOptions: show(['search']),
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		required: true,
		displayOptions: { show: { resource: ['patient'], operation: ['search'], searchBy: ['email'] } },
	},
	{
		displayName: 'First Name',
		name: 'firstName',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { resource: ['patient'], operation: ['search'], searchBy: ['nameDob'] } },
	},
	{
		displayName: 'Last Name',
		name: 'lastName',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { resource: ['patient'], operation: ['search'], searchBy: ['nameDob'] } },
	},
	{
		displayName: 'Date of Birth',
		name: 'dob',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'YYYY-MM-DD',
		displayOptions: { show: { resource: ['patient'], operation: ['search'], searchBy: ['nameDob'] } },
	},
];

export async function execute(ctx: Ctx, i: number): Promise<IDataObject[]> {
	const by = ctx.getNodeParameter('searchBy', i) as string;
	const p = by === 'email' ? readInput(ctx, i, ['email'], 'none') : readInput(ctx, i, ['firstName', 'lastName', 'dob'], 'none');
	if (by === 'nameDob' && (!p.firstName || !p.lastName || !p.dob)) {
		throw new NodeOperationError(ctx.getNode(), 'Searching by name needs first name, last name and date of birth.', { itemIndex: i });
	}
	const criteria = by === 'email' ? { email: p.email } : { firstName: p.firstName, lastName: p.lastName, dob: p.dob };
	return searchPatients(ctx, criteria, i);
}
