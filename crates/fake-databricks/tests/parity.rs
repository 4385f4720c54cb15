//! Provider parity: Airflow's own Databricks provider and this project's check, run
//! against the same fake workspace for every row of `scenarios.json` and every sign-in
//! the fake accepts, compared on what each sent and what each concluded.
//!
//! `make parity` (and the `parity` stage of `make test`) runs it with the Airflow venvs of
//! `scripts/airflow-venvs.sh`: Airflow 3 is the gate, Airflow 2 (provider 7.7.5) is run
//! too and its differences are printed as information. docs/provider-parity.md says what
//! is compared, why each header difference is there, and how the provider's outcome
//! becomes a verdict.
//!
//! Each side talks to fakes of its own (one per sign-in method, and per provider call),
//! so that each fake's request log holds exactly one case per host.

use dbx_check_core::check::{
    diagnose, plan_check, Authorization, CheckReport, RawOutcome, Step, StepReport, StepState,
    Verdict, BROWSER_TIMEOUT_MS,
};
use dbx_check_core::{AuthMethod, Secret};
use fake_databricks::{
    scenario_table, start, Config, FakeDatabricks, LoggedRequest, ScenarioRow as Row,
    TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_PASSWORD, TEST_PAT, TEST_USER,
};
use serde::Deserialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod support;

/// Half a second over the page's timeout: the page gives up, the provider (180 s per API
/// request) waits.
const SLOW_DELAY: Duration = Duration::from_millis(BROWSER_TIMEOUT_MS as u64 + 500);
/// What the provider may take, all cases at once: its slowest case is a service
/// principal on the `slow-` host (three token requests of 10 s each, waits of 1 s and 2 s).
const PROVIDER_DEADLINE: Duration = Duration::from_secs(50);
/// The Python process's own start-up (importing Airflow) on top of that.
const PROCESS_GRACE: Duration = Duration::from_secs(30);
/// The warehouse the SQL hook looks up by name: the fake's first (src/scenario.rs).
const WAREHOUSE: &str = "Starter Warehouse";
const TOKEN_PATH: &str = "/oidc/v1/token";

/// A sign-in method as the fake accepts it, as Airflow fields and as the page's inputs.
struct Method {
    name: &'static str,
    auth: AuthMethod,
    login: &'static str,
    secret: &'static str,
    extra: serde_json::Value,
}

fn methods() -> Vec<Method> {
    vec![
        Method {
            name: "pat",
            auth: AuthMethod::Pat,
            login: "",
            secret: TEST_PAT,
            extra: json!({}),
        },
        Method {
            name: "pat_basic",
            auth: AuthMethod::PatBasic,
            login: "token",
            secret: TEST_PAT,
            extra: json!({}),
        },
        Method {
            name: "basic",
            auth: AuthMethod::Basic,
            login: TEST_USER,
            secret: TEST_PASSWORD,
            extra: json!({}),
        },
        Method {
            name: "sp_oauth",
            auth: AuthMethod::SpOauth,
            login: TEST_CLIENT_ID,
            secret: TEST_CLIENT_SECRET,
            extra: json!({"service_principal_oauth": true}),
        },
    ]
}

/// The provider's two calls: Airflow's connection test, and the SQL hook's lookup of a
/// warehouse by name (which gives the `http_path` the page lists warehouses for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Op {
    Test,
    Warehouses,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Test => "test",
            Op::Warehouses => "warehouses",
        }
    }

    /// The core's steps that do what this call does.
    fn core_steps(self) -> [Step; 2] {
        match self {
            Op::Test => [Step::OauthToken, Step::SparkVersions],
            Op::Warehouses => [Step::OauthToken, Step::Warehouses],
        }
    }
}

/// A request as compared: what a server could tell apart, secrets aside.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Sent {
    method: String,
    path: String,
    auth: String,
    body: String,
}

