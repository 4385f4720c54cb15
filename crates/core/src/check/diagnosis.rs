//! What an answer means: every answer shape in shared/facts/databricks.md §4 mapped to a
//! verdict with a cause and a fix in plain words, and the useful values read from
//! successful answers.
//!
//! Decisions rest on status, `error_code` and the OAuth `error` field. Message wording is
//! matched (loosely, lower-cased) only where nothing else tells the cases apart: IP access
//! lists, another workspace's token, the account console, and the old HTML error page
//! (facts §4: "do not parse `message` wording for logic except where...").

use super::scrub::{html_title, looks_like_html, sanitised_excerpt};
use super::{AnswerHeaders, RawOutcome, Step, Transport};
use crate::finding::{Diagnostic, Severity};
use crate::secret::Secret;
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// Bodies larger than this are not parsed as JSON: no Databricks answer of the check is
/// near it, and the page must stay responsive whatever a server sends.
const MAX_JSON_BYTES: usize = 4 * 1024 * 1024;
/// Bytes of body searched for error wording.
const HAYSTACK_BYTES: usize = 64 * 1024;
/// Warehouses listed at most; a workspace rarely has more than a few dozen.
const MAX_WAREHOUSES: usize = 500;
/// Length of any server-provided text put into a title or explanation.
const MAX_SHOWN_CHARS: usize = 120;

