use super::*;
use crate::check::{AnswerBody, RawOutcome, Transport};
use crate::finding::{Diagnostic, Severity};
use proptest::prelude::*;
use serde::Deserialize;
use std::collections::BTreeSet;

/// One recorded answer of `tests/data/answers.jsonl`, each citing its source.
#[derive(Deserialize)]
struct Row {
    source: String,
    note: String,
    outcome: RawOutcome,
    verdict: String,
    #[serde(default)]
    text_has: Vec<String>,
    #[serde(default)]
    text_lacks: Vec<String>,
    /// The body is repeated this many times (huge bodies stay small on disk).
    #[serde(default)]
    body_repeat: Option<usize>,
    /// This many `x` are appended to the body.
    #[serde(default)]
    body_pad: Option<usize>,
}

const ANSWERS: &str = include_str!("../../../tests/data/answers.jsonl");

fn rows() -> Vec<Row> {
    ANSWERS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            let mut row: Row = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("answers.jsonl line {}: {e}", i + 1));
            if let Some(n) = row.body_repeat {
                row.outcome.body = AnswerBody(row.outcome.body.0.repeat(n));
            }
            if let Some(n) = row.body_pad {
                row.outcome.body.0.extend(std::iter::repeat_n(b'x', n));
            }
            row
        })
        .collect()
}

