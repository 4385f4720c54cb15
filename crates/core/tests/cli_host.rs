//! `dbx-check host <TEXT>` prints the analysis as one JSON object (the contract in docs/command.md).

mod support;

fn run_host(text: &str) -> serde_json::Value {
    let out = support::dbx_check(&["host", text], "");
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).expect("one JSON object on stdout")
}

#[test]
fn a_notebook_url_becomes_the_airflow_host_with_its_workspace_id() {
    let v = run_host(
        "https://adb-5555555555555555.19.azuredatabricks.net/?o=5555555555555555#notebook/1",
    );
    assert_eq!(
        v["host"],
        "https://adb-5555555555555555.19.azuredatabricks.net"
    );
    assert_eq!(v["hostname"], "adb-5555555555555555.19.azuredatabricks.net");
    assert_eq!(v["cloud"], "azure");
    assert_eq!(v["environment"], "public");
    assert_eq!(v["workspace_id"], "5555555555555555");
    assert_eq!(v["kind"], "workspace");
    assert_eq!(v["findings"][0]["code"], "path_dropped");
    assert_eq!(v["findings"][0]["severity"], "info");
}

#[test]
fn the_account_console_is_refused_with_null_host_and_text_starting_with_a_dash_is_read() {
    let v = run_host("accounts.cloud.databricks.com");
    assert_eq!(v["host"], serde_json::Value::Null);
    assert_eq!(v["kind"], "account_console");
    assert_eq!(v["findings"][0]["severity"], "error");

    let v = run_host("-bad.cloud.databricks.com");
    assert_eq!(v["kind"], "invalid");
    assert_eq!(v["findings"][0]["code"], "invalid_hostname");
}
