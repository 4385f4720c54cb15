#!/usr/bin/env bash
# Runs the real-Airflow round trip (tests/airflow/) on each Airflow venv and prints pytest's
# summary line for each. Usage: scripts/airflow-roundtrip.sh [3|2 ...]   (default: 3 then 2)
# The venvs come from scripts/airflow-venvs.sh (installed on first use, then reused).
# Each version has its own pytest temporary folder, so the two can run side by side.
# With both versions, ends by listing what the suite saw differ between Airflow 2 and 3.
set -uo pipefail
cd "$(dirname "$0")/.."

majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(3 2)
out=artifacts/airflow
mkdir -p "$out"

cargo build --locked --quiet -p dbx-check-core --bin dbx-check || exit 1
export PYTHONDONTWRITEBYTECODE=1
export DBX_CHECK="${CARGO_TARGET_DIR:-$PWD/target}/debug/dbx-check"

status=0
for major in "${majors[@]}"; do
    venv=$(scripts/airflow-venvs.sh "$major" | tail -n 1) || { status=1; continue; }
    printf '==> Airflow %s round trip (%s)\n' "$major" "$venv"
    start=$SECONDS
    DBX_AIRFLOW_OBSERVATIONS="$out/observations-$major.json" \
        "$venv/bin/python" -m pytest -c tests/airflow/pytest.ini tests/airflow -q \
        --basetemp="$out/tmp-$major" 2>&1 | tee "$out/pytest-$major.log" | tail -n 25
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    printf '<== Airflow %s round trip: %ds\n' "$major" $((SECONDS - start))
done

if [ ${#majors[@]} -gt 1 ] && [ -f "$out/observations-2.json" ] && [ -f "$out/observations-3.json" ]; then
    printf '\nWhere Airflow 2 and 3 differ (as the suite saw them):\n'
    python3 - "$out/observations-2.json" "$out/observations-3.json" <<'PY'
import json, sys
two, three = (json.load(open(p)) for p in sys.argv[1:3])
for key in sorted(set(two) | set(three)):
    if two.get(key) != three.get(key):
        print(f"  {key}: Airflow 2 -> {two.get(key, '(not seen)')!r}; Airflow 3 -> {three.get(key, '(not seen)')!r}")
PY
fi
exit $status
