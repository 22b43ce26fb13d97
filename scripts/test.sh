#!/usr/bin/env bash
# The test command: installs what it needs, builds, lints, runs the unit and node
# tests, then the end-to-end scenarios in real n8n (regular mode, then queue mode).
set -uo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
set -e
bash scripts/install.sh
echo "› lint (n8n-node lint)"
npm run lint --silent
echo "› n8n's community-package scan: source and packed tarball"
node scripts/scan-package.mjs
bash scripts/e2e-setup.sh
set +e
reports="$ROOT/harness/.run/reports"
rm -rf "$reports" && mkdir -p "$reports"
echo "› unit and node tests"
npx jest --ci --json --outputFile="$reports/unit.json"
echo "› end-to-end: real n8n, regular mode (SQLite)"
npx jest -c jest.e2e.config.js --ci --json --outputFile="$reports/e2e-regular.json"
echo "› end-to-end: real n8n, queue mode (PostgreSQL + Redis: main, a webhook process, a worker)"
E2E_MODE=queue npx jest -c jest.e2e.config.js --ci test/e2e/booking test/e2e/blocks test/e2e/faults --json --outputFile="$reports/e2e-queue.json"
node scripts/summary.js "$reports/unit.json" "$reports/e2e-regular.json" "$reports/e2e-queue.json"
