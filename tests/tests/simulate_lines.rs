//! End-to-end tests of `simulate --requests FILE.jsonl`: many requests against one policy set
//! in one process, one JSON line per request.
//!
//! - Every scenario of `corpus/scenarios/` is replayed as batches: the cases that share a
//!   policy set become one JSON Lines file, and each line's answer must be the case's expected
//!   decision and deciding statements, or an error line for a case that expects an error;
//! - bad lines are reported at their line and column, and the other lines are still decided;
//! - `-` reads standard input, and the text format gives one line per request.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use airtight_tests::{airtight, describe, run, workspace_root};
use serde_json::Value;

const ALLOW_INVOKE: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Invoke", "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"}]}"#;
const INVOKE: &str = r#"{"principal": "arn:aws:iam::111122223333:role/app", "action": "lambda:InvokeFunction", "resource": "arn:aws:lambda:us-east-1:111122223333:function:f"}"#;
const GET: &str = r#"{"principal": "arn:aws:iam::111122223333:role/app", "action": "lambda:GetFunction", "resource": "arn:aws:lambda:us-east-1:111122223333:function:f"}"#;

/// A fresh folder for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("simulate_lines")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// The JSON objects of stdout, one a line.
fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line: {e}: {l}")))
        .collect()
}

#[test]
fn every_scenario_case_gets_its_answer_in_a_batch() {
    let root = workspace_root().join("corpus/scenarios");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|e| e.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    dirs.sort();
    let batches = scratch("scenarios");
    let mut failures = Vec::new();
    let mut checked = 0;
    for dir in dirs.iter().filter(|d| d.join("cases.json").is_file()) {
        let text = std::fs::read_to_string(dir.join("cases.json")).unwrap_or_default();
        let cases: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        // The cases that share a policy set, in order.
        let mut groups: BTreeMap<Vec<String>, Vec<&Value>> = BTreeMap::new();
        for case in cases["cases"].as_array().into_iter().flatten() {
            let args: Vec<String> = case["args"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str().map(str::to_string))
                .filter(|a| a != "simulate")
                .collect();
            // A world decides each caller in its own policy set: not a batch.
            if args.iter().any(|a| a == "--world" || a == "--principal") {
                continue;
            }
            groups.entry(args).or_default().push(case);
        }
        let scenario = dir
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        for (g, (args, cases)) in groups.iter().enumerate() {
            // One request a line: the request file with its line breaks made spaces.
            let lines: Vec<String> = cases
                .iter()
                .map(|c| {
                    let file = dir.join(c["request"].as_str().unwrap_or(""));
                    std::fs::read_to_string(&file)
                        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()))
                        .replace(['\n', '\r'], " ")
                })
                .collect();
            let batch = batches.join(format!("{scenario}-{g}.jsonl"));
            write(&batch, &(lines.join("\n") + "\n"));
            let batch_arg = batch.display().to_string();
            let mut argv = vec![
                "simulate",
                "--requests",
                batch_arg.as_str(),
                "--format",
                "json",
            ];
            argv.extend(args.iter().map(String::as_str));
            let output = run(dir, &argv);
            let answers = json_lines(&output.stdout);
            let any_error = cases
                .iter()
                .any(|c| c["expect_error"].as_bool() == Some(true));
            let want_exit = if any_error { 2 } else { 0 };
            if output.status.code() != Some(want_exit) {
                failures.push(format!(
                    "{scenario} {args:?}: expected exit {want_exit}\n{}",
                    describe(&output)
                ));
                continue;
            }
            // A policy with an error stops the run before any line is read.
            if answers.is_empty()
                && cases
                    .iter()
                    .all(|c| c["expect_error"].as_bool() == Some(true))
            {
                checked += cases.len();
                continue;
            }
            if answers.len() != cases.len() {
                failures.push(format!(
                    "{scenario} {args:?}: {} answers for {} requests\n{}",
                    answers.len(),
                    cases.len(),
                    describe(&output)
                ));
                continue;
            }
            for (i, (case, answer)) in cases.iter().zip(&answers).enumerate() {
                checked += 1;
                let name = case["name"].as_str().unwrap_or("?");
                if answer["line"].as_u64() != Some(i as u64 + 1) {
                    failures.push(format!("{scenario} / {name}: wrong line number: {answer}"));
                    continue;
                }
                if case["expect_error"].as_bool() == Some(true) {
                    if answer["error"].as_str().is_none() {
                        failures.push(format!(
                            "{scenario} / {name}: expected an error line, got {answer}"
                        ));
                    }
                    continue;
                }
                let want_decision = case["expect"]["decision"].as_str().unwrap_or("?");
                let want: BTreeSet<&str> = case["expect"]["deciding"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let got: BTreeSet<&str> = answer["deciding"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s["statement"].as_str())
                    .collect();
                if answer["decision"].as_str() != Some(want_decision) || got != want {
                    failures.push(format!(
                        "{scenario} / {name}: expected {want_decision} by {want:?}, got {answer}"
                    ));
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} scenario cases were replayed");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn bad_lines_are_pointed_at_and_the_others_decided() {
    let dir = scratch("bad_lines");
    write(&dir.join("allow.json"), ALLOW_INVOKE);
    let lines = [
        INVOKE,
        "",
        r#"{"action": "lambda:InvokeFunction"}"#,
        GET,
        r#"{"principal": "arn:aws:iam::111122223333:role/app", "action": "lambda:Invoke", "resource": "arn:aws:lambda:us-east-1:111122223333:function:f"}"#,
        "not json",
        INVOKE,
    ];
    write(&dir.join("requests.jsonl"), &lines.join("\n"));
    let output = run(
        &dir,
        &[
            "simulate",
            "--requests",
            "requests.jsonl",
            "--identity",
            "allow.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let answers = json_lines(&output.stdout);
    let summary: Vec<(u64, &str)> = answers
        .iter()
        .map(|a| {
            let line = a["line"].as_u64().unwrap_or(0);
            (line, a["decision"].as_str().unwrap_or("error"))
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, "allow"),
            (3, "error"),
            (4, "implicit_deny"),
            (5, "error"),
            (6, "error"),
            (7, "allow")
        ],
        "{}",
        describe(&output)
    );
    assert_eq!(answers[0]["deciding"][0]["statement"], "Invoke");
    assert_eq!(answers[1]["error"], "the request has no `resource`");
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Each bad line is shown where it is in the file.
    for at in [
        "requests.jsonl:3:1",
        "requests.jsonl:5:",
        "requests.jsonl:6:1",
    ] {
        assert!(stderr.contains(at), "no diagnostic at {at}:\n{stderr}");
    }
    assert!(stderr.contains("error[unknown-lambda-action]"), "{stderr}");
    assert!(
        stderr.contains("3 line(s) of `requests.jsonl` are not requests"),
        "{stderr}"
    );
}

#[test]
fn standard_input_and_the_text_format() {
    let dir = scratch("stdin");
    write(&dir.join("allow.json"), ALLOW_INVOKE);
    let mut child = Command::new(airtight())
        .args(["simulate", "--requests", "-", "--identity", "allow.json"])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run airtight: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        let input = format!("{INVOKE}\n{GET}\n");
        stdin
            .write_all(input.as_bytes())
            .unwrap_or_else(|e| panic!("cannot write stdin: {e}"));
    }
    let output = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("airtight did not finish: {e}"));
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("1: ALLOW: "), "{text}");
    assert!(lines[0].contains("Invoke (allow.json:1:"), "{text}");
    assert!(lines[1].starts_with("2: IMPLICIT DENY: "), "{text}");
}

#[test]
fn one_request_or_many_not_both() {
    let dir = scratch("exclusive");
    write(&dir.join("allow.json"), ALLOW_INVOKE);
    write(&dir.join("request.json"), INVOKE);
    write(&dir.join("requests.jsonl"), INVOKE);
    let both = run(
        &dir,
        &[
            "simulate",
            "--request",
            "request.json",
            "--requests",
            "requests.jsonl",
            "--identity",
            "allow.json",
        ],
    );
    assert_eq!(both.status.code(), Some(2), "{}", describe(&both));
    let neither = run(&dir, &["simulate", "--identity", "allow.json"]);
    assert_eq!(neither.status.code(), Some(2), "{}", describe(&neither));
    let missing = run(
        &dir,
        &[
            "simulate",
            "--requests",
            "nowhere.jsonl",
            "--identity",
            "allow.json",
        ],
    );
    assert_eq!(missing.status.code(), Some(2), "{}", describe(&missing));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nowhere.jsonl"));
    assert!(missing.stdout.is_empty());
}
