//! The way on when the browser may not make the call: the identical requests as one
//! block for a terminal, which reads each secret at a prompt without echo and prints
//! every answer under its step's marker, for the user to paste back whole
//! ([`super::transcript`]); and Airflow's own test. The facts the block relies on, shell
//! by shell, are in docs/terminal-route.md.
//!
//! `curl -sS -L -D -` prints each response's status line and headers, then the body;
//! `-w` appends a marker line with the final URL. PowerShell runs the same `curl.exe`
//! (shipped with Windows 10 and later) rather than `Invoke-WebRequest`, which throws on
//! error statuses in Windows PowerShell 5.1 and prints a different shape: one output
//! format, one parser.

use super::plan::{Authorization, CheckPlan, HttpMethod, PlannedRequest, SecretKind, TokenSource};
use super::{AnswerBody, AnswerHeaders, RawOutcome, Step, Transport};
use crate::finding::{Diagnostic, Severity};
use crate::powershell::powershell_word;
use crate::vocabulary::AuthMethod;
use serde::Serialize;

/// The line `-w` prints after the body; the parser cuts the body there.
pub const FINAL_URL_MARKER: &str = "[dbx-check final URL]";

/// Seconds curl waits; shorter than Airflow's 180 s, long enough for a slow workspace.
const CURL_MAX_TIME: u32 = 30;

/// Azure Databricks' application id: the resource Entra ID tokens are asked for (docs/credentials.md).
const AZURE_DATABRICKS_RESOURCE: &str = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d";

/// Pasted text larger than this is cut before parsing: no answer of the check is close.
const MAX_PASTE_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shell {
    /// bash and zsh (macOS, Linux, WSL, Git Bash).
    Bash,
    /// Windows PowerShell 5.1 and PowerShell 7.
    PowerShell,
}

/// One planned request as lines of the block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TerminalCommand {
    pub step: Step,
    /// The request: the block's `dbx` function with the step's name and curl's arguments.
    pub command: String,
    /// Lines run after it: for the OAuth token, keeping the access token without printing
    /// it, and stopping when none was issued.
    pub after: Vec<String>,
}

/// The whole check for one shell: one block to copy, run in a child shell (bash) or a
/// script block (PowerShell), so that Ctrl-C stops all of it and no secret is left in
/// the user's session afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TerminalRoute {
    pub shell: Shell,
    /// Reads each secret without echoing it, so it stays out of the command, the shell
    /// history and the screen; then defines the `dbx` function.
    pub setup: Vec<String>,
    pub commands: Vec<TerminalCommand>,
}

impl TerminalRoute {
    /// The block the page shows and copies: setup and commands, wrapped.
    pub fn script(&self) -> String {
        let (open, close) = match self.shell {
            Shell::Bash => ("(", ")"),
            Shell::PowerShell => ("& {", "}"),
        };
        let mut lines = vec![open.to_owned()];
        lines.extend(self.setup.iter().cloned());
        for c in &self.commands {
            lines.push(c.command.clone());
            lines.extend(c.after.iter().cloned());
        }
        lines.push(close.to_owned());
        lines.join("\n")
    }
}

/// The line the block prints before each request's output: the paste is read step by
/// step whatever order or part of it comes back. The block prints it with a format
/// (`%s`, `$step`), so the command's own text never reads as the marker.
pub const STEP_MARKER: &str = "[dbx-check step: ";

/// What the block prints in place of the access token it keeps.
pub const HIDDEN_TOKEN: &str = "(hidden by dbx-check)";

/// Airflow's own test, for where Airflow runs (docs/airflow-connections.md: testing is disabled unless
/// this exact setting is `Enabled`; env-defined connections can only be tested so).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AirflowCliRoute {
    pub bash: String,
    pub powershell: String,
}

