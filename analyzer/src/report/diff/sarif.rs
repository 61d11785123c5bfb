//! `airtight diff --format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it.
//!
//! One run; the tool's rules are fixed and their ids stable (`airtight/new-access`,
//! `airtight/removed-access`, `airtight/unknown`, `airtight/invalid-policy`). Each certified
//! example is a result located at the action entry of the statement responsible (new access:
//! in NEW; removed access: the file, since OLD's lines are not NEW's), with a URI relative to
//! the repository root (`uriBaseId` `%SRCROOT%`) and a `partialFingerprints` entry built from
//! the rule, path, statement and patterns — not the line — so that a finding keeps its
//! identity when unrelated lines move.

use std::io;

use serde_json::{json, Value};

use super::{views, written, Direction, ExampleView};
use crate::load::Loader;
use airtight_analysis::diff::report::DiffReport;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const HELP: &str = "https://github.com/airtight/airtight/blob/main/docs/diff.md";

/// `(id, name, level, short, full)` of every rule, in `ruleIndex` order.
const RULES: [(&str, &str, &str, &str, &str); 4] = [
    (
        "airtight/new-access",
        "NewAccess",
        "error",
        "The change grants new access",
        "The new version of the policy allows a request the old version did not. The example request is certified by airtight's evaluator.",
    ),
    (
        "airtight/removed-access",
        "RemovedAccess",
        "note",
        "The change removes access",
        "The old version of the policy allowed a request the new version does not.",
    ),
    (
        "airtight/unknown",
        "Unknown",
        "warning",
        "No verdict for this change",
        "airtight could not decide whether the change grants new access (solver timeout or a construct it does not encode exactly).",
    ),
    (
        "airtight/invalid-policy",
        "InvalidPolicy",
        "error",
        "The policy has errors",
        "A version of the policy could not be parsed; the errors are in the job log.",
    ),
];

/// The `security-severity` GitHub ranks alerts by (≥ 7 high, ≥ 4 medium).
fn security_severity(id: &str) -> &'static str {
    match id {
        "airtight/new-access" => "8.0",
        "airtight/unknown" | "airtight/invalid-policy" => "5.0",
        _ => "2.0",
    }
}

fn rule_index(id: &str) -> usize {
    RULES.iter().position(|r| r.0 == id).unwrap_or(0)
}

/// Percent-encodes a relative path for a URI (`/` kept).
pub fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.trim_start_matches("./").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// FNV-1a, 64 bits: small, stable across versions and platforms.
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

fn location(path: &str, region: Option<(usize, usize, usize, usize)>) -> Value {
    let (line, col, end_line, end_col) = region.unwrap_or((1, 1, 1, 1));
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(path), "uriBaseId": "%SRCROOT%" },
            "region": {
                "startLine": line,
                "startColumn": col,
                "endLine": end_line,
                "endColumn": end_col.max(col),
            }
        }
    })
}

fn result(loader: &Loader, f: &ExampleView<'_>) -> Value {
    let rule = f.direction.rule();
    let region = match f.direction {
        Direction::Gained => f.region(loader),
        Direction::Lost => None,
    };
    let s = &f.example.summary;
    let pattern = |p: &Option<airtight_analysis::diff::summary::PatternAt>| {
        p.as_ref().map(|p| written(loader, p)).unwrap_or_default()
    };
    let print = fingerprint(&[
        rule,
        &f.file.path,
        f.statement().unwrap_or(""),
        &pattern(&s.action),
        &pattern(&s.resource),
    ]);
    json!({
        "ruleId": rule,
        "ruleIndex": rule_index(rule),
        "level": RULES[rule_index(rule)].2,
        "message": {
            "text": format!(
                "{}. Example request (certified by the evaluator): {}",
                f.sentence(loader),
                f.request(loader).to_json()
            )
        },
        "locations": [location(super::artifact(loader, f.file), region)],
        "partialFingerprints": { "airtightFinding/v1": print },
        "properties": { "request": f.request(loader).to_json() },
    })
}

pub fn to_value(loader: &Loader, report: &DiffReport) -> Value {
    let mut results: Vec<Value> = views(report).map(|f| result(loader, &f)).collect();
    for f in &report.files {
        let (rule, text) = match f.verdict() {
            "invalid" => (
                "airtight/invalid-policy",
                "the policy has errors; see the job log".to_string(),
            ),
            "unknown" => (
                "airtight/unknown",
                format!(
                    "no verdict: {}",
                    f.unknown_reason().unwrap_or_else(|| "unknown".into())
                ),
            ),
            _ => continue,
        };
        results.push(json!({
            "ruleId": rule,
            "ruleIndex": rule_index(rule),
            "level": RULES[rule_index(rule)].2,
            "message": { "text": text },
            "locations": [location(super::artifact(loader, f), None)],
            "partialFingerprints": { "airtightFinding/v1": fingerprint(&[rule, &f.path]) },
        }));
    }
    let rules: Vec<Value> = RULES
        .iter()
        .map(|(id, name, level, short, full)| {
            json!({
                "id": id,
                "name": name,
                "shortDescription": { "text": short },
                "fullDescription": { "text": full },
                "helpUri": HELP,
                "help": { "text": full },
                "defaultConfiguration": { "level": level },
                "properties": {
                    "tags": ["security", "iam"],
                    "precision": "very-high",
                    "security-severity": security_severity(id),
                },
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
                    "informationUri": HELP,
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

pub fn render(loader: &Loader, report: &DiffReport, w: &mut dyn io::Write) -> io::Result<()> {
    crate::report::write_json(w, &to_value(loader, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(uri("./policies/my fn.json"), "policies/my%20fn.json");
        assert_eq!(uri("a/b-c_d.json"), "a/b-c_d.json");
    }

    #[test]
    fn fingerprints_are_stable() {
        // Fixed values: changing the hash would reopen every finding in code scanning.
        assert_eq!(fingerprint(&[]), "cbf29ce484222325");
        assert_eq!(fingerprint(&["a"]), fingerprint(&["a"]));
        assert_ne!(fingerprint(&["a", "b"]), fingerprint(&["ab"]));
    }
}
