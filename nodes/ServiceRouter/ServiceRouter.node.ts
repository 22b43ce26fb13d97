import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { CatalogError, catalogFromParameters, checkCatalog, describeProblems, entriesOf, parseCatalogInput, withSteps, type Catalog } from '../../lib/catalog';
import { routeCalendarChange } from '../../lib/booking';
import { etagMatches, listingVersion, listPractitioners, servedWidget, watchedMailboxes } from '../../lib/listing';
import { WIDGET_SCRIPT } from './widgetScript';
import { matchPayment, matchPaymentToBooking, type AppointmentSeen, type PaymentMatch } from '../../lib/payments';
import type { RouteResult } from '../../lib/rules';
import { catalogFields } from './catalogFields';
import { JOTFORM_CREDENTIAL } from '../JotForm/transport';
import { verifyAndRouteForm } from './verifyForm';
import { withCatalog } from '../shared/catalogItems';
import { recordFirstTime } from '../shared/dedupe';
import { combineNotes, noteExecution, type ExecutionNote } from '../shared/executionData';
import { omit } from '../../lib/objects';

export const FORM_OUTPUTS = ['mini_intake', 'medical_history', 'gaps_assessment', 'weight_loss', 'mental_health', 'equine_therapy', 'waitlist'];
const DEFAULT_SERVICE_OUTPUTS = 'alternative-medicine, gaps-coaching, weight-loss, counseling, equine-therapy';

/** Canvas subtitles, in words. */
const SUBTITLES: Record<string, string> = {
	defineCatalog: 'The clinic’s catalog',
	listPractitioners: 'Practitioners for the website',
	websiteWidget: 'The website’s booking widget',
	matchPayment: 'Match a payment',
	routeBooking: 'Route a calendar booking',
	routeForm: 'Verify and route a form',
};

// Evaluated by the n8n editor to draw the outputs; kept as plain text so the build cannot rewrite it.
const configuredOutputs = `(p) => {
	const o = (n) => ({ type: 'main', displayName: n });
	if (p.operation === 'routeBooking') {
		const keys = String(p.serviceOutputs || '').split(',').map((s) => s.trim()).filter(Boolean);
		return [...keys.map(o), o('Free Consultation'), o('Cancellation'), o('Unrouted'), o('Not a Booking')];
	}
	if (p.operation === 'routeForm') {
		return ['Mini Intake', 'Medical History', 'GAPS Assessment', 'Weight Loss', 'Mental Health', 'Equine Therapy', 'Waitlist', 'Unrouted'].map(o);
	}
	if (p.operation === 'defineCatalog') return [o('Catalog')];
	if (p.operation === 'matchPayment' && p.matchAgainst === 'bookings') return [o('Main')];
	if (p.operation === 'listPractitioners' || p.operation === 'websiteWidget') return [o('Main'), o('Unrouted'), o('Not Modified')];
	return [o('Main'), o('Unrouted')];
}`;

/** `eventId|changeKey` (or `eventId|deleted`) of a Graph trigger item; undefined for other inputs. */
function eventVersionKey(json: IDataObject): string | undefined {
	const event = json.event as IDataObject | undefined;
	const eventId = json.eventId ?? event?.id;
	if (typeof eventId !== 'string' || !eventId) return undefined;
	if (json.changeType === 'deleted') return `${eventId}|deleted`;
	const version = event?.changeKey ?? event?.lastModifiedDateTime;
	return typeof version === 'string' && version ? `${eventId}|${version}` : undefined;
}

