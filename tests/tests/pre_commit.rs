//! The pre-commit hooks (`.pre-commit-hooks.yaml`), run as pre-commit runs them: the hook's
//! `entry` with the staged files that match its `files` pattern appended, in the repository,
//! with the `airtight` binary under test first on the PATH.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use airtight_tests::{airtight, describe, workspace_root};

/// `(id, entry, files)` of every hook.
fn hooks() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(workspace_root().join(".pre-commit-hooks.yaml"))
        .expect(".pre-commit-hooks.yaml");
    let mut out: Vec<(String, String, String)> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let value = |key: &str| {
            line.strip_prefix(key)
                .map(|v| v.trim().trim_matches('"').to_string())
        };
        if let Some(id) = value("- id:") {
            out.push((id, String::new(), String::new()));
        } else if let (Some(entry), Some(last)) = (value("entry:"), out.last_mut()) {
            last.1 = entry;
        } else if let (Some(files), Some(last)) = (value("files:"), out.last_mut()) {
            last.2 = files;
        }
    }
    out
}

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn git(repo: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(repo)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// Runs a hook's entry on `files` in `repo`, as pre-commit would.
fn run_hook(repo: &Path, bin: &Path, entry: &str, files: &[&str]) -> Output {
    let mut words = entry.split_whitespace();
    let program = words.next().expect("an entry");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new(program)
        .args(words)
        .args(files)
        .current_dir(repo)
        .env("PATH", path)
        .output()
        .expect("the hook runs")
}

#[test]
fn the_hooks_run_on_a_sample_repository() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().map(|h| h.0.as_str()).collect();
    assert_eq!(ids, ["airtight-lint", "airtight-diff"]);
    for (_, entry, files) in &hooks {
        assert!(entry.starts_with("airtight "), "{entry}");
        assert_eq!(files, "\\.json$");
    }

    let dir = std::env::temp_dir().join(format!("airtight-pre-commit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let scratch = Scratch(dir);
    let repo = scratch.0.join("repo");
    let bin = scratch.0.join("bin");
    std::fs::create_dir_all(repo.join("policies")).expect("repo");
    std::fs::create_dir_all(&bin).expect("bin");
    std::fs::copy(airtight(), bin.join("airtight")).expect("copy the binary");

    let policy = repo.join("policies/app.json");
    std::fs::write(
        &policy,
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow",
  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}"#,
    )
    .expect("write");
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "base"]);

    let lint = &hooks[0].1;
    let diff = &hooks[1].1;
    let staged = ["policies/app.json"];

    // A clean policy passes both hooks.
    let out = run_hook(&repo, &bin, lint, &staged);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let out = run_hook(&repo, &bin, diff, &staged);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));

    // A staged change with a typo and wider access fails both.
    std::fs::write(
        &policy,
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow",
  "Action": ["s3:GetObjekt", "s3:*"], "Resource": "arn:aws:s3:::reports/*"}]}"#,
    )
    .expect("write");
    git(&repo, &["add", "."]);
    let out = run_hook(&repo, &bin, lint, &staged);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("did you mean `s3:GetObject`?"),
        "{}",
        describe(&out)
    );
    let out = run_hook(&repo, &bin, diff, &staged);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("grants new access"),
        "{}",
        describe(&out)
    );
}
