"""Every case, every form except the CLI (see test_cli.py), read by Airflow's own code."""

from __future__ import annotations

import json

import pytest
import yaml

from airflow_checks import (
    SHELLS,
    check_hook,
    connection_from_fields,
    connections_from_env,
    connections_from_uri,
    dotenv_value,
    env_var,
    expected_connection,
    hook_for,
    read_back,
    shell_value,
)
from conftest import CASES

FORMS = ["fields", "uri", "env", "env_json", "dotenv", "yaml"]


def test_the_table_has_at_least_forty_cases():
    assert len(CASES) >= 40


def _resolve(form: str, case: dict, out: dict, monkeypatch) -> list[tuple[str, object]]:
    """Reads one form as Airflow would; returns (which parser, connection) pairs."""
    conn_id = case["request"]["conn_id"]
    value = out[form]
    if form == "uri":
        return connections_from_uri(conn_id, value)
    if form == "fields":
        return [("form", connection_from_fields(conn_id, value))]
    if form == "yaml":
        doc = yaml.safe_load(value)
        [entry] = doc["airflow"]["connections"]
        assert entry["conn_id"] == conn_id
        # Airflow 3's REST API (astro-cli 1.42+) takes extra only as a JSON string.
        assert entry["conn_extra"] is None or isinstance(entry["conn_extra"], str)
        fields = {key.removeprefix("conn_"): entry[key] for key in entry if key != "conn_id"}
        assert set(fields) == {"type", "host", "schema", "login", "password", "port", "extra"}
        fields = {("conn_type" if k == "type" else k): v for k, v in fields.items()}
        return [("yaml", connection_from_fields(conn_id, fields))]
    # The environment-variable forms: a real shell (or dotenv) gives the value, and
    # Airflow's secrets lookup finds it under the name Airflow computes from the id.
    name = env_var(conn_id)
    if form == "dotenv":
        assert value.startswith(f"{name}=")
        text = dotenv_value(value, name)
        assert text == out["uri"]
    else:
        assert value.startswith(f"export {name}=")
        texts = {shell: shell_value(shell, value, name) for shell in SHELLS}
        assert len(set(texts.values())) == 1, texts
        text = texts["bash"]
        if form == "env":
            assert text == out["uri"]
        else:
            assert json.loads(text).get("conn_id") is None
    monkeypatch.setenv(name, text)
    return connections_from_env(conn_id)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_form_reads_back_as_intended(case, form, outputs, monkeypatch, observe):
    out = outputs[case["name"]]
    expect = case["expect"]
    for code in expect["findings"]:
        assert code in [f["code"] for f in out["findings"]], code
    if form in expect["null"]:
        assert out[form] is None
        return
    assert out[form] is not None
    for parser, conn in _resolve(form, case, out, monkeypatch):
        assert read_back(conn) == expected_connection(expect), parser
        check_hook(hook_for(case["request"]["conn_id"], conn), expect, monkeypatch, observe)
        if case["name"] == "pat_plain" and form in ("uri", "env_json"):
            observe(f"empty_login_from_{form}_{parser}", conn.login)


def test_requirements_line_installs_on_this_airflow(outputs):
    """The line for this venv's Airflow major version accepts the provider installed here."""
    from importlib.metadata import version

    from airflow import __version__
    from packaging.requirements import Requirement

    major = __version__.split(".")[0]
    installed = version("apache-airflow-providers-databricks")
    seen = 0
    for case in CASES:
        out = outputs[case["name"]]
        if str(case["request"].get("airflow", "3")) != major:
            continue
        requirement = Requirement(out["requirements"])
        assert requirement.name == "apache-airflow-providers-databricks"
        assert requirement.specifier.contains(installed), (out["requirements"], installed)
        assert ("azure-identity" in requirement.extras) == case["request"]["method"].startswith("azure")
        seen += 1
    assert seen > 0
