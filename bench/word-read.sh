#!/usr/bin/env bash
# Speed and peak memory of the Word/HTML readers (src/import/word) on a generated 1,000-task
# plan, as .docx and as a portal .html page; pass files to measure those instead.
#
#   bench/word-read.sh [FILE.docx|FILE.html]...
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --example word_read_bench
/usr/bin/time -f "peak RSS %M KB" target/release/examples/word_read_bench "$@"
