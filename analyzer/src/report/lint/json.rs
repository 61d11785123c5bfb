//! Lint findings for programs (`--format json`), one object on stdout:
//!
//! ```json
//! {"findings": [{"rule": "lambda-deny-qualified-only", "severity": "warning",
//!                "message": "...", "file": "path as given", "line": 3, "column": 20,
//!                "end_line": 3, "end_column": 88, "notes": ["..."]}]}
//! ```
//!
//! `line` and `column` (1-based) are where the primary label starts, `end_line` and
//! `end_column` where it ends (the position just after its last character); all four are
//! `null` for a finding about a whole file (e.g. unreadable). Files are reported in the order
//! given, findings of one file in source order.
//!
//! The list is complete: unlike the text output, which shows at most 50 findings per file, JSON
//! is never truncated (a program reading it needs every finding, and a finding holds no source
//! text, so the document grows with the number of findings only).

use airtight_analysis::lint::LintedFile;
use airtight_encodings::diagnostic::{Diagnostic, Severity};
use airtight_encodings::span::Span;
use serde_json::{json, Value};

use crate::load::Loader;
use crate::report::line_column;

/// The `--format json` object.
pub fn render(loader: &Loader, reports: &[LintedFile]) -> Value {
    let findings: Vec<Value> = reports
        .iter()
        .flat_map(|r| r.findings.iter().map(move |d| finding(loader, &r.name, d)))
        .collect();
    json!({ "findings": findings })
}

fn finding(loader: &Loader, file: &str, d: &Diagnostic) -> Value {
    let span = d
        .labels
        .iter()
        .find(|l| l.primary)
        .or(d.labels.first())
        .map(|l| l.span);
    let (start, end) = match span {
        Some(s) => (
            Some(line_column(loader, s)),
            Some(line_column(loader, Span { start: s.end, ..s })),
        ),
        None => (None, None),
    };
    json!({
        "rule": d.code,
        "severity": severity(d.severity),
        "message": d.message,
        "file": file,
        "line": start.map(|p| p.0),
        "column": start.map(|p| p.1),
        "end_line": end.map(|p| p.0),
        "end_column": end.map(|p| p.1),
        "notes": d.notes,
    })
}

pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}
