//! The inputs and the timing loop behind `make bench`'s "analysis per keystroke" figures.
//! Shared, through `#[path]`, by the native example (crates/core/examples/bench_analysis.rs)
//! and the browser test (tests/bench_browser.rs), so both time exactly the same calls and
//! differ only in their clock (`Instant` natively, `performance.now()` in Chromium).
//!
//! Prints figures only; nothing here asserts a number.

use dbx_check_core::check::Route;
use dbx_check_core::{
    airflow_values, analyse_credential, analyse_host, assess, AirflowVersion, AuthMethod, Cloud,
    ConnectionRequest, CredentialInput, FormInput, Secret,
};
use std::hint::black_box;

/// What a user pastes: a notebook URL, as the browser's address bar shows it.
const TYPICAL_URL: &str =
    "https://adb-1234567890123456.7.azuredatabricks.net/?o=1234567890123456#notebook/42";
/// A personal access token of the usual shape (the fake workspace's test token).
const TYPICAL_PAT: &str = "dapi7e57c0de7e57c0de7e57c0de7e57c0de";
/// A fixed clock for JWT expiry, so every run takes the same path.
const NOW_UNIX: i64 = 1_750_000_000;
/// The size of a "large paste".
const LARGE: usize = 4096;

/// One call to time, and the bytes the user typed for it.
pub struct Case {
    /// `<analysis>/<input>`, e.g. `host/typical`; the key `scripts/bench.mjs` reads.
    pub id: String,
    pub bytes: usize,
    call: Box<dyn Fn()>,
}

/// The analyses the page runs on every keystroke (`page::reduce` calls `assess`, which runs
/// the host, credential and Airflow-values analyses in turn), each on a typical input and
/// on 4 KB in every text field it reads.
pub fn cases() -> Vec<Case> {
    let large_text = garbage(LARGE);
    let mut cases = Vec::new();
    for (size, url, secret) in [
        ("typical", TYPICAL_URL.to_owned(), TYPICAL_PAT.to_owned()),
        ("4k", large_text.clone(), large_text.clone()),
    ] {
        let host_url = url.clone();
        cases.push(Case {
            id: format!("host/{size}"),
            bytes: url.len(),
            call: Box::new(move || {
                black_box(analyse_host(black_box(&host_url)));
            }),
        });

        let credential = CredentialInput {
            cloud: Some(Cloud::Azure),
            ..CredentialInput::new(AuthMethod::Pat, "", Secret::new(secret.clone()), NOW_UNIX)
        };
        cases.push(Case {
            id: format!("credential/{size}"),
            bytes: secret.len(),
            call: Box::new(move || {
                black_box(analyse_credential(black_box(&credential)));
            }),
        });

        let request = ConnectionRequest {
            conn_id: "databricks_default".into(),
            host: url.clone(),
            method: AuthMethod::Pat,
            login: String::new(),
            secret: Secret::new(secret.clone()),
            extra: Default::default(),
            airflow: AirflowVersion::V3,
        };
        cases.push(Case {
            id: format!("output/{size}"),
            bytes: url.len() + secret.len(),
            call: Box::new(move || {
                black_box(airflow_values(black_box(&request)));
            }),
        });

        let form = FormInput {
            workspace_url: url.clone(),
            method: AuthMethod::Pat,
            secret: Secret::new(secret.clone()),
            now_unix: NOW_UNIX,
            route: Route::Direct,
            ..FormInput::default()
        };
        cases.push(Case {
            id: format!("keystroke/{size}"),
            bytes: url.len() + secret.len(),
            call: Box::new(move || {
                black_box(assess(black_box(&form)));
            }),
        });
    }
    cases
}

/// How long each case may run: whichever bound comes first.
pub struct Bounds {
    pub max_calls: u32,
    pub budget_ms: f64,
}

/// The mean time of one call of one case.
pub struct Timing {
    pub id: String,
    pub bytes: usize,
    pub calls: u32,
    pub micros_per_call: f64,
}

impl Timing {
    /// One line per case; `scripts/bench.mjs` reads these lines from both runs.
    pub fn line(&self) -> String {
        format!(
            "analysis {} bytes={} calls={} micros_per_call={:.3}",
            self.id, self.bytes, self.calls, self.micros_per_call
        )
    }
}

/// Times `case` with the clock `now_ms` (milliseconds from any origin). The browser's clock
/// is coarse (100 µs without cross-origin isolation), so calls run in batches that grow
/// until one batch spans at least a millisecond, and only whole-run totals are divided.
pub fn time_case(case: &Case, now_ms: &dyn Fn() -> f64, bounds: &Bounds) -> Timing {
    // Warm-up: caches, lazy statics, the allocator's first pages.
    let warm_until = now_ms() + bounds.budget_ms / 10.0;
    for _ in 0..bounds.max_calls / 10 {
        (case.call)();
        if now_ms() >= warm_until {
            break;
        }
    }

    let start = now_ms();
    let mut calls: u32 = 0;
    let mut batch: u32 = 1;
    while calls < bounds.max_calls && now_ms() - start < bounds.budget_ms {
        let this_batch = batch.min(bounds.max_calls - calls);
        let batch_start = now_ms();
        for _ in 0..this_batch {
            (case.call)();
        }
        calls += this_batch;
        if now_ms() - batch_start < 1.0 {
            batch = batch.saturating_mul(2).min(4096);
        }
    }
    let elapsed_ms = now_ms() - start;
    Timing {
        id: case.id.clone(),
        bytes: case.bytes,
        calls,
        micros_per_call: elapsed_ms * 1000.0 / f64::from(calls.max(1)),
    }
}

/// `bytes` of printable ASCII, spaces, punctuation and some multi-byte characters from a
/// fixed-seed generator, so every run measures the same text.
pub fn garbage(bytes: usize) -> String {
    const EXTRA: [char; 6] = ['é', '€', 'а', '𝔡', '\u{200B}', '\n'];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = String::with_capacity(bytes + 4);
    while out.len() < bytes {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let pick = (state >> 33) as u32;
        let c = if pick % 10 == 0 {
            EXTRA[(pick / 10) as usize % EXTRA.len()]
        } else {
            char::from_u32(0x20 + pick % 0x5F).unwrap_or('x')
        };
        if out.len() + c.len_utf8() > bytes {
            break;
        }
        out.push(c);
    }
    out
}