/// The verdict names of the `dbx-check diagnose` contract (DESIGN.md).
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

    pub fn diagnosis(&self) -> Diagnosis {
        Diagnosis {
            verdict: self.verdict(),
            title: self.title(),
            explanation: self.explanation(),
            fix: self.fix_text(),
        }
    }

    fn title(&self) -> String {
        match self {
            Cause::Passed(details) => match details {
                SuccessDetails::OauthToken { .. } => {
                    "The service principal got an OAuth access token".to_owned()
                }
                SuccessDetails::SparkVersions { .. } => {
                    "Airflow's connection test passes".to_owned()
                }
                SuccessDetails::CurrentUser {
                    user_name: Some(user),
                    ..
                } => format!("Signed in as {user}"),
                SuccessDetails::CurrentUser { .. } => {
                    "The credential works; its user name was not in the answer".to_owned()
                }
                SuccessDetails::Warehouses { warehouses } => match warehouses.len() {
                    0 => "No SQL warehouse is visible to this credential".to_owned(),
                    1 => "1 SQL warehouse found".to_owned(),
                    n => format!("{n} SQL warehouses found"),
                },
            },
            Cause::InvalidToken { .. } => "Databricks refused the credential".to_owned(),
            Cause::WrongWorkspace { .. } => {
                "The credential belongs to another workspace".to_owned()
            }
            Cause::IpBlocked { .. } => {
                "The workspace's IP access list blocks this address".to_owned()
            }
            Cause::AccountConsole { .. } => {
                "This is the account console, not a workspace".to_owned()
            }
            Cause::PrivateLink { .. } => {
                "The workspace is reachable only over Private Link".to_owned()
            }
            Cause::MissingPermission { step, .. } => match step {
                Step::SparkVersions => {
                    "The credential may not use the clusters API Airflow tests with".to_owned()
                }
                Step::CurrentUser => "The credential may not read its own user".to_owned(),
                Step::Warehouses => "The credential may not list SQL warehouses".to_owned(),
                Step::OauthToken => "The service principal may not get a token here".to_owned(),
            },
            Cause::NotFound { step } => format!("{} was not found on this host", api_name(*step)),
            Cause::RateLimited { .. } => "Databricks asks to slow down".to_owned(),
            Cause::Unavailable {
                auth_outage: true, ..
            } => "Databricks sign-in is temporarily unavailable".to_owned(),
            Cause::Unavailable { status, .. } => {
                format!("Databricks is temporarily unavailable (HTTP {status})")
            }
            Cause::Unexpected { kind, status, .. } => match kind {
                UnexpectedKind::SignInPage => {
                    "The host answered with a sign-in page, not the API".to_owned()
                }
                UnexpectedKind::EmptyBody => "The host answered with an empty body".to_owned(),
                UnexpectedKind::MissingAccessToken => {
                    "The token answer holds no access token".to_owned()
                }
                _ => match status {
                    Some(s) => format!("An answer this check does not know (HTTP {s})"),
                    None => "An answer this check does not know".to_owned(),
                },
            },
            Cause::Timeout { .. } => "No answer in time".to_owned(),
            Cause::Unreachable { .. } => "The host cannot be reached".to_owned(),
            Cause::CorsBlocked { entra: true, .. } => {
                "Entra ID refuses token requests from a browser".to_owned()
            }
            Cause::CorsBlocked { .. } => {
                "Your workspace answered; finish the check in a terminal".to_owned()
            }
            Cause::OauthInvalidClient => {
                "Databricks did not accept the client id and secret".to_owned()
            }
        }
    }

    fn explanation(&self) -> String {
        match self {
            Cause::Passed(details) => passed_explanation(details),
            Cause::InvalidToken {
                step,
                status,
                html_form,
            } => {
                let what = if *html_form {
                    "an HTML error page saying \"Invalid access token\""
                } else if *status == 401 {
                    "HTTP 401: the credential was not accepted"
                } else {
                    "HTTP 403 \"Invalid access token\""
                };
                format!(
                    "{} answered {what}. The token is mistyped, revoked, or expired (tokens \
                     unused for 90 days are revoked automatically), or a user name and \
                     password were refused. Airflow shows this as `Status Code: {status}`.",
                    api_name(*step)
                )
            }
            Cause::WrongWorkspace { other_org } => format!(
                "The workspace answered \"Invalid access to Org\"{}: the token is valid, but \
                 for a different workspace. A personal access token works only in the \
                 workspace where it was created.",
                other_org
                    .as_deref()
                    .map(|o| format!(" (the token belongs to workspace {o})"))
                    .unwrap_or_default()
            ),
            Cause::IpBlocked {
                source_ip,
                workspace_id,
            } => format!(
                "The workspace{} allows API calls only from listed IP addresses, and the \
                 call came from {}. Airflow calls from its own servers, whose address is \
                 usually different from this computer's.",
                workspace_id
                    .as_deref()
                    .map(|w| format!(" {w}"))
                    .unwrap_or_default(),
                source_ip
                    .as_deref()
                    .map(|ip| format!("{ip}, which is not on the list"))
                    .unwrap_or_else(|| "an address that is not on the list".to_owned())
            ),
            Cause::AccountConsole { sign_in_page } => format!(
                "The address is a Databricks account console (accounts.…), which manages \
                 workspaces but does not run them{}. Airflow must talk to one workspace.",
                if *sign_in_page {
                    "; it answered the API call with its sign-in page"
                } else {
                    "; it answered that a workspace credential is of an unsupported type"
                }
            ),
            Cause::PrivateLink { workspace_id } => format!(
                "The workspace{} accepts connections only from its private network (Azure \
                 or AWS Private Link). From elsewhere it redirects to a login page with \
                 `private-link-validation-error`, which Airflow reports as \"Expecting \
                 value: line 1 column 1 (char 0)\".",
                workspace_id
                    .as_deref()
                    .map(|w| format!(" {w}"))
                    .unwrap_or_default()
            ),
            Cause::MissingPermission {
                step,
                server_message,
            } => {
                let why = match step {
                    Step::SparkVersions => {
                        "The credential was accepted, but it may not call the clusters API \
                         that Airflow's test uses: typically a scoped token without the \
                         `clusters` scope."
                    }
                    Step::CurrentUser => {
                        "The credential was accepted, but it may not read its own user \
                         (a scoped token without the `scim` scope). Airflow's test does not \
                         need this."
                    }
                    Step::Warehouses => {
                        "The credential was accepted, but it may not list SQL warehouses \
                         (no Databricks SQL access, or a scoped token without the `sql` \
                         scope). Airflow's test does not need this; SQL operators do."
                    }
                    Step::OauthToken => {
                        "The service principal exists but may not get a token for this \
                         workspace."
                    }
                };
                match server_message {
                    Some(m) => format!("{why} Databricks said: \"{m}\"."),
                    None => why.to_owned(),
                }
            }
            Cause::NotFound { step } => match step {
                Step::SparkVersions | Step::CurrentUser => format!(
                    "{} answered HTTP 404: the host is not a Databricks workspace, or \
                     the URL carries a path that should not be there.",
                    api_name(*step)
                ),
                Step::Warehouses => "The workspace has no SQL warehouses API (HTTP 404): \
                     Databricks SQL may not be enabled on it. Airflow's test does not need it."
                    .to_owned(),
                Step::OauthToken => "The host has no OAuth token endpoint (HTTP 404): it is \
                     not a workspace URL, or OAuth for service principals is not available \
                     on it."
                    .to_owned(),
            },
            Cause::RateLimited {
                status,
                retry_after_seconds,
            } => format!(
                "The workspace answered HTTP {status}: too many requests for this credential \
                 or workspace right now.{} {AIRFLOW_RETRIES}",
                retry_after_seconds
                    .map(|s| format!(" It asks to wait {}.", seconds(s)))
                    .unwrap_or_default()
            ),
            Cause::Unavailable {
                status,
                auth_outage,
            } => {
                if *auth_outage {
                    format!(
                        "The workspace answered HTTP {status} TEMPORARILY_UNAVAILABLE: its \
                         sign-in service is down for a moment. Your credential was not \
                         judged. {AIRFLOW_RETRIES}"
                    )
                } else {
                    format!(
                        "The workspace answered HTTP {status}: a server-side problem, not \
                         your settings. Your credential was not judged. {AIRFLOW_RETRIES}"
                    )
                }
            }
            Cause::Unexpected {
                step,
                kind,
                status,
                excerpt,
            } => {
                let seen = match status {
                    Some(s) => format!("HTTP {s}"),
                    None => "no status".to_owned(),
                };
                let body = if excerpt.is_empty() {
                    "an empty body".to_owned()
                } else {
                    format!("\"{excerpt}\"")
                };
                let reading = match kind {
                    UnexpectedKind::NoStatus => "The request ended without a status code.",
                    UnexpectedKind::EmptyBody => {
                        "A Databricks API always answers JSON; Airflow fails on this with \
                         \"Expecting value: line 1 column 1 (char 0)\"."
                    }
                    UnexpectedKind::SignInPage => {
                        "A workspace answers API calls with JSON; a sign-in page means the \
                         address is not a workspace's (for example the account console or \
                         another Databricks page). Airflow fails on this with \"Expecting \
                         value: line 1 column 1 (char 0)\"."
                    }
                    UnexpectedKind::Html => {
                        "A web page came back where the API answers JSON: the address is \
                         probably not a workspace's, or a proxy answered instead."
                    }
                    UnexpectedKind::NotJson => {
                        "The answer is not JSON, which every Databricks API answers."
                    }
                    UnexpectedKind::MissingAccessToken => {
                        "The token endpoint answered success without `access_token`, or \
                         with a token type other than Bearer."
                    }
                    UnexpectedKind::Redirect => {
                        "The host redirected the request elsewhere instead of answering."
                    }
                    UnexpectedKind::Status => "This check has no reading for this answer.",
                };
                format!("{} got {seen} with {body}. {reading}", api_name(*step))
            }
            Cause::Timeout {
                step: Step::OauthToken,
            } => format!(
                "{} did not answer within {} seconds, so the check stopped waiting. Airflow \
                 waits no longer for a token ({AIRFLOW_TOKEN_TIMEOUT_SECONDS} seconds) and \
                 tries 3 times: its test fails the same way.",
                api_name(Step::OauthToken),
                super::BROWSER_TIMEOUT_MS / 1000
            ),
            Cause::Timeout { step } => format!(
                "{} did not answer within {} seconds, so the check stopped waiting. Airflow \
                 waits up to {AIRFLOW_TIMEOUT_SECONDS} seconds for each answer: a workspace \
                 that is only slow still passes Airflow's test, while one behind a firewall \
                 that drops this network's traffic never answers at all.",
                api_name(*step),
                super::BROWSER_TIMEOUT_MS / 1000
            ),
            Cause::Unreachable { step } => format!(
                "{} could not be reached at all: the name does not resolve, nothing answers \
                 on it, or the connection failed. A misspelled workspace URL, a workspace \
                 on a private network, or no internet access are the usual causes.",
                api_name(*step)
            ),
            Cause::CorsBlocked { entra: true, .. } => "Microsoft Entra ID answered \
                 AADSTS9002326: it hands out client-credential tokens only to servers, never \
                 to a web page. This is not a problem with your credential."
                .to_owned(),
            Cause::CorsBlocked { step, .. } => format!(
                "{} answered, but the browser did not let this page read the answer: \
                 Databricks does not allow API calls from web pages of other sites (CORS). \
                 This says nothing about your credential, and Airflow is not affected: it \
                 calls from a server.",
                api_name(*step)
            ),
            Cause::OauthInvalidClient => "The token endpoint answered `invalid_client`: the \
                 client id is not a service principal of this workspace's account, or the \
                 OAuth secret is wrong, expired (at most 730 days) or deleted."
                .to_owned(),
        }
    }

    fn fix_text(&self) -> String {
        match self {
            Cause::Passed(details) => match details {
                SuccessDetails::Warehouses { warehouses } if warehouses.is_empty() => {
                    "If you use SQL operators, create a SQL warehouse or ask for CAN USE on \
                     one, then put its HTTP path in the http_path extra."
                        .to_owned()
                }
                SuccessDetails::Warehouses { .. } => {
                    "For SQL operators, put the chosen warehouse's HTTP path in the \
                     http_path extra."
                        .to_owned()
                }
                SuccessDetails::SparkVersions { .. } => "Nothing to fix. SQL operators \
                     also need the http_path extra, which this test does not use."
                    .to_owned(),
                SuccessDetails::CurrentUser { .. } => {
                    "Nothing to fix; make sure this is the identity Airflow should act as."
                        .to_owned()
                }
                SuccessDetails::OauthToken { .. } => "Nothing to fix.".to_owned(),
            },
            Cause::InvalidToken { .. } => "Create a new personal access token in this \
                 workspace (Settings → Developer → Access tokens) and paste the whole token, \
                 which starts with `dapi`, not the token's ID. For a user name and password, \
                 check both, or switch to a token."
                .to_owned(),
            Cause::WrongWorkspace { .. } => "Use the workspace URL where the token was \
                 created, or create a token in this workspace."
                .to_owned(),
            Cause::IpBlocked { .. } => "Ask a workspace admin to add the public IP address \
                 of your Airflow servers (their egress or NAT address) to the IP access \
                 list, or test from a machine inside the allowed network."
                .to_owned(),
            Cause::AccountConsole { .. } => "Use the URL of the workspace itself: open the \
                 workspace from the account console and copy its address (for example \
                 https://dbc-….cloud.databricks.com or https://adb-….azuredatabricks.net)."
                .to_owned(),
            Cause::PrivateLink { .. } => "Test from a machine inside the workspace's network \
                 (where Airflow runs): use the terminal commands or `airflow connections \
                 test` there. If Airflow itself is outside that network, it needs a route to \
                 the private endpoint."
                .to_owned(),
            Cause::MissingPermission { step, .. } => match step {
                Step::SparkVersions => "Create a token without scopes, or one that includes \
                     the `clusters` scope; or ask an admin to grant the user cluster access."
                    .to_owned(),
                Step::CurrentUser => "Nothing required for Airflow's test. To see who the \
                     credential is, add the `scim` scope to the token."
                    .to_owned(),
                Step::Warehouses => "If you use SQL operators, ask for Databricks SQL access \
                     and CAN USE on a warehouse, or copy the HTTP path from the warehouse's \
                     Connection details tab into the http_path extra."
                    .to_owned(),
                Step::OauthToken => "Ask an admin to add the service principal to this \
                     workspace."
                    .to_owned(),
            },
            Cause::NotFound { step } => match step {
                Step::Warehouses => "If you use SQL operators, enable Databricks SQL or use \
                     a cluster's HTTP path (cluster → Advanced options → JDBC/ODBC) in the \
                     http_path extra."
                    .to_owned(),
                _ => "Use the workspace URL exactly as the browser shows it when you are in \
                     the workspace, without any path: https://<workspace host>."
                    .to_owned(),
            },
            Cause::RateLimited {
                retry_after_seconds,
                ..
            } => match retry_after_seconds {
                Some(s) => format!(
                    "Wait {} and check again; Airflow's test fails the same way until then.",
                    seconds(*s)
                ),
                None => "Wait a minute and check again; Airflow's test fails the same way \
                     while the limit lasts."
                    .to_owned(),
            },
            Cause::Unavailable { .. } => "Check again in a few minutes; if it persists, see \
                 the Databricks status page for your cloud and region."
                .to_owned(),
            Cause::Unexpected { kind, .. } => match kind {
                UnexpectedKind::SignInPage | UnexpectedKind::Html => "Use the workspace URL \
                     exactly as the browser shows it when you are in the workspace \
                     (https://<workspace host>, no path); if a proxy sits in between, test \
                     from where Airflow runs."
                    .to_owned(),
                _ => "Check again; if it persists, run the same request from a terminal \
                     (commands below) or `airflow connections test` and compare."
                    .to_owned(),
            },
            Cause::Timeout { .. } => "Check that the workspace opens in this browser; if it \
                 does, it is slow rather than blocked: run the terminal commands below from \
                 where Airflow runs, or `airflow connections test`, which wait longer. If it \
                 does not open, test from the network Airflow runs in."
                .to_owned(),
            Cause::Unreachable { .. } => "Check the workspace URL for typos and open it in \
                 this browser. If the workspace is on a private network, test from a machine \
                 inside it (terminal commands below)."
                .to_owned(),
            Cause::CorsBlocked { entra: true, .. } => "Check it where Airflow runs: the \
                 terminal commands below (Azure CLI) or `airflow connections test`."
                .to_owned(),
            Cause::CorsBlocked { .. } => "Copy the block below into a terminal (it asks for \
                 your secret without showing it) and paste everything it prints into the box \
                 under it, or run `airflow connections test` where Airflow runs."
                .to_owned(),
            Cause::OauthInvalidClient => "Check that Login holds the service principal's \
                 client id (its application id) and Password a current OAuth secret of that \
                 service principal; create a new secret if unsure."
                .to_owned(),
        }
    }
}

