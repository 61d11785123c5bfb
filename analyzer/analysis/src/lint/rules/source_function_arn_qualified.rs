//! `lambda-source-function-arn-qualified`: `lambda:SourceFunctionArn` compared with a version or
//! alias ARN.
//!
//! **What it does.** In any policy type, flags each value of a condition on
//! `lambda:SourceFunctionArn` that is a qualified function ARN pattern
//! (`…:function:NAME:QUALIFIER`, i.e. a literal `:` after the function name).
//!
//! **Why is this bad.** Lambda sets the key to the *unqualified* function ARN
//! (`…:function:NAME`), whichever version or alias runs (docs/semantics.md §7.6; the Lambda guide: "If
//! you use the ARN for a particular function version or alias, your function won't have
//! permission"). Function names cannot contain `:`, so the value can never match: an `Allow`
//! that requires it grants nothing, and an `ArnNotEquals…` exception in a `Deny` never excepts
//! the function, so the deny hits it too.
//!
//! **Example.** `"ArnEquals": {"lambda:SourceFunctionArn":
//! "arn:aws:lambda:us-east-1:111122223333:function:source_lambda:1"}`.
//!
//! **References.** <https://docs.aws.amazon.com/lambda/latest/dg/permissions-source-function-arn.html>

use airtight_encodings::condition::CondValue;
use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::Policy;

use super::lambda_arn::{function_arn, render};
use super::source_function_arn_in_resource_policy::KEY;
use crate::lint::Context;

pub const ID: &str = "lambda-source-function-arn-qualified";

pub fn check(policy: &Policy, _cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in &policy.statements {
        for c in s.conditions.iter().filter(|c| c.key.name == KEY) {
            for v in &c.values {
                let CondValue::Pattern(t) = &v.value else {
                    continue;
                };
                let Some(f) = function_arn(t) else { continue };
                let Some(q) = f.qualifier else { continue };
                let effect = if c.op.base.is_negated() {
                    "this value excepts no function from the negated test"
                } else {
                    "this value can never satisfy the condition"
                };
                out.push(
                    Diagnostic::warning(
                        ID,
                        format!(
                            "statement `{}` compares `{}` with a qualified ARN, which never matches",
                            s.label(),
                            c.key.written
                        ),
                        v.span,
                    )
                    .with_label(format!("`:{}` names a version or alias", render(q)))
                    .with_secondary(c.op_span, effect)
                    .with_note("Lambda sets `lambda:SourceFunctionArn` to the unqualified function ARN, whichever version or alias is running")
                    .with_note(format!("fix: use the unqualified ARN `{}`", f.unqualified())),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{primary_text, run};
    use airtight_encodings::policy::PolicyKind;

    const BAD: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "QualifiedSource", "Effect": "Allow",
        "Action": "s3:PutObject", "Resource": "arn:aws:s3:::lambda_bucket/*",
        "Condition": {"ArnEquals": {"lambda:SourceFunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:source_lambda:1"}}}]}"#;

    const FIXED: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "QualifiedSource", "Effect": "Allow",
        "Action": "s3:PutObject", "Resource": "arn:aws:s3:::lambda_bucket/*",
        "Condition": {"ArnEquals": {"lambda:SourceFunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:source_lambda"}}}]}"#;

    #[test]
    fn fires_on_a_qualified_value() {
        let found = run(check, BAD, PolicyKind::Identity);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, ID);
        assert_eq!(
            primary_text(BAD, &found[0]),
            "\"arn:aws:lambda:us-east-1:111122223333:function:source_lambda:1\""
        );
        assert!(found[0].notes[1]
            .contains("`arn:aws:lambda:us-east-1:111122223333:function:source_lambda`"));
    }

    #[test]
    fn silent_on_the_fixed_policy() {
        assert!(run(check, FIXED, PolicyKind::Identity).is_empty());
    }

    #[test]
    fn negated_operators_and_patterns() {
        let deny = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",
            "Condition": {"ArnNotEqualsIfExists": {"lambda:SourceFunctionArn": ["arn:aws:lambda:*:111122223333:function:f:*", "arn:aws:lambda:*:111122223333:function:g*"]}}}]}"#;
        let found = run(check, deny, PolicyKind::Scp);
        assert_eq!(found.len(), 1, "only the `:*` value is qualified");
        assert!(found[0].labels[1].message.contains("excepts no function"));
    }
}
