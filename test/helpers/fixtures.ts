/** Realistic inputs: Graph events as Calendly writes them into Outlook, Calendly, JotForm and Stripe bodies. */
import { readFileSync } from 'fs';
import path from 'path';
import type { IDataObject } from 'n8n-workflow';
import { catalogFromParameters, parseCatalog, type Catalog } from '../../lib/catalog';
import { FORM_FIELDS, PRACTITIONER_FIELDS, SERVICE_FIELDS } from '../../nodes/shared/catalogFields';

export function shippedWorkflow(file: string): { nodes: Array<{ name: string; type: string; parameters: IDataObject }>; [k: string]: unknown } {
	return JSON.parse(readFileSync(path.join(__dirname, '../../workflows', file), 'utf8'));
}

type WorkflowFile = ReturnType<typeof shippedWorkflow>;
type Connections = Record<string, { main: Array<Array<{ node: string }>> }>;

/** The Service Catalog's steps from its sub-workflow trigger to "Clinic Catalog", in the order they run. */
export function catalogChain(wf: WorkflowFile): WorkflowFile['nodes'] {
	const connections = wf.connections as Connections;
	const chain: WorkflowFile['nodes'] = [];
	let name: string | undefined = 'When Called by Another Workflow';
	while (name && name !== 'Clinic Catalog') {
		name = connections[name]?.main[0]?.[0]?.node;
		const node = wf.nodes.find((n) => n.name === name);
		if (node && name !== 'Clinic Catalog') chain.push(node);
	}
	return chain;
}

const ENTRY_FIELDS: Record<string, { list: 'services' | 'practitioners' | 'forms'; fields: Array<{ name: string; default: unknown }> }> = {
	service: { list: 'services', fields: SERVICE_FIELDS },
	practitioner: { list: 'practitioners', fields: PRACTITIONER_FIELDS },
	form: { list: 'forms', fields: FORM_FIELDS },
};

/**
 * "Clinic Catalog"'s parameters with every Clinic Catalog Entry step before it as a row of its
 * lists, in chain order (n8n leaves parameters at their default out of the file: they are filled
 * in as n8n does): the catalog the workflow gathers, in the shape the catalog node's lists have.
 */
export function catalogParameters(): IDataObject {
	const wf = shippedWorkflow('service-catalog.json');
	const params = JSON.parse(JSON.stringify(wf.nodes.find((n) => n.name === 'Clinic Catalog')!.parameters)) as IDataObject;
	const entries = catalogChain(wf).filter((n) => n.type.endsWith('.catalogEntry'));
	for (const list of ['services', 'practitioners', 'forms'] as const) {
		const own = ((params[list] as { values?: IDataObject[] } | undefined)?.values ?? []) as IDataObject[];
		const fromSteps = entries
			.filter((n) => ENTRY_FIELDS[String(n.parameters.operation)]?.list === list)
			.map((n) => Object.fromEntries(ENTRY_FIELDS[String(n.parameters.operation)].fields.map((f) => [f.name, n.parameters[f.name] ?? f.default])) as IDataObject);
		params[list] = { values: [...fromSteps, ...own] };
	}
	return params;
}

export function shippedCatalog(): Catalog {
	return parseCatalog(catalogFromParameters(catalogParameters()));
}

/** The shipped catalog with `n` practitioners in all: the shipped ones, then nurses of Weight Loss (the benchmarks' larger clinics). */
export function catalogWith(n: number): IDataObject {
	const catalog = shippedCatalog() as unknown as { practitioners: Array<Record<string, unknown>> };
	const extra = Array.from({ length: Math.max(0, n - catalog.practitioners.length) }, (_, i) => ({
		key: `bench-${i}`,
		name: `Bench Practitioner ${i}`,
		mailbox: `bench-${i}@clinic.example`,
		providerId: `c1000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
		services: ['weight-loss'],
		consultant: false,
		calendly: [],
	}));
	return { ...catalog, practitioners: [...catalog.practitioners, ...extra].slice(0, n) } as unknown as IDataObject;
}

let n = 0;
export function graphEvent(o: { subject: string; mailbox: string; start?: string; end?: string; name?: string; email?: string; body?: string; id?: string }): IDataObject {
	n++;
	return {
		id: o.id ?? `AAMkAGI2TG93AAA-event-${n}`,
		iCalUId: `040000008200E00074C5B7101A82E008000000-${n}`,
		subject: o.subject,
		start: { dateTime: o.start ?? '2026-12-01T22:30:00.0000000', timeZone: 'UTC' },
		end: { dateTime: o.end ?? '2026-12-01T23:00:00.0000000', timeZone: 'UTC' },
		organizer: { emailAddress: { name: 'Practitioner', address: o.mailbox } },
		attendees: [
			{ type: 'required', emailAddress: { name: o.name ?? 'Ana Citizen', address: o.email ?? 'ana.citizen@example.com' } },
			{ type: 'required', emailAddress: { name: 'Practitioner', address: o.mailbox } },
		],
		body: {
			contentType: 'html',
			content:
				o.body ??
				'<html><body><p>Event Name: ' + o.subject + '</p><p>Phone Number: 0400 111 222</p><p>Date of Birth: 12/04/1988</p><p>What would you like help with?<br>Energy and sleep</p><p>Need to make changes to this event?<br>Cancel: https://calendly.com/cancellations/4f1c9a7e-2b61-4d0a-9f3e-7a1d2c5b8e90<br>Reschedule: https://calendly.com/reschedulings/4f1c9a7e-2b61-4d0a-9f3e-7a1d2c5b8e90</p><p>Powered by Calendly.com</p></body></html>',
		},
		isCancelled: false,
	};
}

export function calendlyInvitee(o: { eventName: string; host: string; email?: string; start?: string; amount?: number }): IDataObject {
	return {
		event: 'invitee.created',
		created_at: '2026-11-25T01:00:00.000000Z',
		payload: {
			uri: 'https://api.calendly.com/scheduled_events/EV1/invitees/INV1',
			email: o.email ?? 'Ben.Lee@Example.com',
			name: 'Ben Lee',
			first_name: 'Ben',
			last_name: 'Lee',
			text_reminder_number: '+61 412 345 678',
			questions_and_answers: [{ question: 'Date of birth', answer: '1990-07-03' }],
			scheduled_event: {
				uri: 'https://api.calendly.com/scheduled_events/EV1',
				name: o.eventName,
				start_time: o.start ?? '2026-12-02T23:00:00.000000Z',
				end_time: '2026-12-02T23:30:00.000000Z',
				event_type: 'https://api.calendly.com/event_types/ET1',
				event_memberships: [{ user_email: o.host }],
			},
			payment: o.amount ? { external_id: 'pi_3Q', provider: 'stripe', amount: o.amount, currency: 'AUD', successful: true } : null,
			rescheduled: false,
		},
	};
}

export function jotform(formID: string, answers: IDataObject, extra: IDataObject = {}): IDataObject {
	return {
		formID,
		submissionID: `58${formID.slice(-4)}000${++n}`,
		formTitle: 'Clinic form',
		ip: '203.0.113.9',
		pretty: 'Full Name:Ana Citizen',
		rawRequest: JSON.stringify({ slug: `submit/${formID}`, event_id: '1700000000_123', ...answers }),
		...extra,
	};
}

export function stripeEvent(type: string, object: IDataObject, id = `evt_${++n}`): IDataObject {
	return { id, object: 'event', type, created: 1764032400, livemode: false, data: { object } };
}
