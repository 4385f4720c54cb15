//! The terminal route for real: the page's whole bash block, unchanged, run by bash and
//! by zsh with real curl against the fake (curl pointed at it by a `.curlrc` in `CURL_HOME`, as a
//! person's own settings would), the secret typed once on stdin. Everything it prints is
//! pasted back whole into the core, and the report must be the one a direct check of the
//! same workspace gives: verdict, identity and warehouses.

mod support;

use dbx_check_core::check::{plan_check, read_pasted_check, terminal_route, CheckReport, Shell};
use dbx_check_core::{AuthMethod, Secret};
use fake_databricks::{
    start, Config, FakeDatabricks, Scenario, ISSUED_ACCESS_TOKEN, TEST_CLIENT_ID,
    TEST_CLIENT_SECRET, TEST_PASSWORD, TEST_PAT, TEST_USER,
};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use support::direct_report;

/// The methods a browser may check, with the Login and secret the fake accepts.
const METHODS: [(AuthMethod, &str, &str); 4] = [
    (AuthMethod::Pat, "", TEST_PAT),
    (AuthMethod::PatBasic, "token", TEST_PAT),
    (AuthMethod::Basic, TEST_USER, TEST_PASSWORD),
    (AuthMethod::SpOauth, TEST_CLIENT_ID, TEST_CLIENT_SECRET),
];

async fn fake() -> FakeDatabricks {
    start(Config {
        https_port: 0,
        http_port: None,
        log_file: None,
        slow_delay: Duration::from_millis(100),
    })
    .await
    .expect("fake starts")
}

/// A `CURL_HOME` whose `.curlrc` sends every name to the fake and trusts its certificate.
fn curl_home(server: &FakeDatabricks) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "dbx-check-curl-{}-{}",
        std::process::id(),
        server.https_addr.port()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let cert = dir.join("fake.pem");
    std::fs::write(&cert, &server.certificate_pem).expect("certificate written");
    std::fs::write(
        dir.join(".curlrc"),
        format!(
            "connect-to = \"::{}:{}\"\ncacert = \"{}\"\n",
            server.https_addr.ip(),
            server.https_addr.port(),
            cert.display()
        ),
    )
    .expect(".curlrc written");
    dir
}

/// The shells the bash block is for (scripts/tools.sh installs zsh for the tests).
const SHELLS: [&str; 2] = ["bash", "zsh"];

/// Runs `block` in bash with `typed` on stdin, off the runtime the fake serves on;
/// returns everything it printed, as a terminal shows it (stdout and stderr).
async fn run_block(block: &str, typed: &str, curl_home: &Path) -> String {
    run_block_in("bash", block, typed, curl_home).await
}

async fn run_block_in(shell: &'static str, block: &str, typed: &str, curl_home: &Path) -> String {
    let (block, typed, home) = (block.to_owned(), typed.to_owned(), curl_home.to_owned());
    tokio::task::spawn_blocking(move || run_block_now(shell, &block, &typed, &home))
        .await
        .expect("the shell ran")
}

fn run_block_now(shell: &str, block: &str, typed: &str, curl_home: &Path) -> String {
    let mut child = Command::new(shell)
        .arg("-c")
        .arg(block)
        .env("CURL_HOME", curl_home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{shell} runs: {e}"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{typed}\n").as_bytes())
        .expect("typed");
    let output = child.wait_with_output().expect("bash ends");
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The parts of a report a person reads, to compare the two routes.
fn seen(report: &CheckReport) -> String {
    format!(
        "verdict {:?}\nidentity {:?}\nwarehouses {:?}",
        report.verdict.as_ref().map(|d| d.verdict),
        report.identity,
        report.warehouses
    )
}

