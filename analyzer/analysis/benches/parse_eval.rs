//! Benchmark (not a test): parser and concrete-evaluator throughput.
//!
//! `cargo bench -p airtight-analysis --bench parse_eval` prints
//! 1. the time to parse every AWS managed policy in `../shared/corpus/aws-managed/`
//!    (target: under 1 s in total), and
//! 2. single-thread evaluations per second of Lambda-shaped policy sets against varied requests
//!    (target: at least 1,000,000 per second).
//!
//! `-- --only eval` (or `parse`) runs one part; `-- --set N` evaluates only the `N`-th policy
//! set (0-based), for profiling.
//!
//! It prints figures and never fails on them: there are no timing assertions anywhere.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use airtight_encodings::eval::{evaluate, Decision, PolicySet};
use airtight_encodings::parse::parse_policy;
use airtight_encodings::policy::Policy;
use airtight_encodings::request::{ContextValue, Request};
use airtight_encodings::span::FileId;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let only = value("--only");
    let set: Option<usize> = value("--set").and_then(|s| s.parse().ok());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    println!("airtight parse/eval benchmark (single thread)\n");
    if only.as_deref().is_none_or(|o| o == "parse") {
        parse_managed(&root.join("../shared/corpus/aws-managed"));
        println!();
    }
    if only.as_deref().is_none_or(|o| o == "eval") {
        evaluate_sets(set);
    }
}

fn parse_managed(dir: &Path) {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect(),
        Err(_) => {
            println!("parse: {} is absent; skipped", dir.display());
            return;
        }
    };
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    // One warm-up pass, then the measured one.
    for t in &texts {
        black_box(parse_policy(t, FileId(0)));
    }
    let start = Instant::now();
    let mut ok = 0;
    let mut statements = 0;
    for t in &texts {
        let parsed = black_box(parse_policy(t, FileId(0)));
        if let Some(p) = &parsed.policy {
            ok += 1;
            statements += p.statements.len();
        }
    }
    let total = start.elapsed();
    println!("parse: {} AWS managed policies ({:.1} MB, {statements} statements), {ok} parsed without error", texts.len(), bytes as f64 / 1e6);
    println!(
        "parse: total {:.1} ms, mean {:.1} µs per file, {:.0} MB/s   (target: total < 1 s)",
        ms(total),
        total.as_secs_f64() * 1e6 / texts.len().max(1) as f64,
        bytes as f64 / 1e6 / total.as_secs_f64()
    );
}

/// An ABAC identity policy: functions may be used only when their `project-name` tag equals
/// the caller's, and created only with that tag.
const ABAC: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AllowLambdaTagOnCreate", "Effect": "Allow",
     "Action": ["lambda:CreateFunction", "lambda:TagResource"],
     "Resource": "arn:aws:lambda:*:*:function:*",
     "Condition": {
       "StringEquals": {"aws:RequestTag/project-name": "${aws:PrincipalTag/project-name}"},
       "ForAllValues:StringEquals": {"aws:TagKeys": ["project-name"]}}},
    {"Sid": "AllowSameProject", "Effect": "Allow",
     "Action": ["lambda:InvokeFunction", "lambda:GetFunction", "lambda:UpdateFunctionCode"],
     "Resource": "arn:aws:lambda:*:*:function:*",
     "Condition": {"StringEquals": {"aws:ResourceTag/project-name": "${aws:PrincipalTag/project-name}"}}},
    {"Sid": "AllowList", "Effect": "Allow", "Action": ["lambda:List*", "lambda:Get*Config*"], "Resource": "*"}
  ]
}"#;

/// Allow everything, but deny invoking any qualified function ARN (version or alias).
const ALLOW_ALL: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
const DENY_QUALIFIERS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "DenyQualified", "Effect": "Deny", "Action": "lambda:InvokeFunction",
     "Resource": ["arn:aws:lambda:*:*:function:*:*"]},
    {"Sid": "DenyProdAlias", "Effect": "Deny", "NotAction": ["lambda:Get*", "lambda:List*"],
     "Resource": "arn:aws:lambda:*:111122223333:function:prod-*"}
  ]
}"#;

/// A resource-based policy on a function: an S3 bucket may invoke it, and another account.
const FUNCTION_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "S3Invoke", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
     "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:111122223333:function:*",
     "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"},
                   "ArnLike": {"aws:SourceArn": "arn:aws:s3:::uploads-*"}}},
    {"Sid": "PartnerInvoke", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
     "Action": "lambda:InvokeFunction", "Resource": "*"}
  ]
}"#;

/// SCPs: the root allows everything; the OU denies leaving two regions (with `IfExists`) and
/// requires VPC settings on function creation.
const SCP_ROOT: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
const SCP_OU: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Sid": "DenyOtherRegions", "Effect": "Deny", "NotAction": ["iam:*", "sts:*", "organizations:*"], "Resource": "*",
     "Condition": {"StringNotEqualsIfExists": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]},
                   "ArnNotLikeIfExists": {"aws:PrincipalArn": "arn:aws:iam::*:role/break-glass"}}},
    {"Sid": "RequireVpc", "Effect": "Deny", "Action": ["lambda:CreateFunction", "lambda:UpdateFunctionConfiguration"], "Resource": "*",
     "Condition": {"Null": {"lambda:VpcIds": "true"}}},
    {"Sid": "DenyPublicUrls", "Effect": "Deny", "Action": "lambda:CreateFunctionUrlConfig", "Resource": "*",
     "Condition": {"StringNotEqualsIfExists": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}}
  ]
}"#;

