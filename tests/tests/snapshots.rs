//! The text output of every command, as a user sees it, in `insta` snapshots: a change to an
//! explanation is reviewed as a diff of these files (`cargo insta review`).
//!
//! Timings are the only part of the output that changes from run to run; they are replaced by
//! `N ms`. `diff` snapshots live in `diff.rs`, beside its other tests.

use std::path::{Path, PathBuf};

use airtight_tests::{describe, run, workspace_root};

fn corpus(rel: &str) -> PathBuf {
    workspace_root().join("corpus").join(rel)
}

/// Runs the CLI, checks the exit code, and returns stdout with timings redacted.
fn text(dir: &Path, args: &[&str], exit: i32) -> String {
    let output = run(dir, args);
    assert_eq!(output.status.code(), Some(exit), "{}", describe(&output));
    redact_timings(&String::from_utf8_lossy(&output.stdout))
}

/// `(123 ms)` and `123 ms` become `N ms`.
fn redact_timings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(" ms") {
        let head = &rest[..i];
        let digits = head.len() - head.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            out.push_str(&head[..head.len() - digits]);
            out.push('N');
        } else {
            out.push_str(head);
        }
        out.push_str(" ms");
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

#[test]
fn redaction_replaces_only_numbers_before_ms() {
    assert_eq!(
        redact_timings("proved (12 ms); 3 items; 7 ms"),
        "proved (N ms); 3 items; N ms"
    );
}

#[test]
fn simulate_text() {
    let dir = corpus("scenarios/lambda-qualifiers");
    let out = text(
        &dir,
        &[
            "simulate",
            "--request",
            "req-my-alias.json",
            "--identity",
            "deny-alias-and-function.json",
        ],
        0,
    );
    insta::assert_snapshot!("simulate_explicit_deny", out);
    let out = text(
        &dir,
        &[
            "simulate",
            "--request",
            "req1.json",
            "--identity",
            "deny-alias-and-function.json",
        ],
        0,
    );
    insta::assert_snapshot!("simulate_allow", out);
}

#[test]
fn equiv_text() {
    let dir = corpus("queries/seed001-deny-alias");
    let out = text(
        &dir,
        &[
            "equiv",
            "deny-all-versions.json",
            "deny-alias-and-function.json",
        ],
        1,
    );
    insta::assert_snapshot!("equiv_different", out);
}

#[test]
fn no_new_access_text() {
    let dir = corpus("queries/seed001-deny-alias");
    let out = text(
        &dir,
        &[
            "no-new-access",
            "deny-alias-and-function.json",
            "deny-alias-only.json",
        ],
        1,
    );
    insta::assert_snapshot!("no_new_access_violated", out);
    let out = text(
        &dir,
        &[
            "no-new-access",
            "deny-alias-only.json",
            "deny-alias-and-function.json",
        ],
        0,
    );
    insta::assert_snapshot!("no_new_access_holds", out);
}

#[test]
fn can_text() {
    let dir = corpus("queries/function-url-dual-permission");
    let out = text(
        &dir,
        &[
            "can",
            "--resource-policy",
            "url-and-invoke-grant.json",
            "--action",
            "lambda:InvokeFunction",
            "--resource",
            "arn:aws:lambda:us-east-1:123456789012:function:web",
            "--not-principal",
            "arn:aws:iam::123456789012:*",
            "--absent",
            "lambda:InvokedViaFunctionUrl",
        ],
        1,
    );
    insta::assert_snapshot!("can_no", out);
    let dir = corpus("queries/seed001-deny-alias");
    let out = text(
        &dir,
        &[
            "can",
            "--identity",
            "deny-alias-only.json",
            "--action",
            "lambda:InvokeFunction",
            "--resource",
            "arn:aws:lambda:us-west-2:123456789012:function:my-function:1",
        ],
        0,
    );
    insta::assert_snapshot!("can_yes", out);
}

#[test]
fn never_text() {
    let dir = corpus("queries/seed001-deny-alias");
    let args = [
        "never",
        "--identity",
        "deny-alias-only.json",
        "--action",
        "lambda:InvokeFunction",
        "--resource",
        "arn:aws:lambda:us-west-2:123456789012:function:my-function:my-alias",
    ];
    // The account root user is bound by no identity-based policy.
    insta::assert_snapshot!("never_violated_by_root", text(&dir, &args, 1));
    let scp: Vec<&str> = args
        .iter()
        .copied()
        .chain(["--scp", "scp-deny-alias-and-function.json"])
        .collect();
    // An SCP binds the root user too: now it is a proof about every caller.
    insta::assert_snapshot!("never_holds_with_an_scp", text(&dir, &scp, 0));
    let legacy: Vec<&str> = args
        .iter()
        .copied()
        .chain(["--lambda-auth", "legacy"])
        .collect();
    insta::assert_snapshot!("never_violated_legacy", text(&dir, &legacy, 1));
}

#[test]
fn deny_check_text() {
    let dir = corpus("queries/seed001-deny-alias");
    let out = text(
        &dir,
        &[
            "deny-check",
            "nobody but the root user and role/ops may invoke my-function alias my-alias",
            "--identity",
            "deny-alias-only.json",
        ],
        1,
    );
    insta::assert_snapshot!("deny_check_bypassed_under_legacy", out);
}

/// One snapshot per lint rule fixture, bad and fixed.
#[test]
fn lint_text_per_fixture() {
    let dir = corpus("lint");
    let mut fixtures: Vec<String> = std::fs::read_dir(&dir)
        .expect("corpus/lint")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".bad.json") || n.ends_with(".fixed.json"))
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 16, "{fixtures:?}");
    for name in fixtures {
        let output = run(&dir, &["lint", &name]);
        let code = output.status.code();
        assert!(matches!(code, Some(0..=2)), "{name}: {}", describe(&output));
        let snapshot = format!("lint_{}", name.trim_end_matches(".json").replace('.', "_"));
        insta::assert_snapshot!(snapshot, String::from_utf8_lossy(&output.stdout));
    }
}
