#!/usr/bin/env node
/**
 * n8n's community-package scan, run here before anything is published.
 *
 * `npx @n8n/scan-community-package <name>` downloads a published version, checks its npm
 * provenance, fetches the source commit the provenance names, and lints both with n8n's rules:
 * the source's nodes/, credentials/ and package.json, and the tarball's compiled .js and
 * package.json. This script applies the same analysis (the scanner's own `analyzePackage`, the
 * same file patterns) to this checkout and to the tarball `npm pack` makes from it, so a finding
 * is fixed before a version tag, not after n8n's review. Provenance itself can only be checked on
 * a published version; .github/workflows/publish.yml publishes with it.
 *
 *   node scripts/scan-package.mjs            # after `npm run build`
 *
 * Exits 1 when either part has an error. No rule is allowed through.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** What the scanner lints in the tarball (scanner.mjs, analyzePackageByName). */
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

function packTarball() {
	if (!fs.existsSync(path.join(root, 'dist/nodes'))) throw new Error('dist/ is missing: run `npm run build` first');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-package-'));
	const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
	const [{ filename }] = JSON.parse(out);
	const unpacked = path.join(dir, 'package');
	fs.mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', path.join(dir, path.basename(filename)), '-C', unpacked, '--strip-components=1']);
	return { dir, unpacked, filename };
}

let failed = false;
function report(label, result) {
	if (result.passed) {
		console.log(`✅ ${label}: no findings`);
		return;
	}
	failed = true;
	console.log(`❌ ${label}: ${result.message}`);
	if (result.details) console.log(result.details);
}

report('source (nodes/, credentials/, package.json)', await analyzePackage(root, SOURCE_FILE_PATTERNS));
const { dir, unpacked, filename } = packTarball();
try {
	report(`tarball ${path.basename(filename)} (compiled .js, package.json)`, await analyzePackage(unpacked, TARBALL_FILE_PATTERNS));
} finally {
	fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
