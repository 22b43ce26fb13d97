import type { INodeProperties } from 'n8n-workflow';
import { DEFAULT_TIME_ZONE } from '../../../lib/time';

export const TIME_ZONE_OPTION: INodeProperties = {
	displayName: 'Practice Time Zone',
	name: 'timeZone',
	type: 'string',
	default: DEFAULT_TIME_ZONE,
	description: 'IANA time zone of the practice (the workflows give the Service Catalog’s clinic time zone). MediRecords stores times as practice-local wall-clock time without an offset; times given with an offset are converted to it.',
};

export const appointmentLocator = (displayName = 'Appointment'): INodeProperties => ({
	displayName,
	name: 'appointment',
	type: 'resourceLocator',
	default: { mode: 'id', value: '' },
	required: true,
	modes: [
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 3f8d1c2e-…',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^[0-9a-fA-F-]{36}$',
						errorMessage: 'Not a MediRecords appointment id (UUID)',
					},
				},
			],
		},
		{
			displayName: 'By External Reference',
			name: 'reference',
			type: 'string',
			placeholder: 'e.g. the Outlook event id given when the appointment was created',
		},
	],
});

export const providerLocator = (name: string, required: boolean): INodeProperties => ({
	displayName: 'Provider',
	name,
	type: 'resourceLocator',
	default: { mode: 'id', value: '' },
	required,
	description: 'The practitioner whose MediRecords calendar holds the appointment. MediRecords does not list providers through its API, so give the provider UUID (the service catalog holds it for each practitioner).',
	modes: [
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. a1000000-0000-4000-8000-000000000002',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^[0-9a-fA-F-]{36}$', errorMessage: 'Not a MediRecords provider id (UUID)' },
				},
			],
		},
	],
});

export const appointmentTypeLocator = (name: string, required: boolean): INodeProperties => ({
	displayName: 'Appointment Type',
	name,
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required,
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchAppointmentTypes', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. b2000000-0000-4000-8000-000000000012',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^[0-9a-fA-F-]{36}$', errorMessage: 'Not a MediRecords appointment type id (UUID)' },
				},
			],
		},
	],
});

export const STATUS_OPTIONS = [
	{ name: 'Booked', value: 2 },
	{ name: 'Confirmed', value: 3 },
	{ name: 'Waiting Room', value: 4 },
	{ name: 'With Doctor', value: 5 },
	{ name: 'At Billing', value: 6 },
	{ name: 'Completed', value: 7 },
	{ name: 'Cancelled', value: 8 },
];

export const REMINDER_OPTIONS = [
	{ name: 'SMS', value: 'SMS', description: 'MediRecords texts the patient a reminder' },
	{ name: 'Email', value: 'EMAIL' },
	{ name: 'SMS and Email', value: 'SMS_AND_EMAIL' },
	{ name: 'None', value: 'NONE' },
];

/** Return All and Limit, as n8n's own nodes give them, for a resource's Get Many. */
export function returnAllOrLimit(resource: string, operation = 'getAll'): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show: { resource: [resource], operation: [operation] } },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { resource: [resource], operation: [operation], returnAll: [false] } },
		},
	];
}
