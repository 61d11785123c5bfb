//! Hostile files and repositories: what a pull request, a repository's own configuration or the
//! user's git configuration can do to `airtight diff` and to every command that reads files.
//!
//! - revisions that look like git options (`--git=--output=FILE`) are refused before git runs;
//! - no command configured by the repository, the user's configuration or the environment runs
//!   (`filter.*.clean`, `core.fsmonitor`, `diff.external`, `GIT_EXTERNAL_DIFF`, pagers);
//! - symlinks out of the compared tree (or, for a file named on the command line, out of the
//!   current directory), FIFOs, devices, directories named `*.json` where a file is expected,
//!   symlink loops, binary and oversized files are errors naming the file, never read (no secret
//!   they point at reaches stdout or stderr) and never hang;
//! - the user's git configuration (`diff.relative`, `color.ui`, …) does not change which files
//!   are compared;
//! - a pathspec that matches nothing is an error, not "no policy changed";
//! - hostile templates (alias bombs, circular names and conditions, chains of references that
//!   double a text at each step, deep nesting, several documents, unknown tags) are errors or
//!   placeholders, in bounded time and memory, never a panic.
//!
//! Every run has a timeout, so that a regression (a FIFO opened for reading) fails the test
//! instead of hanging CI, and runs that meet `/dev/zero` have an address-space limit.
#![cfg(unix)]

use std::io::Read;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use airtight_tests::airtight;

/// How long one run of the binary may take before it is killed and the test fails.
const TIMEOUT: Duration = Duration::from_secs(60);

/// A string that must never be printed: it is only in a file outside the compared tree or in
/// the environment of the process under test.
const SECRET: &str = "airtight-hostile-secret-3f9c1e";

const NARROW: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Invoke","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:app-*"}]}"#;
const WIDE: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Invoke","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:*"}]}"#;
const REQUEST: &str = r#"{"principal": "arn:aws:iam::123456789012:role/app", "action": "lambda:InvokeFunction", "resource": "arn:aws:lambda:us-east-1:123456789012:function:app-1"}"#;

/// A finished (or killed) run.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    timed_out: bool,
}

impl Run {
    fn log(&self) -> String {
        format!(
            "exit: {:?}{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code,
            if self.timed_out {
                " (killed: timeout)"
            } else {
                ""
            },
            self.stdout,
            self.stderr
        )
    }

    /// Neither stream holds the secret.
    #[track_caller]
    fn assert_no_secret(&self) {
        assert!(
            !self.stdout.contains(SECRET) && !self.stderr.contains(SECRET),
            "the secret was printed:\n{}",
            self.log()
        );
    }

    /// Exit code 2, promptly, with an error that mentions every word of `names` (on stderr, or
    /// on stdout for `lint`, whose findings are its report).
    #[track_caller]
    fn assert_bad_input(&self, names: &[&str]) {
        assert!(!self.timed_out, "timed out:\n{}", self.log());
        assert_eq!(self.code, Some(2), "{}", self.log());
        for name in names {
            assert!(
                self.stderr.contains(name) || self.stdout.contains(name),
                "`{name}` not named:\n{}",
                self.log()
            );
        }
    }
}

/// Runs `airtight` with `args` in `dir`, with extra environment variables, killing it after
/// [`TIMEOUT`]. The secret is always in its environment.
fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(airtight());
    command.args(args);
    spawn(command, dir, env)
}

/// Runs `airtight` under a 4 GiB address-space limit (`ulimit -v`), so that a regression that
/// reads `/dev/zero` fails by running out of memory instead of exhausting the machine.
fn run_limited(dir: &Path, args: &[&str]) -> Run {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("ulimit -v 4194304 && exec \"$0\" \"$@\"")
        .arg(airtight())
        .args(args);
    spawn(command, dir, &[])
}

fn spawn(mut command: Command, dir: &Path, env: &[(&str, &str)]) -> Run {
    command
        .current_dir(dir)
        .env("AIRTIGHT_TEST_SECRET", SECRET)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", airtight().display()));
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() > TIMEOUT => {
                timed_out = true;
                let _ = child.kill();
                break child.wait().ok();
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("cannot wait for airtight: {e}"),
        }
    };
    Run {
        code: status.and_then(|s| s.code()),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        timed_out,
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    run_env(dir, args, &[])
}

