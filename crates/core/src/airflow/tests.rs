//! The case table shared with the real-Airflow round trip (tests/airflow/), checked here
//! without Airflow, plus properties over arbitrary input.

use super::*;
use crate::airflow::stand_in;
use crate::finding::Severity;
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use serde_json::json;

const CASES: &str = include_str!("../../tests/data/airflow_cases.json");
const FORMS: [&str; 8] = [
    "fields", "uri", "env", "env_json", "cli", "cli_json", "yaml", "dotenv",
];

fn cases() -> Vec<Value> {
    let doc: Value = serde_json::from_str(CASES).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn run(request: &Value) -> (AirflowValues, Value) {
    let req: ConnectionRequest = serde_json::from_value(request.clone()).unwrap();
    let values = airflow_values_with_stores(&req);
    let json = serde_json::to_value(&values).unwrap();
    (values, json)
}

/// The value Airflow's JSON form holds: what `airflow` receives when bash runs the
/// `cli_json` command and the secret is typed at its prompt.
fn conn_json(out: &Value, secret: &str) -> Option<Value> {
    let cli = out["cli_json"].as_str()?;
    let run = stand_in::run("bash", cli, &format!("{secret}\n"));
    assert_eq!(run.status, 0, "{}", run.stderr);
    let [call] = &run.calls[..] else {
        panic!("{:?}", run.calls)
    };
    let words = &call.argv;
    let idx = words.iter().position(|w| w.starts_with("--conn-json"))?;
    let text = match words[idx].strip_prefix("--conn-json=") {
        Some(text) => text.to_owned(),
        None => words[idx + 1].clone(),
    };
    serde_json::from_str(&text).ok()
}

/// The connection JSON as the Kubernetes manifest or the export line holds it.
fn json_value(values: &AirflowValues) -> Option<Value> {
    if let Some(manifest) = values
        .kubernetes
        .as_ref()
        .and_then(|k| k.manifest.as_deref())
    {
        let doc: serde_yaml::Value = serde_yaml::from_str(manifest).unwrap();
        let data = doc["stringData"].as_mapping().unwrap();
        let [(_, text)] = data.iter().collect::<Vec<_>>()[..] else {
            panic!("{manifest}")
        };
        return Some(serde_json::from_str(text.as_str().unwrap()).unwrap());
    }
    let words = shlex::split(values.env_json.as_deref()?).unwrap();
    let (_, value) = words[1].split_once('=').unwrap();
    Some(serde_json::from_str(value).unwrap())
}

#[test]
fn the_case_table_is_large_enough_and_covers_every_method() {
    let cases = cases();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    for method in AuthMethod::ALL {
        assert!(
            cases
                .iter()
                .any(|c| c["request"]["method"] == method.as_str()),
            "no case for {method}"
        );
    }
}

#[test]
fn every_case_gives_the_intended_connection_in_every_form() {
    for case in cases() {
        let name = case["name"].as_str().unwrap();
        let expect = &case["expect"];
        let (values, out) = run(&case["request"]);

        // Forms are null exactly where the table says.
        let null: Vec<&str> = expect["null"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for form in FORMS {
            assert_eq!(
                out[form].is_null(),
                null.contains(&form),
                "{name}: form {form} is {}",
                out[form]
            );
        }

        // Every error or warning is expected, and every expected finding is there.
        let codes: Vec<&str> = values.findings.iter().map(|f| f.code).collect();
        for code in expect["findings"].as_array().unwrap() {
            assert!(
                codes.contains(&code.as_str().unwrap()),
                "{name}: {code} missing from {codes:?}"
            );
        }
        for f in values
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
        {
            assert!(
                expect["findings"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(f.code)),
                "{name}: unexpected {}: {}",
                f.code,
                f.message
            );
        }

        // The connection itself, read from the JSON form and the UI fields.
        if let Some(conn) = conn_json(&out, expect["password"].as_str().unwrap()) {
            assert_eq!(conn["host"], expect["host"], "{name}");
            assert_eq!(
                conn.get("login").cloned().unwrap_or(json!("")),
                expect["login"],
                "{name}"
            );
            assert_eq!(
                conn.get("password").cloned().unwrap_or(json!("")),
                expect["password"],
                "{name}"
            );
            assert_eq!(
                conn.get("extra").cloned().unwrap_or(json!({})),
                expect["extra"],
                "{name}"
            );
            assert!(conn.get("conn_id").is_none(), "{name}");
        }
        if let Some(fields) = &values.fields {
            assert_eq!(fields.conn_type, "databricks");
            assert_eq!(json!(fields.host), expect["host"], "{name}");
            assert_eq!(json!(fields.login), expect["login"], "{name}");
            assert_eq!(json!(fields.password), expect["password"], "{name}");
            assert!(fields.schema.is_empty() && fields.port.is_empty());
            let extra: Value = if fields.extra.is_empty() {
                json!({})
            } else {
                serde_json::from_str(&fields.extra).unwrap()
            };
            assert_eq!(extra, expect["extra"], "{name}");
        }
        if let Some(uri) = &values.uri {
            let host = expect["host"].as_str().unwrap();
            let hostname = host.trim_start_matches("https://");
            assert!(uri.starts_with("databricks://https://"), "{name}: {uri}");
            assert!(
                uri.contains(&format!("@{hostname}"))
                    || uri.starts_with(&format!("databricks://https://{hostname}")),
                "{name}: {uri}"
            );
        }
    }
}

#[test]
fn the_requirements_line_follows_the_airflow_version() {
    let v2 = run(&json!({"host": "dbc-1.cloud.databricks.com", "method": "pat", "secret": "x", "airflow": 2})).0;
    assert_eq!(
        v2.requirements,
        "apache-airflow-providers-databricks==7.7.5"
    );
    let v3 = run(&json!({"host": "dbc-1.cloud.databricks.com", "method": "pat", "secret": "x"})).0;
    assert_eq!(
        v3.requirements,
        "apache-airflow-providers-databricks>=7.10.0"
    );
    for text in ["2", "v2", "2.10", "2.x"] {
        let req: ConnectionRequest =
            serde_json::from_value(json!({"method": "pat", "airflow": text})).unwrap();
        assert_eq!(req.airflow, AirflowVersion::V2, "{text}");
    }
    assert!(
        serde_json::from_value::<ConnectionRequest>(json!({"method": "pat", "airflow": 4}))
            .is_err()
    );
}

#[test]
fn the_output_has_exactly_the_contracts_keys() {
    let (_, out) =
        run(&json!({"host": "dbc-1.cloud.databricks.com", "method": "pat", "secret": "dapi1"}));
    let mut keys: Vec<&String> = out.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "aws_secrets_manager",
            "azure_key_vault",
            "cli",
            "cli_json",
            "dotenv",
            "env",
            "env_json",
            "fields",
            "findings",
            "gcp_secret_manager",
            "helm",
            "kubernetes",
            "requirements",
            "uri",
            "vault",
            "yaml"
        ]
    );
    for store in STORES {
        let mut store_keys: Vec<&String> = out[store].as_object().unwrap().keys().collect();
        store_keys.sort();
        assert_eq!(
            store_keys,
            [
                "backend",
                "backend_kwargs",
                "command",
                "manifest",
                "name",
                "powershell",
                "requirements",
                "settings"
            ],
            "{store}"
        );
    }
    let mut field_keys: Vec<&String> = out["fields"].as_object().unwrap().keys().collect();
    field_keys.sort();
    assert_eq!(
        field_keys,
        [
            "conn_type",
            "extra",
            "host",
            "login",
            "password",
            "port",
            "schema"
        ]
    );
    assert_eq!(
        out["dotenv"],
        "AIRFLOW_CONN_DATABRICKS_DEFAULT='databricks://https://:dapi1@dbc-1.cloud.databricks.com'"
    );
    assert_eq!(out["env"], "export AIRFLOW_CONN_DATABRICKS_DEFAULT=databricks://https://:dapi1@dbc-1.cloud.databricks.com");
}

