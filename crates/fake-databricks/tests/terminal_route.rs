//! The terminal route for real: the core's bash commands run with curl against the fake
//! (secret typed on stdin, as a person would), and what they print is pasted back into
//! the core's parser and diagnosis.

use dbx_check_core::check::{
    diagnose, parse_pasted_answer, plan_check, terminal_route, Shell, Step, Verdict,
};
use dbx_check_core::{AuthMethod, Secret};
use fake_databricks::{start, Config, TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_PAT};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Runs the route's setup and one command in bash, typing `typed` on stdin. curl is
/// pointed at the fake with `--connect-to` and trusts its certificate, so the command
/// is otherwise exactly what the page shows.
async fn run_in_bash(
    method: AuthMethod,
    login: &str,
    host: &str,
    step: Step,
    typed: &str,
) -> (String, Verdict) {
    let server = start(Config {
        https_port: 0,
        http_port: None,
        log_file: None,
        slow_delay: Duration::from_millis(100),
    })
    .await
    .unwrap();
    // The port makes the name unique: two tests on one host name run at once.
    let cert = std::env::temp_dir().join(format!(
        "fake-databricks-{}-{}-{}.pem",
        std::process::id(),
        server.https_addr.port(),
        host
    ));
    std::fs::write(&cert, &server.certificate_pem).unwrap();
    let plan = plan_check(
        &format!("https://{host}"),
        method,
        login,
        &Secret::new("typed on stdin, never here"),
    );
    let route = terminal_route(&plan, Shell::Bash);
    let command = route
        .commands
        .iter()
        .find(|c| c.step == step)
        .unwrap()
        .command
        .replacen(
            "curl ",
            &format!(
                "curl --connect-to {host}:443:{}:{} --cacert {} ",
                server.https_addr.ip(),
                server.https_addr.port(),
                cert.display()
            ),
            1,
        );
    let script = format!("{}\n{command}\n", route.setup.join("\n"));
    assert!(!script.contains(TEST_PAT) && !script.contains(TEST_CLIENT_SECRET));
    let typed = typed.to_owned();
    let output = tokio::task::spawn_blocking(move || {
        let mut child = Command::new("bash")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bash runs");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{typed}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let _ = std::fs::remove_file(&cert);
    // What a person copies from the terminal: everything printed, errors included.
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let answer = parse_pasted_answer(&printed).unwrap_or_else(|e| panic!("{e}: {printed}"));
    let verdict = diagnose(&answer.into_outcome(step)).verdict;
    (printed, verdict)
}

#[tokio::test]
async fn a_pasted_pat_answer_passes_on_a_healthy_workspace() {
    let (printed, verdict) = run_in_bash(
        AuthMethod::Pat,
        "",
        "ok-9.cloud.databricks.com",
        Step::SparkVersions,
        TEST_PAT,
    )
    .await;
    assert_eq!(verdict, Verdict::Ok, "{printed}");
    assert!(!printed.contains(TEST_PAT), "the secret was echoed");
}

#[tokio::test]
async fn a_wrong_pat_typed_in_the_terminal_is_refused() {
    let (printed, verdict) = run_in_bash(
        AuthMethod::PatBasic,
        "token",
        "ok-9.cloud.databricks.com",
        Step::SparkVersions,
        "dapi00000000000000000000000000000000",
    )
    .await;
    assert_eq!(verdict, Verdict::InvalidToken, "{printed}");
}

#[tokio::test]
async fn the_redirect_of_a_private_link_workspace_is_followed_and_read() {
    let (printed, verdict) = run_in_bash(
        AuthMethod::Pat,
        "",
        "privatelink-9.azuredatabricks.net",
        Step::SparkVersions,
        TEST_PAT,
    )
    .await;
    assert_eq!(verdict, Verdict::PrivateLink, "{printed}");
}

#[tokio::test]
async fn the_oauth_token_request_works_from_the_terminal() {
    let (printed, verdict) = run_in_bash(
        AuthMethod::SpOauth,
        TEST_CLIENT_ID,
        "ok-9.gcp.databricks.com",
        Step::OauthToken,
        TEST_CLIENT_SECRET,
    )
    .await;
    assert_eq!(verdict, Verdict::Ok, "{printed}");
    let (_, refused) = run_in_bash(
        AuthMethod::SpOauth,
        TEST_CLIENT_ID,
        "badclient-9.gcp.databricks.com",
        Step::OauthToken,
        TEST_CLIENT_SECRET,
    )
    .await;
    assert_eq!(refused, Verdict::OauthInvalidClient);
}

#[tokio::test]
async fn a_rate_limited_answer_keeps_its_retry_after() {
    let (printed, verdict) = run_in_bash(
        AuthMethod::Pat,
        "",
        "ratelimit-9.cloud.databricks.com",
        Step::CurrentUser,
        TEST_PAT,
    )
    .await;
    assert_eq!(verdict, Verdict::RateLimited, "{printed}");
    assert!(printed.to_ascii_lowercase().contains("retry-after: 7"));
}
