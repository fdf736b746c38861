#!/usr/bin/env bash
# Writers only (issue 15, target 3), for comparing one change with another under the same
# conditions: a fresh copy of `actionplan_bench` (made by bench/run.sh) each run, the release
# server on it, its task details warmed, then bench/writers.lua for DURATION seconds (10):
# 64 connections, 20 % signed-in writes (notes and state changes). Prints wrk's latency
# distribution, requests/s, POSTs sent and answered 201, and the new rows in the history.
#
#   bench/writers.sh [--duration SECONDS]
#   PRE_SQL="…" bench/writers.sh      # SQL run on the copy first (an index experiment)
#   RUST_LOG=info,tower_http=debug bench/writers.sh   # per-request latencies in the server log
#
# Environment: PG_URL (default postgres://postgres@127.0.0.1:5432), PORT (18080). The server
# log is left in bench/writers-server.log (not kept in git).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PORT=${PORT:-18080}
DURATION=10
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

COPY=actionplan_bench_writers
URL=$PG_URL/$COPY
BIN=target/release/actionplan
LOG=bench/writers-server.log
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
  psql_q "$PG_URL/postgres" -c "drop database if exists $COPY" || true
}
trap cleanup EXIT
psql_q() { PGOPTIONS=--client-min-messages=warning psql "$1" -X -q -t -A -v ON_ERROR_STOP=1 "${@:2}"; }

[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 1; }
psql_q "$PG_URL/postgres" -c "drop database if exists $COPY" -c "create database $COPY template actionplan_bench" \
  || { echo "needs actionplan_bench: run bench/run.sh first" >&2; exit 1; }
[ -n "${PRE_SQL:-}" ] && echo "$PRE_SQL" | psql_q "$URL"
TOKEN=$(DATABASE_URL=$URL "$BIN" user token --email quanly@bench.local --label bench 2>/dev/null | tail -n 1)
BUSY_UNIT=$(psql_q "$URL" -c "select u.id from task_units tu join units u on u.id = tu.unit_id
  where tu.role = 'lead' and not u.is_group group by u.id order by count(*) desc, u.id limit 1")
MAX_ID=$(psql_q "$URL" -c "select max(id) from tasks")
psql_q "$URL" -c "select id || ' ' || version || ' ' || state from tasks
  where not retired and state <> 'completed' and not pending_confirmation order by id % 7919, id limit 20000" \
  > "$WORK/write-tasks.txt"

RUST_LOG=${RUST_LOG:-info} DATABASE_URL=$URL BIND_ADDR=127.0.0.1:$PORT PUBLIC_READ=true "$BIN" serve > "$LOG" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.05; done
for _ in $(seq 1 6000); do grep -q 'task details warmed' "$LOG" && break; sleep 0.1; done

BEFORE=$(psql_q "$URL" -c "select count(*) from task_events")
MAX_ID=$MAX_ID BUSY_UNIT=$BUSY_UNIT QUERY=tiem+dia TOKEN=$TOKEN WRITE_TASKS=$WORK/write-tasks.txt \
  wrk -t2 -c64 -d"${DURATION}s" --timeout 10s --latency -H "Accept-Encoding: gzip, deflate, br" \
  -s bench/writers.lua "http://127.0.0.1:$PORT/" > "$WORK/wrk.txt"
AFTER=$(psql_q "$URL" -c "select count(*) from task_events")
grep -E "^ +(50|90|99)%|Requests/sec|POSTS|Non-2xx" "$WORK/wrk.txt"
echo "new rows in the history: $((AFTER - BEFORE)) ($(( (AFTER - BEFORE) / DURATION )) a second); ERROR lines in the server log: $(grep -c ERROR "$LOG" || true)"
