//! Why each statement does or does not apply to a request, in the evaluator's own terms: the
//! explanations of `simulate --explain` and of every example airtight shows.
//!
//! [`trace`] walks every statement of a policy set and records, for each, whether its action,
//! resource and principal match and each condition's key, operator, the request's value and
//! outcome — using the evaluator's own matching functions, so an explanation can never disagree
//! with a decision. [`explain`] turns a trace into sentences for one decided request: what
//! granted it and why each Deny that names its action did not apply (or, for a denied request,
//! what each Allow that names its action missed).

use crate::condition::CondValue;
use crate::eval::{
    condition_holds, evaluate, matcher_matches, principal_applies, Decision, Evaluation, PolicySet,
    StatementRef,
};
use crate::policy::{Effect, Policy, PolicyKind, PrincipalEntry, Statement};
use crate::request::{ContextValue, PrincipalKind, Request};
use crate::span::Span;

/// One condition of a statement, tested against the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionTrace {
    /// The operator as written (`StringNotEqualsIfExists`).
    pub op: String,
    /// The key as written (`aws:SourceVpc`).
    pub key: String,
    /// The request's value, when the key is present.
    pub request: Option<String>,
    /// The policy's values, as written.
    pub values: Vec<String>,
    pub holds: bool,
    pub span: Span,
}

/// Why a statement does not apply: the first part that does not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Miss {
    Action,
    Resource,
    Principal,
    Condition(usize),
}

/// One statement, tested against the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementTrace {
    pub at: StatementRef,
    /// The statement's Action/NotAction matches the request's action.
    pub action: bool,
    pub resource: bool,
    /// `None` when the statement has no principal to match (identity-side policies, SCPs).
    pub principal: Option<bool>,
    pub conditions: Vec<ConditionTrace>,
    /// The statement's resource patterns as written, for "does not match" sentences.
    pub resources_written: Vec<String>,
    pub principals_written: Vec<String>,
}

impl StatementTrace {
    /// Every part matches.
    pub fn applies(&self) -> bool {
        self.miss().is_none()
    }

    /// The first part that does not match, in the order AWS documents them.
    pub fn miss(&self) -> Option<Miss> {
        if !self.action {
            return Some(Miss::Action);
        }
        if !self.resource {
            return Some(Miss::Resource);
        }
        if self.principal == Some(false) {
            return Some(Miss::Principal);
        }
        self.conditions
            .iter()
            .position(|c| !c.holds)
            .map(Miss::Condition)
    }
}

/// Every statement of every policy in `set`, tested against `request`.
pub fn trace(set: &PolicySet, request: &Request) -> Vec<StatementTrace> {
    set.policies()
        .flat_map(|(kind, p)| {
            p.statements
                .iter()
                .map(move |s| statement(kind, p, s, request))
        })
        .collect()
}

fn statement(kind: PolicyKind, p: &Policy, s: &Statement, request: &Request) -> StatementTrace {
    let action_hit = s
        .action
        .entries
        .iter()
        .any(|g| g.value.matches(&request.action));
    let resource = match &s.resource {
        None => true,
        Some(r) => {
            r.entries
                .iter()
                .any(|m| matcher_matches(&m.value, &request.resource, request))
                != r.negated
        }
    };
    let principal = match (&s.principal, kind) {
        (Some(b), PolicyKind::Resource | PolicyKind::Rcp) => Some(principal_applies(b, request)),
        _ => None,
    };
    StatementTrace {
        at: StatementRef {
            kind,
            file: p.file,
            label: s.label(),
            index: s.index,
            effect: s.effect.value,
            span: s.span,
        },
        action: action_hit != s.action.negated,
        resource,
        principal,
        conditions: s
            .conditions
            .iter()
            .map(|c| ConditionTrace {
                op: c.op.name(),
                key: c.key.written.clone(),
                request: request.value(&c.key.name).map(|v| match v.as_ref() {
                    ContextValue::Single(x) => x.clone(),
                    ContextValue::Multi(xs) => format!("[{}]", xs.join(", ")),
                }),
                values: c.values.iter().map(|v| written(&v.value)).collect(),
                holds: condition_holds(c, request),
                span: c.span,
            })
            .collect(),
        resources_written: s
            .resource
            .iter()
            .flat_map(|r| r.entries.iter().map(|m| m.value.template.to_string()))
            .collect(),
        principals_written: s
            .principal
            .iter()
            .flat_map(|b| {
                b.entries.iter().map(|e| match &e.value {
                    PrincipalEntry::Everyone => "*".to_string(),
                    PrincipalEntry::Account(a) => a.clone(),
                    PrincipalEntry::Arn(x)
                    | PrincipalEntry::Service(x)
                    | PrincipalEntry::Federated(x)
                    | PrincipalEntry::CanonicalUser(x) => x.clone(),
                })
            })
            .collect(),
    }
}

