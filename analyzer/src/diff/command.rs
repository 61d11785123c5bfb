//! The `airtight diff` command: read the pairs, parse both versions, compare them (in
//! parallel), render the report, choose the exit code.

use std::path::PathBuf;

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::parse::{check_kind, parse_policy};
use airtight_encodings::policy::{Policy, PolicyKind};
use airtight_encodings::span::FileId;
use clap::{Args, ValueEnum};
use rayon::prelude::*;

use super::compare::{compare, Comparison, DiffOptions, Verdict};
use super::inputs::{from_git, from_paths, FilePair, Version};
use super::ALLOW_ALL;
use crate::cli::{Io, KindArg};
use crate::exit::Exit;
use crate::load::detect_kind;
use crate::load::Loader;
use crate::report;

#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// OLD and NEW: two policy files, or two directories whose `*.json` files are paired by
    /// relative path. With `--git`: optional paths limiting which changed files are compared.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Compare two revisions of the current git repository: `BASE..HEAD`, or `BASE` alone to
    /// compare with the working tree.
    #[arg(long, value_name = "BASE..HEAD")]
    pub git: Option<String>,

    /// The policy type of every file (default: a policy naming principals is resource-based,
    /// any other identity-based). Guardrails (boundary, session, scp, rcp) are judged by what
    /// they let through an identity policy that allows everything.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,

    /// Which changes make the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::NewAccess)]
    pub fail_on: FailOn,

    /// Example requests to show per direction and file.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub max_examples: usize,

    /// Give up (answer `unknown`) after this many seconds per solver call.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Sarif,
    Github,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 1 when a change grants new access (an added policy that grants anything counts).
    NewAccess,
    /// Exit 1 on any change in access, in either direction, and on added or removed policies.
    AnyChange,
    /// Never exit 1 (bad input is still 2, an unknown answer still 3).
    Never,
}

/// What happened to one policy file.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Both versions parsed and were compared.
    Changed(Comparison),
    /// Only NEW exists; for identity and resource policies, what it grants.
    Added(Option<Comparison>),
    /// Only OLD exists; for identity and resource policies, what it granted.
    Removed(Option<Comparison>),
    /// A version has errors (reported as diagnostics).
    Invalid,
    /// The solver's example was not confirmed by the evaluator: a bug in airtight.
    Internal(String),
}

#[derive(Debug, Clone)]
pub struct FileReport {
    /// As reported (see [`FilePair::path`]).
    pub path: String,
    pub kind: PolicyKind,
    pub old: Option<FileId>,
    pub new: Option<FileId>,
    pub outcome: Outcome,
}

impl FileReport {
    /// The verdict word of the JSON contract.
    pub fn verdict(&self) -> &'static str {
        match &self.outcome {
            Outcome::Changed(c) => c.verdict.as_str(),
            Outcome::Added(_) => "added",
            Outcome::Removed(_) => "removed",
            Outcome::Invalid => "invalid",
            Outcome::Internal(_) => "unknown",
        }
    }

    /// The comparison behind the verdict, when there is one.
    pub fn comparison(&self) -> Option<&Comparison> {
        match &self.outcome {
            Outcome::Changed(c) => Some(c),
            Outcome::Added(c) | Outcome::Removed(c) => c.as_ref(),
            Outcome::Invalid | Outcome::Internal(_) => None,
        }
    }

    fn grants_new_access(&self) -> bool {
        self.comparison().is_some_and(|c| !c.new_access.is_empty())
    }

    fn changes_access(&self) -> bool {
        match &self.outcome {
            Outcome::Changed(c) => c.verdict != Verdict::Equivalent,
            Outcome::Added(_) | Outcome::Removed(_) => true,
            Outcome::Invalid | Outcome::Internal(_) => false,
        }
    }

    fn unknown(&self) -> bool {
        matches!(&self.outcome, Outcome::Internal(_))
            || self
                .comparison()
                .is_some_and(|c| c.verdict == Verdict::Unknown)
    }
}

