//! `who-can` as SARIF 2.1.0: one result per caller that can (`airtight/who-can`), located at
//! the statement that granted its example, and one per caller with no answer
//! (`airtight/unknown`).

use airtight_analysis::query::Outcome;
use airtight_analysis::who_can::WhoCan;
use serde_json::{json, Value};

use crate::load::Loader;
use crate::report::line_column;

pub fn render(loader: &Loader, result: &WhoCan) -> Value {
    let q = &result.question;
    let results: Vec<Value> = result
        .accesses
        .iter()
        .map(|a| {
            let (rule, level, message) = match &a.outcome {
                Outcome::Unknown { reason, .. } => (
                    "airtight/unknown",
                    "warning",
                    format!("no answer for {}: {reason}", a.who.describe()),
                ),
                _ => (
                    "airtight/who-can",
                    "note",
                    format!(
                        "{} can {} on {}{}",
                        a.who.describe(),
                        q.actions.join(" or "),
                        q.resource,
                        match super::conditions(a).as_slice() {
                            [] => String::new(),
                            c => format!(" (only with {})", c.join(", ")),
                        }
                    ),
                ),
            };
            let locations: Vec<Value> = a
                .examples
                .first()
                .into_iter()
                .flat_map(|e| e.left.deciding.iter())
                .filter(|s| !loader.is_builtin(s.file))
                .map(|s| {
                    let (line, column) = line_column(loader, s.span);
                    json!({"physicalLocation": {
                        "artifactLocation": {"uri": loader.name(s.file)},
                        "region": {"startLine": line.max(1), "startColumn": column.max(1)},
                    }})
                })
                .collect();
            json!({
                "ruleId": rule,
                "level": level,
                "message": {"text": message},
                "locations": locations,
                "partialFingerprints": {"airtightWhoCan/v1": format!("{}|{}|{}", a.who.describe(), q.resource, q.actions.join(","))},
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "airtight",
                "informationUri": "https://github.com/airtight/airtight",
                "rules": [
                    {"id": "airtight/who-can", "shortDescription": {"text": "a caller can perform the action on the resource"}},
                    {"id": "airtight/unknown", "shortDescription": {"text": "no answer for a caller"}},
                ],
            }},
            "results": results,
        }],
    })
}
