//! `dbx-check-relay`: serves the dbx-check page and forwards its live check to the
//! workspace, so that workspaces which refuse cross-origin browser calls (most do,
//! docs/databricks-answers.md, "Calling from a browser") still get a real verdict. The page calls its own
//! origin; the relay makes the identical request to `https://<workspace host>/<path>`.
//!
//! The page's contract (paths, mark, headers, what a relayed answer means) is in
//! [`dbx_check_core::check::relay`]; the relay's own decisions (which host, which path,
//! which redirect, whose request) are in [`policy`]; the rest is HTTP plumbing.
//!
//! # The page's side of the contract
//!
//! 1. Find the relay: every HTML page the relay serves from `dist/` carries, just
//!    before its `</head>`, `<meta name="dbx-check-relay" content="dbx-check" />`
//!    (`dbx_check_core::check::relay::page_mark`; read it with `page_mark_confirms`). No mark:
//!    no relay, and no request was spent finding out, so a plain static host logs no
//!    failed probe. The mark is no script, so the page's CSP hashes still hold. Other
//!    clients ask `GET /relay/health`, which answers `200`
//!    `{"relay": "dbx-check", "version": "0.1.0", "paths": [...]}`
//!    (`dbx_check_core::check::relay::is_relay_health`).
//!    The relay serves the page at the root of its origin, so the paths below are
//!    absolute; a proxy that moves the relay under a sub-path breaks them.
//! 2. For each planned request, `fetch(relay_path(hostname, step))`, i.e.
//!    `/relay/<lower-case host name>/<API path>`, for example
//!    `GET /relay/dbc-a1b2345c-d6e7.cloud.databricks.com/api/2.1/clusters/spark-versions`
//!    or `POST /relay/adb-1.2.azuredatabricks.net/oidc/v1/token`, with the planned method,
//!    headers (`Accept`, `Authorization`, and `Content-Type` for the token request) and
//!    body, `credentials: "omit"`, and no query string.
//! 3. Pass status, headers and body to `dbx_check_core::check::relay::relayed_outcome(step, ...)`:
//!    `Ok(RawOutcome)` goes to `diagnose` as a direct answer would; `Err(RelayRefused)`
//!    is the relay's own refusal, with a message and a fix to show.
//!
//! What the relay sends back:
//! - A relayed answer: the workspace's status and body, only the headers
//!   `content-type`, `retry-after`, `x-databricks-org-id`, `x-databricks-reason-phrase`
//!   (`set-cookie`, `location` and all others dropped; `www-authenticate` too, because a
//!   browser answers a 401 carrying it with a password dialog), and
//!   `x-dbx-check-final-url: https://<host>/<path after same-host redirects>`.
//! - The relay's own answer, when it forwarded nothing or got nothing usable: header
//!   `x-dbx-check-relay-error: <code>` and a JSON finding
//!   `{"code", "severity", "message", "fix"}`, status 4xx for requests it never makes
//!   (`ip_address`, `not_databricks`, `path_not_allowed`, `cross_origin`, ...), 502/504
//!   for `upstream_unreachable`, `upstream_timeout`, `too_many_redirects`,
//!   `answer_too_large`, and 403 `redirect_to_other_host` with the redirect as data:
//!   `x-dbx-check-upstream-status` and `x-dbx-check-location`. The refusals about the
//!   request itself (`request_too_large` 413, `request_timeout` 408,
//!   `incomplete_request` 400, `bad_host_header` 400) also carry `Connection: close`.
//!
//! # What it refuses
//! Hosts outside the Databricks DNS zones (the core's host analysis; account consoles
//! and private-link helpers too) unless named with `--allow-host`; IP addresses in any
//! spelling; `localhost`; user info, `%` or a port in the host; paths other than the
//! plan's four with their methods; `.`/`..` segments and encoded slashes; query strings;
//! request bodies over 16 KiB (413 `request_too_large`, at once and without reading the
//! body when `Content-Length` says so); a `Host` header that is repeated, missing
//! (HTTP/1.1), not a visible-ASCII name, or not the authority of an absolute-form target
//! (400 `bad_host_header`, RFC 9112 §3.2; for the page's files too); requests from
//! another origin (`Origin`, `Sec-Fetch-Site`) or, on a loopback address, through a
//! foreign `Host` (DNS rebinding); names that resolve only to local or link-local
//! addresses; redirects to another host. Cookies go neither way. Each answer may be
//! 4 MiB, and 64 relayed requests run at once (503 `relay_busy` beyond).
//!
//! # Deadlines
//! One deadline per request, 15 s from its first byte (`--timeout-secs`,
//! [`Limits::request_timeout`]), covers its head, its body and the workspace's answer
//! with redirects:
//! - The head: a connection is closed, without an answer, when a request's head is not
//!   complete 15 s after the connection opened or after its previous answer. That is
//!   also the longest an idle keep-alive connection stays open.
//! - The body is read whole, by the deadline, before the request takes one of the 64
//!   slots: a body not complete by then is refused with 408 `request_timeout` (not
//!   `upstream_timeout`, which is the workspace's), one that ends early or is malformed
//!   with 400 `incomplete_request`. A stalled upload never holds a slot.
//! - The workspace gets what is left of the deadline: 504 `upstream_timeout` beyond.
//! - Writing the answer: a client that reads nothing of it for 15 s is disconnected.
//!
//! Each relayed request is logged as one line: `relay METHOD HOST PATH STATUS TIMEms`
//! (the time from the request's first byte),
//! plus `refused=<code>` when refused. Never a query, a body, a header value or a host
//! that was refused (it may be anything the caller typed).

