//! Lines for a shell: `export AIRFLOW_CONN_...=...` and `airflow connections add ...`.
//!
//! Quoting uses the `shlex` crate rather than the `'...'"'"'...'` form Python's `shlex.join`
//! writes. Both are POSIX-correct; `shlex` (1.3) is also correct where these lines are
//! really used, pasted into an interactive terminal: it never leaves `!` or `^` where
//! bash's history expansion reads them, it keeps backslashes out of single quotes (fish
//! reads `\\` and `\'` there), and it refuses a NUL byte, which no command argument can
//! hold. tests/airflow/ runs every generated line through a real bash.

use super::conn_id::ConnId;
use super::stores::{bash_block, Template, BASH_ESCAPE, SECRET_VAR};
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
/// With a password, the command asks for it (`prompt`) and passes `--conn-password=…`
/// from the variable, so the secret is in no command line and no shell history.
pub(super) fn cli_fields(
    id: &ConnId,
    conn: &AirflowConnection,
    prompt: Option<&str>,
) -> Option<String> {
    let mut words = vec![
        "airflow connections add".to_owned(),
        option_words("--conn-type", "databricks")?,
        option_words("--conn-host", &conn.host)?,
    ];
    if !conn.login.is_empty() {
        words.push(option_words("--conn-login", &conn.login)?);
    }
    let password = !conn.password.is_empty();
    if password {
        // `=`: argparse would read a secret that starts with '-' as an option.
        words.push(format!("\"--conn-password=${SECRET_VAR}\""));
    }
    if !conn.extra.is_empty() {
        let extra = serde_json::Value::Object(conn.extra.clone()).to_string();
        words.push(option_words("--conn-extra", &extra)?);
    }
    words.push(id_words(id)?);
    let line = words.join(" ");
    match (password, prompt) {
        (true, Some(label)) => Some(bash_block(Some(label), &line)),
        (true, None) => None,
        (false, _) => Some(line),
    }
}

/// `airflow connections add --conn-json '{...}' ID`, the typed secret JSON-escaped into
/// the value.
pub(super) fn cli_json(
    id: &ConnId,
    conn: &AirflowConnection,
    prompt: Option<&str>,
) -> Option<String> {
    let template = Template::new(conn);
    let id = id_words(id)?;
    match template.parts() {
        (whole, None) => Some(format!(
            "airflow connections add {} {id}",
            option_words("--conn-json", whole)?
        )),
        (before, Some(after)) => {
            let line = format!(
                "airflow connections add {}\"$s\"{} {id}",
                word(&format!("--conn-json={before}"))?,
                word(after)?
            );
            Some(bash_block(Some(prompt?), &format!("{BASH_ESCAPE}\n{line}")))
        }
    }
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
    use crate::airflow::stand_in;
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

    const PROMPT: Option<&str> = Some("Databricks token");

    /// What `airflow` receives when bash runs the command and the secret is typed.
    fn airflow_argv(line: &str, secret: &str) -> Vec<String> {
        let out = stand_in::run("bash", line, &format!("{secret}\n"));
        assert_eq!(out.status, 0, "{}", out.stderr);
        let [call] = &out.calls[..] else {
            panic!("{:?}", out.calls)
        };
        assert_eq!(call.tool, "airflow");
        call.argv.clone()
    }

    #[test]
    fn the_field_command_asks_for_the_secret_and_passes_the_intended_words() {
        let secret = "a'b $c! \\x\t-";
        let line = cli_fields(&id("db_x"), &conn("c-1", secret), PROMPT).unwrap();
        assert!(!line.contains(secret) && !line.contains("a'b"), "{line}");
        assert_eq!(
            airflow_argv(&line, secret),
            [
                "connections",
                "add",
                "--conn-type",
                "databricks",
                "--conn-host",
                "https://dbc-1.cloud.databricks.com",
                "--conn-login",
                "c-1",
                &format!("--conn-password={secret}"),
                "--conn-extra",
                r#"{"azure_tenant_id":"t'1"}"#,
                "db_x"
            ]
        );
        // No prompt can take the secret: no command.
        assert_eq!(cli_fields(&id("db_x"), &conn("c-1", secret), None), None);
    }

    #[test]
    fn values_and_ids_that_look_like_options_stay_values() {
        let line = cli_fields(&id("-x"), &conn("-login", "-secret"), PROMPT).unwrap();
        let words = airflow_argv(&line, "-secret");
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
        assert_eq!(cli_fields(&id("a"), &conn("nul\0byte", "x"), PROMPT), None);
        assert_eq!(export_line(&id("a-b"), "x"), None);
        assert_eq!(export_line(&id("a.b"), "x"), None);
        assert_eq!(
            export_line(&id("a_b"), "databricks://x?y=1").as_deref(),
            Some("export AIRFLOW_CONN_A_B='databricks://x?y=1'")
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
        /// A shell splits every export line back into exactly the words meant.
        #[test]
        fn any_value_round_trips_through_shell_splitting(value in "[^\0]{0,24}|\\PC{0,24}") {
            let export = export_line(&id("db"), &value).unwrap();
            prop_assert_eq!(shlex::split(&export).unwrap(), vec!["export".to_owned(), format!("AIRFLOW_CONN_DB={value}")]);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        /// bash puts any typed secret into the JSON value exactly, and the command
        /// never holds it.
        #[test]
        fn any_typed_secret_reaches_the_json_value(secret in "[^\\x00-\\x1f\\x7f]{1,16}|[\\\\\"\t'$`! a-z]{1,12}") {
            let c = conn("", &secret);
            let line = cli_json(&id("db"), &c, PROMPT).unwrap();
            prop_assert!(!line.contains(&secret) || secret.len() < 4);
            let argv = airflow_argv(&line, &secret);
            let json = argv[2].strip_prefix("--conn-json=").unwrap();
            prop_assert_eq!(json, crate::airflow::connection_json(&c));
        }
    }
}
