"""Why dbx-check refuses or warns: each trap its findings name, shown on this Airflow."""

from __future__ import annotations

import subprocess
import sys

import pytest

from airflow_checks import SHELLS, hook_for, install_fakes
from conftest import airflow_major

HOST = "https://adb-1234567890123456.7.azuredatabricks.net"


def connection(**fields):
    from airflow.models.connection import Connection

    return Connection(conn_id="trap", conn_type="databricks", host=HOST, **fields)


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("name", ["AIRFLOW_CONN_DB-PROD", "AIRFLOW_CONN_DB.PROD"])
def test_a_shell_refuses_to_export_a_name_with_dash_or_dot(shell, name):
    """conn_id_not_shell_name: so no `export` line is given for such ids."""
    done = subprocess.run([shell, "-c", f"export {name}=x"], capture_output=True)
    assert done.returncode != 0


def test_an_empty_login_makes_the_secret_a_token_whatever_extra_says(monkeypatch):
    """login_missing: service_principal_oauth with an empty Login signs in as a token."""
    install_fakes(monkeypatch)
    conn = connection(password="client-secret", extra='{"service_principal_oauth": true}')
    assert hook_for("trap", conn)._get_token() == "client-secret"


def test_an_entra_service_principal_without_tenant_falls_back_to_basic_auth(monkeypatch):
    """azure_tenant_id_missing: without the tenant the provider sends Basic auth."""
    install_fakes(monkeypatch)
    conn = connection(login="client-id", password="client-secret")
    assert hook_for("trap", conn)._get_token() is None


def test_a_federation_keyword_as_login(monkeypatch, observe):
    """login_selects_federation: newer providers read Login federated_k8s as federation."""
    install_fakes(monkeypatch)
    hook = hook_for("trap", connection(login="federated_k8s", password="pw"))
    calls = []
    if hasattr(hook, "_get_federated_databricks_token"):
        monkeypatch.setattr(hook, "_get_federated_databricks_token", lambda url: calls.append(url) or "federated")
    token = hook._get_token()
    observe("login_federated_k8s_selects_federation", token == "federated")
    assert token in (None, "federated")


def test_a_schema_or_port_goes_into_the_request_url(monkeypatch):
    """schema_port_empty: Schema becomes the URL scheme and Port is appended."""
    install_fakes(monkeypatch)
    hook = hook_for("trap", connection(schema="default", port=5432, password="t"))
    assert hook._endpoint_url("api/2.1/clusters/spark-versions").startswith(
        "default://adb-1234567890123456.7.azuredatabricks.net:5432/"
    )


def test_entra_id_sign_in_needs_the_azure_identity_extra(monkeypatch):
    """azure_identity_extra: without azure-identity installed, Entra ID sign-in fails."""
    import socket

    monkeypatch.setattr(socket.socket, "connect", lambda *a: (_ for _ in ()).throw(AssertionError("network")))
    # The venvs hold azure-identity for the Key Vault backend (test_stores.py): hide it, as
    # a venv without the extra would not have it.
    monkeypatch.setitem(sys.modules, "azure.identity", None)
    conn = connection(login="client-id", password="secret", extra='{"azure_tenant_id": "t"}')
    with pytest.raises(Exception) as raised:
        hook_for("trap", conn)._get_token()
    assert type(raised.value).__name__ == "AirflowOptionalProviderFeatureException"
    assert "azure" in str(raised.value)


def test_an_unencoded_hash_breaks_the_uri():
    """Why every URI part is percent-encoded: a raw `#` cuts the password short."""
    from airflow.models.connection import Connection

    try:
        conn = Connection(conn_id="trap", uri="databricks://:pa#ss@adb-1.2.azuredatabricks.net")
    except ValueError:
        return
    assert conn.password != "pa#ss"


def test_plain_query_pairs_mean_different_things(observe):
    """Why the extra goes in __extra__: a plain `?key=false` pair is read as text by some
    of Airflow's parsers (and the text "false" is true) and as JSON by others."""
    from airflow_checks import connections_from_uri

    uri = "databricks://:t@adb-1.2.azuredatabricks.net/?service_principal_oauth=false"
    seen = {parser: conn.extra_dejson["service_principal_oauth"] for parser, conn in connections_from_uri("trap", uri)}
    observe("plain_query_false_reads_as", {parser: repr(value) for parser, value in seen.items()})
    assert all(value in ("false", False) for value in seen.values())


def test_double_dot_ids(observe):
    """conn_id_double_dot: Airflow 3 refuses `..` in ids; dbx-check refuses it for both."""
    from airflow.utils.helpers import validate_key

    try:
        validate_key("a..b", max_length=200)
        accepted = True
    except Exception:
        accepted = False
    observe("double_dot_conn_id_accepted", accepted)


def test_non_ascii_ids(observe):
    """conn_id_not_ascii: validate_key takes letters of any script, but Airflow 2.10's
    connection model matches ids with re2 (ASCII-only \\w) and keeps no id, so the connection
    cannot be saved; Airflow 3 keeps it. dbx-check refuses such ids for both."""
    from airflow.models.connection import Connection

    kept = Connection(conn_id="databricks_café", conn_type="databricks").conn_id
    observe("non_ascii_conn_id_kept", kept)
    assert kept == (None if airflow_major() == 2 else "databricks_café")
