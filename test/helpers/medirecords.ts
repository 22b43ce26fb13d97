import { MediRecordsSandbox } from '../../sandbox/medirecords';
import { PRACTICE_ID, SANDBOX_TOKEN } from '../../sandbox/seed';
import { setCredentials } from './n8n';

export async function startMediRecords(): Promise<MediRecordsSandbox> {
	const sandbox = await new MediRecordsSandbox().start();
	setCredentials('mediRecordsApi', { apiToken: SANDBOX_TOKEN, practiceId: PRACTICE_ID, baseUrl: sandbox.url });
	return sandbox;
}

export const MR = { credentials: { mediRecordsApi: 'MediRecords sandbox' } };
