//! Every format from every command in one run: the queries (`equiv`, `no-new-access`, `can`,
//! `never`), `deny-check` and `who-can` write text, JSON, SARIF, GitHub annotations and
//! Markdown, on stdout with `--format` and into files with `--output FORMAT=PATH`
//! (repeatable). (`lint` and `diff` are tested in `lint_config.rs`.)
//!
//! For each command, on a corpus question whose answer is known: the exit code is the
//! command's; stdout and every file hold the same report (the text file is stdout's text, JSON
//! the same document); SARIF 2.1.0 lists the command's rules with help, a `helpUri` into the
//! docs and a `security-severity`, and has a result per finding, located in the policy file
//! at the statement responsible; the annotations are one per located finding; a property that
//! holds gives no result and no annotation; an unwritable `--output` is bad input.

use std::path::{Path, PathBuf};

use airtight_tests::{describe, run, workspace_root};
use serde_json::Value;

fn corpus(rel: &str) -> PathBuf {
    workspace_root().join("corpus").join(rel)
}

/// A temporary folder for one test's reports, removed at the end.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("airtight-out-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    Scratch(dir)
}

/// What one run over every format gave.
struct Reports {
    exit: Option<i32>,
    stdout_text: String,
    text: String,
    json: Value,
    stdout_json: Value,
    sarif: Value,
    github: String,
    markdown: String,
}

/// Runs `args` in `dir` twice: with `--format text` and every other format in `--output`
/// files, then with `--format json` (to compare with the JSON file).
fn every_format(dir: &Path, args: &[&str], out: &Path) -> Reports {
    let path = |name: &str| out.join(name).display().to_string();
    let outputs = [
        format!("text={}", path("r.txt")),
        format!("json={}", path("r.json")),
        format!("sarif={}", path("r.sarif")),
        format!("github={}", path("r.github")),
        format!("markdown={}", path("r.md")),
    ];
    let mut argv: Vec<&str> = args.to_vec();
    for o in &outputs {
        argv.extend(["--output", o]);
    }
    let first = run(dir, &argv);
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap_or_default();
    let parse = |text: &str| serde_json::from_str(text).unwrap_or(Value::Null);
    let mut json_argv = args.to_vec();
    json_argv.extend(["--format", "json"]);
    let second = run(dir, &json_argv);
    assert_eq!(
        first.status.code(),
        second.status.code(),
        "{}\n{}",
        describe(&first),
        describe(&second)
    );
    Reports {
        exit: first.status.code(),
        stdout_text: String::from_utf8_lossy(&first.stdout).into_owned(),
        text: read("r.txt"),
        json: parse(&read("r.json")),
        stdout_json: serde_json::from_slice(&second.stdout).unwrap_or(Value::Null),
        sarif: parse(&read("r.sarif")),
        github: read("r.github"),
        markdown: read("r.md"),
    }
}

/// Timings are the only part allowed to differ between two runs.
fn without_timings(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("elapsed_ms");
    }
    v
}

