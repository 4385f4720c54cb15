"""Writes crates/core/tests/data/import_cases.json: the texts `dbx-check import` is checked
on against real Airflow (test_import.py). Hand-written tricky texts, plus every form
`dbx-check airflow` writes for several connections. Usage: python make_import_cases.py DBX_CHECK"""

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "crates" / "core" / "tests" / "data" / "import_cases.json"
H = "https://adb-1234567890123456.7.azuredatabricks.net"
HN = "adb-1234567890123456.7.azuredatabricks.net"
PAT = "dapi0123456789abcdef0123456789abcdef"
NASTY = "p@ss:w/rd%#? x+é€'\"$`!\\"

cases = []


def case(name, kind, text, conn_id=None):
    cases.append({"name": name, "kind": kind, "text": text, **({"conn_id": conn_id} if conn_id else {})})


def q(v):
    return quote(v, safe="")


extra_nested = {"http_path": "/sql/1.0/warehouses/abc", "session_configuration": {"a": 1, "b": [True, None]}, "flag": False}
ej = json.dumps(extra_nested)

# Bare URIs.
case("uri_get_uri_form", "uri", f"databricks://https://:{q(PAT)}@{HN}")
case("uri_encoded_host", "uri", f"databricks://:{q(PAT)}@{q(H)}")
case("uri_nasty_password", "uri", f"databricks://https://:{q(NASTY)}@{HN}")
case("uri_email_login", "uri", f"databricks://{q('jane.doe@example.com')}:{q('pw')}@{HN}")
case("uri_extra_json", "uri", f"databricks://https://:{q(PAT)}@{HN}/?__extra__={q(ej)}")
case("uri_query_extras", "uri", f"databricks://https://:{q(PAT)}@{HN}/?http_path=%2Fsql%2F1.0&service_principal_oauth=false&n=1")
case("uri_token_in_query", "uri", f"databricks://@{HN}?token={PAT}")
case("uri_no_scheme_host", "uri", f"databricks://:{PAT}@{HN}")
case("uri_port_schema", "uri", f"databricks://u:p@{HN}:443/https")
case("uri_uppercase_host", "uri", f"databricks://:{PAT}@ADB-1.2.AzureDatabricks.NET")
case("uri_plus_in_password", "uri", f"databricks://:a+b@{HN}")
case("uri_empty_password_token_extra", "uri", f"databricks://https://@{HN}/?__extra__={q(json.dumps({'token': PAT}))}")
case("uri_unencoded_hash", "uri", f"databricks://:ab#c@{HN}")
case("uri_unencoded_at", "uri", f"databricks://:a@b@{HN}")
case("uri_credentials_before_protocol", "uri", f"databricks://:x@https://{HN}")
case("uri_non_ascii_raw", "uri", f"databricks://:pé€@{HN}")
case("uri_bad_percent", "uri", f"databricks://:%ZZ%C3@{HN}")
case("uri_type_dash", "uri", f"data-bricks://:x@{HN}")
case("uri_sp_oauth", "uri", f"databricks://https://{q('11111111-2222-3333-4444-555555555555')}:{q('dose123')}@{HN}/?__extra__={q(json.dumps({'service_principal_oauth': True}))}")
case("uri_repeated_query", "uri", f"databricks://{HN}?a=1&a=2&b=&c")
case("uri_fragment", "uri", f"databricks://:{PAT}@{HN}#frag")
case("uri_tabs_removed", "uri", f"databricks://:da\tpi@{HN}")

# Environment variables.
envu = f"databricks://https://:{q(NASTY)}@{HN}"
case("env_export_single", "env_shell", f"export AIRFLOW_CONN_DATABRICKS_DEFAULT='{envu}'")
case("env_export_double", "env_shell", f'export AIRFLOW_CONN_MY_DB="databricks://https://:{q(PAT)}@{HN}"')
case("env_export_unquoted", "env_shell", f"export AIRFLOW_CONN_MY_DB=databricks://https://:{q(PAT)}@{HN}")
jc = json.dumps({"conn_type": "databricks", "host": H, "login": "", "password": "it's €", "extra": extra_nested})
case("env_export_json", "env_shell", "export AIRFLOW_CONN_DBJ='" + jc.replace("'", "'\"'\"'") + "'")
jc2 = json.dumps({"conn_type": "databricks", "host": H, "password": "", "extra": json.dumps({"token": PAT})})
case("env_json_extra_string", "env_shell", "export AIRFLOW_CONN_DBJ2='" + jc2 + "'")
case("dotenv_file", "env_dotenv", f"# Astro .env\nAIRFLOW__CORE__LOAD_EXAMPLES=False\nAIRFLOW_CONN_DATABRICKS_DEFAULT='{envu}'\nOTHER=1\n")
case("dotenv_unquoted_comment", "env_dotenv", f"AIRFLOW_CONN_X=databricks://:{PAT}@{HN} # note\n")
case("compose_mapping", "env_compose", f"services:\n  scheduler:\n    environment:\n      AIRFLOW__CORE__EXECUTOR: LocalExecutor\n      AIRFLOW_CONN_DATABRICKS_DEFAULT: '{envu}'\n")
case("compose_list", "env_compose", f"services:\n  worker:\n    environment:\n      - AIRFLOW_CONN_DATABRICKS_DEFAULT=databricks://:{PAT}@{HN}\n")
case("k8s_env", "env_k8s", f"env:\n  - name: AIRFLOW__CORE__LOAD_EXAMPLES\n    value: 'False'\n  - name: AIRFLOW_CONN_DATABRICKS_DEFAULT\n    value: \"{envu}\"\n")
case("env_json_with_conn_id", "env_shell", "export AIRFLOW_CONN_BAD='" + json.dumps({"conn_id": "x", "conn_type": "databricks", "host": H}) + "'")
case("env_json_port_string", "env_shell", "export AIRFLOW_CONN_P='" + json.dumps({"conn_type": "databricks", "host": H, "port": "8443", "password": "x"}) + "'")

