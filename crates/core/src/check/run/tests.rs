use super::*;
use crate::check::{plan_check, Transport};
use crate::vocabulary::AuthMethod;
use proptest::prelude::*;

const PAT: &str = "dapi0123456789abcdef0123456789abcdef";
const CLIENT_SECRET: &str = "dose0123456789abcdef0123456789abcdef";
const CLIENT_ID: &str = "8c1e4b0a-7d52-4f3e-9a61-2f0c5d7e9b13";
const ISSUED: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzcCJ9.c2lnbmF0dXJl";
const AWS: &str = "https://dbc-a1b2345c-d6e7.cloud.databricks.com";
const AZURE: &str = "https://adb-1.2.azuredatabricks.net";

// Bodies and headers as in docs/databricks-answers.md (and the fake server's `ok-`
// scenario, which takes them from there).
fn ok(step: Step) -> RawOutcome {
    let (headers, body) = match step {
        Step::OauthToken => (
            vec![],
            format!(r#"{{"access_token":"{ISSUED}","token_type":"Bearer","expires_in":3600}}"#),
        ),
        Step::SparkVersions => (
            vec![],
            r#"{"versions": [{"key": "15.4.x-scala2.12", "name": "15.4 LTS"}]}"#.to_owned(),
        ),
        Step::CurrentUser => (
            vec![(
                "x-databricks-org-id".to_owned(),
                "7474646471015793".to_owned(),
            )],
            r#"{"userName": "ana@example.com", "displayName": "Ana Lima", "active": true}"#
                .to_owned(),
        ),
        Step::Warehouses => (
            vec![],
            r#"{"warehouses": [{"id": "1a2b3c4d5e6f7a8b", "name": "Starter", "state": "RUNNING",
               "odbc_params": {"path": "/sql/1.0/warehouses/1a2b3c4d5e6f7a8b"}}]}"#
                .to_owned(),
        ),
    };
    RawOutcome::answered(step, 200, headers, body, None)
}

fn status(code: u16, headers: &[(&str, &str)], body: &str) -> RawOutcome {
    RawOutcome::answered(
        Step::SparkVersions,
        code,
        headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        body,
        None,
    )
}

fn invalid_token() -> RawOutcome {
    status(
        403,
        &[],
        r#"{"error_code": 403, "message": "Invalid access token."}"#,
    )
}

fn rate_limited(retry_after: &str) -> RawOutcome {
    status(
        429,
        &[("Retry-After", retry_after)],
        r#"{"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "Exceeded the request rate limit."}"#,
    )
}

fn failed(transport: Transport) -> RawOutcome {
    RawOutcome::failed(Step::SparkVersions, transport)
}

fn plan(method: AuthMethod, host: &str) -> CheckPlan {
    let (login, secret) = match method {
        AuthMethod::Pat => ("", PAT),
        AuthMethod::PatBasic => ("token", PAT),
        AuthMethod::SpOauth | AuthMethod::AzureSp => (CLIENT_ID, CLIENT_SECRET),
        AuthMethod::Basic => ("ana@example.com", "correct horse"),
        AuthMethod::AzureMi | AuthMethod::AzureDefault => ("", ""),
    };
    plan_check(host, method, login, &Secret::new(secret))
}

/// One request the run asked for and what the run said after its answer.
#[derive(Debug, PartialEq)]
struct Exchange {
    step: Step,
    attempt: u8,
    progress: Progress,
}

/// Feeds `answers` in order to whatever the run asks, as the page's driver does.
fn drive(run: &mut CheckRun, answers: Vec<RawOutcome>) -> Vec<Exchange> {
    let mut seen = Vec::new();
    let mut answers = answers.into_iter();
    while let Some(next) = run.next_request() {
        let Some(answer) = answers.next() else {
            panic!("the run asked for {next:?} but the table has no more answers");
        };
        let progress = run.record(answer);
        seen.push(Exchange {
            step: next.step,
            attempt: next.attempt,
            progress,
        });
    }
    assert!(answers.next().is_none(), "the run stopped before the table");
    seen
}

