//! `dbx-check airflow` as scripts and the Airflow round trip use it: JSON in on stdin, one
//! JSON object out, and no secret echoed when the input is wrong.

use std::io::Write;
use std::process::{Command, Stdio};

fn run(stdin: &str) -> (i32, serde_json::Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dbx-check"))
        .arg("airflow")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code().unwrap_or(-1), json)
}

#[test]
fn prints_every_form_for_a_good_request() {
    let (code, out) = run(
        r#"{"conn_id": "db", "host": "dbc-1.cloud.databricks.com", "method": "pat", "secret": "dapi'1", "airflow": "2"}"#,
    );
    assert_eq!(code, 0);
    assert_eq!(
        out["uri"],
        "databricks://https://:dapi%271@dbc-1.cloud.databricks.com"
    );
    assert_eq!(
        out["requirements"],
        "apache-airflow-providers-databricks==7.7.5"
    );
    assert_eq!(out["fields"]["password"], "dapi'1");
}

#[test]
fn a_bad_request_is_explained_without_echoing_values() {
    for bad in [
        r#"{"method": "pat", "secret": ["dapiLEAK"]}"#,
        r#"{"method": "pat", "extra": "dapiLEAK"}"#,
        r#"{"method": "dapiLEAK"}"#,
        r#"{"method": "pat", "secret": "dapiLEAK""#,
    ] {
        let (code, out) = run(bad);
        assert_eq!(code, 2, "{bad}");
        let error = out["error"].as_str().unwrap();
        assert!(!error.contains("LEAK"), "{error}");
    }
    let (_, out) = run(r#"{"method": "pat", "password": "x"}"#);
    assert!(out["error"].as_str().unwrap().contains("\"password\""));
}
