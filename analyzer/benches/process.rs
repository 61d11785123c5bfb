//! Benchmark (not a test): the `airtight` binary run as a user runs it, one process per
//! question, as in a pre-commit hook or a CI step.
//!
//! `cargo bench -p airtight-analyzer --bench process [-- --runs N] [--only NAME] [--bin PATH]`
//! builds the release binary, writes small fixtures under `target/process-bench/`, and prints for
//! each case the process wall time (median and minimum of N runs, default 21; measured around
//! the child process, fixtures warm in the page cache) and the peak resident memory
//! (`/usr/bin/time -f %M`, the largest of 3 runs), with the load average, since the machine
//! may be shared. `--bin` measures another build of `airtight` (an older commit, to compare)
//! on the same fixtures.
//!
//! | case | what it asks | targets (issue 13) |
//! |---|---|---|
//! | `help` | `--help`: the floor (exec, dynamic linking, clap) | — |
//! | `simulate` | one request against one identity policy | ≤ 5 ms, ≤ 30 MB |
//! | `lint` | one small policy file | ≤ 5 ms, ≤ 30 MB |
//! | `nna-cover` | `no-new-access OLD NEW`, NEW's only statement a narrowing of OLD's | ≤ 5 ms once the syntactic cover decides it (today the solver does) |
//! | `diff-cover` | `diff` of the same pair: the syntactic cover decides, no solver | ≤ 5 ms, no Z3 context |
//! | `nna-solver` | `no-new-access` where a condition needs the solver | ≤ 25 ms plus the solve |
//! | `batch-100k` | `simulate --requests` with 100,000 JSON lines against an SCP-heavy set | requests per second |
//! | `largest-*` | `lint` and `no-new-access P P` on the largest AWS managed policies, and the largest edit of the managed-policy history (`../shared/corpus`, skipped when absent) | bounded memory: peak RSS recorded |
//!
//! Nothing here fails on a figure: there are no timing assertions anywhere. A case whose exit
//! code differs from the expected one is flagged, since its timing then measures something
//! else.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// One process to run.
struct Case {
    name: String,
    args: Vec<String>,
    /// The exit code a correct run gives.
    exit: i32,
    /// Requests decided per run (batch simulation), for a rate.
    requests: Option<usize>,
}

fn case(name: &str, args: &[&str], exit: i32) -> Case {
    Case {
        name: name.into(),
        args: args.iter().map(|a| (*a).to_string()).collect(),
        exit,
        requests: None,
    }
}

const OLD_WIDE: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"InvokeAll","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:function:*"}]}"#;
const NEW_NARROW: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"InvokeOrders","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:function:orders"}]}"#;
const OLD_TAG: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"TeamA","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:function:*","Condition":{"StringLike":{"aws:PrincipalTag/team":"a*"}}}]}"#;
const NEW_TAG: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"TeamA","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:function:*","Condition":{"StringLike":{"aws:PrincipalTag/team":"ab*"}}}]}"#;
const REQUEST: &str = r#"{"principal":"arn:aws:iam::111122223333:role/app","action":"lambda:InvokeFunction","resource":"arn:aws:lambda:us-east-1:111122223333:function:orders"}"#;

/// The SCP-heavy set of `parse_eval`: an ABAC identity policy, a function policy, two SCP
/// levels.
const ABAC: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Sid":"AllowLambdaTagOnCreate","Effect":"Allow","Action":["lambda:CreateFunction","lambda:TagResource"],"Resource":"arn:aws:lambda:*:*:function:*",
  "Condition":{"StringEquals":{"aws:RequestTag/project-name":"${aws:PrincipalTag/project-name}"},"ForAllValues:StringEquals":{"aws:TagKeys":["project-name"]}}},
 {"Sid":"AllowSameProject","Effect":"Allow","Action":["lambda:InvokeFunction","lambda:GetFunction","lambda:UpdateFunctionCode"],"Resource":"arn:aws:lambda:*:*:function:*",
  "Condition":{"StringEquals":{"aws:ResourceTag/project-name":"${aws:PrincipalTag/project-name}"}}},
 {"Sid":"AllowList","Effect":"Allow","Action":["lambda:List*","lambda:Get*Config*"],"Resource":"*"}]}"#;