mod connection;
mod files;
pub mod policy;
mod upstream;

use bytes::Bytes;
use connection::{ClockedStream, RequestClock};
use dbx_check_core::check::relay::{
    RelayHealth, ERROR_HEADER, FINAL_URL_HEADER, HEALTH_PATH, LOCATION_HEADER, RELAY_PREFIX,
    UPSTREAM_STATUS_HEADER,
};
use dbx_check_core::check::HttpMethod;
use dbx_check_core::finding::Diagnostic;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Body, Incoming};
use hyper::header::{HeaderMap, HeaderName, HeaderValue, HOST};
use hyper::{Method, Request, Response, StatusCode, Uri, Version};
use hyper_util::rt::{TokioIo, TokioTimer};
use policy::{
    check_same_origin, read_relay_request, request_host, RelayRefusal, FORWARDED_REQUEST_HEADERS,
};
use rustls::pki_types::CertificateDer;
use std::convert::Infallible;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use upstream::{Relayed, Upstream};

pub use dbx_check_core::check::relay as contract;

/// The relay's version, in its health answer.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The page carries its own Content Security Policy (scripts from its origin and the
/// hash of Trunk's loader, calls to its origin and the Databricks zones), written at build
/// time; this header adds what a `<meta>` policy cannot say. Framing stays allowed: teams
/// embed the page in their own documentation.
const CONTENT_SECURITY_POLICY: &str = "object-src 'none'; base-uri 'none'";

/// How much the relay takes on.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// One request, from its first byte to its answer: head, body, and the workspace's
    /// answer with its redirects. Also how long a connection may wait for a request's
    /// head (from its opening or its last answer), and how long a write to the client
    /// may make no progress.
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// A request body from the page (the token form is 44 bytes).
    pub max_request_bytes: usize,
    /// An answer from the workspace (a large workspace's warehouse list is well under).
    pub max_answer_bytes: usize,
    /// Relayed requests in flight; more are refused with 503 `relay_busy`.
    pub max_concurrent_relays: usize,
    /// Open client connections; more are closed at accept.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            request_timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(5),
            max_request_bytes: 16 * 1024,
            max_answer_bytes: 4 * 1024 * 1024,
            max_concurrent_relays: 64,
            max_connections: 512,
        }
    }
}

/// A test setting: connect to `addr` for host names matching `pattern` (an exact name, or
/// `*.zone` for any name under the zone), like curl's `--resolve` and Chromium's
/// `--host-resolver-rules`. Only loopback addresses are accepted, so the setting cannot
/// point the relay at another machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveRule {
    pub pattern: String,
    pub addr: SocketAddr,
}

impl ResolveRule {
    fn matches(&self, host: &str) -> bool {
        match self.pattern.strip_prefix("*.") {
            Some(zone) => host
                .strip_suffix(zone)
                .and_then(|rest| rest.strip_suffix('.'))
                .is_some_and(|name| !name.is_empty()),
            None => self.pattern == host,
        }
    }
}

