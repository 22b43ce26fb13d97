/**
 * The clinic's website in a real browser (Debian's chromium, driven by playwright-core) with the
 * booking widget served by real n8n. The browser sees the production addresses: the site at
 * https://www.wholehealthclinic.example (the catalog's website origin), n8n at
 * https://n8n.wholehealthclinic.example (proxied here to the test's n8n), Calendly and JotForm at
 * their own hosts, answered by local stand-ins that speak their postMessage protocol and URL
 * prefill. Nothing leaves the machine.
 */
import { mkdirSync, readFileSync } from 'fs';
import path from 'path';
import { chromium, type Browser, type BrowserContext, type Page, type Route } from 'playwright-core';
import { HARNESS, packPackage, ROOT } from '../../local/n8n';
import { samplePageFor } from '../../local/sampleSite';
import { PRACTITIONERS } from '../../sandbox/seed';
import { runUpkeep, startWorld, stopWorld, waitFor, type World } from './context';

const SITE = 'https://www.wholehealthclinic.example';
const N8N = 'https://n8n.wholehealthclinic.example';
const SHOTS = path.join(HARNESS, '.run', 'website');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let w: World;
let browser: Browser;
/** Every request the pages made (URL, method, body), to check what the widget sends where. */
let requests: Array<{ url: string; method: string; body: string | null; navigation: boolean }> = [];
let calendarsDown = false;

/** Calendly's embed script, as far as the widget uses it: initInlineWidget puts the scheduling page in an iframe. */
const CALENDLY_WIDGET_JS = `window.Calendly = { initInlineWidget: function (o) {
  var f = document.createElement('iframe'); f.src = o.url + (o.url.indexOf('?') < 0 ? '?' : '&') + 'embed_type=Inline';
  f.title = 'Select a date and time'; f.style.width = '100%'; f.style.height = '100%'; f.style.border = '0';
  o.parentElement.appendChild(f);
} };`;

/** A Calendly scheduling page: on "Confirm" it tells the parent what Calendly tells it (event and invitee URIs only). */
const CALENDLY_PAGE = `<!doctype html><html lang="en"><head><title>Calendly</title></head><body>
<main><h1>Pick a time</h1><button id="confirm">Confirm</button></main>
<script>
  parent.postMessage({ event: 'calendly.event_type_viewed', payload: {} }, '*');
  document.getElementById('confirm').onclick = function () {
    parent.postMessage({ event: 'calendly.event_scheduled', payload: { event: { uri: 'https://api.calendly.com/scheduled_events/EVT1' }, invitee: { uri: 'https://api.calendly.com/scheduled_events/EVT1/invitees/INV1' } } }, '*');
  };
</script></body></html>`;

