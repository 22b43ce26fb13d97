import { graphScope } from '../lib/sources/graph';
import type { ICredentialDataDecryptedObject, ICredentialTestRequest, ICredentialType, IHttpRequestHelper, IHttpRequestOptions, INodeProperties, Icon } from 'n8n-workflow';

/** App-only (client credentials) Microsoft Graph access for watching practitioners' calendars. */
export class MicrosoftGraphAppApi implements ICredentialType {
	name = 'microsoftGraphAppApi';

	displayName = 'Microsoft Graph (App-Only) API';

	icon: Icon = { light: 'file:msgraph.svg', dark: 'file:msgraph.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-medirecords-booking#microsoft-graph-credential';

	properties: INodeProperties[] = [
		{ displayName: 'Tenant ID', name: 'tenantId', type: 'string', default: '', required: true, description: 'Directory (tenant) ID of the clinic’s Microsoft 365 tenant' },
		{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '', required: true, description: 'Application (client) ID of the app registration with the Calendars.ReadWrite application permission (Calendars.Read: everything but the calendar blocks)' },
		{ displayName: 'Client Secret', name: 'clientSecret', type: 'string', typeOptions: { password: true }, default: '', required: true },
		{
			displayName: 'Notification Secret',
			name: 'notificationSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'A long random string only n8n knows. Each workflow’s clientState is derived from it, so notifications that do not come from our subscriptions are refused.',
		},
		{ displayName: 'Token URL', name: 'loginUrl', type: 'string', default: 'https://login.microsoftonline.com', description: 'Change for a national cloud or a sandbox' },
		{ displayName: 'Graph URL', name: 'graphUrl', type: 'string', default: 'https://graph.microsoft.com', description: 'Change for a national cloud (https://graph.microsoft.us, https://dod-graph.microsoft.us, https://microsoftgraph.chinacloudapi.cn: the token is asked for that cloud) or a sandbox' },
		{ displayName: 'Access Token', name: 'accessToken', type: 'hidden', typeOptions: { expirable: true, password: true }, default: '' },
		{ displayName: 'Access Token Expires At', name: 'accessTokenExpiresAt', type: 'hidden', typeOptions: { password: true }, default: 0 },
	];

	/** Client-credentials token, stored (encrypted) by n8n with the credential and refreshed shortly before it expires. */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const base = String(credentials.loginUrl || 'https://login.microsoftonline.com').replace(/\/+$/, '');
		const res = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${base}/${encodeURIComponent(String(credentials.tenantId).trim())}/oauth2/v2.0/token`,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				grant_type: 'client_credentials',
				client_id: String(credentials.clientId).trim(),
				client_secret: String(credentials.clientSecret),
				scope: graphScope(credentials.graphUrl),
			}).toString(),
			json: true,
		})) as { access_token: string; expires_in: number };
		return { accessToken: res.access_token, accessTokenExpiresAt: Date.now() + Number(res.expires_in ?? 3599) * 1000 };
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return { ...requestOptions, headers: { ...(requestOptions.headers ?? {}), Authorization: `Bearer ${String(credentials.accessToken)}` } };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.graphUrl.replace(/\\/+$/, "")}}',
			url: '/v1.0/subscriptions',
			method: 'GET',
		},
	};
}
