#!/usr/bin/env bash
# Creates the two Python venvs that the Airflow round trip (tests/airflow/) runs in, skipping each
# one whose installed requirement list already matches. They live outside the clone, so fresh CI
# clones on the same machine reuse them: ${DBX_CHECK_CACHE:-$HOME/.cache/dbx-check}/airflow{3,2}.
# Pins (shared/facts/airflow.md): provider 7.7.5 is the last that installs on Airflow 2.10;
# an unpinned provider would pull Airflow 2.10 up to 3.x.
# Usage: scripts/airflow-venvs.sh [3|2 ...]   (default: both). Prints each venv's path.
set -euo pipefail

CACHE=${DBX_CHECK_CACHE:-$HOME/.cache/dbx-check}
PYTHON=${PYTHON:-python3}
TEST_DEPS=(pytest python-dotenv pyyaml)

requirements() {
    case "$1" in
        3) printf '%s\n' "apache-airflow==3.3.2" "apache-airflow-providers-databricks==7.23.0" "${TEST_DEPS[@]}" ;;
        2) printf '%s\n' "apache-airflow==2.10.5" "apache-airflow-providers-databricks<7.8" "${TEST_DEPS[@]}" ;;
        *) echo "unknown Airflow major version: $1" >&2; return 2 ;;
    esac
}

say() { printf '==> %s\n' "$*" >&2; }

ensure_venv() {
    local major=$1 venv="$CACHE/airflow$1" wanted
    wanted=$(requirements "$major")
    # The marker is written last, only after a complete install: a half-done venv is redone.
    if [ -x "$venv/bin/airflow" ] && [ "$(cat "$venv/.dbx-check-requirements" 2>/dev/null)" = "$wanted" ]; then
        say "Airflow $major venv up to date: $venv"
    else
        say "installing Airflow $major into $venv (1 to 4 minutes, once)"
        local start=$SECONDS
        rm -rf "$venv"
        mkdir -p "$CACHE"
        "$PYTHON" -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
        local reqs=()
        mapfile -t reqs <<<"$wanted"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${reqs[@]}"
        printf '%s' "$wanted" >"$venv/.dbx-check-requirements"
        say "Airflow $major venv installed in $((SECONDS - start)) s"
    fi
    echo "$venv"
}

majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(3 2)
for major in "${majors[@]}"; do
    ensure_venv "$major"
done
