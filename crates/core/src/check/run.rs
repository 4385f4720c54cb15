//! One live check, driven step by step: which request to send next, what each answer
//! changes, and the report the page shows. Pure and synchronous: the page's network
//! layer sends what [`CheckRun::next_request`] says, hands back what it saw with
//! [`CheckRun::record`], waits when told to, and decides nothing itself.
//!
//! ```
//! use dbx_check_core::check::{plan_check, CheckRun, Progress, RawOutcome, Route, Step};
//! use dbx_check_core::{AuthMethod, Secret};
//!
//! let plan = plan_check(
//!     "https://dbc-a1b2345c-d6e7.cloud.databricks.com",
//!     AuthMethod::Pat,
//!     "",
//!     &Secret::new("dapi0123456789abcdef0123456789abcdef"),
//! );
//! let mut run = CheckRun::start(plan, "databricks_default", Route::Direct);
//! let first = run.next_request().unwrap();
//! assert_eq!(first.step, Step::SparkVersions);
//! let answer = RawOutcome::answered(first.step, 403, vec![],
//!     r#"{"error_code": 403, "message": "Invalid access token."}"#, None);
//! assert_eq!(run.record(answer), Progress::Finished);
//! assert_eq!(run.report().verdict.unwrap().verdict.as_str(), "invalid_token");
//! ```

use super::diagnosis::{
    classify, retried_as_airflow_does, Cause, Diagnosis, SuccessDetails, Warehouse,
};
use super::plan::{CannotSend, CheckPlan, HttpMethod, PlannedRequest};
use super::terminal::{airflow_cli_route, terminal_route, AirflowCliRoute, Shell, TerminalRoute};
use super::transcript::{read_transcript, Transcript};
use super::{RawOutcome, Step, Transport, Verdict, BROWSER_TIMEOUT_MS};
use crate::finding::{Diagnostic, Finding, Severity};
use crate::host::WorkspaceIdSource;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How Airflow's provider retries a request that got 429 or a 5xx (the answers of
/// [`retried_as_airflow_does`]): 3 tries in all, waiting 1 s and then 2 s, whatever
/// `Retry-After` asks (docs/databricks-answers.md, "Timeouts and retries"). The check
/// retries the same way, so that it meets a rate limit or an
/// outage as Airflow's test does, and the workspace sees the same requests. A
/// connection that fails or times out is not retried: in a browser it cannot be told
/// from a CORS refusal until the probe, and three more 10 s waits would only delay
/// the same verdict.
pub const RETRY_WAITS_MS: [u32; 2] = [1_000, 2_000];

/// How long the reachability probe may take. A host that answered the real request
/// (and was only hidden by CORS) answers a plain GET about as fast.
pub const PROBE_TIMEOUT_MS: u32 = 5_000;

/// The most of an answer body the page reads. The diagnosis parses at most 4 MB and no
/// Databricks answer of the check comes near; reading more would only cost memory.
pub const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

/// Where a request goes: straight from the browser to the workspace, or through the
/// relay on the page's own origin (`/relay/<hostname>/<path>`), which makes the same
/// request from a server, where CORS does not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    Direct,
    Relay,
    /// Run by the user in a terminal with the page's block, its output pasted back.
    Terminal,
}

/// The request to put on the wire now. Holds the real `Authorization` value, so it has
/// no `Serialize`, and its `Debug` shows header names only.
#[derive(Clone, PartialEq, Eq)]
pub struct NextRequest {
    pub step: Step,
    /// 1 for the first try, up to 3 with Airflow's retries.
    pub attempt: u8,
    /// The request as planned, for showing "what leaves your browser" (redacted).
    pub planned: PlannedRequest,
    pub method: HttpMethod,
    /// The workspace URL, or a same-origin path when the route is the relay.
    pub url: String,
    /// Names and real values, secret included: only for the request itself.
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// Abort the request when no answer has come after this long.
    pub timeout_ms: u32,
    /// When the request fails without a readable answer, a `no-cors` GET to this URL
    /// tells "the host answered but the browser hid it" (CORS) from "nothing answered".
    /// None through the relay: a failure there is the relay's, on the page's own origin.
    pub reachability_probe: Option<String>,
}

