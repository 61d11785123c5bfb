//! `plain-operator-on-multivalued-key`: a condition on a multivalued key without
//! `ForAllValues:` or `ForAnyValue:`.
//!
//! **What it does.** Flags a condition whose key the service data marks multivalued
//! (`aws:TagKeys`, `aws:PrincipalOrgPaths`, `aws:CalledVia`, …) when its operator has no set
//! prefix. `Null` is not flagged: it tests presence, not values.
//!
//! **Why is this bad.** A plain operator on a key with several values has no documented meaning:
//! IAM Access Analyzer reports it ("Missing ForAllValues or ForAnyValue"), and the result
//! depends on how many values the request carries. Say which you mean: every value must match
//! (`ForAllValues`) or at least one (`ForAnyValue`).
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>

use airtight_encodings::condition::BaseOp;
use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::Policy;
use airtight_encodings::service_data::ServiceData;

use crate::lint::Context;

pub const ID: &str = "plain-operator-on-multivalued-key";

pub fn check(policy: &Policy, _cx: &Context<'_>) -> Vec<Diagnostic> {
    let data = ServiceData::get();
    let mut out = Vec::new();
    for s in &policy.statements {
        for c in &s.conditions {
            if c.op.set.is_some() || c.op.base == BaseOp::Null {
                continue;
            }
            let Some(info) = data.condition_key(&c.key.name) else {
                continue;
            };
            if !info.multivalued {
                continue;
            }
            let op = c.op.name();
            out.push(
                Diagnostic::warning(
                    ID,
                    format!(
                        "statement `{}` uses `{op}` on `{}`, which can hold several values",
                        s.label(),
                        c.key.written
                    ),
                    c.op_span,
                )
                .with_secondary(c.key.span, "a multivalued key")
                .with_label("no `ForAnyValue:` or `ForAllValues:`")
                .with_note(format!(
                    "fix: write `ForAnyValue:{op}` (at least one value matches) or `ForAllValues:{op}` (every value matches; add a `Null` test when the statement allows)"
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

    #[test]
    fn fires_on_plain_operators_on_multivalued_keys() {
        let bad = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"StringEquals": {"aws:TagKeys": "team"},
                          "Null": {"aws:PrincipalOrgPaths": "false"}}}]}"#;
        let found = run(check, bad, PolicyKind::Identity);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(primary_text(bad, &found[0]), "\"StringEquals\"");
    }
}
