//! The table of credential cases in `tests/data/credential_cases.json`: each case names a
//! method, what was typed, and exactly the findings (code and severity) expected.

use super::jwt::test_jwt;
use super::proptests::leaked_piece;
use super::*;
use crate::finding::Severity;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

const TABLE: &str = include_str!("../../tests/data/credential_cases.json");

/// Every code the analysis can report; the table must exercise each one.
const ALL_CODES: [&str; 49] = [
    "method_needs_azure",
    "password_auth_retiring",
    "secret_missing",
    "password_used_as_token",
    "password_not_used",
    "extra_token_overrides",
    "secret_line_break",
    "secret_surrounding_space",
    "secret_inner_space",
    "secret_invisible_character",
    "secret_quoted",
    "secret_auth_scheme",
    "secret_name_value_line",
    "secret_is_url",
    "secret_is_json",
    "secret_non_ascii",
    "not_latin1",
    "pat_malformed",
    "token_id_not_token",
    "secret_is_uuid",
    "secret_kind_mismatch",
    "pat_unrecognised",
    "oauth_secret_unrecognised",
    "oauth_secret_length",
    "jwt_short_lived",
    "jwt_expired",
    "jwt_not_yet_valid",
    "jwt_unreadable",
    "jwt_audience_not_databricks",
    "login_missing",
    "login_not_used",
    "login_switches_to_basic",
    "pat_basic_login_empty",
    "pat_basic_login_not_token",
    "login_whitespace",
    "login_quoted",
    "secret_in_login",
    "client_id_not_uuid",
    "client_id_is_tenant_id",
    "login_not_email",
    "tenant_id_missing",
    "tenant_id_invalid",
    "tenant_id_overrides_method",
    "managed_identity_client_id_invalid",
    "resource_id_invalid",
    "resource_id_needs_azure_login",
    "extra_value_whitespace",
    "extra_not_used",
    "secret_in_url_field",
];

struct Table {
    now_unix: i64,
    placeholders: Vec<(String, String)>,
    cases: Vec<Value>,
    host_field_cases: Vec<Value>,
}

fn load() -> Table {
    let doc: Value = serde_json::from_str(TABLE).expect("the table is valid JSON");
    let placeholders = doc["placeholders"]
        .as_object()
        .expect("placeholders")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("text").to_owned()))
        .collect();
    Table {
        now_unix: doc["now_unix"].as_i64().expect("now_unix"),
        placeholders,
        cases: doc["cases"].as_array().expect("cases").clone(),
        host_field_cases: doc["host_field_cases"]
            .as_array()
            .expect("host cases")
            .clone(),
    }
}

impl Table {
    fn fill(&self, text: &str, jwt: Option<&str>) -> String {
        let mut out = text.to_owned();
        for (key, value) in &self.placeholders {
            out = out.replace(key, value);
        }
        if let Some(jwt) = jwt {
            out = out.replace("{jwt}", jwt);
        }
        out
    }

    /// Claims with `<name>_in` turned into absolute `<name>` times.
    fn jwt(&self, spec: &Value) -> String {
        let mut claims = Map::new();
        for (key, value) in spec.as_object().expect("jwt claims") {
            match (key.strip_suffix("_in"), value.as_i64()) {
                (Some(name), Some(offset)) => {
                    claims.insert(name.to_owned(), Value::from(self.now_unix + offset));
                }
                _ => {
                    let value = match value.as_str() {
                        Some(text) => Value::from(self.fill(text, None)),
                        None => value.clone(),
                    };
                    claims.insert(key.clone(), value);
                }
            }
        }
        test_jwt(&Value::Object(claims))
    }

    fn input(&self, case: &Value) -> CredentialInput {
        let jwt = case.get("jwt").map(|spec| self.jwt(spec));
        let text = |key: &str| self.fill(case[key].as_str().unwrap_or(""), jwt.as_deref());
        let extra_text = |key: &str| {
            case["extra"][key]
                .as_str()
                .map(|v| self.fill(v, jwt.as_deref()))
        };
        CredentialInput {
            method: serde_json::from_value(case["method"].clone()).expect("method"),
            login: text("login"),
            secret: Secret::new(text("secret")),
            cloud: serde_json::from_value(case["cloud"].clone()).expect("cloud"),
            extra: CredentialExtra {
                azure_tenant_id: extra_text("azure_tenant_id"),
                azure_resource_id: extra_text("azure_resource_id"),
                azure_managed_identity_client_id: extra_text("azure_managed_identity_client_id"),
                token: extra_text("token").map(Secret::new),
            },
            now_unix: self.now_unix,
        }
    }
}

fn code_and_severity(code: &str, severity: Severity) -> String {
    format!("{code}:{}", severity.as_str())
}

