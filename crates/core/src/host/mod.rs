//! Workspace URL analysis: what a person pasted into the "Workspace URL" field, reduced to
//! the one Host value that works in Airflow, with the cloud, the workspace id, the kind of
//! host, and a finding for every mistake.
//!
//! Neither Airflow nor the Databricks SDK checks a host (the SDK calls every unknown host
//! AWS), so this is the first place a wrong one can be caught. Facts behind each rule:
//! docs/workspace-hosts.md.
//!
//! ```
//! use dbx_check_core::host::{analyse_host, HostKind};
//! use dbx_check_core::Cloud;
//!
//! let a = analyse_host("https://ADB-5555555555555555.19.azuredatabricks.net/?o=5555555555555555#notebook/1");
//! assert_eq!(a.host.as_deref(), Some("https://adb-5555555555555555.19.azuredatabricks.net"));
//! assert_eq!(a.cloud, Some(Cloud::Azure));
//! assert_eq!(a.workspace_id.as_deref(), Some("5555555555555555"));
//! assert_eq!(a.kind, HostKind::Workspace);
//! assert!(a.is_usable());
//! ```

use crate::finding::{Diagnostic, Finding, Severity};
use crate::secret::detect::{is_token_id, issued_secrets_in, looks_like_jwt};
use crate::secret::{Secret, SecretShape};
use crate::vocabulary::Cloud;
use serde::Serialize;
use url::Url;

/// Longer pastes are refused outright: no workspace URL is anywhere near this long, and the
/// page analyses on every keystroke.
const MAX_INPUT_BYTES: usize = 16 * 1024;

mod paste;
mod problem;
#[cfg(test)]
mod tests;
mod zones;

use paste::{
    fold_full_width, looks_like_placeholder, non_ascii_chars, normalise_http_path, oversized_host,
    read_paste, remove_escaped_scheme, split_scheme, Paste,
};
pub use problem::{HostProblem, PasteForm};
pub use zones::{databricks_zone, zone_list_words, Environment, Zone, ZONES};

// ---------------------------------------------------------------------------------------
// The analysis
// ---------------------------------------------------------------------------------------

/// What a host is, as far as its name tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HostKind {
    /// A workspace's own URL (including "unified" hosts that also serve account APIs).
    Workspace,
    /// A regional URL shared by many workspaces (`westus.azuredatabricks.net`).
    LegacyRegional,
    /// An account console (`accounts.cloud.databricks.com`): not a workspace.
    AccountConsole,
    /// A private-link or other infrastructure host in a Databricks zone that is not a
    /// workspace (`*.privatelink.cloud.databricks.com`, `*.pl-auth.azuredatabricks.net`,
    /// `westeurope-c2.azuredatabricks.net`, SCC relay `tunnel.*`).
    PrivateLinkHelper,
    /// `community.cloud.databricks.com`.
    CommunityEdition,
    /// A domain in none of the SDKs' zones: maybe a custom or private-link domain.
    UnknownDomain,
    /// No usable host name could be read.
    Invalid,
}

/// Where a workspace id was read from the pasted text. The check names it, because the
/// id a workspace sends back (`x-databricks-org-id`) is a header a browser may not read
/// (docs/databricks-answers.md, "Calling from a browser").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkspaceIdSource {
    /// `adb-<id>.<n>.azuredatabricks.net`, `<id>.<n>.gcp.databricks.com`.
    HostName,
    /// `?o=`, `?w=` or `?workspace_id=` of the pasted URL.
    UrlQuery,
    /// A cluster's HTTP path, `/sql/protocolv1/o/<id>/...`.
    HttpPath,
}

impl WorkspaceIdSource {
    /// "the host name", to follow "read from".
    pub fn describe(self) -> &'static str {
        match self {
            WorkspaceIdSource::HostName => "the workspace URL's host name",
            WorkspaceIdSource::UrlQuery => "the ?o= of the pasted URL",
            WorkspaceIdSource::HttpPath => "the cluster's HTTP path",
        }
    }
}

/// Everything the page and the command show about a pasted workspace URL.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostAnalysis {
    /// The value for Airflow's Host field, `https://<lower-case hostname>`, or `None` when a
    /// finding is an error.
    pub host: Option<String>,
    /// The lower-case ASCII (punycode) host name read from the input, when one was read.
    pub hostname: Option<String>,
    pub cloud: Option<Cloud>,
    pub environment: Option<Environment>,
    /// Decimal digits, from `adb-<id>`, a GCP `<id>.<n>` host, `?o=` or a cluster HTTP path.
    pub workspace_id: Option<String>,
    /// Where `workspace_id` was read.
    pub workspace_id_source: Option<WorkspaceIdSource>,
    pub kind: HostKind,
    /// A SQL warehouse's or cluster's HTTP path found in the paste (for extra `http_path`).
    pub http_path: Option<String>,
    /// Most severe first.
    pub findings: Vec<Finding>,
}