impl FromStr for ResolveRule {
    type Err = String;

    /// `HOST=127.0.0.1:PORT` or `*.cloud.databricks.com=127.0.0.1:PORT`.
    fn from_str(text: &str) -> Result<Self, String> {
        let (pattern, addr) = text
            .split_once('=')
            .ok_or_else(|| format!("'{text}' is not HOST=ADDRESS:PORT"))?;
        let addr: SocketAddr = addr
            .parse()
            .map_err(|_| format!("'{addr}' is not ADDRESS:PORT, e.g. 127.0.0.1:8443"))?;
        if !addr.ip().is_loopback() {
            return Err(format!(
                "{addr} is not a loopback address; --resolve is a test setting for servers on this machine"
            ));
        }
        let pattern = pattern.trim().to_ascii_lowercase();
        let name = pattern.strip_prefix("*.").unwrap_or(&pattern);
        if name.is_empty() || !name.split('.').all(|l| !l.is_empty()) {
            return Err(format!("'{pattern}' is not a host name or *.zone"));
        }
        Ok(ResolveRule { pattern, addr })
    }
}

/// Where the one-line-per-request log goes.
#[derive(Debug, Clone, Default)]
pub enum LogSink {
    #[default]
    Stdout,
    /// Kept in memory, for tests to read.
    Memory(Arc<Mutex<Vec<String>>>),
    Off,
}

impl LogSink {
    fn write(&self, line: String) {
        match self {
            LogSink::Stdout => {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }
            LogSink::Memory(lines) => {
                if let Ok(mut lines) = lines.lock() {
                    lines.push(line);
                }
            }
            LogSink::Off => {}
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The release build to serve; `None` serves only the relay.
    pub dist: Option<PathBuf>,
    /// 127.0.0.1 unless told otherwise.
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Host names forwarded to besides the Databricks workspaces (`--allow-host`).
    pub allow_hosts: Vec<String>,
    /// Test setting: certificates trusted besides the public roots (`--extra-root-cert`).
    pub extra_root_certs: Vec<CertificateDer<'static>>,
    /// Test setting: names connected to on loopback (`--resolve`).
    pub resolve: Vec<ResolveRule>,
    pub limits: Limits,
    pub log: LogSink,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            dist: None,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8080,
            allow_hosts: Vec::new(),
            extra_root_certs: Vec::new(),
            resolve: Vec::new(),
            limits: Limits::default(),
            log: LogSink::Stdout,
        }
    }
}

/// A running relay. Dropping it stops accepting connections.
pub struct Relay {
    pub addr: SocketAddr,
    accept_loop: JoinHandle<()>,
}

