#!/usr/bin/env bash
# Creates the two Python venvs that the Airflow round trip (tests/airflow/) runs in, skipping each
# one whose installed requirement list already matches. They live outside the clone, so fresh CI
# clones on the same machine reuse them: ${DBX_CHECK_CACHE:-$HOME/.cache/dbx-check}/airflow{3,2}.
# Pins (docs/airflow-connections.md): provider 7.7.5 is the last that installs on Airflow 2.10;
# an unpinned provider would pull Airflow 2.10 up to 3.x. The secrets-backend providers
# (docs/secrets-backends.md) are pinned the same way: the Airflow 3 venv takes the releases
# tests/airflow/test_stores.py was written against, the Airflow 2 venv the last that install
# on 2.10. The Google provider alone is installed without its dependencies (it pulls in some
# 80 Google Cloud client libraries): the line after it adds what its secrets backend imports.
# Usage: scripts/airflow-venvs.sh [3|2 ...]   (default: both). Prints each venv's path.
set -euo pipefail

CACHE=${DBX_CHECK_CACHE:-$HOME/.cache/dbx-check}
PYTHON=${PYTHON:-python3}
TEST_DEPS=(pytest python-dotenv pyyaml "moto==5.1.22" "responses>=0.25")
# What the Google secrets backend imports (airflow/providers/google/cloud/secrets/,
# common/hooks/base_google.py), with the provider's own lower bounds.
GOOGLE_BACKEND_DEPS=(google-cloud-secret-manager google-api-core google-api-python-client
    google-auth google-auth-httplib2 "gcloud-aio-auth>=5.2.0")

requirements() {
    case "$1" in
        3) printf '%s\n' "apache-airflow==3.3.2" "apache-airflow-providers-databricks==7.23.0" \
            "apache-airflow-providers-amazon==9.39.0" "apache-airflow-providers-microsoft-azure==15.2.1" \
            "apache-airflow-providers-hashicorp==4.8.4" "apache-airflow-providers-common-compat>=1.23.0" \
            "${GOOGLE_BACKEND_DEPS[@]}" "${TEST_DEPS[@]}" ;;
        2) printf '%s\n' "apache-airflow==2.10.5" "apache-airflow-providers-databricks<7.8" \
            "apache-airflow-providers-amazon==9.17.0" "apache-airflow-providers-microsoft-azure==12.8.1" \
            "apache-airflow-providers-hashicorp==4.3.4" "apache-airflow-providers-common-compat>=1.8.0" \
            "${GOOGLE_BACKEND_DEPS[@]}" "${TEST_DEPS[@]}" ;;
        *) echo "unknown Airflow major version: $1" >&2; return 2 ;;
    esac
}

# Installed with --no-deps after the rest.
without_deps() {
    case "$1" in
        3) echo "apache-airflow-providers-google==22.8.0" ;;
        2) echo "apache-airflow-providers-google==19.0.0" ;;
    esac
}

say() { printf '==> %s\n' "$*" >&2; }

ensure_venv() {
    local major=$1 venv="$CACHE/airflow$1" wanted
    wanted=$(requirements "$major"; echo "--no-deps $(without_deps "$major")")
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
        mapfile -t reqs < <(requirements "$major")
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${reqs[@]}"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "$(without_deps "$major")"
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
