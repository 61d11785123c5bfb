//! `who-can` as JSON (a public contract; keys in this order):
//!
//! ```json
//! { "query": "who-can", "actions": [...], "resource": ARN, "lambda_auth": "current",
//!   "asked": 120, "cannot": 115,
//!   "can": [ { "kind": "principal" | "root" | "other_account" | "service" | "anonymous",
//!              "who": "arn:aws:iam::…:role/ops" | "the root user of account …" | …,
//!              "conditions": [ {"key": "aws:SourceVpc", "value": "vpc-1"} ],
//!              "example": { "request": {...}, "decision": {...} } } ],
//!   "unknown": [ { "kind": ..., "who": ..., "reason": "..." } ] }
//! ```

use airtight_analysis::query::Outcome;
use airtight_analysis::who_can::WhoCan;
use serde_json::{json, Value};

use crate::load::Loader;
use crate::report::simulate;

pub fn render(loader: &Loader, result: &WhoCan) -> Value {
    let q = &result.question;
    let can: Vec<Value> = result
        .accesses
        .iter()
        .filter(|a| a.outcome == Outcome::Found)
        .map(|a| {
            json!({
                "kind": a.who.kind(),
                "who": a.who.describe(),
                "conditions": a.conditions.first().into_iter().flatten().map(|(k, v)| json!({"key": k, "value": v})).collect::<Vec<_>>(),
                "example": a.examples.first().map(|e| json!({
                    "request": e.request.to_json(),
                    "decision": simulate::json::decision(loader, &e.left, &e.request),
                    "why": e.why,
                })),
            })
        })
        .collect();
    let unknown: Vec<Value> = result
        .accesses
        .iter()
        .filter_map(|a| match &a.outcome {
            Outcome::Unknown { reason, .. } => Some(json!({
                "kind": a.who.kind(),
                "who": a.who.describe(),
                "reason": reason,
            })),
            _ => None,
        })
        .collect();
    json!({
        "query": "who-can",
        "actions": q.actions,
        "resource": q.resource,
        "lambda_auth": q.lambda_auth.name(),
        "asked": result.asked,
        "cannot": result.cannot,
        "can": can,
        "unknown": unknown,
    })
}