/// The whole diff: every file, in path order.
#[derive(Debug, Clone)]
pub struct DiffReport {
    pub files: Vec<FileReport>,
    /// JSON files of a directory or `--git` comparison that are not policies (no version has a
    /// `Statement` or a policy wrapper), left out.
    pub skipped: Vec<String>,
}

impl DiffReport {
    /// The exit code under `fail_on`: bad input (2) first, then a certified change that
    /// fails the check (1), then an unknown answer (3).
    pub fn exit(&self, fail_on: FailOn) -> Exit {
        let fails = |f: &FileReport| match fail_on {
            FailOn::NewAccess => f.grants_new_access(),
            FailOn::AnyChange => f.changes_access(),
            FailOn::Never => false,
        };
        if self
            .files
            .iter()
            .any(|f| matches!(f.outcome, Outcome::Invalid))
        {
            Exit::BadInput
        } else if self.files.iter().any(fails) {
            Exit::Violated
        } else if self.files.iter().any(FileReport::unknown) {
            Exit::Unknown
        } else {
            Exit::Ok
        }
    }
}

/// Parses a version as a policy of `kind` (or the kind it looks like); diagnostics go to the
/// loader.
fn parse_version(
    loader: &mut Loader,
    version: &Version,
    kind: Option<PolicyKind>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Option<FileId>, Option<Policy>, Option<PolicyKind>) {
    let Some(file) = loader.add_bytes(version.name.clone(), version.bytes.clone()) else {
        return (None, None, None);
    };
    let parsed = parse_policy(loader.source(file), file);
    diagnostics.extend(parsed.diagnostics);
    let Some(policy) = parsed.policy else {
        return (Some(file), None, None);
    };
    let kind = kind.unwrap_or_else(|| detect_kind(&policy));
    let checks = check_kind(&policy, kind);
    let ok = !checks.iter().any(Diagnostic::is_error);
    diagnostics.extend(checks);
    (Some(file), ok.then_some(policy), Some(kind))
}

/// Whether a version is meant as a policy: a JSON object with `Statement`, or one of the
/// wrappers airtight reads (`PolicyVersion`, `Policy`, `Role`). Text that is not JSON counts
/// as meant (its errors are reported).
fn looks_like_policy(v: &Version) -> bool {
    match serde_json::from_slice::<serde_json::Value>(&v.bytes) {
        Ok(serde_json::Value::Object(map)) => ["Statement", "PolicyVersion", "Policy", "Role"]
            .iter()
            .any(|k| map.contains_key(*k)),
        Ok(_) => false,
        Err(_) => true,
    }
}

/// A parsed pair, ready to compare.
struct Parsed {
    path: String,
    kind: PolicyKind,
    old: (Option<FileId>, Option<Policy>),
    new: (Option<FileId>, Option<Policy>),
    invalid: bool,
}

