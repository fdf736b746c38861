#!/usr/bin/env bash
# Cold pages (issue 15, targets 1 and 4): the FIRST request of pages nobody asked for yet.
#
#   bench/cold.sh [--no-build] [--label TEXT]
#
# Against a release server on the 100,000-task database `actionplan_bench` (generated as
# bench/run.sh does when missing), one client requests 30 distinct, never requested URLs of
# each page below (other dates, units, searches) and prints p50/p95/max per page with ✓/✗
# against target 1 (p95 ≤ 50 ms, max ≤ 100 ms). Then target 4: 64 clients request one new page
# at once; its p99 must stay within 2× the cold time of the same page for another date. The server is started with the
# environment given (e.g. TASK_INDEX=off for the SQL path) after it has read its task details
# and task index (both in the background). Output is also saved to bench/cold-last-run.txt.
#
# Environment: PG_URL (default postgres://postgres@127.0.0.1:5432), PORT (18180); BENCH_DB
# (actionplan_bench) and COLD_P95 / COLD_MAX (50 / 100 ms) to measure another database
# against another bound (bench/run.sh --scale 1m: the 1,000,000-task database, target 2's
# p95 ≤ 250 ms); OUT (bench/cold-last-run.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PORT=${PORT:-18180}
BUILD=1
LABEL=${TASK_INDEX:+TASK_INDEX=$TASK_INDEX}
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --label) LABEL=$2; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

BENCH_DB=${BENCH_DB:-actionplan_bench}
BENCH_URL=$PG_URL/$BENCH_DB
BASE=http://127.0.0.1:$PORT
BIN=${BIN:-target/release/actionplan}
OUT=${OUT:-bench/cold-last-run.txt}
COLD_P95=${COLD_P95:-50}
COLD_MAX=${COLD_MAX:-100}
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
psql_admin() { psql "$PG_URL/postgres" -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }
psql_bench() { psql "$BENCH_URL" -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }
log() { echo "== $*" >&2; }

[ "$BUILD" = 1 ] && { log "cargo build --release"; cargo build --release --quiet; }
exists=$(psql_admin -c "select count(*) from pg_database where datname = '$BENCH_DB'")
tasks=0
[ "$exists" = 1 ] && tasks=$(psql_bench -c "select count(*) from tasks" 2>/dev/null || echo 0)
if [ "$tasks" -lt 100000 ] && [ "$BENCH_DB" = actionplan_bench ]; then
  log "generating $BENCH_DB (300 decisions, 100,000 tasks, 2,000 units, 1,000,000 events)"
  DATABASE_URL=$BENCH_URL "$BIN" gen --force --decisions 300 --tasks 100000 --units 2000 --events 1000000 > /dev/null
fi

log "starting the server on $BASE ${LABEL:-}"
DATABASE_URL=$BENCH_URL BIND_ADDR=127.0.0.1:$PORT PUBLIC_READ=true "$BIN" serve > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  curl -fs -o /dev/null "$BASE/healthz" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.05
done
# Measuring while the server reads its task details (and its index) would load the machine twice.
for _ in $(seq 1 6000); do
  grep -q 'task details warmed' "$WORK/server.log" && break
  sleep 0.1
done
if [ "${TASK_INDEX:-on}" != off ]; then
  for _ in $(seq 1 3000); do
    grep -q 'task index loaded' "$WORK/server.log" && break
    sleep 0.1
  done
fi
INDEX_NOTE=$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/server.log" | grep -m1 'task index loaded' \
  | grep -oE '(tasks|ms)=[0-9]+' | tr '\n' ' ' || true)