fn written(v: &CondValue) -> String {
    match v {
        CondValue::Pattern(t) => t.to_string(),
        CondValue::Number(d) => d.to_string(),
        CondValue::Date(ms) => crate::condition::format_date(*ms),
        CondValue::Bool(b) => b.to_string(),
        CondValue::Binary(_) => "(binary)".into(),
        CondValue::Ip(c) => format!(
            "{}/{}",
            crate::condition::format_ip(c.v6, c.network),
            c.prefix
        ),
        CondValue::Null(b) => b.to_string(),
    }
}

/// `S`, `#2` or the statement's label in backticks, with its policy type.
fn name(at: &StatementRef) -> String {
    let effect = match at.effect {
        Effect::Allow => "Allow",
        Effect::Deny => "Deny",
    };
    format!("{effect} `{}` ({})", at.label, at.kind.name())
}

/// Why `t` does not apply, in one clause.
pub fn why_not(t: &StatementTrace, request: &Request) -> String {
    match t.miss() {
        None => "it applies".into(),
        Some(Miss::Action) => format!("its actions do not include `{}`", request.action),
        Some(Miss::Resource) => format!(
            "resource `{}` does not match {}",
            request.resource,
            list(&t.resources_written)
        ),
        Some(Miss::Principal) => format!(
            "the caller `{}` is not {}",
            request.principal,
            list(&t.principals_written)
        ),
        Some(Miss::Condition(i)) => {
            let c = &t.conditions[i];
            match &c.request {
                Some(v) => format!(
                    "`{} {}` is false: `{}` = `{v}`, not {}",
                    c.op,
                    c.key,
                    c.key,
                    list(&c.values)
                ),
                None => format!(
                    "`{} {}` is false: the request has no `{}`",
                    c.op, c.key, c.key
                ),
            }
        }
    }
}

