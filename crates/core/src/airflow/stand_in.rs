//! Test support: runs a generated command in a real shell with argument-echo stand-ins
//! for the tools it calls (`airflow`, `aws`, `gcloud`, `az`, `vault`, `kubectl`, `helm`),
//! and returns what each would have received: its argv and, where it reads it, its stdin.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

pub const TOOLS: [&str; 7] = ["airflow", "aws", "gcloud", "az", "vault", "kubectl", "helm"];

/// One call of a stand-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub tool: String,
    pub argv: Vec<String>,
    pub stdin: Option<String>,
}

/// Records its argv, and its stdin when an argument says the tool reads it; a
/// `describe` call fails, as it does for a secret that does not exist yet.
const STAND_IN: &str = r#"#!/bin/sh
rec="$STANDIN_DIR/calls"
n=1
while ! mkdir "$rec/$n" 2>/dev/null; do n=$((n + 1)); done
printf '%s' "$(basename "$0")" > "$rec/$n/tool"
for a in "$@"; do printf '%s\0' "$a"; done > "$rec/$n/argv"
for a in "$@"; do
  case "$a" in -|*/dev/stdin|*=/dev/stdin|--data-file=-|password=-) cat > "$rec/$n/stdin"; break ;; esac
done
case "$*" in *describe*) exit 1 ;; esac
exit 0
"#;

static RUNS: AtomicUsize = AtomicUsize::new(0);

pub struct Outcome {
    pub calls: Vec<Call>,
    pub status: i32,
    pub stderr: String,
}

/// Runs `script` with `shell -c`, `input` on stdin (a regular file, as a terminal's
/// typed lines would arrive).
pub fn run(shell: &str, script: &str, input: &str) -> Outcome {
    let dir = std::env::temp_dir().join(format!(
        "dbx-check-stand-in-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::Relaxed)
    ));
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(dir.join("calls")).unwrap();
    let stand_in = bin.join("stand-in");
    std::fs::write(&stand_in, STAND_IN).unwrap();
    make_executable(&stand_in);
    for tool in TOOLS {
        std::os::unix::fs::symlink(&stand_in, bin.join(tool)).unwrap();
    }
    let input_file = dir.join("input");
    std::fs::File::create(&input_file)
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new(shell)
        .arg("-c")
        .arg(script)
        .env("PATH", path)
        .env("STANDIN_DIR", &dir)
        .stdin(Stdio::from(std::fs::File::open(&input_file).unwrap()))
        .output()
        .unwrap();
    let calls = read_calls(&dir.join("calls"));
    let _ = std::fs::remove_dir_all(&dir);
    Outcome {
        calls,
        status: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn read_calls(dir: &Path) -> Vec<Call> {
    let mut numbered: Vec<(usize, PathBuf)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            Some((e.file_name().to_str()?.parse().ok()?, e.path()))
        })
        .collect();
    numbered.sort();
    numbered
        .into_iter()
        .map(|(_, p)| {
            let argv = std::fs::read(p.join("argv")).unwrap_or_default();
            let mut words: Vec<String> = argv
                .split(|b| *b == 0)
                .map(|w| String::from_utf8(w.to_vec()).unwrap())
                .collect();
            words.pop();
            Call {
                tool: std::fs::read_to_string(p.join("tool")).unwrap(),
                argv: words,
                stdin: std::fs::read_to_string(p.join("stdin")).ok(),
            }
        })
        .collect()
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut perms = std::fs::metadata(path).unwrap().permissions();
    perms.set_mode(0o755);
    std::fs::set_permissions(path, perms).unwrap();
}

/// True when `shell` runs here.
pub fn available(shell: &str) -> bool {
    Command::new(shell)
        .arg("-c")
        .arg("true")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
