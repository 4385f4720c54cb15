//! A stand-in for Databricks workspaces, for tests: a TLS server on 127.0.0.1 answering
//! as the scenario named by the first label of the `Host` header (see
//! [`scenario::Scenario`]), and logging every request with its secrets redacted.
//!
//! Certificates: a certificate authority is made at start ([`FakeDatabricks::certificate_der`]
//! and `_pem`, what a client trusts), and each handshake gets a leaf certificate for
//! exactly the name the client sent (SNI), made on first use and cached. So every real
//! name shape verifies, with one or two labels below the zone
//! (`dbc-a1b2345c-d6e7.cloud.databricks.com`, `adb-5555555555555555.19.azuredatabricks.net`,
//! `8757561887652360.0.gcp.databricks.com`), as does any made-up name; a client that
//! connects to `127.0.0.1` without a name gets one for `localhost` and `127.0.0.1`.
//!
//! Browsers reach it with `--host-resolver-rules=MAP *.cloud.databricks.com
//! 127.0.0.1:<port>` and `--ignore-certificate-errors`; native clients trust the
//! authority (`REQUESTS_CA_BUNDLE` for Python's requests, `--cacert` for curl).
//!
//! Control endpoints on any host: `GET /__log` (the request log as JSON),
//! `DELETE /__log` (clear it).
//!
//! | first label | answer (API paths) | verdict of the check |
//! |---|---|---|
//! | `ok-`, any unknown label | 200 JSON with valid test credentials, else 403 Invalid access token | `ok` / `invalid_token` |
//! | `badtoken-` | 403 `{"error_code": 403, "message": "Invalid access token."}` + reason-phrase header | `invalid_token` |
//! | `oldbadtoken-` | 403 HTML `<title>Error 403 Invalid access token.</title>` | `invalid_token` |
//! | `otherorg-` | 403 `Invalid access to Org: 1234567890123456` | `wrong_workspace` |
//! | `ipacl-` | 403 `Source IP address: 127.0.0.1 is blocked by Databricks IP ACL ...` (every path) | `ip_blocked` |
//! | `privatelink-` | 302 to `/login.html?error=private-link-validation-error:<id>`, 200 HTML there | `private_link` |
//! | `ratelimit-` | 429 `Retry-After: 7`, `REQUEST_LIMIT_EXCEEDED` | `rate_limited` |
//! | `outage-` | 503 `TEMPORARILY_UNAVAILABLE` | `unavailable` |
//! | `slow-` | like `ok-`, after 12 s (`--slow-ms`, capped at 60 s) | `timeout` |
//! | `html-` | 200 HTML "Databricks - Sign In" page | `unexpected_response` |
//! | `empty-` | 200 with an empty body | `unexpected_response` |
//! | `nocors-` | like `ok-`, but no CORS header anywhere | `cors_blocked` (in a browser) |
//! | `nocors-<label>-`, e.g. `nocors-badtoken-1`, `nocors-accounts-1` | like `<label>-`, but no CORS header anywhere | `cors_blocked` in a browser; `<label>`'s verdict from a terminal |
//! | `badclient-` | `/oidc/v1/token`: 401 `invalid_client`; API like `ok-` | `oauth_invalid_client` |
//! | `accounts.`, `accounts-dod.` | 401 `Credential was not sent or was of an unsupported type` | `account_console` |
//! | `missingscope-` | spark-versions and warehouses: 403 `PERMISSION_DENIED` | `missing_permission` |
//! | `notfound-` | 404 `ENDPOINT_NOT_FOUND` | `not_found` |
//! | any, a served path under another API version (`/api/2.2/sql/warehouses`) | 404 `{"error": "Bad Target: <path>"}` | `not_found` |
//!
//! CORS is on for every host but those whose first label starts `nocors-` (preflight
//! answered with the `Access-Control-Allow-*` headers, the origin echoed, no header
//! exposed), so that every other verdict can be reached from a browser. The facts
//! (§5) say real workspaces refuse browser calls: `nocors-` is the realistic case, and
//! `nocors-<label>-N` gives any scenario that way (for the terminal route), with the
//! preflight answered without any `Access-Control-*` header, as for `nocors-`.
//!
//! Accepted credentials: [`TEST_PAT`] as Bearer or Basic `token:<PAT>`; [`TEST_USER`] /
//! [`TEST_PASSWORD`] as Basic; [`TEST_CLIENT_ID`] / [`TEST_CLIENT_SECRET`] on
//! `/oidc/v1/token`, which issues [`ISSUED_ACCESS_TOKEN`].

