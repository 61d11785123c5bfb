//! `lambda-function-prefix-wildcard`: a function ARN pattern `…:function:NAME*` that also matches
//! other functions whose names start with `NAME`.
//!
//! **What it does.** Flags a `Resource` entry that is a Lambda function ARN whose function-name
//! part is a literal name followed by one trailing `*` (`function:my-function*`, also
//! `function:my-function*:*`). A name ending in `-` or `_` (`function:team-*`) reads as an
//! intended name prefix and is left alone.
//!
//! **Why is this bad.** The pattern is usually meant as "the function and all its versions and
//! aliases", but `*` matches any characters, so `function:my-function*` also matches
//! `function:my-function-2`, `function:my-functionAdmin`, and any function created later with
//! such a name (docs/semantics.md §7.2). In an `Allow` that is a grant to functions nobody reviewed; in a
//! `Deny` (where AWS's own best-practice table uses this form) it denies more than intended, so
//! it is reported as a note.
//!
//! **Example.** `"Resource": "arn:aws:lambda:us-west-2:123456789012:function:my-function*"`.
//!
//! **References.** <https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html>

use airtight_encodings::diagnostic::{Diagnostic, Severity};
use airtight_encodings::glob::GlobToken;
use airtight_encodings::policy::{Effect, Policy};
use airtight_encodings::template::Piece;

use super::lambda_arn::{function_arn, render};
use crate::lint::Context;

pub const ID: &str = "lambda-function-prefix-wildcard";

pub fn check(policy: &Policy, _cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in &policy.statements {
        let Some(resource) = s.resource.as_ref().filter(|r| !r.negated) else {
            continue;
        };
        for entry in &resource.entries {
            let Some(f) = function_arn(&entry.value.template) else {
                continue;
            };
            let Some(name) = prefix_name(f.name) else {
                continue;
            };
            let head = render(f.head);
            let (message, severity) = match s.effect.value {
                Effect::Allow => (
                    format!(
                        "statement `{}` allows functions other than `{name}`",
                        s.label()
                    ),
                    Severity::Warning,
                ),
                Effect::Deny => (
                    format!(
                        "statement `{}` denies functions other than `{name}`",
                        s.label()
                    ),
                    Severity::Note,
                ),
            };
            let mut diagnostic = Diagnostic::warning(ID, message, entry.span)
                .with_label(format!(
                    "also matches `{name}-2`, `{name}Admin`, … and functions created later"
                ))
                .with_note(format!(
                    "`*` matches any characters, not only `:VERSION` or `:ALIAS`, so this pattern covers every function whose name starts with `{name}`"
                ))
                .with_note(format!(
                    "fix: list the function and its versions and aliases separately: `{head}function:{name}` and `{head}function:{name}:*`"
                ));
            diagnostic.severity = severity;
            out.push(diagnostic);
        }
    }
    out
}

/// The literal name of a `NAME*` function-name part, unless `NAME` ends with `-` or `_`.
fn prefix_name(pieces: &[Piece]) -> Option<String> {
    let (last, name) = pieces.split_last()?;
    if *last != Piece::Wild(GlobToken::AnyRun) || name.is_empty() {
        return None;
    }
    let text: String = name
        .iter()
        .map(|p| match p {
            Piece::Char(c) => Some(*c),
            _ => None,
        })
        .collect::<Option<String>>()?;
    (!text.ends_with(['-', '_'])).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{primary_text, run};
    use airtight_encodings::policy::PolicyKind;

    const BAD: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "InvokeMyFunction", "Effect": "Allow",
        "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-west-2:123456789012:function:my-function*"}]}"#;

    const FIXED: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "InvokeMyFunction", "Effect": "Allow",
        "Action": "lambda:InvokeFunction", "Resource": ["arn:aws:lambda:us-west-2:123456789012:function:my-function",
        "arn:aws:lambda:us-west-2:123456789012:function:my-function:*"]}]}"#;

    #[test]
    fn fires_on_a_name_prefix() {
        let found = run(check, BAD, PolicyKind::Identity);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, ID);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(
            primary_text(BAD, &found[0]),
            "\"arn:aws:lambda:us-west-2:123456789012:function:my-function*\""
        );
        assert!(found[0].notes[1].contains(
            "`arn:aws:lambda:us-west-2:123456789012:function:my-function` and `arn:aws:lambda:us-west-2:123456789012:function:my-function:*`"
        ));
    }

    #[test]
    fn silent_on_the_fixed_policy() {
        assert!(run(check, FIXED, PolicyKind::Identity).is_empty());
    }

    #[test]
    fn a_deny_is_a_note() {
        let deny = BAD.replace("\"Allow\"", "\"Deny\"");
        let found = run(check, &deny, PolicyKind::Identity);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Note);
    }

    #[test]
    fn intended_prefixes_and_other_shapes_are_left_alone() {
        for resource in [
            "arn:aws:lambda:us-west-2:123456789012:function:team-*",
            "arn:aws:lambda:us-west-2:123456789012:function:team_*",
            "arn:aws:lambda:us-west-2:123456789012:function:*",
            "arn:aws:lambda:*:*:function:my-function:*",
            "arn:aws:lambda:us-west-2:123456789012:layer:my-layer*",
        ] {
            let src = BAD.replace(
                "arn:aws:lambda:us-west-2:123456789012:function:my-function*",
                resource,
            );
            assert!(
                run(check, &src, PolicyKind::Identity).is_empty(),
                "{resource}"
            );
        }
        let qualified = BAD.replace("my-function*", "my-function*:*");
        assert_eq!(run(check, &qualified, PolicyKind::Identity).len(), 1);
    }
}
