#!/usr/bin/env node
/**
 * Copies the shipped workflow files into a folder for `n8n import:workflow
 * --separate`, giving every webhook trigger of this install its own random
 * webhook id — what n8n's editor does when a workflow is created there. The
 * shipped files carry none, so no two clinics share a JotForm or Stripe webhook
 * URL, and nobody can guess one from this repository. Nodes that already have
 * an id (an earlier import of this install) keep it, so their URLs stay.
 *
 * Webhooks that answer the clinic's website (those with "Allowed Origins (CORS)" set) get the
 * Service Catalog's website origin, so n8n's own CORS answers, preflights included, name only it.
 *
 * With --site-origin, the Service Catalog's website origin is this install's site (the demo's
 * sample pages); otherwise the catalog's own is used.
 *
 * With --ops-alert-url, the Service Catalog's clinic.opsAlertUrl and the Error
 * Alert workflow's own destination are set to this install's ops inbox (the
 * shipped files name a placeholder address, never a machine's port).
 *
 * With --sweep-seconds, the Calendar Sweep runs this often instead of every 5 minutes, and a failed
 * booking is first retried after as long; payments waiting for their booking are checked as often and
 * flagged after six intervals instead of 48 hours (the test harness sweeps every few seconds so faults
 * converge quickly; a clinic keeps the shipped intervals and back-off).
 *
 * With --blocks-seconds, the Calendar Blocks workflow runs this often instead of every 2 minutes (the
 * calendar-block tests; other test worlds keep the shipped interval).
 *
 *   node scripts/prepare-workflows.js [--ops-alert-url URL] [--site-origin ORIGIN] [--sweep-seconds N] [--blocks-seconds N] <workflows dir> <output dir> [existing ids JSON]
 */
const { randomUUID } = require('crypto');
const fs = require('fs');
const path = require('path');

const ERROR_WORKFLOW = 'ErrorAlertWf0001';
const SWEEP_WORKFLOW = 'CalendarSweepWf1';
const PAYMENTS_WORKFLOW = 'PaymentsWf000001';
const BLOCKS_WORKFLOW = 'CalBlocksWf00001';

// Node types whose URL is derived from the webhook id (no fixed "path" parameter).
const WEBHOOK_TRIGGERS = /\.(jotFormTrigger|jotFormSubmissionTrigger|stripeTrigger|webhook|formTrigger|calendlyTrigger|graphCalendarTrigger)$/;

/** The website origin the shipped Service Catalog names (clinic.siteOrigin of Define Catalog). */
function catalogSiteOrigin(workflows) {
	for (const wf of workflows) for (const node of wf.nodes ?? []) if (node.parameters?.operation === 'defineCatalog' && node.parameters.clinic?.siteOrigin) return node.parameters.clinic.siteOrigin;
	return undefined;
}