/// A fresh folder for one test, under cargo's temporary directory for tests.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile_inputs")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir {parent:?}: {e}"));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

fn link(target: impl AsRef<Path>, at: &Path) {
    if let Some(parent) = at.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir {parent:?}: {e}"));
    }
    symlink(target.as_ref(), at).unwrap_or_else(|e| panic!("cannot link {}: {e}", at.display()));
}

fn mkfifo(at: &Path) {
    let ok = Command::new("mkfifo")
        .arg(at)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "mkfifo {} failed", at.display());
}

/// Runs the test's own git (never the repository's hostile configuration: that is set last).
fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=airtight",
            "-c",
            "user.email=airtight@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.hooksPath=/dev/null",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output();
    match output {
        Ok(o) if o.status.success() => {}
        Ok(o) => panic!("git {args:?}: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => panic!("cannot run git: {e}"),
    }
}

/// A repository whose last commit widens `policies/invoke.json` (new access), with an
/// unchanged `policies/other.json`.
fn repo(test: &str) -> PathBuf {
    let dir = scratch(test);
    git(&dir, &["init", "-q"]);
    write(&dir.join("policies/invoke.json"), NARROW);
    write(&dir.join("policies/other.json"), NARROW);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    write(&dir.join("policies/invoke.json"), WIDE);
    git(&dir, &["commit", "-q", "-am", "widen"]);
    dir
}

/// An executable script that creates `marker` when run (and then behaves like `cat`).
fn marker_script(dir: &Path, name: &str, marker: &Path) -> PathBuf {
    let path = dir.join(name);
    write(
        &path,
        &format!("#!/bin/sh\ntouch '{}'\ncat\n", marker.display()),
    );
    let ok = Command::new("chmod")
        .arg("+x")
        .arg(&path)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "chmod failed");
    path
}

// 1. Revisions read as git options.

#[test]
fn revisions_that_look_like_options_are_refused() {
    let dir = repo("revisions_that_look_like_options");
    write(&dir.join("FILE"), "precious\n");
    let r = run(&dir, &["diff", "--git=--output=FILE"]);
    r.assert_bad_input(&["--output=FILE"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("FILE")).ok().as_deref(),
        Some("precious\n"),
        "FILE was overwritten:\n{}",
        r.log()
    );
    let r = run(&dir, &["diff", "--git", "HEAD~1..--output=FILE2"]);
    r.assert_bad_input(&["--output=FILE2"]);
    assert!(
        !dir.join("FILE2").exists(),
        "FILE2 was created:\n{}",
        r.log()
    );
    let r = run(&dir, &["diff", "--git=--ext-diff"]);
    r.assert_bad_input(&["--ext-diff"]);
    let r = run(&dir, &["diff", "--git=--output=FILE..HEAD"]);
    r.assert_bad_input(&["--output=FILE"]);
    // Not a commit, and no commit at all: bad input too.
    run(&dir, &["diff", "--git", "HEAD:policies..HEAD"]).assert_bad_input(&["HEAD:policies"]);
    run(&dir, &["diff", "--git", "nope"]).assert_bad_input(&["nope"]);
    // The real range still works.
    let r = run(&dir, &["diff", "--git", "HEAD~1..HEAD"]);
    assert_eq!(r.code, Some(1), "{}", r.log());
}

// 2. Commands configured by the repository or the environment.

