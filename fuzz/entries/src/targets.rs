//! The entry points. Each reads its inputs with a [`Reader`] and calls the core the way
//! the page, the relay or the command does, plus the cheap follow-up calls they make on
//! the result (summaries, findings, JSON), since those format what was decided.

use crate::{header_pairs, Reader, SUB};
use dbx_check_core::check::relay::{
    is_relay_health, page_mark_confirms, relay_path, relayed_outcome,
};
use dbx_check_core::check::{
    classify, parse_pasted_answer, read_pasted_check, read_success, read_transcript,
    retried_as_airflow_does, sanitised_excerpt, AnswerBody, AnswerHeaders, CheckRun, Progress,
    RawOutcome, Route, Transport,
};
use dbx_check_core::credential::{
    browser_check, cloud_of_host, fields_needed, secret_in_url_field, CredentialExtra,
};
use dbx_check_core::{
    analyse_credential, analyse_host, assess, classify_secret, databricks_zone, plan_check,
    read_address, AirflowVersion, AuthMethod, ConnectionRequest, CredentialInput, Diagnostic,
    FormInput, Secret, Step,
};
use dbx_check_relay::policy::{
    check_same_origin, is_redirect, mark_page, method_after_redirect, read_relay_request,
    relay_host, same_host_redirect, RelayRefusal,
};
use serde_json::{Map, Value};
use std::hint::black_box;

const TRANSPORTS: [Transport; 4] = [
    Transport::Ok,
    Transport::Blocked,
    Transport::Unreachable,
    Transport::Timeout,
];

/// Clocks for JWT expiry: the page passes the current time, so only plausible ones.
const NOWS: [i64; 4] = [1_750_000_000, 0, 1_700_000_000, 4_102_444_800];

/// The most answers one check run is fed: its own bound is each step once plus a retry.
const MAX_RECORDS: usize = 12;

/// `analyse_host`, as the page and `dbx-check host` call it, and the host helpers.
pub fn host(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let analysis = analyse_host(&text);
    black_box(analysis.summary());
    black_box(analysis.is_usable());
    black_box(analysis.worst());
    black_box(analysis.in_known_zone());
    if let Some(hostname) = &analysis.hostname {
        black_box(databricks_zone(hostname));
    }
    black_box(serde_json::to_string(&analysis).ok());
    black_box(secret_in_url_field(&text).map(|p| p.to_finding()));
    black_box(cloud_of_host(&text));
}

/// `analyse_credential` with any method, login, secret, host and Extra settings.
/// Selectors: method, clock. Fields: login, secret, host, tenant id, resource id,
/// managed identity client id, Extra token.
pub fn credential(data: &[u8]) {
    let mut r = Reader::new(data);
    let method = r.pick(&AuthMethod::ALL);
    let now_unix = r.pick(&NOWS);
    let login = r.text();
    let secret = r.text();
    let host = r.opt_text();
    let input = CredentialInput {
        method,
        login,
        secret: Secret::new(secret),
        cloud: host.as_deref().and_then(cloud_of_host),
        extra: CredentialExtra {
            azure_tenant_id: r.opt_text(),
            azure_resource_id: r.opt_text(),
            azure_managed_identity_client_id: r.opt_text(),
            token: r.opt_text().map(Secret::new),
        },
        now_unix,
    };
    let analysis = analyse_credential(&input);
    black_box(analysis.usable());
    black_box(serde_json::to_string(&analysis).ok());
    // Debug reads the Login's shape to hide a pasted token.
    black_box(format!("{input:?}"));
    black_box(classify_secret(input.secret.expose()).describe());
    if let Some(host) = &host {
        black_box(secret_in_url_field(host).map(|p| p.to_finding()));
    }
    black_box(fields_needed(method));
    black_box(browser_check(method));
}

/// `airflow_values` from fields. Selectors: method, Airflow version. Fields: conn id,
/// host, login, secret, Extra (a JSON object, else `key=value` lines).
pub fn airflow(data: &[u8]) {
    let mut r = Reader::new(data);
    let method = r.pick(&AuthMethod::ALL);
    let airflow = r.pick(&[AirflowVersion::V3, AirflowVersion::V2]);
    let request = ConnectionRequest {
        conn_id: r.text(),
        host: r.text(),
        method,
        login: r.text(),
        secret: Secret::new(r.text()),
        extra: extra_object(r.field().unwrap_or_default()),
        airflow,
    };
    airflow_request(&request);
}

/// `dbx-check airflow`: the whole input is the JSON it reads from stdin.
pub fn airflow_json(data: &[u8]) {
    if let Ok(request) = serde_json::from_slice::<ConnectionRequest>(data) {
        airflow_request(&request);
    }
}

fn airflow_request(request: &ConnectionRequest) {
    let values = dbx_check_core::airflow_values_with_stores(request);
    black_box(serde_json::to_string(&values).ok());
}

