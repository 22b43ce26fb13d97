#!/usr/bin/env bash
# Parsers of public input on hostile strings: lib/ at REV (default: the first commit) against the working tree.
#   bash scripts/bench-public-input.sh [REV]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
rev=${1:-$(git rev-list --max-parents=0 HEAD | tail -1)}
rm -rf .bench-base && mkdir -p .bench-base
git archive "$rev" lib | tar -x -C .bench-base
trap 'rm -rf .bench-base /tmp/bench-public-input.js' EXIT
npx esbuild bench/public-input.ts --bundle --platform=node --outfile=/tmp/bench-public-input.js --log-level=error
echo "lib/ at $(git rev-parse --short "$rev") → working tree"
node /tmp/bench-public-input.js
