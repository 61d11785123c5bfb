//! A decision for programs: the JSON `simulate --format json` prints on stdout, and the
//! `decision` of every example the other commands show.
//!
//! `simulate` prints one object (keys in this order):
//!
//! ```json
//! { "decision": "allow" | "explicit_deny" | "implicit_deny",
//!   "deciding": [ { "policy_type": "identity" | "resource" | "boundary" | "session" | "scp" | "rcp",
//!                   "file": "path as given", "statement": "Sid or #index", "index": 0,
//!                   "effect": "Allow" | "Deny", "line": 4, "column": 5 } ],
//!   "reason": "why, in one sentence",
//!   "request": { "principal": ..., "action": ..., "resource": ..., "resource_account": ..., "context": {...} } }
//! ```

use airtight_encodings::eval::{Evaluation, StatementRef};
use airtight_encodings::policy::Effect;
use airtight_encodings::request::Request;
use serde_json::{json, Value};

use crate::load::Loader;
use crate::report::line_column;

/// One decision.
pub fn decision(loader: &Loader, evaluation: &Evaluation, request: &Request) -> Value {
    json!({
        "decision": evaluation.decision.as_str(),
        "deciding": evaluation.deciding.iter().map(|s| statement(loader, s)).collect::<Vec<_>>(),
        "reason": evaluation.reason,
        "request": request.to_json(),
    })
}

/// One statement that took part in a decision, located in its file.
pub fn statement(loader: &Loader, s: &StatementRef) -> Value {
    let (line, column) = line_column(loader, s.span);
    json!({
        "policy_type": s.kind.short_name(),
        "file": loader.name(s.span.file),
        "statement": s.label,
        "index": s.index,
        "effect": effect(s.effect),
        "line": line,
        "column": column,
    })
}

pub fn effect(effect: Effect) -> &'static str {
    match effect {
        Effect::Allow => "Allow",
        Effect::Deny => "Deny",
    }
}

/// Every statement, tested against the request (`simulate --explain`).
pub fn trace(loader: &Loader, traces: &[airtight_encodings::trace::StatementTrace]) -> Value {
    Value::Array(
        traces
            .iter()
            .map(|t| {
                json!({
                    "statement": statement(loader, &t.at),
                    "applies": t.applies(),
                    "action": t.action,
                    "resource": t.resource,
                    "principal": t.principal,
                    "conditions": t.conditions.iter().map(|c| json!({
                        "operator": c.op,
                        "key": c.key,
                        "values": c.values,
                        "request": c.request,
                        "holds": c.holds,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}
