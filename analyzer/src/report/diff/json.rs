//! `airtight diff --format json` (a public contract; keys in this order):
//!
//! ```json
//! { "files": [
//!     { "path": "policies/fn.json",
//!       "kind": "identity" | "resource" | "boundary" | "session" | "scp" | "rcp",
//!       "verdict": "equivalent" | "new_access" | "removed_access" | "both" | "unknown"
//!                | "added" | "removed" | "invalid",
//!       "reason": null | "why the verdict is unknown",
//!       "old": "name of the OLD version" | null, "new": "name of the NEW version" | null,
//!       "new_access": [counterexample...], "removed_access": [counterexample...] } ],
//!   "summary": { "files": 3, "new_access": 1, "both": 0, "removed_access": 0, "equivalent": 2,
//!                "added": 0, "removed": 0, "unknown": 0, "invalid": 0 },
//!   "skipped": ["package.json"] }
//! ```
//!
//! A counterexample is shaped as in `equiv` (`request`, `left` = OLD's decision, `right` =
//! NEW's, `aws_cli`) plus `summary` (the one-line reading), `judgement` (`standalone` or
//! `guardrail`: how the policy was judged when the versions disagreed, docs/diff.md) and
//! `statement` (the statement responsible — in NEW for new access, in OLD for removed access —
//! located in its file, or null). For an added (removed) identity or resource policy, `new_access` (`removed_access`)
//! shows what it grants (granted). Every counterexample is certified by the evaluator.
//! `skipped` lists JSON files of a directory or `--git` comparison that are not policies (no
//! `Statement` and no policy wrapper in either version).

use std::io;

use airtight_encodings::eval::Evaluation;
use serde_json::{json, Value};

use super::{views, Direction, ExampleView};
use crate::load::Loader;
use airtight_analysis::diff::report::DiffReport;

pub fn to_value(loader: &Loader, report: &DiffReport) -> Value {
    let all: Vec<ExampleView<'_>> = views(report).collect();
    let files: Vec<Value> = report
        .files
        .iter()
        .map(|f| {
            let of = |d: Direction| -> Vec<Value> {
                all.iter()
                    .filter(|x| std::ptr::eq(x.file, f) && x.direction == d)
                    .map(|x| counterexample(loader, x))
                    .collect()
            };
            json!({
                "path": f.path,
                "kind": f.kind.short_name(),
                "verdict": f.verdict(),
                "reason": f.unknown_reason(),
                "old": f.old.map(|id| loader.name(id)),
                "new": f.new.map(|id| loader.name(id)),
                "new_access": of(Direction::Gained),
                "removed_access": of(Direction::Lost),
            })
        })
        .collect();
    let mut summary = serde_json::Map::new();
    summary.insert("files".into(), report.files.len().into());
    for (verdict, n) in report.tally() {
        summary.insert(verdict.into(), n.into());
    }
    json!({ "files": files, "summary": summary, "skipped": report.skipped })
}

fn counterexample(loader: &Loader, f: &ExampleView<'_>) -> Value {
    let side = |e: &Evaluation| {
        json!({
            "decision": e.decision.as_str(),
            "deciding": e.deciding.iter().filter(|s| !loader.is_builtin(s.span.file)).map(|s| crate::report::simulate::json::statement(loader, s)).collect::<Vec<_>>(),
            "reason": e.reason,
        })
    };
    let statement = f.example.summary.statement.as_ref().and_then(|s| {
        let file = f.side_file()?;
        let (line, column) = crate::report::line_column(loader, s.span);
        Some(json!({
            "file": loader.name(file),
            "statement": s.label,
            "index": s.index,
            "line": line,
            "column": column,
        }))
    });
    json!({
        "summary": f.sentence(loader),
        "judgement": f.example.judgement.as_str(),
        "statement": statement,
        "request": f.request(loader).to_json(),
        "left": side(&f.example.old),
        "right": side(&f.example.new),
        "aws_cli": f.aws_cli(loader).into_iter().collect::<Vec<_>>(),
    })
}

pub fn render(loader: &Loader, report: &DiffReport, w: &mut dyn io::Write) -> io::Result<()> {
    crate::report::write_json(w, &to_value(loader, report))
}
