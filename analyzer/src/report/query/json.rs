//! Query answers (`equiv`, `no-new-access`, `can`, `never`) as JSON, a public contract (keys
//! in this order):
//!
//! ```json
//! { "query": "equiv" | "no-new-access" | "can" | "never",
//!   "result": "equivalent" | "different" | "holds" | "violated" | "unknown",
//!   "reason": null | "why the answer is unknown",
//!   "counterexamples": [
//!     { "request": { ...request JSON... },
//!       "left":  { "decision": ..., "deciding": [...], "reason": ...,
//!                  "why": ["Allow `S` (identity-based policy) grants it", "Deny `D` … does not apply: …"] },
//!       "right": { ... } | null,
//!       "aws_cli": ["aws iam simulate-custom-policy ...", ...] } ],
//!   "elapsed_ms": 12 }
//! ```
//! `left`/`right` are the `simulate` decisions of each side (OLD/NEW for `no-new-access`; for
//! `can` and `never` only `left`). For `can`, `holds` means an allowed request exists and the
//! "counterexamples" are examples of it.

use airtight_analysis::query::{Answer, Outcome, QueryKind, Verdict};
use airtight_encodings::eval::{Evaluation, PolicySet};
use serde_json::{json, Value};

use crate::load::Loader;
use crate::report::aws_cli::aws_cli;

pub fn render(loader: &Loader, kind: QueryKind, answer: &Answer, sets: &[&PolicySet]) -> Value {
    let side = |e: &Evaluation, why: &[String]| {
        json!({
            "decision": e.decision.as_str(),
            "deciding": e.deciding.iter().map(|s| crate::report::simulate::json::statement(loader, s)).collect::<Vec<_>>(),
            "reason": e.reason,
            "why": why,
        })
    };
    let reason = match &answer.outcome {
        Outcome::Unknown { reason, .. } => Value::String(reason.clone()),
        _ => Value::Null,
    };
    json!({
        "query": kind.name(),
        "result": result_word(kind, &answer.outcome),
        "reason": reason,
        "counterexamples": answer.counterexamples.iter().map(|c| json!({
            "request": c.request.to_json(),
            "left": side(&c.left, &c.why),
            "right": c.right.as_ref().map(|r| side(r, &c.why_right)),
            "aws_cli": sets.iter().map(|s| aws_cli(loader, s, &c.request)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "elapsed_ms": answer.elapsed.as_millis() as u64,
    })
}

/// The `result` word of the JSON contract.
pub fn result_word(kind: QueryKind, outcome: &Outcome) -> &'static str {
    match (kind, kind.verdict(outcome)) {
        (_, Verdict::Unknown) => "unknown",
        (QueryKind::Equiv, Verdict::Yes) => "equivalent",
        (QueryKind::Equiv, Verdict::No) => "different",
        (_, Verdict::Yes) => "holds",
        (_, Verdict::No) => "violated",
    }
}