#[test]
fn no_command_of_the_repository_or_the_environment_runs() {
    let dir = repo("no_command_runs");
    let marks = scratch("no_command_runs_marks");
    let marker = |name: &str| marks.join(name);
    let clean = marker_script(&marks, "clean.sh", &marker("clean"));
    let smudge = marker_script(&marks, "smudge.sh", &marker("smudge"));
    let process = marker_script(&marks, "process.sh", &marker("process"));
    let fsmonitor = marker_script(&marks, "fsmonitor.sh", &marker("fsmonitor"));
    let external = marker_script(&marks, "external.sh", &marker("external"));
    let textconv = marker_script(&marks, "textconv.sh", &marker("textconv"));
    let pager = marker_script(&marks, "pager.sh", &marker("pager"));
    let env_external = marker_script(&marks, "env-external.sh", &marker("env-external"));
    let env_pager = marker_script(&marks, "env-pager.sh", &marker("env-pager"));
    write(&dir.join(".gitattributes"), "*.json filter=x diff=x\n");
    git(&dir, &["add", ".gitattributes"]);
    git(&dir, &["commit", "-q", "-m", "attributes"]);
    // The repository's configuration, written last so that the test's own git never runs it.
    let config = |key: &str, value: &Path| {
        git(&dir, &["config", key, &value.display().to_string()]);
    };
    config("filter.x.clean", &clean);
    config("filter.x.smudge", &smudge);
    config("filter.x.process", &process);
    git(&dir, &["config", "filter.x.required", "true"]);
    config("core.fsmonitor", &fsmonitor);
    config("diff.external", &external);
    config("diff.x.textconv", &textconv);
    config("diff.x.command", &external);
    config("core.pager", &pager);
    // A changed policy and a touched (same content, new timestamp) one in the working tree.
    write(&dir.join("policies/invoke.json"), &format!("{WIDE}\n"));
    std::thread::sleep(Duration::from_millis(1100));
    write(&dir.join("policies/other.json"), NARROW);
    let env_external = env_external.display().to_string();
    let env_pager = env_pager.display().to_string();
    let env = [
        ("GIT_EXTERNAL_DIFF", env_external.as_str()),
        ("GIT_PAGER", env_pager.as_str()),
        ("PAGER", env_pager.as_str()),
    ];
    for args in [
        &["diff", "--git", "HEAD~2"][..],
        &["diff", "--git", "HEAD~2", "policies"],
        &["diff", "--git", "HEAD~2..HEAD"],
        &["diff", "--git", "HEAD"],
    ] {
        let r = run_env(&dir, args, &env);
        assert!(!r.timed_out, "{}", r.log());
        assert!(matches!(r.code, Some(0 | 1)), "{args:?}: {}", r.log());
        let ran: Vec<String> = std::fs::read_dir(&marks)
            .map(|it| {
                it.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| !n.ends_with(".sh"))
                    .collect()
            })
            .unwrap_or_default();
        assert!(ran.is_empty(), "{args:?} ran {ran:?}:\n{}", r.log());
    }
    // The comparison itself is right: the working tree widens the first commit's policy.
    let r = run_env(&dir, &["diff", "--git", "HEAD~2"], &env);
    assert_eq!(r.code, Some(1), "{}", r.log());
    assert!(
        r.stdout.contains("policies/invoke.json: grants new access"),
        "{}",
        r.log()
    );
}

// 3. Symlinks and special files.

/// `new/` is the compared tree; `outside/secret.json` is next to it, holding the secret.
fn trees(test: &str) -> PathBuf {
    let dir = scratch(test);
    write(&dir.join("old/p.json"), NARROW);
    write(&dir.join("new/p.json"), NARROW);
    write(
        &dir.join("outside/secret.json"),
        &format!("{{\"Version\": \"2012-10-17\", \"Statement\": [ {SECRET}\n"),
    );
    dir
}

#[test]
fn symlinks_out_of_a_compared_directory_are_not_followed() {
    let dir = trees("symlinks_out_of_a_compared_directory");
    link("/proc/self/environ", &dir.join("new/env.json"));
    link(dir.join("outside/secret.json"), &dir.join("new/abs.json"));
    link("../../outside/secret.json", &dir.join("new/sub/rel.json"));
    link("/etc/passwd", &dir.join("new/passwd.json"));
    // A directory outside the tree is not walked either.
    link("../outside", &dir.join("new/elsewhere"));
    let r = run(&dir, &["diff", "old", "new"]);
    r.assert_no_secret();
    r.assert_bad_input(&[
        "new/env.json",
        "new/abs.json",
        "new/sub/rel.json",
        "new/passwd.json",
        "new/elsewhere",
    ]);
    assert!(!r.stderr.contains("root:"), "{}", r.log());
    let r = run(&dir, &["diff", "old", "new", "--format", "json"]);
    r.assert_no_secret();
    assert_eq!(r.code, Some(2), "{}", r.log());
}

