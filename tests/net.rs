//! The network layer in headless Chromium: what only a browser can show. The test
//! server (wasm-bindgen-test's, on 127.0.0.1) answers its own page and the files of
//! this package; it has no relay and no Databricks, so the answers here are 404s,
//! refusals and CORS blocks. The end-to-end tests against the fake Databricks cover
//! the verdicts.
#![cfg(target_arch = "wasm32")]

use dbx_check_core::check::{
    plan_check, CheckReport, CheckRun, NextRequest, Route, RunState, Step, Transport, Verdict,
};
use dbx_check_core::{AuthMethod, Secret};
use dbx_check_web::net::{self, Aborted};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_test::*;
use web_sys::{AbortController, AbortSignal};

wasm_bindgen_test_configure!(run_in_browser);

const PAT: &str = "dapi0123456789abcdef0123456789abcdef";
/// Nothing listens on port 2 of loopback, and Chromium does not refuse the port itself
/// (unlike 1, 7, 9 and the other "unsafe" ports).
const CLOSED: &str = "http://127.0.0.1:2";

fn origin() -> String {
    web_sys::window().unwrap().location().origin().unwrap()
}

/// The test server under its other loopback name: the same server, another origin,
/// which sends no CORS headers.
fn other_origin() -> String {
    let here = origin();
    if here.contains("127.0.0.1") {
        here.replace("127.0.0.1", "localhost")
    } else {
        here.replace("localhost", "127.0.0.1")
    }
}

fn plan(host: &str) -> dbx_check_core::CheckPlan {
    plan_check(host, AuthMethod::Pat, "", &Secret::new(PAT))
}

fn first_request(host: &str, route: Route) -> NextRequest {
    CheckRun::start(plan(host), "", route)
        .next_request()
        .unwrap()
}

fn signal() -> (AbortController, AbortSignal) {
    let controller = AbortController::new().unwrap();
    let signal = controller.signal();
    (controller, signal)
}

/// Runs a check and keeps every report `on_progress` saw.
/// The final report, every report the page was shown, and the requests sent.
async fn run(host: &str, route: Route, abort: AbortSignal) -> (CheckReport, Vec<CheckReport>, u32) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sent = Rc::new(RefCell::new(0));
    let (log, count) = (Rc::clone(&seen), Rc::clone(&sent));
    let report = net::run_check(plan(host), "my_databricks", route, abort, move |run| {
        log.borrow_mut().push(run.report());
        *count.borrow_mut() = run.requests_sent();
    })
    .await;
    let seen = seen.borrow().clone();
    let sent = *sent.borrow();
    (report, seen, sent)
}

#[wasm_bindgen_test]
async fn a_closed_loopback_port_is_unreachable() {
    let req = first_request(CLOSED, Route::Direct);
    assert_eq!(
        req.reachability_probe.as_deref(),
        Some("http://127.0.0.1:2/")
    );
    let (_, abort) = signal();
    let outcome = net::execute(&req, &abort).await.unwrap();
    assert_eq!(outcome.transport, Transport::Unreachable);
    assert_eq!(outcome.status, None);
    assert_eq!(outcome.step, Step::SparkVersions);
}

#[wasm_bindgen_test]
async fn a_host_that_answers_without_cors_headers_is_blocked_not_unreachable() {
    let isolated =
        js_sys::Reflect::get(&web_sys::window().unwrap(), &"crossOriginIsolated".into()).unwrap();
    assert_ne!(
        isolated.as_bool(),
        Some(true),
        "the test page is cross-origin isolated: set WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION \
         (.cargo/config.toml does)"
    );
    let req = first_request(&other_origin(), Route::Direct);
    let (_, abort) = signal();
    let outcome = net::execute(&req, &abort).await.unwrap();
    assert_eq!(outcome.transport, Transport::Blocked);
    assert_eq!(outcome.status, None);
}

#[wasm_bindgen_test]
async fn an_answer_from_the_pages_own_origin_is_read_whole() {
    // The test server also serves this package's files.
    let mut req = first_request(&origin(), Route::Direct);
    req.url = "/Cargo.toml".to_owned();
    let (_, abort) = signal();
    let outcome = net::execute(&req, &abort).await.unwrap();
    assert_eq!(outcome.transport, Transport::Ok);
    assert_eq!(outcome.status, Some(200));
    let body = String::from_utf8(outcome.body.0.clone()).unwrap();
    assert!(body.contains("name = \"dbx-check-web\""), "{body}");
    assert!(outcome
        .final_url
        .as_deref()
        .is_some_and(|u| u.ends_with("/Cargo.toml")));
    assert!(
        outcome.headers.get("content-type").is_some(),
        "{:?}",
        outcome.headers
    );
}