impl Diagnostic for Cause {
    fn code(&self) -> &'static str {
        self.verdict().as_str()
    }

    fn severity(&self) -> Severity {
        match self {
            Cause::Passed(_) => Severity::Info,
            Cause::RateLimited { .. }
            | Cause::Unavailable { .. }
            | Cause::CorsBlocked { .. }
            | Cause::Timeout { .. } => Severity::Warning,
            Cause::MissingPermission { step, .. } | Cause::NotFound { step }
                if !step.failure_stops_check() =>
            {
                Severity::Warning
            }
            _ => Severity::Error,
        }
    }

    fn message(&self) -> String {
        format!("{}. {}", self.title(), self.explanation())
    }

    fn fix(&self) -> String {
        self.fix_text()
    }
}

fn api_name(step: Step) -> &'static str {
    match step {
        Step::OauthToken => "The OAuth token endpoint",
        Step::SparkVersions => "The Spark versions API",
        Step::CurrentUser => "The current-user API (SCIM Me)",
        Step::Warehouses => "The SQL warehouses API",
    }
}

/// What Airflow's provider does with a 429 or a 5xx (docs/databricks-answers.md,
/// "Timeouts and retries"); the check retries the same way (`run::RETRY_WAITS_MS`).
const AIRFLOW_RETRIES: &str = "Airflow's test meets the same answer: it tries 3 times, 1 and \
     then 2 seconds apart, without waiting for Retry-After, and then fails.";

