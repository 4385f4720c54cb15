"""`dbx-check import` against real Airflow: every text of crates/core/tests/data/import_cases.json
is read by Airflow's own code for its form (the URI parser, `Connection.from_json`, the
environment-variable backend as the hook finds it, `airflow.secrets.local_filesystem`, the
CLI's argparse parser and `connections add`), and dbx-check must agree field by field and on
the conn id. dbx-check decodes as Airflow 3 does; where Airflow 2.10 reads a text otherwise,
the case is listed in AIRFLOW2_DIFFERS and the test checks that it does differ."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from test_cli import SHELL_FUNCTION, airflow_env

CASES = json.loads((REPO / "crates" / "core" / "tests" / "data" / "import_cases.json").read_text(encoding="utf-8"))["cases"]

# Airflow 2.10 keeps `?key=value` extras as text where Airflow 3's core model (the CLI's
# --conn-uri, the local-filesystem backend) reads them as JSON; and it builds a connection
# whose Extra is JSON but not an object, which Airflow 3 refuses.
AIRFLOW2_DIFFERS = {"cli_uri_query_extra", "export_json_uri_value", "export_env_pick", "json_extra_not_object"}


def test_the_corpus_has_at_least_eighty_texts():
    assert len(CASES) >= 80


def fields(conn) -> dict:
    return {
        "conn_type": conn.conn_type,
        "host": conn.host,
        "login": conn.login,
        "password": conn.password,
        "schema": conn.schema,
        "port": conn.port,
        "extra": conn.extra_dejson,
    }


def run_import(dbx_check, case) -> dict:
    args = [str(dbx_check), "import"] + (["--conn-id", case["conn_id"]] if "conn_id" in case else [])
    done = subprocess.run(args, input=case["text"], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def env_vars_of(case) -> dict[str, str]:
    """The AIRFLOW_CONN_ variables the text sets, as a shell, dotenv or YAML reads it."""
    kind, text = case["kind"], case["text"]
    if kind == "env_shell":
        done = subprocess.run(["bash", "-c", text + "\nenv -0"], capture_output=True, check=True)
        pairs = [item.decode("utf-8").split("=", 1) for item in done.stdout.split(b"\0") if item]
        values = dict(p for p in pairs if len(p) == 2)
    elif kind == "env_dotenv":
        from dotenv import dotenv_values

        values = dotenv_values(stream=io.StringIO(text))
    else:
        values = {}

        def walk(node):
            if isinstance(node, dict):
                if set(node) >= {"name", "value"}:
                    values[node["name"]] = node["value"]
                for key, value in node.items():
                    if isinstance(value, str):
                        values[key] = value
                    walk(value)
            elif isinstance(node, list):
                for item in node:
                    if isinstance(item, str) and "=" in item:
                        key, value = item.split("=", 1)
                        values[key] = value
                    walk(item)

        walk(yaml.safe_load(text))
    return {k: v for k, v in values.items() if k.startswith("AIRFLOW_CONN_")}


def airflow_reads(case, monkeypatch, tmp_path, cli_stored) -> dict:
    """conn id (None for a bare URI or JSON) -> Airflow's fields, or the exception."""
    from airflow.models.connection import Connection

    kind, text = case["kind"], case["text"]

    def attempt(build):
        try:
            return fields(build())
        except Exception as exc:  # Airflow's refusals vary in type between versions
            return exc

    if kind == "uri":
        try:
            from airflow.sdk.definitions.connection import Connection as Sdk

            return {None: attempt(lambda: Sdk.from_uri(text, conn_id="x"))}
        except ImportError:
            return {None: attempt(lambda: Connection(conn_id="x", uri=text))}
    if kind == "json":
        return {None: attempt(lambda: Connection.from_json(text))}
    if kind.startswith("env_"):
        from airflow.providers.databricks.hooks.databricks import DatabricksHook

        found = {}
        for name, value in env_vars_of(case).items():
            conn_id = name.removeprefix("AIRFLOW_CONN_").lower()
            monkeypatch.setenv(name, value)
            found[conn_id] = attempt(lambda: DatabricksHook.get_connection(conn_id))
        return found
    if kind in ("export_json", "export_yaml", "export_env"):
        from airflow.secrets.local_filesystem import load_connections_dict

        path = tmp_path / ("connections." + kind.removeprefix("export_"))
        path.write_text(text, encoding="utf-8")
        try:
            return {k: fields(v) for k, v in load_connections_dict(str(path)).items()}
        except Exception as exc:
            return {case.get("conn_id"): exc}
    if kind == "export_env_json":
        return {k: attempt(lambda v=v, k=k: Connection.from_json(v, conn_id=k)) for k, v in (line.split("=", 1) for line in text.splitlines())}
    if kind == "astro":
        found = {}
        for entry in yaml.safe_load(text)["airflow"]["connections"]:
            extra = entry.get("conn_extra")
            found[entry["conn_id"]] = attempt(lambda entry=entry, extra=extra: Connection(
                conn_id=entry["conn_id"], conn_type=entry.get("conn_type"), host=entry.get("conn_host"),
                login=entry.get("conn_login"), password=entry.get("conn_password"), schema=entry.get("conn_schema"),
                port=entry.get("conn_port"), extra=json.dumps(extra) if isinstance(extra, dict) else extra))
        return found
    if kind == "cli":
        return cli_stored[case["name"]]
    raise AssertionError(kind)


