//! Comparing two versions of one policy: new access, removed access, both, or neither.
//!
//! Each direction is a no-new-access question, asked under every judgement of the policy
//! ([`super::judgement`]: on its own, and as a guardrail) and split into small parts
//! ([`super::split`]); every example a part yields is certified again by the evaluator against
//! the *full* policy sets of its context before it is kept, and summarised
//! ([`super::summary`]) for a reviewer.

use std::time::{Duration, Instant};

use airtight_encodings::budget::Budget;
use airtight_encodings::eval::{evaluate, Decision, Evaluation, PolicySet};
use airtight_encodings::policy::{Effect, Policy, PolicyKind, Statement};
use airtight_encodings::request::Request;
use airtight_encodings::span::Span;

use super::guess::guesses;
use super::judgement::{contexts, judgements, parts_carry_all_denies, Judgement};
use super::realize::realize;
use super::split::{flipped, guardrail_parts, parts, root_part};
use super::summary::{summarise, summarise_guardrail, Summary};
use crate::builtin::Baselines;
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
    /// How the policy was judged when the two versions disagreed on the request.
    pub judgement: Judgement,
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

struct Side<'a> {
    policy: &'a Policy,
    /// Whether this is OLD.
    is_old: bool,
    /// The policy sets it is judged in, one per context of the judgement.
    sets: Vec<PolicySet>,
}

/// Compares OLD and NEW, both of `kind`, under every judgement they get
/// ([`super::judgement::judgements`]).
pub fn compare(
    old: &Policy,
    new: &Policy,
    kind: PolicyKind,
    baselines: &Baselines,
    options: &DiffOptions,
) -> Result<Comparison, QueryError> {
    let start = Instant::now();
    let mut asked = 0;
    let mut gained = Found::default();
    let mut lost = Found::default();
    for judgement in judgements(kind, old, new) {
        let side = |policy, is_old| Side {
            policy,
            is_old,
            sets: contexts(policy, kind, judgement, baselines),
        };
        let (old_side, new_side) = (side(old, true), side(new, false));
        let how = How {
            kind,
            judgement,
            baselines,
            options,
        };
        direction(&old_side, &new_side, &how, &mut gained, &mut asked)?;
        direction(&new_side, &old_side, &how, &mut lost, &mut asked)?;
    }
    // A direction with a certified example is settled whatever its other parts said; one
    // without is "no" only if every part of every judgement was proved.
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

#[derive(Default)]
struct Found {
    /// `old` is the `from` side's decision, `new` the `to` side's.
    examples: Vec<Example>,
    unknown: Option<(String, Option<Span>)>,
}

/// What one judgement of a comparison needs besides the two sides.
struct How<'a> {
    kind: PolicyKind,
    judgement: Judgement,
    baselines: &'a Baselines,
    options: &'a DiffOptions,
}

