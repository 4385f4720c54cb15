//! The relay server's policy: every decision it makes about a request before and after
//! forwarding it (which hosts and paths, which headers, which redirects, whose requests),
//! and its refusals with their wording. What the page needs to talk to the relay (the
//! path shape, the mark, the error header, how an answer is read) is the contract in
//! `dbx_check_core::check::relay`.
//!
//! ```
//! use dbx_check_core::check::relay::relay_path;
//! use dbx_check_core::check::Step;
//! use dbx_check_core::Diagnostic;
//! use dbx_check_relay::policy::read_relay_request;
//!
//! let path = relay_path("dbc-a1b2345c-d6e7.cloud.databricks.com", Step::SparkVersions);
//! let target = read_relay_request("GET", &path, &[]).unwrap();
//! assert_eq!(target.upstream_url(), "https://dbc-a1b2345c-d6e7.cloud.databricks.com/api/2.1/clusters/spark-versions");
//! assert_eq!(read_relay_request("GET", "/relay/169.254.169.254/api/2.1/clusters/spark-versions", &[])
//!     .unwrap_err().code(), "ip_address");
//! ```

use dbx_check_core::check::relay::{page_mark, printable, RELAY_PREFIX};
use dbx_check_core::check::{HttpMethod, Step};
use dbx_check_core::finding::{Diagnostic, Severity};
use dbx_check_core::host::{analyse_host, HostKind};
use percent_encoding::percent_decode_str;
use serde::Serialize;
use std::fmt;
use std::net::Ipv6Addr;

/// The plan's requests carry these headers (`check::plan_check`), and the relay forwards
/// them only: every other header (cookies, `Origin`, the browser's own) stays behind.
pub const FORWARDED_REQUEST_HEADERS: [&str; 3] = ["accept", "authorization", "content-type"];
/// Upstream headers the relay passes back: the ones the diagnosis reads (reason phrase,
/// retry delay, workspace id) and the type of the body. Everything else is dropped:
/// `set-cookie`; `location` (a browser would follow it on the relay's origin; the relay
/// follows same-host redirects itself); `www-authenticate`, which makes a browser answer
/// a 401 with a password dialog.
pub const RETURNED_RESPONSE_HEADERS: [&str; 4] = [
    "content-type",
    "retry-after",
    "x-databricks-org-id",
    "x-databricks-reason-phrase",
];

/// DNS allows 253 characters in a host name (RFC 1035 §2.3.4).
pub const MAX_HOST_BYTES: usize = 253;
/// Same-host redirects followed per request. The private-link sign-in redirect is one
/// hop (docs/databricks-answers.md); a loop ends here.
pub const MAX_REDIRECTS: usize = 5;

