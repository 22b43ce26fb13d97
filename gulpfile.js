/**
 * Build steps after `tsc` (which type-checks everything):
 *  - copy node/credential icons and codex (.node.json) files into dist/;
 *  - bundle each node and credential entry listed in package.json's `n8n`
 *    section with its own imports (the Microsoft Graph client, libphonenumber,
 *    our lib/), minified, so the installed package needs no runtime
 *    `dependencies` — n8n community packages must not bring their own.
 *    `n8n-workflow` (a peer), what n8n itself depends on and puts on every
 *    package's module path (luxon, zod) and Node built-ins stay external.
 */
const { src, dest, series } = require('gulp');
const path = require('path');
const fs = require('fs');
const esbuild = require('esbuild');
const pkg = require('./package.json');

function copyAssets() {
	return src(['nodes/**/*.{png,svg,json}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(dest('dist'));
}

/**
 * The website widget (widget/clinic-booking.ts): one small script for the clinic's pages, no
 * framework. Published as dist/widget/clinic-booking.js (for a CDN or a Webflow asset upload)
 * and inlined into the Service Router node, which serves it from n8n.
 */
const WIDGET_OUT = 'dist/widget/clinic-booking.js';
async function bundleWidget() {
	await esbuild.build({
		entryPoints: ['widget/clinic-booking.ts'],
		outfile: WIDGET_OUT,
		bundle: true,
		platform: 'browser',
		format: 'iife',
		target: ['es2020', 'chrome90', 'firefox90', 'safari14'],
		minify: true,
		legalComments: 'none',
		logLevel: 'warning',
	});
}

async function bundleEntries() {
	const entries = [...pkg.n8n.nodes, ...pkg.n8n.credentials].map((out) => {
		const source = out.replace(/^dist\//, '').replace(/\.js$/, '.ts');
		if (!fs.existsSync(source)) throw new Error(`package.json lists ${out} but ${source} does not exist`);
		return { in: source, out: out.replace(/^dist\//, '').replace(/\.js$/, '') };
	});
	await esbuild.build({
		entryPoints: entries,
		outdir: 'dist',
		bundle: true,
		platform: 'node',
		target: 'node24',
		format: 'cjs',
		// Minified (names kept: n8n finds each node by its exported class) with source maps beside it for
		// this tree's own debugging; the published package leaves the maps out (package.json "files").
		minify: true,
		keepNames: true,
		legalComments: 'none',
		sourcemap: true,
		// n8n-workflow is the package's peer; luxon and zod are n8n's own dependencies (same versions as here),
		// which n8n's node loader puts on the module path of every community package (NODE_PATH): imported, not bundled.
		external: ['n8n-workflow', 'luxon', 'zod'],
		define: { __CLINIC_WIDGET__: JSON.stringify(fs.readFileSync(WIDGET_OUT, 'utf8')) },
		logLevel: 'warning',
	});
}

/** The sandboxes and benchmark run from dist/ too (not part of the published package). */
async function bundleTools() {
	await esbuild.build({
		entryPoints: [
			{ in: 'sandbox/cli.ts', out: 'sandbox/cli' },
			{ in: 'local/demo.ts', out: 'local/demo' },
			{ in: 'local/editorTour.ts', out: 'local/editorTour' },
			...(fs.existsSync('bench/run.ts') ? [{ in: 'bench/run.ts', out: 'bench/run' }] : []),
		],
		outdir: 'dist',
		bundle: true,
		platform: 'node',
		target: 'node24',
		format: 'cjs',
		sourcemap: true,
		external: ['n8n-workflow', 'n8n-core', 'playwright-core'],
		logLevel: 'warning',
	});
}

exports.copyAssets = copyAssets;
exports.widget = bundleWidget;
exports.bundle = series(bundleWidget, bundleEntries);
exports.build = series(copyAssets, bundleWidget, bundleEntries, bundleTools);
