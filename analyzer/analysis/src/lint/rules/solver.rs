//! What the solver-backed rules share: "does any request match these statements?", asked of
//! the SMT engine with the short timeout of [`crate::lint::Options`].
//!
//! The statements are put in a resource-based policy of their own, so that every caller AWS
//! could see is in the question: users and roles of every account, root users, service
//! principals, anonymous callers. A statement without `Principal` (identity policies, SCPs,
//! boundaries) is read as naming everyone, so only its action, resource and conditions decide.
//! An answer the solver cannot give in time (or a construct the encoding does not support) is
//! `None`: the rules then report nothing. Each question has the per-question timeout, and all
//! the questions about one file share the file's time ([`crate::lint::Options`]): once it has
//! run out, the questions left are not asked.

use std::time::{Duration, Instant};

use airtight_encodings::budget::{self, Budget};
use airtight_encodings::eval::PolicySet;
use airtight_encodings::policy::{Effect, Policy, PrincipalBlock, PrincipalEntry, Statement};
use airtight_encodings::span::Spanned;

use crate::lint::Context;
use crate::query::{can, no_new_access, Constraints, Outcome, QueryOptions};

/// A statement as an `Allow` of the question's resource-based policy.
pub fn as_allow(s: &Statement) -> Statement {
    let mut s = s.clone();
    s.effect.value = Effect::Allow;
    if s.principal.is_none() {
        s.principal = Some(everyone(&s));
    }
    s
}

/// A statement as a `Deny` of the question's resource-based policy.
pub fn as_deny(s: &Statement) -> Statement {
    let mut s = s.clone();
    s.effect.value = Effect::Deny;
    if s.principal.is_none() {
        s.principal = Some(everyone(&s));
    }
    s
}

fn everyone(s: &Statement) -> PrincipalBlock {
    PrincipalBlock {
        negated: false,
        entries: vec![Spanned::new(PrincipalEntry::Everyone, s.span)],
        span: s.span,
    }
}

fn set_of(policy: &Policy, statements: Vec<Statement>) -> PolicySet {
    PolicySet {
        resource: Some(Policy {
            statements,
            ..policy.clone()
        }),
        ..PolicySet::default()
    }
}

/// One question's options: its own budget (the lint timeout from now, at most what is left of
/// the file's time; the default memory), so that a slow question makes only its own rule
/// silent. `None` when the file's time has run out: the question is not asked.
fn options(cx: &Context<'_>) -> Option<QueryOptions> {
    let mut timeout = Duration::from_millis(cx.options.timeout_ms);
    if let Some(until) = cx.solver_until {
        timeout = timeout.min(until.saturating_duration_since(Instant::now()));
    }
    (!timeout.is_zero()).then(|| QueryOptions {
        budget: Budget::new(timeout, budget::DEFAULT_MEMORY),
        max_counterexamples: 1,
    })
}

/// Whether some request is allowed by `statements` (already made `Allow`/`Deny` by
/// [`as_allow`]/[`as_deny`]); `None` when unknown.
///
/// An account's root user is allowed whatever the resource policy says (unless denied), so
/// root callers are left out of the question; rules that use it skip statements whose
/// conditions test who the root user is ([`tests_root`]).
pub fn allows_some(cx: &Context<'_>, policy: &Policy, statements: Vec<Statement>) -> Option<bool> {
    let set = set_of(policy, statements);
    let not_root = Constraints {
        not_principals: vec!["arn:*:iam::*:root".into()],
        ..Constraints::default()
    };
    match can(&set, &not_root, &options(cx)?).ok()?.outcome {
        Outcome::Found => Some(true),
        Outcome::NoneExists => Some(false),
        Outcome::Unknown { .. } => None,
    }
}

/// Whether a statement's conditions test keys that tell the root user from other callers, which
/// [`allows_some`] leaves out.
pub fn tests_root(s: &Statement) -> bool {
    s.conditions.iter().any(|c| {
        matches!(
            c.key.name.as_str(),
            "aws:principaltype"
                | "aws:principalarn"
                | "aws:userid"
                | "aws:username"
                | "aws:assumedroot"
        )
    })
}

/// Whether `more` allows nothing that `fewer` does not (proved); `None` when unknown.
pub fn adds_nothing(
    cx: &Context<'_>,
    policy: &Policy,
    fewer: Vec<Statement>,
    more: Vec<Statement>,
) -> Option<bool> {
    let old = set_of(policy, fewer);
    let new = set_of(policy, more);
    match no_new_access(&old, &new, &options(cx)?).ok()?.outcome {
        Outcome::NoneExists => Some(true),
        Outcome::Found => Some(false),
        Outcome::Unknown { .. } => None,
    }
}