/// Reads, parses and compares every pair. Diagnostics about the files are left in `loader`.
pub fn diff(
    pairs: Vec<FilePair>,
    kind: Option<PolicyKind>,
    loader: &mut Loader,
    options: &DiffOptions,
) -> DiffReport {
    let mut diagnostics = Vec::new();
    let mut parsed = Vec::new();
    let mut skipped = Vec::new();
    for pair in pairs {
        if !pair.named && !pair.old.iter().chain(&pair.new).any(looks_like_policy) {
            skipped.push(pair.path);
            continue;
        }
        let mut invalid = false;
        let mut side = |v: &Option<Version>, kind: Option<PolicyKind>| match v {
            None => ((None, None), None),
            Some(v) => {
                let (file, policy, k) = parse_version(loader, v, kind, &mut diagnostics);
                invalid |= policy.is_none();
                ((file, policy), k)
            }
        };
        let (new, new_kind) = side(&pair.new, kind);
        // OLD is read as the same kind as NEW, so that both are judged alike.
        let (old, old_kind) = side(&pair.old, kind.or(new_kind));
        parsed.push(Parsed {
            path: pair.path,
            kind: kind
                .or(new_kind)
                .or(old_kind)
                .unwrap_or(PolicyKind::Identity),
            old,
            new,
            invalid,
        });
    }
    loader.extend_diagnostics(diagnostics);

    let empty = parse_policy(
        r#"{"Version":"2012-10-17","Statement":[]}"#,
        FileId(u32::MAX),
    )
    .policy;
    let allow_all = parse_policy(ALLOW_ALL, FileId(u32::MAX)).policy;
    let files = parsed
        .into_par_iter()
        .map(|p| {
            let outcome = match (&p.old.1, &p.new.1, &empty, &allow_all) {
                _ if p.invalid => Outcome::Invalid,
                (_, _, None, _) | (_, _, _, None) => {
                    Outcome::Internal("the built-in policies do not parse".into())
                }
                (Some(old), Some(new), _, Some(all)) => {
                    match compare(old, new, p.kind, all, options) {
                        Ok(c) => Outcome::Changed(c),
                        Err(e) => Outcome::Internal(e.to_string()),
                    }
                }
                (None, Some(new), Some(empty), Some(all)) => {
                    match standalone(p.kind, || compare(empty, new, p.kind, all, options)) {
                        Ok(c) => Outcome::Added(c),
                        Err(e) => Outcome::Internal(e),
                    }
                }
                (Some(old), None, Some(empty), Some(all)) => {
                    match standalone(p.kind, || compare(old, empty, p.kind, all, options)) {
                        Ok(c) => Outcome::Removed(c),
                        Err(e) => Outcome::Internal(e),
                    }
                }
                (None, None, _, _) => Outcome::Invalid,
            };
            FileReport {
                path: p.path,
                kind: p.kind,
                old: p.old.0,
                new: p.new.0,
                outcome,
            }
        })
        .collect();
    DiffReport { files, skipped }
}

/// What an added or removed identity or resource policy grants, compared with no policy. A
/// guardrail on its own grants nothing, so it is only reported as added or removed.
fn standalone(
    kind: PolicyKind,
    run: impl FnOnce() -> Result<Comparison, crate::query::QueryError>,
) -> Result<Option<Comparison>, String> {
    match kind {
        PolicyKind::Identity | PolicyKind::Resource => run().map(Some).map_err(|e| e.to_string()),
        _ => Ok(None),
    }
}

/// Runs `airtight diff`.
pub fn run(args: &DiffArgs, io: &mut Io<'_>) -> Exit {
    let pairs = match (&args.git, args.paths.as_slice()) {
        (Some(range), paths) => from_git(range, paths),
        (None, [old, new]) => from_paths(old, new),
        (None, _) => {
            let _ = writeln!(
                io.err,
                "error: give OLD and NEW (two files or two directories), or --git BASE..HEAD"
            );
            return Exit::BadInput;
        }
    };
    let pairs = match pairs {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(io.err, "error: {e}");
            return Exit::BadInput;
        }
    };
    let options = DiffOptions {
        timeout_ms: (args.timeout.max(0.001) * 1000.0) as u64,
        max_examples: args.max_examples.max(1),
    };
    let mut loader = Loader::new();
    let report = diff(pairs, args.kind.map(KindArg::kind), &mut loader, &options);
    let diagnostics = loader.diagnostics().to_vec();
    let _ = report::emit_diagnostics(&loader, &diagnostics, io.err);
    let written = match args.format {
        DiffFormat::Text => report::diff::text::render(&loader, &report, io.out),
        DiffFormat::Json => report::diff::json::render(&loader, &report, io.out),
        DiffFormat::Sarif => report::diff::sarif::render(&loader, &report, io.out),
        DiffFormat::Github => report::diff::github::render(&loader, &report, io.out),
        DiffFormat::Markdown => report::diff::markdown::render(&loader, &report, io.out),
    };
    if let Err(e) = written {
        let _ = writeln!(io.err, "error: cannot write the report: {e}");
    }
    for f in &report.files {
        if let Outcome::Internal(e) = &f.outcome {
            let _ = writeln!(io.err, "error: {}: {e}", f.path);
        }
    }
    report.exit(args.fail_on)
}
