"""The secrets-store forms, read back by the real backend classes of their providers.

For every case of the table and every store, the store's command runs in a real bash with
argument-echo stand-ins for the cloud CLIs (stand_in.py), the secret typed at its prompt;
what the CLI would have stored, under the name it was given, goes into the store's SDK
stubbed at its boundary (moto for AWS; the Secret Manager and Key Vault clients' get
methods; Vault's HTTP API through `responses`), and the provider's backend class, as
`[secrets] backend_kwargs` configures it, must give back the intended connection field by
field. The Kubernetes Secret is read by a YAML parser (and, where kubectl is installed, made
by the real `kubectl create --dry-run=client`), its variable by Airflow's
environment-variable backend. docs/secrets-backends.md has the facts relied on."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import types

import pytest
import yaml

from airflow_checks import expected_connection, read_back
from conftest import CASES, dbx_check_binary, run_dbx_check
from stand_in import PROMPT_SHELLS, run

STORES = ["aws_secrets_manager", "gcp_secret_manager", "azure_key_vault", "vault", "kubernetes", "helm"]


def typed(case: dict, key: str) -> str:
    """What the user types at the command's prompts: the secret, then the vault's name."""
    lines = []
    if case["expect"]["password"]:
        lines.append(case["expect"]["password"])
    if key == "azure_key_vault":
        lines.append("my-vault")
    return "".join(f"{line}\n" for line in lines)


def form_of(outputs: dict, case: dict, key: str) -> dict | None:
    out = outputs[case["name"]]
    form = out[key]
    if form is None:
        # Only where no connection is written at all, or a finding says why.
        codes = [f["code"] for f in out["findings"]]
        assert (
            out["uri"] is None
            or out["cli_json"] is None
            or "store_cannot_name_conn_id" in codes
            or "vault_login_read_as_file" in codes
        ), (case["name"], key)
    return form


def check_no_secret_in_commands(case: dict, form: dict) -> None:
    secret = case["expect"]["password"]
    if len(secret) >= 4:
        for text in (form["command"], form["powershell"]):
            assert text is None or secret not in text


def one_store_call(calls, tool: str, verb: str):
    [call] = [c for c in calls if c.tool == tool and verb in c.argv]
    return call


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the test tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def expect_read_back(case: dict, conn) -> None:
    assert conn is not None, case["name"]
    assert read_back(conn) == expected_connection(case["expect"]), case["name"]


# --- AWS Secrets Manager -------------------------------------------------------------

@pytest.fixture(scope="module")
def aws_store():
    """Secrets Manager as moto emulates it, in this process, for the whole module."""
    import boto3
    from moto import mock_aws

    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION")}
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_SESSION_TOKEN="testing", AWS_DEFAULT_REGION="eu-west-1")
    try:
        with mock_aws():
            from airflow.providers.amazon.aws.secrets.secrets_manager import SecretsManagerBackend

            # One backend for all cases: its boto3 client is built once.
            [case] = [c for c in CASES if c["name"] == "pat_plain"]
            kwargs = json.loads(run_dbx_check(dbx_check_binary(), case["request"])["aws_secrets_manager"]["backend_kwargs"])
            backend = SecretsManagerBackend(region_name="eu-west-1", **kwargs)
            yield boto3.client("secretsmanager", region_name="eu-west-1"), backend
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_aws_secrets_manager(case, outputs, aws_store):
    form = form_of(outputs, case, "aws_secrets_manager")
    if form is None:
        return
    check_no_secret_in_commands(case, form)
    for shell in PROMPT_SHELLS:
        calls = run(shell, form["command"], typed(case, "aws_secrets_manager"))
        describe = one_store_call(calls, "aws", "describe-secret")
        assert describe.argv == ["secretsmanager", "describe-secret", "--secret-id", form["name"]]
        create = one_store_call(calls, "aws", "create-secret")
        # `--secret-string file:///dev/stdin`: the AWS CLI reads the parameter from the file.
        assert create.argv == [
            "secretsmanager", "create-secret", "--name", form["name"], "--secret-string", "file:///dev/stdin",
        ]
        value = create.stdin.decode("utf-8")

    client, backend = aws_store
    assert json.loads(form["backend_kwargs"]) == {"connections_prefix": backend.connections_prefix, "sep": backend.sep}
    client.create_secret(Name=form["name"], SecretString=value)
    try:
        expect_read_back(case, backend.get_connection(case["request"]["conn_id"]))
    finally:
        client.delete_secret(SecretId=form["name"], ForceDeleteWithoutRecovery=True)


# --- Google Secret Manager -------------------------------------------------------------

SECRET_ID = re.compile(r"[a-zA-Z0-9_-]{1,255}")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_gcp_secret_manager(case, outputs, monkeypatch):
    form = form_of(outputs, case, "gcp_secret_manager")
    if form is None:
        conn_id = case["request"]["conn_id"]
        if outputs[case["name"]]["uri"] is not None and "." in conn_id:
            # The service refuses the id, and the backend finds nothing.
            assert not SECRET_ID.fullmatch(f"airflow-connections-{conn_id}")
        return
    check_no_secret_in_commands(case, form)
    for shell in PROMPT_SHELLS:
        calls = run(shell, form["command"], typed(case, "gcp_secret_manager"))
        assert one_store_call(calls, "gcloud", "describe").argv == ["secrets", "describe", form["name"]]
        create = one_store_call(calls, "gcloud", "create")
        # `--data-file=-`: gcloud stores stdin as the first version's payload.
        assert create.argv == ["secrets", "create", form["name"], "--replication-policy=automatic", "--data-file=-"]
        payload = create.stdin
    assert SECRET_ID.fullmatch(form["name"])

    from google.api_core.exceptions import InvalidArgument, NotFound
    from google.auth.credentials import AnonymousCredentials
    from google.cloud.secretmanager_v1 import SecretManagerServiceClient

    from airflow.providers.google.cloud.secrets import secret_manager

    store = {form["name"]: payload}

    def access_secret_version(self, request=None, **kwargs):
        match = re.fullmatch(r"projects/dbx-project/secrets/([^/]*)/versions/latest", request["name"])
        if not match or not SECRET_ID.fullmatch(match.group(1)):
            raise InvalidArgument(request["name"])
        if match.group(1) not in store:
            raise NotFound(request["name"])
        return types.SimpleNamespace(payload=types.SimpleNamespace(data=store[match.group(1)]))

    monkeypatch.setattr(SecretManagerServiceClient, "access_secret_version", access_secret_version)
    monkeypatch.setattr(
        secret_manager, "get_credentials_and_project_id", lambda **kwargs: (AnonymousCredentials(), "dbx-project")
    )
    backend = secret_manager.CloudSecretManagerBackend(**json.loads(form["backend_kwargs"]))
    expect_read_back(case, backend.get_connection(case["request"]["conn_id"]))


# --- Azure Key Vault ---------------------------------------------------------------------

KEY_VAULT_NAME = re.compile(r"[0-9a-zA-Z-]{1,127}")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_azure_key_vault(case, outputs, monkeypatch):
    form = form_of(outputs, case, "azure_key_vault")
    if form is None:
        return
    check_no_secret_in_commands(case, form)
    for shell in PROMPT_SHELLS:
        calls = run(shell, form["command"], typed(case, "azure_key_vault"))
        [call] = calls
        # `--file /dev/stdin --encoding utf-8`: az reads the value from the file.
        assert call.argv == [
            "keyvault", "secret", "set", "--vault-name", "my-vault", "--name", form["name"],
            "--file", "/dev/stdin", "--encoding", "utf-8", "--output", "none",
        ]
        value = call.stdin.decode("utf-8")
    assert KEY_VAULT_NAME.fullmatch(form["name"])

    from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
    from azure.keyvault.secrets import SecretClient

    from airflow.providers.microsoft.azure.secrets import key_vault

    # Key Vault names are case-insensitive.
    store = {form["name"].lower(): value}

    def get_secret(self, name, version=None, **kwargs):
        assert self.vault_url.startswith("https://YOUR-KEY-VAULT.vault.azure.net")
        if not KEY_VAULT_NAME.fullmatch(name):
            raise HttpResponseError(f"BadParameter: {name}")
        if name.lower() not in store:
            raise ResourceNotFoundError(name)
        return types.SimpleNamespace(value=store[name.lower()], name=name)

    monkeypatch.setattr(SecretClient, "get_secret", get_secret)
    monkeypatch.setattr(key_vault, "get_sync_default_azure_credential", lambda **kwargs: object())
    backend = key_vault.AzureKeyVaultBackend(**json.loads(form["backend_kwargs"]))
    expect_read_back(case, backend.get_connection(case["request"]["conn_id"]))


# --- HashiCorp Vault -----------------------------------------------------------------------

def vault_cli_fields(call) -> dict:
    """`vault kv put PATH k=v ...` as the Vault CLI reads it: a value `-` comes from stdin."""
    fields = {}
    for arg in call.argv[3:]:
        key, _, value = arg.partition("=")
        assert not value.startswith("@"), arg
        fields[key] = call.stdin.decode("utf-8") if value == "-" else value
    return fields


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_hashicorp_vault(case, outputs, monkeypatch):
    form = form_of(outputs, case, "vault")
    if form is None:
        return
    check_no_secret_in_commands(case, form)
    for shell in PROMPT_SHELLS:
        [call] = run(shell, form["command"], typed(case, "vault"))
        assert call.argv[:3] == ["kv", "put", form["name"]]
        fields = vault_cli_fields(call)

    import responses

    from airflow.providers.hashicorp.secrets.vault import VaultBackend

    kwargs = json.loads(form["backend_kwargs"])
    url = kwargs.pop("url")
    mount, _, path = form["name"].partition("/")
    stored = {f"/v1/{mount}/data/{path}": fields}

    def answer(request):
        from urllib.parse import urlsplit

        got = urlsplit(request.url).path
        if got == "/v1/auth/token/lookup-self":
            return 200, {}, json.dumps({"data": {"id": "t", "policies": ["default"]}})
        if got in stored:
            data = {"data": stored[got], "metadata": {"version": 1, "deletion_time": "", "destroyed": False}}
            return 200, {}, json.dumps({"data": data})
        return 404, {}, json.dumps({"errors": []})

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.GET, re.compile(re.escape(url) + r"/v1/.*", re.IGNORECASE), callback=answer)
        backend = VaultBackend(url=url, token="test-token", **kwargs)
        expect_read_back(case, backend.get_connection(case["request"]["conn_id"]))


# --- Kubernetes and the Helm chart ---------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_kubernetes_secret_and_helm_values(case, outputs, monkeypatch):
    form = form_of(outputs, case, "kubernetes")
    helm = form_of(outputs, case, "helm")
    if form is None:
        return
    check_no_secret_in_commands(case, form)
    var = form["name"]
    assert var == "AIRFLOW_CONN_" + case["request"]["conn_id"].upper()
    from airflow.secrets.environment_variables import EnvironmentVariablesBackend

    conn_id = case["request"]["conn_id"]
    # 1. The manifest, read by a YAML parser; its variable by Airflow's backend.
    manifest = yaml.safe_load(form["manifest"])
    assert manifest["kind"] == "Secret" and manifest["apiVersion"] == "v1"
    secret_name = manifest["metadata"]["name"]
    assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", secret_name) and len(secret_name) <= 253
    monkeypatch.setenv(var, manifest["stringData"][var])
    expect_read_back(case, EnvironmentVariablesBackend().get_connection(conn_id))
    monkeypatch.delenv(var)

    # 2. The command: the real kubectl makes the Secret (offline), the apply is recorded.
    kubectl = shutil.which("kubectl")
    for shell in PROMPT_SHELLS:
        calls = run(shell, form["command"], typed(case, "kubernetes"), real_kubectl=kubectl)
        create = one_store_call(calls, "kubectl", "create")
        assert create.argv[:4] == ["create", "secret", "generic", secret_name]
        assert f"--from-file={var}=/dev/stdin" in create.argv
        apply = one_store_call(calls, "kubectl", "apply")
        if kubectl:
            made = yaml.safe_load(apply.stdin)
            assert made["metadata"]["name"] == secret_name
            assert made["metadata"]["namespace"] == manifest["metadata"]["namespace"]
            value = base64.b64decode(made["data"][var]).decode("utf-8")
            monkeypatch.setenv(var, value)
            expect_read_back(case, EnvironmentVariablesBackend().get_connection(conn_id))
            monkeypatch.delenv(var)

    # 3. The chart's values: `secret:` puts the Secret's key into every Airflow container.
    values = yaml.safe_load(helm["manifest"])
    assert values == {"secret": [{"envName": var, "secretName": secret_name, "secretKey": var}]}
    [call] = run("bash", helm["command"], "")
    assert call.argv[-2:] == ["-f", "-"] and yaml.safe_load(call.stdin) == values


def test_requirements_lines_install_on_this_airflow(outputs):
    """Each store's provider line accepts the provider installed in this venv."""
    from importlib.metadata import version

    from airflow import __version__
    from packaging.requirements import Requirement

    major = __version__.split(".")[0]
    seen = set()
    for case in CASES:
        out = outputs[case["name"]]
        if str(case["request"].get("airflow", "3")) != major:
            continue
        for key in STORES:
            line = (out[key] or {}).get("requirements")
            if line:
                requirement = Requirement(line)
                assert requirement.specifier.contains(version(requirement.name)), (line, version(requirement.name))
                seen.add(requirement.name)
    assert len(seen) == 4, seen


def test_every_bash_form_parses(outputs):
    """`bash -n` on every command, PowerShell aside (no PowerShell here)."""
    import subprocess

    for case in CASES:
        out = outputs[case["name"]]
        texts = [out["cli"], out["cli_json"]] + [
            (out[key] or {}).get("command") for key in STORES
        ]
        for text in filter(None, texts):
            subprocess.run(["bash", "-n", "-c", text], check=True)
