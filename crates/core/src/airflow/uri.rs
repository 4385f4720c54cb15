//! The connection URI, written so that Airflow's own parser (`Connection._parse_from_uri`
//! in Airflow 2 and 3, and the task SDK's `Connection.from_uri`) reads back exactly the
//! intended fields.
//!
//! Facts (docs/airflow-connections.md, checked again by tests/airflow/):
//! - login, password and host are read with `unquote`, so each is written as Python's
//!   `quote(value, safe="")` writes it: everything but `A-Z a-z 0-9 - . _ ~` percent-encoded
//!   from UTF-8. Not `quote_plus`: a `+` is read back as `+`, not as a space.
//! - a Host that starts with `https://` is written the way `Connection.get_uri()` writes it,
//!   `databricks://https://LOGIN:PASSWORD@HOSTNAME`; Airflow sees two `://` and puts the
//!   scheme back in front of the host. It is what `airflow connections get` shows, so the
//!   user can compare the two. A raw `@https://host` is refused by Airflow.
//! - the extra goes in `?__extra__=` + the percent-encoded JSON, never as `?key=value`
//!   pairs: those stay strings in Airflow 2 and in Airflow 3 tasks (`"false"` is truthy)
//!   but are decoded as JSON by Airflow 3.1+ core, so one URI would mean two things.

use super::AirflowConnection;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Python's `urllib.parse.quote(value, safe="")`: RFC 3986 unreserved characters stay.
pub const PYTHON_QUOTE_SAFE_NONE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `quote(value, safe="")`.
pub fn quote(value: &str) -> String {
    utf8_percent_encode(value, PYTHON_QUOTE_SAFE_NONE).to_string()
}

/// The `databricks://...` URI for a connection.
pub(super) fn connection_uri(conn: &AirflowConnection) -> String {
    let mut uri = String::from("databricks://");
    // The host analysis hands over `https://<hostname>`; anything else is written
    // encoded as a whole, which Airflow also decodes back to the same text.
    let hostname = match conn.host.strip_prefix("https://") {
        Some(hostname) => {
            uri.push_str("https://");
            hostname
        }
        None => conn.host.as_str(),
    };
    let password = conn.password.expose();
    if !conn.login.is_empty() || !password.is_empty() {
        uri.push_str(&quote(&conn.login));
        if !password.is_empty() {
            uri.push(':');
            uri.push_str(&quote(password));
        }
        uri.push('@');
    }
    uri.push_str(&quote(hostname));
    if !conn.extra.is_empty() {
        // Compact JSON; `quote` also encodes any space, so `parse_qsl` cannot turn a `+` into one.
        let extra = serde_json::Value::Object(conn.extra.clone()).to_string();
        uri.push_str("/?__extra__=");
        uri.push_str(&quote(&extra));
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;
    use percent_encoding::percent_decode_str;
    use proptest::prelude::*;

    fn conn(login: &str, password: &str, extra: serde_json::Value) -> AirflowConnection {
        AirflowConnection {
            host: "https://adb-123.4.azuredatabricks.net".into(),
            login: login.into(),
            password: Secret::new(password),
            extra: extra.as_object().cloned().unwrap_or_default(),
        }
    }

    #[test]
    fn encodes_as_python_quote_with_nothing_safe() {
        // The example from docs/airflow-connections.md, checked against Python 3.11's quote().
        assert_eq!(
            quote("p@ss:w/rd%#? x+é€"),
            "p%40ss%3Aw%2Frd%25%23%3F%20x%2B%C3%A9%E2%82%AC"
        );
        assert_eq!(quote("A-z_0.9~"), "A-z_0.9~");
        assert_eq!(quote("'\"\\$`!\n"), "%27%22%5C%24%60%21%0A");
    }

    #[test]
    fn writes_the_host_as_get_uri_does_and_the_extra_as_one_json_value() {
        let c = conn(
            "",
            "dapi1",
            serde_json::json!({"service_principal_oauth": true}),
        );
        assert_eq!(
            connection_uri(&c),
            "databricks://https://:dapi1@adb-123.4.azuredatabricks.net/?__extra__=%7B%22service_principal_oauth%22%3Atrue%7D"
        );
        let no_credential = conn("", "", serde_json::json!({}));
        assert_eq!(
            connection_uri(&no_credential),
            "databricks://https://adb-123.4.azuredatabricks.net"
        );
        let login_only = conn("token", "", serde_json::json!({}));
        assert_eq!(
            connection_uri(&login_only),
            "databricks://https://token@adb-123.4.azuredatabricks.net"
        );
    }

    #[test]
    fn a_host_without_scheme_is_written_encoded() {
        let mut c = conn("", "x", serde_json::json!({}));
        c.host = "adb-1.2.azuredatabricks.net".into();
        assert_eq!(
            connection_uri(&c),
            "databricks://:x@adb-1.2.azuredatabricks.net"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
        /// Whatever the secret, the URI holds only characters that need no quoting in a URI,
        /// exactly two `://`, and the secret decodes back unchanged.
        #[test]
        fn any_secret_survives_encoding(login in "\\PC{0,12}|.{0,6}", password in "\\PC{0,24}|.{0,8}") {
            let c = conn(&login, &password, serde_json::json!({"http_path": password.clone()}));
            let uri = connection_uri(&c);
            prop_assert_eq!(uri.matches("://").count(), 2);
            prop_assert!(uri.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%:/@?=".contains(&b)), "{}", uri);
            let decoded = percent_decode_str(&quote(&password)).decode_utf8().unwrap().into_owned();
            prop_assert_eq!(decoded, password);
        }
    }
}
