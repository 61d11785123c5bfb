//! Runs every query in `corpus/queries/*/queries.json` through the CLI (`--format json`) and
//! checks the exit code, the result word and, for `deny-check`, the verdict per qualifier
//! authorization mode. Every counterexample the CLI prints has been certified by the evaluator;
//! this test also checks that each one carries a request in the request-JSON contract.

use std::path::Path;

use airtight_tests::{describe, run, workspace_root};
use serde_json::Value;

fn check_folder(dir: &Path, failures: &mut Vec<String>) -> usize {
    let text = std::fs::read_to_string(dir.join("queries.json")).unwrap_or_default();
    let Ok(spec) = serde_json::from_str::<Value>(&text) else {
        failures.push(format!("{}: queries.json is not valid JSON", dir.display()));
        return 0;
    };
    let queries = spec["queries"].as_array().cloned().unwrap_or_default();
    for q in &queries {
        let name = q["name"].as_str().unwrap_or("?");
        let mut args: Vec<String> = q["args"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        args.extend(["--format".to_string(), "json".to_string()]);
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = run(dir, &argv);
        let expect = &q["expect"];
        let out: Value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
        let mut problems = Vec::new();
        if output.status.code() != expect["exit"].as_i64().map(|c| c as i32) {
            problems.push(format!(
                "exit {:?}, expected {}",
                output.status.code(),
                expect["exit"]
            ));
        }
        if out["result"] != expect["result"] {
            problems.push(format!(
                "result {}, expected {}",
                out["result"], expect["result"]
            ));
        }
        if let Some(modes) = expect["modes"].as_object() {
            for (mode, want) in modes {
                let got = out["modes"]
                    .as_array()
                    .and_then(|ms| ms.iter().find(|m| m["lambda_auth"] == mode.as_str()))
                    .map(|m| m["result"].clone());
                if got.as_ref() != Some(want) {
                    problems.push(format!("{mode}: {got:?}, expected {want}"));
                }
            }
        }
        if let Some(needle) = expect["bypass_contains"].as_str() {
            if !out.to_string().contains(needle) {
                problems.push(format!("no bypass mentioning `{needle}`"));
            }
        }
        if let Some(needle) = expect["stderr_contains"].as_str() {
            if !String::from_utf8_lossy(&output.stderr).contains(needle) {
                problems.push(format!("stderr does not mention `{needle}`"));
            }
        }
        let examples: Vec<&Value> = out["counterexamples"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(
                out["modes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|m| m["counterexamples"].as_array().into_iter().flatten()),
            )
            .collect();
        for c in examples {
            let r = &c["request"];
            if !(r["principal"].is_string()
                && r["action"].is_string()
                && r["resource"].is_string()
                && r["context"].is_object())
            {
                problems.push(format!("counterexample without a contract request: {c}"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{} / {name}: {}\n{}",
                dir.display(),
                problems.join("; "),
                describe(&output)
            ));
        }
    }
    queries.len()
}

#[test]
fn every_corpus_query_gives_its_expected_answer() {
    let root = workspace_root().join("corpus/queries");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .map(|r| {
            r.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join("queries.json").is_file())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    assert!(
        !dirs.is_empty(),
        "no query folders under {}",
        root.display()
    );
    let mut failures = Vec::new();
    let mut count = 0;
    for d in &dirs {
        count += check_folder(d, &mut failures);
    }
    assert!(count >= 20, "only {count} queries found");
    assert!(
        failures.is_empty(),
        "{} of {count} queries failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
