//! `lambda-unknown-action`: an `Action`/`NotAction` entry in the `lambda` service that names no
//! Lambda action — often an API operation whose permission has another name.
//!
//! **What it does.** Flags a `lambda:` entry that matches no action of the Service
//! Authorization Reference (service data): a literal such as `lambda:GetLayerVersionByArn` or
//! `lambda:Invoke`, or a pattern such as `lambda:GetPolicy2*`.
//!
//! **Why is this bad.** IAM matches actions, not API operations. `GetLayerVersionByArn` is
//! authorized as `lambda:GetLayerVersion`, `Invoke` and `InvokeWithResponseStream` as
//! `lambda:InvokeFunction` (docs/semantics.md §7.3). An entry that names no action grants (or denies)
//! nothing: an Allow that was meant to grant access does not, and a Deny that was meant to
//! block it leaves it open.
//!
//! **References.** <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::Policy;
use airtight_encodings::service_data::{lambda_api_action, ServiceData};

use super::support::{spelling, suggest};
use crate::lint::Context;

pub const ID: &str = "lambda-unknown-action";

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    let Some(lambda) = ServiceData::get().service("lambda") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in &policy.statements {
        for e in &s.action.entries {
            let folded = e.value.to_string();
            if !folded.starts_with("lambda:") {
                continue;
            }
            // The entry as the policy writes it: `lambda:invokefuntion`, not a folded form.
            let text = spelling(cx, e.span, &folded);
            let name = text.get("lambda:".len()..).unwrap_or_default();
            let real = lambda
                .actions
                .iter()
                .any(|a| e.value.matches(&format!("lambda:{}", a.name())));
            if real {
                continue;
            }
            let mut d = Diagnostic::warning(
                ID,
                format!(
                    "statement `{}` names `{text}`, which matches no Lambda action",
                    s.label()
                ),
                e.span,
            )
            .with_label(format!(
                "no Lambda action {}",
                if e.value.is_literal() {
                    "has this name"
                } else {
                    "matches this pattern"
                }
            ));
            let api = e
                .value
                .is_literal()
                .then(|| lambda_api_action(name))
                .flatten();
            let close = || {
                e.value
                    .is_literal()
                    .then(|| suggest(name, lambda.actions.iter().map(|a| a.name())))
                    .flatten()
            };
            d = match (api, close()) {
                (Some(action), _) => d.with_note(format!(
                    "the API operation is authorized as `{action}`: write that action"
                )),
                (None, Some(action)) => d.with_note(format!("did you mean `lambda:{action}`?")),
                (None, None) => d.with_note(
                    "an entry that names no action grants or denies nothing; check the spelling against the Service Authorization Reference",
                ),
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

    const BAD: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Layers", "Effect": "Allow",
        "Action": ["lambda:GetLayerVersionByArn", "lambda:GetPolicy2*", "s3:GetObject"], "Resource": "*"}]}"#;

    const FIXED: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Layers", "Effect": "Allow",
        "Action": ["lambda:GetLayerVersion", "lambda:GetPolicy*", "s3:GetObject"], "Resource": "*"}]}"#;

    #[test]
    fn fires_on_api_names_and_empty_patterns() {
        let found = run(check, BAD, PolicyKind::Identity);
        assert_eq!(found.len(), 2);
        assert_eq!(
            primary_text(BAD, &found[0]),
            "\"lambda:GetLayerVersionByArn\""
        );
        assert!(
            found[0].notes[0].contains("`lambda:GetLayerVersion`"),
            "{:?}",
            found[0].notes
        );
        assert_eq!(primary_text(BAD, &found[1]), "\"lambda:GetPolicy2*\"");
    }

    #[test]
    fn keeps_the_policy_spelling_and_suggests_the_action() {
        let src = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "lambda:invokefuntion", "Resource": "*"}]}"#;
        let found = run(check, src, PolicyKind::Identity);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("`lambda:invokefuntion`"),
            "{}",
            found[0].message
        );
        assert_eq!(found[0].notes[0], "did you mean `lambda:InvokeFunction`?");
    }

    #[test]
    fn silent_on_the_fixed_policy() {
        assert!(run(check, FIXED, PolicyKind::Identity).is_empty());
    }
}