const FUNCTION_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Sid":"S3Invoke","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:function:*",
  "Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"},"ArnLike":{"aws:SourceArn":"arn:aws:s3:::uploads-*"}}},
 {"Sid":"PartnerInvoke","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"lambda:InvokeFunction","Resource":"*"}]}"#;
const SCP_ROOT: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"FullAWSAccess","Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const SCP_OU: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Sid":"FullAWSAccess","Effect":"Allow","Action":"*","Resource":"*"},
 {"Sid":"DenyOtherRegions","Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*"],"Resource":"*",
  "Condition":{"StringNotEqualsIfExists":{"aws:RequestedRegion":["us-east-1","eu-west-1"]},"ArnNotLikeIfExists":{"aws:PrincipalArn":"arn:aws:iam::*:role/break-glass"}}},
 {"Sid":"RequireVpc","Effect":"Deny","Action":["lambda:CreateFunction","lambda:UpdateFunctionConfiguration"],"Resource":"*","Condition":{"Null":{"lambda:VpcIds":"true"}}},
 {"Sid":"DenyPublicUrls","Effect":"Deny","Action":"lambda:CreateFunctionUrlConfig","Resource":"*","Condition":{"StringNotEqualsIfExists":{"lambda:FunctionUrlAuthType":"AWS_IAM"}}}]}"#;