fn without_ms(text: &str) -> String {
    text.lines()
        .map(|l| match l.find(" ms)") {
            Some(i) => {
                let head = l[..i].trim_end_matches(|c: char| c.is_ascii_digit());
                format!("{head}N{}", &l[i..])
            }
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The checks every command's reports pass; returns the SARIF results.
#[track_caller]
fn check_reports(r: &Reports, rules: &[&str], results: usize, policy: &str) -> Vec<Value> {
    assert!(!r.text.is_empty(), "no text file");
    assert_eq!(
        without_ms(&r.text),
        without_ms(&r.stdout_text),
        "the text file is stdout's text"
    );
    assert!(r.json.is_object(), "the JSON file is a document");
    assert_eq!(
        without_timings(r.json.clone()),
        without_timings(r.stdout_json.clone())
    );
    assert_eq!(r.sarif["version"], "2.1.0");
    let run = &r.sarif["runs"][0];
    let listed: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(listed, rules, "{}", r.sarif);
    for rule in run["tool"]["driver"]["rules"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let uri = rule["helpUri"].as_str().unwrap_or("");
        assert!(uri.contains("/docs/") && uri.contains(".md"), "{rule}");
        let severity: f64 = rule["properties"]["security-severity"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or(-1.0);
        assert!((0.0..=10.0).contains(&severity), "{rule}");
        assert!(rule["help"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(rule["fullDescription"]["text"].is_string());
    }
    let found: Vec<Value> = run["results"].as_array().cloned().unwrap_or_default();
    assert_eq!(found.len(), results, "{}", r.sarif);
    let mut located = 0;
    for result in &found {
        assert!(listed.contains(&result["ruleId"].as_str().unwrap_or("?")));
        assert!(result["partialFingerprints"]["airtightFinding/v1"].is_string());
        for l in result["locations"].as_array().into_iter().flatten() {
            let loc = &l["physicalLocation"];
            assert_eq!(
                loc["artifactLocation"]["uri"], policy,
                "located in the policy file: {result}"
            );
            assert!(loc["region"]["startLine"].as_u64().is_some_and(|n| n >= 1));
            located += 1;
        }
    }
    let annotations: Vec<&str> = r.github.lines().collect();
    assert_eq!(annotations.len(), located.max(found.len()), "{}", r.github);
    for a in &annotations {
        assert!(
            a.starts_with("::error ") || a.starts_with("::warning ") || a.starts_with("::notice "),
            "{a}"
        );
    }
    assert!(r.markdown.starts_with("## airtight ") || r.markdown.starts_with("### Who can"));
    found
}

#[test]
fn no_new_access_writes_every_format() {
    let out = scratch("nna");
    let dir = corpus("queries/seed001-deny-alias");
    // Dropping the Deny of the unqualified function grants new access (under legacy
    // authorization a call to the function with `Qualifier` passes).
    let r = every_format(
        &dir,
        &[
            "no-new-access",
            "deny-alias-and-function.json",
            "deny-alias-only.json",
        ],
        &out.0,
    );
    assert_eq!(r.exit, Some(1));
    let results = check_reports(
        &r,
        &["airtight/new-access", "airtight/unknown"],
        r.json["counterexamples"].as_array().map_or(0, Vec::len),
        "deny-alias-only.json",
    );
    assert!(!results.is_empty());
    assert_eq!(results[0]["level"], "error");
    assert!(
        r.github
            .starts_with("::error file=deny-alias-only.json,line="),
        "{}",
        r.github
    );
    assert!(r.markdown.contains("**VIOLATED**"), "{}", r.markdown);
    assert!(
        r.markdown.contains("```json\n{\"principal\":"),
        "{}",
        r.markdown
    );
}

#[test]
fn a_property_that_holds_gives_no_finding() {
    let out = scratch("holds");
    let dir = corpus("queries/seed001-deny-alias");
    let r = every_format(
        &dir,
        &[
            "no-new-access",
            "deny-alias-only.json",
            "deny-alias-and-function.json",
        ],
        &out.0,
    );
    assert_eq!(r.exit, Some(0));
    check_reports(&r, &["airtight/new-access", "airtight/unknown"], 0, "");
    assert!(r.github.is_empty());
    assert!(r.markdown.contains("**HOLDS**"), "{}", r.markdown);
}

#[test]
fn equiv_can_and_never_write_every_format() {
    let out = scratch("one-sided");
    let dir = corpus("queries/seed001-deny-alias");
    let alias = "arn:aws:lambda:us-west-2:123456789012:function:my-function:my-alias";
    let r = every_format(
        &dir,
        &[
            "equiv",
            "deny-alias-and-function.json",
            "deny-alias-only.json",
        ],
        &out.0,
    );
    assert_eq!(r.exit, Some(1));
    check_reports(
        &r,
        &["airtight/not-equivalent", "airtight/unknown"],
        r.json["counterexamples"].as_array().map_or(0, Vec::len),
        "deny-alias-only.json",
    );
    // `never`: the account root user is bound by no identity policy, so no statement is
    // responsible and the finding points at the policy file.
    let r = every_format(
        &dir,
        &[
            "never",
            "--identity",
            "deny-alias-only.json",
            "--action",
            "lambda:InvokeFunction",
            "--resource",
            alias,
        ],
        &out.0,
    );
    assert_eq!(r.exit, Some(1));
    let results = check_reports(
        &r,
        &["airtight/access-granted", "airtight/unknown"],
        1,
        "deny-alias-only.json",
    );
    assert!(results[0]["message"]["text"]
        .as_str()
        .is_some_and(|t| t.contains("root user")));
    // `can` with nothing allowed is the failing answer.
    let r = every_format(
        &dir,
        &[
            "can",
            "--identity",
            "deny-alias-only.json",
            "--action",
            "lambda:InvokeFunction",
            "--resource",
            alias,
            "--not-principal",
            "arn:aws:iam::123456789012:root",
            "--principal",
            "arn:aws:iam::123456789012:*",
        ],
        &out.0,
    );
    assert_eq!(r.exit, Some(1));
    let results = check_reports(
        &r,
        &["airtight/no-access", "airtight/unknown"],
        1,
        "deny-alias-only.json",
    );
    assert_eq!(results[0]["level"], "warning");
}

#[test]
fn deny_check_writes_every_format() {
    let out = scratch("deny-check");
    let dir = corpus("queries/seed001-deny-alias");
    let r = every_format(
        &dir,
        &[
            "deny-check",
            "--identity",
            "deny-alias-only.json",
            "--intent",
            "intent-prod.json",
        ],
        &out.0,
    );
    assert_eq!(r.exit, Some(1));
    let bypasses: usize = r.json["modes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| m["counterexamples"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(bypasses > 0);
    let results = check_reports(
        &r,
        &["airtight/deny-bypass", "airtight/unknown"],
        bypasses,
        "deny-alias-only.json",
    );
    assert!(results.iter().all(|r| r["message"]["text"]
        .as_str()
        .is_some_and(|t| t.contains("Qualifier=my-alias"))));
    assert!(
        r.markdown.contains("| legacy | violated |"),
        "{}",
        r.markdown
    );
}

#[test]
fn who_can_writes_every_format() {
    let out = scratch("who-can");
    let dir = corpus("worlds/seeds");
    let r = every_format(
        &dir,
        &[
            "who-can",
            "--world",
            ".",
            "--action",
            "lambda:InvokeFunction",
            "--resource",
            "arn:aws:lambda:us-west-2:123456789012:function:MyFunction",
        ],
        &out.0,
    );
    assert_eq!(r.exit, Some(0));
    let callers = r.json["can"].as_array().map_or(0, Vec::len);
    assert!(r.json["unknown"].as_array().is_some_and(Vec::is_empty));
    let sarif = &r.sarif["runs"][0];
    let results = sarif["results"].as_array().cloned().unwrap_or_default();
    assert!(callers > 0);
    assert_eq!(results.len(), callers, "one result per caller that can");
    for result in &results {
        assert_eq!(result["ruleId"], "airtight/who-can");
        for l in result["locations"].as_array().into_iter().flatten() {
            let uri = l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or("");
            assert!(dir.join(uri).is_file(), "{uri} is not a world file");
        }
    }
    let rule = &sarif["tool"]["driver"]["rules"][0];
    assert!(rule["helpUri"]
        .as_str()
        .is_some_and(|u| u.ends_with("docs/world.md#airtight-who-can")));
    assert_eq!(rule["properties"]["security-severity"], "2.0");
    assert!(
        r.github.lines().all(|l| l.starts_with("::notice ")),
        "{}",
        r.github
    );
    assert_eq!(r.github.lines().count(), results.len());
    assert_eq!(without_ms(&r.text), without_ms(&r.stdout_text));
}

#[test]
fn an_unwritable_output_is_bad_input() {
    let dir = corpus("queries/seed001-deny-alias");
    let o = run(
        &dir,
        &[
            "never",
            "--identity",
            "deny-alias-only.json",
            "--action",
            "lambda:GetFunction",
            "--resource",
            "arn:aws:lambda:us-west-2:123456789012:function:my-function",
            "--output",
            "sarif=/nonexistent/airtight/r.sarif",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("cannot write /nonexistent/airtight/r.sarif")
    );
    let o = run(
        &dir,
        &[
            "never",
            "--identity",
            "deny-alias-only.json",
            "--output",
            "pdf=x",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown format `pdf`"));
}
