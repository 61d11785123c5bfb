//! A whole diff as data: every policy file's two versions, compared in parallel, with what
//! happened to each ([`FileOutcome`]) and the certified examples in a reviewer's order
//! ([`DiffReport::examples`]).
//!
//! The caller reads and parses the versions (a file, a directory entry, a git blob) and hands
//! them over as [`PolicyPair`]s; nothing here reads input or renders output.

use airtight_encodings::policy::{Policy, PolicyKind};
use airtight_encodings::span::FileId;
use rayon::prelude::*;

use super::compare::{compare, Change, Comparison, DiffOptions, Example};
use crate::builtin::Baselines;

/// One version of a policy file, parsed.
#[derive(Debug, Clone)]
pub struct PolicyVersion {
    /// Where its text is, for pointers into it.
    pub file: FileId,
    /// `None` when the text has errors (the caller reports them).
    pub policy: Option<Policy>,
}

/// The two versions of one policy file; a missing side means the file was added or removed.
#[derive(Debug, Clone)]
pub struct PolicyPair {
    /// The path reports show.
    pub path: String,
    /// The type both versions are judged as.
    pub kind: PolicyKind,
    pub old: Option<PolicyVersion>,
    pub new: Option<PolicyVersion>,
    /// Each version is one whole file (not statements gathered from several, as a world's
    /// principal's policies are), so a reader can hand it to other tools.
    pub whole_file: bool,
}

/// What happened to one policy file.
#[derive(Debug, Clone)]
pub enum FileOutcome {
    /// Both versions parsed and were compared.
    Changed(Comparison),
    /// Only NEW exists; for identity and resource policies, what it grants (and, judged as a
    /// guardrail, what its Deny statements stop: removed access).
    Added(Option<Comparison>),
    /// Only OLD exists; for identity and resource policies, what it granted (and what its Deny
    /// statements stopped: new access).
    Removed(Option<Comparison>),
    /// A version has errors.
    Invalid,
    /// The solver's example was not confirmed by the evaluator: a bug in airtight.
    Internal(String),
}

/// One policy file of a diff.
#[derive(Debug, Clone)]
pub struct FileDiff {
    pub path: String,
    pub kind: PolicyKind,
    pub old: Option<FileId>,
    pub new: Option<FileId>,
    pub outcome: FileOutcome,
    /// See [`PolicyPair::whole_file`].
    pub whole_file: bool,
}

impl FileDiff {
    /// The verdict word of the JSON contract.
    pub fn verdict(&self) -> &'static str {
        match &self.outcome {
            FileOutcome::Changed(c) => c.change.as_str(),
            FileOutcome::Added(_) => "added",
            FileOutcome::Removed(_) => "removed",
            FileOutcome::Invalid => "invalid",
            FileOutcome::Internal(_) => "unknown",
        }
    }

    /// The comparison behind the verdict, when there is one.
    pub fn comparison(&self) -> Option<&Comparison> {
        match &self.outcome {
            FileOutcome::Changed(c) => Some(c),
            FileOutcome::Added(c) | FileOutcome::Removed(c) => c.as_ref(),
            FileOutcome::Invalid | FileOutcome::Internal(_) => None,
        }
    }

    /// NEW grants something OLD did not (an added policy that grants anything counts).
    pub fn grants_new_access(&self) -> bool {
        self.comparison().is_some_and(|c| !c.new_access.is_empty())
    }

    /// Access changed in either direction, or the policy was added or removed.
    pub fn changes_access(&self) -> bool {
        match &self.outcome {
            FileOutcome::Changed(c) => c.change != Change::Equivalent,
            FileOutcome::Added(_) | FileOutcome::Removed(_) => true,
            FileOutcome::Invalid | FileOutcome::Internal(_) => false,
        }
    }

    /// Some part of the comparison has no answer.
    pub fn unknown(&self) -> bool {
        matches!(&self.outcome, FileOutcome::Internal(_))
            || self
                .comparison()
                .is_some_and(|c| c.change == Change::Unknown)
    }

    /// Why the answer is unknown, if it is.
    pub fn unknown_reason(&self) -> Option<String> {
        match &self.outcome {
            FileOutcome::Internal(e) => Some(e.clone()),
            _ => self
                .comparison()
                .and_then(|c| c.unknown.as_ref().map(|u| u.0.clone())),
        }
    }

    /// The file holding the statements responsible for examples in `direction`.
    pub fn side(&self, direction: Direction) -> Option<FileId> {
        match direction {
            Direction::Gained => self.new,
            Direction::Lost => self.old,
        }
    }
}