#[tokio::test]
async fn the_pasted_block_gives_the_direct_checks_report_for_every_method_scenario_and_shell() {
    let server = fake().await;
    let home = curl_home(&server);
    let mut differences = Vec::new();
    for (label, scenario) in Scenario::ALL {
        let host = match scenario {
            Scenario::AccountConsole => "accounts.cloud.databricks.com".to_owned(),
            _ => format!("{label}-3.cloud.databricks.com"),
        };
        for (method, login, secret) in METHODS {
            let plan = plan_check(
                &format!("https://{host}"),
                method,
                login,
                &Secret::new(secret),
            );
            let block = terminal_route(&plan, Shell::Bash).script();
            assert!(
                !block.contains(secret),
                "{method}: the block holds the secret"
            );
            let direct = direct_report(&server, plan.clone()).await;
            for shell in SHELLS {
                let printed = run_block_in(shell, &block, secret, &home).await;
                assert!(
                    !printed.contains(secret) && !printed.contains(ISSUED_ACCESS_TOKEN),
                    "{shell} {method} {host}: a secret was printed:\n{printed}"
                );
                let pasted = read_pasted_check(&plan, "databricks_default", &printed)
                    .unwrap_or_else(|f| panic!("{shell} {method} {host}: {f:?}\n{printed}"));
                if seen(&pasted) != seen(&direct) {
                    differences.push(format!(
                        "{shell} {method} {host}:\n-- pasted\n{}\n-- direct\n{}\n-- printed\n{printed}",
                        seen(&pasted),
                        seen(&direct)
                    ));
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&home);
    assert!(differences.is_empty(), "{}", differences.join("\n\n"));
}

#[tokio::test]
async fn a_healthy_workspace_reads_back_identity_and_warehouses_from_the_terminal() {
    let server = fake().await;
    let home = curl_home(&server);
    let plan = plan_check(
        "https://ok-4.azuredatabricks.net",
        AuthMethod::SpOauth,
        TEST_CLIENT_ID,
        &Secret::new(TEST_CLIENT_SECRET),
    );
    let printed = run_block(
        &terminal_route(&plan, Shell::Bash).script(),
        TEST_CLIENT_SECRET,
        &home,
    )
    .await;
    let _ = std::fs::remove_dir_all(&home);
    let report = read_pasted_check(&plan, "databricks_default", &printed).expect("read");
    assert_eq!(
        report.verdict.map(|d| d.verdict.as_str()),
        Some("ok"),
        "{printed}"
    );
    assert!(report.identity.is_some(), "{printed}");
    assert!(!report.warehouses.is_empty(), "{printed}");
    assert!(printed.contains("(hidden by dbx-check)"), "{printed}");
    assert!(report.notes.is_empty(), "{:?}", report.notes);
}

#[tokio::test]
async fn a_refused_client_secret_stops_the_block_and_is_the_verdict() {
    let server = fake().await;
    let home = curl_home(&server);
    let plan = plan_check(
        "https://badclient-4.gcp.databricks.com",
        AuthMethod::SpOauth,
        TEST_CLIENT_ID,
        &Secret::new(TEST_CLIENT_SECRET),
    );
    let printed = run_block(
        &terminal_route(&plan, Shell::Bash).script(),
        TEST_CLIENT_SECRET,
        &home,
    )
    .await;
    let _ = std::fs::remove_dir_all(&home);
    assert!(
        !printed.contains("[dbx-check step: spark_versions]"),
        "{printed}"
    );
    let report = read_pasted_check(&plan, "databricks_default", &printed).expect("read");
    assert_eq!(
        report.verdict.map(|d| d.verdict.as_str()),
        Some("oauth_invalid_client")
    );
}

#[tokio::test]
async fn an_unreachable_workspace_is_read_from_curls_own_error() {
    // Nothing listens on port 1 of loopback: curl prints `curl: (7)`.
    let dir = std::env::temp_dir().join(format!("dbx-check-curl-closed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join(".curlrc"), "connect-to = \"::127.0.0.1:1\"\n").expect("curlrc");
    let plan = plan_check(
        "https://ok-5.cloud.databricks.com",
        AuthMethod::Pat,
        "",
        &Secret::new(TEST_PAT),
    );
    let printed = run_block(&terminal_route(&plan, Shell::Bash).script(), TEST_PAT, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    assert!(printed.contains("curl: (7)"), "{printed}");
    let report = read_pasted_check(&plan, "databricks_default", &printed).expect("read");
    assert_eq!(
        report.verdict.map(|d| d.verdict.as_str()),
        Some("unreachable")
    );
}

/// Ctrl-C at the block's secret prompt, in an interactive bash and zsh on a real
/// pseudo-terminal: the shell is back at its prompt, echoing again, and no request ran.
#[test]
fn ctrl_c_at_the_secret_prompt_stops_the_whole_block() {
    let plan = plan_check(
        "https://ok-6.cloud.databricks.com",
        AuthMethod::Pat,
        "",
        &Secret::new(TEST_PAT),
    );
    let block = terminal_route(&plan, Shell::Bash).script();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/ctrl_c.py");
    for shell in SHELLS {
        let output = Command::new("python3")
            .arg(&script)
            .arg(shell)
            .arg(&block)
            .output()
            .expect("python3 runs");
        let seen = String::from_utf8_lossy(&output.stdout);
        assert!(
            seen.trim_end().ends_with("PROMPTED=True AFTER=True"),
            "{shell}:\n{seen}"
        );
        // The typed command is echoed: the terminal is out of the no-echo mode of `read -s`.
        assert!(seen.contains("echo after-$((20+22))"), "{shell}:\n{seen}");
        assert!(
            !seen.contains("[dbx-check step: spark_versions]"),
            "{shell}: a request ran after Ctrl-C:\n{seen}"
        );
    }
}
