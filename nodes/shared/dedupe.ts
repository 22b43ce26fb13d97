/**
 * "Has this been processed before?" through n8n's own deduplication store (the database every
 * n8n process shares: main, webhook processes, workers). The store reads and rewrites one row per
 * workflow, so two checks overlapping in one process could both miss each other's record; checks
 * of one workflow are therefore run one after another here.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { KeyedMutex } from '../../lib/concurrency';

const perWorkflow = new KeyedMutex();

/** Records `keys` for this workflow and returns those never recorded before. */
export async function recordFirstTime(ctx: IExecuteFunctions, keys: string[], maxEntries: number): Promise<Set<string>> {
	if (!keys.length) return new Set();
	const workflowId = String(ctx.getWorkflow().id ?? '');
	const result = await perWorkflow.run(workflowId, async () => ctx.helpers.checkProcessedAndRecord(keys, 'workflow', { mode: 'entries', maxEntries }));
	return new Set(result.new.map(String));
}
