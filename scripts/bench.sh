#!/usr/bin/env bash
# Speed and memory measurements, compared with bench/targets.json (not part of the test command).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
bash scripts/install.sh
bash scripts/e2e-setup.sh
npx jest -c jest.bench.config.js --ci || true
npx jest -c jest.e2e.config.js --ci test/e2e/clinic -t 'latency' || true
node scripts/bench-table.js
node scripts/bench-check.js