fn list(items: &[String]) -> String {
    match items {
        [] => "anything".into(),
        [one] => format!("`{one}`"),
        many => many
            .iter()
            .map(|x| format!("`{x}`"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The sentences that explain the decision of `request`: what granted it and why each Deny
/// naming its action did not apply (an allow); the statements that denied it (an explicit
/// deny); and what each Allow naming its action missed (an implicit deny). Facts about the
/// caller that change which policies apply come first.
pub fn explain(set: &PolicySet, request: &Request) -> Vec<String> {
    let evaluation: Evaluation = evaluate(set, request);
    let mut out = Vec::new();
    let kind = request.kind();
    let caller = kind.account();
    let home = set.home_account(request, caller);
    match &kind {
        PrincipalKind::AccountRoot { account } if home == Some(account.as_str()) => out.push(
            "the caller is the account root user: no identity-based policy or permissions boundary binds it".into(),
        ),
        k if caller.is_some() && home != caller => out.push(format!(
            "the caller's account `{}` is not described by the policies given: its own identity-based policies decide its side, and may allow anything",
            k.account().unwrap_or_default()
        )),
        _ => {}
    }
    let traces = trace(set, request);
    let described_identity = |t: &StatementTrace| {
        !matches!(
            t.at.kind,
            PolicyKind::Identity | PolicyKind::Boundary | PolicyKind::Session
        ) || (caller.is_some()
            && home == caller
            && !matches!(kind, PrincipalKind::AccountRoot { .. }))
    };
    match evaluation.decision {
        Decision::Allow => {
            for d in &evaluation.deciding {
                out.push(format!("{} grants it", name(d)));
            }
            for t in traces.iter().filter(|t| {
                t.at.effect == Effect::Deny && t.action && !t.applies() && described_identity(t)
            }) {
                out.push(format!(
                    "{} does not apply: {}",
                    name(&t.at),
                    why_not(t, request)
                ));
            }
        }
        Decision::ExplicitDeny => {
            for d in &evaluation.deciding {
                out.push(format!("{} denies it", name(d)));
            }
        }
        Decision::ImplicitDeny => {
            out.push(evaluation.reason.clone());
            for t in traces.iter().filter(|t| {
                t.at.effect == Effect::Allow && t.action && !t.applies() && described_identity(t)
            }) {
                out.push(format!(
                    "{} does not apply: {}",
                    name(&t.at),
                    why_not(t, request)
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_policy;
    use crate::span::FileId;

    fn policy(statements: &str) -> Policy {
        let text = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
        parse_policy(&text, FileId(0)).policy.expect("parses")
    }

    const F: &str = "arn:aws:lambda:us-east-1:111122223333:function:f";

    #[test]
    fn an_allow_names_its_grant_and_each_deny_that_missed() {
        let set = PolicySet {
            identity: vec![policy(
                r#"{"Sid":"All","Effect":"Allow","Action":"lambda:*","Resource":"*"},
                   {"Sid":"DenyAlias","Effect":"Deny","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:function:f:prod"},
                   {"Sid":"DenyOutsideVpc","Effect":"Deny","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpc":"vpc-1"}}}"#,
            )],
            ..PolicySet::default()
        };
        let r = Request::new(
            Some("arn:aws:iam::111122223333:role/app"),
            "lambda:InvokeFunction",
            F,
            None,
        )
        .with("aws:SourceVpc", ContextValue::Single("vpc-1".into()));
        let lines = explain(&set, &r);
        assert_eq!(lines[0], "Allow `All` (identity-based policy) grants it");
        assert!(lines.iter().any(|l| l == &format!("Deny `DenyAlias` (identity-based policy) does not apply: resource `{F}` does not match `arn:aws:lambda:us-east-1:111122223333:function:f:prod`")), "{lines:?}");
        assert!(lines.iter().any(|l| l == "Deny `DenyOutsideVpc` (identity-based policy) does not apply: `StringNotEquals aws:SourceVpc` is false: `aws:SourceVpc` = `vpc-1`, not `vpc-1`"), "{lines:?}");
    }

    #[test]
    fn a_denial_shows_the_near_miss() {
        let set = PolicySet {
            resource: Some(policy(
                r#"{"Sid":"S3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::mine"}}}"#,
            )),
            ..PolicySet::default()
        };
        let r = Request::new(Some("s3.amazonaws.com"), "lambda:InvokeFunction", F, None).with(
            "aws:SourceArn",
            ContextValue::Single("arn:aws:s3:::theirs".into()),
        );
        let lines = explain(&set, &r);
        assert!(lines.iter().any(|l| l.contains("Allow `S3` (resource-based policy) does not apply: `ArnLike aws:SourceArn` is false: `aws:SourceArn` = `arn:aws:s3:::theirs`, not `arn:aws:s3:::mine`")), "{lines:?}");
    }

    #[test]
    fn the_root_user_is_named() {
        let set = PolicySet {
            identity: vec![policy(r#"{"Effect":"Deny","Action":"*","Resource":"*"}"#)],
            ..PolicySet::default()
        };
        let r = Request::new(
            Some("arn:aws:iam::111122223333:root"),
            "lambda:InvokeFunction",
            F,
            None,
        );
        let lines = explain(&set, &r);
        assert!(lines[0].contains("account root user"), "{lines:?}");
        // The identity-policy Deny is not listed as "not applying": it does not bind root.
        assert!(!lines.iter().any(|l| l.contains("Deny")), "{lines:?}");
    }
}
