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

fn seeds() -> String {
    worlds().join("seeds").display().to_string()
}

#[test]
fn deny_check_in_a_world_finds_the_role_by_name_and_counts_the_root_user() {
    let world = seeds();
    let holds = run(
        Path::new("."),
        &[
            "deny-check",
            "nobody but root and ops may invoke my-function alias my-alias",
            "--world",
            &world,
        ],
    );
    assert_eq!(holds.status.code(), Some(0), "{}", describe(&holds));
    let violated = run(
        Path::new("."),
        &[
            "deny-check",
            "nobody but ops may invoke my-function alias my-alias",
            "--world",
            &world,
            "--format",
            "json",
        ],
    );
    assert_eq!(violated.status.code(), Some(1), "{}", describe(&violated));
    let out: Value = serde_json::from_slice(&violated.stdout).expect("JSON");
    let principals: Vec<&str> = out["modes"][0]["counterexamples"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["request"]["principal"].as_str())
        .collect();
    assert_eq!(principals, ["arn:aws:iam::123456789012:root"], "{out}");
}

#[test]
fn never_and_can_in_a_world() {
    let world = seeds();
    let eagle = "arn:aws:lambda:us-west-2:123456789012:function:eagle-api";
    let never = run(
        Path::new("."),
        &[
            "never",
            "--world",
            &world,
            "--action",
            "lambda:DeleteFunction",
            "--resource",
            eagle,
        ],
    );
    assert_eq!(never.status.code(), Some(1), "{}", describe(&never));
    // Leaving out the eagle developer, the admins and the root user, nobody deletes it.
    let can = run(
        Path::new("."),
        &[
            "can",
            "--world",
            &world,
            "--action",
            "lambda:DeleteFunction",
            "--resource",
            eagle,
            "--not-principal",
            "arn:aws:iam::123456789012:role/eagle-developer",
            "--not-principal",
            "arn:aws:iam::123456789012:role/app",
            "--not-principal",
            "arn:aws:iam::123456789012:role/team/*",
            "--not-principal",
            "arn:aws:iam::123456789012:root",
        ],
    );
    assert_eq!(can.status.code(), Some(1), "{}", describe(&can));
}

#[test]
fn simulate_in_a_world_uses_the_callers_policies_and_tags() {
    let dir = std::env::temp_dir().join(format!("airtight-world-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let request = dir.join("req.json");
    std::fs::write(
        &request,
        r#"{"principal": "arn:aws:iam::123456789012:role/eagle-developer", "action": "lambda:InvokeFunction", "resource": "arn:aws:lambda:us-west-2:123456789012:function:falcon-api"}"#,
    )
    .expect("write");
    let world = seeds();
    let req = request.display().to_string();
    let eagle = run(
        Path::new("."),
        &[
            "simulate",
            "--world",
            &world,
            "--request",
            &req,
            "--format",
            "json",
        ],
    );
    assert_eq!(eagle.status.code(), Some(0), "{}", describe(&eagle));
    let out: Value = serde_json::from_slice(&eagle.stdout).expect("JSON");
    assert_eq!(out["decision"], "implicit_deny", "{out}");
    let falcon = run(
        Path::new("."),
        &[
            "simulate",
            "--world",
            &world,
            "--request",
            &req,
            "--principal",
            "arn:aws:iam::123456789012:role/falcon-developer",
            "--format",
            "json",
        ],
    );
    let out: Value = serde_json::from_slice(&falcon.stdout).expect("JSON");
    assert_eq!(out["decision"], "allow", "{out}");
    assert_eq!(
        out["request"]["context"]["aws:PrincipalTag/project-name"],
        "falcon"
    );
    let nobody = run(
        Path::new("."),
        &[
            "simulate",
            "--world",
            &world,
            "--request",
            &req,
            "--principal",
            "arn:aws:iam::123456789012:role/nobody",
        ],
    );
    assert_eq!(nobody.status.code(), Some(2), "{}", describe(&nobody));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Copies a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a folder");
    for entry in std::fs::read_dir(from).expect("a folder") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

#[test]
fn diff_of_two_worlds_compares_principals_and_resources() {
    let tmp = std::env::temp_dir().join(format!("airtight-world-diff-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let (old, new) = (tmp.join("old"), tmp.join("new"));
    copy_tree(&worlds().join("seeds"), &old);
    copy_tree(&worlds().join("seeds"), &new);
    let account = new.join("accounts/123456789012");
    // 1. The function policy drops its source-account condition: S3 gains access.
    let policy_path = account.join("lambda/policies/MyFunction.json");
    let text = std::fs::read_to_string(&policy_path).expect("read");
    let widened = text.replace(
        r#"\"StringEquals\": {\"AWS:SourceAccount\": \"123456789012\"}, "#,
        "",
    );
    assert_ne!(text, widened, "the fixture changed");
    std::fs::write(&policy_path, widened).expect("write");
    // 2. The ops role's one inline policy is split into two: nothing changes.
    let gaad_path = account.join("gaad.json");
    let mut gaad: Value =
        serde_json::from_str(&std::fs::read_to_string(&gaad_path).expect("read")).expect("JSON");
    let roles = gaad["RoleDetailList"].as_array_mut().expect("roles");
    let ops = roles
        .iter_mut()
        .find(|r| r["RoleName"] == "ops")
        .expect("the ops role");
    ops["RolePolicyList"] = serde_json::json!([
        {"PolicyName": "a", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:Invoke*", "Resource": "*"}]}},
        {"PolicyName": "b", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}]}}
    ]);
    std::fs::write(&gaad_path, gaad.to_string()).expect("write");
    let output = run(
        Path::new("."),
        &[
            "diff",
            &old.display().to_string(),
            &new.display().to_string(),
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let out: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let verdicts: Vec<(String, String)> = out["files"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["verdict"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        verdicts.contains(&(
            "arn:aws:lambda:us-west-2:123456789012:function:MyFunction (resource-based policy)"
                .into(),
            "new_access".into()
        )),
        "{verdicts:?}"
    );
    assert!(
        verdicts.contains(&(
            "arn:aws:iam::123456789012:role/team/ops (identity-based policies)".into(),
            "equivalent".into()
        )),
        "{verdicts:?}"
    );
    assert_eq!(verdicts.len(), 2, "{verdicts:?}");
    let _ = std::fs::remove_dir_all(&tmp);
}
