import type { INodeProperties } from 'n8n-workflow';
import { BOOKING_KINDS, FORM_TYPE_NAMES, FORM_TYPES } from '../../lib/catalog';
import { DEFAULT_TIME_ZONE } from '../../lib/time';

const show = { show: { operation: ['defineCatalog'] } };
export const FORM_TYPE_OPTIONS = FORM_TYPES.map((t) => ({ name: FORM_TYPE_NAMES[t].label, value: t }));
const KIND_OPTIONS = [
	{ name: 'Any', value: '' },
	{ name: 'Free Initial Consultation', value: 'freeConsultation' },
	{ name: 'Initial (Paid)', value: 'initial' },
	{ name: 'Follow-up (Paid)', value: 'followUp' },
].filter((k) => k.value === '' || (BOOKING_KINDS as readonly string[]).includes(k.value));

/** One service: a row of the catalog's list, or a Clinic Catalog Entry step on its own. */
export const SERVICE_FIELDS: INodeProperties[] = [
	{ displayName: 'Key', name: 'key', type: 'string', default: '', placeholder: 'gaps-coaching', description: 'Short ID used by routing rules and forms; lower-case, no spaces' },
	{ displayName: 'Name', name: 'name', type: 'string', default: '' },
	{ displayName: 'Status', name: 'status', type: 'options', options: [{ name: 'Active (Taking Bookings)', value: 'active' }, { name: 'Waitlist (Not Open Yet)', value: 'waitlist' }], default: 'waitlist' },
	{ displayName: 'Initial Price', name: 'initialPrice', type: 'string', default: '', description: 'Dollars; empty while not set' },
	{ displayName: 'Follow-up Price', name: 'followUpPrice', type: 'string', default: '' },
	{ displayName: 'Intake Form Type', name: 'intakeForm', type: 'options', options: [{ name: 'None', value: '' }, ...FORM_TYPE_OPTIONS], default: '' },
	{ displayName: 'Initial Appointment Type ID', name: 'initialAppointmentTypeId', type: 'string', default: '', description: 'MediRecords appointment type UUID' },
	{ displayName: 'Follow-up Appointment Type ID', name: 'followUpAppointmentTypeId', type: 'string', default: '' },
	{ displayName: 'Free Consultation Appointment Type ID', name: 'freeConsultationAppointmentTypeId', type: 'string', default: '' },
];

/** One practitioner: a row of the catalog's list, or a Clinic Catalog Entry step on its own. */
export const PRACTITIONER_FIELDS: INodeProperties[] = [
	{ displayName: 'Key', name: 'key', type: 'string', default: '', placeholder: 'dr-dia' },
	{ displayName: 'Name', name: 'name', type: 'string', default: '' },
	{ displayName: 'Office 365 Mailbox', name: 'mailbox', type: 'string', default: '', placeholder: 'name@clinic.example', description: 'The calendar Calendly writes bookings into; Graph notifications are subscribed for it' },
	{ displayName: 'MediRecords Provider ID', name: 'providerId', type: 'string', default: '' },
	{ displayName: 'Services', name: 'services', type: 'string', default: '', placeholder: 'alternative-medicine, weight-loss', description: 'Service keys this practitioner delivers, separated by commas' },
	{ displayName: 'Consultant (Free Consultations)', name: 'consultant', type: 'boolean', default: false },
	{ displayName: 'Calendly Links', name: 'calendlyLinks', type: 'string', typeOptions: { rows: 3 }, default: '', placeholder: 'Alternative Medicine Follow-up | https://calendly.com/clinic-dr-dia/alt-med | alternative-medicine', description: 'One per line: Calendly event type name | scheduling link | service key (optional) | booking kind: freeConsultation, initial or followUp (optional). Bookings are recognised by the event type name Calendly writes into the calendar entry; a part left out is read from the name with the routing rules.' },
	{ displayName: 'Website Bio', name: 'bio', type: 'string', typeOptions: { rows: 2 }, default: '', description: 'A sentence or two shown on the service pages (optional, at most 400 characters)' },
	{ displayName: 'Website Photo URL', name: 'photoUrl', type: 'string', default: '', placeholder: 'https://www.clinic.example/images/dr-dia.jpg', description: 'Portrait shown on the service pages (optional, https)' },
];

/** One JotForm form: a row of the catalog's list, or a Clinic Catalog Entry step on its own. */
export const FORM_FIELDS: INodeProperties[] = [
	{ displayName: 'JotForm Form ID', name: 'formId', type: 'string', default: '' },
	{ displayName: 'Type', name: 'type', type: 'options', options: FORM_TYPE_OPTIONS, default: 'mini_intake' },
	{ displayName: 'Service Key', name: 'service', type: 'string', default: '', description: 'Leave empty when the form asks which service' },
	{ displayName: 'Field Map', name: 'fieldMap', type: 'string', typeOptions: { rows: 4 }, default: '', placeholder: 'q13_whatBrings = notes', description: 'Usually empty: fields are recognised from the form’s questions (name, email, phone, birth date, address, gender). Only to override, one per line: JotForm question (qN_name, name or label) = patient field (fullName, firstName, lastName, email, phone, dob, gender, service, address, notes).' },
];