impl fmt::Debug for NextRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("NextRequest")
            .field("step", &self.step)
            .field("attempt", &self.attempt)
            .field("method", &self.method)
            .field("url", &self.url)
            .field("header_names", &names)
            .field("body", &self.body)
            .field("timeout_ms", &self.timeout_ms)
            .field("reachability_probe", &self.reachability_probe)
            .finish_non_exhaustive()
    }
}

/// What the driver does after [`CheckRun::record`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Send [`CheckRun::next_request`] now.
    SendNext,
    /// Wait this many milliseconds, then send [`CheckRun::next_request`] (a retry, as
    /// Airflow makes it: [`RETRY_WAITS_MS`]).
    RetryAfter(u32),
    /// Nothing more to send; read [`CheckRun::report`].
    Finished,
}

/// Where the whole check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    Checking,
    Finished,
    /// The method cannot be checked from a browser (see the report's `notes`); the
    /// terminal and Airflow routes are in `ways_on`.
    NotInBrowser,
    /// Stopped by the page (an input changed); the report is stale.
    Cancelled,
}

/// Where one step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Pending,
    Sending,
    /// Answered 429 or 5xx; sent again after a wait, as Airflow does.
    Retrying,
    Answered,
    /// Not sent: an earlier step failed, or the check could not send it.
    Skipped,
    /// Read from a terminal paste that does not hold this step's answer: not run, or
    /// not copied. Never a failure.
    NotPasted,
}

/// Why a check ended without sending a request, in words for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunProblem {
    /// The planned URL is not an `http(s)://host/...` URL: the host analysis should
    /// have refused it before the check was offered.
    UnusableUrl { step: Step },
    /// A header value holds a character `fetch` refuses (a line break, NUL, or one
    /// beyond Latin-1): the Fetch standard's header value rules.
    HeaderNotSendable { step: Step, header: String },
    /// A step needs the OAuth access token, and no earlier step gave one.
    NoAccessToken { step: Step },
    /// The page's relay refused to forward the request, with its own reason and fix.
    RelayRefused(super::relay::RelayRefused),
    /// A terminal paste without the answer to Airflow's own test: no verdict to give.
    AirflowTestNotPasted,
}

impl Diagnostic for RunProblem {
    fn code(&self) -> &'static str {
        match self {
            RunProblem::UnusableUrl { .. } => "check_url_unusable",
            RunProblem::HeaderNotSendable { .. } => "check_header_not_sendable",
            RunProblem::NoAccessToken { .. } => "check_no_access_token",
            RunProblem::RelayRefused(_) => "check_relay_refused",
            RunProblem::AirflowTestNotPasted => "paste_without_airflow_test",
        }
    }

    fn severity(&self) -> Severity {
        match self {
            RunProblem::AirflowTestNotPasted => Severity::Warning,
            _ => Severity::Error,
        }
    }

    fn message(&self) -> String {
        match self {
            RunProblem::UnusableUrl { step } => format!(
                "The check did not run: the address for the {} request is not a web \
                 address a browser can call.",
                step.path()
            ),
            RunProblem::HeaderNotSendable { step, header } => format!(
                "The check did not run: the {header} header of the request to {} would hold \
                 a line break, a control character or a character outside Latin-1, which \
                 no HTTP request can carry (and Airflow could not send either).",
                step.path()
            ),
            RunProblem::NoAccessToken { step } => format!(
                "The check stopped before the request to {}: it needs the OAuth access \
                 token, and no earlier step gave one.",
                step.path()
            ),
            RunProblem::RelayRefused(r) => format!(
                "This page's relay refused to forward the check ({}): {}",
                r.code, r.message
            ),
            RunProblem::AirflowTestNotPasted => "What you pasted does not hold the answer to \
                 Airflow's own test (the Spark versions request), so there is no verdict yet: \
                 it did not run, or was not copied."
                .to_owned(),
        }
    }

    fn fix(&self) -> String {
        match self {
            RunProblem::UnusableUrl { .. } => "Enter the workspace URL as \
                 https://<workspace host>, as the browser shows it in the workspace."
                .to_owned(),
            RunProblem::HeaderNotSendable { .. } => "Paste the secret and Login again, \
                 copied straight from Databricks: no spaces, line breaks or typographic \
                 characters inside."
                .to_owned(),
            RunProblem::NoAccessToken { .. } => "Check again; if it persists, use the \
                 terminal commands below."
                .to_owned(),
            RunProblem::RelayRefused(r) if !r.fix.is_empty() => r.fix.clone(),
            RunProblem::RelayRefused(_) => "Run the check from a terminal with the \
                 commands below instead."
                .to_owned(),
            RunProblem::AirflowTestNotPasted => "Run the whole block and paste everything it \
                 printed, from its first line to its last."
                .to_owned(),
        }
    }
}

