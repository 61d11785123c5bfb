//! Worlds (`docs/world.md`): `who-can` over `corpus/worlds/*/expected.json`, and a world with
//! problems reported with pointers.

use std::path::Path;

use airtight_tests::{describe, run, workspace_root};
use serde_json::Value;

fn worlds() -> std::path::PathBuf {
    workspace_root().join("corpus/worlds")
}

#[test]
fn who_can_names_the_expected_callers() {
    let mut checked = 0;
    for entry in std::fs::read_dir(worlds()).expect("corpus/worlds") {
        let dir = entry.expect("an entry").path();
        let expected = dir.join("expected.json");
        if !expected.is_file() {
            continue;
        }
        let spec: Value = serde_json::from_str(
            &std::fs::read_to_string(&expected).expect("expected.json is readable"),
        )
        .expect("expected.json is JSON");
        for q in spec["questions"].as_array().into_iter().flatten() {
            let name = q["name"].as_str().unwrap_or("?");
            let mut args = vec![
                "who-can".to_string(),
                "--world".into(),
                dir.display().to_string(),
                "--format".into(),
                "json".into(),
            ];
            args.extend(
                q["args"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a.as_str().map(str::to_string)),
            );
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let output = run(Path::new("."), &refs);
            assert_eq!(
                output.status.code(),
                Some(0),
                "{name}: {}",
                describe(&output)
            );
            let out: Value =
                serde_json::from_slice(&output.stdout).expect("who-can prints one JSON document");
            let mut got: Vec<&str> = out["can"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c["who"].as_str())
                .collect();
            got.sort();
            let mut want: Vec<&str> = q["can"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            want.sort();
            assert_eq!(got, want, "{name}");
            // Every example is a request allowed by the evaluator, for the caller it names.
            for c in out["can"].as_array().into_iter().flatten() {
                assert_eq!(c["example"]["decision"]["decision"], "allow", "{name}: {c}");
            }
            if let Some(conditions) = q["conditions"].as_object() {
                for (who, keys) in conditions {
                    let found = out["can"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .find(|c| c["who"] == who.as_str())
                        .unwrap_or_else(|| panic!("{name}: {who} not found"));
                    let got: Vec<String> = found["conditions"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|c| {
                            format!(
                                "{} = {}",
                                c["key"].as_str().unwrap_or(""),
                                c["value"].as_str().unwrap_or("")
                            )
                        })
                        .collect();
                    let want: Vec<String> = keys
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|k| k.as_str().map(str::to_string))
                        .collect();
                    assert_eq!(got, want, "{name}: conditions of {who}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} world questions");
}

#[test]
fn a_broken_world_is_reported_with_pointers() {
    let dir = worlds().join("broken");
    let output = run(
        Path::new("."),
        &[
            "who-can",
            "--world",
            &dir.display().to_string(),
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:lambda:us-west-2:123456789012:function:f",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(output.stdout.is_empty(), "{}", describe(&output));
    let err = String::from_utf8_lossy(&output.stderr);
    for want in [
        "error[missing-policy]: the policy `FullAWSAccess`",
        "org.json:1:33",
        "error[invalid-effect]",
        "gaad.json:27:107",
        "managed policy `arn:aws:iam::123456789012:policy/Gone`",
    ] {
        assert!(err.contains(want), "missing `{want}` in:\n{err}");
    }
}

#[test]
fn a_folder_that_is_not_a_world_is_bad_input() {
    let output = run(
        Path::new("."),
        &[
            "who-can",
            "--world",
            "/nonexistent/airtight/world",
            "--action",
            "lambda:InvokeFunction",
            "--resource",
            "arn:aws:lambda:us-west-2:123456789012:function:f",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("bad-world"));
}