/** The clinic's catalog as forms in the n8n UI: ops add a row, never edit JSON. */
export const catalogFields: INodeProperties[] = [
	{
		displayName: 'This node gathers the clinic: its settings and routing rules here, and every service, practitioner and form from the Clinic Catalog Entry steps before it (one step each; lists here are added to them). Every workflow loads it through "Load Service Catalog". A mistake takes only its own entry out of service and is named in a warning above the output.',
		name: 'catalogNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'Clinic',
		name: 'clinic',
		type: 'collection',
		placeholder: 'Add Setting',
		default: { name: '', siteOrigin: '' },
		displayOptions: show,
		options: [
			{ displayName: 'Calendar Block Subject', name: 'blockSubject', type: 'string', default: 'Busy', description: 'What a practitioner’s Outlook shows for an appointment booked in MediRecords (the Calendar Blocks workflow). Never put patient details here.' },
			{ displayName: 'Contact Email', name: 'email', type: 'string', default: '', placeholder: 'hello@clinic.example', description: 'Shown on the website when online booking cannot be reached' },
			{ displayName: 'Contact Phone', name: 'phone', type: 'string', default: '', placeholder: '02 9000 0000', description: 'Shown on the website when online booking cannot be reached' },
			{ displayName: 'Currency', name: 'currency', type: 'string', default: 'AUD' },
			{ displayName: 'Default Phone Country', name: 'defaultCountry', type: 'options', options: ['AU', 'NZ', 'GB', 'IE', 'US', 'CA'].map((c) => ({ name: c, value: c })), default: 'AU' },
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
			{ displayName: 'Ops Alert URL', name: 'opsAlertUrl', type: 'string', default: '', placeholder: 'https://clinic.webhook.office.com/…', description: 'Incoming-webhook URL (Teams, Slack, …) that receives alerts. Alerts never contain patient data.' },
			{ displayName: 'Price Tolerance', name: 'priceTolerance', type: 'number', typeOptions: { numberPrecision: 2 }, default: 0.5, description: 'How far (in dollars) a payment may differ from the catalog price and still match' },
			{ displayName: 'Service Question (Calendly)', name: 'serviceQuestion', type: 'string', default: 'Which service are you interested in?', description: 'The question on the free consultation’s Calendly event type that asks which service the patient wants (make it required in Calendly). Its answer names the service when the event type does not.' },
			{ displayName: 'Time Zone', name: 'timeZone', type: 'string', default: DEFAULT_TIME_ZONE, description: 'IANA name of the practice’s time zone: every workflow books, moves and reads MediRecords times in it' },
			{ displayName: 'Waitlist Form URL', name: 'waitlistFormUrl', type: 'string', default: '' },
			{ displayName: 'Website Origin', name: 'siteOrigin', type: 'string', default: '', placeholder: 'https://www.clinic.example', description: 'Only this site may call the service calendars endpoint (CORS)' },
		],
	},
	{
		displayName: 'Services',
		name: 'services',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Service',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Service',
				name: 'values',
				values: [
					...SERVICE_FIELDS,
				],
			},
		],
	},
	{
		displayName: 'Practitioners',
		name: 'practitioners',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Practitioner',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Practitioner',
				name: 'values',
				values: [
					...PRACTITIONER_FIELDS,
				],
			},
		],
	},
	{
		displayName: 'Forms',
		name: 'forms',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Form',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Form',
				name: 'values',
				values: [
					...FORM_FIELDS,
				],
			},
		],
	},
	{
		displayName: 'Routing Rules',
		name: 'routing',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Rule',
		default: {},
		displayOptions: show,
		description: 'How a booking is recognised. The first rule that matches and names a service decides the service; the first that names a kind decides the kind.',
		options: [
			{
				displayName: 'Rule',
				name: 'values',
				values: [
					{ displayName: 'Booking Kind', name: 'kind', type: 'options', options: KIND_OPTIONS, default: '' },
					{ displayName: 'Event Type Pattern', name: 'eventType', type: 'string', default: '', description: 'Matched against the Calendly event type name' },
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Organiser Mailbox', name: 'organizer', type: 'string', default: '' },
					{ displayName: 'Service Key', name: 'service', type: 'string', default: '' },
					{ displayName: 'Subject Pattern', name: 'subject', type: 'string', default: '', placeholder: 'GAPS', description: 'Matched against the Outlook subject (case-insensitive regular expression)' },
				],
			},
		],
	},
];
