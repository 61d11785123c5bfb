//! Saying what an example means to a reviewer: which statement of the granting version lets
//! the request through, through which action and resource patterns, and what the other
//! version did with the same action ("now allows `lambda:invokefunction` on
//! `arn:aws:lambda:*:123456789012:function:*`, was `…:function:app-*`").

use airtight_encodings::eval::{matcher_matches, statement_applies, Decision, Evaluation};
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
    use crate::diff::compare::{compare, DiffOptions};
    use crate::diff::testing::policy_in as policy;

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
        let all = policy(2, r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
        let c = compare(
            &old,
            &new,
            PolicyKind::Identity,
            &all,
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
        let all = policy(2, r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
        let c = compare(
            &old,
            &new,
            PolicyKind::Identity,
            &all,
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