/// `n` varied Lambda requests, one JSON object a line.
fn batch_requests(n: usize) -> String {
    let actions = [
        "lambda:InvokeFunction",
        "lambda:GetFunction",
        "lambda:UpdateFunctionCode",
        "lambda:ListFunctions",
    ];
    let regions = ["us-east-1", "eu-west-1", "ap-south-1"];
    let functions = ["orders", "prod-billing", "orders:live", "prod-billing:7"];
    let principals = [
        "arn:aws:iam::111122223333:role/app",
        "arn:aws:sts::111122223333:assumed-role/dev/alice",
        "arn:aws:iam::444455556666:role/partner",
        "arn:aws:iam::111122223333:role/break-glass",
    ];
    let projects = ["blue", "green"];
    let mut out = String::new();
    for i in 0..n {
        let action = actions[i % actions.len()];
        let region = regions[(i / 4) % regions.len()];
        let resource = if action == "lambda:ListFunctions" {
            "*".to_string()
        } else {
            format!(
                "arn:aws:lambda:{region}:111122223333:function:{}",
                functions[(i / 12) % functions.len()]
            )
        };
        let line = serde_json::json!({
            "principal": principals[(i / 48) % principals.len()],
            "action": action,
            "resource": resource,
            "context": {
                "aws:RequestedRegion": region,
                "aws:PrincipalTag/project-name": projects[(i / 192) % 2],
                "aws:ResourceTag/project-name": projects[(i / 7) % 2],
            }
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    if let Err(e) = std::fs::write(&path, text) {
        panic!("cannot write {}: {e}", path.display());
    }
    path.display().to_string()
}

/// The cases on the small fixtures.
fn small_cases(dir: &Path) -> Vec<Case> {
    let old = write(dir, "old-wide.json", OLD_WIDE);
    let new = write(dir, "new-narrow.json", NEW_NARROW);
    let old_tag = write(dir, "old-tag.json", OLD_TAG);
    let new_tag = write(dir, "new-tag.json", NEW_TAG);
    let request = write(dir, "request.json", REQUEST);
    let abac = write(dir, "abac.json", ABAC);
    let function = write(dir, "function-policy.json", FUNCTION_POLICY);
    let root = write(dir, "scp-root.json", SCP_ROOT);
    let ou = write(dir, "scp-ou.json", SCP_OU);
    let batch_n = 100_000;
    let batch = write(dir, "requests.jsonl", &batch_requests(batch_n));
    vec![
        case("help", &["--help"], 0),
        case(
            "simulate",
            &["simulate", "--request", &request, "--identity", &old],
            0,
        ),
        case("lint", &["lint", &old], 0),
        case("nna-cover", &["no-new-access", &old, &new], 0),
        case("diff-cover", &["diff", &old, &new], 0),
        case("nna-solver", &["no-new-access", &old_tag, &new_tag], 0),
        Case {
            requests: Some(batch_n),
            ..case(
                "batch-100k",
                &[
                    "simulate",
                    "--requests",
                    &batch,
                    "--identity",
                    &abac,
                    "--resource-policy",
                    &function,
                    "--scp",
                    &root,
                    "--scp",
                    &ou,
                ],
                0,
            )
        },
    ]
}

/// The largest AWS managed policies and the largest edit of the managed-policy history.
fn large_cases(dir: &Path, corpus: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(corpus.join("aws-managed"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| Some((e.metadata().ok()?.len(), e.path())))
                .filter(|(_, p)| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    // Largest first, ties by name, so that every run picks the same files.
    files.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    for (size, path) in files.iter().take(3) {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let p = path.display().to_string();
        println!("largest managed policy: {name} ({} KB)", size / 1024);
        out.push(case(&format!("largest-lint {name}"), &["lint", &p], 0));
        out.push(case(
            &format!("largest-nna {name}"),
            &["no-new-access", &p, &p],
            0,
        ));
    }
    // The edit with the most policy text: both directions.
    let history =
        std::fs::read_to_string(corpus.join("aws-managed-history.jsonl")).unwrap_or_default();
    let largest = history
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .max_by_key(|v| v["old"].to_string().len() + v["new"].to_string().len());
    if let Some(edit) = largest {
        let id = edit["id"].as_str().unwrap_or("edit").to_string();
        let old = write(dir, "history-old.json", &edit["old"].to_string());
        let new = write(dir, "history-new.json", &edit["new"].to_string());
        println!("largest history edit: {id}");
        // The exit code depends on the edit (1 when it grants new access), so it is not
        // checked: -1 accepts any code.
        out.push(case(
            "largest-edit nna old new",
            &["no-new-access", &old, &new],
            -1,
        ));
        out.push(case(
            "largest-edit nna new old",
            &["no-new-access", &new, &old],
            -1,
        ));
        out.push(case("largest-edit diff", &["diff", &old, &new], -1));
    }
    out
}

/// Runs `bin` with `args`, output discarded; the wall time and the exit code.
fn run_once(bin: &Path, args: &[String]) -> Option<(Duration, i32)> {
    let start = Instant::now();
    let status = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    Some((start.elapsed(), status.code().unwrap_or(-1)))
}

/// Peak resident memory in KB of one run, from `/usr/bin/time -f %M`.
fn peak_rss_kb(bin: &Path, args: &[String]) -> Option<u64> {
    let output = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .ok()?;
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let runs: usize = value("--runs")
        .and_then(|r| r.parse().ok())
        .unwrap_or(21)
        .max(1);
    let only = value("--only");
    let bin = value("--bin").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_airtight")),
        PathBuf::from,
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = root.join("target/process-bench");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("cannot create {}: {e}", dir.display());
    }
    let corpus = root.join("../shared/corpus");
    println!("airtight process benchmark: {}", bin.display());
    println!("load average before: {}", load_average());
    let mut cases = small_cases(&dir);
    if corpus.is_dir() {
        cases.extend(large_cases(&dir, &corpus));
    } else {
        println!(
            "{} is absent: the largest-policy cases are skipped",
            corpus.display()
        );
    }
    let time_available = Path::new("/usr/bin/time").is_file();
    println!();
    println!(
        "{:<44} {:>5} {:>10} {:>10} {:>9} {:>6}",
        "case", "runs", "median ms", "min ms", "peak MB", "exit"
    );
    for c in &cases {
        if only.as_deref().is_some_and(|o| !c.name.contains(o)) {
            continue;
        }
        // Slow cases get fewer runs: the first run says how slow.
        let Some((first, code)) = run_once(&bin, &c.args) else {
            println!("{:<44} cannot run", c.name);
            continue;
        };
        let n = if first > Duration::from_secs(1) {
            3.min(runs)
        } else {
            runs
        };
        let mut times = vec![first];
        for _ in 1..n {
            if let Some((t, _)) = run_once(&bin, &c.args) {
                times.push(t);
            }
        }
        times.sort();
        let median = times[times.len() / 2];
        let peak = if time_available {
            (0..3)
                .filter_map(|_| peak_rss_kb(&bin, &c.args))
                .max()
                .map_or("?".into(), |kb| format!("{:.1}", kb as f64 / 1024.0))
        } else {
            "?".into()
        };
        let flag = if c.exit >= 0 && code != c.exit {
            format!("  (expected exit {})", c.exit)
        } else {
            String::new()
        };
        let rate = c
            .requests
            .filter(|_| flag.is_empty())
            .map(|n| {
                format!(
                    "  {:.2} M requests/s",
                    n as f64 / median.as_secs_f64() / 1e6
                )
            })
            .unwrap_or_default();
        println!(
            "{:<44} {:>5} {:>10.2} {:>10.2} {:>9} {:>6}{flag}{rate}",
            c.name,
            times.len(),
            ms(median),
            ms(times[0]),
            peak,
            code
        );
    }
    println!();
    println!("load average after: {}", load_average());
}