#[test]
fn every_recorded_answer_gets_its_verdict_and_words() {
    let rows = rows();
    assert!(rows.len() >= 40, "only {} recorded answers", rows.len());
    let mut failures = Vec::new();
    for row in &rows {
        let d = diagnose(&row.outcome);
        let text = format!("{} | {} | {}", d.title, d.explanation, d.fix);
        if d.verdict.as_str() != row.verdict {
            failures.push(format!(
                "{} ({}): expected {}, got {}: {text}",
                row.note, row.source, row.verdict, d.verdict
            ));
        }
        for want in &row.text_has {
            if !text.contains(want.as_str()) {
                failures.push(format!("{}: {want:?} missing from {text}", row.note));
            }
        }
        for unwanted in &row.text_lacks {
            if text.contains(unwanted.as_str()) {
                failures.push(format!("{}: {unwanted:?} shown in {text}", row.note));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_table_reaches_every_verdict() {
    let seen: BTreeSet<String> = rows().into_iter().map(|r| r.verdict).collect();
    for v in Verdict::ALL {
        assert!(seen.contains(v.as_str()), "no recorded answer for {v}");
    }
}

#[test]
fn verdict_names_are_the_contracts() {
    let names: Vec<String> = Verdict::ALL
        .iter()
        .map(|v| {
            serde_json::to_value(v)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        names.join(" "),
        "ok invalid_token wrong_workspace ip_blocked account_console private_link \
         missing_permission not_found rate_limited unavailable unexpected_response timeout \
         unreachable cors_blocked oauth_invalid_client"
    );
    for v in Verdict::ALL {
        assert_eq!(serde_json::to_value(v).unwrap(), v.as_str());
    }
}

#[test]
fn diagnosis_serialises_as_the_contract_says() {
    let d = diagnose(&RawOutcome::failed(Step::SparkVersions, Transport::Timeout));
    let json = serde_json::to_value(&d).unwrap();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["explanation", "fix", "title", "verdict"]);
    assert_eq!(json["verdict"], "timeout");
}

#[test]
fn contract_json_with_string_body_and_map_headers_deserialises() {
    let outcome: RawOutcome = serde_json::from_str(
        r#"{"step":"current_user","transport":"ok","status":200,
            "headers":{"x-databricks-org-id":"42"},"body":"{\"userName\":\"a@b.c\"}",
            "final_url":null}"#,
    )
    .unwrap();
    assert_eq!(
        read_success(&outcome),
        Some(SuccessDetails::CurrentUser {
            user_name: Some("a@b.c".into()),
            display_name: None,
        })
    );
    let minimal: RawOutcome =
        serde_json::from_str(r#"{"step":"warehouses","transport":"unreachable"}"#).unwrap();
    assert_eq!(diagnose(&minimal).verdict, Verdict::Unreachable);
}

#[test]
fn warehouses_give_their_http_paths_and_skip_odd_entries() {
    let body = r#"{"warehouses":[
        {"id":"abc123","name":"Small","state":"STOPPED"},
        {"id":"def456","name":"Big","odbc_params":{"path":"/sql/1.0/warehouses/def456"}},
        {"id":"bad id; rm -rf","name":"x"},
        {"name":"no id"}]}"#;
    let o = RawOutcome::answered(Step::Warehouses, 200, vec![], body, None);
    let Some(SuccessDetails::Warehouses { warehouses }) = read_success(&o) else {
        panic!("no warehouses read");
    };
    let paths: Vec<&str> = warehouses.iter().map(|w| w.http_path.as_str()).collect();
    assert_eq!(
        paths,
        ["/sql/1.0/warehouses/abc123", "/sql/1.0/warehouses/def456"]
    );
    assert_eq!(warehouses[0].state.as_deref(), Some("STOPPED"));
}

#[test]
fn the_oauth_answer_yields_the_token_as_a_secret_and_never_shows_it() {
    let o = RawOutcome::answered(
        Step::OauthToken,
        200,
        vec![],
        r#"{"access_token":"eyJraWQiOiIx.eyJzdWIiOiJzcCJ9.c2ln","token_type":"Bearer","expires_in":3600}"#,
        None,
    );
    let Some(SuccessDetails::OauthToken {
        access_token,
        expires_in,
    }) = read_success(&o)
    else {
        panic!("no token read");
    };
    assert_eq!(access_token.expose(), "eyJraWQiOiIx.eyJzdWIiOiJzcCJ9.c2ln");
    assert_eq!(expires_in, Some(3600));
    let shown = format!("{:?} {:?} {o:?}", classify(&o), diagnose(&o));
    assert!(!shown.contains("eyJraWQ"), "{shown}");
}

#[test]
fn the_private_link_workspace_id_is_read_whole_in_every_spelling() {
    for (final_url, location, body) in [
        (
            Some("https://h/login.html?error=private-link-validation-error:3141592653589793"),
            None,
            "",
        ),
        (
            None,
            Some("/login.html?error=private-link-validation-error%3A3141592653589793"),
            "",
        ),
        (
            None,
            None,
            "<a href=\"/login.html?error=private-link-validation-error%3A3141592653589793\">",
        ),
    ] {
        let headers = location
            .map(|l| vec![("location".to_owned(), l.to_owned())])
            .unwrap_or_default();
        let status = if location.is_some() { 302 } else { 200 };
        let o = RawOutcome::answered(
            Step::SparkVersions,
            status,
            headers,
            body,
            final_url.map(str::to_owned),
        );
        assert_eq!(
            classify(&o),
            Cause::PrivateLink {
                workspace_id: Some("3141592653589793".into())
            },
            "{final_url:?} {location:?} {body}"
        );
    }
}

#[test]
fn a_rate_limit_names_the_wait_only_when_the_server_gives_seconds() {
    let with = |status, after: &str| {
        diagnose(&RawOutcome::answered(
            Step::SparkVersions,
            status,
            vec![("Retry-After".into(), after.into())],
            "",
            None,
        ))
    };
    assert!(with(429, "3").fix.starts_with("Wait 3 seconds"));
    assert!(with(429, " 1 ").fix.starts_with("Wait 1 second"));
    assert!(with(429, "Wed, 21 Oct 2015 07:28:00 GMT")
        .fix
        .starts_with("Wait a minute"));
}

#[test]
fn failures_of_the_informational_steps_are_warnings() {
    let scoped = RawOutcome::answered(
        Step::Warehouses,
        403,
        vec![],
        r#"{"error_code":"PERMISSION_DENIED","message":"no"}"#,
        None,
    );
    assert_eq!(classify(&scoped).severity(), Severity::Warning);
    let versions = RawOutcome {
        step: Step::SparkVersions,
        ..scoped
    };
    assert_eq!(classify(&versions).severity(), Severity::Error);
    assert_eq!(classify(&versions).code(), "missing_permission");
}

fn arb_outcome() -> impl Strategy<Value = RawOutcome> {
    let step = prop::sample::select(Step::ALL.to_vec());
    let transport = prop::sample::select(vec![
        Transport::Ok,
        Transport::Ok,
        Transport::Ok,
        Transport::Blocked,
        Transport::Unreachable,
        Transport::Timeout,
    ]);
    let status = prop::option::weighted(
        0.95,
        prop_oneof![
            prop::sample::select(vec![200u16, 302, 400, 401, 403, 404, 429, 500, 503]),
            any::<u16>()
        ],
    );
    let name = prop::sample::select(vec![
        "retry-after",
        "location",
        "x-databricks-org-id",
        "x-databricks-reason-phrase",
        "content-type",
    ])
    .prop_map(str::to_owned);
    let header = (prop_oneof![name, ".{0,12}"], ".{0,40}");
    let fragments = prop::sample::select(vec![
        "{\"error_code\":",
        "\"message\":\"",
        "Invalid access token",
        "Invalid access to Org: 12",
        "IP ACL for workspace: ",
        "Source IP address: ",
        "private-link-validation-error:",
        "<html><title>",
        "</title>",
        "\"error\":\"invalid_client\"",
        "\"access_token\":\"",
        "\"versions\":[",
        "\"warehouses\":[{\"id\":\"",
        "AADSTS9002326",
        "dapi0123456789abcdef0123456789abcdef",
        "}",
        "]",
        "\u{0}",
        "é",
    ]);
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        prop::collection::vec(fragments, 0..12).prop_map(|f| f.concat().into_bytes()),
    ];
    let final_url = prop::option::of(prop_oneof![
        ".{0,60}",
        "https://[a-z.-]{1,30}/[a-z./?=:%-]{0,60}",
        Just("https://accounts.cloud.databricks.com/login?next_url=%2F".to_owned()),
    ]);
    (
        step,
        transport,
        status,
        prop::collection::vec(header, 0..5),
        body,
        final_url,
    )
        .prop_map(
            |(step, transport, status, headers, body, final_url)| RawOutcome {
                step,
                transport,
                status,
                headers: crate::check::AnswerHeaders(headers),
                body: AnswerBody(body),
                final_url,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn diagnose_never_panics_and_never_shows_a_token(outcome in arb_outcome()) {
        let d = diagnose(&outcome);
        let text = format!("{}{}{}", d.title, d.explanation, d.fix);
        prop_assert!(!text.contains("dapi0123456789abcdef"), "{}", text);
        prop_assert!(!d.title.is_empty() && !d.explanation.is_empty() && !d.fix.is_empty());
        let _ = read_success(&outcome);
    }
}

#[test]
fn a_timeout_says_what_airflow_would_do_with_the_same_wait() {
    let api = diagnose(&RawOutcome::failed(Step::SparkVersions, Transport::Timeout));
    assert!(api.explanation.contains("Airflow waits up to 180 seconds"));
    assert!(api
        .explanation
        .contains("only slow still passes Airflow's test"));
    let token = diagnose(&RawOutcome::failed(Step::OauthToken, Transport::Timeout));
    assert!(
        token
            .explanation
            .contains("Airflow waits no longer for a token (10 seconds) and tries 3 times"),
        "{}",
        token.explanation
    );
}