fn ex(step: Step, attempt: u8, progress: Progress) -> Exchange {
    Exchange {
        step,
        attempt,
        progress,
    }
}

struct Case {
    name: &'static str,
    method: AuthMethod,
    answers: Vec<RawOutcome>,
    exchanges: Vec<Exchange>,
    verdict: Option<Verdict>,
    /// The states of the steps at the end, in plan order.
    states: Vec<StepState>,
    ways_on: bool,
}

#[test]
fn each_sequence_of_answers_drives_the_check_as_airflow_would_judge_it() {
    use Progress::{Finished, RetryAfter, SendNext};
    use Step::{CurrentUser, OauthToken, SparkVersions, Warehouses};
    use StepState::{Answered, Skipped};
    let cases = vec![
        Case {
            name: "pat, every step answers",
            method: AuthMethod::Pat,
            answers: vec![ok(SparkVersions), ok(CurrentUser), ok(Warehouses)],
            exchanges: vec![
                ex(SparkVersions, 1, SendNext),
                ex(CurrentUser, 1, SendNext),
                ex(Warehouses, 1, Finished),
            ],
            verdict: Some(Verdict::Ok),
            states: vec![Answered; 3],
            ways_on: false,
        },
        Case {
            name: "sp_oauth: the token first, then the three calls",
            method: AuthMethod::SpOauth,
            answers: vec![
                ok(OauthToken),
                ok(SparkVersions),
                ok(CurrentUser),
                ok(Warehouses),
            ],
            exchanges: vec![
                ex(OauthToken, 1, SendNext),
                ex(SparkVersions, 1, SendNext),
                ex(CurrentUser, 1, SendNext),
                ex(Warehouses, 1, Finished),
            ],
            verdict: Some(Verdict::Ok),
            states: vec![Answered; 4],
            ways_on: false,
        },
        Case {
            name: "an invalid token stops the check at Airflow's test",
            method: AuthMethod::Pat,
            answers: vec![invalid_token()],
            exchanges: vec![ex(SparkVersions, 1, Finished)],
            verdict: Some(Verdict::InvalidToken),
            states: vec![Answered, Skipped, Skipped],
            ways_on: false,
        },
        Case {
            name: "a refused client stops the check before Airflow's test",
            method: AuthMethod::SpOauth,
            answers: vec![status(
                401,
                &[],
                r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
            )],
            exchanges: vec![ex(OauthToken, 1, Finished)],
            verdict: Some(Verdict::OauthInvalidClient),
            states: vec![Answered, Skipped, Skipped, Skipped],
            ways_on: false,
        },
        Case {
            name: "a token answer without a token stops the check",
            method: AuthMethod::SpOauth,
            answers: vec![status(200, &[], r#"{"token_type":"Bearer"}"#)],
            exchanges: vec![ex(OauthToken, 1, Finished)],
            verdict: Some(Verdict::UnexpectedResponse),
            states: vec![Answered, Skipped, Skipped, Skipped],
            ways_on: true,
        },
        Case {
            name: "429 is tried again after 1 s, as Airflow does, then passes",
            method: AuthMethod::Pat,
            answers: vec![
                rate_limited("7"),
                ok(SparkVersions),
                ok(CurrentUser),
                ok(Warehouses),
            ],
            exchanges: vec![
                ex(SparkVersions, 1, RetryAfter(1000)),
                ex(SparkVersions, 2, SendNext),
                ex(CurrentUser, 1, SendNext),
                ex(Warehouses, 1, Finished),
            ],
            verdict: Some(Verdict::Ok),
            states: vec![Answered; 3],
            ways_on: false,
        },
        Case {
            name: "429 three times is rate_limited: 3 tries, 1 s then 2 s apart, Retry-After not waited for",
            method: AuthMethod::Pat,
            answers: vec![rate_limited("60"), rate_limited("60"), rate_limited("60")],
            exchanges: vec![
                ex(SparkVersions, 1, RetryAfter(1000)),
                ex(SparkVersions, 2, RetryAfter(2000)),
                ex(SparkVersions, 3, Finished),
            ],
            verdict: Some(Verdict::RateLimited),
            states: vec![Answered, Skipped, Skipped],
            ways_on: false,
        },
        Case {
            name: "each step has its own tries, as each of Airflow's requests has",
            method: AuthMethod::Pat,
            answers: vec![
                rate_limited("0"),
                ok(SparkVersions),
                rate_limited("1"),
                ok(CurrentUser),
                ok(Warehouses),
            ],
            exchanges: vec![
                ex(SparkVersions, 1, RetryAfter(1000)),
                ex(SparkVersions, 2, SendNext),
                ex(CurrentUser, 1, RetryAfter(1000)),
                ex(CurrentUser, 2, SendNext),
                ex(Warehouses, 1, Finished),
            ],
            verdict: Some(Verdict::Ok),
            states: vec![Answered; 3],
            ways_on: false,
        },
        Case {
            name: "a 5xx is tried again, a 4xx is not",
            method: AuthMethod::PatBasic,
            answers: vec![
                status(
                    503,
                    &[("retry-after", "2")],
                    r#"{"error_code": "TEMPORARILY_UNAVAILABLE", "message": "Authentication is temporarily unavailable."}"#,
                ),
                status(502, &[], "<html>Bad Gateway</html>"),
                invalid_token(),
            ],
            exchanges: vec![
                ex(SparkVersions, 1, RetryAfter(1000)),
                ex(SparkVersions, 2, RetryAfter(2000)),
                ex(SparkVersions, 3, Finished),
            ],
            verdict: Some(Verdict::InvalidToken),
            states: vec![Answered, Skipped, Skipped],
            ways_on: false,
        },
        Case {
            name: "a 400 COULD_NOT_ACQUIRE_LOCK is tried again, as Airflow does",
            method: AuthMethod::Pat,
            answers: vec![
                status(400, &[], r#"{"error_code": "COULD_NOT_ACQUIRE_LOCK", "message": "busy"}"#),
                ok(SparkVersions),
                ok(CurrentUser),
                ok(Warehouses),
            ],
            exchanges: vec![
                ex(SparkVersions, 1, RetryAfter(1000)),
                ex(SparkVersions, 2, SendNext),
                ex(CurrentUser, 1, SendNext),
                ex(Warehouses, 1, Finished),
            ],
            verdict: Some(Verdict::Ok),
            states: vec![Answered; 3],
            ways_on: false,
        },
        Case {
            name: "a timeout is not tried again",
            method: AuthMethod::Pat,
            answers: vec![failed(Transport::Timeout)],
            exchanges: vec![ex(SparkVersions, 1, Finished)],
            verdict: Some(Verdict::Timeout),
            states: vec![Answered, Skipped, Skipped],
            ways_on: true,
        },
        Case {
            name: "a blocked call is cors_blocked, with the ways on",
            method: AuthMethod::Pat,
            answers: vec![failed(Transport::Blocked)],
            exchanges: vec![ex(SparkVersions, 1, Finished)],
            verdict: Some(Verdict::CorsBlocked),
            states: vec![Answered, Skipped, Skipped],
            ways_on: true,
        },
        Case {
            name: "a blocked token request is cors_blocked too",
            method: AuthMethod::SpOauth,
            answers: vec![failed(Transport::Blocked)],
            exchanges: vec![ex(OauthToken, 1, Finished)],
            verdict: Some(Verdict::CorsBlocked),
            states: vec![Answered, Skipped, Skipped, Skipped],
            ways_on: true,
        },
        Case {
            name: "unreachable and timeout end the check with the ways on",
            method: AuthMethod::Pat,
            answers: vec![failed(Transport::Unreachable)],
            exchanges: vec![ex(SparkVersions, 1, Finished)],
            verdict: Some(Verdict::Unreachable),
            states: vec![Answered, Skipped, Skipped],
            ways_on: true,
        },
        Case {
            name: "timeout",
            method: AuthMethod::Basic,
            answers: vec![failed(Transport::Timeout)],
            exchanges: vec![ex(SparkVersions, 1, Finished)],
            verdict: Some(Verdict::Timeout),
            states: vec![Answered, Skipped, Skipped],
            ways_on: true,
        },
        Case {
            name: "the informative steps failing does not change Airflow's verdict",
            method: AuthMethod::Pat,
            answers: vec![
                ok(SparkVersions),
                status(
                    403,
                    &[],
                    r#"{"error_code": "PERMISSION_DENIED", "message": "Token lacks the scim scope"}"#,
                ),
                failed(Transport::Blocked),
            ],
            exchanges: vec![
                ex(SparkVersions, 1, SendNext),
                ex(CurrentUser, 1, SendNext),
                ex(Warehouses, 1, Finished),
            ],
            verdict: Some(Verdict::Ok),
            states: vec![Answered; 3],
            ways_on: false,
        },
        Case {
            name: "azure methods never send from the browser",
            method: AuthMethod::AzureSp,
            answers: vec![],
            exchanges: vec![],
            verdict: None,
            states: vec![StepState::Pending; 3],
            ways_on: true,
        },
        Case {
            name: "managed identity neither",
            method: AuthMethod::AzureMi,
            answers: vec![],
            exchanges: vec![],
            verdict: None,
            states: vec![StepState::Pending; 3],
            ways_on: true,
        },
    ];
    for case in cases {
        let host = if case.method.is_azure_only() {
            AZURE
        } else {
            AWS
        };
        let mut run = CheckRun::start(plan(case.method, host), "databricks_default", Route::Direct);
        let exchanges = drive(&mut run, case.answers);
        assert_eq!(exchanges, case.exchanges, "{}", case.name);
        let report = run.report();
        assert_eq!(
            report.verdict.as_ref().map(|d| d.verdict),
            case.verdict,
            "{}",
            case.name
        );
        let states: Vec<StepState> = run.steps().iter().map(|s| s.state).collect();
        assert_eq!(states, case.states, "{}", case.name);
        assert_eq!(report.ways_on.is_some(), case.ways_on, "{}", case.name);
        assert_eq!(
            run.requests_sent() as usize,
            case.exchanges.len(),
            "{}",
            case.name
        );
        assert!(report.current.is_none(), "{}", case.name);
        assert_eq!(report.problem, None, "{}", case.name);
    }
}

#[test]
fn a_passing_check_says_who_the_credential_is_and_lists_warehouse_http_paths() {
    let mut plan = plan(AuthMethod::Pat, AWS);
    plan.workspace_id = Some(("7474646471015793".into(), WorkspaceIdSource::UrlQuery));
    let mut run = CheckRun::start(plan, "", Route::Direct);
    drive(
        &mut run,
        vec![
            ok(Step::SparkVersions),
            ok(Step::CurrentUser),
            ok(Step::Warehouses),
        ],
    );
    let report = run.report();
    assert_eq!(report.state, RunState::Finished);
    assert_eq!(
        report.identity,
        Some(Identity {
            user_name: Some("ana@example.com".into()),
            display_name: Some("Ana Lima".into()),
            workspace_id: Some(("7474646471015793".into(), WorkspaceIdSource::UrlQuery)),
        })
    );
    assert_eq!(report.warehouses.len(), 1);
    assert_eq!(
        report.warehouses[0].http_path,
        "/sql/1.0/warehouses/1a2b3c4d5e6f7a8b"
    );
    assert_eq!(
        report.verdict.map(|d| d.title),
        Some("Airflow's connection test passes".to_owned())
    );
}

#[test]
fn each_request_carries_the_real_headers_and_goes_straight_to_the_workspace() {
    let run = CheckRun::start(plan(AuthMethod::Pat, AWS), "", Route::Direct);
    let next = run.next_request().unwrap();
    assert_eq!(next.url, format!("{AWS}/api/2.1/clusters/spark-versions"));
    assert_eq!(next.method, HttpMethod::Get);
    assert_eq!(next.timeout_ms, 10_000);
    assert_eq!(
        next.reachability_probe.as_deref(),
        Some(&*format!("{AWS}/"))
    );
    assert!(next
        .headers
        .contains(&("Authorization".into(), format!("Bearer {PAT}"))));
    assert_eq!(next.body, None);
    // Asking again does not move the check on.
    assert_eq!(run.next_request(), Some(next));
}

#[test]
fn sp_oauth_sends_the_issued_token_on_every_later_call() {
    let mut run = CheckRun::start(plan(AuthMethod::SpOauth, AWS), "", Route::Direct);
    let token = run.next_request().unwrap();
    assert_eq!(token.method, HttpMethod::Post);
    assert_eq!(
        token.body.as_deref(),
        Some("grant_type=client_credentials&scope=all-apis")
    );
    assert!(token
        .headers
        .iter()
        .any(|(n, v)| n == "Authorization" && v.starts_with("Basic ")));
    assert_eq!(run.record(ok(Step::OauthToken)), Progress::SendNext);
    for step in [Step::SparkVersions, Step::CurrentUser, Step::Warehouses] {
        let next = run.next_request().unwrap();
        assert_eq!(next.step, step);
        assert!(next
            .headers
            .contains(&("Authorization".into(), format!("Bearer {ISSUED}"))));
        run.record(ok(step));
    }
    let report = run.report();
    assert_eq!(
        run.steps()[0].diagnosis.as_ref().unwrap().verdict,
        Verdict::Ok
    );
    let shown = format!(
        "{} {} {report:?} {run:?}",
        serde_json::to_string(&report).unwrap(),
        serde_json::to_string(&run.steps()).unwrap()
    );
    for secret in [ISSUED, CLIENT_SECRET] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
}

#[test]
fn through_the_relay_the_same_request_goes_to_the_pages_own_origin() {
    let run = CheckRun::start(plan(AuthMethod::Pat, AZURE), "", Route::Relay);
    let next = run.next_request().unwrap();
    assert_eq!(
        next.url,
        "/relay/adb-1.2.azuredatabricks.net/api/2.1/clusters/spark-versions"
    );
    assert_eq!(next.reachability_probe, None);
    assert!(next
        .headers
        .contains(&("Authorization".into(), format!("Bearer {PAT}"))));
    assert_eq!(
        run.steps()[0].shown_request.lines().next(),
        Some("GET https://adb-1.2.azuredatabricks.net/api/2.1/clusters/spark-versions")
    );
}

#[test]
fn a_blocked_check_gives_the_terminal_and_airflow_routes() {
    let mut run = CheckRun::start(plan(AuthMethod::Pat, AWS), "my_dbx", Route::Direct);
    run.record(failed(Transport::Blocked));
    let ways = run.report().ways_on.unwrap();
    assert_eq!(ways.bash.shell, Shell::Bash);
    assert_eq!(ways.powershell.shell, Shell::PowerShell);
    assert_eq!(ways.bash.commands.len(), 3);
    assert!(ways
        .airflow_cli
        .bash
        .ends_with("airflow connections test my_dbx"));
    let json = serde_json::to_string(&run.report()).unwrap();
    assert!(!json.contains(PAT));
}

#[test]
fn azure_methods_say_the_browser_cannot_check_and_give_the_terminal_route() {
    for method in [
        AuthMethod::AzureSp,
        AuthMethod::AzureMi,
        AuthMethod::AzureDefault,
    ] {
        let mut run = CheckRun::start(plan(method, AZURE), "", Route::Direct);
        assert_eq!(run.state(), RunState::NotInBrowser);
        assert_eq!(run.next_request(), None);
        assert_eq!(run.record(failed(Transport::Blocked)), Progress::Finished);
        let report = run.report();
        assert_eq!(run.requests_sent(), 0);
        assert_eq!(report.verdict, None);
        assert!(report
            .notes
            .iter()
            .any(|n| n.severity == Severity::Info && n.message.contains("cannot check")));
        let ways = report.ways_on.unwrap();
        assert!(
            ways.bash.setup.iter().any(|l| l.contains("az ")),
            "{method}"
        );
    }
}

#[test]
fn progress_while_checking_names_the_current_step_and_no_verdict_yet() {
    let mut run = CheckRun::start(plan(AuthMethod::Pat, AWS), "", Route::Direct);
    let report = run.report();
    assert_eq!(report.state, RunState::Checking);
    assert_eq!(report.current, Some(Step::SparkVersions));
    assert_eq!(run.steps()[0].state, StepState::Sending);
    assert_eq!(report.verdict, None);
    run.record(rate_limited("3"));
    let report = run.report();
    assert_eq!(report.current, Some(Step::SparkVersions));
    assert_eq!(run.steps()[0].state, StepState::Retrying);
    assert_eq!(
        run.steps()[0].diagnosis.as_ref().map(|d| d.verdict),
        Some(Verdict::RateLimited)
    );
    assert_eq!(run.next_request().map(|r| r.attempt), Some(2));
}

#[test]
fn cancelling_stops_sending_and_later_answers_are_ignored() {
    let mut run = CheckRun::start(plan(AuthMethod::Pat, AWS), "", Route::Direct);
    run.record(ok(Step::SparkVersions));
    run.cancel();
    assert_eq!(run.next_request(), None);
    assert_eq!(run.record(ok(Step::CurrentUser)), Progress::Finished);
    let report = run.report();
    assert_eq!(report.state, RunState::Cancelled);
    assert_eq!(report.verdict, None);
    assert_eq!(run.requests_sent(), 1);
}

#[test]
fn an_outcome_is_taken_as_the_current_steps_whatever_step_it_names() {
    let mut run = CheckRun::start(plan(AuthMethod::SpOauth, AWS), "", Route::Direct);
    // The executor labelled it wrongly; the run still judges it as the token answer.
    let mut answer = ok(Step::OauthToken);
    answer.step = Step::Warehouses;
    assert_eq!(run.record(answer), Progress::SendNext);
    assert_eq!(
        run.next_request().map(|r| r.step),
        Some(Step::SparkVersions)
    );
}

#[test]
fn a_check_that_cannot_send_says_why_instead_of_sending() {
    let cases = [
        (plan(AuthMethod::Pat, "not a url"), "check_url_unusable"),
        (
            plan(AuthMethod::Pat, "ftp://files.example"),
            "check_url_unusable",
        ),
        (
            plan_check(
                AWS,
                AuthMethod::Pat,
                "",
                &Secret::new("dapi123\nInjected: 1"),
            ),
            "check_header_not_sendable",
        ),
        (
            plan_check(AWS, AuthMethod::Pat, "", &Secret::new("dapi→123")),
            "check_header_not_sendable",
        ),
    ];
    for (plan, code) in cases {
        let run = CheckRun::start(plan, "", Route::Direct);
        assert_eq!(run.next_request(), None, "{code}");
        let report = run.report();
        assert_eq!(report.state, RunState::Finished);
        assert_eq!(report.problem.as_ref().map(|p| p.code), Some(code));
        assert_eq!(report.verdict, None);
        assert!(run.steps().iter().all(|s| s.state == StepState::Skipped));
        assert!(!format!("{report:?}").contains("Injected"));
    }
    // A plan that needs the OAuth token with no token step before it.
    let mut plan = plan(AuthMethod::SpOauth, AWS);
    plan.requests.remove(0);
    let run = CheckRun::start(plan, "", Route::Direct);
    assert_eq!(
        run.report().problem.map(|p| p.code),
        Some("check_no_access_token")
    );
    // An empty plan finishes at once.
    let mut plan = plan_check(AWS, AuthMethod::Pat, "", &Secret::new(PAT));
    plan.requests.clear();
    let run = CheckRun::start(plan, "", Route::Direct);
    assert_eq!(run.state(), RunState::Finished);
    assert_eq!(run.max_requests(), 0);
}

#[test]
fn latin_1_secrets_are_sendable_as_fetch_allows() {
    assert!(fetch_accepts("Basic abc=="));
    assert!(fetch_accepts("pässwörd"));
    assert!(!fetch_accepts("a\rb"));
    assert!(!fetch_accepts("a\0b"));
    assert!(!fetch_accepts("emoji 🙂"));
}

#[test]
fn next_request_debug_shows_header_names_not_values() {
    let run = CheckRun::start(plan(AuthMethod::PatBasic, AWS), "", Route::Direct);
    let next = run.next_request().unwrap();
    let shown = format!("{next:?}");
    assert!(shown.contains("Authorization"));
    assert!(!shown.contains(PAT));
    assert!(
        !shown.contains("dG9rZW46"),
        "the Basic value leaked: {shown}"
    );
}

/// Mostly anything; often an answer that asks for the retry, so that sequences of
/// them test the one-retry rule.
fn any_outcome() -> impl Strategy<Value = RawOutcome> {
    let asks_to_retry = (
        prop::sample::select(vec![429u16, 503]),
        prop::sample::select(vec!["0", "1", "7", "8"]),
    )
        .prop_map(|(code, wait)| {
            let mut answer = rate_limited(wait);
            answer.status = Some(code);
            answer
        });
    prop_oneof![2 => random_outcome(), 1 => asks_to_retry]
}

fn random_outcome() -> impl Strategy<Value = RawOutcome> {
    let transport = prop_oneof![
        6 => Just(Transport::Ok),
        1 => Just(Transport::Blocked),
        1 => Just(Transport::Unreachable),
        1 => Just(Transport::Timeout),
    ];
    let status = prop_oneof![
        Just(200u16),
        Just(302),
        Just(400),
        Just(401),
        Just(403),
        Just(404),
        Just(429),
        Just(500),
        Just(503),
        any::<u16>(),
    ];
    let retry_after = prop::option::of(prop_oneof![
        Just("0".to_owned()),
        Just("7".to_owned()),
        Just("8".to_owned()),
        Just("9".to_owned()),
        Just("18446744073709551615".to_owned()),
        Just("soon".to_owned()),
        "[0-9]{1,4}",
    ]);
    let body = prop_oneof![
        Just(Vec::new()),
        Just(ok(Step::OauthToken).body.0),
        Just(ok(Step::SparkVersions).body.0),
        Just(ok(Step::CurrentUser).body.0),
        Just(ok(Step::Warehouses).body.0),
        Just(invalid_token().body.0),
        Just(rate_limited("1").body.0),
        Just(br#"{"access_token":"","token_type":"mac"}"#.to_vec()),
        Just(b"<html><title>Databricks - Sign In</title></html>".to_vec()),
        prop::collection::vec(any::<u8>(), 0..64),
    ];
    let step = prop::sample::select(Step::ALL.to_vec());
    (
        step,
        transport,
        prop::option::of(status),
        retry_after,
        body,
        any::<bool>(),
    )
        .prop_map(|(step, transport, status, retry_after, body, org)| {
            let mut headers = Vec::new();
            if let Some(r) = retry_after {
                headers.push(("Retry-After".to_owned(), r));
            }
            if org {
                headers.push(("x-databricks-org-id".to_owned(), "123".to_owned()));
            }
            RawOutcome {
                step,
                transport,
                status,
                headers: crate::check::AnswerHeaders(headers),
                body: crate::check::AnswerBody(body),
                final_url: None,
            }
        })
}

/// What the page may do between answers besides recording them.
#[derive(Debug, Clone)]
enum Interruption {
    None,
    Cancel,
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn any_sequence_of_answers_ends_within_the_request_bound_and_leaks_nothing(
        method in prop::sample::select(AuthMethod::ALL.to_vec()),
        route in prop::sample::select(vec![Route::Direct, Route::Relay]),
        secret in prop_oneof![
            Just(PAT.to_owned()),
            "s3cr3t-[a-z0-9]{8,20}",
            "[ -~]{0,40}",
            "\\PC{0,12}",
            "[a-z\r\n\u{0}\u{ff}\u{100}]{1,8}",
        ],
        answers in prop::collection::vec(
            (any_outcome(), prop_oneof![
                20 => Just(Interruption::None),
                1 => Just(Interruption::Cancel),
            ]),
            0..8,
        ),
    ) {
        let plan = plan_check(AWS, method, "token", &Secret::new(secret.clone()));
        let mut run = CheckRun::start(plan, "conn", route);
        let bound = run.max_requests();
        let mut answers = answers.into_iter();
        let mut sent = 0usize;
        // The driver's loop; the answers run out into timeouts.
        while let Some(next) = run.next_request() {
            sent += 1;
            prop_assert!(sent <= bound, "{sent} requests for a bound of {bound}");
            prop_assert!((1..=3).contains(&next.attempt));
            let (answer, interruption) = answers
                .next()
                .unwrap_or((RawOutcome::failed(next.step, Transport::Timeout), Interruption::None));
            match run.record(answer) {
                Progress::RetryAfter(ms) => {
                    prop_assert!(RETRY_WAITS_MS.contains(&ms));
                    prop_assert_eq!(
                        run.next_request().map(|r| (r.step, r.attempt)),
                        Some((next.step, next.attempt + 1))
                    );
                }
                Progress::SendNext => prop_assert!(run.next_request().is_some()),
                Progress::Finished => prop_assert!(run.next_request().is_none()),
            }
            match interruption {
                Interruption::None => {}
                Interruption::Cancel => run.cancel(),
            }
            let _ = run.report();
        }
        let report = run.report();
        prop_assert_eq!(run.requests_sent() as usize, sent);
        prop_assert!(report.state != RunState::Checking);
        if report.state == RunState::Finished {
            prop_assert!(report.verdict.is_some() || report.problem.is_some(),
                "finished with neither a verdict nor a problem: {report:?}");
        }
        if method.is_azure_only() {
            prop_assert_eq!(sent, 0);
        }
        let shown = format!(
            "{} {} {report:?} {run:?}",
            serde_json::to_string(&report).unwrap_or_default(),
            serde_json::to_string(&run.steps()).unwrap_or_default()
        );
        if secret == PAT || secret.starts_with("s3cr3t-") {
            prop_assert!(!shown.contains(&secret), "the secret leaked");
        }
        prop_assert!(!shown.contains(ISSUED), "the access token leaked");
    }
}

#[test]
fn through_the_relay_its_refusals_and_upstream_failures_are_read_as_the_relays() {
    let refusal = status(
        403,
        &[("x-dbx-check-relay-error", "host_not_allowed")],
        r#"{"code":"host_not_allowed","severity":"error","message":"This host is not a Databricks workspace.","fix":"Use your workspace URL."}"#,
    );
    let mut run = CheckRun::start(
        plan(AuthMethod::Pat, AWS),
        "databricks_default",
        Route::Relay,
    );
    assert_eq!(run.record(refusal), Progress::Finished);
    let report = run.report();
    assert_eq!(
        report.verdict, None,
        "a relay refusal is not the workspace's answer"
    );
    let problem = report.problem.expect("the relay's reason");
    assert_eq!(problem.code, "check_relay_refused");
    assert!(problem.message.contains("not a Databricks workspace"));
    assert_eq!(problem.fix, "Use your workspace URL.");

    let unreachable = status(
        502,
        &[("x-dbx-check-relay-error", "upstream_unreachable")],
        "{}",
    );
    let mut run = CheckRun::start(
        plan(AuthMethod::Pat, AWS),
        "databricks_default",
        Route::Relay,
    );
    run.record(unreachable);
    assert_eq!(
        run.report().verdict.map(|d| d.verdict),
        Some(Verdict::Unreachable)
    );
}

#[test]
fn the_identity_sentence_names_whom_it_can() {
    let who = |display: Option<&str>, user: Option<&str>, id: Option<&str>| Identity {
        display_name: display.map(str::to_owned),
        user_name: user.map(str::to_owned),
        workspace_id: id.map(|id| (id.to_owned(), WorkspaceIdSource::HostName)),
    };
    assert_eq!(
        who(Some("Ada Lovelace"), Some("ada@example.com"), Some("123")).sentence(),
        "The credential belongs to Ada Lovelace (ada@example.com). Workspace 123, as read \
         from the workspace URL's host name."
    );
    assert_eq!(
        who(None, Some("ada@example.com"), None).sentence(),
        "The credential belongs to ada@example.com."
    );
    assert_eq!(
        who(Some("Ada"), None, Some("9")).sentence(),
        "The credential belongs to Ada. Workspace 9, as read from the workspace URL's host name."
    );
    assert!(!who(None, None, None).sentence().contains("to ."));
}