#[wasm_bindgen_test]
async fn no_answer_within_the_deadline_is_a_timeout() {
    // Cross-origin with Authorization: a preflight and a request, far slower than a
    // zero-millisecond timer.
    let mut req = first_request(&other_origin(), Route::Direct);
    req.timeout_ms = 0;
    let (_, abort) = signal();
    let outcome = net::execute(&req, &abort).await.unwrap();
    assert_eq!(outcome.transport, Transport::Timeout);
}

#[wasm_bindgen_test]
async fn the_callers_abort_gives_no_outcome() {
    let req = first_request(&other_origin(), Route::Direct);
    let (controller, abort) = signal();
    controller.abort();
    assert_eq!(net::execute(&req, &abort).await, Err(Aborted));

    let (controller, abort) = signal();
    let _abort_soon = Timeout::new(0, move || controller.abort());
    assert_eq!(net::execute(&req, &abort).await, Err(Aborted));
}

#[wasm_bindgen_test]
fn the_relay_is_found_by_its_mark_only() {
    // The test server is no relay and its page carries no mark.
    assert!(!net::relay_available());
    let document = web_sys::window().unwrap().document().unwrap();
    let meta = document.create_element("meta").unwrap();
    meta.set_attribute("name", "dbx-check-relay").unwrap();
    meta.set_attribute("content", "something else").unwrap();
    let body = document.body().unwrap();
    body.append_child(&meta).unwrap();
    assert!(!net::relay_available());
    meta.set_attribute("content", "dbx-check").unwrap();
    assert!(net::relay_available());
    meta.remove();
    assert!(!net::relay_available());
}

#[wasm_bindgen_test]
async fn sleep_waits_at_least_as_asked() {
    let start = js_sys::Date::now();
    net::sleep_ms(30).await;
    assert!(js_sys::Date::now() - start >= 29.0);
}

#[wasm_bindgen_test]
async fn a_check_through_the_relay_route_goes_to_the_pages_own_origin() {
    // The test server has no relay, so the relay path is a plain 404 of its own.
    let (_, abort) = signal();
    let (report, seen, sent) =
        run("https://adb-1.2.azuredatabricks.net", Route::Relay, abort).await;
    assert_eq!(report.state, RunState::Finished);
    assert_eq!(sent, 1);
    assert_eq!(
        report.verdict.as_ref().map(|d| d.verdict),
        Some(Verdict::NotFound),
        "{report:?}"
    );
    assert_eq!(seen.first().map(|r| r.state), Some(RunState::Checking));
    assert_eq!(
        seen.first().and_then(|r| r.current),
        Some(Step::SparkVersions)
    );
    assert_eq!(seen.last().map(|r| r.state), Some(RunState::Finished));
}

#[wasm_bindgen_test]
async fn a_blocked_check_ends_cors_blocked_with_the_ways_on_but_no_relay_here() {
    let (_, abort) = signal();
    let (report, _, _) = run(&other_origin(), Route::Direct, abort).await;
    assert_eq!(
        report.verdict.map(|d| d.verdict),
        Some(Verdict::CorsBlocked)
    );
    let ways = report.ways_on.unwrap();
    assert_eq!(ways.bash.commands.len(), 3);
    assert!(ways.airflow_cli.bash.ends_with("my_databricks"));
}

#[wasm_bindgen_test]
async fn an_unreachable_check_ends_unreachable() {
    let (_, abort) = signal();
    let (report, _, sent) = run(CLOSED, Route::Direct, abort).await;
    assert_eq!(
        report.verdict.map(|d| d.verdict),
        Some(Verdict::Unreachable)
    );
    assert_eq!(sent, 1);
    assert!(report.ways_on.is_some());
}

#[wasm_bindgen_test]
async fn aborting_stops_the_check_and_says_cancelled() {
    let (controller, abort) = signal();
    let seen = Rc::new(RefCell::new(0));
    let sent = Rc::new(RefCell::new(None));
    let (count, last_sent) = (Rc::clone(&seen), Rc::clone(&sent));
    // The page aborts as soon as the check starts (an input changed).
    let report = net::run_check(plan(CLOSED), "", Route::Direct, abort, move |run| {
        *count.borrow_mut() += 1;
        *last_sent.borrow_mut() = Some(run.requests_sent());
        controller.abort();
    })
    .await;
    assert_eq!(report.state, RunState::Cancelled);
    assert_eq!(*sent.borrow(), Some(0));
    assert_eq!(report.verdict, None);
    assert_eq!(*seen.borrow(), 2, "the start and the end");
}
