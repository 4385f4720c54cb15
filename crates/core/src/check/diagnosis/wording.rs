//! The words of each verdict, as data: for every cause, its severity and its title,
//! explanation and fix as templates whose `{name}` slots [`render`] fills, written together.

use super::{Cause, Diagnosis, SuccessDetails, UnexpectedKind, Warehouse};
use crate::check::{Step, BROWSER_TIMEOUT_MS};
use crate::finding::{render, Diagnostic, Severity};
use std::borrow::Cow;
use Severity::{Error, Info, Warning};

/// A cause's words. `finding::Wording` has one message; a diagnosis has a title and an
/// explanation, rendered with the same slots by the same [`render`].
struct Words<'a> {
    severity: Severity,
    title: &'static str,
    explanation: &'static str,
    fix: &'static str,
    slots: Vec<(&'static str, Cow<'a, str>)>,
}

impl<'a> Words<'a> {
    fn new(
        severity: Severity,
        title: &'static str,
        explanation: &'static str,
        fix: &'static str,
    ) -> Self {
        Words {
            severity,
            title,
            explanation,
            fix,
            slots: Vec::new(),
        }
    }

    /// The value of the slot `{name}`.
    fn with(self, name: &'static str, value: impl Into<Cow<'a, str>>) -> Self {
        self.slot(name, value.into())
    }

    /// One copy of the push for every type `with` takes, for the page's size.
    #[inline(never)]
    fn slot(mut self, name: &'static str, value: Cow<'a, str>) -> Self {
        self.slots.push((name, value));
        self
    }

    fn title(&self) -> String {
        render(self.title, &self.slots)
    }

    fn explanation(&self) -> String {
        render(self.explanation, &self.slots)
    }

    fn fix(&self) -> String {
        render(self.fix, &self.slots)
    }
}

/// What Airflow's provider does with a 429 or a 5xx (docs/databricks-answers.md,
/// "Timeouts and retries"); the check retries the same way (`run::RETRY_WAITS_MS`). A
/// literal, so that templates can include it.
macro_rules! airflow_retries {
    () => {
        "Airflow's test meets the same answer: it tries 3 times, 1 and \
         then 2 seconds apart, without waiting for Retry-After, and then fails."
    };
}

/// Airflow's provider waits this long for each API answer, and this long for an OAuth
/// token (docs/databricks-answers.md, "Timeouts and retries").
const AIRFLOW_TIMEOUT_SECONDS: u32 = 180;
const AIRFLOW_TOKEN_TIMEOUT_SECONDS: u32 = 10;

const USE_WORKSPACE_URL: &str = "Use the workspace URL exactly as the browser shows it when \
     you are in the workspace, without any path: https://<workspace host>.";
const CHECK_AGAIN_LATER: &str = "Check again in a few minutes; if it persists, see the \
     Databricks status page for your cloud and region.";
const NOT_A_WORKSPACE_PAGE: &str = "Use the workspace URL exactly as the browser shows it \
     when you are in the workspace (https://<workspace host>, no path); if a proxy sits in \
     between, test from where Airflow runs.";
const COMPARE_IN_TERMINAL: &str = "Check again; if it persists, run the same request from a \
     terminal (commands below) or `airflow connections test` and compare.";
const SLOW_OR_BLOCKED: &str = "Check that the workspace opens in this browser; if it does, it \
     is slow rather than blocked: run the terminal commands below from where Airflow runs, or \
     `airflow connections test`, which wait longer. If it does not open, test from the \
     network Airflow runs in.";

impl Cause {
    pub fn diagnosis(&self) -> Diagnosis {
        let words = self.words();
        Diagnosis {
            verdict: self.verdict(),
            title: words.title(),
            explanation: words.explanation(),
            fix: words.fix(),
        }
    }

