//! `airtight diff` over CloudFormation/SAM templates and Terraform plans (`docs/iac.md`): the
//! fixtures of `corpus/iac/` (S3 → Lambda, cross-account invoke, a function URL, ABAC roles, an
//! alias permission, a Terraform plan) with the verdict of each kind of change, a SAM template
//! widened in a fresh repository and reviewed with `--git`, renames, pointers into YAML, and the
//! problems a new user hit before templates were read.

use std::path::{Path, PathBuf};
use std::process::Command;

use airtight_tests::{describe, run, workspace_root};
use serde_json::Value;

fn corpus() -> PathBuf {
    workspace_root().join("corpus/iac")
}

fn json_out(dir: &Path, args: &[&str]) -> (Option<i32>, Value, String) {
    let mut argv = args.to_vec();
    argv.extend(["--format", "json"]);
    let output = run(dir, &argv);
    let value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (output.status.code(), value, describe(&output))
}

/// The entry whose path contains `needle`.
fn entry<'v>(out: &'v Value, needle: &str) -> Option<&'v Value> {
    out["files"]
        .as_array()?
        .iter()
        .find(|f| f["path"].as_str().is_some_and(|p| p.contains(needle)))
}

fn verdicts(out: &Value) -> Vec<(String, String)> {
    out["files"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["path"].as_str().unwrap_or("").to_string(),
                        f["verdict"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn dropping_a_condition_grants_new_access() {
    let (code, out, log) = json_out(
        &corpus(),
        &["diff", "s3-invoke/old.yaml", "s3-invoke/new.yaml"],
    );
    assert_eq!(code, Some(1), "{log}");
    let f = entry(&out, "function:thumbnail (resource-based policy)").expect(&log);
    assert_eq!(f["verdict"], "new_access", "{log}");
    let path = f["path"].as_str().unwrap_or("");
    assert!(path.contains("ThumbnailInvokePermission"), "{path}");
    let example = &f["new_access"][0];
    assert_eq!(example["request"]["principal"], "s3.amazonaws.com", "{log}");
    // The example has the account but not the bucket: any bucket of the account may invoke.
    assert_eq!(
        example["request"]["context"]["AWS:SourceAccount"], "123456789012",
        "{log}"
    );
    assert_eq!(example["statement"]["line"], 40, "{log}");
    // Nothing else changed: the role and its trust policy are counted as unchanged.
    assert_eq!(out["files"].as_array().map(Vec::len), Some(1), "{log}");
}

#[test]
fn widening_a_principal_grants_new_access() {
    let (code, out, log) = json_out(
        &corpus(),
        &["diff", "cross-account/old.json", "cross-account/new.json"],
    );
    assert_eq!(code, Some(1), "{log}");
    let f = entry(
        &out,
        "function:orders (resource-based policy) — Orders, PartnerInvoke",
    )
    .expect(&log);
    assert_eq!(f["verdict"], "new_access", "{log}");
    let principal = f["new_access"][0]["request"]["principal"]
        .as_str()
        .unwrap_or("");
    assert!(
        principal.starts_with("arn:aws:iam::111122223333:")
            && principal != "arn:aws:iam::111122223333:role/partner-invoker",
        "{log}"
    );
}

#[test]
fn a_public_function_url_is_new_access() {
    let (code, out, log) = json_out(
        &corpus(),
        &["diff", "function-url/old.yaml", "function-url/new.yaml"],
    );
    assert_eq!(code, Some(1), "{log}");
    let f = entry(&out, "ReportUrlPublicPermissions").expect(&log);
    assert_eq!(f["verdict"], "added", "{log}");
    let example = &f["new_access"][0]["request"];
    assert!(
        example["action"]
            .as_str()
            .is_some_and(|a| a.eq_ignore_ascii_case("lambda:InvokeFunctionUrl")),
        "{log}"
    );
    assert_eq!(
        example["context"]["lambda:FunctionUrlAuthType"], "NONE",
        "{log}"
    );
}

#[test]
fn a_statement_moved_between_inline_policies_is_equivalent() {
    let (code, out, log) = json_out(&corpus(), &["diff", "abac/old.yaml", "abac/new.yaml"]);
    assert_eq!(code, Some(0), "{log}");
    assert_eq!(
        verdicts(&out),
        vec![(
            "abac/new.yaml: arn:aws:iam::123456789012:role/teams/payments-dev (identity-based policies) — PaymentsDevRole".to_string(),
            "equivalent".to_string()
        )],
        "{log}"
    );
}

#[test]
fn moving_a_permission_from_the_alias_to_the_function() {
    let (code, out, log) = json_out(&corpus(), &["diff", "alias/old.yaml", "alias/new.yaml"]);
    assert_eq!(code, Some(1), "{log}");
    let function = entry(&out, "function:billing (resource-based policy)").expect(&log);
    assert_eq!(function["verdict"], "added", "{log}");
    let alias = entry(&out, "function:billing:live (resource-based policy)").expect(&log);
    assert_eq!(alias["verdict"], "removed", "{log}");
    assert_eq!(
        function["new_access"][0]["request"]["principal"], "events.amazonaws.com",
        "{log}"
    );
}

#[test]
fn a_terraform_plan_is_compared_before_and_after() {
    let (code, out, log) = json_out(&corpus(), &["diff", "--plan", "terraform/plan.json"]);
    assert_eq!(code, Some(1), "{log}");
    let permission = entry(&out, "function:ingest (resource-based policy)").expect(&log);
    assert_eq!(permission["verdict"], "new_access", "{log}");
    assert!(
        permission["path"]
            .as_str()
            .is_some_and(|p| p.contains("aws_lambda_permission.s3")),
        "{log}"
    );
    // The policy attached by an ARN known only after apply is found through the plan's
    // configuration.
    let role = entry(&out, "role/ingest-exec (identity-based policies)").expect(&log);
    assert_eq!(role["verdict"], "new_access", "{log}");
    assert_eq!(
        role["new_access"][0]["request"]["action"], "sqs:SendMessage",
        "{log}"
    );
    // The partner's alias permission did not change.
    assert!(entry(&out, "function:ingest:live").is_none(), "{log}");

    // Markdown names the Terraform addresses.
    let md = run(
        &corpus(),
        &[
            "diff",
            "--plan",
            "terraform/plan.json",
            "--format",
            "markdown",
        ],
    );
    let text = String::from_utf8_lossy(&md.stdout);
    assert!(text.contains("aws_lambda_permission.s3"), "{text}");
    assert!(
        text.contains("aws_iam_role_policy_attachment.publish"),
        "{text}"
    );

    // A file that is not a plan is bad input.
    let output = run(&corpus(), &["diff", "--plan", "alias/old.yaml"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("not a Terraform plan"),
        "{}",
        describe(&output)
    );
}

/// A directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("airtight-iac-{name}-{}", std::process::id()));
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
            "-c",
            "init.defaultBranch=main",
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

const SAM: &str = "AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Description: the orders service

Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: orders
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      AutoPublishAlias: live
      Policies:
        - DynamoDBCrudPolicy:
            TableName: orders

  PartnerInvokePermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref OrdersFunctionAliaslive
      Action: lambda:InvokeFunction
      Principal: PRINCIPAL
";

#[test]
fn a_widened_sam_permission_in_a_pull_request() {
    let repo = TempDir::new("sam");
    let dir = &repo.0;
    git(dir, &["init", "-q"]);
    let write = |principal: &str| {
        std::fs::write(
            dir.join("template.yaml"),
            SAM.replace("PRINCIPAL", principal),
        )
        .ok();
    };
    write("arn:aws:iam::111122223333:role/partner");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "partner may invoke"]);
    write("'111122223333'");
    git(
        dir,
        &[
            "commit",
            "-q",
            "-am",
            "the partner's whole account may invoke",
        ],
    );

    let output = run(dir, &["diff", "--git", "HEAD~1..HEAD"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    // One screen: who gains what, where, with a certified example request.
    assert!(text.lines().count() < 40, "{text}");
    assert!(
        text.contains("template.yaml: arn:aws:lambda:us-east-1:123456789012:function:orders:live (resource-based policy) — OrdersFunctionAliaslive, PartnerInvokePermission: grants new access"),
        "{text}"
    );
    assert!(
        text.contains("new access (statement PartnerInvokePermission): now allows `lambda:InvokeFunction` on `arn:aws:lambda:us-east-1:123456789012:function:orders:live`"),
        "{text}"
    );
    assert!(text.contains("HEAD:template.yaml:22:15"), "{text}");
    assert!(
        text.contains("example request (certified by the evaluator)"),
        "{text}"
    );
    assert!(
        text.contains("\"principal\":\"arn:aws:iam::111122223333:"),
        "{text}"
    );

    // SARIF and annotations point at the template's lines; Markdown names the logical ids.
    let sarif = run(dir, &["diff", "--git", "HEAD~1..HEAD", "--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&sarif.stdout).unwrap_or(Value::Null);
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"], "template.yaml",
        "{sarif}"
    );
    assert_eq!(location["region"]["startLine"], 22, "{sarif}");
    let github = run(
        dir,
        &["diff", "--git", "HEAD~1..HEAD", "--format", "github"],
    );
    let github = String::from_utf8_lossy(&github.stdout);
    assert!(
        github.starts_with("::error file=template.yaml,line=22,"),
        "{github}"
    );
    let md = run(
        dir,
        &["diff", "--git", "HEAD~1..HEAD", "--format", "markdown"],
    );
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("PartnerInvokePermission"), "{md}");
    assert!(
        md.contains("statement `PartnerInvokePermission`, line 22"),
        "{md}"
    );

    // A pure rename is no change; a rename with an edit compares the old path's content.
    git(dir, &["mv", "template.yaml", "orders.yaml"]);
    git(dir, &["commit", "-q", "-m", "rename"]);
    let (code, out, log) = json_out(dir, &["diff", "--git", "HEAD~1..HEAD"]);
    assert_eq!(code, Some(0), "{log}");
    assert_eq!(out["files"].as_array().map(Vec::len), Some(0), "{log}");
    git(dir, &["mv", "orders.yaml", "service.yaml"]);
    std::fs::write(dir.join("service.yaml"), SAM.replace("PRINCIPAL", "'*'")).ok();
    git(dir, &["commit", "-q", "-am", "rename and make public"]);
    let (code, out, log) = json_out(dir, &["diff", "--git", "HEAD~1..HEAD"]);
    assert_eq!(code, Some(1), "{log}");
    let f = entry(
        &out,
        "service.yaml: arn:aws:lambda:us-east-1:123456789012:function:orders:live",
    )
    .expect(&log);
    assert_eq!(f["verdict"], "new_access", "{log}");

    // A pathspec that matches nothing is bad input, not "no policy changed".
    let output = run(dir, &["diff", "--git", "HEAD~1..HEAD", "nosuchdir"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
}

#[test]
fn a_renamed_policy_file_is_not_added_and_removed() {
    let repo = TempDir::new("mv");
    let dir = &repo.0;
    git(dir, &["init", "-q"]);
    std::fs::create_dir_all(dir.join("policies")).ok();
    std::fs::write(
        dir.join("policies/invoke.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:app"}]}"#,
    )
    .ok();
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "first"]);
    git(
        dir,
        &["mv", "policies/invoke.json", "policies/app-invoke.json"],
    );
    git(dir, &["commit", "-q", "-m", "rename"]);
    let output = run(dir, &["diff", "--git", "HEAD~1..HEAD"]);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("no policy changed"),
        "{}",
        describe(&output)
    );
}

#[test]
fn templates_in_directories_and_what_is_not_a_template() {
    let root = TempDir::new("dirs");
    let (old, new) = (root.0.join("old"), root.0.join("new"));
    for d in [&old, &new] {
        std::fs::create_dir_all(d).ok();
        std::fs::write(d.join("workflow.yml"), "on: [push]\njobs: {}\n").ok();
    }
    std::fs::copy(corpus().join("s3-invoke/old.yaml"), old.join("stack.yaml")).ok();
    std::fs::copy(corpus().join("s3-invoke/new.yaml"), new.join("stack.yaml")).ok();
    std::fs::write(new.join("workflow.yml"), "on: [pull_request]\njobs: {}\n").ok();
    let output = run(&root.0, &["diff", "old", "new"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(text.contains("new/stack.yaml: arn:aws:lambda"), "{text}");
    assert!(
        text.contains("skipped (not policies, templates or plans): new/workflow.yml"),
        "{text}"
    );
}

#[test]
fn yaml_errors_point_at_the_line() {
    let root = TempDir::new("bad-yaml");
    std::fs::copy(corpus().join("alias/old.yaml"), root.0.join("old.yaml")).ok();
    std::fs::write(
        root.0.join("new.yaml"),
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  F:\n    Type: AWS::Lambda::Permission\n    Properties: {FunctionName: f, Action: [\n",
    )
    .ok();
    let output = run(&root.0, &["diff", "old.yaml", "new.yaml"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("yaml-syntax"), "{err}");
    assert!(
        err.contains("new.yaml:6:1") || err.contains("new.yaml:5:"),
        "{err}"
    );

    // A policy error inside a template points at its line in the YAML.
    std::fs::write(
        root.0.join("new.yaml"),
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Version: '2012-10-17'\n            Statement:\n              - Effect: Alow\n                Action: s3:GetObject\n                Resource: '*'\n",
    )
    .ok();
    let output = run(&root.0, &["diff", "old.yaml", "new.yaml"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("invalid effect `Alow`"), "{err}");
    assert!(err.contains("new.yaml:12:25"), "{err}");
}

#[test]
fn parameters_placeholders_and_unknown_managed_policies() {
    let root = TempDir::new("params");
    let template = |principal_default: &str, managed: &str| {
        format!(
            "AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Partner:
    Type: String{principal_default}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {{FunctionName: f, Role: !GetAtt Exec.Arn, Runtime: python3.12, Handler: a.b, Code: {{ZipFile: x}}}}
  Exec:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {{Version: '2012-10-17', Statement: [{{Effect: Allow, Principal: {{Service: lambda.amazonaws.com}}, Action: sts:AssumeRole}}]}}
      ManagedPolicyArns: [{managed}]
  Perm:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunction
      Principal: !Ref Partner
"
        )
    };
    std::fs::write(
        root.0.join("old.yaml"),
        template(
            "",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        ),
    )
    .ok();
    std::fs::write(
        root.0.join("new.yaml"),
        template("", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole, arn:aws:iam::aws:policy/PowerUserAccess"),
    )
    .ok();
    // The parameter has no value: a placeholder, with a note that says how to give it.
    let output = run(
        &root.0,
        &["diff", "old.yaml", "new.yaml", "--format", "json"],
    );
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("iac-placeholder"), "{err}");
    assert!(err.contains("--param Partner=VALUE"), "{err}");
    // A managed policy airtight does not know, newly attached: unknown, exit 3.
    assert_eq!(output.status.code(), Some(3), "{}", describe(&output));
    let out: Value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    let log = describe(&output);
    let f = entry(&out, "role/Exec (managed policies)").expect(&log);
    assert_eq!(f["verdict"], "unknown");
    assert!(
        f["reason"]
            .as_str()
            .is_some_and(|r| r.contains("PowerUserAccess")),
        "{f}"
    );

    // --param gives the value; --account the account.
    std::fs::write(
        root.0.join("new.yaml"),
        template(
            "",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        ),
    )
    .ok();
    std::fs::write(
        root.0.join("old.yaml"),
        template(
            "\n    Default: '444455556666'",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        ),
    )
    .ok();
    let (code, out, log) = json_out(
        &root.0,
        &[
            "diff",
            "old.yaml",
            "new.yaml",
            "--param",
            "Partner=444455556666",
            "--account",
            "210987654321",
        ],
    );
    assert_eq!(code, Some(0), "{log}");
    assert_eq!(out["files"].as_array().map(Vec::len), Some(0), "{log}");
    // Without it, NEW's principal is a placeholder that stands for any principal: the
    // examples found that way are shown and fail the check, but the verdict is not proved.
    let (code, out, log) = json_out(&root.0, &["diff", "old.yaml", "new.yaml"]);
    assert_eq!(code, Some(1), "{log}");
    let f = entry(
        &out,
        "arn:aws:lambda:us-east-1:123456789012:function:f (resource-based policy) — Fn, Perm",
    )
    .expect(&log);
    assert_eq!(f["verdict"], "unknown", "{log}");
    assert!(
        !f["new_access"].as_array().is_none_or(Vec::is_empty),
        "{log}"
    );
    assert!(
        f["reason"]
            .as_str()
            .is_some_and(|r| r.contains("NEW: `!Ref Partner`")),
        "{log}"
    );
}

/// A permission whose principal is a parameter with no value, or whose `Condition` depends on
/// one: a template with a parameter of the same permission at the same place in both versions.
fn unknown_principal(principal: &str, condition: &str) -> String {
    format!(
        "AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Partner: {{Type: String}}
Conditions:
  Enabled: !Equals [!Ref Partner, 'on']
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties: {{FunctionName: f, Role: arn:aws:iam::123456789012:role/x, Runtime: python3.12, Handler: a.b, Code: {{ZipFile: x}}}}
  Perm:
    Type: AWS::Lambda::Permission{condition}
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunction
      Principal: {principal}
"
    )
}

#[test]
fn values_not_known_here_prove_nothing() {
    let root = TempDir::new("unknowns");
    let dir = &root.0;
    let write = |name: &str, text: String| {
        std::fs::write(dir.join(name), text).ok();
    };
    // OLD's principal is a parameter with no value, NEW's is everyone: read with `*` for the
    // parameter, both versions look alike, but with any real value NEW is public.
    write("old.yaml", unknown_principal("!Ref Partner", ""));
    write("new.yaml", unknown_principal("'*'", ""));
    let (code, out, log) = json_out(dir, &["diff", "old.yaml", "new.yaml"]);
    assert_eq!(code, Some(3), "{log}");
    let f = entry(&out, "function:f (policies with values not known here)").expect(&log);
    assert_eq!(f["verdict"], "unknown", "{log}");
    assert!(
        f["reason"]
            .as_str()
            .is_some_and(|r| r.contains("OLD: `!Ref Partner`; NEW: none")),
        "{log}"
    );
    // With the value given, the answer is proved.
    let (code, out, log) = json_out(
        dir,
        &[
            "diff",
            "old.yaml",
            "new.yaml",
            "--param",
            "Partner=111122223333",
        ],
    );
    assert_eq!(code, Some(1), "{log}");
    let f = entry(&out, "function:f (resource-based policy)").expect(&log);
    assert_eq!(f["verdict"], "new_access", "{log}");

    // A permission whose `Condition` cannot be decided is read as existing; made
    // unconditional, it may be new: not proved either way.
    write(
        "old.yaml",
        unknown_principal("'111122223333'", "\n    Condition: Enabled"),
    );
    write("new.yaml", unknown_principal("'111122223333'", ""));
    let (code, out, log) = json_out(dir, &["diff", "old.yaml", "new.yaml"]);
    assert_eq!(code, Some(3), "{log}");
    let f = entry(&out, "function:f (policies with values not known here)").expect(&log);
    assert!(
        f["reason"]
            .as_str()
            .is_some_and(|r| r.contains("OLD: `Condition: Enabled`")),
        "{log}"
    );

    // The same unknowns at the same places in both versions are the same values: unchanged.
    write(
        "new.yaml",
        unknown_principal("!Ref Partner", "\n    Condition: Enabled"),
    );
    write(
        "old.yaml",
        unknown_principal("!Ref Partner", "\n    Condition: Enabled"),
    );
    let (code, out, log) = json_out(dir, &["diff", "old.yaml", "new.yaml"]);
    assert_eq!(code, Some(0), "{log}");
    assert_eq!(out["files"].as_array().map(Vec::len), Some(0), "{log}");
}

const INVOKE_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:app"}]}"#;

#[test]
fn renames_under_pathspecs_in_the_index_and_out_of_what_is_compared() {
    let repo = TempDir::new("renames");
    let dir = &repo.0;
    git(dir, &["init", "-q"]);
    std::fs::create_dir_all(dir.join("policies")).ok();
    std::fs::write(dir.join("policies/invoke.json"), INVOKE_POLICY).ok();
    std::fs::write(
        dir.join("template.yaml"),
        SAM.replace("PRINCIPAL", "arn:aws:iam::111122223333:role/partner"),
    )
    .ok();
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "first"]);
    git(dir, &["mv", "template.yaml", "service.yaml"]);
    git(dir, &["mv", "policies/invoke.json", "app-invoke.json"]);
    let quiet = |args: &[&str]| {
        let (code, out, log) = json_out(dir, args);
        assert_eq!(code, Some(0), "{args:?}: {log}");
        assert_eq!(
            out["files"].as_array().map(Vec::len),
            Some(0),
            "{args:?}: {log}"
        );
    };
    // Staged with `git mv`, against the working tree: renames, not additions and removals.
    quiet(&["diff", "--git", "HEAD"]);
    quiet(&["diff", "--git", "HEAD", "service.yaml"]);
    git(dir, &["commit", "-q", "-m", "rename"]);
    // A pathspec naming one end of a rename still sees the rename: not "added" on its new
    // name, not "removed" on its old one.
    for pathspec in [
        "service.yaml",
        "template.yaml",
        "policies",
        "app-invoke.json",
    ] {
        quiet(&["diff", "--git", "HEAD~1..HEAD", pathspec]);
    }

    // A staged rename with an edit compares the old content with the new.
    git(dir, &["mv", "service.yaml", "orders.yaml"]);
    std::fs::write(dir.join("orders.yaml"), SAM.replace("PRINCIPAL", "'*'")).ok();
    let (code, out, log) = json_out(dir, &["diff", "--git", "HEAD", "service.yaml"]);
    assert_eq!(code, Some(1), "{log}");
    let f = entry(&out, "orders.yaml: arn:aws:lambda:").expect(&log);
    assert_eq!(f["verdict"], "new_access", "{log}");
    git(dir, &["checkout", "-q", "HEAD", "--", "."]);
    git(dir, &["reset", "-q", "--hard"]);

    // A policy renamed to a name that is not compared is removed, not silently dropped.
    git(dir, &["mv", "app-invoke.json", "app-invoke.json.bak"]);
    git(dir, &["commit", "-q", "-m", "retire"]);
    let (code, out, log) = json_out(dir, &["diff", "--git", "HEAD~1..HEAD"]);
    assert_eq!(code, Some(0), "{log}");
    assert_eq!(
        verdicts(&out),
        vec![("app-invoke.json".to_string(), "removed".to_string())],
        "{log}"
    );
}

#[test]
fn templates_plans_and_yaml_given_as_policies_say_what_they_are() {
    let root = TempDir::new("not-policies");
    let dir = &root.0;
    std::fs::copy(
        corpus().join("s3-invoke/new.yaml"),
        dir.join("template.yaml"),
    )
    .ok();
    std::fs::copy(
        corpus().join("cross-account/new.json"),
        dir.join("template.json"),
    )
    .ok();
    std::fs::copy(corpus().join("terraform/plan.json"), dir.join("plan.json")).ok();
    std::fs::write(
        dir.join("policy.yaml"),
        "Version: '2012-10-17'\nStatement: []\n",
    )
    .ok();
    std::fs::write(
        dir.join("state.json"),
        r#"{"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {}}}"#,
    )
    .ok();
    for (args, says) in [
        (
            vec!["lint", "template.yaml"],
            "CloudFormation or SAM template, not a policy",
        ),
        (
            vec!["lint", "template.json"],
            "CloudFormation or SAM template, not a policy",
        ),
        (vec!["lint", "plan.json"], "Terraform plan, not a policy"),
        (vec!["lint", "state.json"], "Terraform state"),
        (
            vec!["lint", "policy.yaml"],
            "this is YAML, not a JSON policy",
        ),
        (
            vec!["equiv", "template.yaml", "template.json"],
            "CloudFormation or SAM template, not a policy",
        ),
    ] {
        let output = run(dir, &args);
        let log = describe(&output);
        assert_eq!(output.status.code(), Some(2), "{log}");
        assert!(log.contains("not-a-policy") && log.contains(says), "{log}");
        assert!(log.contains("airtight diff"), "{log}");
        // One error, not a JSON error at 1:1 or one per top-level key.
        assert!(
            !log.contains("unknown-element") && !log.contains("json-syntax"),
            "{log}"
        );
    }
    // Terraform state is not a plan.
    let output = run(dir, &["diff", "--plan", "state.json"]);
    let log = describe(&output);
    assert_eq!(output.status.code(), Some(2), "{log}");
    assert!(
        log.contains("Terraform state") && log.contains("terraform plan -out"),
        "{log}"
    );
}

#[test]
fn a_managed_policy_listed_before_its_role_is_attached_to_it() {
    let root = TempDir::new("attach-order");
    let template = |roles: &str| {
        format!(
            "AWSTemplateFormatVersion: '2010-09-09'
Resources:
  AReadPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:{roles}
      PolicyDocument: {{Version: '2012-10-17', Statement: [{{Effect: Allow, Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*'}}]}}
  Worker:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {{Version: '2012-10-17', Statement: [{{Effect: Allow, Principal: {{Service: lambda.amazonaws.com}}, Action: sts:AssumeRole}}]}}
"
        )
    };
    std::fs::write(root.0.join("old.yaml"), template("")).ok();
    std::fs::write(
        root.0.join("new.yaml"),
        template("\n      Roles: [!Ref Worker]"),
    )
    .ok();
    let (code, out, log) = json_out(&root.0, &["diff", "old.yaml", "new.yaml"]);
    assert_eq!(code, Some(1), "{log}");
    assert!(!log.contains("iac-external-principal"), "{log}");
    let f = entry(
        &out,
        "role/Worker (identity-based policies) — AReadPolicy, Worker",
    )
    .expect(&log);
    assert_eq!(f["verdict"], "new_access", "{log}");
    assert_eq!(
        f["new_access"][0]["request"]["action"], "s3:GetObject",
        "{log}"
    );
}

#[test]
fn a_mistyped_directory_is_named() {
    let root = TempDir::new("mistyped");
    std::fs::create_dir_all(root.0.join("old")).ok();
    let output = run(&root.0, &["diff", "old", "nwe"]);
    let log = describe(&output);
    assert_eq!(output.status.code(), Some(2), "{log}");
    assert!(log.contains("cannot read `nwe`"), "{log}");
}

#[test]
fn a_terraform_plan_committed_twice_is_reviewed_with_git() {
    let repo = TempDir::new("plan-git");
    let dir = &repo.0;
    git(dir, &["init", "-q"]);
    let text = std::fs::read_to_string(corpus().join("terraform/plan.json")).unwrap_or_default();
    let plan: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    // The plan of the previous pull request: its world is this plan's `before`.
    let mut before = plan.clone();
    if let Some(changes) = before["resource_changes"].as_array_mut() {
        changes.retain(|c| !c["change"]["before"].is_null());
        for c in changes.iter_mut() {
            c["change"]["after"] = c["change"]["before"].clone();
            c["change"]["after_unknown"] = serde_json::json!({});
        }
    }
    assert!(before["resource_changes"]
        .as_array()
        .is_some_and(|c| !c.is_empty()));
    std::fs::write(dir.join("plan.json"), before.to_string()).ok();
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "previous plan"]);
    std::fs::write(dir.join("plan.json"), &text).ok();
    git(dir, &["commit", "-q", "-am", "this plan"]);
    let (code, out, log) = json_out(dir, &["diff", "--git", "HEAD~1..HEAD"]);
    assert_eq!(code, Some(1), "{log}");
    let f = entry(&out, "function:ingest (resource-based policy) — aws_lambda_function.ingest, aws_lambda_permission.s3").expect(&log);
    assert_eq!(f["verdict"], "new_access", "{log}");
    assert_eq!(
        f["new_access"][0]["request"]["principal"], "s3.amazonaws.com",
        "{log}"
    );
}
