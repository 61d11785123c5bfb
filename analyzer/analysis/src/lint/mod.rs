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
//! The registry below lists every rule with its id, default severity, SARIF
//! `security-severity` and one-line summary; `docs/rules.md` has the table and a page per rule.
//! Rules that ask the SMT engine (`statement-never-applies`, `statement-shadowed-by-deny`,
//! `redundant-statement`) use the short timeout of [`Options`] and report only what the solver
//! proved.
//!
//! Rule ids are part of the interface (users suppress and search for them): never rename one.

pub mod rules;

use std::time::{Duration, Instant};

use airtight_encodings::diagnostic::{Diagnostic, Severity};
use airtight_encodings::parse::parse_policy_as;
use airtight_encodings::policy::{Policy, PolicyKind};
use airtight_encodings::span::{FileId, Span};
use rules::*;

/// Settings of a lint run that do not come from the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The team's own AWS accounts (`accounts` in `airtight.toml`): a trust to one of them is
    /// not cross-account.
    pub accounts: Vec<String>,
    /// Whether the rules that ask the SMT engine run.
    pub solver: bool,
    /// The solver's timeout per question, in milliseconds; an unanswered question reports
    /// nothing.
    pub timeout_ms: u64,
    /// The solver's time for all the questions about one file, in milliseconds: once it has
    /// passed, the questions left are not asked (and report nothing), so that a policy with
    /// many statements cannot hold a run up for statements × timeout.
    pub file_timeout_ms: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            accounts: Vec::new(),
            solver: true,
            timeout_ms: 2_000,
            file_timeout_ms: 5_000,
        }
    }
}

/// What a rule may look at besides the policy itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context<'a> {
    /// The policy type the policy is used as (given with `--kind` or detected).
    pub kind: PolicyKind,
    /// The text the policy was parsed from (spans index into it), so that findings can quote
    /// the policy's own spelling.
    pub source: &'a str,
    pub options: &'a Options,
    /// When the solver's time for this file ([`Options::file_timeout_ms`]) runs out; `None`
    /// when it never does.
    pub solver_until: Option<Instant>,
}

/// A rule's check: findings for one parsed policy.
pub type CheckFn = fn(&Policy, &Context<'_>) -> Vec<Diagnostic>;

/// Where a rule's findings come from.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// A check over the parsed policy.
    Check(CheckFn),
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
    /// The severity of its findings (a few rules lower it for some findings, e.g. a `Deny`).
    pub severity: Severity,
    /// The SARIF `security-severity` (0.0 to 10.0: GitHub shows ≥ 7 as high, ≥ 4 as medium).
    pub security_severity: &'static str,
    pub source: Source,
}

