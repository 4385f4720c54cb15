use super::*;
use crate::airflow::{airflow_values, AirflowVersion, ConnectionRequest};
use proptest::prelude::*;
use serde_json::json;

fn request(
    method: AuthMethod,
    login: &str,
    secret: &str,
    extra: Value,
    conn_id: &str,
) -> ConnectionRequest {
    ConnectionRequest {
        conn_id: conn_id.into(),
        host: "adb-1234567890123456.7.azuredatabricks.net".into(),
        method,
        login: login.into(),
        secret: Secret::new(secret),
        extra: extra.as_object().cloned().unwrap_or_default(),
        airflow: AirflowVersion::V3,
    }
}

#[test]
fn every_form_of_the_airflow_values_imports_back() {
    let req = request(
        AuthMethod::SpOauth,
        "c-1",
        "dose'x\"y $z é",
        json!({"http_path": "/sql/1.0/warehouses/a"}),
        "db_x",
    );
    let values = airflow_values(&req);
    for (name, form) in [
        ("uri", &values.uri),
        ("env", &values.env),
        ("env_json", &values.env_json),
        ("cli", &values.cli),
        ("cli_json", &values.cli_json),
        ("yaml", &values.yaml),
        ("dotenv", &values.dotenv),
    ] {
        let text = form.as_deref().unwrap();
        let import = import_connection(text, None);
        let conn = import
            .connection
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: {:?}", import.findings));
        assert_eq!(import.method, Some(AuthMethod::SpOauth), "{name}");
        if name.starts_with("cli") {
            // The command asks for the secret at a prompt: the text holds none.
            assert_eq!(conn.password(), "", "{name}");
            assert!(
                import
                    .findings
                    .iter()
                    .any(|f| f.code == "import_password_from_shell_variable"),
                "{name}"
            );
        } else {
            assert_eq!(conn.password(), "dose'x\"y $z é", "{name}");
        }
        assert_eq!(conn.login(), "c-1", "{name}");
        assert_eq!(
            text_of(&conn.host),
            "https://adb-1234567890123456.7.azuredatabricks.net",
            "{name}"
        );
        assert_eq!(
            conn.extra.get("http_path"),
            Some(&json!("/sql/1.0/warehouses/a")),
            "{name}"
        );
        if name != "uri" {
            assert_eq!(import.conn_id.as_deref(), Some("db_x"), "{name}");
        }
    }
}

