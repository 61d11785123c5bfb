//! A deny-check as JSON (a public contract; keys in this order):
//!
//! ```json
//! { "query": "deny-check",
//!   "intent": { "function": ARN, "qualifier": "prod" | null, "actions": [...], "except_principals": [...] },
//!   "result": "holds" | "violated" | "unknown",
//!   "modes": [ { "lambda_auth": "current" | "legacy",
//!                "result": "holds" | "violated" | "unknown",
//!                "reason": null | "why the answer is unknown",
//!                "counterexamples": [ { "request": {...}, "decision": {...},
//!                                       "bypass": "the explanation, one string",
//!                                       "explanation": ["...", ...] } ] } ] }
//! ```

use airtight_analysis::deny::{bypass, DenyCheck, IntentVerdict};
use airtight_analysis::query::Outcome;
use serde_json::{json, Value};

use crate::load::Loader;
use crate::report::simulate;

pub fn render(loader: &Loader, check: &DenyCheck) -> Value {
    let intent = &check.intent;
    json!({
        "query": "deny-check",
        "intent": {"function": intent.function, "qualifier": intent.qualifier, "actions": intent.actions, "except_principals": intent.except},
        "result": check.verdict().as_str(),
        "modes": check.models.iter().map(|m| json!({
            "lambda_auth": m.auth.name(),
            "result": IntentVerdict::of(&m.answer.outcome).as_str(),
            "reason": match &m.answer.outcome { Outcome::Unknown { reason, .. } => Some(reason.clone()), _ => None },
            "counterexamples": m.answer.counterexamples.iter().map(|c| json!({
                "request": c.request.to_json(),
                "decision": simulate::json::decision(loader, &c.left, &c.request),
                "bypass": bypass(c, &intent.function, intent.qualifier.as_deref()).join("; "),
                "explanation": bypass(c, &intent.function, intent.qualifier.as_deref()),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
