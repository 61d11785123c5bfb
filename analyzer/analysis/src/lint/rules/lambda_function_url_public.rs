//! `lambda-function-url-public`: a Lambda function URL that anyone on the internet can call
//! without signing the request.
//!
//! **What it does.** In a resource-based policy, flags each `Allow` statement that grants
//! `lambda:InvokeFunctionUrl` to `"*"` with `lambda:FunctionUrlAuthType` equal to `NONE` (or
//! without a positive test of the auth type) and no condition that restricts the caller (see
//! `public-access`). This is the statement the console and `aws lambda add-permission
//! --function-url-auth-type NONE` write for a URL with auth type `NONE`.
//!
//! **Why is this bad.** With auth type `NONE`, Lambda does not authenticate callers of the URL:
//! anyone who learns it can invoke the function, as often as they like, at the account's cost.
//! That is right for a public webhook or website backend that does its own authentication, and
//! wrong for everything else.
//!
//! **References.** <https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::{Effect, Policy, PolicyKind};

use super::support::{function_url_without_auth, names_everyone, restricts_caller};
use crate::lint::Context;

pub const ID: &str = "lambda-function-url-public";

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    if cx.kind != PolicyKind::Resource {
        return Vec::new();
    }
    let mut out = Vec::new();
    for s in &policy.statements {
        if s.effect.value != Effect::Allow
            || !names_everyone(s)
            || restricts_caller(s)
            || !function_url_without_auth(s)
        {
            continue;
        }
        let auth = s
            .conditions
            .iter()
            .find(|c| c.key.name == "lambda:functionurlauthtype");
        let mut d = Diagnostic::warning(
            ID,
            format!(
                "statement `{}` lets anyone on the internet call the function URL without signing",
                s.label()
            ),
            auth.map_or(s.action.span, |c| c.span),
        )
        .with_label(if auth.is_some() {
            "auth type `NONE`: Lambda does not authenticate callers"
        } else {
            "any auth type, `NONE` included"
        });
        if let Some(p) = &s.principal {
            d = d.with_secondary(p.span, "everyone");
        }
        out.push(d
            .with_note("fix: use auth type `AWS_IAM` and grant `lambda:InvokeFunctionUrl` to the principals that need it; if the URL is meant to be public (a webhook that checks its own signature), suppress this finding with a reason in airtight.toml"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::run;

    const BAD: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "FunctionURLAllowPublicAccess",
        "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunctionUrl",
        "Resource": "arn:aws:lambda:us-east-1:111122223333:function:f",
        "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}}]}"#;

    #[test]
    fn fires_on_a_public_url() {
        assert_eq!(run(check, BAD, PolicyKind::Resource).len(), 1);
        let iam = BAD.replace("NONE", "AWS_IAM");
        assert!(run(check, &iam, PolicyKind::Resource).is_empty());
    }
}
