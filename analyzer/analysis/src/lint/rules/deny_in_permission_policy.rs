//! `lambda-deny-in-permission-policy`: a `Deny` statement in a Lambda function's
//! resource-based policy.
//!
//! **What it does.** In a resource-based policy that is about Lambda (a statement names a Lambda
//! action or a function ARN), flags every statement with `"Effect": "Deny"`.
//!
//! **Why is this bad.** The classic way to write a function policy, AddPermission (CLI
//! `add-permission`, CloudFormation `AWS::Lambda::Permission`, SAM/CDK grants, console
//! triggers), appends one statement per call and only ever writes `Allow` (docs/semantics.md §7.5). A
//! `Deny` can exist only when the whole policy is set with the newer PutResourcePolicy API (or
//! CloudFormation `AWS::Lambda::ResourcePolicy`), which *replaces* every statement written by
//! AddPermission. A policy that mixes the two models, or a deny someone expects to add with
//! AddPermission, is not what AWS will store. Older Lambda documentation says Lambda does not
//! support `Deny` in resource-based policies at all.
//!
//! **Example.** `{"Effect": "Deny", "Principal": "*", "Action": "lambda:InvokeFunction",
//! "Resource": "arn:aws:lambda:us-east-1:111122223333:function:f"}` in a function policy.
//!
//! **References.** <https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html>,
//! <https://docs.aws.amazon.com/lambda/latest/api/API_PutResourcePolicy.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::{Effect, Policy, PolicyKind};

use super::lambda_arn::touches_lambda;
use crate::lint::Context;

pub const ID: &str = "lambda-deny-in-permission-policy";

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    if cx.kind != PolicyKind::Resource || !policy.statements.iter().any(touches_lambda) {
        return Vec::new();
    }
    policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Deny)
        .map(|s| {
            Diagnostic::warning(
                ID,
                format!(
                    "statement `{}` is a `Deny` in a Lambda function policy, which AddPermission cannot write",
                    s.label()
                ),
                s.effect.span,
            )
            .with_label("AddPermission only writes `Allow` statements")
            .with_note("a `Deny` in a function policy is possible only when the whole policy is set with the PutResourcePolicy API (or CloudFormation `AWS::Lambda::ResourcePolicy`), which replaces every statement written by AddPermission, SAM, CDK or console triggers")
            .with_note("fix: put the deny in the callers' identity-based policies, an SCP or an RCP; or, if this policy is deployed with PutResourcePolicy on purpose, make sure nothing adds permissions with AddPermission afterwards")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{primary_text, run};

    const BAD: &str = r#"{"Version": "2012-10-17", "Id": "default", "Statement": [
        {"Sid": "Invoke", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
         "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:111122223333:function:f"},
        {"Sid": "NoAnonymous", "Effect": "Deny", "Principal": "*",
         "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:111122223333:function:f"}]}"#;

    const FIXED: &str = r#"{"Version": "2012-10-17", "Id": "default", "Statement": [
        {"Sid": "Invoke", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
         "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:111122223333:function:f"}]}"#;

    #[test]
    fn fires_on_a_deny_in_a_function_policy() {
        let found = run(check, BAD, PolicyKind::Resource);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, ID);
        assert_eq!(primary_text(BAD, &found[0]), "\"Deny\"");
        assert!(found[0].message.contains("NoAnonymous"));
        assert!(found[0].notes[0].contains("PutResourcePolicy"));
    }

    #[test]
    fn silent_on_the_fixed_policy() {
        assert!(run(check, FIXED, PolicyKind::Resource).is_empty());
    }

    #[test]
    fn silent_outside_lambda_resource_policies() {
        // The same deny in an identity policy is ordinary.
        let identity = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
            "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:111122223333:function:f"}]}"#;
        assert!(run(check, identity, PolicyKind::Identity).is_empty());
        // A deny in an S3 bucket policy is ordinary too.
        let bucket = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*",
            "Action": "s3:*", "Resource": "arn:aws:s3:::b/*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}"#;
        assert!(run(check, bucket, PolicyKind::Resource).is_empty());
    }
}
