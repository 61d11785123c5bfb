//! Reading one file safely. Every file airtight reads from disk comes through here:
//!
//! - only **regular files** are opened: a directory, FIFO, socket or device is an error named
//!   after the file, found with `symlink_metadata` before anything is opened (so a FIFO cannot
//!   block the read and `/dev/zero` is never read);
//! - at most [`MAX_FILE_BYTES`] are read (a bounded read, whatever the file's size claims), so a
//!   file that grows or lies about its size cannot exhaust memory;
//! - **symlinks** are followed only inside a tree: a symlink in a compared directory or in the
//!   working tree of `--git BASE` must resolve inside that directory or repository
//!   ([`resolve_within`]); a file named on the command line that is reached through a symlink
//!   must resolve inside the current directory ([`read_named`]). A link pointing elsewhere, a
//!   loop or a dangling link is an error, and its target is never read, so nothing outside the
//!   tree (`/proc/self/environ`, `~/.aws/credentials`) can end up in a diagnostic's snippet.
//!
//! What is left: the file is checked and then opened, so a concurrent local attacker who can
//! replace it in between (with a FIFO) could still make the open wait; the opened file is checked
//! again (regular, same inode), so it cannot make airtight read a different file.

use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// The largest file airtight reads: 16 MiB. AWS limits are far lower (a managed policy holds at
/// most 6,144 characters, an SCP 5,120), so this only stops inputs that are not policies.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why a file was not read. Every message names the file as the user gave it.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read `{path}`: {source}")]
    Io { path: String, source: io::Error },
    #[error("`{path}` is a directory, not a policy file")]
    Directory { path: String },
    #[error("`{path}` is not a regular file (it is a {kind}); only regular files are read")]
    NotRegular { path: String, kind: &'static str },
    #[error("`{path}` is larger than 16 MiB, the most airtight reads from one file")]
    TooLarge { path: String },
    #[error("`{path}` is a symbolic link that points outside {tree}; it is not followed")]
    OutsideTree { path: String, tree: String },
    #[error("`{path}` is a symbolic link loop")]
    Loop { path: String },
    #[error("`{path}` is a symbolic link to nothing")]
    Dangling { path: String },
    #[error(
        "`{path}` is a binary file (a NUL byte at offset {offset}); policy files are UTF-8 JSON"
    )]
    Binary { path: String, offset: usize },
}

impl ReadError {
    /// The diagnostic code a read error is reported under.
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::Io { .. } | ReadError::Dangling { .. } => "unreadable-file",
            ReadError::Directory { .. } | ReadError::NotRegular { .. } => "not-a-regular-file",
            ReadError::TooLarge { .. } => "file-too-large",
            ReadError::OutsideTree { .. } | ReadError::Loop { .. } => "symlink-not-followed",
            ReadError::Binary { .. } => "binary-file",
        }
    }

    pub(crate) fn io(path: &str, source: io::Error) -> ReadError {
        ReadError::Io {
            path: path.to_string(),
            source,
        }
    }
}

/// A path as diagnostics show it: `/`-separated.
pub(crate) fn slashes(path: &Path) -> String {
    path.display().to_string().replace('\\', "/")
}

/// Reads a file named on the command line. A symlink the user typed is followed, as every tool
/// does, but only to a file inside the current directory: a path that goes through a symlink
/// (`policies/*.json` expanded by a shell over a checkout that holds
/// `policies/x.json -> ~/.docker/config.json`) must resolve inside it. A path without symlinks
/// is read wherever it is. Either way only a regular file is read.
pub fn read_named(path: &Path) -> Result<Vec<u8>, ReadError> {
    let shown = slashes(path);
    let target = resolve_named(path)?;
    read_regular(&target, &shown)
}

/// The file a path named on the command line stands for: the path itself when no component is
/// a symlink, else its canonical form, which must lie inside the current directory.
pub fn resolve_named(path: &Path) -> Result<PathBuf, ReadError> {
    let shown = slashes(path);
    if !through_symlink(path) {
        return Ok(path.to_path_buf());
    }
    let here = std::env::current_dir()
        .and_then(fs::canonicalize)
        .map_err(|e| ReadError::io(&shown, e))?;
    resolve_within(path, &shown, &here, "the current directory")
}

