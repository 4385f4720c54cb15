//! `dbx-check airflow` as scripts and the Airflow round trip use it: JSON in on stdin, one
//! JSON object out, and no secret echoed when the input is wrong.

mod support;

fn run(stdin: &str) -> (i32, serde_json::Value) {
    support::code_and_json(&support::dbx_check(&["airflow"], stdin))
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
