/**
 * How long the public-input parsers take on hostile input, here and at another
 * revision of lib/ (extracted by scripts/bench-public-input.sh into
 * .bench-base/lib). Prints one line per parser: base ms → current ms.
 */
import * as basePF from '../.bench-base/lib/patientFields';
import * as baseR from '../.bench-base/lib/routing';
import * as baseM from '../.bench-base/lib/medirecordsMapping';
import * as PF from '../lib/sources/patientFields';
import * as R from '../lib/sources/calendly';
import * as M from '../lib/medirecords/mapping';

type Fn = (s: string) => unknown;
const cases: Array<[string, string, Fn, Fn]> = [
	['cleanEmail ("a@" + "b." × 40,000 + "@")', `a@${'b.'.repeat(40_000)}@`, basePF.cleanEmail, PF.cleanEmail],
	['readAnswers ("<" × 40,000)', '<'.repeat(40_000), baseR.readAnswers, R.readAnswers],
	['readAnswers (":" × 200 lines × 200)', `${':'.repeat(200)}\n`.repeat(200), baseR.readAnswers, R.readAnswers],
	['redact ("a." × 20,000)', `${'a.'.repeat(20_000)}x`, (s) => baseM.redact(s, ['Ng']), (s) => M.redact(s, ['Ng'])],
];
const time = (fn: Fn, input: string) => {
	const t0 = process.hrtime.bigint();
	fn(input);
	return Number(process.hrtime.bigint() - t0) / 1e6;
};
for (const [name, input, before, after] of cases) {
	process.stdout.write(`${name}: ${time(before, input).toFixed(1)} ms → ${time(after, input).toFixed(2)} ms\n`);
}
