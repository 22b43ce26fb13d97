/**
 * JotForm, Stripe, an SMTP inbox and an ops-alert inbox on loopback: the
 * other systems the clinic's workflows talk to, with their real contracts
 * (JotForm's webhook API and multipart submissions; Stripe's webhook
 * endpoints API and signed events).
 */
import { createHmac, randomBytes } from 'crypto';
import net from 'net';
import { json, Router, SandboxServer, type SandboxRequest } from './http';

export const JOTFORM_API_KEY = 'sandbox-jotform-key';
export const STRIPE_SECRET_KEY = 'sk_test_sandbox_clinic';

// ------------------------------------------------------------------ JotForm
export interface SandboxQuestion {
	qid: string;
	name: string;
	text: string;
	type: string;
}

const q = (qid: number, name: string, text: string, type: string): SandboxQuestion => ({ qid: String(qid), name, text, type });
const IDENTITY = [q(3, 'fullName', 'Full Name', 'control_fullname'), q(4, 'email', 'Email', 'control_email'), q(5, 'phoneNumber', 'Phone Number', 'control_phone'), q(6, 'dateOf', 'Date of Birth', 'control_birthdate')];

/**
 * The clinic's forms as JotForm builds them: each question's `name` is generated
 * from the first words of its label ("Date of Birth" → `dateOf`), and the webhook
 * keys answers as `q{id}_{name}`.
 */
export const SANDBOX_FORMS: Record<string, { title: string; questions: SandboxQuestion[] }> = {
	'241000000001': { title: 'Mini Intake', questions: [q(1, 'heading', 'Mini Intake', 'control_head'), ...IDENTITY, q(7, 'whichService', 'Which service are you interested in?', 'control_dropdown'), q(8, 'pleaseShare', 'Please share anything that will help us prepare', 'control_textarea'), q(2, 'submit', 'Submit', 'control_button')] },
	'241000000002': { title: 'Medical History', questions: [...IDENTITY, q(8, 'gender', 'Gender', 'control_radio'), q(9, 'address', 'Address', 'control_address'), q(10, 'currentMedications', 'Current Medications', 'control_textarea')] },
	'241000000003': { title: 'GAPS Assessment', questions: [...IDENTITY, q(10, 'currentMedications', 'Current Medications', 'control_textarea'), q(11, 'digestiveSymptoms', 'Digestive symptoms you have noticed', 'control_textarea')] },
	'241000000004': { title: 'Weight Loss Questionnaire', questions: [...IDENTITY, q(8, 'gender', 'Gender', 'control_radio'), q(12, 'currentWeight', 'Current weight (kg)', 'control_number')] },
	'241000000005': { title: 'Mental Health Intake', questions: [...IDENTITY, q(13, 'whatBrings', 'What brings you to counseling?', 'control_textarea')] },
	'241000000006': { title: 'Equine Therapy Intake', questions: [...IDENTITY, q(14, 'previousExperience', 'Previous experience with horses', 'control_textarea')] },
	'241000000007': { title: 'Waitlist', questions: [q(3, 'fullName', 'Full Name', 'control_fullname'), q(4, 'email', 'Email', 'control_email'), q(5, 'phoneNumber', 'Phone Number', 'control_phone'), q(6, 'whichService', 'Which service are you interested in?', 'control_dropdown')] },
	// A form of the same account that is not one of the clinic's intake forms (a staff survey).
	'241000000099': { title: 'Staff Survey', questions: [q(3, 'fullName', 'Full Name', 'control_fullname'), q(4, 'email', 'Email', 'control_email')] },
};

export interface SandboxSubmission {
	id: string;
	form_id: string;
	ip: string;
	created_at: string;
	status: string;
	new: string;
	flag: string;
	notes: string;
	updated_at: string | null;
	answers: Record<string, { name: string; order: string; text: string; type: string; answer?: unknown; prettyFormat?: string }>;
}