impl HostAnalysis {
    /// True when no finding is an error: `host` is then set.
    pub fn is_usable(&self) -> bool {
        crate::finding::usable(&self.findings)
    }

    /// True when the host name is in one of the SDKs' DNS zones.
    pub fn in_known_zone(&self) -> bool {
        self.hostname.as_deref().and_then(databricks_zone).is_some()
    }

    /// The worst severity among the findings, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// One line of what was read, for under the field: "Airflow Host: https://… · AWS ·
    /// workspace id 123", or `None` when there is no usable host.
    pub fn summary(&self) -> Option<String> {
        let host = self.host.as_ref()?;
        let mut facts = vec![format!("Airflow Host: {host}")];
        if let Some(cloud) = self.cloud {
            facts.push(cloud.display_name().to_owned());
        }
        if let Some(id) = &self.workspace_id {
            facts.push(format!("workspace id {id}"));
        }
        Some(facts.join(" · "))
    }
}

/// Reads whatever a person pasted into the workspace URL field. Never panics.
pub fn analyse_host(input: &str) -> HostAnalysis {
    let mut run = Analysis::default();
    run.analyse(input);
    run.finish()
}

// ---------------------------------------------------------------------------------------
// Implementation
// ---------------------------------------------------------------------------------------

/// The state of one analysis while it runs.
#[derive(Default)]
struct Analysis {
    problems: Vec<HostProblem>,
    secrets: Vec<Secret>,
    hostname: Option<String>,
    cloud: Option<Cloud>,
    environment: Option<Environment>,
    workspace_id: Option<String>,
    workspace_id_source: Option<WorkspaceIdSource>,
    kind: Option<HostKind>,
    http_path: Option<String>,
    /// The host held non-ASCII letters, replaced by ASCII ones to read the rest.
    non_ascii_host: bool,
}

impl Analysis {
    fn analyse(&mut self, input: &str) {
        if input.len() > MAX_INPUT_BYTES {
            self.problems
                .push(HostProblem::TooLong { bytes: input.len() });
            return;
        }
        for (shape, value) in credentials_in(input) {
            if !self
                .problems
                .contains(&HostProblem::SecretInUrlField { shape })
            {
                self.problems.push(HostProblem::SecretInUrlField { shape });
            }
            self.secrets.push(value);
        }
        let paste = read_paste(input);
        if let Some(problem) = paste.refusal {
            self.problems.push(problem);
            return;
        }
        if paste.text.is_empty() {
            self.problems.push(HostProblem::Empty);
            return;
        }
        match &paste.form {
            Some(form) => self
                .problems
                .push(HostProblem::HostReadFrom { form: form.clone() }),
            None => {
                if !paste.wrappings.is_empty() {
                    self.problems.push(HostProblem::WrappingRemoved {
                        wrapping: paste.wrappings.join(" and "),
                    });
                }
            }
        }
        if paste.other_lines_ignored {
            self.problems.push(HostProblem::OtherLinesIgnored);
        }
        self.http_path = paste.http_path.as_deref().and_then(normalise_http_path);
        if looks_like_placeholder(&paste.text) {
            self.problems.push(HostProblem::Placeholder);
            return;
        }
        let url_text = self.as_https_url(&paste.text, paste.form.as_ref());
        if let Some(host_text) = oversized_host(&url_text) {
            self.problems.push(HostProblem::InvalidHostname {
                hostname: Some(host_text),
                reason: "it is longer than the 253 characters DNS allows".into(),
            });
            return;
        }
        // `url` runs without Unicode tables here (idna_adapter 1.0 in Cargo.lock, for the
        // page's size), so it refuses every non-ASCII host where full IDNA would map or
        // encode it. Full-width letters from an input method are folded to ASCII as IDNA
        // does; other non-ASCII letters are look-alikes, reported as such, with the domain
        // around them still read (each one stood in for by an ASCII letter).
        let url_text = fold_full_width(&url_text);
        let parsed = match Url::parse(&url_text) {
            Err(url::ParseError::IdnaError) if !url_text.is_ascii() => {
                let masked: String = url_text
                    .chars()
                    .map(|c| if c.is_ascii() { c } else { 'x' })
                    .collect();
                let masked = Url::parse(&masked);
                self.non_ascii_host = masked.is_ok();
                masked.map_err(|_| url::ParseError::IdnaError)
            }
            other => other,
        };
        let url = match parsed {
            Ok(url) => url,
            Err(e) => {
                // With a credential in the paste, that finding explains why no URL reads.
                if self.secrets.is_empty() {
                    self.problems.push(problem_for_parse_error(e));
                } else {
                    self.problems
                        .retain(|p| matches!(p, HostProblem::SecretInUrlField { .. }));
                }
                return;
            }
        };
        self.read_url(&url, &paste);
    }

