#!/usr/bin/env bash
# The test command: installs what it needs, builds, lints, and runs every test suite.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
bash scripts/install.sh
echo "› lint"
npm run lint --silent
echo "› unit and node tests"
npx jest --ci
