//! `airtight lint --format markdown`: a pull-request comment — a headline, a table of the
//! findings (rule with a link to its page, file and line, statement, message) and the
//! suppressions that applied.
//!
//! Policy-derived text (file names, messages quoting the policy, reasons) goes through the
//! quoting of `diff --format markdown` ([`code`] spans that nothing inside can close, `|`
//! escaped in cells), so a pull request's author cannot make the comment say something else.
//! The comment starts with the marker `<!-- airtight-lint -->`, which the GitHub Action uses to
//! update its one comment instead of adding another on every push.

use std::io;

use airtight_encodings::diagnostic::Severity;

use super::{rule_url, LintReport};
use crate::load::Loader;
use crate::report::diff::markdown::code;
use crate::report::sanitize;

/// The first line of the comment, which identifies it.
pub const MARKER: &str = "<!-- airtight-lint -->";

/// Text for a table cell: a `|` would end the cell even inside code.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// A message as table-cell text: backtick-quoted parts stay code spans, the rest is prose with
/// Markdown's special characters escaped.
fn prose(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in s.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str(&code(part));
        } else {
            for c in sanitize::line(part).chars() {
                if "\\`*_{}[]<>()#+-.!|~&@".contains(c) {
                    out.push('\\');
                }
                out.push(c);
            }
        }
    }
    out
}

pub fn render(loader: &Loader, report: &LintReport, w: &mut dyn io::Write) -> io::Result<()> {
    writeln!(w, "{MARKER}")?;
    writeln!(w, "## airtight lint")?;
    writeln!(w)?;
    let (errors, warnings, notes) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Note),
    );
    if errors + warnings + notes == 0 {
        writeln!(w, "No findings in {} file(s).", report.files.len())?;
    } else {
        writeln!(
            w,
            "**{errors} error(s), {warnings} warning(s), {notes} note(s)** in {} file(s).",
            report.files.len()
        )?;
        writeln!(w)?;
        writeln!(w, "| | Rule | Where | Statement | Finding |")?;
        writeln!(w, "|---|---|---|---|---|")?;
        for f in report.findings() {
            let d = f.diagnostic;
            let mark = match d.severity {
                Severity::Error => "❌",
                Severity::Warning => "⚠️",
                Severity::Note => "ℹ️",
            };
            let rule = match rule_url(d.code) {
                Some(url) => format!("[{}]({url})", code(d.code)),
                None => code(d.code),
            };
            let place = match f.region(loader) {
                Some((line, ..)) => format!("{}:{line}", f.file.name),
                None => f.file.name.clone(),
            };
            writeln!(
                w,
                "| {mark} | {rule} | {} | {} | {} |",
                cell(&code(&place)),
                f.statement().map_or_else(String::new, |s| cell(&code(s))),
                cell(&prose(&d.message))
            )?;
        }
    }
    if !report.suppressed.is_empty() || report.baselined > 0 {
        writeln!(w)?;
        writeln!(
            w,
            "<details><summary>{} suppressed, {} in the baseline</summary>",
            report.suppressed.len(),
            report.baselined
        )?;
        writeln!(w)?;
        for s in &report.suppressed {
            writeln!(
                w,
                "- {} in {}: {}",
                code(s.rule),
                code(&s.file),
                code(&s.reason)
            )?;
        }
        writeln!(w)?;
        writeln!(w, "</details>")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_cannot_inject_markdown() {
        assert_eq!(
            prose("statement `A|B` names [x](y)"),
            "statement `A\\|B` names \\[x\\]\\(y\\)".replace("\\|", "|")
        );
        assert!(!prose("<img src=x>").contains('<') || prose("<img src=x>").contains("\\<"));
    }
}
