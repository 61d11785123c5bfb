//! Policy text → [`Policy`] plus diagnostics.
//!
//! The parser reports as many problems as it can in one pass and returns a policy only when
//! there is no error, so nothing downstream ever sees a half-understood policy. It accepts the
//! wrappers users have on disk: `aws iam get-policy-version` output
//! (`{"PolicyVersion": {"Document": {...}}}`), `aws lambda get-policy` output
//! (`{"Policy": "<policy as a JSON string>"}`) and `aws iam get-role` output (its
//! `AssumeRolePolicyDocument`), with spans still pointing into the file.
//!
//! Section numbers (§) refer to `docs/semantics.md`, the IAM and Lambda semantics airtight
//! implements.

use crate::arn::Arn;
use crate::condition::{
    parse_bool, parse_date, BaseOp, Cidr, CondValue, ConditionOp, Decimal, Family, NumberError,
    OpError,
};
use crate::diagnostic::Diagnostic;
use crate::glob::Glob;
use crate::json::{self, Json, JsonKind, Member};
use crate::policy::*;
use crate::span::{FileId, Span, Spanned};
use crate::template::{Template, TemplateSyntax};
use base64::Engine as _;

/// The result of reading one policy file.
#[derive(Debug, Clone)]
pub struct ParsedPolicy {
    /// Present when there is no error-level diagnostic.
    pub policy: Option<Policy>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses the text of a policy file.
pub fn parse_policy(src: &str, file: FileId) -> ParsedPolicy {
    let mut p = Parser {
        file,
        diags: Vec::new(),
    };
    let policy = match json::parse(src, file) {
        Ok(value) => {
            p.diags.extend(json::duplicate_keys(&value));
            p.unwrap_and_read(&value)
        }
        Err(d) => {
            p.diags.push(d);
            None
        }
    };
    let has_error = p.diags.iter().any(Diagnostic::is_error);
    ParsedPolicy {
        policy: if has_error { None } else { policy },
        diagnostics: p.diags,
    }
}

/// Parses a policy from an already-read JSON value (for documents embedded in other files,
/// such as the managed-policy history).
pub fn parse_policy_json(value: &Json, file: FileId) -> ParsedPolicy {
    let mut p = Parser {
        file,
        diags: json::duplicate_keys(value),
    };
    let policy = p.unwrap_and_read(value);
    let has_error = p.diags.iter().any(Diagnostic::is_error);
    ParsedPolicy {
        policy: if has_error { None } else { policy },
        diagnostics: p.diags,
    }
}

/// A policy read as a policy of one type: the parsed policy, the type it was checked as, and
/// every diagnostic of both steps.
#[derive(Debug, Clone)]
pub struct TypedPolicy {
    /// Present when the text parsed, even if the element rules of `kind` found errors (a
    /// linter still looks at it); [`TypedPolicy::usable`] is the policy to analyse.
    pub policy: Option<Policy>,
    /// The type the policy was checked as: the one asked for, or the one it looks like
    /// ([`PolicyKind::detect`]); `None` when the text did not parse.
    pub kind: Option<PolicyKind>,
    pub diagnostics: Vec<Diagnostic>,
}

impl TypedPolicy {
    /// Whether parsing or the element rules found an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The policy, when neither parsing nor the element rules found an error.
    pub fn usable(&self) -> Option<&Policy> {
        self.policy.as_ref().filter(|_| !self.has_errors())
    }
}

/// Parses the text of a policy file and applies the element rules of `kind`, or of the type
/// the policy looks like when `kind` is `None`. This is the one way every command reads a
/// policy.
pub fn parse_policy_as(src: &str, file: FileId, kind: Option<PolicyKind>) -> TypedPolicy {
    let parsed = parse_policy(src, file);
    let mut diagnostics = parsed.diagnostics;
    let kind = parsed
        .policy
        .as_ref()
        .map(|policy| kind.unwrap_or_else(|| PolicyKind::detect(policy)));
    if let (Some(policy), Some(kind)) = (&parsed.policy, kind) {
        diagnostics.extend(check_kind(policy, kind));
    }
    TypedPolicy {
        policy: parsed.policy,
        kind,
        diagnostics,
    }
}

/// Kind-specific element rules (§1.11): which elements a policy of `kind` may or must have.
pub fn check_kind(policy: &Policy, kind: PolicyKind) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in &policy.statements {
        let forbids_principal = matches!(
            kind,
            PolicyKind::Identity | PolicyKind::Boundary | PolicyKind::Session | PolicyKind::Scp
        );
        match (&s.principal, kind) {
            (Some(p), _) if forbids_principal => out.push(
                Diagnostic::error("principal-not-allowed", format!("a {} cannot name a principal", kind.name()), p.span)
                    .with_label("remove this element")
                    .with_note("`Principal` and `NotPrincipal` belong in resource-based policies; in identity policies the principal is whoever the policy is attached to"),
            ),
            (None, PolicyKind::Resource) => out.push(
                Diagnostic::error("missing-principal", "a resource-based policy statement needs `Principal`", s.span).with_label("this statement names no principal"),
            ),
            (Some(p), PolicyKind::Rcp) if p.negated => out.push(Diagnostic::error("not-principal-in-rcp", "resource control policies do not support `NotPrincipal`", p.span)),
            _ => {}
        }
        if s.resource.is_none() && kind != PolicyKind::Resource {
            out.push(
                Diagnostic::error(
                    "missing-resource",
                    "statement has neither `Resource` nor `NotResource`",
                    s.span,
                )
                .with_label("add `Resource`"),
            );
        }
        if kind == PolicyKind::Rcp && s.action.negated {
            out.push(Diagnostic::error(
                "not-action-in-rcp",
                "resource control policies do not support `NotAction`",
                s.action.span,
            ));
        }
    }
    out
}

