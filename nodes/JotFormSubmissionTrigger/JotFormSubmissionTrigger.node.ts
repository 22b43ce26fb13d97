/**
 * A JotForm form's webhook, registered with JotForm when the workflow is published. A POST to a
 * form's webhook URL is public: anyone who learns the URL can send anything. So the POST is only a
 * hint that a submission exists: the trigger passes on its submission and form ids and nothing
 * else (no answers, so no patient data in the execution), and Service Router's Route Form reads
 * the submission itself from JotForm's API.
 *
 * Unlike n8n's JotForm Trigger, which parses `rawRequest` and fails the execution on anything else,
 * a POST that is not a JotForm submission never fails: it passes on as `{ notASubmission: true }`,
 * which Route Form rejects and the Form Processor groups into one notice per reason per hour.
 */
import type {
	IDataObject,
	IHookFunctions,
	ILoadOptionsFunctions,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { formIdOf, submissionIdOf } from '../../lib/sources/jotform';
import { addFormWebhook, hasFormWebhook, JOTFORM_CREDENTIAL, listForms, removeFormWebhook } from '../JotForm/transport';

export class JotFormSubmissionTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'JotForm Submission Trigger',
		name: 'jotFormSubmissionTrigger',
		icon: { light: 'file:jotform.svg', dark: 'file:jotform.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Form " + $parameter["form"]}}',
		description: 'Starts the workflow when a JotForm form is submitted; passes on only the submission ID, for Route Form to verify',
		defaults: { name: 'JotForm Submission Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: JOTFORM_CREDENTIAL, required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: [
			{
				displayName: 'Form Name or ID',
				name: 'form',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getForms' },
				required: true,
				default: '',
				description: 'The form whose submissions start this workflow. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName:
					'Only the submission ID is passed on: connect Service Router → Route Form next, which reads the submission from JotForm. POSTs that are not JotForm submissions pass on as "notASubmission" and never fail the execution.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
		],
	};

	methods = {
		loadOptions: {
			async getForms(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				return (await listForms(this)).map((f) => ({ name: f.title, value: f.id }));
			},
		},
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return hasFormWebhook(this, String(this.getNodeParameter('form')), this.getNodeWebhookUrl('default')!);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				await addFormWebhook(this, String(this.getNodeParameter('form')), this.getNodeWebhookUrl('default')!);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				try {
					return await removeFormWebhook(this, String(this.getNodeParameter('form')), this.getNodeWebhookUrl('default')!);
				} catch (error) {
					// JotForm unreachable on unpublish: n8n keeps going; the stale URL answers nothing once unpublished.
					this.logger.warn(`The JotForm webhook of form ${String(this.getNodeParameter('form'))} could not be removed: ${(error as Error).message}`);
					return false;
				}
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const body = this.getBodyData() ?? {};
		const submissionID = submissionIdOf(body);
		const receivedFor = String(this.getNodeParameter('form', ''));
		const json: IDataObject = submissionID ? { submissionID, formID: formIdOf(body) ?? null, receivedFor } : { notASubmission: true, receivedFor };
		return { workflowData: [[{ json }]] };
	}
}
