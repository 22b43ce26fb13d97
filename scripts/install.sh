#!/usr/bin/env bash
# Installs the package's own dependencies and builds it. Fast: n8n itself is not installed here.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "› npm ci"
  with_progress "installing the package's dependencies" npm ci --no-audit --no-fund --loglevel=error
fi
echo "› build"
npm run build --silent