impl Relay {
    /// `http://<addr>`, for clients and messages.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

struct State {
    dist: Option<PathBuf>,
    allow_hosts: Vec<String>,
    loopback_only: bool,
    upstream: Upstream,
    relays: Arc<Semaphore>,
    limits: Limits,
    log: LogSink,
    health: Bytes,
}

/// Checks the configuration, binds, and starts serving on the current tokio runtime.
pub async fn start(config: Config) -> Result<Relay, String> {
    let mut allow_hosts = Vec::new();
    for host in &config.allow_hosts {
        allow_hosts.push(checked_allow_host(host)?);
    }
    let dist = match &config.dist {
        Some(dir) => Some(
            std::fs::canonicalize(dir)
                .ok()
                .filter(|d| d.join("index.html").is_file())
                .ok_or_else(|| {
                    format!(
                        "{} has no index.html; build the page first (make build)",
                        dir.display()
                    )
                })?,
        ),
        None => None,
    };
    let upstream = Upstream::new(
        &config.extra_root_certs,
        config.resolve.clone(),
        config.limits,
    )?;
    let health = serde_json::to_vec(&RelayHealth::new(VERSION)).unwrap_or_default();
    let state = Arc::new(State {
        dist,
        allow_hosts,
        loopback_only: config.bind.is_loopback(),
        upstream,
        relays: Arc::new(Semaphore::new(config.limits.max_concurrent_relays)),
        limits: config.limits,
        log: config.log.clone(),
        health: Bytes::from(health),
    });
    let listener = TcpListener::bind((config.bind, config.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", config.bind, config.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let connections = Arc::new(Semaphore::new(config.limits.max_connections));
    let accept_loop = tokio::spawn(accept_loop(listener, state, connections));
    Ok(Relay { addr, accept_loop })
}

/// `--allow-host` takes names only: never an address or this machine, whatever the
/// operator types.
fn checked_allow_host(host: &str) -> Result<String, String> {
    let name = host.trim().to_ascii_lowercase();
    match policy::relay_host(&name, std::slice::from_ref(&name)) {
        Ok(_) => Ok(name),
        Err(refusal) => Err(format!("--allow-host {host}: {}", refusal.message())),
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>, connections: Arc<Semaphore>) {
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(_) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let deadline = state.limits.request_timeout;
            let clock = RequestClock::new();
            let stream = ClockedStream::new(stream, clock.clone(), deadline);
            let service = hyper::service::service_fn(move |req| {
                let state = state.clone();
                let clock = clock.clone();
                async move {
                    let started = clock.request_started();
                    let response = route(&state, req, started).await;
                    clock.request_answered();
                    Ok::<_, Infallible>(response)
                }
            });
            // hyper 1.12's header read timeout starts when the connection opens and again
            // when it turns idle after an answer, so it also closes idle keep-alive
            // connections; it ends when the head is complete (docs/relay-timeouts.md).
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(deadline)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// `started`: when the request's first byte arrived.
async fn route(state: &State, req: Request<Incoming>, started: Instant) -> Response<Full<Bytes>> {
    let path = req.uri().path();
    let relayed = path == HEALTH_PATH || path == "/relay" || path.starts_with(RELAY_PREFIX);
    let host = addressed_host(req.headers(), req.uri(), req.version()).map(|_| ());
    let mut response = if path != HEALTH_PATH && relayed {
        relay_request(state, req, started).await
    } else if let Err(refusal) = host {
        refusal_response(&refusal)
    } else if path == HEALTH_PATH {
        health(state, req.method())
    } else {
        static_file(state, &req).await
    };
    // The page's files are public and the embedding script is loaded by other sites'
    // documentation pages; the relay's answers are for the page's own origin only.
    let resource_policy = if relayed {
        "same-origin"
    } else {
        "cross-origin"
    };
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", resource_policy),
        ("content-security-policy", CONTENT_SECURITY_POLICY),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

fn health(state: &State, method: &Method) -> Response<Full<Bytes>> {
    if method != Method::GET && method != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "GET only\n");
    }
    let mut response = Response::new(Full::new(state.health.clone()));
    set(&mut response, "content-type", "application/json");
    set(&mut response, "cache-control", "no-store");
    response
}

/// The one `Host` the request is addressed to (`None`: HTTP/1.0 without one).
fn addressed_host<'a>(
    headers: &'a HeaderMap,
    uri: &'a Uri,
    version: Version,
) -> Result<Option<&'a str>, RelayRefusal> {
    let hosts: Vec<&[u8]> = headers
        .get_all(HOST)
        .iter()
        .map(HeaderValue::as_bytes)
        .collect();
    let http11 = version != Version::HTTP_10 && version != Version::HTTP_09;
    request_host(&hosts, uri.authority().map(|a| a.as_str()), http11)
}

async fn relay_request(
    state: &State,
    req: Request<Incoming>,
    started: Instant,
) -> Response<Full<Bytes>> {
    let method = req.method().as_str().to_owned();
    let (response, target) = relay_outcome(state, req, started).await;
    let elapsed = started.elapsed().as_millis();
    let (host, path) = match &target {
        Some(t) => (t.hostname.as_str(), t.step.path()),
        None => ("-", "-"),
    };
    let refused = response
        .headers()
        .get(ERROR_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|code| format!(" refused={code}"))
        .unwrap_or_default();
    let method = if target.is_some() {
        method.as_str()
    } else {
        "-"
    };
    state.log.write(format!(
        "relay {method} {host} {path} {} {elapsed}ms{refused}",
        response.status().as_u16()
    ));
    response
}

/// The answer, and the target when the request was one the relay forwards (for the log).
async fn relay_outcome(
    state: &State,
    req: Request<Incoming>,
    started: Instant,
) -> (Response<Full<Bytes>>, Option<policy::RelayTarget>) {
    // A deadline past what the clock can hold (a Limits of Duration::MAX) is no deadline.
    let deadline = started
        .checked_add(state.limits.request_timeout)
        .unwrap_or_else(|| started + Duration::from_secs(24 * 3600));
    let (parts, body) = req.into_parts();
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let host = match addressed_host(&parts.headers, &parts.uri, parts.version) {
        Ok(host) => host,
        Err(refusal) => return (refusal_response(&refusal), None),
    };
    if let Err(refusal) = check_same_origin(
        host,
        header("origin"),
        header("sec-fetch-site"),
        state.loopback_only,
    ) {
        return (refusal_response(&refusal), None);
    }
    let path_and_query = parts.uri.path_and_query().map_or("", |p| p.as_str());
    let target = match read_relay_request(parts.method.as_str(), path_and_query, &state.allow_hosts)
    {
        Ok(target) => target,
        Err(refusal) => return (refusal_response(&refusal), None),
    };
    // The whole body before a slot: a client that stalls its upload holds no slot, and
    // waits no longer than the deadline.
    let body = match read_body(body, &state.limits, deadline).await {
        Ok(body) => body,
        Err(refusal) => return (refusal_response(&refusal), Some(target)),
    };
    let Ok(_permit) = state.relays.clone().try_acquire_owned() else {
        return (refusal_response(&RelayRefusal::RelayBusy), Some(target));
    };
    // The plan's GETs carry neither a body nor a Content-Type; nothing else rides along.
    let get = target.step.http_method() == HttpMethod::Get;
    let body = if get { Bytes::new() } else { body };
    let forwarded = FORWARDED_REQUEST_HEADERS
        .iter()
        .filter(|name| !(get && **name == "content-type"))
        .filter_map(|name| parts.headers.get(*name).map(|v| (*name, v.clone())))
        .collect();
    let response = match state
        .upstream
        .relay(&target, forwarded, body, deadline)
        .await
    {
        Ok(Relayed::Answer {
            status,
            headers,
            body,
            final_url,
        }) => {
            let mut response = Response::new(Full::new(body));
            *response.status_mut() =
                StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            for (name, value) in headers {
                response.headers_mut().append(name, value);
            }
            set_final_url(&mut response, &final_url);
            set(&mut response, "cache-control", "no-store");
            response
        }
        Ok(Relayed::RedirectRefused {
            refusal,
            status,
            location,
            final_url,
        }) => {
            let mut response = refusal_response(&refusal);
            if let Ok(v) = HeaderValue::from_str(&status.to_string()) {
                response.headers_mut().insert(UPSTREAM_STATUS_HEADER, v);
            }
            if let Some(location) = location {
                response.headers_mut().insert(LOCATION_HEADER, location);
            }
            set_final_url(&mut response, &final_url);
            response
        }
        Err(refusal) => refusal_response(&refusal),
    };
    (response, Some(target))
}

/// The whole request body by the deadline. A declared length over the limit is refused
/// before a byte of the body is read (and, with `Expect: 100-continue`, before hyper
/// invites the client to send it).
async fn read_body(
    body: Incoming,
    limits: &Limits,
    deadline: Instant,
) -> Result<Bytes, RelayRefusal> {
    let limit = limits.max_request_bytes;
    let too_large = RelayRefusal::RequestTooLarge { limit };
    if body.size_hint().lower() > u64::try_from(limit).unwrap_or(u64::MAX) {
        return Err(too_large);
    }
    match tokio::time::timeout_at(deadline, Limited::new(body, limit).collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<LengthLimitError>() => Err(too_large),
        Ok(Err(_)) => Err(RelayRefusal::IncompleteRequest),
        Err(_) => Err(RelayRefusal::RequestTimeout {
            seconds: whole_seconds(limits.request_timeout),
        }),
    }
}

/// Rounded up, at least 1: for messages.
pub(crate) fn whole_seconds(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis().div_ceil(1000))
        .unwrap_or(u64::MAX)
        .max(1)
}

fn set_final_url(response: &mut Response<Full<Bytes>>, url: &str) {
    if let Ok(v) = HeaderValue::from_str(url) {
        response.headers_mut().insert(FINAL_URL_HEADER, v);
    }
}

fn refusal_response(refusal: &RelayRefusal) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(refusal.to_json())));
    *response.status_mut() =
        StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST);
    set(&mut response, "content-type", "application/json");
    set(&mut response, "cache-control", "no-store");
    response
        .headers_mut()
        .insert(ERROR_HEADER, HeaderValue::from_static(refusal.code()));
    if matches!(refusal, RelayRefusal::RelayBusy) {
        set(&mut response, "retry-after", "1");
    }
    // The body may be partly unread, so the connection cannot carry another request.
    if matches!(
        refusal,
        RelayRefusal::RequestTooLarge { .. }
            | RelayRefusal::RequestTimeout { .. }
            | RelayRefusal::IncompleteRequest
            | RelayRefusal::BadHostHeader { .. }
    ) {
        set(&mut response, "connection", "close");
    }
    if let RelayRefusal::MethodNotAllowed { step, .. } = refusal {
        set(&mut response, "allow", step.http_method().as_str());
    }
    response
}

