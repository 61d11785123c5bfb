//! `unknown-action`: an `Action`/`NotAction` entry that names an action its service does not
//! have.
//!
//! **What it does.** For a literal entry (`s3:GetObjekt`, no wildcard) of a known service other
//! than Lambda (Lambda entries are `lambda-unknown-action`, which also knows API operation
//! names), flags the entry when the service defines no action of that name, and suggests the
//! closest action by edit distance (`s3:GetObject`). The message quotes the entry as the policy
//! writes it.
//!
//! **Why is this bad.** An entry that names no action matches nothing: an `Allow` grants
//! nothing through it and a `Deny` meant to block an action leaves it open. IAM Access Analyzer
//! reports it as an error ("Invalid action").
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::Policy;
use airtight_encodings::service_data::ServiceData;

use super::support::{spelling, split_action, suggest};
use crate::lint::Context;

pub const ID: &str = "unknown-action";

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    let data = ServiceData::get();
    let mut out = Vec::new();
    for s in &policy.statements {
        for e in &s.action.entries {
            let Some((prefix, name)) = split_action(&e.value) else {
                continue;
            };
            if !e.value.is_literal() || prefix == "lambda" {
                continue;
            }
            let Some(service) = data.service(&prefix) else {
                continue;
            };
            if data.action(&e.value.to_string()).is_some() {
                continue;
            }
            let text = spelling(cx, e.span, &e.value.to_string());
            let mut d = Diagnostic::warning(
                ID,
                format!(
                    "statement `{}` names `{text}`, which is not an action of {}",
                    s.label(),
                    service.name
                ),
                e.span,
            )
            .with_label("no action has this name");
            d = match suggest(&name, service.actions.iter().map(|a| a.name())) {
                Some(a) => d.with_note(format!("did you mean `{}:{a}`?", service.prefix)),
                None => d.with_note("an entry that names no action grants or denies nothing; check the spelling against the Service Authorization Reference"),
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
        "Action": ["s3:GetObjekt", "s3:GetObject", "lambda:Invoke", "s3:Get*"], "Resource": "*"}]}"#;

    #[test]
    fn fires_on_misspelt_actions_with_a_suggestion() {
        let found = run(check, BAD, PolicyKind::Identity);
        assert_eq!(found.len(), 1);
        assert_eq!(primary_text(BAD, &found[0]), "\"s3:GetObjekt\"");
        assert!(
            found[0].message.contains("`s3:GetObjekt`"),
            "{}",
            found[0].message
        );
        assert_eq!(found[0].notes[0], "did you mean `s3:GetObject`?");
    }
}
