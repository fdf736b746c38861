#!/usr/bin/env bash
# Benchmark of the release server at ministry-wide scale (300 decisions, 100,000 tasks, 2,000
# units, 1,000,000 history entries), on loopback only, bounded in time (about 7 minutes, plus
# about 1 minute when the database is generated and the time `cargo build --release` needs).
#
#   bench/run.sh [--scale 100k|1m] [--regen] [--duration SECONDS] [--no-build]
#
# Ends with issue 15's targets, each with ✓/✗: (1) cold pages (bench/cold.sh on the same
# database), (2) with --scale 1m the 1,000,000-task database (`actionplan_bench_1m`, generated
# with 3,000 decisions, 20,000 units and 10,000,000 history entries, timed): kept pages, cold
# pages, RSS and start-up, (3) writers: 64 connections with 20 % signed-in writes
# (bench/writers.lua: notes and state changes), (4) one new page and 64 clients, (5) search
# within the cold bound.
#
# Generates the database `actionplan_bench` when it is missing (or with --regen) and opens a
# reporting round over every task in it (`actionplan gen --round`) when it has none, starts
# `actionplan serve` on 127.0.0.1:18080 with PUBLIC_READ=true, waits until it has read today's
# task details into their file (about 15 s at 100,000 tasks, 2–3 min at 1,000,000), drives each route with wrk at 16 and 64 connections,
# and prints requests/s, p50 and p99 latency, failed responses and the share of /healthz's
# requests/s in the same run; then random task pages once more with TASK_CACHE_MB=0 (every
# page from the database), the server's peak RSS, its start-up time, and import times of the
# seeds and of a generated 10,000-task plan into an empty database. The printed table is saved
# to bench/last-run.txt.
#
# Environment: PG_URL (default postgres://postgres@127.0.0.1:5432), PORT (18080).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PORT=${PORT:-18080}
DURATION=12
REGEN=0
BUILD=1
SCALE=100k
while [ $# -gt 0 ]; do
  case "$1" in
    --regen) REGEN=1 ;;
    --duration) DURATION=$2; shift ;;
    --no-build) BUILD=0 ;;
    --scale) SCALE=$2; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

case "$SCALE" in
  100k) BENCH_DB=actionplan_bench; GEN_ARGS=(--decisions 300 --tasks 100000 --units 2000 --events 1000000)
        MIN_TASKS=100000; COLD_P95=50; COLD_MAX=100 ;;
  1m) BENCH_DB=actionplan_bench_1m; GEN_ARGS=(--decisions 3000 --tasks 1000000 --units 20000 --events 10000000)
      MIN_TASKS=1000000; COLD_P95=250; COLD_MAX=100000 ;;
  *) echo "--scale is 100k or 1m" >&2; exit 2 ;;
esac
SCRATCH_DB=actionplan_bench_import
BENCH_URL=$PG_URL/$BENCH_DB
BASE=http://127.0.0.1:$PORT
BIN=target/release/actionplan
OUT=bench/last-run.txt
[ "$SCALE" = 1m ] && OUT=bench/last-run-1m.txt
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  # The measured server's log, for what a figure alone does not say (not kept in git).
  [ -f "$WORK/server.log" ] && cp "$WORK/server.log" bench/run-server.log
  rm -rf "$WORK"
}
trap cleanup EXIT