impl Sent {
    fn from_log(r: &LoggedRequest) -> Sent {
        Sent {
            method: r.method.clone(),
            path: r.path.clone(),
            auth: format!(
                "{} ({})",
                r.authorization.as_deref().unwrap_or("none"),
                r.credential
            ),
            body: r.body.clone().unwrap_or_default(),
        }
    }

    fn shape(&self) -> (String, String, String, String) {
        let scheme = self.auth.split(' ').next().unwrap_or("").to_owned();
        (
            self.method.clone(),
            self.path.clone(),
            scheme,
            self.body.clone(),
        )
    }
}

impl std::fmt::Display for Sent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} [{}]", self.method, self.path, self.auth)?;
        if !self.body.is_empty() {
            write!(f, " body `{}`", self.body)?;
        }
        Ok(())
    }
}

fn list(sent: &[Sent]) -> String {
    if sent.is_empty() {
        return "(nothing)".to_owned();
    }
    sent.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Debug, Deserialize)]
struct ProviderRun {
    versions: BTreeMap<String, String>,
    /// Importing Airflow and building every case's hook, before the first request.
    setup_seconds: f64,
    results: Vec<ProviderResult>,
}

#[derive(Debug, Clone, Deserialize)]
struct ProviderResult {
    id: String,
    ok: bool,
    message: String,
    exception: Option<String>,
    http_path: Option<String>,
    last: Option<LastAnswer>,
    seconds: f64,
}

/// The last answer the provider's requests met, or how they failed below HTTP.
#[derive(Debug, Clone, Deserialize)]
struct LastAnswer {
    status: Option<u16>,
    #[serde(default)]
    headers: Vec<(String, String)>,
    #[serde(default)]
    body: String,
    url: Option<String>,
    transport: Option<String>,
}

/// The provider's outcome as a verdict: a success is `ok`; a failure below HTTP is
/// `timeout` or `unreachable`; a failure on an answer is what the core's diagnosis
/// makes of that same answer (the last one the provider got), and `unexpected_response`
/// if the diagnosis would have taken it as a success the provider did not.
fn provider_verdict(result: &ProviderResult) -> Verdict {
    if result.ok {
        return Verdict::Ok;
    }
    let Some(last) = &result.last else {
        return Verdict::UnexpectedResponse;
    };
    match last.transport.as_deref() {
        Some("timeout") => return Verdict::Timeout,
        Some(_) => return Verdict::Unreachable,
        None => {}
    }
    let url = last.url.clone().unwrap_or_default();
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or("");
    let step = if path.starts_with(TOKEN_PATH) {
        Step::OauthToken
    } else if path.contains("/sql/") {
        Step::Warehouses
    } else {
        Step::SparkVersions
    };
    let outcome = RawOutcome::answered(
        step,
        last.status.unwrap_or(0),
        last.headers.clone(),
        last.body.clone(),
        last.url.clone(),
    );
    match diagnose(&outcome).verdict {
        Verdict::Ok => Verdict::UnexpectedResponse,
        v => v,
    }
}

/// The lanes: for each venv × method × call one fake, and one per method for the core.
struct Fakes {
    provider: BTreeMap<(String, &'static str, Op), Arc<FakeDatabricks>>,
    core: BTreeMap<&'static str, Arc<FakeDatabricks>>,
    /// Each fake's certificate authority (PEM) by its port: the provider trusts them all.
    authorities: BTreeMap<u16, String>,
}

async fn one_fake() -> Arc<FakeDatabricks> {
    Arc::new(
        start(Config {
            https_port: 0,
            http_port: None,
            log_file: None,
            slow_delay: SLOW_DELAY,
        })
        .await
        .expect("fake starts"),
    )
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The venv of Airflow `major`: `DBX_PARITY_AIRFLOW<major>`, else where
/// scripts/airflow-venvs.sh puts it.
fn venv(major: u8) -> PathBuf {
    if let Ok(path) = std::env::var(format!("DBX_PARITY_AIRFLOW{major}")) {
        return PathBuf::from(path);
    }
    let cache = std::env::var("DBX_CHECK_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/dbx-check")
        });
    cache.join(format!("airflow{major}"))
}

