use super::*;
use crate::check::{diagnose, Verdict};
use proptest::prelude::*;

#[test]
fn the_health_answer_is_recognised() {
    let body = serde_json::to_vec(&RelayHealth::new("1.2.3")).unwrap();
    assert!(is_relay_health(&body));
    assert!(!is_relay_health(b"<!doctype html><title>not found</title>"));
    assert!(!is_relay_health(br#"{"relay": "another"}"#));
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["paths"].as_array().map(Vec::len), Some(4));
}

#[test]
fn only_the_relays_own_mark_says_a_relay_is_there() {
    assert!(page_mark_confirms(Some(RELAY_NAME)));
    assert!(page_mark_confirms(Some(" dbx-check ")));
    assert!(page_mark().contains(&format!(
        r#"name="{PAGE_MARK_NAME}" content="{RELAY_NAME}""#
    )));
    for other in [
        None,
        Some(""),
        Some("yes"),
        Some("dbx-check-relay"),
        Some("DBX-CHECK"),
    ] {
        assert!(!page_mark_confirms(other), "{other:?}");
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn a_relayed_answer_is_diagnosed_like_a_direct_one() {
    let outcome = relayed_outcome(
        Step::SparkVersions,
        403,
        pairs(&[
            ("content-type", "application/json"),
            ("x-databricks-reason-phrase", "Invalid access token."),
            (
                FINAL_URL_HEADER,
                "https://dbc-1.cloud.databricks.com/api/2.1/clusters/spark-versions",
            ),
        ]),
        r#"{"error_code": 403, "message": "Invalid access token."}"#,
    )
    .unwrap();
    assert_eq!(diagnose(&outcome).verdict, Verdict::InvalidToken);
    assert_eq!(outcome.headers.get(FINAL_URL_HEADER), None);
    assert_eq!(
        outcome.final_url.as_deref(),
        Some("https://dbc-1.cloud.databricks.com/api/2.1/clusters/spark-versions")
    );

    let private_link = relayed_outcome(
        Step::SparkVersions,
        200,
        pairs(&[
            ("content-type", "text/html"),
            (
                FINAL_URL_HEADER,
                "https://pl.cloud.databricks.com/login.html?error=private-link-validation-error:7474646471015793",
            ),
        ]),
        "<html><title>Databricks - Sign In</title></html>",
    )
    .unwrap();
    assert_eq!(diagnose(&private_link).verdict, Verdict::PrivateLink);
}

#[test]
fn upstream_failures_become_the_transport_failures_of_a_direct_call() {
    let relay_error =
        |code: &str| pairs(&[(ERROR_HEADER, code), ("content-type", "application/json")]);
    for (code, verdict) in [
        ("upstream_unreachable", Verdict::Unreachable),
        ("resolves_to_local_address", Verdict::Unreachable),
        ("too_many_redirects", Verdict::Unreachable),
        ("upstream_timeout", Verdict::Timeout),
    ] {
        let outcome = relayed_outcome(Step::CurrentUser, 502, relay_error(code), "{}").unwrap();
        assert_eq!(diagnose(&outcome).verdict, verdict, "{code}");
    }
    let mut headers = relay_error("redirect_to_other_host");
    headers.push((UPSTREAM_STATUS_HEADER.to_owned(), "302".to_owned()));
    headers.push((
        LOCATION_HEADER.to_owned(),
        "https://login.example/?error=private-link-validation-error:42".to_owned(),
    ));
    let redirect = relayed_outcome(Step::SparkVersions, 403, headers, "{}").unwrap();
    assert_eq!(redirect.status, Some(302));
    assert_eq!(diagnose(&redirect).verdict, Verdict::PrivateLink);
}

#[test]
fn an_unreadable_refusal_keeps_only_its_printable_code() {
    let garbled = relayed_outcome(
        Step::SparkVersions,
        400,
        pairs(&[(ERROR_HEADER, "odd\u{7}code")]),
        vec![0xff, 0xfe],
    )
    .unwrap_err();
    assert_eq!(garbled.code, "oddcode");
    assert!(garbled.message.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn relayed_answers_never_panic(
        status in any::<u16>(),
        headers in proptest::collection::vec((any::<String>(), any::<String>()), 0..4),
        code in proptest::option::of(prop_oneof![Just("redirect_to_other_host".to_owned()), any::<String>()]),
        body in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut headers = headers;
        if let Some(code) = code {
            headers.push((ERROR_HEADER.to_owned(), code));
        }
        let _ = relayed_outcome(Step::OauthToken, status, headers, body.clone());
        let _ = is_relay_health(&body);
        let _ = page_mark_confirms(std::str::from_utf8(&body).ok());
    }
}