async fn static_file(state: &State, req: &Request<Incoming>) -> Response<Full<Bytes>> {
    let Some(root) = &state.dist else {
        return plain(StatusCode::NOT_FOUND, "this relay serves no page\n");
    };
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "GET or HEAD only\n");
        set(&mut response, "allow", "GET, HEAD");
        return response;
    }
    let Some(file) = files::resolve(root, req.uri().path()).await else {
        return plain(StatusCode::NOT_FOUND, "not found\n");
    };
    let Ok(mut bytes) = tokio::fs::read(&file).await else {
        return plain(StatusCode::NOT_FOUND, "not found\n");
    };
    let content_type = files::content_type(&file);
    // The page learns from this mark that its relay is here, without a request.
    if content_type.starts_with("text/html") {
        if let Some(marked) = policy::mark_page(&bytes) {
            bytes = marked;
        }
    }
    let length = bytes.len();
    let body = if req.method() == Method::HEAD {
        Bytes::new()
    } else {
        Bytes::from(bytes)
    };
    let mut response = Response::new(Full::new(body));
    set(&mut response, "content-type", content_type);
    // Trunk names assets by content hash, but index.html is not: revalidate everything.
    set(&mut response, "cache-control", "no-cache");
    if let Ok(v) = HeaderValue::from_str(&length.to_string()) {
        response.headers_mut().insert("content-length", v);
    }
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    set(&mut response, "content-type", "text/plain; charset=utf-8");
    response
}

