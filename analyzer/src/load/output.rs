//! The files a run writes besides its standard output: reports named with `--output
//! FORMAT=PATH` and the baseline of `--write-baseline`. They live here because `load` is the one
//! part of the shell that touches the file system.
//!
//! A file is written whole or not at all: the text goes to a temporary file beside it, which
//! is then renamed over the target, so a reader (a CI step uploading SARIF) never sees half a
//! report.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` (through a temporary file in the same folder).
pub fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.airtight-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
