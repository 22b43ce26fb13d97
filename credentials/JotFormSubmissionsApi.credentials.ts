import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * Reads submissions back from JotForm's API, so a form is processed only as
 * JotForm holds it, never as a webhook POST claims it. Same key and API domain
 * as n8n's JotForm credential (which the JotForm Trigger uses to register its
 * webhooks); community packages may not read another package's credentials,
 * so the key is entered here too.
 */
export class JotFormSubmissionsApi implements ICredentialType {
	name = 'jotFormSubmissionsApi';

	displayName = 'JotForm Submissions API';

	icon: Icon = { light: 'file:jotform.svg', dark: 'file:jotform.dark.svg' };

	documentationUrl = 'https://github.com/clinic-integrations/n8n-nodes-medirecords-booking#jotform-submissions-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'A JotForm API key of the account that owns the clinic’s forms (JotForm → Settings → API). Read access is enough.',
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
