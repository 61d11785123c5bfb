//! Helpers shared by the end-to-end tests in `tests/tests/`: where the workspace and the shared
//! corpus are, how to get the `airtight` binary, and how to run it.
//!
//! The end-to-end tests run the real binary as a subprocess, so that exit codes, stdout/stderr
//! separation and crashes (a stack overflow aborts the process) are observed exactly as a user
//! would see them. Cargo only tells the integration tests of the package that defines a binary
//! where it is (`CARGO_BIN_EXE_<name>`), and this crate is a different package, so
//! [`airtight`] finds the binary itself:
//!
//! 1. if `AIRTIGHT_BIN` is set, that file is used as is;
//! 2. otherwise it runs `cargo build -p airtight-analyzer --bin airtight` once per test process,
//!    with the same profile as the running test, and takes the executable's path from cargo's
//!    JSON messages. Cargo has released its build lock by the time tests run, and the build is a
//!    no-op when the binary is up to date, so this costs a fraction of a second.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The workspace root (the folder holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .map_or_else(|| here.to_path_buf(), Path::to_path_buf)
}

/// The shared policy corpus beside the checkout (`../shared/corpus`), if present.
pub fn shared_corpus() -> Option<PathBuf> {
    let dir = workspace_root().join("../shared/corpus");
    dir.is_dir().then_some(dir)
}

/// The path of the `airtight` binary, built on first use (see the module docs).
///
/// # Panics
/// When the binary cannot be built or found; every end-to-end test needs it.
pub fn airtight() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| match std::env::var_os("AIRTIGHT_BIN") {
        Some(path) => PathBuf::from(path),
        None => build_binary().unwrap_or_else(|e| panic!("cannot build the airtight binary: {e}")),
    })
}

/// Runs `airtight` with `args` in `dir`.
///
/// # Panics
/// When the process cannot be started.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(airtight())
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", airtight().display()))
}

/// A finished run, for messages: exit status, stdout and stderr.
pub fn describe(output: &Output) -> String {
    format!(
        "status: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The cargo profile the running test was built with, from its path
/// (`target/<profile dir>/deps/<test>`).
fn profile_args() -> Vec<String> {
    let exe = std::env::current_exe().ok();
    let dir = exe
        .as_deref()
        .and_then(Path::parent)
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .unwrap_or("debug");
    match dir {
        "debug" => Vec::new(),
        "release" => vec!["--release".into()],
        other => vec!["--profile".into(), other.into()],
    }
}

fn build_binary() -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "-p",
            "airtight-analyzer",
            "--bin",
            "airtight",
            "--message-format=json-render-diagnostics",
        ])
        .args(profile_args())
        .current_dir(workspace_root())
        .output()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo build failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "airtight")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo did not report the `airtight` executable".to_string())
}
