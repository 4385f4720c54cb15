//! What an answer means: every answer shape in docs/databricks-answers.md mapped to a
//! verdict with a cause and a fix in plain words, and the useful values read from
//! successful answers.
//!
//! Decisions rest on status, `error_code` and the OAuth `error` field. Message wording is
//! matched (loosely, lower-cased) only where nothing else tells the cases apart: IP access
//! lists, another workspace's token, the account console, and the old HTML error page
//! (why: docs/databricks-answers.md, "Answers the diagnosis reads").

mod answer;
mod classify;
mod wording;

use super::{RawOutcome, Step};
use crate::secret::Secret;
use serde::Serialize;
use std::fmt;

pub use answer::read_success;
pub use classify::{classify, retried_as_airflow_does};
pub(crate) use wording::belongs_to;

/// The verdict names of the `dbx-check diagnose` contract (docs/command.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Ok,
    InvalidToken,
    WrongWorkspace,
    IpBlocked,
    AccountConsole,
    PrivateLink,
    MissingPermission,
    NotFound,
    RateLimited,
    Unavailable,
    UnexpectedResponse,
    Timeout,
    Unreachable,
    CorsBlocked,
    OauthInvalidClient,
}

impl Verdict {
    pub const ALL: [Verdict; 15] = [
        Verdict::Ok,
        Verdict::InvalidToken,
        Verdict::WrongWorkspace,
        Verdict::IpBlocked,
        Verdict::AccountConsole,
        Verdict::PrivateLink,
        Verdict::MissingPermission,
        Verdict::NotFound,
        Verdict::RateLimited,
        Verdict::Unavailable,
        Verdict::UnexpectedResponse,
        Verdict::Timeout,
        Verdict::Unreachable,
        Verdict::CorsBlocked,
        Verdict::OauthInvalidClient,
    ];

    pub fn as_str(self) -> &'static str {
        crate::finding::variant_name(&self)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The answer to `dbx-check diagnose`, and what the page shows for one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub verdict: Verdict,
    pub title: String,
    pub explanation: String,
    pub fix: String,
}

/// One SQL warehouse, with the value for Airflow's `http_path` extra.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warehouse {
    pub id: String,
    pub name: String,
    pub state: Option<String>,
    pub http_path: String,
}

/// What a successful answer tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SuccessDetails {
    /// The OAuth token for the next steps; `expires_in` in seconds.
    OauthToken {
        access_token: Secret,
        expires_in: Option<u64>,
    },
    SparkVersions {
        count: usize,
    },
    CurrentUser {
        user_name: Option<String>,
        display_name: Option<String>,
    },
    Warehouses {
        warehouses: Vec<Warehouse>,
    },
}

/// What went wrong with an answer that was read but made no sense for the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnexpectedKind {
    /// Transport `ok` but no status: the executor lost it.
    NoStatus,
    /// Success status with nothing in the body (Airflow: "Expecting value").
    EmptyBody,
    /// A sign-in page where the API should answer.
    SignInPage,
    /// Some other HTML page.
    Html,
    /// A success status with a body that is neither JSON nor HTML.
    NotJson,
    /// The token endpoint answered success without an `access_token`.
    MissingAccessToken,
    /// A redirect the browser did not follow.
    Redirect,
    /// A status this check has no reading for.
    Status,
}

/// The cause behind a verdict, with the facts its wording needs. Never holds the secret
/// the user typed (the diagnosis never receives it); an issued access token is held as
/// a [`Secret`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    Passed(SuccessDetails),
    InvalidToken {
        step: Step,
        status: u16,
        /// The older HTML form of the answer (`<title>Error 403 Invalid access token.`).
        html_form: bool,
    },
    WrongWorkspace {
        other_org: Option<String>,
    },
    IpBlocked {
        source_ip: Option<String>,
        workspace_id: Option<String>,
    },
    AccountConsole {
        sign_in_page: bool,
    },
    PrivateLink {
        workspace_id: Option<String>,
    },
    MissingPermission {
        step: Step,
        server_message: Option<String>,
    },
    NotFound {
        step: Step,
    },
    RateLimited {
        status: u16,
        retry_after_seconds: Option<u64>,
    },
    Unavailable {
        status: u16,
        auth_outage: bool,
    },
    Unexpected {
        step: Step,
        kind: UnexpectedKind,
        status: Option<u16>,
        excerpt: String,
    },
    Timeout {
        step: Step,
    },
    Unreachable {
        step: Step,
    },
    CorsBlocked {
        step: Step,
        /// Entra ID's own refusal of browser token requests (AADSTS9002326).
        entra: bool,
    },
    OauthInvalidClient,
}

impl Cause {
    pub fn verdict(&self) -> Verdict {
        match self {
            Cause::Passed(_) => Verdict::Ok,
            Cause::InvalidToken { .. } => Verdict::InvalidToken,
            Cause::WrongWorkspace { .. } => Verdict::WrongWorkspace,
            Cause::IpBlocked { .. } => Verdict::IpBlocked,
            Cause::AccountConsole { .. } => Verdict::AccountConsole,
            Cause::PrivateLink { .. } => Verdict::PrivateLink,
            Cause::MissingPermission { .. } => Verdict::MissingPermission,
            Cause::NotFound { .. } => Verdict::NotFound,
            Cause::RateLimited { .. } => Verdict::RateLimited,
            Cause::Unavailable { .. } => Verdict::Unavailable,
            Cause::Unexpected { .. } => Verdict::UnexpectedResponse,
            Cause::Timeout { .. } => Verdict::Timeout,
            Cause::Unreachable { .. } => Verdict::Unreachable,
            Cause::CorsBlocked { .. } => Verdict::CorsBlocked,
            Cause::OauthInvalidClient => Verdict::OauthInvalidClient,
        }
    }
}

/// The diagnosis of one outcome: what the page shows and `dbx-check diagnose` prints.
pub fn diagnose(outcome: &RawOutcome) -> Diagnosis {
    classify(outcome).diagnosis()
}

#[cfg(test)]
mod tests;
