"""The CLI forms: a real shell reads each `airflow connections add` line, Airflow's CLI
stores the connection in a throwaway sqlite database, and what it stored is read back.

Each CLI case runs twice (fields and --conn-json), under an id made unique with a suffix
that keeps the id's own characters (`-`, `.`, a leading `-`)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from airflow_checks import check_hook, connection_from_fields, expected_connection, hook_for, read_back
from conftest import CASES, run_dbx_check
from stand_in import PROMPT_SHELLS

CLI_CASES = [case for case in CASES if case["expect"]["cli"]]
CLI_FORMS = ["cli", "cli_json"]
# Run with the real `airflow` executable too (about 2 s per call): the nastiest values.
EXECUTABLE_CASES = {("extra_special_values", "cli"), ("pat_leading_dash", "cli"), ("sp_oauth_special", "cli_json"), ("conn_id_leading_dash", "cli")}
# Each command runs in its own `( … )` child shell: the count lives in a file.
SHELL_FUNCTION = (
    'airflow() { n=$(( $(cat "$ARGV_DIR.count") + 1 )); echo "$n" > "$ARGV_DIR.count"; '
    'printf \'%s\\0\' "$@" > "$ARGV_DIR/$n"; }\necho 0 > "$ARGV_DIR.count"\n'
)


@dataclass
class Run:
    case: dict
    form: str
    conn_id: str
    line: str


def airflow_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW_CONN_")}
    env["AIRFLOW_HOME"] = str(home)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def shell_words(shell: str, script: str, typed: str, out_dir: Path) -> list[list[str]]:
    """What `airflow` would receive from each command of the script, per the shell itself,
    with `typed` as what the user types at the commands' secret prompts."""
    out_dir.mkdir()
    subprocess.run(
        [shell, "-c", SHELL_FUNCTION + script],
        env={**os.environ, "ARGV_DIR": str(out_dir)},
        input=typed.encode("utf-8"),
        check=True,
        capture_output=True,
    )
    files = sorted(out_dir.iterdir(), key=lambda p: int(p.name))
    return [[w.decode("utf-8") for w in f.read_bytes().split(b"\0")[:-1]] for f in files]


def json_after_logs(text: str):
    """Airflow may print log lines before its JSON output."""
    start = text.index("[")
    return json.JSONDecoder().raw_decode(text[start:])[0]


@pytest.fixture(scope="session")
def cli_results(dbx_check, tmp_path_factory, observe):
    work = tmp_path_factory.mktemp("airflow-cli")
    home = work / "home"
    home.mkdir()
    env = airflow_env(home)
    subprocess.run(["airflow", "db", "migrate"], env=env, check=True, capture_output=True)

    runs: list[Run] = []
    for index, case in enumerate(CLI_CASES):
        for form, suffix in (("cli", "c"), ("cli_json", "j")):
            conn_id = f"{case['request']['conn_id']}_{suffix}{index}"
            out = run_dbx_check(dbx_check, {**case["request"], "conn_id": conn_id})
            assert out[form] is not None, (case["name"], form)
            runs.append(Run(case, form, conn_id, out[form]))
    script = "\n".join(run.line for run in runs) + "\n"
    # Each command that needs the secret asks for it: the secrets, one per line, in order.
    typed = "".join(f"{run.case['expect']['password']}\n" for run in runs if "read -rs" in run.line)

    # 1. Real shells split every command into the words meant, the typed secret in place.
    words = {shell: shell_words(shell, script, typed, work / f"argv-{shell}") for shell in PROMPT_SHELLS}
    assert len(words["bash"]) == len(runs)
    for shell, seen in words.items():
        assert seen == words["bash"], shell
    for run in runs:
        password = run.case["expect"]["password"]
        assert len(password) < 4 or password not in run.line, run.case["name"]

    # 2. Airflow's CLI parses and stores each one.
    export, report = work / "export.json", work / "report.json"
    runner = Path(__file__).with_name("cli_runner.py")
    subprocess.run(
        [sys.executable, str(runner), str(work / "argv-bash"), str(export), str(report)],
        env=env,
        check=True,
        capture_output=True,
    )
    outcomes = json.loads(report.read_text(encoding="utf-8"))
    stored = json.loads(export.read_text(encoding="utf-8"))

    # 3. The real executable, run by bash, read back with `airflow connections get -o json`.
    chosen = [run for run in runs if (run.case["name"], run.form) in EXECUTABLE_CASES]
    fetched = {}
    for run in chosen:
        conn_id = run.conn_id + "x"
        line = run_dbx_check(dbx_check, {**run.case["request"], "conn_id": conn_id})[run.form]
        typed_secret = f"{run.case['expect']['password']}\n" if "read -rs" in line else ""
        subprocess.run(["bash", "-c", line], env=env, input=typed_secret, text=True, check=True, capture_output=True)
        get = f"airflow connections get -o json -- {shlex.quote(conn_id)}"
        done = subprocess.run(["bash", "-c", get], env=env, check=True, capture_output=True, text=True)
        [fetched[(run.case["name"], run.form)]] = json_after_logs(done.stdout)
    if fetched:
        sample = next(iter(fetched.values()))
        observe("connections_get_json_value_types", {k: type(v).__name__ for k, v in sorted(sample.items())})
    return {
        "runs": {(run.case["name"], run.form): (run, words["bash"][i], outcomes[i]) for i, run in enumerate(runs)},
        "stored": stored,
        "fetched": fetched,
    }


@pytest.mark.parametrize("form", CLI_FORMS)
@pytest.mark.parametrize("case", CLI_CASES, ids=[c["name"] for c in CLI_CASES])
def test_cli_command_stores_the_intended_connection(case, form, cli_results, monkeypatch, observe):
    run, argv, outcome = cli_results["runs"][(case["name"], form)]
    assert argv[:2] == ["connections", "add"]
    assert outcome["ok"], outcome.get("error")
    stored = cli_results["stored"][run.conn_id]
    extra = stored["extra"]
    if isinstance(extra, dict):
        extra = json.dumps(extra)
    fields = {**stored, "extra": extra or None}
    conn = connection_from_fields(run.conn_id, fields)
    assert read_back(conn) == expected_connection(case["expect"])
    check_hook(hook_for(run.conn_id, conn), case["expect"], monkeypatch, observe)


@pytest.mark.parametrize("name,form", sorted(EXECUTABLE_CASES))
def test_real_airflow_executable_reads_back_the_same(name, form, cli_results):
    got = cli_results["fetched"][(name, form)]
    [case] = [c for c in CASES if c["name"] == name]
    expect = case["expect"]
    assert got["conn_type"] == "databricks"
    assert got["host"] == expect["host"]
    assert (got["login"] or "") == expect["login"]
    assert (got["password"] or "") == expect["password"]
    # `get -o json` prints every extra value as text ("True" for true) but null as null.
    assert got["extra_dejson"] == {
        key: None if value is None else str(value) for key, value in expect["extra"].items()
    }
