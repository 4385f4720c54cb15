//! The relay in front of the fake workspace, both in-process on loopback: a check
//! through the relay reaches every verdict a direct call reaches, the CORS-refusing
//! workspaces included, and everything else is refused with nothing forwarded.

mod support;

use bytes::Bytes;
use dbx_check_core::check::relay::{is_relay_health, relay_path, ERROR_HEADER, FINAL_URL_HEADER};
use dbx_check_core::check::{read_success, SuccessDetails};
use dbx_check_core::{AuthMethod, Step, Verdict};
use dbx_check_relay::{Limits, LogSink, ResolveRule};
use fake_databricks::{
    scenario_table, ISSUED_ACCESS_TOKEN, RETRY_AFTER_SECONDS, TEST_CLIENT_ID, TEST_CLIENT_SECRET,
    TEST_PASSWORD, TEST_PAT, TEST_USER, WORKSPACE_ID,
};
use http_body_util::Full;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::collections::BTreeSet;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{fake, raw_request, relay, relay_config, PageClient};

const SLOW: Duration = Duration::from_millis(1500);

fn rule(pattern: &str, addr: SocketAddr) -> ResolveRule {
    ResolveRule {
        pattern: pattern.to_owned(),
        addr,
    }
}

fn closed_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

/// The first step's verdict of a PAT check through the relay.
async fn first_verdict(page: &PageClient, host: &str) -> Result<Verdict, String> {
    let results = page.check(host, AuthMethod::Pat, "", TEST_PAT).await;
    match &results[0].1 {
        Ok(d) => Ok(d.verdict),
        Err(refused) => Err(refused.code.clone()),
    }
}

#[tokio::test]
async fn a_check_through_the_relay_reaches_every_verdict_of_a_direct_call() {
    let server = fake(SLOW).await;
    let mut config = relay_config(
        &server,
        vec![rule("down-1.cloud.databricks.com", closed_port())],
    );
    // The account console is refused by default (below); named, it is relayed.
    config.allow_hosts = vec![
        "accounts.cloud.databricks.com".into(),
        "accounts.azuredatabricks.net".into(),
    ];
    config.limits.request_timeout = Duration::from_millis(700);
    let relay = relay(config).await;
    let page = PageClient::new(relay.addr);

    // Every row of the one table (`slow-` answers after 1.5 s, past the relay's 0.7 s),
    // and what only a relay meets: a host that refuses browsers, and one that is down.
    let mut cases: Vec<(String, String)> = scenario_table()
        .into_iter()
        .map(|row| (row.host.clone(), row.verdict_for("pat").to_owned()))
        .collect();
    for (host, verdict) in [
        ("nocors-2.azuredatabricks.net", Verdict::Ok),
        ("down-1.cloud.databricks.com", Verdict::Unreachable),
    ] {
        cases.push((host.to_owned(), verdict.as_str().to_owned()));
    }
    let mut reached = BTreeSet::new();
    let mut wrong = Vec::new();
    for (host, expected) in &cases {
        match first_verdict(&page, host).await {
            Ok(v) if v.as_str() == expected => {
                reached.insert(v.as_str());
            }
            other => wrong.push(format!("{host}: expected {expected}, got {other:?}")),
        }
    }
    // A wrong token on a healthy workspace, and a wrong service principal.
    let wrong_pat = page
        .check(
            "nocors-3.cloud.databricks.com",
            AuthMethod::Pat,
            "",
            "dapi00000000000000000000000000000000",
        )
        .await;
    assert_eq!(
        wrong_pat[0].1.as_ref().unwrap().verdict,
        Verdict::InvalidToken
    );
    let bad_client = page
        .check(
            "badclient-1.cloud.databricks.com",
            AuthMethod::SpOauth,
            TEST_CLIENT_ID,
            TEST_CLIENT_SECRET,
        )
        .await;
    let v = bad_client[0].1.as_ref().unwrap().verdict;
    assert_eq!(
        (bad_client[0].0, v),
        (Step::OauthToken, Verdict::OauthInvalidClient)
    );
    reached.insert(v.as_str());
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // Every verdict but the browser-only one: the relay is what removes it.
    let all: BTreeSet<&str> = Verdict::ALL
        .iter()
        .filter(|v| **v != Verdict::CorsBlocked)
        .map(|v| v.as_str())
        .collect();
    assert_eq!(reached, all);
}

