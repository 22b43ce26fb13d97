#!/usr/bin/env node
// Adds up the jest JSON reports of one test run and prints the closing line CI reads.
const fs = require('fs');
const files = process.argv.slice(2).filter((f) => fs.existsSync(f));
let passed = 0;
let failed = 0;
let skipped = 0;
let e2e = 0;
for (const f of files) {
  const r = JSON.parse(fs.readFileSync(f, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  skipped += r.numPendingTests + r.numTodoTests;
  if (f.includes('e2e')) e2e += r.numPassedTests + r.numFailedTests;
}
if (e2e) {
  const n8n = require('../harness/node_modules/n8n/package.json').version;
  process.stdout.write(`\n${e2e} end-to-end scenarios ran against real n8n ${n8n} (regular mode on SQLite, queue mode on PostgreSQL + Redis with a webhook process and a worker)\n`);
  const latency = `${__dirname}/../harness/.run/latency.json`;
  if (fs.existsSync(latency)) {
    const l = JSON.parse(fs.readFileSync(latency, 'utf8'));
    process.stdout.write(`Graph notification → MediRecords appointment: median ${l.medianMs} ms, p90 ${l.p90Ms} ms over ${l.bookings} bookings\n`);
  }
}
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed || !files.length ? 1 : 0);
