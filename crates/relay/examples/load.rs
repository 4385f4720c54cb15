//! A bounded load test on loopback: the fake workspace in this process, the relay in a
//! child process (this same program, started with `--serve-relay`, running the library
//! as the binary does), and 50 page-like clients running 2,000 whole checks through it.
//! Prints throughput, check and request latency (p50, p99), and the relay's memory
//! (`VmRSS`, `VmHWM` from /proc) before, after each round, and a few seconds later.
//!
//! `cargo run --release -p dbx-check-relay --example load [-- --checks N --clients N --rounds N
//! --stalled N]`
//!
//! `--stalled N` keeps N uploads stalled beside the load (issue 13): each announces the
//! token request's 44-byte body, sends 7 bytes and goes silent, and is opened again when
//! the relay refuses it at its deadline (408 `request_timeout`). With the relay's 64 slots,
//! 64 of them took every slot before the relay read bodies ahead of its slots.
//!
//! Every request goes to 127.0.0.1. The run stops by itself: a fixed number of checks,
//! a deadline for each round, and a bounded number of re-openings per stalled upload.

#[path = "../tests/support/mod.rs"]
mod support;

use dbx_check_core::{AuthMethod, Verdict};
use dbx_check_relay::{Config, LogSink, ResolveRule};
use fake_databricks::{TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_PASSWORD, TEST_PAT, TEST_USER};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::PageClient;
use tokio::io::AsyncReadExt;
use tokio::sync::watch;
use tokio::task::JoinHandle;

const ROUND_DEADLINE: Duration = Duration::from_secs(180);
const SETTLE: Duration = Duration::from_secs(3);
/// Each stalled upload is opened again at most this often (the relay ends each one at
/// its 15 s deadline), and waited for at most `STALL_WAIT` each time.
const MAX_REOPENINGS: usize = 100;
const STALL_WAIT: Duration = Duration::from_secs(60);

struct Options {
    checks: usize,
    clients: usize,
    rounds: usize,
    stalled: usize,
}

fn number(args: &[String], name: &str, default: usize, max: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
        .clamp(1, max)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--serve-relay") {
        return serve_relay(&args);
    }
    let options = Options {
        checks: number(&args, "--checks", 2_000, 100_000),
        clients: number(&args, "--clients", 50, 500),
        rounds: number(&args, "--rounds", 2, 10),
        stalled: if args.iter().any(|a| a == "--stalled") {
            number(&args, "--stalled", 64, 1_000)
        } else {
            0
        },
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("load: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(drive(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("load: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The child: the relay alone in its process, logging one line per request to stdout.
fn serve_relay(args: &[String]) -> ExitCode {
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
            .unwrap_or_default()
    };
    let Ok(fake) = value("--fake").parse::<SocketAddr>() else {
        eprintln!("relay child: --fake ADDRESS:PORT missing");
        return ExitCode::FAILURE;
    };
    let Ok(cert) = CertificateDer::from_pem_file(value("--cert")) else {
        eprintln!("relay child: --cert PEM missing");
        return ExitCode::FAILURE;
    };
    let config = Config {
        port: 0,
        extra_root_certs: vec![cert],
        resolve: vec![ResolveRule {
            pattern: "*.cloud.databricks.com".into(),
            addr: fake,
        }],
        log: LogSink::Stdout,
        ..Config::default()
    };
    let Ok(runtime) = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    else {
        return ExitCode::FAILURE;
    };
    runtime.block_on(async {
        let Ok(relay) = dbx_check_relay::start(config).await else {
            return ExitCode::FAILURE;
        };
        println!("listening on {}", relay.addr);
        let _ = std::io::stdout().flush();
        // Ends when the parent closes stdin (or dies), so no relay outlives the run.
        let _ = tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
        })
        .await;
        drop(relay);
        ExitCode::SUCCESS
    })
}

