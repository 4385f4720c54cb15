//! `dbx-check-fuzz`: the stable side of the fuzzing.
//!
//! ```text
//! dbx-check-fuzz list                    the target names
//! dbx-check-fuzz seed DIR                writes DIR/<target>/ corpora from the test data
//! dbx-check-fuzz pass [--runs N] [T...]  the stable mutation pass (a stage of make test)
//! dbx-check-fuzz replay TARGET FILE...   runs files through one target, panics included
//! ```
//!
//! The pass replays every seed and every file of `fuzz/regressions/<target>/`, then
//! mutates them until N inputs (200,000 by default) have run per target. It is
//! deterministic: each target's random stream is seeded from its name.

use dbx_check_fuzz::mutate::{mutate, Rng};
use dbx_check_fuzz::seeds::{regressions, seeds};
use dbx_check_fuzz::{target, Entry, TARGETS};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const DEFAULT_RUNS: usize = 200_000;
/// libFuzzer's default cap on input length.
const MAX_LEN: usize = 4096;
/// Mixed into every target's seed; change it to explore other streams.
const SEED: u64 = 0x0db1_c4ec_2025_0013;

/// The last panic's message and location, kept by the hook installed in [`pass`].
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["list"] => {
            for (name, _) in TARGETS {
                println!("{name}");
            }
            ExitCode::SUCCESS
        }
        ["seed", dir] => seed(Path::new(dir)),
        ["pass", rest @ ..] => pass(rest),
        ["replay", name, files @ ..] if !files.is_empty() => replay(name, files),
        _ => {
            eprintln!("usage: dbx-check-fuzz list | seed DIR | pass [--runs N] [TARGET...] | replay TARGET FILE...");
            ExitCode::from(2)
        }
    }
}

/// FNV-1a: names a seed file by its content and a target's random stream by its name.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn seed(dir: &Path) -> ExitCode {
    for (name, _) in TARGETS {
        let folder = dir.join(name);
        if let Err(e) = std::fs::create_dir_all(&folder) {
            eprintln!("{}: {e}", folder.display());
            return ExitCode::FAILURE;
        }
        let mut inputs = seeds(name);
        inputs.extend(regressions(name).into_iter().map(|(_, bytes)| bytes));
        for input in &inputs {
            let path = folder.join(format!("seed-{:016x}", fnv(input)));
            if let Err(e) = std::fs::write(&path, input) {
                eprintln!("{}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
        println!("{name}: {} seeds in {}", inputs.len(), folder.display());
    }
    ExitCode::SUCCESS
}

/// Runs one input, catching a panic as its message and location.
fn run_one(entry: Entry, input: &[u8]) -> Result<(), String> {
    panic::catch_unwind(AssertUnwindSafe(|| entry(input))).map_err(|_| {
        LAST_PANIC
            .lock()
            .ok()
            .and_then(|mut last| last.take())
            .unwrap_or_else(|| "a panic without a message".to_owned())
    })
}

/// Keeps panics quiet (a crash is reported once, with its input) but remembered, with
/// where in the core it happened: a slicing panic's own location is inside the standard
/// library, so the backtrace's first frame in crates/core names the line to fix.
fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        let mut location = info
            .location()
            .map(|l| format!(" at {}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        if !location.contains("crates/core/") {
            let trace = std::backtrace::Backtrace::force_capture().to_string();
            if let Some(line) = trace.lines().find(|l| l.contains("crates/core/src/")) {
                let at = line.trim().trim_start_matches("at ");
                let at = at.find("crates/core/").map_or(at, |i| &at[i..]);
                location.push_str(&format!(", called from {at}"));
            }
        }
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(format!("{message}{location}"));
        }
    }));
}

struct Crash {
    input: Vec<u8>,
    message: String,
    /// Set when the input came from fuzz/regressions.
    regression: Option<PathBuf>,
}

