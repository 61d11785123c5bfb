//! Reading input: the only code that opens files, lists directories or runs git.
//!
//! - [`Loader`] reads policy and request files into the codespan-reporting file database and
//!   parses them; [`load_policy_set`] turns `--identity`, `--resource-policy`, … into a
//!   `PolicySet`;
//! - [`pairs`] pairs two files or two directories for `diff`; [`git`] takes the pairs from two
//!   revisions of a repository;
//! - [`intent`] reads a `deny-check --intent` file; [`requests`] reads the JSON Lines file of
//!   `simulate --requests`, a line at a time;
//! - [`config`] reads `airtight.toml` (found upward from the working directory), [`baseline`]
//!   a lint baseline; [`output`] writes the files a run produces (`--output`,
//!   `--write-baseline`), the one place the shell writes to the file system;
//! - [`iac`], [`yaml`], [`cfn`] and [`terraform`] read CloudFormation/SAM templates (JSON or
//!   YAML) and Terraform plans as worlds (`docs/iac.md`);
//! - [`file`] is how every file is read: regular files only, at most 16 MiB, symlinks followed
//!   only inside the tree they are in.
//!
//! The [`Loader`] owns the codespan-reporting file database. Every file it reads is added to
//! that database, and the [`FileId`] handed to the parser is the file's index in it
//! (`FileId(n)` ↔ database id `n`), so a diagnostic's span can be rendered without any other
//! mapping. Diagnostics of every file are collected here and reported together, so a user sees
//! all problems of one invocation at once.

use std::path::{Path, PathBuf};

use airtight_analysis::builtin::Baselines;
use airtight_analysis::builtin::{BuiltIn, ALLOW_ALL, ALLOW_EVERY_CALLER, EMPTY};
use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::eval::PolicySet;
use airtight_encodings::parse::{parse_policy_as, TypedPolicy};
use airtight_encodings::policy::{Policy, PolicyKind};
use airtight_encodings::request::{parse_request, Request};
use airtight_encodings::span::{FileId, Span};
use codespan_reporting::files::SimpleFiles;

pub mod baseline;
pub mod cfn;
pub mod config;
pub mod file;
pub mod git;
pub mod iac;
pub mod intent;
pub mod output;
pub mod pairs;
pub mod requests;
pub mod terraform;
pub mod world;
pub mod yaml;

use file::{first_nul, read_named, ReadError};
use pairs::Version;

/// Loading failed; the reasons are error diagnostics recorded in the [`Loader`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the input has errors")]
pub struct Failed;

/// The file database plus the diagnostics produced while reading and parsing.
pub struct Loader {
    files: SimpleFiles<String, String>,
    /// Diagnostics about whole files that have no source to point into (e.g. unreadable).
    diagnostics: Vec<Diagnostic>,
    /// The files that hold built-in policies rather than the user's.
    builtins: Vec<FileId>,
    /// For files whose report entries are not named by their path (a template's entries are
    /// named by principal or function): the path CI annotations and SARIF point at.
    artifacts: std::collections::BTreeMap<FileId, String>,
}

impl Default for Loader {
    fn default() -> Loader {
        Loader::new()
    }
}

impl Loader {
    pub fn new() -> Loader {
        Loader {
            files: SimpleFiles::new(),
            diagnostics: Vec::new(),
            builtins: Vec::new(),
            artifacts: std::collections::BTreeMap::new(),
        }
    }

    /// The codespan-reporting database; `FileId(n)` is database id `n`.
    pub fn files(&self) -> &SimpleFiles<String, String> {
        &self.files
    }

    /// The name a file was loaded under (the path as given), or `?` for an unknown id.
    pub fn name(&self, file: FileId) -> &str {
        self.files
            .get(file.0 as usize)
            .map(|f| f.name().as_str())
            .unwrap_or("?")
    }

    /// The source text of a loaded file (empty for an unknown id).
    pub fn source(&self, file: FileId) -> &str {
        self.files
            .get(file.0 as usize)
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }

