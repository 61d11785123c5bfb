//! `resource-matches-no-action`: a `Resource` ARN that is of no resource type the statement's
//! actions act on.
//!
//! **What it does.** For a statement whose `Action` entries all name known services (no `*`,
//! no `NotAction`), flags each `Resource` ARN (not `*`) that fits the ARN format of no resource
//! type of any action the entries match, per the Service Authorization Reference. An S3 bucket
//! ARN takes no `/`: `arn:aws:s3:::bucket/*` names objects. Policy variables count as any text.
//!
//! **Why is this bad.** IAM matches a statement's resources against the ARN of the resource
//! the request is about. A resource of a type none of the actions use never matches: the entry
//! is dead, and it usually means a typo in the ARN or the wrong service (a bucket ARN with
//! `dynamodb:` actions). IAM Access Analyzer reports "Unsupported resource ARN".
//!
//! **References.** <https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::Policy;

use super::support::{resource_fits, resource_glob, spelling, statement_actions};
use crate::lint::Context;

pub const ID: &str = "resource-matches-no-action";

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in &policy.statements {
        let Some(resources) = s.resource.as_ref().filter(|r| !r.negated) else {
            continue;
        };
        let Some(actions) = statement_actions(s) else {
            continue;
        };
        if actions.is_empty() {
            continue;
        }
        for r in &resources.entries {
            let glob = resource_glob(&r.value);
            let text = r.value.template.to_string();
            if !text.starts_with("arn:") {
                continue;
            }
            let fits = actions.iter().any(|a| {
                a.resource_types()
                    .iter()
                    .any(|t| resource_fits(&glob, t.resource_type().arn_format))
            });
            if fits {
                continue;
            }
            let text = spelling(cx, r.span, &text);
            let mut services: Vec<&str> = actions.iter().map(|a| a.service()).collect();
            services.dedup();
            out.push(
                Diagnostic::warning(
                    ID,
                    format!(
                        "statement `{}` names `{text}`, which is of no resource type its actions act on",
                        s.label()
                    ),
                    r.span,
                )
                .with_label("no action of the statement acts on this resource")
                .with_note(format!(
                    "the statement's {} actions act on other resource types (Service Authorization Reference); this entry never matches a request",
                    services.join(", ")
                ))
                .with_note("fix: correct the ARN, or move it to a statement with the actions it is meant for"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{primary_text, run};
    use airtight_encodings::policy::PolicyKind;

    #[test]
    fn fires_on_a_resource_of_another_service() {
        let bad = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["dynamodb:GetItem"],
            "Resource": ["arn:aws:s3:::bucket", "arn:aws:dynamodb:us-east-1:111122223333:table/${aws:username}"]}]}"#;
        let found = run(check, bad, PolicyKind::Identity);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(primary_text(bad, &found[0]), "\"arn:aws:s3:::bucket\"");
    }
}