export class ServiceRouter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Service Router',
		name: 'serviceRouter',
		icon: { light: 'file:servicerouter.svg', dark: 'file:servicerouter.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ (${JSON.stringify(SUBTITLES)})[$parameter["operation"]] ?? $parameter["operation"] }}`,
		description: "Routes bookings, forms and payments to the clinic's services from one service catalog",
		defaults: { name: 'Service Router' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${configuredOutputs})($parameter)}}`,
		credentials: [{ name: JOTFORM_CREDENTIAL, required: true, displayOptions: { show: { operation: ['routeForm'] } } }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Define Catalog', value: 'defineCatalog', action: 'Define the service catalog', description: 'The clinic’s services, practitioners, forms and routing rules; attaches the checked catalog to each item' },
					{ name: 'List Practitioners', value: 'listPractitioners', action: 'List practitioners for a service', description: 'Practitioners and Calendly links for the website, or the waitlist form' },
					{ name: 'Match Payment', value: 'matchPayment', action: 'Match a stripe payment to a service', description: 'Which service a Stripe payment is for, and whether the amount matches the catalog' },
					{ name: 'Route Booking', value: 'routeBooking', action: 'Route a calendar booking', description: 'Turn an Outlook event or Calendly booking into a normalised booking, one output per service; entries that are not bookings go to Not a Booking' },
					{ name: 'Route Form', value: 'routeForm', action: 'Route a jotform submission', description: 'Verify the submission with JotForm’s API, recognise the form and the patient’s details, one output per form type' },
					{ name: 'Website Widget', value: 'websiteWidget', action: 'Serve the website booking widget', description: 'The script the clinic’s web pages load (clinic-booking.js), with the clinic’s contact details from the catalog' },
				],
				default: 'routeBooking',
			},
			...catalogFields,
			{
				displayName: 'Catalog',
				name: 'catalog',
				type: 'json',
				default: '={{ $json.catalog }}',
				description: 'The catalog from the "Load Service Catalog" step (the Service Catalog workflow attaches it to each item)',
				displayOptions: { hide: { operation: ['defineCatalog'] } },
			},
			{
				displayName: 'Service Outputs',
				name: 'serviceOutputs',
				type: 'string',
				default: DEFAULT_SERVICE_OUTPUTS,
				description: 'Service keys that get their own output, in order. Bookings for other services go to Unrouted.',
				displayOptions: { show: { operation: ['routeBooking'] } },
			},
			{
				displayName: 'Service',
				name: 'service',
				type: 'string',
				default: '={{ $json.query?.service ?? $json.service }}',
				description: 'Service key or name',
				displayOptions: { show: { operation: ['listPractitioners'] } },
			},
			{
				displayName: 'Watched Calendars',
				name: 'watchedCalendars',
				type: 'json',
				default: '',
				placeholder: "={{ $('Watched Calendars').all().map((i) => i.json) }}",
				description:
					'Subscription Upkeep’s last report, one row per mailbox (mailbox, watchedUntil). Only practitioners whose calendar subscription is alive are listed, so patients never book a calendar nobody watches. Empty lists every practitioner in the catalog.',
				displayOptions: { show: { operation: ['listPractitioners'] } },
			},
			{
				displayName: 'Each Event Version Once',
				name: 'eventVersionOnce',
				type: 'boolean',
				default: true,
				description:
					'Whether a calendar event version (event ID and change key, or its deletion) already routed by an earlier execution is dropped. Recorded in n8n’s deduplication store, which every n8n process shares, so a notification Graph delivered twice — to main and to a webhook process — books once.',
				displayOptions: { show: { operation: ['routeBooking'] } },
			},
			{
				displayName: 'Match Against',
				name: 'matchAgainst',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Catalog Prices', value: 'catalog', description: 'Each input item is a Stripe event: which service it pays for, from its metadata and amount' },
					{ name: 'The Payer’s Bookings', value: 'bookings', description: 'The input items are the payer’s upcoming MediRecords appointments: the one the payment pays for, and that booking’s expected amount' },
				],
				default: 'catalog',
				displayOptions: { show: { operation: ['matchPayment'] } },
			},
			{
				displayName: 'Payment',
				name: 'payment',
				type: 'json',
				required: true,
				default: '',
				placeholder: "={{ $('Match Payment').first().json }}",
				description: 'The Match Payment step’s output for this Stripe event. The input items are the payer’s upcoming appointments; they are matched once, together, and one item comes out.',
				displayOptions: { show: { operation: ['matchPayment'], matchAgainst: ['bookings'] } },
			},
			{
				displayName: 'If-None-Match',
				name: 'ifNoneMatch',
				type: 'string',
				default: '={{ $json.headers?.["if-none-match"] ?? "" }}',
				description: 'The browser’s If-None-Match header. When it names the current version, the item goes to Not Modified (answer 304, no body).',
				displayOptions: { show: { operation: ['listPractitioners', 'websiteWidget'] } },
			},
			{
				displayName: 'Verification',
				name: 'verification',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				description: 'Only the submission ID is taken from the webhook; the submission is read from JotForm’s API and processed once',
				displayOptions: { show: { operation: ['routeForm'] } },
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
			{
				displayName: 'Booking Kind',
				name: 'kind',
				type: 'options',
				options: [
					{ name: 'Follow-up (Practitioners)', value: 'followUp' },
					{ name: 'Free Initial Consultation (Consultant)', value: 'freeConsultation' },
				],
				default: 'followUp',
				displayOptions: { show: { operation: ['listPractitioners'] } },
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;

		if (operation === 'defineCatalog') {
			const params: IDataObject = {};
			for (const name of ['clinic', 'services', 'practitioners', 'forms', 'routing']) params[name] = this.getNodeParameter(name, 0, {}) as IDataObject;
			// Entries from the Clinic Catalog Entry steps before this one (a disabled step passes none).
			const entries = entriesOf(items[0]?.json.catalogEntries);
			let catalog: Catalog;
			try {
				catalog = checkCatalog(catalogFromParameters(params, entries));
				catalog.problems = withSteps(catalog.problems, entries);
			} catch (e) {
				// Only the clinic's own settings stop the whole catalog; wrong entries are taken out one by one below.
				const problems = e instanceof CatalogError ? e.problems : [(e as Error).message];
				throw new NodeOperationError(this.getNode(), `The clinic settings are incomplete: ${problems[0]}`, {
					description: `Nothing can be booked until these are fixed in the Service Catalog workflow ("Clinic Catalog" node, Clinic section):\n- ${problems.join('\n- ')}`,
				});
			}
			if (catalog.problems.length) {
				this.addExecutionHints({
					type: 'warning',
					location: 'outputPane',
					message: `${catalog.problems.length} to fix in the catalog; everything else works: ${describeProblems(catalog.problems, 3)}`,
				});
			}
			const carried = items.map(({ json }, item) => ({ json: omit(json, 'catalogEntries'), pairedItem: { item } }));
			return [withCatalog(carried, catalog as unknown as IDataObject)];
		}

		const outputNames = (() => {
			if (operation === 'routeBooking') {
				const keys = String(this.getNodeParameter('serviceOutputs', 0, DEFAULT_SERVICE_OUTPUTS)).split(',').map((s) => s.trim()).filter(Boolean);
				return [...keys, 'freeConsultation', 'cancellation', 'unrouted', 'notBooking'];
			}
			if (operation === 'routeForm') return [...FORM_OUTPUTS, 'unrouted'];
			if (operation === 'listPractitioners' || operation === 'websiteWidget') return ['main', 'unrouted', 'notModified'];
			return ['main', 'unrouted'];
		})();
		const outputs: INodeExecutionData[][] = outputNames.map(() => []);
		const put = (name: string, json: IDataObject, i: number) => outputs[outputNames.indexOf(name)].push({ json, pairedItem: { item: i } });
		// The browser already holds this version (If-None-Match): Not Modified, no body.
		const answerUnlessCached = (version: string, json: IDataObject, i: number) => {
			if (etagMatches(String(this.getNodeParameter('ifNoneMatch', i, '') ?? ''), version)) put('notModified', { version }, i);
			else put('main', json, i);
		};
		// What each item came to, for the executions list (catalog keys and reasons only).
		const notes: ExecutionNote[] = [];
		const unrouted = (i: number, reason: string, detail: string, input: IDataObject) => {
			put('unrouted', { reason, detail, operation, input: omit(input, 'catalog') }, i);
			notes.push({ outcome: `unrouted: ${reason}` });
		};

		if (operation === 'matchPayment' && this.getNodeParameter('matchAgainst', 0, 'catalog') === 'bookings') {
			const matched = matchPaymentBooking(this, items);
			const m = matched.json as { reason?: string; service?: string; kind?: string; comparedWith?: { appointmentId?: string } };
			noteExecution(this, { payment: m.reason, service: m.service, kind: m.kind, appointmentId: m.comparedWith?.appointmentId, outcome: `payment: ${m.reason}` }, ['outcome']);
			return [[matched]];
		}

		// Event versions already routed (by any n8n process) are dropped before routing.
		const versionKeys = items.map((item) => (operation === 'routeBooking' ? eventVersionKey(item.json) : undefined));
		const fresh = operation === 'routeBooking' && this.getNodeParameter('eventVersionOnce', 0, true) === true
			? await recordFirstTime(this, [...new Set(versionKeys.filter((k): k is string => k !== undefined))], 5_000)
			: undefined;

		for (let i = 0; i < items.length; i++) {
			const input = items[i].json;
			const versionKey = versionKeys[i];
			if (fresh && versionKey !== undefined) {
				if (!fresh.has(versionKey)) {
					notes.push({ outcome: 'already routed' });
					continue;
				}
				// The same version twice in one execution: the first one only.
				fresh.delete(versionKey);
			}
			let catalog: Catalog;
			try {
				catalog = parseCatalogInput(this.getNodeParameter('catalog', i, '') as unknown);
			} catch (e) {
				const detail = catalogProblem(e);
				if (this.continueOnFail()) {
					unrouted(i, 'no_catalog', detail, input);
					continue;
				}
				throw new NodeOperationError(this.getNode(), 'The service catalog is missing or invalid.', { itemIndex: i, description: detail });
			}
			const payload = omit(input, 'catalog');
			let result: RouteResult<object>;
			switch (operation) {
				case 'routeBooking': {
					const change = routeCalendarChange(catalog, payload);
					if (change.route === 'cancellation') {
						put('cancellation', change.value as unknown as IDataObject, i);
						notes.push({ practitioner: change.value.practitioner, kind: 'cancellation', outcome: 'cancellation' });
					} else if (change.route === 'ignored') {
						put('notBooking', change.value as unknown as IDataObject, i);
						notes.push({ practitioner: change.value.practitioner, outcome: 'not a booking' });
					} else if (change.route === 'unrouted') unrouted(i, change.reason, change.detail, input);
					else {
						const name = change.value.kind === 'freeConsultation' ? 'freeConsultation' : change.value.service;
						if (!outputNames.includes(name)) unrouted(i, 'no_output_for_service', `Service "${name}" has no output on this node. Add it to Service Outputs.`, input);
						else {
							put(name, { ...(change.value as unknown as IDataObject), changeType: payload.changeType ?? 'created' }, i);
							notes.push({ service: change.value.service, practitioner: change.value.practitioner, kind: change.value.kind, outcome: 'routed' });
						}
					}
					continue;
				}
				case 'routeForm': {
					const routed = await verifyAndRouteForm(this, catalog, payload, i);
					// The POST's own content is never passed on: it is unverified and may carry someone else's details.
					if ('rejected' in routed) {
						put('unrouted', { reason: routed.reason, detail: routed.detail, rejected: true, submissionId: routed.submissionId ?? null, operation }, i);
						notes.push({ outcome: `rejected: ${routed.reason}` });
					} else if (routed.ok) {
						put(routed.value.formType, routed.value as unknown as IDataObject, i);
						notes.push({ form: routed.value.formType, service: routed.value.service, outcome: 'form verified' });
					} else {
						put('unrouted', { reason: routed.reason, detail: routed.detail, rejected: false, submissionId: routed.submissionId, operation }, i);
						notes.push({ outcome: `unrouted: ${routed.reason}` });
					}
					continue;
				}
				case 'matchPayment': {
					const match = matchPayment(catalog, (payload.body as IDataObject) ?? payload);
					if (match.ok) notes.push({ service: match.value.service, kind: match.value.kind, payment: match.value.reason, outcome: `payment: ${match.value.reason}` });
					result = match;
					break;
				}
				case 'listPractitioners': {
					const rows = this.getNodeParameter('watchedCalendars', i, '') as unknown;
					const watched = rows === '' || rows === undefined || rows === null ? undefined : watchedMailboxes(jsonParameter(rows));
					const listed = listPractitioners(catalog, this.getNodeParameter('service', i, '') as string, this.getNodeParameter('kind', i, 'followUp') as 'followUp' | 'freeConsultation', watched);
					if (!listed.ok) {
						result = listed;
						break;
					}
					const version = listingVersion(listed.value);
					answerUnlessCached(version, { ...(listed.value as unknown as IDataObject), version }, i);
					continue;
				}
				case 'websiteWidget': {
					if (!WIDGET_SCRIPT) throw new NodeOperationError(this.getNode(), 'This build of the package has no website widget.', { itemIndex: i, description: 'Build the package with `npm run build`, which bundles widget/clinic-booking.ts.' });
					const served = servedWidget(catalog, WIDGET_SCRIPT);
					answerUnlessCached(served.version, served, i);
					continue;
				}
				default:
					throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}".`);
			}
			if (result.ok) put('main', result.value as IDataObject, i);
			else unrouted(i, result.reason, result.detail, input);
		}
		if (operation !== 'listPractitioners' && operation !== 'websiteWidget') noteExecution(this, combineNotes(notes), ['outcome']);
		return outputs;
	}
}

