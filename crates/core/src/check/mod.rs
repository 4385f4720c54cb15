//! The live check: which requests to make, as Airflow's Databricks provider makes them
//! ([`plan`]), what each answer means ([`diagnosis`]), and the same requests for a
//! terminal when the browser may not make them ([`terminal`]), and one check driven
//! step by step for the page ([`run`]).
//!
//! Data flows one way: the page executes a [`CheckPlan`], turns each answer into a
//! [`RawOutcome`] without deciding anything, and shows what [`diagnose`] returns.

mod diagnosis;
mod plan;
pub mod relay;
mod run;
mod scrub;
mod terminal;
mod transcript;

pub use diagnosis::{
    classify, diagnose, read_success, retried_as_airflow_does, Cause, Diagnosis, SuccessDetails,
    UnexpectedKind, Verdict, Warehouse,
};
pub use plan::{
    browser_added_headers, plan_check, Authorization, BrowserLimit, CannotSend, CheckPlan,
    HeaderValue, HttpMethod, PlanNote, PlannedHeader, PlannedRequest, SecretKind, TokenSource,
};
pub use run::{
    read_pasted_check, CheckReport, CheckRun, Identity, NextRequest, Progress, Route, RunProblem,
    RunState, StepReport, StepState, WaysOn, MAX_ANSWER_BYTES, PROBE_TIMEOUT_MS, RETRY_WAITS_MS,
};
pub use scrub::sanitised_excerpt;
pub use terminal::{
    airflow_cli_route, parse_pasted_answer, terminal_route, AirflowCliRoute, PasteProblem,
    PastedAnswer, Shell, TerminalCommand, TerminalRoute, FINAL_URL_MARKER, HIDDEN_TOKEN,
    STEP_MARKER,
};
pub use transcript::{read_transcript, StepAnswer, Transcript};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// How long the page waits for one answer before it gives up. Airflow waits 180 s,
/// but a person watching a page should not; the fake server's `slow-` scenario
/// answers later than this on purpose.
pub const BROWSER_TIMEOUT_MS: u32 = 10_000;

/// One request of the check, named as the `dbx-check diagnose` contract names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Databricks OAuth M2M: trade the service principal's client id and secret for an
    /// access token (`sp_oauth` only).
    OauthToken,
    /// The request Airflow's own connection test makes.
    SparkVersions,
    /// SCIM `Me`: whom the credential belongs to, and the workspace id in a header.
    CurrentUser,
    /// SQL warehouses, whose HTTP paths go into the `http_path` extra.
    Warehouses,
}

impl Step {
    pub const ALL: [Step; 4] = [
        Step::OauthToken,
        Step::SparkVersions,
        Step::CurrentUser,
        Step::Warehouses,
    ];

    pub fn as_str(self) -> &'static str {
        crate::finding::variant_name(&self)
    }

    /// The path on the workspace host (docs/databricks-answers.md, "What the provider sends").
    pub fn path(self) -> &'static str {
        match self {
            Step::OauthToken => "/oidc/v1/token",
            Step::SparkVersions => "/api/2.1/clusters/spark-versions",
            Step::CurrentUser => "/api/2.0/preview/scim/v2/Me",
            Step::Warehouses => "/api/2.0/sql/warehouses",
        }
    }

    pub fn http_method(self) -> HttpMethod {
        match self {
            Step::OauthToken => HttpMethod::Post,
            _ => HttpMethod::Get,
        }
    }

    /// The step whose outcome is what Airflow's "Test" button would report.
    pub fn is_airflow_test(self) -> bool {
        self == Step::SparkVersions
    }

    /// Without a token, or when Airflow's own test fails, the later steps can only
    /// fail the same way; the user and warehouse steps only add information.
    pub fn failure_stops_check(self) -> bool {
        matches!(self, Step::OauthToken | Step::SparkVersions)
    }

    /// What the step asks, for headings on the page.
    pub fn purpose(self) -> &'static str {
        match self {
            Step::OauthToken => "Get an OAuth access token for the service principal",
            Step::SparkVersions => "Airflow's own connection test: list the Spark versions",
            Step::CurrentUser => "Whom the credential belongs to, and the workspace id",
            Step::Warehouses => "SQL warehouses and their HTTP paths for the http_path extra",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happened to the request below HTTP, as the page's `fetch` saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// An answer arrived and could be read.
    Ok,
    /// The host answered but the browser would not let the page read it (CORS).
    Blocked,
    /// No answer at all: the name does not resolve, or nothing listens, or TLS failed.
    Unreachable,
    /// No answer within [`BROWSER_TIMEOUT_MS`].
    Timeout,
}

