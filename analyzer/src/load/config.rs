//! `airtight.toml`: the team's configuration, found by walking up from the working directory
//! (or named with `--config`). See `docs/configuration.md`.
//!
//! ```toml
//! [lint]
//! fail-on = "warning"                  # note | warning | error | never
//! baseline = "airtight-baseline.json"  # findings recorded here do not fail the run
//! accounts = ["111122223333"]          # your own accounts (cross-account trust)
//! solver = true                        # run the solver-backed rules
//! solver-timeout-ms = 2000            # per question
//! solver-file-timeout-ms = 5000       # all the questions about one file
//!
//! [diff]
//! fail-on = "new-access"               # new-access | any-change | never
//!
//! [[suppress]]
//! rule = "public-access"
//! path = "policies/website/*.json"
//! sid = "PublicRead"
//! reason = "the website bucket is public by design (SEC-123)"
//! ```
//!
//! Every problem is an error diagnostic pointing into the file (a suppression without a
//! `reason`, an unknown key, a bad value), recorded in the [`Loader`] like a policy's, so a
//! broken configuration is reported with a snippet and the run stops with exit code 2.

use std::path::{Path, PathBuf};

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::glob::Glob;
use airtight_encodings::span::{FileId, Span};
use serde::Deserialize;
use toml::Spanned;

use super::file::read_regular;
use super::Loader;

/// The file name looked for.
pub const FILE_NAME: &str = "airtight.toml";

/// Values `[lint] fail-on` takes.
pub const LINT_FAIL_ON: [&str; 4] = ["note", "warning", "error", "never"];
/// Values `[diff] fail-on` takes.
pub const DIFF_FAIL_ON: [&str; 3] = ["new-access", "any-change", "never"];

/// A configuration that was read and checked.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it was read from (`None`: no file, the defaults).
    pub path: Option<PathBuf>,
    /// The folder paths in it are relative to: the file's folder, or the working directory.
    pub root: PathBuf,
    pub lint: LintConfig,
    pub diff: DiffConfig,
    pub suppressions: Vec<Suppression>,
}

#[derive(Debug, Clone, Default)]
pub struct LintConfig {
    /// One of [`LINT_FAIL_ON`].
    pub fail_on: Option<String>,
    /// The baseline file, resolved against [`Config::root`].
    pub baseline: Option<PathBuf>,
    pub accounts: Vec<String>,
    pub solver: Option<bool>,
    pub solver_timeout_ms: Option<u64>,
    pub solver_file_timeout_ms: Option<u64>,
}

#[derive(Debug, Clone, Default)]
pub struct DiffConfig {
    /// One of [`DIFF_FAIL_ON`].
    pub fail_on: Option<String>,
}

/// One `[[suppress]]` entry: a finding is suppressed when every field given matches.
#[derive(Debug, Clone)]
pub struct Suppression {
    pub rule: Option<String>,
    /// A glob over the file's path relative to [`Config::root`] (`*` also matches `/`).
    pub path: Option<Glob>,
    pub sid: Option<String>,
    pub reason: String,
    /// Where the entry is in `airtight.toml`.
    pub span: Span,
}

