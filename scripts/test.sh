#!/usr/bin/env bash
# Runs every check and test runner in order, keeps each one's output under
# artifacts/logs/, and ends with one line: "N passed, N failed" over all of them.
# A runner that fails without reporting a failed test (a compile error, a crash)
# counts as one failure, so the total can never read clean when something broke.
set -uo pipefail
cd "$(dirname "$0")/.."

LOGS=artifacts/logs
mkdir -p "$LOGS"
passed=0
failed=0
broken=()

# run NAME PARSER COMMAND...: runs COMMAND, shows and logs its output, adds up its counts.
run() {
    local name=$1 parser=$2
    shift 2
    local log="$LOGS/$name.log" start=$SECONDS
    printf '\n==> %s: %s\n' "$name" "$*"
    "$@" 2>&1 | tee "$log"
    local status=${PIPESTATUS[0]}
    local p=0 f=0
    read -r p f < <("$parser" "$log")
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        failed=$((failed + 1))
    fi
    if [ "$status" -ne 0 ]; then broken+=("$name"); fi
    printf '<== %s: %d passed, %d failed, exit %d, %ds\n' "$name" "$p" "$f" "$status" $((SECONDS - start))
}

# run_together "NAME PARSER COMMAND..." ...: runs each like `run`, all at once; each one's
# output is shown whole when it ends, in the order given.
run_together() {
    local specs=("$@") pids=() start=$SECONDS spec
    for spec in "${specs[@]}"; do
        read -r -a words <<<"$spec"
        printf '\n==> %s (side by side): %s\n' "${words[0]}" "${words[*]:2}"
        "${words[@]:2}" >"$LOGS/${words[0]}.log" 2>&1 &
        pids+=($!)
    done
    local i
    for i in "${!specs[@]}"; do
        read -r -a words <<<"${specs[$i]}"
        wait "${pids[$i]}"
        local status=$? name=${words[0]} parser=${words[1]} p=0 f=0
        cat "$LOGS/$name.log"
        read -r p f < <("$parser" "$LOGS/$name.log")
        passed=$((passed + p))
        failed=$((failed + f))
        if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
            failed=$((failed + 1))
        fi
        if [ "$status" -ne 0 ]; then broken+=("$name"); fi
        printf '<== %s: %d passed, %d failed, exit %d, %ds since the group started\n' "$name" "$p" "$f" "$status" $((SECONDS - start))
    done
}

# Parsers print "PASSED FAILED" for one log.
no_counts() { echo "0 0"; }
cargo_counts() {
    awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
         END { print p + 0, f + 0 }' "$1"
}
tap_counts() {
    awk '/^# pass / { p += $3 } /^# fail / { f += $3 } END { print p + 0, f + 0 }' "$1"
}
# pytest's closing line: "3 failed, 420 passed, 2 skipped in 30.1s" (errors count as failed).
pytest_counts() {
    awk '/ in [0-9.]+s/ && /(passed|failed|error)/ {
             for (i = 2; i <= NF; i++) {
                 w = $i; gsub(/[^a-z]/, "", w)
                 if (w == "passed") p += $(i-1)
                 if (w == "failed" || w == "error" || w == "errors") f += $(i-1)
             }
         }
         END { print p + 0, f + 0 }' "$1"
}
# The stable fuzz pass's closing line: "fuzz pass: 14 passed, 0 failed (...)", one per target.
fuzz_counts() {
    awk '/^fuzz pass: [0-9]+ passed, [0-9]+ failed/ { p = $3; f = $5 } END { print p + 0, f + 0 }' "$1"
}

export CHROMEDRIVER=/usr/bin/chromedriver
export TRUNK_SKIP_VERSION_CHECK=true

run fetch no_counts cargo fetch --locked
run fmt no_counts cargo fmt --all --check
run clippy no_counts cargo clippy --workspace --all-targets --locked -- -D warnings
run clippy-wasm no_counts cargo clippy -p dbx-check-web --all-targets --locked --target wasm32-unknown-unknown -- -D warnings
# The bench floor (bench/floor) is a page to measure, with no tests of its own.
run native-tests cargo_counts cargo test --workspace --exclude dbx-check-web --exclude dbx-check-floor --locked
# Every core entry point on ~200,000 mutated inputs, and fuzz/regressions/ replayed (no nightly).
run fuzz-pass fuzz_counts cargo run --profile fuzz-pass --locked -q -p dbx-check-fuzz -- pass
run browser-tests cargo_counts cargo test -p dbx-check-web --locked --target wasm32-unknown-unknown
run release-build no_counts trunk build --release
# The end-to-end tests start the fake Databricks server from target/debug.
run fake-databricks-build no_counts cargo build -p fake-databricks --locked
run e2e-tests tap_counts node --test --test-reporter=tap --test-concurrency=1 tests/e2e/
# The Airflow stages share nothing but the venvs (installed by tools.sh before), and spend
# much of their time starting Python or waiting out the provider's retries: side by side.
# parity: Airflow's provider and the core against the same fake, every scenario and sign-in.
run_together \
    "airflow-3 pytest_counts scripts/airflow-roundtrip.sh 3" \
    "airflow-2 pytest_counts scripts/airflow-roundtrip.sh 2" \
    "parity cargo_counts scripts/parity.sh"

printf '\n'
if [ ${#broken[@]} -gt 0 ]; then
    printf 'failing steps: %s (logs in %s/)\n' "${broken[*]}" "$LOGS"
fi
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ] && [ ${#broken[@]} -eq 0 ]