fn set(response: &mut Response<Full<Bytes>>, name: &'static str, value: &'static str) {
    response.headers_mut().insert(
        HeaderName::from_static(name),
        HeaderValue::from_static(value),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_rules_name_loopback_only_and_match_whole_labels() {
        let rule: ResolveRule = "*.Cloud.Databricks.com=127.0.0.1:8443".parse().unwrap();
        assert!(rule.matches("ok-1.cloud.databricks.com"));
        assert!(rule.matches("a.b.cloud.databricks.com"));
        assert!(!rule.matches("cloud.databricks.com"));
        assert!(!rule.matches("evilcloud.databricks.com"));
        let exact: ResolveRule = "ws.corp.example=[::1]:9".parse().unwrap();
        assert!(exact.matches("ws.corp.example") && !exact.matches("x.ws.corp.example"));
        for bad in [
            "ws.corp.example=10.0.0.1:443",
            "ws.corp.example=169.254.169.254:80",
            "ws.corp.example",
            "=127.0.0.1:1",
            "*.=127.0.0.1:1",
            "a..b=127.0.0.1:1",
        ] {
            assert!(bad.parse::<ResolveRule>().is_err(), "{bad}");
        }
    }

    #[test]
    fn allow_host_takes_names_only() {
        assert_eq!(
            checked_allow_host(" WS.Corp.Example ").as_deref(),
            Ok("ws.corp.example")
        );
        for bad in [
            "127.0.0.1",
            "2130706433",
            "localhost",
            "[::1]",
            "a@b.example",
            "x:1",
        ] {
            assert!(checked_allow_host(bad).is_err(), "{bad}");
        }
    }
}
