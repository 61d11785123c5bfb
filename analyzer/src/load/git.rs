//! The two versions of each changed policy between two revisions of the current git
//! repository (`BASE..HEAD`), or between a revision and the working tree (`BASE`).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::pairs::{FilePair, InputError, Version};

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
                content: Ok(git(&["show", &format!("{rev}:{path}")])?),
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
                        content: Ok(std::fs::read(&file).map_err(|source| InputError::Io {
                            path: path.clone(),
                            source,
                        })?),
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
