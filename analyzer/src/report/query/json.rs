//! Query answers (`equiv`, `no-new-access`, `can`, `never`) as JSON, a public contract (keys
//! in this order):
//!
//! ```json
//! { "query": "equiv" | "no-new-access" | "can" | "never",
//!   "result": "equivalent" | "different" | "holds" | "violated" | "unknown",
//!   "reason": null | "why the answer is unknown",
//!   "judged_as": null | "identity" | "resource" | "boundary" | "session" | "scp" | "rcp",
//!   "judgements": [ { "judgement": "standalone" | "guardrail", "result": ... } ],
//!   "counterexamples": [
//!     { "judgement": null | "standalone" | "guardrail",
//!       "request": { ...request JSON... },
//!       "left":  { "decision": ..., "deciding": [...], "reason": ...,
//!                  "why": ["Allow `S` (identity-based policy) grants it", "Deny `D` … does not apply: …"] },
//!       "right": { ... } | null,
//!       "aws_cli": ["aws iam simulate-custom-policy ...", ...] } ],
//!   "elapsed_ms": 12 }
//! ```
//! `left`/`right` are the `simulate` decisions of each side (OLD/NEW for `no-new-access`; for
//! `can` and `never` only `left`). For `can`, `holds` means an allowed request exists and the
//! "counterexamples" are examples of it.
//!
//! With one policy per side, `equiv` and `no-new-access` judge it like `diff` does
//! (`judged_as` is its type): `judgements` holds the result under each judgement asked
//! (`standalone`: the policy on its own; `guardrail`: next to policies that allow everything),
//! `result` is the answer over all of them, and each counterexample says which judgement found
//! it (its `left`/`right` decisions are those of that judgement's policy sets). For a question
//! about policy sets, `judged_as` is `null` and `judgements` empty.

use airtight_analysis::query::{Outcome, QueryKind, Verdict};
use airtight_encodings::eval::Evaluation;
use serde_json::{json, Value};

use crate::load::Loader;
use crate::report::aws_cli::confirm;
use crate::report::query::Shown;

pub fn render(loader: &Loader, kind: QueryKind, shown: &Shown<'_>) -> Value {
    let answer = &shown.answer;
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
    let judgements: Vec<Value> = shown
        .judged
        .iter()
        .flat_map(|(_, js)| js)
        .map(|(j, outcome)| json!({"judgement": j.as_str(), "result": result_word(kind, outcome)}))
        .collect();
    json!({
        "query": kind.name(),
        "result": result_word(kind, &answer.outcome),
        "reason": reason,
        "judged_as": shown.judged.as_ref().map(|(k, _)| k.short_name()),
        "judgements": judgements,
        "counterexamples": shown.counterexamples.iter().map(|x| {
            let c = x.counterexample;
            json!({
                "judgement": x.judgement.map(|j| j.as_str()),
                "request": c.request.to_json(),
                "left": side(&c.left, &c.why),
                "right": c.right.as_ref().map(|r| side(r, &c.why_right)),
                "aws_cli": x.sets.iter().map(|s| confirm(loader, s, &c.request)).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
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
