//! The two versions of each policy `diff` compares, from two files or two directories
//! (policies paired by relative path). Two revisions of a repository are [`super::git`].
//!
//! Files are read by [`super::file`]: regular files only, at most 16 MiB. In a directory
//! comparison a symlink is followed only when it resolves inside the directory it is in (OLD or
//! NEW); a symlink pointing out of it, a loop (a link to a directory that contains it included),
//! a dangling link, and a FIFO, socket or device named `*.json` become a version that could not
//! be read, reported with its path, so the comparison fails with exit code 2 instead of
//! silently leaving a policy out.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::file::{read_regular, resolve_named, resolve_within, slashes, ReadError};

/// One version of a policy file.
#[derive(Debug)]
pub struct Version {
    /// The name diagnostics show: the path as given, or `REV:path` for a git revision.
    pub name: String,
    /// The file's bytes, or why it could not be read.
    pub content: Result<Vec<u8>, ReadError>,
}

/// The two versions of one policy; a missing side means the file was added or removed.
#[derive(Debug)]
pub struct FilePair {
    /// The path reports use: NEW's path as given (OLD's for a removed file), or for `--git`
    /// the path relative to the repository root.
    pub path: String,
    pub old: Option<Version>,
    pub new: Option<Version>,
    /// Named on the command line (two files): always compared. Pairs found in directories or
    /// by `git diff` are skipped when neither version looks like a policy.
    pub named: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("`{0}` and `{1}` must both be files or both be directories")]
    Mixed(String, String),
    #[error("git {args} failed: {message}")]
    Git { args: String, message: String },
    #[error("cannot run git: {0}")]
    NoGit(std::io::Error),
    #[error(
        "bad revision range `{0}`: expected BASE..HEAD, or BASE to compare with the working tree"
    )]
    Range(String),
    #[error("bad revision `{rev}`: {why}")]
    Revision { rev: String, why: String },
    #[error(
        "more than {limit} directories below `{root}` (symlinks to directories multiply them)"
    )]
    TooManyDirectories { root: String, limit: usize },
    #[error("pathspec `{pathspec}` matches no file in {place}")]
    Pathspec { pathspec: String, place: String },
}

/// Pairs two files, or the `*.json` files of two directories by relative path. Both paths
/// follow the rule of every path named on the command line ([`resolve_named`]).
pub fn from_paths(old: &Path, new: &Path) -> Result<Vec<FilePair>, InputError> {
    let old_at = resolve_named(old);
    let new_at = resolve_named(new);
    let is_dir = |at: &Result<PathBuf, ReadError>| at.as_ref().is_ok_and(|p| p.is_dir());
    match (is_dir(&old_at), is_dir(&new_at)) {
        (false, false) => {
            let version = |path: &Path, at: Result<PathBuf, ReadError>| Version {
                name: slashes(path),
                content: at.and_then(|at| read_regular(&at, &slashes(path))),
            };
            Ok(vec![FilePair {
                path: slashes(new),
                old: Some(version(old, old_at)),
                new: Some(version(new, new_at)),
                named: true,
            }])
        }
        (true, true) => {
            let mut old_tree = Tree::walk(old, &old_at?)?;
            let mut new_tree = Tree::walk(new, &new_at?)?;
            let all: BTreeSet<String> = old_tree
                .files
                .keys()
                .chain(new_tree.files.keys())
                .cloned()
                .collect();
            Ok(all
                .into_iter()
                .map(|rel| {
                    // Reported under NEW's path (OLD's for a removed file), relative to the
                    // current directory, as CI annotations want.
                    let root = if new_tree.files.contains_key(&rel) {
                        new
                    } else {
                        old
                    };
                    FilePair {
                        path: slashes(&root.join(&rel))
                            .trim_start_matches("./")
                            .to_string(),
                        old: old_tree.take(&rel),
                        new: new_tree.take(&rel),
                        named: false,
                    }
                })
                .collect())
        }
        // A side that cannot be read at all (a mistyped path) is reported as such, not as a
        // mix.
        (true, false) => Err(unreadable(new, new_at)
            .unwrap_or_else(|| InputError::Mixed(slashes(old), slashes(new)))),
        (false, true) => Err(unreadable(old, old_at)
            .unwrap_or_else(|| InputError::Mixed(slashes(old), slashes(new)))),
    }
}

