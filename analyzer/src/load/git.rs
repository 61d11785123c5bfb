//! The two versions of each changed policy between two revisions of the current git
//! repository (`BASE..HEAD`), or between a revision and the working tree (`BASE`).
//!
//! The repository, its configuration and the user's are not trusted to run anything or to
//! change what is compared (`docs/diff.md`, "Inputs"):
//!
//! - a revision is checked with `git rev-parse --verify --end-of-options REV^{commit}` (one
//!   starting with `-` is refused before git runs) and only its commit id is passed on, after
//!   `--end-of-options`; pathspecs always follow `--`;
//! - every git command runs with [`PINNED`]: nothing configured can run (`core.fsmonitor`,
//!   hooks, pagers, external diffs, textconv, lazy fetches) and nothing configured changes the
//!   output parsed here (`diff.relative`, renames, colour, abbreviation, quoting, order files);
//!   `GIT_EXTERNAL_DIFF`, `GIT_PAGER`, `PAGER` and `GIT_DIFF_OPTS` are removed from its
//!   environment;
//! - blobs are read with `git cat-file --batch --follow-symlinks`, which never runs a filter and
//!   follows a committed symlink only inside the revision's tree;
//! - the working tree is never read through git (that would run `filter.*.clean`): changed files
//!   are found by comparing BASE with the index (`git diff --cached`) and each indexed `*.json`
//!   file with its index blob ourselves; only changed files are read, by [`super::file`]
//!   (regular files, inside the repository, 16 MiB);
//! - a pathspec that matches no file on either side is an error;
//! - a renamed file is one pair (its old path's content against its new path's), so a pure
//!   rename is no change (`--find-renames`, git's default similarity), between two revisions
//!   and for a rename staged in the index (`git mv`). Renames are found in the whole diff and
//!   kept when either path is under a pathspec: git applies pathspecs before it looks for
//!   renames, so `--git BASE..HEAD new.json` would otherwise see an addition. A rename from or to
//!   a path that is not compared (`policy.json` → `policy.json.bak`) is the removal or the
//!   addition of the compared one.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use super::file::{read_regular, resolve_within, ReadError, MAX_FILE_BYTES};
use super::pairs::{FilePair, InputError, Version};

/// Configuration every git command runs with (`git -c key=value`, which outranks the
/// repository's, the user's and the system's configuration). The user's configuration is still
/// read (`safe.directory`, for one, must keep working in CI containers); what could run a command
/// or change the parsed output is pinned here instead. Flags do the rest: `--no-ext-diff`,
/// `--no-textconv`, `--no-color`, `--find-renames` or `--no-renames`, `--no-abbrev`, `-z`,
/// `--full-name`.
const PINNED: &[&str] = &[
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.untrackedCache=false",
    "core.quotePath=false",
    "core.pager=cat",
    "color.ui=false",
    "diff.relative=false",
    "diff.renames=false",
    "diff.renameLimit=1000",
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "diff.orderFile=/dev/null",
    "diff.ignoreSubmodules=none",
    "submodule.recurse=false",
    "status.relativePaths=false",
    "protocol.allow=never",
    "gc.auto=0",
    "maintenance.auto=false",
];

/// Environment variables that make git run a program or change a diff; removed.
const UNSET: &[&str] = &["GIT_EXTERNAL_DIFF", "GIT_DIFF_OPTS", "GIT_PAGER", "PAGER"];

/// The changed `*.json` files and templates between two revisions (`BASE..HEAD`), or between a
/// revision and the working tree (`BASE`), limited to `paths` (git pathspecs, relative to the
/// current directory). A rename (committed, or staged with `git mv`) pairs the old path with
/// the new one.
pub fn from_git(range: &str, paths: &[PathBuf]) -> Result<Vec<FilePair>, InputError> {
    let (base, head) = split_range(range)?;
    // Refused before git runs at all.
    for rev in std::iter::once(base).chain(head) {
        refuse_option(rev)?;
    }
    let top = toplevel()?;
    let base_id = commit(base)?;
    let head_id = head.map(commit).transpose()?;
    let pathspecs: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let mut blobs = Blobs::start()?;
    let pairs = match (head, &head_id) {
        (Some(head), Some(head_id)) => {
            check_pathspecs_in_revisions(&pathspecs, &[(base, &base_id), (head, head_id)])?;
            between_revisions((base, &base_id), (head, head_id), &pathspecs, &mut blobs)?
        }
        _ => {
            check_pathspecs_in_index(&pathspecs, base, &base_id)?;
            against_working_tree((base, &base_id), &top, &pathspecs, &mut blobs)?
        }
    };
    blobs.finish()?;
    let mut pairs: Vec<FilePair> = pairs.into_iter().filter(|p| !unchanged(p)).collect();
    pairs.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(pairs)
}