    /// The cause's severity and words, with the values its templates name.
    fn words(&self) -> Words<'_> {
        use Cause as C;
        match self {
            C::Passed(details) => passed(details),
            C::InvalidToken {
                step,
                status,
                html_form,
            } => Words::new(
                Error,
                "Databricks refused the credential",
                "{api} answered {what}. The token is mistyped, revoked, or expired (tokens \
                 unused for 90 days are revoked automatically), or a user name and \
                 password were refused. Airflow shows this as `Status Code: {status}`.",
                "Create a new personal access token in this workspace (Settings → Developer \
                 → Access tokens) and paste the whole token, which starts with `dapi`, not \
                 the token's ID. For a user name and password, check both, or switch to a \
                 token.",
            )
            .with("api", api_name(*step))
            .with(
                "what",
                if *html_form {
                    "an HTML error page saying \"Invalid access token\""
                } else if *status == 401 {
                    "HTTP 401: the credential was not accepted"
                } else {
                    "HTTP 403 \"Invalid access token\""
                },
            )
            .with("status", status.to_string()),
            C::WrongWorkspace { other_org } => Words::new(
                Error,
                "The credential belongs to another workspace",
                "The workspace answered \"Invalid access to Org\"{other}: the token is valid, \
                 but for a different workspace. A personal access token works only in the \
                 workspace where it was created.",
                "Use the workspace URL where the token was created, or create a token in \
                 this workspace.",
            )
            .with(
                "other",
                other_org
                    .as_deref()
                    .map(|o| format!(" (the token belongs to workspace {o})"))
                    .unwrap_or_default(),
            ),
            C::IpBlocked {
                source_ip,
                workspace_id,
            } => Words::new(
                Error,
                "The workspace's IP access list blocks this address",
                "The workspace{workspace} allows API calls only from listed IP addresses, and \
                 the call came from {source}. Airflow calls from its own servers, whose \
                 address is usually different from this computer's.",
                "Ask a workspace admin to add the public IP address of your Airflow servers \
                 (their egress or NAT address) to the IP access list, or test from a machine \
                 inside the allowed network.",
            )
            .with("workspace", spaced(workspace_id.as_deref()))
            .with(
                "source",
                source_ip
                    .as_deref()
                    .map(|ip| format!("{ip}, which is not on the list"))
                    .unwrap_or_else(|| "an address that is not on the list".to_owned()),
            ),
            C::AccountConsole { sign_in_page } => Words::new(
                Error,
                "This is the account console, not a workspace",
                "The address is a Databricks account console (accounts.…), which manages \
                 workspaces but does not run them; it answered {answered}. Airflow must talk \
                 to one workspace.",
                "Use the URL of the workspace itself: open the workspace from the account \
                 console and copy its address (for example \
                 https://dbc-….cloud.databricks.com or https://adb-….azuredatabricks.net).",
            )
            .with(
                "answered",
                if *sign_in_page {
                    "the API call with its sign-in page"
                } else {
                    "that a workspace credential is of an unsupported type"
                },
            ),
            C::PrivateLink { workspace_id } => Words::new(
                Error,
                "The workspace is reachable only over Private Link",
                "The workspace{workspace} accepts connections only from its private network \
                 (Azure or AWS Private Link). From elsewhere it redirects to a login page with \
                 `private-link-validation-error`, which Airflow reports as \"Expecting \
                 value: line 1 column 1 (char 0)\".",
                "Test from a machine inside the workspace's network (where Airflow runs): use \
                 the terminal commands or `airflow connections test` there. If Airflow itself \
                 is outside that network, it needs a route to the private endpoint.",
            )
            .with("workspace", spaced(workspace_id.as_deref())),
            C::MissingPermission {
                step,
                server_message,
            } => missing_permission(*step).with(
                "said",
                server_message
                    .as_deref()
                    .map(|m| format!(" Databricks said: \"{m}\"."))
                    .unwrap_or_default(),
            ),
            C::NotFound { step } => not_found(*step).with("api", api_name(*step)),
            C::RateLimited {
                status,
                retry_after_seconds: Some(wait),
            } => Words::new(
                Warning,
                "Databricks asks to slow down",
                concat!(
                    "The workspace answered HTTP {status}: too many requests for this \
                     credential or workspace right now. It asks to wait {wait}. ",
                    airflow_retries!()
                ),
                "Wait {wait} and check again; Airflow's test fails the same way until then.",
            )
            .with("status", status.to_string())
            .with("wait", seconds(*wait)),
            C::RateLimited { status, .. } => Words::new(
                Warning,
                "Databricks asks to slow down",
                concat!(
                    "The workspace answered HTTP {status}: too many requests for this \
                     credential or workspace right now. ",
                    airflow_retries!()
                ),
                "Wait a minute and check again; Airflow's test fails the same way while the \
                 limit lasts.",
            )
            .with("status", status.to_string()),
            C::Unavailable {
                status,
                auth_outage: true,
            } => Words::new(
                Warning,
                "Databricks sign-in is temporarily unavailable",
                concat!(
                    "The workspace answered HTTP {status} TEMPORARILY_UNAVAILABLE: its \
                     sign-in service is down for a moment. Your credential was not judged. ",
                    airflow_retries!()
                ),
                CHECK_AGAIN_LATER,
            )
            .with("status", status.to_string()),
            C::Unavailable { status, .. } => Words::new(
                Warning,
                "Databricks is temporarily unavailable (HTTP {status})",
                concat!(
                    "The workspace answered HTTP {status}: a server-side problem, not your \
                     settings. Your credential was not judged. ",
                    airflow_retries!()
                ),
                CHECK_AGAIN_LATER,
            )
            .with("status", status.to_string()),
            C::Unexpected {
                step,
                kind,
                status,
                excerpt,
            } => unexpected(*kind)
                .with("api", api_name(*step))
                .with(
                    "seen",
                    match status {
                        Some(s) => format!("HTTP {s}"),
                        None => "no status".to_owned(),
                    },
                )
                .with(
                    "http",
                    status.map(|s| format!(" (HTTP {s})")).unwrap_or_default(),
                )
                .with(
                    "body",
                    if excerpt.is_empty() {
                        "an empty body".to_owned()
                    } else {
                        format!("\"{excerpt}\"")
                    },
                ),
            C::Timeout {
                step: Step::OauthToken,
            } => Words::new(
                Warning,
                "No answer in time",
                "{api} did not answer within {browser} seconds, so the check stopped waiting. \
                 Airflow waits no longer for a token ({airflow} seconds) and tries 3 times: \
                 its test fails the same way.",
                SLOW_OR_BLOCKED,
            )
            .with("api", api_name(Step::OauthToken))
            .with("browser", (BROWSER_TIMEOUT_MS / 1000).to_string())
            .with("airflow", AIRFLOW_TOKEN_TIMEOUT_SECONDS.to_string()),
            C::Timeout { step } => Words::new(
                Warning,
                "No answer in time",
                "{api} did not answer within {browser} seconds, so the check stopped waiting. \
                 Airflow waits up to {airflow} seconds for each answer: a workspace that is \
                 only slow still passes Airflow's test, while one behind a firewall that drops \
                 this network's traffic never answers at all.",
                SLOW_OR_BLOCKED,
            )
            .with("api", api_name(*step))
            .with("browser", (BROWSER_TIMEOUT_MS / 1000).to_string())
            .with("airflow", AIRFLOW_TIMEOUT_SECONDS.to_string()),
            C::Unreachable { step } => Words::new(
                Error,
                "The host cannot be reached",
                "{api} could not be reached at all: the name does not resolve, nothing \
                 answers on it, or the connection failed. A misspelled workspace URL, a \
                 workspace on a private network, or no internet access are the usual causes.",
                "Check the workspace URL for typos and open it in this browser. If the \
                 workspace is on a private network, test from a machine inside it (terminal \
                 commands below).",
            )
            .with("api", api_name(*step)),
            C::CorsBlocked { entra: true, .. } => Words::new(
                Warning,
                "Entra ID refuses token requests from a browser",
                "Microsoft Entra ID answered AADSTS9002326: it hands out client-credential \
                 tokens only to servers, never to a web page. This is not a problem with your \
                 credential.",
                "Check it where Airflow runs: the terminal commands below (Azure CLI) or \
                 `airflow connections test`.",
            ),
            C::CorsBlocked { step, .. } => Words::new(
                Warning,
                "Your workspace answered; finish the check in a terminal",
                "{api} answered, but the browser did not let this page read the answer: \
                 Databricks does not allow API calls from web pages of other sites (CORS). \
                 This says nothing about your credential, and Airflow is not affected: it \
                 calls from a server.",
                "Copy the block below into a terminal (it asks for your secret without \
                 showing it) and paste everything it prints into the box under it, or run \
                 `airflow connections test` where Airflow runs.",
            )
            .with("api", api_name(*step)),
            C::OauthInvalidClient => Words::new(
                Error,
                "Databricks did not accept the client id and secret",
                "The token endpoint answered `invalid_client`: the client id is not a service \
                 principal of this workspace's account, or the OAuth secret is wrong, expired \
                 (at most 730 days) or deleted.",
                "Check that Login holds the service principal's client id (its application \
                 id) and Password a current OAuth secret of that service principal; create a \
                 new secret if unsure.",
            ),
        }
    }
}

