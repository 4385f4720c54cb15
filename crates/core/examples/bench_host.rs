//! Times `analyse_host` on a typical paste and on 4 KB of garbage (issue 3 asks for under
//! 20 µs and under 200 µs natively). Prints figures only; nothing is asserted.
//!
//! `cargo run --release -p dbx-check-core --example bench_host`

// Shares its fixed-seed garbage generator with `make bench` (only that part is used here).
#[allow(dead_code)]
#[path = "../../../bench/analysis_cases.rs"]
mod analysis_cases;

use analysis_cases::garbage;
use dbx_check_core::analyse_host;
use std::hint::black_box;
use std::time::Instant;

/// Mean time per call over `rounds` calls, after a warm-up.
fn time_per_call(input: &str, rounds: u32) -> f64 {
    for _ in 0..rounds / 10 {
        black_box(analyse_host(black_box(input)));
    }
    let start = Instant::now();
    for _ in 0..rounds {
        black_box(analyse_host(black_box(input)));
    }
    start.elapsed().as_secs_f64() * 1e6 / f64::from(rounds)
}

fn main() {
    let cases = [
        (
            "typical (notebook URL)",
            "https://adb-1234567890123456.7.azuredatabricks.net/?o=1234567890123456#notebook/42"
                .to_string(),
            200_000,
        ),
        (
            "JDBC string",
            "jdbc:databricks://dbc-a1b2345c-d6e7.cloud.databricks.com:443/default;transportMode=http;\
             ssl=1;httpPath=/sql/1.0/warehouses/1a2b3c4d5e6f7a8b;AuthMech=3;UID=token"
                .to_string(),
            100_000,
        ),
        ("near miss", "x.cloud.databrick.com".to_string(), 100_000),
        ("4 KB garbage", garbage(4096), 10_000),
        ("4 KB of one letter", "a".repeat(4096), 10_000),
    ];
    for (name, input, rounds) in cases {
        let micros = time_per_call(&input, rounds);
        println!(
            "{name:<24} {:>5} bytes  {micros:>9.2} µs per call  ({rounds} calls)",
            input.len()
        );
    }
}
