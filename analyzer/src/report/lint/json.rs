//! Lint findings for programs (`--format json`), one object on stdout:
//!
//! ```json
//! {"findings": [{"rule": "lambda-deny-qualified-only", "severity": "warning",
//!                "message": "...", "file": "path as given", "line": 3, "column": 20,
//!                "end_line": 3, "end_column": 88, "statement": "DenyAliasOnly",
//!                "fingerprint": "9c1d0e2f3a4b5c6d", "notes": ["..."]}],
//!  "suppressed": [{"rule": "public-access", "file": "...", "statement": "...", "reason": "..."}],
//!  "baselined": 0}
//! ```
//!
//! `line` and `column` (1-based) are where the primary label starts, `end_line` and
//! `end_column` where it ends (the position just after its last character); all four are
//! `null` for a finding about a whole file (e.g. unreadable). Files are reported in the order
//! given, findings of one file in source order. `statement` is the `Sid` (or `#index`) of the
//! statement the finding is in, `fingerprint` its stable identity (what baselines record).
//!
//! The list is complete: unlike the text output, which shows at most 50 findings per file, JSON
//! is never truncated (a program reading it needs every finding, and a finding holds no source
//! text, so the document grows with the number of findings only).

use serde_json::{json, Value};

use super::{severity, FindingView, LintReport};
use crate::load::Loader;

/// The `--format json` object.
pub fn render(loader: &Loader, report: &LintReport) -> Value {
    let findings: Vec<Value> = report.findings().map(|f| finding(loader, &f)).collect();
    let suppressed: Vec<Value> = report
        .suppressed
        .iter()
        .map(|s| {
            json!({"rule": s.rule, "file": s.file, "statement": s.statement, "reason": s.reason})
        })
        .collect();
    json!({ "findings": findings, "suppressed": suppressed, "baselined": report.baselined })
}

fn finding(loader: &Loader, f: &FindingView<'_>) -> Value {
    let region = f.region(loader);
    let d = f.diagnostic;
    json!({
        "rule": d.code,
        "severity": severity(d.severity),
        "message": d.message,
        "file": f.file.name,
        "line": region.map(|r| r.0),
        "column": region.map(|r| r.1),
        "end_line": region.map(|r| r.2),
        "end_column": region.map(|r| r.3),
        "statement": f.statement(),
        "fingerprint": f.fingerprint,
        "notes": d.notes,
    })
}