/// A failure of an informational step (the user, the warehouses) is a warning: Airflow's
/// test does not need it.
fn step_severity(step: Step) -> Severity {
    if step.failure_stops_check() {
        Error
    } else {
        Warning
    }
}

/// The words of a successful answer.
fn passed(details: &SuccessDetails) -> Words<'_> {
    match details {
        SuccessDetails::OauthToken { expires_in, .. } => Words::new(
            Info,
            "The service principal got an OAuth access token",
            "Databricks accepted the client id and secret and issued an access token{valid}. \
             The next requests use it, as Airflow does.",
            "Nothing to fix.",
        )
        .with(
            "valid",
            expires_in
                .map(|s| format!(" valid for {}", seconds(s)))
                .unwrap_or_default(),
        ),
        SuccessDetails::SparkVersions { count } => Words::new(
            Info,
            "Airflow's connection test passes",
            "The workspace accepted the credential and listed {count} Spark version{s}: the \
             request Airflow's Test button makes succeeded.",
            "Nothing to fix. SQL operators also need the http_path extra, which this test does \
             not use.",
        )
        .with("count", count.to_string())
        .with("s", if *count == 1 { "" } else { "s" }),
        SuccessDetails::CurrentUser {
            user_name,
            display_name,
        } => Words::new(
            Info,
            match user_name {
                Some(_) => "Signed in as {user}",
                None => "The credential works; its user name was not in the answer",
            },
            "{belongs}",
            "Nothing to fix; make sure this is the identity Airflow should act as.",
        )
        .with("user", user_name.as_deref().unwrap_or_default())
        .with(
            "belongs",
            belongs_to(display_name.as_deref(), user_name.as_deref()),
        ),
        SuccessDetails::Warehouses { warehouses } if warehouses.is_empty() => Words::new(
            Info,
            "No SQL warehouse is visible to this credential",
            "The credential can list SQL warehouses but sees none. Airflow's test does not \
             need one; SQL operators do.",
            "If you use SQL operators, create a SQL warehouse or ask for CAN USE on one, then \
             put its HTTP path in the http_path extra.",
        ),
        SuccessDetails::Warehouses { warehouses } => Words::new(
            Info,
            "{count} SQL warehouse{s} found",
            "HTTP paths for the http_path extra: {listed}{more}.",
            "For SQL operators, put the chosen warehouse's HTTP path in the http_path extra.",
        )
        .with("count", warehouses.len().to_string())
        .with("s", if warehouses.len() == 1 { "" } else { "s" })
        .with("listed", listed(warehouses))
        .with(
            "more",
            match warehouses.len().saturating_sub(SHOWN_WAREHOUSES) {
                0 => String::new(),
                more => format!(" and {more} more"),
            },
        ),
    }
}

