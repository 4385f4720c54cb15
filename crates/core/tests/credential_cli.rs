//! `dbx-check credential` as scripts run it: the secret goes in on stdin, the JSON of the
//! contract of docs/command.md comes out, and no argument can carry the secret.

mod support;

use std::process::Output;
use support::dbx_check as run;

const PAT: &str = "dapi0123456789abcdef0123456789abcdef";

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON object")
}

fn codes(value: &serde_json::Value) -> Vec<String> {
    value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{}:{}",
                f["code"].as_str().unwrap_or(""),
                f["severity"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn a_clean_token_from_echo_gives_no_finding() {
    // `echo` adds one newline; the command drops exactly that one.
    let out = json(&run(
        &["credential", "--method", "pat"],
        &format!("{PAT}\n"),
    ));
    assert_eq!(out["method"], "pat");
    assert_eq!(out["findings"], serde_json::json!([]));
    assert_eq!(out["claims"], serde_json::Value::Null);
    let mut keys: Vec<&String> = out.as_object().expect("object").keys().collect();
    keys.sort();
    assert_eq!(keys, ["claims", "findings", "method"]);
}

#[test]
fn a_second_newline_and_a_windows_line_ending_are_told_apart() {
    let out = json(&run(
        &["credential", "--method", "pat"],
        &format!("{PAT}\r\n"),
    ));
    assert_eq!(codes(&out), Vec::<String>::new());
    let out = json(&run(
        &["credential", "--method", "pat"],
        &format!("{PAT}\n\n"),
    ));
    assert_eq!(codes(&out), ["secret_line_break:error"]);
}

#[test]
fn login_host_and_extras_come_from_arguments() {
    let out = json(&run(
        &[
            "credential",
            "--method",
            "azure_sp",
            "--login",
            "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
            "--host",
            "https://dbc-a1b2345c-d6e7.cloud.databricks.com",
            "--azure-tenant-id",
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
        ],
        "Xk28Q~Zx9_yW.vU-tSrQpOnMlKjIhGfEdCbA1qz",
    ));
    assert_eq!(codes(&out), ["method_needs_azure:error"]);
}

#[test]
fn a_token_in_the_host_argument_is_reported_without_echoing_it() {
    let output = run(&["credential", "--method", "pat", "--host", PAT], PAT);
    let out = json(&output);
    assert_eq!(codes(&out), ["secret_in_url_field:error"]);
    assert!(!String::from_utf8_lossy(&output.stdout).contains("0123456789abcdef"));
}

#[test]
fn jwt_claims_are_summarised_and_the_token_is_not_printed() {
    // Header {"alg":"none"}, payload {"exp":1,"tid":"t"}: expired since 1970.
    let jwt = "eyJhbGciOiJub25lIn0.eyJleHAiOjEsInRpZCI6InQifQ.";
    let output = run(&["credential", "--method", "pat"], jwt);
    let out = json(&output);
    assert_eq!(codes(&out), ["jwt_expired:error"]);
    assert_eq!(out["claims"]["expired"], true);
    assert_eq!(out["claims"]["tenant_id"], "t");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("eyJ"));
}

#[test]
fn there_is_no_argument_for_the_secret() {
    for flag in ["--secret", "--password", "--token"] {
        let output = run(&["credential", "--method", "pat", flag, PAT], "");
        assert!(!output.status.success(), "{flag} must be refused");
        assert!(output.stdout.is_empty());
        // clap names the unknown flag, not its value.
        assert!(
            !String::from_utf8_lossy(&output.stderr).contains(PAT),
            "{flag}"
        );
    }
    // A stray positional value is refused too, rather than read as the secret.
    let output = run(&["credential", "--method", "pat", PAT], "");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
}

#[test]
fn an_unknown_method_lists_the_known_ones() {
    let output = run(&["credential", "--method", "oauth"], "");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("pat_basic") && stderr.contains("azure_default"),
        "{stderr}"
    );
}

/// A fuzzer's find: with a character of several bytes across byte 32 after `dapi`, the
/// command aborted (exit 134) where the page died. Every token method, and spots near 32.
#[test]
fn a_character_across_the_token_length_is_reported_not_a_crash() {
    for method in ["pat", "pat_basic", "sp_oauth", "azure_sp"] {
        for n in [30, 31, 32] {
            for odd in ['é', '€', '𝔸'] {
                let secret = format!("dapi{}{odd}", "a".repeat(n));
                let out = json(&run(
                    &["credential", "--method", method, "--login", "token"],
                    &secret,
                ));
                assert!(
                    codes(&out).contains(&"secret_non_ascii:error".to_owned()),
                    "{method} {secret}: {:?}",
                    codes(&out)
                );
            }
        }
    }
}
