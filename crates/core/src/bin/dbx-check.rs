//! `dbx-check`: the core's decisions as a command, one JSON object on stdout.
//! Secrets are read from stdin only, never from arguments (arguments end up in
//! shell history and in `ps`). Bad input prints `{"error": ...}` and exits with 2;
//! no error message quotes stdin, which may hold a secret.

// As in the library: no slicing or indexing that could panic on any input.
#![cfg_attr(not(test), deny(clippy::string_slice, clippy::indexing_slicing))]

use clap::{Parser, Subcommand};
use dbx_check_core::credential::{self, CredentialExtra, CredentialInput};
use dbx_check_core::{AuthMethod, Diagnostic, Secret};
use serde_json::Value;
use std::io::{IsTerminal, Read};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "dbx-check",
    version = dbx_check_core::VERSION,
    about = "Check a Databricks workspace URL and credential for Apache Airflow, and print the answer as JSON"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the version of the analysis rules as JSON.
    Version,
    /// Analyse a workspace URL (anything pasted: URL, JDBC string, KEY=value line...).
    Host {
        /// The text as pasted; quote it for the shell.
        #[arg(allow_hyphen_values = true)]
        text: String,
    },
    /// Check a credential for a sign-in method. The secret (the connection's Password) is
    /// read from stdin, never from an argument; one trailing newline, as `echo` adds, is
    /// dropped.
    Credential {
        /// pat | pat_basic | sp_oauth | azure_sp | azure_mi | azure_default | basic
        #[arg(long)]
        method: AuthMethod,
        /// The connection's Login (a client ID, `token`, or a user name).
        #[arg(long, default_value = "")]
        login: String,
        /// The workspace URL: tells the cloud, and is checked for a pasted secret.
        #[arg(long)]
        host: Option<String>,
        /// Extra `azure_tenant_id`.
        #[arg(long)]
        azure_tenant_id: Option<String>,
        /// Extra `azure_resource_id`.
        #[arg(long)]
        azure_resource_id: Option<String>,
        /// Extra `azure_managed_identity_client_id`.
        #[arg(long)]
        azure_managed_identity_client_id: Option<String>,
    },
    /// Read a connection request as JSON on stdin ({"conn_id", "host", "method", "login",
    /// "secret", "extra", "airflow"}) and print its Airflow values in every form.
    Airflow,
    /// Read an existing Airflow connection pasted on stdin (a URI, an AIRFLOW_CONN_ line,
    /// connection JSON, `airflow connections export` or `get` output, airflow_settings.yaml,
    /// an `airflow connections add` command) as Airflow reads it.
    Import {
        /// The conn id to pick when the text holds several connections.
        #[arg(long)]
        conn_id: Option<String>,
    },
    /// Diagnose one answer: JSON `{ step, transport, status, headers, body, final_url }`
    /// on stdin, `{ verdict, title, explanation, fix }` on stdout.
    Diagnose,
}

fn main() -> ExitCode {
    let out = match Cli::parse().command {
        Command::Version => Ok(serde_json::json!({ "version": dbx_check_core::VERSION })),
        Command::Host { text } => to_json(&dbx_check_core::analyse_host(&text)),
        Command::Credential {
            method,
            login,
            host,
            azure_tenant_id,
            azure_resource_id,
            azure_managed_identity_client_id,
        } => credential(
            CredentialInput {
                method,
                login,
                secret: Secret::default(),
                cloud: host.as_deref().and_then(credential::cloud_of_host),
                extra: CredentialExtra {
                    azure_tenant_id,
                    azure_resource_id,
                    azure_managed_identity_client_id,
                    token: None,
                },
                now_unix: now_unix(),
            },
            host.as_deref(),
        ),
        Command::Airflow => airflow(),
        Command::Import { conn_id } => read_stdin().and_then(|text| {
            to_json(&dbx_check_core::import::import_connection(
                &text,
                conn_id.as_deref(),
            ))
        }),
        Command::Diagnose => diagnose(),
    };
    match out {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            println!("{}", serde_json::json!({ "error": message }));
            ExitCode::from(2)
        }
    }
}

