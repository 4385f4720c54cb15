//! Reading an answer: its body once, the fields and wording the classification looks at,
//! and the useful values of a successful one.

use super::{SuccessDetails, Warehouse};
use crate::check::scrub::{looks_like_html, sanitised_excerpt};
use crate::check::{AnswerHeaders, RawOutcome, Step, Transport};
use crate::secret::Secret;
use serde_json::Value;
use std::borrow::Cow;

/// Bodies larger than this are not parsed as JSON: no Databricks answer of the check is
/// near it, and the page must stay responsive whatever a server sends.
const MAX_JSON_BYTES: usize = 4 * 1024 * 1024;
/// Bytes of body searched for error wording.
const HAYSTACK_BYTES: usize = 64 * 1024;
/// Warehouses listed at most; a workspace rarely has more than a few dozen.
const MAX_WAREHOUSES: usize = 500;
/// Length of any server-provided text put into a title or explanation.
const MAX_SHOWN_CHARS: usize = 120;

/// An answer with its body read once.
pub(super) struct Answer<'a> {
    pub(super) step: Step,
    pub(super) status: u16,
    pub(super) headers: &'a AnswerHeaders,
    pub(super) head_text: Cow<'a, str>,
    pub(super) json: Option<Value>,
    pub(super) html: bool,
    pub(super) final_url: Option<url::Url>,
}

impl<'a> Answer<'a> {
    pub(super) fn read(outcome: &'a RawOutcome, status: u16) -> Self {
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

    pub(super) fn field(&self, key: &str) -> Option<&str> {
        self.json.as_ref()?.get(key)?.as_str()
    }

    /// Databricks' `error_code`, only when it is a string (legacy endpoints put the
    /// HTTP status there as a number: treated as absent, docs/databricks-answers.md).
    pub(super) fn error_code(&self) -> Option<&str> {
        self.field("error_code")
    }

    /// The words of the answer that describe an error, lower-cased, for loose matching.
    pub(super) fn wording(&self) -> String {
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
    pub(super) fn server_message(&self) -> Option<String> {
        let m = self
            .field("message")
            .or_else(|| self.field("detail"))
            .or_else(|| self.field("error_description"))?;
        let clean = sanitised_excerpt(m.as_bytes());
        (!clean.is_empty()).then_some(clean)
    }

    pub(super) fn excerpt(&self) -> String {
        sanitised_excerpt(self.head_text.as_bytes())
    }

    pub(super) fn on_account_host(&self) -> bool {
        self.final_url
            .as_ref()
            .and_then(|u| u.host_str())
            .is_some_and(|h| {
                let h = h.to_ascii_lowercase();
                h.starts_with("accounts.") || h.starts_with("accounts-dod.")
            })
    }

    /// The account console sends API calls without a session to `/login?next_url=...`
    /// (docs/workspace-hosts.md).
    pub(super) fn is_login_redirect_target(url: &url::Url) -> bool {
        url.path().starts_with("/login") && url.query_pairs().any(|(k, _)| k == "next_url")
    }

    pub(super) fn location(&self) -> Option<url::Url> {
        let location = self.headers.get("location")?;
        let base = self
            .final_url
            .clone()
            .or_else(|| url::Url::parse("https://workspace.invalid/").ok())?;
        base.join(location).ok()
    }

    /// `private-link-validation-error:<workspace id>` in the final URL, a redirect, or
    /// the page (docs/databricks-answers.md).
    pub(super) fn private_link(&self) -> Option<Option<String>> {
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

/// The useful values of a successful answer: none unless the answer is a 2xx JSON of
/// the step's shape. Airflow's test passes on any 2xx JSON (docs/airflow-connections.md), so the GET steps
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

/// `Retry-After` in whole seconds (docs/databricks-answers.md: Databricks sends an integer). An HTTP date
/// is not expected and gives none.
pub(super) fn retry_after(headers: &AnswerHeaders) -> Option<u64> {
    headers
        .get("retry-after")?
        .parse::<u64>()
        .ok()
        .map(|s| s.min(24 * 3600))
}

/// The word following `marker` (matched without regard to case), trimmed of punctuation.
pub(super) fn word_after(text: &str, marker: &str) -> Option<String> {
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