fn extra_object(bytes: &[u8]) -> Map<String, Value> {
    if let Ok(map) = serde_json::from_slice::<Map<String, Value>>(bytes) {
        return map;
    }
    String::from_utf8_lossy(bytes)
        .split('\n')
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (key, value) = line.split_once('=').unwrap_or((line, ""));
            (key.to_owned(), Value::from(value))
        })
        .collect()
}

/// `diagnose`, `classify`, `read_success` and `retried_as_airflow_does` on any answer.
/// Selectors: step, transport (low 2 bits; bit 2 drops the status), status (2 bytes).
/// Fields: header lines, body bytes, final URL.
pub fn diagnose(data: &[u8]) {
    let mut r = Reader::new(data);
    analyse_outcome(&outcome(&mut r));
}

/// `dbx-check diagnose`: the whole input is the JSON it reads from stdin.
pub fn diagnose_json(data: &[u8]) {
    if let Ok(outcome) = serde_json::from_slice::<RawOutcome>(data) {
        analyse_outcome(&outcome);
    }
}

/// An answer as [`diagnose`] reads it; [`check_run`] reads its answers the same way
/// from fields split at [`SUB`].
fn outcome(r: &mut Reader) -> RawOutcome {
    let step = r.pick(&Step::ALL);
    let transport = r.byte();
    let status = r.u16();
    RawOutcome {
        step,
        transport: TRANSPORTS[usize::from(transport & 3)],
        status: (transport & 4 == 0).then_some(status),
        headers: AnswerHeaders(header_pairs(r.field().unwrap_or_default())),
        body: AnswerBody(r.field().unwrap_or_default().to_vec()),
        final_url: r.opt_text(),
    }
}

fn analyse_outcome(outcome: &RawOutcome) {
    let diagnosis = dbx_check_core::diagnose(outcome);
    black_box(serde_json::to_string(&diagnosis).ok());
    let cause = classify(outcome);
    black_box(cause.verdict());
    black_box(cause.to_finding());
    black_box(read_success(outcome));
    black_box(retried_as_airflow_does(outcome));
    black_box(sanitised_excerpt(outcome.body.bytes()));
}

/// A pasted terminal output: one answer read for a step, and the whole paste read as
/// the block's output into the report of a check planned for a host and method.
/// Selectors: step, method. Fields: the paste, host, login.
pub fn terminal(data: &[u8]) {
    let mut r = Reader::new(data);
    let step = r.pick(&Step::ALL);
    let method = r.pick(&AuthMethod::ALL);
    let text = String::from_utf8_lossy(r.field().unwrap_or_default());
    let host = String::from_utf8_lossy(r.field().unwrap_or_default());
    let login = String::from_utf8_lossy(r.field().unwrap_or_default());
    match parse_pasted_answer(&text) {
        Ok(answer) => analyse_outcome(&answer.into_outcome(step)),
        Err(problem) => drop(black_box(problem.to_finding())),
    }
    black_box(read_transcript(&text).ok());
    let plan = plan_check(&host, method, &login, &Secret::new("typed in the terminal"));
    black_box(read_pasted_check(&plan, "databricks_default", &text).ok());
}

/// One check as the page drives it: `plan_check`, `CheckRun::start`, then each answer
/// recorded until the run stops, and the report. Selectors: method, route, flags (bit 1:
/// cancel when the answers run out; bit 0 is unused, so saved inputs keep their meaning). Fields: host, login,
/// secret, conn id, then one answer per field in [`diagnose`]'s layout split at [`SUB`].
pub fn check_run(data: &[u8]) {
    let mut r = Reader::new(data);
    let method = r.pick(&AuthMethod::ALL);
    let route = r.pick(&[Route::Direct, Route::Relay, Route::Terminal]);
    let flags = r.byte();
    let host = r.text();
    let login = r.text();
    let secret = Secret::new(r.text());
    let conn_id = r.text();
    let plan = plan_check(&host, method, &login, &secret);
    black_box(plan.summary());
    for request in &plan.requests {
        black_box(request.to_string());
        black_box(request.shown_headers());
    }
    let mut run = CheckRun::start(plan, &conn_id, route);
    let mut answers = r.rest_fields().into_iter();
    for _ in 0..MAX_RECORDS {
        black_box(run.next_request());
        let Some(answer) = answers.next() else {
            if flags & 2 != 0 {
                run.cancel();
            }
            break;
        };
        let answer = outcome(&mut Reader::split_at(answer, SUB));
        if run.record(answer) == Progress::Finished {
            break;
        }
    }
    black_box(run.record(RawOutcome::failed(Step::SparkVersions, Transport::Timeout)));
    black_box(serde_json::to_string(&run.report()).ok());
}

/// `read_address` on the page's query string.
pub fn address(data: &[u8]) {
    black_box(read_address(&String::from_utf8_lossy(data)));
}