fn credential(mut input: CredentialInput, host: Option<&str>) -> Result<Value, String> {
    input.secret = read_secret_from_stdin()
        .map_err(|e| format!("cannot read the secret from stdin: {}", e.kind()))?;
    let analysis = credential::analyse_credential(&input);
    let mut findings = analysis.findings;
    if let Some(problem) = host.and_then(credential::secret_in_url_field) {
        findings.insert(0, problem.to_finding());
    }
    Ok(serde_json::json!({
        "method": analysis.method,
        "findings": findings,
        "claims": analysis.claims,
    }))
}

fn airflow() -> Result<Value, String> {
    let text = read_stdin()?;
    let request: dbx_check_core::ConnectionRequest = serde_json::from_str(&text).map_err(|e| {
        request_error(
            &e,
            "conn_id, host, method, login, secret, extra, airflow",
            "conn_id, host, login and secret are strings, method is one of pat, pat_basic, \
             sp_oauth, azure_sp, azure_mi, azure_default, basic, extra is an object, airflow is 2 or 3",
        )
    })?;
    to_json(&dbx_check_core::airflow_values_with_stores(&request))
}

fn diagnose() -> Result<Value, String> {
    let text = read_stdin()?;
    let outcome: dbx_check_core::RawOutcome = serde_json::from_str(&text).map_err(|e| {
        request_error(
            &e,
            "step, transport, status, headers, body, final_url",
            "step is one of spark_versions, current_user, oauth_token, warehouses; transport is \
             ok, blocked, unreachable or timeout; status is a number or null; headers an object \
             or a list of pairs; body a string, null or a list of bytes; final_url a string or null",
        )
    })?;
    to_json(&dbx_check_core::diagnose(&outcome))
}

fn to_json(value: &impl serde::Serialize) -> Result<Value, String> {
    serde_json::to_value(value).map_err(|e| e.to_string())
}

/// Reads stdin whole; the message never quotes the input, which holds the secret.
fn read_stdin() -> Result<String, String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read stdin as UTF-8 text: {}", e.kind()))?;
    Ok(text)
}

/// serde's own message can quote a value (a secret): say where and what kind instead.
/// Unknown and missing keys are named, since keys are not secret.
fn request_error(e: &serde_json::Error, keys: &str, types: &str) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io | Category::Eof => "the JSON ends too early".to_owned(),
        Category::Syntax => "this is not valid JSON".to_owned(),
        Category::Data => {
            let text = e.to_string();
            if let Some(rest) = text.strip_prefix("unknown field `") {
                let key = rest.split('`').next().unwrap_or_default();
                return format!("unknown key {key:?}: use {keys}");
            }
            if let Some(rest) = text.strip_prefix("missing field `") {
                let key = rest.split('`').next().unwrap_or_default();
                return format!("the key {key:?} is missing: the keys are {keys}");
            }
            format!("a value has the wrong type: {types}")
        }
    };
    format!("{what} (line {}, column {})", e.line(), e.column())
}

/// The secret from stdin. `echo "$TOKEN" | dbx-check credential ...` adds a newline the
/// page never sees, so exactly one trailing `\n` (or `\r\n`) is dropped; anything more
/// (a second newline, spaces) stays and is reported like on the page. At a terminal, one
/// line is read after a prompt on stderr, so the secret never lands in shell history.
fn read_secret_from_stdin() -> std::io::Result<Secret> {
    let stdin = std::io::stdin();
    let mut text = String::new();
    if stdin.is_terminal() {
        eprint!("Paste the secret (the connection's Password), then press Enter: ");
        stdin.read_line(&mut text)?;
    } else {
        let mut bytes = Vec::new();
        stdin.lock().read_to_end(&mut bytes)?;
        // Invalid UTF-8 becomes U+FFFD, which the analysis reports as a non-ASCII character.
        text = String::from_utf8_lossy(&bytes).into_owned();
    }
    if let Some(line) = text.strip_suffix('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        text = line.to_owned();
    }
    Ok(Secret::new(text))
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