    /// Every diagnostic recorded so far, in the order the files were read.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Records diagnostics produced elsewhere (e.g. by parsing a text added with
    /// [`Loader::add_bytes`]).
    pub fn extend_diagnostics(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(diagnostics);
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Adds a text under a name and returns its id, without reading anything from disk.
    /// Used by [`Loader::read`] and by tests.
    pub fn add(&mut self, name: impl Into<String>, source: impl Into<String>) -> FileId {
        let id = self.files.add(name.into(), source.into());
        FileId(u32::try_from(id).unwrap_or(u32::MAX))
    }

    /// Reads a file named on the command line as UTF-8 text ([`file::read_named`]: a regular
    /// file, at most 16 MiB, reached through a symlink only inside the current directory). On
    /// failure records a diagnostic naming the file and returns `None`.
    /// A built-in policy's argument (`builtin:allow-all`, …) names that policy, not a file.
    pub fn read(&mut self, path: &Path) -> Option<FileId> {
        if let Some(builtin) = path
            .to_str()
            .and_then(airtight_analysis::builtin::by_argument)
        {
            return Some(self.add_builtin(builtin));
        }
        let name = path.display().to_string();
        self.add_read(name, read_named(path)).ok()
    }

    /// Adds one version of a `diff` pair: its text, or the reason it could not be read.
    pub fn add_version(&mut self, version: Version) -> Result<FileId, FileId> {
        self.add_read(version.name, version.content)
    }

    /// Adds what a read produced. A failed read is recorded as a diagnostic about the whole
    /// file (no snippet: nothing of it was read) and its file, empty, is returned as `Err`.
    fn add_read(
        &mut self,
        name: String,
        read: Result<Vec<u8>, ReadError>,
    ) -> Result<FileId, FileId> {
        match read {
            Ok(bytes) => self.add_bytes(name, bytes),
            Err(e) => Err(self.refuse(name, &e)),
        }
    }

    /// Registers `name` with no text and records `error` about it.
    fn refuse(&mut self, name: String, error: &ReadError) -> FileId {
        let file = self.add(name, String::new());
        self.diagnostics
            .push(Diagnostic::whole_file(error.code(), error.to_string()));
        file
    }

    /// Adds bytes read from somewhere (a file, a git blob) as UTF-8 text. When they are not
    /// UTF-8, records a diagnostic pointing at the first bad byte and returns `Err` with the
    /// file's id (its text has the bad bytes replaced, so that the diagnostic can be shown).
    /// Bytes holding a NUL are a binary file: no JSON text has one, and nothing of such a file
    /// (`/proc/self/environ`) is shown.
    pub fn add_bytes(&mut self, name: String, bytes: Vec<u8>) -> Result<FileId, FileId> {
        if let Some(offset) = first_nul(&bytes) {
            let error = ReadError::Binary {
                path: name.clone(),
                offset,
            };
            return Err(self.refuse(name, &error));
        }
        match String::from_utf8(bytes) {
            Ok(text) => Ok(self.add(name, text)),
            Err(e) => {
                let bad = e.utf8_error().valid_up_to();
                // Keep the file (with the bad bytes replaced) so the diagnostic can show where
                // the first bad byte is; the replacement character is what the snippet shows.
                let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let end = lossy[bad..]
                    .chars()
                    .next()
                    .map_or(bad, |c| bad + c.len_utf8());
                let file = self.add(name, lossy);
                self.diagnostics.push(
                    Diagnostic::error(
                        "invalid-utf8",
                        "file is not valid UTF-8",
                        Span::new(file, bad, end),
                    )
                    .with_label(format!("the first invalid byte is at offset {bad}"))
                    .with_note("policy and request files must be UTF-8 encoded JSON"),
                );
                Err(file)
            }
        }
    }

    /// Parses a text already in the database as a policy of `kind` (or the type it looks
    /// like); its diagnostics are recorded.
    /// A template, a plan or a YAML file has one error that says so ([`iac::not_a_policy`]).
    pub fn parse_policy(&mut self, file: FileId, kind: Option<PolicyKind>) -> TypedPolicy {
        let mut typed = parse_policy_as(self.source(file), file, kind);
        if typed.has_errors() {
            if let Some(d) = iac::not_a_policy(self.source(file), file) {
                typed.policy = None;
                typed.diagnostics = vec![d];
            }
        }
        self.diagnostics.extend(typed.diagnostics.iter().cloned());
        typed
    }

    /// Reads and parses one policy file and applies the element rules of `kind`.
    /// Returns the policy only when the file has no error diagnostic.
    pub fn load_policy(&mut self, path: &Path, kind: PolicyKind) -> Option<Policy> {
        let file = self.read(path)?;
        self.parse_policy(file, Some(kind)).usable().cloned()
    }

    /// Registers a built-in policy under its name, so that pointers into it read as such.
    pub fn add_builtin(&mut self, builtin: BuiltIn) -> FileId {
        let file = self.add(builtin.name, builtin.text);
        self.builtins.push(file);
        file
    }

    /// Records the repository-relative path (or the path as given) of `file`, for reports whose
    /// entries are not named by it.
    pub fn set_artifact(&mut self, file: FileId, path: &str) {
        self.artifacts.insert(file, path.to_string());
    }

    /// The path recorded with [`Loader::set_artifact`].
    pub fn artifact(&self, file: FileId) -> Option<&str> {
        self.artifacts.get(&file).map(String::as_str)
    }

    /// Whether `file` holds a built-in policy.
    pub fn is_builtin(&self, file: FileId) -> bool {
        self.builtins.contains(&file)
    }

    /// The built-in policies a diff compares against, registered in the database.
    pub fn baselines(&mut self) -> Option<Baselines> {
        let empty = self.add_builtin(EMPTY);
        let allow_all = self.add_builtin(ALLOW_ALL);
        let every_caller = self.add_builtin(ALLOW_EVERY_CALLER);
        Baselines::new(empty, allow_all, every_caller)
    }

    /// Reads and parses a request file.
    pub fn load_request(&mut self, path: &Path) -> Option<Request> {
        let file = self.read(path)?;
        match parse_request(self.source(file), file) {
            Ok(request) => Some(request),
            Err(diagnostics) => {
                self.diagnostics.extend(diagnostics);
                None
            }
        }
    }
}

/// The policy files of one authorization decision, by the part each plays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyFiles {
    pub identity: Vec<PathBuf>,
    pub resource_policy: Option<PathBuf>,
    pub boundary: Option<PathBuf>,
    pub session_policy: Option<PathBuf>,
    /// One entry per organization level, root first; each the policies attached there.
    pub scp: Vec<Vec<PathBuf>>,
    pub rcp: Vec<Vec<PathBuf>>,
    /// The account whose users and roles the identity side describes (default: the
    /// resource's account).
    pub principal_account: Option<String>,
}

