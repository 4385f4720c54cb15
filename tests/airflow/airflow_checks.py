"""How each form is read by Airflow's own code, and what DatabricksHook then does with it."""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
import sys
import time
import types
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
import requests
from requests.auth import HTTPBasicAuth

SHELLS = [shell for shell in ("bash", "sh") if shutil.which(shell)]


def expected_connection(expect: dict) -> dict:
    return {
        "conn_type": "databricks",
        "host": expect["host"],
        "login": expect["login"],
        "password": expect["password"],
        "schema": "",
        "port": None,
        "extra": expect["extra"],
    }


def read_back(conn) -> dict:
    """The fields of an Airflow Connection (core or task SDK), with None and '' the same
    for text fields: the hook tests them for truth only."""
    return {
        "conn_type": conn.conn_type,
        "host": conn.host or "",
        "login": conn.login or "",
        "password": conn.password or "",
        "schema": conn.schema or "",
        "port": conn.port,
        "extra": conn.extra_dejson,
    }


def env_var(conn_id: str) -> str:
    """The name Airflow's environment-variable backend looks up."""
    return f"AIRFLOW_CONN_{conn_id.upper()}"


def shell_value(shell: str, line: str, name: str) -> str:
    """Runs an `export` line in a real shell and returns what the variable then holds."""
    script = f"{line}\nprintf '%s' \"${name}\"\n"
    done = subprocess.run([shell, "-c", script], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def dotenv_value(line: str, name: str) -> str:
    from dotenv import dotenv_values

    values = dotenv_values(stream=io.StringIO(line + "\n"))
    assert list(values) == [name], values
    return values[name]


def connections_from_uri(conn_id: str, uri: str) -> list[tuple[str, object]]:
    """Every Airflow parser of a URI: the core model, and on Airflow 3 the task SDK's."""
    from airflow.models.connection import Connection

    parsed = [("core", Connection(conn_id=conn_id, uri=uri))]
    try:
        from airflow.sdk.definitions.connection import Connection as SdkConnection
    except ImportError:
        return parsed
    parsed.append(("sdk", SdkConnection.from_uri(uri, conn_id=conn_id)))
    return parsed


def connections_from_env(conn_id: str) -> list[tuple[str, object]]:
    """The connection as Airflow's secrets lookup finds it (the variable must be set):
    the core lookup the CLI and webserver use, and the hook's own (the task SDK's on 3)."""
    from airflow.models.connection import Connection
    from airflow.providers.databricks.hooks.databricks import DatabricksHook

    return [
        ("core", Connection.get_connection_from_secrets(conn_id)),
        ("hook", DatabricksHook.get_connection(conn_id)),
    ]


def connection_from_fields(conn_id: str, values: dict):
    from airflow.models.connection import Connection

    return Connection(
        conn_id=conn_id,
        conn_type=values["conn_type"],
        host=values["host"] or None,
        login=values["login"] or None,
        password=values["password"] or None,
        schema=values["schema"] or None,
        port=int(values["port"]) if values["port"] else None,
        extra=values["extra"] or None,
    )


@dataclass
class Fakes:
    """What the provider would have sent, recorded instead of sent."""

    posts: list = field(default_factory=list)
    credentials: list = field(default_factory=list)
    federation: list = field(default_factory=list)


def install_fakes(monkeypatch) -> Fakes:
    """No network: sockets refuse, `requests.post` answers an OAuth token, and a stand-in
    `azure.identity` records the credential the provider builds."""
    fakes = Fakes()

    def no_network(*args, **kwargs):
        raise AssertionError("the test tried to use the network")

    import socket

    monkeypatch.setattr(socket.socket, "connect", no_network)

    class TokenResponse:
        status_code = 200

        def raise_for_status(self):
            return None

        def json(self):
            return {"access_token": "fake-oauth-token", "token_type": "Bearer", "expires_in": 3600}

    def fake_post(url, **kwargs):
        fakes.posts.append((url, kwargs))
        return TokenResponse()

    monkeypatch.setattr(requests, "post", fake_post)

    def credential_class(kind):
        class Credential:
            def __init__(self, *args, **kwargs):
                fakes.credentials.append((kind, kwargs))

            def get_token(self, *scopes, **kwargs):
                return types.SimpleNamespace(token=f"fake-{kind}-token", expires_on=int(time.time()) + 3600)

        return Credential

    azure = types.ModuleType("azure")
    identity = types.ModuleType("azure.identity")
    for kind in ("ClientSecretCredential", "ManagedIdentityCredential", "DefaultAzureCredential"):
        setattr(identity, kind, credential_class(kind))
    azure.identity = identity
    monkeypatch.setitem(sys.modules, "azure", azure)
    monkeypatch.setitem(sys.modules, "azure.identity", identity)
    return fakes


def hook_for(conn_id: str, conn=None):
    """A DatabricksHook that finds its connection by its own lookup, or is handed one."""
    from airflow.providers.databricks.hooks.databricks import DatabricksHook

    hook = DatabricksHook(databricks_conn_id=conn_id, retry_limit=1)
    if conn is not None:
        # `databricks_conn` is a cached_property: seeding it is how the hook holds a connection.
        hook.__dict__["databricks_conn"] = conn
    return hook


def check_hook(hook, expect: dict, monkeypatch, observe) -> None:
    """The hook reaches the intended workspace with the intended credential."""
    findings = expect["findings"]
    hostname = urlsplit(expect["host"]).hostname
    assert hook.host == hostname
    fakes = install_fakes(monkeypatch)
    conn = hook.databricks_conn
    auth = expect["auth"]
    login, password = expect["login"], expect["password"]
    if auth == "token":
        token = hook._get_token(raise_error=True)
        assert token == password
        header = ("Authorization", f"Bearer {token}")
        if "credential_not_latin1" in findings:
            with pytest.raises(UnicodeEncodeError):
                header[1].encode("latin-1")
        elif "credential_line_break" in findings:
            with pytest.raises(requests.exceptions.InvalidHeader):
                requests.utils.check_header_validity(header)
        else:
            header[1].encode("latin-1")
            requests.utils.check_header_validity(header)
    elif auth == "basic":
        # No token: the provider falls back to HTTP Basic with Login and Password.
        assert hook._get_token() is None
        assert (conn.login or "", conn.password or "") == (login, password)
        check_basic_auth(conn.login, conn.password, login, password, findings)
    elif auth == "sp_oauth":
        assert hook._get_token(raise_error=True) == "fake-oauth-token"
        [(url, kwargs)] = fakes.posts
        assert url == f"https://{hostname}/oidc/v1/token"
        observe("sp_oauth_token_url", url.replace(hostname, "<host>"))
        sent = kwargs["auth"]
        assert (sent.username, sent.password) == (login, password)
        check_basic_auth(sent.username, sent.password, login, password, findings)
    elif auth == "azure_sp":
        assert hook._get_token(raise_error=True) == "fake-ClientSecretCredential-token"
        [(kind, kwargs)] = fakes.credentials
        assert kind == "ClientSecretCredential"
        assert kwargs["client_id"] == login
        assert kwargs["client_secret"] == password
        assert kwargs["tenant_id"] == expect["extra"]["azure_tenant_id"]
    elif auth == "azure_mi":
        monkeypatch.setattr(hook, "_check_azure_metadata_service", lambda: None)
        assert hook._get_token(raise_error=True) == "fake-ManagedIdentityCredential-token"
        [(kind, kwargs)] = fakes.credentials
        assert kind == "ManagedIdentityCredential"
        wanted = expect["extra"].get("azure_managed_identity_client_id")
        from airflow import __version__

        if __version__.startswith("2."):
            # Provider 7.7.5 never reads the key (values made for Airflow 2 say so in
            # the managed_identity_client_id_ignored finding): the system identity is used.
            assert kwargs.get("client_id") is None
        else:
            assert kwargs.get("client_id") == wanted
        if wanted:
            observe("managed_identity_client_id_reaches_azure", kwargs.get("client_id") == wanted)
    elif auth == "azure_default":
        assert hook._get_token(raise_error=True) == "fake-DefaultAzureCredential-token"
        [(kind, _)] = fakes.credentials
        assert kind == "DefaultAzureCredential"
    else:
        raise AssertionError(f"unknown auth {auth!r}")
    if auth in ("token", "basic"):
        assert fakes.posts == [] and fakes.credentials == []


def check_basic_auth(sent_login, sent_password, login, password, findings) -> None:
    """requests' own Basic auth: latin-1 or nothing."""
    prepared = requests.Request("GET", "https://example.invalid/").prepare()
    if "credential_not_latin1" in findings:
        with pytest.raises(UnicodeEncodeError):
            HTTPBasicAuth(sent_login, sent_password)(prepared)
        return
    HTTPBasicAuth(sent_login, sent_password)(prepared)
    scheme, encoded = prepared.headers["Authorization"].split(" ", 1)
    assert scheme == "Basic"
    assert base64.b64decode(encoded) == f"{login}:{password}".encode("latin-1")
