//! `airtight lint` as a library: the parser's diagnostics, the element rules of the policy's
//! type and the rules below, for one policy text.
//!
//! Lint-style findings: patterns in one policy that are legal but almost certainly not what the
//! author meant, reported like the parser's diagnostics (a stable rule id as the code, the
//! primary label on the offending element, notes with the fix).
//!
//! Every rule is a pure function from a parsed [`Policy`] (and its [`PolicyKind`]) to core
//! [`Diagnostic`]s; it reads nothing but the AST and never prints. One file per rule; the
//! [`RULES`] registry below is the list of every rule id `airtight lint` can report, and each
//! one has a section in `docs/rules.md` (checked by a test).
//!
//! | rule id | what it flags |
//! |---|---|
//! | `lambda-deny-in-permission-policy` | a `Deny` in a Lambda function policy (AddPermission writes only `Allow`) |
//! | `lambda-source-function-arn-in-resource-policy` | `lambda:SourceFunctionArn` in a resource-based policy |
//! | `lambda-source-function-arn-qualified` | `lambda:SourceFunctionArn` compared with a version or alias ARN |
//! | `lambda-service-principal-without-source` | a service principal granted without `aws:SourceArn`/`aws:SourceAccount` |
//! | `lambda-function-prefix-wildcard` | `function:name*`, which also matches other functions |
//! | `lambda-deny-qualified-only` | a `Deny` on `function:F:Q` without the unqualified `function:F` |
//! | `lambda-unknown-action` | a `lambda:` action entry that names no Lambda action (often an API name) |
//! | `invalid-version` | an invalid `Version` (reported by the parser) |
//!
//! Rule ids are part of the interface (users suppress and search for them): never rename one.

pub mod rules;

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::parse::parse_policy_as;
use airtight_encodings::policy::{Policy, PolicyKind};
use airtight_encodings::span::FileId;
use rules::*;

/// What a rule may look at besides the policy itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The policy type the policy is used as (given with `--kind` or detected).
    pub kind: PolicyKind,
}

/// Where a rule's findings come from.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// A check over the parsed policy.
    Check(fn(&Policy, &Context) -> Vec<Diagnostic>),
    /// The parser reports it (the policy does not parse); the rule is listed so that it is
    /// documented and searchable like the others.
    Parser,
}

/// One documented rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The stable id, used as the diagnostic code.
    pub id: &'static str,
    /// One line: what the rule flags.
    pub summary: &'static str,
    pub source: Source,
}

/// Every rule, in the order of `docs/rules.md`.
pub const RULES: &[Rule] = &[
    Rule {
        id: deny_in_permission_policy::ID,
        summary: "a `Deny` statement in a Lambda function's resource-based policy",
        source: Source::Check(deny_in_permission_policy::check),
    },
    Rule {
        id: source_function_arn_in_resource_policy::ID,
        summary: "`lambda:SourceFunctionArn` used in a resource-based policy",
        source: Source::Check(source_function_arn_in_resource_policy::check),
    },
    Rule {
        id: source_function_arn_qualified::ID,
        summary: "`lambda:SourceFunctionArn` compared with a version or alias ARN",
        source: Source::Check(source_function_arn_qualified::check),
    },
    Rule {
        id: service_principal_without_source::ID,
        summary:
            "a service principal may invoke a function without `aws:SourceArn`/`aws:SourceAccount`",
        source: Source::Check(service_principal_without_source::check),
    },
    Rule {
        id: function_prefix_wildcard::ID,
        summary: "`function:name*` also matches other functions whose names start with `name`",
        source: Source::Check(function_prefix_wildcard::check),
    },
    Rule {
        id: deny_qualified_only::ID,
        summary: "a `Deny` on a version or alias ARN without the unqualified function ARN",
        source: Source::Check(deny_qualified_only::check),
    },
    Rule {
        id: unknown_action::ID,
        summary:
            "a `lambda:` action entry that names no Lambda action (often an API operation name)",
        source: Source::Check(unknown_action::check),
    },
    Rule {
        id: invalid_version::ID,
        summary: "`Version` is neither `2012-10-17` nor `2008-10-17`",
        source: Source::Parser,
    },
];

