/**
 * The clinic's booking widget for its website: one script tag per service page.
 *
 *   <script src="https://n8n.clinic.example/webhook/clinic-booking.js" data-service="gaps-coaching"></script>
 *   <script src="…/clinic-booking.js" data-service="gaps-coaching" data-kind="freeConsultation"></script>
 *
 * It asks the Service Calendars endpoint (next to where the script was loaded from, or
 * data-endpoint) for the service's practitioners and shows each with their Calendly calendar, or
 * the waitlist form for a service not open yet. After a booking (Calendly's
 * `calendly.event_scheduled` message, or Calendly's redirect with the booking's details) it shows
 * the catalog's form for that booking: the mini intake after a free consultation, the service's
 * own after a follow-up. When the endpoint cannot be reached it shows the clinic's phone and email.
 *
 * Nothing of the patient leaves the page through this script: it only reads the listing, and
 * the invitee's name and email (from Calendly's redirect) go into the JotForm form's own URL.
 * Styles live in a shadow root, so the site's CSS and this widget's cannot touch each other.
 */

interface Practitioner {
	key: string;
	name: string;
	bio?: string;
	photoUrl?: string;
	calendly: Array<{ eventType: string; url: string }>;
}

interface Listing {
	service: string;
	serviceName: string;
	status: 'active' | 'waitlist';
	kind: 'freeConsultation' | 'followUp';
	practitioners: Practitioner[];
	waitlistFormUrl?: string;
	form?: { type: string; url: string; prefill: { firstName: string; lastName: string; email: string } };
	contact?: { clinic?: string; phone?: string; email?: string };
}

interface Contact {
	clinic?: string;
	phone?: string;
	email?: string;
}

interface Invitee {
	firstName?: string;
	lastName?: string;
	email?: string;
}

interface CalendlyApi {
	initInlineWidget(options: { url: string; parentElement: HTMLElement; resize?: boolean }): void;
}

const CALENDLY_ORIGIN = 'https://calendly.com';
const CALENDLY_SCRIPT = 'https://assets.calendly.com/assets/external/widget.js';
const JOTFORM_ORIGIN = 'https://form.jotform.com';
const TIMEOUT_MS = 8000;