/// Every rule, in the order of `docs/rules.md`.
pub const RULES: &[Rule] = &[
    Rule {
        id: deny_in_permission_policy::ID,
        summary: "a `Deny` statement in a Lambda function's resource-based policy",
        severity: Severity::Warning,
        security_severity: "4.0",
        source: Source::Check(deny_in_permission_policy::check),
    },
    Rule {
        id: source_function_arn_in_resource_policy::ID,
        summary: "`lambda:SourceFunctionArn` used in a resource-based policy",
        severity: Severity::Warning,
        security_severity: "5.0",
        source: Source::Check(source_function_arn_in_resource_policy::check),
    },
    Rule {
        id: source_function_arn_qualified::ID,
        summary: "`lambda:SourceFunctionArn` compared with a version or alias ARN",
        severity: Severity::Warning,
        security_severity: "5.0",
        source: Source::Check(source_function_arn_qualified::check),
    },
    Rule {
        id: service_principal_without_source::ID,
        summary: "a service principal may invoke a function without `aws:SourceArn`/`aws:SourceAccount`",
        severity: Severity::Warning,
        security_severity: "7.0",
        source: Source::Check(service_principal_without_source::check),
    },
    Rule {
        id: function_prefix_wildcard::ID,
        summary: "`function:name*` also matches other functions whose names start with `name`",
        severity: Severity::Warning,
        security_severity: "5.0",
        source: Source::Check(function_prefix_wildcard::check),
    },
    Rule {
        id: deny_qualified_only::ID,
        summary: "a `Deny` on a version or alias ARN without the unqualified function ARN",
        severity: Severity::Warning,
        security_severity: "6.0",
        source: Source::Check(deny_qualified_only::check),
    },
    Rule {
        id: lambda_unknown_action::ID,
        summary: "a `lambda:` action entry that names no Lambda action (often an API operation name)",
        severity: Severity::Warning,
        security_severity: "4.0",
        source: Source::Check(lambda_unknown_action::check),
    },
    Rule {
        id: lambda_function_url_public::ID,
        summary: "a Lambda function URL with auth type `NONE` open to everyone",
        severity: Severity::Warning,
        security_severity: "8.0",
        source: Source::Check(lambda_function_url_public::check),
    },
    Rule {
        id: unknown_service::ID,
        summary: "an action whose service prefix is no AWS service",
        severity: Severity::Warning,
        security_severity: "3.0",
        source: Source::Check(unknown_service::check),
    },
    Rule {
        id: unknown_action::ID,
        summary: "an action its service does not have (with the closest action)",
        severity: Severity::Warning,
        security_severity: "3.0",
        source: Source::Check(unknown_action::check),
    },
    Rule {
        id: action_pattern_matches_nothing::ID,
        summary: "an action pattern that matches no action of its service",
        severity: Severity::Warning,
        security_severity: "3.0",
        source: Source::Check(action_pattern_matches_nothing::check),
    },
    Rule {
        id: unknown_condition_key::ID,
        summary: "a condition key no service defines (with the closest key)",
        severity: Severity::Warning,
        security_severity: "5.0",
        source: Source::Check(unknown_condition_key::check),
    },
    Rule {
        id: condition_key_not_supported::ID,
        summary: "a service condition key that none of the statement's actions supports",
        severity: Severity::Warning,
        security_severity: "5.0",
        source: Source::Check(condition_key_not_supported::check),
    },
    Rule {
        id: condition_type_mismatch::ID,
        summary: "an operator whose type does not fit the key (`NumericEquals` on a string key)",
        severity: Severity::Warning,
        security_severity: "5.0",
        source: Source::Check(condition_type_mismatch::check),
    },
    Rule {
        id: set_operator_on_single_valued_key::ID,
        summary: "`ForAllValues:`/`ForAnyValue:` on a single-valued key",
        severity: Severity::Warning,
        security_severity: "5.0",
        source: Source::Check(set_operator_on_single_valued_key::check),
    },
    Rule {
        id: plain_operator_on_multivalued_key::ID,
        summary: "an operator without `ForAllValues:`/`ForAnyValue:` on a multivalued key",
        severity: Severity::Warning,
        security_severity: "4.0",
        source: Source::Check(plain_operator_on_multivalued_key::check),
    },
    Rule {
        id: for_all_values_without_null::ID,
        summary: "an `Allow` with `ForAllValues:` and no `Null` test, true when the key is absent",
        severity: Severity::Warning,
        security_severity: "7.0",
        source: Source::Check(for_all_values_without_null::check),
    },
    Rule {
        id: resource_matches_no_action::ID,
        summary: "a resource ARN of no resource type the statement's actions act on",
        severity: Severity::Warning,
        security_severity: "3.0",
        source: Source::Check(resource_matches_no_action::check),
    },
    Rule {
        id: action_matches_no_resource::ID,
        summary: "an action that acts on none of the statement's resources",
        severity: Severity::Warning,
        security_severity: "3.0",
        source: Source::Check(action_matches_no_resource::check),
    },
    Rule {
        id: deny_with_not_action::ID,
        summary: "an unconditional `Deny` with `NotAction`",
        severity: Severity::Warning,
        security_severity: "4.0",
        source: Source::Check(deny_with_not_action::check),
    },
    Rule {
        id: deny_with_not_resource::ID,
        summary: "an unconditional `Deny` with `NotResource`",
        severity: Severity::Warning,
        security_severity: "4.0",
        source: Source::Check(deny_with_not_resource::check),
    },
    Rule {
        id: duplicate_sid::ID,
        summary: "two statements of one policy with the same `Sid`",
        severity: Severity::Warning,
        security_severity: "2.0",
        source: Source::Check(duplicate_sid::check),
    },
    Rule {
        id: malformed_arn::ID,
        summary: "an ARN or principal whose account or region cannot be real (a placeholder left in)",
        severity: Severity::Warning,
        security_severity: "3.0",
        source: Source::Check(malformed_arn::check),
    },
    Rule {
        id: statement_never_applies::ID,
        summary: "a statement whose conditions no request satisfies (proved by the solver)",
        severity: Severity::Warning,
        security_severity: "4.0",
        source: Source::Check(statement_never_applies::check),
    },
    Rule {
        id: statement_shadowed_by_deny::ID,
        summary: "an `Allow` every request of which a `Deny` of the policy denies (proved)",
        severity: Severity::Warning,
        security_severity: "4.0",
        source: Source::Check(statement_shadowed_by_deny::check),
    },
    Rule {
        id: redundant_statement::ID,
        summary: "an `Allow` that grants nothing the other statements do not (proved)",
        severity: Severity::Note,
        security_severity: "1.0",
        source: Source::Check(redundant_statement::check),
    },
    Rule {
        id: public_access::ID,
        summary: "a resource-based policy that allows `\"*\"` with no condition on the caller",
        severity: Severity::Warning,
        security_severity: "9.0",
        source: Source::Check(public_access::check),
    },
    Rule {
        id: cross_account_trust_without_condition::ID,
        summary: "a role another account may assume without `sts:ExternalId`/`aws:PrincipalOrgID`/`aws:SourceAccount`",
        severity: Severity::Warning,
        security_severity: "7.0",
        source: Source::Check(cross_account_trust_without_condition::check),
    },
    Rule {
        id: unknown_element::ID,
        summary: "an element name IAM does not know (`Condtion`), with the closest name",
        severity: Severity::Error,
        security_severity: "3.0",
        source: Source::Parser,
    },
    Rule {
        id: invalid_version::ID,
        summary: "`Version` is neither `2012-10-17` nor `2008-10-17`",
        severity: Severity::Error,
        security_severity: "3.0",
        source: Source::Parser,
    },
];