#[test]
fn the_traps_are_said_with_the_test_command() {
    let (values, _) = run(
        &json!({"conn_id": "db.x", "host": "dbc-1.cloud.databricks.com", "method": "pat", "secret": "dapi1"}),
    );
    let test = values
        .findings
        .iter()
        .find(|f| f.code == "test_connection_disabled")
        .unwrap();
    assert!(test
        .fix
        .contains("AIRFLOW__CORE__TEST_CONNECTION=Enabled airflow connections test db.x"));
    for code in [
        "schema_port_empty",
        "env_connection_not_in_ui",
        "sql_needs_http_path",
        "provider_pinned",
    ] {
        assert!(values.findings.iter().any(|f| f.code == code), "{code}");
    }
    // Errors come first.
    let severities: Vec<Severity> = values.findings.iter().map(|f| f.severity).collect();
    let mut sorted = severities.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(severities, sorted);
}

#[test]
fn debug_output_never_shows_the_secret() {
    let req: ConnectionRequest = serde_json::from_value(json!({
        "host": "dbc-1.cloud.databricks.com", "method": "pat", "secret": "dapiSECRET",
        "extra": {"token": "dapiEXTRA"}
    }))
    .unwrap();
    let values = airflow_values_with_stores(&req);
    for shown in [format!("{req:?}"), format!("{values:?}")] {
        assert!(
            !shown.contains("SECRET") && !shown.contains("EXTRA"),
            "{shown}"
        );
    }
    for finding in &values.findings {
        assert!(!finding.message.contains("dapi") && !finding.fix.contains("dapi"));
    }
}

