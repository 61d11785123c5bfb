//! `duplicate-sid`: two statements of one policy with the same `Sid`.
//!
//! **What it does.** Flags each statement whose `Sid` an earlier statement of the same policy
//! already has (compared exactly), with a label on the first one.
//!
//! **Why is this bad.** `Sid` identifies a statement; IAM requires the values to be unique within
//! a policy and rejects identity-based policies that repeat one. Tools that report or suppress
//! findings by statement (airtight's `[[suppress]] sid`, code-scanning alerts, reviewers) cannot
//! tell the two apart, and a copy-pasted statement often means one of them was meant to change.
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::Policy;

use crate::lint::Context;

pub const ID: &str = "duplicate-sid";

pub fn check(policy: &Policy, _cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, s) in policy.statements.iter().enumerate() {
        let Some(sid) = s.sid.as_ref().filter(|sid| !sid.value.is_empty()) else {
            continue;
        };
        let first = policy.statements[..i]
            .iter()
            .find_map(|t| t.sid.as_ref().filter(|o| o.value == sid.value));
        if let Some(first) = first {
            out.push(
                Diagnostic::warning(
                    ID,
                    format!("two statements have the `Sid` `{}`", sid.value),
                    sid.span,
                )
                .with_label("a second statement with this Sid")
                .with_secondary(first.span, "the first")
                .with_note("fix: give every statement its own Sid (IAM requires them to be unique within a policy)"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::run;
    use airtight_encodings::policy::PolicyKind;

    #[test]
    fn fires_on_a_repeated_sid() {
        let bad = r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Sid": "A", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}"#;
        assert_eq!(run(check, bad, PolicyKind::Identity).len(), 1);
        let fixed = bad.replacen("\"Sid\": \"A\"", "\"Sid\": \"B\"", 1);
        assert!(run(check, &fixed, PolicyKind::Identity).is_empty());
    }
}
