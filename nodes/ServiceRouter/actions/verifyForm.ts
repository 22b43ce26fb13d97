/**
 * Route Form: a JotForm webhook POST is only a hint that a submission exists.
 * Its submission id is the one thing taken from it; the submission itself is
 * fetched from JotForm's API, must belong to a catalog form, be active and
 * recent, and is processed once per version of an id (JotForm's `updated_at` marks an edit; n8n's deduplication store, shared by
 * every n8n process, per workflow so renaming the node keeps the history). Anything else is rejected without touching a patient.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { Catalog } from '../../../lib/catalog';
import { checkSubmission, submissionIdOf, submissionVersion, versionKey } from '../../../lib/sources/jotform';
import { routeForm, type RoutedForm } from '../../../lib/sources/forms';
import type { Routed, Unrouted } from '../../../lib/catalog/rules';
import { fetchSubmission, formQuestions, jotFormAccount } from '../../JotForm/transport';
import { recordFirstTime } from '../../shared/dedupe';

export type Rejection = { ok: false; rejected: true; reason: string; detail: string; submissionId?: string };
/** Routed, rejected, or a verified submission that needs a person (Unrouted with its id). */
export type Verified = Routed<RoutedForm> | (Unrouted & { submissionId: string }) | Rejection;

const reject = (reason: string, detail: string, submissionId?: string): Rejection => ({ ok: false, rejected: true, reason, detail, submissionId });

export async function verifyAndRouteForm(ctx: IExecuteFunctions, catalog: Catalog, payload: IDataObject, i: number): Promise<Verified> {
	const submissionId = submissionIdOf(payload);
	if (!submissionId) return reject('no_submission_id', 'The POST carried no JotForm submission id, so there is nothing to verify.');
	const account = await jotFormAccount(ctx);
	const reply = await fetchSubmission(ctx, account, submissionId, i);
	if (!reply.found) return reject('unknown_submission', `JotForm has no submission ${submissionId} in the clinic's account (HTTP ${reply.statusCode}).`, submissionId);
	const sub = reply.submission;
	const check = checkSubmission(sub, catalog.forms.map((f) => f.formId), {
		nowMs: Date.now(),
		maxAgeMinutes: ctx.getNodeParameter('verification.maxAgeMinutes', i, 1440) as number,
		accountTimeZone: ctx.getNodeParameter('verification.accountTimeZone', i, 'America/New_York') as string,
	});
	if (!check.ok) return reject(check.reason, check.detail, submissionId);
	const questions = await formQuestions(ctx, account, String(sub.form_id), i);
	// Recorded before routing, so a replayed submission that needs a person (unreadable, unidentifiable) alerts once, not per POST.
	// Once per version: an edit (same id, JotForm's updated_at) is read again, under the same identity policy.
	const fresh = await recordFirstTime(ctx, [versionKey({ ...sub, id: submissionId })], 100_000);
	const edited = submissionVersion(sub);
	if (!fresh.size) return reject('already_processed', `Submission ${submissionId}${edited ? ` (as edited at ${edited})` : ''} was processed before; a second delivery changes nothing.`, submissionId);
	const routed = routeForm(catalog, { submission: sub, questions, apiDomain: account.apiDomain });
	if (!routed.ok) return { ...routed, submissionId };
	return edited ? { ok: true, value: { ...routed.value, editedAt: edited } } : routed;
}
