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
export class JotFormSandbox extends SandboxServer {
	readonly webhooks = new Map<string, Map<string, string>>();
	protected router(): Router {
		const r = new Router();
		const auth = (req: SandboxRequest) => req.headers.apikey === JOTFORM_API_KEY || req.query.get('apiKey') === JOTFORM_API_KEY;
		const denied = json(401, { responseCode: 401, message: "You're not authorized to use (/form/webhooks)", content: '', duration: '1ms' });
		r.add('GET', '/form/:id/webhooks', (req) => (auth(req) ? json(200, { responseCode: 200, message: 'success', content: Object.fromEntries(this.webhooks.get(req.params.id) ?? new Map()) }) : denied));
		r.add('POST', '/form/:id/webhooks', (req) => {
			if (!auth(req)) return denied;
			const url = (req.body as Record<string, string> | undefined)?.webhookURL;
			if (!url) return json(400, { responseCode: 400, message: 'webhookURL is required', content: '' });
			const hooks = this.webhooks.get(req.params.id) ?? new Map<string, string>();
			const id = String(hooks.size);
			hooks.set(id, url);
			this.webhooks.set(req.params.id, hooks);
			return json(200, { responseCode: 200, message: 'success', content: { [id]: url } });
		});
		r.add('DELETE', '/form/:id/webhooks/:hook', (req) => {
			if (!auth(req)) return denied;
			this.webhooks.get(req.params.id)?.delete(req.params.hook);
			return json(200, { responseCode: 200, message: 'success', content: Object.fromEntries(this.webhooks.get(req.params.id) ?? new Map()) });
		});
		r.add('POST', '/__sandbox/submit/:id', async (req) => json(200, await this.submit(req.params.id, (req.body ?? {}) as Record<string, unknown>)));
		return r;
	}
	/** Posts a submission to every webhook of the form, as JotForm does: multipart/form-data with rawRequest JSON. */
	async submit(formId: string, answers: Record<string, unknown>): Promise<Array<{ url: string; status: number }>> {
		const submissionID = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
		const fd = new FormData();
		fd.set('formID', formId);
		fd.set('submissionID', submissionID);
		fd.set('formTitle', `Form ${formId}`);
		fd.set('ip', '203.0.113.10');
		fd.set('pretty', 'Answers withheld');
		fd.set('rawRequest', JSON.stringify({ slug: `submit/${formId}`, event_id: `${Date.now()}_${formId}`, ...answers }));
		const out: Array<{ url: string; status: number }> = [];
		for (const url of this.webhooks.get(formId)?.values() ?? []) {
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
		r.add('POST', '/__sandbox/events', async (req) => {
			const b = req.body as { type: string; object: Record<string, unknown>; id?: string };
			return json(200, await this.send(b.type, b.object, b.id));
		});
		return r;
	}
	/** Delivers a signed event to every endpoint that listens for its type (Stripe-Signature: t=…,v1=HMAC-SHA256). */
	async send(type: string, object: Record<string, unknown>, id = `evt_${randomBytes(12).toString('hex')}`, opts: { badSignature?: boolean } = {}): Promise<Array<{ url: string; status: number }>> {
		const event = { id, object: 'event', api_version: '2024-06-20', created: Math.floor(Date.now() / 1000), livemode: false, pending_webhooks: 1, type, data: { object } };
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
