//! The connection id, checked as Airflow checks it, and the environment variable name
//! Airflow looks it up under.
//!
//! Airflow's CLI and REST API (`airflow/utils/helpers.py` `validate_key(conn_id, max_length=200)`,
//! 2.10.5 and 3.3.2) accept `^[\w.-]+$` up to 200 characters; Airflow 3 also refuses `..`.
//! Python's `\w` takes letters of any script, but Airflow 2.10's connection model then
//! matches the id with re2, whose `\w` is ASCII only, and stores no id at all, so
//! `connections add` fails: ids are held to ASCII, as they are to no `..`, for both.
//! The environment-variable backend reads `AIRFLOW_CONN_` + the id upper-cased.

use crate::finding::{Diagnostic, Severity};
use thiserror::Error;

/// Longest id Airflow's `connections add` and REST API accept.
pub const CONN_ID_MAX_CHARS: usize = 200;

/// Why Airflow would refuse a connection id.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConnIdProblem {
    #[error("the connection id is empty")]
    Empty,
    #[error("the connection id has {chars} characters")]
    TooLong { chars: usize },
    #[error("the connection id contains {character:?}")]
    BadCharacter { character: char },
    #[error("the connection id contains {character:?}, which is not ASCII")]
    NonAscii { character: char },
    #[error("the connection id contains '..'")]
    DoubleDot,
}

impl Diagnostic for ConnIdProblem {
    fn code(&self) -> &'static str {
        match self {
            ConnIdProblem::Empty => "conn_id_empty",
            ConnIdProblem::TooLong { .. } => "conn_id_too_long",
            ConnIdProblem::BadCharacter { .. } => "conn_id_bad_character",
            ConnIdProblem::NonAscii { .. } => "conn_id_not_ascii",
            ConnIdProblem::DoubleDot => "conn_id_double_dot",
        }
    }

    fn severity(&self) -> Severity {
        Severity::Error
    }

    fn message(&self) -> String {
        match self {
            ConnIdProblem::Empty => "The connection id is empty: Airflow needs one to find the connection.".into(),
            ConnIdProblem::TooLong { chars } => format!(
                "The connection id has {chars} characters; Airflow accepts at most {CONN_ID_MAX_CHARS}."
            ),
            ConnIdProblem::BadCharacter { character } => format!(
                "The connection id contains {}, which Airflow refuses: it accepts only letters, digits, '_', '-' and '.'.",
                describe_char(*character)
            ),
            ConnIdProblem::NonAscii { character } => format!(
                "The connection id contains {}, a character outside ASCII: Airflow 2.10 cannot \
                 save such an id (connections add fails), and no environment variable name can carry it.",
                describe_char(*character)
            ),
            ConnIdProblem::DoubleDot => {
                "The connection id contains '..', which Airflow 3 refuses (it guards against path traversal).".into()
            }
        }
    }

    fn fix(&self) -> String {
        match self {
            ConnIdProblem::Empty => {
                "Type a connection id, for example databricks_default (the id the Databricks operators use unless told otherwise).".into()
            }
            ConnIdProblem::TooLong { .. } => format!("Shorten the id to {CONN_ID_MAX_CHARS} characters or fewer."),
            ConnIdProblem::NonAscii { .. } => {
                "Use only ASCII letters, digits and '_' (for example databricks_prod): such an id works in every Airflow and as an environment variable name.".into()
            }
            ConnIdProblem::BadCharacter { .. } | ConnIdProblem::DoubleDot => {
                "Use only letters, digits and '_' (for example databricks_prod): such an id also works as an environment variable name.".into()
            }
        }
    }
}

/// A connection id Airflow accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnId(String);

impl ConnId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `AIRFLOW_CONN_<ID>`: the variable the environment-variable secrets backend reads.
    /// Ids are ASCII, where Python's `str.upper()` and `to_ascii_uppercase` agree.
    pub fn env_var(&self) -> String {
        format!("AIRFLOW_CONN_{}", self.0.to_ascii_uppercase())
    }

    /// True when `export NAME=...` works: POSIX names are `[A-Za-z_][A-Za-z0-9_]*`
    /// (the prefix already supplies the leading letter).
    pub fn is_shell_name(&self) -> bool {
        self.0
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    }

    /// True when Docker Compose accepts the variable as a `.env` key (`[A-Za-z0-9_.]`,
    /// docs/airflow-connections.md): a `.` is fine there, a `-` is an error.
    pub fn is_dotenv_key(&self) -> bool {
        self.0
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
    }

    /// True when the CLI would read the id as an option unless it follows `--`.
    pub fn looks_like_option(&self) -> bool {
        self.0.starts_with('-')
    }
}