/// The whole diff: every file, in path order.
#[derive(Debug, Clone, Default)]
pub struct DiffReport {
    pub files: Vec<FileDiff>,
    /// Files of a directory or `--git` comparison that are not policies, left out.
    pub skipped: Vec<String>,
    /// Entries of a world comparison whose policies are the same in both worlds, left out.
    pub unchanged: usize,
}

/// Which way an example goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// NEW allows it, OLD did not.
    Gained,
    /// OLD allowed it, NEW does not.
    Lost,
}

impl Direction {
    /// The stable rule id (SARIF `ruleId`, text diagnostic code).
    pub fn rule(self) -> &'static str {
        match self {
            Direction::Gained => "airtight/new-access",
            Direction::Lost => "airtight/removed-access",
        }
    }
}

/// One certified example of a file, with its direction.
#[derive(Debug, Clone, Copy)]
pub struct DirectedExample<'a> {
    pub file: &'a FileDiff,
    pub direction: Direction,
    pub example: &'a Example,
}

impl DiffReport {
    /// Every example of the report, file by file, new access first.
    pub fn examples(&self) -> impl Iterator<Item = DirectedExample<'_>> {
        self.files.iter().flat_map(|file| {
            let c = file.comparison();
            let gained = c
                .into_iter()
                .flat_map(|c| c.new_access.iter())
                .map(move |e| DirectedExample {
                    file,
                    direction: Direction::Gained,
                    example: e,
                });
            let lost = c
                .into_iter()
                .flat_map(|c| c.removed_access.iter())
                .map(move |e| DirectedExample {
                    file,
                    direction: Direction::Lost,
                    example: e,
                });
            gained.chain(lost)
        })
    }

    /// Counts of files per verdict, in a fixed order.
    pub fn tally(&self) -> Vec<(&'static str, usize)> {
        const ORDER: [&str; 8] = [
            "new_access",
            "both",
            "removed_access",
            "equivalent",
            "added",
            "removed",
            "unknown",
            "invalid",
        ];
        ORDER
            .iter()
            .map(|v| (*v, self.files.iter().filter(|f| f.verdict() == *v).count()))
            .collect()
    }
}

/// Compares every pair, in parallel; the report keeps the pairs' order.
pub fn compare_all(
    pairs: Vec<PolicyPair>,
    baselines: &Baselines,
    options: &DiffOptions,
) -> Vec<FileDiff> {
    pairs
        .into_par_iter()
        .map(|p| {
            let invalid = p.old.iter().chain(&p.new).any(|v| v.policy.is_none());
            let old = p.old.as_ref().and_then(|v| v.policy.as_ref());
            let new = p.new.as_ref().and_then(|v| v.policy.as_ref());
            let outcome = match (old, new) {
                _ if invalid => FileOutcome::Invalid,
                (Some(old), Some(new)) => match compare(old, new, p.kind, baselines, options) {
                    Ok(c) => FileOutcome::Changed(c),
                    Err(e) => FileOutcome::Internal(e.to_string()),
                },
                (None, Some(new)) => match standalone(p.kind, || {
                    compare(&baselines.empty, new, p.kind, baselines, options)
                }) {
                    Ok(c) => FileOutcome::Added(c),
                    Err(e) => FileOutcome::Internal(e),
                },
                (Some(old), None) => match standalone(p.kind, || {
                    compare(old, &baselines.empty, p.kind, baselines, options)
                }) {
                    Ok(c) => FileOutcome::Removed(c),
                    Err(e) => FileOutcome::Internal(e),
                },
                (None, None) => FileOutcome::Invalid,
            };
            FileDiff {
                path: p.path,
                kind: p.kind,
                old: p.old.map(|v| v.file),
                new: p.new.map(|v| v.file),
                outcome,
                whole_file: p.whole_file,
            }
        })
        .collect()
}

/// What an added or removed identity or resource policy grants, compared with no policy (under
/// every judgement: a removed policy's Deny statements no longer stop anything, which is new
/// access). A guardrail policy type on its own grants nothing, so it is only reported as added
/// or removed.
fn standalone(
    kind: PolicyKind,
    run: impl FnOnce() -> Result<Comparison, crate::query::QueryError>,
) -> Result<Option<Comparison>, String> {
    match kind {
        PolicyKind::Identity | PolicyKind::Resource => run().map(Some).map_err(|e| e.to_string()),
        _ => Ok(None),
    }
}