struct Parser {
    file: FileId,
    diags: Vec<Diagnostic>,
}

const TOP_KEYS: [&str; 3] = ["Version", "Id", "Statement"];
const STATEMENT_KEYS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

impl Parser {
    fn err(
        &mut self,
        code: &'static str,
        message: impl Into<String>,
        span: Span,
    ) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(code, message, span));
        let i = self.diags.len() - 1;
        &mut self.diags[i]
    }

    fn unwrap_and_read(&mut self, value: &Json) -> Option<Policy> {
        let JsonKind::Object(members) = &value.kind else {
            self.err(
                "not-a-policy",
                format!("expected a policy object, found {}", describe(value)),
                value.span,
            );
            return None;
        };
        if find(members, "Statement").is_none() {
            if let Some(pv) = find(members, "PolicyVersion") {
                let doc = match &pv.value.kind {
                    JsonKind::Object(inner) => find(inner, "Document"),
                    _ => None,
                };
                return match doc {
                    Some(doc) => self.read_document(&doc.value),
                    None => {
                        self.err(
                            "not-a-policy",
                            "`PolicyVersion` has no `Document`",
                            pv.key_span,
                        );
                        None
                    }
                };
            }
            if let Some(policy) = find(members, "Policy") {
                return self.read_document(&policy.value);
            }
            // `aws iam get-role` output: the role's trust policy.
            if let Some(role) = find(members, "Role") {
                if let JsonKind::Object(inner) = &role.value.kind {
                    if let Some(doc) = find(inner, "AssumeRolePolicyDocument") {
                        return self.read_document(&doc.value);
                    }
                }
            }
        }
        self.read_policy(value)
    }

    /// A policy document given as an object or as a JSON string holding one.
    fn read_document(&mut self, value: &Json) -> Option<Policy> {
        match &value.kind {
            JsonKind::String(s) => match json::parse_embedded(s, self.file) {
                Ok(inner) => {
                    self.diags.extend(json::duplicate_keys(&inner));
                    self.read_policy(&inner)
                }
                Err(d) => {
                    self.diags
                        .push(d.with_note("this policy is embedded as a JSON string"));
                    None
                }
            },
            _ => self.read_policy(value),
        }
    }

    fn read_policy(&mut self, value: &Json) -> Option<Policy> {
        let JsonKind::Object(members) = &value.kind else {
            self.err(
                "not-a-policy",
                format!("expected a policy object, found {}", describe(value)),
                value.span,
            );
            return None;
        };
        self.unknown_keys(members, &TOP_KEYS, "policy");
        let mut version = Version::Missing;
        let mut version_span = None;
        if let Some(m) = find(members, "Version") {
            version_span = Some(m.value.span);
            match self.string(&m.value, "Version").as_deref() {
                Some("2012-10-17") => version = Version::V2012_10_17,
                Some("2008-10-17") => version = Version::V2008_10_17,
                Some(other) => {
                    self.err("invalid-version", format!("invalid policy version `{other}`"), m.value.span)
                        .with_label_mut("not a policy language version")
                        .notes
                        .push("the only versions are `2012-10-17` (current) and `2008-10-17` (legacy); this is not a date of your choosing".into());
                }
                None => {}
            }
        }
        let id = find(members, "Id").and_then(|m| {
            self.string(&m.value, "Id")
                .map(|s| Spanned::new(s, m.value.span))
        });
        let mut statements = Vec::new();
        match find(members, "Statement") {
            None => {
                self.err("missing-statement", "policy has no `Statement`", value.span)
                    .with_label_mut("add a `Statement` list");
            }
            Some(m) => match &m.value.kind {
                JsonKind::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if let Some(s) = self.read_statement(item, i, version) {
                            statements.push(s);
                        }
                    }
                }
                JsonKind::Object(_) => {
                    if let Some(s) = self.read_statement(&m.value, 0, version) {
                        statements.push(s);
                    }
                }
                _ => {
                    self.err(
                        "wrong-type",
                        format!(
                            "`Statement` must be an object or a list of objects, found {}",
                            describe(&m.value)
                        ),
                        m.value.span,
                    );
                }
            },
        }
        if version != Version::V2012_10_17 {
            self.literal_variable_warning(&statements, version, version_span.unwrap_or(value.span));
        }
        Some(Policy {
            file: self.file,
            version,
            version_span,
            id,
            statements,
            span: value.span,
        })
    }

    fn literal_variable_warning(&mut self, statements: &[Statement], version: Version, span: Span) {
        let uses = statements.iter().any(|s| {
            s.resource.as_ref().is_some_and(|r| {
                r.entries
                    .iter()
                    .any(|e| e.value.template.to_string().contains("${"))
            }) || s.conditions.iter().any(|c| {
                c.matchers
                    .iter()
                    .any(|m| m.template.to_string().contains("${"))
            })
        });
        if uses {
            let why = match version {
                Version::Missing => "the policy has no `Version`",
                _ => "the policy's `Version` is `2008-10-17`",
            };
            self.diags.push(
                Diagnostic::warning(
                    "literal-policy-variable",
                    format!("{why}, so `${{...}}` is literal text, not a policy variable"),
                    span,
                )
                .with_note("add `\"Version\": \"2012-10-17\"` to use policy variables"),
            );
        }
    }

    fn read_statement(
        &mut self,
        value: &Json,
        index: usize,
        version: Version,
    ) -> Option<Statement> {
        let JsonKind::Object(members) = &value.kind else {
            self.err(
                "wrong-type",
                format!("a statement must be an object, found {}", describe(value)),
                value.span,
            );
            return None;
        };
        let before = self.diags.iter().filter(|d| d.is_error()).count();
        self.unknown_keys(members, &STATEMENT_KEYS, "statement");
        let sid = find(members, "Sid").and_then(|m| {
            self.string(&m.value, "Sid")
                .map(|s| Spanned::new(s, m.value.span))
        });
        let effect = match find(members, "Effect") {
            None => {
                self.err("missing-effect", "statement has no `Effect`", value.span)
                    .with_label_mut("add `\"Effect\": \"Allow\"` or `\"Deny\"`");
                None
            }
            Some(m) => match self.string(&m.value, "Effect").as_deref() {
                Some("Allow") => Some(Spanned::new(Effect::Allow, m.value.span)),
                Some("Deny") => Some(Spanned::new(Effect::Deny, m.value.span)),
                Some(other) => {
                    let d = self
                        .err(
                            "invalid-effect",
                            format!("invalid effect `{other}`"),
                            m.value.span,
                        )
                        .with_label_mut("must be `Allow` or `Deny`");
                    if other.eq_ignore_ascii_case("allow") || other.eq_ignore_ascii_case("deny") {
                        d.notes.push("`Effect` is case-sensitive".into());
                    }
                    None
                }
                None => None,
            },
        };
        let principal = self
            .pair(members, "Principal", "NotPrincipal")
            .and_then(|(m, negated)| self.read_principal(m, negated));
        let action = match self.pair(members, "Action", "NotAction") {
            Some((m, negated)) => self.read_actions(m, negated),
            None => {
                self.err(
                    "missing-action",
                    "statement has neither `Action` nor `NotAction`",
                    value.span,
                )
                .with_label_mut("add `Action`");
                None
            }
        };
        let resource = match self.pair(members, "Resource", "NotResource") {
            Some((m, negated)) => self.read_resources(m, negated, version),
            None => {
                if principal.is_none() {
                    self.err(
                        "missing-resource",
                        "statement has neither `Resource` nor `NotResource`",
                        value.span,
                    )
                    .with_label_mut("add `Resource`");
                }
                None
            }
        };
        let conditions = find(members, "Condition")
            .map(|m| self.read_conditions(&m.value, version))
            .unwrap_or_default();
        let after = self.diags.iter().filter(|d| d.is_error()).count();
        if after > before {
            return None;
        }
        Some(Statement {
            index,
            sid,
            effect: effect?,
            principal,
            action: action?,
            resource,
            conditions,
            span: value.span,
        })
    }

    /// Finds `Name` or `NotName`; both present is an error.
    fn pair<'a>(
        &mut self,
        members: &'a [Member],
        name: &str,
        not_name: &str,
    ) -> Option<(&'a Member, bool)> {
        match (find(members, name), find(members, not_name)) {
            (Some(a), Some(b)) => {
                self.diags.push(
                    Diagnostic::error(
                        "conflicting-elements",
                        format!("a statement cannot have both `{name}` and `{not_name}`"),
                        b.key_span,
                    )
                    .with_secondary(a.key_span, format!("`{name}` is here")),
                );
                None
            }
            (Some(a), None) => Some((a, false)),
            (None, Some(b)) => Some((b, true)),
            (None, None) => None,
        }
    }

    fn read_principal(&mut self, m: &Member, negated: bool) -> Option<PrincipalBlock> {
        let mut entries = Vec::new();
        match &m.value.kind {
            JsonKind::String(s) if s.text == "*" => {
                entries.push(Spanned::new(PrincipalEntry::Everyone, m.value.span))
            }
            JsonKind::Object(kinds) => {
                for k in kinds {
                    for (text, span) in self.string_list(&k.value, &k.key) {
                        let entry = match k.key.as_str() {
                            "AWS" => self.aws_principal(&text, span),
                            "Service" => Some(PrincipalEntry::Service(text)),
                            "Federated" => Some(PrincipalEntry::Federated(text)),
                            "CanonicalUser" => Some(PrincipalEntry::CanonicalUser(text)),
                            _ => None,
                        };
                        if let Some(e) = entry {
                            entries.push(Spanned::new(e, span));
                        }
                    }
                    if !matches!(
                        k.key.as_str(),
                        "AWS" | "Service" | "Federated" | "CanonicalUser"
                    ) {
                        self.err(
                            "unknown-principal-type",
                            format!("unknown principal type `{}`", k.key),
                            k.key_span,
                        )
                        .with_label_mut(
                            "expected `AWS`, `Service`, `Federated` or `CanonicalUser`",
                        );
                    }
                }
            }
            _ => {
                self.err(
                    "wrong-type",
                    format!(
                        "`{}` must be `\"*\"` or an object such as {{\"AWS\": ...}}, found {}",
                        m.key,
                        describe(&m.value)
                    ),
                    m.value.span,
                );
                return None;
            }
        }
        Some(PrincipalBlock {
            negated,
            entries,
            span: m.value.span.to(m.key_span),
        })
    }

    fn aws_principal(&mut self, text: &str, span: Span) -> Option<PrincipalEntry> {
        if text == "*" {
            return Some(PrincipalEntry::Everyone);
        }
        if text.len() == 12 && text.chars().all(|c| c.is_ascii_digit()) {
            return Some(PrincipalEntry::Account(text.to_string()));
        }
        if let Some(arn) = Arn::parse(text) {
            if text.contains('*') || text.contains('?') {
                self.err("wildcard-principal", format!("principal `{text}` has a partial wildcard"), span)
                    .with_label_mut("`*` is only valid as the whole principal")
                    .notes
                    .push("to match many principals use `\"Principal\": \"*\"` with an `ArnLike` condition on `aws:PrincipalArn`".into());
                return None;
            }
            if arn.service == "iam" && arn.resource == "root" {
                return Some(PrincipalEntry::Account(arn.account.to_string()));
            }
            return Some(PrincipalEntry::Arn(text.to_string()));
        }
        // Unique ids (AROA…, AIDA…) appear when a named role or user was deleted.
        Some(PrincipalEntry::Arn(text.to_string()))
    }

    fn read_actions(&mut self, m: &Member, negated: bool) -> Option<ActionBlock> {
        let mut entries = Vec::new();
        for (text, span) in self.string_list(&m.value, &m.key) {
            if text != "*" && !text.contains(':') {
                // IAM rejects such a document; the entry can match no action, so the rest of the
                // policy is still analysed.
                self.diags.push(
                    Diagnostic::warning("invalid-action", format!("invalid action `{text}`"), span)
                        .with_label("expected `service:Action` or `*`")
                        .with_note("IAM rejects this policy; airtight treats the entry as matching no action"),
                );
            }
            if let Some((prefix, _)) = text.split_once(':') {
                if prefix.contains(['*', '?']) {
                    self.diags.push(Diagnostic::warning("wildcard-service-prefix", format!("wildcard in the service prefix of `{text}`"), span)
                        .with_note("wildcards in the service prefix are not documented by AWS; airtight treats the entry as a pattern over the whole action"));
                }
            }
            entries.push(Spanned::new(Glob::wildcard(&text, true), span));
        }
        Some(ActionBlock {
            negated,
            entries,
            span: m.value.span.to(m.key_span),
        })
    }

    fn read_resources(
        &mut self,
        m: &Member,
        negated: bool,
        version: Version,
    ) -> Option<ResourceBlock> {
        let mut entries = Vec::new();
        for (text, span) in self.string_list(&m.value, &m.key) {
            let template = if text == "*" {
                Template::parse(
                    "*",
                    TemplateSyntax {
                        wildcards: true,
                        variables: false,
                    },
                    false,
                )
            } else if text.starts_with("arn:") {
                let (t, short) = arn_template(&text, version.has_variables());
                if short {
                    self.diags.push(
                        Diagnostic::warning(
                            "short-arn",
                            format!("`{text}` has fewer than six colon-separated components"),
                            span,
                        )
                        .with_note("airtight pads the missing components with `*`"),
                    );
                }
                t
            } else {
                self.diags.push(
                    Diagnostic::warning(
                        "not-an-arn",
                        format!("resource `{text}` is not an ARN"),
                        span,
                    )
                    .with_note("airtight matches it as a wildcard pattern over the whole resource"),
                );
                Template::parse(
                    &text,
                    TemplateSyntax {
                        wildcards: true,
                        variables: version.has_variables(),
                    },
                    false,
                )
            };
            entries.push(Spanned::new(Matcher::new(template), span));
        }
        Some(ResourceBlock {
            negated,
            entries,
            span: m.value.span.to(m.key_span),
        })
    }

    fn read_conditions(&mut self, value: &Json, version: Version) -> Vec<Condition> {
        let JsonKind::Object(ops) = &value.kind else {
            self.err(
                "wrong-type",
                format!("`Condition` must be an object, found {}", describe(value)),
                value.span,
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for op_member in ops {
            let op = match ConditionOp::parse(&op_member.key) {
                Ok(op) => op,
                Err(OpError::NullIfExists) => {
                    self.err(
                        "unknown-operator",
                        "`Null` cannot take `IfExists`",
                        op_member.key_span,
                    )
                    .with_label_mut("`Null` already tests whether the key exists");
                    continue;
                }
                Err(OpError::Unknown) => {
                    let d = self.err(
                        "unknown-operator",
                        format!("unknown condition operator `{}`", op_member.key),
                        op_member.key_span,
                    );
                    match ConditionOp::suggest(&op_member.key) {
                        Some(s) => d.notes.push(format!("did you mean `{s}`? operator names are case-sensitive")),
                        None => d.notes.push("see the IAM condition operators: String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn*, Null, with optional `IfExists` and `ForAllValues:`/`ForAnyValue:`".into()),
                    }
                    continue;
                }
            };
            let JsonKind::Object(keys) = &op_member.value.kind else {
                self.err(
                    "wrong-type",
                    format!(
                        "the body of `{}` must be an object of condition keys, found {}",
                        op_member.key,
                        describe(&op_member.value)
                    ),
                    op_member.value.span,
                );
                continue;
            };
            for k in keys {
                if k.key.is_empty() {
                    self.err("invalid-condition-key", "empty condition key", k.key_span);
                    continue;
                }
                let key = ConditionKey::new(&k.key, k.key_span);
                let mut values = Vec::new();
                let mut matchers = Vec::new();
                for (text, span) in self.scalar_list(&k.value, &k.key) {
                    if let Some(v) = self.condition_value(op, &text, span, version) {
                        if let CondValue::Pattern(t) = &v {
                            matchers.push(Matcher::new(t.clone()));
                        }
                        values.push(Spanned::new(v, span));
                    }
                }
                out.push(Condition {
                    op,
                    op_span: op_member.key_span,
                    key,
                    values,
                    matchers,
                    span: k.key_span.to(k.value.span),
                });
            }
        }
        out
    }

    fn condition_value(
        &mut self,
        op: ConditionOp,
        text: &str,
        span: Span,
        version: Version,
    ) -> Option<CondValue> {
        let variables = version.has_variables() && op.base.supports_variables();
        let bad = |p: &mut Parser, what: &str, expected: &str| {
            p.err(
                "malformed-value",
                format!("malformed {what} `{text}` for `{}`", op.name()),
                span,
            )
            .with_label_mut(expected);
            None
        };
        match op.base.family() {
            Family::String => Some(CondValue::Pattern(Template::parse(
                text,
                TemplateSyntax {
                    wildcards: op.base.honours_wildcards(),
                    variables,
                },
                op.base.is_case_insensitive(),
            ))),
            Family::Arn => {
                if text == "*" {
                    return Some(CondValue::Pattern(arn_template("*:*:*:*:*:*", false).0));
                }
                let (t, short) = arn_template(text, variables);
                if short && !(variables && text.starts_with("${")) {
                    return bad(
                        self,
                        "ARN",
                        "expected `arn:partition:service:region:account:resource`",
                    );
                }
                if short {
                    // A whole-value variable such as `${aws:SourceArn}`: compare as a string.
                    return Some(CondValue::Pattern(Template::parse(
                        text,
                        TemplateSyntax {
                            wildcards: true,
                            variables,
                        },
                        false,
                    )));
                }
                Some(CondValue::Pattern(t))
            }
            Family::Numeric => match Decimal::parse(text) {
                Ok(d) => Some(CondValue::Number(d)),
                Err(NumberError::Malformed) => {
                    bad(self, "number", "expected an integer or decimal number")
                }
                Err(e @ NumberError::OutOfRange) => {
                    self.err(
                        "malformed-value",
                        format!("number `{text}` is out of range for `{}`", op.name()),
                        span,
                    )
                    .with_label_mut(&e.to_string())
                    .notes
                    .push("AWS documents no range for numeric values; airtight reads any number of digits exactly, with the first significant digit at most 2147483647 places either side of the decimal point (see docs/encoding.md, \"Numbers\")".into());
                    None
                }
            },
            Family::Date => match parse_date(text) {
                Some(d) => Some(CondValue::Date(d)),
                None => bad(
                    self,
                    "date",
                    "expected an ISO 8601 date such as `2026-01-31T00:00:00Z`, or epoch seconds",
                ),
            },
            Family::Bool => match parse_bool(text) {
                Some(b) => Some(CondValue::Bool(b)),
                None => bad(self, "boolean", "expected `true` or `false`"),
            },
            Family::Null => match parse_bool(text) {
                Some(b) => Some(CondValue::Null(b)),
                None => bad(
                    self,
                    "value",
                    "`Null` takes `true` (key absent) or `false` (key present)",
                ),
            },
            Family::Binary => match base64::engine::general_purpose::STANDARD.decode(text) {
                Ok(bytes) => Some(CondValue::Binary(bytes)),
                Err(_) => bad(self, "base64 value", "expected base64-encoded bytes"),
            },
            Family::Ip => match Cidr::parse(text) {
                Some(c) => Some(CondValue::Ip(c)),
                None => bad(
                    self,
                    "IP address or CIDR",
                    "expected e.g. `203.0.113.0/24` or `2001:db8::/32`",
                ),
            },
        }
    }

    fn unknown_keys(&mut self, members: &[Member], known: &[&str], what: &str) {
        for m in members {
            if known.contains(&m.key.as_str()) {
                continue;
            }
            let d = self.err(
                "unknown-element",
                format!("unknown {what} element `{}`", m.key),
                m.key_span,
            );
            // The closest name by edit distance (at most a third of the name away).
            let close = known
                .iter()
                .map(|k| (edit_distance(k, &m.key), k))
                .filter(|(d, _)| *d <= (m.key.chars().count() / 3).max(1))
                .min_by_key(|(d, _)| *d);
            match known.iter().find(|k| k.eq_ignore_ascii_case(&m.key)) {
                Some(k) => d.notes.push(format!(
                    "did you mean `{k}`? element names are case-sensitive"
                )),
                None if close.is_some() => {
                    let k = close.map_or("", |(_, k)| k);
                    d.notes.push(format!("did you mean `{k}`?"));
                }
                None => d.notes.push(format!(
                    "a {what} may contain {}",
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
    }

    fn string(&mut self, value: &Json, what: &str) -> Option<String> {
        match &value.kind {
            JsonKind::String(s) => Some(s.text.clone()),
            _ => {
                self.err(
                    "wrong-type",
                    format!("`{what}` must be a string, found {}", describe(value)),
                    value.span,
                );
                None
            }
        }
    }

    /// A string or a list of strings.
    fn string_list(&mut self, value: &Json, what: &str) -> Vec<(String, Span)> {
        match &value.kind {
            JsonKind::String(s) => vec![(s.text.clone(), value.span)],
            JsonKind::Array(items) => {
                if items.is_empty() {
                    self.diags.push(
                        Diagnostic::warning(
                            "empty-list",
                            format!("`{what}` is an empty list"),
                            value.span,
                        )
                        .with_note("an empty list matches nothing"),
                    );
                }
                items
                    .iter()
                    .filter_map(|i| self.string(i, what).map(|s| (s, i.span)))
                    .collect()
            }
            _ => {
                self.err(
                    "wrong-type",
                    format!(
                        "`{what}` must be a string or a list of strings, found {}",
                        describe(value)
                    ),
                    value.span,
                );
                Vec::new()
            }
        }
    }

    /// Condition values: strings, numbers or booleans (canonicalised to strings), or a list.
    fn scalar_list(&mut self, value: &Json, what: &str) -> Vec<(String, Span)> {
        let scalar = |p: &mut Parser, v: &Json| match &v.kind {
            JsonKind::String(s) => Some(s.text.clone()),
            JsonKind::Number(n) => Some(n.clone()),
            JsonKind::Bool(b) => Some(b.to_string()),
            _ => {
                p.err(
                    "wrong-type",
                    format!(
                        "values of `{what}` must be strings, numbers or booleans, found {}",
                        describe(v)
                    ),
                    v.span,
                );
                None
            }
        };
        match &value.kind {
            JsonKind::Array(items) => items
                .iter()
                .filter_map(|i| scalar(self, i).map(|s| (s, i.span)))
                .collect(),
            _ => scalar(self, value)
                .map(|s| vec![(s, value.span)])
                .unwrap_or_default(),
        }
    }
}

trait LabelMut {
    fn with_label_mut(&mut self, message: &str) -> &mut Self;
}

impl LabelMut for Diagnostic {
    fn with_label_mut(&mut self, message: &str) -> &mut Diagnostic {
        if let Some(l) = self.labels.iter_mut().find(|l| l.primary) {
            l.message = message.to_string();
        }
        self
    }
}

/// The Levenshtein distance between two element names, ignoring ASCII case.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().map(|c| c.to_ascii_lowercase()).enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

fn find<'a>(members: &'a [Member], key: &str) -> Option<&'a Member> {
    members.iter().find(|m| m.key == key)
}

fn describe(value: &Json) -> &'static str {
    match value.kind {
        JsonKind::Null => "`null`",
        JsonKind::Bool(_) => "a boolean",
        JsonKind::Number(_) => "a number",
        JsonKind::String(_) => "a string",
        JsonKind::Array(_) => "a list",
        JsonKind::Object(_) => "an object",
    }
}

/// Convenience for tests and callers that need a single base operator's family.
pub fn family_of(op: BaseOp) -> Family {
    op.family()
}
