#!/usr/bin/env node
// Compares the measurements of `npm run bench` with bench/targets.json; exits 1 when a target is missed.
const fs = require('fs');
const path = require('path');
const run = path.join(__dirname, '../harness/.run');
const targets = require('../bench/targets.json');
let missed = 0;
for (const [file, group] of [['latency.json', 'bookingLatency'], ['graph-calls.json', 'graphCalls']]) {
  const f = path.join(run, file);
  if (!fs.existsSync(f)) { console.log(`${file}: not measured`); missed++; continue; }
  const got = JSON.parse(fs.readFileSync(f, 'utf8'));
  for (const [k, limit] of Object.entries(targets[group])) {
    const ok = got[k] !== undefined && got[k] <= limit;
    if (!ok) missed++;
    console.log(`${ok ? 'ok  ' : 'MISS'} ${group}.${k}: ${got[k]} (target ≤ ${limit})`);
  }
}
process.exit(missed ? 1 : 0);
