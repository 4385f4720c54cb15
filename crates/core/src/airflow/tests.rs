//! The case table shared with the real-Airflow round trip (tests/airflow/), checked here
//! without Airflow, plus properties over arbitrary input.

use super::*;
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
    let values = airflow_values(&req);
    let json = serde_json::to_value(&values).unwrap();
    (values, json)
}

/// The value Airflow's JSON form holds, taken from the `--conn-json` word.
fn conn_json(out: &Value) -> Option<Value> {
    let cli = out["cli_json"].as_str()?;
    let words = shlex::split(cli).unwrap();
    let idx = words.iter().position(|w| w.starts_with("--conn-json"))?;
    let text = match words[idx].strip_prefix("--conn-json=") {
        Some(text) => text.to_owned(),
        None => words[idx + 1].clone(),
    };
    serde_json::from_str(&text).ok()
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
        if let Some(conn) = conn_json(&out) {
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
            "cli",
            "cli_json",
            "dotenv",
            "env",
            "env_json",
            "fields",
            "findings",
            "requirements",
            "uri",
            "yaml"
        ]
    );
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
    let values = airflow_values(&req);
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
        let values = airflow_values(&req);
        let out = serde_json::to_value(&values).unwrap();
        if values.uri.is_none() {
            prop_assert!(!crate::usable(&values.findings));
        }
        if let Some(conn) = conn_json(&out) {
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