/// Why the relay did not forward a request, or could not relay the answer. Each is a
/// clear 4xx (the page asked for something the relay never does) or 5xx (the upstream
/// did not answer usefully).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayRefusal {
    /// A path outside `/relay/<host>/<path>`.
    NotARelayPath,
    HostMissing,
    HostTooLong {
        bytes: usize,
    },
    /// `user@host`: the part before `@` is user info, and with it the real host is
    /// elsewhere.
    UserInfoInHost,
    /// `%` in the host: an encoded name can hide any other name.
    EncodedHost,
    /// An IP address in any spelling (dotted, decimal `2130706433`, hex `0x7f000001`,
    /// IPv6): a workspace is always reached by name.
    IpAddress {
        ip: String,
    },
    Localhost,
    /// Characters no DNS name has (a port, `_`, a space...), or empty labels.
    HostNotAName,
    /// An account console: it answers account APIs, never the workspace APIs the check calls.
    AccountConsole {
        hostname: String,
    },
    /// A private-link or other infrastructure host in a Databricks zone, not a workspace.
    NotAWorkspace {
        hostname: String,
    },
    /// Outside the Databricks DNS zones and not named with `--allow-host`.
    NotDatabricks {
        hostname: String,
    },
    /// The host analysis found an error in the name itself (a look-alike, a non-ASCII
    /// label...); its own finding says what.
    HostRefused {
        finding: &'static str,
        reason: String,
    },
    /// `.` or `..` as a path segment, spelled plainly or percent-encoded.
    PathTraversal,
    /// `%2F` or `%5C`: an encoded separator that a server may decode into a new path.
    EncodedSlash,
    QueryNotAllowed,
    /// Not one of the API paths of the request plan.
    PathNotAllowed,
    MethodNotAllowed {
        method: String,
        step: Step,
    },
    /// A request from another site (its `Origin` or `Sec-Fetch-Site`), or through a name
    /// that is not this machine (DNS rebinding): the relay serves its own page only.
    CrossOrigin,
    /// The body is, or says it is (`Content-Length`), over the limit; refused before
    /// it is read.
    RequestTooLarge {
        limit: usize,
    },
    /// The request (head and body) did not arrive within the relay's deadline: a stalled
    /// or very slow upload. Not the workspace's timeout ([`RelayRefusal::UpstreamTimeout`]).
    RequestTimeout {
        seconds: u64,
    },
    /// The body ended before its declared length, or its chunked encoding was broken.
    IncompleteRequest,
    /// The `Host` header is not one clear name (RFC 9112 §3.2 requires a 400).
    BadHostHeader {
        problem: HostHeaderProblem,
    },
    RelayBusy,
    /// The workspace answered with a redirect to another host; the relay goes nowhere
    /// but the host the page named.
    RedirectToOtherHost {
        target_host: Option<String>,
    },
    TooManyRedirects,
    /// The name resolves only to this machine or link-local addresses (cloud metadata).
    ResolvesToLocalAddress {
        hostname: String,
    },
    UpstreamUnreachable {
        hostname: String,
    },
    UpstreamTimeout {
        hostname: String,
        seconds: u64,
    },
    AnswerTooLarge {
        limit: usize,
    },
}

impl RelayRefusal {
    /// The HTTP status the relay answers with.
    pub fn status(&self) -> u16 {
        match self {
            RelayRefusal::NotARelayPath | RelayRefusal::PathNotAllowed => 404,
            RelayRefusal::HostMissing
            | RelayRefusal::HostTooLong { .. }
            | RelayRefusal::UserInfoInHost
            | RelayRefusal::EncodedHost
            | RelayRefusal::HostNotAName
            | RelayRefusal::PathTraversal
            | RelayRefusal::EncodedSlash
            | RelayRefusal::QueryNotAllowed
            | RelayRefusal::BadHostHeader { .. }
            | RelayRefusal::IncompleteRequest => 400,
            RelayRefusal::IpAddress { .. }
            | RelayRefusal::Localhost
            | RelayRefusal::AccountConsole { .. }
            | RelayRefusal::NotAWorkspace { .. }
            | RelayRefusal::NotDatabricks { .. }
            | RelayRefusal::HostRefused { .. }
            | RelayRefusal::CrossOrigin
            | RelayRefusal::RedirectToOtherHost { .. }
            | RelayRefusal::ResolvesToLocalAddress { .. } => 403,
            RelayRefusal::MethodNotAllowed { .. } => 405,
            RelayRefusal::RequestTimeout { .. } => 408,
            RelayRefusal::RequestTooLarge { .. } => 413,
            RelayRefusal::TooManyRedirects
            | RelayRefusal::UpstreamUnreachable { .. }
            | RelayRefusal::AnswerTooLarge { .. } => 502,
            RelayRefusal::RelayBusy => 503,
            RelayRefusal::UpstreamTimeout { .. } => 504,
        }
    }

    /// The body of the relay's own answer: the finding as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_finding()).unwrap_or_else(|_| "{}".to_owned())
    }
}

fn in_seconds(n: u64) -> String {
    format!("{n} second{}", if n == 1 { "" } else { "s" })
}