/// Checks a connection id as Airflow's CLI and REST API do.
///
/// ```
/// use dbx_check_core::airflow::{check_conn_id, ConnIdProblem};
///
/// let id = check_conn_id("databricks_prod").unwrap();
/// assert_eq!(id.env_var(), "AIRFLOW_CONN_DATABRICKS_PROD");
/// assert!(!check_conn_id("databricks-prod").unwrap().is_shell_name());
/// assert_eq!(check_conn_id("a..b"), Err(ConnIdProblem::DoubleDot));
/// ```
///
/// Python's `$` also accepts one trailing newline; we do not, since such an id cannot be
/// typed back.
pub fn check_conn_id(raw: &str) -> Result<ConnId, ConnIdProblem> {
    if raw.is_empty() {
        return Err(ConnIdProblem::Empty);
    }
    let chars = raw.chars().count();
    if chars > CONN_ID_MAX_CHARS {
        return Err(ConnIdProblem::TooLong { chars });
    }
    if let Some(character) = raw
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(if character.is_ascii() {
            ConnIdProblem::BadCharacter { character }
        } else {
            ConnIdProblem::NonAscii { character }
        });
    }
    if raw.contains("..") {
        return Err(ConnIdProblem::DoubleDot);
    }
    Ok(ConnId(raw.to_owned()))
}

/// Names a character for a message so that invisible ones stay visible.
fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".into(),
        '\n' | '\r' => "a line break".into(),
        '\t' => "a tab".into(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("'{c}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_what_airflow_accepts() {
        for id in [
            "databricks_default",
            "db-prod.eu",
            "x",
            "-lead",
            &"a".repeat(200),
        ] {
            assert!(check_conn_id(id).is_ok(), "{id}");
        }
    }

    #[test]
    fn refuses_what_airflow_refuses_with_the_reason() {
        assert_eq!(check_conn_id(""), Err(ConnIdProblem::Empty));
        assert_eq!(
            check_conn_id(&"é".repeat(201)),
            Err(ConnIdProblem::TooLong { chars: 201 })
        );
        assert_eq!(
            check_conn_id("my conn"),
            Err(ConnIdProblem::BadCharacter { character: ' ' })
        );
        assert_eq!(
            check_conn_id("a/b"),
            Err(ConnIdProblem::BadCharacter { character: '/' })
        );
        assert_eq!(
            check_conn_id("id\n"),
            Err(ConnIdProblem::BadCharacter { character: '\n' })
        );
        assert_eq!(check_conn_id("a..b"), Err(ConnIdProblem::DoubleDot));
        assert_eq!(
            check_conn_id("café_1"),
            Err(ConnIdProblem::NonAscii { character: 'é' })
        );
        let finding = ConnIdProblem::BadCharacter { character: '\n' }.to_finding();
        assert!(
            finding.message.contains("a line break"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn names_the_variable_and_says_where_it_can_go() {
        let plain = check_conn_id("databricks_default").unwrap();
        assert_eq!(plain.env_var(), "AIRFLOW_CONN_DATABRICKS_DEFAULT");
        assert!(plain.is_shell_name() && plain.is_dotenv_key());
        let dotted = check_conn_id("db.prod").unwrap();
        assert_eq!(dotted.env_var(), "AIRFLOW_CONN_DB.PROD");
        assert!(!dotted.is_shell_name() && dotted.is_dotenv_key());
        let dashed = check_conn_id("db-prod").unwrap();
        assert!(!dashed.is_shell_name() && !dashed.is_dotenv_key());
        assert!(check_conn_id("-x").unwrap().looks_like_option());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
        #[test]
        fn never_panics_and_accepted_ids_match_airflows_pattern(raw in "\\PC{0,8}|[\\w.-]{0,210}") {
            if let Ok(id) = check_conn_id(&raw) {
                prop_assert!(!id.as_str().is_empty() && id.as_str().chars().count() <= CONN_ID_MAX_CHARS);
                prop_assert!(!id.as_str().contains(".."));
                prop_assert!(id.as_str().is_ascii());
                prop_assert_eq!(id.env_var(), format!("AIRFLOW_CONN_{}", id.as_str().to_uppercase()));
            } else if let Err(problem) = check_conn_id(&raw) {
                prop_assert!(!problem.to_finding().fix.is_empty());
            }
        }
    }
}