fn pass(args: &[&str]) -> ExitCode {
    let mut runs = DEFAULT_RUNS;
    let mut names = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if *arg == "--runs" {
            match args.next().and_then(|n| n.parse().ok()) {
                Some(n) => runs = n,
                None => {
                    eprintln!("--runs needs a number");
                    return ExitCode::from(2);
                }
            }
        } else if target(arg).is_some() {
            names.push(*arg);
        } else {
            eprintln!("unknown target {arg:?}; the targets: dbx-check-fuzz list");
            return ExitCode::from(2);
        }
    }
    if names.is_empty() {
        names = TARGETS.iter().map(|(n, _)| *n).collect();
    }
    install_panic_hook();
    let started = Instant::now();
    let (mut passed, mut failed, mut total) = (0, 0, 0);
    println!(
        "{:<15} {:>8} {:>6} {:>5} {:>8} {:>11}  result",
        "target", "inputs", "seeds", "regr.", "time", "slowest"
    );
    for name in names {
        let Some(entry) = target(name) else { continue };
        let seeds = seeds(name);
        let regressions = regressions(name);
        let start = Instant::now();
        let (inputs, slowest, crash) = fuzz_one(name, entry, &seeds, &regressions, runs);
        total += inputs;
        println!(
            "{name:<15} {inputs:>8} {:>6} {:>5} {:>7.1}s {:>9.2}ms  {}",
            seeds.len(),
            regressions.len(),
            start.elapsed().as_secs_f64(),
            slowest.as_secs_f64() * 1000.0,
            if crash.is_some() { "PANIC" } else { "ok" }
        );
        match crash {
            None => passed += 1,
            Some(crash) => {
                failed += 1;
                report_crash(name, &crash);
            }
        }
    }
    println!(
        "\nfuzz pass: {passed} passed, {failed} failed ({total} inputs in {:.1}s)",
        started.elapsed().as_secs_f64()
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Replays the corpus, then mutates it until `runs` inputs have run or one panics.
/// Returns the inputs run, the slowest one's time, and the panic if any.
fn fuzz_one(
    name: &str,
    entry: Entry,
    seeds: &[Vec<u8>],
    regressions: &[(PathBuf, Vec<u8>)],
    runs: usize,
) -> (usize, Duration, Option<Crash>) {
    let mut slowest = Duration::ZERO;
    let mut timed = |input: &[u8]| {
        let start = Instant::now();
        let result = run_one(entry, input);
        // A panic's time is mostly its backtrace: only inputs that ran through count.
        if result.is_ok() {
            slowest = slowest.max(start.elapsed());
        }
        result
    };
    let mut count = 0;
    for (path, input) in regressions {
        count += 1;
        if let Err(message) = timed(input) {
            let crash = Crash {
                input: input.clone(),
                message,
                regression: Some(path.clone()),
            };
            return (count, slowest, Some(crash));
        }
    }
    let mut corpus: Vec<Vec<u8>> = regressions.iter().map(|(_, b)| b.clone()).collect();
    corpus.extend(seeds.iter().cloned());
    for input in seeds {
        count += 1;
        if let Err(message) = timed(input) {
            let crash = Crash {
                input: input.clone(),
                message,
                regression: None,
            };
            return (count, slowest, Some(crash));
        }
    }
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    let mut rng = Rng::new(fnv(name.as_bytes()) ^ SEED);
    let mut input = Vec::new();
    while count < runs {
        // Mostly start again from the corpus; sometimes keep stacking on the last mutant.
        if input.is_empty() || !rng.chance(4) {
            input.clone_from(rng.pick(&corpus));
        }
        mutate(&mut rng, &mut input, &corpus, MAX_LEN);
        count += 1;
        if let Err(message) = timed(&input) {
            let crash = Crash {
                input,
                message,
                regression: None,
            };
            return (count, slowest, Some(crash));
        }
    }
    (count, slowest, None)
}

fn report_crash(name: &str, crash: &Crash) {
    println!("  panic: {}", crash.message);
    println!("  input: b\"{}\"", crash.input.escape_ascii());
    match &crash.regression {
        Some(path) => println!("  from:  {} (a regression still failing)", path.display()),
        None => {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../artifacts/fuzz-pass")
                .join(name);
            let path = dir.join(format!("crash-{:016x}", fnv(&crash.input)));
            match std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, &crash.input)) {
                Ok(()) => println!(
                    "  saved: {} (keep it: copy it into fuzz/regressions/{name}/)",
                    path.display()
                ),
                Err(e) => println!("  could not save the input: {e}"),
            }
        }
    }
}

fn replay(name: &str, files: &[&str]) -> ExitCode {
    let Some(entry) = target(name) else {
        eprintln!("unknown target {name:?}; the targets: dbx-check-fuzz list");
        return ExitCode::from(2);
    };
    for file in files {
        match std::fs::read(file) {
            Ok(input) => {
                println!("{file}: b\"{}\"", input.escape_ascii());
                // No hook: the panic prints as usual, with RUST_BACKTRACE honoured.
                entry(&input);
                println!("{file}: no panic");
            }
            Err(e) => {
                eprintln!("{file}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