psql_admin() { psql "$PG_URL/postgres" -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }
psql_bench() { psql "$BENCH_URL" -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
log() { echo "== $*" >&2; }

if ! command -v wrk >/dev/null; then
  log "installing wrk (Debian package)"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null
  fi
fi
command -v psql >/dev/null || { echo "psql is needed (apt-get install postgresql-client)" >&2; exit 1; }

if [ "$BUILD" = 1 ]; then
  log "cargo build --release"
  cargo build --release --quiet
fi

GEN_NOTE="existing database reused"
exists=$(psql_admin -c "select count(*) from pg_database where datname = '$BENCH_DB'")
tasks=0
if [ "$exists" = 1 ]; then
  tasks=$(psql_bench -c "select count(*) from tasks" 2>/dev/null || echo 0)
fi
GEN_SECONDS=
if [ "$REGEN" = 1 ] || [ "$tasks" -lt "$MIN_TASKS" ]; then
  log "generating $BENCH_DB (${GEN_ARGS[*]})"
  t0=$(now)
  DATABASE_URL=$BENCH_URL "$BIN" gen --force "${GEN_ARGS[@]}" > "$WORK/gen.txt"
  GEN_SECONDS=$(elapsed "$t0")
  GEN_NOTE="generated in $GEN_SECONDS s ($(grep -o 'ghi dữ liệu [0-9.]* s' "$WORK/gen.txt"))"
fi

TOKEN=$(DATABASE_URL=$BENCH_URL "$BIN" user token --email quanly@bench.local --label bench 2>/dev/null | tail -n 1) || {
  echo "no benchmark manager account in $BENCH_DB: run bench/run.sh --regen" >&2; exit 1; }
ROUND=$(psql_bench -c "select coalesce(max(id), 0) from rounds where title like '%(đo hiệu năng)'" 2>/dev/null || echo 0)
ROUND_NOTE="round $ROUND reused"
if [ "$ROUND" = 0 ]; then
  log "opening a reporting round over every task (actionplan gen --round)"
  DATABASE_URL=$BENCH_URL "$BIN" gen --round > "$WORK/round.txt"
  ROUND=$(grep -o 'round_id=[0-9]*' "$WORK/round.txt" | cut -d= -f2)
  ROUND_NOTE=$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/round.txt" | grep -vE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' | head -n 1)
fi
ROUND_LINES=$(psql_bench -c "select count(*) from round_lines where round_id = $ROUND")
BUSY_UNIT=$(psql_bench -c "select u.id from task_units tu join units u on u.id = tu.unit_id
  where tu.role = 'lead' and not u.is_group group by u.id order by count(*) desc, u.id limit 1")
BUSY_TASKS=$(psql_bench -c "select count(distinct task_id) from task_units where unit_id = $BUSY_UNIT and role = 'lead'")
MAX_ID=$(psql_bench -c "select max(id) from tasks")
TASK_ID=$((MAX_ID / 2))
QUERY="tiem+dia"
QUERY_HITS=$(psql_bench -c "select count(*) from tasks t join task_texts x on x.task_id = t.id
  where not t.retired and x.search_text like '% tiem%' and x.search_text like '% dia%'")

log "starting the server on $BASE"
t0=$(now)
DATABASE_URL=$BENCH_URL BIND_ADDR=127.0.0.1:$PORT PUBLIC_READ=true \
  "$BIN" serve >> "$WORK/server.log" 2>&1 &
SERVER_PID=$!
# The server's RSS every 0.2 s ("seconds kB"), and when each phase began ("seconds label"): which
# phase the peak fell in is printed with it. Each phase's start is marked in the server's log too.
phase() {
  echo "$(now) $*" >> "$WORK/phases.log"
  echo "$(date -u +%FT%T.%NZ) bench: $*" >> "$WORK/server.log"
}
phase "start-up and warming"
( while kill -0 "$SERVER_PID" 2>/dev/null; do
    awk -v t="$(now)" '/VmRSS/ { print t, $2 }' "/proc/$SERVER_PID/status" 2>/dev/null
    sleep 0.2
  done >> "$WORK/rss.log" ) &
for _ in $(seq 1 600); do
  curl -fs -o /dev/null "$BASE/healthz" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.01
done
STARTUP=$(elapsed "$t0")
# Serving means pages too, whatever is still warming: the overview's first answer.
curl -fs -o /dev/null "$BASE/" || true
STARTUP_PAGE=$(elapsed "$t0")
# The server links the generated plans to their programme on start (src/db/programmes.rs).
PROGRAMME=$(psql_bench -c "select coalesce(max(programme_id), 0) from decision_programmes")

# The server reads every task's detail into its file in the background after start
# (src/task_details.rs); measuring while it does would load the machine twice.
log "waiting for the server to keep today's task details in their file"
for _ in $(seq 1 6000); do
  grep -q 'task details warmed' "$WORK/server.log" && break
  sleep 0.1
done
WARMED=$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/server.log" | grep -m1 'task details warmed' \
  | grep -oE '(entries|bytes|seconds)=[0-9.]+' | tr '\n' ' ' || true)

# A server that has run for a while has its database in memory (PostgreSQL's buffers and the
# system's file cache); right after a generation, or after a build pushed it out, it may be on
# disk, and the random task pages at 1,000,000 tasks (5 GB) would measure the disk. pg_prewarm
# (PostgreSQL's contrib) reads every table and index into the file cache first, so that runs do
# not depend on what the cache happened to hold; where it is missing the runs go on and the
# output says so.
log "reading the database into the system's file cache (pg_prewarm)"
t0=$(now)
if PREWARMED=$(psql_bench -c "create extension if not exists pg_prewarm" \
    -c "select sum(pg_prewarm(c.oid, 'read')) * 8 / 1024 from pg_class c
          join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'i', 't')" 2>/dev/null); then
  PREWARM_NOTE="database read into the file cache first (pg_prewarm): $PREWARMED MB in $(elapsed "$t0") s"
else
  PREWARM_NOTE="pg_prewarm not available: the database was not read into the file cache first"
fi

# wrk sends what a browser sends for compression.
WRK_HEADERS=(-H "Accept-Encoding: gzip, deflate, br")

# route label, path (or script:NAME), connections -> "rps p50_ms p99_ms bad"
run_wrk() {
  local path=$1 conns=$2 secs=$3 out args=()
  case "$path" in
    script:task_ids) args=(-s bench/task_ids.lua); path=/ ;;
    script:api_ids) args=(-s bench/task_ids.lua); path=/; export PREFIX=/api/v1/tasks/ ;;
    script:mixed) args=(-s bench/mixed.lua); path=/ ;;
  esac
  phase "$1 at $conns connections"
  out=$(MAX_ID=$MAX_ID BUSY_UNIT=$BUSY_UNIT QUERY=$QUERY TOKEN=$TOKEN \
    wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s --latency "${WRK_HEADERS[@]}" "${args[@]}" "$BASE$path")
  unset PREFIX
  echo "$out" >> "$WORK/wrk.log"
  echo "$out" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /Requests\/sec/ { rps = $2 }
    /Non-2xx or 3xx/ { bad += $5 }
    /Socket errors/ { gsub(",", ""); bad += $4 + $6 + $8 + $10 }
    /^POSTS/ { posts = $2; created = $4 }
    END { printf "%s %.2f %.2f %d %s %s\n", rps, p50, p99, bad, (posts == "" ? "-" : posts), (created == "" ? "-" : created) }'
}

