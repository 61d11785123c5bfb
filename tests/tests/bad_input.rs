//! End-to-end tests of bad and hostile input: every malformed file is reported with a
//! diagnostic and exit code 2, warnings do not fail, and nothing crashes (a crash would show as
//! a process killed by a signal, i.e. no exit code). No timing assertions.

use std::path::{Path, PathBuf};
use std::process::Output;

use airtight_tests::{describe, run};

const REQUEST: &str = r#"{
  "principal": "arn:aws:iam::111122223333:role/app",
  "action": "lambda:InvokeFunction",
  "resource": "arn:aws:lambda:us-east-1:111122223333:function:f"
}"#;

const ALLOW_INVOKE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{"Sid": "Invoke", "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"}]
}"#;

/// A fresh folder for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("bad_input")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    std::fs::write(dir.join("request.json"), REQUEST)
        .unwrap_or_else(|e| panic!("cannot write the request: {e}"));
    dir
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), bytes).unwrap_or_else(|e| panic!("cannot write {name}: {e}"));
}

/// Runs `simulate` with `policy` as the identity policy.
fn simulate_identity(test: &str, policy: impl AsRef<[u8]>) -> Output {
    let dir = scratch(test);
    write(&dir, "policy.json", policy);
    run(
        &dir,
        &[
            "simulate",
            "--request",
            "request.json",
            "--identity",
            "policy.json",
        ],
    )
}

/// Exit code 2, and stderr holds an error diagnostic with `code` that names the file.
#[track_caller]
fn assert_rejected(output: &Output, code: &str, file: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "expected exit code 2\n{}",
        describe(output)
    );
    assert!(
        stderr.contains(&format!("error[{code}]")),
        "expected error[{code}] on stderr\n{}",
        describe(output)
    );
    assert!(
        stderr.contains(file),
        "expected the diagnostic to name `{file}`\n{}",
        describe(output)
    );
    assert!(
        output.stdout.is_empty(),
        "no result may be printed for bad input\n{}",
        describe(output)
    );
}

#[test]
fn invalid_version() {
    let out = simulate_identity(
        "invalid_version",
        ALLOW_INVOKE.replace("2012-10-17", "2020-07-20"),
    );
    assert_rejected(&out, "invalid-version", "policy.json:2:");
}

#[test]
fn duplicate_keys() {
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Effect": "Deny", "Action": "*", "Resource": "*"}]}"#;
    let out = simulate_identity("duplicate_keys", policy);
    assert_rejected(&out, "duplicate-key", "policy.json:1:");
}

#[test]
fn unknown_operator() {
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
      "Condition": {"StringEqualz": {"aws:SourceVpc": "vpc-1"}}}]}"#;
    let out = simulate_identity("unknown_operator", policy);
    assert_rejected(&out, "unknown-operator", "policy.json:2:");
}

#[test]
fn action_and_not_action() {
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "iam:*", "Resource": "*"}]}"#;
    let out = simulate_identity("action_and_not_action", policy);
    assert_rejected(&out, "conflicting-elements", "policy.json:1:");
}

#[test]
fn missing_effect() {
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Action": "*", "Resource": "*"}]}"#;
    let out = simulate_identity("missing_effect", policy);
    assert_rejected(&out, "missing-effect", "policy.json:1:");
}

#[test]
fn malformed_cidr() {
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
      "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/33"}}}]}"#;
    let out = simulate_identity("malformed_cidr", policy);
    assert_rejected(&out, "malformed-value", "policy.json:2:");
}

#[test]
fn empty_file() {
    let out = simulate_identity("empty_file", "");
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("policy.json"),
        "{}",
        describe(&out)
    );
}

#[test]
fn non_utf8_bytes() {
    let mut bytes = ALLOW_INVOKE.as_bytes().to_vec();
    let at = ALLOW_INVOKE.find("Invoke").unwrap_or(0);
    bytes.splice(at..at, [0xC3, 0x28]);
    let out = simulate_identity("non_utf8_bytes", bytes);
    assert_rejected(&out, "invalid-utf8", "policy.json:3:");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("file is not valid UTF-8"),
        "{}",
        describe(&out)
    );
}

#[test]
fn very_deep_nesting() {
    let depth = 100_000;
    let policy = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let out = simulate_identity("very_deep_nesting", &policy);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let deep_object = format!(
        r#"{{"Version": "2012-10-17", "Statement": {}{}}}"#,
        r#"{"a":"#.repeat(depth),
        "}".repeat(depth)
    );
    let out = simulate_identity("very_deep_nesting_objects", &deep_object);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
}

