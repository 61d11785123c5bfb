//! Determinism: the same input gives byte-identical output, run after run and whatever the
//! number of worker threads (`RAYON_NUM_THREADS` = 1, 2, 8, and 8 again), for every format of
//! every command (text, JSON, SARIF, GitHub annotations, Markdown; `simulate`: text and JSON)
//! over the corpus.
//!
//! The query reports' timings are the only part allowed to differ, so they are redacted before
//! comparing: `12 ms` in text becomes `N ms`, `"elapsed_ms": 12` in JSON becomes
//! `"elapsed_ms": N`. Stdout, stderr and the exit code are compared.

use std::path::{Path, PathBuf};
use std::process::Command;

use airtight_tests::{airtight, workspace_root};

/// The thread counts every case runs with; 8 twice, to catch a race at one count.
const THREADS: [&str; 4] = ["1", "2", "8", "8"];

fn corpus(rel: &str) -> PathBuf {
    workspace_root().join("corpus").join(rel)
}

/// One run: exit code, stdout and stderr with timings redacted.
fn run_with_threads(dir: &Path, args: &[&str], threads: &str) -> (Option<i32>, String, String) {
    let output = Command::new(airtight())
        .args(args)
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", airtight().display()));
    (
        output.status.code(),
        redact(&String::from_utf8_lossy(&output.stdout)),
        redact(&String::from_utf8_lossy(&output.stderr)),
    )
}

/// Numbers before ` ms` and after `"elapsed_ms": ` become `N`.
fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next_ms = rest.find(" ms");
        let next_elapsed = rest.find("\"elapsed_ms\": ");
        match (next_ms, next_elapsed) {
            (Some(i), e) if e.is_none_or(|e| i < e) => {
                let head = &rest[..i];
                let digits = head.len() - head.trim_end_matches(|c: char| c.is_ascii_digit()).len();
                out.push_str(&head[..head.len() - digits]);
                if digits > 0 {
                    out.push('N');
                }
                out.push_str(" ms");
                rest = &rest[i + 3..];
            }
            (_, Some(e)) => {
                let key = "\"elapsed_ms\": ";
                out.push_str(&rest[..e + key.len()]);
                rest = &rest[e + key.len()..];
                let digits =
                    rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                if digits > 0 {
                    out.push('N');
                }
                rest = &rest[digits..];
            }
            _ => break,
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn redaction_touches_only_timings() {
    assert_eq!(
        redact("proved (12 ms); 3 items\n  \"elapsed_ms\": 150,\n\"x\": 7"),
        "proved (N ms); 3 items\n  \"elapsed_ms\": N,\n\"x\": 7"
    );
}

/// Runs `args` in `dir` with every thread count and asserts the runs agree.
#[track_caller]
fn assert_deterministic(dir: &Path, args: &[&str]) {
    let first = run_with_threads(dir, args, THREADS[0]);
    // GitHub annotations are empty when there is nothing to annotate.
    let annotations = args.windows(2).any(|w| w == ["--format", "github"]);
    assert!(
        !first.1.is_empty() || annotations,
        "`airtight {}` printed nothing:\n{}",
        args.join(" "),
        first.2
    );
    for threads in &THREADS[1..] {
        let again = run_with_threads(dir, args, threads);
        assert!(
            again == first,
            "`airtight {}` differs between 1 and {threads} threads:\n--- 1 thread ---\n{:?}\n{}\n{}\n--- {threads} threads ---\n{:?}\n{}\n{}",
            args.join(" "),
            first.0,
            first.1,
            first.2,
            again.0,
            again.1,
            again.2
        );
    }
}

/// Every format of every command but `simulate`.
const FORMATS: [&str; 5] = ["text", "json", "sarif", "github", "markdown"];

/// `args` once per output format in `formats`.
fn each_format<'a>(args: &[&'a str], formats: &[&'a str]) -> Vec<Vec<&'a str>> {
    formats
        .iter()
        .map(|f| {
            let mut a = args.to_vec();
            a.extend(["--format", f]);
            a
        })
        .collect()
}

#[test]
fn simulate_is_deterministic() {
    let dir = corpus("scenarios/lambda-qualifiers");
    for args in each_format(
        &[
            "simulate",
            "--request",
            "req-my-alias.json",
            "--identity",
            "deny-alias-and-function.json",
        ],
        &["text", "json"],
    ) {
        assert_deterministic(&dir, &args);
    }
}

#[test]
fn queries_are_deterministic() {
    let dir = corpus("queries/seed001-deny-alias");
    let cases: [&[&str]; 5] = [
        &[
            "equiv",
            "deny-all-versions.json",
            "deny-alias-and-function.json",
        ],
        &[
            "no-new-access",
            "deny-alias-and-function.json",
            "deny-alias-only.json",
        ],
        &[
            "can",
            "--identity",
            "deny-alias-only.json",
            "--action",
            "lambda:InvokeFunction",
            "--resource",
            "arn:aws:lambda:us-west-2:123456789012:function:my-function:1",
        ],
        &[
            "never",
            "--identity",
            "deny-alias-only.json",
            "--action",
            "lambda:InvokeFunction",
            "--resource",
            "arn:aws:lambda:us-west-2:123456789012:function:my-function:my-alias",
            "--lambda-auth",
            "legacy",
        ],
        &[
            "deny-check",
            "--identity",
            "deny-alias-only.json",
            "--intent",
            "intent-prod.json",
        ],
    ];
    for case in cases {
        for args in each_format(case, &FORMATS) {
            assert_deterministic(&dir, &args);
        }
    }
}

#[test]
fn diff_is_deterministic_in_every_format() {
    for pair in [
        "diff/lambda-team",
        "diff/scp-guardrail",
        "diff/get-policy-dumps",
    ] {
        let dir = corpus(pair);
        for format in ["text", "json", "sarif", "github", "markdown"] {
            assert_deterministic(&dir, &["diff", "old", "new", "--format", format]);
        }
    }
}

#[test]
fn lint_is_deterministic() {
    let dir = corpus("lint");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("corpus/lint")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".bad.json") || n.ends_with(".fixed.json"))
        .collect();
    files.sort();
    let mut args = vec!["lint"];
    args.extend(files.iter().map(String::as_str));
    for args in each_format(&args, &FORMATS) {
        assert_deterministic(&dir, &args);
    }
}

#[test]
fn who_can_is_deterministic_in_every_format() {
    let dir = corpus("worlds");
    let args = [
        "who-can",
        "--world",
        "seeds",
        "--action",
        "lambda:InvokeFunction",
        "--resource",
        "arn:aws:lambda:us-west-2:123456789012:function:MyFunction",
    ];
    for args in each_format(&args, &FORMATS) {
        assert_deterministic(&dir, &args);
    }
}