/** A JotForm form: shows which form it is and what its URL prefilled. */
function jotformPage(url: URL): string {
	const field = (name: string) => `<label>${name} <input name="${name}" value="${(url.searchParams.get(name) ?? '').replace(/"/g, '&quot;')}"></label>`;
	return `<!doctype html><html lang="en"><head><title>Form ${url.pathname.slice(1)}</title></head><body><main><h1 id="form">${url.pathname.slice(1)}</h1>
${field('name[first]')}${field('name[last]')}${field('email')}</main></body></html>`;
}

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	context.on('request', (r) => requests.push({ url: r.url(), method: r.method(), body: r.postData(), navigation: r.isNavigationRequest() && r.frame() === r.frame().page()?.mainFrame() }));
	await context.route(`${SITE}/**`, (route) => {
		// The sample service pages `npm start` serves, at the catalog's website origin.
		const page = samplePageFor(new URL(route.request().url()).pathname, `${N8N}/webhook/clinic-booking.js`);
		return route.fulfill(page ? { status: 200, contentType: 'text/html', body: page } : { status: 404, body: 'not found' });
	});
	// n8n, as the website reaches it in production; here the test's n8n on loopback.
	await context.route(`${N8N}/**`, async (route: Route) => {
		const u = new URL(route.request().url());
		if (calendarsDown && u.pathname === '/webhook/service-calendars') return route.fulfill({ status: 503, body: 'Service Unavailable' });
		const response = await route.fetch({ url: `${w.n8n.url}${u.pathname}${u.search}` });
		return route.fulfill({ response });
	});
	await context.route('https://assets.calendly.com/assets/external/widget.js', (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: CALENDLY_WIDGET_JS }));
	await context.route('https://calendly.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: CALENDLY_PAGE }));
	await context.route('https://form.jotform.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: jotformPage(new URL(route.request().url())) }));
	await context.route(/^(?!https:\/\/(www\.wholehealthclinic\.example|n8n\.wholehealthclinic\.example|assets\.calendly\.com|calendly\.com|form\.jotform\.com)\/)/, (route) => route.abort('blockedbyclient'));
	return { context, page: await context.newPage() };
}

/** The widget's shadow root content, read from the page. */
const widget = (page: Page) => page.locator('.clinic-booking');

async function axeViolations(page: Page): Promise<Array<{ id: string; impact: string; nodes: number }>> {
	await page.addScriptTag({ content: AXE });
	return page.evaluate(async () => {
		const r = await (window as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> } }).axe.run(document.querySelector('.clinic-booking'), { runOnly: ['wcag2a', 'wcag2aa', 'best-practice'] });
		return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
	});
}

/** The seed's practitioners of each open service, in the catalog's order (the clinic's own lists). */
const byKey = (...keys: string[]) => keys.map((k) => PRACTITIONERS.find((p) => p.key === k)!.name);
const SEED = { 'alternative-medicine': byKey('dr-dia', 'dr-shivani', 'nurse'), 'weight-loss': byKey('dr-dia', 'dr-shivani', 'nurse'), 'gaps-coaching': byKey('ramona') };

beforeAll(async () => {
	w = await startWorld('e2e-website', 'regular', packPackage());
	await waitFor('subscriptions for 8 mailboxes', () => w.graph.subscriptions.size === 8, 120_000, 500);
	// Upkeep records which calendars are watched: only those practitioners are listed.
	await runUpkeep(w);
	browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
	mkdirSync(SHOTS, { recursive: true });
}, 600_000);
afterAll(async () => {
	await browser?.close();
	await stopWorld(w);
});
beforeEach(() => {
	requests = [];
	calendarsDown = false;
});