#[tokio::test]
async fn every_browser_method_passes_the_whole_plan_on_a_cors_refusing_workspace() {
    let server = fake(SLOW).await;
    let relay = relay(relay_config(&server, vec![])).await;
    let page = PageClient::new(relay.addr);
    let host = "nocors-4.cloud.databricks.com";
    for (method, login, secret) in [
        (AuthMethod::Pat, "", TEST_PAT),
        (AuthMethod::PatBasic, "token", TEST_PAT),
        (AuthMethod::Basic, TEST_USER, TEST_PASSWORD),
        (AuthMethod::SpOauth, TEST_CLIENT_ID, TEST_CLIENT_SECRET),
    ] {
        let results = page.check(host, method, login, secret).await;
        let expected = if method == AuthMethod::SpOauth { 4 } else { 3 };
        assert_eq!(results.len(), expected, "{method}");
        for (step, diagnosis) in results {
            let d = diagnosis.unwrap();
            assert_eq!(d.verdict, Verdict::Ok, "{method} {step}: {d:?}");
        }
    }
    // Details the diagnosis reads from headers and bodies come through the relay.
    let plan = dbx_check_core::plan_check(
        &format!("https://{host}"),
        AuthMethod::SpOauth,
        TEST_CLIENT_ID,
        &dbx_check_core::Secret::new(TEST_CLIENT_SECRET),
    );
    let token = page.step(&plan, Step::OauthToken, None).await.unwrap();
    let Some(SuccessDetails::OauthToken { access_token, .. }) = read_success(&token) else {
        panic!("no token");
    };
    assert_eq!(access_token.expose(), ISSUED_ACCESS_TOKEN);
    let me = page
        .step(&plan, Step::CurrentUser, Some(&access_token))
        .await
        .unwrap();
    let Some(SuccessDetails::CurrentUser { user_name, .. }) = read_success(&me) else {
        panic!("no user");
    };
    assert_eq!(user_name.as_deref(), Some(TEST_CLIENT_ID));
    // The workspace id header comes through the relay as Databricks sent it.
    assert_eq!(me.headers.get("x-databricks-org-id"), Some(WORKSPACE_ID));
    assert_eq!(
        me.final_url.as_deref(),
        Some("https://nocors-4.cloud.databricks.com/api/2.0/preview/scim/v2/Me")
    );
}

#[tokio::test]
async fn the_diagnosis_reads_the_same_details_through_the_relay() {
    let server = fake(SLOW).await;
    let relay = relay(relay_config(&server, vec![])).await;
    let page = PageClient::new(relay.addr);
    let first = |host: &'static str| {
        let page = page.clone();
        async move {
            let plan = dbx_check_core::plan_check(
                &format!("https://{host}"),
                AuthMethod::Pat,
                "",
                &dbx_check_core::Secret::new(TEST_PAT),
            );
            page.step(&plan, Step::SparkVersions, None).await.unwrap()
        }
    };
    let ipacl = dbx_check_core::diagnose(&first("ipacl-2.cloud.databricks.com").await);
    assert!(ipacl.explanation.contains("127.0.0.1") && ipacl.explanation.contains(WORKSPACE_ID));
    let limited = dbx_check_core::diagnose(&first("ratelimit-2.cloud.databricks.com").await);
    assert!(
        limited
            .fix
            .contains(&format!("Wait {RETRY_AFTER_SECONDS} seconds")),
        "{}",
        limited.fix
    );
    let private = first("privatelink-2.cloud.databricks.com").await;
    assert_eq!(private.status, Some(200));
    assert_eq!(
        private.final_url.as_deref(),
        Some(format!(
            "https://privatelink-2.cloud.databricks.com/login.html?error=private-link-validation-error:{WORKSPACE_ID}"
        ))
        .as_deref()
    );
    let refused = first("badtoken-2.cloud.databricks.com").await;
    assert_eq!(
        refused.headers.get("x-databricks-reason-phrase"),
        Some("Invalid access token.")
    );
}