#[test]
fn ten_megabyte_policy() {
    let statement = r#"{"Effect": "Allow", "Action": ["lambda:GetFunction", "lambda:ListTags"], "Resource": "arn:aws:lambda:us-east-1:111122223333:function:fn-NNNNNN"}"#;
    let mut policy = String::from(r#"{"Version": "2012-10-17", "Statement": ["#);
    let mut i = 0;
    while policy.len() < 10 * 1024 * 1024 {
        if i > 0 {
            policy.push_str(",\n");
        }
        policy.push_str(&statement.replace("NNNNNN", &format!("{i:06}")));
        i += 1;
    }
    policy.push_str(&format!(",\n{}\n]}}", ALLOW_INVOKE_STATEMENT));
    let out = simulate_identity("ten_megabyte_policy", &policy);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("ALLOW"),
        "{}",
        describe(&out)
    );
}

const ALLOW_INVOKE_STATEMENT: &str =
    r#"{"Sid": "Invoke", "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"}"#;

#[test]
fn missing_file() {
    let dir = scratch("missing_file");
    let out = run(
        &dir,
        &[
            "simulate",
            "--request",
            "request.json",
            "--identity",
            "nope.json",
        ],
    );
    assert_rejected(&out, "unreadable-file", "nope.json");
}

#[test]
fn bad_request_file() {
    let dir = scratch("bad_request_file");
    write(&dir, "policy.json", ALLOW_INVOKE);
    write(
        &dir,
        "bad-request.json",
        r#"{"action": "InvokeFunction", "resource": "*", "colour": "red"}"#,
    );
    let out = run(
        &dir,
        &[
            "simulate",
            "--request",
            "bad-request.json",
            "--identity",
            "policy.json",
        ],
    );
    assert_rejected(&out, "invalid-request", "bad-request.json:1:");
}

#[test]
fn wrong_policy_kind() {
    let dir = scratch("wrong_policy_kind");
    let with_principal = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}"#;
    write(&dir, "policy.json", with_principal);
    let out = run(
        &dir,
        &[
            "simulate",
            "--request",
            "request.json",
            "--identity",
            "policy.json",
        ],
    );
    assert_rejected(&out, "principal-not-allowed", "policy.json:1:");
    // The same file is fine as a resource-based policy.
    let out = run(
        &dir,
        &[
            "simulate",
            "--request",
            "request.json",
            "--resource-policy",
            "policy.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
}

#[test]
fn all_files_are_reported_at_once() {
    let dir = scratch("all_files_are_reported_at_once");
    write(
        &dir,
        "a.json",
        ALLOW_INVOKE.replace("2012-10-17", "2020-07-20"),
    );
    write(
        &dir,
        "b.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Action": "*", "Resource": "*"}]}"#,
    );
    let out = run(
        &dir,
        &[
            "simulate",
            "--request",
            "request.json",
            "--identity",
            "a.json",
            "--scp",
            "b.json",
        ],
    );
    assert_rejected(&out, "invalid-version", "a.json");
    assert_rejected(&out, "missing-effect", "b.json");
}

#[test]
fn warnings_do_not_fail() {
    // Without `Version`, `${...}` is literal text: a warning, not an error.
    let policy = r#"{"Statement": [{"Sid": "Invoke", "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:*:*:function:${aws:username}"}]}"#;
    let out = simulate_identity("warnings_do_not_fail", policy);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("warning[literal-policy-variable]"),
        "{}",
        describe(&out)
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = scratch("usage_errors_exit_2");
    let out = run(&dir, &["simulate", "--identity", "policy.json"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let out = run(
        &dir,
        &["simulate", "--request", "request.json", "--format", "yaml"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
}

#[test]
fn json_output_shape() {
    let dir = scratch("json_output_shape");
    write(&dir, "policy.json", ALLOW_INVOKE);
    let out = run(
        &dir,
        &[
            "simulate",
            "--request",
            "request.json",
            "--identity",
            "policy.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON: {e}\n{}", describe(&out)));
    assert_eq!(v["decision"], "allow");
    assert_eq!(
        v["deciding"],
        serde_json::json!([{"policy_type": "identity", "file": "policy.json", "statement": "Invoke", "index": 0, "effect": "Allow", "line": 3, "column": 17}])
    );
    assert_eq!(v["request"]["action"], "lambda:InvokeFunction");
    assert!(v["reason"].as_str().is_some_and(|r| !r.is_empty()));
}