#[test]
fn symlinks_inside_a_compared_directory_are_followed() {
    let dir = trees("symlinks_inside_a_compared_directory");
    write(&dir.join("new/real/q.json"), WIDE);
    write(&dir.join("old/q.json"), NARROW);
    link("real/q.json", &dir.join("new/q.json"));
    link("real", &dir.join("new/also"));
    write(&dir.join("old/also/q.json"), WIDE);
    let r = run(&dir, &["diff", "old", "new", "--format", "json"]);
    assert_eq!(r.code, Some(1), "{}", r.log());
    let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    let verdict = |path: &str| {
        out["files"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["path"] == path))
            .map(|f| f["verdict"].clone())
    };
    assert_eq!(
        verdict("new/q.json"),
        Some("new_access".into()),
        "{}",
        r.log()
    );
    assert_eq!(
        verdict("new/also/q.json"),
        Some("equivalent".into()),
        "{}",
        r.log()
    );
}

#[test]
fn special_files_in_a_compared_directory_are_errors_and_never_hang() {
    let dir = trees("special_files_in_a_compared_directory");
    mkfifo(&dir.join("new/fifo.json"));
    link("/dev/zero", &dir.join("new/zero.json"));
    link("loop.json", &dir.join("new/loop.json"));
    link("b.json", &dir.join("new/a.json"));
    link("a.json", &dir.join("new/b.json"));
    link("..", &dir.join("new/sub/up"));
    link("nowhere.json", &dir.join("new/dangling.json"));
    let mut binary = NARROW.as_bytes().to_vec();
    binary.insert(10, 0);
    std::fs::write(dir.join("new/binary.json"), binary).ok();
    let r = run_limited(&dir, &["diff", "old", "new"]);
    r.assert_no_secret();
    r.assert_bad_input(&[
        "new/fifo.json",
        "new/zero.json",
        "new/loop.json",
        "new/a.json",
        "new/sub/up",
        "new/dangling.json",
        "new/binary.json",
    ]);
}

#[test]
fn a_directory_named_json_is_walked_in_a_comparison() {
    let dir = trees("a_directory_named_json_is_walked");
    write(&dir.join("old/d.json/p.json"), NARROW);
    write(&dir.join("new/d.json/p.json"), WIDE);
    let r = run(&dir, &["diff", "old", "new"]);
    assert_eq!(r.code, Some(1), "{}", r.log());
    assert!(
        r.stdout.contains("new/d.json/p.json: grants new access"),
        "{}",
        r.log()
    );
}

#[test]
fn oversized_files_are_errors() {
    let dir = trees("oversized_files");
    let big = format!("{NARROW}{}", " ".repeat(17 * 1024 * 1024));
    write(&dir.join("new/big.json"), &big);
    let r = run(&dir, &["diff", "old", "new"]);
    r.assert_bad_input(&["new/big.json", "16 MiB"]);
    let r = run(&dir, &["lint", "new/big.json"]);
    r.assert_bad_input(&["new/big.json", "16 MiB"]);
}