#[tokio::test]
async fn only_the_plans_headers_go_out_and_no_cookie_either_way() {
    let server = fake(SLOW).await;
    let odd = odd_upstream().await;
    let mut config = relay_config(
        &server,
        vec![rule("odd-cookie.cloud.databricks.com", odd.addr)],
    );
    let untrusting = relay(config.clone()).await;
    config
        .extra_root_certs
        .push(CertificateDer::from(odd.certificate_der.clone()));
    let relay = relay(config).await;
    server.clear_log();
    let relay_url = relay.addr.to_string();
    let answer = support::raw_send(
        relay.addr,
        "GET",
        "/relay/nocors-5.cloud.databricks.com/api/2.1/clusters/spark-versions",
        &[
            ("Authorization", &format!("Bearer {TEST_PAT}")),
            ("Accept", "*/*"),
            ("Content-Type", "text/plain"),
            ("Content-Length", "9"),
            ("Cookie", "workspace-session=s3cr3t"),
            ("X-Forwarded-For", "10.9.8.7"),
            ("X-Databricks-Org-Id", "1"),
            ("User-Agent", "Mozilla/5.0 test"),
            ("Origin", &format!("http://{relay_url}")),
            ("Sec-Fetch-Site", "same-origin"),
        ],
        "smuggled!",
    )
    .await;
    assert_eq!(answer.status, 200);
    let logged = server.requests();
    assert_eq!(logged.len(), 1);
    let names: BTreeSet<&str> = logged[0].headers.iter().map(|(n, _)| n.as_str()).collect();
    let allowed: BTreeSet<&str> = ["host", "accept", "authorization"].into();
    assert_eq!(names, allowed, "{:?}", logged[0].headers);
    assert_eq!(logged[0].host, "nocors-5.cloud.databricks.com");
    assert_eq!(logged[0].credential, "valid");

    // Back: only the allowed headers, never set-cookie or location.
    let answer = raw_request(
        relay.addr,
        "GET",
        "/relay/odd-cookie.cloud.databricks.com/api/2.0/sql/warehouses",
        &[],
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("x-databricks-org-id"), Some(WORKSPACE_ID));
    for dropped in [
        "set-cookie",
        "x-internal",
        "www-authenticate",
        "location",
        "server",
    ] {
        assert_eq!(answer.header(dropped), None, "{dropped}");
    }
    assert_eq!(
        answer.header(FINAL_URL_HEADER),
        Some("https://odd-cookie.cloud.databricks.com/api/2.0/sql/warehouses")
    );
    assert_eq!(answer.header("cache-control"), Some("no-store"));

    // The relay verifies certificates: one it does not trust is an unreachable workspace.
    let answer = raw_request(
        untrusting.addr,
        "GET",
        "/relay/odd-cookie.cloud.databricks.com/api/2.0/sql/warehouses",
        &[],
    )
    .await;
    assert_eq!(
        (answer.status, answer.header(ERROR_HEADER)),
        (502, Some("upstream_unreachable"))
    );
}