/// `BASE..HEAD` or `BASE`.
fn split_range(range: &str) -> Result<(&str, Option<&str>), InputError> {
    match range.split_once("..") {
        Some((b, h)) if !b.is_empty() && !h.is_empty() && !h.starts_with('.') => Ok((b, Some(h))),
        None if !range.is_empty() => Ok((range, None)),
        _ => Err(InputError::Range(range.to_string())),
    }
}

/// A revision starting with `-` would read as an option: refused.
fn refuse_option(rev: &str) -> Result<(), InputError> {
    if rev.starts_with('-') {
        return Err(InputError::Revision {
            rev: rev.to_string(),
            why: "a revision cannot start with `-`".to_string(),
        });
    }
    Ok(())
}

/// The commit id `rev` names (a revision starting with `-` is refused before git runs).
fn commit(rev: &str) -> Result<String, InputError> {
    refuse_option(rev)?;
    let bad = |why: &str| InputError::Revision {
        rev: rev.to_string(),
        why: why.to_string(),
    };
    let spec = format!("{rev}^{{commit}}");
    let output = git_output(&[
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        &spec,
    ])?;
    let id = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if !output.status.success() || id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("not a commit of this repository"));
    }
    Ok(id)
}

/// The top directory of the working tree, canonical.
fn toplevel() -> Result<PathBuf, InputError> {
    let out = git(&["rev-parse", "--show-toplevel"])?;
    let out = out.strip_suffix(b"\n").unwrap_or(&out);
    let top = path_from_bytes(out);
    std::fs::canonicalize(&top).map_err(|source| InputError::Io {
        path: top.display().to_string(),
        source,
    })
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// The empty tree's id, in the repository's hash (`git hash-object` writes nothing).
fn empty_tree() -> Result<String, InputError> {
    let out = git(&["hash-object", "-t", "tree", "--stdin"])?;
    Ok(String::from_utf8_lossy(&out).trim().to_string())
}

/// Every pathspec must match a file of one of the revisions.
fn check_pathspecs_in_revisions(
    pathspecs: &[String],
    revisions: &[(&str, &String)],
) -> Result<(), InputError> {
    if pathspecs.is_empty() {
        return Ok(());
    }
    let empty = empty_tree()?;
    for pathspec in pathspecs {
        let mut found = false;
        for (_, id) in revisions {
            // Against the empty tree, every file of the revision under the pathspec is a
            // difference; `--quiet` stops at the first and exits 1.
            let args = [
                "diff",
                "--quiet",
                "--no-ext-diff",
                "--no-textconv",
                "--end-of-options",
                &empty,
                id,
                "--",
                pathspec,
            ];
            let output = git_output(&args)?;
            match output.status.code() {
                Some(1) => {
                    found = true;
                    break;
                }
                Some(0) => {}
                _ => return Err(git_failed(&args, &output.stderr)),
            }
        }
        if !found {
            let names: Vec<String> = revisions.iter().map(|(r, _)| format!("`{r}`")).collect();
            return Err(InputError::Pathspec {
                pathspec: pathspec.clone(),
                place: names.join(" or "),
            });
        }
    }
    Ok(())
}

/// Every pathspec must match a file of BASE or of the index (what the working tree is compared
/// by: an untracked file is not compared).
fn check_pathspecs_in_index(
    pathspecs: &[String],
    base: &str,
    base_id: &str,
) -> Result<(), InputError> {
    let with_tree = format!("--with-tree={base_id}");
    let check = |specs: &[String]| -> Result<bool, InputError> {
        let mut args = vec!["ls-files", "--error-unmatch", &with_tree, "--"];
        args.extend(specs.iter().map(String::as_str));
        let output = git_output(&args)?;
        match output.status.code() {
            Some(0) => Ok(true),
            Some(1) => Ok(false),
            _ => Err(git_failed(&args, &output.stderr)),
        }
    };
    if pathspecs.is_empty() || check(pathspecs)? {
        return Ok(());
    }
    for pathspec in pathspecs {
        if !check(std::slice::from_ref(pathspec))? {
            return Err(InputError::Pathspec {
                pathspec: pathspec.clone(),
                place: format!(
                    "`{base}` or the index (untracked files are not compared: `git add` them)"
                ),
            });
        }
    }
    Ok(())
}

/// Whether a changed path is compared: a policy (`*.json`) or a template (`*.yaml`, `*.yml`,
/// `*.template`; `docs/iac.md`).
fn compared(path: &str) -> bool {
    path.ends_with(".json") || super::iac::yaml_name(path)
}

/// One changed path of `git diff --raw`: the modes on both sides, and the path it was renamed
/// from.
struct Change {
    old_mode: String,
    new_mode: String,
    from: Option<String>,
}

/// The paths a change compares on each side, OLD and NEW: a rename pairs its two paths when
/// both are compared; a rename from or to a path that is not compared is the removal or the
/// addition of the compared one.
fn sides<'a>(path: &'a str, change: Option<&'a Change>) -> (Option<&'a str>, Option<&'a str>) {
    let from = change.and_then(|c| c.from.as_deref()).unwrap_or(path);
    (
        compared(from).then_some(from),
        compared(path).then_some(path),
    )
}