# label|path (or script:NAME)|kept-page target class at 16 connections (issue 15, target 2):
#   task: ≥ 20 % of /healthz, p99 ≤ 10 ms; list: ≥ 10 %, p99 ≤ 25 ms; report: ≥ 5 %, p99 ≤ 50 ms
ROUTES=(
  "healthz|/healthz|-"
  "overview /|/|report"
  "/tasks?lead_unit=$BUSY_UNIT|/tasks?lead_unit=$BUSY_UNIT|list"
  "/tasks?q=$QUERY|/tasks?q=$QUERY|list"
  "/tasks/{random id}|script:task_ids|task"
  "/tasks/$TASK_ID|/tasks/$TASK_ID|task"
  "/reports/overdue?as_of=2024-06-30|/reports/overdue?as_of=2024-06-30|report"
  "/api/v1/tasks?category=overdue|/api/v1/tasks?category=overdue|list"
  "/api/v1/tasks/{random id}|script:api_ids|task"
  "/rounds/{round} progress|/rounds/$ROUND|report"
  "/rounds/{round}/units/{busy unit}|/rounds/$ROUND/units/$BUSY_UNIT|list"
  "/rounds/{round}/missing|/rounds/$ROUND/missing|list"
  "/api/v1/rounds|/api/v1/rounds|list"
  "/programmes/{id}|/programmes/$PROGRAMME|report"
  "mixed, 5% POST note|script:mixed|-"
)
# The kept-page target of a class: minimum share of /healthz's requests/s, maximum p99 (ms).
kept_bound() { case "$1" in task) echo "20 10" ;; list) echo "10 25" ;; report) echo "5 50" ;; *) echo "" ;; esac; }
KEPT_FAILED=()

