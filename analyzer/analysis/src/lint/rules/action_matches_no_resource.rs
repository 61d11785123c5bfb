//! `action-matches-no-resource`: an `Action` entry none of whose actions acts on any of the
//! statement's resources.
//!
//! **What it does.** For a statement with `Resource` (no `*` among its entries), flags each
//! `Action` entry of a known service when no action it matches can act on any of the
//! statement's resources: none of the action's resource types fits a `Resource` ARN, or the
//! action takes no resource type at all (it must be granted on `"Resource": "*"`). The classic
//! case is `s3:ListBucket` on `arn:aws:s3:::bucket/*` (objects) instead of the bucket.
//!
//! **Why is this bad.** The statement grants (or denies) that action nowhere. An `Allow` that
//! was meant to give access does not; a `Deny` meant to block it leaves it open. parliament
//! reports these as `RESOURCE_MISMATCH`.
//!
//! **References.** <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::Policy;

use super::support::{actions_matching, resource_fits, resource_glob, spelling, split_action};
use crate::lint::Context;

pub const ID: &str = "action-matches-no-resource";

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in &policy.statements {
        if s.action.negated {
            continue;
        }
        let Some(resources) = s.resource.as_ref().filter(|r| !r.negated) else {
            continue;
        };
        let globs: Vec<_> = resources
            .entries
            .iter()
            .map(|r| resource_glob(&r.value))
            .collect();
        if globs.iter().any(|g| g.is_any()) || globs.is_empty() {
            continue;
        }
        for e in &s.action.entries {
            if split_action(&e.value).is_none() {
                continue;
            }
            let actions = actions_matching(&e.value);
            if actions.is_empty() {
                continue;
            }
            let fits = actions.iter().any(|a| {
                a.resource_types().iter().any(|t| {
                    globs
                        .iter()
                        .any(|g| resource_fits(g, t.resource_type().arn_format))
                })
            });
            if fits {
                continue;
            }
            let text = spelling(cx, e.span, &e.value.to_string());
            let first = actions[0];
            let wanted = if first.wildcard_only() {
                format!(
                    "`{}` acts on no resource type: grant it on `\"Resource\": \"*\"`",
                    first.id()
                )
            } else {
                let formats: Vec<&str> = first
                    .resource_types()
                    .iter()
                    .map(|t| t.resource_type().arn_format)
                    .collect();
                format!("`{}` acts on {}", first.id(), formats.join(", "))
            };
            out.push(
                Diagnostic::warning(
                    ID,
                    format!(
                        "statement `{}` names `{text}`, but none of its resources is one this action acts on",
                        s.label()
                    ),
                    e.span,
                )
                .with_secondary(resources.span, "the statement's resources")
                .with_label("granted on none of these resources")
                .with_note(wanted)
                .with_note("fix: add a resource of the type the action needs, or move the action to a statement about those resources"),
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
    fn fires_on_list_bucket_on_objects() {
        let bad = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket", "iam:ListUsers"],
            "Resource": "arn:aws:s3:::bucket/*"}]}"#;
        let found = run(check, bad, PolicyKind::Identity);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(primary_text(bad, &found[0]), "\"s3:ListBucket\"");
        assert_eq!(primary_text(bad, &found[1]), "\"iam:ListUsers\"");
    }
}
