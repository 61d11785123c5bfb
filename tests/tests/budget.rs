//! End-to-end tests of the deadline and the memory budget (issue 15): small versions of the
//! hostile inputs still take far longer than a tiny `--timeout` or far more than a tiny
//! `--memory`, and every command must then answer `unknown` (exit 3) with a reason that names
//! the limit and the stage, and end soon after the deadline — never abort, hang or crash.
//!
//! The bounds on wall time are generous on purpose (three times the timeout plus two seconds,
//! with the binary already built): they catch a deadline that is not honoured (the same inputs
//! ran for minutes, or aborted at 4 GB, before the budget), not small delays.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use airtight_tests::{airtight, describe, run};
use serde_json::{json, Value};

/// The timeout the deadline tests pass, in seconds.
const TIMEOUT: &str = "0.5";

/// A fresh folder for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("budget")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

fn policy(statements: Value) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

/// Writes OLD and NEW into a fresh folder.
fn pair(test: &str, old: Value, new: Value) -> PathBuf {
    let dir = scratch(test);
    for (name, statements) in [("old.json", old), ("new.json", new)] {
        std::fs::write(dir.join(name), policy(statements))
            .unwrap_or_else(|e| panic!("cannot write {name}: {e}"));
    }
    dir
}

/// 30 infix resource patterns and a Deny: the partition passes 200,000 states after seconds,
/// and the string solver then needs minutes.
fn infix(test: &str) -> PathBuf {
    let resources: Vec<String> = (0..30)
        .map(|i| format!("arn:aws:s3:::*team{i}*/*data*"))
        .collect();
    let deny = json!({"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::*secret*/*"});
    pair(
        test,
        json!([{"Effect": "Allow", "Action": "s3:*", "Resource": resources}, deny]),
        json!([{"Effect": "Allow", "Action": "s3:*", "Resource": resources[..29]}, deny]),
    )
}

/// Runs the CLI and measures it.
fn timed(dir: &Path, args: &[&str]) -> (Output, Duration) {
    // The binary is built before the clock starts.
    let _ = airtight();
    let start = Instant::now();
    let output = run(dir, args);
    (output, start.elapsed())
}

/// Exit 3, within three times the timeout plus two seconds, with `needles` in stdout.
fn assert_unknown_in_time(output: &Output, elapsed: Duration, timeout: f64, needles: &[&str]) {
    assert_eq!(output.status.code(), Some(3), "{}", describe(output));
    // Not a speed target: a generous bound that a command ignoring its deadline (these
    // inputs ran for 25 s to minutes before budgets) cannot meet, even on a loaded machine.
    let bound = Duration::from_secs_f64(4.0 * timeout + 8.0);
    assert!(
        elapsed < bound,
        "took {elapsed:?}, more than {bound:?}\n{}",
        describe(output)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    for needle in needles {
        assert!(
            stdout.contains(needle),
            "no `{needle}` in the output\n{}",
            describe(output)
        );
    }
}

#[test]
fn every_query_answers_unknown_at_the_deadline_naming_the_partition() {
    let dir = infix("infix_queries");
    let runs: [&[&str]; 4] = [
        &["equiv", "old.json", "new.json"],
        &["no-new-access", "old.json", "new.json"],
        &[
            "can",
            "--identity",
            "old.json",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::*team7*/*data*",
        ],
        &[
            "never",
            "--identity",
            "old.json",
            "--action",
            "s3:DeleteObject",
            "--resource",
            "arn:aws:s3:::*secret*/*",
        ],
    ];
    for args in runs {
        let args: Vec<&str> = args.iter().copied().chain(["--timeout", TIMEOUT]).collect();
        let (output, elapsed) = timed(&dir, &args);
        assert_unknown_in_time(
            &output,
            elapsed,
            0.5,
            &[
                "the deadline of 0.5 s passed while partitioning",
                "resource patterns",
            ],
        );
    }
}

#[test]
fn json_answers_carry_the_reason() {
    let dir = infix("infix_json");
    let (output, elapsed) = timed(
        &dir,
        &[
            "equiv",
            "old.json",
            "new.json",
            "--timeout",
            TIMEOUT,
            "--format",
            "json",
        ],
    );
    assert_unknown_in_time(&output, elapsed, 0.5, &[]);
    let answer: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e})\n{}", describe(&output)));
    let text = answer.to_string();
    assert!(
        text.contains("the deadline of 0.5 s passed while partitioning"),
        "{text}"
    );
}

