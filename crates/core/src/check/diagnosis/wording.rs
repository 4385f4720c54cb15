//! The words of each verdict: its title, explanation and fix.

use super::{Cause, SuccessDetails, UnexpectedKind};
use crate::check::Step;
use crate::finding::{Diagnostic, Severity};

impl Cause {
    pub(super) fn title(&self) -> String {
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

    pub(super) fn explanation(&self) -> String {
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
                crate::check::BROWSER_TIMEOUT_MS / 1000
            ),
            Cause::Timeout { step } => format!(
                "{} did not answer within {} seconds, so the check stopped waiting. Airflow \
                 waits up to {AIRFLOW_TIMEOUT_SECONDS} seconds for each answer: a workspace \
                 that is only slow still passes Airflow's test, while one behind a firewall \
                 that drops this network's traffic never answers at all.",
                api_name(*step),
                crate::check::BROWSER_TIMEOUT_MS / 1000
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

    pub(super) fn fix_text(&self) -> String {
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