/// Runs tests/parity/provider.py in `venv` with `input` on stdin, within the deadline.
fn run_provider(venv: &Path, ca_bundle: &Path, input: String) -> Result<ProviderRun, String> {
    let python = venv.join("bin/python");
    let mut command = Command::new(&python);
    command
        .arg(repo_root().join("tests/parity/provider.py"))
        .current_dir(repo_root())
        .env("REQUESTS_CA_BUNDLE", ca_bundle)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("NO_PROXY", "*")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for proxy in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        command.env_remove(proxy);
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("{}: {e}", python.display()))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let mut stderr = child.stderr.take().ok_or("no stderr")?;
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).map(|_| s)
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).map(|_| s)
    });
    let give_up = Instant::now() + PROVIDER_DEADLINE + PROCESS_GRACE;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < give_up => std::thread::sleep(Duration::from_millis(100)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let _ = writer.join();
    let out = out.join().ok().and_then(Result::ok).unwrap_or_default();
    let err = err.join().ok().and_then(Result::ok).unwrap_or_default();
    let tail: String = {
        let lines: Vec<&str> = err.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    };
    match status {
        None => Err(format!("killed after {give_up:?}; stderr:\n{tail}")),
        Some(s) if !s.success() => Err(format!("exit {s}; stderr:\n{tail}")),
        Some(_) => serde_json::from_str(&out)
            .map_err(|e| format!("unreadable results ({e}); stderr:\n{tail}")),
    }
}

/// What the core's check did for one row and method.
struct CoreCase {
    report: CheckReport,
    steps: Vec<StepReport>,
    sent: Vec<(Step, Sent)>,
    plan: dbx_check_core::CheckPlan,
}

impl CoreCase {
    fn verdict(&self) -> Option<Verdict> {
        self.report.verdict.as_ref().map(|d| d.verdict)
    }

    /// The warehouses step's verdict, if the check got to send it.
    fn warehouses_verdict(&self) -> Option<Verdict> {
        let step = self.steps.iter().find(|s| s.step == Step::Warehouses)?;
        (step.state == StepState::Answered)
            .then(|| step.diagnosis.as_ref().map(|d| d.verdict))
            .flatten()
    }

    fn sent_for(&self, op: Op) -> Vec<Sent> {
        self.sent
            .iter()
            .filter(|(step, _)| op.core_steps().contains(step))
            .map(|(_, s)| s.clone())
            .collect()
    }

    /// The planned request of `step` as compared (method, path, auth scheme, body).
    fn planned_shape(&self, step: Step) -> Option<(String, String, String, String)> {
        let r = self.plan.request(step)?;
        let path = r
            .url
            .strip_prefix(&self.plan.host)
            .unwrap_or(&r.url)
            .to_owned();
        let scheme = match r.authorization() {
            Some(Authorization::Basic { .. }) => "Basic",
            Some(_) => "Bearer",
            None => "none",
        };
        Some((
            r.method.as_str().to_owned(),
            path,
            scheme.to_owned(),
            r.body.clone().unwrap_or_default(),
        ))
    }
}

fn step_of_path(path: &str) -> Option<Step> {
    Step::ALL.into_iter().find(|s| s.path() == path)
}

fn host_requests(fake: &FakeDatabricks, host: &str) -> Vec<LoggedRequest> {
    let mut requests: Vec<LoggedRequest> = fake
        .requests()
        .into_iter()
        .filter(|r| r.host == host)
        .collect();
    requests.sort_by_key(|r| r.seq);
    requests
}

/// One provider's findings for one case.
struct ProviderCase {
    result: Option<ProviderResult>,
    sent: Vec<Sent>,
    logged: Vec<LoggedRequest>,
}

impl ProviderCase {
    fn verdict(&self) -> Option<Verdict> {
        self.result.as_ref().map(provider_verdict)
    }
}

