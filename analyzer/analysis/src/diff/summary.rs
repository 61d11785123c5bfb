//! Saying what an example means to a reviewer: which statement of the granting version lets
//! the request through, through which action and resource patterns, and what the other
//! version did with the same action ("now allows `lambda:invokefunction` on
//! `arn:aws:lambda:*:123456789012:function:*`, was `…:function:app-*`").
//!
//! An example found by judging a policy as a guardrail ([`summarise_guardrail`]) is about a
//! Deny statement instead: the one that stops the request in one version, and what became of
//! it in the other ("no longer denied: Deny `RegionGuard` (acts as a guardrail) narrowed its
//! Action from `*` to `ec2:*`").

use airtight_encodings::eval::{
    condition_holds, matcher_matches, statement_applies, Decision, Evaluation,
};
use airtight_encodings::policy::{Effect, Policy, PolicyKind, Statement};
use airtight_encodings::request::Request;
use airtight_encodings::span::Span;

/// A statement, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementAt {
    /// Sid, or `#index`.
    pub label: String,
    pub index: usize,
    pub span: Span,
}

impl StatementAt {
    fn of(s: &Statement) -> StatementAt {
        StatementAt {
            label: s.label(),
            index: s.index,
            span: s.span,
        }
    }
}

/// A pattern as written in the policy, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternAt {
    pub text: String,
    pub span: Span,
}

/// What the version that does not allow the request did with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Was {
    /// Its Deny statements rejected the request.
    Denied(Vec<StatementAt>),
    /// It allowed the action, but only on these resource patterns.
    OnlyOn(Vec<String>),
    /// It allowed the action on this resource, but under conditions or principals the request
    /// does not meet.
    Narrower(Vec<StatementAt>),
    /// No Allow statement of it names the action.
    NotGranted,
}

/// The readable form of one example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The Allow statement of the granting version that matches the request (for a guardrail,
    /// the statement that lets it through), if there is one.
    pub statement: Option<StatementAt>,
    /// Its action entry that matches (or its `NotAction` block).
    pub action: Option<PatternAt>,
    /// Its resource entry that matches (or its `NotResource` block).
    pub resource: Option<PatternAt>,
    pub was: Was,
    /// For an example of a policy judged as a guardrail: the Deny statement that decides it.
    pub guardrail: Option<GuardrailChange>,
}

/// How a Deny statement that acts as a guardrail changed, as one example shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardrailChange {
    /// The Deny statement that stops the request, in the version that denies it.
    pub deny: StatementAt,
    /// Whether that version is OLD (the example is new access: the Deny no longer stops the
    /// request) or NEW (removed access: the Deny now stops it).
    pub deny_in_old: bool,
    /// The action entry of the Deny statement that matches the request (or its `NotAction`
    /// block).
    pub action: Option<PatternAt>,
    pub change: DenyChange,
}

/// What the other version has instead of the deciding Deny statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DenyChange {
    /// No Deny statement with the same Sid (`named`), or none in the same position.
    Missing { named: bool },
    /// Its counterpart (same Sid, or same position) does not match the request through this
    /// element: `Action`, `NotAction`, `Resource`, `NotResource`, `Principal` or
    /// `NotPrincipal`, with the entries of the deciding statement and of the counterpart.
    Element {
        element: &'static str,
        deciding: Vec<PatternAt>,
        counterpart: Vec<PatternAt>,
    },
    /// Its counterpart's conditions on these keys do not hold for the request.
    Condition { keys: Vec<String> },
}

