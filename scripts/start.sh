#!/usr/bin/env bash
# The main job on a fresh machine: installs and builds everything, then runs n8n with the
# clinic's package and workflows against the local sandboxes (SQLite, regular mode).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
bash scripts/install.sh
bash scripts/e2e-setup.sh
exec node dist/local/demo.js