#[test]
fn files_named_on_the_command_line_are_read_only_when_regular() {
    let dir = trees("files_named_on_the_command_line");
    write(&dir.join("request.json"), REQUEST);
    mkfifo(&dir.join("fifo.json"));
    std::fs::create_dir_all(dir.join("d.json")).ok();
    link("/dev/zero", &dir.join("zero.json"));
    link("/proc/self/environ", &dir.join("env.json"));
    link("outside/secret.json", &dir.join("inside-link.json"));
    link(dir.join("outside"), &dir.join("linked-dir"));
    link("loop.json", &dir.join("loop.json"));
    std::fs::write(dir.join("nul.json"), format!("{{\"a\": \"\0{SECRET}\"}}")).ok();
    for (path, words) in [
        ("fifo.json", &["fifo.json", "FIFO"][..]),
        ("d.json", &["d.json", "director"]),
        ("zero.json", &["zero.json", "outside"]),
        ("/dev/zero", &["/dev/zero", "device"]),
        ("loop.json", &["loop.json", "loop"]),
        ("/proc/self/environ", &["/proc/self/environ"]),
        ("nul.json", &["nul.json", "binary"]),
    ] {
        for args in [
            &["lint", path][..],
            &["simulate", "--request", "request.json", "--identity", path],
            &["diff", path, "new/p.json"],
        ] {
            let r = run_limited(&dir, args);
            r.assert_no_secret();
            r.assert_bad_input(words);
        }
    }
    // A symlink typed on the command line is followed when it resolves inside the current
    // directory (here to a file of invalid JSON, reported as such); out of it, it is refused and
    // the target is not read.
    run(&dir, &["lint", "inside-link.json"]).assert_bad_input(&["inside-link.json:1:42"]);
    let r = run(&dir, &["lint", "env.json"]);
    r.assert_no_secret();
    r.assert_bad_input(&["env.json", "outside"]);
    let sub = dir.join("new");
    link("../outside/secret.json", &sub.join("out.json"));
    link("../linked-dir", &sub.join("dir-link"));
    for path in ["out.json", "dir-link/secret.json"] {
        let r = run(&sub, &["lint", path]);
        r.assert_no_secret();
        r.assert_bad_input(&[path, "outside"]);
    }
    // A plain path out of the current directory is read: the user named it.
    let r = run(&sub, &["lint", "../old/p.json"]);
    assert_eq!(r.code, Some(0), "{}", r.log());
}

// 3 (git). The working tree and revisions.

#[test]
fn working_tree_symlinks_and_special_files_are_not_read() {
    let dir = repo("working_tree_special_files");
    let outside = scratch("working_tree_special_files_outside");
    write(
        &outside.join("secret.json"),
        &format!("{{\"Statement\": [ {SECRET}\n"),
    );
    for name in ["env", "out", "fifo", "zero", "loop", "dir"] {
        write(&dir.join(format!("policies/{name}.json")), NARROW);
    }
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "more"]);
    let p = |name: &str| dir.join(format!("policies/{name}.json"));
    for name in ["env", "out", "fifo", "zero", "loop", "dir"] {
        std::fs::remove_file(p(name)).ok();
    }
    link("/proc/self/environ", &p("env"));
    link(outside.join("secret.json"), &p("out"));
    mkfifo(&p("fifo"));
    link("/dev/zero", &p("zero"));
    link("loop.json", &p("loop"));
    write(&p("dir").join("inner.json"), NARROW);
    let r = run_limited(&dir, &["diff", "--git", "HEAD"]);
    r.assert_no_secret();
    r.assert_bad_input(&[
        "policies/env.json",
        "policies/out.json",
        "policies/fifo.json",
        "policies/zero.json",
        "policies/loop.json",
        "policies/dir.json",
    ]);
}

