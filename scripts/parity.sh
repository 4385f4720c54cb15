#!/usr/bin/env bash
# The provider parity stage: Airflow's Databricks provider (Airflow 3, the gate; Airflow 2 as
# information) and the core's check against the same fake workspace, for every scenario of
# crates/fake-databricks/scenarios.json and every sign-in the fake accepts
# (crates/fake-databricks/tests/parity.rs, docs/provider-parity.md). Writes artifacts/parity.md.
# The venvs come from scripts/airflow-venvs.sh (installed on first use, then reused).
set -euo pipefail
cd "$(dirname "$0")/.."

DBX_PARITY_AIRFLOW3=$(scripts/airflow-venvs.sh 3 | tail -n 1)
# Airflow 2 only adds information: without its venv the stage still runs.
DBX_PARITY_AIRFLOW2=$(scripts/airflow-venvs.sh 2 | tail -n 1) || DBX_PARITY_AIRFLOW2=/nonexistent
export DBX_PARITY_AIRFLOW3 DBX_PARITY_AIRFLOW2
mkdir -p artifacts
exec cargo test -p fake-databricks --locked --test parity -- --ignored --nocapture