/// Warehouses named in the explanation; the rest are counted.
const SHOWN_WAREHOUSES: usize = 5;

fn listed(warehouses: &[Warehouse]) -> String {
    let listed: Vec<String> = warehouses
        .iter()
        .take(SHOWN_WAREHOUSES)
        .map(|w| format!("{} ({})", w.name, w.http_path))
        .collect();
    listed.join(", ")
}

/// The words of a refusal by an API the credential was accepted by; `{said}` is the
/// server's own message, when it gave one.
fn missing_permission(step: Step) -> Words<'static> {
    let severity = step_severity(step);
    match step {
        Step::SparkVersions => Words::new(
            severity,
            "The credential may not use the clusters API Airflow tests with",
            "The credential was accepted, but it may not call the clusters API that \
             Airflow's test uses: typically a scoped token without the `clusters` scope.{said}",
            "Create a token without scopes, or one that includes the `clusters` scope; or ask \
             an admin to grant the user cluster access.",
        ),
        Step::CurrentUser => Words::new(
            severity,
            "The credential may not read its own user",
            "The credential was accepted, but it may not read its own user (a scoped token \
             without the `scim` scope). Airflow's test does not need this.{said}",
            "Nothing required for Airflow's test. To see who the credential is, add the \
             `scim` scope to the token.",
        ),
        Step::Warehouses => Words::new(
            severity,
            "The credential may not list SQL warehouses",
            "The credential was accepted, but it may not list SQL warehouses (no Databricks \
             SQL access, or a scoped token without the `sql` scope). Airflow's test does not \
             need this; SQL operators do.{said}",
            "If you use SQL operators, ask for Databricks SQL access and CAN USE on a \
             warehouse, or copy the HTTP path from the warehouse's Connection details tab \
             into the http_path extra.",
        ),
        Step::OauthToken => Words::new(
            severity,
            "The service principal may not get a token here",
            "The service principal exists but may not get a token for this workspace.{said}",
            "Ask an admin to add the service principal to this workspace.",
        ),
    }
}

