/**
 * JotForm's API, with the clinic's key: a submission as JotForm holds it, a
 * form's questions (cached, they change only when the form is edited), and the
 * form webhooks the JotForm Submission Trigger registers.
 */
import type { IExecuteFunctions, IHookFunctions, ILoadOptionsFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';
import { retryWait, type RetryPolicy } from '../../lib/http';
import { readQuestions, type JotFormQuestion, type JotFormSubmission } from '../../lib/sources/jotform';

export const JOTFORM_CREDENTIAL = 'jotFormSubmissionsApi';

/** Every n8n context that calls JotForm: node executions, webhook registration, dropdowns. */
export type JotFormCtx = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions;

export interface JotFormAccount {
	baseUrl: string;
	apiDomain: string;
}

export async function jotFormAccount(ctx: JotFormCtx): Promise<JotFormAccount> {
	const c = await ctx.getCredentials(JOTFORM_CREDENTIAL);
	const apiDomain = String(c.apiDomain || 'api.jotform.com');
	const override = String(c.baseUrl ?? '').trim().replace(/\/+$/, '');
	return { apiDomain, baseUrl: override || `https://${apiDomain}` };
}

interface Reply {
	statusCode: number;
	body: { responseCode?: number; message?: string; content?: unknown } | undefined;
}

/** JotForm's answers worth repeating: 429 (as Retry-After asks), any 5xx and no answer; three retries. */
const RETRIES: RetryPolicy = { retries: 3, baseDelayMs: 500, maxWaitMs: 30_000, statuses: [429], serverErrors: true, networkErrors: true };

/** One JotForm API call, retried as RETRIES says. */
async function call(ctx: JotFormCtx, account: JotFormAccount, path: string, itemIndex: number, method: 'GET' | 'POST' | 'DELETE' = 'GET', form?: Record<string, string>): Promise<Reply> {
	for (let attempt = 0; ; attempt++) {
		try {
			const res = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, JOTFORM_CREDENTIAL, {
				method,
				url: `${account.baseUrl}${path}`,
				...(form ? { body: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}),
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: 20_000,
			})) as { statusCode: number; body: Reply['body']; headers?: Record<string, unknown> };
			const wait = retryWait(RETRIES, attempt, { status: res.statusCode, retryAfter: res.headers?.['retry-after'] });
			if (wait === undefined) return { statusCode: res.statusCode, body: res.body };
			await sleep(wait);
		} catch (error) {
			const wait = retryWait(RETRIES, attempt, { networkError: true });
			if (wait !== undefined) {
				await sleep(wait);
				continue;
			}
			throw new NodeApiError(ctx.getNode(), error as JsonObject, {
				itemIndex,
				message: 'JotForm could not be reached.',
				description: 'A form execution is kept: retry it from the executions list once JotForm answers. A workflow that could not register its JotForm webhooks can be published again.',
			});
		}
	}
}

const get = (ctx: JotFormCtx, account: JotFormAccount, path: string, itemIndex: number) => call(ctx, account, path, itemIndex);

function refused(ctx: JotFormCtx, statusCode: number, itemIndex: number): NodeApiError {
	return new NodeApiError(ctx.getNode(), { message: `HTTP ${statusCode}` } as JsonObject, {
		itemIndex,
		httpCode: String(statusCode),
		message: 'JotForm refused the API key, so no form submission can be verified.',
		description: 'Check the "JotForm Submissions API" credential: the key of the account that owns the forms, and its API domain (hipaa-api for HIPAA accounts). Retry the kept executions afterwards.',
	});
}

/** A JotForm answer that is not what was asked for: HTTP status, what failed, and what ops do next. */
function apiFailed(ctx: JotFormCtx, statusCode: number, itemIndex: number, message: string, description: string): NodeApiError {
	return new NodeApiError(ctx.getNode(), { message: `HTTP ${statusCode}` } as JsonObject, { itemIndex, httpCode: String(statusCode), message, description });
}

const RETRY_KEPT = 'The execution is kept: retry it from the executions list once JotForm answers.';
const PUBLISH_AGAIN = 'Check the form ID and that the "JotForm Submissions API" key has full access (registering a webhook needs it), then publish the workflow again.';

/** A refused key is an outage (`refused`); any other answer but 200 fails with `message`. */
function requireOk(ctx: JotFormCtx, res: Reply, itemIndex: number, message: string, description: string): void {
	if (res.statusCode === 401 || res.statusCode === 403) throw refused(ctx, res.statusCode, itemIndex);
	if (res.statusCode !== 200) throw apiFailed(ctx, res.statusCode, itemIndex, message, description);
}

export type SubmissionReply = { found: true; submission: JotFormSubmission } | { found: false; statusCode: number };