/// Airflow's provider waits this long for each API answer, and this long for an OAuth
/// token (docs/databricks-answers.md, "Timeouts and retries").
const AIRFLOW_TIMEOUT_SECONDS: u32 = 180;
const AIRFLOW_TOKEN_TIMEOUT_SECONDS: u32 = 10;

fn seconds(s: u64) -> String {
    match s {
        1 => "1 second".to_owned(),
        s if s < 120 => format!("{s} seconds"),
        s => format!("about {} minutes", s.div_ceil(60)),
    }
}

fn passed_explanation(details: &SuccessDetails) -> String {
    match details {
        SuccessDetails::OauthToken { expires_in, .. } => format!(
            "Databricks accepted the client id and secret and issued an access token{}. \
             The next requests use it, as Airflow does.",
            expires_in
                .map(|s| format!(" valid for {}", seconds(s)))
                .unwrap_or_default()
        ),
        SuccessDetails::SparkVersions { count } => format!(
            "The workspace accepted the credential and listed {count} Spark version{}: the \
             request Airflow's Test button makes succeeded.",
            if *count == 1 { "" } else { "s" }
        ),
        SuccessDetails::CurrentUser {
            user_name,
            display_name,
        } => belongs_to(display_name.as_deref(), user_name.as_deref()),
        SuccessDetails::Warehouses { warehouses } if warehouses.is_empty() => {
            "The credential can list SQL warehouses but sees none. Airflow's test does not \
             need one; SQL operators do."
                .to_owned()
        }
        SuccessDetails::Warehouses { warehouses } => {
            let listed: Vec<String> = warehouses
                .iter()
                .take(5)
                .map(|w| format!("{} ({})", w.name, w.http_path))
                .collect();
            let more = warehouses.len().saturating_sub(5);
            format!(
                "HTTP paths for the http_path extra: {}{}.",
                listed.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            )
        }
    }
}