impl Summary {
    /// One line: `now allows A on R; OLD …`. `verb` is "now allows" or "no longer allows";
    /// `written` gives a pattern's text as written in its file (patterns are kept in folded
    /// form otherwise).
    pub fn sentence(
        &self,
        request: &Request,
        verb: &str,
        other: &str,
        written: &dyn Fn(&PatternAt) -> String,
    ) -> String {
        if let Some(g) = &self.guardrail {
            return g.sentence(request, verb, written, &|v| format!("`{v}`"));
        }
        let action = self
            .action
            .as_ref()
            .map_or_else(|| request.action.clone(), written);
        let resource = self
            .resource
            .as_ref()
            .map_or_else(|| request.resource.clone(), written);
        let was = match &self.was {
            Was::Denied(by) => format!("{other} denied it ({})", labels(by)),
            Was::OnlyOn(patterns) => format!(
                "{other} allowed it only on {}",
                patterns
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Was::Narrower(by) => format!(
                "{other} allowed it only under the conditions or principals of {}",
                labels(by)
            ),
            Was::NotGranted => format!("{other} did not grant this action"),
        };
        format!("{verb} `{action}` on `{resource}`; {was}")
    }
}

impl GuardrailChange {
    /// `now allows A on R; no longer denied: Deny `X` (acts as a guardrail) narrowed its Action
    /// from `*` to `ec2:*``, or for removed access `…; now denied: … widened …`. `code` quotes
    /// patterns, request values and the statement label (a report whose syntax a value could
    /// break passes its own quoting).
    pub fn sentence(
        &self,
        request: &Request,
        verb: &str,
        written: &dyn Fn(&PatternAt) -> String,
        code: &dyn Fn(&str) -> String,
    ) -> String {
        let action = self
            .action
            .as_ref()
            .map(written)
            .filter(|a| a.eq_ignore_ascii_case(&request.action))
            .unwrap_or_else(|| request.action.clone());
        let list = |patterns: &[PatternAt]| {
            if patterns.is_empty() {
                "nothing".to_string()
            } else {
                patterns
                    .iter()
                    .map(|p| code(&written(p)))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let (state, more, other) = if self.deny_in_old {
            ("no longer denied", "narrowed", "NEW")
        } else {
            ("now denied", "widened", "OLD")
        };
        let change = match &self.change {
            DenyChange::Missing { named: true } if self.deny_in_old => "was removed".to_string(),
            DenyChange::Missing { named: true } => "was added".to_string(),
            DenyChange::Missing { named: false } => {
                format!("has no counterpart in {other}")
            }
            DenyChange::Element {
                element,
                deciding,
                counterpart,
            } => {
                // Narrowed: from OLD's (deciding) entries to NEW's; widened: from OLD's
                // (the counterpart) to NEW's (deciding).
                let (from, to) = if self.deny_in_old {
                    (deciding, counterpart)
                } else {
                    (counterpart, deciding)
                };
                format!("{more} its {element} from {} to {}", list(from), list(to))
            }
            DenyChange::Condition { keys } => format!(
                "{more} its Condition on {}",
                keys.iter().map(|k| code(k)).collect::<Vec<_>>().join(", ")
            ),
        };
        format!(
            "{verb} {} on {}; {state}: Deny {} (acts as a guardrail) {change}",
            code(&action),
            code(&request.resource),
            code(&self.deny.label)
        )
    }
}

fn labels(statements: &[StatementAt]) -> String {
    statements
        .iter()
        .map(|s| format!("statement {}", s.label))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Summarises `request`, allowed by `granting` (its decision `granted`) and not by `other`.
pub fn summarise(
    request: &Request,
    denied: &Evaluation,
    other: &Policy,
    granting: &Policy,
) -> Summary {
    let kind = if granting.statements.iter().any(|s| s.principal.is_some()) {
        PolicyKind::Resource
    } else {
        PolicyKind::Identity
    };
    let statement = granting
        .statements
        .iter()
        .find(|s| s.effect.value == Effect::Allow && statement_applies(s, request, granting, kind));
    let action = statement.map(|s| {
        let hit = (!s.action.negated)
            .then(|| {
                s.action
                    .entries
                    .iter()
                    .find(|e| e.value.matches(&request.action))
            })
            .flatten();
        match hit {
            Some(e) => PatternAt {
                text: e.value.to_string(),
                span: e.span,
            },
            None => PatternAt {
                text: block_text(
                    "NotAction",
                    s.action.entries.iter().map(|e| e.value.to_string()),
                ),
                span: s.action.span,
            },
        }
    });
    let resource = statement.and_then(|s| {
        let block = s.resource.as_ref()?;
        let hit = (!block.negated)
            .then(|| {
                block
                    .entries
                    .iter()
                    .find(|e| matcher_matches(&e.value, &request.resource, request))
            })
            .flatten();
        Some(match hit {
            Some(e) => PatternAt {
                text: e.value.template.to_string(),
                span: e.span,
            },
            None => PatternAt {
                text: block_text(
                    if block.negated {
                        "NotResource"
                    } else {
                        "Resource"
                    },
                    block.entries.iter().map(|e| e.value.template.to_string()),
                ),
                span: block.span,
            },
        })
    });
    Summary {
        statement: statement.map(StatementAt::of),
        action,
        resource,
        was: was(request, denied, other),
        guardrail: None,
    }
}

/// Summarises an example of a policy judged as a guardrail: `denying` (its decision `denied`)
/// stops the request, `other` lets it through, and `denying_is_old` says which is OLD. When a
/// Deny statement of `denying` decides, the summary names it — one at the positions
/// `preferred` if one of those decides — and what became of it in `other` (the statement
/// pointed at is that counterpart, in `other`); otherwise (a guardrail whose Allow statements
/// no longer let the request through) it reads like [`summarise`].
pub fn summarise_guardrail(
    request: &Request,
    denied: &Evaluation,
    denying: &Policy,
    other: &Policy,
    denying_is_old: bool,
    preferred: &[usize],
) -> Summary {
    let deciding: Vec<&Statement> = if denied.decision == Decision::ExplicitDeny {
        denied
            .deciding
            .iter()
            .filter(|d| d.file == denying.file)
            .filter_map(|d| {
                denying
                    .statements
                    .iter()
                    .find(|s| s.index == d.index && s.effect.value == Effect::Deny)
            })
            .collect()
    } else {
        Vec::new()
    };
    let deny = deciding
        .iter()
        .find(|s| preferred.contains(&s.index))
        .or(deciding.first())
        .copied();
    let Some(deny) = deny else {
        return summarise(request, denied, denying, other);
    };
    let counterpart = counterpart(deny, denying, other);
    let change = match counterpart {
        None => DenyChange::Missing {
            named: deny.sid.as_ref().is_some_and(|s| !s.value.is_empty()),
        },
        Some(c) => why_not(c, deny, request),
    };
    Summary {
        statement: counterpart.map(StatementAt::of),
        action: None,
        resource: None,
        was: Was::Denied(vec![StatementAt::of(deny)]),
        guardrail: Some(GuardrailChange {
            deny: StatementAt::of(deny),
            deny_in_old: denying_is_old,
            action: action_hit(deny, request),
            change,
        }),
    }
}

/// The Deny statement of `other` that corresponds to `deny` of `denying`: the one with the
/// same Sid; without a Sid, the one without a Sid in the same position, else, when each
/// version has a single Deny statement and neither has a Sid, that one.
fn counterpart<'a>(deny: &Statement, denying: &Policy, other: &'a Policy) -> Option<&'a Statement> {
    let denies = |p: &'a Policy| {
        p.statements
            .iter()
            .filter(|s| s.effect.value == Effect::Deny)
    };
    let sid = |s: &Statement| {
        s.sid
            .as_ref()
            .map(|s| s.value.clone())
            .filter(|s| !s.is_empty())
    };
    match sid(deny) {
        Some(name) => denies(other).find(|s| sid(s).as_deref() == Some(name.as_str())),
        None => denies(other)
            .find(|s| s.index == deny.index && sid(s).is_none())
            .or_else(|| {
                let single = |p: &Policy| {
                    p.statements
                        .iter()
                        .filter(|s| s.effect.value == Effect::Deny)
                        .count()
                        == 1
                };
                (single(denying) && single(other))
                    .then(|| denies(other).next())
                    .flatten()
                    .filter(|s| sid(s).is_none())
            }),
    }
}

/// Why the counterpart `c` of `deny` does not stop `request`: the first element (action,
/// resource, conditions, principal) through which it does not match.
fn why_not(c: &Statement, deny: &Statement, request: &Request) -> DenyChange {
    let actions = |s: &Statement| -> Vec<PatternAt> {
        s.action
            .entries
            .iter()
            .map(|e| PatternAt {
                text: e.value.to_string(),
                span: e.span,
            })
            .collect()
    };
    let resources = |s: &Statement| -> Vec<PatternAt> {
        s.resource
            .iter()
            .flat_map(|b| &b.entries)
            .map(|e| PatternAt {
                text: e.value.template.to_string(),
                span: e.span,
            })
            .collect()
    };
    let principals = |s: &Statement| -> Vec<PatternAt> {
        s.principal
            .iter()
            .flat_map(|b| &b.entries)
            .map(|e| PatternAt {
                text: principal_text(&e.value),
                span: e.span,
            })
            .collect()
    };
    let action_ok = c
        .action
        .entries
        .iter()
        .any(|e| e.value.matches(&request.action))
        != c.action.negated;
    if !action_ok {
        return DenyChange::Element {
            element: if c.action.negated {
                "NotAction"
            } else {
                "Action"
            },
            deciding: actions(deny),
            counterpart: actions(c),
        };
    }
    let resource_ok = c.resource.as_ref().is_none_or(|b| {
        b.entries
            .iter()
            .any(|e| matcher_matches(&e.value, &request.resource, request))
            != b.negated
    });
    if !resource_ok {
        let negated = c.resource.as_ref().is_some_and(|b| b.negated);
        return DenyChange::Element {
            element: if negated { "NotResource" } else { "Resource" },
            deciding: resources(deny),
            counterpart: resources(c),
        };
    }
    let failing: Vec<String> = c
        .conditions
        .iter()
        .filter(|k| !condition_holds(k, request))
        .map(|k| k.key.written.clone())
        .fold(Vec::new(), |mut keys, k| {
            if !keys.contains(&k) {
                keys.push(k);
            }
            keys
        });
    if !failing.is_empty() {
        return DenyChange::Condition { keys: failing };
    }
    let negated = c.principal.as_ref().is_some_and(|b| b.negated);
    DenyChange::Element {
        element: if negated { "NotPrincipal" } else { "Principal" },
        deciding: principals(deny),
        counterpart: principals(c),
    }
}

/// The action entry of `s` that matches the request, or its `NotAction` block.
fn action_hit(s: &Statement, request: &Request) -> Option<PatternAt> {
    if s.action.negated {
        return None;
    }
    s.action
        .entries
        .iter()
        .find(|e| e.value.matches(&request.action))
        .map(|e| PatternAt {
            text: e.value.to_string(),
            span: e.span,
        })
}

/// A principal as a policy writes it.
fn principal_text(p: &airtight_encodings::policy::PrincipalEntry) -> String {
    use airtight_encodings::policy::PrincipalEntry as P;
    match p {
        P::Everyone => "*".into(),
        P::Account(a) => a.clone(),
        P::Arn(a) | P::Service(a) | P::Federated(a) | P::CanonicalUser(a) => a.clone(),
    }
}

fn block_text(name: &str, entries: impl Iterator<Item = String>) -> String {
    format!("{name} [{}]", entries.collect::<Vec<_>>().join(", "))
}

fn was(request: &Request, denied: &Evaluation, other: &Policy) -> Was {
    if denied.decision == Decision::ExplicitDeny {
        let by: Vec<StatementAt> = denied
            .deciding
            .iter()
            .filter(|d| d.file == other.file)
            .filter_map(|d| other.statements.iter().find(|s| s.index == d.index))
            .map(StatementAt::of)
            .collect();
        if !by.is_empty() {
            return Was::Denied(by);
        }
    }
    let names_action = |s: &&Statement| {
        s.effect.value == Effect::Allow
            && s.action
                .entries
                .iter()
                .any(|e| e.value.matches(&request.action))
                != s.action.negated
    };
    let candidates: Vec<&Statement> = other.statements.iter().filter(names_action).collect();
    if candidates.is_empty() {
        return Was::NotGranted;
    }
    let covers_resource = |s: &Statement| match &s.resource {
        None => true,
        Some(b) => {
            b.entries
                .iter()
                .any(|e| matcher_matches(&e.value, &request.resource, request))
                != b.negated
        }
    };
    let narrower: Vec<StatementAt> = candidates
        .iter()
        .filter(|s| covers_resource(s))
        .map(|s| StatementAt::of(s))
        .collect();
    if !narrower.is_empty() {
        return Was::Narrower(narrower);
    }
    let mut patterns: Vec<String> = Vec::new();
    for s in &candidates {
        if let Some(b) = &s.resource {
            for e in &b.entries {
                let text = if b.negated {
                    format!("NotResource {}", e.value.template)
                } else {
                    e.value.template.to_string()
                };
                if !patterns.contains(&text) {
                    patterns.push(text);
                }
            }
        }
    }
    Was::OnlyOn(patterns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin::Baselines;
    use crate::diff::compare::{compare, DiffOptions};
    use crate::diff::testing::policy_in as policy;
    use airtight_encodings::span::FileId;

    /// The built-in policies, in files after the two versions'.
    fn baselines() -> Baselines {
        Baselines::new(FileId(2), FileId(3), FileId(4)).expect("built-in policies parse")
    }

    /// The sentences of the examples of `old` → `new` of `kind`, new access then removed.
    fn sentences(old: &str, new: &str, kind: PolicyKind) -> (Vec<String>, Vec<String>) {
        let c = compare(
            &policy(0, old),
            &policy(1, new),
            kind,
            &baselines(),
            &DiffOptions::default(),
        )
        .expect("certified");
        let say = |examples: &[crate::diff::compare::Example], verb: &str, other: &str| {
            examples
                .iter()
                .map(|e| {
                    e.summary
                        .sentence(&e.request, verb, other, &|p| p.text.clone())
                })
                .collect()
        };
        (
            say(&c.new_access, "now allows", "OLD"),
            say(&c.removed_access, "no longer allows", "NEW"),
        )
    }

    const REGION: &str =
        r#""Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}"#;

    #[test]
    fn a_guardrail_example_names_the_deny_and_how_it_changed() {
        let old = format!(
            r#"{{"Sid":"RegionGuard","Effect":"Deny","Action":"*","Resource":"*",{REGION}}}"#
        );
        let new = format!(
            r#"{{"Sid":"RegionGuard","Effect":"Deny","Action":"ec2:*","Resource":"*",{REGION}}}"#
        );
        let (gained, lost) = sentences(&old, &new, PolicyKind::Identity);
        assert!(lost.is_empty(), "{lost:?}");
        assert!(
            gained[0].ends_with(
                "; no longer denied: Deny `RegionGuard` (acts as a guardrail) narrowed its \
                 Action from `*` to `ec2:*`"
            ),
            "{gained:?}"
        );
        // The other way round the Deny is widened: removed access.
        let (gained, lost) = sentences(&new, &old, PolicyKind::Identity);
        assert!(gained.is_empty(), "{gained:?}");
        assert!(
            lost[0].starts_with("no longer allows `")
                && lost[0].ends_with(
                    "; now denied: Deny `RegionGuard` (acts as a guardrail) widened its Action \
                     from `ec2:*` to `*`"
                ),
            "{lost:?}"
        );
    }

    #[test]
    fn a_changed_condition_and_a_removed_deny_are_named() {
        let old = format!(
            r#"{{"Sid":"RegionGuard","Effect":"Deny","Action":"*","Resource":"*",{REGION}}}"#
        );
        let new = r#"{"Sid":"RegionGuard","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1","eu-north-1"]}}}"#;
        let (gained, _) = sentences(&old, new, PolicyKind::Identity);
        assert!(
            gained[0].ends_with(
                "Deny `RegionGuard` (acts as a guardrail) narrowed its Condition on \
                 `aws:RequestedRegion`"
            ),
            "{gained:?}"
        );
        let old = r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"},
                     {"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}"#;
        let new = r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#;
        let (gained, _) = sentences(old, new, PolicyKind::Identity);
        // On its own the policy now allows the deletion; as a guardrail its Deny is gone.
        assert!(
            gained[0].ends_with("OLD denied it (statement NoDelete)"),
            "{gained:?}"
        );
        assert!(
            gained[1].ends_with("Deny `NoDelete` (acts as a guardrail) was removed"),
            "{gained:?}"
        );
    }

    #[test]
    fn a_widened_resource_reads_as_now_and_was() {
        let old = policy(
            0,
            r#"{"Sid":"Invoke","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:*:123456789012:function:app-*"}"#,
        );
        let new = policy(
            1,
            r#"{"Sid":"Invoke","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:*:123456789012:function:*"}"#,
        );
        let c = compare(
            &old,
            &new,
            PolicyKind::Identity,
            &baselines(),
            &DiffOptions::default(),
        )
        .expect("certified");
        let e = &c.new_access[0];
        assert_eq!(
            e.summary
                .sentence(&e.request, "now allows", "OLD", &|p| p.text.clone()),
            "now allows `lambda:invokefunction` on `arn:aws:lambda:*:123456789012:function:*`; \
             OLD allowed it only on `arn:aws:lambda:*:123456789012:function:app-*`"
        );
        assert_eq!(
            e.summary.statement.as_ref().map(|s| s.label.as_str()),
            Some("Invoke")
        );
    }

    #[test]
    fn a_dropped_deny_is_named() {
        let old = policy(
            0,
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"},
               {"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}"#,
        );
        let new = policy(1, r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#);
        let c = compare(
            &old,
            &new,
            PolicyKind::Identity,
            &baselines(),
            &DiffOptions::default(),
        )
        .expect("certified");
        let e = &c.new_access[0];
        assert!(matches!(&e.summary.was, Was::Denied(by) if by[0].label == "NoDelete"));
        assert!(e
            .summary
            .sentence(&e.request, "now allows", "OLD", &|p| p.text.clone())
            .starts_with("now allows `s3:*` on `*`; OLD denied it (statement NoDelete)"));
    }
}
