#!/usr/bin/env bash
# The main job on a fresh machine: installs and builds everything, then runs n8n with the
# clinic's package and workflows against the local sandboxes (SQLite, regular mode).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# What the demo listens on (127.0.0.1): n8n, then the sandboxes (MediRecords, Graph, JotForm, Stripe, ops
# alerts, proxy, sample site, SMTP). A port taken is named before anything is installed.
export N8N_PORT="${N8N_PORT:-5678}"
for port in "$N8N_PORT" 4010 4011 4012 4013 4014 4015 4016 4025; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    who="$(ss -Hltnp "sport = :$port" 2>/dev/null | sed -n 's/.*users:((\("[^"]*"\),pid=\([0-9]*\).*/\1 (pid \2)/p' | head -1)"
    echo "Port $port on 127.0.0.1 is already in use${who:+ by $who}: is an earlier \`npm start\` still running?" >&2
    if [ "$port" = "$N8N_PORT" ]; then
      echo "Stop it, or start n8n on another port: N8N_PORT=5679 bash scripts/start.sh" >&2
    else
      echo "The demo's sandboxes need ports 4010–4016 and 4025: stop what uses port $port, then start again." >&2
    fi
    exit 1
  fi
done
if [ ! -x harness/node_modules/n8n/bin/n8n ]; then
  free_kb="$(df -Pk "$ROOT" | awk 'NR == 2 { print $4 }')"
  echo "› first start on this machine: about 12 minutes and 3 GB of disk (n8n 2.41.1 and Node.js 24 are installed into harness/); later starts take seconds"
  if [ -n "$free_kb" ] && [ "$free_kb" -lt 3500000 ]; then
    echo "Only $((free_kb / 1024)) MB free where this folder is: the install needs about 3 GB. Free some space first." >&2
    exit 1
  fi
fi
source scripts/env.sh
bash scripts/install.sh
bash scripts/e2e-setup.sh
exec node dist/local/demo.js
