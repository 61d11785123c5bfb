//! Comparing two versions of one policy: new access, removed access, both, or neither.
//!
//! Each direction is a no-new-access question split into small parts ([`super::split`]);
//! every example a part yields is certified again by the evaluator against the *full* policy
//! sets before it is kept, and summarised ([`super::summary`]) for a reviewer.

use std::time::{Duration, Instant};

use airtight_encodings::budget::Budget;
use airtight_encodings::eval::{evaluate, Decision, Evaluation, PolicySet};
use airtight_encodings::policy::{Policy, PolicyKind};
use airtight_encodings::request::Request;
use airtight_encodings::span::Span;

use super::guess::guesses;
use super::split::parts;
use super::summary::{summarise, Summary};
use crate::query::{self, Outcome, QueryError, QueryOptions};

#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// The deadline and memory budget, shared by every question asked with these options:
    /// one budget for a whole [`super::report::compare_all`] run (every file), as the CLI does.
    pub budget: Budget,
    /// Examples to show per direction.
    pub max_examples: usize,
}

impl Default for DiffOptions {
    /// The default budget (10 s from now, 2 GiB) and three examples per direction.
    fn default() -> DiffOptions {
        DiffOptions {
            budget: Budget::default(),
            max_examples: 3,
        }
    }
}

/// What a change does to access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    Equivalent,
    NewAccess,
    RemovedAccess,
    Both,
    /// Some part had no answer; certified examples found so far are still reported.
    Unknown,
}

impl Change {
    /// The name in JSON output and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Equivalent => "equivalent",
            Change::NewAccess => "new_access",
            Change::RemovedAccess => "removed_access",
            Change::Both => "both",
            Change::Unknown => "unknown",
        }
    }
}

/// A certified request on which the two versions disagree.
#[derive(Debug, Clone)]
pub struct Example {
    pub request: Request,
    pub old: Evaluation,
    pub new: Evaluation,
    pub summary: Summary,
}

#[derive(Debug, Clone)]
pub struct Comparison {
    pub change: Change,
    /// Requests NEW allows and OLD does not.
    pub new_access: Vec<Example>,
    /// Requests OLD allows and NEW does not.
    pub removed_access: Vec<Example>,
    /// Why the verdict is unknown, and where, when it is.
    pub unknown: Option<(String, Option<Span>)>,
    /// How many solver questions were asked (0: decided syntactically).
    pub solver_queries: usize,
    pub elapsed: Duration,
}

/// The policy set in which a single policy of `kind` is judged. Identity and resource
/// policies stand alone; a guardrail (boundary, session policy, SCP, RCP) is judged by what it
/// lets through an identity policy that allows everything, `allow_all`.
pub fn judged_set(policy: &Policy, kind: PolicyKind, allow_all: &Policy) -> PolicySet {
    let mut set = PolicySet::default();
    match kind {
        PolicyKind::Identity => set.identity.push(policy.clone()),
        PolicyKind::Resource => set.resource = Some(policy.clone()),
        PolicyKind::Boundary => set.boundary = Some(policy.clone()),
        PolicyKind::Session => set.session = Some(policy.clone()),
        PolicyKind::Scp => set.scps.push(vec![policy.clone()]),
        PolicyKind::Rcp => set.rcps.push(vec![policy.clone()]),
    }
    if !matches!(kind, PolicyKind::Identity | PolicyKind::Resource) {
        set.identity.push(allow_all.clone());
    }
    set
}

struct Side<'a> {
    policy: &'a Policy,
    set: PolicySet,
}

/// Compares OLD and NEW, both of `kind`.
pub fn compare(
    old: &Policy,
    new: &Policy,
    kind: PolicyKind,
    allow_all: &Policy,
    options: &DiffOptions,
) -> Result<Comparison, QueryError> {
    let start = Instant::now();
    let old_side = Side {
        policy: old,
        set: judged_set(old, kind, allow_all),
    };
    let new_side = Side {
        policy: new,
        set: judged_set(new, kind, allow_all),
    };
    let mut asked = 0;
    let gained = direction(&old_side, &new_side, kind, allow_all, options, &mut asked)?;
    let lost = direction(&new_side, &old_side, kind, allow_all, options, &mut asked)?;
    // A direction with a certified example is settled whatever its other parts said; one
    // without is "no" only if every part was proved.
    let open = |d: &Found| d.examples.is_empty().then(|| d.unknown.clone()).flatten();
    let unknown = open(&gained).or_else(|| open(&lost));
    let change = match (gained.examples.is_empty(), lost.examples.is_empty()) {
        _ if unknown.is_some() => Change::Unknown,
        (true, true) => Change::Equivalent,
        (false, true) => Change::NewAccess,
        (true, false) => Change::RemovedAccess,
        (false, false) => Change::Both,
    };
    // `direction` reports examples as (from, to); removed access is seen from NEW to OLD.
    let removed_access = lost
        .examples
        .into_iter()
        .map(|e| Example {
            old: e.new,
            new: e.old,
            ..e
        })
        .collect();
    Ok(Comparison {
        change,
        new_access: gained.examples,
        removed_access,
        unknown,
        solver_queries: asked,
        elapsed: start.elapsed(),
    })
}

struct Found {
    /// `old` is the `from` side's decision, `new` the `to` side's.
    examples: Vec<Example>,
    unknown: Option<(String, Option<Span>)>,
}