/// Whether a component of `path` as typed is a symlink. The first component of an absolute
/// path is left out: the top-level directories are laid out by the system (`/tmp` is a link on
/// macOS), not by whoever wrote the files.
fn through_symlink(path: &Path) -> bool {
    let mut prefix = PathBuf::new();
    let mut first_normal = path.is_absolute();
    for component in path.components() {
        prefix.push(component);
        if let Component::Normal(_) = component {
            if std::mem::take(&mut first_normal) {
                continue;
            }
            match fs::symlink_metadata(&prefix) {
                Ok(meta) if meta.file_type().is_symlink() => return true,
                Ok(_) => {}
                // A missing component: the read reports it.
                Err(_) => return false,
            }
        }
    }
    false
}

/// `path` with every symlink resolved, provided it stays inside `tree` (a canonical path, named
/// `tree_name` in messages). `shown` is the name messages use for `path`.
pub fn resolve_within(
    path: &Path,
    shown: &str,
    tree: &Path,
    tree_name: &str,
) -> Result<PathBuf, ReadError> {
    match fs::canonicalize(path) {
        Ok(target) if target.starts_with(tree) => Ok(target),
        Ok(_) => Err(ReadError::OutsideTree {
            path: shown.to_string(),
            tree: tree_name.to_string(),
        }),
        Err(e) => Err(link_error(path, shown, e)),
    }
}

/// What a failure to resolve `path` means: a loop, a dangling link, or another IO error.
fn link_error(path: &Path, shown: &str, e: io::Error) -> ReadError {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_loop(&e) {
        ReadError::Loop {
            path: shown.to_string(),
        }
    } else if is_link && e.kind() == io::ErrorKind::NotFound {
        ReadError::Dangling {
            path: shown.to_string(),
        }
    } else {
        ReadError::io(shown, e)
    }
}

/// `ELOOP`: too many levels of symbolic links (`io::ErrorKind::FilesystemLoop` is unstable).
fn is_loop(e: &io::Error) -> bool {
    let eloop = if cfg!(any(target_os = "linux", target_os = "android")) {
        40
    } else if cfg!(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    )) {
        62
    } else {
        -1
    };
    e.raw_os_error() == Some(eloop)
}

/// Opens a file named on the command line for reading as a stream, with the checks of
/// [`read_named`] (a regular file, symlinks only inside the current directory) but no bound on
/// its size: the caller reads it piece by piece and bounds each piece (`simulate --requests`
/// reads a JSON Lines file a line at a time).
pub fn open_named(path: &Path) -> Result<File, ReadError> {
    let shown = slashes(path);
    let target = resolve_named(path)?;
    open_regular(&target, &shown).map(|(file, _)| file)
}

/// Opens `path` if it is a regular file, checked before and after opening (the same file, still
/// regular). `shown` names the file in errors.
fn open_regular(path: &Path, shown: &str) -> Result<(File, Metadata), ReadError> {
    let before = fs::symlink_metadata(path).map_err(|e| ReadError::io(shown, e))?;
    check_regular(&before, shown)?;
    let file = File::open(path).map_err(|e| ReadError::io(shown, e))?;
    let opened = file.metadata().map_err(|e| ReadError::io(shown, e))?;
    check_regular(&opened, shown)?;
    if !same_file(&before, &opened) {
        return Err(ReadError::io(
            shown,
            io::Error::other("the file changed while it was opened"),
        ));
    }
    Ok((file, opened))
}

/// Reads `path` if it is a regular file (a symlink is not followed here: callers resolve links
/// first), at most [`MAX_FILE_BYTES`]. `shown` names the file in errors.
pub fn read_regular(path: &Path, shown: &str) -> Result<Vec<u8>, ReadError> {
    let (file, opened) = open_regular(path, shown)?;
    if opened.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge {
            path: shown.to_string(),
        });
    }
    // The size is a hint (files under /proc claim 0 bytes): the read itself is bounded.
    let hint = usize::try_from(opened.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(hint);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::io(shown, e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge {
            path: shown.to_string(),
        });
    }
    Ok(bytes)
}