/// Whether `git diff` pairs renamed files.
#[derive(Clone, Copy)]
enum Renames {
    Find,
    No,
}

/// The changes under `pathspecs`, renames paired. Git applies pathspecs before it looks for
/// renames, so a rename whose other path is not under them would be a lone addition or
/// removal: renames are found in the whole diff and kept when either path is under a
/// pathspec.
fn changes(
    extra: &[&str],
    revisions: &[&str],
    pathspecs: &[String],
) -> Result<BTreeMap<String, Change>, InputError> {
    let all = raw_diff(extra, revisions, &[], Renames::Find)?;
    if pathspecs.is_empty() {
        return Ok(all);
    }
    let matched = raw_diff(extra, revisions, pathspecs, Renames::No)?;
    Ok(all
        .into_iter()
        .filter(|(path, change)| {
            matched.contains_key(path)
                || change
                    .from
                    .as_ref()
                    .is_some_and(|f| matched.contains_key(f))
        })
        .collect())
}

/// `git diff --raw -z` with every option pinned; `extra` before the revisions (`--cached`).
fn raw_diff(
    extra: &[&str],
    revisions: &[&str],
    pathspecs: &[String],
    renames: Renames,
) -> Result<BTreeMap<String, Change>, InputError> {
    // A renamed file is paired with its old path at git's default similarity (50%).
    let renames = match renames {
        Renames::Find => "--find-renames",
        Renames::No => "--no-renames",
    };
    let mut args = vec![
        "diff",
        "--raw",
        "-z",
        "--no-abbrev",
        renames,
        "--no-ext-diff",
        "--no-textconv",
        "--no-color",
    ];
    args.extend(extra);
    args.push("--end-of-options");
    args.extend(revisions);
    args.push("--");
    args.extend(pathspecs.iter().map(String::as_str));
    let out = git(&args)?;
    let mut fields = out.split(|b| *b == 0);
    let mut changes = BTreeMap::new();
    // `:old_mode new_mode old_id new_id status` NUL `path` NUL, repeated; a rename or copy
    // (`R…`, `C…`) has the old path and then the new one.
    while let Some(meta) = fields.next() {
        if meta.is_empty() {
            continue;
        }
        let Some(path) = fields.next() else { break };
        let meta = String::from_utf8_lossy(meta);
        let words: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
        let [old_mode, new_mode, _, _, status] = words[..] else {
            return Err(InputError::Git {
                args: args.join(" "),
                message: format!("unexpected output `{meta}`"),
            });
        };
        let path = String::from_utf8_lossy(path).into_owned();
        // A copy (never asked for, `--find-copies` is not passed) is a new file: pairing it
        // with the file it copies would hide what it grants.
        let (path, from, old_mode) = match status.as_bytes().first() {
            Some(b'R') => {
                let Some(to) = fields.next() else { break };
                (
                    String::from_utf8_lossy(to).into_owned(),
                    Some(path),
                    old_mode,
                )
            }
            Some(b'C') => {
                let Some(to) = fields.next() else { break };
                (String::from_utf8_lossy(to).into_owned(), None, "000000")
            }
            _ => (path, None, old_mode),
        };
        changes.insert(
            path,
            Change {
                old_mode: old_mode.to_string(),
                new_mode: new_mode.to_string(),
                from,
            },
        );
    }
    Ok(changes)
}

