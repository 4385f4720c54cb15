//! Lines for a shell: `export AIRFLOW_CONN_...=...` and `airflow connections add ...`.
//!
//! Quoting uses the `shlex` crate rather than the `'...'"'"'...'` form Python's `shlex.join`
//! writes. Both are POSIX-correct; `shlex` (1.3) is also correct where these lines are
//! really used, pasted into an interactive terminal: it never leaves `!` or `^` where
//! bash's history expansion reads them, it keeps backslashes out of single quotes (fish
//! reads `\\` and `\'` there), and it refuses a NUL byte, which no command argument can
//! hold. tests/airflow/ runs every generated line through a real bash.

use super::conn_id::ConnId;
use super::AirflowConnection;
use shlex::Quoter;

/// One shell word, or `None` when no shell word can hold the value (a NUL byte).
pub(super) fn word(value: &str) -> Option<String> {
    Quoter::new()
        .quote(value)
        .ok()
        .map(|quoted| quoted.into_owned())
}

/// `export NAME=VALUE`, for an id that is a POSIX variable name.
pub(super) fn export_line(id: &ConnId, value: &str) -> Option<String> {
    if !id.is_shell_name() {
        return None;
    }
    Some(format!("export {}={}", id.env_var(), word(value)?))
}

/// The id as the last CLI word: after `--` when it starts with `-`, or argparse
/// would read it as an option.
fn id_words(id: &ConnId) -> Option<String> {
    let quoted = word(id.as_str())?;
    Some(if id.looks_like_option() {
        format!("-- {quoted}")
    } else {
        quoted
    })
}

/// `--flag VALUE`, or `--flag=VALUE` when the value starts with `-`: argparse reads
/// `--conn-password -x` as a missing value followed by an unknown option.
fn option_words(flag: &str, value: &str) -> Option<String> {
    if value.starts_with('-') {
        word(&format!("{flag}={value}"))
    } else {
        Some(format!("{flag} {}", word(value)?))
    }
}

/// `airflow connections add` with one flag per field. Empty fields are left out, so
/// Airflow stores them as empty; Schema and Port are never written (see the finding).
pub(super) fn cli_fields(id: &ConnId, conn: &AirflowConnection) -> Option<String> {
    let mut words = vec![
        "airflow connections add".to_owned(),
        option_words("--conn-type", "databricks")?,
        option_words("--conn-host", &conn.host)?,
    ];
    if !conn.login.is_empty() {
        words.push(option_words("--conn-login", &conn.login)?);
    }
    let password = conn.password.expose();
    if !password.is_empty() {
        words.push(option_words("--conn-password", password)?);
    }
    if !conn.extra.is_empty() {
        let extra = serde_json::Value::Object(conn.extra.clone()).to_string();
        words.push(option_words("--conn-extra", &extra)?);
    }
    words.push(id_words(id)?);
    Some(words.join(" "))
}

/// `airflow connections add --conn-json '{...}' ID`.
pub(super) fn cli_json(id: &ConnId, json: &str) -> Option<String> {
    Some(format!(
        "airflow connections add {} {}",
        option_words("--conn-json", json)?,
        id_words(id)?
    ))
}

/// `airflow connections test ID`, which only runs with the test switch on.
pub(super) fn test_command(id: &ConnId) -> String {
    let id = id_words(id).unwrap_or_else(|| id.as_str().to_owned());
    format!("AIRFLOW__CORE__TEST_CONNECTION=Enabled airflow connections test {id}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::airflow::conn_id::check_conn_id;
    use crate::Secret;
    use proptest::prelude::*;

    fn id(raw: &str) -> ConnId {
        check_conn_id(raw).unwrap()
    }

    fn conn(login: &str, password: &str) -> AirflowConnection {
        AirflowConnection {
            host: "https://dbc-1.cloud.databricks.com".into(),
            login: login.into(),
            password: Secret::new(password),
            extra: serde_json::json!({"azure_tenant_id": "t'1"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        }
    }

    #[test]
    fn the_field_command_reads_back_as_the_intended_words() {
        let line = cli_fields(&id("db_x"), &conn("c-1", "a'b $c!")).unwrap();
        let words = shlex::split(&line).unwrap();
        assert_eq!(
            words,
            [
                "airflow",
                "connections",
                "add",
                "--conn-type",
                "databricks",
                "--conn-host",
                "https://dbc-1.cloud.databricks.com",
                "--conn-login",
                "c-1",
                "--conn-password",
                "a'b $c!",
                "--conn-extra",
                r#"{"azure_tenant_id":"t'1"}"#,
                "db_x"
            ]
        );
    }

    #[test]
    fn values_and_ids_that_look_like_options_stay_values() {
        let line = cli_fields(&id("-x"), &conn("-login", "-secret")).unwrap();
        let words = shlex::split(&line).unwrap();
        assert!(words.contains(&"--conn-login=-login".to_owned()), "{line}");
        assert!(
            words.contains(&"--conn-password=-secret".to_owned()),
            "{line}"
        );
        assert_eq!(&words[words.len() - 2..], ["--", "-x"]);
        assert!(test_command(&id("-x")).ends_with("test -- -x"));
    }

    #[test]
    fn nothing_is_emitted_that_a_shell_cannot_carry() {
        assert_eq!(cli_fields(&id("a"), &conn("", "nul\0byte")), None);
        assert_eq!(export_line(&id("a-b"), "x"), None);
        assert_eq!(export_line(&id("a.b"), "x"), None);
        assert_eq!(
            export_line(&id("a_b"), "databricks://x?y=1").as_deref(),
            Some("export AIRFLOW_CONN_A_B='databricks://x?y=1'")
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
        /// A shell splits every generated line back into exactly the words meant.
        #[test]
        fn any_value_round_trips_through_shell_splitting(value in "[^\0]{0,24}|\\PC{0,24}") {
            let line = cli_json(&id("db"), &value).unwrap();
            let words = shlex::split(&line).unwrap();
            let mut expected: Vec<String> = ["airflow", "connections", "add"].map(String::from).to_vec();
            if value.starts_with('-') {
                expected.push(format!("--conn-json={value}"));
            } else {
                expected.extend(["--conn-json".to_owned(), value.clone()]);
            }
            expected.push("db".into());
            prop_assert_eq!(words, expected);
            let export = export_line(&id("db"), &value).unwrap();
            prop_assert_eq!(shlex::split(&export).unwrap(), vec!["export".to_owned(), format!("AIRFLOW_CONN_DB={value}")]);
        }
    }
}