/** `GET /submission/{id}`. 401/403/404 for a working key mean "not a submission of this account". */
export async function fetchSubmission(ctx: JotFormCtx, account: JotFormAccount, submissionId: string, itemIndex: number): Promise<SubmissionReply> {
	const res = await get(ctx, account, `/submission/${encodeURIComponent(submissionId)}`, itemIndex);
	const content = res.body?.content as JotFormSubmission | undefined;
	if (res.statusCode === 200 && content && typeof content === 'object' && content.id) return { found: true, submission: content };
	if (res.statusCode === 401 || res.statusCode === 403) {
		// Is it the key, or a submission of someone else's account? Only the first is an outage.
		const me = await get(ctx, account, '/user', itemIndex);
		if (me.statusCode === 401 || me.statusCode === 403) throw refused(ctx, me.statusCode, itemIndex);
	}
	if (res.statusCode >= 500 || res.statusCode === 429) throw apiFailed(ctx, res.statusCode, itemIndex, 'JotForm kept failing while the form submission was being verified.', RETRY_KEPT);
	return { found: false, statusCode: res.statusCode };
}

const QUESTIONS_TTL_MS = 10 * 60_000;
const questionCache = new Map<string, { at: number; questions: JotFormQuestion[] }>();

/** `GET /form/{id}/questions`, cached for ten minutes per account and form. */
export async function formQuestions(ctx: JotFormCtx, account: JotFormAccount, formId: string, itemIndex: number): Promise<JotFormQuestion[]> {
	const key = `${account.baseUrl}|${formId}`;
	const hit = questionCache.get(key);
	if (hit && Date.now() - hit.at < QUESTIONS_TTL_MS) return hit.questions;
	const res = await get(ctx, account, `/form/${encodeURIComponent(formId)}/questions`, itemIndex);
	requireOk(ctx, res, itemIndex, `JotForm did not give the questions of form ${formId}.`, RETRY_KEPT);
	const questions = readQuestions(res.body?.content);
	if (questionCache.size > 200) questionCache.clear();
	questionCache.set(key, { at: Date.now(), questions });
	return questions;
}

/** The form's webhooks as JotForm lists them (`GET /form/{id}/webhooks`: `{ "<index>": "<url>" }`). */
async function formWebhooks(ctx: JotFormCtx, account: JotFormAccount, formId: string): Promise<Record<string, string>> {
	const res = await get(ctx, account, `/form/${encodeURIComponent(formId)}/webhooks`, 0);
	requireOk(ctx, res, 0, `JotForm did not list the webhooks of form ${formId}.`, PUBLISH_AGAIN);
	const content = res.body?.content;
	return content && typeof content === 'object' ? (content as Record<string, string>) : {};
}

/** Whether `url` is registered on the form. */
export async function hasFormWebhook(ctx: JotFormCtx, formId: string, url: string): Promise<boolean> {
	return Object.values(await formWebhooks(ctx, await jotFormAccount(ctx), formId)).includes(url);
}

/** `POST /form/{id}/webhooks` with `webhookURL`. */
export async function addFormWebhook(ctx: JotFormCtx, formId: string, url: string): Promise<void> {
	const res = await call(ctx, await jotFormAccount(ctx), `/form/${encodeURIComponent(formId)}/webhooks`, 0, 'POST', { webhookURL: url });
	requireOk(ctx, res, 0, `JotForm did not register the webhook of form ${formId}.`, PUBLISH_AGAIN);
}

/** Removes every registration of `url` on the form (`DELETE /form/{id}/webhooks/{index}`), last index first. */
export async function removeFormWebhook(ctx: JotFormCtx, formId: string, url: string): Promise<boolean> {
	const account = await jotFormAccount(ctx);
	const indexes = Object.entries(await formWebhooks(ctx, account, formId)).filter(([, u]) => u === url).map(([k]) => k);
	for (const index of indexes.reverse()) {
		const res = await call(ctx, account, `/form/${encodeURIComponent(formId)}/webhooks/${encodeURIComponent(index)}`, 0, 'DELETE');
		if (res.statusCode !== 200) return false;
	}
	return true;
}

/** The account's forms for the trigger's dropdown (`GET /user/forms`). */
export async function listForms(ctx: JotFormCtx): Promise<Array<{ id: string; title: string }>> {
	const res = await get(ctx, await jotFormAccount(ctx), '/user/forms?limit=1000', 0);
	if (res.statusCode === 401 || res.statusCode === 403) throw refused(ctx, res.statusCode, 0);
	const content = Array.isArray(res.body?.content) ? (res.body!.content as Array<{ id?: unknown; title?: unknown }>) : [];
	return content.filter((f) => f.id).map((f) => ({ id: String(f.id), title: String(f.title ?? f.id) }));
}
