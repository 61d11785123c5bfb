//! `statement-shadowed-by-deny`: an `Allow` statement every request of which a `Deny` of the
//! same policy denies.
//!
//! **What it does.** For each `Allow` statement of a policy that also has `Deny` statements,
//! asks the SMT engine whether any request is allowed by that statement and denied by none of
//! the policy's denies. When the solver proves that none is (and the statement alone does allow
//! requests), the statement is flagged, with a label on each `Deny`. Only a proof reports.
//!
//! **Why is this bad.** An explicit deny always wins, so the `Allow` grants nothing: whoever wrote
//! it expected access that does not exist, or the deny is broader than intended.
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::{Effect, Policy, Statement};

use super::solver::{allows_some, as_allow, as_deny, tests_root};
use crate::lint::Context;

pub const ID: &str = "statement-shadowed-by-deny";

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    if !cx.options.solver {
        return Vec::new();
    }
    let denies: Vec<&Statement> = policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Deny)
        .collect();
    if denies.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for s in policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
    {
        if tests_root(s) || denies.iter().any(|d| tests_root(d)) {
            continue;
        }
        let mut with_denies = vec![as_allow(s)];
        with_denies.extend(denies.iter().map(|d| as_deny(d)));
        if allows_some(cx, policy, with_denies) != Some(false) {
            continue;
        }
        if allows_some(cx, policy, vec![as_allow(s)]) != Some(true) {
            continue;
        }
        let mut d = Diagnostic::warning(
            ID,
            format!(
                "statement `{}` allows nothing: every request it allows is denied by this policy",
                s.label()
            ),
            s.effect.span,
        )
        .with_label("everything this grants is denied");
        for deny in &denies {
            d = d.with_secondary(deny.effect.span, format!("denied by `{}`", deny.label()));
        }
        out.push(d
            .with_note("proved by the SMT solver; an explicit deny always wins over an allow")
            .with_note("fix: narrow the deny (a condition, fewer actions or resources), or remove the allow"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::run;
    use airtight_encodings::policy::PolicyKind;

    #[test]
    fn fires_on_an_allow_inside_a_deny() {
        let bad = r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/private/*"},
            {"Sid": "NoS3", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]}"#;
        let found = run(check, bad, PolicyKind::Identity);
        assert_eq!(found.len(), 1, "{found:?}");
        let fixed = bad.replace("arn:aws:s3:::b/*\"}]", "arn:aws:s3:::b/secret/*\"}]");
        assert!(run(check, &fixed, PolicyKind::Identity).is_empty());
    }
}
