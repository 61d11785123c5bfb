//! `airtight lint` end to end: every check in `corpus/lint/expected.json` (the rule fixtures of
//! `corpus/lint/` and seed policies from `corpus/scenarios` and `corpus/queries`) gives exactly
//! its exit code and rule ids; every rule documented in `docs/rules.md` has a fixture that
//! triggers it and a fixed twin that is silent; every other corpus policy lints without a crash;
//! and one snapshot of the text rendering.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use airtight_tests::{describe, run, workspace_root};
use serde_json::Value;

fn corpus_lint() -> PathBuf {
    workspace_root().join("corpus/lint")
}

fn expected() -> Vec<Value> {
    let path = corpus_lint().join("expected.json");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let spec: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()));
    spec["checks"].as_array().cloned().unwrap_or_default()
}

/// Runs `lint --format json` in `corpus/lint`; returns the exit code, the rule ids and the
/// whole output for messages.
fn lint_json(args: &[&str]) -> (Option<i32>, Vec<String>, Value, String) {
    let mut argv = vec!["lint", "--format", "json"];
    argv.extend_from_slice(args);
    let output = run(&corpus_lint(), &argv);
    let value: Value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    let rules = value["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str().map(str::to_string))
        .collect();
    (output.status.code(), rules, value, describe(&output))
}

/// The rule ids with a section (`` ## `id` ``) in `docs/rules.md`.
fn documented_rules() -> Vec<String> {
    let docs = std::fs::read_to_string(workspace_root().join("docs/rules.md")).unwrap_or_default();
    docs.lines()
        .filter_map(|l| l.strip_prefix("## `"))
        .filter_map(|l| l.strip_suffix('`'))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_check_gives_exactly_its_rule_ids() {
    let checks = expected();
    assert!(checks.len() >= 20, "only {} checks", checks.len());
    let mut failures = Vec::new();
    for c in &checks {
        let file = c["file"].as_str().unwrap_or("?");
        let mut args = vec![file];
        if let Some(kind) = c["kind"].as_str() {
            args.extend(["--kind", kind]);
        }
        let (exit, rules, value, run) = lint_json(&args);
        let want: Vec<String> = c["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str().map(str::to_string))
            .collect();
        let mut problems = Vec::new();
        if exit != c["exit"].as_i64().map(|e| e as i32) {
            problems.push(format!("exit {exit:?}, expected {}", c["exit"]));
        }
        if rules != want {
            problems.push(format!("rules {rules:?}, expected {want:?}"));
        }
        for f in value["findings"].as_array().into_iter().flatten() {
            if f["file"] != file {
                problems.push(format!("finding in file {}", f["file"]));
            }
            let located = f["line"].as_u64().is_some_and(|l| l >= 1)
                && f["column"].as_u64().is_some_and(|c| c >= 1)
                && f["end_line"].as_u64() >= f["line"].as_u64();
            if !located || !f["message"].is_string() || !f["notes"].is_array() {
                problems.push(format!("malformed finding {f}"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{file}: {}\n{run}", problems.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} checks failed:\n\n{}",
        failures.len(),
        checks.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_rule_has_a_bad_fixture_and_a_silent_fix() {
    let checks = expected();
    let listed: BTreeSet<&str> = checks.iter().filter_map(|c| c["file"].as_str()).collect();
    let mut fixtures: Vec<String> = std::fs::read_dir(corpus_lint())
        .map(|it| {
            it.filter_map(Result::ok)
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter(|n| n.ends_with(".json") && n != "expected.json")
                .collect()
        })
        .unwrap_or_default();
    fixtures.sort();
    for f in &fixtures {
        assert!(
            listed.contains(f.as_str()),
            "corpus/lint/{f} is not in expected.json"
        );
        if let Some(stem) = f.strip_suffix(".bad.json") {
            let fixed = format!("{stem}.fixed.json");
            assert!(fixtures.contains(&fixed), "{f} has no {fixed}");
        }
    }
    let triggered: BTreeSet<&str> = checks
        .iter()
        .filter(|c| c["file"].as_str().is_some_and(|f| f.ends_with(".bad.json")))
        .flat_map(|c| c["rules"].as_array().into_iter().flatten())
        .filter_map(Value::as_str)
        .collect();
    let documented = documented_rules();
    assert!(documented.len() >= 7, "{documented:?}");
    for rule in &documented {
        assert!(
            triggered.contains(rule.as_str()),
            "no *.bad.json in corpus/lint triggers `{rule}`"
        );
        assert!(
            fixtures
                .iter()
                .any(|f| f.starts_with(rule.trim_start_matches("lambda-"))),
            "no fixture named after `{rule}`"
        );
    }
}

#[test]
fn many_files_are_reported_together() {
    let checks: Vec<Value> = expected()
        .into_iter()
        .filter(|c| c.get("kind").is_none())
        .filter(|c| c["file"].as_str().is_some_and(|f| f.ends_with(".bad.json")))
        .collect();
    let bad: Vec<String> = checks
        .iter()
        .filter_map(|c| c["file"].as_str().map(str::to_string))
        .collect();
    let expected_findings: usize = checks
        .iter()
        .map(|c| c["rules"].as_array().map_or(0, Vec::len))
        .sum();
    let args: Vec<&str> = bad.iter().map(String::as_str).collect();
    let (exit, rules, value, run) = lint_json(&args);
    // `invalid-version.bad.json` does not parse, so the whole run is bad input.
    assert_eq!(exit, Some(2), "{run}");
    assert_eq!(rules.len(), expected_findings, "{run}");
    let files: Vec<&str> = value["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["file"].as_str())
        .collect();
    let mut distinct = files.clone();
    distinct.dedup();
    assert_eq!(distinct, args, "files in the order given");
}

/// Policy files of the scenario and query corpus: every `*.json` that is not a request, an
/// intent or an expectation file.
fn corpus_policies() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for top in ["corpus/scenarios", "corpus/queries"] {
        let dirs = std::fs::read_dir(workspace_root().join(top))
            .map(|it| {
                it.filter_map(Result::ok)
                    .map(|e| e.path())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        for dir in dirs {
            let files = std::fs::read_dir(&dir)
                .map(|it| {
                    it.filter_map(Result::ok)
                        .map(|e| e.path())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            out.extend(files.into_iter().filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                name.ends_with(".json")
                    && !name.starts_with("req")
                    && !name.starts_with("intent")
                    && !matches!(name, "cases.json" | "queries.json" | "expected.json")
            }));
        }
    }
    out.sort();
    out
}

#[test]
fn every_corpus_policy_lints_without_a_crash() {
    let policies = corpus_policies();
    assert!(policies.len() >= 20, "only {} policies", policies.len());
    let args: Vec<String> = policies.iter().map(|p| p.display().to_string()).collect();
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let (exit, rules, _, run) = lint_json(&argv);
    assert!(matches!(exit, Some(0..=2)), "{run}");
    // The two seed policies copied verbatim from AWS pages do not parse.
    assert!(rules.iter().any(|r| r == "invalid-version"), "{run}");
    assert!(rules.iter().any(|r| r == "json-syntax"), "{run}");
    let documented = documented_rules();
    let parser_codes = ["invalid-version", "json-syntax"];
    for r in &rules {
        assert!(
            documented.contains(r) || parser_codes.contains(&r.as_str()),
            "undocumented rule `{r}` in the corpus\n{run}"
        );
    }
}

#[test]
fn text_rendering_of_the_bad_fixtures() {
    let output = run(
        &corpus_lint(),
        &[
            "lint",
            "deny-in-permission-policy.bad.json",
            "source-function-arn-in-resource-policy.bad.json",
            "source-function-arn-qualified.bad.json",
            "service-principal-without-source.bad.json",
            "function-prefix-wildcard.bad.json",
            "deny-qualified-only.bad.json",
            "invalid-version.bad.json",
            "../queries/seed001-deny-alias/deny-all-versions.json",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(output.stderr.is_empty(), "{}", describe(&output));
    insta::assert_snapshot!("bad_fixtures_text", String::from_utf8_lossy(&output.stdout));
}

#[test]
fn usage_errors_and_unreadable_files_are_bad_input() {
    let dir: &Path = &corpus_lint();
    let none = run(dir, &["lint"]);
    assert_eq!(none.status.code(), Some(2), "{}", describe(&none));
    let bad_kind = run(
        dir,
        &["lint", "--kind", "bucket", "invalid-version.fixed.json"],
    );
    assert_eq!(bad_kind.status.code(), Some(2), "{}", describe(&bad_kind));
    let (exit, rules, value, run) =
        lint_json(&["no-such-file.json", "deny-qualified-only.bad.json"]);
    assert_eq!(exit, Some(2), "{run}");
    assert_eq!(
        rules,
        ["unreadable-file", "lambda-deny-qualified-only"],
        "{run}"
    );
    assert!(value["findings"][0]["line"].is_null(), "{run}");
}