fn cell(verdict: Option<Verdict>, sent: usize, seconds: Option<f64>) -> String {
    let mut s = verdict.map_or("(none)".to_owned(), |v| v.to_string());
    if sent != 1 {
        let _ = write!(s, " ×{sent}");
    }
    if let Some(t) = seconds.filter(|t| *t >= 1.0) {
        let _ = write!(s, " {t:.0}s");
    }
    s
}

/// Why a header differs between the provider and the page, where the reason is known.
fn header_reason(name: &str) -> &'static str {
    match name {
        "accept" => "the provider sends the `requests` default `*/*`; the core plans its own value (see `Accept` in the core's plan)",
        "user-agent" => "the provider names itself, Airflow, Python and the calling hook; a page cannot set it (the browser sends its own) and the native client sends none",
        "accept-encoding" => "set by `requests`/urllib3; a page cannot set it (the browser sends its own list, gzip included)",
        "connection" => "`requests` asks for keep-alive; HTTP/1.1 keeps connections alive without it, and a page cannot set it",
        "content-type" => "the token request's form type; equal unless the value differs",
        _ => "no reason recorded: look at it",
    }
}

/// Headers a server sees that the comparison leaves to the table: host and
/// authorization are compared elsewhere, content-length follows the body.
const NOT_IN_HEADER_TABLE: [&str; 3] = ["host", "authorization", "content-length"];

fn request_kind(r: &LoggedRequest) -> &'static str {
    if r.path == TOKEN_PATH {
        "token POST"
    } else {
        "API GET"
    }
}