/// Whom the credential belongs to, from SCIM `Me`, and the workspace id read from the
/// pasted URL (the plan's), with where it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub user_name: Option<String>,
    pub display_name: Option<String>,
    pub workspace_id: Option<(String, WorkspaceIdSource)>,
}

impl Identity {
    /// "The credential belongs to Ada Lovelace (ada@example.com). Workspace 123, as
    /// read from the workspace URL's host name."
    pub fn sentence(&self) -> String {
        let who =
            super::diagnosis::belongs_to(self.display_name.as_deref(), self.user_name.as_deref());
        match &self.workspace_id {
            Some((id, source)) => {
                format!("{who} Workspace {id}, as read from {}.", source.describe())
            }
            None => who,
        }
    }
}

/// How to get a verdict when the browser could not: the identical requests in a
/// terminal (answers pasted back), and Airflow's own test. (A page served by the relay
/// sends its check through the relay from the start: `FormInput::route`.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaysOn {
    pub bash: TerminalRoute,
    pub powershell: TerminalRoute,
    pub airflow_cli: AirflowCliRoute,
}

/// One step of a check, as [`CheckRun::steps`] gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepReport {
    pub step: Step,
    pub purpose: &'static str,
    /// The request with secrets replaced by their description.
    pub shown_request: String,
    pub state: StepState,
    /// Requests sent for this step: 0 to 3 (two retries, as Airflow makes them).
    pub attempts: u8,
    /// The diagnosis of the latest answer.
    pub diagnosis: Option<Diagnosis>,
}

/// Everything the page shows about a check. Holds no secret: the typed one stays in
/// the plan and the issued access token in the run, neither of which is serialised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    pub route: Route,
    pub state: RunState,
    /// The step being sent, or waited for, while checking.
    pub current: Option<Step>,
    /// Once finished: what Airflow's own test would say (the Spark versions step), or
    /// the step that stopped the check before it (the OAuth token).
    pub verdict: Option<Diagnosis>,
    pub identity: Option<Identity>,
    /// Each with the HTTP path for the `http_path` extra. Empty until listed.
    pub warehouses: Vec<Warehouse>,
    /// When the browser could not judge the credential: the other routes.
    pub ways_on: Option<WaysOn>,
    /// Why the check ended without sending everything, when that was the check's doing.
    pub problem: Option<Finding>,
    /// The plan's notes (the browser limit, an empty Login that forces Bearer).
    pub notes: Vec<Finding>,
}

#[derive(Debug, Clone)]
struct StepRecord {
    state: StepState,
    attempts: u8,
    cause: Option<Cause>,
}

/// The state of one check. Not `Serialize`: it holds the plan (with the secret) and the
/// issued access token; the page renders [`CheckRun::report`].
#[derive(Debug, Clone)]
pub struct CheckRun {
    plan: CheckPlan,
    conn_id: String,
    route: Route,
    state: RunState,
    steps: Vec<StepRecord>,
    /// Index of the step to send while checking.
    cursor: usize,
    requests_sent: u32,
    problem: Option<RunProblem>,
}

impl CheckRun {
    /// Starts a check of `plan`. `conn_id` names the connection in the Airflow CLI route.
    pub fn start(plan: CheckPlan, conn_id: &str, route: Route) -> CheckRun {
        let steps = plan
            .requests
            .iter()
            .map(|_| StepRecord {
                state: StepState::Pending,
                attempts: 0,
                cause: None,
            })
            .collect();
        let mut run = CheckRun {
            state: if plan.runs_in_browser() {
                RunState::Checking
            } else {
                RunState::NotInBrowser
            },
            plan,
            conn_id: conn_id.to_owned(),
            route,
            steps,
            cursor: 0,
            requests_sent: 0,
            problem: None,
        };
        if run.state == RunState::Checking {
            run.settle();
        }
        run
    }

    pub fn plan(&self) -> &CheckPlan {
        &self.plan
    }

    pub fn state(&self) -> RunState {
        self.state
    }

