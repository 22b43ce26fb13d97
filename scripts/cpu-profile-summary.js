#!/usr/bin/env node
/**
 * Summarises a V8 CPU profile (node --cpu-prof): self time by package and the top functions, and
 * the inclusive time of functions whose name matches a pattern.
 *
 *   node scripts/cpu-profile-summary.js <file.cpuprofile> [top=25] [inclusive pattern]
 */
const fs = require('fs');

const [file, topArg, pattern] = process.argv.slice(2);
if (!file) {
	console.error('usage: cpu-profile-summary.js <file.cpuprofile> [top] [inclusive pattern]');
	process.exit(2);
}
const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
const top = Number(topArg ?? 25);
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = prof.timeDeltas;
for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (dt[i] ?? 0) / 1000);
const total = [...self.values()].reduce((a, b) => a + b, 0);

function pkg(url) {
	if (!url) return '(native / V8)';
	const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url.split('node_modules/').slice(-2).join('node_modules/'));
	if (m) return m[1];
	if (url.startsWith('node:')) return 'node core';
	return url.replace(/^file:\/\//, '').split('/').slice(-2).join('/');
}

const byPkg = new Map();
const byFn = new Map();
for (const [id, ms] of self) {
	const n = byId.get(id);
	const cf = n.callFrame;
	const p = cf.functionName === '(garbage collector)' ? '(garbage collector)' : cf.functionName === '(idle)' ? '(idle)' : pkg(cf.url);
	byPkg.set(p, (byPkg.get(p) ?? 0) + ms);
	const key = `${cf.functionName || '(anonymous)'}  ${pkg(cf.url)}:${cf.lineNumber + 1}`;
	byFn.set(key, (byFn.get(key) ?? 0) + ms);
}
const busy = total - (byPkg.get('(idle)') ?? 0);
const pct = (ms) => `${((ms / busy) * 100).toFixed(1)}%`;
console.log(`profile ${file}: ${(total / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy`);
console.log('\nself time by package (share of busy time):');
for (const [p, ms] of [...byPkg].filter(([p]) => p !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(ms).padStart(6)}  ${p}`);
console.log('\ntop functions by self time:');
for (const [f, ms] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(ms).padStart(6)}  ${f}`);

if (pattern) {
	// Inclusive time: samples whose stack contains a frame matching the pattern (counted once per sample).
	const parent = new Map();
	for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const re = new RegExp(pattern);
	const matches = new Map();
	for (let i = 0; i < prof.samples.length; i++) {
		const seen = new Set();
		for (let id = prof.samples[i]; id !== undefined; id = parent.get(id)) {
			const cf = byId.get(id).callFrame;
			const name = `${cf.functionName}  ${pkg(cf.url)}`;
			if (re.test(name) && !seen.has(name)) {
				seen.add(name);
				matches.set(name, (matches.get(name) ?? 0) + (dt[i] ?? 0) / 1000);
			}
		}
	}
	console.log(`\ninclusive time of frames matching /${pattern}/:`);
	for (const [f, ms] of [...matches].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(ms).padStart(6)}  ${f}`);
}