/// Adds to `found` the requests `to` allows and `from` does not under one judgement.
///
/// The first judgement may fill every example slot; a later one gets at least one, so that a
/// guardrail change is shown even when the policy's own grants changed too (once a direction
/// has an example its verdict is settled, so the extra questions only explain).
fn direction(
    from: &Side<'_>,
    to: &Side<'_>,
    how: &How<'_>,
    found: &mut Found,
    asked: &mut usize,
) -> Result<(), QueryError> {
    let max = how.options.max_examples.max(1);
    let budget = max.saturating_sub(found.examples.len()).max(1);
    let before = found.examples.len();
    // Judged as a guardrail, a policy allows what none of its Deny statements stops.
    let guardrail_of_policy = how.judgement == Judgement::Guardrail;
    let mut questions = if guardrail_of_policy {
        guardrail_parts(from.policy, to.policy)
    } else {
        parts(from.policy, to.policy)
    };
    if how.kind == PolicyKind::Resource && how.judgement == Judgement::Standalone {
        questions.extend(root_part(from.policy, to.policy));
    }
    for part in questions {
        let wanted = budget.saturating_sub(found.examples.len() - before);
        if wanted == 0 {
            break;
        }
        // The statements of `from` a guardrail part asks about: an example they stop is
        // summarised by one of them when it can be.
        let preferred: Vec<usize> = if guardrail_of_policy {
            part.old.statements.iter().map(|s| s.index).collect()
        } else {
            Vec::new()
        };
        // A cheap guess first (identity policies only: the guesses carry no principal match).
        // For a guardrail the requests to guess are those OLD's Deny statements stop.
        if how.kind == PolicyKind::Identity {
            let source = if guardrail_of_policy {
                flipped(&part.old)
            } else {
                part.new.clone()
            };
            let mut guessed = 0;
            for request in guesses(&source) {
                if guessed >= wanted {
                    break;
                }
                for context in 0..from.sets.len() {
                    if let Ok(example) = certify(
                        from,
                        to,
                        context,
                        how.judgement,
                        &preferred,
                        request.clone(),
                        false,
                    ) {
                        if add(found, example) {
                            guessed += 1;
                        }
                        break;
                    }
                }
            }
            if guessed > 0 {
                continue;
            }
        }
        let (part_from, part_to) = if parts_carry_all_denies(how.kind, how.judgement) {
            (
                with_denies_of(&part.old, from.policy),
                with_denies_of(&part.new, to.policy),
            )
        } else {
            (part.old.clone(), part.new.clone())
        };
        let part_old = contexts(&part_from, how.kind, how.judgement, how.baselines);
        let part_new = contexts(&part_to, how.kind, how.judgement, how.baselines);
        for (context, (part_old, part_new)) in part_old.iter().zip(&part_new).enumerate() {
            *asked += 1;
            let answer = query::no_new_access(
                part_old,
                part_new,
                &QueryOptions {
                    budget: how.options.budget.clone(),
                    max_counterexamples: wanted,
                },
            )?;
            match answer.outcome {
                Outcome::NoneExists => {}
                Outcome::Unknown { reason, span } => {
                    let service = part.service().unwrap_or_else(|| "any service".into());
                    let judged = match how.judgement {
                        Judgement::Guardrail => ", as a guardrail",
                        Judgement::Standalone => "",
                    };
                    found
                        .unknown
                        .get_or_insert((format!("{reason} ({service}{judged})"), span));
                }
                Outcome::Found => {
                    for c in answer.counterexamples {
                        let example = certify(
                            from,
                            to,
                            context,
                            how.judgement,
                            &preferred,
                            c.request,
                            true,
                        )?;
                        add(found, example);
                    }
                    // This part has its examples; other contexts would repeat them.
                    break;
                }
            }
        }
    }
    Ok(())
}

/// The part's Allow statements with every Deny statement of the full policy (in place of the
/// part's own, which may have been cut down to the part's actions).
fn with_denies_of(part: &Policy, full: &Policy) -> Policy {
    let mut statements: Vec<Statement> = part
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
        .chain(
            full.statements
                .iter()
                .filter(|s| s.effect.value == Effect::Deny),
        )
        .cloned()
        .collect();
    statements.sort_by_key(|s| s.index);
    Policy {
        statements,
        ..part.clone()
    }
}

/// Keeps an example unless one that says the same thing (same summary) is already there.
fn add(found: &mut Found, example: Example) -> bool {
    let new = !found.examples.iter().any(|e| e.summary == example.summary);
    if new {
        found.examples.push(example);
    }
    new
}

/// Re-evaluates a part's example on the full policies, in the context it was found in: `to`
/// must allow it and `from` not. A request of the solver (`solved`) is realized first; a guess
/// already names an action as written and an instance of the statement's resource.
fn certify(
    from: &Side<'_>,
    to: &Side<'_>,
    context: usize,
    judgement: Judgement,
    preferred: &[usize],
    request: Request,
    solved: bool,
) -> Result<Example, QueryError> {
    let uncertified = || QueryError::Uncertified(request.to_json().to_string());
    let (Some(from_set), Some(to_set)) = (from.sets.get(context), to.sets.get(context)) else {
        return Err(uncertified());
    };
    let old = evaluate(from_set, &request);
    let new = evaluate(to_set, &request);
    if new.decision != Decision::Allow || old.decision == Decision::Allow {
        return Err(uncertified());
    }
    // A real action and a resource of its type read better than the solver's placeholders;
    // the replacement is certified like the original.
    let disagree = |r: &Request| {
        evaluate(to_set, r).decision == Decision::Allow
            && evaluate(from_set, r).decision != Decision::Allow
    };
    let realized = if solved {
        realize(&request, &disagree)
    } else {
        request.clone()
    };
    let (request, old, new) = if realized == request {
        (request, old, new)
    } else {
        let (old, new) = (evaluate(from_set, &realized), evaluate(to_set, &realized));
        (realized, old, new)
    };
    let summary = match judgement {
        Judgement::Standalone => summarise(&request, &old, from.policy, to.policy),
        Judgement::Guardrail => summarise_guardrail(
            &request,
            &old,
            from.policy,
            to.policy,
            from.is_old,
            preferred,
        ),
    };
    Ok(Example {
        request,
        old,
        new,
        summary,
        judgement,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::testing::policy;

    fn run(old: &str, new: &str, kind: PolicyKind) -> Comparison {
        compare(
            &policy(old),
            &policy(new),
            kind,
            &Baselines::unregistered().expect("built-in policies parse"),
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
