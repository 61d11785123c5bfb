//! The GitHub Action (`action.yml`), run locally: each step with `run:` is read from the file
//! with its `env:` block, its `${{ … }}` expressions are given the values GitHub would give
//! them (inputs with their defaults, step outputs from `$GITHUB_OUTPUT`, the pull request), and
//! its script runs with bash in a temporary git repository. `gh`, `sudo` and `dpkg` are fakes
//! on the PATH that record their arguments; the binary is the one under test, put where the
//! cache step would have restored it. The `uses:` steps (cache, SARIF upload) are GitHub's own
//! actions and are not run: the test checks that what they are given exists.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use airtight_tests::{airtight, workspace_root};

/// One step of `action.yml`.
#[derive(Debug, Default, Clone)]
struct Step {
    id: Option<String>,
    run: Option<String>,
    uses: Option<String>,
    condition: Option<String>,
    env: Vec<(String, String)>,
    with: Vec<(String, String)>,
}

/// The inputs with their defaults, and the steps, read from the action's own (simple) YAML.
fn read_action() -> (BTreeMap<String, String>, Vec<Step>) {
    let text = std::fs::read_to_string(workspace_root().join("action.yml")).expect("action.yml");
    let mut inputs = BTreeMap::new();
    let mut steps: Vec<Step> = Vec::new();
    let mut section = "";
    let mut input: Option<String> = None;
    let mut block = "";
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        if indent == 0 {
            section = trimmed.trim_end_matches(':');
            continue;
        }
        let (key, value) = match trimmed.trim_start_matches("- ").split_once(':') {
            Some((k, v)) => (k.trim().to_string(), unquote(v.trim())),
            None => continue,
        };
        match section {
            "inputs" if indent == 2 => input = Some(key),
            "inputs" if key == "default" => {
                if let Some(name) = &input {
                    inputs.insert(name.clone(), value);
                }
            }
            "runs" if trimmed.starts_with("- ") => {
                steps.push(Step::default());
                block = "";
                if let Some(step) = steps.last_mut() {
                    set(step, &key, &value, &mut block);
                }
            }
            "runs" if indent == 6 => {
                if let Some(step) = steps.last_mut() {
                    set(step, &key, &value, &mut block);
                }
            }
            "runs" if indent == 8 => {
                if let Some(step) = steps.last_mut() {
                    match block {
                        "env" => step.env.push((key, value)),
                        "with" => step.with.push((key, value)),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    (inputs, steps)
}

/// A YAML scalar without its surrounding double quotes, if it has them.
fn unquote(v: &str) -> String {
    v.strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(v)
        .to_string()
}

fn set(step: &mut Step, key: &str, value: &str, block: &mut &'static str) {
    match key {
        "id" => step.id = Some(value.to_string()),
        "run" => step.run = Some(value.to_string()),
        "uses" => step.uses = Some(value.to_string()),
        "if" => step.condition = Some(value.to_string()),
        "env" => *block = "env",
        "with" => *block = "with",
        _ => *block = "",
    }
}

/// What GitHub would substitute for the `${{ … }}` expressions of one value.
fn expand(value: &str, context: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("}}")
            .map_or(rest.len(), |e| start + e + 2);
        let expr = rest[start + 3..end - 2].trim();
        out.push_str(context.get(expr).map_or("", String::as_str));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A scratch folder that is removed at the end.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("airtight-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    Scratch(dir)
}

fn git(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(repo)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("dir");
    }
    std::fs::write(path, text).expect("write");
}

const NARROW: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow",
  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}"#;
const WIDE: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow",
  "Action": "s3:Get*", "Resource": "arn:aws:s3:::reports/*"}]}"#;
const PUBLIC: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Anyone", "Effect": "Allow",
  "Principal": "*", "Action": "lambda:InvokeFunction",
  "Resource": "arn:aws:lambda:us-east-1:111122223333:function:f"}]}"#;

/// A repository with a base commit and a head commit that widens a policy and adds a public
/// one; returns the base commit.
fn sample_repo(repo: &Path) -> String {
    git(repo, &["init", "-q", "-b", "main"]);
    write(&repo.join("policies/read.policy.json"), NARROW);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "base"]);
    let base = git(repo, &["rev-parse", "HEAD"]);
    write(&repo.join("policies/read.policy.json"), WIDE);
    write(&repo.join("policies/fn.policy.json"), PUBLIC);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "head"]);
    base
}

