//! `dbx-check`: the core's decisions as a command, one JSON object on stdout.
//! Secrets are read from stdin only, never from arguments (arguments end up in
//! shell history and in `ps`).

use clap::{Parser, Subcommand};
use dbx_check_core::credential::{self, CredentialExtra, CredentialInput};
use dbx_check_core::{AuthMethod, Diagnostic, Secret};
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
    /// Diagnose one answer: JSON `{ step, transport, status, headers, body, final_url }`
    /// on stdin, `{ verdict, title, explanation, fix }` on stdout.
    Diagnose,
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = match cli.command {
        Command::Version => serde_json::json!({ "version": dbx_check_core::VERSION }),
        Command::Diagnose => match diagnose_stdin() {
            Ok(out) => out,
            Err(message) => {
                println!("{}", serde_json::json!({ "error": message }));
                return ExitCode::from(2);
            }
        },
        Command::Host { text } => to_json(&dbx_check_core::analyse_host(&text)),
        Command::Credential {
            method,
            login,
            host,
            azure_tenant_id,
            azure_resource_id,
            azure_managed_identity_client_id,
        } => {
            let secret = match read_secret_from_stdin() {
                Ok(secret) => secret,
                Err(error) => {
                    eprintln!("dbx-check: cannot read the secret from stdin: {error}");
                    return ExitCode::FAILURE;
                }
            };
            let input = CredentialInput {
                method,
                login,
                secret,
                cloud: host.as_deref().and_then(credential::cloud_of_host),
                extra: CredentialExtra {
                    azure_tenant_id,
                    azure_resource_id,
                    azure_managed_identity_client_id,
                    token: None,
                },
                now_unix: now_unix(),
            };
            let analysis = credential::analyse_credential(&input);
            let mut findings = analysis.findings;
            if let Some(problem) = host.as_deref().and_then(credential::secret_in_host_field) {
                findings.insert(0, problem.to_finding());
            }
            serde_json::json!({
                "method": analysis.method,
                "findings": findings,
                "claims": analysis.claims,
            })
        }
    };
    println!("{out}");
    ExitCode::SUCCESS
}

/// `dbx-check diagnose`: the answer arrives on stdin because it may hold a token.
fn diagnose_stdin() -> Result<serde_json::Value, String> {
    use std::io::Read;
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| format!("could not read stdin: {e}"))?;
    let outcome: dbx_check_core::RawOutcome = serde_json::from_str(&input).map_err(|e| {
        format!(
            "stdin is not a diagnose request ({e}); expected JSON \
             {{ \"step\", \"transport\", \"status\", \"headers\", \"body\", \"final_url\" }}"
        )
    })?;
    serde_json::to_value(dbx_check_core::diagnose(&outcome)).map_err(|e| e.to_string())
}

fn to_json(value: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }))
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
        text.truncate(line.len());
    }
    Ok(Secret::new(text))
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