/// Whether Airflow's provider tries a request again after this answer: 429, a 5xx, or a
/// 400 whose `error_code` is `COULD_NOT_ACQUIRE_LOCK` (docs/databricks-answers.md,
/// "Timeouts and retries"). Connection failures, which it also retries, are not
/// answers: the check does not retry them (`run::RETRY_WAITS_MS`).
pub fn retried_as_airflow_does(outcome: &RawOutcome) -> bool {
    match (outcome.transport, outcome.status) {
        (Transport::Ok, Some(status)) => {
            status == 429
                || (500..600).contains(&status)
                || (status == 400
                    && Answer::read(outcome, status).error_code() == Some("COULD_NOT_ACQUIRE_LOCK"))
        }
        _ => false,
    }
}

/// An answer with its body read once.
struct Answer<'a> {
    step: Step,
    status: u16,
    headers: &'a AnswerHeaders,
    head_text: Cow<'a, str>,
    json: Option<Value>,
    html: bool,
    final_url: Option<url::Url>,
}

impl<'a> Answer<'a> {
    fn read(outcome: &'a RawOutcome, status: u16) -> Self {
        let bytes = outcome.body.bytes();
        let head = bytes
            .get(..HAYSTACK_BYTES.min(bytes.len()))
            .unwrap_or(bytes);
        let head_text = String::from_utf8_lossy(head);
        let json = (bytes.len() <= MAX_JSON_BYTES && !outcome.body.is_empty())
            .then(|| serde_json::from_slice::<Value>(bytes).ok())
            .flatten();
        let html = json.is_none() && looks_like_html(&head_text);
        let final_url = outcome
            .final_url
            .as_deref()
            .and_then(|u| url::Url::parse(u.trim()).ok());
        Answer {
            step: outcome.step,
            status,
            headers: &outcome.headers,
            head_text,
            json,
            html,
            final_url,
        }
    }

