import { readFileSync } from 'fs';
import path from 'path';
import { gzipSync } from 'zlib';

const ROOT = path.resolve(__dirname, '../..');
const built = readFileSync(path.join(ROOT, 'dist/widget/clinic-booking.js'), 'utf8');

test('the website widget stays small: at most 15 kB gzipped, one file, no framework, nothing loaded but Calendly’s own script', () => {
	expect(gzipSync(built).length).toBeLessThanOrEqual(15 * 1024);
	expect(built).not.toMatch(/\brequire\(|\bimport\(|\bimport\s*\{|React|Vue|jQuery/);
	// The only hosts it names: Calendly (embed script, scheduling pages) and JotForm (forms).
	const hosts = [...new Set([...built.matchAll(/https:\/\/([a-z0-9.-]+)/g)].map((m) => m[1]))].sort();
	expect(hosts).toEqual(['assets.calendly.com', 'calendly.com', 'form.jotform.com']);
	// It never sends anything: no POST, no beacon, no storage of what it reads.
	expect(built).not.toMatch(/method:\s*["']POST|sendBeacon|localStorage|sessionStorage|document\.cookie/);
});