impl Suppression {
    /// Whether this entry suppresses a finding of `rule` in the file at `path` (relative to the
    /// configuration's root) in the statement with `sid`.
    pub fn matches(&self, rule: &str, path: &str, sid: Option<&str>) -> bool {
        self.rule.as_deref().is_none_or(|r| r == rule)
            && self.path.as_ref().is_none_or(|g| g.matches(path))
            && self.sid.as_deref().is_none_or(|s| Some(s) == sid)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    lint: Option<RawLint>,
    diff: Option<RawDiff>,
    #[serde(default)]
    suppress: Vec<Spanned<RawSuppression>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawLint {
    fail_on: Option<Spanned<String>>,
    baseline: Option<String>,
    #[serde(default)]
    accounts: Vec<Spanned<String>>,
    solver: Option<bool>,
    solver_timeout_ms: Option<u64>,
    solver_file_timeout_ms: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDiff {
    fail_on: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppression {
    rule: Option<Spanned<String>>,
    path: Option<Spanned<String>>,
    sid: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
}

/// The nearest `airtight.toml` in `start` or one of its parents.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// The working directory (the start of the upward search, and the root when there is no file).
pub fn working_directory() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// Reads the configuration: the file named (`--config`), else the one found upward from the
/// working directory, else the defaults. Problems are error diagnostics in `loader`; then
/// [`super::Failed`] is returned.
pub fn load(loader: &mut Loader, named: Option<&Path>) -> Result<Config, super::Failed> {
    let cwd = working_directory();
    let path = match named {
        Some(p) => Some(p.to_path_buf()),
        None => discover(&cwd),
    };
    let Some(path) = path else {
        return Ok(Config {
            root: cwd,
            ..Config::default()
        });
    };
    let shown = path.display().to_string();
    let bytes = match read_regular(&path, &shown) {
        Ok(b) => b,
        Err(e) => {
            loader.extend_diagnostics([Diagnostic::whole_file("config-error", e.to_string())]);
            return Err(super::Failed);
        }
    };
    let Ok(file) = loader.add_bytes(shown, bytes) else {
        return Err(super::Failed);
    };
    let root = path
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .map_or_else(|| cwd.clone(), |p| cwd.join(p));
    let text = loader.source(file).to_string();
    let mut errors = Vec::new();
    let config = parse(&text, file, &root, &mut errors);
    let failed = errors.iter().any(Diagnostic::is_error);
    loader.extend_diagnostics(errors);
    match config {
        Some(mut c) if !failed => {
            c.path = Some(path);
            Ok(c)
        }
        _ => Err(super::Failed),
    }
}

fn span_of(file: FileId, range: std::ops::Range<usize>) -> Span {
    Span::new(file, range.start, range.end)
}

/// Parses and checks the text of an `airtight.toml`; problems go to `out`.
pub fn parse(text: &str, file: FileId, root: &Path, out: &mut Vec<Diagnostic>) -> Option<Config> {
    let raw: RawConfig = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let span = span_of(file, e.span().unwrap_or(0..0));
            out.push(
                Diagnostic::error("config-error", format!("invalid {FILE_NAME}"), span)
                    .with_label(e.message().to_string())
                    .with_note("see docs/configuration.md for the keys airtight.toml may hold"),
            );
            return None;
        }
    };
    let mut check_value = |value: &Option<Spanned<String>>, allowed: &[&str], what: &str| {
        if let Some(v) = value {
            if !allowed.contains(&v.get_ref().as_str()) {
                out.push(
                    Diagnostic::error(
                        "config-error",
                        format!("invalid `{what}` value `{}`", v.get_ref()),
                        span_of(file, v.span()),
                    )
                    .with_label(format!("expected one of {}", allowed.join(", "))),
                );
            }
        }
    };
    let lint = raw.lint.unwrap_or(RawLint {
        fail_on: None,
        baseline: None,
        accounts: Vec::new(),
        solver: None,
        solver_timeout_ms: None,
        solver_file_timeout_ms: None,
    });
    check_value(&lint.fail_on, &LINT_FAIL_ON, "lint.fail-on");
    let diff_fail_on = raw.diff.and_then(|d| d.fail_on);
    check_value(&diff_fail_on, &DIFF_FAIL_ON, "diff.fail-on");
    for a in &lint.accounts {
        let text = a.get_ref();
        if text.len() != 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
            out.push(
                Diagnostic::error(
                    "config-error",
                    format!("`{text}` is not a 12-digit AWS account id"),
                    span_of(file, a.span()),
                )
                .with_label("expected 12 digits"),
            );
        }
    }
    let mut suppressions = Vec::new();
    for entry in &raw.suppress {
        let span = span_of(file, entry.span());
        let s = entry.get_ref();
        let reason = s
            .reason
            .as_ref()
            .map(|r| r.get_ref().trim().to_string())
            .unwrap_or_default();
        if reason.is_empty() {
            out.push(
                Diagnostic::error(
                    "config-missing-reason",
                    "a suppression needs a `reason`",
                    s.reason.as_ref().map_or(span, |r| span_of(file, r.span())),
                )
                .with_label("this suppression says nothing about why")
                .with_note("write why the finding is acceptable, e.g. `reason = \"public by design (SEC-123)\"`; the reason is shown wherever the suppression applies"),
            );
            continue;
        }
        if s.rule.is_none() && s.path.is_none() && s.sid.is_none() {
            out.push(
                Diagnostic::error(
                    "config-error",
                    "a suppression needs at least one of `rule`, `path` or `sid`",
                    span,
                )
                .with_label("this would suppress every finding"),
            );
            continue;
        }
        if let Some(rule) = &s.rule {
            if airtight_analysis::lint::rule(rule.get_ref()).is_none() {
                out.push(
                    Diagnostic::warning(
                        "config-unknown-rule",
                        format!("`{}` is not a lint rule id", rule.get_ref()),
                        span_of(file, rule.span()),
                    )
                    .with_label("matches only a parser diagnostic with this code, if any")
                    .with_note("the rule ids are listed in docs/rules.md"),
                );
            }
        }
        suppressions.push(Suppression {
            rule: s.rule.as_ref().map(|r| r.get_ref().clone()),
            path: s.path.as_ref().map(|p| Glob::wildcard(p.get_ref(), false)),
            sid: s.sid.as_ref().map(|x| x.get_ref().clone()),
            reason,
            span,
        });
    }
    Some(Config {
        path: None,
        root: root.to_path_buf(),
        lint: LintConfig {
            fail_on: lint.fail_on.map(Spanned::into_inner),
            baseline: lint.baseline.map(|b| root.join(b)),
            accounts: lint.accounts.into_iter().map(Spanned::into_inner).collect(),
            solver: lint.solver,
            solver_timeout_ms: lint.solver_timeout_ms,
            solver_file_timeout_ms: lint.solver_file_timeout_ms,
        },
        diff: DiffConfig {
            fail_on: diff_fail_on.map(Spanned::into_inner),
        },
        suppressions,
    })
}

/// `path` (as given on the command line) relative to `root`, with `/` separators: what
/// suppression globs are matched against. A path outside `root` stays as given.
pub fn relative_path(root: &Path, path: &Path) -> String {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        working_directory().join(path)
    };
    let normal = normalize(&absolute);
    let root = normalize(root);
    match normal.strip_prefix(&root) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path.display().to_string().replace('\\', "/"),
    }
}