pub fn airflow_cli_route(conn_id: &str) -> AirflowCliRoute {
    let conn_id = if conn_id.trim().is_empty() {
        "databricks_default"
    } else {
        conn_id.trim()
    };
    AirflowCliRoute {
        bash: format!(
            "AIRFLOW__CORE__TEST_CONNECTION=Enabled airflow connections test {}",
            bash_quote(conn_id)
        ),
        powershell: format!(
            "$env:AIRFLOW__CORE__TEST_CONNECTION = 'Enabled'; airflow connections test {}",
            powershell_word(conn_id)
        ),
    }
}

/// The terminal block for a plan. Secrets never appear in it: they are read into shell
/// variables at a prompt without echo, and the OAuth access token is kept by the block.
pub fn terminal_route(plan: &CheckPlan, shell: Shell) -> TerminalRoute {
    let mut setup = Vec::new();
    let mut read = |kind: SecretKind| {
        let line = read_secret_line(shell, kind.env_var(), kind.describe());
        if !setup.contains(&line) {
            setup.push(line);
        }
    };
    for request in &plan.requests {
        match request.authorization() {
            Some(Authorization::Bearer { kind, .. } | Authorization::Basic { kind, .. }) => {
                read(*kind)
            }
            Some(Authorization::BearerFrom { .. }) | None => {}
        }
    }
    if plan.method.is_azure_only() {
        setup.extend(azure_sign_in(plan.method, shell, &plan.login));
    }
    setup.push(request_function(shell));

    let commands = plan
        .requests
        .iter()
        .map(|request| {
            let call = format!(
                "dbx {} {}",
                request.step.as_str(),
                curl_args(request, shell)
            );
            if request.step == Step::OauthToken {
                TerminalCommand {
                    step: request.step,
                    command: capture(shell, &call),
                    after: keep_access_token(shell),
                }
            } else {
                TerminalCommand {
                    step: request.step,
                    command: call,
                    after: Vec::new(),
                }
            }
        })
        .collect();
    TerminalRoute {
        shell,
        setup,
        commands,
    }
}

fn comment(shell: Shell, text: &str) -> String {
    match shell {
        Shell::Bash | Shell::PowerShell => format!("# {text}"),
    }
}

/// Works in bash 3.2 and later and in zsh alike: zsh's `read -p` means something else,
/// so the prompt is printed separately.
fn read_secret_line(shell: Shell, var: &str, what: &str) -> String {
    match shell {
        Shell::Bash => format!(
            "printf '%s: ' {}; read -rs {var}; echo",
            bash_quote(&crate::finding::capitalise(what))
        ),
        // NetworkCredential turns the SecureString back into text in PowerShell 5.1 and 7.
        Shell::PowerShell => format!(
            "${var} = [Net.NetworkCredential]::new('', (Read-Host -AsSecureString {})).Password",
            powershell_word(&crate::finding::capitalise(what))
        ),
    }
}

/// `dbx STEP ARGS...`: prints the step's marker, then what curl prints for the request
/// (`-D -`: status line and headers, then the body; `-w`: the final URL, also after a
/// failure), curl's own errors in line with it.
fn request_function(shell: Shell) -> String {
    let write_out = format!("'\\n{FINAL_URL_MARKER} %{{url_effective}}\\n'");
    match shell {
        Shell::Bash => format!(
            "dbx() {{ printf '\\n{STEP_MARKER}%s]\\n' \"$1\"; shift; curl -sS -L -D - --max-time {CURL_MAX_TIME} -w {write_out} \"$@\" 2>&1; }}"
        ),
        Shell::PowerShell => format!(
            "function dbx {{ $step, $rest = $args; \"`n{STEP_MARKER}$step]\"; curl.exe -sS -L -D - --max-time {CURL_MAX_TIME} -w {write_out} @rest 2>&1 }}"
        ),
    }
}

/// The token request with its output kept in a variable instead of printed.
fn capture(shell: Shell, call: &str) -> String {
    match shell {
        Shell::Bash => format!("answer=$({call})"),
        Shell::PowerShell => format!("$answer = {call} | Out-String"),
    }
}