    /// Puts `https://` in front, whatever scheme (or none) was typed, so that `url` parses
    /// the host the way browsers do (lower case, IDNA, IPv4 forms) for every input.
    fn as_https_url(&mut self, text: &str, form: Option<&PasteForm>) -> String {
        let from_setting = form.is_some();
        if let Some((scheme, rest)) = split_scheme(text) {
            let scheme = scheme.to_ascii_lowercase();
            let mut rest = rest;
            // `https://https://host` (typed over a pre-filled field), and Airflow's own
            // `get_uri()` form for a host with a scheme, `databricks://https://:TOKEN@host`
            // (docs/workspace-hosts.md, "What Airflow does with Host").
            if let Some((inner, after)) = split_scheme(rest) {
                if inner.eq_ignore_ascii_case("https") || inner.eq_ignore_ascii_case("http") {
                    rest = after;
                    if scheme != "databricks" {
                        self.problems.push(HostProblem::SchemeRepeated);
                    }
                }
            }
            match scheme.as_str() {
                "https" => {}
                "http" => self.problems.push(HostProblem::HttpScheme),
                "databricks" => {
                    if form.is_none() {
                        self.problems.push(HostProblem::HostReadFrom {
                            form: PasteForm::AirflowUri,
                        });
                    }
                    // The other accepted spelling percent-encodes it: `@https%3A%2F%2Fhost`.
                    // Dropping that one escaped prefix lets `url` read the host itself.
                    let cleaned = remove_escaped_scheme(rest);
                    return format!("https://{cleaned}");
                }
                _ => {
                    if !matches!(form, Some(PasteForm::Jdbc)) {
                        self.problems.push(HostProblem::UnexpectedScheme { scheme });
                    }
                }
            }
            return format!("https://{rest}");
        }
        // `https:host` and `http:/host`: `url` repairs the missing slashes like a browser.
        if let Some(rest) = strip_prefix_ignore_case(text, "https:") {
            self.problems.push(HostProblem::SchemeSlashesMissing);
            return format!("https:{rest}");
        }
        if let Some(rest) = strip_prefix_ignore_case(text, "http:") {
            self.problems.push(HostProblem::HttpScheme);
            self.problems.push(HostProblem::SchemeSlashesMissing);
            return format!("https:{rest}");
        }
        if !from_setting {
            self.problems.push(HostProblem::SchemeMissing);
        }
        if text.starts_with("//") {
            format!("https:{text}")
        } else {
            format!("https://{text}")
        }
    }

    fn read_url(&mut self, url: &Url, paste: &Paste) {
        let domain = match url.host() {
            None => {
                self.problems.push(HostProblem::NoHost);
                return;
            }
            Some(url::Host::Ipv4(ip)) => {
                self.hostname = Some(ip.to_string());
                self.problems
                    .push(HostProblem::IpAddress { ip: ip.to_string() });
                return;
            }
            Some(url::Host::Ipv6(ip)) => {
                self.hostname = Some(format!("[{ip}]"));
                self.problems.push(HostProblem::IpAddress {
                    ip: format!("[{ip}]"),
                });
                return;
            }
            Some(url::Host::Domain(d)) => d,
        };
        let hostname = domain.strip_suffix('.').unwrap_or(domain).to_owned();
        self.hostname = Some(hostname.clone());
        if self.secrets.iter().any(|s| is_in(s, &hostname)) {
            // The "host" is the credential itself: its finding says all there is to say.
            self.problems
                .retain(|p| matches!(p, HostProblem::SecretInUrlField { .. }));
            return;
        }

        self.read_user_info(url);
        if let Some(port) = url.port() {
            self.problems.push(HostProblem::PortDropped { port });
        }
        self.read_rest_of_url(url, paste);

        if hostname == "localhost" || hostname.ends_with(".localhost") {
            self.problems.push(HostProblem::Localhost);
            return;
        }
        if let Err(reason) = check_ldh(&hostname) {
            self.problems.push(HostProblem::InvalidHostname {
                hostname: Some(hostname.clone()),
                reason,
            });
            return;
        }
        if !hostname.contains('.') {
            self.problems.push(HostProblem::IncompleteHostname {
                hostname: hostname.clone(),
            });
            return;
        }
        let punycode = hostname.split('.').any(|l| l.starts_with("xn--"));
        if punycode || self.non_ascii_host {
            let characters = non_ascii_chars(&paste.text, 5);
            self.problems.push(HostProblem::NonAsciiHost {
                punycode: punycode.then(|| hostname.clone()),
                characters,
            });
        } else if !paste.text.to_ascii_lowercase().contains(&hostname) {
            self.problems.push(HostProblem::HostTextMapped {
                hostname: hostname.clone(),
            });
        }
        self.classify(&hostname);
    }

