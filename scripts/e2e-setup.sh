#!/usr/bin/env bash
# Installs the n8n harness (kept apart from the package's own install): n8n 2.41.1 on Node 24.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT/harness"
if [ ! -x node_modules/n8n/bin/n8n ] || [ ! -f node_modules/sqlite3/build/Release/node_sqlite3.node ]; then
  echo "› installing n8n $(node -p "require('./package.json').dependencies.n8n") for the end-to-end harness (a few minutes)"
  # Native add-ons would download prebuilt binaries, which this network refuses: install without scripts
  # and build the one n8n needs at start (sqlite3) from source against Node 24's headers.
  with_progress "installing n8n (usually 5–7 minutes)" npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "› building sqlite3 for Node 24 (about 2 minutes)"
  with_progress "building sqlite3" npm rebuild sqlite3 --loglevel=error
fi
command -v openssl >/dev/null || { apt-get update -qq && apt-get install -y -qq openssl; }
command -v psql >/dev/null || echo "note: psql not found; queue-mode scenarios need PostgreSQL on 127.0.0.1:5432"
# Caddy's own parser checks deploy/Caddyfile (test/unit/deployment.test.ts): Debian's caddy binary,
# unpacked into harness/tools, not installed as a service.
CADDY="$ROOT/harness/tools/caddy/usr/bin/caddy"
if [ ! -x "$CADDY" ]; then
  echo "› Caddy (Debian package, unpacked) for checking the Caddyfile"
  tmp="$(mktemp -d)"
  (cd "$tmp" && { apt-get download caddy >/dev/null 2>&1 || { apt-get update -qq && apt-get download caddy >/dev/null 2>&1; }; })
  mkdir -p "$ROOT/harness/tools/caddy"
  dpkg-deb -x "$tmp"/caddy_*.deb "$ROOT/harness/tools/caddy"
  rm -rf "$tmp"
fi
# The website widget's browser tests drive Debian's chromium with playwright-core (test/e2e/website.e2e.test.ts).
if ! command -v chromium >/dev/null; then
  echo "› chromium (Debian package) for the website's browser tests"
  apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
fi