/** JotForm dates submissions in the account's time zone, as "YYYY-MM-DD HH:MM:SS". */
export const JOTFORM_ACCOUNT_TZ = 'America/New_York';
function jotformTime(ms: number): string {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-GB', { timeZone: JOTFORM_ACCOUNT_TZ, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
			.formatToParts(new Date(ms))
			.map((p) => [p.type, p.value]),
	);
	return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

function pretty(answer: unknown): string {
	if (answer && typeof answer === 'object') return Object.values(answer as Record<string, unknown>).filter(Boolean).join(' ');
	return String(answer ?? '');
}

let submissionSeq = 0;

/** A submission as JotForm's API returns it, and the `rawRequest` its webhook carries. Answers are keyed by question name. */
export function buildSubmission(formId: string, answers: Record<string, unknown>, createdAtMs = Date.now()): { submission: SandboxSubmission; raw: Record<string, unknown> } {
	const form = SANDBOX_FORMS[formId];
	if (!form) throw new Error(`the sandbox has no JotForm form ${formId}`);
	const id = `${6000000000000000000n + BigInt(Date.now()) * 1000n + BigInt(submissionSeq++ % 1000)}`;
	const submission: SandboxSubmission = { id, form_id: formId, ip: '203.0.113.10', created_at: jotformTime(createdAtMs), status: 'ACTIVE', new: '1', flag: '0', notes: '', updated_at: null, answers: {} };
	const raw: Record<string, unknown> = { slug: `submit/${formId}`, event_id: `${Date.now()}_${formId}`, submitSource: 'form', buildDate: String(Date.now()) };
	form.questions.forEach((x, i) => {
		const answer = answers[x.name];
		submission.answers[x.qid] = { name: x.name, order: String(i + 1), text: x.text, type: x.type, ...(answer !== undefined ? { answer, prettyFormat: pretty(answer) } : {}) };
		if (answer !== undefined) raw[`q${x.qid}_${x.name}`] = answer;
	});
	return { submission, raw };
}

/** `content` of `GET /form/{id}/questions`. */
export function questionsContent(formId: string): Record<string, unknown> | undefined {
	const form = SANDBOX_FORMS[formId];
	return form && Object.fromEntries(form.questions.map((x, i) => [x.qid, { ...x, order: String(i + 1), labelAlign: 'Top', required: 'No' }]));
}

export class JotFormSandbox extends SandboxServer {
	readonly webhooks = new Map<string, Map<string, string>>();
	readonly submissions = new Map<string, SandboxSubmission>();
	/** Requests to the API (not the sandbox control API), for counting calls. */
	readonly apiCalls: string[] = [];
	protected router(): Router {
		const r = new Router();
		const auth = (req: SandboxRequest) => req.headers.apikey === JOTFORM_API_KEY || req.query.get('apiKey') === JOTFORM_API_KEY;
		const denied = (what: string) => json(401, { responseCode: 401, message: `You're not authorized to use (${what})`, content: '', duration: '1ms' });
		const ok = (content: unknown) => json(200, { responseCode: 200, message: 'success', content, duration: '12ms', 'limit-left': 9990 });
		r.add('GET', '/user', (req) => {
			this.apiCalls.push('GET /user');
			return auth(req) ? ok({ username: 'wholehealthclinic', name: 'Whole Health Clinic', account_type: 'https://api.jotform.com/system/plan/HIPAA', status: 'ACTIVE', time_zone: JOTFORM_ACCOUNT_TZ }) : denied('/user');
		});
		r.add('GET', '/submission/:id', (req) => {
			this.apiCalls.push(`GET /submission/${req.params.id}`);
			if (!auth(req)) return denied(`/submission-id`);
			const sub = this.submissions.get(req.params.id);
			return sub ? ok(sub) : json(404, { responseCode: 404, message: 'Submission not found', content: '', duration: '3ms' });
		});
		r.add('GET', '/form/:id/questions', (req) => {
			this.apiCalls.push(`GET /form/${req.params.id}/questions`);
			if (!auth(req)) return denied('/form-id/questions');
			const content = questionsContent(req.params.id);
			return content ? ok(content) : json(404, { responseCode: 404, message: 'Form not found', content: '' });
		});
		// JotForm API "GET /user/forms": the account's forms, `content` an array of { id, title, status, … }.
		r.add('GET', '/user/forms', (req) => (auth(req) ? ok(Object.entries(SANDBOX_FORMS).map(([id, f]) => ({ id, username: 'wholehealthclinic', title: f.title, status: 'ENABLED', url: `https://form.jotform.com/${id}` }))) : denied('/user/forms')));
		r.add('GET', '/form/:id/webhooks', (req) => (auth(req) ? ok(Object.fromEntries(this.webhooks.get(req.params.id) ?? new Map())) : denied('/form/webhooks')));
		r.add('POST', '/form/:id/webhooks', (req) => {
			if (!auth(req)) return denied('/form/webhooks');
			const url = (req.body as Record<string, string> | undefined)?.webhookURL;
			if (!url) return json(400, { responseCode: 400, message: 'webhookURL is required', content: '' });
			const hooks = this.webhooks.get(req.params.id) ?? new Map<string, string>();
			const id = String(hooks.size);
			hooks.set(id, url);
			this.webhooks.set(req.params.id, hooks);
			return ok({ [id]: url });
		});
		r.add('DELETE', '/form/:id/webhooks/:hook', (req) => {
			if (!auth(req)) return denied('/form/webhooks');
			this.webhooks.get(req.params.id)?.delete(req.params.hook);
			return ok(Object.fromEntries(this.webhooks.get(req.params.id) ?? new Map()));
		});
		r.add('POST', '/__sandbox/submit/:id', async (req) => json(200, await this.submit(req.params.id, (req.body ?? {}) as Record<string, unknown>)));
		return r;
	}