    fn field(&self, key: &str) -> Option<&str> {
        self.json.as_ref()?.get(key)?.as_str()
    }

    /// Databricks' `error_code`, only when it is a string (legacy endpoints put the
    /// HTTP status there as a number: treated as absent, facts §4).
    fn error_code(&self) -> Option<&str> {
        self.field("error_code")
    }

    /// The words of the answer that describe an error, lower-cased, for loose matching.
    fn wording(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        if self.json.is_some() {
            for key in ["message", "detail", "error_description", "error"] {
                parts.extend(self.field(key));
            }
        } else {
            parts.push(&self.head_text);
        }
        parts.extend(self.headers.get("x-databricks-reason-phrase"));
        parts.join(" ").to_ascii_lowercase()
    }

    /// The server's own message, sanitised, for explanations.
    fn server_message(&self) -> Option<String> {
        let m = self
            .field("message")
            .or_else(|| self.field("detail"))
            .or_else(|| self.field("error_description"))?;
        let clean = sanitised_excerpt(m.as_bytes());
        (!clean.is_empty()).then_some(clean)
    }

    fn excerpt(&self) -> String {
        sanitised_excerpt(self.head_text.as_bytes())
    }

    fn on_account_host(&self) -> bool {
        self.final_url
            .as_ref()
            .and_then(|u| u.host_str())
            .is_some_and(|h| {
                let h = h.to_ascii_lowercase();
                h.starts_with("accounts.") || h.starts_with("accounts-dod.")
            })
    }

    /// The account console sends API calls without a session to `/login?next_url=...`
    /// (facts §1).
    fn is_login_redirect_target(url: &url::Url) -> bool {
        url.path().starts_with("/login") && url.query_pairs().any(|(k, _)| k == "next_url")
    }

    fn location(&self) -> Option<url::Url> {
        let location = self.headers.get("location")?;
        let base = self
            .final_url
            .clone()
            .or_else(|| url::Url::parse("https://workspace.invalid/").ok())?;
        base.join(location).ok()
    }

    /// `private-link-validation-error:<workspace id>` in the final URL, a redirect, or
    /// the page (facts §4).
    fn private_link(&self) -> Option<Option<String>> {
        const SIGN: &str = "private-link-validation-error";
        let from_url = |u: &url::Url| {
            u.query_pairs()
                .map(|(_, v)| v.into_owned())
                .find(|v| v.contains(SIGN))
        };
        let found = self
            .final_url
            .as_ref()
            .and_then(from_url)
            .or_else(|| self.location().as_ref().and_then(from_url))
            .or_else(|| {
                let lower = self.head_text.to_ascii_lowercase();
                let at = lower.find(SIGN)?;
                Some(lower.get(at..)?.chars().take(80).collect())
            })?;
        let id = found
            .find(SIGN)
            .and_then(|at| found.get(at + SIGN.len()..))
            // `:` decoded, or still `%3A` when read from the page's text.
            .map(|rest| {
                rest.strip_prefix(':')
                    .or_else(|| rest.strip_prefix("%3A"))
                    .or_else(|| rest.strip_prefix("%3a"))
                    .unwrap_or(rest)
            })
            .map(|rest| {
                rest.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            })
            .filter(|id| !id.is_empty());
        Some(id)
    }
}