impl Diagnostic for RelayRefusal {
    fn code(&self) -> &'static str {
        match self {
            RelayRefusal::NotARelayPath => "not_a_relay_path",
            RelayRefusal::HostMissing => "host_missing",
            RelayRefusal::HostTooLong { .. } => "host_too_long",
            RelayRefusal::UserInfoInHost => "user_info_in_host",
            RelayRefusal::EncodedHost => "encoded_host",
            RelayRefusal::IpAddress { .. } => "ip_address",
            RelayRefusal::Localhost => "localhost",
            RelayRefusal::HostNotAName => "host_not_a_name",
            RelayRefusal::AccountConsole { .. } => "account_console",
            RelayRefusal::NotAWorkspace { .. } => "not_a_workspace",
            RelayRefusal::NotDatabricks { .. } => "not_databricks",
            RelayRefusal::HostRefused { .. } => "host_refused",
            RelayRefusal::PathTraversal => "path_traversal",
            RelayRefusal::EncodedSlash => "encoded_slash",
            RelayRefusal::QueryNotAllowed => "query_not_allowed",
            RelayRefusal::PathNotAllowed => "path_not_allowed",
            RelayRefusal::MethodNotAllowed { .. } => "method_not_allowed",
            RelayRefusal::CrossOrigin => "cross_origin",
            RelayRefusal::RequestTooLarge { .. } => "request_too_large",
            RelayRefusal::RequestTimeout { .. } => "request_timeout",
            RelayRefusal::BadHostHeader { .. } => "bad_host_header",
            RelayRefusal::IncompleteRequest => "incomplete_request",
            RelayRefusal::RelayBusy => "relay_busy",
            RelayRefusal::RedirectToOtherHost { .. } => "redirect_to_other_host",
            RelayRefusal::TooManyRedirects => "too_many_redirects",
            RelayRefusal::ResolvesToLocalAddress { .. } => "resolves_to_local_address",
            RelayRefusal::UpstreamUnreachable { .. } => "upstream_unreachable",
            RelayRefusal::UpstreamTimeout { .. } => "upstream_timeout",
            RelayRefusal::AnswerTooLarge { .. } => "answer_too_large",
        }
    }

    fn severity(&self) -> Severity {
        Severity::Error
    }

    fn message(&self) -> String {
        let prefix = "The relay did not forward the request";
        match self {
            RelayRefusal::NotARelayPath => format!(
                "{prefix}: relayed requests have the form {RELAY_PREFIX}<workspace host>/<API path>."
            ),
            RelayRefusal::HostMissing => format!("{prefix}: it names no workspace host."),
            RelayRefusal::HostTooLong { bytes } => format!(
                "{prefix}: the host is {bytes} characters long, and DNS allows at most {MAX_HOST_BYTES}."
            ),
            RelayRefusal::UserInfoInHost => format!(
                "{prefix}: the host contains '@', so the part before it would be a user name \
                 and the real host something else."
            ),
            RelayRefusal::EncodedHost => format!(
                "{prefix}: the host contains '%'; an encoded host name can hide another host."
            ),
            RelayRefusal::IpAddress { ip } => format!(
                "{prefix}: the host is the IP address {ip}. Workspaces are reached by name, and \
                 the relay never calls an address directly."
            ),
            RelayRefusal::Localhost => {
                format!("{prefix}: the host is this machine (localhost), not a workspace.")
            }
            RelayRefusal::HostNotAName => format!(
                "{prefix}: the host is not a DNS name (only letters, digits, '-' and '.' \
                 between non-empty labels; no port)."
            ),
            RelayRefusal::AccountConsole { hostname } => format!(
                "{prefix}: {hostname} is an account console, which answers account APIs, not \
                 the workspace APIs Airflow calls."
            ),
            RelayRefusal::NotAWorkspace { hostname } => format!(
                "{prefix}: {hostname} is a private-link or infrastructure host in a Databricks \
                 zone, not a workspace."
            ),
            RelayRefusal::NotDatabricks { hostname } => format!(
                "{prefix}: {hostname} is not in the Databricks DNS zones ({ZONE_LIST}), and the \
                 relay forwards only to Databricks workspaces.",
                ZONE_LIST = dbx_check_core::host::zone_list_words()
            ),
            // The host is not repeated: the analysis may have found a secret in it.
            RelayRefusal::HostRefused { reason, .. } => format!("{prefix}: {reason}"),
            RelayRefusal::PathTraversal => format!(
                "{prefix}: its path contains a '.' or '..' segment (plain or percent-encoded)."
            ),
            RelayRefusal::EncodedSlash => format!(
                "{prefix}: its path contains an encoded '/' or '\\' (%2F, %5C), which a \
                 server may decode into another path."
            ),
            RelayRefusal::QueryNotAllowed => format!(
                "{prefix}: it has a query string, and none of the check's requests has one."
            ),
            RelayRefusal::PathNotAllowed => format!(
                "{prefix}: its path is not one of the check's API paths ({}).",
                Step::ALL.map(Step::path).join(", ")
            ),
            RelayRefusal::MethodNotAllowed { method, step } => format!(
                "{prefix}: {} is called with {}, not {method}.",
                step.path(),
                step.http_method().as_str()
            ),
            RelayRefusal::CrossOrigin => format!(
                "{prefix}: it came from another site, or through a host name that is not this \
                 relay's. The relay serves the page it hosts and nothing else."
            ),
            RelayRefusal::RequestTooLarge { limit } => format!(
                "{prefix}: its body is larger than the {limit} bytes any check request needs."
            ),
            RelayRefusal::RequestTimeout { seconds } => format!(
                "{prefix}: the request itself (its headers and body) did not arrive within \
                 {}, so the relay stopped waiting for it.",
                in_seconds(*seconds)
            ),
            RelayRefusal::IncompleteRequest => format!(
                "{prefix}: its body ended before the length it announced, or was not \
                 readable as HTTP/1.1 sends it."
            ),
            RelayRefusal::BadHostHeader { problem } => match problem {
                HostHeaderProblem::Repeated => format!(
                    "{prefix}: it has more than one Host header, so which server it is for is \
                     ambiguous (HTTP/1.1 requires one)."
                ),
                HostHeaderProblem::Missing => format!(
                    "{prefix}: it has no Host header, which HTTP/1.1 requires."
                ),
                HostHeaderProblem::Invalid => format!(
                    "{prefix}: its Host header is empty or not a server name and port."
                ),
                HostHeaderProblem::DisagreesWithTarget => format!(
                    "{prefix}: its Host header names another server than the address in its \
                     request line."
                ),
            },
            RelayRefusal::RelayBusy => {
                format!("{prefix}: it is handling as many requests as it allows at once.")
            }
            RelayRefusal::RedirectToOtherHost { target_host } => match target_host {
                Some(host) => format!(
                    "The workspace answered with a redirect to another host ({host}), and the \
                     relay follows redirects only on the host you named."
                ),
                None => "The workspace answered with a redirect the relay could not read or \
                         that leaves HTTPS, and the relay follows redirects only on the host \
                         you named."
                    .to_owned(),
            },
            RelayRefusal::TooManyRedirects => format!(
                "The workspace redirected more than {MAX_REDIRECTS} times without answering."
            ),
            RelayRefusal::ResolvesToLocalAddress { hostname } => format!(
                "{prefix}: {hostname} resolves only to this machine or to link-local \
                 addresses, where no workspace is."
            ),
            RelayRefusal::UpstreamUnreachable { hostname } => format!(
                "The relay could not reach {hostname}: the name did not resolve, nothing \
                 answered, or the TLS certificate was not valid for it."
            ),
            RelayRefusal::UpstreamTimeout { hostname, seconds } => {
                format!(
                    "{hostname} did not answer the relay within {}.",
                    in_seconds(*seconds)
                )
            }
            RelayRefusal::AnswerTooLarge { limit } => format!(
                "The workspace's answer was larger than the {limit} bytes the relay passes on."
            ),
        }
    }

    fn fix(&self) -> String {
        match self {
            RelayRefusal::AccountConsole { .. } | RelayRefusal::NotAWorkspace { .. } => {
                "Use your workspace's own URL: open the workspace in the browser and copy the \
                 address bar up to the host name."
                    .to_owned()
            }
            RelayRefusal::NotDatabricks { .. } => {
                "Use the workspace URL from your browser's address bar. If your workspace \
                 really is reached through another name (a custom private-link domain), start \
                 the relay with --allow-host <that name>."
                    .to_owned()
            }
            RelayRefusal::HostRefused { .. } => {
                "Correct the workspace URL as the workspace field says.".to_owned()
            }
            RelayRefusal::RelayBusy => "Wait a second and run the check again.".to_owned(),
            RelayRefusal::RequestTimeout { .. } | RelayRefusal::IncompleteRequest => {
                "Run the check again from the page the relay serves; if it keeps happening, \
                 check the network between your browser and the relay."
                    .to_owned()
            }
            RelayRefusal::BadHostHeader { .. } => {
                "Open the page the relay serves and run the check there; a browser sends one \
                 Host header, naming the relay."
                    .to_owned()
            }
            RelayRefusal::RedirectToOtherHost { .. } | RelayRefusal::TooManyRedirects => {
                "Open the workspace URL in a browser to see where it sends you; if that is a \
                 sign-in page of your company network, run the check from inside it."
                    .to_owned()
            }
            RelayRefusal::ResolvesToLocalAddress { .. }
            | RelayRefusal::UpstreamUnreachable { .. } => {
                "Check the workspace URL, and that the machine running the relay can reach the \
                 workspace (its DNS, firewall, proxy or private-link network)."
                    .to_owned()
            }
            RelayRefusal::UpstreamTimeout { .. } => {
                "Run the check again; if it keeps timing out, check the relay machine's network \
                 path to the workspace."
                    .to_owned()
            }
            RelayRefusal::AnswerTooLarge { .. } => {
                "Run the terminal route instead; it prints the whole answer.".to_owned()
            }
            RelayRefusal::CrossOrigin => {
                "Open the page the relay serves (its own address) and run the check there."
                    .to_owned()
            }
            _ => "Run the check from the page the relay serves: it sends only the workspace \
                  URL and the check's own requests."
                .to_owned(),
        }
    }
}