/** A JSON parameter as n8n hands it over: an object, or its text (blank or unreadable text is undefined). */
function jsonParameter(raw: unknown): unknown {
	if (typeof raw !== 'string') return raw;
	try {
		return raw.trim() ? JSON.parse(raw) : undefined;
	} catch {
		return undefined;
	}
}

/** What ops should fix when the catalog did not arrive or does not check. */
function catalogProblem(e: unknown): string {
	const problems = e instanceof CatalogError ? e.problems : [(e as Error).message];
	return e instanceof CatalogError && e.missing ? problems[0] : `Fix the Service Catalog workflow: ${problems.join('; ')}`;
}

/** All input items are the payer's appointments; one item comes out, paired with all of them. */
function matchPaymentBooking(ctx: IExecuteFunctions, items: INodeExecutionData[]): INodeExecutionData {
	const raw = ctx.getNodeParameter('payment', 0, '') as unknown;
	const payment = jsonParameter(raw) as (PaymentMatch & { catalog?: unknown }) | undefined;
	if (!payment || typeof payment !== 'object' || typeof payment.amount !== 'number') {
		throw new NodeOperationError(ctx.getNode(), 'No payment reached this step.', { description: "Set Payment to the Match Payment step's output, for example {{ $('Match Payment').first().json }}." });
	}
	let catalog: Catalog;
	try {
		catalog = parseCatalogInput(ctx.getNodeParameter('catalog', 0, '') as unknown);
	} catch (e) {
		throw new NodeOperationError(ctx.getNode(), 'The service catalog is missing or invalid.', { description: catalogProblem(e) });
	}
	const match = omit(payment, 'catalog');
	const checked = matchPaymentToBooking(catalog, match, items.map((item) => item.json as AppointmentSeen));
	return { json: checked as unknown as IDataObject, pairedItem: items.map((_, item) => ({ item })) };
}
