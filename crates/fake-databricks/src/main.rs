//! `fake-databricks --port 8443 [--http-port P] [--log FILE]`: serves until stopped and
//! prints `listening on ...` once it accepts connections, so scripts can wait for it.

use clap::Parser;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "fake-databricks",
    about = "A TLS server on 127.0.0.1 that answers like Databricks workspaces, the scenario \
             chosen by the first label of the host name (ok-, badtoken-, ipacl-, ...)"
)]
struct Args {
    /// HTTPS port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8443)]
    port: u16,
    /// Also serve plain HTTP on this port.
    #[arg(long)]
    http_port: Option<u16>,
    /// Append every request (secrets redacted) to this file as JSON lines.
    #[arg(long)]
    log: Option<PathBuf>,
    /// Milliseconds a `slow-` host waits before answering (at most 60000).
    #[arg(long, default_value_t = 12_000)]
    slow_ms: u64,
    /// Write the certificate authority that signs its certificates (PEM) to this file.
    #[arg(long)]
    cert_out: Option<PathBuf>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = fake_databricks::Config {
        https_port: args.port,
        http_port: args.http_port,
        log_file: args.log,
        slow_delay: Duration::from_millis(args.slow_ms),
    };
    let server = match fake_databricks::start(config).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("fake-databricks: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = args.cert_out {
        if let Err(e) = std::fs::write(&path, &server.certificate_pem) {
            eprintln!("fake-databricks: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    println!("listening on https://{}", server.https_addr);
    if let Some(addr) = server.http_addr {
        println!("listening on http://{addr}");
    }
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    drop(server);
    ExitCode::SUCCESS
}
