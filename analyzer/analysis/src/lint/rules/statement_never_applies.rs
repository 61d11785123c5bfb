//! `statement-never-applies`: a statement whose conditions no request can satisfy.
//!
//! **What it does.** For each statement with two or more conditions on the same key (the shape
//! of almost every contradiction; other statements are not asked about, to keep `lint` fast),
//! asks the SMT engine whether any
//! request matches the statement (principal, action, resource and conditions); when the solver
//! proves that none does, while the same statement without its conditions does match requests,
//! the conditions are contradictory and the statement is flagged. The pointer is on the
//! `Condition` element. Only a proof reports: a timeout (the rule's solver timeout is short) or a
//! construct the encoding does not support reports nothing.
//!
//! **Why is this bad.** A statement that can never apply is dead text: an `Allow` grants nothing
//! and a `Deny` protects nothing. It usually hides a mistake such as two `StringEquals` on the
//! same key with different values, a `DateGreaterThan` after a `DateLessThan`, or an `IpAddress`
//! range that `NotIpAddress` excludes.
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::{Effect, Policy, Statement};

use super::solver::{allows_some, as_allow, tests_root};
use crate::lint::Context;

pub const ID: &str = "statement-never-applies";

/// Whether two conditions of the statement test the same key (names are case-insensitive): the
/// shape of almost every contradiction, and a cheap filter before the solver is asked.
fn tests_a_key_twice(s: &Statement) -> bool {
    s.conditions.iter().enumerate().any(|(i, c)| {
        s.conditions[i + 1..]
            .iter()
            .any(|d| d.key.name == c.key.name)
    })
}

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    if !cx.options.solver {
        return Vec::new();
    }
    let mut out = Vec::new();
    for s in &policy.statements {
        let Some(first) = s.conditions.first() else {
            continue;
        };
        if tests_root(s) || !tests_a_key_twice(s) {
            continue;
        }
        if allows_some(cx, policy, vec![as_allow(s)]) != Some(false) {
            continue;
        }
        let mut bare = s.clone();
        bare.conditions.clear();
        if allows_some(cx, policy, vec![as_allow(&bare)]) != Some(true) {
            continue;
        }
        let span = s
            .conditions
            .iter()
            .map(|c| c.span)
            .fold(first.span, |a, b| a.to(b));
        let what = match s.effect.value {
            Effect::Allow => "grants nothing",
            Effect::Deny => "denies nothing",
        };
        out.push(
            Diagnostic::warning(
                ID,
                format!(
                    "statement `{}` can never apply: no request satisfies its conditions, so it {what}",
                    s.label()
                ),
                span,
            )
            .with_label("no request satisfies all of these together")
            .with_note("proved by the SMT solver: the conditions contradict each other (or the statement's principal, action or resource)")
            .with_note("fix: correct the contradicting condition (a typo in a value, two `StringEquals` on one key, a date range that is empty), or remove the statement"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::run;
    use airtight_encodings::policy::PolicyKind;

    #[test]
    fn fires_on_contradicting_conditions() {
        let bad = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Both", "Effect": "Allow",
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"},
                          "StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}}]}"#;
        let found = run(check, bad, PolicyKind::Identity);
        assert_eq!(found.len(), 1, "{found:?}");
        let fixed = bad.replace("[\"us-east-1\", \"eu-west-1\"]", "\"eu-west-1\"");
        assert!(run(check, &fixed, PolicyKind::Identity).is_empty());
    }
}