# Connection JSON.
case("json_extra_object", "json", jc)
case("json_extra_string", "json", jc2)
case("json_azure_sp", "json", json.dumps({"conn_type": "databricks", "host": H, "login": "app", "password": "sec", "extra": {"azure_tenant_id": "t", "service_principal_oauth": True}}))
case("json_tenant_with_pat", "json", json.dumps({"conn_type": "databricks", "host": H, "password": PAT, "extra": {"azure_tenant_id": "t"}}))
case("json_extra_host", "json", json.dumps({"conn_type": "databricks", "host": "ignored", "password": PAT, "extra": {"host": H}}))
case("json_flag_string_false", "json", json.dumps({"conn_type": "databricks", "host": H, "login": "c", "password": "s", "extra": {"service_principal_oauth": "false"}}))
case("json_managed_identity", "json", json.dumps({"conn_type": "databricks", "host": H, "extra": {"use_azure_managed_identity": True, "azure_managed_identity_client_id": "mi"}}))
case("json_legacy_keys", "json", json.dumps({"conn_type": "databricks", "host": H, "extra": {"extra__databricks__token": PAT}}))
case("json_generic_type", "json", json.dumps({"conn_type": "generic", "host": H, "password": PAT}))
case("json_extra_not_object", "json", json.dumps({"conn_type": "databricks", "host": H, "extra": "[1]"}))
case("json_login_token_basic", "json", json.dumps({"conn_type": "databricks", "host": H, "login": "token", "password": PAT}))
case("json_pretty", "json", json.dumps({"conn_type": "databricks", "host": H, "password": PAT}, indent=4))

# Export files (as Airflow 3.3 writes them, checked in test_import.py by Airflow's loader).
export = {
    "databricks_default": {"conn_type": "databricks", "description": None, "login": None, "password": NASTY, "host": H, "port": None, "schema": None, "extra": ej},
    "other": {"conn_type": "http", "description": "x", "login": "u", "password": "p", "host": "h.example.com", "port": 443, "schema": "s", "extra": '{"x": "1"}'},
}
case("export_json", "export_json", json.dumps(export, indent=2))
case("export_json_pick_other", "export_json", json.dumps(export, indent=2), "other")
case("export_json_dejson", "export_json", json.dumps({"db": {"conn_type": "databricks", "host": H, "extra_dejson": {"token": PAT}}}))
case("export_json_uri_value", "export_json", json.dumps({"db": f"databricks://:{q(PAT)}@{HN}?n=1"}))


def yaml_dump(doc):
    import yaml

    return yaml.dump(doc)


case("export_yaml", "export_yaml", yaml_dump(export))
case("export_yaml_long_extra", "export_yaml", yaml_dump({"db": {**export["databricks_default"], "extra": json.dumps({"http_path": "/sql/1.0/warehouses/" + "a" * 30, "session_configuration": {"k" * 20: "v " * 30}})}}))
case("export_yaml_non_ascii", "export_yaml", yaml_dump({"db": {"conn_type": "databricks", "host": H, "password": "é€\u2028\x07 'q' \"d\"", "login": "x\ny"}}))
case("export_env_uri", "export_env", f"databricks_default={envu}\nother=http://u:p@h.example.com:443/s?x=1\n")
case("export_env_pick", "export_env", f"databricks_default={envu}\nother=http://u:p@h.example.com:443/s?x=1\n", "other")
case("export_env_json", "export_env_json", "databricks_default=" + jc + "\n")