#[test]
fn the_host_adapter_keeps_only_the_lower_case_hostname() {
    assert_eq!(
        airflow_host(" HTTPS://Adb-1.2.AzureDatabricks.net:443/x?o=1#y "),
        Ok("https://adb-1.2.azuredatabricks.net".into())
    );
    assert_eq!(airflow_host(""), Err(AirflowProblem::HostMissing));
    assert_eq!(airflow_host("ftp://x"), Err(AirflowProblem::HostUnusable));
    assert_eq!(airflow_host("https://"), Err(AirflowProblem::HostUnusable));
}

fn method() -> impl Strategy<Value = AuthMethod> {
    proptest::sample::select(AuthMethod::ALL.to_vec())
}

fn extra() -> impl Strategy<Value = Map<String, Value>> {
    let key = prop_oneof![
        Just("http_path".to_owned()),
        Just("azure_tenant_id".to_owned()),
        Just("service_principal_oauth".to_owned()),
        Just("token".to_owned()),
        Just("azure_resource_id".to_owned()),
        "\\PC{0,6}",
    ];
    let value = prop_oneof![
        "\\PC{0,10}".prop_map(Value::String),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        Just(Value::Null),
    ];
    proptest::collection::btree_map(key, value, 0..4).prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any input: no panic, and whatever is emitted carries exactly the inputs.
    #[test]
    fn any_request_gives_forms_that_carry_the_inputs_exactly(
        conn_id in "[a-z_.-]{0,8}|\\PC{0,8}",
        host in "(https://)?[a-zA-Z0-9.-]{0,20}(/[a-z?=#]{0,5})?|\\PC{0,12}",
        method in method(),
        login in "\\PC{0,10}|.{0,5}",
        secret in "\\PC{0,16}|[\\x00-\\x7f]{0,12}",
        extra in extra(),
        v2 in any::<bool>(),
    ) {
        let req = ConnectionRequest {
            conn_id, host, method, login, secret: Secret::new(secret), extra,
            airflow: if v2 { AirflowVersion::V2 } else { AirflowVersion::V3 },
        };
        let values = airflow_values_with_stores(&req);
        if values.uri.is_none() {
            prop_assert!(!crate::usable(&values.findings));
        }
        if let Some(conn) = json_value(&values) {
            let fields = values.fields.as_ref();
            let password = conn.get("password").and_then(Value::as_str).unwrap_or("");
            if let Some(fields) = fields {
                prop_assert_eq!(&fields.password, password);
            }
            // The URI carries the same password, encoded as Python's quote().
            let uri = values.uri.clone().unwrap();
            if !password.is_empty() {
                let encoded = uri::quote(password);
                let userinfo_end = format!(":{}@", encoded);
                prop_assert!(uri.contains(&userinfo_end));
                prop_assert_eq!(percent_decode_str(&encoded).decode_utf8().unwrap(), password);
            }
            // The YAML block parses to the same fields.
            let yaml: serde_yaml::Value = serde_yaml::from_str(values.yaml.as_deref().unwrap()).unwrap();
            let c = &yaml["airflow"]["connections"][0];
            prop_assert_eq!(c["conn_id"].as_str(), Some(req.conn_id.as_str()));
            prop_assert_eq!(c["conn_password"].as_str().unwrap_or(""), password);
            let extra_text = c["conn_extra"].as_str().unwrap_or("{}");
            let yaml_extra: Value = serde_json::from_str(extra_text).unwrap();
            let json_extra = conn.get("extra").cloned().unwrap_or(json!({}));
            prop_assert_eq!(yaml_extra, json_extra);
            // The export line splits back into `export NAME=JSON`.
            if let Some(env_json) = &values.env_json {
                let words = shlex::split(env_json).unwrap();
                prop_assert_eq!(words.len(), 2);
                let (_, value) = words[1].split_once('=').unwrap();
                prop_assert_eq!(serde_json::from_str::<Value>(value).unwrap(), conn.clone());
            }
        }
    }
}