/// After the token request: the access token taken from the kept answer with what every
/// machine has (sed, or PowerShell's regex), the answer printed with the token hidden,
/// and the block stopped when no token was issued (the later requests could only fail).
fn keep_access_token(shell: Shell) -> Vec<String> {
    let var = SecretKind::AccessToken.env_var();
    match shell {
        Shell::Bash => vec![
            format!(
                "{var}=$(printf '%s\\n' \"$answer\" | sed -n 's/.*\"access_token\" *: *\"\\([^\"]*\\)\".*/\\1/p')"
            ),
            format!(
                "printf '%s\\n' \"$answer\" | sed 's/\"access_token\" *: *\"[^\"]*\"/\"access_token\": \"{HIDDEN_TOKEN}\"/'"
            ),
            format!("[ -n \"${var}\" ] || exit 1"),
        ],
        Shell::PowerShell => vec![
            format!(
                "${var} = [regex]::Match($answer, '\"access_token\"\\s*:\\s*\"([^\"]*)\"').Groups[1].Value"
            ),
            format!(
                "$answer -replace '\"access_token\"\\s*:\\s*\"[^\"]*\"', '\"access_token\": \"{HIDDEN_TOKEN}\"'"
            ),
            format!("if (-not ${var}) {{ return }}"),
        ],
    }
}

/// The Azure CLI signs in the way the method does and prints an Entra ID token for
/// Azure Databricks, which the commands then send as Bearer.
fn azure_sign_in(method: AuthMethod, shell: Shell, login: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let get_token = format!(
        "az account get-access-token --resource {AZURE_DATABRICKS_RESOURCE} --query accessToken -o tsv"
    );
    match method {
        AuthMethod::AzureSp => {
            lines.push(read_secret_line(
                shell,
                "AZURE_CLIENT_SECRET",
                "the service principal's client secret",
            ));
            let client = login;
            lines.push(match shell {
                Shell::Bash => format!(
                    "printf 'Tenant id: '; read -r AZURE_TENANT_ID; az login --service-principal --username {} --password \"$AZURE_CLIENT_SECRET\" --tenant \"$AZURE_TENANT_ID\" --allow-no-subscriptions --output none",
                    bash_quote(client)
                ),
                Shell::PowerShell => format!(
                    "$AZURE_TENANT_ID = Read-Host 'Tenant id'; az login --service-principal --username {} --password \"$AZURE_CLIENT_SECRET\" --tenant \"$AZURE_TENANT_ID\" --allow-no-subscriptions --output none",
                    powershell_word(client)
                ),
            });
        }
        AuthMethod::AzureMi => {
            lines.push(comment(
                shell,
                "Run on the Azure machine or container that has the managed identity:",
            ));
            lines.push("az login --identity --allow-no-subscriptions --output none".to_owned());
        }
        _ => {
            lines.push(comment(
                shell,
                "Sign in as the identity DefaultAzureCredential finds where Airflow runs:",
            ));
            lines.push("az login --allow-no-subscriptions --output none".to_owned());
        }
    }
    lines.push(match shell {
        Shell::Bash => format!("DATABRICKS_TOKEN=\"$({get_token})\""),
        Shell::PowerShell => format!("$DATABRICKS_TOKEN = {get_token}"),
    });
    lines
}

/// curl's arguments for one planned request, after the `dbx` function's own.
fn curl_args(request: &PlannedRequest, shell: Shell) -> String {
    let quote = |s: &str| match shell {
        Shell::Bash => bash_quote(s),
        Shell::PowerShell => powershell_word(s),
    };
    // Inside double quotes so the shell expands the variable and nothing else.
    let var = |name: &str| format!("${name}");
    let mut args = Vec::new();
    // `--data` already makes curl POST; an explicit `-X POST` would also be kept on
    // redirects, which `-L` must not do.
    if request.method == HttpMethod::Post && request.body.is_none() {
        args.push("-X POST".to_owned());
    }
    for header in &request.headers {
        match &header.value {
            super::plan::HeaderValue::Plain(value) => {
                args.push(format!(
                    "-H {}",
                    quote(&format!("{}: {value}", header.name))
                ));
            }
            super::plan::HeaderValue::Authorization(auth) => {
                args.push(authorization_args(auth, shell, &quote, &var));
            }
        }
    }
    if let Some(body) = &request.body {
        args.push(format!("--data {}", quote(body)));
    }
    args.push(quote(&request.url));
    args.join(" ")
}

