//! Lint findings for people: the findings of each file rendered with their snippets
//! (codespan-reporting, long lines windowed), at most 50 per file then `… and K more in FILE`,
//! then the suppressions that applied (with their reasons) and one summary line that counts
//! everything.

use std::io;

use airtight_encodings::diagnostic::Severity;
use codespan_reporting::term::termcolor::WriteColor;

use super::LintReport;
use crate::load::Loader;
use crate::report::emit_diagnostics;

/// The findings of each file with their snippets (at most
/// [`crate::report::MAX_DIAGNOSTICS_PER_FILE`] per file), then one summary line.
pub fn render(loader: &Loader, report: &LintReport, w: &mut dyn WriteColor) -> io::Result<()> {
    for r in &report.files {
        emit_diagnostics(loader, &r.findings, w)?;
    }
    for s in &report.suppressed {
        let at = s
            .statement
            .as_ref()
            .map_or_else(String::new, |st| format!(" (statement {st})"));
        writeln!(w, "suppressed: {} in {}{at}: {}", s.rule, s.file, s.reason)?;
    }
    writeln!(w, "{}", summary(report))
}

/// `2 warnings, 1 note in 3 files`, or `no findings in 3 files`, then what was left out:
/// `(1 suppressed, 4 in the baseline)`.
pub fn summary(report: &LintReport) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let parts: Vec<String> = [
        (report.count(Severity::Error), "error"),
        (report.count(Severity::Warning), "warning"),
        (report.count(Severity::Note), "note"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, word)| plural(n, word))
    .collect();
    let files = plural(report.files.len(), "file");
    let mut out = if parts.is_empty() {
        format!("no findings in {files}")
    } else {
        format!("{} in {files}", parts.join(", "))
    };
    let mut hidden = Vec::new();
    if !report.suppressed.is_empty() {
        hidden.push(format!("{} suppressed", report.suppressed.len()));
    }
    if report.baselined > 0 {
        hidden.push(format!("{} in the baseline", report.baselined));
    }
    if !hidden.is_empty() {
        out.push_str(&format!(" ({})", hidden.join(", ")));
    }
    out
}
