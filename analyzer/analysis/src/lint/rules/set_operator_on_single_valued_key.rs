//! `set-operator-on-single-valued-key`: `ForAllValues:` or `ForAnyValue:` on a key that holds
//! one value.
//!
//! **What it does.** Flags a condition with a set operator whose key the service data marks
//! single-valued (`ForAllValues:StringEquals` on `aws:PrincipalTag/team`, `ForAnyValue:StringLike`
//! on `s3:prefix`).
//!
//! **Why is this bad.** Set operators are for keys with several values (`aws:TagKeys`,
//! `aws:PrincipalOrgPaths`). On a single-valued key `ForAnyValue` behaves like the plain operator,
//! but `ForAllValues` is also true when the key is **absent** (no value fails the test), so an
//! `Allow` written with it applies to requests that do not carry the key at all. IAM Access
//! Analyzer warns about both.
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>

use airtight_encodings::condition::SetOp;
use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::Policy;
use airtight_encodings::service_data::ServiceData;

use crate::lint::Context;

pub const ID: &str = "set-operator-on-single-valued-key";

pub fn check(policy: &Policy, _cx: &Context<'_>) -> Vec<Diagnostic> {
    let data = ServiceData::get();
    let mut out = Vec::new();
    for s in &policy.statements {
        for c in &s.conditions {
            let Some(set) = c.op.set else {
                continue;
            };
            let Some(info) = data.condition_key(&c.key.name) else {
                continue;
            };
            if info.multivalued {
                continue;
            }
            let plain = airtight_encodings::condition::ConditionOp { set: None, ..c.op };
            let mut d = Diagnostic::warning(
                ID,
                format!(
                    "statement `{}` uses `{}` on `{}`, which holds a single value",
                    s.label(),
                    c.op.name(),
                    c.key.written
                ),
                c.op_span,
            )
            .with_secondary(c.key.span, "a single-valued key")
            .with_label("a set operator");
            if set == SetOp::ForAllValues {
                d = d.with_note("`ForAllValues` is true when the key is absent, so this condition holds for requests without the key");
            }
            out.push(d.with_note(format!("fix: use `{}`", plain.name())));
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
    fn fires_on_set_operators_on_single_valued_keys() {
        let bad = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalTag/team": "a"},
                          "ForAnyValue:StringEquals": {"aws:TagKeys": "team"}}}]}"#;
        let found = run(check, bad, PolicyKind::Identity);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            primary_text(bad, &found[0]),
            "\"ForAllValues:StringEquals\""
        );
        assert!(found[0].notes[1].contains("`StringEquals`"));
    }
}