#[test]
fn unchanged_files_of_the_working_tree_are_not_read() {
    // Only what changed is read: an unchanged symlink out of the repository, an unchanged file
    // over 16 MiB and an unchanged symlink loop are no error, and neither is a file whose
    // content went back to BASE's.
    let dir = scratch("unchanged_working_tree_files");
    git(&dir, &["init", "-q"]);
    write(&dir.join("policies/invoke.json"), NARROW);
    write(&dir.join("policies/other.json"), NARROW);
    link("/etc/passwd", &dir.join("policies/passwd.json"));
    link("self.json", &dir.join("policies/self.json"));
    write(
        &dir.join("data/big.json"),
        &format!("{NARROW}{}", " ".repeat(17 * 1024 * 1024)),
    );
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    write(&dir.join("policies/invoke.json"), WIDE);
    git(&dir, &["commit", "-q", "-am", "widen"]);
    write(&dir.join("policies/other.json"), WIDE);
    git(&dir, &["add", "policies/other.json"]);
    write(&dir.join("policies/other.json"), NARROW);
    for range in ["HEAD~1", "HEAD"] {
        let r = run(&dir, &["diff", "--git", range, "--format", "json"]);
        let expected = if range == "HEAD" { 0 } else { 1 };
        assert_eq!(r.code, Some(expected), "{range}: {}", r.log());
        let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_default();
        let paths: Vec<&str> = out["files"]
            .as_array()
            .map(|f| f.iter().filter_map(|f| f["path"].as_str()).collect())
            .unwrap_or_default();
        let expected: &[&str] = if range == "HEAD" {
            &[]
        } else {
            &["policies/invoke.json"]
        };
        assert_eq!(paths, expected, "{range}: {}", r.log());
    }
    // Changed, the same files are errors.
    std::fs::remove_file(dir.join("policies/passwd.json")).ok();
    link("/etc/hostname", &dir.join("policies/passwd.json"));
    write(
        &dir.join("data/big.json"),
        &format!("{WIDE}{}", " ".repeat(17 * 1024 * 1024)),
    );
    let r = run(&dir, &["diff", "--git", "HEAD"]);
    r.assert_bad_input(&["policies/passwd.json", "data/big.json"]);
}

#[test]
fn committed_symlinks_are_followed_only_inside_the_revision() {
    let dir = repo("committed_symlinks");
    link("/etc/passwd", &dir.join("policies/passwd.json"));
    link("invoke.json", &dir.join("policies/alias.json"));
    link("self.json", &dir.join("policies/self.json"));
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "links"]);
    let r = run(&dir, &["diff", "--git", "HEAD~1..HEAD", "--format", "json"]);
    assert!(!r.stderr.contains("root:"), "{}", r.log());
    r.assert_bad_input(&["policies/passwd.json", "policies/self.json"]);
    let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    let alias = out["files"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["path"] == "policies/alias.json"))
        .map(|f| f["verdict"].clone());
    assert_eq!(alias, Some("added".into()), "{}", r.log());
}

// 4. The user's git configuration.

