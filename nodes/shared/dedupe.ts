/**
 * "Has this been processed before?" through n8n's own deduplication store (the database every
 * n8n process shares: main, webhook processes, workers). The store reads and rewrites one row per
 * workflow, so two checks overlapping in one process could both miss each other's record; checks
 * of one workflow are therefore run one after another here.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

const queues = new Map<string, Promise<unknown>>();

/** Records `keys` for this workflow and returns those never recorded before. */
export async function recordFirstTime(ctx: IExecuteFunctions, keys: string[], maxEntries: number): Promise<Set<string>> {
	if (!keys.length) return new Set();
	const workflowId = String(ctx.getWorkflow().id ?? '');
	const previous = queues.get(workflowId) ?? Promise.resolve();
	const mine = previous.catch(() => undefined).then(async () => ctx.helpers.checkProcessedAndRecord(keys, 'workflow', { mode: 'entries', maxEntries }));
	queues.set(workflowId, mine);
	try {
		const result = await mine;
		return new Set(result.new.map(String));
	} finally {
		if (queues.get(workflowId) === mine) queues.delete(workflowId);
	}
}
