//! `dbx-check`: the core's decisions as a command, one JSON object on stdout.
//! Secrets are read from stdin only, never from arguments (arguments end up in
//! shell history and in `ps`).

use clap::{Parser, Subcommand};
use std::io::Read;
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
    /// Read a connection request as JSON on stdin ({"conn_id", "host", "method", "login",
    /// "secret", "extra", "airflow"}) and print its Airflow values in every form.
    Airflow,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = match cli.command {
        Command::Version => Ok(serde_json::json!({ "version": dbx_check_core::VERSION })),
        Command::Airflow => airflow(),
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

/// Reads stdin whole; the message never quotes the input, which holds the secret.
fn read_stdin() -> Result<String, String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read stdin as UTF-8 text: {}", e.kind()))?;
    Ok(text)
}

fn airflow() -> Result<serde_json::Value, String> {
    let text = read_stdin()?;
    let request: dbx_check_core::ConnectionRequest =
        serde_json::from_str(&text).map_err(|e| request_error(&e))?;
    serde_json::to_value(dbx_check_core::airflow_values(&request)).map_err(|e| e.to_string())
}

/// serde's own message can quote a value (the secret): say where and what kind instead.
/// Unknown keys are named, since keys are not secret.
fn request_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io | Category::Eof => "the JSON ends too early",
        Category::Syntax => "this is not valid JSON",
        Category::Data => {
            let text = e.to_string();
            if let Some(rest) = text.strip_prefix("unknown field `") {
                let key = rest.split('`').next().unwrap_or_default();
                return format!(
                    "unknown key {key:?}: use conn_id, host, method, login, secret, extra, airflow"
                );
            }
            if text.starts_with("missing field `method`") {
                return "the key \"method\" is missing: use one of pat, pat_basic, sp_oauth, azure_sp, azure_mi, azure_default, basic".into();
            }
            "a value has the wrong type: conn_id, host, login and secret are strings, method is one of pat, pat_basic, sp_oauth, azure_sp, azure_mi, azure_default, basic, extra is an object, airflow is 2 or 3"
        }
    };
    format!("{what} (line {}, column {})", e.line(), e.column())
}