# Astro airflow_settings.yaml.
case("astro_mapping_extra", "astro", f"airflow:\n  connections:\n    - conn_id: databricks_default\n      conn_type: databricks\n      conn_host: {H}\n      conn_schema:\n      conn_login:\n      conn_password: {PAT}\n      conn_port:\n      conn_extra:\n        service_principal_oauth: true\n        http_path: /sql/1.0/warehouses/abc\n  pools: []\n  variables: []\n")
case("astro_json_extra", "astro", f"airflow:\n  connections:\n    - conn_id: db2\n      conn_type: databricks\n      conn_host: \"{H}\"\n      conn_login: \"c-1\"\n      conn_password: 'it''s # not a comment'\n      conn_extra: '{{\"azure_tenant_id\": \"t\"}}'\n")
case("astro_two", "astro", f"airflow:\n  connections:\n    - conn_id: a\n      conn_type: http\n      conn_host: h\n    - conn_id: b\n      conn_type: databricks\n      conn_host: {H}\n      conn_password: {PAT} # comment\n", "b")

# CLI commands.
case("cli_fields", "cli", f"airflow connections add --conn-type databricks --conn-host {H} --conn-password '{PAT}' my_db")
case("cli_abbrev_equals", "cli", f"airflow connections add --conn-ty=databricks --conn-ho {H} --conn-pa=-dash --conn-l=token --conn-e '{{\"http_path\": \"x\"}}' cli_abbrev")
case("cli_uri", "cli", f"airflow connections add --conn-uri 'databricks://https://:{q(NASTY)}@{HN}' cli_uri")
case("cli_uri_query_extra", "cli", f"airflow connections add --conn-uri 'databricks://{HN}?service_principal_oauth=false&n=1' cli_uri_q")
case("cli_uri_with_extra", "cli", f"airflow connections add --conn-uri 'databricks://:x@{HN}' --conn-extra '{{\"a\": 1}}' cli_uri_e")
case("cli_json", "cli", "airflow connections add --conn-json '" + jc.replace("'", "'\"'\"'") + "' cli_json")
case("cli_continued", "cli", f"airflow connections add \\\n    --conn-type databricks \\\n    --conn-host {H} \\\n    --conn-login 'jane@example.com' \\\n    --conn-password \"pw with spaces\" \\\n    cli_cont")
case("cli_dash_id", "cli", f"airflow connections add --conn-type databricks --conn-host {H} -- -dash-id")
case("cli_space_value", "cli", f"airflow connections add --conn-type databricks --conn-password '-a b' --conn-host {H} cli_space")
case("cli_ambiguous", "cli", f"airflow connections add --conn-p x --conn-type databricks cli_amb")
case("cli_missing_value", "cli", f"airflow connections add --conn-type databricks --conn-password -x cli_miss")
case("cli_uri_and_fields", "cli", f"airflow connections add --conn-uri databricks://h --conn-login x cli_clash")
case("cli_port_schema", "cli", f"airflow connections add --conn-type databricks --conn-host {H} --conn-port 443 --conn-schema https cli_port")

# Every form `dbx-check airflow` writes, for several connections.
requests = [
    {"conn_id": "gen_pat", "host": HN, "method": "pat", "secret": NASTY},
    {"conn_id": "gen_sp", "host": "dbc-123.cloud.databricks.com", "method": "sp_oauth", "login": "11111111-2222-3333-4444-555555555555", "secret": "dose'x", "extra": {"http_path": "/sql/1.0/warehouses/a"}},
    {"conn_id": "gen_azsp", "host": HN, "method": "azure_sp", "login": "app-id", "secret": "s€cret", "extra": {"azure_tenant_id": "tenant"}},
    {"conn_id": "gen_mi", "host": HN, "method": "azure_mi", "login": "mi-client"},
    {"conn_id": "gen_basic", "host": "1234.5.gcp.databricks.com", "method": "basic", "login": "jane@example.com", "secret": "pw $HOME `x`"},
]
FORM_KIND = {"uri": "uri", "env": "env_shell", "env_json": "env_shell", "cli": "cli", "cli_json": "cli", "yaml": "astro", "dotenv": "env_dotenv"}
dbx = sys.argv[1]
for req in requests:
    out = json.loads(subprocess.run([dbx, "airflow"], input=json.dumps(req), capture_output=True, text=True, check=True).stdout)
    for form, kind in FORM_KIND.items():
        if out[form] is not None:
            text = out[form]
            if kind == "cli":
                # Unique ids per command, as the CLI cases share one database.
                text = text.replace(req["conn_id"], f"{req['conn_id']}_{form}")
            case(f"{req['conn_id']}_{form}", kind, text)

OUT.write_text(json.dumps({"source": "tests/airflow/make_import_cases.py", "cases": cases}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
print(len(cases), "cases")