function prepare(inputDir, outputDir, keep = {}, options = {}) {
	fs.mkdirSync(outputDir, { recursive: true });
	const assigned = {};
	const files = fs.readdirSync(inputDir).filter((f) => f.endsWith('.json'));
	const workflows = files.map((file) => JSON.parse(fs.readFileSync(path.join(inputDir, file), 'utf8')));
	if (options.siteOrigin) for (const wf of workflows) for (const node of wf.nodes ?? []) if (node.parameters?.operation === 'defineCatalog' && node.parameters.clinic) node.parameters.clinic.siteOrigin = options.siteOrigin;
	const siteOrigin = catalogSiteOrigin(workflows);
	for (const [i, file] of files.entries()) {
		const wf = workflows[i];
		for (const node of wf.nodes ?? []) {
			// The website's webhooks answer the catalog's website origin; the ops webhooks (header auth) answer no browser.
			if (siteOrigin && node.type === 'n8n-nodes-base.webhook' && node.parameters?.options?.allowedOrigins !== undefined && node.parameters.authentication !== 'headerAuth') node.parameters.options.allowedOrigins = siteOrigin;
		}
		for (const node of wf.nodes ?? []) {
			if (!WEBHOOK_TRIGGERS.test(node.type) || node.webhookId) continue;
			const key = `${wf.id}/${node.name}`;
			node.webhookId = keep[key] ?? randomUUID();
			assigned[key] = node.webhookId;
		}
		if (options.blocksSeconds && wf.id === BLOCKS_WORKFLOW) {
			for (const node of wf.nodes ?? []) if (node.type === 'n8n-nodes-base.scheduleTrigger') node.parameters.rule = { interval: [{ field: 'seconds', secondsInterval: options.blocksSeconds }] };
		}
		if (options.sweepSeconds) {
			for (const node of wf.nodes ?? []) {
				if (wf.id !== SWEEP_WORKFLOW || node.type !== 'n8n-nodes-base.scheduleTrigger') continue;
				node.parameters.rule = { interval: [{ field: 'seconds', secondsInterval: options.sweepSeconds }] };
				// The settle time stays below the interval, so a fresh change is looked at again by the very next sweep.
			}
			for (const node of wf.nodes ?? []) if (wf.id === SWEEP_WORKFLOW && node.type.endsWith('.graphCalendarSweep')) node.parameters.settleSeconds = Math.min(node.parameters.settleSeconds ?? 60, Math.max(1, Math.floor(options.sweepSeconds / 2)));
			// A failed booking's first retry waits one sweep interval (doubling from there), not 5 minutes.
			for (const node of wf.nodes ?? []) if (node.parameters?.operation === 'recordOutcome' && node.parameters.outcome === 'failed') node.parameters.backoffMinutes = options.sweepSeconds / 60;
			// Work a crash cut off is taken up after 90 s instead of 5 minutes: still longer than the slowest booking in the tests.
			for (const node of wf.nodes ?? []) if ((node.parameters?.operation === 'recordOutcome' && node.parameters.outcome === 'started') || node.type.endsWith('.graphCalendarSweep')) node.parameters.leaseMinutes = 1.5;
			// Payments that came before their booking are checked again as often as the sweep runs, and wait six intervals (not 48 hours) before they are flagged.
			for (const node of wf.nodes ?? []) {
				if (wf.id !== PAYMENTS_WORKFLOW) continue;
				if (node.type === 'n8n-nodes-base.scheduleTrigger') node.parameters.rule = { interval: [{ field: 'seconds', secondsInterval: options.sweepSeconds }] };
				if (node.parameters?.operation === 'matchPayment' && node.parameters.matchAgainst === 'bookings') node.parameters.waitHours = (6 * options.sweepSeconds) / 3600;
			}
		}
		if (options.opsAlertUrl) {
			for (const node of wf.nodes ?? []) {
				if (node.parameters?.operation === 'defineCatalog' && node.parameters.clinic) node.parameters.clinic.opsAlertUrl = options.opsAlertUrl;
				// Error Alert sends to its own copy, so a catalog that cannot be read never silences it.
				if (wf.id === ERROR_WORKFLOW && node.type === 'n8n-nodes-base.httpRequest') node.parameters.url = options.opsAlertUrl;
			}
		}
		fs.writeFileSync(path.join(outputDir, file), JSON.stringify(wf, null, 2));
	}
	return assigned;
}

module.exports = { prepare };

if (require.main === module) {
	const args = process.argv.slice(2);
	const options = {};
	const flag = args.indexOf('--ops-alert-url');
	if (flag >= 0) {
		options.opsAlertUrl = args[flag + 1];
		args.splice(flag, 2);
		if (!/^https?:\/\/\S+$/.test(options.opsAlertUrl ?? '')) {
			console.error('--ops-alert-url needs an http(s) URL');
			process.exit(2);
		}
	}
	const site = args.indexOf('--site-origin');
	if (site >= 0) {
		options.siteOrigin = args[site + 1];
		args.splice(site, 2);
		if (!/^https?:\/\/[^/\s]+$/.test(options.siteOrigin ?? '')) {
			console.error('--site-origin needs an origin such as https://www.clinic.example');
			process.exit(2);
		}
	}
	const sweep = args.indexOf('--sweep-seconds');
	if (sweep >= 0) {
		options.sweepSeconds = Number(args[sweep + 1]);
		args.splice(sweep, 2);
		if (!Number.isInteger(options.sweepSeconds) || options.sweepSeconds < 1) {
			console.error('--sweep-seconds needs a whole number of seconds');
			process.exit(2);
		}
	}
	const blocks = args.indexOf('--blocks-seconds');
	if (blocks >= 0) {
		options.blocksSeconds = Number(args[blocks + 1]);
		args.splice(blocks, 2);
		if (!Number.isInteger(options.blocksSeconds) || options.blocksSeconds < 1) {
			console.error('--blocks-seconds needs a whole number of seconds');
			process.exit(2);
		}
	}
	const [input, output, keepFile] = args;
	if (!input || !output) {
		console.error('usage: prepare-workflows.js [--ops-alert-url URL] <workflows dir> <output dir> [webhook ids JSON to keep and update]');
		process.exit(2);
	}
	const keep = keepFile && fs.existsSync(keepFile) ? JSON.parse(fs.readFileSync(keepFile, 'utf8')) : {};
	const assigned = prepare(input, output, keep, options);
	if (keepFile) fs.writeFileSync(keepFile, JSON.stringify({ ...keep, ...assigned }, null, 2));
}