/// Whether a mode is a file on that side (not absent, not a submodule).
fn is_file_mode(mode: &str) -> bool {
    !matches!(mode, "000000" | "160000")
}

fn between_revisions(
    (base, base_id): (&str, &str),
    (head, head_id): (&str, &str),
    pathspecs: &[String],
    blobs: &mut Blobs,
) -> Result<Vec<FilePair>, InputError> {
    let changes = changes(&[], &[base_id, head_id], pathspecs)?;
    let mut pairs = Vec::new();
    for (path, change) in &changes {
        // A rename with edits compares the old path's content with the new path's.
        let (old_path, new_path) = sides(path, Some(change));
        let Some(shown) = new_path.or(old_path) else {
            continue;
        };
        let old = old_path
            .filter(|_| is_file_mode(&change.old_mode))
            .map(|p| blobs.at(base, base_id, p))
            .transpose()?;
        let new = new_path
            .filter(|_| is_file_mode(&change.new_mode))
            .map(|p| blobs.at(head, head_id, p))
            .transpose()?;
        pairs.push(FilePair {
            path: shown.to_string(),
            old,
            new,
            named: false,
        });
    }
    Ok(pairs)
}

/// One entry of the index (`git ls-files -s -v`).
struct IndexEntry {
    mode: String,
    id: String,
    /// Git compares the index blob, not the file, for these: skip-worktree (`S`, sparse
    /// checkouts) and assume-unchanged (a lowercase tag) entries.
    use_blob: bool,
}

/// The index entries under `pathspecs`; with none, the whole index (`ls-files` alone would list
/// only the current directory, `git diff` the whole repository).
fn index_entries(pathspecs: &[String]) -> Result<BTreeMap<String, IndexEntry>, InputError> {
    let mut args = vec!["ls-files", "-z", "-s", "-v", "--full-name", "--"];
    if pathspecs.is_empty() {
        args.push(":/");
    }
    args.extend(pathspecs.iter().map(String::as_str));
    let out = git(&args)?;
    let mut entries = BTreeMap::new();
    // `TAG MODE ID STAGE` TAB `path` NUL.
    for record in out.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let Some(tab) = record.iter().position(|b| *b == b'\t') else {
            continue;
        };
        let meta = String::from_utf8_lossy(&record[..tab]);
        let path = String::from_utf8_lossy(&record[tab + 1..]).into_owned();
        let words: Vec<&str> = meta.split(' ').collect();
        let [tag, mode, id, stage] = words[..] else {
            continue;
        };
        let entry = IndexEntry {
            mode: mode.to_string(),
            id: id.to_string(),
            use_blob: tag == "S" || tag.chars().all(|c| c.is_ascii_lowercase()),
        };
        // An unmerged path has stages 1 to 3 and no stage 0: its file is compared.
        if stage == "0" {
            entries.insert(path, entry);
        } else {
            entries.entry(path).or_insert(IndexEntry {
                use_blob: false,
                ..entry
            });
        }
    }
    Ok(entries)
}