fn authorization_args(
    auth: &Authorization,
    shell: Shell,
    quote: &dyn Fn(&str) -> String,
    var: &dyn Fn(&str) -> String,
) -> String {
    match auth {
        Authorization::Bearer { kind, .. } => {
            format!("-H \"Authorization: Bearer {}\"", var(kind.env_var()))
        }
        Authorization::BearerFrom {
            source: TokenSource::OauthTokenStep,
        } => format!(
            "-H \"Authorization: Bearer {}\"",
            var(SecretKind::AccessToken.env_var())
        ),
        Authorization::BearerFrom {
            source: TokenSource::EntraId,
        } => format!("-H \"Authorization: Bearer {}\"", var("DATABRICKS_TOKEN")),
        // `Basic base64(login:password)`, as requests sends it, built in a header rather
        // than with curl's `-u`: after a redirect curl puts `-u`'s login and password
        // into `%{url_effective}`, which the block prints.
        Authorization::Basic { login, kind, .. } => match shell {
            Shell::Bash => format!(
                "-H \"Authorization: Basic $(printf '%s:%s' {} \"{}\" | base64 | tr -d '\\n')\"",
                quote(login),
                var(kind.env_var())
            ),
            // Latin-1 (code page 28591), the encoding requests uses for Basic credentials.
            Shell::PowerShell => format!(
                "-H (\"Authorization: Basic \" + [Convert]::ToBase64String([Text.Encoding]::GetEncoding(28591).GetBytes(('{{0}}:{{1}}' -f {}, {}))))",
                quote(login),
                var(kind.env_var())
            ),
        },
    }
}

/// POSIX single quotes, the same in bash and zsh: everything literal, a quote written
/// as `'\''`. Written out rather than taken from `shlex`, which picks double quotes
/// with backslash escapes for some strings: the page shows these commands, and one
/// predictable form reads better. A NUL cannot be passed in an argument and is dropped.
fn bash_quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "@%+:,./_-".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("'\\''"),
            '\0' => {}
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// What a pasted answer holds: the same fields as a [`RawOutcome`] but the step, which
/// the box it was pasted into knows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PastedAnswer {
    pub transport: Transport,
    pub status: Option<u16>,
    pub headers: AnswerHeaders,
    pub body: AnswerBody,
    pub final_url: Option<String>,
}

impl PastedAnswer {
    pub fn into_outcome(self, step: Step) -> RawOutcome {
        RawOutcome {
            step,
            transport: self.transport,
            status: self.status,
            headers: self.headers,
            body: self.body,
            final_url: self.final_url,
        }
    }
}

/// Why pasted text could not be read as an answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasteProblem {
    #[error("nothing was pasted")]
    Empty,
    #[error("the pasted text has no HTTP status line")]
    NoStatusLine,
    #[error("the pasted text holds no step of the block")]
    NoStepMarker,
}

impl Diagnostic for PasteProblem {
    fn code(&self) -> &'static str {
        match self {
            PasteProblem::Empty => "paste_empty",
            PasteProblem::NoStatusLine => "paste_without_status",
            PasteProblem::NoStepMarker => "paste_without_steps",
        }
    }

    fn severity(&self) -> Severity {
        Severity::Error
    }

    fn message(&self) -> String {
        match self {
            PasteProblem::Empty => "Nothing was pasted.".to_owned(),
            PasteProblem::NoStatusLine => "The pasted text does not start with an HTTP status \
                 line such as `HTTP/2 403`, so the answer cannot be read."
                .to_owned(),
            PasteProblem::NoStepMarker => "The pasted text holds no line such as \
                 `[dbx-check step: spark_versions]`, which the block prints before each \
                 request's answer, so no answer can be matched to its request."
                .to_owned(),
        }
    }

    fn fix(&self) -> String {
        "Copy the block from this page again, run it as it is, and paste everything it \
         printed (the whole block's output, not a single answer)."
            .to_owned()
    }
}

