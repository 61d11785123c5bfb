//! `airtight lint` with a team's configuration, end to end: `airtight.toml` found upward and
//! its suppressions (with reasons, pointed errors without), baselines written and read back
//! (JSON and SARIF), `--fail-on`, and every format written by one run with `--output` (for
//! `diff` too, with `[diff] fail-on`).

use std::path::{Path, PathBuf};

use airtight_tests::{describe, run};
use serde_json::Value;

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("airtight-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("policies/web")).expect("scratch dir");
    Scratch(dir)
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write");
}

const PUBLIC: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "PublicRead", "Effect": "Allow",
  "Principal": "*", "Action": "lambda:InvokeFunction",
  "Resource": "arn:aws:lambda:us-east-1:111122223333:function:site"}]}"#;
const TYPO: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow",
  "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::reports/*"}]}"#;

#[test]
fn suppressions_need_a_reason_and_are_reported() {
    let dir = scratch("lint-suppress");
    let root = &dir.0;
    write(&root.join("policies/web/site.json"), PUBLIC);
    write(
        &root.join("airtight.toml"),
        "[[suppress]]\nrule = \"public-access\"\npath = \"policies/web/*.json\"\nsid = \"PublicRead\"\nreason = \"public by design (SEC-1)\"\n",
    );
    // Found from a subfolder, paths relative to the file's folder.
    let out = run(&root.join("policies"), &["lint", "web/site.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("suppressed: public-access in web/site.json (statement PublicRead): public by design (SEC-1)"),
        "{text}"
    );
    assert!(text.contains("(1 suppressed)"), "{text}");

    write(
        &root.join("airtight.toml"),
        "[[suppress]]\nrule = \"public-access\"\n",
    );
    let out = run(root, &["lint", "policies/web/site.json"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error[config-missing-reason]"), "{err}");
    assert!(err.contains("airtight.toml:1:1"), "{err}");
    assert!(out.stdout.is_empty(), "{}", describe(&out));
}

#[test]
fn a_baseline_lets_only_new_findings_fail() {
    let dir = scratch("lint-baseline");
    let root = &dir.0;
    write(&root.join("policies/site.json"), PUBLIC);
    for baseline in ["base.json", "base.sarif"] {
        let out = run(
            root,
            &[
                "lint",
                "policies/site.json",
                "--baseline",
                baseline,
                "--write-baseline",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        let out = run(
            root,
            &["lint", "policies/site.json", "--baseline", baseline],
        );
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("(1 in the baseline)"),
            "{}",
            describe(&out)
        );
    }
    // Reformatting and moving the statement keeps the finding in the baseline.
    write(
        &root.join("policies/site.json"),
        &format!("\n\n{}", PUBLIC.replace(", ", ",\n    ")),
    );
    let out = run(
        root,
        &["lint", "policies/site.json", "--baseline", "base.json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    // A new finding fails, and only it is shown.
    write(&root.join("policies/read.json"), TYPO);
    let out = run(
        root,
        &[
            "lint",
            "--format",
            "json",
            "policies/site.json",
            "policies/read.json",
            "--baseline",
            "base.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert_eq!(rules, ["unknown-action"], "{v}");
    assert_eq!(v["baselined"], 1);
    // --fail-on never passes; a bad baseline is bad input.
    let out = run(root, &["lint", "policies/read.json", "--fail-on", "never"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    write(&root.join("bad.json"), "[1, 2]");
    let out = run(
        root,
        &["lint", "policies/read.json", "--baseline", "bad.json"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
}

#[test]
fn one_run_writes_every_format() {
    let dir = scratch("lint-outputs");
    let root = &dir.0;
    write(&root.join("policies/site.json"), PUBLIC);
    write(&root.join("policies/read.json"), TYPO);
    let out = run(
        root,
        &[
            "lint",
            "policies/site.json",
            "policies/read.json",
            "--format",
            "github",
            "--output",
            "sarif=out/lint.sarif",
            "--output",
            "markdown=lint.md",
            "--output",
            "json=lint.json",
            "--output",
            "text=lint.txt",
        ],
    );
    // `out/` does not exist: the run says so and fails.
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    std::fs::create_dir_all(root.join("out")).expect("out dir");
    let out = run(
        root,
        &[
            "lint",
            "policies/site.json",
            "policies/read.json",
            "--format",
            "github",
            "--output",
            "sarif=out/lint.sarif",
            "--output",
            "markdown=lint.md",
            "--output",
            "json=lint.json",
            "--output",
            "text=lint.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("::warning file=policies/site.json,line=2,col=16")
            && stdout.contains("title=airtight public-access::"),
        "{stdout}"
    );
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_default();
    let sarif: Value = serde_json::from_str(&read("out/lint.sarif")).unwrap_or(Value::Null);
    assert_eq!(sarif["version"], "2.1.0");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let public = rules
        .iter()
        .find(|r| r["id"] == "public-access")
        .cloned()
        .unwrap_or(Value::Null);
    assert!(
        public["helpUri"]
            .as_str()
            .is_some_and(|u| u.ends_with("docs/rules.md#public-access")),
        "{public}"
    );
    assert!(
        public["properties"]["security-severity"].is_string(),
        "{public}"
    );
    assert!(public["help"]["markdown"]
        .as_str()
        .is_some_and(|h| h.contains("### Fix")));
    let results = sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(results.len(), 2, "{sarif}");
    assert!(results[0]["partialFingerprints"]["airtightFinding/v1"].is_string());
    let md = read("lint.md");
    assert!(
        md.starts_with("<!-- airtight-lint -->\n## airtight lint"),
        "{md}"
    );
    assert!(md.contains("docs/rules.md#unknown-action"), "{md}");
    let json: Value = serde_json::from_str(&read("lint.json")).unwrap_or(Value::Null);
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(2));
    assert!(read("lint.txt").ends_with("2 warnings in 2 files\n"));
}

#[test]
fn diff_writes_every_format_in_one_run_too() {
    let dir = scratch("diff-outputs");
    let root = &dir.0;
    let narrow = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow",
  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}"#;
    let wide = narrow.replace("s3:GetObject", "s3:Get*");
    write(&root.join("old.json"), narrow);
    write(&root.join("new.json"), &wide);
    let out = run(
        root,
        &[
            "diff",
            "old.json",
            "new.json",
            "--format",
            "github",
            "--output",
            "sarif=diff.sarif",
            "--output",
            "markdown=diff.md",
            "--output",
            "json=diff.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("::error file=new.json"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_default();
    let sarif: Value = serde_json::from_str(&read("diff.sarif")).unwrap_or(Value::Null);
    let rule = &sarif["runs"][0]["tool"]["driver"]["rules"][0];
    assert_eq!(rule["properties"]["security-severity"], "8.0", "{rule}");
    assert!(rule["helpUri"].is_string());
    assert!(read("diff.md").starts_with("## airtight diff"));
    let json: Value = serde_json::from_str(&read("diff.json")).unwrap_or(Value::Null);
    assert!(json.is_object(), "{}", read("diff.json"));
    // `[diff] fail-on` in airtight.toml is the default of --fail-on.
    write(&root.join("airtight.toml"), "[diff]\nfail-on = \"never\"\n");
    let out = run(root, &["diff", "old.json", "new.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let out = run(
        root,
        &["diff", "old.json", "new.json", "--fail-on", "new-access"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
}