impl fmt::Display for RelayRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for RelayRefusal {}

/// What the relay will forward: one step of the plan to one allowed host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelayTarget {
    /// Lower-case host name.
    pub hostname: String,
    pub step: Step,
}

impl RelayTarget {
    pub fn upstream_url(&self) -> String {
        format!("https://{}{}", self.hostname, self.step.path())
    }
}

/// Reads a request the relay received: `method` and the raw request target (path and
/// query as sent, not decoded). `extra_hosts` are the `--allow-host` names, lower case.
/// Never panics.
pub fn read_relay_request(
    method: &str,
    path_and_query: &str,
    extra_hosts: &[String],
) -> Result<RelayTarget, RelayRefusal> {
    let Some(rest) = path_and_query.strip_prefix(RELAY_PREFIX) else {
        return Err(RelayRefusal::NotARelayPath);
    };
    // Each check below looks at the raw text, so no decoding step can turn an
    // allowed-looking path into another one (the paths compared at the end are exact).
    if rest.contains('?') || rest.contains('#') {
        return Err(RelayRefusal::QueryNotAllowed);
    }
    if rest
        .split('/')
        .any(|segment| matches!(decoded(segment).as_str(), "." | ".."))
    {
        return Err(RelayRefusal::PathTraversal);
    }
    let lower = rest.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || rest.contains('\\') {
        return Err(RelayRefusal::EncodedSlash);
    }
    let (segment, api_path) = rest
        .find('/')
        .and_then(|at| rest.split_at_checked(at))
        .unwrap_or((rest, ""));
    let hostname = relay_host(segment, extra_hosts)?;
    let step = Step::ALL
        .into_iter()
        .find(|s| s.path() == api_path)
        .ok_or(RelayRefusal::PathNotAllowed)?;
    if method != step.http_method().as_str() {
        return Err(RelayRefusal::MethodNotAllowed {
            method: printable(method, 16),
            step,
        });
    }
    Ok(RelayTarget { hostname, step })
}