/// Reads what the terminal command printed.
///
/// Hand-parsed: curl's `-D -` output is a line format (status line, `Name: value`
/// lines, blank line) that also carries HTTP/2 answers as `HTTP/2 200`, which HTTP/1
/// parsers such as httparse reject; redirects print one block per hop.
pub fn parse_pasted_answer(text: &str) -> Result<PastedAnswer, PasteProblem> {
    let text = match text.get(..MAX_PASTE_BYTES.min(text.len())) {
        Some(t) => t,
        None => cut_at_char_boundary(text, MAX_PASTE_BYTES),
    };
    let text = text.replace("\r\n", "\n");
    if text.trim().is_empty() {
        return Err(PasteProblem::Empty);
    }
    let curl_error = curl_failure(&text);

    let lines: Vec<&str> = text.split('\n').collect();
    let Some(first_status) = lines.iter().position(|l| status_of(l).is_some()) else {
        return match curl_error {
            Some(transport) => Ok(PastedAnswer {
                transport,
                status: None,
                headers: AnswerHeaders::default(),
                body: AnswerBody::default(),
                final_url: None,
            }),
            None => Err(PasteProblem::NoStatusLine),
        };
    };

    // Walk header blocks; a block followed directly by another status line was a
    // redirect hop or an interim `100 Continue`.
    let mut at = first_status;
    let mut status = None;
    let mut headers = Vec::new();
    while let Some(code) = lines.get(at).and_then(|l| status_of(l)) {
        status = Some(code);
        headers.clear();
        at += 1;
        while let Some(line) = lines.get(at) {
            at += 1;
            if line.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if !name.trim().is_empty() && !name.contains(' ') {
                    headers.push((name.trim().to_owned(), value.trim().to_owned()));
                }
            }
        }
        let next_is_status = lines.get(at).is_some_and(|l| status_of(l).is_some());
        if !next_is_status {
            break;
        }
    }

    let rest: Vec<&str> = lines.get(at..).unwrap_or_default().to_vec();
    let marker_at = rest
        .iter()
        .rposition(|l| l.trim_start().starts_with(FINAL_URL_MARKER));
    let final_url = marker_at
        .and_then(|i| rest.get(i))
        .and_then(|l| l.trim_start().strip_prefix(FINAL_URL_MARKER))
        .map(|u| without_credentials(u.trim()))
        .filter(|u| !u.is_empty());
    let body_lines = match marker_at {
        Some(i) => rest.get(..i).unwrap_or_default(),
        None => &rest[..],
    };
    let mut body = body_lines.join("\n");
    if marker_at.is_none() {
        // Without the marker the shell prompt or a curl error may follow the body.
        if let Some((kept, _)) = body.split_once("\ncurl: (") {
            body = kept.to_owned();
        }
    } else if body.ends_with('\n') {
        body.pop();
    }

    Ok(PastedAnswer {
        transport: curl_error
            .filter(|t| *t == Transport::Timeout)
            .unwrap_or(Transport::Ok),
        status,
        headers: AnswerHeaders(headers),
        body: AnswerBody::from(body),
        final_url,
    })
}