#[test]
fn a_diff_run_shares_one_deadline_across_its_files() {
    // Two copies of the hostile pair: the run as a whole must end near the deadline, not at
    // twice it.
    let dir = scratch("diff_run");
    let resources: Vec<String> = (0..30)
        .map(|i| format!("arn:aws:s3:::*team{i}*/*data*"))
        .collect();
    let deny = json!({"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::*secret*/*"});
    for side in ["old", "new"] {
        std::fs::create_dir_all(dir.join(side)).unwrap_or_else(|e| panic!("{e}"));
        let n = if side == "old" { 30 } else { 29 };
        let text = policy(
            json!([{"Effect": "Allow", "Action": "s3:*", "Resource": resources[..n]}, deny]),
        );
        for file in ["a.json", "b.json"] {
            std::fs::write(dir.join(side).join(file), &text).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let (output, elapsed) = timed(
        &dir,
        &[
            "diff",
            "old",
            "new",
            "--timeout",
            TIMEOUT,
            "--format",
            "json",
        ],
    );
    assert_unknown_in_time(&output, elapsed, 0.5, &[]);
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e})\n{}", describe(&output)));
    let files = report["files"].as_array().cloned().unwrap_or_default();
    assert_eq!(files.len(), 2, "{report}");
    for f in files {
        assert_eq!(f["verdict"], "unknown", "{f}");
        let reason = f["reason"].as_str().unwrap_or_default();
        assert!(reason.starts_with("the deadline of 0.5 s passed "), "{f}");
    }
}

#[test]
fn thousands_of_action_globs_answer_unknown_at_the_deadline() {
    let actions: Vec<String> = (0..600)
        .map(|i| format!("svc{}:*Get{i}*", i % 40))
        .collect();
    let dir = pair(
        "actions",
        json!([{"Effect": "Allow", "Action": actions, "Resource": "*"}]),
        json!([{"Effect": "Allow", "NotAction": actions[..599], "Resource": "*"}]),
    );
    let (output, elapsed) = timed(
        &dir,
        &["equiv", "old.json", "new.json", "--timeout", TIMEOUT],
    );
    assert_unknown_in_time(
        &output,
        elapsed,
        0.5,
        &[
            "the deadline of 0.5 s passed while partitioning",
            "action patterns",
        ],
    );
}

#[test]
fn for_all_values_with_infix_values_answers_unknown_at_the_deadline() {
    let values: Vec<String> = (0..40).map(|i| format!("*k{i}*")).collect();
    let condition = |values: &[String]| {
        json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                "Condition": {"ForAllValues:StringLike": {"aws:TagKeys": values}}}])
    };
    let dir = pair(
        "for_all_values",
        condition(&values),
        condition(&values[..39]),
    );
    let (output, elapsed) = timed(
        &dir,
        &["equiv", "old.json", "new.json", "--timeout", TIMEOUT],
    );
    assert_unknown_in_time(
        &output,
        elapsed,
        0.5,
        &[
            "the deadline of 0.5 s passed while partitioning",
            "`aws:tagkeys` patterns",
        ],
    );
}

#[test]
fn a_small_memory_budget_answers_unknown_naming_it() {
    // The partition outgrows its share (a quarter of 8 MiB) and falls back to strings, which
    // Z3 cannot hold in 8 MiB either.
    let dir = infix("memory");
    let (output, elapsed) = timed(
        &dir,
        &[
            "equiv",
            "old.json",
            "new.json",
            "--memory",
            "8M",
            "--timeout",
            "20",
        ],
    );
    assert_unknown_in_time(
        &output,
        elapsed,
        20.0,
        &["the memory budget of 8 MiB ran out while"],
    );
}

#[test]
fn an_easy_question_is_answered_within_a_small_budget() {
    let dir = pair(
        "easy",
        json!([{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]),
        json!([{"Effect": "Allow", "Action": ["s3:Get*", "s3:PutObject"], "Resource": "*"}]),
    );
    let output = run(
        &dir,
        &[
            "equiv",
            "old.json",
            "new.json",
            "--timeout",
            "30",
            "--memory",
            "256M",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
}

#[test]
fn bad_limits_are_usage_errors() {
    let dir = pair(
        "bad_limits",
        json!([{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]),
        json!([{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]),
    );
    for (flag, value, message) in [
        ("--timeout", "0", "the timeout must be more than 0 seconds"),
        ("--timeout", "soon", "is not a number of seconds"),
        ("--timeout", "1e30", "is too long"),
        ("--memory", "12X", "the unit must be K, M, G or T"),
        ("--memory", "0", "is not a usable memory size"),
    ] {
        let output = run(&dir, &["equiv", "old.json", "new.json", flag, value]);
        assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
        assert!(
            String::from_utf8_lossy(&output.stderr).contains(message),
            "{}",
            describe(&output)
        );
    }
}