#[test]
fn the_users_git_configuration_does_not_change_what_is_compared() {
    let dir = scratch("users_git_configuration");
    git(&dir, &["init", "-q"]);
    // An unchanged policy named like the changed one, at the top: `diff.relative` used to make a
    // run from `policies/` read it in both revisions and report "equivalent".
    write(&dir.join("invoke.json"), NARROW);
    write(&dir.join("policies/invoke.json"), NARROW);
    write(&dir.join("policies/renamed.json"), NARROW);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "first"]);
    write(&dir.join("policies/invoke.json"), WIDE);
    git(&dir, &["commit", "-q", "-am", "widen"]);
    git(
        &dir,
        &["mv", "policies/renamed.json", "policies/moved.json"],
    );
    git(&dir, &["commit", "-q", "-m", "rename"]);
    let home = scratch("users_git_configuration_home");
    let marker = home.join("ran");
    let script = marker_script(&home, "external.sh", &marker);
    let config = home.join(".gitconfig");
    write(
        &config,
        &format!(
            "[diff]\n\trelative = true\n\tnoprefix = true\n\tmnemonicPrefix = true\n\trenames = copies\n\texternal = {s}\n[color]\n\tui = always\n\tdiff = always\n[core]\n\tquotepath = true\n\tpager = {s}\n\tabbrev = 4\n[status]\n\trelativePaths = true\n",
            s = script.display()
        ),
    );
    let home_s = home.display().to_string();
    let config_s = config.display().to_string();
    let env = [
        ("HOME", home_s.as_str()),
        ("GIT_CONFIG_GLOBAL", config_s.as_str()),
    ];
    let sub = dir.join("policies");
    let files = |range: &str, cwd: &Path| {
        let r = run_env(cwd, &["diff", "--git", range, "--format", "json"], &env);
        assert!(!marker.exists(), "a configured command ran:\n{}", r.log());
        assert!(!r.stdout.contains('\u{1b}'), "{}", r.log());
        let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_default();
        let files: Vec<(String, String)> = out["files"]
            .as_array()
            .map(|f| {
                f.iter()
                    .map(|f| {
                        let s = |k: &str| f[k].as_str().unwrap_or("?").to_string();
                        (s("path"), s("verdict"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        (r.code, files, r.log())
    };
    let pair = |p: &str, v: &str| (p.to_string(), v.to_string());
    for range in ["HEAD~2..HEAD~1", "HEAD~2"] {
        let (code, got, log) = files(range, &sub);
        assert_eq!(code, Some(1), "{range}: {log}");
        assert_eq!(
            got[0],
            pair("policies/invoke.json", "new_access"),
            "{range}: {log}"
        );
    }
    // From a subdirectory, the working tree is compared as a whole.
    write(&dir.join("invoke.json"), WIDE);
    let (code, got, log) = files("HEAD", &sub);
    assert_eq!(code, Some(1), "{log}");
    assert_eq!(got, [pair("invoke.json", "new_access")], "{log}");
    write(&dir.join("invoke.json"), NARROW);
    // A rename is a rename (issue 12), and `diff.renames = copies` does not make git pair a
    // new file with the one it copies, which would hide the new file's access.
    for cwd in [&sub, &dir] {
        let (code, got, log) = files("HEAD~1..HEAD", cwd);
        assert_eq!(code, Some(0), "{log}");
        assert_eq!(got, [], "{log}");
    }
    std::fs::copy(
        dir.join("policies/invoke.json"),
        dir.join("policies/copy.json"),
    )
    .unwrap_or_else(|e| panic!("cannot copy: {e}"));
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "copy"]);
    for cwd in [&sub, &dir] {
        let (code, got, log) = files("HEAD~1..HEAD", cwd);
        assert_eq!(code, Some(1), "{log}");
        assert_eq!(got, [pair("policies/copy.json", "added")], "{log}");
    }
}

// 5. A pathspec that matches nothing.

#[test]
fn a_pathspec_that_matches_nothing_is_an_error() {
    let dir = repo("pathspec_matches_nothing");
    for range in ["HEAD~1..HEAD", "HEAD~1"] {
        let r = run(&dir, &["diff", "--git", range, "nosuchdir"]);
        r.assert_bad_input(&["nosuchdir"]);
        let r = run(
            &dir,
            &["diff", "--git", range, "policies", "nosuchdir/*.json"],
        );
        r.assert_bad_input(&["nosuchdir/*.json"]);
        assert!(!r.stderr.contains("`policies`"), "{}", r.log());
        // A pathspec matching files that did not change is fine.
        let r = run(&dir, &["diff", "--git", range, "policies/other.json"]);
        assert_eq!(r.code, Some(0), "{range}: {}", r.log());
    }
    // So is one matching a file only in the old revision.
    git(&dir, &["rm", "-q", "policies/other.json"]);
    git(&dir, &["commit", "-q", "-m", "remove"]);
    for range in ["HEAD~1..HEAD", "HEAD~1"] {
        let r = run(&dir, &["diff", "--git", range, "policies/other.json"]);
        assert_eq!(r.code, Some(0), "{range}: {}", r.log());
        assert!(r.stdout.contains("removed"), "{}", r.log());
    }
    // In working-tree mode an untracked file does not count: it is not compared.
    write(&dir.join("untracked/p.json"), WIDE);
    let r = run(&dir, &["diff", "--git", "HEAD", "untracked"]);
    r.assert_bad_input(&["untracked"]);
}

/// A template whose resources `R1`…`R{n}` each name themselves after the previous one eight
/// times over: resolved naively, the last name is 8^n bytes and takes 8^n steps.
fn doubling_chain(n: usize) -> String {
    let mut t = String::from(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  R0:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: abcdefgh}\n",
    );
    for i in 1..=n {
        let refs = vec![format!("!Ref R{}", i - 1); 8].join(", ");
        t.push_str(&format!(
            "  R{i}:\n    Type: AWS::SNS::Topic\n    Properties: {{TopicName: !Join ['', [{refs}]]}}\n"
        ));
    }
    t.push_str(&format!(
        "  P:\n    Type: AWS::Lambda::Permission\n    Properties: {{FunctionName: f, Action: lambda:InvokeFunction, Principal: sns.amazonaws.com, SourceArn: !Ref R{n}}}\n"
    ));
    t
}

/// Conditions `C1`…`C{n}` each naming the previous one five times: 5^n evaluations naively.
fn condition_bomb(n: usize) -> String {
    let mut t = String::from(
        "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  E: {Type: String, Default: x}\nConditions:\n  C0: !Equals [!Ref E, y]\n",
    );
    for i in 1..=n {
        let refs = vec![format!("!Condition C{}", i - 1); 5].join(", ");
        t.push_str(&format!("  C{i}: !Or [{refs}]\n"));
    }
    t.push_str(&format!(
        "Resources:\n  P:\n    Type: AWS::Lambda::Permission\n    Condition: C{n}\n    Properties: {{FunctionName: f, Action: lambda:InvokeFunction, Principal: '*'}}\n"
    ));
    t
}

#[test]
fn hostile_templates_end_in_bounded_time_and_memory() {
    let dir = scratch("templates");
    let base = "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n";
    write(&dir.join("base.yaml"), base);
    let laughs = {
        let mut t =
            String::from("AWSTemplateFormatVersion: '2010-09-09'\na: &a [x,x,x,x,x,x,x,x,x,x]\n");
        for (i, name) in ["b", "c", "d", "e", "f", "g", "h"].iter().enumerate() {
            let prev = ["a", "b", "c", "d", "e", "f", "g"][i];
            t.push_str(&format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{prev}"); 10].join(",")
            ));
        }
        t.push_str("Resources: {}\n");
        t
    };
    let deep = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let circular = "AWSTemplateFormatVersion: '2010-09-09'
Resources:
  F:
    Type: AWS::Lambda::Function
    Properties: {FunctionName: !GetAtt G.Arn, Role: x, Code: {ZipFile: x}}
  G:
    Type: AWS::Lambda::Function
    Properties: {FunctionName: !Sub '${F}-x', Role: x, Code: {ZipFile: x}}
  A:
    Type: AWS::Lambda::Alias
    Properties: {FunctionName: !Ref A, FunctionVersion: '1', Name: live}
  P:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: !Ref F, Action: lambda:InvokeFunction, Principal: '*'}
  Q:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: !Ref A, Action: lambda:InvokeFunction, Principal: '*'}
