/**
 * Route Form: verifies a JotForm submission with JotForm's API (the POST is only a hint), recognises the form
 * and the patient's details, and puts it on its form type's output. The POST's own content is never passed on.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { eachItem, showFor, type Operation, type Outputs } from './common';
import { verifyAndRouteForm } from './verifyForm';

export const option: Operation['option'] = {
	name: 'Route Form',
	value: 'routeForm',
	action: 'Route a jotform submission',
	description: 'Verify the submission with JotForm’s API, recognise the form and the patient’s details, one output per form type',
};
export const subtitle = 'Verify and route a form';

export const description: INodeProperties[] = [
	{
		displayName: 'Verification',
		name: 'verification',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description: 'Only the submission ID is taken from the webhook; the submission is read from JotForm’s API and processed once',
		displayOptions: showFor('routeForm'),
		options: [
			{
				displayName: 'Max Age (Minutes)',
				name: 'maxAgeMinutes',
				type: 'number',
				typeOptions: { minValue: 5 },
				default: 1440,
				description: 'Older submissions are rejected: a genuine JotForm webhook arrives within seconds, so an old ID in a POST is a replay',
			},
			{
				displayName: 'JotForm Account Time Zone',
				name: 'accountTimeZone',
				type: 'string',
				default: 'America/New_York',
				description: 'JotForm dates submissions in the account’s time zone (JotForm → Settings → Account → Time Zone)',
			},
		],
	},
];

export async function execute(ctx: IExecuteFunctions, out: Outputs): Promise<void> {
	await eachItem(ctx, out, async (i, catalog, payload) => {
		const routed = await verifyAndRouteForm(ctx, catalog, payload, i);
		// The POST's own content is never passed on: it is unverified and may carry someone else's details.
		if ('rejected' in routed) {
			out.put('unrouted', { reason: routed.reason, detail: routed.detail, rejected: true, submissionId: routed.submissionId ?? null, operation: out.operation }, i);
			out.notes.push({ outcome: `rejected: ${routed.reason}` });
		} else if (routed.ok) {
			out.put(routed.value.formType, routed.value as unknown as IDataObject, i);
			out.notes.push({ form: routed.value.formType, service: routed.value.service, outcome: 'form verified' });
		} else {
			out.put('unrouted', { reason: routed.reason, detail: routed.detail, rejected: false, submissionId: routed.submissionId, operation: out.operation }, i);
			out.notes.push({ outcome: `unrouted: ${routed.reason}` });
		}
	});
	out.noteExecution(ctx);
}
