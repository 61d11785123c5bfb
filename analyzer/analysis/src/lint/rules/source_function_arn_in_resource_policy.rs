//! `lambda-source-function-arn-in-resource-policy`: the condition key `lambda:SourceFunctionArn`
//! used in a resource-based policy.
//!
//! **What it does.** In a resource-based policy (a Lambda function policy, an S3 bucket policy,
//! …), flags every condition on `lambda:SourceFunctionArn`.
//!
//! **Why is this bad.** Lambda sets `lambda:SourceFunctionArn` only on requests signed with the
//! execution-role credentials it hands to a function's code (and a few calls Lambda makes for
//! the function: CloudWatch Logs, X-Ray, EFS) — docs/semantics.md §7.6. The Lambda Developer Guide says
//! the key cannot be used in resource-based policies and documents it for identity-based
//! policies and SCPs (another page of the same guide says the opposite; the IAM global-key page
//! lists it without restriction). A grant or deny in a resource policy that relies on it may
//! therefore never take effect, and a negated test (`ArnNotEquals…`) may apply to everyone.
//!
//! **Example.** A bucket policy allowing `s3:PutObject` to `"Principal": "*"` with
//! `"ArnEquals": {"lambda:SourceFunctionArn": "arn:aws:lambda:…:function:f"}`.
//!
//! **References.** <https://docs.aws.amazon.com/lambda/latest/dg/permissions-source-function-arn.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::{Policy, PolicyKind};

use crate::lint::Context;

pub const ID: &str = "lambda-source-function-arn-in-resource-policy";

/// The key's lower-cased name.
pub const KEY: &str = "lambda:sourcefunctionarn";

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    if cx.kind != PolicyKind::Resource {
        return Vec::new();
    }
    policy
        .statements
        .iter()
        .flat_map(|s| s.conditions.iter().map(move |c| (s, c)))
        .filter(|(_, c)| c.key.name == KEY)
        .map(|(s, c)| {
            Diagnostic::warning(
                ID,
                format!(
                    "statement `{}` tests `{}` in a resource-based policy",
                    s.label(),
                    c.key.written
                ),
                c.key.span,
            )
            .with_label("only documented for identity-based policies and SCPs")
            .with_note("Lambda sets `lambda:SourceFunctionArn` only on requests signed with a function's execution-role credentials; the Lambda Developer Guide says the key cannot be used in resource-based policies")
            .with_note("fix: put this condition in the execution role's identity-based policy or in an SCP; in a resource-based policy, name the execution role (`Principal` or `aws:PrincipalArn`) instead")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{primary_text, run};

    const BAD: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "OnlyFromF", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:role/f-role"}, "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::lambda_bucket/*",
        "Condition": {"ArnEquals": {"lambda:SourceFunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:f"}}}]}"#;

    const FIXED: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "OnlyFromF", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:role/f-role"}, "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::lambda_bucket/*"}]}"#;

    #[test]
    fn fires_in_a_resource_policy() {
        let found = run(check, BAD, PolicyKind::Resource);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, ID);
        assert_eq!(primary_text(BAD, &found[0]), "\"lambda:SourceFunctionArn\"");
    }

    #[test]
    fn silent_on_the_fixed_policy() {
        assert!(run(check, FIXED, PolicyKind::Resource).is_empty());
    }

    #[test]
    fn silent_in_identity_policies_and_scps() {
        let identity = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::lambda_bucket/*",
            "Condition": {"ArnEquals": {"LAMBDA:SourceFunctionARN": "arn:aws:lambda:us-east-1:111122223333:function:f"}}}]}"#;
        assert!(run(check, identity, PolicyKind::Identity).is_empty());
        assert!(run(check, identity, PolicyKind::Scp).is_empty());
    }
}
