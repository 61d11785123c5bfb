//! `malformed-arn`: an ARN whose account or region component cannot be real — usually a
//! placeholder left in (`ACCOUNT-ID`, `<region>`, `account-id`).
//!
//! **What it does.** Flags a `Resource`/`NotResource` ARN, or an AWS principal (ARN or bare
//! account), whose partition is not one (`aws`, `aws-cn`, `aws-us-gov`, …), whose account
//! component is not empty, not 12 digits and holds no wildcard or policy variable, or whose
//! region component is not empty, not a region name
//! (`us-east-1`, `us-gov-west-1`, `cn-north-1`, …) and holds no wildcard or policy variable. A
//! principal that is not an ARN is flagged when it is neither 12 digits nor an IAM unique id
//! (`AROA…`, `AIDA…`: what a policy shows after the role or user was deleted).
//!
//! **Why is this bad.** No resource has such an ARN, so the entry never matches; IAM rejects a
//! policy whose principal names no valid account ("Invalid principal"). Such values are almost
//! always placeholders copied from documentation.
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::{Policy, PrincipalEntry};
use airtight_encodings::span::Span;

use super::support::spelling;
use crate::lint::Context;

pub const ID: &str = "malformed-arn";

/// Whether a component is a pattern or a policy variable (anything may be meant). `${Region}`
/// is not a policy variable (they name a key, `${aws:username}`) but a placeholder.
fn open(text: &str) -> bool {
    text.contains(['*', '?']) || (text.contains("${") && !has_placeholder(text))
}

/// Whether the text holds `${…}` that is no policy variable: no `:` inside and not one of the
/// escapes `${*}`, `${?}`, `${$}`.
fn has_placeholder(text: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        let Some(j) = rest[i..].find('}') else {
            return false;
        };
        let inner = &rest[i + 2..i + j];
        if !inner.contains(':') && !matches!(inner, "*" | "?" | "$") {
            return true;
        }
        rest = &rest[i + j + 1..];
    }
    false
}

fn account_ok(text: &str) -> bool {
    text.is_empty()
        || open(text)
        || (text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()))
        // S3 ARNs of AWS-owned resources and a few services use `aws` as the account.
        || text == "aws"
}

/// `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, `aws-eusc`, … (or a pattern).
fn partition_ok(text: &str) -> bool {
    open(text)
        || text == "aws"
        || text.strip_prefix("aws-").is_some_and(|rest| {
            !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        })
}

/// `us-east-1`, `us-gov-west-1`, `cn-northwest-1`, `us-iso-east-1`, `eu-central-2`, … (letters,
/// dashes, a final number).
fn region_ok(text: &str) -> bool {
    if text.is_empty() || open(text) {
        return true;
    }
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() >= 3
        && parts
            .last()
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
}

/// What is wrong with an ARN's account or region, if anything.
fn problem(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" {
        return None;
    }
    let (partition, region, account) = (parts[1], parts[3], parts[4]);
    if !partition_ok(partition) {
        return Some(format!("`{partition}` is not a partition such as `aws`"));
    }
    if !account_ok(account) {
        return Some(format!("`{account}` is not an account id (12 digits)"));
    }
    if !region_ok(region) {
        return Some(format!(
            "`{region}` is not a region name such as `us-east-1`"
        ));
    }
    None
}

fn finding(cx: &Context<'_>, statement: &str, text: &str, why: String, span: Span) -> Diagnostic {
    let shown = spelling(cx, span, text);
    Diagnostic::warning(
        ID,
        format!("statement `{statement}` names `{shown}`, which cannot be a real ARN or account"),
        span,
    )
    .with_label(why)
    .with_note("a placeholder left in (`ACCOUNT-ID`, `<region>`) matches nothing; IAM rejects such a principal")
    .with_note("fix: write the real account id and region, or a wildcard if any is meant")
}

/// The principal as written (`arn:aws:iam::account-id:root`), or the account alone.
fn written_principal(cx: &Context<'_>, span: Span, account: &str) -> String {
    super::support::written(cx, span).map_or_else(|| account.to_string(), str::to_string)
}

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in &policy.statements {
        for r in s.resource.iter().flat_map(|r| &r.entries) {
            // The text as written: the template's own rendering escapes a `$` as `${$}`.
            let text = super::support::written(cx, r.span)
                .map_or_else(|| r.value.template.to_string(), str::to_string);
            if let Some(why) = problem(&text) {
                out.push(finding(cx, &s.label(), &text, why, r.span));
            }
        }
        for p in s.principal.iter().flat_map(|p| &p.entries) {
            let text = match &p.value {
                PrincipalEntry::Arn(text) => text,
                PrincipalEntry::Account(account) if !account_ok(account) => {
                    let text = written_principal(cx, p.span, account);
                    let why = format!("`{account}` is not an account id (12 digits)");
                    out.push(finding(cx, &s.label(), &text, why, p.span));
                    continue;
                }
                _ => continue,
            };
            let why = if text.starts_with("arn:") {
                problem(text)
            } else {
                let unique_id = text.len() >= 16
                    && text.starts_with('A')
                    && text
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
                (!unique_id)
                    .then(|| format!("`{text}` is neither an account id, an ARN nor a unique id"))
            };
            if let Some(why) = why {
                out.push(finding(cx, &s.label(), text, why, p.span));
            }
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
    fn fires_on_placeholders() {
        let bad = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": ["ACCOUNT-B-ID", "arn:aws:iam::account-id:root", "AROAEXAMPLEID1234567"]},
            "Action": "s3:GetObject",
            "Resource": ["arn:aws:s3:::b/*", "arn:aws:dynamodb:<region>:111122223333:table/t",
                         "arn:aws:lambda:us-east-1:${aws:PrincipalAccount}:function:*",
                         "arn:aws:cloudtrail:${Region}:111122223333:trail/t"]}]}"#;
        let found = run(check, bad, PolicyKind::Resource);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(region_ok("us-gov-west-1") && region_ok("cn-north-1") && !region_ok("REGION"));
        assert!(partition_ok("aws-us-gov") && !partition_ok("partition"));
    }
}
