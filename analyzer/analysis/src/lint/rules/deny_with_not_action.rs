//! `deny-with-not-action`: an unconditional `Deny` with `NotAction`.
//!
//! **What it does.** In identity-based, resource-based, session policies and permissions
//! boundaries, flags a `Deny` statement that uses `NotAction` and has no `Condition`. The pointer
//! is on `NotAction`.
//!
//! **Why is this bad.** A `Deny` with `NotAction` denies every action of every service except the ones listed, including actions AWS adds later and the ones needed to repair the policy (`iam:*`, `sts:AssumeRole`). Written without a condition in an identity or resource policy, it is almost always broader than meant; the usual intent is a `Deny` of the listed actions, or a `NotAction` deny under a condition (`aws:MultiFactorAuthPresent`, `aws:RequestedRegion`). In SCPs and RCPs an unconditional `Deny` with `NotAction` is the documented allow-list pattern, so those are not flagged.
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::{Effect, Policy, PolicyKind};

use crate::lint::Context;

pub const ID: &str = "deny-with-not-action";

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    if matches!(cx.kind, PolicyKind::Scp | PolicyKind::Rcp) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for s in &policy.statements {
        if s.effect.value != Effect::Deny || !s.conditions.is_empty() {
            continue;
        }
        let Some(block) = Some(&s.action).filter(|a| a.negated) else {
            continue;
        };
        out.push(
            Diagnostic::warning(
                ID,
                format!(
                    "statement `{}` denies everything but what `NotAction` lists, unconditionally",
                    s.label()
                ),
                block.span,
            )
            .with_label("everything except these is denied")
            .with_secondary(s.effect.span, "an unconditional deny")
            .with_note("fix: list the actions to deny in `Action`, or add the condition under which everything else is denied (e.g. `\"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"false\"}`)"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::run;

    const BAD: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"}]}"#;

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