/// Why a path named on the command line cannot be read at all, if it cannot: refused by
/// [`resolve_named`], or not there.
fn unreadable(path: &Path, at: Result<PathBuf, ReadError>) -> Option<InputError> {
    match at {
        Err(e) => Some(InputError::Read(e)),
        Ok(at) => fs::symlink_metadata(&at)
            .err()
            .map(|source| InputError::Io {
                path: slashes(path),
                source,
            }),
    }
}

/// What a directory walk found at one relative path.
#[derive(Debug)]
enum Entry {
    /// A file to read (a symlink already resolved inside the tree).
    File(PathBuf),
    /// A path that is not read, and why.
    Refused(ReadError),
}

/// The most directories one walk enters: symlinks to directories inside the tree can make a
/// small tree look exponentially large.
const MAX_DIRECTORIES: usize = 100_000;

/// The `*.json` files under one directory, by `/`-separated relative path.
struct Tree<'a> {
    /// The directory as the user gave it, for messages.
    root: &'a Path,
    files: BTreeMap<String, Entry>,
}

impl Tree<'_> {
    /// Walks `root` (`at` is where it resolves to). Hidden directories are skipped; a symlink
    /// is followed only when it resolves inside `at`, and never to a directory that contains
    /// it.
    fn walk<'a>(root: &'a Path, at: &Path) -> Result<Tree<'a>, InputError> {
        let top = fs::canonicalize(at).map_err(|source| InputError::Io {
            path: slashes(root),
            source,
        })?;
        let tree_name = format!("`{}`", slashes(root));
        let mut files = BTreeMap::new();
        // (relative path, canonical directory, canonical directories from the top down to it)
        let mut stack: Vec<(PathBuf, PathBuf, Vec<PathBuf>)> =
            vec![(PathBuf::new(), top.clone(), vec![top.clone()])];
        let mut walked = 0;
        while let Some((rel, dir, ancestors)) = stack.pop() {
            walked += 1;
            if walked > MAX_DIRECTORIES {
                return Err(InputError::TooManyDirectories {
                    root: slashes(root),
                    limit: MAX_DIRECTORIES,
                });
            }
            let entries = fs::read_dir(&dir).map_err(|source| InputError::Io {
                path: slashes(&root.join(&rel)),
                source,
            })?;
            for entry in entries {
                let entry = entry.map_err(|source| InputError::Io {
                    path: slashes(&root.join(&rel)),
                    source,
                })?;
                let name = entry.file_name();
                let hidden = name.to_string_lossy().starts_with('.');
                let rel_path = rel.join(&name);
                let key = slashes(&rel_path);
                let shown = slashes(&root.join(&rel_path));
                // Policies are `*.json`; templates may also be YAML (`docs/iac.md`).
                let is_json = rel_path.extension().is_some_and(|e| e == "json")
                    || super::iac::yaml_name(&key);
                let kind = entry.file_type().map_err(|source| InputError::Io {
                    path: shown.clone(),
                    source,
                })?;
                let path = dir.join(&name);
                if kind.is_dir() {
                    if !hidden {
                        let mut below = ancestors.clone();
                        below.push(path.clone());
                        stack.push((rel_path, path, below));
                    }
                } else if kind.is_symlink() {
                    match resolve_within(&path, &shown, &top, &tree_name) {
                        Ok(target) if target.is_dir() => {
                            if hidden {
                                continue;
                            }
                            if ancestors.contains(&target) {
                                files.insert(key, Entry::Refused(ReadError::Loop { path: shown }));
                            } else {
                                let mut below = ancestors.clone();
                                below.push(target.clone());
                                stack.push((rel_path, target, below));
                            }
                        }
                        Ok(target) => {
                            if is_json {
                                files.insert(key, Entry::File(target));
                            }
                        }
                        // A refused link is reported when it would have been compared: a
                        // `*.json` name, or a directory (whose policies would be left out).
                        Err(e) => {
                            if is_json || (!hidden && path.is_dir()) {
                                files.insert(key, Entry::Refused(e));
                            }
                        }
                    }
                } else if is_json {
                    // Regular or not: reading checks, and names a FIFO or device as such.
                    files.insert(key, Entry::File(path));
                }
            }
        }
        Ok(Tree { root, files })
    }

    /// The version at `rel`, read now (a FIFO or device is refused without being opened).
    fn take(&mut self, rel: &str) -> Option<Version> {
        let shown = slashes(&self.root.join(rel));
        let content = match self.files.remove(rel)? {
            Entry::File(path) => read_regular(&path, &shown),
            Entry::Refused(e) => Err(e),
        };
        Some(Version {
            name: shown,
            content,
        })
    }
}
