//! Finding concrete requests that satisfy a goal, each certified by the concrete evaluator.
//!
//! `search` asserts the goal and the request's well-formedness, partitions strings, asks Z3,
//! decodes the model and hands the request to `certify` (a check built on
//! [`crate::eval::evaluate`]). A request that fails certification is never returned as a
//! finding: the search stops with [`SearchOutcome::Uncertified`], an internal error. To find
//! several requests it blocks each found (action, resource) pair and asks again.
//!
//! The whole search — partitioning, rewriting, lowering, solving, certifying and asking again
//! for further requests — works within one [`Budget`]. When it runs out before the first
//! request, the outcome is [`SearchOutcome::Unknown`] naming the stage; requests certified
//! before it ran out are kept.

use super::factory::{self, and, not};
use super::finite::finitize_within;
use super::solver::{solve_preferring, Outcome};
use super::symbolic::Symbolic;
use super::term::Term;
use crate::budget::{Budget, Stage};
use crate::glob::Glob;
use crate::request::Request;

#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// The deadline and memory budget of the whole search.
    pub budget: Budget,
    pub max_results: usize,
    /// Bound on the automaton built to partition one group of strings (past it, or past its
    /// share of the memory budget, the group stays strings for Z3's string solver).
    pub state_limit: usize,
}

/// The default bound on one partition's automaton.
pub const DEFAULT_STATE_LIMIT: usize = 200_000;

impl Default for SearchOptions {
    /// One result, the default budget (its clock starting now) and [`DEFAULT_STATE_LIMIT`].
    fn default() -> SearchOptions {
        SearchOptions {
            budget: Budget::default(),
            max_results: 1,
            state_limit: DEFAULT_STATE_LIMIT,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchOutcome {
    /// The solver proved that no request satisfies the goal.
    NoneExists,
    /// Certified requests (at least one).
    Found(Vec<Request>),
    /// No answer: the reason (the deadline or the memory budget and the stage, …).
    Unknown(String),
    /// A model whose decoded request the evaluator does not confirm: a bug in airtight.
    Uncertified(Request),
}

/// Looks for requests satisfying `goal` (a term over `sym`).
pub fn search(
    sym: &Symbolic,
    goal: Term,
    options: &SearchOptions,
    certify: &dyn Fn(&Request) -> bool,
) -> SearchOutcome {
    let budget = &options.budget;
    let mut sym = sym.clone();
    let mut found: Vec<Request> = Vec::new();
    let mut blocked: Vec<Term> = Vec::new();
    while found.len() < options.max_results {
        let stage = || match found.len() {
            0 => Stage::Compiling,
            n => Stage::Searching { found: n },
        };
        if let Err(e) = budget.check(stage) {
            return finish(found, SearchOutcome::Unknown(e.to_string()));
        }
        let mut assertions = sym.well_formed.clone();
        assertions.push(goal.clone());
        assertions.extend(blocked.iter().cloned());
        let conj = and(assertions.clone());
        if conj == factory::FALSE {
            return finish(found, SearchOutcome::NoneExists);
        }
        let prefs = preferences(&mut sym);
        let hard = assertions.len();
        let mut all = assertions.clone();
        all.extend(prefs.iter().cloned());
        let finite = match finitize_within(&sym.vars, &all, options.state_limit, budget) {
            Ok(f) => f,
            Err(e) => return finish(found, SearchOutcome::Unknown(e.to_string())),
        };
        // `finitize` keeps the order of its input and appends its own constraints.
        let mut rewritten = finite.assertions.clone();
        let soft: Vec<Term> = rewritten.drain(hard..hard + prefs.len()).collect();
        let outcome = solve_preferring(
            &finite.vars,
            &rewritten,
            &soft,
            &super::finite::string_vars(&finite),
            budget,
        );
        match outcome {
            Outcome::Unsat => return finish(found, SearchOutcome::NoneExists),
            Outcome::Unknown(reason) => return finish(found, SearchOutcome::Unknown(reason)),
            Outcome::Sat {
                ints,
                bools,
                strings,
            } => {
                let request = super::decode::decode(&sym, &finite, &ints, &bools, &strings);
                if !certify(&request) {
                    if !sym.abstractions.is_empty() {
                        // The model may rely on an over-approximated pattern: not a finding,
                        // not a bug, but no answer either.
                        let which: Vec<&str> =
                            sym.abstractions.keys().map(String::as_str).collect();
                        return finish(found, SearchOutcome::Unknown(format!("a policy variable inside a pattern is over-approximated and the candidate request was not confirmed ({})", which.join("; "))));
                    }
                    return SearchOutcome::Uncertified(request);
                }
                blocked.push(block(&mut sym, &request));
                found.push(request);
            }
        }
    }
    SearchOutcome::Found(found)
}

/// Soft constraints for readable counterexamples, tried in order.
fn preferences(sym: &mut Symbolic) -> Vec<Term> {
    let aws = factory::matches(&mut sym.vars, sym.partition, Glob::literal("aws", false));
    let region = factory::matches(&mut sym.vars, sym.region, Glob::wildcard("?*", false));
    let mut prefs = vec![
        factory::int_eq(&sym.vars, sym.principal_kind, super::symbolic::PK_ROLE),
        factory::int_eq(&sym.vars, sym.resource_kind, super::symbolic::RK_ARN),
        aws,
        region,
        // An outside caller's own account allows, unless the difference needs otherwise.
        factory::and([
            factory::var(sym.outside_identity),
            factory::var(sym.outside_limits),
        ]),
    ];
    // Lambda questions read best with an invocation (asked only when Lambda is in play: a
    // preference that cannot hold costs a solver call).
    if sym.lambda {
        prefs.push(factory::matches(
            &mut sym.vars,
            sym.action,
            Glob::literal("lambda:InvokeFunction", true),
        ));
    }
    prefs
}

fn finish(found: Vec<Request>, otherwise: SearchOutcome) -> SearchOutcome {
    if found.is_empty() {
        otherwise
    } else {
        SearchOutcome::Found(found)
    }
}

/// A constraint excluding requests with the same action and resource as `request`.
fn block(sym: &mut Symbolic, request: &Request) -> Term {
    let same_action = factory::matches(
        &mut sym.vars,
        sym.action,
        Glob::literal(&request.action, true),
    );
    let cases = sym.resource_cases();
    let same_resource = sym.cases_match(&cases, &Glob::literal(&request.resource, false));
    not(and([same_action, same_resource]))
}