    fn read_user_info(&mut self, url: &Url) {
        match url.password() {
            Some(password) if !password.is_empty() => {
                let shape = SecretShape::UrlPassword;
                let already = self
                    .problems
                    .iter()
                    .any(|p| matches!(p, HostProblem::SecretInUrlField { .. }));
                if !already {
                    self.problems.push(HostProblem::SecretInUrlField { shape });
                }
                self.secrets.push(Secret::new(password));
            }
            _ => {
                if !url.username().is_empty() {
                    self.problems.push(HostProblem::UserNameDropped);
                }
            }
        }
    }

    /// Path, query and fragment: dropped from the Host value, but read for the workspace id
    /// and an HTTP path first.
    fn read_rest_of_url(&mut self, url: &Url, paste: &Paste) {
        let path = url.path();
        let query = url.query().unwrap_or("");
        let fragment = url.fragment().unwrap_or("");

        if self.http_path.is_none() {
            self.http_path = normalise_http_path(path);
        }
        // The Databricks CLI reads `?o=`, `?w=` and `?workspace_id=` as the workspace id
        // (databricks/cli libs/auth/hostparams.go).
        self.workspace_id = url
            .query_pairs()
            .find(|(k, v)| matches!(k.as_ref(), "o" | "w" | "workspace_id") && is_digits(v))
            .map(|(_, v)| v.into_owned());
        self.workspace_id_source = self
            .workspace_id
            .as_ref()
            .map(|_| WorkspaceIdSource::UrlQuery);

        // A JDBC URL's `/default` is its schema, part of the form: nothing was lost.
        if matches!(paste.form, Some(PasteForm::Jdbc)) {
            return;
        }
        let has_path = !path.trim_end_matches('/').is_empty();
        if !has_path && query.is_empty() && fragment.is_empty() {
            if !path.is_empty() && paste.text.ends_with('/') {
                self.problems.push(HostProblem::TrailingSlashDropped);
            }
            return;
        }
        let mut parts = Vec::new();
        if self.secrets.is_empty() {
            if has_path {
                parts.push(format!("the path {}", shorten(path, 60)));
            }
            if !query.is_empty() {
                parts.push(format!("the query ?{}", shorten(query, 60)));
            }
            if !fragment.is_empty() {
                parts.push(format!("the fragment #{}", shorten(fragment, 60)));
            }
        }
        let api_path = path.starts_with("/api/");
        self.problems
            .push(HostProblem::PathDropped { parts, api_path });
    }

    fn finish(self) -> HostAnalysis {
        let Analysis {
            mut problems,
            secrets,
            hostname,
            cloud,
            environment,
            workspace_id,
            workspace_id_source,
            kind,
            http_path,
            non_ascii_host: _,
        } = self;
        let holds_secret = |text: &str| secrets.iter().any(|s| is_in(s, text));
        let hostname = hostname.filter(|h| !holds_secret(h));
        let http_path = http_path.filter(|p| !holds_secret(p));
        if let Some(http_path) = &http_path {
            problems.push(HostProblem::HttpPathFound {
                http_path: http_path.clone(),
            });
        }
        let mut findings: Vec<Finding> = problems
            .iter()
            .map(|p| {
                let mut f = p.to_finding();
                // Belt and braces: no message may repeat a credential, whatever path a
                // piece of the input took into it.
                f.message = redact(&f.message, &secrets);
                f.fix = redact(&f.fix, &secrets);
                f
            })
            .collect();
        crate::finding::errors_first(&mut findings);
        // A cluster's HTTP path names its workspace: `/sql/protocolv1/o/<workspace-id>/...`.
        let from_path = || {
            http_path
                .as_deref()
                .and_then(|p| p.strip_prefix("/sql/protocolv1/o/"))
                .and_then(|rest| rest.split('/').next())
                .map(|id| (id.to_owned(), WorkspaceIdSource::HttpPath))
        };
        let (workspace_id, workspace_id_source) =
            match workspace_id.zip(workspace_id_source).or_else(from_path) {
                Some((id, source)) => (Some(id), Some(source)),
                None => (None, None),
            };
        let usable = crate::finding::usable(&findings);
        let kind = kind.unwrap_or(HostKind::Invalid);
        let host = match (&hostname, usable, kind) {
            (Some(h), true, k) if k != HostKind::Invalid => Some(format!("https://{h}")),
            _ => None,
        };
        HostAnalysis {
            host,
            hostname,
            cloud,
            environment,
            workspace_id,
            workspace_id_source,
            kind,
            http_path,
            findings,
        }
    }
}