fn policy(src: &str, file: u32) -> Policy {
    let parsed = parse_policy(src, FileId(file));
    match parsed.policy {
        Some(p) => p,
        None => panic!(
            "benchmark policy {file} does not parse: {:?}",
            parsed.diagnostics
        ),
    }
}

/// Varied Lambda requests: principals in two accounts and a service, functions with and without
/// qualifiers, tags matching or not, several regions.
fn requests() -> Vec<Request> {
    let actions = [
        "lambda:InvokeFunction",
        "lambda:GetFunction",
        "lambda:CreateFunction",
        "lambda:TagResource",
        "lambda:ListFunctions",
        "lambda:UpdateFunctionCode",
        "lambda:CreateFunctionUrlConfig",
        "s3:GetObject",
    ];
    let regions = ["us-east-1", "eu-west-1", "ap-south-1"];
    let functions = [
        "orders",
        "prod-billing",
        "dev-thumbs",
        "orders:live",
        "prod-billing:7",
        "reports:$LATEST",
    ];
    let principals = [
        "arn:aws:iam::111122223333:role/app",
        "arn:aws:sts::111122223333:assumed-role/dev/alice",
        "arn:aws:iam::444455556666:role/partner",
        "arn:aws:iam::111122223333:role/break-glass",
        "s3.amazonaws.com",
    ];
    let projects = ["blue", "green"];
    let mut out = Vec::new();
    let mut i = 0usize;
    for action in actions {
        for region in regions {
            for function in functions {
                for principal in principals {
                    for project in projects {
                        i += 1;
                        let resource =
                            format!("arn:aws:lambda:{region}:111122223333:function:{function}");
                        let mut r = Request::new(Some(principal), action, &resource, None)
                            .with("aws:RequestedRegion", ContextValue::Single(region.into()))
                            .with(
                                "aws:PrincipalTag/project-name",
                                ContextValue::Single(project.into()),
                            )
                            .with(
                                "aws:ResourceTag/project-name",
                                ContextValue::Single(projects[i % 2].into()),
                            );
                        if action == "lambda:CreateFunction" || action == "lambda:TagResource" {
                            r = r
                                .with(
                                    "aws:RequestTag/project-name",
                                    ContextValue::Single(projects[(i / 2) % 2].into()),
                                )
                                .with(
                                    "aws:TagKeys",
                                    ContextValue::Multi(if i.is_multiple_of(3) {
                                        vec!["project-name".into(), "owner".into()]
                                    } else {
                                        vec!["project-name".into()]
                                    }),
                                );
                            if i.is_multiple_of(4) {
                                r = r.with(
                                    "lambda:VpcIds",
                                    ContextValue::Multi(vec!["vpc-1".into()]),
                                );
                            }
                        }
                        if principal == "s3.amazonaws.com" {
                            r = r
                                .with(
                                    "aws:SourceAccount",
                                    ContextValue::Single("111122223333".into()),
                                )
                                .with(
                                    "aws:SourceArn",
                                    ContextValue::Single(format!("arn:aws:s3:::uploads-{project}")),
                                );
                        }
                        out.push(r);
                    }
                }
            }
        }
    }
    out
}

fn evaluate_sets(only: Option<usize>) {
    let sets = [
        (
            "ABAC identity policy",
            PolicySet {
                identity: vec![policy(ABAC, 0)],
                ..PolicySet::default()
            },
        ),
        (
            "allow-all + deny qualifiers",
            PolicySet {
                identity: vec![policy(ALLOW_ALL, 1), policy(DENY_QUALIFIERS, 2)],
                ..PolicySet::default()
            },
        ),
        (
            "identity + function policy + 2 SCP levels",
            PolicySet {
                identity: vec![policy(ABAC, 3)],
                resource: Some(policy(FUNCTION_POLICY, 4)),
                scps: vec![vec![policy(SCP_ROOT, 5)], vec![policy(SCP_OU, 6)]],
                ..PolicySet::default()
            },
        ),
    ];
    let requests = requests();
    let rounds = 100_000usize.div_ceil(requests.len()).max(1) * 2;
    println!(
        "eval: {} distinct requests × {rounds} rounds per policy set",
        requests.len()
    );
    let mut total_evals = 0usize;
    let mut total_time = Duration::ZERO;
    for (i, (name, set)) in sets.iter().enumerate() {
        if only.is_some_and(|o| o != i) {
            continue;
        }
        let mut counts = [0usize; 3];
        for r in &requests {
            counts[decision_index(evaluate(set, r).decision)] += 1;
        }
        let start = Instant::now();
        for _ in 0..rounds {
            for r in &requests {
                black_box(evaluate(black_box(set), black_box(r)));
            }
        }
        let elapsed = start.elapsed();
        let n = rounds * requests.len();
        total_evals += n;
        total_time += elapsed;
        println!(
            "eval: {name:<44} {n:>8} evaluations in {:>7.1} ms = {:>10.0}/s   (allow {}, explicit deny {}, implicit deny {} of {})",
            ms(elapsed),
            n as f64 / elapsed.as_secs_f64(),
            counts[0],
            counts[1],
            counts[2],
            requests.len()
        );
    }
    println!(
        "eval: overall {total_evals} evaluations, {:.0}/s   (target: ≥ 1,000,000/s)",
        total_evals as f64 / total_time.as_secs_f64()
    );
}

fn decision_index(d: Decision) -> usize {
    match d {
        Decision::Allow => 0,
        Decision::ExplicitDeny => 1,
        Decision::ImplicitDeny => 2,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
