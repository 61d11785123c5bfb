//! `for-all-values-without-null`: an `Allow` with `ForAllValues:` and no `Null` test of the key.
//!
//! **What it does.** In an `Allow` statement, flags a condition with a positive
//! `ForAllValues:` operator (`ForAllValues:StringEquals`, `ForAllValues:StringLike`, …) when the
//! same statement does not also require the key to be present with `"Null": {"KEY": "false"}`.
//!
//! **Why is this bad.** `ForAllValues` asks that every value of the key be in the list. A
//! request without the key has no values, so every one of them is in the list: the condition is
//! true, and the `Allow` applies to requests that carry no tags, no organization path, nothing
//! to check. IAM Access Analyzer warns about it ("ForAllValues with Allow and a single-valued
//! key" and "Missing Null check").
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html#reference_policies_condition-multi-valued-context-keys>

use airtight_encodings::condition::{BaseOp, CondValue, SetOp};
use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::{Effect, Policy, Statement};

use crate::lint::Context;

pub const ID: &str = "for-all-values-without-null";

/// Whether the statement requires `key` (lower-cased) to be present: `"Null": {"key": "false"}`.
fn requires_present(s: &Statement, key: &str) -> bool {
    s.conditions.iter().any(|c| {
        c.op.base == BaseOp::Null
            && c.key.name == key
            && c.values.iter().all(|v| v.value == CondValue::Null(false))
    })
}

pub fn check(policy: &Policy, _cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in &policy.statements {
        if s.effect.value != Effect::Allow {
            continue;
        }
        for c in &s.conditions {
            if c.op.set != Some(SetOp::ForAllValues)
                || c.op.base.is_negated()
                || c.op.base == BaseOp::Null
                || requires_present(s, &c.key.name)
            {
                continue;
            }
            out.push(
                Diagnostic::warning(
                    ID,
                    format!(
                        "statement `{}` allows with `{}` on `{}` but does not require the key",
                        s.label(),
                        c.op.name(),
                        c.key.written
                    ),
                    c.op_span,
                )
                .with_secondary(c.key.span, "may be absent")
                .with_label("true when the key is absent")
                .with_note("a request without the key has no values, so every value is in the list and the `Allow` applies")
                .with_note(format!(
                    "fix: add `\"Null\": {{\"{}\": \"false\"}}` to the statement's conditions",
                    c.key.written
                )),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{primary_text, run};
    use airtight_encodings::policy::PolicyKind;

    const BAD: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "ec2:CreateTags", "Resource": "*",
        "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}}]}"#;

    #[test]
    fn fires_without_a_null_guard() {
        let found = run(check, BAD, PolicyKind::Identity);
        assert_eq!(found.len(), 1);
        assert_eq!(
            primary_text(BAD, &found[0]),
            "\"ForAllValues:StringEquals\""
        );
        let fixed = BAD.replace(
            "\"Condition\": {",
            "\"Condition\": {\"Null\": {\"aws:TagKeys\": \"false\"}, ",
        );
        assert!(run(check, &fixed, PolicyKind::Identity).is_empty());
        let deny = BAD.replace("Allow", "Deny");
        assert!(run(check, &deny, PolicyKind::Identity).is_empty());
    }
}
