//! `unknown-condition-key`: a condition key that no AWS service defines.
//!
//! **What it does.** Flags a condition key whose prefix is `aws` or the prefix of a known
//! service when neither the global keys nor that service's keys (placeholders such as
//! `${TagKey}` included) have the name, and suggests the closest key by edit distance
//! (`aws:SourceAcount` → `aws:SourceAccount`). Keys of identity providers (`accounts.google.com:aud`,
//! `token.actions.githubusercontent.com:sub`: a prefix with a `.` or `/`) are left alone, since
//! any OIDC provider can define its own. A key with an unknown plain prefix is flagged too, with
//! the closest service prefix.
//!
//! **Why is this bad.** A key that AWS never sets is absent from every request. A positive
//! condition on it (`StringEquals`) is never true, so an `Allow` never applies; a negated one
//! (`StringNotEquals`) is always true, so a `Deny` applies to everyone. IAM Access Analyzer
//! reports it as an error ("Invalid condition key").
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::Policy;
use airtight_encodings::service_data::ServiceData;

use super::support::suggest;
use crate::lint::Context;

pub const ID: &str = "unknown-condition-key";

pub fn check(policy: &Policy, _cx: &Context<'_>) -> Vec<Diagnostic> {
    let data = ServiceData::get();
    let mut out = Vec::new();
    for s in &policy.statements {
        for c in &s.conditions {
            let key = &c.key.written;
            if data.condition_key(key).is_some() {
                continue;
            }
            let prefix = key.split(':').next().unwrap_or("").to_ascii_lowercase();
            if key.contains(':') && prefix.contains(['.', '/']) {
                continue;
            }
            let known_prefix = prefix == "aws" || data.service(&prefix).is_some();
            let mut d = Diagnostic::warning(
                ID,
                format!(
                    "statement `{}` tests `{key}`, which is not a condition key AWS defines",
                    s.label()
                ),
                c.key.span,
            )
            .with_label("no service defines this key");
            let suggestion = if known_prefix {
                let keys = data.condition_keys();
                let same_prefix: Vec<&str> = keys
                    .iter()
                    .map(|k| k.name)
                    .filter(|k| k.to_ascii_lowercase().starts_with(&format!("{prefix}:")))
                    .collect();
                suggest(key, same_prefix).map(|k| format!("did you mean `{k}`?"))
            } else {
                suggest(&prefix, data.services().map(|s| s.prefix))
                    .map(|p| format!("`{prefix}` is not a service prefix; did you mean `{p}`?"))
            };
            d = match suggestion {
                Some(note) => d.with_note(note),
                None => d,
            };
            out.push(d.with_note(
                "a key AWS never sets is absent from every request: a positive test on it is never true (an `Allow` never applies), a negated one is always true (a `Deny` applies to everyone)",
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{primary_text, run};
    use airtight_encodings::policy::PolicyKind;

    const BAD: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAcount": "111122223333",
                                       "aws:PrincipalTag/team": "a",
                                       "token.actions.githubusercontent.com:sub": "repo:o/r:*",
                                       "aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:t"}}}]}"#;

    #[test]
    fn fires_on_misspelt_keys_with_a_suggestion() {
        let found = run(check, BAD, PolicyKind::Resource);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(primary_text(BAD, &found[0]), "\"aws:SourceAcount\"");
        assert_eq!(found[0].notes[0], "did you mean `aws:SourceAccount`?");
    }
}