/// The URL without a login and password in it: curl writes `-u`'s there after a
/// redirect, and older blocks used `-u`. The report never shows a secret.
fn without_credentials(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

pub(super) fn cut_at_char_boundary(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or("")
}

/// `HTTP/1.1 200 OK`, `HTTP/2 403`, `HTTP/3 200`: the status code.
fn status_of(line: &str) -> Option<u16> {
    let rest = line.trim().strip_prefix("HTTP/")?;
    let mut parts = rest.split_whitespace();
    let version = parts.next()?;
    if !version.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let code = parts.next()?;
    if code.len() != 3 {
        return None;
    }
    code.parse::<u16>().ok().filter(|c| (100..600).contains(c))
}

/// curl's own error line (`curl: (6) Could not resolve host: ...`), as a transport
/// result. Exit codes from curl's man page (EXIT CODES).
fn curl_failure(text: &str) -> Option<Transport> {
    let at = text.rfind("curl: (")? + "curl: (".len();
    let code: String = text
        .get(at..)?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    match code.parse::<u32>().ok()? {
        28 => Some(Transport::Timeout),
        // 5/6 resolve, 7 connect, 35 TLS handshake, 52 empty reply, 56 receive failure,
        // 60 certificate problem.
        _ => Some(Transport::Unreachable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{diagnose, plan_check, Verdict};
    use crate::secret::Secret;
    use proptest::prelude::*;

    const PAT: &str = "dapi0123456789abcdef0123456789abcdef";
    const HOST: &str = "https://dbc-a1b2345c-d6e7.cloud.databricks.com";

    fn route(method: AuthMethod, login: &str, shell: Shell) -> TerminalRoute {
        terminal_route(&plan_check(HOST, method, login, &Secret::new(PAT)), shell)
    }

    fn all_text(r: &TerminalRoute) -> String {
        r.script()
    }

    #[test]
    fn the_pat_block_is_one_child_shell_that_reads_the_token_then_runs_each_request() {
        let r = route(AuthMethod::Pat, "", Shell::Bash);
        let script = r.script();
        let lines: Vec<&str> = script.lines().collect();
        assert_eq!(lines.first(), Some(&"("));
        assert_eq!(lines.last(), Some(&")"));
        assert_eq!(
            lines[1],
            "printf '%s: ' 'Your personal access token'; read -rs DATABRICKS_TOKEN; echo"
        );
        assert_eq!(
            lines[2],
            "dbx() { printf '\\n[dbx-check step: %s]\\n' \"$1\"; shift; curl -sS -L -D - \
             --max-time 30 -w '\\n[dbx-check final URL] %{url_effective}\\n' \"$@\" 2>&1; }"
        );
        assert_eq!(
            r.commands[0].command,
            "dbx spark_versions -H 'Accept: */*' \
             -H \"Authorization: Bearer $DATABRICKS_TOKEN\" \
             https://dbc-a1b2345c-d6e7.cloud.databricks.com/api/2.1/clusters/spark-versions"
        );
        assert_eq!(lines.len(), 2 + 1 + 3 + 1, "{script}");
        let ps = route(AuthMethod::Pat, "", Shell::PowerShell);
        assert!(ps.commands[0].command.starts_with(
            "dbx spark_versions -H 'Accept: */*' -H \"Authorization: Bearer $DATABRICKS_TOKEN\""
        ));
        assert!(ps.setup[0].starts_with("$DATABRICKS_TOKEN = [Net.NetworkCredential]"));
        let ps_script = ps.script();
        assert!(ps_script.starts_with("& {\n") && ps_script.ends_with("\n}"));
    }

    #[test]
    fn no_command_ever_holds_the_secret() {
        for method in AuthMethod::ALL {
            for shell in [Shell::Bash, Shell::PowerShell] {
                let text = all_text(&route(method, "token", shell));
                assert!(!text.contains(PAT), "{method} {shell:?}: {text}");
                assert!(!text.contains("ZGFwaT"), "{method} {shell:?}");
            }
        }
    }

    #[test]
    fn basic_credentials_are_built_in_a_header_with_the_login_quoted() {
        let r = route(AuthMethod::Basic, "o'brien@example.com", Shell::Bash);
        assert!(
            r.commands[0].command.contains(
                r#"-H "Authorization: Basic $(printf '%s:%s' 'o'\''brien@example.com' "$DATABRICKS_PASSWORD" | base64 | tr -d '\n')""#
            ),
            "{}",
            r.commands[0].command
        );
        // Never curl's -u: after a redirect curl prints its login and password in the
        // final URL.
        assert!(!r.script().contains(" -u "));
        let ps = route(AuthMethod::PatBasic, "token", Shell::PowerShell);
        assert!(ps.commands[0]
            .command
            .contains(r#"GetBytes(('{0}:{1}' -f 'token', $DATABRICKS_TOKEN))"#));
    }

    #[test]
    fn sp_oauth_posts_the_form_and_keeps_the_access_token_off_the_screen() {
        let r = route(AuthMethod::SpOauth, "8c1e4b0a-7d52", Shell::Bash);
        let token = &r.commands[0];
        assert_eq!(token.step, Step::OauthToken);
        assert!(!token.command.contains(" -X POST"), "--data implies POST");
        assert!(token
            .command
            .contains("--data 'grant_type=client_credentials&scope=all-apis'"));
        assert!(token
            .command
            .contains("-H 'Content-Type: application/x-www-form-urlencoded'"));
        assert!(token
            .command
            .contains("printf '%s:%s' 8c1e4b0a-7d52 \"$DATABRICKS_CLIENT_SECRET\""));
        assert!(token.command.starts_with("answer=$(dbx oauth_token "));
        assert_eq!(token.after.len(), 3);
        assert!(token.after[0].starts_with("DATABRICKS_ACCESS_TOKEN=$(printf"));
        assert!(token.after[1].contains(HIDDEN_TOKEN));
        assert!(r.commands[2].after.is_empty());
        assert!(!r.script().contains("read -rs DATABRICKS_ACCESS_TOKEN"));
        assert!(r.commands[1]
            .command
            .contains("\"Authorization: Bearer $DATABRICKS_ACCESS_TOKEN\""));
    }

    #[test]
    fn azure_methods_get_an_entra_token_with_the_azure_cli() {
        let r = route(AuthMethod::AzureSp, "app-id", Shell::Bash);
        let text = all_text(&r);
        assert!(text.contains("az login --service-principal --username app-id"));
        assert!(text.contains("DATABRICKS_TOKEN=\"$(az account get-access-token --resource 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d"));
        assert!(r.commands[0].command.contains("Bearer $DATABRICKS_TOKEN"));
        let mi = all_text(&route(AuthMethod::AzureMi, "", Shell::PowerShell));
        assert!(mi.contains("az login --identity"));
        assert!(mi.contains("$DATABRICKS_TOKEN = az account get-access-token"));
    }

    #[test]
    fn the_airflow_route_uses_the_exact_setting_and_quotes_the_id() {
        let r = airflow_cli_route("databricks_default");
        assert_eq!(
            r.bash,
            "AIRFLOW__CORE__TEST_CONNECTION=Enabled airflow connections test databricks_default"
        );
        assert_eq!(
            r.powershell,
            "$env:AIRFLOW__CORE__TEST_CONNECTION = 'Enabled'; airflow connections test 'databricks_default'"
        );
        assert!(airflow_cli_route("my conn; rm -rf /")
            .bash
            .ends_with("'my conn; rm -rf /'"));
        assert!(airflow_cli_route("").bash.ends_with("databricks_default"));
    }

    #[test]
    fn a_pasted_http2_answer_reads_like_the_browsers() {
        let pasted = "$ curl -sS ...\nHTTP/2 403 \r\ncontent-type: application/json\r\nx-databricks-reason-phrase: Invalid access token.\r\n\r\n{\"error_code\": 403, \"message\": \"Invalid access token.\"}\n[dbx-check final URL] https://dbc-1.cloud.databricks.com/api/2.1/clusters/spark-versions\n$ ";
        let a = parse_pasted_answer(pasted).unwrap();
        assert_eq!(a.status, Some(403));
        assert_eq!(
            a.headers.get("X-Databricks-Reason-Phrase"),
            Some("Invalid access token.")
        );
        assert_eq!(
            a.body.bytes(),
            b"{\"error_code\": 403, \"message\": \"Invalid access token.\"}"
        );
        assert_eq!(
            a.final_url.as_deref(),
            Some("https://dbc-1.cloud.databricks.com/api/2.1/clusters/spark-versions")
        );
        let d = diagnose(&a.into_outcome(Step::SparkVersions));
        assert_eq!(d.verdict, Verdict::InvalidToken);
    }

    #[test]
    fn redirect_hops_are_skipped_to_the_last_answer() {
        let pasted = "HTTP/1.1 302 Found\nLocation: /login.html?error=private-link-validation-error:42\n\nHTTP/1.1 200 OK\nContent-Type: text/html\n\n<html><title>Databricks - Sign In</title></html>\n[dbx-check final URL] https://adb-42.1.azuredatabricks.net/login.html?error=private-link-validation-error:42\n";
        let a = parse_pasted_answer(pasted).unwrap();
        assert_eq!(a.status, Some(200));
        assert_eq!(a.headers.get("location"), None);
        assert_eq!(
            diagnose(&a.into_outcome(Step::SparkVersions)).verdict,
            Verdict::PrivateLink
        );
    }

    #[test]
    fn curl_errors_become_transport_results() {
        let a =
            parse_pasted_answer("curl: (6) Could not resolve host: dbc-x.cloud.databricks.com\n")
                .unwrap();
        assert_eq!(a.transport, Transport::Unreachable);
        assert_eq!(
            diagnose(&a.into_outcome(Step::SparkVersions)).verdict,
            Verdict::Unreachable
        );
        let t = parse_pasted_answer(
            "curl: (28) Operation timed out after 30002 milliseconds with 0 bytes received",
        )
        .unwrap();
        assert_eq!(t.transport, Transport::Timeout);
    }

    #[test]
    fn text_that_is_not_an_answer_is_refused_with_a_fix() {
        assert_eq!(parse_pasted_answer(" \n\t"), Err(PasteProblem::Empty));
        let e = parse_pasted_answer("{\"versions\": []}").unwrap_err();
        assert_eq!(e, PasteProblem::NoStatusLine);
        assert!(e.to_finding().fix.contains("paste everything it printed"));
        assert_eq!(
            parse_pasted_answer("HTTP/1.1 2000 OK"),
            Err(PasteProblem::NoStatusLine)
        );
    }

    #[test]
    fn a_paste_without_the_marker_keeps_the_body_and_drops_a_trailing_curl_error() {
        let a =
            parse_pasted_answer("HTTP/1.1 200 OK\n\n{\"versions\":[]}\ncurl: (56) Recv failure")
                .unwrap();
        assert_eq!(a.body.bytes(), b"{\"versions\":[]}");
        assert_eq!(a.final_url, None);
        assert_eq!(
            diagnose(&a.into_outcome(Step::SparkVersions)).verdict,
            Verdict::Ok
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

        #[test]
        fn parse_pasted_answer_never_panics(
            parts in prop::collection::vec(prop_oneof![
                Just("HTTP/2 200\n".to_owned()),
                Just("HTTP/1.1 302 Found\r\n".to_owned()),
                Just("Location: /x\n".to_owned()),
                Just("\n".to_owned()),
                Just("\r\n".to_owned()),
                Just(format!("{FINAL_URL_MARKER} https://h/\n")),
                Just("curl: (".to_owned()),
                ".{0,30}",
            ], 0..12)
        ) {
            let text = parts.concat();
            if let Ok(answer) = parse_pasted_answer(&text) {
                let _ = diagnose(&answer.into_outcome(Step::SparkVersions));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

        #[test]
        fn commands_quote_any_login_and_host(login in ".{0,20}", host in ".{0,40}") {
            for shell in [Shell::Bash, Shell::PowerShell] {
                let plan = plan_check(&host, AuthMethod::Basic, &login, &Secret::new(PAT));
                let r = terminal_route(&plan, shell);
                prop_assert!(!all_text(&r).contains(PAT));
            }
        }
    }
}
