//! The policy AST. Every node carries the [`Span`] it was read from; spans do not take part in
//! equality, so two policies that differ only in layout compare equal.
//!
//! Section numbers (§) refer to `docs/semantics.md`, the IAM and Lambda semantics airtight
//! implements.

use crate::condition::{CondValue, ConditionOp};
use crate::glob::{Glob, GlobToken};
use crate::span::{FileId, Span, Spanned};
use crate::template::{Piece, Template, TemplateSyntax};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub file: FileId,
    pub version: Version,
    pub version_span: Option<Span>,
    pub id: Option<Spanned<String>>,
    pub statements: Vec<Statement>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    V2012_10_17,
    V2008_10_17,
    Missing,
}

impl Version {
    /// Policy variables are recognised only under 2012-10-17 (§1.2).
    pub fn has_variables(self) -> bool {
        self == Version::V2012_10_17
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// 0-based position in the policy's `Statement` list.
    pub index: usize,
    pub sid: Option<Spanned<String>>,
    pub effect: Spanned<Effect>,
    pub principal: Option<PrincipalBlock>,
    pub action: ActionBlock,
    /// `None` only for statements without Resource/NotResource (role trust policies), which
    /// apply to every resource.
    pub resource: Option<ResourceBlock>,
    pub conditions: Vec<Condition>,
    pub span: Span,
}

impl Statement {
    /// How a user refers to this statement: its Sid, or `#index`.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.value.is_empty() => sid.value.clone(),
            _ => format!("#{}", self.index),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalBlock {
    /// `NotPrincipal`.
    pub negated: bool,
    pub entries: Vec<Spanned<PrincipalEntry>>,
    pub span: Span,
}

/// One principal named by a policy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalEntry {
    /// `"*"` or `{"AWS": "*"}`: everyone, including anonymous callers.
    Everyone,
    /// `{"AWS": "123456789012"}` or `arn:aws:iam::123456789012:root`: the account.
    Account(String),
    /// An IAM or STS ARN other than an account root: role, user, assumed-role session,
    /// federated user.
    Arn(String),
    Service(String),
    Federated(String),
    CanonicalUser(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionBlock {
    /// `NotAction`.
    pub negated: bool,
    /// Case-insensitive globs over the whole action (`s3:Get*`); `*` is [`Glob::any`].
    pub entries: Vec<Spanned<Glob>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceBlock {
    /// `NotResource`.
    pub negated: bool,
    pub entries: Vec<Spanned<Matcher>>,
    pub span: Span,
}

/// A string pattern ready for matching: the template, and its glob precompiled when the
/// template holds no policy variable.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Matcher {
    pub template: Template,
    pub glob: Option<Glob>,
}

impl Matcher {
    pub fn new(template: Template) -> Matcher {
        let glob = if template.has_variables() {
            None
        } else {
            template.to_glob()
        };
        Matcher { template, glob }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub op: ConditionOp,
    pub op_span: Span,
    pub key: ConditionKey,
    pub values: Vec<Spanned<CondValue>>,
    /// Precompiled matchers for `CondValue::Pattern` values, same order as `values`.
    pub matchers: Vec<Matcher>,
    pub span: Span,
}

/// A condition key. Names are case-insensitive: `name` is lower-cased, `written` is as in the
/// policy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConditionKey {
    pub name: String,
    pub written: String,
    pub span: Span,
}

impl ConditionKey {
    pub fn new(written: &str, span: Span) -> ConditionKey {
        ConditionKey {
            name: written.to_ascii_lowercase(),
            written: written.to_string(),
            span,
        }
    }
}

/// Builds the template of an ARN pattern (Resource element or ARN condition operator): the
/// first five colon-separated components keep their wildcards inside the component
/// ([`GlobToken::AnyRunNoColon`]); the sixth, resource, component is globbed as a whole and may
/// hold policy variables. Returns the template and whether the ARN had to be padded because it
/// has fewer than six components (padding adds `*` components).
pub fn arn_template(text: &str, variables: bool) -> (Template, bool) {
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    let short = parts.len() < 6;
    let mut pieces = Vec::with_capacity(text.len() + 8);
    for i in 0..6 {
        let comp = parts.get(i).copied().unwrap_or("*");
        if i < 5 {
            let t = Template::parse(
                comp,
                TemplateSyntax {
                    wildcards: true,
                    variables: false,
                },
                false,
            );
            pieces.extend(t.pieces.into_iter().map(|p| match p {
                Piece::Wild(GlobToken::AnyRun) => Piece::Wild(GlobToken::AnyRunNoColon),
                Piece::Wild(GlobToken::AnyChar) => Piece::Wild(GlobToken::AnyCharNoColon),
                other => other,
            }));
            pieces.push(Piece::Char(':'));
        } else {
            let t = Template::parse(
                comp,
                TemplateSyntax {
                    wildcards: true,
                    variables,
                },
                false,
            );
            pieces.extend(t.pieces);
        }
    }
    (
        Template {
            pieces,
            case_insensitive: false,
        },
        short,
    )
}

/// The glob that a well-formed ARN (six components) matches: `*:*:*:*:*:*` with the first
/// five components colon-free.
pub fn arn_shape() -> Glob {
    let mut tokens = Vec::new();
    for _ in 0..5 {
        tokens.push(GlobToken::AnyRunNoColon);
        tokens.push(GlobToken::Char(':'));
    }
    tokens.push(GlobToken::AnyRun);
    Glob::from_folded(tokens, false)
}

/// Whether `v` matches [`arn_shape`]: it has at least five colons (the first five components
/// are then colon-free by construction). What the evaluator asks of every value an ARN
/// operator reads, without building the glob.
pub fn is_arn_shaped(v: &str) -> bool {
    v.bytes().filter(|&b| b == b':').nth(4).is_some()
}

/// The policy types of §5.2, each with its own element rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyKind {
    Identity,
    Resource,
    Boundary,
    Session,
    Scp,
    Rcp,
}

impl PolicyKind {
    pub fn name(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity-based policy",
            PolicyKind::Resource => "resource-based policy",
            PolicyKind::Boundary => "permissions boundary",
            PolicyKind::Session => "session policy",
            PolicyKind::Scp => "service control policy",
            PolicyKind::Rcp => "resource control policy",
        }
    }

    /// The short, stable name used on the command line and in JSON output.
    pub fn short_name(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Resource => "resource",
            PolicyKind::Boundary => "boundary",
            PolicyKind::Session => "session",
            PolicyKind::Scp => "scp",
            PolicyKind::Rcp => "rcp",
        }
    }

    /// The type a policy most likely is when none is given: resource-based when a statement
    /// names a principal (as in `aws lambda get-policy` output), identity-based otherwise.
    pub fn detect(policy: &Policy) -> PolicyKind {
        if policy.statements.iter().any(|s| s.principal.is_some()) {
            PolicyKind::Resource
        } else {
            PolicyKind::Identity
        }
    }
}