/// Each attempt to reach something else: a 4xx JSON refusal naming the reason, and not
/// one request at the fake.
#[tokio::test]
async fn everything_else_is_refused_and_nothing_is_forwarded() {
    let server = fake(SLOW).await;
    let relay = relay(relay_config(&server, vec![])).await;
    server.clear_log();
    let spark = "/api/2.1/clusters/spark-versions";
    let long_host = format!("{}.cloud.databricks.com", vec!["a".repeat(60); 4].join("."));
    let cases: Vec<(String, &str, &str)> = vec![
        (format!("/relay/127.0.0.1{spark}"), "GET", "ip_address"),
        (
            format!("/relay/169.254.169.254{spark}"),
            "GET",
            "ip_address",
        ),
        (format!("/relay/2130706433{spark}"), "GET", "ip_address"),
        (format!("/relay/0x7f000001{spark}"), "GET", "ip_address"),
        (
            format!("/relay/0251.0376.0251.0376{spark}"),
            "GET",
            "ip_address",
        ),
        (format!("/relay/[::1]{spark}"), "GET", "ip_address"),
        (
            format!("/relay/[::ffff:127.0.0.1]{spark}"),
            "GET",
            "ip_address",
        ),
        (format!("/relay/localhost{spark}"), "GET", "localhost"),
        (
            format!("/relay/example.com{spark}"),
            "GET",
            "not_databricks",
        ),
        (
            format!("/relay/ok-1.cloud.databricks.com.evil.io{spark}"),
            "GET",
            "not_databricks",
        ),
        (
            format!("/relay/ok-1.evilcloud.databricks.com{spark}"),
            "GET",
            "not_databricks",
        ),
        (
            format!("/relay/ok-1.cloud-databricks.com{spark}"),
            "GET",
            "host_refused",
        ),
        (
            format!("/relay/ok-1.azuredatabricks.net.example{spark}"),
            "GET",
            "not_databricks",
        ),
        (
            format!("/relay/accounts.cloud.databricks.com{spark}"),
            "GET",
            "account_console",
        ),
        (
            format!("/relay/x.privatelink.cloud.databricks.com{spark}"),
            "GET",
            "not_a_workspace",
        ),
        (
            format!("/relay/user@ok-1.cloud.databricks.com{spark}"),
            "GET",
            "user_info_in_host",
        ),
        (
            format!("/relay/ok-1.cloud.databricks.com@evil.io{spark}"),
            "GET",
            "user_info_in_host",
        ),
        (
            format!("/relay/ok-1.cloud.databricks.com%40evil.io{spark}"),
            "GET",
            "encoded_host",
        ),
        (
            format!("/relay/ok-1.cloud.databricks.com:443{spark}"),
            "GET",
            "host_not_a_name",
        ),
        (format!("/relay/{long_host}{spark}"), "GET", "host_too_long"),
        (
            "/relay/ok-1.cloud.databricks.com/api/2.1/../2.0/token/list".into(),
            "GET",
            "path_traversal",
        ),
        (
            "/relay/ok-1.cloud.databricks.com/api/2.1/clusters/%2e%2e/spark-versions".into(),
            "GET",
            "path_traversal",
        ),
        ("/relay/../relay/health".into(), "GET", "path_traversal"),
        (
            "/relay/ok-1.cloud.databricks.com/api%2F2.1/clusters/spark-versions".into(),
            "GET",
            "encoded_slash",
        ),
        (
            format!("/relay/ok-1.cloud.databricks.com{spark}?o=1"),
            "GET",
            "query_not_allowed",
        ),
        (
            "/relay/ok-1.cloud.databricks.com/api/2.0/token/list".into(),
            "GET",
            "path_not_allowed",
        ),
        (
            "/relay/ok-1.cloud.databricks.com/api/2.0/secrets/scopes/list".into(),
            "GET",
            "path_not_allowed",
        ),
        (
            format!("/relay/ok-1.cloud.databricks.com{spark}"),
            "POST",
            "method_not_allowed",
        ),
        (
            format!("/relay/ok-1.cloud.databricks.com{spark}"),
            "DELETE",
            "method_not_allowed",
        ),
        (
            format!("/relay/ok-1.cloud.databricks.com{spark}"),
            "OPTIONS",
            "method_not_allowed",
        ),
        (
            "/relay/ok-1.cloud.databricks.com/oidc/v1/token".into(),
            "GET",
            "method_not_allowed",
        ),
        ("/relay".into(), "GET", "not_a_relay_path"),
    ];
    let mut wrong = Vec::new();
    for (target, method, code) in &cases {
        let answer = raw_request(relay.addr, method, target, &[]).await;
        let body_code = answer.json()["code"].as_str().unwrap_or("").to_owned();
        let message = answer.json()["message"].as_str().unwrap_or("").to_owned();
        let ok = (400..500).contains(&answer.status)
            && answer.header(ERROR_HEADER) == Some(*code)
            && body_code == *code
            && answer.header("content-type") == Some("application/json")
            && message.len() > 30;
        if !ok {
            wrong.push(format!(
                "{method} {target}: expected {code}, got {} {:?} {}",
                answer.status,
                answer.header(ERROR_HEADER),
                String::from_utf8_lossy(&answer.body)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(server.requests(), vec![], "something was forwarded");
}

#[tokio::test]
async fn other_sites_and_rebinding_names_cannot_use_the_relay() {
    let server = fake(SLOW).await;
    let relay = relay(relay_config(&server, vec![])).await;
    server.clear_log();
    let target = "/relay/nocors-6.cloud.databricks.com/api/2.1/clusters/spark-versions";
    let bearer = format!("Bearer {TEST_PAT}");
    for headers in [
        vec![("Origin", "https://evil.example")],
        vec![("Sec-Fetch-Site", "cross-site")],
        vec![("Host", "rebind.evil.example:8080")],
    ] {
        let mut headers = headers;
        headers.push(("Authorization", &bearer));
        let answer = raw_request(relay.addr, "GET", target, &headers).await;
        assert_eq!(
            (answer.status, answer.header(ERROR_HEADER)),
            (403, Some("cross_origin")),
            "{headers:?}"
        );
    }
    // Its own page passes: same origin, and `localhost` as well as the address.
    let port = relay.addr.port();
    let own = format!("http://localhost:{port}");
    let host = format!("localhost:{port}");
    let answer = raw_request(
        relay.addr,
        "GET",
        target,
        &[
            ("Host", &host),
            ("Origin", &own),
            ("Authorization", &bearer),
        ],
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(server.requests().len(), 1);
}

/// A TLS upstream for what the fake never does: redirects off the host, loops, and
/// cookies and stray headers on an answer. Chosen by the first label of `Host`.
struct OddUpstream {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
    certificate_der: Vec<u8>,
}

impl Drop for OddUpstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn odd_upstream() -> OddUpstream {
    let names: Vec<String> = support::FAKE_ZONES
        .iter()
        .map(|z| format!("*.{z}"))
        .collect();
    let certified = rcgen::generate_simple_self_signed(names).unwrap();
    let cert = certified.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let tls = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert.clone()], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let log = log.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service =
                    hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                        let log = log.clone();
                        async move {
                            let host = req
                                .headers()
                                .get("host")
                                .and_then(|h| h.to_str().ok())
                                .unwrap_or("")
                                .to_owned();
                            log.lock().unwrap().push(format!("{} {}", host, req.uri()));
                            Ok::<_, Infallible>(odd_answer(&host, req.uri().path()))
                        }
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    OddUpstream {
        addr,
        seen,
        task,
        certificate_der: cert.to_vec(),
    }
}

fn odd_answer(host: &str, path: &str) -> Response<Full<Bytes>> {
    let label = host.split('.').next().unwrap_or("");
    let redirect = |to: String| {
        Response::builder()
            .status(302)
            .header("location", to)
            .body(Full::new(Bytes::new()))
            .unwrap()
    };
    match label {
        "odd-offsite" => redirect("https://elsewhere-1.cloud.databricks.com/steal".into()),
        "odd-metadata" => redirect("https://169.254.169.254/latest/meta-data/".into()),
        "odd-plainhttp" => redirect(format!("http://{host}{path}")),
        "odd-otherport" => redirect(format!("https://{host}:8443{path}")),
        "odd-loop" => redirect(path.to_owned()),
        _ => Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .header("set-cookie", "session=abc; HttpOnly")
            .header("x-internal", "yes")
            .header("www-authenticate", "Basic realm=x")
            .header("x-databricks-org-id", WORKSPACE_ID)
            .body(Full::new(Bytes::from_static(b"{\"warehouses\": []}")))
            .unwrap(),
    }
}

#[tokio::test]
async fn a_redirect_toward_another_host_is_returned_as_data_and_not_followed() {
    let server = fake(SLOW).await;
    let odd = odd_upstream().await;
    let mut config = relay_config(&server, vec![rule("*.cloud.databricks.com", odd.addr)]);
    // The redirect target `elsewhere-1` would reach the fake (its zone is there).
    config.resolve.insert(
        0,
        rule("elsewhere-1.cloud.databricks.com", server.https_addr),
    );
    config
        .extra_root_certs
        .push(CertificateDer::from(odd.certificate_der.clone()));
    let relay = relay(config).await;
    server.clear_log();
    let page = PageClient::new(relay.addr);
    let spark = "/api/2.1/clusters/spark-versions";
    for (host, target_host) in [
        (
            "odd-offsite.cloud.databricks.com",
            "elsewhere-1.cloud.databricks.com",
        ),
        ("odd-metadata.cloud.databricks.com", "169.254.169.254"),
        (
            "odd-plainhttp.cloud.databricks.com",
            "odd-plainhttp.cloud.databricks.com",
        ),
        (
            "odd-otherport.cloud.databricks.com",
            "odd-otherport.cloud.databricks.com",
        ),
    ] {
        let answer = raw_request(relay.addr, "GET", &format!("/relay/{host}{spark}"), &[]).await;
        assert_eq!(answer.status, 403, "{host}");
        assert_eq!(answer.header(ERROR_HEADER), Some("redirect_to_other_host"));
        assert!(
            answer.json()["message"]
                .as_str()
                .unwrap()
                .contains(target_host),
            "{host}: {:?}",
            answer.json()
        );
        assert_eq!(answer.header("x-dbx-check-upstream-status"), Some("302"));
        assert!(answer.header("x-dbx-check-location").is_some());
        assert_eq!(answer.header("location"), None);
        // The page reads it back as the redirect a direct call would have seen.
        let plan = dbx_check_core::plan_check(
            &format!("https://{host}"),
            AuthMethod::Pat,
            "",
            &dbx_check_core::Secret::new(TEST_PAT),
        );
        let outcome = page.step(&plan, Step::SparkVersions, None).await.unwrap();
        assert_eq!(outcome.status, Some(302));
        assert!(outcome.headers.get("location").is_some());
        assert_eq!(
            dbx_check_core::diagnose(&outcome).verdict,
            Verdict::UnexpectedResponse
        );
    }
    assert_eq!(server.requests(), vec![], "the other host was reached");
    let seen = odd.seen.lock().unwrap().clone();
    assert!(
        seen.iter()
            .all(|s| !s.contains("steal") && !s.contains("meta-data")),
        "{seen:?}"
    );

    // A same-host redirect loop ends after the bound, as an unreachable workspace.
    let looped = raw_request(
        relay.addr,
        "GET",
        &format!("/relay/odd-loop.cloud.databricks.com{spark}"),
        &[],
    )
    .await;
    assert_eq!(
        (looped.status, looped.header(ERROR_HEADER)),
        (502, Some("too_many_redirects"))
    );
    let loops = odd
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter(|s| s.starts_with("odd-loop"))
        .count();
    assert_eq!(loops, dbx_check_relay::policy::MAX_REDIRECTS + 1);
}

#[tokio::test]
async fn bodies_time_and_concurrency_are_bounded() {
    let server = fake(SLOW).await;
    let mut config = relay_config(&server, vec![]);
    config.limits = Limits {
        request_timeout: Duration::from_millis(600),
        max_concurrent_relays: 1,
        ..Limits::default()
    };
    let relay = relay(config).await;
    let page = PageClient::new(relay.addr);
    server.clear_log();

    let too_big =
        "grant_type=client_credentials&scope=all-apis&x=".to_owned() + &"a".repeat(20_000);
    let answer = page
        .send(
            "POST",
            &relay_path("ok-9.cloud.databricks.com", Step::OauthToken),
            &[(
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            )],
            Some(&too_big),
        )
        .await
        .unwrap();
    assert_eq!(
        (answer.status, answer.header(ERROR_HEADER)),
        (413, Some("request_too_large"))
    );
    assert_eq!(server.requests(), vec![]);

    // One slow request holds the only slot; the next is refused at once.
    let slow_path = relay_path("slow-9.cloud.databricks.com", Step::SparkVersions);
    let first = {
        let page = page.clone();
        let path = slow_path.clone();
        tokio::spawn(async move { page.get(&path).await })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    let started = std::time::Instant::now();
    let second = page.get(&slow_path).await;
    assert_eq!(
        (second.status, second.header(ERROR_HEADER)),
        (503, Some("relay_busy"))
    );
    assert_eq!(second.header("retry-after"), Some("1"));
    assert!(started.elapsed() < Duration::from_millis(300));
    let first = first.await.unwrap();
    assert_eq!(
        (first.status, first.header(ERROR_HEADER)),
        (504, Some("upstream_timeout"))
    );
}

#[tokio::test]
async fn one_log_line_per_request_and_never_a_secret() {
    let server = fake(SLOW).await;
    let lines = Arc::new(Mutex::new(Vec::new()));
    let mut config = relay_config(&server, vec![]);
    config.log = LogSink::Memory(lines.clone());
    let relay = relay(config).await;
    let page = PageClient::new(relay.addr);
    page.check(
        "nocors-7.cloud.databricks.com",
        AuthMethod::SpOauth,
        TEST_CLIENT_ID,
        TEST_CLIENT_SECRET,
    )
    .await;
    page.check(
        "badtoken-7.cloud.databricks.com",
        AuthMethod::Basic,
        TEST_USER,
        TEST_PASSWORD,
    )
    .await;
    let refused = format!("/relay/{TEST_PAT}.example.com/api/2.1/clusters/spark-versions");
    page.get(&refused).await;
    page.get("/relay/health").await;

    let lines = lines.lock().unwrap().clone();
    assert_eq!(lines.len(), 4 + 1 + 1, "{lines:#?}");
    assert!(
        lines[0].starts_with("relay POST nocors-7.cloud.databricks.com /oidc/v1/token 200 "),
        "{}",
        lines[0]
    );
    assert!(lines[4].starts_with(
        "relay GET badtoken-7.cloud.databricks.com /api/2.1/clusters/spark-versions 403 "
    ));
    assert!(
        lines[5].starts_with("relay - - - 403 ") && lines[5].ends_with("refused=host_refused"),
        "{}",
        lines[5]
    );
    let basic = base64_of(&format!("{TEST_USER}:{TEST_PASSWORD}"));
    let all = lines.join("\n");
    for secret in [
        TEST_PAT,
        TEST_CLIENT_SECRET,
        ISSUED_ACCESS_TOKEN,
        TEST_PASSWORD,
        basic.as_str(),
        "Bearer",
        "Basic",
    ] {
        assert!(!all.contains(secret), "{secret} in the log");
    }
}

fn base64_of(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[tokio::test]
async fn it_serves_the_page_with_types_and_security_headers_and_its_health() {
    let server = fake(SLOW).await;
    let dist = std::env::temp_dir().join(format!("dbx-relay-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><html><head><title>dbx-check</title></head><body></body></html>",
    )
    .unwrap();
    std::fs::write(dist.join("app-1a2b_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dist.join("app-1a2b.js"), "export default 1;").unwrap();
    let mut config = relay_config(&server, vec![]);
    config.dist = Some(dist.clone());
    let relay = relay(config).await;
    let page = PageClient::new(relay.addr);

    let index = page.get("/").await;
    assert_eq!(index.status, 200);
    assert_eq!(
        index.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    // Marked for the page to find its relay without a request; the length follows.
    let marked = format!(
        "<!doctype html><html><head><title>dbx-check</title>{}\n</head><body></body></html>",
        dbx_check_core::check::relay::page_mark()
    );
    assert_eq!(String::from_utf8_lossy(&index.body), marked);
    assert_eq!(
        index.header("content-length"),
        Some(marked.len().to_string().as_str())
    );
    assert_eq!(page.get("/index.html").await.body, index.body);
    assert!(index
        .header("content-security-policy")
        .unwrap()
        .contains("object-src 'none'"));
    assert_eq!(
        index.header("cross-origin-resource-policy"),
        Some("cross-origin")
    );
    assert_eq!(index.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(index.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(
        page.get("/app-1a2b_bg.wasm").await.header("content-type"),
        Some("application/wasm")
    );
    assert_eq!(
        page.get("/app-1a2b.js").await.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(page.get("/missing.js").await.status, 404);
    assert_eq!(
        raw_request(relay.addr, "GET", "/../../etc/passwd", &[])
            .await
            .status,
        404
    );
    assert_eq!(
        raw_request(relay.addr, "GET", "/%2e%2e/%2e%2e/etc/passwd", &[])
            .await
            .status,
        404
    );
    assert_eq!(
        page.send("POST", "/", &[], Some("x")).await.unwrap().status,
        405
    );

    let health = page.get("/relay/health").await;
    assert_eq!(health.status, 200);
    assert!(is_relay_health(&health.body));
    assert_eq!(health.json()["version"], dbx_check_relay::VERSION);
    assert_eq!(health.header("content-type"), Some("application/json"));
    let _ = std::fs::remove_dir_all(&dist);
}

#[test]
fn the_command_starts_and_refuses_unsafe_settings() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let bin = env!("CARGO_BIN_EXE_dbx-check-relay");
    for bad in [
        vec!["--resolve", "ok.cloud.databricks.com=10.0.0.1:443"],
        vec!["--allow-host", "169.254.169.254"],
        vec!["--allow-host", "localhost"],
        vec!["--dist", "/nonexistent-dist"],
    ] {
        let out = Command::new(bin)
            .args(["--port", "0"])
            .args(&bad)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{bad:?} was accepted");
        assert!(!out.stderr.is_empty(), "{bad:?} without a reason");
    }
    let mut child = Command::new(bin)
        .args(["--port", "0", "--quiet"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let line = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .next()
        .unwrap()
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(
        line.starts_with("dbx-check relay on http://127.0.0.1:"),
        "{line}"
    );
}