pub mod log;
pub mod scenario;
pub mod table;
mod tls;

pub use log::{LoggedRequest, RequestLog};
pub use scenario::{
    host_allows_cors, Scenario, ISSUED_ACCESS_TOKEN, OTHER_WORKSPACE_ID, RETRY_AFTER_SECONDS,
    TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_PASSWORD, TEST_PAT, TEST_USER, WORKSPACE_ID,
};
pub use table::{scenario_table, ScenarioRow};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use scenario::{answer, check_api_credential, check_client_credential, Asked};
use std::convert::Infallible;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

/// Request bodies read at most (the token form is 44 bytes).
const MAX_BODY_BYTES: usize = 64 * 1024;
/// Connections served at once; more are closed at accept.
const MAX_CONNECTIONS: usize = 256;
/// A `slow-` delay is capped so that no test can hang on it.
const MAX_SLOW_DELAY: Duration = Duration::from_secs(60);
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct Config {
    /// HTTPS port on 127.0.0.1; 0 picks a free one.
    pub https_port: u16,
    /// Optional plain-HTTP port with the same answers (for a relay or curl without TLS).
    pub http_port: Option<u16>,
    /// Also append every logged request to this file as JSON lines.
    pub log_file: Option<PathBuf>,
    /// How long `slow-` hosts wait; longer than the page's 10 s timeout by default.
    pub slow_delay: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            https_port: 8443,
            http_port: None,
            log_file: None,
            slow_delay: scenario::DEFAULT_SLOW_DELAY,
        }
    }
}

/// A running fake. Dropping it stops accepting connections.
pub struct FakeDatabricks {
    pub https_addr: SocketAddr,
    pub http_addr: Option<SocketAddr>,
    /// The certificate authority that signs every leaf: what a client trusts.
    pub certificate_der: Vec<u8>,
    /// The same, PEM-encoded (for curl's `--cacert`, Python's `REQUESTS_CA_BUNDLE`).
    pub certificate_pem: String,
    log: Arc<RequestLog>,
    accept_loops: Vec<JoinHandle<()>>,
}

impl FakeDatabricks {
    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.log.entries()
    }

    pub fn clear_log(&self) {
        self.log.clear();
    }
}

impl Drop for FakeDatabricks {
    fn drop(&mut self) {
        for task in &self.accept_loops {
            task.abort();
        }
    }
}

struct State {
    log: Arc<RequestLog>,
    slow_delay: Duration,
    connections: Arc<Semaphore>,
}

/// Binds 127.0.0.1 only, makes the certificate authority, and starts serving.
pub async fn start(config: Config) -> io::Result<FakeDatabricks> {
    let authority = Arc::new(tls::Authority::new().map_err(io::Error::other)?);
    let tls = tls_acceptor(authority.clone())?;
    let log = Arc::new(RequestLog::new(config.log_file.clone())?);
    let state = Arc::new(State {
        log: log.clone(),
        slow_delay: config.slow_delay.min(MAX_SLOW_DELAY),
        connections: Arc::new(Semaphore::new(MAX_CONNECTIONS)),
    });

    let https = TcpListener::bind((Ipv4Addr::LOCALHOST, config.https_port)).await?;
    let https_addr = https.local_addr()?;
    let mut accept_loops = vec![tokio::spawn(accept_loop(
        https,
        Some(tls),
        state.clone(),
        "https",
    ))];
    let http_addr = match config.http_port {
        Some(port) => {
            let http = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
            let addr = http.local_addr()?;
            accept_loops.push(tokio::spawn(accept_loop(http, None, state, "http")));
            Some(addr)
        }
        None => None,
    };
    Ok(FakeDatabricks {
        https_addr,
        http_addr,
        certificate_der: authority.certificate_der().to_vec(),
        certificate_pem: authority.certificate_pem(),
        log,
        accept_loops,
    })
}

