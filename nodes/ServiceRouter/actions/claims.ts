/**
 * Claiming calendar changes: each event version (its change key, or its deletion) is worked on by one execution,
 * whichever n8n process received it. The claims live in n8n's deduplication store, which every process shares.
 * A version already claimed is dropped, except re-drives (the sweep's later attempts): the Booking Ledger says the
 * version is not done. A change the sweep found itself claims like a notification (so a notification still queued
 * behind it drops), and is dropped when claimed already: the sweep wrote its own working row first, so a claim that
 * was cut off before its row lapses into a re-drive.
 * Items an earlier step claimed (`versionClaimed`) are passed on as they are.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { isRedrive, versionClaimKey } from '../../../lib/ledger/ledger';
import { recordFirstTime } from '../../shared/dedupe';
import type { Outputs } from './common';

/** How many claims n8n keeps per workflow (the oldest go first); far more than a day of calendar changes. */
const MAX_CLAIMS = 5_000;

/** Claims the input's versions; returns whether item `i` is to be dropped (noted as "already routed"). */
export async function claimVersions(ctx: IExecuteFunctions, out: Outputs): Promise<(i: number) => boolean> {
	const items = ctx.getInputData();
	const keys = items.map(({ json }) => (json.versionClaimed === true || isRedrive(json) ? undefined : versionClaimKey(json)));
	const fresh = await recordFirstTime(ctx, [...new Set(keys.filter((k): k is string => k !== undefined))], MAX_CLAIMS);
	const seen = new Set<string>();
	return (i: number) => {
		const key = keys[i];
		if (key === undefined) return false;
		// The same version twice in one execution: the first one only.
		const again = seen.has(key);
		seen.add(key);
		if (!again && fresh.has(key)) return false;
		out.notes.push({ outcome: 'already routed' });
		return true;
	};
}
