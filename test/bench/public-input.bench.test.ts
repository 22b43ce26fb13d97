/**
 * Every parser and redactor of public input on 200,000 hostile characters: its time, and its time on
 * a tenth of the input. Linear code takes about 10× as long on 10× the input; a quadratic one 100×.
 * Writes harness/.run/public-input.json (worst ratio and slowest parser), checked against
 * bench/targets.json by scripts/bench-check.js.
 */
import { mkdirSync, writeFileSync } from 'fs';
import path from 'path';
import { ADVERSARIAL, PARSERS } from '../helpers/adversarial';

const timeMs = (fn: (s: string) => unknown, input: string): number => {
	const runs: number[] = [];
	for (let i = 0; i < 3; i++) {
		const t0 = process.hrtime.bigint();
		fn(input);
		runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
	}
	return runs.sort((a, b) => a - b)[1];
};

test('public-input parsers stay linear', () => {
	const rows: Array<{ parser: string; input: string; ms: number; ratio: number }> = [];
	for (const [name, fn] of PARSERS) {
		for (const [kind, input] of Object.entries(ADVERSARIAL)) {
			fn(input.slice(0, 1000)); // compile the code path first
			const full = timeMs(fn, input);
			const tenth = timeMs(fn, input.slice(0, input.length / 10));
			// Below 5 ms the ratio is timer and GC noise (a quadratic parser takes seconds here): count it as linear.
			rows.push({ parser: name, input: kind, ms: Math.round(full * 100) / 100, ratio: full < 5 ? 10 : Math.round((full / Math.max(tenth, 0.01)) * 10) / 10 });
		}
	}
	const worst = rows.reduce((a, b) => (b.ratio > a.ratio ? b : a));
	const slowest = rows.reduce((a, b) => (b.ms > a.ms ? b : a));
	const result = { worstRatio: worst.ratio, worst: `${worst.parser} on ${worst.input}`, slowestMs: slowest.ms, slowest: `${slowest.parser} on ${slowest.input}`, rows };
	mkdirSync(path.join(__dirname, '../../harness/.run'), { recursive: true });
	writeFileSync(path.join(__dirname, '../../harness/.run/public-input.json'), JSON.stringify(result, null, 2));
	process.stdout.write(`public input: worst 10× ratio ${result.worstRatio} (${result.worst}), slowest ${result.slowestMs} ms (${result.slowest})\n`);
	expect(rows.length).toBe(PARSERS.length * Object.keys(ADVERSARIAL).length);
});