@pytest.fixture(scope="session")
def cli_stored(tmp_path_factory):
    """Every CLI text run by bash into Airflow's own parser and `connections add`, in one
    throwaway database; what Airflow stored, by case name (an exception where it refused)."""
    work = tmp_path_factory.mktemp("import-cli")
    home = work / "home"
    home.mkdir()
    env = airflow_env(home)
    subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], env=env, check=True, capture_output=True)
    cli_cases = [c for c in CASES if c["kind"] == "cli"]
    argv_dir = work / "argv"
    argv_dir.mkdir()
    script = "\n".join(c["text"] for c in cli_cases) + "\n"
    subprocess.run(["bash", "-c", SHELL_FUNCTION + script], env={**os.environ, "ARGV_DIR": str(argv_dir)}, check=True)
    assert len(list(argv_dir.iterdir())) == len(cli_cases)
    export, report_path = work / "export.json", work / "report.json"
    runner = Path(__file__).with_name("cli_runner.py")
    subprocess.run([sys.executable, str(runner), str(argv_dir), str(export), str(report_path)], env=env, check=True, capture_output=True)
    stored = json.loads(export.read_text(encoding="utf-8"))
    report = json.loads(report_path.read_text(encoding="utf-8"))
    out = {}
    for case, entry in zip(cli_cases, report):
        argv = entry["argv"]
        if not entry["ok"]:
            out[case["name"]] = {None: RuntimeError(entry.get("error"))}
            continue
        conn_id = argv[-1]
        got = stored.get(conn_id)
        if got is None:
            out[case["name"]] = {conn_id: RuntimeError("not stored")}
            continue
        out[case["name"]] = {conn_id: {**{k: got[k] for k in ("conn_type", "host", "login", "password", "schema", "port")}, "extra": json.loads(got["extra"]) if got["extra"] else {}}}
    return out


RESULTS: dict[str, bool] = {}


def same(ours: dict, theirs: dict) -> bool:
    """Field by field; an empty Password is None in Airflow's core model (its encrypted
    field stores no empty text) and "" elsewhere, and the hook treats both as empty."""
    def norm(d):
        return {**d, "password": d["password"] or None}

    return ours is not None and norm(ours) == norm(theirs)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_import_agrees_with_airflow(case, dbx_check, monkeypatch, tmp_path, cli_stored, observe):
    from conftest import airflow_major

    for name in [n for n in os.environ if n.startswith("AIRFLOW_CONN_")]:
        monkeypatch.delenv(name)
    ours = run_import(dbx_check, case)
    theirs = airflow_reads(case, monkeypatch, tmp_path, cli_stored)
    conn_id = ours["conn_id"]
    if conn_id not in theirs and len(theirs) == 1 and ours["connection"] is None:
        conn_id = next(iter(theirs))
    assert conn_id in theirs, (conn_id, list(theirs))
    expected = theirs[conn_id]
    got = ours["connection"]
    if case["kind"] == "cli" and isinstance(expected, dict) and expected["conn_type"] == "generic" and got:
        # Airflow stores an unregistered --conn-type as generic; dbx-check keeps it and says so.
        assert any(f["code"] == "import_cli_type_becomes_generic" for f in ours["findings"])
        got = {**got, "conn_type": "generic"}
    agrees = (got is None) if isinstance(expected, Exception) else same(got, expected)
    RESULTS[case["name"]] = agrees
    if case["name"] in AIRFLOW2_DIFFERS and airflow_major() == 2:
        observe(f"import {case['name']}", {"airflow": repr(expected), "dbx-check": got})
        assert not agrees, "Airflow 2.10 now reads this as Airflow 3 does: drop it from AIRFLOW2_DIFFERS"
        return
    assert agrees, {"airflow": repr(expected) if isinstance(expected, Exception) else expected, "dbx-check": got, "findings": ours["findings"]}
    observe("import cases decoded identically", sum(RESULTS.values()))
