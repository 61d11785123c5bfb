//! `unknown-service`: an `Action`/`NotAction` entry whose service prefix is no AWS service.
//!
//! **What it does.** Flags an entry `prefix:…` whose prefix (literal, without wildcards) is not
//! the prefix of any service in the Service Authorization Reference (airtight's service data),
//! and suggests the closest prefix (`s4:GetObject` → `s3`). The message quotes the entry as the
//! policy writes it.
//!
//! **Why is this bad.** An entry that names no service matches no action: an `Allow` grants
//! nothing through it and a `Deny` blocks nothing. IAM Access Analyzer reports it as an error
//! ("Invalid service").
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>,
//! <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::Policy;
use airtight_encodings::service_data::ServiceData;

use super::support::{spelling, split_action, suggest};
use crate::lint::Context;

pub const ID: &str = "unknown-service";

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    let data = ServiceData::get();
    let mut out = Vec::new();
    for s in &policy.statements {
        for e in &s.action.entries {
            let Some((prefix, _)) = split_action(&e.value) else {
                continue;
            };
            if data.service(&prefix).is_some() {
                continue;
            }
            let text = spelling(cx, e.span, &e.value.to_string());
            let written_prefix = text.split(':').next().unwrap_or(&prefix);
            let mut d = Diagnostic::warning(
                ID,
                format!(
                    "statement `{}` names `{text}`, but `{written_prefix}` is not an AWS service prefix",
                    s.label()
                ),
                e.span,
            )
            .with_label("no service has this prefix");
            d = match suggest(&prefix, data.services().map(|s| s.prefix)) {
                Some(p) => d.with_note(format!("did you mean `{p}`?")),
                None => d.with_note("an entry that names no service matches no action; check the prefix against the Service Authorization Reference"),
            };
            out.push(d);
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
        "Action": ["S4:GetObject", "s3:GetObject", "*"], "Resource": "*"}]}"#;

    #[test]
    fn fires_on_unknown_prefixes_with_a_suggestion() {
        let found = run(check, BAD, PolicyKind::Identity);
        assert_eq!(found.len(), 1);
        assert_eq!(primary_text(BAD, &found[0]), "\"S4:GetObject\"");
        assert!(
            found[0].message.contains("`S4:GetObject`"),
            "{}",
            found[0].message
        );
        assert!(found[0].notes[0].contains("`s3`"), "{:?}", found[0].notes);
    }
}
