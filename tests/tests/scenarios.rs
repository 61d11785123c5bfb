//! Data-driven end-to-end test: every `corpus/scenarios/<name>/cases.json` is a list of CLI runs
//! with their expected answers, checked by running the `airtight` binary.
//!
//! A case is either
//! `{"name", "args": [...], "request": "req.json", "expect": {"decision", "deciding": [labels]}}`
//! (exit 0, that decision, exactly that set of deciding statement labels) or
//! `{"name", "args": [...], "request": "req.json", "expect_error": true, "error_code"?: "code"}`
//! (exit 2 with an error diagnostic on stderr, of that code when given). Paths are relative to the scenario folder, where the binary runs.
//! `args` are `simulate` arguments; a leading `"simulate"` is accepted too.
//!
//! All cases run; failures are collected and reported together, each by scenario and name.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use airtight_tests::{describe, run, workspace_root};
use serde_json::Value;

#[test]
fn scenario_cases() {
    let files = case_files();
    assert!(
        !files.is_empty(),
        "no corpus/scenarios/*/cases.json found under {}",
        workspace_root().display()
    );
    let mut failures = Vec::new();
    let mut count = 0;
    for file in &files {
        let dir = file.parent().unwrap_or(Path::new("."));
        let scenario = dir
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let cases = match read_cases(file) {
            Ok(cases) => cases,
            Err(e) => {
                failures.push(format!("{scenario}: {e}"));
                continue;
            }
        };
        for case in &cases {
            count += 1;
            let name = case["name"].as_str().unwrap_or("<unnamed>");
            if let Err(e) = check(dir, case) {
                failures.push(format!("{scenario} / {name}: {e}"));
            }
        }
    }
    println!(
        "{count} scenario cases in {} scenarios, {} failed",
        files.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {count} scenario cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

fn case_files() -> Vec<PathBuf> {
    let root = workspace_root().join("corpus/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path().join("cases.json"))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn read_cases(file: &Path) -> Result<Vec<Value>, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not valid JSON: {e}", file.display()))?;
    value["cases"]
        .as_array()
        .cloned()
        .ok_or_else(|| format!("{} has no `cases` list", file.display()))
}

/// The full command line of a case, without `--format`.
fn command_line(case: &Value) -> Result<Vec<String>, String> {
    let mut args: Vec<String> = case["args"]
        .as_array()
        .ok_or("the case has no `args` list")?
        .iter()
        .map(|a| {
            a.as_str()
                .map(str::to_string)
                .ok_or("`args` must hold strings")
        })
        .collect::<Result<_, _>>()?;
    if args.first().map(String::as_str) != Some("simulate") {
        args.insert(0, "simulate".into());
    }
    let request = case["request"]
        .as_str()
        .ok_or("the case has no `request`")?;
    args.extend(["--request".into(), request.into()]);
    Ok(args)
}

fn check(dir: &Path, case: &Value) -> Result<(), String> {
    let args = command_line(case)?;
    let mut json_args: Vec<&str> = args.iter().map(String::as_str).collect();
    json_args.extend(["--format", "json"]);
    let output = run(dir, &json_args);
    let shown = || format!("`airtight {}`\n{}", json_args.join(" "), describe(&output));

    if case["expect_error"].as_bool() == Some(true) {
        if output.status.code() != Some(2) {
            return Err(format!("expected exit code 2 (bad input)\n{}", shown()));
        }
        if !String::from_utf8_lossy(&output.stderr).contains("error") {
            return Err(format!(
                "expected an error diagnostic on stderr\n{}",
                shown()
            ));
        }
        if let Some(code) = case["error_code"].as_str() {
            if !String::from_utf8_lossy(&output.stderr).contains(&format!("error[{code}]")) {
                return Err(format!("expected error[{code}]\n{}", shown()));
            }
        }
        return Ok(());
    }

    let expect = &case["expect"];
    let want_decision = expect["decision"]
        .as_str()
        .ok_or("the case has neither `expect.decision` nor `expect_error`")?;
    let want_deciding: BTreeSet<&str> = expect["deciding"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if output.status.code() != Some(0) {
        return Err(format!("expected exit code 0\n{}", shown()));
    }
    let result: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("stdout is not JSON: {e}\n{}", shown()))?;
    let decision = result["decision"].as_str().unwrap_or("<missing>");
    let deciding: BTreeSet<&str> = result["deciding"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["statement"].as_str()).collect())
        .unwrap_or_default();
    if decision != want_decision || deciding != want_deciding {
        return Err(format!(
            "expected {want_decision} by {want_deciding:?}, got {decision} by {deciding:?} (reason: {})\n`airtight {}`",
            result["reason"].as_str().unwrap_or(""),
            json_args.join(" ")
        ));
    }

    // The text report of the same run must succeed too.
    let text_args: Vec<&str> = args.iter().map(String::as_str).collect();
    let text = run(dir, &text_args);
    if text.status.code() != Some(0) || text.stdout.is_empty() {
        return Err(format!("the text report failed\n{}", describe(&text)));
    }
    Ok(())
}
