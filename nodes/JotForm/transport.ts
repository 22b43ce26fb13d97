/**
 * JotForm's API, read with the clinic's key: a submission as JotForm holds it,
 * and a form's questions (cached, they change only when the form is edited).
 */
import type { IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';
import { readQuestions, type JotFormQuestion, type JotFormSubmission } from '../../lib/jotform';

export const JOTFORM_CREDENTIAL = 'jotFormSubmissionsApi';

export interface JotFormAccount {
	baseUrl: string;
	apiDomain: string;
}

export async function jotFormAccount(ctx: IExecuteFunctions): Promise<JotFormAccount> {
	const c = await ctx.getCredentials(JOTFORM_CREDENTIAL);
	const apiDomain = String(c.apiDomain || 'api.jotform.com');
	const override = String(c.baseUrl ?? '').trim().replace(/\/+$/, '');
	return { apiDomain, baseUrl: override || `https://${apiDomain}` };
}

interface Reply {
	statusCode: number;
	body: { responseCode?: number; message?: string; content?: unknown } | undefined;
}

async function get(ctx: IExecuteFunctions, account: JotFormAccount, path: string, itemIndex: number): Promise<Reply> {
	let attempt = 0;
	for (;;) {
		try {
			const res = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, JOTFORM_CREDENTIAL, {
				method: 'GET',
				url: `${account.baseUrl}${path}`,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: 20_000,
			})) as { statusCode: number; body: Reply['body'] };
			if ((res.statusCode === 429 || res.statusCode >= 500) && attempt < 3) {
				await sleep(500 * 2 ** attempt++);
				continue;
			}
			return { statusCode: res.statusCode, body: res.body };
		} catch (error) {
			if (attempt < 3) {
				await sleep(500 * 2 ** attempt++);
				continue;
			}
			throw new NodeApiError(ctx.getNode(), error as JsonObject, {
				itemIndex,
				message: 'JotForm could not be reached to verify the form submission.',
				description: 'The execution is kept: retry it from the executions list once JotForm answers.',
			});
		}
	}
}

function refused(ctx: IExecuteFunctions, statusCode: number, itemIndex: number): NodeApiError {
	return new NodeApiError(ctx.getNode(), { message: `HTTP ${statusCode}` } as JsonObject, {
		itemIndex,
		httpCode: String(statusCode),
		message: 'JotForm refused the API key, so no form submission can be verified.',
		description: 'Check the "JotForm Submissions API" credential: the key of the account that owns the forms, and its API domain (hipaa-api for HIPAA accounts). Retry the kept executions afterwards.',
	});
}

export type SubmissionReply = { found: true; submission: JotFormSubmission } | { found: false; statusCode: number };

/** `GET /submission/{id}`. 401/403/404 for a working key mean "not a submission of this account". */
export async function fetchSubmission(ctx: IExecuteFunctions, account: JotFormAccount, submissionId: string, itemIndex: number): Promise<SubmissionReply> {
	const res = await get(ctx, account, `/submission/${encodeURIComponent(submissionId)}`, itemIndex);
	const content = res.body?.content as JotFormSubmission | undefined;
	if (res.statusCode === 200 && content && typeof content === 'object' && content.id) return { found: true, submission: content };
	if (res.statusCode === 401 || res.statusCode === 403) {
		// Is it the key, or a submission of someone else's account? Only the first is an outage.
		const me = await get(ctx, account, '/user', itemIndex);
		if (me.statusCode === 401 || me.statusCode === 403) throw refused(ctx, me.statusCode, itemIndex);
	}
	if (res.statusCode >= 500 || res.statusCode === 429) {
		throw new NodeApiError(ctx.getNode(), { message: `HTTP ${res.statusCode}` } as JsonObject, {
			itemIndex,
			httpCode: String(res.statusCode),
			message: 'JotForm kept failing while the form submission was being verified.',
			description: 'The execution is kept: retry it from the executions list once JotForm answers.',
		});
	}
	return { found: false, statusCode: res.statusCode };
}

const QUESTIONS_TTL_MS = 10 * 60_000;
const questionCache = new Map<string, { at: number; questions: JotFormQuestion[] }>();

/** `GET /form/{id}/questions`, cached for ten minutes per account and form. */
export async function formQuestions(ctx: IExecuteFunctions, account: JotFormAccount, formId: string, itemIndex: number): Promise<JotFormQuestion[]> {
	const key = `${account.baseUrl}|${formId}`;
	const hit = questionCache.get(key);
	if (hit && Date.now() - hit.at < QUESTIONS_TTL_MS) return hit.questions;
	const res = await get(ctx, account, `/form/${encodeURIComponent(formId)}/questions`, itemIndex);
	if (res.statusCode === 401 || res.statusCode === 403) throw refused(ctx, res.statusCode, itemIndex);
	if (res.statusCode !== 200) {
		throw new NodeApiError(ctx.getNode(), { message: `HTTP ${res.statusCode}` } as JsonObject, {
			itemIndex,
			httpCode: String(res.statusCode),
			message: `JotForm did not give the questions of form ${formId}.`,
			description: 'The execution is kept: retry it from the executions list once JotForm answers.',
		});
	}
	const questions = readQuestions(res.body?.content);
	if (questionCache.size > 200) questionCache.clear();
	questionCache.set(key, { at: Date.now(), questions });
	return questions;
}
