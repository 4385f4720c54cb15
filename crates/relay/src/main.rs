//! `dbx-check-relay --dist dist --port 8080`: serves the page and relays its check until
//! stopped. Prints `dbx-check relay on http://...` once it accepts connections.

use clap::Parser;
use dbx_check_relay::{Config, Limits, LogSink, ResolveRule};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "dbx-check-relay",
    version,
    about = "Serves the dbx-check page and forwards its live check to Databricks workspaces \
             that refuse browser calls: /relay/<workspace host>/<API path> -> https://<workspace host>/<API path>"
)]
struct Args {
    /// The release build of the page to serve (index.html at /).
    #[arg(long)]
    dist: Option<PathBuf>,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on. Anything but loopback lets other machines use the relay.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Also forward to this host name (repeatable): a custom private-link domain, say.
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_hosts: Vec<String>,
    /// Seconds one request may take from its first byte: head, body, and the workspace's
    /// answer with redirects. Also how long an idle connection stays open.
    #[arg(long, default_value_t = 15)]
    timeout_secs: u64,
    /// Relayed requests in flight at once.
    #[arg(long, default_value_t = 64)]
    max_concurrent: usize,
    /// Test setting: also trust the certificates in this PEM file (e.g. fake-databricks).
    #[arg(long = "extra-root-cert", value_name = "PEM")]
    extra_root_certs: Vec<PathBuf>,
    /// Test setting: connect to a loopback ADDRESS:PORT for HOST or *.ZONE (repeatable).
    #[arg(long, value_name = "HOST=ADDRESS:PORT")]
    resolve: Vec<ResolveRule>,
    /// Do not print the one-line-per-request log.
    #[arg(long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut extra_root_certs = Vec::new();
    for path in &args.extra_root_certs {
        let certs: Result<Vec<CertificateDer<'static>>, _> =
            CertificateDer::pem_file_iter(path).and_then(|certs| certs.collect());
        match certs {
            Ok(certs) if !certs.is_empty() => extra_root_certs.extend(certs),
            _ => {
                eprintln!(
                    "dbx-check-relay: {} holds no PEM certificate",
                    path.display()
                );
                return ExitCode::FAILURE;
            }
        }
    }
    if !extra_root_certs.is_empty() || !args.resolve.is_empty() {
        eprintln!("dbx-check-relay: test settings in use (--extra-root-cert / --resolve)");
    }
    let config = Config {
        dist: args.dist,
        bind: args.bind,
        port: args.port,
        allow_hosts: args.allow_hosts,
        extra_root_certs,
        resolve: args.resolve,
        limits: Limits {
            request_timeout: Duration::from_secs(args.timeout_secs.clamp(1, 120)),
            max_concurrent_relays: args.max_concurrent.clamp(1, 4096),
            ..Limits::default()
        },
        log: if args.quiet {
            LogSink::Off
        } else {
            LogSink::Stdout
        },
    };
    // Two workers: the relay waits on the network, and the machines it runs on are small.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("dbx-check-relay: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let relay = match dbx_check_relay::start(config).await {
            Ok(relay) => relay,
            Err(e) => {
                eprintln!("dbx-check-relay: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("dbx-check relay on {} (Ctrl-C to stop)", relay.url());
        let _ = std::io::stdout().flush();
        let _ = tokio::signal::ctrl_c().await;
        drop(relay);
        ExitCode::SUCCESS
    })
}
