//! The `connections:` block of an Astro project's `airflow_settings.yaml`.
//!
//! Keys are astro-cli's (`settings/types.go`): `conn_id`, `conn_type`, `conn_host`,
//! `conn_schema`, `conn_login`, `conn_password`, `conn_port`, `conn_extra`; unknown keys
//! are silently ignored, and `conn_uri` is parsed by Go, not Airflow, so it is never used.
//! `conn_extra` is written as a string holding the JSON object: Airflow 3's REST API,
//! which astro-cli 1.42+ applies the file through, refuses a mapping there.
//!
//! Every value is a YAML double-quoted scalar. Why not a YAML library: the maintained
//! serializer crates are gone (serde_yaml is archived) and a double-quoted scalar is fully
//! specified by YAML 1.1 and 1.2 (§7.3.1) with a handful of escapes. Every character is
//! written as itself except `"` and `\`, and the characters YAML would not keep as they
//! are: control characters (refused raw, or folded like a line break), NEL, LS and PS
//! (line breaks in YAML 1.1), BOM and the two non-characters, which are written as
//! `\uXXXX`. Tests parse the result with libyaml (serde_yaml) and, in tests/airflow/,
//! with PyYAML.

use super::conn_id::ConnId;
use super::AirflowConnection;
use std::fmt::Write;

/// `value` as a YAML double-quoted scalar.
pub fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                ) =>
            {
                // `write!` to a String cannot fail.
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `key: "value"`, or `key:` (null, as astro-cli's template leaves unused fields) for an
/// empty value.
fn entry(out: &mut String, key: &str, value: &str) {
    out.push_str("      ");
    out.push_str(key);
    out.push(':');
    if !value.is_empty() {
        out.push(' ');
        out.push_str(&double_quoted(value));
    }
    out.push('\n');
}

/// The whole `airflow:` document with one connection; its `connections:` list can be
/// pasted over the one in the file astro-cli generates.
pub(super) fn astro_settings(id: &ConnId, conn: &AirflowConnection) -> String {
    // The keys and quotes take under 200 bytes; sized once, the text is not copied as it grows.
    let values = [id.as_str(), &conn.host, &conn.login, conn.password.expose()];
    let mut out = String::with_capacity(200 + values.iter().map(|v| v.len()).sum::<usize>());
    out.push_str("airflow:\n  connections:\n");
    out.push_str("    - conn_id: ");
    out.push_str(&double_quoted(id.as_str()));
    out.push('\n');
    entry(&mut out, "conn_type", "databricks");
    entry(&mut out, "conn_host", &conn.host);
    entry(&mut out, "conn_schema", "");
    entry(&mut out, "conn_login", &conn.login);
    entry(&mut out, "conn_password", conn.password.expose());
    entry(&mut out, "conn_port", "");
    let extra = if conn.extra.is_empty() {
        String::new()
    } else {
        serde_json::Value::Object(conn.extra.clone()).to_string()
    };
    entry(&mut out, "conn_extra", &extra);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::airflow::conn_id::check_conn_id;
    use crate::Secret;
    use proptest::prelude::*;
    use serde_yaml::Value;

    fn parse(doc: &str) -> Value {
        serde_yaml::from_str(doc).unwrap()
    }

    #[test]
    fn writes_astro_clis_keys_with_extra_as_a_json_string() {
        let conn = AirflowConnection {
            host: "https://adb-1.2.azuredatabricks.net".into(),
            login: String::new(),
            password: Secret::new("dapi'x\"y\\z"),
            extra: serde_json::json!({"http_path": "/sql/1.0/warehouses/abc"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        };
        let doc = astro_settings(&check_conn_id("databricks_default").unwrap(), &conn);
        let parsed = parse(&doc);
        let c = &parsed["airflow"]["connections"][0];
        assert_eq!(c["conn_id"], "databricks_default");
        assert_eq!(c["conn_type"], "databricks");
        assert_eq!(c["conn_host"], "https://adb-1.2.azuredatabricks.net");
        assert_eq!(c["conn_password"], "dapi'x\"y\\z");
        assert_eq!(c["conn_login"], Value::Null);
        assert_eq!(c["conn_schema"], Value::Null);
        assert_eq!(c["conn_port"], Value::Null);
        assert_eq!(
            c["conn_extra"],
            r#"{"http_path":"/sql/1.0/warehouses/abc"}"#
        );
    }

    #[test]
    fn escapes_what_yaml_would_not_keep() {
        assert_eq!(
            double_quoted("a\u{85}b\u{2028}\u{7f}"),
            "\"a\\u0085b\\u2028\\u007F\""
        );
        assert_eq!(double_quoted("é€ #: -"), "\"é€ #: -\"");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]
        /// libyaml reads every scalar back as exactly the text written.
        #[test]
        fn any_text_survives_a_yaml_parser(value in ".{0,24}|\\PC{0,24}|[\\x00-\\x7f\\u{80}-\\u{a0}\\u{2028}\\u{2029}\\u{feff}\\u{fffe}\\u{ffff}]{0,12}") {
            let doc = format!("v: {}\n", double_quoted(&value));
            let parsed: Value = serde_yaml::from_str(&doc).unwrap();
            prop_assert_eq!(parsed["v"].as_str(), Some(value.as_str()));
        }
    }
}