fn problem_for_parse_error(e: url::ParseError) -> HostProblem {
    match e {
        url::ParseError::EmptyHost => HostProblem::NoHost,
        url::ParseError::InvalidPort => HostProblem::BadPort,
        url::ParseError::IdnaError => HostProblem::InvalidHostname {
            hostname: None,
            reason: "it holds a character or a spelling (such as a broken xn-- part) that DNS \
                     does not allow"
                .into(),
        },
        url::ParseError::InvalidDomainCharacter => HostProblem::Unparseable {
            reason: "the host name holds a space or a character such as | ^ < > that no \
                     host name may contain"
                .into(),
        },
        other => HostProblem::Unparseable {
            reason: other.to_string(),
        },
    }
}

/// Letters, digits and hyphens, in labels of 1 to 63 characters that do not start or end
/// with a hyphen (RFC 1123); `url` lets through more (`_`, `*`, `!`...) than DNS and TLS
/// certificates accept.
fn check_ldh(hostname: &str) -> Result<(), String> {
    if hostname.len() > 253 {
        return Err("it is longer than the 253 characters DNS allows".into());
    }
    for label in hostname.split('.') {
        if label.is_empty() {
            return Err("it has an empty part between two dots".into());
        }
        if label.len() > 63 {
            return Err("one part is longer than the 63 characters DNS allows".into());
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(format!("it contains '{}'", c.escape_default()));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("a part starts or ends with '-'".into());
        }
    }
    Ok(())
}

/// Credentials pasted where the URL belongs, with their values held as [`Secret`]: issued
/// secrets anywhere, and JWTs and token IDs as whole words.
fn credentials_in(text: &str) -> Vec<(SecretShape, Secret)> {
    let mut found: Vec<(SecretShape, Secret)> = issued_secrets_in(text)
        .into_iter()
        .map(|(shape, value)| (shape, Secret::new(value)))
        .collect();
    // Split on bytes, not chars: every credential is ASCII, and a slice of ASCII bytes is
    // always valid UTF-8. (Decoding chars made this the slowest step on long pastes.)
    let is_word_byte = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-');
    let words = text
        .as_bytes()
        .split(|b| !is_word_byte(b))
        .filter(|w| w.len() >= 32)
        .filter_map(|w| std::str::from_utf8(w).ok());
    for word in words {
        if let Some(jwt) = word.find("eyJ").and_then(|at| word.get(at..)) {
            if looks_like_jwt(jwt) {
                found.push((SecretShape::Jwt, Secret::new(jwt)));
                continue;
            }
        }
        for piece in word.split(['.', '-', '_']).filter(|p| is_token_id(p)) {
            found.push((SecretShape::TokenId64Hex, Secret::new(piece)));
        }
    }
    found
}

/// Credentials shorter than this (a short URL password) are too likely to occur in the
/// host name by chance to be searched for; they never reach a message anyway.
const SEARCHED_SECRET_LEN: usize = 8;

/// True when `text` contains the credential, in any ASCII case (`url` lower-cases hosts).
fn is_in(secret: &Secret, text: &str) -> bool {
    secret.char_len() >= SEARCHED_SECRET_LEN
        && text
            .to_ascii_lowercase()
            .contains(&secret.expose().to_ascii_lowercase())
}

fn redact(text: &str, secrets: &[Secret]) -> String {
    let mut out = text.to_owned();
    for secret in secrets
        .iter()
        .filter(|s| s.char_len() >= SEARCHED_SECRET_LEN)
    {
        let value = secret.expose();
        out = out.replace(value, "[hidden]");
        out = out.replace(&value.to_ascii_lowercase(), "[hidden]");
    }
    out
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// At most `max` characters of user text, for messages.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

fn join_words(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