";
    let circular_conditions = "AWSTemplateFormatVersion: '2010-09-09'
Conditions:
  A: !Condition B
  B: !Not [!Condition A]
Resources:
  P:
    Type: AWS::Lambda::Permission
    Condition: A
    Properties: {FunctionName: f, Action: lambda:InvokeFunction, Principal: '*'}
";
    // (file, text, exit codes accepted, what stderr or stdout must say)
    let cases: Vec<(&str, String, &[i32], &str)> = vec![
        ("laughs.yaml", laughs, &[2], "aliases copy more than"),
        ("deep.yaml", deep, &[2], "yaml-syntax"),
        (
            "two.yaml",
            format!("{base}---\n{base}"),
            &[2],
            "one YAML document",
        ),
        (
            "tag.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  P: !Rain::Embed x\n".into(),
            &[2],
            "unknown tag",
        ),
        (
            "circular.yaml",
            circular.into(),
            &[1, 3],
            "circular reference",
        ),
        (
            "circular-conditions.yaml",
            circular_conditions.into(),
            &[1, 3],
            "cannot be decided",
        ),
        ("chain.yaml", doubling_chain(40), &[1, 3], "iac-placeholder"),
        (
            "conditions.yaml",
            condition_bomb(60),
            &[0],
            "no policy changed",
        ),
    ];
    for (name, text, codes, says) in cases {
        write(&dir.join(name), &text);
        let run = run_limited(&dir, &["diff", "base.yaml", name]);
        let log = run.log();
        assert!(!run.timed_out, "{name}: {log}");
        assert!(!log.contains("panicked"), "{name}: {log}");
        assert!(
            run.code.is_some_and(|c| codes.contains(&c)),
            "{name}: {log}"
        );
        assert!(log.contains(says), "{name}: {log}");
    }
}