    pub fn route(&self) -> Route {
        self.route
    }

    /// At most this many requests are ever sent: each step, with its retries.
    pub fn max_requests(&self) -> usize {
        self.plan.requests.len() * (RETRY_WAITS_MS.len() + 1)
    }

    /// The request to send now; None once the check is over. Asking twice gives the
    /// same request: only [`CheckRun::record`] moves the check on.
    pub fn next_request(&self) -> Option<NextRequest> {
        if self.state != RunState::Checking {
            return None;
        }
        let planned = self.plan.requests.get(self.cursor)?;
        let record = self.steps.get(self.cursor)?;
        self.build(planned, record.attempts.saturating_add(1)).ok()
    }

    /// Feeds back what the request of [`CheckRun::next_request`] got. The outcome is
    /// taken as the current step's whatever step it names. Ignored once the check is over.
    pub fn record(&mut self, mut outcome: RawOutcome) -> Progress {
        if self.state != RunState::Checking {
            return Progress::Finished;
        }
        let Some(step) = self.plan.requests.get(self.cursor).map(|r| r.step) else {
            self.finish();
            return Progress::Finished;
        };
        outcome.step = step;
        self.requests_sent = self.requests_sent.saturating_add(1);
        // Through the relay, the answer is the relay's: its refusals are not the
        // workspace's answer, and its transport failures are the ones a direct call
        // would have met.
        if self.route == Route::Relay && outcome.transport == Transport::Ok {
            let relayed = super::relay::relayed_outcome(
                step,
                outcome.status.unwrap_or(0),
                outcome.headers.iter().cloned().collect(),
                outcome.body.clone(),
            );
            match relayed {
                Ok(o) => outcome = o,
                Err(refused) => {
                    self.problem = Some(RunProblem::RelayRefused(refused));
                    self.finish();
                    return Progress::Finished;
                }
            }
        }
        let cause = classify(&outcome);
        let Some(record) = self.steps.get_mut(self.cursor) else {
            self.finish();
            return Progress::Finished;
        };
        record.attempts = record.attempts.saturating_add(1);
        let passed = matches!(cause, Cause::Passed(_));
        record.cause = Some(cause);
        let wait = retried_as_airflow_does(&outcome)
            .then(|| RETRY_WAITS_MS.get(usize::from(record.attempts).saturating_sub(1)))
            .flatten();
        if let Some(ms) = wait {
            record.state = StepState::Retrying;
            return Progress::RetryAfter(*ms);
        }
        record.state = StepState::Answered;
        if !passed && step.failure_stops_check() {
            self.finish();
            return Progress::Finished;
        }
        self.cursor += 1;
        self.settle();
        if self.state == RunState::Checking {
            Progress::SendNext
        } else {
            Progress::Finished
        }
    }

    /// The check as the terminal block ran it, read from what it printed: each step's
    /// answer judged as a direct check judges it, in the plan's order, so an OAuth token
    /// refused stops the check there as it would in the browser. A step the paste does
    /// not hold is `NotPasted`, never a failure; without Airflow's test there is no
    /// verdict, only the problem saying so.
    pub fn from_transcript(plan: CheckPlan, conn_id: &str, mut transcript: Transcript) -> CheckRun {
        let mut run = CheckRun::start(plan, conn_id, Route::Terminal);
        run.state = RunState::Finished;
        let mut stopped = false;
        for (planned, record) in run.plan.requests.iter().zip(run.steps.iter_mut()) {
            let answer = match transcript.take(planned.step) {
                _ if stopped => {
                    record.state = StepState::Skipped;
                    continue;
                }
                Some(Ok(answer)) => answer,
                None | Some(Err(_)) => {
                    record.state = StepState::NotPasted;
                    continue;
                }
            };
            let cause = classify(&answer.into_outcome(planned.step));
            stopped = !matches!(cause, Cause::Passed(_)) && planned.step.failure_stops_check();
            record.state = StepState::Answered;
            record.attempts = 1;
            record.cause = Some(cause);
            run.requests_sent = run.requests_sent.saturating_add(1);
        }
        if run.overall_cause().is_none() {
            run.problem = Some(RunProblem::AirflowTestNotPasted);
        }
        run
    }

    /// Stops the check (an input changed). Nothing more is sent.
    pub fn cancel(&mut self) {
        if self.state == RunState::Checking {
            self.state = RunState::Cancelled;
        }
    }