#[test]
fn every_case_gives_exactly_the_expected_findings() {
    let table = load();
    assert!(
        table.cases.len() >= 60,
        "the issue asks for at least 60 cases"
    );
    let mut failures = Vec::new();
    for case in &table.cases {
        let name = case["name"].as_str().expect("name");
        let input = table.input(case);
        let analysis = analyse_credential(&input);

        let mut got: Vec<String> = analysis
            .findings
            .iter()
            .map(|f| code_and_severity(f.code, f.severity))
            .collect();
        let mut want: Vec<String> = case["expect"]
            .as_array()
            .expect("expect")
            .iter()
            .map(|v| v.as_str().expect("code:severity").to_owned())
            .collect();
        got.sort();
        want.sort();
        if got != want {
            failures.push(format!("{name}:\n    got  {got:?}\n    want {want:?}"));
        }

        if let Some(expected) = case.get("claims") {
            let claims = serde_json::to_value(&analysis.claims).expect("claims serialise");
            for (key, value) in expected.as_object().expect("claims object") {
                if &claims[key] != value {
                    failures.push(format!(
                        "{name}: claim {key} is {}, want {value}",
                        claims[key]
                    ));
                }
            }
        } else if analysis.claims.is_some() && case.get("jwt").is_none() {
            failures.push(format!("{name}: unexpected claims"));
        }

        for secret in [Some(&input.secret), input.extra.token.as_ref()]
            .into_iter()
            .flatten()
        {
            let shown = format!("{analysis:?}");
            if let Some(piece) = leaked_piece(secret.expose(), &shown) {
                failures.push(format!("{name}: output shows secret piece {piece:?}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_table_covers_every_method_and_every_check() {
    let table = load();
    let mut by_code: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut methods = BTreeSet::new();
    for case in &table.cases {
        methods.insert(case["method"].as_str().expect("method").to_owned());
        for expected in case["expect"].as_array().expect("expect") {
            let (code, severity) = expected
                .as_str()
                .and_then(|e| e.split_once(':'))
                .expect("code:severity");
            by_code
                .entry(code.to_owned())
                .or_default()
                .insert(severity.to_owned());
        }
    }
    for case in &table.host_field_cases {
        if let Some((code, severity)) = case["expect"].as_str().and_then(|e| e.split_once(':')) {
            by_code
                .entry(code.to_owned())
                .or_default()
                .insert(severity.to_owned());
        }
    }
    let all: Vec<&str> = AuthMethod::ALL.iter().map(|m| m.as_str()).collect();
    assert_eq!(
        methods.iter().map(String::as_str).collect::<Vec<_>>().len(),
        all.len()
    );
    for method in all {
        assert!(methods.contains(method), "no case for method {method}");
    }
    let missing: Vec<&&str> = ALL_CODES
        .iter()
        .filter(|code| !by_code.contains_key(**code))
        .collect();
    assert!(missing.is_empty(), "codes without a case: {missing:?}");
    let unknown: Vec<&String> = by_code
        .keys()
        .filter(|code| !ALL_CODES.contains(&code.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "codes the list does not know: {unknown:?}"
    );
}

#[test]
fn the_url_field_check_finds_pasted_secrets() {
    let table = load();
    for case in &table.host_field_cases {
        let name = case["name"].as_str().expect("name");
        let text = table.fill(case["text"].as_str().expect("text"), None);
        let got = secret_in_url_field(&text).map(|p| code_and_severity(p.code(), p.severity()));
        assert_eq!(got.as_deref(), case["expect"].as_str(), "{name}");
        if let Some(problem) = secret_in_url_field(&text) {
            let shown = format!("{} {} {problem:?}", problem.message(), problem.fix());
            assert_eq!(leaked_piece(&text, &shown), None, "{name}");
        }
    }
}

#[test]
fn a_token_cut_anywhere_before_its_32_characters_is_an_error_naming_the_count() {
    let table = load();
    let whole = "dapi0123456789abcdef0123456789abcdef";
    for (method, login) in [("pat", ""), ("pat_basic", "token")] {
        for kept in 0..32 {
            let cut = whole.get(..4 + kept).expect("ASCII");
            let case = serde_json::json!({"method": method, "login": login, "secret": cut});
            let analysis = analyse_credential(&table.input(&case));
            let found: Vec<_> = analysis
                .findings
                .iter()
                .map(|f| code_and_severity(f.code, f.severity))
                .collect();
            assert_eq!(found, ["pat_malformed:error"], "{method} {cut}");
            let finding = &analysis.findings[0];
            let count = if kept == 1 {
                "1 character"
            } else {
                "characters"
            };
            assert!(finding.message.contains(count), "{}", finding.message);
            assert!(
                finding.fix.starts_with("Copy the token again in full"),
                "{}",
                finding.fix
            );
        }
    }
}