/// The rule with this id, if any.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Runs every check over one parsed policy. Findings come in source order (by the start of
/// their primary label), ties in registry order, so the output is stable.
pub fn check(policy: &Policy, kind: PolicyKind) -> Vec<Diagnostic> {
    let cx = Context { kind };
    let mut out: Vec<Diagnostic> = RULES
        .iter()
        .filter_map(|r| match r.source {
            Source::Check(f) => Some(f(policy, &cx)),
            Source::Parser => None,
        })
        .flatten()
        .collect();
    out.sort_by_key(|d| {
        d.labels
            .iter()
            .find(|l| l.primary)
            .map_or(u32::MAX, |l| l.span.start)
    });
    out
}

/// What lint found in one policy file.
#[derive(Debug, Clone)]
pub struct LintedFile {
    /// The name reports show (the path as given).
    pub name: String,
    /// The type the policy was checked as; `None` when it did not parse.
    pub kind: Option<PolicyKind>,
    /// Parser diagnostics, then element-rule diagnostics, then rule findings.
    pub findings: Vec<Diagnostic>,
}

impl LintedFile {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Diagnostic::is_error)
    }
}

/// Parses `text` (in `file`, reported as `name`) as a policy of `kind`, or of the type it
/// looks like, and runs every rule over it.
pub fn lint(name: &str, text: &str, file: FileId, kind: Option<PolicyKind>) -> LintedFile {
    let typed = parse_policy_as(text, file, kind);
    let mut findings = typed.diagnostics;
    if let (Some(policy), Some(kind)) = (&typed.policy, typed.kind) {
        findings.extend(check(policy, kind));
    }
    LintedFile {
        name: name.to_string(),
        kind: typed.kind,
        findings,
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the rules' unit tests.

    use airtight_encodings::diagnostic::Diagnostic;
    use airtight_encodings::parse::parse_policy;
    use airtight_encodings::policy::{Policy, PolicyKind};
    use airtight_encodings::span::FileId;

    use super::Context;

    pub fn policy(src: &str) -> Policy {
        let parsed = parse_policy(src, FileId(0));
        match parsed.policy {
            Some(p) => p,
            None => panic!("test policy does not parse: {:?}", parsed.diagnostics),
        }
    }

    /// Runs one rule over `src` used as a policy of `kind`.
    pub fn run(
        rule: fn(&Policy, &Context) -> Vec<Diagnostic>,
        src: &str,
        kind: PolicyKind,
    ) -> Vec<Diagnostic> {
        rule(&policy(src), &Context { kind })
    }

    /// The source text under a diagnostic's primary label.
    pub fn primary_text<'a>(src: &'a str, d: &Diagnostic) -> &'a str {
        d.labels
            .iter()
            .find(|l| l.primary)
            .and_then(|l| src.get(l.span.range()))
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_kebab_case() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        for id in &ids {
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id}"
            );
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        assert!(rule("lambda-deny-qualified-only").is_some());
        assert!(rule("no-such-rule").is_none());
    }

    /// Every rule has a section in `docs/rules.md` with the fixed template.
    #[test]
    fn every_rule_is_documented() {
        let docs = include_str!("../../../../docs/rules.md");
        for r in RULES {
            let heading = format!("## `{}`", r.id);
            let Some(start) = docs.find(&heading) else {
                panic!("docs/rules.md has no section `{heading}`");
            };
            let rest = &docs[start + heading.len()..];
            let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
            for part in [
                "### What it does",
                "### Why it is bad",
                "### Example",
                "### Fix",
                "### AWS reference",
            ] {
                assert!(section.contains(part), "`{}` lacks `{part}`", r.id);
            }
            assert!(section.contains("https://"), "`{}` has no URL", r.id);
        }
    }

    #[test]
    fn findings_come_in_source_order() {
        let src = r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction",
             "Resource": "arn:aws:lambda:us-east-1:111122223333:function:f:prod"},
            {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "lambda:InvokeFunction",
             "Resource": "arn:aws:lambda:us-east-1:111122223333:function:f*"}]}"#;
        let found = check(&testing::policy(src), PolicyKind::Resource);
        let codes: Vec<&str> = found.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                "lambda-deny-in-permission-policy",
                "lambda-deny-qualified-only",
                "lambda-service-principal-without-source",
                "lambda-function-prefix-wildcard",
            ]
        );
    }
}
