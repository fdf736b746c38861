#!/usr/bin/env bash
# Soak of the release server (a bench, not a test: run by hand, not in CI), on loopback only,
# bounded in time (the soak itself 60 s; about 2 minutes in all after the release build).
#
#   bench/soak.sh [--duration SECONDS] [--connections N] [--write-percent P] [--no-build]
#
# Makes the database `actionplan_soak` afresh (`actionplan gen`: 60 plans, 20,000 tasks, 400
# units, 100,000 history entries), a manager account, starts `actionplan serve` on 127.0.0.1:$PORT with PUBLIC_READ=true
# and drives it with examples/soak.rs: N connections (64) for the duration (60 s), reads of the
# main routes (overview, lists, task pages and API, overdue report) and P% (5) signed-in writes
# (notes through the JSON API with the session cookie and its CSRF token). It then checks every
# write in the database — answered 201: in the history exactly once; anything else: absent —
# and prints requests/s, statuses, latency, the server's RSS over time and a verdict (PASS: no
# 5xx, no transport error, no lost, doubled or phantom write, memory flat: RSS at the end within
# a fifth of RSS at 15 s). The output is saved to bench/soak-last-run.txt.
#
# Environment: PG_URL (default postgres://postgres@127.0.0.1:5432), PORT (18090).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PORT=${PORT:-18090}
DURATION=60
CONNS=64
WRITES=5
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift ;;
    --connections) CONNS=$2; shift ;;
    --write-percent) WRITES=$2; shift ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

DB=actionplan_soak
URL=$PG_URL/$DB
BASE=http://127.0.0.1:$PORT
BIN=target/release/actionplan
OUT=bench/soak-last-run.txt
EMAIL=soak@bench.local
PASSWORD="ngâm-tải Quý III nhiều kết nối 2026"
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { echo "== $*" >&2; }

command -v psql >/dev/null || { echo "psql is needed (apt-get install postgresql-client)" >&2; exit 1; }
if [ "$BUILD" = 1 ]; then
  log "cargo build --release (server and examples/soak.rs)"
  cargo build --release --quiet --bin actionplan --example soak
fi

log "making $DB afresh: 20,000 generated tasks"
psql "$PG_URL/postgres" -X -q -v ON_ERROR_STOP=1 -c "drop database if exists $DB with (force)" -c "create database $DB"
DATABASE_URL=$URL "$BIN" gen --force --decisions 60 --tasks 20000 --units 400 --events 100000 > "$WORK/gen.txt"
echo "$PASSWORD" | DATABASE_URL=$URL "$BIN" user add --email "$EMAIL" --name "Ngâm tải" \
  --role manager --password-stdin > /dev/null

log "starting the server on $BASE"
DATABASE_URL=$URL BIND_ADDR=127.0.0.1:$PORT PUBLIC_READ=true RUST_LOG=actionplan=warn \
  "$BIN" serve > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  curl -fs -o /dev/null "$BASE/healthz" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.05
done

log "soak: $CONNS connections, ${DURATION} s, ${WRITES}% signed-in writes"
set +e
target/release/examples/soak --base "$BASE" --db "$URL" --pid "$SERVER_PID" \
  --email "$EMAIL" --password "$PASSWORD" --duration "$DURATION" \
  --connections "$CONNS" --write-percent "$WRITES" | tee "$WORK/soak.txt"
status=${PIPESTATUS[0]}
set -e
{
  echo "bench/soak.sh --duration $DURATION --connections $CONNS --write-percent $WRITES"
  echo "$(date -u +%F) commit $(git rev-parse --short HEAD) on $(nproc) cores; server log errors: $(grep -c ' ERROR ' "$WORK/server.log" || true)"
  cat "$WORK/soak.txt"
} > "$OUT"
exit "$status"