OVERDUE_STATUS=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/reports/overdue?as_of=2024-06-30")

log "warming up (2 s per route)"
for entry in "${ROUTES[@]}"; do
  path=${entry#*|}; path=${path%|*}
  [ "$path" = "/reports/overdue?as_of=2024-06-30" ] && [ "$OVERDUE_STATUS" = 404 ] && continue
  [ "$path" = "script:mixed" ] && continue
  run_wrk "$path" 8 2 > /dev/null
done

{
  echo "actionplan benchmark, $(date -u +'%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet -- . ':!bench/last-run.txt' 2>/dev/null || echo ' + local changes')"
  echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM; $(psql_bench -c 'select version()' | cut -d' ' -f1-2); wrk -t2 on the same machine"
  echo "data: $(psql_bench -c "select format('%s decisions, %s tasks, %s units, %s events', (select count(*) from decisions), (select count(*) from tasks), (select count(*) from units), (select count(*) from task_events))"); $GEN_NOTE"
  echo "load average before the runs (other processes on the machine): $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "busy unit $BUSY_UNIT leads $BUSY_TASKS tasks; q=$QUERY matches $QUERY_HITS tasks; ${DURATION} s per run; Accept-Encoding: gzip, deflate, br"
  echo "reporting round $ROUND over every task: $ROUND_LINES lines; $ROUND_NOTE"
  echo "$PREWARM_NOTE"
  echo
  echo "kept-page target (16 connections): task ≥ 20 % of /healthz and p99 ≤ 10 ms; list ≥ 10 %, ≤ 25 ms; report ≥ 5 %, ≤ 50 ms"
  echo
  printf "%-38s %5s %9s %9s %9s %7s %8s  %s\n" "route" "conns" "req/s" "p50 ms" "p99 ms" "failed" "÷healthz" "kept"
} | tee "$OUT"

for conns in 16 64; do
  healthz_rps=
  for entry in "${ROUTES[@]}"; do
    label=${entry%%|*}
    path=${entry#*|}; class=${path##*|}; path=${path%|*}
    if [ "$path" = "/reports/overdue?as_of=2024-06-30" ] && [ "$OVERDUE_STATUS" = 404 ]; then
      printf "%-38s %5s %s\n" "$label" "$conns" "not implemented yet (404)" | tee -a "$OUT"
      continue
    fi
    read -r rps p50 p99 bad posts created < <(run_wrk "$path" "$conns" "$DURATION")
    [ -z "$healthz_rps" ] && healthz_rps=$rps
    share=$(awk -v a="$rps" -v b="$healthz_rps" 'BEGIN { printf "%.1f%%", (b > 0 ? 100 * a / b : 0) }')
    mark=-
    bound=$(kept_bound "$class")
    if [ "$conns" = 16 ] && [ -n "$bound" ]; then
      mark=$(awk -v r="$rps" -v h="$healthz_rps" -v p="$p99" -v b="$bad" -v bound="$bound" \
        'BEGIN { split(bound, x, " "); print (100 * r >= x[1] * h && p <= x[2] && b == 0) ? "✓" : "✗" }')
      [ "$mark" = ✗ ] && KEPT_FAILED+=("$label")
    fi
    printf "%-38s %5s %9.0f %9.2f %9.2f %7s %8s  %s" "$label" "$conns" "$rps" "$p50" "$p99" "$bad" "$share" "$mark" | tee -a "$OUT"
    [ "$posts" != "-" ] && printf "   (POST notes sent %s, 201 Created %s)" "$posts" "$created" | tee -a "$OUT"
    echo | tee -a "$OUT"
  done
done

# Target 3, writers: 64 connections, 20 % signed-in writes (half notes, half state changes of
# tasks not completed, each knowing its task's version), the rest the browsing mix. Every 201
# must be one new row in the history.
log "writers: 64 connections, 20% POST (notes and state changes)"
phase "writers at 64 connections"
psql_bench -c "select id || ' ' || version || ' ' || state from tasks
  where not retired and state <> 'completed' and not pending_confirmation order by id % 7919, id limit 20000" \
  > "$WORK/write-tasks.txt"
EVENTS_BEFORE=$(psql_bench -c "select count(*) from task_events")
out=$(MAX_ID=$MAX_ID BUSY_UNIT=$BUSY_UNIT QUERY=$QUERY TOKEN=$TOKEN WRITE_TASKS=$WORK/write-tasks.txt \
  wrk -t2 -c64 -d"${DURATION}s" --timeout 10s --latency "${WRK_HEADERS[@]}" -s bench/writers.lua "$BASE/")
echo "$out" >> "$WORK/wrk.log"
EVENTS_AFTER=$(psql_bench -c "select count(*) from task_events")
read -r W_RPS W_P50 W_P99 W_BAD W_POSTS W_CREATED < <(echo "$out" | awk '
  function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v }
  /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
  /Requests\/sec/ { rps = $2 }
  /Non-2xx or 3xx/ { bad += $5 }
  /Socket errors/ { gsub(",", ""); bad += $4 + $6 + $8 + $10 }
  /^POSTS/ { posts = $2; created = $4 }
  END { printf "%s %.2f %.2f %d %s %s\n", rps, p50, p99, bad, posts, created }')
W_WRITES=$(awk -v c="$W_CREATED" -v d="$DURATION" 'BEGIN { printf "%.0f", c / d }')
W_NEW_EVENTS=$((EVENTS_AFTER - EVENTS_BEFORE))
printf "%-38s %5s %9.0f %9.2f %9.2f %7s   (POST sent %s, 201 Created %s = %s writes/s; new history rows %s)\n" \
  "writers, 20% POST note/state" 64 "$W_RPS" "$W_P50" "$W_P99" "$W_BAD" "$W_POSTS" "$W_CREATED" "$W_WRITES" "$W_NEW_EVENTS" | tee -a "$OUT"
INDEX_STATS=$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/server.log" | grep -c 'task index loaded' || true)

RSS_PEAK=$(awk '/VmHWM/ { printf "%.0f MB", $2 / 1024 }' "/proc/$SERVER_PID/status")
# The highest sample of each phase, in the order they ran.
RSS_PHASES=$(sort -n -k1,1 "$WORK/phases.log" "$WORK/rss.log" | awk '
  $2 ~ /^[0-9]+$/ && NF == 2 { if ($2 > max[label]) max[label] = $2; next }
  { label = $0; sub(/^[^ ]+ /, "", label); if (!(label in seen)) { seen[label] = 1; order[++n] = label } }
  END { for (i = 1; i <= n; i++) printf "%s: %.0f MB\n", order[i], max[order[i]] / 1024 }')
RSS_NOW=$(awk '/VmRSS/ { printf "%.0f MB", $2 / 1024 }' "/proc/$SERVER_PID/status")
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
ERRORS=$(grep -c 'ERROR' "$WORK/server.log" || true)
WARNINGS=$(grep -c 'WARN' "$WORK/server.log" || true)

# The same random task pages with the task details read from the database every time, for
# comparison (a cold cache, a page as of another date).
log "random task pages without the kept task details (TASK_CACHE_MB=0)"
DATABASE_URL=$BENCH_URL BIND_ADDR=127.0.0.1:$PORT PUBLIC_READ=true TASK_CACHE_MB=0 \
  "$BIN" serve > "$WORK/server-nocache.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do curl -fs -o /dev/null "$BASE/healthz" && break; sleep 0.01; done
run_wrk script:task_ids 8 2 > /dev/null
read -r rps p50 p99 bad _ _ < <(run_wrk script:task_ids 16 "$DURATION")
printf "%-38s %5s %9.0f %9.2f %9.2f %7s   (not a target: every page from the database)\n" \
  "/tasks/{random id}, TASK_CACHE_MB=0" 16 "$rps" "$p50" "$p99" "$bad" | tee -a "$OUT"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
ERROR_KINDS=$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/server.log" | grep 'ERROR' | sed -E 's/^[^ ]+ +ERROR +//; s/[0-9a-f-]{36}//g' \
  | cut -c1-140 | sort | uniq -c | sort -rn | head -n 3 || true)

log "import timings on an empty scratch database"
fresh_scratch() {
  psql_admin -c "drop database if exists $SCRATCH_DB" -c "create database $SCRATCH_DB"
  DATABASE_URL=$PG_URL/$SCRATCH_DB "$BIN" migrate 2>/dev/null
}
fresh_scratch
t0=$(now)
DATABASE_URL=$PG_URL/$SCRATCH_DB "$BIN" import seeds/*.txt > "$WORK/import-seeds.txt"
SEEDS_IMPORT=$(elapsed "$t0")
"$BIN" gen --document "$WORK/plan-10000.txt" --tasks 10000 > /dev/null
fresh_scratch
t0=$(now)
DATABASE_URL=$PG_URL/$SCRATCH_DB "$BIN" import "$WORK/plan-10000.txt" > "$WORK/import-plan.txt"
PLAN_IMPORT=$(elapsed "$t0")
PLAN_TASKS=$(psql "$PG_URL/$SCRATCH_DB" -X -q -t -A -c "select count(*) from tasks")
psql_admin -c "drop database if exists $SCRATCH_DB"

{
  echo
  echo "server peak RSS (VmHWM): $RSS_PEAK (at the end: $RSS_NOW); ERROR lines in the server log: $ERRORS, WARN lines: $WARNINGS (bench/run-server.log)"
  [ -n "$ERROR_KINDS" ] && echo "$ERROR_KINDS" | sed 's/^/    /'
  echo "server RSS, highest sample (every 0.2 s) of each phase:"
  echo "$RSS_PHASES" | sed 's/^/    /'
  echo "start-up on the migrated database (process start to first /healthz answer): $STARTUP s; to the first overview page: $STARTUP_PAGE s"
  echo "today's task details kept in a file (the system's file cache), read in the background after start: ${WARMED:-not logged}"
  echo "import of both seeds into an empty database (actionplan import, process included): $SEEDS_IMPORT s"
  echo "import of a generated plan of $PLAN_TASKS tasks ($(du -k "$WORK/plan-10000.txt" | cut -f1) KB): $PLAN_IMPORT s"
} | tee -a "$OUT"

log "cold pages and one new page with 64 clients (bench/cold.sh)"
COLD_OUT=bench/cold-last-run.txt
[ "$SCALE" = 1m ] && COLD_OUT=bench/cold-last-run-1m.txt
BENCH_DB=$BENCH_DB COLD_P95=$COLD_P95 COLD_MAX=$COLD_MAX OUT=$COLD_OUT PORT=$PORT PG_URL=$PG_URL \
  bench/cold.sh --no-build --label "scale $SCALE" > /dev/null
COLD_PAGES=$(awk '/^page \(first request\)/ { on = 1; next } on && NF == 0 { on = 0 } on' "$COLD_OUT")
CROWD=$(awk '/^page +p50 ms +p99 ms/ { on = 1; next } on && NF > 0' "$COLD_OUT")
COLD_MARK=$(echo "$COLD_PAGES" | grep -q '✗' && echo ✗ || echo ✓)
CROWD_MARK=$(echo "$CROWD" | grep -q '✗' && echo ✗ || echo ✓)
SEARCH_LINE=$(echo "$COLD_PAGES" | grep '^/tasks?q=WORDS' || true)
SEARCH_MARK=$(echo "$SEARCH_LINE" | grep -q '✓' && echo ✓ || echo ✗)
mb() { echo "$1" | grep -oE '^[0-9]+'; }
yes_no() { [ "$1" = 1 ] && echo ✓ || echo ✗; }
{
  echo
  echo "issue 15 targets (scale $SCALE; cold pages in $COLD_OUT)"
  if [ "$SCALE" = 100k ]; then
    echo "  1 cold pages at 100,000 tasks, p95 ≤ 50 ms and max ≤ 100 ms each: $COLD_MARK"
    echo "$COLD_PAGES" | sed 's/^/      /'
  else
    gen_ok=$(awk -v g="${GEN_SECONDS:-0}" 'BEGIN { print (g > 0 && g <= 600) ? 1 : 0 }')
    kept_ok=$([ ${#KEPT_FAILED[@]} = 0 ] && echo 1 || echo 0)
    rss_ok=$(awk -v r="$(mb "$RSS_PEAK")" 'BEGIN { print (r <= 400) ? 1 : 0 }')
    start_ok=$(awk -v a="$STARTUP_PAGE" 'BEGIN { print (a <= 5) ? 1 : 0 }')
    echo "  2 at 1,000,000 tasks:"
    echo "      generated in ≤ 10 min: ${GEN_SECONDS:-not generated in this run (reused)} s $([ -n "$GEN_SECONDS" ] && yes_no "$gen_ok" || echo -)"
    echo "      kept pages at 16 connections within their class: $(yes_no "$kept_ok") ${KEPT_FAILED[*]:+(not: ${KEPT_FAILED[*]})}"
    echo "      cold pages p95 ≤ 250 ms: $COLD_MARK"
    echo "$COLD_PAGES" | sed 's/^/        /'
    echo "      server peak RSS ≤ 400 MB: $RSS_PEAK $(yes_no "$rss_ok")"
    echo "      start-up to serving pages ≤ 5 s: $STARTUP_PAGE s $(yes_no "$start_ok")"
  fi
  w_ok=$(awk -v w="$W_WRITES" -v p="$W_P99" -v b="$W_BAD" 'BEGIN { print (w >= 1000 && p <= 50 && b == 0) ? 1 : 0 }')
  # Requests still in flight when wrk stops may be written without their 201 being counted:
  # every 201 is a row, and no row is without a request.
  once=$([ "$W_CREATED" -le "$W_NEW_EVENTS" ] && [ "$W_NEW_EVENTS" -le "$W_POSTS" ] && echo 1 || echo 0)
  echo "  3 writers, 64 connections, 20 % writes: $W_WRITES writes/s (≥ 1,000), p99 $W_P99 ms (≤ 50), failed $W_BAD: $(yes_no "$w_ok"); every 201 in the history ($W_CREATED answers 201 ≤ $W_NEW_EVENTS new rows ≤ $W_POSTS sent): $(yes_no "$once")"
  echo "  4 one new page, 64 clients, p99 ≤ 2 × its cold time: $CROWD_MARK"
  echo "$CROWD" | sed 's/^/      /'
  echo "  5 search by whole syllables ranked (tests: domain::search, api::search_takes_whole_syllables…), cold within the bound: $SEARCH_MARK"
  echo "      $SEARCH_LINE"
} | tee -a "$OUT"