/// The cause behind an outcome. Total: every input has one, and none panics.
pub fn classify(outcome: &RawOutcome) -> Cause {
    let step = outcome.step;
    match outcome.transport {
        Transport::Ok => {}
        Transport::Blocked => return Cause::CorsBlocked { step, entra: false },
        Transport::Unreachable => return Cause::Unreachable { step },
        Transport::Timeout => return Cause::Timeout { step },
    }
    let Some(status) = outcome.status else {
        return Cause::Unexpected {
            step,
            kind: UnexpectedKind::NoStatus,
            status: None,
            excerpt: sanitised_excerpt(outcome.body.bytes()),
        };
    };
    let answer = Answer::read(outcome, status);
    classify_answer(&answer, outcome)
}

fn classify_answer(answer: &Answer<'_>, outcome: &RawOutcome) -> Cause {
    let step = answer.step;
    let status = answer.status;
    if let Some(workspace_id) = answer.private_link() {
        return Cause::PrivateLink { workspace_id };
    }
    let wording = answer.wording();
    if wording.contains("aadsts9002326") {
        return Cause::CorsBlocked { step, entra: true };
    }
    if answer.field("error") == Some("invalid_client") {
        return Cause::OauthInvalidClient;
    }
    let unexpected = |kind| Cause::Unexpected {
        step,
        kind,
        status: Some(status),
        excerpt: answer.excerpt(),
    };

    if (200..300).contains(&status) {
        if answer.html {
            let at_login = answer
                .final_url
                .as_ref()
                .is_some_and(Answer::is_login_redirect_target);
            if answer.on_account_host() || at_login {
                return Cause::AccountConsole { sign_in_page: true };
            }
            let title = html_title(&answer.head_text)
                .unwrap_or_default()
                .to_ascii_lowercase();
            let login_path = answer
                .final_url
                .as_ref()
                .is_some_and(|u| u.path().starts_with("/login"));
            return if title.contains("sign in") || title.contains("log in") || login_path {
                unexpected(UnexpectedKind::SignInPage)
            } else {
                unexpected(UnexpectedKind::Html)
            };
        }
        if outcome.body.is_empty() {
            return unexpected(UnexpectedKind::EmptyBody);
        }
        return match read_success(outcome) {
            Some(details) => Cause::Passed(details),
            None if answer.json.is_some() => unexpected(UnexpectedKind::MissingAccessToken),
            None => unexpected(UnexpectedKind::NotJson),
        };
    }

    let code = answer.error_code().unwrap_or("");
    if status == 429 || matches!(code, "REQUEST_LIMIT_EXCEEDED" | "RESOURCE_EXHAUSTED") {
        return Cause::RateLimited {
            status,
            retry_after_seconds: retry_after(answer.headers),
        };
    }
    if (500..600).contains(&status) {
        return Cause::Unavailable {
            status,
            auth_outage: code == "TEMPORARILY_UNAVAILABLE",
        };
    }
    if wording.contains("ip acl") || wording.contains("ip access list") {
        let original = answer.server_message().unwrap_or_else(|| answer.excerpt());
        return Cause::IpBlocked {
            source_ip: word_after(&original, "source ip address:"),
            workspace_id: word_after(&original, "for workspace:")
                .filter(|w| w.chars().all(|c| c.is_ascii_digit())),
        };
    }
    if wording.contains("invalid access to org") {
        return Cause::WrongWorkspace {
            other_org: word_after(&wording, "invalid access to org:")
                .filter(|w| w.chars().all(|c| c.is_ascii_digit())),
        };
    }
    if wording.contains("invalid access token") {
        return Cause::InvalidToken {
            step,
            status,
            html_form: answer.html,
        };
    }
    if wording.contains("credential was not sent or was of an unsupported type")
        || (matches!(status, 401 | 403) && answer.on_account_host())
    {
        return Cause::AccountConsole {
            sign_in_page: false,
        };
    }
    if (300..400).contains(&status) {
        let to_login = answer
            .location()
            .is_some_and(|l| Answer::is_login_redirect_target(&l));
        return if to_login || answer.on_account_host() {
            Cause::AccountConsole { sign_in_page: true }
        } else {
            unexpected(UnexpectedKind::Redirect)
        };
    }
    match status {
        401 if step == Step::OauthToken => Cause::OauthInvalidClient,
        401 => Cause::InvalidToken {
            step,
            status,
            html_form: answer.html,
        },
        403 if code == "PERMISSION_DENIED"
            || wording.contains("scope")
            || wording.contains("permission")
            || wording.contains("not authorized") =>
        {
            Cause::MissingPermission {
                step,
                server_message: answer.server_message(),
            }
        }
        403 if matches!(code, "UNAUTHENTICATED" | "INVALID_TOKEN") => Cause::InvalidToken {
            step,
            status,
            html_form: false,
        },
        404 => Cause::NotFound { step },
        _ => unexpected(UnexpectedKind::Status),
    }
}