fn text_of(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

#[test]
fn the_provider_precedence_decides_the_method() {
    let cases = [
        (
            json!({"conn_type": "databricks", "host": "https://h", "password": "", "extra": {"token": "dapi1"}}),
            AuthMethod::Pat,
            "import_extra_token_wins",
        ),
        (
            json!({"conn_type": "databricks", "host": "https://h", "password": "p", "extra": {"azure_tenant_id": "t"}}),
            AuthMethod::Pat,
            "import_password_wins_over_extra",
        ),
        (
            json!({"conn_type": "databricks", "host": "https://h", "login": "a", "password": "p", "extra": {"azure_tenant_id": "t", "service_principal_oauth": true}}),
            AuthMethod::AzureSp,
            "import_tenant_id_wins",
        ),
        (
            json!({"conn_type": "databricks", "host": "https://h", "login": "a", "password": "p", "extra": {"service_principal_oauth": "false"}}),
            AuthMethod::SpOauth,
            "import_flag_is_text",
        ),
        (
            json!({"conn_type": "databricks", "host": "h", "login": "token", "password": "p"}),
            AuthMethod::PatBasic,
            "import_host_without_scheme",
        ),
        (
            json!({"conn_type": "databricks", "host": "https://h", "password": "p", "extra": {"host": "https://o"}}),
            AuthMethod::Pat,
            "import_extra_host_overrides",
        ),
        (
            json!({"conn_type": "http", "host": "https://h", "password": "p", "schema": "db", "port": 443}),
            AuthMethod::Pat,
            "import_schema_set",
        ),
    ];
    for (conn, method, code) in cases {
        let import = import_connection(&conn.to_string(), None);
        assert_eq!(import.method, Some(method), "{conn}");
        assert!(
            import.findings.iter().any(|f| f.code == code),
            "{conn}: {:?}",
            import.findings
        );
    }
}

#[test]
fn several_connections_are_listed_and_picked_by_id() {
    let text = "a=databricks://h1\nb=databricks://:p@h2\n";
    let import = import_connection(text, Some("b"));
    assert_eq!(import.form, Some(TextForm::ExportEnv));
    assert_eq!(import.connection.unwrap().password(), "p");
    let missing = import_connection(text, Some("c"));
    assert!(missing.connection.is_none());
    assert!(missing.findings[0].message.contains("\"a\", \"b\""));
}

#[test]
fn secrets_never_show_in_debug_or_findings() {
    let text = "databricks://u:s3cr3t@h/?__extra__=%7B%22token%22%3A%22t0k3n%22%7D";
    let import = import_connection(text, None);
    let shown = format!("{import:?}");
    assert!(
        !shown.contains("s3cr3t") && !shown.contains("t0k3n"),
        "{shown}"
    );
    let broken = import_connection("databricks://u:s3#cr3t@h", None);
    assert!(
        broken.findings.iter().all(|f| !f.message.contains("s3")),
        "{:?}",
        broken.findings
    );
}

#[test]
fn the_form_input_carries_what_the_provider_uses() {
    let text = r#"{"conn_type": "databricks", "host": "https://h", "login": "x", "password": "p", "extra": {"token": "dapi2", "http_path": "/sql/1"}}"#;
    let import = import_connection(text, None);
    let form = to_form_input(&import, &FormInput::default()).unwrap();
    assert_eq!(form.method, AuthMethod::Pat);
    assert_eq!(form.secret.expose(), "dapi2");
    assert_eq!(form.login, "");
    assert_eq!(form.http_path, "/sql/1");
    assert_eq!(form.workspace_url, "https://h");
    assert_eq!(form.conn_id, "databricks_default");
}

#[test]
fn decodes_a_one_megabyte_paste() {
    let line = "export AIRFLOW_CONN_X_{}='databricks://https://:dapi%23@adb-1.2.azuredatabricks.net/?__extra__=%7B%22a%22%3A1%7D'\n";
    let mut text = String::new();
    let mut k = 0;
    while text.len() < 1 << 20 {
        text.push_str(&line.replace("{}", &k.to_string()));
        k += 1;
    }
    let import = import_connection(&text, Some("x_77"));
    assert_eq!(import.connection.unwrap().password(), "dapi#");
    assert!(import
        .findings
        .iter()
        .any(|f| f.code == "import_several_connections"));
    // Long single texts too: one huge password, and deep YAML.
    let huge = format!("databricks://:{}@h", "a".repeat(1 << 20));
    assert_eq!(
        import_connection(&huge, None)
            .connection
            .unwrap()
            .password()
            .len(),
        1 << 20
    );
    let yaml = "k:\n".to_owned() + &" - a\n".repeat(50_000);
    let _ = import_connection(&yaml, None);
}

fn any_request() -> impl Strategy<Value = ConnectionRequest> {
    let method = prop::sample::select(AuthMethod::ALL.to_vec());
    let login = "[a-z0-9-]{1,12}|\\PC{1,8}".prop_filter("not a keyword", |l| {
        !matches!(l.as_str(), "token" | "federated_aws" | "federated_k8s")
    });
    let secret = "\\PC{1,20}|[ -~]{1,20}";
    let extra = prop::option::of("[ -~]{0,10}");
    let id = "[a-z][a-z0-9_]{0,10}";
    (method, login, secret, extra, id).prop_map(|(method, login, secret, http_path, id)| {
        let mut extra = json!({});
        if method == AuthMethod::AzureSp {
            extra["azure_tenant_id"] = json!("tenant");
        }
        if let Some(p) = http_path {
            extra["http_path"] = json!(p);
        }
        request(method, &login, &secret, extra, &id)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Every form `dbx-check airflow` writes imports back to the same connection and method.
    #[test]
    fn airflow_values_import_back(req in any_request()) {
        let values = airflow_values(&req);
        let forms = [&values.uri, &values.env, &values.env_json, &values.cli, &values.cli_json, &values.yaml, &values.dotenv];
        for (i, form) in forms.into_iter().enumerate().filter_map(|(i, f)| Some((i, f.as_ref()?))) {
            // The CLI forms ask for the secret at a prompt: they import without it.
            let prompted = (3..=4).contains(&i) && values.fields.as_ref().is_some_and(|f| !f.password.is_empty());
            let import = import_connection(form, None);
            let conn = import.connection.as_ref();
            prop_assert!(conn.is_some(), "{:?}", import.findings);
            let conn = conn.unwrap();
            if !prompted {
                prop_assert_eq!(import.method, Some(req.method));
            }
            let fields = values.fields.clone();
            if let Some(fields) = fields {
                prop_assert_eq!(conn.password(), if prompted { "" } else { fields.password.as_str() });
                prop_assert_eq!(conn.login(), fields.login.as_str());
                prop_assert_eq!(text_of(&conn.host), fields.host.as_str());
                let extra: Map<String, Value> = serde_json::from_str(if fields.extra.is_empty() { "{}" } else { &fields.extra }).unwrap();
                prop_assert_eq!(&conn.extra, &extra);
            }
        }
    }

    #[test]
    fn never_panics_on_any_text(text in "\\PC{0,200}|[ -~\n\t]{0,200}") {
        let _ = import_connection(&text, None);
        let _ = import_connection(&text, Some("x"));
    }

    /// Valid forms with characters cut, doubled or changed still never panic.
    #[test]
    fn never_panics_on_mutated_forms(req in any_request(), cut in 0usize..400, insert in "[\n '\"\\\\%#:@/?{}=\\-é]{0,3}") {
        let values = airflow_values(&req);
        for form in [&values.uri, &values.env_json, &values.cli, &values.yaml, &values.dotenv].into_iter().flatten() {
            let at = form.char_indices().map(|(i, _)| i).nth(cut % form.chars().count().max(1)).unwrap_or(0);
            let mutated = format!("{}{}{}", &form[..at], insert, &form[at..]);
            let _ = import_connection(&mutated, None);
            let shortened = &form[..at];
            let _ = import_connection(shortened, None);
        }
    }
}