describe('the booking widget on the clinic’s service pages, in chromium', () => {
	test('n8n serves the script a web designer pastes in: JavaScript, cached, with the clinic’s contact details in front', async () => {
		const res = await fetch(`${w.n8n.url}/webhook/clinic-booking.js`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		const body = await res.text();
		expect(body.startsWith('window.__clinicBookingContact={"clinic":"Whole Health Clinic","phone":"02 9000 0000","email":"hello@wholehealthclinic.example"};')).toBe(true);
		expect(body).toBe(`${body.split('\n')[0]}\n${readFileSync(path.join(ROOT, 'dist/widget/clinic-booking.js'), 'utf8')}`);
		const again = await fetch(`${w.n8n.url}/webhook/clinic-booking.js`, { headers: { 'if-none-match': res.headers.get('etag')! } });
		expect(again.status).toBe(304);
	});

	test('CORS, preflight included, names only the catalog’s website origin', async () => {
		const preflight = (origin: string) => fetch(`${w.n8n.url}/webhook/service-calendars?service=gaps-coaching`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
		for (const origin of [SITE, 'https://evil.example']) {
			const p = await preflight(origin);
			expect({ origin, allowed: p.headers.get('access-control-allow-origin') }).toEqual({ origin, allowed: SITE });
			const g = await fetch(`${w.n8n.url}/webhook/service-calendars?service=gaps-coaching`, { headers: { origin } });
			expect({ origin, status: g.status, allowed: g.headers.get('access-control-allow-origin') }).toEqual({ origin, status: 200, allowed: SITE });
		}
	});

	test.each([
		['alternative-medicine', SEED['alternative-medicine']],
		['weight-loss', SEED['weight-loss']],
		['gaps-coaching', SEED['gaps-coaching']],
	])('%s lists exactly the catalog’s practitioners for it, each with a button for their calendar, whatever the theme’s CSS', async (service, expected) => {
		const { context, page } = await newPage();
		await page.goto(`${SITE}/services/${service}`);
		await waitFor('practitioners', async () => (await widget(page).getByRole('heading', { level: 3 }).count()) > 0, 20_000);
		expect(await widget(page).getByRole('heading', { level: 3 }).allInnerTexts()).toEqual(expected);
		// The theme hides every button and iframe and shouts every h2: not inside the widget.
		const book = widget(page).getByRole('button').first();
		expect(await book.isVisible()).toBe(true);
		expect(await widget(page).getByRole('heading', { level: 2 }).evaluate((h) => getComputedStyle(h).textTransform)).toBe('none');
		// And the widget's styles do not reach the page.
		expect(await page.locator('.site-button').evaluate((a) => getComputedStyle(a).backgroundColor)).toBe('rgb(138, 90, 31)');
		expect(await axeViolations(page)).toEqual([]);
		if (service === 'gaps-coaching') await page.screenshot({ path: path.join(SHOTS, 'website-gaps-coaching.png'), fullPage: true });
		await context.close();
	});

	test.each([
		['counseling', 'Counseling'],
		['equine-therapy', 'Equine Therapy'],
	])('%s, not open yet, shows its waitlist form instead of calendars', async (service, name) => {
		const { context, page } = await newPage();
		await page.goto(`${SITE}/services/${service}`);
		const form = widget(page).locator('iframe');
		await form.waitFor({ timeout: 20_000 });
		expect(await form.getAttribute('src')).toBe('https://form.jotform.com/241000000007');
		expect(await form.getAttribute('title')).toBe(`${name} waitlist form`);
		expect(await widget(page).getByRole('heading', { level: 2 }).innerText()).toBe(`${name} opens soon`);
		expect(await widget(page).getByRole('button').count()).toBe(0);
		await page.frameLocator('.clinic-booking iframe').locator('#form').waitFor();
		expect(await axeViolations(page)).toEqual([]);
		if (service === 'counseling') await page.screenshot({ path: path.join(SHOTS, 'website-counseling-waitlist.png'), fullPage: true });
		await context.close();
	});

	test('by keyboard: a practitioner’s button opens their Calendly; Calendly’s event_scheduled brings up the service’s own form', async () => {
		const { context, page } = await newPage();
		await page.goto(`${SITE}/services/gaps-coaching`);
		const book = widget(page).getByRole('button', { name: 'Book GAPS Coaching Follow-up with Ramona' });
		await book.waitFor({ timeout: 20_000 });
		// From the page's own last link, Tab reaches Ramona's two calendars in order.
		await page.locator('.site-button').focus();
		await page.keyboard.press('Tab');
		await page.keyboard.press('Tab');
		expect(await book.evaluate((b) => (b.getRootNode() as ShadowRoot).activeElement === b)).toBe(true);
		await page.keyboard.press('Enter');
		expect(await book.getAttribute('aria-expanded')).toBe('true');
		// A booking in another Calendly embed on the page is not this widget's.
		await page.evaluate(() => {
			const other = document.createElement('iframe');
			other.id = 'other-calendly';
			other.title = 'Another calendar';
			other.src = 'https://calendly.com/someone-else/meeting';
			other.style.display = 'block'; // the theme hides iframes
			document.body.append(other);
		});
		await page.frameLocator('#other-calendly').getByRole('button', { name: 'Confirm' }).click();
		await page.waitForTimeout(300);
		expect(await widget(page).locator('iframe[title="Your GAPS Coaching form"]').count()).toBe(0);
		const calendar = page.frameLocator('.clinic-booking iframe');
		await calendar.getByRole('button', { name: 'Confirm' }).click();
		const form = widget(page).locator('iframe[title="Your GAPS Coaching form"]');
		await form.waitFor({ timeout: 10_000 });
		expect(await form.getAttribute('src')).toBe('https://form.jotform.com/241000000003');
		// Focus moves to the new step, and a screen reader hears it.
		expect(await page.evaluate(() => document.querySelector('.clinic-booking')!.shadowRoot!.activeElement?.tagName)).toBe('H2');
		expect(await widget(page).getByRole('status').innerText()).toMatch(/booking is confirmed/);
		// Calendly's message carried only URIs, and the widget sent nothing anywhere.
		expect(requests.filter((r) => r.method !== 'GET')).toEqual([]);
		await context.close();
	});

	test('a free consultation page shows the Consultant; after booking, the mini intake, prefilled from Calendly’s redirect details, which leave the address bar', async () => {
		const { context, page } = await newPage();
		await page.goto(`${SITE}/services/weight-loss/free`);
		await waitFor('the consultant', async () => (await widget(page).getByRole('heading', { level: 3 }).count()) > 0, 20_000);
		expect(await widget(page).getByRole('heading', { level: 3 }).allInnerTexts()).toEqual(['Clinic Consultant']);
		// Calendly's "redirect with event details" back to the page after a booking.
		requests = [];
		await page.goto(`${SITE}/services/weight-loss/free?invitee_full_name=Ana%20Citizen&invitee_first_name=Ana&invitee_last_name=Citizen&invitee_email=ana.citizen%40example.com&event_type_name=Free%20Initial%20Consultation`);
		const form = widget(page).locator('iframe[title="Tell us a little about you"]');
		await form.waitFor({ timeout: 20_000 });
		const src = new URL((await form.getAttribute('src'))!);
		expect(`${src.origin}${src.pathname}`).toBe('https://form.jotform.com/241000000001');
		expect(Object.fromEntries(src.searchParams)).toEqual({ 'name[first]': 'Ana', 'name[last]': 'Citizen', email: 'ana.citizen@example.com' });
		const jot = page.frameLocator('.clinic-booking iframe');
		expect(await jot.locator('input[name="email"]').inputValue()).toBe('ana.citizen@example.com');
		expect(page.url()).toBe(`${SITE}/services/weight-loss/free`);
		// The details went to the page (Calendly's redirect) and into JotForm's URL; nowhere else.
		const carrying = requests.filter((r) => !r.navigation && (r.url.includes('ana.citizen') || (r.body ?? '').includes('ana.citizen')));
		expect(carrying.map((r) => new URL(r.url).origin)).toEqual(['https://form.jotform.com']);
		expect(await axeViolations(page)).toEqual([]);
		await context.close();
	});

	test('n8n unreachable: a friendly message with the clinic’s phone and email from the catalog', async () => {
		calendarsDown = true;
		const { context, page } = await newPage();
		await page.goto(`${SITE}/services/alternative-medicine`);
		const alert = widget(page).getByRole('alert');
		await alert.waitFor({ timeout: 20_000 });
		expect(await alert.innerText()).toMatch(/Online booking is not available right now[\s\S]*call 02 9000 0000 or email hello@wholehealthclinic\.example/);
		expect(await alert.getByRole('link', { name: '02 9000 0000' }).getAttribute('href')).toBe('tel:0290000000');
		expect(await alert.getByRole('link', { name: 'hello@wholehealthclinic.example' }).getAttribute('href')).toBe('mailto:hello@wholehealthclinic.example');
		expect(await axeViolations(page)).toEqual([]);
		await context.close();
	});
});

afterAll(() => {
	// Keep the screenshot folder's name in the log for the README's images.
	process.stdout.write(`website screenshots: ${SHOTS}\n`);
});