/// The diagnosis of one outcome: what the page shows and `dbx-check diagnose` prints.
pub fn diagnose(outcome: &RawOutcome) -> Diagnosis {
    classify(outcome).diagnosis()
}

/// The useful values of a successful answer: none unless the answer is a 2xx JSON of
/// the step's shape. Airflow's test passes on any 2xx JSON (facts §3), so the GET steps
/// accept any JSON and read what is there.
pub fn read_success(outcome: &RawOutcome) -> Option<SuccessDetails> {
    if outcome.transport != Transport::Ok || !(200..300).contains(&outcome.status?) {
        return None;
    }
    let body = outcome.body.bytes();
    if body.len() > MAX_JSON_BYTES {
        return None;
    }
    let json: Value = serde_json::from_slice(body).ok()?;
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(shown);
    Some(match outcome.step {
        Step::OauthToken => {
            let token = json.get("access_token")?.as_str()?.trim();
            let bearer = json
                .get("token_type")
                .and_then(Value::as_str)
                .is_none_or(|t| t.eq_ignore_ascii_case("bearer"));
            if token.is_empty() || !bearer {
                return None;
            }
            SuccessDetails::OauthToken {
                access_token: Secret::new(token),
                expires_in: json.get("expires_in").and_then(Value::as_u64),
            }
        }
        Step::SparkVersions => SuccessDetails::SparkVersions {
            count: json
                .get("versions")
                .and_then(Value::as_array)
                .map_or(0, Vec::len),
        },
        Step::CurrentUser => SuccessDetails::CurrentUser {
            user_name: text(&json, "userName"),
            display_name: text(&json, "displayName"),
        },
        Step::Warehouses => SuccessDetails::Warehouses {
            warehouses: json
                .get("warehouses")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .take(MAX_WAREHOUSES)
                        .filter_map(warehouse)
                        .collect()
                })
                .unwrap_or_default(),
        },
    })
}

/// One entry of `GET /api/2.0/sql/warehouses`. The HTTP path is in `odbc_params.path`;
/// it is always `/sql/1.0/warehouses/<id>`, built from the id when absent.
fn warehouse(v: &Value) -> Option<Warehouse> {
    let id = v.get("id")?.as_str()?.trim();
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let http_path = v
        .get("odbc_params")
        .and_then(|p| p.get("path"))
        .and_then(Value::as_str)
        .filter(|p| p.starts_with("/sql/") && p.len() <= 200 && !p.contains(char::is_whitespace))
        .map(str::to_owned)
        .unwrap_or_else(|| format!("/sql/1.0/warehouses/{id}"));
    Some(Warehouse {
        id: id.to_owned(),
        name: v
            .get("name")
            .and_then(Value::as_str)
            .map(shown)
            .unwrap_or_else(|| id.to_owned()),
        state: v.get("state").and_then(Value::as_str).map(shown),
        http_path,
    })
}

/// Server text made safe to show: one line, bounded, secrets masked.
fn shown(text: &str) -> String {
    sanitised_excerpt(text.as_bytes())
        .chars()
        .take(MAX_SHOWN_CHARS)
        .collect()
}

/// `Retry-After` in whole seconds (facts §4: Databricks sends an integer). An HTTP date
/// is not expected and gives none.
fn retry_after(headers: &AnswerHeaders) -> Option<u64> {
    headers
        .get("retry-after")?
        .parse::<u64>()
        .ok()
        .map(|s| s.min(24 * 3600))
}

/// "The credential belongs to Ada (ada@example.com)."
pub(crate) fn belongs_to(display_name: Option<&str>, user_name: Option<&str>) -> String {
    let who = match (display_name, user_name) {
        (Some(d), Some(u)) if d != u => format!("{d} ({u})"),
        (_, Some(u)) => u.to_owned(),
        (Some(d), None) => d.to_owned(),
        (None, None) => "an identity whose name was not in the answer".to_owned(),
    };
    format!("The credential belongs to {who}.")
}

/// The word following `marker` (matched without regard to case), trimmed of punctuation.
fn word_after(text: &str, marker: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    // ASCII lower-casing keeps every byte in place, so the index fits either text.
    let at = lower.find(marker)? + marker.len();
    let rest = lower.get(at..)?;
    let word: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':'))
        .collect();
    let word = word.trim_end_matches(['.', ':']).to_owned();
    (!word.is_empty() && word.len() <= 64).then_some(word)
}

#[cfg(test)]
mod tests;
