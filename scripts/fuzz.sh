#!/usr/bin/env bash
# `make fuzz`: coverage-guided fuzzing of every core entry point (fuzz/entries) with
# cargo-fuzz and libFuzzer on the nightly toolchain. Seeds fuzz/corpus/<target>/ from the
# core's test data, runs each target in turn, single process, until FUZZ_RUNS inputs or
# FUZZ_SECONDS, and prints one table. A crash input is copied into
# fuzz/regressions/<target>/ (commit it: the stable pass of `make test` replays it), and
# the run fails.
#
#   FUZZ_RUNS=1000000    inputs per target (-1: no limit but the time cap)
#   FUZZ_SECONDS=600     time cap per target, so a run always ends
#   FUZZ_TARGETS="a b"   only these targets (default: all, see `dbx-check-fuzz list`)
#   FUZZ_SANITIZER=none  or address: the core has no unsafe code, and without ASan
#                        libFuzzer runs about twice as many inputs in the same time
set -uo pipefail
cd "$(dirname "$0")/.."

RUNS=${FUZZ_RUNS:-1000000}
CAP=${FUZZ_SECONDS:-600}
SANITIZER=${FUZZ_SANITIZER:-none}
TRIPLE=x86_64-unknown-linux-gnu
LOGS=artifacts/fuzz
mkdir -p "$LOGS"

say() { printf '==> %s\n' "$*" >&2; }

scripts/tools.sh fuzz
say "seeding fuzz/corpus/ from crates/core/tests/data and fuzz/regressions/"
cargo build --profile fuzz-pass --locked -q -p dbx-check-fuzz || exit 1
target/fuzz-pass/dbx-check-fuzz seed fuzz/corpus >"$LOGS/seed.log" || exit 1
TARGETS=${FUZZ_TARGETS:-$(target/fuzz-pass/dbx-check-fuzz list)}
say "building the fuzz targets (nightly, sanitizer: $SANITIZER)"
(cd fuzz && cargo +nightly fuzz build -O -s "$SANITIZER") || exit 1

# stat NAME LOG: a value of libFuzzer's final statistics (-print_final_stats=1).
stat() { awk -v k="stat::$1:" '$1 == k { v = $2 } END { print v }' "$2"; }

rows=()
failed=0
for t in $TARGETS; do
    log="$LOGS/$t.log"
    found="fuzz/artifacts/$t"
    rm -rf "$found" && mkdir -p "$found" "fuzz/corpus/$t"
    say "fuzzing $t: $RUNS inputs or ${CAP}s (log: $log)"
    started=$(date +%s%N)
    # -timeout: an input slower than 10 s is a hang and counts as a crash.
    # The outer timeout only guards against libFuzzer itself not stopping.
    timeout --signal=INT $((CAP + 120)) "fuzz/target/$TRIPLE/release/$t" "fuzz/corpus/$t" \
        -runs="$RUNS" -max_total_time="$CAP" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -report_slow_units=1 -artifact_prefix="$found/" >"$log" 2>&1
    status=$?
    elapsed=$(($(date +%s%N) - started))
    crashes=0
    for input in "$found"/crash-* "$found"/timeout-* "$found"/oom-*; do
        [ -f "$input" ] || continue
        crashes=$((crashes + 1))
        mkdir -p "fuzz/regressions/$t"
        cp "$input" "fuzz/regressions/$t/"
        say "$t: crash input kept as fuzz/regressions/$t/$(basename "$input")"
        # The panic's own location is often in the standard library (a bad slice): the
        # backtrace's first line in crates/core names the line to fix.
        { grep -m1 -E "panicked at|ERROR: libFuzzer" -A1 "$log"; grep -m1 "crates/core/src" "$log"; } |
            sed 's/^ */    /' >&2
    done
    if [ "$crashes" -gt 0 ] || [ "$status" -ne 0 ]; then
        failed=$((failed + 1))
    fi
    note=""
    if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then note=" (exit $status, see $log)"; fi
    execs=$(stat number_of_executed_units "$log")
    # libFuzzer divides by whole seconds (0 for a run under one) and keeps the slowest
    # unit in whole seconds: below that, say so rather than print 0.
    rate=$(stat average_exec_per_sec "$log")
    if [ "${rate:-0}" = 0 ] && [ -n "$execs" ]; then rate=$((execs * 1000000000 / (elapsed + 1))); fi
    slowest=$(stat slowest_unit_time_sec "$log")
    if [ "${slowest:-0}" = 0 ]; then slowest="<1"; fi
    rows+=("$(printf '%-15s %12s %8s %13s %8s%s' "$t" "${execs:-?}" "${rate:-?}" "${slowest}s" "$crashes" "$note")")
done

printf '\n%-15s %12s %8s %13s %8s\n' target executions exec/s "slowest unit" crashes
printf '%s\n' "${rows[@]}"
if [ "$failed" -gt 0 ]; then
    printf '\n%d target(s) crashed or failed; crash inputs are in fuzz/regressions/\n' "$failed"
    exit 1
fi