/// `VmRSS` and `VmHWM` of a process, in KiB.
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kb| kb.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn print_memory(label: &str, pid: u32) {
    let (rss, hwm) = memory(pid);
    println!(
        "relay memory {label:<26} VmRSS {:>7.1} MiB   VmHWM (peak) {:>7.1} MiB",
        rss as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
}

struct RelayChild {
    child: Child,
    addr: SocketAddr,
    log_lines: Arc<AtomicUsize>,
    /// Of those, the stalled uploads' (refused as late, or ended by this program).
    stalled_lines: Arc<AtomicUsize>,
}

impl Drop for RelayChild {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_relay(fake: SocketAddr, cert: &std::path::Path) -> Result<RelayChild, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut child = Command::new(exe)
        .args(["--serve-relay", "--fake", &fake.to_string(), "--cert"])
        .arg(cert)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the relay: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let first = lines
        .next()
        .and_then(Result::ok)
        .ok_or("the relay did not start")?;
    let addr: SocketAddr = first
        .strip_prefix("listening on ")
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| format!("unexpected first line: {first}"))?;
    // Drain the request log (one line per request) so the pipe never blocks the relay.
    let log_lines = Arc::new(AtomicUsize::new(0));
    let stalled_lines = Arc::new(AtomicUsize::new(0));
    let (counter, stalled) = (log_lines.clone(), stalled_lines.clone());
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if line.starts_with("relay ") {
                counter.fetch_add(1, Ordering::Relaxed);
                if line.contains(" stalled-") {
                    stalled.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    });
    Ok(RelayChild {
        child,
        addr,
        log_lines,
        stalled_lines,
    })
}

const METHODS: [(AuthMethod, &str, &str); 4] = [
    (AuthMethod::Pat, "", TEST_PAT),
    (AuthMethod::PatBasic, "token", TEST_PAT),
    (AuthMethod::Basic, TEST_USER, TEST_PASSWORD),
    (AuthMethod::SpOauth, TEST_CLIENT_ID, TEST_CLIENT_SECRET),
];

struct RoundResult {
    check_ms: Vec<f64>,
    requests: usize,
    failures: Vec<String>,
    elapsed: Duration,
}

/// `checks` whole checks from `clients` concurrent page-like clients, each on its own
/// keep-alive connection and its own workspace name.
async fn round(relay: SocketAddr, checks: usize, clients: usize) -> Result<RoundResult, String> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let page = PageClient::new(relay);
            let host = format!("nocors-{client}.cloud.databricks.com");
            let mut times = Vec::new();
            let mut requests = 0;
            let mut failures = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= checks {
                    break;
                }
                let (method, login, secret) = METHODS[n % METHODS.len()];
                let t = Instant::now();
                let results = page.check(&host, method, login, secret).await;
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                requests += results.len();
                let expected = if method == AuthMethod::SpOauth { 4 } else { 3 };
                let all_ok = results.len() == expected
                    && results
                        .iter()
                        .all(|(_, d)| d.as_ref().is_ok_and(|d| d.verdict == Verdict::Ok));
                if !all_ok && failures.len() < 5 {
                    failures.push(format!("{method} on {host}: {:?}", results.last()));
                }
            }
            (times, requests, failures)
        }));
    }
    let joined = tokio::time::timeout(ROUND_DEADLINE, async {
        let mut all = Vec::new();
        for task in tasks {
            all.push(task.await.map_err(|e| e.to_string())?);
        }
        Ok::<_, String>(all)
    })
    .await
    .map_err(|_| format!("the round did not finish within {ROUND_DEADLINE:?}"))??;
    let elapsed = started.elapsed();
    let mut result = RoundResult {
        check_ms: Vec::new(),
        requests: 0,
        failures: Vec::new(),
        elapsed,
    };
    for (times, requests, failures) in joined {
        result.check_ms.extend(times);
        result.requests += requests;
        result.failures.extend(failures);
    }
    Ok(result)
}

/// How the stalled uploads ended, over the whole run.
#[derive(Default)]
struct StallCounts {
    opened: AtomicUsize,
    refused_late: AtomicUsize,
    other: AtomicUsize,
}

/// Keeps one upload stalled until `stop`: opened, left silent, opened again when the
/// relay ends it.
async fn keep_stalled(
    relay: SocketAddr,
    host: String,
    mut stop: watch::Receiver<bool>,
    counts: Arc<StallCounts>,
) {
    for _ in 0..MAX_REOPENINGS {
        if *stop.borrow() {
            return;
        }
        let Ok(mut stream) = support::stalled_upload(relay, &host).await else {
            counts.other.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        counts.opened.fetch_add(1, Ordering::Relaxed);
        let mut raw = Vec::new();
        tokio::select! {
            read = tokio::time::timeout(STALL_WAIT, stream.read_to_end(&mut raw)) => {
                let late = read.is_ok() && raw.starts_with(b"HTTP/1.1 408 ");
                let count = if late { &counts.refused_late } else { &counts.other };
                count.fetch_add(1, Ordering::Relaxed);
            }
            _ = stop.changed() => return,
        }
    }
}

fn percentile(sorted: &[f64], p: usize) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = (sorted.len() * p / 100).min(sorted.len() - 1);
    sorted.get(at).copied().unwrap_or(0.0)
}

