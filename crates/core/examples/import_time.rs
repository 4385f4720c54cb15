//! Prints how long `import_connection` takes on a 1 MB paste (many `AIRFLOW_CONN_` lines)
//! and on a 1 MB URI. `cargo run --release -p dbx-check-core --example import_time`

use dbx_check_core::import::import_connection;
use std::time::Instant;

fn main() {
    let mut env = String::new();
    let mut k = 0;
    while env.len() < 1 << 20 {
        env.push_str(&format!(
            "export AIRFLOW_CONN_X_{k}='databricks://https://:dapi%23@adb-1.2.azuredatabricks.net/?__extra__=%7B%22a%22%3A1%7D'\n"
        ));
        k += 1;
    }
    let uri = format!("databricks://:{}@h", "a".repeat(1 << 20));
    let yaml = format!(
        "airflow:\n  connections:\n{}",
        "    - conn_id: a\n      conn_type: databricks\n      conn_host: https://h\n"
            .repeat(12_000)
    );
    for (name, text) in [
        ("1 MB of AIRFLOW_CONN_ lines", &env),
        ("1 MB URI", &uri),
        ("1 MB airflow_settings.yaml", &yaml),
    ] {
        let start = Instant::now();
        let import = import_connection(text, None);
        println!(
            "{name} ({} bytes): {:?}, decoded: {}",
            text.len(),
            start.elapsed(),
            import.connection.is_some()
        );
    }
}