fn decoded(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

/// Whether the relay forwards to `segment` (the host part of a relay path, raw), and
/// under which name. The Databricks DNS zones come from the host analysis, which also
/// tells workspaces from account consoles and private-link helpers; `extra_hosts` adds
/// exact names. Never panics.
pub fn relay_host(segment: &str, extra_hosts: &[String]) -> Result<String, RelayRefusal> {
    if segment.is_empty() {
        return Err(RelayRefusal::HostMissing);
    }
    if segment.len() > MAX_HOST_BYTES {
        return Err(RelayRefusal::HostTooLong {
            bytes: segment.len(),
        });
    }
    if segment.contains('@') {
        return Err(RelayRefusal::UserInfoInHost);
    }
    if segment.contains('%') {
        return Err(RelayRefusal::EncodedHost);
    }
    let bracketless = segment
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(segment);
    if let Ok(ip) = bracketless.parse::<Ipv6Addr>() {
        return Err(RelayRefusal::IpAddress { ip: ip.to_string() });
    }
    if !is_dns_name(segment) {
        return Err(RelayRefusal::HostNotAName);
    }
    let hostname = segment.to_ascii_lowercase();
    // The WHATWG host parser reads every IPv4 spelling a browser or `curl` would
    // connect to: `2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`.
    if let Ok(url::Host::Ipv4(ip)) = url::Host::parse(&hostname) {
        return Err(RelayRefusal::IpAddress { ip: ip.to_string() });
    }
    if hostname == "localhost" || hostname.ends_with(".localhost") {
        return Err(RelayRefusal::Localhost);
    }
    if extra_hosts
        .iter()
        .any(|h| h.eq_ignore_ascii_case(&hostname))
    {
        return Ok(hostname);
    }
    let analysis = analyse_host(&hostname);
    match analysis.kind {
        HostKind::AccountConsole => return Err(RelayRefusal::AccountConsole { hostname }),
        HostKind::PrivateLinkHelper => return Err(RelayRefusal::NotAWorkspace { hostname }),
        _ => {}
    }
    // An error finding (a look-alike of a zone, a zone without a workspace name, a
    // non-ASCII label, a token pasted as a host) explains the refusal better than "not
    // Databricks" does.
    if let Some(error) = analysis
        .findings
        .iter()
        .find(|f| f.severity == Severity::Error)
    {
        return Err(RelayRefusal::HostRefused {
            finding: error.code,
            reason: error.message.clone(),
        });
    }
    if analysis.hostname.as_deref() != Some(hostname.as_str()) {
        return Err(RelayRefusal::HostNotAName);
    }
    let allowed_kind = matches!(
        analysis.kind,
        HostKind::Workspace | HostKind::LegacyRegional | HostKind::CommunityEdition
    );
    if !allowed_kind || !analysis.in_known_zone() {
        return Err(RelayRefusal::NotDatabricks { hostname });
    }
    Ok(hostname)
}

/// ASCII letters, digits and `-` in non-empty labels of at most 63 characters, joined
/// by single dots (RFC 1035 §2.3.1 as relaxed by RFC 1123 §2.1). Hand-written because
/// the question is narrower than any parser's: no IDNA mapping, no root dot, no port.
fn is_dns_name(text: &str) -> bool {
    text.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

/// The next URL of a redirect the relay may follow: on the same host, port and scheme
/// (HTTPS), with no user info. Anything else is refused, so a workspace cannot send the
/// relay (and the credential it carries) anywhere else. Never panics.
pub fn same_host_redirect(current_url: &str, location: &str) -> Result<String, RelayRefusal> {
    let other = |target: Option<&url::Url>| RelayRefusal::RedirectToOtherHost {
        target_host: target
            .and_then(|u| u.host_str())
            .map(|h| printable(h, MAX_HOST_BYTES)),
    };
    let Ok(current) = url::Url::parse(current_url) else {
        return Err(other(None));
    };
    let Ok(mut next) = current.join(location.trim()) else {
        return Err(other(None));
    };
    let same = next.scheme() == "https"
        && next.host_str() == current.host_str()
        && next.port() == current.port()
        && next.username().is_empty()
        && next.password().is_none();
    if !same {
        return Err(other(Some(&next)));
    }
    next.set_fragment(None);
    Ok(next.to_string())
}

/// The method after a redirect, as Python `requests` (which Airflow uses) and browsers
/// do it: 303 turns anything into GET, 301 and 302 turn POST into GET, 307 and 308 keep
/// the method and its body.
pub fn method_after_redirect(status: u16, method: HttpMethod) -> HttpMethod {
    match (status, method) {
        (303, _) | (301 | 302, HttpMethod::Post) => HttpMethod::Get,
        (_, m) => m,
    }
}

/// Whether a response status is a redirect the relay acts on.
pub fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Whether a request reached the relay from its own page. `host` is the `Host` header,
/// `origin` and `fetch_site` the `Origin` and `Sec-Fetch-Site` headers a browser adds.
/// With `loopback_only` (the relay listens on a loopback address) the `Host` must name
/// this machine, which stops a DNS-rebinding page from using the relay. Never panics.
pub fn check_same_origin(
    host: Option<&str>,
    origin: Option<&str>,
    fetch_site: Option<&str>,
    loopback_only: bool,
) -> Result<(), RelayRefusal> {
    if let Some(site) = fetch_site {
        if !matches!(site.trim(), "same-origin" | "none") {
            return Err(RelayRefusal::CrossOrigin);
        }
    }
    let host = host.map(|h| h.trim().to_ascii_lowercase());
    if let Some(origin) = origin {
        let origin = origin.trim().to_ascii_lowercase();
        let same = host.as_deref().is_some_and(|h| {
            origin.strip_prefix("http://") == Some(h) || origin.strip_prefix("https://") == Some(h)
        });
        if !same {
            return Err(RelayRefusal::CrossOrigin);
        }
    }
    if loopback_only {
        let Some(host) = host else {
            return Err(RelayRefusal::CrossOrigin);
        };
        if !names_loopback(&host) {
            return Err(RelayRefusal::CrossOrigin);
        }
    }
    Ok(())
}

/// `127.0.0.1:8080`, `localhost`, `[::1]:8080`.
fn names_loopback(host_header: &str) -> bool {
    let name = match host_header.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host_header
            .rsplit_once(':')
            .map_or(host_header, |(name, _)| name),
    };
    if name == "localhost" {
        return true;
    }
    name.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// What is wrong with a request's `Host` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostHeaderProblem {
    Repeated,
    /// An HTTP/1.1 request without one.
    Missing,
    /// Empty, or not visible ASCII (RFC 3986's authority is ASCII).
    Invalid,
    /// An absolute-form request target (`GET http://a/...`) whose authority is not the `Host`.
    DisagreesWithTarget,
}

/// The one name a request is addressed to, from its `Host` header lines (`hosts`, raw
/// bytes as received) and the authority of an absolute-form request target. RFC 9112
/// §3.2: a server answers 400 to an HTTP/1.1 request without a Host, to any request with
/// more than one or with an invalid one; and a client must send a Host identical to the
/// target's authority. Refusing these here means no later check can read another Host
/// than the one the request was routed by. `None`: an HTTP/1.0 request without a Host,
/// which HTTP/1.0 allows. Never panics.
pub fn request_host<'a>(
    hosts: &[&'a [u8]],
    target_authority: Option<&'a str>,
    http11: bool,
) -> Result<Option<&'a str>, RelayRefusal> {
    let problem = |problem| Err(RelayRefusal::BadHostHeader { problem });
    let host = match hosts {
        [] => None,
        [one] => match std::str::from_utf8(one) {
            Ok(text)
                if !text.trim().is_empty() && text.trim().bytes().all(|b| b.is_ascii_graphic()) =>
            {
                Some(text.trim())
            }
            _ => return problem(HostHeaderProblem::Invalid),
        },
        _ => return problem(HostHeaderProblem::Repeated),
    };
    match (host, target_authority) {
        (None, _) if http11 => problem(HostHeaderProblem::Missing),
        (Some(host), Some(authority)) if !host.eq_ignore_ascii_case(authority.trim()) => {
            problem(HostHeaderProblem::DisagreesWithTarget)
        }
        (host, authority) => Ok(host.or(authority)),
    }
}