# 30 distinct dates per page (a page's dates are shared with no other page), busy units, and
# searches of two words taken from the tasks' own folded text.
dates() { psql_bench -c "select (date '2022-01-03' + $1 + 23 * g)::text from generate_series(0, 29) g"; }
mapfile -t UNITS < <(psql_bench -c "select u.id from task_units tu join units u on u.id = tu.unit_id
  where tu.role = 'lead' and not u.is_group group by u.id order by count(*) desc, u.id limit 60")
mapfile -t QUERIES < <(psql_bench -c "select w[4] || '+' || w[5] from (
    select regexp_split_to_array(search_text, ' ') as w from task_texts where task_id % 997 = 0 order by task_id limit 200) x
  where length(w[4]) > 1 and length(w[5]) > 1 limit 30")

# page label, then URLs on stdin -> "p50 p95 max" (ms), one request at a time
cold() {
  local args=() url
  while read -r url; do args+=(-o /dev/null "$BASE$url"); done
  curl -s -w '%{http_code} %{time_total}\n' -H 'Accept-Encoding: gzip' "${args[@]}" > "$WORK/times"
  if grep -qv '^200 ' "$WORK/times"; then echo "non-200 answers: $(grep -cv '^200 ' "$WORK/times")" >&2; fi
  awk '{ print $2 * 1000 }' "$WORK/times" | sort -n | awk '
    { v[NR] = $1 } END { i95 = int(NR * 0.95 + 0.999); printf "%.1f %.1f %.1f\n", v[int((NR + 1) / 2)], v[i95], v[NR] }'
}

{
  echo "cold pages, $(date -u +'%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)$(git diff --quiet -- src 2>/dev/null || echo ' + local changes') ${LABEL:-}"
  echo "machine: $(nproc) cores; data: $(psql_bench -c "select format('%s decisions, %s tasks, %s units, %s events', (select count(*) from decisions), (select count(*) from tasks), (select count(*) from units), (select count(*) from task_events))"); index: ${INDEX_NOTE:-off}"
  echo "one client, 30 distinct URLs per page, each requested once; bound: p95 ≤ $COLD_P95 ms, max ≤ $COLD_MAX ms"
  printf "%-44s %8s %8s %8s  %s\n" "page (first request)" "p50 ms" "p95 ms" "max ms" "bound"
} | tee "$OUT"

declare -A P50
row() {
  local label=$1 r p50 p95 max mark
  r=$(cold)
  read -r p50 p95 max <<< "$r"
  P50[$label]=$p50
  mark=$(awk -v a="$p95" -v b="$max" -v p="$COLD_P95" -v m="$COLD_MAX" 'BEGIN { print (a <= p && b <= m) ? "✓" : "✗" }')
  printf "%-44s %8s %8s %8s  %s\n" "$label" "$p50" "$p95" "$max" "$mark" | tee -a "$OUT"
}
# (process substitution, not a pipe: `row` keeps each page's p50 for target 4)
row '/?as_of=D overview' < <(dates 0 | sed 's|^|/?as_of=|')
row '/reports/overdue?as_of=D' < <(dates 1 | sed 's|^|/reports/overdue?as_of=|')
row '/tasks?lead_unit=U&as_of=D' < <(paste -d' ' <(printf '%s\n' "${UNITS[@]:0:30}") <(dates 2) \
  | awk '{ print "/tasks?lead_unit=" $1 "&as_of=" $2 }')
row '/tasks?q=WORDS' < <(printf '%s\n' "${QUERIES[@]}" | sed 's|^|/tasks?q=|')
row '/api/v1/tasks?category=overdue&as_of=D' < <(dates 3 | sed 's|^|/api/v1/tasks?category=overdue\&as_of=|')
row '/units/U?as_of=D' < <(paste -d' ' <(printf '%s\n' "${UNITS[@]:30:30}") <(dates 4) \
  | awk '{ print "/units/" $1 "?as_of=" $2 }')

# Target 4: 64 clients ask for the same new page at once.
echo | tee -a "$OUT"
echo "target 4: 64 clients request one new page at once; p99 ≤ 2× the page's cold time (the page for another new date, alone)" | tee -a "$OUT"
printf "%-44s %8s %8s %8s  %s\n" "page" "p50 ms" "p99 ms" "2×cold" "target 4" | tee -a "$OUT"
crowd() {
  local label=$1 url=$2 sibling=$3 cold p50 p99 mark
  local args=() i
  # The page's cold time: the same page for another new date, requested alone.
  cold=$(curl -s -o /dev/null -w '%{time_total}' -H 'Accept-Encoding: gzip' "$BASE$sibling" | awk '{ print $1 * 1000 }')
  for i in $(seq 1 64); do args+=(-o /dev/null "$BASE$url"); done
  # One curl, 64 connections opened at once (64 curl processes would load the 2 cores more
  # than the server does).
  curl -s --no-progress-meter -Z --parallel-immediate --parallel-max 64 -w '%{time_total}\n' -H 'Accept-Encoding: gzip' "${args[@]}" \
    | awk '{ print $1 * 1000 }' | sort -n > "$WORK/crowd"
  p50=$(sed -n 32p "$WORK/crowd"); p99=$(sed -n 64p "$WORK/crowd")
  mark=$(awk -v a="$p99" -v c="$cold" 'BEGIN { print (a <= 2 * c) ? "✓" : "✗" }')
  printf "%-44s %8.1f %8.1f %8.1f  %s\n" "$label" "$p50" "$p99" "$(awk -v c="$cold" 'BEGIN { print 2 * c }')" "$mark" | tee -a "$OUT"
}
crowd '/?as_of=2025-03-03' '/?as_of=2025-03-03' '/?as_of=2025-03-13'
crowd '/reports/overdue?as_of=2025-03-04' '/reports/overdue?as_of=2025-03-04' '/reports/overdue?as_of=2025-03-14'
crowd "/tasks?q=${QUERIES[0]}&as_of=2025-03-05" "/tasks?q=${QUERIES[0]}&as_of=2025-03-05" "/tasks?q=${QUERIES[1]}&as_of=2025-03-15"
sed 's/\x1b\[[0-9;]*m//g' "$WORK/server.log" | grep -E 'ERROR|panicked' | head -5 >&2 || true