/// `Ok` for a regular file, else the error naming what it is.
fn check_regular(meta: &Metadata, shown: &str) -> Result<(), ReadError> {
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(());
    }
    if kind.is_dir() {
        return Err(ReadError::Directory {
            path: shown.to_string(),
        });
    }
    Err(ReadError::NotRegular {
        path: shown.to_string(),
        kind: kind_name(meta),
    })
}

#[cfg(unix)]
fn kind_name(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_symlink() {
        "symbolic link"
    } else if kind.is_fifo() {
        "FIFO"
    } else if kind.is_socket() {
        "socket"
    } else if kind.is_char_device() {
        "character device"
    } else if kind.is_block_device() {
        "block device"
    } else {
        "special file"
    }
}

#[cfg(not(unix))]
fn kind_name(meta: &Metadata) -> &'static str {
    if meta.file_type().is_symlink() {
        "symbolic link"
    } else {
        "special file"
    }
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &Metadata, _: &Metadata) -> bool {
    true
}

/// The offset of the first NUL byte: no JSON text holds one, and text that does (UTF-16,
/// `/proc/*/environ`, executables) is never shown.
pub fn first_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("airtight-file-test-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        fs::canonicalize(&dir).expect("canonical temp dir")
    }

    #[test]
    fn regular_files_are_read_and_others_named() {
        let dir = scratch("kinds");
        fs::write(dir.join("p.json"), "{}").expect("write");
        assert_eq!(
            read_regular(&dir.join("p.json"), "p.json").ok(),
            Some(b"{}".to_vec())
        );
        let err = read_regular(&dir, "d.json").expect_err("a directory");
        assert_eq!(
            err.to_string(),
            "`d.json` is a directory, not a policy file"
        );
        #[cfg(unix)]
        {
            let err = read_regular(Path::new("/dev/zero"), "/dev/zero").expect_err("a device");
            assert_eq!(err.code(), "not-a-regular-file");
            assert!(err.to_string().contains("character device"), "{err}");
        }
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn reads_are_bounded() {
        let dir = scratch("bounded");
        let big = dir.join("big.json");
        let file = File::create(&big).expect("create");
        file.set_len(MAX_FILE_BYTES + 1).expect("set_len");
        let err = read_regular(&big, "big.json").expect_err("too large");
        assert_eq!(err.code(), "file-too-large");
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_resolve_only_inside_the_tree() {
        use std::os::unix::fs::symlink;
        let dir = scratch("links");
        fs::create_dir_all(dir.join("tree")).expect("mkdir");
        fs::write(dir.join("tree/p.json"), "{}").expect("write");
        fs::write(dir.join("secret.json"), "secret").expect("write");
        symlink("p.json", dir.join("tree/in.json")).expect("link");
        symlink("../secret.json", dir.join("tree/out.json")).expect("link");
        symlink("loop.json", dir.join("tree/loop.json")).expect("link");
        symlink("nothing.json", dir.join("tree/dangling.json")).expect("link");
        let tree = dir.join("tree");
        let within = |name: &str| resolve_within(&tree.join(name), name, &tree, "`tree`");
        assert_eq!(within("in.json").ok(), Some(tree.join("p.json")));
        let err = within("out.json").expect_err("outside");
        assert_eq!(
            err.to_string(),
            "`out.json` is a symbolic link that points outside `tree`; it is not followed"
        );
        assert!(matches!(within("loop.json"), Err(ReadError::Loop { .. })));
        assert!(matches!(
            within("dangling.json"),
            Err(ReadError::Dangling { .. })
        ));
        assert!(through_symlink(&tree.join("in.json")));
        assert!(!through_symlink(&tree.join("p.json")));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn nul_bytes_are_found() {
        assert_eq!(first_nul(b"{\"a\": 1}"), None);
        assert_eq!(first_nul(b"{\0}"), Some(1));
    }
}
