import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * The clinic's JotForm account: the JotForm Submission Trigger registers each
 * form's webhook with it, and Route Form reads submissions back from JotForm's
 * API, so a form is processed only as JotForm holds it, never as a webhook POST
 * claims it.
 */
export class JotFormSubmissionsApi implements ICredentialType {
	name = 'jotFormSubmissionsApi';

	displayName = 'JotForm Submissions API';

	icon: Icon = { light: 'file:jotform.svg', dark: 'file:jotform.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-medirecords-booking#jotform-submissions-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'A JotForm API key of the account that owns the clinic’s forms (JotForm → Settings → API), with Full Access: the trigger registers each form’s webhook with it.',
		},
		{
			displayName: 'API Domain',
			name: 'apiDomain',
			type: 'options',
			options: [
				{ name: 'api.jotform.com', value: 'api.jotform.com' },
				{ name: 'eu-api.jotform.com', value: 'eu-api.jotform.com' },
				{ name: 'hipaa-api.jotform.com', value: 'hipaa-api.jotform.com' },
			],
			default: 'hipaa-api.jotform.com',
			description: 'The same domain as n8n’s JotForm credential: HIPAA-enabled accounts use hipaa-api, European accounts eu-api',
		},
		{
			displayName: 'Base URL Override',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:4012',
			description: 'Leave empty. Only for pointing at a JotForm sandbox in tests.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				APIKEY: '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl ? $credentials.baseUrl.replace(/\\/+$/, "") : "https://" + $credentials.apiDomain}}',
			url: '/user',
			method: 'GET',
		},
	};
}
