//! The same-origin relay's contract, as the page and the relay server (`crates/relay`)
//! both read it: where relayed requests go, how the page finds the relay, and how a
//! relayed answer is read. The relay server's own policy (which hosts and paths it
//! forwards, redirects, origin checks) lives in `crates/relay`.
//!
//! Why a relay: Databricks refuses cross-origin browser calls (docs/databricks-answers.md),
//! so a page on a plain static host mostly ends at `cors_blocked`. Served by the
//! relay, the page calls its own origin and the relay makes the identical request.
//!
//! The contract, for the page:
//! - Find the relay without a request: the relay adds [`page_mark`], a
//!   `<meta name="dbx-check-relay" content="dbx-check">`, to the `index.html` it serves;
//!   read its `content` with [`page_mark_confirms`]. No mark: no relay (a plain static
//!   host, where a probe would only log a failed request). Other clients ask
//!   [`HEALTH_PATH`], which answers `{"relay": "dbx-check", "version": "..."}`
//!   ([`is_relay_health`]).
//! - The relay's paths are absolute (`/relay/...`): the relay serves the page at the
//!   root of its origin, so they are on the page's origin wherever the mark is.
//! - Send each planned request to [`relay_path`]`(hostname, step)`, i.e.
//!   `/relay/<lower-case workspace host name>/<the step's API path>`, with the planned
//!   method, headers and body, and `credentials: "omit"`.
//! - Hand the status, headers and body to [`relayed_outcome`]: it gives the
//!   [`RawOutcome`] to diagnose, or the relay's own refusal to show.
//!
//! ```
//! use dbx_check_core::check::relay::relay_path;
//! use dbx_check_core::check::Step;
//!
//! let path = relay_path("dbc-a1b2345c-d6e7.cloud.databricks.com", Step::SparkVersions);
//! assert_eq!(path, "/relay/dbc-a1b2345c-d6e7.cloud.databricks.com/api/2.1/clusters/spark-versions");
//! ```

use super::{AnswerBody, RawOutcome, Step, Transport};
use serde::Serialize;

/// Every relayed request starts with this.
pub const RELAY_PREFIX: &str = "/relay/";
/// Answers `{"relay": "dbx-check", "version": ...}`: how the page finds the relay.
pub const HEALTH_PATH: &str = "/relay/health";
/// The `relay` field of the health answer.
pub const RELAY_NAME: &str = "dbx-check";
/// On every relayed answer: the URL the answer finally came from, after the same-host
/// redirects the relay followed (what `Response.url` is for a direct call).
pub const FINAL_URL_HEADER: &str = "x-dbx-check-final-url";
/// On every answer the relay wrote itself instead of relaying: a [`RelayRefusal`] code.
pub const ERROR_HEADER: &str = "x-dbx-check-relay-error";
/// With `redirect_to_other_host`: the status of the redirect the relay did not follow.
pub const UPSTREAM_STATUS_HEADER: &str = "x-dbx-check-upstream-status";
/// With `redirect_to_other_host`: the `Location` the relay did not follow.
pub const LOCATION_HEADER: &str = "x-dbx-check-location";

/// The same-origin path the page sends a planned request to.
pub fn relay_path(hostname: &str, step: Step) -> String {
    format!(
        "{RELAY_PREFIX}{}{}",
        hostname.trim().to_ascii_lowercase(),
        step.path()
    )
}

/// The relay's health answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelayHealth {
    pub relay: &'static str,
    pub version: &'static str,
    /// The API paths the relay forwards.
    pub paths: Vec<&'static str>,
}

impl RelayHealth {
    pub fn new(version: &'static str) -> Self {
        RelayHealth {
            relay: RELAY_NAME,
            version,
            paths: Step::ALL.map(Step::path).to_vec(),
        }
    }
}

/// The `name` of the `<meta>` the relay adds to the page it serves. The page reads it
/// to learn, without a request, that the relay is on its origin: on a plain static
/// host a probe such as `GET /relay/health` would fail and log an error.
pub const PAGE_MARK_NAME: &str = "dbx-check-relay";

/// The mark as the relay writes it. A `<meta>` is no script, so the page's Content
/// Security Policy, which lists the hashes of its inline scripts, still holds.
pub fn page_mark() -> String {
    format!(r#"<meta name="{PAGE_MARK_NAME}" content="{RELAY_NAME}" />"#)
}

/// Whether the mark's `content` (`None`: the page has no mark) says the page's own
/// origin is a dbx-check relay.
pub fn page_mark_confirms(content: Option<&str>) -> bool {
    content.is_some_and(|c| c.trim() == RELAY_NAME)
}

/// True when a `GET /relay/health` body says a dbx-check relay is there.
pub fn is_relay_health(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.get("relay")
                .and_then(|r| r.as_str())
                .map(|r| r == RELAY_NAME)
        })
        .unwrap_or(false)
}

/// Keeps a value that came off the wire printable and short for a message.
pub fn printable(text: &str, max_chars: usize) -> String {
    text.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(max_chars)
        .collect()
}

/// The relay's own refusal, as the page receives it: show its message and fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelayRefused {
    pub code: String,
    pub message: String,
    pub fix: String,
}

/// Turns what the page's `fetch` to the relay returned into the outcome to diagnose, or
/// the relay's own refusal. Upstream failures become the transport failures a direct
/// call would have had (unreachable, timeout); a redirect to another host becomes that
/// redirect, so the diagnosis reads its `Location` as it would a direct answer's.
/// Never panics.
pub fn relayed_outcome(
    step: Step,
    status: u16,
    headers: Vec<(String, String)>,
    body: impl Into<AnswerBody>,
) -> Result<RawOutcome, RelayRefused> {
    let body = body.into();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
    };
    let final_url = header(FINAL_URL_HEADER);
    let Some(code) = header(ERROR_HEADER) else {
        let upstream_headers = headers
            .iter()
            .filter(|(n, _)| !n.trim().to_ascii_lowercase().starts_with("x-dbx-check-"))
            .cloned()
            .collect();
        return Ok(RawOutcome::answered(
            step,
            status,
            upstream_headers,
            body,
            final_url,
        ));
    };
    match code.as_str() {
        "upstream_unreachable" | "resolves_to_local_address" | "too_many_redirects" => {
            Ok(RawOutcome::failed(step, Transport::Unreachable))
        }
        "upstream_timeout" => Ok(RawOutcome::failed(step, Transport::Timeout)),
        "redirect_to_other_host" => {
            let upstream_status = header(UPSTREAM_STATUS_HEADER)
                .and_then(|s| s.parse::<u16>().ok())
                .unwrap_or(302);
            let location = header(LOCATION_HEADER)
                .map(|l| vec![("location".to_owned(), l)])
                .unwrap_or_default();
            Ok(RawOutcome::answered(
                step,
                upstream_status,
                location,
                "",
                final_url,
            ))
        }
        _ => {
            let json: Option<serde_json::Value> = serde_json::from_slice(body.bytes()).ok();
            let field = |key: &str| {
                json.as_ref()
                    .and_then(|j| j.get(key))
                    .and_then(|v| v.as_str())
                    .map(|s| s.chars().filter(|c| !c.is_control()).take(1000).collect())
                    .unwrap_or_default()
            };
            Err(RelayRefused {
                code: printable(&code, 64),
                message: field("message"),
                fix: field("fix"),
            })
        }
    }
}

#[cfg(test)]
mod tests;
