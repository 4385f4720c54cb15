//! The one place the page talks to the network. It sends what the core's [`CheckRun`]
//! says, reports what the browser let it see as a [`RawOutcome`], and decides nothing:
//! the verdict, the retry, the next step and the route all come from the core.
//!
//! Components call [`run_check`] only.

use dbx_check_core::check::relay::{page_mark_confirms, PAGE_MARK_NAME};
use dbx_check_core::check::{
    CheckPlan, CheckReport, CheckRun, NextRequest, Progress, RawOutcome, Route, RunState,
    Transport, MAX_ANSWER_BYTES, PROBE_TIMEOUT_MS,
};
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, Headers, ReadableStreamDefaultReader, ReferrerPolicy,
    RequestCache, RequestCredentials, RequestInit, RequestMode, RequestRedirect, Response,
};

/// Response headers read at most: a real answer has a few dozen.
const MAX_HEADERS: usize = 200;
/// Body chunks read at most, besides the byte limit: a stream of empty chunks ends too.
const MAX_BODY_CHUNKS: usize = 100_000;

/// The caller aborted (an input changed): there is no outcome to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aborted;

/// Runs the check for `plan` to its end and returns the final report; `on_progress`
/// sees the run after every change (the page renders `run.report()`). Aborting `abort`
/// stops it between or during requests, and the report then says `cancelled`.
/// `conn_id` names the connection in the Airflow CLI way on.
pub async fn run_check(
    plan: CheckPlan,
    conn_id: &str,
    route: Route,
    abort: AbortSignal,
    on_progress: impl Fn(&CheckRun),
) -> CheckReport {
    let mut run = CheckRun::start(plan, conn_id, route);
    on_progress(&run);
    // The core sends at most `max_requests` requests; the loop cannot go further.
    for _ in 0..run.max_requests() {
        let Some(next) = run.next_request() else {
            break;
        };
        let Ok(outcome) = execute(&next, &abort).await else {
            run.cancel();
            break;
        };
        if let Progress::RetryAfter(ms) = run.record(outcome) {
            on_progress(&run);
            if sleep_unless_aborted(ms, &abort).await.is_err() {
                run.cancel();
                break;
            }
        }
        on_progress(&run);
    }
    // Never leave the page saying "checking": the core's bound makes this unreachable.
    if run.state() == RunState::Checking {
        run.cancel();
    }
    on_progress(&run);
    run.report()
}

/// Sends one request as the core built it and reports what the browser let the page
/// see. A request that fails without a readable answer is followed by the
/// reachability probe the core names: a host that answers it was hidden by CORS
/// (`Blocked`), one that does not is `Unreachable`. After `timeout_ms`: `Timeout`.
pub async fn execute(req: &NextRequest, abort: &AbortSignal) -> Result<RawOutcome, Aborted> {
    if abort.aborted() {
        return Err(Aborted);
    }
    let failed = |transport| RawOutcome::failed(req.step, transport);
    let Some(deadline) = Deadline::arm(req.timeout_ms, Some(abort)) else {
        return Ok(failed(Transport::Unreachable));
    };
    let result = send(req, &deadline.signal()).await;
    if abort.aborted() {
        return Err(Aborted);
    }
    let expired = deadline.expired();
    drop(deadline);
    match result {
        Ok(outcome) => Ok(outcome),
        Err(_) if expired => Ok(failed(Transport::Timeout)),
        // Headers arrived, then the connection broke: the host was reached and read,
        // so CORS is not the cause.
        Err(Failure::DuringBody) => Ok(failed(Transport::Unreachable)),
        // The browser reports a CORS refusal and a network failure alike (a TypeError
        // with no detail, by design), so ask the probe.
        Err(Failure::BeforeAnswer) => {
            let transport = match &req.reachability_probe {
                Some(url) => probe(url, abort).await?,
                None => Transport::Unreachable,
            };
            Ok(failed(transport))
        }
    }
}

/// Whether the page is served by the dbx-check relay, so the relay route can be
/// offered: the relay marks the page it serves with a `<meta>`, and the core says what
/// the mark means. Reading it sends nothing, so a plain static host logs no failed probe.
pub fn relay_available() -> bool {
    let content = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector(&format!("meta[name=\"{PAGE_MARK_NAME}\"]"))
                .ok()
                .flatten()
        })
        .and_then(|meta| meta.get_attribute("content"));
    page_mark_confirms(content.as_deref())
}

