//! `cross-account-trust-without-condition`: a role trust policy that lets another account assume
//! the role without `sts:ExternalId`, `aws:PrincipalOrgID` or `aws:SourceAccount`.
//!
//! **What it does.** In a resource-based policy, for each `Allow` statement whose actions
//! include `sts:AssumeRole` and whose principal names an AWS account or an IAM/STS ARN (`{"AWS":
//! "444455556666"}`, `arn:aws:iam::444455556666:role/x`), flags each such principal of another
//! account when no condition restricts `sts:ExternalId`, `aws:PrincipalOrgID`,
//! `aws:PrincipalOrgPaths`, `aws:SourceAccount` or `aws:SourceArn`. "Another account" is one not
//! listed in `accounts` of `airtight.toml` and not the account of the policy's own resource ARNs.
//! A trust policy has no resource, so without `accounts` the rule cannot tell a cross-account
//! principal from the role's own account: it then reports a note (which does not fail the run)
//! instead of a warning.
//!
//! **Why is this bad.** A role that another account can assume is only as safe as that account.
//! For a third party (a vendor that assumes roles in many customers' accounts), without
//! `sts:ExternalId` anyone who can make the vendor act on their behalf can have it assume your
//! role: the confused deputy problem. For your own accounts, `aws:PrincipalOrgID` keeps the trust
//! inside your organization even if the account leaves it.
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>

use airtight_encodings::arn::Arn;
use airtight_encodings::diagnostic::{Diagnostic, Severity};
use airtight_encodings::policy::{Effect, Policy, PolicyKind, PrincipalEntry};

use super::support::restricts;
use crate::lint::Context;

pub const ID: &str = "cross-account-trust-without-condition";

/// Lower-cased keys that bind a cross-account trust to a party or an organization.
const BINDING_KEYS: [&str; 5] = [
    "sts:externalid",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:sourceaccount",
    "aws:sourcearn",
];

/// The accounts the policy's own resources are in (literal 12-digit account components).
fn resource_accounts(policy: &Policy) -> Vec<String> {
    let mut out = Vec::new();
    for s in &policy.statements {
        for r in s.resource.iter().filter(|r| !r.negated) {
            for e in &r.entries {
                let text = e.value.template.to_string();
                if let Some(arn) = Arn::parse(&text) {
                    if arn.account.len() == 12 && arn.account.bytes().all(|b| b.is_ascii_digit()) {
                        out.push(arn.account.to_string());
                    }
                }
            }
        }
    }
    out
}

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    if cx.kind != PolicyKind::Resource {
        return Vec::new();
    }
    let mut own: Vec<String> = cx.options.accounts.clone();
    own.extend(resource_accounts(policy));
    let mut out = Vec::new();
    for s in &policy.statements {
        let Some(principal) = &s.principal else {
            continue;
        };
        let assumes = !s.action.negated
            && s.action
                .entries
                .iter()
                .any(|e| e.value.matches("sts:assumerole"));
        if s.effect.value != Effect::Allow || principal.negated || !assumes {
            continue;
        }
        let bound = s
            .conditions
            .iter()
            .any(|c| restricts(c) && BINDING_KEYS.contains(&c.key.name.as_str()));
        if bound {
            continue;
        }
        for e in &principal.entries {
            let account = match &e.value {
                PrincipalEntry::Account(a) => a.clone(),
                PrincipalEntry::Arn(text) => match Arn::parse(text) {
                    Some(arn) => arn.account.to_string(),
                    None => continue,
                },
                _ => continue,
            };
            if own.contains(&account) {
                continue;
            }
            let mut d = Diagnostic::warning(
                ID,
                format!(
                    "statement `{}` lets account {account} assume the role without `sts:ExternalId`, `aws:PrincipalOrgID` or `aws:SourceAccount`",
                    s.label()
                ),
                e.span,
            )
            .with_label("a principal of another account");
            if own.is_empty() {
                d.severity = Severity::Note;
                d = d.with_note("the role's own account is unknown (a trust policy names no resource): list your accounts in `accounts` of airtight.toml to turn this into a warning for other accounts only and silence it for your own");
            }
            out.push(d
                .with_note("fix: for a third party, require the external ID it gave you (`\"StringEquals\": {\"sts:ExternalId\": \"...\"}`); for your own accounts, require your organization (`\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-...\"}`)"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{primary_text, run};

    const BAD: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Vendor", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"}]}"#;

    #[test]
    fn fires_on_trust_without_a_binding_condition() {
        let found = run(check, BAD, PolicyKind::Resource);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Note);
        assert_eq!(
            primary_text(BAD, &found[0]),
            "\"arn:aws:iam::444455556666:root\""
        );
        let fixed = BAD.replace(
            "\"sts:AssumeRole\"",
            "\"sts:AssumeRole\", \"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"x1\"}}",
        );
        assert!(run(check, &fixed, PolicyKind::Resource).is_empty());
    }
}
