//! `airtight diff` end to end: the corpus pairs with their expected verdicts
//! (`corpus/diff/*/expected.json`), snapshots of every output format, the SARIF 2.1.0
//! structure GitHub code scanning requires, `--git` on a repository built here, `--fail-on`,
//! and bad input.

use std::path::{Path, PathBuf};
use std::process::Command;

use airtight_tests::{describe, run, workspace_root};
use serde_json::Value;

fn corpus_diff() -> PathBuf {
    workspace_root().join("corpus/diff")
}

fn json_out(dir: &Path, args: &[&str]) -> (Option<i32>, Value, String) {
    let mut argv = args.to_vec();
    argv.extend(["--format", "json"]);
    let output = run(dir, &argv);
    let value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (output.status.code(), value, describe(&output))
}

#[test]
fn corpus_pairs_have_their_expected_verdicts() {
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus_diff())
        .map(|it| it.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    dirs.sort();
    for dir in dirs.iter().filter(|d| d.join("expected.json").is_file()) {
        let text = std::fs::read_to_string(dir.join("expected.json")).unwrap_or_default();
        let spec: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let args: Vec<&str> = spec["args"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let (code, out, log) = json_out(dir, &args);
        let name = dir.display();
        if code != spec["exit"].as_i64().map(|c| c as i32) {
            failures.push(format!(
                "{name}: exit {code:?}, expected {}\n{log}",
                spec["exit"]
            ));
        }
        let files = out["files"].as_array().cloned().unwrap_or_default();
        let expected = spec["verdicts"].as_object().cloned().unwrap_or_default();
        if files.len() != expected.len() {
            failures.push(format!(
                "{name}: {} files reported, {} expected",
                files.len(),
                expected.len()
            ));
        }
        for (path, verdict) in &expected {
            let got = files.iter().find(|f| f["path"] == path.as_str());
            match got {
                Some(f) if &f["verdict"] == verdict => {}
                other => failures.push(format!(
                    "{name}: {path}: got {:?}, expected {verdict}",
                    other.map(|f| f["verdict"].clone())
                )),
            }
            checked += 1;
        }
        // Every example goes the way its list says, and names the statement responsible.
        for f in &files {
            for (list, old, new) in [
                ("new_access", "allow", true),
                ("removed_access", "allow", false),
            ] {
                for cx in f[list].as_array().into_iter().flatten() {
                    let left_allows = cx["left"]["decision"] == old;
                    let right_allows = cx["right"]["decision"] == old;
                    if left_allows == new || right_allows != new {
                        failures.push(format!(
                            "{name}: {}: {list} example goes the wrong way: {cx}",
                            f["path"]
                        ));
                    }
                    if cx["request"]["action"].as_str().is_none() || cx["statement"].is_null() {
                        failures.push(format!("{name}: {}: incomplete example {cx}", f["path"]));
                    }
                }
            }
        }
    }
    assert!(checked >= 6, "only {checked} verdicts checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn stdout(dir: &Path, args: &[&str]) -> String {
    let output = run(dir, args);
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn every_format_renders_the_lambda_team_change() {
    let dir = corpus_diff().join("lambda-team");
    for format in ["text", "json", "sarif", "github", "markdown"] {
        let out = stdout(&dir, &["diff", "old", "new", "--format", format]);
        insta::assert_snapshot!(format!("lambda_team_{format}"), out);
    }
}

/// A real edit of an AWS managed policy (the first pair of the shared history: X-Ray sampling
/// actions added to AWSElasticBeanstalkWebTier), in every format. Skipped without the corpus.
#[test]
fn every_format_renders_a_real_managed_policy_edit() {
    let Some(corpus) = airtight_tests::shared_corpus() else {
        eprintln!("../shared/corpus is absent: skipped");
        return;
    };
    let text =
        std::fs::read_to_string(corpus.join("aws-managed-history.jsonl")).unwrap_or_default();
    let Some(first) = text
        .lines()
        .next()
        .and_then(|l| serde_json::from_str::<Value>(l).ok())
    else {
        panic!("the history has no readable first line");
    };
    let tmp = TempDir::new("history");
    for side in ["old", "new"] {
        std::fs::create_dir_all(tmp.0.join(side)).ok();
        let policy = serde_json::to_string_pretty(&first[side]).unwrap_or_default();
        std::fs::write(
            tmp.0.join(side).join("AWSElasticBeanstalkWebTier.json"),
            policy,
        )
        .ok();
    }
    for format in ["text", "json", "sarif", "github", "markdown"] {
        let out = stdout(&tmp.0, &["diff", "old", "new", "--format", format]);
        insta::assert_snapshot!(format!("managed_history_first_pair_{format}"), out);
    }
}

#[test]
fn get_policy_dumps_render_with_patterns_as_written() {
    let dir = corpus_diff().join("get-policy-dumps");
    let out = stdout(&dir, &["diff", "old", "new", "--format", "markdown"]);
    assert!(
        out.contains("now allows `lambda:InvokeFunction` on `arn:aws:lambda:us-east-1:123456789012:function:app-thumbnails`"),
        "{out}"
    );
    assert!(!out.contains("\\\""), "{out}");
}

#[test]
fn the_scp_change_renders_as_text() {
    let dir = corpus_diff().join("scp-guardrail");
    let out = stdout(&dir, &["diff", "--kind", "scp", "old", "new"]);
    insta::assert_snapshot!("scp_guardrail_text", out);
}

/// The parts of SARIF 2.1.0 that the schema requires and GitHub code scanning reads.
fn check_sarif(sarif: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut need = |ok: bool, what: &str| {
        if !ok {
            problems.push(what.to_string());
        }
    };
    need(sarif["version"] == "2.1.0", "version is 2.1.0");
    need(
        sarif["$schema"]
            .as_str()
            .is_some_and(|s| s.contains("sarif-2.1.0")),
        "$schema",
    );
    let runs = sarif["runs"].as_array().cloned().unwrap_or_default();
    need(runs.len() == 1, "one run");
    for run in &runs {
        let driver = &run["tool"]["driver"];
        need(driver["name"].as_str().is_some(), "tool.driver.name");
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        need(!rules.is_empty(), "rules");
        let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
        need(ids.len() == rules.len(), "every rule has an id");
        for r in &rules {
            need(
                r["shortDescription"]["text"].is_string(),
                "rule shortDescription.text",
            );
            need(
                matches!(
                    r["defaultConfiguration"]["level"].as_str(),
                    Some("error" | "warning" | "note" | "none")
                ),
                "rule level",
            );
        }
        for result in run["results"].as_array().into_iter().flatten() {
            need(result["message"]["text"].is_string(), "result.message.text");
            let id = result["ruleId"].as_str().unwrap_or("");
            let index = result["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
            need(ids.get(index) == Some(&id), "ruleIndex points at ruleId");
            need(
                matches!(
                    result["level"].as_str(),
                    Some("error" | "warning" | "note" | "none")
                ),
                "result level",
            );
            let locations = result["locations"].as_array().cloned().unwrap_or_default();
            need(!locations.is_empty(), "a location");
            for l in &locations {
                let p = &l["physicalLocation"];
                let uri = p["artifactLocation"]["uri"].as_str().unwrap_or("");
                need(
                    !uri.is_empty()
                        && !uri.starts_with('/')
                        && !uri.contains(':')
                        && !uri.contains(' '),
                    "relative, encoded uri",
                );
                need(
                    p["artifactLocation"]["uriBaseId"] == "%SRCROOT%",
                    "uriBaseId",
                );
                let region = &p["region"];
                let start = region["startLine"].as_u64().unwrap_or(0);
                need(start >= 1, "startLine >= 1");
                need(
                    region["endLine"].as_u64().unwrap_or(0) >= start,
                    "endLine >= startLine",
                );
                need(
                    region["startColumn"].as_u64().unwrap_or(0) >= 1,
                    "startColumn >= 1",
                );
            }
            let prints = result["partialFingerprints"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            need(
                !prints.is_empty() && prints.values().all(Value::is_string),
                "partialFingerprints",
            );
        }
    }
    problems
}

#[test]
fn sarif_has_the_required_structure() {
    let dir = corpus_diff().join("lambda-team");
    let out = stdout(&dir, &["diff", "old", "new", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&out).unwrap_or(Value::Null);
    let problems = check_sarif(&sarif);
    assert!(problems.is_empty(), "{problems:?}\n{out}");
    let results = sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let new_access: Vec<&Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "airtight/new-access")
        .collect();
    // invoke-role, s3-trigger, and what the added readers policy grants.
    assert!(new_access.len() >= 3, "{out}");
    // New access points at the action entry in NEW.
    assert!(
        new_access.iter().any(|r| {
            let p = &r["locations"][0]["physicalLocation"];
            p["artifactLocation"]["uri"] == "new/invoke-role.json" && p["region"]["startLine"] == 7
        }),
        "{out}"
    );
    // Fingerprints tell findings apart.
    let mut prints: Vec<String> = results
        .iter()
        .map(|r| r["partialFingerprints"].to_string())
        .collect();
    prints.sort();
    prints.dedup();
    assert_eq!(prints.len(), results.len());
}

#[test]
fn fail_on_chooses_what_fails() {
    let dir = corpus_diff().join("lambda-team");
    let code = |args: &[&str]| run(&dir, args).status.code();
    // Narrowing only: no new access.
    let narrowing = ["diff", "new/invoke-role.json", "old/invoke-role.json"];
    assert_eq!(code(&narrowing), Some(0));
    assert_eq!(
        code(&[&narrowing[..], &["--fail-on", "any-change"]].concat()),
        Some(1)
    );
    assert_eq!(code(&["diff", "old", "new", "--fail-on", "never"]), Some(0));
    assert_eq!(
        code(&[
            "diff",
            "old/deploy.json",
            "new/deploy.json",
            "--fail-on",
            "any-change"
        ]),
        Some(0)
    );
    let (c, out, log) = json_out(&dir, &narrowing);
    assert_eq!(c, Some(0), "{log}");
    assert_eq!(out["files"][0]["verdict"], "removed_access", "{log}");
    assert!(out["files"][0]["new_access"]
        .as_array()
        .is_some_and(Vec::is_empty));
}

#[test]
fn bad_input_is_reported_with_a_pointer_and_exit_2() {
    let tmp = TempDir::new("bad-input");
    std::fs::create_dir_all(tmp.0.join("old")).ok();
    std::fs::create_dir_all(tmp.0.join("new")).ok();
    let good = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"*"}]}"#;
    std::fs::write(tmp.0.join("old/p.json"), good).ok();
    std::fs::write(
        tmp.0.join("new/p.json"),
        "{\"Version\":\"2012-10-17\",\n\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\u{201c}lambda:*\",\"Resource\":\"*\"}]}",
    )
    .ok();
    let output = run(&tmp.0, &["diff", "old", "new"]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(err.contains("new/p.json:2:"), "{}", describe(&output));
    let (code, out, _) = json_out(&tmp.0, &["diff", "old", "new"]);
    assert_eq!(code, Some(2));
    assert_eq!(out["files"][0]["verdict"], "invalid");
    // A missing side and mixed kinds of paths are usage errors.
    assert_eq!(run(&tmp.0, &["diff", "old"]).status.code(), Some(2));
    assert_eq!(
        run(&tmp.0, &["diff", "old", "new/p.json"]).status.code(),
        Some(2)
    );
}

/// A directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("airtight-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).ok();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=airtight",
            "-c",
            "user.email=airtight@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output();
    match output {
        Ok(o) if o.status.success() => {}
        Ok(o) => panic!("git {args:?}: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => panic!("cannot run git: {e}"),
    }
}

#[test]
fn git_mode_reviews_the_last_commit() {
    let repo = TempDir::new("git");
    let dir = &repo.0;
    git(dir, &["init", "-q"]);
    std::fs::create_dir_all(dir.join("policies")).ok();
    let policy = |resource: &str| {
        format!(
            "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Sid\": \"Invoke\",\n      \"Effect\": \"Allow\",\n      \"Action\": \"lambda:InvokeFunction\",\n      \"Resource\": \"{resource}\"\n    }}\n  ]\n}}\n"
        )
    };
    std::fs::write(
        dir.join("policies/invoke.json"),
        policy("arn:aws:lambda:us-east-1:123456789012:function:app-*"),
    )
    .ok();
    std::fs::write(dir.join("README.md"), "not a policy\n").ok();
    std::fs::write(
        dir.join("package.json"),
        r#"{"name": "app", "version": "1.0.0"}"#,
    )
    .ok();
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "first"]);
    std::fs::write(
        dir.join("policies/invoke.json"),
        policy("arn:aws:lambda:us-east-1:123456789012:function:*"),
    )
    .ok();
    std::fs::write(dir.join("README.md"), "still not a policy\n").ok();
    std::fs::write(
        dir.join("package.json"),
        r#"{"name": "app", "version": "1.1.0"}"#,
    )
    .ok();
    git(dir, &["commit", "-q", "-am", "widen"]);

    let output = run(dir, &["diff", "--git", "HEAD~1..HEAD"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(
        text.contains("policies/invoke.json: grants new access"),
        "{text}"
    );
    assert!(text.contains("now allows `lambda:InvokeFunction` on `arn:aws:lambda:us-east-1:123456789012:function:*`"), "{text}");
    assert!(text.contains("HEAD:policies/invoke.json:7:"), "{text}");
    assert!(
        text.contains("\"action\":\"lambda:InvokeFunction\""),
        "{text}"
    );
    // A changed JSON file that is not a policy is left out, and said so.
    assert!(
        text.contains("skipped (not policies, templates or plans): package.json"),
        "{text}"
    );

    // From a subdirectory, with a path limit, as SARIF: URIs stay relative to the repository.
    let (code, out, log) = json_out(
        &dir.join("policies"),
        &["diff", "--git", "HEAD~1..HEAD", "."],
    );
    assert_eq!(code, Some(1), "{log}");
    assert_eq!(out["files"][0]["path"], "policies/invoke.json", "{log}");

    // Against the working tree: a reformatting is proved equivalent.
    std::fs::write(
        dir.join("policies/invoke.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Invoke","Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":["arn:aws:lambda:us-east-1:123456789012:function:*"]}]}"#,
    )
    .ok();
    let (code, out, log) = json_out(dir, &["diff", "--git", "HEAD"]);
    assert_eq!(code, Some(0), "{log}");
    assert_eq!(out["files"][0]["verdict"], "equivalent", "{log}");

    // A bad revision is bad input.
    assert_eq!(
        run(dir, &["diff", "--git", "nope..HEAD"]).status.code(),
        Some(2)
    );
}
