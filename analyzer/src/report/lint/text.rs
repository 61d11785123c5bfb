//! Lint findings for people: the findings of each file rendered with their snippets
//! (codespan-reporting, long lines windowed), at most 50 per file then `… and K more in FILE`,
//! then one summary line that counts them all.

use std::io;

use airtight_analysis::lint::LintedFile;
use airtight_encodings::diagnostic::Severity;
use codespan_reporting::term::termcolor::WriteColor;

use crate::load::Loader;
use crate::report::emit_diagnostics;

/// The findings of each file with their snippets (at most
/// [`crate::report::MAX_DIAGNOSTICS_PER_FILE`] per file), then one summary line.
pub fn render(loader: &Loader, reports: &[LintedFile], w: &mut dyn WriteColor) -> io::Result<()> {
    for r in reports {
        emit_diagnostics(loader, &r.findings, w)?;
    }
    writeln!(w, "{}", summary(reports))
}

/// `2 warnings, 1 note in 3 files`, or `no findings in 3 files`.
pub fn summary(reports: &[LintedFile]) -> String {
    let count = |severity: Severity| {
        reports
            .iter()
            .flat_map(|r| &r.findings)
            .filter(|d| d.severity == severity)
            .count()
    };
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let parts: Vec<String> = [
        (count(Severity::Error), "error"),
        (count(Severity::Warning), "warning"),
        (count(Severity::Note), "note"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, word)| plural(n, word))
    .collect();
    let files = plural(reports.len(), "file");
    if parts.is_empty() {
        format!("no findings in {files}")
    } else {
        format!("{} in {files}", parts.join(", "))
    }
}
