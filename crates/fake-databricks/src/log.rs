//! The record of every request, for tests to assert where secrets went. Authorization
//! keeps only its scheme and whether the fake accepted it; cookies only their presence;
//! bodies only the token form's `grant_type` and `scope`, or their length.

use crate::scenario::{split_scheme, Scenario};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Entries kept in memory; the oldest go first.
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// Order of arrival, from 1.
    pub seq: u64,
    /// `https` or `http`.
    pub scheme: String,
    pub method: String,
    /// The `Host` header without port, lower-cased.
    pub host: String,
    pub path: String,
    pub query: Option<String>,
    pub scenario: String,
    pub origin: Option<String>,
    /// `Bearer`, `Basic`, `other`, or none.
    pub authorization: Option<String>,
    /// `valid`, `invalid` or `none`, judged against the fake's test credentials.
    pub credential: String,
    /// All headers, with `authorization`, `proxy-authorization` and `cookie` redacted.
    pub headers: Vec<(String, String)>,
    /// The body, without secrets: see [`shown_body`]. None when empty.
    #[serde(default)]
    pub body: Option<String>,
}

/// Form fields whose values are shown in the log; every other field's value is redacted.
const SHOWN_FORM_FIELDS: [&str; 2] = ["grant_type", "scope"];

/// A request body as the log keeps it: a form body (the OAuth token request) with the
/// values of [`SHOWN_FORM_FIELDS`] and every other value `<redacted>`, fields in their
/// order; any other body only as its length, since it may hold a secret.
pub fn shown_body(content_type: Option<&str>, body: &[u8]) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    let is_form = content_type.is_some_and(|t| {
        t.split(';').next().is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
    });
    let text = std::str::from_utf8(body).ok().filter(|_| is_form);
    let Some(text) = text else {
        return Some(format!("<{} bytes>", body.len()));
    };
    let fields: Vec<String> = text
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if SHOWN_FORM_FIELDS.contains(&name) => format!("{name}={value}"),
            Some((name, _)) => format!("{name}=<redacted>"),
            None => "<redacted>".to_owned(),
        })
        .collect();
    Some(fields.join("&"))
}

impl LoggedRequest {
    pub(crate) fn new(
        scheme: &str,
        parts: &hyper::http::request::Parts,
        host: &str,
        scenario: Scenario,
        credential: &str,
        body: &[u8],
    ) -> LoggedRequest {
        let authorization = parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(|v| match split_scheme(v) {
                Some(("bearer", _)) => "Bearer".to_owned(),
                Some(("basic", _)) => "Basic".to_owned(),
                _ => "other".to_owned(),
            });
        let headers = parts
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = match name.as_str() {
                    "authorization" | "proxy-authorization" => {
                        format!("{} <redacted>", authorization.as_deref().unwrap_or("other"))
                    }
                    "cookie" => "<redacted>".to_owned(),
                    _ => String::from_utf8_lossy(value.as_bytes()).into_owned(),
                };
                (name.as_str().to_owned(), shown)
            })
            .collect();
        LoggedRequest {
            seq: 0,
            scheme: scheme.to_owned(),
            method: parts.method.as_str().to_owned(),
            host: host.to_owned(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            scenario: scenario.name().to_owned(),
            origin: parts
                .headers
                .get("origin")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            authorization,
            credential: credential.to_owned(),
            headers,
            body: shown_body(
                parts
                    .headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok()),
                body,
            ),
        }
    }
}

pub struct RequestLog {
    entries: Mutex<VecDeque<LoggedRequest>>,
    next_seq: AtomicU64,
    file: Option<Mutex<File>>,
}

impl RequestLog {
    pub fn new(file: Option<PathBuf>) -> io::Result<RequestLog> {
        let file = match file {
            Some(path) => Some(Mutex::new(
                OpenOptions::new().create(true).append(true).open(path)?,
            )),
            None => None,
        };
        Ok(RequestLog {
            entries: Mutex::new(VecDeque::new()),
            next_seq: AtomicU64::new(1),
            file,
        })
    }

    pub fn record(&self, mut entry: LoggedRequest) {
        entry.seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        if let Some(file) = &self.file {
            if let (Ok(mut file), Ok(line)) = (file.lock(), serde_json::to_string(&entry)) {
                let _ = writeln!(file, "{line}");
            }
        }
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.pop_front();
            }
            entries.push_back(entry);
        }
    }

    pub fn entries(&self) -> Vec<LoggedRequest> {
        self.entries
            .lock()
            .map(|e| e.iter().cloned().collect())
            .unwrap_or_default()
    }

    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shown_body;

    #[test]
    fn a_form_keeps_only_the_grant_and_scope_and_other_bodies_their_length() {
        let form = Some("application/x-www-form-urlencoded; charset=utf-8");
        assert_eq!(
            shown_body(form, b"grant_type=client_credentials&scope=all-apis"),
            Some("grant_type=client_credentials&scope=all-apis".to_owned())
        );
        assert_eq!(
            shown_body(form, b"grant_type=client_credentials&client_secret=dose1&x"),
            Some("grant_type=client_credentials&client_secret=<redacted>&<redacted>".to_owned())
        );
        assert_eq!(
            shown_body(Some("application/json"), b"{\"token\": \"dapi1\"}"),
            Some("<18 bytes>".to_owned())
        );
        assert_eq!(shown_body(form, b""), None);
    }
}
