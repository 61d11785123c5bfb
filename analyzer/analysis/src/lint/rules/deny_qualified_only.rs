//! `lambda-deny-qualified-only`: a `Deny` on a version or alias ARN (`function:F:Q`) without a
//! `Deny` on the unqualified function ARN (`function:F`).
//!
//! **What it does.** For every `Deny` statement, flags each `Resource` entry that is a qualified
//! function ARN pattern `…:function:F:Q` (F without policy variables) when no `Deny` statement of
//! the policy also covers `…:function:F` for the same actions. "Covers" is read syntactically: a
//! resource entry of that statement matches the unqualified ARN as text, and its actions are the
//! same as, or match each action of, the flagged statement. Conditions are not compared.
//!
//! **Why is this bad.** Under the legacy qualifier authorization (before January 2022, semantics
//! §7.2), a call with the unqualified `FunctionName=F` plus `Qualifier=Q` was authorized against
//! the unqualified ARN `F`, so this deny could be bypassed by passing the qualifier as a separate
//! parameter. Current authorization checks `F:Q` for both call forms, so the deny holds today,
//! but AWS's best-practice table still says to deny an alias or version with *both* ARNs.
//! `airtight deny-check` proves a deny intent under both models.
//!
//! **Example.** `{"Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource":
//! "arn:aws:lambda:us-west-2:123456789012:function:my-function:my-alias"}`.
//!
//! **References.** <https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::{ActionBlock, Effect, Policy, Statement};
use airtight_encodings::template::Piece;

use super::lambda_arn::{function_arn, render};
use crate::lint::Context;

pub const ID: &str = "lambda-deny-qualified-only";

pub fn check(policy: &Policy, _cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in policy.statements.iter().filter(|s| is_deny_on_resources(s)) {
        let Some(resource) = &s.resource else {
            continue;
        };
        for entry in &resource.entries {
            let Some(f) = function_arn(&entry.value.template) else {
                continue;
            };
            let Some(q) = f.qualifier.filter(|q| !q.is_empty()) else {
                continue;
            };
            if f.name.iter().any(|p| matches!(p, Piece::Var(_))) {
                continue;
            }
            let unqualified = f.unqualified();
            if policy
                .statements
                .iter()
                .any(|o| denies_unqualified(o, s, &unqualified))
            {
                continue;
            }
            out.push(
                Diagnostic::warning(
                    ID,
                    format!(
                        "statement `{}` denies `:{}` but not the unqualified function",
                        s.label(),
                        render(q)
                    ),
                    entry.span,
                )
                .with_label(format!("`{unqualified}` is not denied"))
                .with_note(format!("under legacy qualifier authorization (before January 2022), a call with `FunctionName={}` and `Qualifier={}` was authorized against the unqualified ARN, so this deny could be bypassed; AWS still recommends denying both ARNs", render(f.name), render(q)))
                .with_note(format!("fix: add `{unqualified}` to this statement's `Resource` (callers then reach unpublished code only with the `:$LATEST` ARN); `airtight deny-check` proves the intent under both authorization models")),
            );
        }
    }
    out
}

fn is_deny_on_resources(s: &Statement) -> bool {
    s.effect.value == Effect::Deny && s.resource.as_ref().is_some_and(|r| !r.negated)
}

/// Whether `other` is a `Deny` that covers the unqualified ARN for every action of `flagged`.
fn denies_unqualified(other: &Statement, flagged: &Statement, unqualified: &str) -> bool {
    is_deny_on_resources(other)
        && other.resource.as_ref().is_some_and(|r| {
            r.entries.iter().any(|e| {
                e.value
                    .glob
                    .as_ref()
                    .is_some_and(|g| g.matches(unqualified))
            })
        })
        && covers_actions(&other.action, &flagged.action)
}

/// Whether `a` names at least the actions of `b`, read syntactically.
fn covers_actions(a: &ActionBlock, b: &ActionBlock) -> bool {
    if a == b {
        return true;
    }
    if a.negated || b.negated {
        return false;
    }
    b.entries.iter().all(|wanted| {
        let text = wanted.value.to_string();
        a.entries.iter().any(|have| have.value.matches(&text))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{primary_text, run};
    use airtight_encodings::policy::PolicyKind;

    const BAD: &str = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "AllowLambda", "Effect": "Allow", "Action": "lambda:*", "Resource": "*"},
        {"Sid": "DenyAliasOnly", "Effect": "Deny", "Action": "lambda:InvokeFunction",
         "Resource": ["arn:aws:lambda:us-west-2:123456789012:function:my-function:my-alias"]}]}"#;

    const FIXED: &str = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "AllowLambda", "Effect": "Allow", "Action": "lambda:*", "Resource": "*"},
        {"Sid": "DenySpecificAlias", "Effect": "Deny", "Action": "lambda:InvokeFunction",
         "Resource": ["arn:aws:lambda:us-west-2:123456789012:function:my-function:my-alias",
                      "arn:aws:lambda:us-west-2:123456789012:function:my-function"]}]}"#;

    #[test]
    fn fires_on_a_qualified_deny() {
        let found = run(check, BAD, PolicyKind::Identity);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, ID);
        assert_eq!(
            primary_text(BAD, &found[0]),
            "\"arn:aws:lambda:us-west-2:123456789012:function:my-function:my-alias\""
        );
    }

    #[test]
    fn silent_on_the_fixed_policy() {
        assert!(run(check, FIXED, PolicyKind::Identity).is_empty());
    }

    #[test]
    fn another_deny_statement_can_cover_the_unqualified_arn() {
        let split = r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "lambda:InvokeFunction",
             "Resource": "arn:aws:lambda:us-west-2:123456789012:function:my-function:1"},
            {"Effect": "Deny", "Action": "lambda:*",
             "Resource": "arn:aws:lambda:*:*:function:my-function"}]}"#;
        assert!(run(check, split, PolicyKind::Scp).is_empty());
        // A deny for other actions does not cover it, and neither does an allow.
        let other = r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "lambda:InvokeFunction",
             "Resource": "arn:aws:lambda:us-west-2:123456789012:function:my-function:1"},
            {"Effect": "Deny", "Action": "lambda:GetFunction",
             "Resource": "arn:aws:lambda:us-west-2:123456789012:function:my-function"},
            {"Effect": "Allow", "Action": "lambda:InvokeFunction",
             "Resource": "arn:aws:lambda:us-west-2:123456789012:function:my-function"}]}"#;
        assert_eq!(run(check, other, PolicyKind::Identity).len(), 1);
    }

    #[test]
    fn a_deny_on_every_version_is_fine() {
        let all = BAD.replace("my-function:my-alias", "my-function*");
        assert!(run(check, &all, PolicyKind::Identity).is_empty());
    }
}
