//! `lambda-service-principal-without-source`: a service principal is granted access to Lambda
//! without a condition that pins the source resource or its account (confused deputy).
//!
//! **What it does.** In a resource-based policy, for each `Allow` statement about Lambda that
//! names a service principal (`"Principal": {"Service": "s3.amazonaws.com"}`), flags the
//! principal when no condition restricts `aws:SourceAccount` (or `aws:SourceOwner`,
//! `aws:SourceOrgID`, `aws:SourceOrgPaths`, or Alexa's `lambda:EventSourceToken`) and either no
//! condition restricts `aws:SourceArn`,
//! or every such condition allows an ARN whose account component is empty or a wildcard (an S3
//! bucket ARN has no account). Key names are case-insensitive, so AddPermission's
//! `AWS:SourceArn` / `AWS:SourceAccount` count. A condition counts as restricting when its
//! operator is positive (not `…Not…`, not `Null`, not `…IfExists`) and one of its values is not
//! a bare wildcard.
//!
//! **Why is this bad.** A service principal acts on behalf of every customer of that service
//! (docs/semantics.md §7.5). Without a source condition, a bucket, topic or rule in *any* account that is
//! configured to target the function can invoke it. S3 ARNs carry no account ID and bucket names
//! are reused after deletion, so for S3 `aws:SourceArn` alone still admits another account's
//! bucket of the same name.
//!
//! **Example.** `{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action":
//! "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-west-2:123456789012:function:F"}`.
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>,
//! <https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html>

use airtight_encodings::condition::{BaseOp, CondValue};
use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::{Condition, Effect, Policy, PolicyKind, PrincipalEntry};
use airtight_encodings::template::Piece;

use super::lambda_arn::{components, matches_everything, touches_lambda};
use crate::lint::Context;

pub const ID: &str = "lambda-service-principal-without-source";

/// Lower-cased keys that pin the source on their own: its account or organization, or (for
/// Alexa skills, AddPermission `--event-source-token`) a token only the source knows.
const PINNING_KEYS: [&str; 5] = [
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "lambda:eventsourcetoken",
];
const ARN_KEY: &str = "aws:sourcearn";

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    if cx.kind != PolicyKind::Resource {
        return Vec::new();
    }
    let mut out = Vec::new();
    for s in &policy.statements {
        let Some(principal) = &s.principal else {
            continue;
        };
        if s.effect.value != Effect::Allow || principal.negated || !touches_lambda(s) {
            continue;
        }
        let restricting: Vec<&Condition> = s.conditions.iter().filter(|c| restricts(c)).collect();
        if restricting
            .iter()
            .any(|c| PINNING_KEYS.contains(&c.key.name.as_str()))
        {
            continue;
        }
        let arns: Vec<&Condition> = restricting
            .iter()
            .copied()
            .filter(|c| c.key.name == ARN_KEY)
            .collect();
        if arns.iter().any(|c| c.values.iter().all(pins_account)) {
            continue;
        }
        for entry in &principal.entries {
            let PrincipalEntry::Service(service) = &entry.value else {
                continue;
            };
            let d = match arns.first() {
                None => Diagnostic::warning(
                    ID,
                    format!(
                        "statement `{}` lets `{service}` call Lambda for any account's resources",
                        s.label()
                    ),
                    entry.span,
                )
                .with_label("no `aws:SourceArn` or `aws:SourceAccount` condition")
                .with_note("a service principal acts for every customer of the service: a resource in any account that is configured to target this function can invoke it (the confused deputy problem)"),
                Some(arn) => Diagnostic::warning(
                    ID,
                    format!(
                        "statement `{}` lets `{service}` call Lambda for a source in any account",
                        s.label()
                    ),
                    entry.span,
                )
                .with_label("no `aws:SourceAccount` condition")
                .with_secondary(arn.span, "this source ARN names no account")
                .with_note("the source ARN does not fix an account: S3 bucket ARNs carry no account ID (and a deleted bucket's name can be taken by another account), and a wildcard account matches every account"),
            };
            out.push(d.with_note("fix: add `\"ArnLike\": {\"AWS:SourceArn\": \"<ARN of the resource that invokes>\"}` and `\"StringEquals\": {\"AWS:SourceAccount\": \"<account that owns it>\"}` (AddPermission `--source-arn` and `--source-account`)"));
        }
    }
    out
}