/// The rule with this id, if any.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Runs every check over one parsed policy read from `source`. Findings come in source order
/// (by the start of their primary label), ties in registry order, so the output is stable.
pub fn check(
    policy: &Policy,
    kind: PolicyKind,
    source: &str,
    options: &Options,
) -> Vec<Diagnostic> {
    let cx = Context {
        kind,
        source,
        options,
        solver_until: Instant::now().checked_add(Duration::from_millis(options.file_timeout_ms)),
    };
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
    /// Where each statement is, with its `Sid`: what suppressions and fingerprints refer to.
    pub statements: Vec<StatementRef>,
}

/// One statement of a linted policy, as findings refer to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRef {
    pub span: Span,
    pub sid: Option<String>,
    /// The `Sid`, or `#index` (0-based) for a statement without one.
    pub label: String,
}

impl LintedFile {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Diagnostic::is_error)
    }

    /// The statement a finding points into (the innermost one holding its primary label).
    pub fn statement_of(&self, d: &Diagnostic) -> Option<&StatementRef> {
        let at = d.labels.iter().find(|l| l.primary)?.span;
        self.statements
            .iter()
            .filter(|s| s.span.file == at.file && s.span.start <= at.start && at.end <= s.span.end)
            .min_by_key(|s| s.span.end - s.span.start)
    }
}

/// Parses `text` (in `file`, reported as `name`) as a policy of `kind`, or of the type it
/// looks like, and runs every rule over it with the default [`Options`].
pub fn lint(name: &str, text: &str, file: FileId, kind: Option<PolicyKind>) -> LintedFile {
    lint_with(name, text, file, kind, &Options::default())
}

/// [`lint`] with explicit [`Options`].
pub fn lint_with(
    name: &str,
    text: &str,
    file: FileId,
    kind: Option<PolicyKind>,
    options: &Options,
) -> LintedFile {
    let typed = parse_policy_as(text, file, kind);
    let mut findings = typed.diagnostics;
    let mut statements = Vec::new();
    if let (Some(policy), Some(kind)) = (&typed.policy, typed.kind) {
        findings.extend(check(policy, kind, text, options));
        statements = policy
            .statements
            .iter()
            .map(|s| StatementRef {
                span: s.span,
                sid: s.sid.as_ref().map(|x| x.value.clone()),
                label: s.label(),
            })
            .collect();
    }
    LintedFile {
        name: name.to_string(),
        kind: typed.kind,
        findings,
        statements,
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the rules' unit tests.

    use airtight_encodings::diagnostic::Diagnostic;
    use airtight_encodings::parse::parse_policy;
    use airtight_encodings::policy::{Policy, PolicyKind};
    use airtight_encodings::span::FileId;

    use super::{Context, Options};

    pub fn policy(src: &str) -> Policy {
        let parsed = parse_policy(src, FileId(0));
        match parsed.policy {
            Some(p) => p,
            None => panic!("test policy does not parse: {:?}", parsed.diagnostics),
        }
    }

    /// Runs one rule over `src` used as a policy of `kind`.
    pub fn run(rule: super::CheckFn, src: &str, kind: PolicyKind) -> Vec<Diagnostic> {
        let options = Options::default();
        rule(
            &policy(src),
            &Context {
                kind,
                source: src,
                options: &options,
                solver_until: None,
            },
        )
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
        let found = check(
            &testing::policy(src),
            PolicyKind::Resource,
            src,
            &Options::default(),
        );
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

    /// Once the file's solver time has run out, the solver-backed rules ask nothing and report
    /// nothing; the others are unaffected.
    #[test]
    fn the_file_solver_time_bounds_the_solver_rules() {
        let src = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "EuOnly", "Effect": "Allow",
            "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:*:111122223333:function:app*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"},
                          "StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}]}"#;
        let codes = |options: &Options| -> Vec<&str> {
            check(&testing::policy(src), PolicyKind::Identity, src, options)
                .iter()
                .map(|d| d.code)
                .collect()
        };
        let all = codes(&Options::default());
        assert!(all.contains(&"statement-never-applies"), "{all:?}");
        let out_of_time = codes(&Options {
            file_timeout_ms: 0,
            ..Options::default()
        });
        assert!(
            !out_of_time.contains(&"statement-never-applies"),
            "{out_of_time:?}"
        );
        assert!(
            out_of_time.contains(&"lambda-function-prefix-wildcard"),
            "{out_of_time:?}"
        );
    }
}
