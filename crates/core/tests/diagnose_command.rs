//! `dbx-check diagnose` as scripts call it: JSON in on stdin, one JSON object out.

mod support;

fn run(stdin: &str) -> (i32, serde_json::Value) {
    support::code_and_json(&support::dbx_check(&["diagnose"], stdin))
}

#[test]
fn an_ip_acl_answer_comes_back_as_its_verdict() {
    let (code, out) = run(r#"{
        "step": "spark_versions", "transport": "ok", "status": 403,
        "headers": [["content-type", "application/json"]],
        "body": "{\"error_code\": 403, \"message\": \"Source IP address: 75.125.237.108 is blocked by Databricks IP ACL for workspace: 7474646471015793\"}",
        "final_url": "https://dbc-1.cloud.databricks.com/api/2.1/clusters/spark-versions"
    }"#);
    assert_eq!(code, 0);
    assert_eq!(out["verdict"], "ip_blocked");
    assert!(out["explanation"]
        .as_str()
        .unwrap()
        .contains("75.125.237.108"));
    let mut keys: Vec<&String> = out.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["explanation", "fix", "title", "verdict"]);
}

#[test]
fn a_request_that_is_not_the_contract_is_refused_with_exit_2() {
    let (code, out) = run(r#"{"step": "clusters", "transport": "ok"}"#);
    assert_eq!(code, 2);
    assert!(out["error"].as_str().unwrap().contains("spark_versions"));
}