/// The connection JSON a store must hold for a case of the table.
fn expected_json(expect: &Value) -> Value {
    let mut json = json!({"conn_type": "databricks", "host": expect["host"]});
    for key in ["login", "password"] {
        if expect[key] != "" {
            json[key] = expect[key].clone();
        }
    }
    if expect["extra"] != json!({}) {
        json["extra"] = expect["extra"].clone();
    }
    json
}

const STORES: [&str; 6] = [
    "aws_secrets_manager",
    "gcp_secret_manager",
    "azure_key_vault",
    "vault",
    "kubernetes",
    "helm",
];

/// Runs one store's command as typed into `shell` and checks what each tool receives.
fn check_store_command(shell: &str, name: &str, key: &str, form: &Value, expect: &Value) {
    let secret = expect["password"].as_str().unwrap();
    let command = form["command"].as_str().unwrap();
    let input = match (secret.is_empty(), key) {
        (true, "azure_key_vault") => "my-vault\n".to_owned(),
        (false, "azure_key_vault") => format!("{secret}\nmy-vault\n"),
        _ => format!("{secret}\n"),
    };
    let run = stand_in::run(shell, command, &input);
    assert_eq!(run.status, 0, "{name} {key} {shell}: {}", run.stderr);
    let calls = &run.calls;
    let store_name = form["name"].as_str().unwrap();
    let stored = |call: &stand_in::Call| -> Value {
        serde_json::from_str(call.stdin.as_deref().unwrap()).unwrap()
    };
    let want = expected_json(expect);
    let argv = |i: usize| calls[i].argv.iter().map(String::as_str).collect::<Vec<_>>();
    match key {
        "aws_secrets_manager" => {
            assert_eq!(calls.len(), 2, "{name}: {calls:?}");
            assert_eq!(
                argv(0),
                [
                    "secretsmanager",
                    "describe-secret",
                    "--secret-id",
                    store_name
                ]
            );
            assert_eq!(
                argv(1),
                [
                    "secretsmanager",
                    "create-secret",
                    "--name",
                    store_name,
                    "--secret-string",
                    "file:///dev/stdin"
                ]
            );
            assert_eq!(stored(&calls[1]), want, "{name}");
        }
        "gcp_secret_manager" => {
            assert_eq!(calls.len(), 2, "{name}: {calls:?}");
            assert_eq!(argv(0), ["secrets", "describe", store_name]);
            assert_eq!(
                argv(1),
                [
                    "secrets",
                    "create",
                    store_name,
                    "--replication-policy=automatic",
                    "--data-file=-"
                ]
            );
            assert_eq!(stored(&calls[1]), want, "{name}");
        }
        "azure_key_vault" => {
            assert_eq!(calls.len(), 1, "{name}: {calls:?}");
            assert_eq!(
                argv(0),
                [
                    "keyvault",
                    "secret",
                    "set",
                    "--vault-name",
                    "my-vault",
                    "--name",
                    store_name,
                    "--file",
                    "/dev/stdin",
                    "--encoding",
                    "utf-8",
                    "--output",
                    "none"
                ]
            );
            assert_eq!(stored(&calls[0]), want, "{name}");
        }
        "vault" => {
            assert_eq!(calls.len(), 1, "{name}: {calls:?}");
            let args = argv(0);
            assert_eq!(args[..3], ["kv", "put", store_name]);
            let mut fields = serde_json::Map::new();
            for arg in &args[3..] {
                let (k, v) = arg.split_once('=').unwrap();
                fields.insert(k.to_owned(), json!(v));
            }
            if !secret.is_empty() {
                assert_eq!(fields.remove("password"), Some(json!("-")));
                assert_eq!(calls[0].stdin.as_deref(), Some(secret), "{name}");
                fields.insert("password".into(), json!(secret));
            }
            if let Some(extra) = fields.get_mut("extra") {
                *extra = serde_json::from_str(extra.as_str().unwrap()).unwrap();
            }
            assert_eq!(Value::Object(fields), want, "{name}");
        }
        "kubernetes" => {
            assert_eq!(calls.len(), 2, "{name}: {calls:?}");
            let create = calls.iter().find(|c| c.argv[0] == "create").unwrap();
            assert_eq!(
                create.argv,
                [
                    "create",
                    "secret",
                    "generic",
                    &k8s_name(store_name),
                    "--namespace",
                    "airflow",
                    &format!("--from-file={store_name}=/dev/stdin"),
                    "--dry-run=client",
                    "-o",
                    "yaml"
                ]
            );
            assert_eq!(stored(create), want, "{name}");
            let manifest: serde_yaml::Value =
                serde_yaml::from_str(form["manifest"].as_str().unwrap()).unwrap();
            let value = manifest["stringData"][store_name].as_str().unwrap();
            assert_eq!(
                serde_json::from_str::<Value>(value).unwrap(),
                want,
                "{name}"
            );
        }
        "helm" => {
            assert_eq!(calls.len(), 1, "{name}: {calls:?}");
            let values: serde_yaml::Value =
                serde_yaml::from_str(calls[0].stdin.as_deref().unwrap()).unwrap();
            assert_eq!(values["secret"][0]["envName"].as_str(), Some(store_name));
            assert_eq!(values["secret"][0]["secretKey"].as_str(), Some(store_name));
        }
        _ => unreachable!(),
    }
}

