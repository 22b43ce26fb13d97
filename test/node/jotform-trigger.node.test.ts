import type { IDataObject, IWebhookData, IWebhookDescription } from 'n8n-workflow';
import { JotFormSubmissionTrigger } from '../../nodes/JotFormSubmissionTrigger/JotFormSubmissionTrigger.node';
import { JotFormSubmissionsApi } from '../../credentials/JotFormSubmissionsApi.credentials';
import { JOTFORM_API_KEY, JotFormSandbox } from '../../sandbox/services';
import { hookContext, loadOptionsContext, makeNode, makeWorkflow, registerCredential, registerNode, setCredentials, webhookContext } from '../helpers/n8n';

registerNode('jotFormSubmissionTrigger', JotFormSubmissionTrigger);
registerCredential('jotFormSubmissionsApi', JotFormSubmissionsApi);
let jf: JotFormSandbox;
beforeAll(async () => {
	jf = await new JotFormSandbox().start();
});
afterAll(async () => jf.stop());
beforeEach(() => {
	jf.webhooks.clear();
	setCredentials('jotFormSubmissionsApi', { apiKey: JOTFORM_API_KEY, apiDomain: 'api.jotform.com', baseUrl: jf.url });
});

const FORM = '241000000002';
const spec = { type: 'jotFormSubmissionTrigger', parameters: { form: FORM }, credentials: { jotFormSubmissionsApi: 'JotForm Submissions' } };
const node = { ...makeNode(spec), webhookId: '0b7e2c1a-4d5f-4a6b-8c9d-0e1f2a3b4c5d' };
const workflow = makeWorkflow([node]);
const webhookData = { httpMethod: 'POST', node: node.name, path: `${node.webhookId}/webhook`, webhookDescription: new JotFormSubmissionTrigger().description.webhooks![0] as IWebhookDescription, workflowId: 'wf-test', workflowExecuteAdditionalData: {} as never } as IWebhookData;
const overrides = { webhookBaseUrl: 'https://n8n.clinic.example/webhook' };
const url = `https://n8n.clinic.example/webhook/${node.webhookId}/webhook`;
const methods = new JotFormSubmissionTrigger().webhookMethods.default;

/** What the trigger passes on for a request body as n8n parsed it. */
async function receive(body: unknown): Promise<IDataObject[]> {
	const ctx = webhookContext(workflow, node, webhookData, { ...overrides, httpRequest: { body, headers: {}, query: {}, method: 'POST' } });
	const out = await new JotFormSubmissionTrigger().webhook.call(ctx);
	return out.workflowData![0].map((i) => i.json);
}

describe('JotForm Submission Trigger', () => {
	test('publishing registers the form’s webhook once with JotForm; unpublishing removes it', async () => {
		const ctx = () => hookContext(workflow, node, webhookData, overrides);
		expect(await methods.checkExists.call(ctx())).toBe(false);
		expect(await methods.create.call(ctx())).toBe(true);
		expect(await methods.checkExists.call(ctx())).toBe(true);
		expect([...jf.webhooks.get(FORM)!.values()]).toEqual([url]);
		expect(await methods.delete.call(hookContext(workflow, node, webhookData, overrides, 'manual'))).toBe(true);
		expect([...(jf.webhooks.get(FORM)?.values() ?? [])]).toEqual([]);
	});

	test('a key JotForm refuses fails publishing with a message naming the credential', async () => {
		setCredentials('jotFormSubmissionsApi', { apiKey: 'revoked', apiDomain: 'api.jotform.com', baseUrl: jf.url });
		await expect(methods.checkExists.call(hookContext(workflow, node, webhookData, overrides))).rejects.toThrow(/refused the API key/);
	});

	test('the form dropdown lists the account’s forms', async () => {
		const ctx = loadOptionsContext(spec);
		const options = await new JotFormSubmissionTrigger().methods.loadOptions.getForms.call(ctx);
		expect(options).toEqual(expect.arrayContaining([{ name: 'Medical History', value: FORM }, { name: 'Waitlist', value: '241000000007' }]));
	});

	test('a JotForm POST passes on only its submission and form ids: no answers, so no patient data in the execution', async () => {
		const fields = { formID: FORM, submissionID: '6012345678901234567', formTitle: 'Medical History', pretty: 'Full Name:Vera Victim', rawRequest: JSON.stringify({ q3_fullName: { first: 'Vera', last: 'Victim' } }) };
		expect(await receive({ data: fields, files: {} })).toEqual([{ submissionID: '6012345678901234567', formID: FORM, receivedFor: FORM }]);
	});

	test.each([
		['multipart without JotForm fields', { data: { hello: 'world' }, files: {} }],
		['a rawRequest that is not JSON', { data: { formID: FORM, rawRequest: '{not json' } }],
		['a submission id that is not digits', { data: { submissionID: 'DROP TABLE', rawRequest: '[]' } }],
		['a JSON body', { event: 'ping' }],
		['a text body', 'hello'],
		['no body', undefined],
	])('%s never fails: it passes on as not a submission', async (_what, body) => {
		expect(await receive(body)).toEqual([{ notASubmission: true, receivedFor: FORM }]);
	});
});
