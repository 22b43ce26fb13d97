#!/usr/bin/env node
// Compares the measurements of `npm run bench` with bench/targets.json (each target { max } or { min },
// keyed by a dotted path into the measurement file); exits 1 when a target is missed.
const fs = require('fs');
const path = require('path');
const run = path.join(__dirname, '../harness/.run');
const targets = require('../bench/targets.json');
const files = { bookingLatency: 'latency.json', graphCalls: 'graph-calls.json', throughput: 'throughput.json', publicInput: 'public-input.json', sweep: 'sweep.json', blocks: 'blocks.json' };
let missed = 0;
for (const [group, file] of Object.entries(files)) {
	const f = path.join(run, file);
	if (!fs.existsSync(f)) {
		console.log(`${file}: not measured`);
		missed++;
		continue;
	}
	const got = JSON.parse(fs.readFileSync(f, 'utf8'));
	for (const [key, limit] of Object.entries(targets[group] ?? {})) {
		const value = key.split('.').reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), got);
		const ok = value !== undefined && (limit.max === undefined || value <= limit.max) && (limit.min === undefined || value >= limit.min);
		if (!ok) missed++;
		const want = limit.max !== undefined ? `≤ ${limit.max}` : `≥ ${limit.min}`;
		console.log(`${ok ? 'ok  ' : 'MISS'} ${group}.${key}: ${value} (target ${want})`);
	}
}
process.exit(missed ? 1 : 0);
