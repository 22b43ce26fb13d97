import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

export class MediRecordsApi implements ICredentialType {
	name = 'mediRecordsApi';

	displayName = 'MediRecords API';

	icon: Icon = { light: 'file:medirecords.svg', dark: 'file:medirecords.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-medirecords-booking#medirecords-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The REST API token MediRecords issued for the integration user (not the FHIR token)',
		},
		{
			displayName: 'Practice ID',
			name: 'practiceId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '6f1c2a52-5b7e-4c1a-9d3e-0c0000000001',
			description: 'The practice UUID from MediRecords. Every appointment is booked in this practice.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.medirecords.com',
			description: 'Change only to point at a MediRecords sandbox',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiToken}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '=/v1/practices/{{$credentials.practiceId}}',
			method: 'GET',
		},
	};
}
