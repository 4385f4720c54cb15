//! Shared by the relay's tests and its load example: the fake workspace and the relay
//! started in-process on loopback, and a client that runs a check the way the page does
//! through the relay.
#![allow(dead_code)]

use bytes::Bytes;
use dbx_check_core::check::relay::{relay_path, relayed_outcome, RelayRefused};
use dbx_check_core::check::{plan_check, read_success, CheckPlan, SuccessDetails};
use dbx_check_core::{diagnose, AuthMethod, Diagnosis, RawOutcome, Secret, Step};
use dbx_check_relay::{Config, Limits, LogSink, Relay, ResolveRule};
use fake_databricks::FakeDatabricks;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rustls::pki_types::CertificateDer;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The zones sent to the fake (its certificates cover any name in them).
pub const FAKE_ZONES: [&str; 3] = [
    "cloud.databricks.com",
    "azuredatabricks.net",
    "gcp.databricks.com",
];

pub async fn fake(slow: Duration) -> FakeDatabricks {
    fake_databricks::start(fake_databricks::Config {
        https_port: 0,
        http_port: None,
        log_file: None,
        slow_delay: slow,
    })
    .await
    .expect("fake starts")
}

/// A relay that reaches `fake` for every name in Databricks' zones and trusts its
/// certificate; `extra_rules` come first (exact names win over the zones).
pub fn relay_config(fake: &FakeDatabricks, extra_rules: Vec<ResolveRule>) -> Config {
    let mut resolve = extra_rules;
    resolve.extend(dbx_check_core::host::ZONES.iter().map(|zone| ResolveRule {
        pattern: format!("*{}", zone.suffix),
        addr: fake.https_addr,
    }));
    Config {
        dist: None,
        port: 0,
        extra_root_certs: vec![CertificateDer::from(fake.certificate_der.clone())],
        resolve,
        limits: Limits::default(),
        log: LogSink::Off,
        ..Config::default()
    }
}

pub async fn relay(config: Config) -> Relay {
    dbx_check_relay::start(config).await.expect("relay starts")
}

/// What came back from the relay.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// A keep-alive client to the relay, as one browser tab is.
#[derive(Clone)]
pub struct PageClient {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
}

impl PageClient {
    pub fn new(relay: SocketAddr) -> PageClient {
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        PageClient {
            client: Client::builder(TokioExecutor::new()).build(http),
            base: format!("http://{relay}"),
        }
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: Option<&str>,
    ) -> Result<Answer, Box<dyn std::error::Error + Send + Sync>> {
        let mut req = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        for (name, value) in headers {
            req = req.header(name.as_str(), value.as_str());
        }
        let req = req.body(Full::new(Bytes::from(body.unwrap_or("").to_owned())))?;
        let response = self.client.request(req).await?;
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
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send("GET", path, &[], None)
            .await
            .expect("relay answers")
    }

    /// One planned request through the relay, read back as the page reads it.
    pub async fn step(
        &self,
        plan: &CheckPlan,
        step: Step,
        access_token: Option<&Secret>,
    ) -> Result<RawOutcome, RelayRefused> {
        let request = plan.request(step).expect("step planned");
        let headers = request
            .headers_to_send(access_token)
            .expect("request can be sent");
        let hostname = plan.host.trim_start_matches("https://");
        let answer = self
            .send(
                request.method.as_str(),
                &relay_path(hostname, step),
                &headers,
                request.body.as_deref(),
            )
            .await
            .expect("relay answers");
        relayed_outcome(step, answer.status, answer.headers, answer.body)
    }

    /// The whole plan, as the page runs it: stops where a failed step stops the check.
    /// Returns each step's diagnosis.
    pub async fn check(
        &self,
        host: &str,
        method: AuthMethod,
        login: &str,
        secret: &str,
    ) -> Vec<(Step, Result<Diagnosis, RelayRefused>)> {
        let plan = plan_check(
            &format!("https://{host}"),
            method,
            login,
            &Secret::new(secret),
        );
        let mut token = None;
        let mut results = Vec::new();
        for request in &plan.requests {
            let outcome = self.step(&plan, request.step, token.as_ref()).await;
            let diagnosis = outcome.as_ref().map(diagnose).map_err(Clone::clone);
            if let Ok(outcome) = &outcome {
                if let Some(SuccessDetails::OauthToken { access_token, .. }) = read_success(outcome)
                {
                    token = Some(access_token);
                }
            }
            let stop = request.step.failure_stops_check()
                && diagnosis
                    .as_ref()
                    .map_or(true, |d| d.verdict != dbx_check_core::Verdict::Ok);
            results.push((request.step, diagnosis));
            if stop {
                break;
            }
        }
        results
    }
}

/// Sends `target` exactly as written (no client-side URL parsing), for requests no
/// well-behaved client would make. `Connection: close`, read to the end.
pub async fn raw_request(
    relay: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
) -> Answer {
    raw_send(relay, method, target, headers, "").await
}

/// [`raw_request`] with a body; its `Content-Length` is the caller's to send.
pub async fn raw_send(
    relay: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let mut stream = TcpStream::connect(relay).await.expect("relay listens");
    let mut text = format!("{method} {target} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        text.push_str(&format!("Host: {relay}\r\n"));
    }
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    stream
        .write_all(text.as_bytes())
        .await
        .expect("request written");
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw))
        .await
        .expect("answer within 10 s")
        .expect("answer read");
    parse_answer(&raw)
}

fn parse_answer(raw: &[u8]) -> Answer {
    assert!(raw.windows(4).any(|w| w == b"\r\n\r\n"), "a complete head");
    let answer = parse_partial(raw);
    assert_ne!(answer.status, 0, "a status line");
    answer
}

/// What has arrived of an answer so far: status 0 until its status line has come, the
/// header lines and the body as far as they came.
pub fn parse_partial(raw: &[u8]) -> Answer {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: raw.get(split + 4..).unwrap_or_default().to_vec(),
    }
}

/// The token request's head announcing its usual 44-byte body, and 7 bytes of it: a
/// client that then goes silent (issue 13).
pub fn stalled_upload_text(relay: SocketAddr, hostname: &str) -> String {
    format!(
        "POST {} HTTP/1.1\r\nHost: {relay}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 44\r\n\r\ngrant_t",
        relay_path(hostname, Step::OauthToken)
    )
}

/// Opens a connection to the relay and sends [`stalled_upload_text`]; the caller keeps
/// the stream open (or not) as long as it likes.
pub async fn stalled_upload(relay: SocketAddr, hostname: &str) -> std::io::Result<TcpStream> {
    let mut stream = TcpStream::connect(relay).await?;
    stream
        .write_all(stalled_upload_text(relay, hostname).as_bytes())
        .await?;
    Ok(stream)
}