	/**
	 * Stores a submission and posts it to every webhook of the form, as JotForm does
	 * (multipart/form-data, answers in `rawRequest` keyed `q{id}_{name}`). Answers are
	 * given by question name ("fullName", "dateOf"); unknown names are ignored.
	 */
	async submit(formId: string, answers: Record<string, unknown>, opts: { createdAtMs?: number; deliver?: boolean } = {}): Promise<{ submissionID: string; deliveries: Array<{ url: string; status: number }> }> {
		const { submission: sub, raw } = buildSubmission(formId, answers, opts.createdAtMs);
		const submissionID = sub.id;
		this.submissions.set(submissionID, sub);
		const deliveries = opts.deliver === false ? [] : await this.deliver(formId, submissionID, raw);
		return { submissionID, deliveries };
	}

	/**
	 * The patient corrects a submission (JotForm's Edit Submission link): same id, new answers, `updated_at`
	 * set, and the webhook posted again.
	 */
	async edit(submissionID: string, answers: Record<string, unknown>, editedAtMs = Date.now()): Promise<Array<{ url: string; status: number }>> {
		const old = this.submissions.get(submissionID);
		if (!old) throw new Error(`no submission ${submissionID}`);
		const { submission, raw } = buildSubmission(old.form_id, answers);
		this.submissions.set(submissionID, { ...submission, id: submissionID, created_at: old.created_at, updated_at: jotformTime(editedAtMs) });
		return this.deliver(old.form_id, submissionID, raw);
	}

	/** The webhook POST JotForm sends (also used by tests to send forged ones). */
	async deliver(formId: string, submissionID: string, raw: Record<string, unknown> | string, urls = [...(this.webhooks.get(formId)?.values() ?? [])]): Promise<Array<{ url: string; status: number }>> {
		const fd = new FormData();
		fd.set('formID', formId);
		fd.set('submissionID', submissionID);
		fd.set('formTitle', SANDBOX_FORMS[formId]?.title ?? `Form ${formId}`);
		fd.set('ip', '203.0.113.10');
		// JotForm's `pretty`: every answer as "Question:answer, …" (how integrations such as Zulip's read it). It is
		// patient data in the webhook itself, which is why the trigger keeps only the ids.
		const stored = this.submissions.get(submissionID);
		fd.set('pretty', stored ? Object.values(stored.answers).filter((a) => a.prettyFormat).map((a) => `${a.text}:${a.prettyFormat}`).join(', ') : '');
		fd.set('username', 'wholehealthclinic');
		fd.set('type', 'WEB');
		fd.set('rawRequest', typeof raw === 'string' ? raw : JSON.stringify(raw));
		const out: Array<{ url: string; status: number }> = [];
		for (const url of urls) {
			const res = await fetch(url, { method: 'POST', body: fd });
			await res.text();
			out.push({ url, status: res.status });
		}
		return out;
	}
}