/// header → request kind → side → values seen.
type HeaderSeen = BTreeMap<(String, &'static str), BTreeMap<String, BTreeSet<String>>>;

fn collect_headers(seen: &mut HeaderSeen, side: &str, requests: &[LoggedRequest]) {
    for r in requests {
        let kind = request_kind(r);
        for (name, value) in &r.headers {
            if NOT_IN_HEADER_TABLE.contains(&name.as_str()) {
                continue;
            }
            seen.entry((name.clone(), kind))
                .or_default()
                .entry(side.to_owned())
                .or_default()
                .insert(value.clone());
        }
    }
}

fn header_table(seen: &HeaderSeen, sides: &[String]) -> String {
    let mut kinds: BTreeSet<&str> = BTreeSet::new();
    for (_, kind) in seen.keys() {
        kinds.insert(kind);
    }
    let mut out = String::new();
    let _ = writeln!(out, "| header | request | {} | why |", sides.join(" | "));
    let _ = writeln!(out, "|---|---|{}---|", "---|".repeat(sides.len()));
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for (name, _) in seen.keys() {
        names.insert(name);
    }
    for name in names {
        for kind in &kinds {
            let Some(by_side) = seen.get(&(name.to_owned(), *kind)) else {
                continue;
            };
            let values: Vec<String> = sides
                .iter()
                .map(|side| {
                    by_side.get(side).map_or("(not sent)".to_owned(), |v| {
                        v.iter()
                            .map(|x| format!("`{x}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                })
                .collect();
            if values.iter().all(|v| *v == values[0]) {
                continue;
            }
            let _ = writeln!(
                out,
                "| {name} | {kind} | {} | {} |",
                values.join(" | "),
                header_reason(name)
            );
        }
    }
    out
}

#[tokio::test]
#[ignore = "needs the Airflow venvs: make parity"]
async fn airflows_provider_and_the_core_agree_on_every_scenario_and_sign_in() {
    let started = Instant::now();
    let rows = scenario_table();
    let methods = methods();
    let ops = [Op::Test, Op::Warehouses];

    let mut venvs: Vec<(String, PathBuf, bool)> = Vec::new();
    let gate = venv(3);
    assert!(
        gate.join("bin/python").exists(),
        "no Airflow 3 venv at {} (scripts/airflow-venvs.sh 3 makes it)",
        gate.display()
    );
    venvs.push(("airflow3".to_owned(), gate, true));
    let info = venv(2);
    if info.join("bin/python").exists() {
        venvs.push(("airflow2".to_owned(), info, false));
    } else {
        println!(
            "parity: no Airflow 2 venv at {}: its differences are not shown",
            info.display()
        );
    }

    // Lanes: one fake per venv × method × call, and one per method for the core.
    let mut fakes = Fakes {
        provider: BTreeMap::new(),
        core: BTreeMap::new(),
        authorities: BTreeMap::new(),
    };
    for (name, _, _) in &venvs {
        for m in &methods {
            for op in ops {
                let fake = one_fake().await;
                fakes
                    .authorities
                    .insert(fake.https_addr.port(), fake.certificate_pem.clone());
                fakes.provider.insert((name.clone(), m.name, op), fake);
            }
        }
    }
    for m in &methods {
        fakes.core.insert(m.name, one_fake().await);
    }
    // One bundle holding every lane's authority: the provider's process trusts them all.
    let dir = std::env::temp_dir().join(format!("dbx-check-parity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bundle = dir.join("authorities.pem");
    std::fs::write(
        &bundle,
        fakes
            .authorities
            .values()
            .cloned()
            .collect::<Vec<_>>()
            .join(""),
    )
    .expect("bundle written");

    // The provider, one process per venv, every case at once.
    let mut provider_jobs = Vec::new();
    for (name, path, _) in &venvs {
        let mut cases = Vec::new();
        for (i, row, m) in slowest_first(&rows, &methods) {
            {
                for op in ops {
                    let fake = &fakes.provider[&(name.clone(), m.name, op)];
                    cases.push(json!({
                        "id": format!("{i}|{}|{}", m.name, op.name()),
                        "op": op.name(),
                        "host": row.host,
                        "port": fake.https_addr.port(),
                        "login": m.login,
                        "password": m.secret,
                        "extra": m.extra,
                        "warehouse": WAREHOUSE,
                    }));
                }
            }
        }
        let input =
            json!({"cases": cases, "deadline_seconds": PROVIDER_DEADLINE.as_secs()}).to_string();
        let (path, bundle) = (path.clone(), bundle.clone());
        provider_jobs.push((
            name.clone(),
            tokio::task::spawn_blocking(move || {
                let t = Instant::now();
                (run_provider(&path, &bundle, input), t.elapsed())
            }),
        ));
    }

    // The core: the page's direct check of every row and method, all at once.
    let core_started = Instant::now();
    let mut core_jobs = tokio::task::JoinSet::new();
    for (i, row) in rows.iter().enumerate() {
        for m in &methods {
            let fake = fakes.core[m.name].clone();
            let plan = plan_check(
                &format!("https://{}", row.host),
                m.auth,
                m.login,
                &Secret::new(m.secret),
            );
            let name = m.name;
            core_jobs.spawn(async move {
                let run = support::direct_run(&fake, plan.clone()).await;
                (i, name, run.report(), run.steps(), plan)
            });
        }
    }
    let mut core: BTreeMap<(usize, &str), CoreCase> = BTreeMap::new();
    let core_deadline = PROVIDER_DEADLINE + PROCESS_GRACE;
    while let Ok(Some(joined)) = tokio::time::timeout(core_deadline, core_jobs.join_next()).await {
        let (i, name, report, steps, plan) = joined.expect("a core check ran");
        // A path of no step is a redirect followed: it belongs to the request before it.
        let mut step = Step::SparkVersions;
        let sent = host_requests(&fakes.core[name], &rows[i].host)
            .iter()
            .map(|r| {
                step = step_of_path(&r.path).unwrap_or(step);
                (step, Sent::from_log(r))
            })
            .collect();
        core.insert(
            (i, name),
            CoreCase {
                report,
                steps,
                sent,
                plan,
            },
        );
    }
    let core_time = core_started.elapsed();

    let mut runs: BTreeMap<String, (ProviderRun, Duration)> = BTreeMap::new();
    let mut broken = Vec::new();
    for (name, job) in provider_jobs {
        match job.await.expect("provider job ran") {
            (Ok(run), took) => {
                runs.insert(name, (run, took));
            }
            (Err(e), _) => broken.push(format!("{name}: the provider's process failed: {e}")),
        }
    }
    assert!(
        runs.contains_key("airflow3"),
        "Airflow 3's provider did not run:\n{}",
        broken.join("\n")
    );

    // Compare.
    let mut failures: Vec<String> = Vec::new();
    let mut information: Vec<String> = broken;
    let mut rows_md = String::new();
    let venv_names: Vec<String> = runs.keys().cloned().collect();
    let mut seen_headers = HeaderSeen::new();
    for (i, row) in rows.iter().enumerate() {
        for m in &methods {
            let Some(core_case) = core.get(&(i, m.name)) else {
                failures.push(format!(
                    "{} {}: the core's check did not finish",
                    row.host, m.name
                ));
                continue;
            };
            let expected_page = row.verdict_for(m.name);
            let expected_airflow = row.airflow_for(m.name);
            let core_verdict = core_case.verdict();
            if core_verdict.map(Verdict::as_str) != Some(expected_page) {
                failures.push(format!(
                    "{} {}: the page's verdict is {}, the table says {expected_page}",
                    row.host,
                    m.name,
                    core_verdict.map_or("(none)", Verdict::as_str)
                ));
            }
            collect_headers(
                &mut seen_headers,
                "core (native client)",
                &host_requests(&fakes.core[m.name], &row.host),
            );
            let mut cells: Vec<String> = Vec::new();
            for venv_name in &venv_names {
                let (run, _) = &runs[venv_name];
                let gate = venv_name == "airflow3";
                for op in ops {
                    let id = format!("{i}|{}|{}", m.name, op.name());
                    let fake = &fakes.provider[&(venv_name.clone(), m.name, op)];
                    let logged = host_requests(fake, &row.host);
                    let case = ProviderCase {
                        result: run.results.iter().find(|r| r.id == id).cloned(),
                        sent: logged.iter().map(Sent::from_log).collect(),
                        logged,
                    };
                    collect_headers(&mut seen_headers, venv_name, &case.logged);
                    let found = compare(op, core_case, &case, expected_airflow);
                    let label = format!("{venv_name} {} {} {}", row.host, m.name, op.name());
                    for f in found {
                        if gate {
                            failures.push(format!("{label}: {f}"));
                        } else {
                            information.push(format!("{label}: {f}"));
                        }
                    }
                    cells.push(cell(
                        case.verdict(),
                        case.sent.len(),
                        case.result.as_ref().map(|r| r.seconds),
                    ));
                }
            }
            let core_test = core_case.sent_for(Op::Test).len();
            let core_wh = core_case.warehouses_verdict();
            let _ = writeln!(
                rows_md,
                "| {} | {} | {} | {} | {} |",
                row.host,
                m.name,
                cells.join(" | "),
                cell(core_verdict, core_test, None),
                core_wh.map_or("(not sent)".to_owned(), |v| v.to_string()),
            );
        }
    }

    let mut md = String::new();
    let _ = writeln!(md, "# Provider parity\n");
    for (name, (run, took)) in &runs {
        let _ = writeln!(
            md,
            "- {name}: Airflow {}, provider {}, {:.1} s ({:.1} s of it importing Airflow and building the hooks)",
            run.versions.get("airflow").map_or("?", String::as_str),
            run.versions.get("provider").map_or("?", String::as_str),
            took.as_secs_f64(),
            run.setup_seconds
        );
    }
    let _ = writeln!(
        md,
        "- the core (native direct check, all cases at once): {:.1} s; `slow-` answers after {} ms\n",
        core_time.as_secs_f64(),
        SLOW_DELAY.as_millis()
    );
    let _ = writeln!(
        md,
        "Cells: the verdict, then `×n` for n requests (where not 1) and the seconds taken (from 1 s).\n"
    );
    let mut head = String::from("| host | sign-in |");
    let mut rule = String::from("|---|---|");
    for v in &venv_names {
        let _ = write!(head, " {v} test_connection | {v} warehouse lookup |");
        rule.push_str("---|---|");
    }
    let _ = writeln!(md, "{head} page verdict | page warehouses step |");
    let _ = writeln!(md, "{rule}---|---|");
    md.push_str(&rows_md);
    let _ = writeln!(md, "\n## Headers that differ\n");
    let mut sides = venv_names.clone();
    sides.push("core (native client)".to_owned());
    md.push_str(&header_table(&seen_headers, &sides));
    let _ = writeln!(md, "\n## Differences that fail the stage (Airflow 3)\n");
    if failures.is_empty() {
        let _ = writeln!(md, "None.");
    }
    for f in &failures {
        let _ = writeln!(md, "- {f}");
    }
    let _ = writeln!(
        md,
        "\n## Differences shown as information (Airflow 2), alike ones counted once\n"
    );
    if information.is_empty() {
        let _ = writeln!(md, "None.");
    }
    for (pattern, (count, example)) in grouped(&information) {
        let _ = writeln!(md, "- {count} case(s), e.g. {example}: {pattern}");
    }
    let _ = writeln!(md, "\nTotal: {:.1} s", started.elapsed().as_secs_f64());
    println!("{md}");
    let artifacts = repo_root().join("artifacts");
    if std::fs::create_dir_all(&artifacts).is_ok() {
        let _ = std::fs::write(artifacts.join("parity.md"), &md);
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} difference(s) between Airflow 3's provider and the core (artifacts/parity.md)",
        failures.len()
    );
}

/// Every row and method, those the provider takes longest on first (its process starts
/// each case as soon as its hook is built): a time-out retried three times, then the
/// retried 429 and 5xx answers; a service principal's first (its token request comes
/// on top).
fn slowest_first<'a>(rows: &'a [Row], methods: &'a [Method]) -> Vec<(usize, &'a Row, &'a Method)> {
    let mut cases: Vec<(usize, &Row, &Method)> = rows
        .iter()
        .enumerate()
        .flat_map(|(i, row)| methods.iter().map(move |m| (i, row, m)))
        .collect();
    cases.sort_by_key(|(i, row, m)| {
        let rank = match row.verdict_for(m.name) {
            "timeout" => 0,
            "rate_limited" | "unavailable" => 1,
            _ => 2,
        };
        (rank, m.auth != AuthMethod::SpOauth, *i)
    });
    cases
}

/// Differences alike but for the case and the credentials, with how many cases had each
/// and the first case's name. Each line is `<case>: <difference>`.
fn grouped(lines: &[String]) -> BTreeMap<String, (usize, String)> {
    let mut groups: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for line in lines {
        let (case, difference) = line.split_once(": ").unwrap_or(("", line));
        // The auth details ` [Bearer (valid)]` vary with the sign-in: leave them out.
        let mut pattern = String::new();
        let mut rest = difference;
        while let Some(start) = rest.find(" [") {
            pattern.push_str(&rest[..start]);
            rest = rest[start..]
                .find(']')
                .map_or("", |end| &rest[start + end + 1..]);
        }
        pattern.push_str(rest);
        let entry = groups.entry(pattern).or_insert((0, case.to_owned()));
        entry.0 += 1;
    }
    groups
}

/// Every difference between the provider's call `op` and the core's steps for it.
fn compare(
    op: Op,
    core: &CoreCase,
    provider: &ProviderCase,
    expected_airflow: &str,
) -> Vec<String> {
    let mut found = Vec::new();
    let Some(result) = &provider.result else {
        found.push("the provider gave no result (past its deadline?)".to_owned());
        return found;
    };
    let verdict = provider_verdict(result);
    let why = || {
        format!(
            "{}{}",
            result
                .exception
                .as_deref()
                .map(|e| format!("{e}: "))
                .unwrap_or_default(),
            result.message.chars().take(240).collect::<String>()
        )
    };
    let core_sent = core.sent_for(op);
    let core_ran = match op {
        Op::Test => true,
        Op::Warehouses => core_sent.iter().any(|s| s.path == Step::Warehouses.path()),
    };
    // The outcome.
    match op {
        Op::Test => {
            if verdict.as_str() != expected_airflow {
                found.push(format!(
                    "the provider's test ends in {verdict} ({}), the table expects {expected_airflow} for Airflow",
                    why()
                ));
            }
        }
        Op::Warehouses if core_ran => {
            let core_verdict = core.warehouses_verdict();
            if Some(verdict) != core_verdict {
                found.push(format!(
                    "the provider's warehouse lookup ends in {verdict} ({}), the page's warehouses step in {}",
                    why(),
                    core_verdict.map_or("(none)", Verdict::as_str)
                ));
            }
            let core_path = core
                .report
                .warehouses
                .iter()
                .find(|w| w.name == WAREHOUSE)
                .map(|w| w.http_path.clone());
            if verdict == Verdict::Ok && result.http_path != core_path {
                found.push(format!(
                    "http_path: the provider found {:?}, the page lists {:?}",
                    result.http_path, core_path
                ));
            }
        }
        Op::Warehouses => {
            // The page stopped before its warehouses step: what it told the user is its
            // verdict, which the provider's lookup should meet as Airflow would.
            if verdict.as_str() != expected_airflow {
                found.push(format!(
                    "the provider's warehouse lookup ends in {verdict} ({}), Airflow is expected to end in {expected_airflow} (the page stopped at {})",
                    why(),
                    core.verdict().map_or("(none)", Verdict::as_str)
                ));
            }
        }
    }
    // The requests. One difference is by design: the provider tries a request that timed
    // out twice more (three 10 s waits for a token, three 180 s waits for an API call);
    // the page stops after the first and its timeout verdict says what Airflow does
    // (docs/databricks-answers.md, "Timeouts and retries").
    let provider_sent = if verdict == Verdict::Timeout && core.verdict() == Some(Verdict::Timeout) {
        without_timed_out_retries(&provider.sent)
    } else {
        provider.sent.clone()
    };
    if core_ran {
        if provider_sent != core_sent {
            found.push(format!(
                "requests differ: the provider sent {}; the page sent {}",
                list(&provider.sent),
                list(&core_sent)
            ));
        }
    } else {
        // Not sent by the page: compare what it would send (its plan) with each
        // distinct request of the provider's, token requests with the page's own.
        // Redirects the page followed (to any step) may be followed here too.
        let followed = core
            .sent
            .iter()
            .filter(|(_, s)| step_of_path(&s.path).is_none())
            .map(|(_, s)| s.shape());
        let mut wanted: BTreeSet<_> = core_sent.iter().map(Sent::shape).chain(followed).collect();
        if let Some(shape) = core.planned_shape(Step::Warehouses) {
            wanted.insert(shape);
        }
        let got: BTreeSet<_> = provider.sent.iter().map(Sent::shape).collect();
        let token_failed = core
            .steps
            .iter()
            .any(|s| s.step == Step::OauthToken && s.state == StepState::Answered)
            && core.verdict() != Some(Verdict::Ok);
        let extra: Vec<_> = got
            .difference(&wanted)
            // A token refused stops both before the API call: nothing to compare there.
            .filter(|s| !(token_failed && s.1 != TOKEN_PATH))
            .collect();
        if !extra.is_empty() {
            found.push(format!(
                "the provider sent {} (the page, which stopped at {}, plans {})",
                list(&provider.sent),
                core.verdict().map_or("(none)", Verdict::as_str),
                wanted
                    .iter()
                    .map(|(me, p, a, b)| format!(
                        "{me} {p} [{a}]{}",
                        if b.is_empty() {
                            String::new()
                        } else {
                            format!(" body `{b}`")
                        }
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    found
}

/// `sent` with the provider's retries of its last request dropped: the two further tries
/// of a request that timed out.
fn without_timed_out_retries(sent: &[Sent]) -> Vec<Sent> {
    let mut kept = sent.to_vec();
    let tries = kept
        .iter()
        .rev()
        .take_while(|s| Some(*s) == sent.last())
        .count();
    kept.truncate(kept.len() - tries.saturating_sub(1).min(2));
    kept
}