/// Waits `ms` milliseconds (the retry's `Retry-After`).
pub async fn sleep_ms(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// Waits `ms` milliseconds, or less if `abort` fires first.
async fn sleep_unless_aborted(ms: u32, abort: &AbortSignal) -> Result<(), Aborted> {
    if abort.aborted() {
        return Err(Aborted);
    }
    // Both are dropped after the wait: the timer is cleared and the listener removed.
    let mut timer = None;
    let mut listener = None;
    let wait = Promise::new(&mut |resolve: Function, _reject| {
        let on_abort = resolve.clone();
        listener = Some(EventListener::once(abort, "abort", move |_| {
            let _ = on_abort.call0(&JsValue::UNDEFINED);
        }));
        timer = Some(Timeout::new(ms, move || {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }));
    });
    let _ = JsFuture::from(wait).await;
    drop((timer, listener));
    if abort.aborted() {
        Err(Aborted)
    } else {
        Ok(())
    }
}

/// Why a request gave no outcome of its own.
enum Failure {
    /// No readable response: refused by CORS, a network failure, or an abort.
    BeforeAnswer,
    /// The response arrived, its body did not.
    DuringBody,
}

/// An abort signal for one request that fires after `ms`, or when the caller's does.
/// Disarmed when dropped.
struct Deadline {
    controller: AbortController,
    expired: Rc<Cell<bool>>,
    _timer: Timeout,
    _caller: Option<EventListener>,
}

impl Deadline {
    fn arm(ms: u32, caller: Option<&AbortSignal>) -> Option<Deadline> {
        let controller = AbortController::new().ok()?;
        let expired = Rc::new(Cell::new(false));
        let timer = {
            let controller = controller.clone();
            let expired = Rc::clone(&expired);
            Timeout::new(ms, move || {
                expired.set(true);
                controller.abort();
            })
        };
        let caller = caller.map(|signal| {
            let controller = controller.clone();
            EventListener::once(signal, "abort", move |_| controller.abort())
        });
        Some(Deadline {
            controller,
            expired,
            _timer: timer,
            _caller: caller,
        })
    }

    fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    fn expired(&self) -> bool {
        self.expired.get()
    }
}

/// The options every request of the page uses: no cookies or other credentials (no
/// Databricks session of the user's rides along), nothing cached, no Referer (the
/// page's address stays private), redirects followed as `requests` follows them.
fn request_init(method: &str, mode: RequestMode, signal: &AbortSignal) -> RequestInit {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_mode(mode);
    init.set_credentials(RequestCredentials::Omit);
    init.set_cache(RequestCache::NoStore);
    init.set_redirect(RequestRedirect::Follow);
    init.set_referrer_policy(ReferrerPolicy::NoReferrer);
    init.set_signal(Some(signal));
    init
}

async fn fetch(url: &str, init: &RequestInit) -> Option<Response> {
    let window = web_sys::window()?;
    JsFuture::from(window.fetch_with_str_and_init(url, init))
        .await
        .ok()?
        .dyn_into()
        .ok()
}

async fn send(req: &NextRequest, signal: &AbortSignal) -> Result<RawOutcome, Failure> {
    let init = request_init(req.method.as_str(), RequestMode::Cors, signal);
    // The core only hands over header values fetch accepts; a refusal here would be a
    // bug, reported as no answer rather than a panic.
    let headers = Headers::new().map_err(|_| Failure::BeforeAnswer)?;
    for (name, value) in &req.headers {
        headers
            .append(name, value)
            .map_err(|_| Failure::BeforeAnswer)?;
    }
    init.set_headers(&headers);
    if let Some(body) = &req.body {
        init.set_body(&JsValue::from_str(body));
    }
    let response = fetch(&req.url, &init).await.ok_or(Failure::BeforeAnswer)?;
    let status = response.status();
    let answer_headers = read_headers(&response.headers());
    let final_url = Some(response.url()).filter(|u| !u.is_empty());
    let body = read_body(&response, MAX_ANSWER_BYTES)
        .await
        .map_err(|_| Failure::DuringBody)?;
    Ok(RawOutcome::answered(
        req.step,
        status,
        answer_headers,
        body,
        final_url,
    ))
}

/// A `no-cors` GET without credentials or Authorization: it resolves (with an opaque
/// answer the page cannot read) when anything answers at the host, and rejects when
/// nothing does (docs/databricks-answers.md, "Calling from a browser"). Note: a page served with
/// `Cross-Origin-Embedder-Policy: require-corp` would see every probe rejected.
async fn probe(url: &str, caller: &AbortSignal) -> Result<Transport, Aborted> {
    let Some(deadline) = Deadline::arm(PROBE_TIMEOUT_MS, Some(caller)) else {
        return Ok(Transport::Unreachable);
    };
    let init = request_init("GET", RequestMode::NoCors, &deadline.signal());
    let reached = fetch(url, &init).await.is_some();
    if caller.aborted() {
        return Err(Aborted);
    }
    Ok(if reached {
        Transport::Blocked
    } else {
        Transport::Unreachable
    })
}

/// Headers the browser lets the page read: all of them from its own origin (the
/// relay), only the CORS-safelisted and exposed ones from another.
fn read_headers(headers: &Headers) -> Vec<(String, String)> {
    let Ok(Some(entries)) = js_sys::try_iter(headers) else {
        return Vec::new();
    };
    entries
        .take(MAX_HEADERS)
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let pair: Array = entry.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// The body as bytes, at most `limit` of them: read as a stream so that a huge answer
/// costs no more than the limit.
async fn read_body(response: &Response, limit: usize) -> Result<Vec<u8>, JsValue> {
    let Some(stream) = response.body() else {
        return Ok(Vec::new());
    };
    let reader = ReadableStreamDefaultReader::new(&stream)?;
    let mut body = Vec::new();
    for _ in 0..MAX_BODY_CHUNKS {
        let chunk = JsFuture::from(reader.read()).await?;
        if Reflect::get(&chunk, &JsValue::from_str("done"))?
            .as_bool()
            .unwrap_or(true)
        {
            return Ok(body);
        }
        let bytes: Uint8Array = Reflect::get(&chunk, &JsValue::from_str("value"))?.dyn_into()?;
        let room = u32::try_from(limit.saturating_sub(body.len())).unwrap_or(u32::MAX);
        let take = bytes.length().min(room);
        body.extend(bytes.subarray(0, take).to_vec());
        if body.len() >= limit {
            break;
        }
    }
    // Stop the download: the rest is not read.
    let _ = reader.cancel();
    Ok(body)
}
