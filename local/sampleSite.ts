/**
 * Sample service pages, as a clinic's Webflow site has them: one page per service (and one for
 * its free initial consultation), each with the one script tag the README gives. `npm start`
 * serves them beside the demo n8n; the browser tests load the same pages.
 */
import http from 'http';

export const SAMPLE_SERVICES = ['alternative-medicine', 'gaps-coaching', 'weight-loss', 'counseling', 'equine-therapy'] as const;

const title = (service: string) => service.replace(/-/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A service page with CSS as careless as a real theme's (none of it may reach the widget), and the widget's script tag. */
export function servicePage(service: string, scriptSrc: string, kind?: 'freeConsultation'): string {
	const heading = kind ? `${title(service)}: free initial consultation` : title(service);
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(heading)} | Whole Health Clinic</title>
<style>
  body{font-family:Georgia,serif;margin:0;background:#faf7f2} header{background:#3e4a3d;color:#fff;padding:1rem 2rem}
  header a{color:#fff} main{max-width:960px;margin:0 auto;padding:2rem}
  /* A theme's global rules. */
  * { letter-spacing: .02em } button { display:none } iframe { display:none } li { list-style: square; color: #c00 } h2 { text-transform: uppercase; font-size: 3rem }
  .site-button{display:inline-block;background:#8a5a1f;color:#fff;padding:.5rem}
</style></head>
<body><header><a href="/">Whole Health Clinic</a></header>
<main><h1>${escape(heading)}</h1><p>About ${escape(title(service))} at the clinic, written by the clinic.</p><a class="site-button" href="/contact">Contact</a>
<script src="${escape(scriptSrc)}" data-service="${escape(service)}"${kind ? ` data-kind="${kind}"` : ''}></script>
</main></body></html>`;
}

/** `/services/<key>` and `/services/<key>/free` as pages; anything else is 404. */
export function samplePageFor(pathname: string, scriptSrc: string): string | undefined {
	const m = /^\/services\/([a-z-]+)(\/free)?$/.exec(pathname);
	if (!m || !(SAMPLE_SERVICES as readonly string[]).includes(m[1])) return undefined;
	return servicePage(m[1], scriptSrc, m[2] ? 'freeConsultation' : undefined);
}

function indexPage(): string {
	const links = SAMPLE_SERVICES.map((s) => `<li><a href="/services/${s}">${title(s)}</a> · <a href="/services/${s}/free">free initial consultation</a></li>`).join('');
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Whole Health Clinic</title></head><body><main><h1>Whole Health Clinic</h1><ul>${links}</ul></main></body></html>`;
}

/** Serves the sample pages on 127.0.0.1:port. */
export function startSampleSite(port: number, scriptSrc: string): Promise<http.Server> {
	const server = http.createServer((req, res) => {
		const { pathname } = new URL(req.url ?? '/', 'http://site');
		const page = pathname === '/' ? indexPage() : samplePageFor(pathname, scriptSrc);
		res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
		res.end(page ?? 'Not found');
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve(server));
	});
}