/// Loads every policy named by `args` into a [`PolicySet`]. Every file is read and checked even
/// after a failure, so that all problems are reported at once; the result is `Err(Failed)` when
/// any of them has an error diagnostic.
pub fn load_policy_set(args: &PolicyFiles, loader: &mut Loader) -> Result<PolicySet, Failed> {
    let mut ok = true;
    let mut one = |path: &PathBuf, kind: PolicyKind, loader: &mut Loader| {
        let policy = loader.load_policy(path, kind);
        ok &= policy.is_some();
        policy
    };
    let identity = args
        .identity
        .iter()
        .filter_map(|p| one(p, PolicyKind::Identity, loader))
        .collect();
    let resource = args
        .resource_policy
        .as_ref()
        .and_then(|p| one(p, PolicyKind::Resource, loader));
    let boundary = args
        .boundary
        .as_ref()
        .and_then(|p| one(p, PolicyKind::Boundary, loader));
    let session = args
        .session_policy
        .as_ref()
        .and_then(|p| one(p, PolicyKind::Session, loader));
    let scps: Vec<Vec<Policy>> = args
        .scp
        .iter()
        .map(|level| {
            level
                .iter()
                .filter_map(|p| one(p, PolicyKind::Scp, loader))
                .collect()
        })
        .collect();
    let rcps: Vec<Vec<Policy>> = args
        .rcp
        .iter()
        .map(|level| {
            level
                .iter()
                .filter_map(|p| one(p, PolicyKind::Rcp, loader))
                .collect()
        })
        .collect();
    if !ok || loader.has_errors() {
        return Err(Failed);
    }
    let warnings: Vec<Diagnostic> = [(&scps, "service"), (&rcps, "resource")]
        .into_iter()
        .flat_map(|(levels, what)| {
            levels
                .iter()
                .enumerate()
                .filter_map(move |(i, level)| level_allows_nothing(level, i, what))
        })
        .collect();
    loader.extend_diagnostics(warnings);
    Ok(PolicySet {
        principal_account: args.principal_account.clone(),
        identity,
        resource,
        boundary,
        session,
        scps,
        rcps,
    })
}

/// A warning when no policy of an organization level has an Allow statement: such a level
/// denies everything below it. A deny-list SCP or RCP is attached next to `FullAWSAccess`
/// (`RCPFullAWSAccess`), which belongs in the same `--scp`/`--rcp` flag.
fn level_allows_nothing(level: &[Policy], index: usize, what: &str) -> Option<Diagnostic> {
    let allows = level
        .iter()
        .flat_map(|p| &p.statements)
        .any(|s| s.effect.value == airtight_encodings::policy::Effect::Allow);
    let first = level.first().filter(|_| !allows)?;
    let flag = if what == "service" { "scp" } else { "rcp" };
    let full = if what == "service" {
        "FullAWSAccess"
    } else {
        "RCPFullAWSAccess"
    };
    Some(
        Diagnostic::warning(
            "level-allows-nothing",
            format!(
                "no {what} control policy at organization level {} has an Allow statement, so the level allows nothing",
                index + 1
            ),
            first.span,
        )
        .with_label("only Deny statements at this level")
        .with_note(format!(
            "AWS attaches a deny-list policy next to `{full}`; give both in one flag: --{flag} {full}.json,this.json"
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_ids_are_database_indices() {
        let mut loader = Loader::new();
        let a = loader.add("a.json", "{}");
        let b = loader.add("b.json", "[]");
        assert_eq!((a, b), (FileId(0), FileId(1)));
        assert_eq!(loader.name(b), "b.json");
        assert_eq!(loader.source(a), "{}");
    }

    #[test]
    fn missing_file_is_an_error_diagnostic() {
        let mut loader = Loader::new();
        assert!(loader
            .read(Path::new("/nonexistent/airtight/file.json"))
            .is_none());
        assert!(loader.has_errors());
        assert_eq!(loader.diagnostics()[0].code, "unreadable-file");
    }

    #[test]
    fn invalid_utf8_points_at_first_bad_byte() {
        let dir = std::env::temp_dir().join(format!("airtight-load-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("bad.json");
        std::fs::write(&path, b"{\"a\": \"\xff\"}").expect("write");
        let mut loader = Loader::new();
        assert!(loader.read(&path).is_none());
        let d = &loader.diagnostics()[0];
        assert_eq!(d.code, "invalid-utf8");
        assert_eq!(d.labels[0].span.start, 7);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