fn k8s_name(var: &str) -> String {
    let id = var.trim_start_matches("AIRFLOW_CONN_");
    stores::k8s_secret_name_for_test(id)
}

#[test]
fn every_store_command_stores_the_intended_connection_and_never_holds_the_secret() {
    let zsh = stand_in::available("zsh");
    for (n, case) in cases().into_iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        let expect = &case["expect"];
        let (values, out) = run(&case["request"]);
        let codes: Vec<&str> = values.findings.iter().map(|f| f.code).collect();
        let secret = case["request"]["secret"].as_str().unwrap_or("");
        for key in STORES {
            let form = &out[key];
            if form.is_null() {
                // Null only where no connection could be written, or a finding says why.
                assert!(
                    out["uri"].is_null()
                        || out["cli_json"].is_null()
                        || codes.contains(&"store_cannot_name_conn_id")
                        || codes.contains(&"vault_login_read_as_file"),
                    "{name}: {key} is null without a reason"
                );
                continue;
            }
            for text in [&form["command"], &form["powershell"]] {
                if let Some(text) = text.as_str() {
                    assert!(
                        secret.chars().count() < 4 || !text.contains(secret),
                        "{name}: the {key} command holds the secret"
                    );
                }
            }
            check_store_command("bash", name, key, form, expect);
            if zsh && n % 8 == 0 {
                check_store_command("zsh", name, key, form, expect);
            }
        }
        for key in ["cli", "cli_json"] {
            if let Some(text) = out[key].as_str() {
                assert!(
                    secret.chars().count() < 4 || !text.contains(secret),
                    "{name}: {key} holds the secret"
                );
            }
        }
    }
}

