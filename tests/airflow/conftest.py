"""Round trip of `dbx-check airflow` through real Airflow.

Run once per venv (scripts/airflow-roundtrip.sh): Airflow 3.x with the provider 7.23.0 and
Airflow 2.10.5 with provider 7.7.5. The cases live in crates/core/tests/data/airflow_cases.json,
shared with the core's own tests. Nothing here makes a network call: the provider's HTTP and
Azure calls are replaced by fakes that record what would have been sent.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CASES_FILE = REPO / "crates" / "core" / "tests" / "data" / "airflow_cases.json"
FORMS = ["fields", "uri", "env", "env_json", "cli", "cli_json", "yaml", "dotenv"]

# Airflow reads its configuration when first imported: set it before any test module
# imports airflow. This process gets a home with no database, so a lookup that misses the
# environment variable fails loudly instead of finding a connection the CLI tests stored.
_PY_HOME = Path(tempfile.mkdtemp(prefix="dbx-check-airflow-py-"))
for _name in [n for n in os.environ if n.startswith("AIRFLOW_CONN_")]:
    del os.environ[_name]
os.environ["AIRFLOW_HOME"] = str(_PY_HOME)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
if "AIRFLOW__CORE__FERNET_KEY" not in os.environ:
    # Encrypted like a real deployment; a new throwaway key per session.
    from cryptography.fernet import Fernet

    os.environ["AIRFLOW__CORE__FERNET_KEY"] = Fernet.generate_key().decode()
os.environ["AIRFLOW__LOGGING__LOGGING_LEVEL"] = "ERROR"


def airflow_major() -> int:
    from airflow import __version__

    return int(__version__.split(".")[0])


def dbx_check_binary() -> Path:
    """The `dbx-check` to test: $DBX_CHECK, or a fresh debug build."""
    given = os.environ.get("DBX_CHECK")
    if given:
        return Path(given)
    subprocess.run(
        ["cargo", "build", "--quiet", "-p", "dbx-check-core", "--bin", "dbx-check"],
        cwd=REPO,
        check=True,
    )
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "debug" / "dbx-check"


def run_dbx_check(binary: Path, request: dict) -> dict:
    done = subprocess.run(
        [str(binary), "airflow"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


CASES = json.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="session")
def dbx_check() -> Path:
    return dbx_check_binary()


@pytest.fixture(scope="session")
def outputs(dbx_check) -> dict[str, dict]:
    """`dbx-check airflow` output for every case, by case name."""
    return {case["name"]: run_dbx_check(dbx_check, case["request"]) for case in CASES}


# Where Airflow 2 and 3 behave differently: tests note what they saw, and the session
# writes it to $DBX_AIRFLOW_OBSERVATIONS for scripts/airflow-roundtrip.sh to compare.
_OBSERVATIONS: dict[str, object] = {}


@pytest.fixture(scope="session")
def observe():
    def note(topic: str, value: object) -> None:
        _OBSERVATIONS[topic] = value

    return note


def pytest_sessionfinish(session, exitstatus):
    from airflow import __version__

    target = os.environ.get("DBX_AIRFLOW_OBSERVATIONS")
    if target:
        record = {"airflow": __version__, "provider": _provider_version(), **dict(sorted(_OBSERVATIONS.items()))}
        Path(target).write_text(json.dumps(record, indent=1, default=repr) + "\n", encoding="utf-8")
    shutil.rmtree(_PY_HOME, ignore_errors=True)


def _provider_version() -> str:
    from importlib.metadata import version

    return version("apache-airflow-providers-databricks")


def pytest_report_header(config):
    from airflow import __version__

    return f"apache-airflow {__version__}, apache-airflow-providers-databricks {_provider_version()}, python {sys.version.split()[0]}"