async fn drive(options: Options) -> Result<(), String> {
    let fake = support::fake(Duration::from_secs(12)).await;
    let cert = std::env::temp_dir().join(format!("dbx-relay-load-{}.pem", std::process::id()));
    std::fs::write(&cert, &fake.certificate_pem).map_err(|e| e.to_string())?;
    let relay = spawn_relay(fake.https_addr, &cert)?;
    let pid = relay.child.id();
    println!(
        "relay pid {pid} on {}; fake workspace on {}; {} checks x {} round(s) from {} clients",
        relay.addr, fake.https_addr, options.checks, options.rounds, options.clients
    );
    print_memory("at start", pid);
    let warm = round(relay.addr, 100, options.clients.min(10)).await?;
    if !warm.failures.is_empty() {
        return Err(format!("warm-up failed: {:?}", warm.failures));
    }
    print_memory("after 100 warm-up checks", pid);

    let (stop, stopped) = watch::channel(false);
    let counts = Arc::new(StallCounts::default());
    let stalled: Vec<JoinHandle<()>> = (0..options.stalled)
        .map(|i| {
            let host = format!("stalled-{i}.cloud.databricks.com");
            tokio::spawn(keep_stalled(
                relay.addr,
                host,
                stopped.clone(),
                counts.clone(),
            ))
        })
        .collect();
    if options.stalled > 0 {
        // Let every one of them open and go silent before the load starts.
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!(
            "{} stalled uploads open (Content-Length 44, 7 bytes sent, then silence)",
            counts.opened.load(Ordering::Relaxed)
        );
        print_memory("with the stalled uploads", pid);
    }

    let mut failed = false;
    let mut total_requests = warm.requests;
    for r in 1..=options.rounds {
        fake.clear_log();
        let mut result = round(relay.addr, options.checks, options.clients).await?;
        total_requests += result.requests;
        result.check_ms.sort_by(f64::total_cmp);
        let secs = result.elapsed.as_secs_f64();
        println!(
            "round {r}: {} checks ({} requests) in {secs:.2} s: {:.0} checks/s, {:.0} requests/s; \
             check latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} failed",
            result.check_ms.len(),
            result.requests,
            result.check_ms.len() as f64 / secs,
            result.requests as f64 / secs,
            percentile(&result.check_ms, 50),
            percentile(&result.check_ms, 99),
            result.check_ms.last().copied().unwrap_or(0.0),
            result.failures.len(),
        );
        for failure in &result.failures {
            println!("  failed: {failure}");
        }
        failed |= !result.failures.is_empty() || result.check_ms.len() != options.checks;
        let upstream = fake.requests().len();
        if upstream != result.requests {
            println!(
                "  the fake saw {upstream} requests, expected {}",
                result.requests
            );
            failed = true;
        }
        print_memory(&format!("right after round {r}"), pid);
        tokio::time::sleep(SETTLE).await;
        print_memory(&format!("{}s after round {r}", SETTLE.as_secs()), pid);
    }
    let _ = stop.send(true);
    for task in stalled {
        let _ = task.await;
    }
    if options.stalled > 0 {
        // The relay logs the uploads just closed as they end; let those lines arrive.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let late = counts.refused_late.load(Ordering::Relaxed);
        let other = counts.other.load(Ordering::Relaxed);
        println!(
            "stalled uploads: {} kept open beside the load; {} opened in all, {late} refused \
             at the deadline with 408 request_timeout, {other} ended otherwise",
            options.stalled,
            counts.opened.load(Ordering::Relaxed),
        );
        failed |= other != 0;
    }
    // Read in this order, the first never counts a line the second does not.
    let stalled_logged = relay.stalled_lines.load(Ordering::Relaxed);
    let logged = relay
        .log_lines
        .load(Ordering::Relaxed)
        .saturating_sub(stalled_logged);
    println!(
        "relay log lines: {logged} for {total_requests} requests, and {stalled_logged} for \
         stalled uploads"
    );
    failed |= logged != total_requests;
    drop(relay);
    let _ = std::fs::remove_file(&cert);
    if failed {
        return Err("some checks failed".into());
    }
    println!("load test passed");
    Ok(())
}
