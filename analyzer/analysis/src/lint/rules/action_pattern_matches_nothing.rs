//! `action-pattern-matches-nothing`: an `Action`/`NotAction` pattern with wildcards that
//! matches no action of its service.
//!
//! **What it does.** For an entry with `*` or `?` after a literal service prefix of a known
//! service other than Lambda (`s3:GetObjekt*`, `ec2:Descibe*`), flags the entry when no action
//! of that service matches it. Lambda patterns are `lambda-unknown-action`.
//!
//! **Why is this bad.** A pattern that matches no action grants or denies nothing today. It may
//! start to match an action AWS adds later, which nobody reviewed.
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::policy::Policy;
use airtight_encodings::service_data::ServiceData;

use super::support::{actions_matching, spelling, split_action};
use crate::lint::Context;

pub const ID: &str = "action-pattern-matches-nothing";

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    let data = ServiceData::get();
    let mut out = Vec::new();
    for s in &policy.statements {
        for e in &s.action.entries {
            let Some((prefix, _)) = split_action(&e.value) else {
                continue;
            };
            if e.value.is_literal() || prefix == "lambda" {
                continue;
            }
            let Some(service) = data.service(&prefix) else {
                continue;
            };
            if !actions_matching(&e.value).is_empty() {
                continue;
            }
            let text = spelling(cx, e.span, &e.value.to_string());
            out.push(
                Diagnostic::warning(
                    ID,
                    format!(
                        "statement `{}` names `{text}`, which matches no action of {}",
                        s.label(),
                        service.name
                    ),
                    e.span,
                )
                .with_label("no action matches this pattern")
                .with_note("a pattern that matches no action grants or denies nothing; check the spelling against the Service Authorization Reference"),
            );
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
    fn fires_on_patterns_that_match_nothing() {
        let bad = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["ec2:Descibe*", "ec2:Describe*", "s3:*"], "Resource": "*"}]}"#;
        let found = run(check, bad, PolicyKind::Identity);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("`ec2:Descibe*`"),
            "{}",
            found[0].message
        );
    }
}