/// Requests `to` allows and `from` does not.
fn direction(
    from: &Side<'_>,
    to: &Side<'_>,
    kind: PolicyKind,
    allow_all: &Policy,
    options: &DiffOptions,
    asked: &mut usize,
) -> Result<Found, QueryError> {
    let mut found = Found {
        examples: Vec::new(),
        unknown: None,
    };
    for part in parts(from.policy, to.policy) {
        let wanted = options.max_examples.max(1) - found.examples.len().min(options.max_examples);
        if wanted == 0 {
            break;
        }
        // A cheap guess first (identity policies only: the guesses carry no principal match).
        if kind == PolicyKind::Identity {
            let before = found.examples.len();
            for request in guesses(&part.new) {
                if found.examples.len() - before >= wanted {
                    break;
                }
                if let Ok(example) = certify(from, to, request) {
                    if !found.examples.iter().any(|e| e.summary == example.summary) {
                        found.examples.push(example);
                    }
                }
            }
            if found.examples.len() > before {
                continue;
            }
        }
        *asked += 1;
        let answer = query::no_new_access(
            &judged_set(&part.old, kind, allow_all),
            &judged_set(&part.new, kind, allow_all),
            &QueryOptions {
                budget: options.budget.clone(),
                max_counterexamples: wanted,
            },
        )?;
        match answer.outcome {
            Outcome::NoneExists => {}
            Outcome::Unknown { reason, span } => {
                let service = part.service().unwrap_or_else(|| "any service".into());
                found
                    .unknown
                    .get_or_insert((format!("{reason} ({service})"), span));
            }
            Outcome::Found => {
                for c in answer.counterexamples {
                    let example = certify(from, to, c.request)?;
                    // One example per statement and patterns: more would say the same thing.
                    if !found.examples.iter().any(|e| e.summary == example.summary) {
                        found.examples.push(example);
                    }
                }
            }
        }
    }
    Ok(found)
}

/// Re-evaluates a part's example on the full policies: `to` must allow it and `from` not.
fn certify(from: &Side<'_>, to: &Side<'_>, request: Request) -> Result<Example, QueryError> {
    let old = evaluate(&from.set, &request);
    let new = evaluate(&to.set, &request);
    if new.decision != Decision::Allow || old.decision == Decision::Allow {
        return Err(QueryError::Uncertified(request.to_json().to_string()));
    }
    let summary = summarise(&request, &old, from.policy, to.policy);
    Ok(Example {
        request,
        old,
        new,
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::testing::policy;

    fn allow_all() -> Policy {
        policy(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#)
    }

    fn run(old: &str, new: &str, kind: PolicyKind) -> Comparison {
        compare(
            &policy(old),
            &policy(new),
            kind,
            &allow_all(),
            &DiffOptions::default(),
        )
        .expect("certified")
    }

    #[test]
    fn reordering_is_equivalent_without_the_solver() {
        let c = run(
            r#"{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"}"#,
            r#"{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"*"}"#,
            PolicyKind::Identity,
        );
        assert_eq!(c.change, Change::Equivalent);
        assert_eq!(c.solver_queries, 0);
    }

    #[test]
    fn splitting_a_wildcard_into_its_actions_is_proved_equivalent() {
        let c = run(
            r#"{"Effect":"Allow","Action":"lambda:Invoke*","Resource":"*"}"#,
            r#"{"Effect":"Allow","Action":["lambda:InvokeFunction","lambda:InvokeAsync","lambda:InvokeFunctionUrl"],"Resource":"*"},
               {"Effect":"Allow","Action":"lambda:Invoke*","Resource":"*"}"#,
            PolicyKind::Identity,
        );
        assert_eq!(c.change, Change::Equivalent);
    }

    #[test]
    fn a_widened_resource_is_new_access_with_a_certified_example() {
        let c = run(
            r#"{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:*:123456789012:function:app-*"}"#,
            r#"{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:*:123456789012:function:*"}"#,
            PolicyKind::Identity,
        );
        assert_eq!(c.change, Change::NewAccess);
        let e = &c.new_access[0];
        assert_eq!(e.new.decision, Decision::Allow);
        assert_ne!(e.old.decision, Decision::Allow);
        assert!(!e.request.resource.contains(":function:app-"), "{e:?}");
        assert!(c.removed_access.is_empty());
    }

    #[test]
    fn narrowing_is_removed_access_and_both_directions_are_reported() {
        let c = run(
            r#"{"Effect":"Allow","Action":["s3:GetObject","s3:DeleteObject"],"Resource":"*"}"#,
            r#"{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"}"#,
            PolicyKind::Identity,
        );
        assert_eq!(c.change, Change::Both);
        assert!(c.new_access[0]
            .request
            .action
            .eq_ignore_ascii_case("s3:PutObject"));
        assert!(c.removed_access[0]
            .request
            .action
            .eq_ignore_ascii_case("s3:DeleteObject"));
        assert_eq!(c.removed_access[0].old.decision, Decision::Allow);
    }

    #[test]
    fn a_guardrail_is_judged_by_what_it_lets_through() {
        // Removing a Deny from an SCP grants new access through it.
        let c = run(
            r#"{"Effect":"Allow","Action":"*","Resource":"*"},
               {"Effect":"Deny","Action":"lambda:DeleteFunction","Resource":"*"}"#,
            r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#,
            PolicyKind::Scp,
        );
        assert_eq!(c.change, Change::NewAccess);
        assert!(c.new_access[0]
            .request
            .action
            .eq_ignore_ascii_case("lambda:DeleteFunction"));
    }
}