/// Removes `.` and resolves `..` lexically (no file system access).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> (Option<Config>, Vec<Diagnostic>) {
        let mut out = Vec::new();
        let c = parse(text, FileId(0), Path::new("/repo"), &mut out);
        (c, out)
    }

    #[test]
    fn a_full_configuration_reads() {
        let (c, out) = parse_text(
            r#"
[lint]
fail-on = "error"
baseline = "base.json"
accounts = ["111122223333"]
solver-timeout-ms = 500

[diff]
fail-on = "any-change"

[[suppress]]
rule = "public-access"
path = "policies/web/*.json"
sid = "PublicRead"
reason = "public by design"
"#,
        );
        assert!(out.is_empty(), "{out:?}");
        let c = c.expect("a configuration");
        assert_eq!(c.lint.fail_on.as_deref(), Some("error"));
        assert_eq!(c.lint.baseline, Some(PathBuf::from("/repo/base.json")));
        assert_eq!(c.diff.fail_on.as_deref(), Some("any-change"));
        let s = &c.suppressions[0];
        assert!(s.matches(
            "public-access",
            "policies/web/site.json",
            Some("PublicRead")
        ));
        assert!(!s.matches("public-access", "policies/web/site.json", Some("Other")));
        assert!(!s.matches(
            "unknown-action",
            "policies/web/site.json",
            Some("PublicRead")
        ));
    }

    #[test]
    fn a_suppression_without_a_reason_is_an_error_with_a_pointer() {
        let text = "[[suppress]]\nrule = \"public-access\"\n";
        let (c, out) = parse_text(text);
        assert!(c.is_some());
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].code, "config-missing-reason");
        let span = out[0].labels[0].span;
        assert!(text[span.range()].contains("[[suppress]]"), "{span:?}");
        let (_, out) = parse_text("[[suppress]]\nrule = \"public-access\"\nreason = \"  \"\n");
        assert_eq!(out[0].code, "config-missing-reason");
    }

    #[test]
    fn unknown_keys_and_bad_values_point_into_the_file() {
        let text = "[lint]\nfail_on = \"warning\"\n";
        let (_, out) = parse_text(text);
        assert_eq!(out[0].code, "config-error");
        assert!(text[out[0].labels[0].span.range()].contains("fail_on"));
        let (_, out) = parse_text("[lint]\nfail-on = \"sometimes\"\n");
        assert!(out[0].message.contains("sometimes"));
        let (_, out) = parse_text("[lint]\naccounts = [\"1234\"]\n");
        assert!(out[0].message.contains("12-digit"));
    }

    #[test]
    fn paths_are_made_relative_to_the_root() {
        assert_eq!(
            relative_path(Path::new("/repo"), Path::new("/repo/./a/../b/p.json")),
            "b/p.json"
        );
        assert_eq!(
            relative_path(Path::new("/repo"), Path::new("/elsewhere/p.json")),
            "/elsewhere/p.json"
        );
    }
}