    /// What the page shows now.
    pub fn report(&self) -> CheckReport {
        let verdict_cause = match self.state {
            RunState::Finished => self.overall_cause(),
            _ => None,
        };
        let verdict = verdict_cause.map(Cause::diagnosis);
        let browser_could_not_judge = match self.state {
            RunState::NotInBrowser => true,
            RunState::Finished => verdict_cause.is_some_and(|c| {
                matches!(
                    c.verdict(),
                    Verdict::CorsBlocked
                        | Verdict::Unreachable
                        | Verdict::Timeout
                        | Verdict::PrivateLink
                        | Verdict::UnexpectedResponse
                )
            }),
            RunState::Checking | RunState::Cancelled => false,
        };
        let ways_on = (browser_could_not_judge && self.route != Route::Terminal).then(|| WaysOn {
            bash: terminal_route(&self.plan, Shell::Bash),
            powershell: terminal_route(&self.plan, Shell::PowerShell),
            airflow_cli: airflow_cli_route(&self.conn_id),
        });

        let mut identity = None;
        let mut warehouses = Vec::new();
        for cause in self.steps.iter().filter_map(|s| s.cause.as_ref()) {
            match cause {
                Cause::Passed(SuccessDetails::CurrentUser {
                    user_name,
                    display_name,
                }) => {
                    identity = Some(Identity {
                        user_name: user_name.clone(),
                        display_name: display_name.clone(),
                        workspace_id: self.plan.workspace_id.clone(),
                    })
                }
                Cause::Passed(SuccessDetails::Warehouses { warehouses: found }) => {
                    warehouses = found.clone()
                }
                _ => {}
            }
        }

        CheckReport {
            route: self.route,
            state: self.state,
            current: match self.state {
                RunState::Checking => self.plan.requests.get(self.cursor).map(|r| r.step),
                _ => None,
            },
            verdict,
            identity,
            warehouses,
            ways_on,
            problem: self.problem.as_ref().map(Diagnostic::to_finding),
            notes: self.plan.notes.clone(),
        }
    }

    /// Each step as it stands: the page shows only the report, the tests and the parity
    /// run read the steps.
    pub fn steps(&self) -> Vec<StepReport> {
        self.plan
            .requests
            .iter()
            .zip(&self.steps)
            .map(|(planned, record)| StepReport {
                step: planned.step,
                purpose: planned.step.purpose(),
                shown_request: planned.to_string(),
                state: record.state,
                attempts: record.attempts,
                diagnosis: record.cause.as_ref().map(Cause::diagnosis),
            })
            .collect()
    }

    /// Requests sent so far, retries included.
    pub fn requests_sent(&self) -> u32 {
        self.requests_sent
    }

    /// The step whose answer is the verdict: Airflow's test if it was answered, else
    /// the failed step that stopped the check before it.
    fn overall_cause(&self) -> Option<&Cause> {
        let answered = |want: fn(Step) -> bool| {
            self.plan
                .requests
                .iter()
                .zip(&self.steps)
                .filter(|(p, r)| want(p.step) && r.state == StepState::Answered)
                .find_map(|(_, r)| r.cause.as_ref())
        };
        answered(Step::is_airflow_test).or_else(|| {
            answered(Step::failure_stops_check).filter(|c| !matches!(c, Cause::Passed(_)))
        })
    }

    /// The OAuth access token an earlier step was issued.
    fn access_token(&self) -> Option<&Secret> {
        self.steps.iter().find_map(|s| match &s.cause {
            Some(Cause::Passed(SuccessDetails::OauthToken { access_token, .. })) => {
                Some(access_token)
            }
            _ => None,
        })
    }

