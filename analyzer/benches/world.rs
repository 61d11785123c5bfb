//! Benchmark: a synthetic world — one organization, 20 accounts, 10,000 roles with realistic
//! policies, 2,000 functions — written as a world folder (`docs/world.md`), loaded, and asked
//! `who-can` for one function, in process and as the CLI a user runs.
//!
//! `cargo bench -p airtight-analyzer --bench world [-- --keep DIR]` prints the figures:
//! generation, loading, who-can wall time (in process, 2 threads), peak memory, and the CLI
//! process wall time and peak RSS (`/usr/bin/time`). Targets: who-can for one function under
//! 10 s on 2 cores, peak memory under 2 GB, loading under 2 s.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use airtight_analysis::lambda_auth::LambdaAuth;
use airtight_analysis::query::{Outcome, QueryOptions};
use airtight_analysis::who_can::{who_can, WhoCanQuestion};
use airtight_analyzer::load::world::load_world;
use airtight_analyzer::load::Loader;
use serde_json::{json, Value};

const ACCOUNTS: usize = 20;
const ROLES_PER_ACCOUNT: usize = 500;
const FUNCTIONS_PER_ACCOUNT: usize = 100;
const REGION: &str = "us-east-1";

/// A small deterministic generator (no dependency, the same world every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn account_id(i: usize) -> String {
    format!("{:012}", 100000000000u64 + i as u64 * 1111)
}

