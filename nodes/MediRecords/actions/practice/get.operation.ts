/** Get: the practice named in the credential (a quick check that the credential reaches the right practice). */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { getCredentials, mediRecordsRequest } from '../../transport';

export const description: INodeProperties[] = [];

export async function execute(ctx: IExecuteFunctions, i: number): Promise<IDataObject> {
	const { practiceId } = await getCredentials(ctx);
	return mediRecordsRequest(ctx, 'GET', `/v1/practices/${encodeURIComponent(practiceId)}`, { itemIndex: i });
}
