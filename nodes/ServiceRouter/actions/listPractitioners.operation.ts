/** List Practitioners: a service's practitioners and Calendly links for the website, or its waitlist form. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { listingVersion, listPractitioners, watchedMailboxes } from '../../../lib/catalog/listing';
import { eachItem, jsonParameter, showFor, type Operation, type Outputs } from './common';

export const option: Operation['option'] = {
	name: 'List Practitioners',
	value: 'listPractitioners',
	action: 'List practitioners for a service',
	description: 'Practitioners and Calendly links for the website, or the waitlist form',
};
export const subtitle = 'Practitioners for the website';

export const description: INodeProperties[] = [
	{
		displayName: 'Service',
		name: 'service',
		type: 'string',
		default: '={{ $json.query?.service ?? $json.service }}',
		description: 'Service key or name',
		displayOptions: showFor('listPractitioners'),
	},
	{
		displayName: 'Watched Calendars',
		name: 'watchedCalendars',
		type: 'json',
		default: '',
		placeholder: "={{ $('Watched Calendars').all() }}",
		description:
			'Subscription Upkeep’s last report, one row per mailbox (mailbox, watchedUntil). Only practitioners whose calendar subscription is alive are listed, so patients never book a calendar nobody watches. Empty lists every practitioner in the catalog.',
		displayOptions: showFor('listPractitioners'),
	},
	{
		displayName: 'Booking Kind',
		name: 'kind',
		type: 'options',
		options: [
			{ name: 'Follow-up (Practitioners)', value: 'followUp' },
			{ name: 'Free Initial Consultation (Consultant)', value: 'freeConsultation' },
		],
		default: 'followUp',
		displayOptions: showFor('listPractitioners'),
	},
];

export async function execute(ctx: IExecuteFunctions, out: Outputs): Promise<void> {
	await eachItem(ctx, out, (i, catalog, _payload, input) => {
		const rows = ctx.getNodeParameter('watchedCalendars', i, '') as unknown;
		const watched = rows === '' || rows === undefined || rows === null ? undefined : watchedMailboxes(jsonParameter(rows));
		const kind = ctx.getNodeParameter('kind', i, 'followUp') as 'followUp' | 'freeConsultation';
		const listed = listPractitioners(catalog, ctx.getNodeParameter('service', i, '') as string, kind, watched);
		if (!listed.ok) return out.unrouted(i, listed.reason, listed.detail, input);
		const version = listingVersion(listed.value);
		out.unlessCached(ctx, version, { ...(listed.value as unknown as IDataObject), version }, i);
	});
}
