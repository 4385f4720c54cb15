//! Times the analyses the page runs on every keystroke (host, credential, Airflow values,
//! and `assess`, which runs them all) natively, on a typical input and on 4 KB inputs. The
//! same cases run inside Chromium in tests/bench_browser.rs; `make bench` sets the two side
//! by side. Prints figures only; nothing is asserted.
//!
//! `cargo run --release -p dbx-check-core --example bench_analysis`; with an argument, only
//! the cases whose id starts with it (`keystroke/typical`), e.g. to count instructions under
//! `valgrind --tool=callgrind`.

#[path = "../../../bench/analysis_cases.rs"]
mod analysis_cases;

use analysis_cases::{cases, time_case, Bounds};
use std::time::Instant;

/// Per case: at most this many calls, or this long, whichever comes first.
const BOUNDS: Bounds = Bounds {
    max_calls: 1_000_000,
    budget_ms: 1_000.0,
};

fn main() {
    let origin = Instant::now();
    let now_ms = || origin.elapsed().as_secs_f64() * 1000.0;
    let only = std::env::args().nth(1).unwrap_or_default();
    for case in cases().into_iter().filter(|c| c.id.starts_with(&only)) {
        println!("{}", time_case(&case, &now_ms, &BOUNDS).line());
    }
}
