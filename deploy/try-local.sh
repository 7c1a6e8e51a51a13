#!/usr/bin/env bash
# Bring up on this machine what docs/deploy.md describes — two `yinjian serve` instances on one
# PostgreSQL database behind nginx with TLS (a self-signed certificate) — then run the browser
# smoke test through https:// (sign-in, one look-up and comparison; Secure __Host- cookie and
# HSTS through the proxy). Everything lives in a scratch folder and is removed at the end.
#
#   deploy/try-local.sh            (make test-deploy; part of make test)
# Needs: nginx and openssl (installed from Debian's packages when missing), a PostgreSQL server
# at TEST_DATABASE_URL, the built site (target/site) and server (YINJIAN_BIN, default debug).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${YINJIAN_BIN:-$ROOT/target/debug/yinjian}
SITE=${YINJIAN_SITE_ROOT:-$ROOT/target/site}
PG=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
PORT=${DEPLOY_PORT:-8443}
P1=${DEPLOY_P1:-3931}
P2=${DEPLOY_P2:-3932}

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  echo ">> installing nginx from Debian's packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$BIN" ] || { echo "no server at $BIN (make server-debug)" >&2; exit 1; }
[ -f "$SITE/pkg/yinjian.js" ] || { echo "no site at $SITE (make site-debug)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/yinjian-deploy.XXXXXX)
DB="yinjian_deploy_$$"
DB_URL="${PG%/*}/$DB"
PIDS=()
cleanup() {
  set +e
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  psql "$PG" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

echo ">> scratch $WORK, database $DB"
psql "$PG" -qc "CREATE DATABASE $DB" >/dev/null
# the self-signed certificate of the proxy
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null
mkdir -p "$WORK"/{client_body,proxy,fastcgi,uwsgi,scgi}
sed -e "s#@PREFIX@#$WORK#g" -e "s#@PORT@#$PORT#g" -e "s#@CERT@#$WORK/tls.crt#g" -e "s#@KEY@#$WORK/tls.key#g" \
  -e "s#@UPSTREAMS@#server 127.0.0.1:$P1; server 127.0.0.1:$P2;#" deploy/nginx.conf.template > "$WORK/nginx.conf"

# the environment both instances share (docs/deploy.md)
export DATABASE_URL="$DB_URL" YINJIAN_TRAIL_KEY_FILE="$WORK/trail.key" YINJIAN_SITE_ROOT="$SITE" \
  YINJIAN_PUBLIC_ORIGIN="https://localhost:$PORT" YINJIAN_TRUSTED_PROXIES=127.0.0.1 \
  YINJIAN_TRAIL_FORWARD="file:$WORK/trail.jsonl" RUST_LOG=warn
# the first instance seeds the demo accounts (and creates the trail key), the second joins it
YINJIAN_DEMO=true YINJIAN_ADDR=127.0.0.1:$P1 "$BIN" serve > "$WORK/one.out" 2> "$WORK/one.err" &
PIDS+=($!)
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/one.out" 2>/dev/null && break; sleep 0.2; done
grep -q "listening on" "$WORK/one.out" || { cat "$WORK/one.err"; exit 1; }
YINJIAN_ADDR=127.0.0.1:$P2 "$BIN" serve > "$WORK/two.out" 2> "$WORK/two.err" &
PIDS+=($!)
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/two.out" 2>/dev/null && break; sleep 0.2; done
grep -q "listening on" "$WORK/two.out" || { cat "$WORK/two.err"; exit 1; }
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" -g "user $(id -un);"
for _ in $(seq 1 50); do curl -skf "https://localhost:$PORT/healthz" >/dev/null && break; sleep 0.2; done
curl -skf "https://localhost:$PORT/healthz"; echo

# the demo accounts the first instance printed, for the browser test
mkdir -p end2end/.run
grep '^DEMO ' "$WORK/one.out" | awk '{ print }' > "$WORK/demo.txt"
node -e '
  const fs = require("fs");
  const acc = {};
  for (const l of fs.readFileSync(process.argv[1], "utf8").split("\n")) {
    const m = l.match(/^DEMO (\S+)\s+(\S+)\s+.*password: (\S+)\s*$/);
    if (m) acc[m[1]] = { employeeNo: m[2], password: m[3] };
  }
  fs.writeFileSync(process.argv[2], JSON.stringify({ accounts: acc, audit: process.argv[3] }, null, 2));
' "$WORK/demo.txt" end2end/.run/deploy-state.json "$WORK/trail.jsonl"

cd end2end
DEPLOY_BASE="https://localhost:$PORT" ./node_modules/.bin/playwright test -c playwright.deploy.config.ts
echo ">> deploy smoke test passed through https://localhost:$PORT (two instances, one PostgreSQL)"
