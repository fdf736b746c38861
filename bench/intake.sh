#!/usr/bin/env bash
# Speed of the intake page (/plans/import) on a generated 1,000-task .docx, through its HTTP
# routes (in process): upload, preview, save of the code, preview with the difference, commit;
# for a new plan and for a revision that changes every task. Release build.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:PORT/actionplan_intake_bench bench/intake.sh
#
# The database is created if missing and its plan data REPLACED (generated plans and a
# registry of 2,000 units); accounts other than the bench's own stay. Use a database of your own.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to a database of your own (its plan data is replaced)}"
cargo build --release --example intake_bench
target/release/examples/intake_bench