    fn build(&self, planned: &PlannedRequest, attempt: u8) -> Result<NextRequest, RunProblem> {
        let step = planned.step;
        let target = url::Url::parse(planned.url.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "https" | "http"))
            .filter(|u| u.host_str().is_some_and(|h| !h.is_empty()))
            .ok_or(RunProblem::UnusableUrl { step })?;
        let headers = planned
            .headers_to_send(self.access_token())
            .map_err(|e| match e {
                // Plans that need Entra ID never start (NotInBrowser).
                CannotSend::NoAccessTokenYet | CannotSend::EntraTokenOutsideBrowser => {
                    RunProblem::NoAccessToken { step }
                }
            })?;
        if let Some((name, _)) = headers.iter().find(|(_, v)| !fetch_accepts(v)) {
            return Err(RunProblem::HeaderNotSendable {
                step,
                header: name.clone(),
            });
        }
        let (url, reachability_probe) = match self.route {
            Route::Direct | Route::Terminal => (
                target.to_string(),
                Some(format!("{}/", target.origin().ascii_serialization())),
            ),
            Route::Relay => (
                super::relay::relay_path(target.host_str().unwrap_or_default(), step),
                None,
            ),
        };
        Ok(NextRequest {
            step,
            attempt,
            planned: planned.clone(),
            method: planned.method,
            url,
            headers,
            body: planned.body.clone(),
            timeout_ms: BROWSER_TIMEOUT_MS,
            reachability_probe,
        })
    }

    /// Makes sure a checking run has a request it can send; otherwise ends it with the
    /// reason. Bounded by the number of steps.
    fn settle(&mut self) {
        if self.state != RunState::Checking {
            return;
        }
        match self.plan.requests.get(self.cursor) {
            None => self.finish(),
            Some(planned) => match self.build(planned, 1) {
                Ok(_) => {
                    if let Some(record) = self.steps.get_mut(self.cursor) {
                        record.state = StepState::Sending;
                    }
                }
                Err(problem) => {
                    self.problem = Some(problem);
                    self.finish();
                }
            },
        }
    }

    fn finish(&mut self) {
        self.state = RunState::Finished;
        for record in &mut self.steps {
            if matches!(record.state, StepState::Pending | StepState::Sending) {
                record.state = StepState::Skipped;
            }
        }
    }
}

/// Fetch refuses header values with NUL, CR or LF, or with a character beyond U+00FF
/// (a value is a ByteString; Fetch standard §2.2 "header value").
fn fetch_accepts(value: &str) -> bool {
    value
        .chars()
        .all(|c| u32::from(c) <= 0xFF && !matches!(c, '\0' | '\r' | '\n'))
}

/// What the page shows for a terminal paste: the report of [`CheckRun::from_transcript`]
/// for the page's plan, or why the paste cannot be read. The report's notes say when the
/// paste holds something shaped like a secret.
pub fn read_pasted_check(
    plan: &CheckPlan,
    conn_id: &str,
    text: &str,
) -> Result<CheckReport, Finding> {
    let transcript = read_transcript(text).map_err(|p| p.to_finding())?;
    let holds_secret = transcript.holds_secret;
    let run = CheckRun::from_transcript(plan.clone(), conn_id, transcript);
    let mut report = run.report();
    report.notes = run
        .steps()
        .iter()
        .filter(|s| s.state == StepState::NotPasted && !s.step.is_airflow_test())
        .map(|s| NotPasted(s.step).to_finding())
        .collect();
    if holds_secret {
        report.notes.insert(0, PastedSecret.to_finding());
    }
    Ok(report)
}

/// A step whose answer the paste does not hold, besides Airflow's test (which is the
/// report's problem): said as not run, never as failed.
struct NotPasted(Step);

impl Diagnostic for NotPasted {
    fn code(&self) -> &'static str {
        "paste_step_missing"
    }

    fn severity(&self) -> Severity {
        Severity::Info
    }

    fn message(&self) -> String {
        format!(
            "Not in what you pasted: the answer to \"{}\". That request did not run, or its \
             answer was not copied.",
            self.0.purpose()
        )
    }

    fn fix(&self) -> String {
        "To see it, paste everything the block printed.".to_owned()
    }
}

/// A paste that holds a token: it stays on the page, but it has been on screen.
struct PastedSecret;

impl Diagnostic for PastedSecret {
    fn code(&self) -> &'static str {
        "paste_holds_secret"
    }

    fn severity(&self) -> Severity {
        Severity::Warning
    }

    fn message(&self) -> String {
        "What you pasted holds what looks like a token or an access token. It stays on this \
         page and goes nowhere, but it has been on your screen and in your terminal."
            .to_owned()
    }

    fn fix(&self) -> String {
        "If anyone else could see your screen or your terminal's history, revoke it and \
         create a new one (personal access tokens: Settings, Developer, Access tokens)."
            .to_owned()
    }
}

#[cfg(test)]
mod tests;