fn url(doc: &Value) -> String {
    let text = doc.to_string();
    let mut out = String::with_capacity(text.len() * 2);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn policy(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

const TEAMS: [&str; 8] = [
    "payments", "search", "identity", "billing", "growth", "data", "ml", "platform",
];

/// The managed policies every account has: AWS-managed-like and customer-managed ones.
fn managed(account: &str) -> Vec<(String, Value)> {
    let arn = |n: &str| format!("arn:aws:iam::{account}:policy/{n}");
    let mut out = vec![
        (
            "arn:aws:iam::aws:policy/ReadOnlyAccess".to_string(),
            policy(vec![
                json!({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "ec2:Describe*", "lambda:Get*", "lambda:List*", "dynamodb:Describe*", "logs:Get*", "cloudwatch:Get*"], "Resource": "*"}),
            ]),
        ),
        (
            "arn:aws:iam::aws:policy/PowerUserAccess".to_string(),
            policy(vec![
                json!({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}),
                json!({"Effect": "Allow", "Action": ["iam:CreateServiceLinkedRole", "iam:ListRoles", "organizations:DescribeOrganization"], "Resource": "*"}),
            ]),
        ),
        (
            "arn:aws:iam::aws:policy/AdministratorAccess".to_string(),
            policy(vec![
                json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
            ]),
        ),
        (
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole".to_string(),
            policy(vec![
                json!({"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}),
            ]),
        ),
    ];
    for team in TEAMS {
        out.push((
            arn(&format!("{team}-developers")),
            policy(vec![
                json!({"Sid": "TeamFunctions", "Effect": "Allow", "Action": ["lambda:InvokeFunction", "lambda:UpdateFunctionCode", "lambda:GetFunction"], "Resource": format!("arn:aws:lambda:{REGION}:{account}:function:{team}-*")}),
                json!({"Sid": "TeamData", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": format!("arn:aws:s3:::{team}-{account}/*")}),
                json!({"Sid": "NoProdOutsideVpc", "Effect": "Deny", "Action": "lambda:*", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:SourceVpc": format!("vpc-{team}")}, "Bool": {"aws:ViaAWSService": "false"}}}),
            ]),
        ));
        out.push((
            arn(&format!("{team}-abac")),
            policy(vec![json!({"Effect": "Allow", "Action": ["lambda:InvokeFunction", "lambda:GetFunction"], "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}})]),
        ));
    }
    out.push((
        arn("permissions-boundary"),
        policy(vec![
            json!({"Effect": "Allow", "Action": ["lambda:*", "s3:*", "logs:*", "dynamodb:*", "sqs:*"], "Resource": "*"}),
            json!({"Effect": "Deny", "Action": "lambda:DeleteFunction", "Resource": "*"}),
        ]),
    ));
    out
}

fn role(account: &str, i: usize, rng: &mut Rng, managed: &[(String, Value)]) -> Value {
    let team = TEAMS[rng.below(TEAMS.len())];
    let kind = rng.below(100);
    let (name, path, attached, inline): (String, &str, Vec<&str>, Vec<Value>) = match kind {
        0..=2 => (
            format!("admin-{i}"),
            "/",
            vec!["AdministratorAccess"],
            vec![],
        ),
        3..=12 => (
            format!("{team}-power-{i}"),
            "/engineering/",
            vec!["PowerUserAccess"],
            vec![],
        ),
        13..=32 => (format!("readonly-{i}"), "/", vec!["ReadOnlyAccess"], vec![]),
        33..=62 => (
            format!("{team}-dev-{i}"),
            "/engineering/",
            vec!["developers", "abac"],
            vec![],
        ),
        _ => (
            format!("{team}-fn-{i}-role"),
            "/service-role/",
            vec!["AWSLambdaBasicExecutionRole"],
            vec![policy(vec![
                json!({"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], "Resource": format!("arn:aws:dynamodb:{REGION}:{account}:table/{team}-{i}")}),
                json!({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": format!("arn:aws:sqs:{REGION}:{account}:{team}-queue")}),
            ])],
        ),
    };
    let arns: Vec<String> = attached
        .iter()
        .map(|n| {
            managed
                .iter()
                .map(|(arn, _)| arn.clone())
                .find(|arn| {
                    arn.ends_with(&format!("/{n}")) || arn.ends_with(&format!("/{team}-{n}"))
                })
                .unwrap_or_default()
        })
        .collect();
    let boundary = kind.is_multiple_of(7).then(|| {
        json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": format!("arn:aws:iam::{account}:policy/permissions-boundary")})
    });
    let mut r = json!({
        "Path": path,
        "RoleName": name,
        "RoleId": format!("AROA{account}{i:08}"),
        "Arn": format!("arn:aws:iam::{account}:role{path}{name}"),
        "AssumeRolePolicyDocument": url(&policy(vec![json!({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})])),
        "InstanceProfileList": [],
        "RolePolicyList": inline.iter().enumerate().map(|(k, d)| json!({"PolicyName": format!("inline-{k}"), "PolicyDocument": url(d)})).collect::<Vec<_>>(),
        "AttachedManagedPolicies": arns.iter().map(|a| json!({"PolicyName": a.rsplit('/').next().unwrap_or_default(), "PolicyArn": a})).collect::<Vec<_>>(),
        "Tags": [{"Key": "team", "Value": team}],
    });
    if let Some(b) = boundary {
        r["PermissionsBoundary"] = b;
    }
    r
}

fn function_policy(account: &str, name: &str, rng: &mut Rng) -> Option<Value> {
    let arn = format!("arn:aws:lambda:{REGION}:{account}:function:{name}");
    let mut statements = Vec::new();
    match rng.below(10) {
        0..=3 => statements.push(json!({"Sid": "s3-invoke", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction", "Resource": arn, "Condition": {"StringEquals": {"AWS:SourceAccount": account}, "ArnLike": {"AWS:SourceArn": format!("arn:aws:s3:::{name}-uploads")}}})),
        4..=5 => statements.push(json!({"Sid": "apigw", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "lambda:InvokeFunction", "Resource": arn, "Condition": {"ArnLike": {"AWS:SourceArn": format!("arn:aws:execute-api:{REGION}:{account}:abc123/*/POST/{name}")}}})),
        6 => statements.push(json!({"Sid": "partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::777788889999:root"}, "Action": "lambda:InvokeFunction", "Resource": arn})),
        7 => statements.push(json!({"Sid": "sibling", "Effect": "Allow", "Principal": {"AWS": account_id(rng.below(ACCOUNTS))}, "Action": "lambda:InvokeFunction", "Resource": arn})),
        _ => return None,
    }
    Some(
        json!({"Policy": policy(statements).to_string(), "RevisionId": "00000000-0000-4000-8000-000000000000"}),
    )
}

fn write(path: &Path, v: &Value) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create a folder");
    }
    std::fs::write(path, v.to_string()).expect("write a file");
}

/// Writes the synthetic world into `dir`.
fn generate(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    let mut rng = Rng(0x5eed);
    write(
        &dir.join("policies/FullAWSAccess.json"),
        &policy(vec![
            json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
        ]),
    );
    write(
        &dir.join("policies/deny-regions.json"),
        &policy(vec![
            json!({"Sid": "DenyOutsideRegions", "Effect": "Deny", "NotAction": ["iam:*", "organizations:*", "sts:*", "support:*"], "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}}),
        ]),
    );
    write(
        &dir.join("policies/deny-leave-org.json"),
        &policy(vec![
            json!({"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}),
        ]),
    );
    let ou = |name: &str, range: std::ops::Range<usize>| {
        json!({"id": format!("ou-synth-{name}"), "name": name, "scps": ["FullAWSAccess", "deny-regions"],
               "accounts": range.map(|i| json!({"id": account_id(i), "scps": ["FullAWSAccess"]})).collect::<Vec<_>>(),
               "children": []})
    };
    write(
        &dir.join("org.json"),
        &json!({
            "management_account": "999999999999",
            "policies": {"FullAWSAccess": "policies/FullAWSAccess.json", "deny-regions": "policies/deny-regions.json", "deny-leave-org": "policies/deny-leave-org.json"},
            "root": {"id": "r-synth", "name": "Root", "scps": ["FullAWSAccess", "deny-leave-org"],
                     "children": [ou("prod", 0..10), ou("dev", 10..ACCOUNTS)]},
        }),
    );
    for a in 0..ACCOUNTS {
        let account = account_id(a);
        let base = dir.join("accounts").join(&account);
        let managed = managed(&account);
        let roles: Vec<Value> = (0..ROLES_PER_ACCOUNT)
            .map(|i| role(&account, a * ROLES_PER_ACCOUNT + i, &mut rng, &managed))
            .collect();
        let policies: Vec<Value> = managed
            .iter()
            .map(|(arn, doc)| json!({"PolicyName": arn.rsplit('/').next().unwrap_or_default(), "Arn": arn, "Path": "/", "DefaultVersionId": "v1",
                                     "PolicyVersionList": [{"Document": url(doc), "VersionId": "v1", "IsDefaultVersion": true}]}))
            .collect();
        write(
            &base.join("gaad.json"),
            &json!({"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": roles, "Policies": policies}),
        );
        let mut functions = Vec::new();
        for f in 0..FUNCTIONS_PER_ACCOUNT {
            let team = TEAMS[f % TEAMS.len()];
            let name = format!("{team}-fn-{f}");
            let arn = format!("arn:aws:lambda:{REGION}:{account}:function:{name}");
            functions
                .push(json!({"FunctionName": name, "FunctionArn": arn, "Runtime": "python3.12"}));
            write(
                &base.join(format!("lambda/tags/{name}.json")),
                &json!({"Tags": {"team": team}}),
            );
            if let Some(p) = function_policy(&account, &name, &mut rng) {
                write(&base.join(format!("lambda/policies/{name}.json")), &p);
            }
        }
        write(
            &base.join("lambda/functions.json"),
            &json!({"Functions": functions}),
        );
    }
}

/// Peak resident memory of this process so far, in MB (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let keep = args
        .iter()
        .position(|a| a == "--keep")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let dir = keep.unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/synthetic-world")
    });
    let t = Instant::now();
    generate(&dir);
    println!(
        "generated {ACCOUNTS} accounts, {} roles, {} functions in {:.2} s ({})",
        ACCOUNTS * ROLES_PER_ACCOUNT,
        ACCOUNTS * FUNCTIONS_PER_ACCOUNT,
        t.elapsed().as_secs_f64(),
        dir.display()
    );

    let t = Instant::now();
    let mut loader = Loader::new();
    let world = match load_world(&dir, &mut loader) {
        Ok(w) => w,
        Err(_) => {
            eprintln!(
                "the synthetic world does not load: {:?}",
                loader.diagnostics().first()
            );
            return;
        }
    };
    let load = t.elapsed();
    println!(
        "load: {:.2} s, {} principals (peak RSS so far {:.0} MB)",
        load.as_secs_f64(),
        world.principals().count(),
        peak_rss_mb().unwrap_or(0.0)
    );

    let account = account_id(0);
    let targets = [
        ("payments-fn-0", "lambda:InvokeFunction"),
        ("search-fn-1", "lambda:UpdateFunctionCode"),
        ("data-fn-5", "lambda:InvokeFunction"),
    ];
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, action) in targets {
        let question = WhoCanQuestion {
            actions: vec![action.to_string()],
            resource: format!("arn:aws:lambda:{REGION}:{account}:function:{name}"),
            lambda_auth: LambdaAuth::Current,
            ..WhoCanQuestion::default()
        };
        let t = Instant::now();
        let result = who_can(&world, &question, &QueryOptions::default(), &|| {});
        let wall = t.elapsed();
        match result {
            Ok(r) => {
                let can = r
                    .accesses
                    .iter()
                    .filter(|a| a.outcome == Outcome::Found)
                    .count();
                let unknown = r
                    .accesses
                    .iter()
                    .filter(|a| matches!(a.outcome, Outcome::Unknown { .. }))
                    .count();
                for a in &r.accesses {
                    *by_kind.entry(a.who.kind()).or_insert(0) += 1;
                }
                println!(
                    "who-can {action} {name}: {:.2} s in process ({} callers: {can} can, {} cannot, {unknown} unknown)",
                    wall.as_secs_f64(),
                    r.asked,
                    r.cannot
                );
            }
            Err(e) => println!("who-can {name}: error {e}"),
        }
    }
    println!(
        "peak RSS in process: {:.0} MB",
        peak_rss_mb().unwrap_or(0.0)
    );

    // As a user runs it: the built CLI, measured by /usr/bin/time.
    let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/airtight");
    if bin.is_file() && Path::new("/usr/bin/time").is_file() {
        let output = std::process::Command::new("/usr/bin/time")
            .args(["-f", "%e s wall, %M KB peak RSS"])
            .arg(&bin)
            .args([
                "who-can",
                "--world",
                &dir.display().to_string(),
                "--action",
                "lambda:InvokeFunction",
                "--resource",
                &format!("arn:aws:lambda:{REGION}:{account}:function:payments-fn-0"),
                "--format",
                "json",
            ])
            .output();
        match output {
            Ok(o) => println!(
                "CLI who-can (process): {} (exit {:?})",
                String::from_utf8_lossy(&o.stderr)
                    .lines()
                    .last()
                    .unwrap_or(""),
                o.status.code()
            ),
            Err(e) => println!("CLI not run: {e}"),
        }
    } else {
        println!("CLI not measured: build it with `cargo build --release` first");
    }
}
