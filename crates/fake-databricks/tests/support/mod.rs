//! Shared by the fake's tests: a native client that makes the page's requests over real
//! TLS to the fake, and a whole check driven with it (what the page's direct check does,
//! without a browser).
#![allow(dead_code)]

use bytes::Bytes;
use dbx_check_core::check::{
    CheckPlan, CheckReport, CheckRun, PlannedRequest, Progress, RawOutcome, Route, Step, Transport,
};
use dbx_check_core::Secret;
use fake_databricks::FakeDatabricks;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, ServerName};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// A client that trusts exactly the fake's certificate and checks the host name
/// against it, as a browser would with a real certificate.
fn connector(server: &FakeDatabricks) -> TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from(server.certificate_der.clone()))
        .expect("certificate is usable as a trust anchor");
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

pub struct Received {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub async fn send_once(
    server: &FakeDatabricks,
    host: &str,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Option<&str>,
) -> Result<Received, Box<dyn std::error::Error + Send + Sync>> {
    let tcp = TcpStream::connect(server.https_addr).await?;
    let tls = connector(server)
        .connect(ServerName::try_from(host.to_owned())?, tcp)
        .await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls)).await?;
    tokio::spawn(conn);
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("host", host);
    for (name, value) in headers {
        req = req.header(name.as_str(), value.as_str());
    }
    let req = req.body(Full::new(Bytes::from(body.unwrap_or("").to_owned())))?;
    let response = sender.send_request(req).await?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response.into_body().collect().await?.to_bytes().to_vec();
    Ok(Received {
        status,
        headers,
        body,
    })
}

/// Executes a planned request the way the page does: follows same-host redirects (at
/// most 5, changing a POST to a GET where fetch does), gives up after `timeout`, and
/// reports what happened as a `RawOutcome`.
pub async fn execute(
    server: &FakeDatabricks,
    host: &str,
    request: &PlannedRequest,
    access_token: Option<&Secret>,
    timeout: Duration,
) -> RawOutcome {
    let headers = request
        .headers_to_send(access_token)
        .expect("request can be sent");
    let sent = Sent {
        step: request.step,
        url: &request.url,
        method: request.method.as_str(),
        headers: &headers,
        body: request.body.as_deref(),
    };
    execute_sent(server, host, sent, timeout).await
}

/// One request as it goes on the wire, secrets included.
pub struct Sent<'a> {
    pub step: Step,
    pub url: &'a str,
    pub method: &'a str,
    pub headers: &'a [(String, String)],
    pub body: Option<&'a str>,
}

async fn execute_sent(
    server: &FakeDatabricks,
    host: &str,
    sent: Sent<'_>,
    timeout: Duration,
) -> RawOutcome {
    let request = &sent;
    let mut headers = sent.headers.to_vec();
    let mut path = sent
        .url
        .strip_prefix(&format!("https://{host}"))
        .expect("planned for this host")
        .to_owned();
    let mut method = sent.method;
    let mut body = sent.body;
    let run = async {
        for _ in 0..5 {
            let received = match send_once(server, host, method, &path, &headers, body).await {
                Ok(r) => r,
                Err(_) => return RawOutcome::failed(request.step, Transport::Unreachable),
            };
            let location = received
                .headers
                .iter()
                .find(|(n, _)| n == "location")
                .map(|(_, v)| v.clone());
            match (received.status, location) {
                (status @ (301 | 302 | 303 | 307 | 308), Some(to)) if to.starts_with('/') => {
                    path = to;
                    // As fetch does: a 303, or a 301/302 after a POST, becomes a GET
                    // without the body and the headers that described it.
                    if status == 303 || (method == "POST" && status != 307 && status != 308) {
                        method = "GET";
                        body = None;
                        headers.retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
                    }
                }
                (status, _) => {
                    return RawOutcome::answered(
                        request.step,
                        status,
                        received.headers,
                        received.body,
                        Some(format!("https://{host}{path}")),
                    )
                }
            }
        }
        RawOutcome::failed(request.step, Transport::Unreachable)
    };
    match tokio::time::timeout(timeout, run).await {
        Ok(outcome) => outcome,
        Err(_) => RawOutcome::failed(request.step, Transport::Timeout),
    }
}

/// A whole check of `plan` as the page's direct check runs it (the browser's CORS rule
/// aside): each request the run asks for, its answer recorded, the retry sent at once.
pub async fn direct_report(server: &FakeDatabricks, plan: CheckPlan) -> CheckReport {
    direct_run(server, plan).await.report()
}

/// The run behind [`direct_report`], for what the report leaves out (each step).
pub async fn direct_run(server: &FakeDatabricks, plan: CheckPlan) -> CheckRun {
    let host = url_host(&plan.host);
    let mut run = CheckRun::start(plan, "databricks_default", Route::Direct);
    for _ in 0..run.max_requests() {
        let Some(next) = run.next_request() else {
            break;
        };
        let sent = Sent {
            step: next.step,
            url: &next.url,
            method: next.method.as_str(),
            headers: &next.headers,
            body: next.body.as_deref(),
        };
        let timeout = Duration::from_millis(u64::from(next.timeout_ms));
        let outcome = execute_sent(server, &host, sent, timeout).await;
        if run.record(outcome) == Progress::Finished {
            break;
        }
    }
    run
}

fn url_host(url: &str) -> String {
    url.trim_start_matches("https://")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}
