//! The two versions of each policy `diff` compares, from two files or two directories
//! (policies paired by relative path). Two revisions of a repository are [`super::git`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One version of a policy file.
#[derive(Debug, Clone)]
pub struct Version {
    /// The name diagnostics show: the path as given, or `REV:path` for a git revision.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The two versions of one policy; a missing side means the file was added or removed.
#[derive(Debug, Clone)]
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
}

/// Pairs two files, or the `*.json` files of two directories by relative path.
pub fn from_paths(old: &Path, new: &Path) -> Result<Vec<FilePair>, InputError> {
    match (old.is_dir(), new.is_dir()) {
        (false, false) => Ok(vec![FilePair {
            path: slashes(new),
            old: Some(read(old)?),
            new: Some(read(new)?),
            named: true,
        }]),
        (true, true) => {
            let old_files = json_files(old)?;
            let new_files = json_files(new)?;
            let all: BTreeSet<&String> = old_files.iter().chain(&new_files).collect();
            all.into_iter()
                .map(|rel| {
                    let side = |root: &Path, files: &BTreeSet<String>| {
                        files
                            .contains(rel)
                            .then(|| read(&root.join(rel)))
                            .transpose()
                    };
                    // Reported under NEW's path (OLD's for a removed file), relative to the
                    // current directory, as CI annotations want.
                    let root = if new_files.contains(rel) { new } else { old };
                    Ok(FilePair {
                        path: slashes(&root.join(rel))
                            .trim_start_matches("./")
                            .to_string(),
                        old: side(old, &old_files)?,
                        new: side(new, &new_files)?,
                        named: false,
                    })
                })
                .collect()
        }
        _ => Err(InputError::Mixed(slashes(old), slashes(new))),
    }
}

fn read(path: &Path) -> Result<Version, InputError> {
    let bytes = std::fs::read(path).map_err(|source| InputError::Io {
        path: slashes(path),
        source,
    })?;
    Ok(Version {
        name: slashes(path),
        bytes,
    })
}

pub(crate) fn slashes(path: &Path) -> String {
    path.display().to_string().replace('\\', "/")
}

/// The `*.json` files under `root`, as `/`-separated relative paths, sorted.
fn json_files(root: &Path) -> Result<BTreeSet<String>, InputError> {
    let mut out = BTreeSet::new();
    let mut stack: Vec<PathBuf> = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let dir = root.join(&rel);
        let entries = std::fs::read_dir(&dir).map_err(|source| InputError::Io {
            path: slashes(&dir),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| InputError::Io {
                path: slashes(&dir),
                source,
            })?;
            let name = rel.join(entry.file_name());
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir {
                if !entry.file_name().to_string_lossy().starts_with('.') {
                    stack.push(name);
                }
            } else if name.extension().is_some_and(|e| e == "json") {
                out.insert(slashes(&name));
            }
        }
    }
    Ok(out)
}
