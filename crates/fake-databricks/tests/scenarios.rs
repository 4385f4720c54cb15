//! Every scenario of the fake, hit over real TLS and read by the core's diagnosis: proves
//! the fake answers as docs/databricks-answers.md says, and that the diagnosis reads it.
//! The scenarios and their verdicts come from the one table, `scenarios.json`.

use bytes::Bytes;
use dbx_check_core::check::{
    diagnose, plan_check, read_success, RawOutcome, Step, SuccessDetails, Transport, Verdict,
};
use dbx_check_core::{AuthMethod, Secret};
use fake_databricks::{
    scenario_table, start, Config, FakeDatabricks, LoggedRequest, Scenario, ISSUED_ACCESS_TOKEN,
    RETRY_AFTER_SECONDS, TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_PASSWORD, TEST_PAT, TEST_USER,
    WORKSPACE_ID,
};
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpStream;

mod support;
use support::{execute, send_once};

const ORIGIN: &str = "http://127.0.0.1:8080";

async fn fake() -> FakeDatabricks {
    start(Config {
        https_port: 0,
        http_port: Some(0),
        log_file: None,
        slow_delay: Duration::from_millis(1500),
    })
    .await
    .expect("fake starts")
}

/// What a browser decides from the preflight: may the page send this request?
async fn preflight_allows(server: &FakeDatabricks, host: &str, path: &str) -> bool {
    let headers = vec![
        ("origin".to_owned(), ORIGIN.to_owned()),
        ("access-control-request-method".to_owned(), "GET".to_owned()),
        (
            "access-control-request-headers".to_owned(),
            "accept,authorization".to_owned(),
        ),
    ];
    let r = send_once(server, host, "OPTIONS", path, &headers, None)
        .await
        .expect("preflight answered");
    let get = |name: &str| {
        r.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    (200..300).contains(&r.status)
        && get("access-control-allow-origin") == Some(ORIGIN)
        && get("access-control-allow-headers").is_some_and(|h| h.contains("authorization"))
}

fn pat_plan(host: &str, pat: &str) -> dbx_check_core::CheckPlan {
    plan_check(
        &format!("https://{host}"),
        AuthMethod::Pat,
        "",
        &Secret::new(pat),
    )
}

async fn first_step_verdict(server: &FakeDatabricks, host: &str) -> (Verdict, RawOutcome) {
    let plan = pat_plan(host, TEST_PAT);
    let outcome = execute(
        server,
        host,
        &plan.requests[0],
        None,
        Duration::from_secs(5),
    )
    .await;
    (diagnose(&outcome).verdict, outcome)
}

#[tokio::test]
async fn every_scenario_of_the_table_answers_as_the_facts_say_and_gets_its_verdict() {
    let server = fake().await;
    let mut wrong = Vec::new();
    for row in scenario_table() {
        let plan = pat_plan(&row.host, TEST_PAT);
        // The `slow-` host answers after 1.5 s here: wait less, as the page does.
        let wait = if row.label == "slow" {
            Duration::from_millis(500)
        } else {
            Duration::from_secs(5)
        };
        let outcome = execute(&server, &row.host, &plan.requests[0], None, wait).await;
        let verdict = diagnose(&outcome).verdict;
        if verdict.as_str() != row.verdict_for("pat") {
            wrong.push(format!(
                "{}: expected {}, got {verdict} from {:?} {}",
                row.host,
                row.verdict,
                outcome.status,
                String::from_utf8_lossy(outcome.body.bytes())
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn details_from_the_facts_come_through() {
    let server = fake().await;
    let (_, ipacl) = first_step_verdict(&server, "ipacl-2.cloud.databricks.com").await;
    let d = diagnose(&ipacl);
    assert!(d.explanation.contains("127.0.0.1"), "{}", d.explanation);
    assert!(d.explanation.contains(WORKSPACE_ID));

    let (_, limited) = first_step_verdict(&server, "ratelimit-2.cloud.databricks.com").await;
    assert!(diagnose(&limited)
        .fix
        .contains(&format!("Wait {RETRY_AFTER_SECONDS} seconds")));

    let (_, private) = first_step_verdict(&server, "privatelink-2.cloud.databricks.com").await;
    assert_eq!(private.status, Some(200));
    assert!(private.final_url.as_deref().unwrap().ends_with(&format!(
        "/login.html?error=private-link-validation-error:{WORKSPACE_ID}"
    )));

    let (_, refused) = first_step_verdict(&server, "badtoken-2.cloud.databricks.com").await;
    assert_eq!(
        refused.headers.get("x-databricks-reason-phrase"),
        Some("Invalid access token.")
    );
}

#[tokio::test]
async fn every_real_name_shape_verifies_against_the_authority() {
    let server = fake().await;
    // One and two labels below the zone, as real workspaces are named (the client checks
    // the name against the certificate, as a browser or Python's requests does).
    for host in [
        "dbc-a1b2345c-d6e7.cloud.databricks.com",
        "adb-5555555555555555.19.azuredatabricks.net",
        "ok-1.2.azuredatabricks.net",
        "8757561887652360.0.gcp.databricks.com",
        "adb-1.2.databricks.azure.cn",
        "ok-1.dev.gcp.databricks.com",
        "workspace.example.org",
    ] {
        let r = send_once(
            &server,
            host,
            "GET",
            "/api/2.1/clusters/spark-versions",
            &[("authorization".to_owned(), format!("Bearer {TEST_PAT}"))],
            None,
        )
        .await
        .unwrap_or_else(|e| panic!("{host}: {e}"));
        assert_eq!(r.status, 200, "{host}");
    }
}

#[tokio::test]
async fn a_wrong_token_on_a_healthy_workspace_is_refused() {
    let server = fake().await;
    let host = "ok-3.cloud.databricks.com";
    let plan = pat_plan(host, "dapi00000000000000000000000000000000");
    let outcome = execute(
        &server,
        host,
        &plan.requests[0],
        None,
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(outcome.status, Some(403));
    assert_eq!(diagnose(&outcome).verdict, Verdict::InvalidToken);
}

#[tokio::test]
async fn every_browser_method_passes_the_whole_plan_on_a_healthy_workspace() {
    let server = fake().await;
    let host = "ok-4.cloud.databricks.com";
    let logins = [
        (AuthMethod::Pat, "", TEST_PAT),
        (AuthMethod::PatBasic, "token", TEST_PAT),
        (AuthMethod::Basic, TEST_USER, TEST_PASSWORD),
        (AuthMethod::SpOauth, TEST_CLIENT_ID, TEST_CLIENT_SECRET),
    ];
    for (method, login, secret) in logins {
        let plan = plan_check(
            &format!("https://{host}"),
            method,
            login,
            &Secret::new(secret),
        );
        let mut access_token = None;
        let mut seen = Vec::new();
        for request in &plan.requests {
            let outcome = execute(
                &server,
                host,
                request,
                access_token.as_ref(),
                Duration::from_secs(5),
            )
            .await;
            let d = diagnose(&outcome);
            assert_eq!(d.verdict, Verdict::Ok, "{method} {}: {d:?}", request.step);
            match read_success(&outcome) {
                Some(SuccessDetails::OauthToken {
                    access_token: token,
                    ..
                }) => {
                    assert_eq!(token.expose(), ISSUED_ACCESS_TOKEN);
                    access_token = Some(token);
                }
                Some(SuccessDetails::CurrentUser { user_name, .. }) => {
                    assert!(user_name.is_some());
                    // SCIM Me carries the workspace id in a header (a non-browser client reads it).
                    assert_eq!(
                        outcome.headers.get("x-databricks-org-id"),
                        Some(WORKSPACE_ID)
                    );
                }
                Some(SuccessDetails::Warehouses { warehouses }) => assert_eq!(
                    warehouses[0].http_path,
                    "/sql/1.0/warehouses/1a2b3c4d5e6f7a8b"
                ),
                Some(SuccessDetails::SparkVersions { count }) => assert_eq!(count, 3),
                None => panic!("{method} {}: no details", request.step),
            }
            seen.push(request.step);
        }
        assert_eq!(seen.len(), plan.requests.len());
    }
}

#[tokio::test]
async fn a_wrong_service_principal_gets_invalid_client() {
    let server = fake().await;
    for (host, secret) in [
        ("badclient-1.cloud.databricks.com", TEST_CLIENT_SECRET),
        ("ok-5.cloud.databricks.com", "dose-wrong"),
    ] {
        let plan = plan_check(
            &format!("https://{host}"),
            AuthMethod::SpOauth,
            TEST_CLIENT_ID,
            &Secret::new(secret),
        );
        let token = plan.request(Step::OauthToken).unwrap();
        let outcome = execute(&server, host, token, None, Duration::from_secs(5)).await;
        assert_eq!(
            diagnose(&outcome).verdict,
            Verdict::OauthInvalidClient,
            "{host}"
        );
    }
}

#[tokio::test]
async fn a_slow_workspace_times_out_and_still_answers_later() {
    let server = fake().await;
    let host = "slow-1.cloud.databricks.com";
    let plan = pat_plan(host, TEST_PAT);
    let started = std::time::Instant::now();
    let outcome = execute(
        &server,
        host,
        &plan.requests[0],
        None,
        Duration::from_millis(500),
    )
    .await;
    assert_eq!(diagnose(&outcome).verdict, Verdict::Timeout);
    assert!(started.elapsed() < Duration::from_millis(1400));
    let patient = execute(
        &server,
        host,
        &plan.requests[0],
        None,
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(diagnose(&patient).verdict, Verdict::Ok);
}

#[tokio::test]
async fn cors_is_on_for_every_scenario_but_nocors() {
    let server = fake().await;
    for host in [
        "ok-6.cloud.databricks.com",
        "badtoken-6.cloud.databricks.com",
        "privatelink-6.cloud.databricks.com",
        "accounts.cloud.databricks.com",
        "ratelimit-6.cloud.databricks.com",
    ] {
        assert!(
            preflight_allows(&server, host, "/api/2.1/clusters/spark-versions").await,
            "{host}"
        );
    }
    let host = "nocors-6.cloud.databricks.com";
    assert!(!preflight_allows(&server, host, "/api/2.1/clusters/spark-versions").await);
    // The page's executor reports a refused preflight as `blocked`.
    let outcome = RawOutcome::failed(Step::SparkVersions, Transport::Blocked);
    assert_eq!(diagnose(&outcome).verdict, Verdict::CorsBlocked);

    // Answers carry the origin and expose the headers the diagnosis reads.
    let with_origin = [
        ("origin".to_owned(), ORIGIN.to_owned()),
        ("authorization".to_owned(), format!("Bearer {TEST_PAT}")),
    ];
    let r = send_once(
        &server,
        "ok-6.cloud.databricks.com",
        "GET",
        "/api/2.0/preview/scim/v2/Me",
        &with_origin,
        None,
    )
    .await
    .unwrap();
    // No captured Databricks answer exposes a header (docs/databricks-answers.md): a
    // browser reads the origin's answer, but not x-databricks-org-id or Retry-After.
    assert!(r
        .headers
        .iter()
        .any(|(n, _)| n == "access-control-allow-origin"));
    assert!(r
        .headers
        .iter()
        .all(|(n, _)| n != "access-control-expose-headers"));
    let r = send_once(
        &server,
        host,
        "GET",
        "/api/2.0/preview/scim/v2/Me",
        &with_origin,
        None,
    )
    .await
    .unwrap();
    assert!(!r
        .headers
        .iter()
        .any(|(n, _)| n.starts_with("access-control-")));
}

#[tokio::test]
async fn a_nocors_prefix_gives_any_scenario_with_cors_refused() {
    let server = fake().await;
    let with_origin = [
        ("origin".to_owned(), ORIGIN.to_owned()),
        ("authorization".to_owned(), format!("Bearer {TEST_PAT}")),
    ];
    for (label, scenario) in Scenario::ALL {
        if scenario == Scenario::Slow {
            continue; // like `ok-` after a delay: nothing of its own to compare
        }
        let (plain, refused) = match scenario {
            Scenario::AccountConsole => (
                "accounts.cloud.databricks.com".to_owned(),
                "nocors-accounts-7.cloud.databricks.com".to_owned(),
            ),
            _ => (
                format!("{label}-7.cloud.databricks.com"),
                format!("nocors-{label}-7.cloud.databricks.com"),
            ),
        };
        assert_eq!(Scenario::from_host(&refused), scenario, "{refused}");
        for path in ["/api/2.1/clusters/spark-versions", "/oidc/v1/token"] {
            let method = if path == "/oidc/v1/token" {
                "POST"
            } else {
                "GET"
            };
            assert!(
                !preflight_allows(&server, &refused, path).await,
                "{refused}{path}: preflight allowed"
            );
            let a = send_once(&server, &plain, method, path, &with_origin, None)
                .await
                .unwrap();
            let b = send_once(&server, &refused, method, path, &with_origin, None)
                .await
                .unwrap();
            // The same answer, less the CORS headers (`vary: Origin` is one of them).
            let without_cors = |headers: &[(String, String)]| {
                headers
                    .iter()
                    .filter(|(n, _)| {
                        !n.starts_with("access-control-") && n != "vary" && n != "date"
                    })
                    .cloned()
                    .collect::<Vec<_>>()
            };
            assert_eq!(a.status, b.status, "{refused}{path}");
            assert_eq!(a.body, b.body, "{refused}{path}");
            assert_eq!(
                without_cors(&a.headers),
                without_cors(&b.headers),
                "{refused}{path}"
            );
            assert!(
                !b.headers
                    .iter()
                    .any(|(n, _)| n.starts_with("access-control-")),
                "{refused}{path}: a CORS header"
            );
        }
    }
    // The plain names keep their CORS headers.
    assert!(
        preflight_allows(
            &server,
            "badtoken-7.cloud.databricks.com",
            "/api/2.1/clusters/spark-versions"
        )
        .await
    );
}

#[tokio::test]
async fn a_closed_port_is_unreachable() {
    let server = fake().await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let outcome = match TcpStream::connect(closed).await {
        Ok(_) => RawOutcome::answered(Step::SparkVersions, 200, vec![], "", None),
        Err(_) => RawOutcome::failed(Step::SparkVersions, Transport::Unreachable),
    };
    assert_eq!(diagnose(&outcome).verdict, Verdict::Unreachable);
    drop(server);
}

#[tokio::test]
async fn the_log_records_every_request_without_secrets() {
    let server = fake().await;
    server.clear_log();
    let host = "ok-7.cloud.databricks.com";
    let plan = plan_check(
        &format!("https://{host}"),
        AuthMethod::SpOauth,
        TEST_CLIENT_ID,
        &Secret::new(TEST_CLIENT_SECRET),
    );
    let token = execute(
        &server,
        host,
        &plan.requests[0],
        None,
        Duration::from_secs(5),
    )
    .await;
    let Some(SuccessDetails::OauthToken { access_token, .. }) = read_success(&token) else {
        panic!("no token");
    };
    execute(
        &server,
        host,
        &plan.requests[1],
        Some(&access_token),
        Duration::from_secs(5),
    )
    .await;
    let bad = pat_plan(host, TEST_PAT);
    execute(
        &server,
        "badtoken-7.cloud.databricks.com",
        &{
            let mut r = bad.requests[0].clone();
            r.url = r.url.replace(host, "badtoken-7.cloud.databricks.com");
            r
        },
        None,
        Duration::from_secs(5),
    )
    .await;

    // Read over HTTP as a browser test would, from the plain port.
    let http = server.http_addr.unwrap();
    let json = plain_get(http, "/__log").await;
    let logged: Vec<LoggedRequest> = serde_json::from_str(&json).unwrap();
    assert_eq!(logged, server.requests());
    let summary: Vec<(&str, &str, &str, Option<&str>, &str)> = logged
        .iter()
        .map(|r| {
            (
                r.method.as_str(),
                r.host.as_str(),
                r.path.as_str(),
                r.authorization.as_deref(),
                r.credential.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("POST", host, "/oidc/v1/token", Some("Basic"), "valid"),
            (
                "GET",
                host,
                "/api/2.1/clusters/spark-versions",
                Some("Bearer"),
                "valid"
            ),
            (
                "GET",
                "badtoken-7.cloud.databricks.com",
                "/api/2.1/clusters/spark-versions",
                Some("Bearer"),
                "valid"
            ),
        ]
    );
    for secret in [TEST_PAT, TEST_CLIENT_SECRET, ISSUED_ACCESS_TOKEN, "ZG9zZ"] {
        assert!(!json.contains(secret), "{secret} in the log");
    }
    assert!(json.contains("Bearer <redacted>"));
}

async fn plain_get(addr: SocketAddr, path: &str) -> String {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .unwrap();
    tokio::spawn(conn);
    let req = Request::builder()
        .uri(path)
        .header("host", "127.0.0.1")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let response = sender.send_request(req).await.unwrap();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(body.to_vec()).unwrap()
}

#[test]
fn the_command_prints_where_it_listens_and_logs_to_a_file() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let log = std::env::temp_dir().join(format!("fake-databricks-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let mut child = Command::new(env!("CARGO_BIN_EXE_fake-databricks"))
        .args(["--port", "0", "--http-port", "0", "--log"])
        .arg(&log)
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let https = lines.next().unwrap().unwrap();
    let http = lines.next().unwrap().unwrap();
    assert!(
        https.starts_with("listening on https://127.0.0.1:"),
        "{https}"
    );
    let addr: SocketAddr = http
        .strip_prefix("listening on http://")
        .expect("http line")
        .parse()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let body = runtime.block_on(plain_get(addr, "/api/2.1/clusters/spark-versions"));
    child.kill().unwrap();
    let _ = child.wait();
    assert!(body.contains("Invalid access token."), "{body}");
    let written = std::fs::read_to_string(&log).unwrap();
    let entry: LoggedRequest = serde_json::from_str(written.lines().next().unwrap()).unwrap();
    assert_eq!(entry.path, "/api/2.1/clusters/spark-versions");
    assert_eq!(entry.credential, "none");
    let _ = std::fs::remove_file(&log);
}
