//! `public-access`: a resource-based policy that allows everyone, with no condition on who the
//! caller is.
//!
//! **What it does.** In a resource-based policy, flags each `Allow` statement whose principal is
//! `"*"` (or `{"AWS": "*"}`) when none of its conditions restricts the caller or the request's
//! origin: a positive test (not `…Not…`, not `…IfExists`, not `Null`, a value other than `*`) on
//! `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`,
//! `aws:PrincipalTag/…`, `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceVpc(e)`,
//! `aws:SourceIp`, `sts:ExternalId`, `kms:CallerAccount` and similar keys. Conditions such as
//! `aws:SecureTransport` or `aws:CurrentTime` do not count: they hold for anyone. A Lambda
//! function URL open to everyone is `lambda-function-url-public`, not this rule.
//!
//! **Why is this bad.** `"*"` is every principal of every AWS account and, for many services,
//! anonymous callers on the internet. Unless the resource is meant to be public (a website
//! bucket), this is a data leak or an open door. IAM Access Analyzer reports such resources as
//! public.
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::{Effect, Policy, PolicyKind, PrincipalEntry};

use super::support::{function_url_without_auth, names_everyone, restricts_caller};
use crate::lint::Context;

pub const ID: &str = "public-access";

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    if cx.kind != PolicyKind::Resource {
        return Vec::new();
    }
    let mut out = Vec::new();
    for s in &policy.statements {
        if s.effect.value != Effect::Allow
            || !names_everyone(s)
            || restricts_caller(s)
            || function_url_without_auth(s)
        {
            continue;
        }
        let Some(span) = s.principal.as_ref().and_then(|p| {
            p.entries
                .iter()
                .find(|e| e.value == PrincipalEntry::Everyone)
                .map(|e| e.span)
        }) else {
            continue;
        };
        out.push(
            Diagnostic::warning(
                ID,
                format!(
                    "statement `{}` allows everyone: any AWS account, and anonymous callers where the service allows them",
                    s.label()
                ),
                span,
            )
            .with_label("every principal")
            .with_note("no condition restricts the caller (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount, aws:SourceArn, aws:SourceVpce, ...)")
            .with_note("fix: name the principals that need access, or add a condition such as `\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-...\"}`; if the resource is meant to be public, suppress this finding with a reason in airtight.toml"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{primary_text, run};

    const BAD: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Anyone", "Effect": "Allow",
        "Principal": "*", "Action": "lambda:InvokeFunction",
        "Resource": "arn:aws:lambda:us-east-1:111122223333:function:f",
        "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}"#;

    #[test]
    fn fires_on_everyone_without_a_caller_condition() {
        let found = run(check, BAD, PolicyKind::Resource);
        assert_eq!(found.len(), 1);
        assert_eq!(primary_text(BAD, &found[0]), "\"*\"");
        let fixed = BAD.replace(
            "\"Bool\"",
            "\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-a1b2c3d4e5\"}, \"Bool\"",
        );
        assert!(run(check, &fixed, PolicyKind::Resource).is_empty());
    }
}