/// Fake `gh`, `sudo` and `dpkg`: each appends its arguments to `calls.log`; `gh api` lists an
/// existing comment with the marker when `FAKE_EXISTING_COMMENT` is set.
fn fakes(bin: &Path) {
    let gh = r#"#!/usr/bin/env bash
echo "gh $*" >> "$FAKE_LOG"
for a in "$@"; do
  case "$a" in body=@*) cp "${a#body=@}" "$FAKE_LOG.body" ;; esac
done
if [ "$1 $2" = "api --paginate" ] && [ -n "${FAKE_EXISTING_COMMENT:-}" ]; then
  echo "$FAKE_EXISTING_COMMENT"
fi
"#;
    write(&bin.join("gh"), gh);
    write(
        &bin.join("sudo"),
        "#!/usr/bin/env bash\necho \"sudo $*\" >> \"$FAKE_LOG\"\n",
    );
    write(&bin.join("dpkg"), "#!/usr/bin/env bash\nexit 0\n");
    for tool in ["gh", "sudo", "dpkg"] {
        let status = Command::new("chmod")
            .args(["+x"])
            .arg(bin.join(tool))
            .status()
            .expect("chmod");
        assert!(status.success());
    }
}

/// Outputs a step wrote to `$GITHUB_OUTPUT`.
fn outputs(file: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

struct Run {
    exits: Vec<(String, i32)>,
    outputs: BTreeMap<String, String>,
    log: String,
    body: String,
    stdout: String,
}

/// Runs every `run:` step of the action in `repo`, with `overrides` for inputs.
fn run_action(
    repo: &Path,
    tmp: &Path,
    base: &str,
    overrides: &[(&str, &str)],
    existing: Option<&str>,
) -> Run {
    let (mut inputs, steps) = read_action();
    for (k, v) in overrides {
        inputs.insert((*k).to_string(), (*v).to_string());
    }
    let bin = tmp.join("fake-bin");
    fakes(&bin);
    let runner_temp = tmp.join("runner-temp");
    std::fs::create_dir_all(&runner_temp).expect("runner temp");
    // The cache restored the binary: put it where setup.sh says the cache lives.
    let cached = runner_temp.join("airtight-bin");
    std::fs::create_dir_all(&cached).expect("bin dir");
    std::fs::copy(airtight(), cached.join("airtight")).expect("copy the binary");
    let log = tmp.join("calls.log");
    let _ = std::fs::remove_file(&log);
    let mut context: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in &inputs {
        context.insert(format!("inputs.{k}"), v.clone());
    }
    context.insert("runner.os".into(), "Linux".into());
    context.insert("github.token".into(), "fake-token".into());
    context.insert("github.repository".into(), "octo/policies".into());
    context.insert("github.event.pull_request.number".into(), "7".into());
    context.insert(
        "github.event.pull_request.base.sha".into(),
        base.to_string(),
    );
    context.insert("steps.cache.outputs.cache-hit".into(), "true".into());
    // Inputs that default to an expression.
    let token = context.get("inputs.token").cloned().unwrap_or_default();
    context.insert("inputs.token".into(), expand(&token, &context.clone()));
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut exits = Vec::new();
    let mut all_outputs = BTreeMap::new();
    let mut stdout = String::new();
    for (i, step) in steps.iter().enumerate() {
        if let Some(uses) = &step.uses {
            // GitHub's own actions: check that what they are given is there.
            for (k, v) in &step.with {
                let v = expand(v, &context);
                if k == "sarif_file" && !v.is_empty() {
                    assert!(Path::new(&v).is_file(), "{uses}: {v} does not exist");
                }
            }
            continue;
        }
        let Some(run) = &step.run else { continue };
        if step
            .condition
            .as_deref()
            .is_some_and(|c| c.contains("inputs.comment == 'true'"))
            && context.get("inputs.comment").map(String::as_str) != Some("true")
        {
            continue;
        }
        let output_file = tmp.join(format!("output-{i}"));
        let path_file = tmp.join(format!("path-{i}"));
        let _ = std::fs::remove_file(&output_file);
        let script = run
            .strip_prefix("bash \"$GITHUB_ACTION_PATH/")
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or_else(|| panic!("step {i} does not run a script of the action: {run}"));
        let mut cmd = Command::new("bash");
        cmd.arg(workspace_root().join(script))
            .current_dir(repo)
            .env("PATH", &path)
            .env("GITHUB_ACTION_PATH", workspace_root())
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_PATH", &path_file)
            .env("RUNNER_TEMP", &runner_temp)
            .env("FAKE_LOG", &log);
        if let Some(id) = existing {
            cmd.env("FAKE_EXISTING_COMMENT", id);
        }
        for (k, v) in &step.env {
            cmd.env(k, expand(v, &context));
        }
        let out = cmd.output().expect("bash runs");
        stdout.push_str(&String::from_utf8_lossy(&out.stdout));
        let code = out.status.code().unwrap_or(-1);
        exits.push((script.to_string(), code));
        let step_outputs = outputs(&output_file);
        if let Some(id) = &step.id {
            for (k, v) in &step_outputs {
                context.insert(format!("steps.{id}.outputs.{k}"), v.clone());
            }
        }
        all_outputs.extend(step_outputs);
        if code != 0 && !script.ends_with("finish.sh") {
            panic!(
                "{script} exited with {code}\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    Run {
        exits,
        outputs: all_outputs,
        log: std::fs::read_to_string(&log).unwrap_or_default(),
        body: std::fs::read_to_string(format!("{}.body", log.display())).unwrap_or_default(),
        stdout,
    }
}

#[test]
fn the_action_lints_diffs_uploads_and_comments() {
    let tmp = scratch("action");
    let repo = tmp.0.join("repo");
    std::fs::create_dir_all(&repo).expect("repo dir");
    let base = sample_repo(&repo);

    let run = run_action(&repo, &tmp.0, &base, &[], None);
    assert_eq!(
        run.outputs.get("lint-exit").map(String::as_str),
        Some("1"),
        "{:?}",
        run.outputs
    );
    assert_eq!(
        run.outputs.get("diff-exit").map(String::as_str),
        Some("1"),
        "{:?}",
        run.outputs
    );
    for key in ["lint-sarif", "diff-sarif"] {
        let path = run.outputs.get(key).cloned().unwrap_or_default();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let sarif: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(sarif["version"], "2.1.0", "{key}: {path}");
    }
    // Annotations in the log, a new comment with both reports, and a failed job.
    assert!(
        run.stdout
            .contains("::warning file=policies/fn.policy.json"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("::error file=policies/read.policy.json"),
        "{}",
        run.stdout
    );
    assert!(
        run.log
            .contains("gh api --method POST repos/octo/policies/issues/7/comments"),
        "{}",
        run.log
    );
    assert!(
        run.body.starts_with("<!-- airtight-action -->"),
        "{}",
        run.body
    );
    assert!(run.body.contains("## airtight lint") && run.body.contains("## airtight diff"));
    assert!(
        !run.log.contains("sudo"),
        "libz3 is 'installed': no apt-get\n{}",
        run.log
    );
    assert_eq!(run.exits.last().map(|e| e.1), Some(1), "{:?}", run.exits);

    // A second push updates the same comment; with fail-on never the job passes.
    let run = run_action(
        &repo,
        &tmp.0,
        &base,
        &[("lint-fail-on", "never"), ("diff-fail-on", "never")],
        Some("4242"),
    );
    assert!(
        run.log
            .contains("gh api --method PATCH repos/octo/policies/issues/comments/4242"),
        "{}",
        run.log
    );
    assert!(!run.log.contains("--method POST"), "{}", run.log);
    assert_eq!(run.exits.last().map(|e| e.1), Some(0), "{:?}", run.exits);

    // Lint only, no comment: nothing is posted and diff does not run.
    let run = run_action(
        &repo,
        &tmp.0,
        &base,
        &[("command", "lint"), ("comment", "false")],
        None,
    );
    assert!(!run.outputs.contains_key("diff-exit"), "{:?}", run.outputs);
    assert!(!run.log.contains("gh api"), "{}", run.log);
}

#[test]
fn every_script_step_runs_a_script_that_exists() {
    let (inputs, steps) = read_action();
    assert!(inputs.contains_key("command") && inputs.contains_key("lint-files"));
    let scripts: Vec<&String> = steps.iter().filter_map(|s| s.run.as_ref()).collect();
    assert!(scripts.len() >= 5, "{scripts:?}");
    for run in scripts {
        let rel = run
            .strip_prefix("bash \"$GITHUB_ACTION_PATH/")
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or("");
        assert!(workspace_root().join(rel).is_file(), "{run}");
    }
    let uses: Vec<&String> = steps.iter().filter_map(|s| s.uses.as_ref()).collect();
    assert!(
        uses.iter().any(|u| u.starts_with("actions/cache@")),
        "{uses:?}"
    );
    assert!(
        uses.iter()
            .any(|u| u.starts_with("github/codeql-action/upload-sarif@")),
        "{uses:?}"
    );
}
