//! `deny-with-not-resource`: an unconditional `Deny` with `NotResource`.
//!
//! **What it does.** In identity-based, resource-based, session policies and permissions
//! boundaries, flags a `Deny` statement that uses `NotResource` and has no `Condition`. The pointer
//! is on `NotResource`.
//!
//! **Why is this bad.** A `Deny` with `NotResource` denies the listed actions on every resource except the ones listed: every other bucket, table or key, in every account, including resources the statement's author never thought of. Written without a condition in an identity or resource policy, it is almost always broader than meant. In SCPs and RCPs it is a documented pattern, so those are not flagged.
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::{Effect, Policy, PolicyKind};

use crate::lint::Context;

pub const ID: &str = "deny-with-not-resource";

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    if matches!(cx.kind, PolicyKind::Scp | PolicyKind::Rcp) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for s in &policy.statements {
        if s.effect.value != Effect::Deny || !s.conditions.is_empty() {
            continue;
        }
        let Some(block) = s.resource.as_ref().filter(|r| r.negated) else {
            continue;
        };
        out.push(
            Diagnostic::warning(
                ID,
                format!(
                    "statement `{}` denies everything but what `NotResource` lists, unconditionally",
                    s.label()
                ),
                block.span,
            )
            .with_label("everything except these is denied")
            .with_secondary(s.effect.span, "an unconditional deny")
            .with_note("fix: deny the resources you mean in `Resource`, or add a condition that says when the deny applies"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::run;

    const BAD: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::mine/*"}]}"#;

    #[test]
    fn fires_on_an_unconditional_deny() {
        assert_eq!(run(check, BAD, PolicyKind::Identity).len(), 1);
        assert!(run(check, BAD, PolicyKind::Scp).is_empty());
        let conditional = BAD.replace(
            r#""Effect": "Deny","#,
            r#""Effect": "Deny", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},"#,
        );
        assert!(run(check, &conditional, PolicyKind::Identity).is_empty());
    }
}