/// Whether a condition restricts its key to some values: a positive operator that must find the
/// key, with a value that is not a bare wildcard.
fn restricts(c: &Condition) -> bool {
    !c.op.base.is_negated()
        && c.op.base != BaseOp::Null
        && !c.op.if_exists
        && c.values.iter().any(|v| match &v.value {
            CondValue::Pattern(t) => !matches_everything(&t.pieces),
            _ => true,
        })
}

/// Whether a source-ARN value names one literal account.
fn pins_account(v: &airtight_encodings::span::Spanned<CondValue>) -> bool {
    let CondValue::Pattern(t) = &v.value else {
        return false;
    };
    components(&t.pieces).is_some_and(|(parts, _)| {
        !parts[4].is_empty() && parts[4].iter().all(|p| matches!(p, Piece::Char(_)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{primary_text, run};

    fn statement(principal: &str, condition: &str) -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Id": "default", "Statement": [{{"Sid": "sns", "Effect": "Allow",
            "Principal": {principal}, "Action": "lambda:InvokeFunction",
            "Resource": "arn:aws:lambda:us-east-1:111122223333:function:f"{condition}}}]}}"#
        )
    }

    #[test]
    fn fires_without_any_source_condition() {
        let src = statement(r#"{"Service": "sns.amazonaws.com"}"#, "");
        let found = run(check, &src, PolicyKind::Resource);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, ID);
        assert_eq!(primary_text(&src, &found[0]), "\"sns.amazonaws.com\"");
    }

    #[test]
    fn silent_with_source_arn_or_account() {
        for condition in [
            r#", "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"}}"#,
            r#", "Condition": {"StringEquals": {"AWS:SourceAccount": "111122223333"}}"#,
            r#", "Condition": {"StringEquals": {"aws:sourceaccount": "111122223333"}}"#,
            r#", "Condition": {"StringEquals": {"aws:SourceOrgID": "o-abc"}}"#,
            r#", "Condition": {"StringEquals": {"lambda:EventSourceToken": "amzn1.ask.skill.xyz"}}"#,
        ] {
            let src = statement(r#"{"Service": "sns.amazonaws.com"}"#, condition);
            assert!(
                run(check, &src, PolicyKind::Resource).is_empty(),
                "{condition}"
            );
        }
    }

    #[test]
    fn conditions_that_do_not_restrict_are_ignored() {
        for condition in [
            r#", "Condition": {"ArnLike": {"AWS:SourceArn": "*"}}"#,
            r#", "Condition": {"ArnLikeIfExists": {"AWS:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"}}"#,
            r#", "Condition": {"StringNotEquals": {"AWS:SourceAccount": "444455556666"}}"#,
            r#", "Condition": {"Null": {"AWS:SourceAccount": "false"}}"#,
        ] {
            let src = statement(r#"{"Service": "sns.amazonaws.com"}"#, condition);
            assert_eq!(
                run(check, &src, PolicyKind::Resource).len(),
                1,
                "{condition}"
            );
        }
    }

    #[test]
    fn an_s3_source_arn_without_account_is_not_enough() {
        let src = statement(
            r#"{"Service": "s3.amazonaws.com"}"#,
            r#", "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::source-bucket"}}"#,
        );
        let found = run(check, &src, PolicyKind::Resource);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("any account"));
        assert_eq!(found[0].labels.len(), 2);
        let fixed = statement(
            r#"{"Service": "s3.amazonaws.com"}"#,
            r#", "Condition": {"StringEquals": {"AWS:SourceAccount": "111122223333"}, "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::source-bucket"}}"#,
        );
        assert!(run(check, &fixed, PolicyKind::Resource).is_empty());
    }

    #[test]
    fn silent_for_accounts_and_non_lambda_statements() {
        let account = statement(r#"{"AWS": "arn:aws:iam::444455556666:root"}"#, "");
        assert!(run(check, &account, PolicyKind::Resource).is_empty());
        // A role trust policy for the Lambda service is not a function policy.
        let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;
        assert!(run(check, trust, PolicyKind::Resource).is_empty());
    }
}
