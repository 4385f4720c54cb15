//! Runs the built `dbx-check` as scripts do: arguments, then stdin, then stdout.
// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `dbx-check ARGS` with `stdin` written to it, and waits for it to finish.
pub fn dbx_check(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dbx-check"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the built dbx-check starts");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("stdin is written");
    child.wait_with_output().expect("dbx-check finishes")
}

/// The exit code and the one JSON object on stdout.
pub fn code_and_json(output: &Output) -> (i32, serde_json::Value) {
    let json = serde_json::from_slice(&output.stdout).expect("stdout is one JSON object");
    (output.status.code().unwrap_or(-1), json)
}
