//! `condition-key-not-supported`: a service condition key that none of the statement's actions
//! supports.
//!
//! **What it does.** For a statement whose `Action` entries all name known services (no `*`,
//! no `NotAction`), flags a condition on a service-specific key (not a global `aws:` key) when
//! no action the entries match lists that key, neither for itself nor for one of its resource
//! types, in the Service Authorization Reference. Conditions with `…IfExists` are left alone:
//! they are written for requests that lack the key.
//!
//! **Why is this bad.** AWS sets a service key only on the requests of the actions that support
//! it. For every other action the key is absent: a positive test is never true (the `Allow` never
//! applies to those actions) and a negated one is always true (the `Deny` applies whatever the
//! value). The usual cause is a key of the wrong service (`s3:prefix` with `s3:GetObject`) or a
//! statement that mixes actions with and without the key. parliament calls it
//! `UNKNOWN_CONDITION_FOR_ACTION`.
//!
//! **References.** <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::Policy;
use airtight_encodings::service_data::{Action, ServiceData};

use super::support::statement_actions;
use crate::lint::Context;

pub const ID: &str = "condition-key-not-supported";

/// Whether `action` lists `key` (lower-cased), for itself or one of its resource types.
fn supports(action: &Action, key: &str) -> bool {
    action.condition_keys().any(|k| k.matches(key))
        || action.resource_types().iter().any(|r| {
            r.condition_keys().any(|k| k.matches(key))
                || r.resource_type()
                    .condition_keys
                    .iter()
                    .any(|k| k.matches(key))
        })
}

pub fn check(policy: &Policy, _cx: &Context<'_>) -> Vec<Diagnostic> {
    let data = ServiceData::get();
    let mut out = Vec::new();
    for s in &policy.statements {
        let Some(actions) = statement_actions(s) else {
            continue;
        };
        if actions.is_empty() {
            continue;
        }
        for c in &s.conditions {
            if c.op.if_exists {
                continue;
            }
            let Some(info) = data.condition_key(&c.key.name) else {
                continue;
            };
            if info.global || c.key.name.starts_with("aws:") {
                continue;
            }
            if actions.iter().any(|a| supports(a, &c.key.name)) {
                continue;
            }
            let names: Vec<&str> = actions.iter().take(3).map(|a| a.id()).collect();
            let more = if actions.len() > 3 {
                format!(" and {} more", actions.len() - 3)
            } else {
                String::new()
            };
            out.push(
                Diagnostic::warning(
                    ID,
                    format!(
                        "statement `{}` tests `{}`, which none of its actions supports",
                        s.label(),
                        c.key.written
                    ),
                    c.key.span,
                )
                .with_label("never set on requests for these actions")
                .with_note(format!(
                    "the statement's actions ({}{more}) do not list this key in the Service Authorization Reference, so it is absent from their requests: a positive test is never true, a negated one always",
                    names.join(", ")
                ))
                .with_note("fix: use a key these actions support, move the condition to a statement with actions that support it, or add `IfExists` if the statement is meant for requests without the key"),
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
    fn fires_on_a_key_of_the_wrong_action() {
        let bad = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
            "Condition": {"StringLike": {"s3:prefix": "home/*"}, "Bool": {"aws:SecureTransport": "true"}}}]}"#;
        let found = run(check, bad, PolicyKind::Identity);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(primary_text(bad, &found[0]), "\"s3:prefix\"");
        let fixed = bad.replace("s3:GetObject", "s3:ListBucket");
        assert!(run(check, &fixed, PolicyKind::Identity).is_empty());
    }
}