/// Response headers as received, in order, names as sent. Looked up without regard to
/// case because HTTP header names are case-insensitive (RFC 9110 §5.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AnswerHeaders(pub Vec<(String, String)>);

impl AnswerHeaders {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        AnswerHeaders(pairs)
    }

    /// The first value of a header, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }

    pub fn iter(&self) -> impl Iterator<Item = &(String, String)> {
        self.0.iter()
    }
}

impl Serialize for AnswerHeaders {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// The page may hand headers over as an object (`Headers` entries folded into a map)
/// or as a list of pairs (which keeps repeated headers); both are accepted.
impl<'de> Deserialize<'de> for AnswerHeaders {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Pairs(Vec<(String, serde_json::Value)>),
            Map(serde_json::Map<String, serde_json::Value>),
        }
        fn text(v: serde_json::Value) -> String {
            match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            }
        }
        let pairs = match Option::<Shape>::deserialize(d)? {
            None => Vec::new(),
            Some(Shape::Pairs(p)) => p.into_iter().map(|(n, v)| (n, text(v))).collect(),
            Some(Shape::Map(m)) => m.into_iter().map(|(n, v)| (n, text(v))).collect(),
        };
        Ok(AnswerHeaders(pairs))
    }
}

/// A response body as bytes: a server may send anything, including invalid UTF-8.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct AnswerBody(pub Vec<u8>);

impl AnswerBody {
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(u8::is_ascii_whitespace)
    }
}

impl From<&str> for AnswerBody {
    fn from(s: &str) -> Self {
        AnswerBody(s.as_bytes().to_vec())
    }
}

impl From<String> for AnswerBody {
    fn from(s: String) -> Self {
        AnswerBody(s.into_bytes())
    }
}

impl From<Vec<u8>> for AnswerBody {
    fn from(b: Vec<u8>) -> Self {
        AnswerBody(b)
    }
}

/// A body may carry a token (the OAuth answer does): never print it whole.
impl fmt::Debug for AnswerBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AnswerBody(<{} bytes>)", self.0.len())
    }
}

impl Serialize for AnswerBody {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&String::from_utf8_lossy(&self.0))
    }
}

/// Accepts a string, `null`, or an array of byte values (for bodies that are not UTF-8).
impl<'de> Deserialize<'de> for AnswerBody {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape {
            Text(String),
            Bytes(Vec<u8>),
        }
        Ok(match Option::<Shape>::deserialize(d)? {
            None => AnswerBody::default(),
            Some(Shape::Text(t)) => AnswerBody(t.into_bytes()),
            Some(Shape::Bytes(b)) => AnswerBody(b),
        })
    }
}

/// Everything the page saw of one request, undecided. The input of [`diagnose`]; the
/// JSON shape of `dbx-check diagnose`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawOutcome {
    pub step: Step,
    pub transport: Transport,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub headers: AnswerHeaders,
    #[serde(default)]
    pub body: AnswerBody,
    /// The URL the answer finally came from, after redirects (`Response.url`).
    #[serde(default)]
    pub final_url: Option<String>,
}

impl RawOutcome {
    /// An answer that arrived and was read.
    pub fn answered(
        step: Step,
        status: u16,
        headers: Vec<(String, String)>,
        body: impl Into<AnswerBody>,
        final_url: Option<String>,
    ) -> Self {
        RawOutcome {
            step,
            transport: Transport::Ok,
            status: Some(status),
            headers: AnswerHeaders(headers),
            body: body.into(),
            final_url,
        }
    }

    /// No readable answer: blocked, unreachable or timed out.
    pub fn failed(step: Step, transport: Transport) -> Self {
        RawOutcome {
            step,
            transport,
            status: None,
            headers: AnswerHeaders::default(),
            body: AnswerBody::default(),
            final_url: None,
        }
    }
}