#[test]
fn stores_name_the_connection_as_each_backend_looks_it_up() {
    let req = |conn_id: &str| ConnectionRequest {
        conn_id: conn_id.into(),
        host: "https://dbc-1.cloud.databricks.com".into(),
        method: AuthMethod::Pat,
        login: String::new(),
        secret: Secret::new("dapi0123"),
        extra: Map::new(),
        airflow: AirflowVersion::V3,
    };
    let v = airflow_values_with_stores(&req("Databricks_Prod"));
    assert_eq!(
        v.aws_secrets_manager.unwrap().name,
        "airflow/connections/Databricks_Prod"
    );
    assert_eq!(
        v.gcp_secret_manager.unwrap().name,
        "airflow-connections-Databricks_Prod"
    );
    assert_eq!(
        v.azure_key_vault.unwrap().name,
        "airflow-connections-Databricks-Prod"
    );
    assert_eq!(v.vault.unwrap().name, "secret/connections/Databricks_Prod");
    assert_eq!(v.kubernetes.unwrap().name, "AIRFLOW_CONN_DATABRICKS_PROD");
    assert!(v.findings.iter().any(|f| f.code == "key_vault_underscore"));

    // A '.' is no part of a Google or Azure secret name: no command, and a warning each.
    let dotted = airflow_values_with_stores(&req("db.prod"));
    assert!(dotted.gcp_secret_manager.is_none() && dotted.azure_key_vault.is_none());
    assert_eq!(
        dotted
            .findings
            .iter()
            .filter(|f| f.code == "store_cannot_name_conn_id")
            .count(),
        2
    );
    assert!(dotted.aws_secrets_manager.is_some() && dotted.vault.is_some());

    // Key Vault names stop at 127 characters, Google's at 255.
    let long = airflow_values_with_stores(&req(&"a".repeat(120)));
    assert!(long.azure_key_vault.is_none() && long.gcp_secret_manager.is_some());

    // Requirements: pinned to the last release for Airflow 2.10.
    let two = airflow_values_with_stores(&ConnectionRequest {
        airflow: AirflowVersion::V2,
        ..req("x")
    });
    assert_eq!(
        two.aws_secrets_manager.unwrap().requirements.as_deref(),
        Some("apache-airflow-providers-amazon==9.17.0")
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any input: no panic, and no command or PowerShell block holds the secret.
    #[test]
    fn no_command_holds_the_secret(
        conn_id in "[a-z_.-]{0,8}|\\PC{0,8}",
        method in method(),
        login in "\\PC{0,10}",
        tail in "\\PC{0,16}|[\\x00-\\x7f]{0,12}",
        extra in extra(),
    ) {
        let secret = format!("Zq{tail}");
        let req = ConnectionRequest {
            conn_id, host: "https://dbc-1.cloud.databricks.com".into(), method, login,
            secret: Secret::new(secret.clone()), extra, airflow: AirflowVersion::V3,
        };
        let values = airflow_values_with_stores(&req);
        let masked = airflow_values_with_stores(&ConnectionRequest { secret: Secret::new("Zq-masked"), ..req.clone() });
        let mut commands: Vec<String> = [&values.cli, &values.cli_json].into_iter().flatten().cloned().collect();
        for form in [&values.aws_secrets_manager, &values.gcp_secret_manager, &values.azure_key_vault,
                     &values.vault, &values.kubernetes, &values.helm].into_iter().flatten() {
            commands.push(form.command.clone());
            commands.extend(form.powershell.clone());
        }
        let masked_commands = format!("{:?}", (&masked.cli, &masked.cli_json, masked.aws_secrets_manager.map(|f| f.command)));
        for command in &commands {
            // The secret may be a plain word that the command holds for another reason.
            prop_assert!(!command.contains(&secret) || masked_commands.contains(&secret));
        }
    }
}

#[test]
fn the_page_values_are_the_command_values_without_the_stores() {
    let request: ConnectionRequest = serde_json::from_str(
        r#"{"conn_id": "databricks_prod", "host": "adb-1.2.azuredatabricks.net", "method": "pat", "secret": "dapi0123456789abcdef0123456789abcdef"}"#,
    )
    .unwrap();
    let page = airflow_values(&request);
    let mut command = airflow_values_with_stores(&request);
    assert!(command.aws_secrets_manager.is_some() && command.helm.is_some());
    assert!(command
        .findings
        .iter()
        .any(|f| f.code == "key_vault_underscore"));
    command.aws_secrets_manager = None;
    command.gcp_secret_manager = None;
    command.azure_key_vault = None;
    command.vault = None;
    command.kubernetes = None;
    command.helm = None;
    command
        .findings
        .retain(|f| f.code != "key_vault_underscore");
    assert_eq!(
        serde_json::to_value(&page).unwrap(),
        serde_json::to_value(&command).unwrap()
    );
}