// ------------------------------------------------------------------- Stripe
interface Endpoint {
	id: string;
	url: string;
	enabled_events: string[];
	secret: string;
}

export class StripeSandbox extends SandboxServer {
	readonly endpoints = new Map<string, Endpoint>();
	/** Every event sent, as `GET /v1/events/{id}` returns it (Stripe keeps events for 30 days: API reference, "Retrieve an event"). */
	readonly events = new Map<string, Record<string, unknown>>();
	/** How many times each event was read back. */
	readonly eventReads = new Map<string, number>();
	protected router(): Router {
		const r = new Router();
		const authed = (req: SandboxRequest) => {
			const h = String(req.headers.authorization ?? '');
			const basic = h.startsWith('Basic ') ? Buffer.from(h.slice(6), 'base64').toString().split(':')[0] : undefined;
			return h === `Bearer ${STRIPE_SECRET_KEY}` || basic === STRIPE_SECRET_KEY;
		};
		const err = (status: number, message: string, type = 'invalid_request_error') => json(status, { error: { type, message } });
		r.add('POST', '/v1/webhook_endpoints', (req) => {
			if (!authed(req)) return err(401, 'Invalid API Key provided.', 'authentication_error');
			const b = (req.body ?? {}) as Record<string, string>;
			const events = Object.entries(b).filter(([k]) => k.startsWith('enabled_events')).map(([, v]) => v);
			if (!b.url) return err(400, 'Missing required param: url.');
			if (!events.length) return err(400, 'Missing required param: enabled_events.');
			const ep: Endpoint = { id: `we_${randomBytes(12).toString('hex')}`, url: b.url, enabled_events: events, secret: `whsec_${randomBytes(24).toString('base64url')}` };
			this.endpoints.set(ep.id, ep);
			return json(200, { object: 'webhook_endpoint', status: 'enabled', livemode: false, ...ep });
		});
		r.add('GET', '/v1/webhook_endpoints/:id', (req) => {
			if (!authed(req)) return err(401, 'Invalid API Key provided.', 'authentication_error');
			const ep = this.endpoints.get(req.params.id);
			return ep ? json(200, { object: 'webhook_endpoint', status: 'enabled', ...ep, secret: undefined }) : err(404, `No such webhook endpoint: '${req.params.id}'`);
		});
		r.add('DELETE', '/v1/webhook_endpoints/:id', (req) => {
			if (!authed(req)) return err(401, 'Invalid API Key provided.', 'authentication_error');
			return this.endpoints.delete(req.params.id) ? json(200, { id: req.params.id, object: 'webhook_endpoint', deleted: true }) : err(404, `No such webhook endpoint: '${req.params.id}'`);
		});
		r.add('GET', '/v1/events/:id', (req) => {
			if (!authed(req)) return err(401, 'Invalid API Key provided.', 'authentication_error');
			const ev = this.events.get(req.params.id);
			this.eventReads.set(req.params.id, (this.eventReads.get(req.params.id) ?? 0) + 1);
			return ev ? json(200, ev) : err(404, `No such event: '${req.params.id}'`);
		});
		r.add('POST', '/__sandbox/events', async (req) => {
			const b = req.body as { type: string; object: Record<string, unknown>; id?: string };
			return json(200, await this.send(b.type, b.object, b.id));
		});
		return r;
	}
	/** Delivers a signed event to every endpoint that listens for its type (Stripe-Signature: t=…,v1=HMAC-SHA256). */
	async send(type: string, object: Record<string, unknown>, id = `evt_${randomBytes(12).toString('hex')}`, opts: { badSignature?: boolean } = {}): Promise<Array<{ url: string; status: number }>> {
		const event = { id, object: 'event', api_version: '2024-06-20', created: Math.floor(Date.now() / 1000), livemode: false, pending_webhooks: 1, type, data: { object } };
		if (!this.events.has(id)) this.events.set(id, event);
		const payload = JSON.stringify(event);
		const out: Array<{ url: string; status: number }> = [];
		for (const ep of this.endpoints.values()) {
			if (!ep.enabled_events.includes(type) && !ep.enabled_events.includes('*')) continue;
			const t = Math.floor(Date.now() / 1000);
			const sig = createHmac('sha256', opts.badSignature ? 'whsec_wrong' : ep.secret).update(`${t}.${payload}`).digest('hex');
			const res = await fetch(ep.url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': `t=${t},v1=${sig}` }, body: payload });
			await res.text();
			out.push({ url: ep.url, status: res.status });
		}
		return out;
	}
}

// -------------------------------------------------------------- SMTP inbox
export interface Mail {
	from: string;
	to: string[];
	data: string;
}

/** A minimal SMTP server that accepts and keeps every message (EHLO/HELO, MAIL, RCPT, DATA, QUIT). */
export class SmtpInbox {
	readonly mails: Mail[] = [];
	private server?: net.Server;
	port = 0;
	constructor(private readonly wantPort = 0) {}
	async start(): Promise<this> {
		this.server = net.createServer((socket) => {
			let from = '';
			let to: string[] = [];
			let inData = false;
			let buffer = '';
			let data = '';
			socket.write('220 clinic-sandbox ESMTP\r\n');
			socket.on('data', (chunk) => {
				buffer += chunk.toString('utf8');
				let idx: number;
				while ((idx = buffer.indexOf('\r\n')) >= 0) {
					const line = buffer.slice(0, idx);
					buffer = buffer.slice(idx + 2);
					if (inData) {
						if (line === '.') {
							inData = false;
							this.mails.push({ from, to, data });
							from = '';
							to = [];
							data = '';
							socket.write('250 OK queued\r\n');
						} else data += `${line.startsWith('..') ? line.slice(1) : line}\n`;
						continue;
					}
					const cmd = line.slice(0, 4).toUpperCase();
					if (cmd === 'EHLO') socket.write('250-clinic-sandbox\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
					else if (cmd === 'HELO') socket.write('250 clinic-sandbox\r\n');
					else if (cmd === 'MAIL') (from = line.slice(10).replace(/[<>]/g, '').trim()), socket.write('250 OK\r\n');
					else if (cmd === 'RCPT') to.push(line.slice(8).replace(/[<>]/g, '').trim()), socket.write('250 OK\r\n');
					else if (cmd === 'DATA') (inData = true), socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
					else if (cmd === 'QUIT') socket.end('221 Bye\r\n');
					else if (cmd === 'RSET' || cmd === 'NOOP') socket.write('250 OK\r\n');
					else socket.write('502 Command not implemented\r\n');
				}
			});
			socket.on('error', () => undefined);
		});
		await new Promise<void>((r) => this.server!.listen(this.wantPort, '127.0.0.1', () => r()));
		this.port = (this.server.address() as net.AddressInfo).port;
		return this;
	}
	async stop(): Promise<void> {
		await new Promise<void>((r) => this.server?.close(() => r()));
	}
}

// ---------------------------------------------------------- ops alert inbox
export class AlertInbox extends SandboxServer {
	readonly alerts: Array<Record<string, unknown>> = [];
	protected router(): Router {
		const r = new Router();
		r.add('POST', '/alerts', (req) => {
			this.alerts.push(req.body as Record<string, unknown>);
			return json(200, { ok: true });
		});
		r.add('GET', '/alerts', () => json(200, this.alerts));
		return r;
	}
}