const STYLES = `
:host{all:initial;display:block;font:inherit;font-family:inherit;color:#1f2933;line-height:1.5}
*{box-sizing:border-box}
.w{font-size:1rem;margin-top:1.5rem}
h2{font-size:1.5rem;margin:0 0 .75rem;line-height:1.25}
h3{font-size:1.2rem;margin:0 0 .25rem}
p{margin:0 0 .75rem}
ul{list-style:none;margin:0;padding:0;display:grid;gap:1rem}
li{border:1px solid #cbd2d9;border-radius:8px;padding:1rem;background:#fff}
.p{display:flex;gap:1rem;align-items:flex-start}
img{width:72px;height:72px;border-radius:50%;object-fit:cover;flex:none}
button{font:inherit;cursor:pointer;border:2px solid #0b5e4f;background:#0b5e4f;color:#fff;border-radius:6px;padding:.5rem 1rem;margin:.25rem .5rem .25rem 0}
button[aria-expanded=true]{background:#fff;color:#0b5e4f}
button:focus-visible,a:focus-visible,[tabindex]:focus-visible{outline:3px solid #d97706;outline-offset:2px}
a{color:#0b5e4f}
.cal{min-width:280px;height:700px;margin-top:.75rem}
iframe{width:100%;min-height:760px;border:0}
.note{background:#f0f4f8;border-radius:8px;padding:1rem}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

let calendlyLoading: Promise<CalendlyApi> | undefined;

/** Calendly's own embed script, loaded once per page whatever the number of widgets. */
function calendly(src: string): Promise<CalendlyApi> {
	const existing = (window as unknown as { Calendly?: CalendlyApi }).Calendly;
	if (existing) return Promise.resolve(existing);
	calendlyLoading ??= new Promise((resolve, reject) => {
		const tag = document.createElement('script');
		tag.src = src;
		tag.async = true;
		tag.onload = () => {
			const api = (window as unknown as { Calendly?: CalendlyApi }).Calendly;
			if (api) resolve(api);
			else reject(new Error('Calendly did not load'));
		};
		tag.onerror = () => {
			calendlyLoading = undefined;
			reject(new Error('Calendly did not load'));
		};
		document.head.appendChild(tag);
	});
	return calendlyLoading;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string | undefined>): HTMLElementTagNameMap[K] {
	const node = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
	for (const c of children) if (c !== undefined) node.append(c);
	return node;
}

function parsedUrl(url: string | undefined): URL | undefined {
	try {
		return url ? new URL(url) : undefined;
	} catch {
		return undefined;
	}
}

/** Only links to the services the catalog is meant to name: Calendly and JotForm over https. */
function safeUrl(url: string | undefined, origin: string): string | undefined {
	const u = parsedUrl(url);
	return u?.origin === origin ? u.href : undefined;
}

function safeImage(url: string | undefined): string | undefined {
	return parsedUrl(url)?.protocol === 'https:' ? url : undefined;
}

/** The booking's details Calendly adds to its redirect ("Pass event details to your redirected page"). */
function inviteeFromRedirect(): Invitee | undefined {
	const q = new URLSearchParams(location.search);
	const email = q.get('invitee_email') ?? undefined;
	if (!email) return undefined;
	const full = (q.get('invitee_full_name') ?? '').trim();
	const firstName = q.get('invitee_first_name') ?? (full ? full.split(/\s+/).slice(0, -1).join(' ') || full : undefined);
	const lastName = q.get('invitee_last_name') ?? (full.includes(' ') ? full.split(/\s+/).pop() : undefined);
	// Out of the address bar (and any later Referer) at once.
	for (const k of [...q.keys()]) if (/^(invitee_|event_|assigned_to|answer_\d+|text_reminder_number|utm_)/.test(k)) q.delete(k);
	const rest = q.toString();
	history.replaceState(history.state, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
	return { firstName: firstName || undefined, lastName: lastName || undefined, email };
}

function formUrl(form: NonNullable<Listing['form']>, invitee?: Invitee): string | undefined {
	const base = safeUrl(form.url, JOTFORM_ORIGIN);
	if (!base) return undefined;
	const u = new URL(base);
	for (const field of ['firstName', 'lastName', 'email'] as const) {
		const value = invitee?.[field];
		if (value) u.searchParams.set(form.prefill[field], value);
	}
	return u.href;
}

function formTitle(listing: Listing): string {
	return listing.form?.type === 'mini_intake' ? 'Tell us a little about you' : `Your ${listing.serviceName} form`;
}

class Widget {
	private readonly root: ShadowRoot;
	private readonly body: HTMLElement;
	private readonly status: HTMLElement;
	private listing?: Listing;
	private formShown = false;

	constructor(
		host: HTMLElement,
		private readonly opts: { endpoint: string; service: string; kind: string; contact: Contact; calendlyScript: string },
	) {
		this.root = host.attachShadow({ mode: 'open' });
		this.root.append(el('style', {}, STYLES));
		this.status = el('p', { class: 'sr', role: 'status', 'aria-live': 'polite' });
		this.body = el('div', { class: 'w', 'aria-busy': 'true' }, el('p', {}, 'Loading calendars…'));
		this.root.append(this.status, this.body);
		window.addEventListener('message', (e) => this.onMessage(e));
	}

	async start(): Promise<void> {
		const invitee = inviteeFromRedirect();
		try {
			this.listing = await this.load();
		} catch {
			this.fallback();
			return;
		}
		if (invitee) this.showForm(invitee);
		else this.render();
	}

	private async load(): Promise<Listing> {
		const url = new URL(this.opts.endpoint);
		url.searchParams.set('service', this.opts.service);
		if (this.opts.kind === 'freeConsultation') url.searchParams.set('kind', 'freeConsultation');
		const abort = new AbortController();
		const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
		try {
			const res = await fetch(url.href, { credentials: 'omit', signal: abort.signal });
			if (!res.ok) throw new Error(`HTTP ${res.status}`);
			const listing = (await res.json()) as Listing;
			if (!listing || !Array.isArray(listing.practitioners)) throw new Error('not a listing');
			return listing;
		} finally {
			clearTimeout(timer);
		}
	}

	private show(...nodes: Node[]): void {
		this.body.replaceChildren(...nodes);
		this.body.removeAttribute('aria-busy');
	}

	private contactLine(lead: string): HTMLElement {
		const c = { ...this.listing?.contact, ...Object.fromEntries(Object.entries(this.opts.contact).filter(([, v]) => v)) } as Contact;
		const parts: Array<Node | string> = [lead];
		const phone = c.phone ? el('a', { href: `tel:${c.phone.replace(/[^+\d]/g, '')}` }, c.phone) : undefined;
		const email = c.email ? el('a', { href: `mailto:${c.email}` }, c.email) : undefined;
		if (phone && email) parts.push(' Please call ', phone, ' or email ', email, '.');
		else if (phone) parts.push(' Please call ', phone, '.');
		else if (email) parts.push(' Please email ', email, '.');
		else parts.push(' Please contact the clinic.');
		return el('p', {}, ...parts);
	}

	private fallback(): void {
		this.show(el('div', { class: 'note', role: 'alert' }, el('h2', {}, 'Online booking is not available right now'), this.contactLine('We are sorry: the booking calendars could not be loaded.')));
	}

	private render(): void {
		const l = this.listing!;
		if (l.status !== 'active') {
			const src = safeUrl(l.form?.url ?? l.waitlistFormUrl, JOTFORM_ORIGIN);
			this.show(
				el('h2', {}, `${l.serviceName} opens soon`),
				el('p', {}, 'Join the waitlist and we will contact you as soon as bookings open.'),
				src ? el('iframe', { src, title: `${l.serviceName} waitlist form`, loading: 'lazy' }) : this.contactLine('The waitlist form is not available right now.'),
			);
			return;
		}
		const heading = l.kind === 'freeConsultation' ? `Book a free initial consultation: ${l.serviceName}` : `Book ${l.serviceName}`;
		if (l.practitioners.length === 0) {
			this.show(el('h2', {}, heading), this.contactLine('No calendar is open for online booking right now.'));
			return;
		}
		const list = el('ul', { 'aria-label': l.kind === 'freeConsultation' ? 'Free consultation calendar' : `${l.serviceName} practitioners` });
		for (const p of l.practitioners) list.append(this.card(p));
		this.show(el('h2', {}, heading), list);
	}

	private card(p: Practitioner): HTMLElement {
		const img = safeImage(p.photoUrl);
		const id = `${p.key}-${Math.random().toString(36).slice(2, 8)}`;
		const panel = el('div', { id, class: 'cal', hidden: '' });
		const buttons = p.calendly
			.map((c) => ({ c, url: safeUrl(c.url, CALENDLY_ORIGIN) }))
			.filter((x): x is { c: Practitioner['calendly'][number]; url: string } => !!x.url)
			.map(({ c, url }) => {
				const b = el('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': id }, `Book ${c.eventType} with ${p.name}`);
				b.addEventListener('click', () => void this.open(b, panel, url, p.name));
				return b;
			});
		return el(
			'li',
			{},
			el('div', { class: 'p' }, img ? el('img', { src: img, alt: `Photo of ${p.name}` }) : '', el('div', {}, el('h3', {}, p.name), p.bio ? el('p', {}, p.bio) : '', ...buttons)),
			panel,
		);
	}

	private async open(button: HTMLButtonElement, panel: HTMLElement, url: string, name: string): Promise<void> {
		const opening = button.getAttribute('aria-expanded') !== 'true';
		for (const b of this.root.querySelectorAll<HTMLButtonElement>(`button[aria-controls="${panel.id}"]`)) b.setAttribute('aria-expanded', String(opening && b === button));
		if (!opening) {
			panel.hidden = true;
			panel.replaceChildren();
			return;
		}
		panel.hidden = false;
		panel.replaceChildren();
		try {
			const api = await calendly(this.opts.calendlyScript);
			api.initInlineWidget({ url, parentElement: panel, resize: true });
			this.status.textContent = `${name}’s calendar is open below.`;
		} catch {
			panel.replaceChildren(this.contactLine('The calendar could not be loaded.'));
		}
	}

	private onMessage(e: MessageEvent): void {
		if (e.origin !== CALENDLY_ORIGIN || !this.listing || this.formShown) return;
		// Only from a calendar this widget opened: another widget or embed on the page has its own booking.
		const mine = [...this.root.querySelectorAll('iframe')].some((f) => f.contentWindow === e.source);
		if (!mine) return;
		const data = e.data as { event?: unknown } | null;
		if (data && data.event === 'calendly.event_scheduled') this.showForm();
	}

	/** After a booking: the catalog's form for it, prefilled when Calendly passed the invitee's details. */
	private showForm(invitee?: Invitee): void {
		const l = this.listing;
		if (!l?.form || l.status !== 'active') {
			this.render();
			return;
		}
		this.formShown = true;
		const src = formUrl(l.form, invitee);
		const title = formTitle(l);
		const heading = el('h2', { tabindex: '-1' }, `Booked. One more step: ${title.charAt(0).toLowerCase()}${title.slice(1)}`);
		this.show(
			heading,
			el('p', {}, 'Your booking is confirmed and a confirmation email is on its way. Please fill in this form before your appointment.'),
			src ? el('iframe', { src, title }) : this.contactLine('The form could not be opened.'),
		);
		this.status.textContent = 'Your booking is confirmed. Please fill in the form below.';
		heading.focus();
	}
}

(() => {
	const script = document.currentScript as HTMLScriptElement | null;
	if (!script) return;
	const d = script.dataset;
	// When n8n serves this file it puts the clinic's contact details in front of it.
	const baked = (window as unknown as { __clinicBookingContact?: Contact }).__clinicBookingContact ?? {};
	let endpoint: string;
	try {
		endpoint = new URL(d.endpoint || 'service-calendars', script.src || location.href).href;
	} catch {
		return;
	}
	const host = el('div', { class: 'clinic-booking', 'data-service': d.service ?? '' });
	const target = d.target ? document.getElementById(d.target) : null;
	if (target) target.append(host);
	else script.after(host);
	const contact = { ...baked, ...(d.phone ? { phone: d.phone } : {}), ...(d.email ? { email: d.email } : {}) };
	void new Widget(host, { endpoint, service: d.service ?? '', kind: d.kind ?? 'followUp', contact, calendlyScript: d.calendlyScript || CALENDLY_SCRIPT }).start();
})();
