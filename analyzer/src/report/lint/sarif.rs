//! `airtight lint --format sarif`: SARIF 2.1.0 as GitHub code scanning reads it.
//!
//! One run. The driver lists every rule of the registry (and each parser code that occurs) with
//! its metadata: a short description, the rule's page in `docs/rules.md` as `help` (text and
//! Markdown, taken from the page itself) and `helpUri` (`docs/rules.md#rule-id`), the default
//! level and a `security-severity` (GitHub ranks alerts by it). Each finding is a result at its
//! primary label, with a URI relative to the repository root (`%SRCROOT%`) and the finding's
//! fingerprint as `partialFingerprints.airtightFinding/v1`, which `--baseline` reads back.

use std::io;

use airtight_analysis::lint::RULES;
use airtight_encodings::diagnostic::Severity;
use serde_json::{json, Value};

use super::{rule_url, LintReport, DOCS};
use crate::load::Loader;
use crate::report::diff::sarif::uri;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The rule pages, built in: the SARIF help is the page a reader would open.
const RULES_MD: &str = include_str!("../../../../docs/rules.md");

/// The section of `docs/rules.md` about `id` (without its heading), if any.
fn section(id: &str) -> Option<&'static str> {
    let heading = format!("## `{id}`");
    let start = RULES_MD.find(&heading)? + heading.len();
    let rest = &RULES_MD[start..];
    let end = rest
        .find("\n---")
        .or(rest.find("\n## "))
        .unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// The "What it does" paragraph of a rule's page, as plain text.
fn what_it_does(id: &str) -> Option<String> {
    let s = section(id)?;
    let start = s.find("### What it does")? + "### What it does".len();
    let rest = &s[start..];
    let end = rest.find("\n### ").unwrap_or(rest.len());
    Some(rest[..end].split_whitespace().collect::<Vec<_>>().join(" "))
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule_descriptor(id: &str) -> Value {
    let known = airtight_analysis::lint::rule(id);
    let summary = known.map_or_else(
        || format!("airtight diagnostic `{id}` (a parser or element-rule check)"),
        |r| r.summary.replace('`', ""),
    );
    let text = what_it_does(id).unwrap_or_else(|| summary.clone());
    let markdown = section(id).map_or_else(|| text.clone(), str::to_string);
    let url = rule_url(id).unwrap_or_else(|| format!("{DOCS}#other-diagnostics"));
    let (severity, security) = known.map_or((Severity::Error, "3.0"), |r| {
        (r.severity, r.security_severity)
    });
    json!({
        "id": id,
        "name": id,
        "shortDescription": { "text": summary },
        "fullDescription": { "text": text },
        "help": { "text": format!("{text} See {url}"), "markdown": markdown },
        "helpUri": url,
        "defaultConfiguration": { "level": level(severity) },
        "properties": {
            "tags": ["security", "iam"],
            "precision": "high",
            "security-severity": security,
        },
    })
}

pub fn to_value(loader: &Loader, report: &LintReport) -> Value {
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    for f in report.findings() {
        if !ids.contains(&f.diagnostic.code) {
            ids.push(f.diagnostic.code);
        }
    }
    let rules: Vec<Value> = ids.iter().map(|id| rule_descriptor(id)).collect();
    let results: Vec<Value> = report
        .findings()
        .map(|f| {
            let d = f.diagnostic;
            let (line, col, end_line, end_col) = f.region(loader).unwrap_or((1, 1, 1, 1));
            let mut text = d.message.clone();
            for n in &d.notes {
                text.push('\n');
                text.push_str(n);
            }
            json!({
                "ruleId": d.code,
                "ruleIndex": ids.iter().position(|i| *i == d.code).unwrap_or(0),
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.file.name), "uriBaseId": "%SRCROOT%" },
                        "region": {
                            "startLine": line,
                            "startColumn": col,
                            "endLine": end_line,
                            "endColumn": end_col.max(col),
                        }
                    }
                }],
                "partialFingerprints": { "airtightFinding/v1": f.fingerprint },
                "properties": { "statement": f.statement() },
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "airtight",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": DOCS,
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

pub fn render(loader: &Loader, report: &LintReport, w: &mut dyn io::Write) -> io::Result<()> {
    crate::report::write_json(w, &to_value(loader, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_help_from_its_page() {
        for r in RULES {
            let d = rule_descriptor(r.id);
            let help = d["help"]["markdown"].as_str().unwrap_or("");
            assert!(help.contains("### Fix"), "{}: {help}", r.id);
            assert!(
                d["helpUri"]
                    .as_str()
                    .is_some_and(|u| u.ends_with(&format!("rules.md#{}", r.id))),
                "{d}"
            );
            assert!(d["properties"]["security-severity"].is_string());
        }
    }
}