/// `html` with [`page_mark`] inserted just before its `</head>`, or `None` when it has
/// no `</head>` outside a `<script>` (inserting inside one would change the script and
/// break its hash; the page then works as on a static host).
pub fn mark_page(html: &[u8]) -> Option<Vec<u8>> {
    let at = head_end(html)?;
    let mark = page_mark();
    let mut marked = Vec::with_capacity(html.len() + mark.len() + 1);
    marked.extend_from_slice(html.get(..at)?);
    marked.extend_from_slice(mark.as_bytes());
    marked.push(b'\n');
    marked.extend_from_slice(html.get(at..)?);
    Some(marked)
}

/// Where the first `</head>` outside a `<script>` element starts (ASCII case ignored).
fn head_end(html: &[u8]) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    let find = |needle: &[u8], from: usize| {
        lower
            .get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    };
    let mut from = 0;
    // Each turn passes one script element or ends: bounded by the page's length.
    for _ in 0..=html.len() {
        let head = find(b"</head", from)?;
        match find(b"<script", from) {
            Some(script) if script < head => {
                // Script text ends only at `</script`; an unclosed script has no head end after it.
                from = find(b"</script", script)? + 1;
            }
            _ => return Some(head),
        }
    }
    None
}

#[cfg(test)]
mod tests;