/// The words of an HTTP 404 from the step's API, named `{api}`.
fn not_found(step: Step) -> Words<'static> {
    let severity = step_severity(step);
    let title = "{api} was not found on this host";
    match step {
        Step::SparkVersions | Step::CurrentUser => Words::new(
            severity,
            title,
            "{api} answered HTTP 404: the host is not a Databricks workspace, or the URL \
             carries a path that should not be there.",
            USE_WORKSPACE_URL,
        ),
        Step::Warehouses => Words::new(
            severity,
            title,
            "The workspace has no SQL warehouses API (HTTP 404): Databricks SQL may not be \
             enabled on it. Airflow's test does not need it.",
            "If you use SQL operators, enable Databricks SQL or use a cluster's HTTP path \
             (cluster → Advanced options → JDBC/ODBC) in the http_path extra.",
        ),
        Step::OauthToken => Words::new(
            severity,
            title,
            "The host has no OAuth token endpoint (HTTP 404): it is not a workspace URL, or \
             OAuth for service principals is not available on it.",
            USE_WORKSPACE_URL,
        ),
    }
}

/// The words of an answer that made no sense for the step: `{api}` got `{seen}` (a
/// status) with `{body}` (an excerpt); `{http}` is the status for a title.
fn unexpected(kind: UnexpectedKind) -> Words<'static> {
    const UNKNOWN: &str = "An answer this check does not know{http}";
    match kind {
        UnexpectedKind::NoStatus => Words::new(
            Error,
            UNKNOWN,
            "{api} got {seen} with {body}. The request ended without a status code.",
            COMPARE_IN_TERMINAL,
        ),
        UnexpectedKind::EmptyBody => Words::new(
            Error,
            "The host answered with an empty body",
            "{api} got {seen} with {body}. A Databricks API always answers JSON; Airflow \
             fails on this with \"Expecting value: line 1 column 1 (char 0)\".",
            COMPARE_IN_TERMINAL,
        ),
        UnexpectedKind::SignInPage => Words::new(
            Error,
            "The host answered with a sign-in page, not the API",
            "{api} got {seen} with {body}. A workspace answers API calls with JSON; a \
             sign-in page means the address is not a workspace's (for example the account \
             console or another Databricks page). Airflow fails on this with \"Expecting \
             value: line 1 column 1 (char 0)\".",
            NOT_A_WORKSPACE_PAGE,
        ),
        UnexpectedKind::Html => Words::new(
            Error,
            UNKNOWN,
            "{api} got {seen} with {body}. A web page came back where the API answers JSON: \
             the address is probably not a workspace's, or a proxy answered instead.",
            NOT_A_WORKSPACE_PAGE,
        ),
        UnexpectedKind::NotJson => Words::new(
            Error,
            UNKNOWN,
            "{api} got {seen} with {body}. The answer is not JSON, which every Databricks \
             API answers.",
            COMPARE_IN_TERMINAL,
        ),
        UnexpectedKind::MissingAccessToken => Words::new(
            Error,
            "The token answer holds no access token",
            "{api} got {seen} with {body}. The token endpoint answered success without \
             `access_token`, or with a token type other than Bearer.",
            COMPARE_IN_TERMINAL,
        ),
        UnexpectedKind::Redirect => Words::new(
            Error,
            UNKNOWN,
            "{api} got {seen} with {body}. The host redirected the request elsewhere \
             instead of answering.",
            COMPARE_IN_TERMINAL,
        ),
        UnexpectedKind::Status => Words::new(
            Error,
            UNKNOWN,
            "{api} got {seen} with {body}. This check has no reading for this answer.",
            COMPARE_IN_TERMINAL,
        ),
    }
}

impl Diagnostic for Cause {
    fn code(&self) -> &'static str {
        self.verdict().as_str()
    }

    fn severity(&self) -> Severity {
        self.words().severity
    }

    fn message(&self) -> String {
        let words = self.words();
        format!("{}. {}", words.title(), words.explanation())
    }

    fn fix(&self) -> String {
        self.words().fix()
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

/// " 1234" for a workspace id, nothing without one.
fn spaced(id: Option<&str>) -> String {
    id.map(|w| format!(" {w}")).unwrap_or_default()
}

fn seconds(s: u64) -> String {
    match s {
        1 => "1 second".to_owned(),
        s if s < 120 => format!("{s} seconds"),
        s => format!("about {} minutes", s.div_ceil(60)),
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
