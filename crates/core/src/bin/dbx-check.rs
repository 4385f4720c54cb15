//! `dbx-check`: the core's decisions as a command, one JSON object on stdout.
//! Secrets are read from stdin only, never from arguments (arguments end up in
//! shell history and in `ps`).

use clap::{Parser, Subcommand};
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
