//! Where the two versions of each policy come from: two files, two directories (policies
//! paired by relative path), or two revisions of the current git repository.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

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

fn slashes(path: &Path) -> String {
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

/// The changed `*.json` files between two revisions (`BASE..HEAD`), or between a revision and
/// the working tree (`BASE`), limited to `paths` (git pathspecs, relative to the current
/// directory). Renames are an old file removed and a new one added.
pub fn from_git(range: &str, paths: &[PathBuf]) -> Result<Vec<FilePair>, InputError> {
    let (base, head) = match range.split_once("..") {
        Some((b, h)) if !b.is_empty() && !h.is_empty() && !h.starts_with('.') => (b, Some(h)),
        Some(_) => return Err(InputError::Range(range.to_string())),
        None if !range.is_empty() => (range, None),
        None => return Err(InputError::Range(range.to_string())),
    };
    let top = String::from_utf8_lossy(&git(&["rev-parse", "--show-toplevel"])?)
        .trim()
        .to_string();
    let mut args: Vec<String> = vec![
        "diff".into(),
        "--name-status".into(),
        "-z".into(),
        "--no-renames".into(),
        base.into(),
    ];
    args.extend(head.map(String::from));
    args.push("--".into());
    args.extend(paths.iter().map(|p| p.display().to_string()));
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let listing = git(&arg_refs)?;
    let fields: Vec<String> = listing
        .split(|b| *b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let mut pairs = Vec::new();
    for chunk in fields.chunks(2) {
        let [status, path] = chunk else { continue };
        if !path.ends_with(".json") {
            continue;
        }
        let at = |rev: &str| -> Result<Version, InputError> {
            Ok(Version {
                name: format!("{rev}:{path}"),
                bytes: git(&["show", &format!("{rev}:{path}")])?,
            })
        };
        let old = (!status.starts_with('A')).then(|| at(base)).transpose()?;
        let new = if status.starts_with('D') {
            None
        } else {
            Some(match head {
                Some(h) => at(h)?,
                None => {
                    let file = Path::new(&top).join(path);
                    Version {
                        name: path.clone(),
                        bytes: std::fs::read(&file).map_err(|source| InputError::Io {
                            path: path.clone(),
                            source,
                        })?,
                    }
                }
            })
        };
        pairs.push(FilePair {
            path: path.clone(),
            old,
            new,
            named: false,
        });
    }
    pairs.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(pairs)
}

fn git(args: &[&str]) -> Result<Vec<u8>, InputError> {
    let output = Command::new("git")
        .args(args)
        .output()
        .map_err(InputError::NoGit)?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(InputError::Git {
            args: args.join(" "),
            message: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        for bad in ["", "..", "a..", "..b", "a...b"] {
            assert!(
                matches!(from_git(bad, &[]), Err(InputError::Range(_))),
                "{bad}"
            );
        }
    }
}