/// What the relay does with a request: `read_relay_request` and `relay_host`. Fields:
/// method, request target, `--allow-host` names (one per line).
pub fn relay_request(data: &[u8]) {
    let mut r = Reader::new(data);
    let method = r.text();
    let target = r.text();
    let extra_hosts: Vec<String> = r
        .text()
        .split('\n')
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .collect();
    match read_relay_request(&method, &target, &extra_hosts) {
        Ok(forward) => {
            black_box(forward.upstream_url());
            black_box(relay_path(&forward.hostname, forward.step));
        }
        Err(refusal) => refused(&refusal),
    }
    let segment = target.trim_start_matches('/');
    let segment = segment.strip_prefix("relay/").unwrap_or(segment);
    let segment = segment.split('/').next().unwrap_or_default();
    if let Err(refusal) = relay_host(segment, &extra_hosts) {
        refused(&refusal);
    }
}

/// A redirect the relay meets: `same_host_redirect`, and the method after it.
/// Selectors: status (2 bytes). Fields: current URL, `Location`.
pub fn relay_redirect(data: &[u8]) {
    let mut r = Reader::new(data);
    let status = r.u16();
    let current = r.text();
    let location = r.text();
    black_box(is_redirect(status));
    for step in Step::ALL {
        black_box(method_after_redirect(status, step.http_method()));
    }
    if let Err(refusal) = same_host_redirect(&current, &location) {
        refused(&refusal);
    }
}

/// `check_same_origin`. Selector: flags (bit 0: loopback only; bits 1 to 3: whether the
/// `Host`, `Origin` and `Sec-Fetch-Site` headers are present). Fields: those headers.
pub fn relay_origin(data: &[u8]) {
    let mut r = Reader::new(data);
    let flags = r.byte();
    let host = r.text();
    let origin = r.text();
    let fetch_site = r.text();
    let present = |bit: u8, value: &str| (flags & bit != 0).then_some(value.to_owned());
    let (host, origin, fetch_site) = (
        present(2, &host),
        present(4, &origin),
        present(8, &fetch_site),
    );
    if let Err(refusal) = check_same_origin(
        host.as_deref(),
        origin.as_deref(),
        fetch_site.as_deref(),
        flags & 1 != 0,
    ) {
        refused(&refusal);
    }
}

/// What the page makes of the relay's answer: `relayed_outcome` (then diagnosed), and
/// the health checks. Selectors: step, status (2 bytes). Fields: header lines, body.
pub fn relay_answer(data: &[u8]) {
    let mut r = Reader::new(data);
    let step = r.pick(&Step::ALL);
    let status = r.u16();
    let headers = header_pairs(r.field().unwrap_or_default());
    let body = r.field().unwrap_or_default();
    match relayed_outcome(step, status, headers, body.to_vec()) {
        Ok(outcome) => analyse_outcome(&outcome),
        Err(refused) => drop(black_box(refused)),
    }
    black_box(is_relay_health(body));
    black_box(mark_page(body));
    black_box(page_mark_confirms(std::str::from_utf8(body).ok()));
}

fn refused(refusal: &RelayRefusal) {
    black_box(refusal.status());
    black_box(refusal.to_json());
    black_box(refusal.to_finding());
}

/// `form::assess`, what the page runs on every keystroke. Selectors: method, Airflow
/// version, route, clock. Fields: workspace URL, login, secret, tenant id, resource id,
/// managed identity client id, HTTP path, conn id.
pub fn form(data: &[u8]) {
    let mut r = Reader::new(data);
    let input = FormInput {
        method: r.pick(&AuthMethod::ALL),
        airflow: r.pick(&[AirflowVersion::V3, AirflowVersion::V2]),
        route: r.pick(&[Route::Direct, Route::Relay, Route::Terminal]),
        now_unix: r.pick(&NOWS),
        workspace_url: r.text(),
        login: r.text(),
        secret: Secret::new(r.text()),
        azure_tenant_id: r.text(),
        azure_resource_id: r.text(),
        azure_mi_client_id: r.text(),
        http_path: r.text(),
        conn_id: r.text(),
    };
    let assessment = assess(&input);
    black_box(assessment.airflow_notes());
    if let Err(not_ready) = &assessment.readiness {
        black_box(not_ready.explain());
    }
}

/// `import::import_connection`, what the page runs on a pasted connection, then the form
/// it fills. Fields: the paste, the conn id to pick (none when absent).
pub fn import(data: &[u8]) {
    let mut r = Reader::new(data);
    let text = String::from_utf8_lossy(r.field().unwrap_or_default());
    let pick = r.field().map(String::from_utf8_lossy);
    let imported = dbx_check_core::import::import_connection(&text, pick.as_deref());
    black_box(serde_json::to_string(&imported).ok());
    if let Some(input) = dbx_check_core::import::to_form_input(&imported, &FormInput::default()) {
        black_box(assess(&input));
    }
}