fn against_working_tree(
    (base, base_id): (&str, &str),
    top: &Path,
    pathspecs: &[String],
    blobs: &mut Blobs,
) -> Result<Vec<FilePair>, InputError> {
    // BASE against the index: no file of the working tree is read by git.
    let staged = changes(&["--cached"], &[base_id], pathspecs)?;
    let mut index = index_entries(pathspecs)?;
    // A rename staged into a path that is not under the pathspecs: its index entry too.
    if staged
        .iter()
        .any(|(p, c)| c.from.is_some() && !index.contains_key(p))
    {
        for (path, entry) in index_entries(&[])? {
            if staged.get(&path).is_some_and(|c| c.from.is_some()) {
                index.entry(path).or_insert(entry);
            }
        }
    }
    let candidates: BTreeSet<&String> = staged
        .keys()
        .chain(index.keys())
        .filter(|p| {
            let (old, new) = sides(p, staged.get(*p));
            old.is_some() || new.is_some()
        })
        .collect();
    let mut pairs = Vec::new();
    for path in candidates {
        let change = staged.get(path);
        let (old_path, new_path) = sides(path, change);
        let entry = index
            .get(path)
            .filter(|e| new_path.is_some() && is_file_mode(&e.mode));
        // Unchanged since BASE in the index and in the working tree: not compared, and not
        // read (an unchanged symlink out of the repository or a large file is no error).
        if change.is_none() {
            match entry {
                None => continue,
                Some(e) if e.use_blob || blobs.matches_working_file(e, top, path)? => continue,
                Some(_) => {}
            }
        }
        // A path BASE and the index agree on is in BASE when it is in the index.
        let in_base = match change {
            Some(change) => is_file_mode(&change.old_mode),
            None => entry.is_some(),
        };
        let old = old_path
            .filter(|_| in_base)
            .map(|p| blobs.at(base, base_id, p))
            .transpose()?;
        let new = match entry {
            None => None,
            Some(e) if e.use_blob => Some(Version {
                name: path.clone(),
                content: blobs.object(&e.id, path, "the index")?,
            }),
            Some(_) => working_file(top, path),
        };
        pairs.push(FilePair {
            path: new_path.or(old_path).unwrap_or(path).to_string(),
            old,
            new,
            named: false,
        });
    }
    Ok(pairs)
}

/// The working-tree version of an indexed path, read by us: `None` when the file is gone
/// (deleted in the working tree), else its bytes or why it is not read (a symlink out of the
/// repository, a FIFO, a directory, …).
fn working_file(top: &Path, path: &str) -> Option<Version> {
    let full = top.join(path);
    if std::fs::symlink_metadata(&full).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        return None;
    }
    let content = resolve_within(&full, path, top, "the repository")
        .and_then(|target| read_regular(&target, path));
    Some(Version {
        name: path.to_string(),
        content,
    })
}

/// A pair whose two versions have the same bytes (a mode change, a staged change undone in the
/// working tree) or that has no version at all.
fn unchanged(pair: &FilePair) -> bool {
    match (&pair.old, &pair.new) {
        (Some(old), Some(new)) => matches!(
            (&old.content, &new.content),
            (Ok(a), Ok(b)) if a == b
        ),
        (None, None) => true,
        _ => false,
    }
}

const BATCH: &str = "cat-file --batch --follow-symlinks";

fn batch_failed(e: std::io::Error) -> InputError {
    InputError::Git {
        args: BATCH.into(),
        message: e.to_string(),
    }
}