fn tls_acceptor(authority: Arc<tls::Authority>) -> io::Result<TlsAcceptor> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let leaves = tls::LeafPerName::new(authority, &provider).map_err(io::Error::other)?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(io::Error::other)?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(leaves));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Runs for the life of the server; each connection gets its own task.
async fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    state: Arc<State>,
    scheme: &'static str,
) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(_) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = state.connections.clone().try_acquire_owned() else {
            continue;
        };
        let state = state.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let service = hyper::service::service_fn(move |req| {
                let state = state.clone();
                async move { Ok::<_, Infallible>(handle(&state, peer, scheme, req).await) }
            });
            let http = || {
                let mut builder = hyper::server::conn::http1::Builder::new();
                builder
                    .timer(TokioTimer::new())
                    .header_read_timeout(Duration::from_secs(30));
                builder
            };
            match tls {
                Some(acceptor) => {
                    let Ok(Ok(stream)) =
                        tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await
                    else {
                        return;
                    };
                    let _ = http().serve_connection(TokioIo::new(stream), service).await;
                }
                None => {
                    let _ = http().serve_connection(TokioIo::new(stream), service).await;
                }
            }
        });
    }
}

fn header_text<'a>(req: &'a hyper::http::request::Parts, name: &str) -> Option<&'a str> {
    req.headers.get(name).and_then(|v| v.to_str().ok())
}

async fn handle(
    state: &State,
    peer: SocketAddr,
    scheme: &'static str,
    req: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = Limited::new(body, MAX_BODY_BYTES)
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let host_header = header_text(&parts, "host")
        .or_else(|| parts.uri.host())
        .unwrap_or("")
        .to_ascii_lowercase();
    let host = strip_port(&host_header).to_owned();
    let path = parts.uri.path().to_owned();

    if path == "/__log" {
        return log_endpoint(state, &parts.method);
    }

    let scenario = Scenario::from_host(&host);
    let cors = host_allows_cors(&host);
    let authorization = header_text(&parts, "authorization");
    let credential = if path == "/oidc/v1/token" {
        check_client_credential(authorization)
    } else {
        check_api_credential(authorization)
    };
    let origin = header_text(&parts, "origin").map(str::to_owned);
    state.log.record(LoggedRequest::new(
        scheme,
        &parts,
        &host,
        scenario,
        credential.as_str(),
        &body,
    ));

    let mut response = if parts.method == Method::OPTIONS {
        preflight(cors, &parts)
    } else {
        if scenario == Scenario::Slow {
            tokio::time::sleep(state.slow_delay).await;
        }
        let asked = Asked {
            method: parts.method.as_str(),
            path: &path,
            authorization,
            body: &body,
            peer_ip: peer.ip().to_string(),
        };
        to_response(answer(scenario, &asked))
    };
    if cors {
        if let Some(origin) = origin {
            add_cors(&mut response, &origin);
        }
    }
    response
}

fn strip_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    }
}

fn to_response(answer: scenario::Answer) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(answer.body)));
    *response.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    for (name, value) in answer.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response
                .headers_mut()
                .append(HeaderName::from_static(name), value);
        }
    }
    response
}

/// A preflight answer. With CORS on it allows what the page sends; with it off it
/// answers without any `Access-Control-*` header, and the browser refuses the call.
fn preflight(cors: bool, parts: &hyper::http::request::Parts) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::NO_CONTENT;
    if cors {
        let asked_headers = header_text(parts, "access-control-request-headers")
            .unwrap_or("authorization, content-type, accept")
            .to_owned();
        let headers = response.headers_mut();
        headers.insert(
            "access-control-allow-methods",
            HeaderValue::from_static("GET, POST, OPTIONS"),
        );
        if let Ok(v) = HeaderValue::from_str(&asked_headers) {
            headers.insert("access-control-allow-headers", v);
        }
        headers.insert("access-control-max-age", HeaderValue::from_static("600"));
    }
    response
}

/// Echoes the origin (no `*`, so a future credentialed call would also work). No
/// `Access-Control-Expose-Headers`: no captured Databricks answer has one
/// (docs/databricks-answers.md), so a browser reads only the safelisted headers, never
/// `x-databricks-org-id` or `Retry-After`.
fn add_cors(response: &mut Response<Full<Bytes>>, origin: &str) {
    let Ok(origin) = HeaderValue::from_str(origin) else {
        return;
    };
    let headers = response.headers_mut();
    headers.insert("access-control-allow-origin", origin);
    headers.append("vary", HeaderValue::from_static("Origin"));
}

fn log_endpoint(state: &State, method: &Method) -> Response<Full<Bytes>> {
    let (status, body) = match *method {
        Method::GET => (
            StatusCode::OK,
            serde_json::to_string(&state.log.entries()).unwrap_or_else(|_| "[]".into()),
        ),
        Method::DELETE => {
            state.log.clear();
            (StatusCode::OK, "[]".to_owned())
        }
        _ => (StatusCode::METHOD_NOT_ALLOWED, "[]".to_owned()),
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    response
        .headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-store"));
    response
}
