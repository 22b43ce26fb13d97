#!/usr/bin/env node
// Prints bench/results.json (written by `npm run bench`) as the README's Markdown table.
const results = require('../bench/results.json');

const rows = [];
for (const mode of ['regular', 'queue']) {
	const m = results[mode];
	if (!m) continue;
	for (const [level, r] of Object.entries(m.levels)) {
		const cpu = (x) => `${x.mainCpuMsPerRequest}${x.otherProcessesCpuMsPerRequest !== undefined ? ` + ${x.otherProcessesCpuMsPerRequest}` : ''}`;
		rows.push(
			`| ${mode} | ${level} | ${r.bare.ackP50Ms} / ${r.bare.ackP99Ms} | ${r.booking.ackP50Ms} / ${r.booking.ackP99Ms} | ${r.bare.completedPerSec} | ${r.booking.completedPerSec} | ${r.website.completedPerSec} | ${cpu(r.bare)} | ${cpu(r.booking)} | ${r.bare.answered503}/${r.booking.answered503}/${r.website.answered503} |`,
		);
	}
}
console.log(`n8n ${results.n8n}, ${results.perLevel} requests per level and kind, measured ${results.measuredAt.slice(0, 16)} UTC\n`);
console.log('| mode | in flight | bare ack p50 / p99 ms | booking ack p50 / p99 ms | bare /s | bookings /s | website /s | main CPU ms per bare (+ other processes) | per booking | 503s bare/booking/website |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
for (const mode of ['regular', 'queue']) {
	const m = results[mode];
	if (!m) continue;
	const ratios = Object.entries(m.ratios).map(([k, v]) => `${k} ${v}`).join(', ');
	console.log(`\n${mode}: ${ratios}; MediRecords calls per new booking ${m.mediRecordsPerNewBooking}, per duplicate ${m.mediRecordsPerDuplicate}; Graph calls per notification ${m.graphPerNotification}; main RSS idle ${m.idleMainRssMiB} MiB, peak ${m.peakMainRssMiB} MiB`);
}