/// A link's target as git stores it (the bytes of the link text).
#[cfg(unix)]
fn link_bytes(target: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    target.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn link_bytes(target: &Path) -> Vec<u8> {
    target.to_string_lossy().replace('\\', "/").into_bytes()
}

/// A `git cat-file --batch --follow-symlinks` process: blobs by `REV:path` or id, raw (no
/// filter, no textconv), symlinks followed only inside the revision's tree.
struct Blobs {
    child: Child,
    input: Option<ChildStdin>,
    output: BufReader<ChildStdout>,
}

impl Blobs {
    fn start() -> Result<Blobs, InputError> {
        let mut child = command(&["cat-file", "--batch", "--follow-symlinks"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(InputError::NoGit)?;
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(InputError::Git {
                args: "cat-file --batch".into(),
                message: "no pipe to git".into(),
            });
        };
        Ok(Blobs {
            child,
            input: Some(input),
            output: BufReader::new(output),
        })
    }

    /// The version of `path` in revision `rev` (whose id is `id`), named `REV:path`.
    fn at(&mut self, rev: &str, id: &str, path: &str) -> Result<Version, InputError> {
        let name = format!("{rev}:{path}");
        let content = self.object(
            &format!("{id}:{path}"),
            &name,
            &format!("the revision `{rev}`"),
        )?;
        Ok(Version { name, content })
    }

    /// The blob `object` names. `Err` when git itself fails; `Ok(Err)` when this one object
    /// is not a readable file (a link out of the tree, a loop, too large, …).
    fn object(
        &mut self,
        object: &str,
        shown: &str,
        tree: &str,
    ) -> Result<Result<Vec<u8>, ReadError>, InputError> {
        let size = match self.header(object, shown, tree)? {
            Ok(size) => size,
            Err(e) => return Ok(Err(e)),
        };
        if size > MAX_FILE_BYTES {
            self.skip(size).map_err(batch_failed)?;
            return Ok(Err(ReadError::TooLarge {
                path: shown.to_string(),
            }));
        }
        let mut bytes = vec![0; usize::try_from(size).unwrap_or(0)];
        self.output
            .read_exact(&mut bytes)
            .and_then(|()| self.skip_newline())
            .map_err(batch_failed)?;
        Ok(Ok(bytes))
    }

    /// Whether the working-tree file at `path` has exactly the bytes of its index entry: for a
    /// symlink, the same link text; for a file, a regular file with the same content, compared
    /// in chunks whatever its size. Nothing compared is kept or shown.
    fn matches_working_file(
        &mut self,
        entry: &IndexEntry,
        top: &Path,
        path: &str,
    ) -> Result<bool, InputError> {
        let full = top.join(path);
        let meta = std::fs::symlink_metadata(&full).ok();
        if entry.mode == "120000" {
            let link = std::fs::read_link(&full).ok();
            let blob = self.object(&entry.id, path, "the index")?.ok();
            return Ok(matches!((link, blob), (Some(l), Some(b)) if link_bytes(&l) == b));
        }
        let size = match self.header(&entry.id, path, "the index")? {
            Ok(size) => size,
            Err(_) => return Ok(false),
        };
        let file = meta
            .filter(|m| m.file_type().is_file() && m.len() == size)
            .and_then(|_| std::fs::File::open(&full).ok());
        let mut equal = file.is_some();
        let mut file = file;
        let mut left = size;
        let mut blob_chunk = vec![0u8; 64 * 1024];
        let mut file_chunk = vec![0u8; 64 * 1024];
        while left > 0 {
            let n = usize::try_from(left.min(64 * 1024)).unwrap_or(64 * 1024);
            self.output
                .read_exact(&mut blob_chunk[..n])
                .map_err(batch_failed)?;
            if let (true, Some(f)) = (equal, file.as_mut()) {
                equal = f.read_exact(&mut file_chunk[..n]).is_ok()
                    && blob_chunk[..n] == file_chunk[..n];
            }
            left -= n as u64;
        }
        self.skip_newline().map_err(batch_failed)?;
        // The file must end where the blob does.
        if let (true, Some(f)) = (equal, file.as_mut()) {
            equal = matches!(f.read(&mut file_chunk[..1]), Ok(0));
        }
        Ok(equal)
    }

    /// Asks for `object` and reads its header: `Ok(Ok(size))` for a blob, whose content is
    /// next on the output; `Ok(Err)` (its content skipped) when it is not a blob the tree can
    /// give: missing, a link out of the tree, a loop, a submodule.
    fn header(
        &mut self,
        object: &str,
        shown: &str,
        tree: &str,
    ) -> Result<Result<u64, ReadError>, InputError> {
        let failed = |message: String| InputError::Git {
            args: BATCH.into(),
            message,
        };
        if object.contains('\n') {
            return Ok(Err(ReadError::io(
                shown,
                std::io::Error::other("a path with a line break cannot be read from git"),
            )));
        }
        let input = self
            .input
            .as_mut()
            .ok_or_else(|| failed("the batch is closed".into()))?;
        input
            .write_all(format!("{object}\n").as_bytes())
            .and_then(|()| input.flush())
            .map_err(batch_failed)?;
        let mut header = Vec::new();
        (&mut self.output)
            .take(4096)
            .read_until(b'\n', &mut header)
            .map_err(batch_failed)?;
        let header = String::from_utf8_lossy(&header);
        let header = header
            .strip_suffix('\n')
            .ok_or_else(|| failed(format!("unexpected end of output after `{object}`")))?;
        if header == format!("{object} missing") || header == format!("{object} ambiguous") {
            return Ok(Err(ReadError::io(
                shown,
                std::io::Error::new(std::io::ErrorKind::NotFound, "not in git"),
            )));
        }
        let words: Vec<&str> = header.split(' ').collect();
        let size = |word: &str| {
            word.parse::<u64>()
                .map_err(|_| failed(format!("unexpected output `{header}`")))
        };
        let path = shown.to_string();
        let refused = match words[..] {
            [_, "blob", n] => return Ok(Ok(size(n)?)),
            ["symlink", n] => (
                n,
                ReadError::OutsideTree {
                    path,
                    tree: tree.to_string(),
                },
            ),
            ["loop", n] => (n, ReadError::Loop { path }),
            ["dangling", n] => (n, ReadError::Dangling { path }),
            ["notdir", n] => (
                n,
                ReadError::io(
                    shown,
                    std::io::Error::other("a component of the path is not a directory"),
                ),
            ),
            [_, _, n] => (
                n,
                ReadError::NotRegular {
                    path,
                    kind: "submodule or tree",
                },
            ),
            _ => return Err(failed(format!("unexpected output `{header}`"))),
        };
        self.skip(size(refused.0)?).map_err(batch_failed)?;
        Ok(Err(refused.1))
    }

    /// Skips `n` bytes of content and the newline after them.
    fn skip(&mut self, n: u64) -> std::io::Result<()> {
        std::io::copy(&mut (&mut self.output).take(n), &mut std::io::sink())?;
        self.skip_newline()
    }

    fn skip_newline(&mut self) -> std::io::Result<()> {
        let mut newline = [0u8; 1];
        self.output.read_exact(&mut newline)
    }

    /// Ends the batch: closes its input and waits for git to exit.
    fn finish(mut self) -> Result<(), InputError> {
        drop(self.input.take());
        self.child.wait().map(|_| ()).map_err(InputError::NoGit)
    }
}

impl Drop for Blobs {
    fn drop(&mut self) {
        // On an early return the batch may still be running: stop it (it is our child).
        if self.input.take().is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A git command with [`PINNED`] configuration and a cleaned environment, from the current
/// directory (pathspecs are relative to it).
fn command(args: &[&str]) -> Command {
    let mut command = Command::new("git");
    command.arg("--no-pager");
    for setting in PINNED {
        command.args(["-c", setting]);
    }
    command.args(args);
    for name in UNSET {
        command.env_remove(name);
    }
    command
        // No lazy fetch in a partial clone, no prompt, no opportunistic index write.
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null());
    command
}

fn git_output(args: &[&str]) -> Result<std::process::Output, InputError> {
    command(args).output().map_err(InputError::NoGit)
}

fn git_failed(args: &[&str], stderr: &[u8]) -> InputError {
    InputError::Git {
        args: args.join(" "),
        message: String::from_utf8_lossy(stderr).trim().to_string(),
    }
}

/// Runs git and returns its output; a failure carries git's message.
fn git(args: &[&str]) -> Result<Vec<u8>, InputError> {
    let output = git_output(args)?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(git_failed(args, &output.stderr))
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
        assert_eq!(split_range("a..b").ok(), Some(("a", Some("b"))));
        assert_eq!(split_range("a").ok(), Some(("a", None)));
    }

    #[test]
    fn option_like_revisions_are_refused_before_git_runs() {
        for rev in ["--output=x", "-p", "--ext-diff"] {
            let err = commit(rev).expect_err("refused");
            assert_eq!(
                err.to_string(),
                format!("bad revision `{rev}`: a revision cannot start with `-`")
            );
        }
    }
}
