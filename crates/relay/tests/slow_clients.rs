//! Clients that are slow or silent on purpose (issue 13), each a raw TCP stream on
//! loopback: every one ends in the relay's refusal, or its connection closed where no
//! answer can be sent, within the request deadline plus a margin, and none of them keeps
//! a check beside it from being answered.

mod support;

use dbx_check_core::check::relay::{relay_path, ERROR_HEADER};
use dbx_check_core::{AuthMethod, Step, Verdict};
use dbx_check_relay::{Limits, Relay};
use fake_databricks::{FakeDatabricks, TEST_CLIENT_ID, TEST_CLIENT_SECRET};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use support::{
    fake, parse_partial as parse, relay, relay_config, stalled_upload, Answer, PageClient,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The request deadline in these tests.
const DEADLINE: Duration = Duration::from_millis(1500);
/// Scheduling slack on a busy machine; what the contract promises is "by the deadline".
const MARGIN: Duration = Duration::from_millis(1500);
const SLOTS: usize = 4;
const TOKEN_BODY: &str = "grant_type=client_credentials&scope=all-apis";

async fn short_deadline_relay() -> (FakeDatabricks, Relay) {
    let server = fake(Duration::from_secs(5)).await;
    let mut config = relay_config(&server, vec![]);
    config.limits = Limits {
        request_timeout: DEADLINE,
        max_concurrent_relays: SLOTS,
        ..Limits::default()
    };
    let relay = relay(config).await;
    (server, relay)
}

/// How a connection ended: the relay's answer, or closed with nothing sent.
#[derive(Debug)]
enum Ending {
    Answered(Answer),
    Closed,
}

impl Ending {
    fn refusal(&self) -> Option<(u16, &str)> {
        match self {
            Ending::Answered(a) => Some((a.status, a.header(ERROR_HEADER)?)),
            Ending::Closed => None,
        }
    }
}

/// Reads until the relay closes the connection, for at most the deadline plus the
/// margin. Panics if the connection is still open then.
async fn ending(stream: &mut TcpStream) -> Ending {
    let mut raw = Vec::new();
    let read = tokio::time::timeout(DEADLINE + MARGIN, stream.read_to_end(&mut raw)).await;
    assert!(read.is_ok(), "still open after {:?}", DEADLINE + MARGIN);
    // A reset after the relay closed is as closed as a FIN.
    if raw.is_empty() {
        return Ending::Closed;
    }
    Ending::Answered(parse(&raw))
}

fn within_deadline(label: &str, took: Duration) {
    eprintln!("{label}: ended after {} ms", took.as_millis());
    assert!(took <= DEADLINE + MARGIN, "{label}: {took:?}");
}

/// A whole service-principal check, as the page runs it: four requests, all answered.
async fn check_succeeds(relay: SocketAddr, host: &str) {
    let page = PageClient::new(relay);
    let results = tokio::time::timeout(
        DEADLINE + MARGIN,
        page.check(
            host,
            AuthMethod::SpOauth,
            TEST_CLIENT_ID,
            TEST_CLIENT_SECRET,
        ),
    )
    .await
    .expect("the check is answered by the deadline");
    assert_eq!(results.len(), 4, "{results:?}");
    for (step, diagnosis) in results {
        let verdict = diagnosis.map(|d| d.verdict);
        assert_eq!(verdict, Ok(Verdict::Ok), "{step}");
    }
}

#[tokio::test]
async fn a_head_sent_a_byte_a_second_is_closed_by_the_deadline() {
    let (_server, relay) = short_deadline_relay().await;
    let head = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\n\r\n",
        relay_path("nocors-1.cloud.databricks.com", Step::SparkVersions),
        relay.addr
    );
    let started = Instant::now();
    let stream = TcpStream::connect(relay.addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let trickle = tokio::spawn(async move {
        // At most a few bytes go out before the deadline; bounded by the head's length.
        for byte in head.bytes() {
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
    let mut raw = Vec::new();
    let read = tokio::time::timeout(DEADLINE + MARGIN, reader.read_to_end(&mut raw)).await;
    let took = started.elapsed();
    trickle.abort();
    assert!(read.is_ok(), "still open after {took:?}");
    // hyper closes a connection whose head is late without an answer.
    assert!(raw.is_empty(), "{}", String::from_utf8_lossy(&raw));
    within_deadline("slow head", took);
}

#[tokio::test]
async fn a_body_sent_slowly_is_refused_as_late_by_the_deadline() {
    let (server, relay) = short_deadline_relay().await;
    let mut stream = TcpStream::connect(relay.addr).await.unwrap();
    let started = Instant::now();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n",
        relay_path("nocors-2.cloud.databricks.com", Step::OauthToken),
        relay.addr,
        TOKEN_BODY.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let trickle = tokio::spawn(async move {
        for byte in TOKEN_BODY.bytes() {
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    });
    let mut raw = Vec::new();
    let read = tokio::time::timeout(DEADLINE + MARGIN, reader.read_to_end(&mut raw)).await;
    let took = started.elapsed();
    trickle.abort();
    assert!(read.is_ok(), "still open after {took:?}");
    let answer = parse(&raw);
    assert_eq!(
        (answer.status, answer.header(ERROR_HEADER)),
        (408, Some("request_timeout"))
    );
    assert_eq!(answer.json()["code"], "request_timeout");
    assert!(answer.json()["fix"].as_str().is_some_and(|f| f.len() > 20));
    within_deadline("slow body", took);
    assert_eq!(server.requests(), vec![], "a late request was forwarded");
}

#[tokio::test]
async fn stalled_uploads_beyond_the_slots_hold_none_and_end_by_the_deadline() {
    let (server, relay) = short_deadline_relay().await;
    let stalled_count = SLOTS * 3;
    let started = Instant::now();
    let mut stalled = Vec::new();
    for i in 0..stalled_count {
        let host = format!("nocors-{i}.cloud.databricks.com");
        stalled.push(stalled_upload(relay.addr, &host).await.unwrap());
    }
    // Every stalled upload is open and waiting; a check beside them is still answered.
    tokio::time::sleep(Duration::from_millis(200)).await;
    check_succeeds(relay.addr, "nocors-99.cloud.databricks.com").await;
    for (i, stream) in stalled.iter_mut().enumerate() {
        let ended = ending(stream).await;
        assert_eq!(
            ended.refusal(),
            Some((408, "request_timeout")),
            "stalled upload {i}: {ended:?}"
        );
    }
    within_deadline(
        &format!("{stalled_count} stalled uploads"),
        started.elapsed(),
    );
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.host == "nocors-99.cloud.databricks.com"),
        "a stalled upload was forwarded"
    );
}

#[tokio::test]
async fn a_huge_declared_length_is_refused_at_once_without_reading_the_body() {
    let (_server, relay) = short_deadline_relay().await;
    for expect in ["", "Expect: 100-continue\r\n"] {
        let mut stream = TcpStream::connect(relay.addr).await.unwrap();
        let started = Instant::now();
        let head = format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Length: 1000000000000\r\n{expect}\r\n",
            relay_path("nocors-3.cloud.databricks.com", Step::OauthToken),
            relay.addr,
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let ended = ending(&mut stream).await;
        let took = started.elapsed();
        assert_eq!(
            ended.refusal(),
            Some((413, "request_too_large")),
            "{ended:?}"
        );
        // No `100 Continue` first: the client is never invited to send the body.
        let Ending::Answered(answer) = ended else {
            unreachable!()
        };
        assert_eq!(answer.header("connection"), Some("close"));
        within_deadline(&format!("declared 10^12 bytes {expect:?}"), took);
        // At once, not at the deadline.
        assert!(took < DEADLINE, "{took:?}");
    }
}

#[tokio::test]
async fn idle_connections_are_closed_by_the_deadline() {
    let (_server, relay) = short_deadline_relay().await;
    // Opened and never used.
    let mut silent = TcpStream::connect(relay.addr).await.unwrap();
    let started = Instant::now();
    assert!(matches!(ending(&mut silent).await, Ending::Closed));
    within_deadline("silent connection", started.elapsed());

    // Kept alive after an answer, then idle.
    let mut kept = TcpStream::connect(relay.addr).await.unwrap();
    let request = format!("GET /relay/health HTTP/1.1\r\nHost: {}\r\n\r\n", relay.addr);
    kept.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    // One answer: its head and its Content-Length of body; bounded reads.
    let answered = tokio::time::timeout(DEADLINE, async {
        for _ in 0..64 {
            let n = kept.read(&mut buf).await.unwrap_or(0);
            raw.extend_from_slice(&buf[..n]);
            let answer = parse(&raw);
            let length = answer.header("content-length").and_then(|l| l.parse().ok());
            if n == 0 || length.is_some_and(|l: usize| answer.body.len() >= l) {
                return answer;
            }
        }
        parse(&raw)
    })
    .await
    .expect("the health answer");
    assert_eq!(answered.status, 200);
    assert_ne!(answered.header("connection"), Some("close"));
    let idle_since = Instant::now();
    assert!(matches!(ending(&mut kept).await, Ending::Closed));
    within_deadline("idle keep-alive", idle_since.elapsed());
}

#[tokio::test]
async fn two_host_headers_or_a_host_against_the_target_are_a_400() {
    let (server, relay) = short_deadline_relay().await;
    let target = relay_path("nocors-4.cloud.databricks.com", Step::SparkVersions);
    let addr = relay.addr;
    let cases = [
        (
            "two Host headers",
            format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nHost: evil.example\r\n\r\n"),
        ),
        (
            "the same Host twice",
            format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nHost: {addr}\r\n\r\n"),
        ),
        ("no Host", format!("GET {target} HTTP/1.1\r\n\r\n")),
        (
            "Host against an absolute-form target",
            format!("GET http://evil.example{target} HTTP/1.1\r\nHost: {addr}\r\n\r\n"),
        ),
        (
            "two Host headers for a page file",
            format!("GET /index.html HTTP/1.1\r\nHost: {addr}\r\nHost: evil.example\r\n\r\n"),
        ),
    ];
    for (label, text) in cases {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let started = Instant::now();
        stream.write_all(text.as_bytes()).await.unwrap();
        let ended = ending(&mut stream).await;
        assert_eq!(
            ended.refusal(),
            Some((400, "bad_host_header")),
            "{label}: {ended:?}"
        );
        let Ending::Answered(answer) = ended else {
            unreachable!()
        };
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert!(answer.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("Host header")));
        within_deadline(label, started.elapsed());
    }
    assert_eq!(
        server.requests(),
        vec![],
        "an ambiguous request was forwarded"
    );
}

#[tokio::test]
async fn a_client_that_never_reads_its_answer_is_closed_by_the_deadline() {
    let server = fake(Duration::from_secs(5)).await;
    let dist = std::env::temp_dir().join(format!("dbx-relay-stall-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html>").unwrap();
    // More than loopback's socket buffers hold on both sides.
    let size = 64 * 1024 * 1024;
    std::fs::write(dist.join("big.bin"), vec![0u8; size]).unwrap();
    let mut config = relay_config(&server, vec![]);
    config.dist = Some(dist.clone());
    config.limits.request_timeout = DEADLINE;
    let relay = relay(config).await;
    let mut stream = TcpStream::connect(relay.addr).await.unwrap();
    let request = format!("GET /big.bin HTTP/1.1\r\nHost: {}\r\n\r\n", relay.addr);
    stream.write_all(request.as_bytes()).await.unwrap();
    // Not reading for longer than a stall may last; then what was buffered, and the end.
    tokio::time::sleep(DEADLINE + MARGIN).await;
    let mut raw = Vec::new();
    let read = tokio::time::timeout(MARGIN, stream.read_to_end(&mut raw)).await;
    let _ = std::fs::remove_dir_all(&dist);
    assert!(read.is_ok(), "still open after {:?}", DEADLINE + MARGIN * 2);
    assert!(raw.len() < size, "the whole file was sent: {}", raw.len());
    eprintln!(
        "non-reading client: closed after {} of {size} bytes",
        raw.len()
    );
}
