//! The analyses the page runs on every keystroke, timed inside headless Chromium with
//! `performance.now()` (the native twin is crates/core/examples/bench_analysis.rs; both
//! use bench/analysis_cases.rs). A benchmark, not a test: ignored by `make test`, run by
//! `make bench` as
//! `cargo test -p dbx-check-web --release --target wasm32-unknown-unknown --test bench_browser -- --include-ignored --nocapture`.
#![cfg(target_arch = "wasm32")]

#[path = "../bench/analysis_cases.rs"]
mod analysis_cases;

use analysis_cases::{cases, time_case, Bounds};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Per case: at most this many calls, or this long, whichever comes first. The runner
/// gives the whole test WASM_BINDGEN_TEST_TIMEOUT (scripts/bench.sh raises it).
const BOUNDS: Bounds = Bounds {
    max_calls: 1_000_000,
    budget_ms: 1_000.0,
};

#[wasm_bindgen_test]
#[ignore = "a benchmark: make bench runs it"]
async fn analysis_per_keystroke_in_chromium() {
    let performance = web_sys::window()
        .and_then(|window| window.performance())
        .expect("the test page has window.performance");
    let now_ms = || performance.now();
    for case in cases() {
        console_log!("{}", time_case(&case, &now_ms, &BOUNDS).line());
        // Let the page breathe between cases, so the runner's polling is not starved.
        gloo_timers::future::TimeoutFuture::new(0).await;
    }
}
