//! `airtight lint --format github`: one GitHub Actions workflow command per finding, which the
//! runner turns into an annotation on the pull request's file:
//! `::warning file=F,line=L,col=C,endLine=E,endColumn=D,title=RULE::MESSAGE`.
//!
//! Errors are `::error`, warnings `::warning`, notes `::notice`. Messages and properties are
//! escaped as the runner expects (the escaping of `diff --format github`), so no policy text can
//! end a command or start another.

use std::io;

use airtight_encodings::diagnostic::Severity;

use super::LintReport;
use crate::load::Loader;
use crate::report::diff::github::{escape_data, escape_property};

pub fn render(loader: &Loader, report: &LintReport, w: &mut dyn io::Write) -> io::Result<()> {
    for f in report.findings() {
        let d = f.diagnostic;
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut props = vec![format!("file={}", escape_property(&f.file.name))];
        if let Some((line, col, end_line, end_col)) = f.region(loader) {
            props.push(format!("line={line}"));
            props.push(format!("col={col}"));
            props.push(format!("endLine={end_line}"));
            props.push(format!("endColumn={end_col}"));
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("airtight {}", d.code))
        ));
        let mut message = d.message.clone();
        for n in &d.notes {
            message.push('\n');
            message.push_str(n);
        }
        writeln!(
            w,
            "::{command} {}::{}",
            props.join(","),
            escape_data(&message)
        )?;
    }
    Ok(())
}
