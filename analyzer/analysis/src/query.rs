//! The queries: equivalence, no-new-access, can-it-happen and never-granted, as combinators
//! over the compiled decisions of policy sets.
//!
//! Each query is a search for a request: one allowed by exactly one side ([`equiv`]), by NEW
//! and not OLD ([`no_new_access`]), allowed and matching the constraints ([`can`], [`never`]).
//! Its answer is an [`Outcome`]: requests [`Outcome::Found`] (each re-evaluated by the
//! concrete evaluator before it is returned), [`Outcome::NoneExists`] (only ever on an unsat
//! answer of the solver), or [`Outcome::Unknown`] with the reason. What an outcome means for
//! the question asked — "equivalent", "holds", "yes" — is [`QueryKind::verdict`].

use std::time::{Duration, Instant};

use airtight_encodings::budget::{Budget, Stage};
use airtight_encodings::eval::{evaluate, Decision, Evaluation, PolicySet};
use airtight_encodings::glob::Glob;
use airtight_encodings::request::{ContextValue, Request};
use airtight_encodings::smt::compile::{compile_set, CompileError};
use airtight_encodings::smt::factory::{self, and, not, or};
use airtight_encodings::smt::search::{search, SearchOptions, SearchOutcome, DEFAULT_STATE_LIMIT};
use airtight_encodings::smt::symbolic::Symbolic;
use airtight_encodings::smt::term::Term;
use airtight_encodings::smt::universe::universe;
use airtight_encodings::span::Span;
use airtight_encodings::trace::explain;

#[derive(Debug, Clone)]
pub struct QueryOptions {
    /// The deadline and memory budget. Everything asked with one budget shares it (its clock
    /// starts when it is made): make one per question, or one per command to bound the
    /// command as a whole (`deny::check` asks several questions with it).
    pub budget: Budget,
    pub max_counterexamples: usize,
}

impl Default for QueryOptions {
    /// The default budget (10 s from now, 2 GiB) and one counterexample.
    fn default() -> QueryOptions {
        QueryOptions {
            budget: Budget::default(),
            max_counterexamples: 1,
        }
    }
}

/// What the search for a request found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Such requests exist: the answer's counterexamples (certified by the evaluator).
    Found,
    /// Proved: no such request exists (the solver said unsat on the whole question).
    NoneExists,
    /// No answer: a timeout, a resource limit or a construct the encoding does not support.
    Unknown { reason: String, span: Option<Span> },
}

/// Which question was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    Equiv,
    NoNewAccess,
    Can,
    Never,
}

/// What an outcome says about the question asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The property holds: equivalent, no new access, never granted — or, for `can`, such a
    /// request is allowed.
    Yes,
    /// The property is violated, with counterexamples — or, for `can`, proved impossible.
    No,
    Unknown,
}

impl QueryKind {
    /// The command name.
    pub fn name(self) -> &'static str {
        match self {
            QueryKind::Equiv => "equiv",
            QueryKind::NoNewAccess => "no-new-access",
            QueryKind::Can => "can",
            QueryKind::Never => "never",
        }
    }

    /// The answer to the question: `can` asks whether a request exists, the others whether
    /// none does.
    pub fn verdict(self, outcome: &Outcome) -> Verdict {
        match (self, outcome) {
            (_, Outcome::Unknown { .. }) => Verdict::Unknown,
            (QueryKind::Can, Outcome::Found) => Verdict::Yes,
            (QueryKind::Can, Outcome::NoneExists) => Verdict::No,
            (_, Outcome::NoneExists) => Verdict::Yes,
            (_, Outcome::Found) => Verdict::No,
        }
    }
}

/// A request on which the property fails, with each side's decision.
#[derive(Debug, Clone)]
pub struct Counterexample {
    pub request: Request,
    pub left: Evaluation,
    pub right: Option<Evaluation>,
    /// Why the left (or only) side decided as it did, in the evaluator's terms
    /// ([`airtight_encodings::trace::explain`]).
    pub why: Vec<String>,
    /// The same for the right side of a two-sided question.
    pub why_right: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Answer {
    pub outcome: Outcome,
    pub counterexamples: Vec<Counterexample>,
    pub elapsed: Duration,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum QueryError {
    #[error("internal error: the solver's counterexample was not confirmed by the evaluator; this is a bug in airtight, not a finding. Please report it with the policy files, the command line and this request: {0}")]
    Uncertified(String),
}

/// What `can` asks about: request constraints, each a list of glob patterns.
#[derive(Debug, Clone, Default)]
pub struct Constraints {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    pub principals: Vec<String>,
    pub not_principals: Vec<String>,
    /// `(key, value)`: the key is present with this (single) value.
    pub context: Vec<(String, String)>,
    /// Keys that must be absent.
    pub absent: Vec<String>,
    /// The caller's tags, when it is a known principal: every `aws:PrincipalTag/…` key has
    /// the tag's value, or is absent when the caller has no such tag.
    pub principal_tags: Option<std::collections::BTreeMap<String, String>>,
    /// The resource's tags, when it is a known resource: every `aws:ResourceTag/…` key has the
    /// tag's value, or is absent.
    pub resource_tags: Option<std::collections::BTreeMap<String, String>>,
}

/// The context-key prefixes of tags.
const PRINCIPAL_TAG: &str = "aws:principaltag/";
const RESOURCE_TAG: &str = "aws:resourcetag/";

/// A and B allow exactly the same requests.
pub fn equiv(
    left: &PolicySet,
    right: &PolicySet,
    options: &QueryOptions,
) -> Result<Answer, QueryError> {
    run(
        &[left, right],
        options,
        |sym| {
            let l = compile_set(sym, left)?.allow;
            let r = compile_set(sym, right)?.allow;
            Ok(or([and([l.clone(), not(r.clone())]), and([not(l), r])]))
        },
        |req| {
            let (l, r) = (evaluate(left, req), evaluate(right, req));
            (
                (l.decision == Decision::Allow) != (r.decision == Decision::Allow),
                l,
                Some(r),
            )
        },
    )
}

/// Every request NEW allows, OLD allows too (AWS CheckNoNewAccess).
pub fn no_new_access(
    old: &PolicySet,
    new: &PolicySet,
    options: &QueryOptions,
) -> Result<Answer, QueryError> {
    run(
        &[old, new],
        options,
        |sym| {
            let o = compile_set(sym, old)?.allow;
            let n = compile_set(sym, new)?.allow;
            Ok(and([n, not(o)]))
        },
        |req| {
            let (o, n) = (evaluate(old, req), evaluate(new, req));
            (
                n.decision == Decision::Allow && o.decision != Decision::Allow,
                o,
                Some(n),
            )
        },
    )
}

/// Some request matching `constraints` is allowed: [`Outcome::Found`] with examples, or
/// proved impossible.
pub fn can(
    set: &PolicySet,
    constraints: &Constraints,
    options: &QueryOptions,
) -> Result<Answer, QueryError> {
    let fixed: Vec<(String, String)> = constraints.context.clone();
    let answer = run(
        &[set],
        options,
        |sym| {
            let allow = compile_set(sym, set)?.allow;
            let c = constraint_terms(sym, constraints);
            Ok(and([allow, c]))
        },
        |req| {
            let req = with_fixed_context(req, &fixed);
            let e = evaluate(set, &req);
            (
                e.decision == Decision::Allow && satisfies(&req, constraints),
                e,
                None,
            )
        },
    )?;
    Ok(Answer {
        counterexamples: answer
            .counterexamples
            .into_iter()
            .map(|c| Counterexample {
                request: with_fixed_context(&c.request, &fixed),
                ..c
            })
            .collect(),
        ..answer
    })
}

/// The policies grant none of these actions on these resources (AWS CheckAccessNotGranted).
pub fn never(
    set: &PolicySet,
    actions: &[String],
    resources: &[String],
    options: &QueryOptions,
) -> Result<Answer, QueryError> {
    let constraints = Constraints {
        actions: actions.to_vec(),
        resources: resources.to_vec(),
        ..Constraints::default()
    };
    run(
        &[set],
        options,
        |sym| {
            let allow = compile_set(sym, set)?.allow;
            Ok(and([allow, constraint_terms(sym, &constraints)]))
        },
        |req| {
            let e = evaluate(set, req);
            (
                e.decision == Decision::Allow && satisfies(req, &constraints),
                e,
                None,
            )
        },
    )
}

/// Keys Lambda sets on the `InvokeFunctionUrl` authorization of a function-URL call and not on
/// its `InvokeFunction` one.
const URL_ONLY_KEYS: [&str; 2] = ["lambda:functionurlauthtype", "lambda:functionarn"];
/// Set (to `true`) on the `InvokeFunction` authorization of a function-URL call.
const VIA_URL_KEY: &str = "lambda:invokedviafunctionurl";

/// The `lambda:InvokeFunction` request Lambda also authorizes for a function-URL call (since
/// October 2025): the same caller, function and context, without the URL-only keys, with
/// `lambda:InvokedViaFunctionUrl = true`.
pub fn url_invoke_request(url_call: &Request) -> Request {
    let mut r = url_call.clone();
    r.action = "lambda:InvokeFunction".into();
    for k in URL_ONLY_KEYS {
        r.context.remove(k);
    }
    r.with(
        "lambda:InvokedViaFunctionUrl",
        ContextValue::Single("true".into()),
    )
}

/// Some function-URL call matching `constraints` (their actions are ignored) gets through.
/// Since October 2025 Lambda authorizes such a call twice — `lambda:InvokeFunctionUrl` and
/// `lambda:InvokeFunction` (docs/semantics.md §7.7) — and both must be allowed. Each example
/// is the `InvokeFunctionUrl` request, certified together with its `InvokeFunction` twin
/// ([`url_invoke_request`]).
pub fn can_invoke_url(
    set: &PolicySet,
    constraints: &Constraints,
    options: &QueryOptions,
) -> Result<Answer, QueryError> {
    let constraints = Constraints {
        actions: vec!["lambda:InvokeFunctionUrl".into()],
        ..constraints.clone()
    };
    run(
        &[set],
        options,
        |sym| {
            let allow = compile_set(sym, set)?.allow;
            let mut fixed = factory::Fixed {
                strs: vec![(sym.action, "lambda:InvokeFunction".into())],
                bools: Vec::new(),
            };
            for k in URL_ONLY_KEYS {
                if let Some(kv) = sym.keys.get(k) {
                    fixed.bools.push((kv.present, false));
                }
            }
            if let Some(kv) = sym.keys.get(VIA_URL_KEY) {
                fixed.bools.push((kv.present, true));
                for e in &kv.elems {
                    if let airtight_encodings::smt::symbolic::Elem::Bool(b) = e {
                        fixed.bools.push((*b, true));
                    }
                }
            }
            let invoke = factory::fix(&allow, &sym.vars, &fixed);
            Ok(and([allow, invoke, constraint_terms(sym, &constraints)]))
        },
        |req| {
            let url = evaluate(set, req);
            let invoke = evaluate(set, &url_invoke_request(req));
            (
                url.decision == Decision::Allow
                    && invoke.decision == Decision::Allow
                    && satisfies(req, &constraints),
                url,
                Some(invoke),
            )
        },
    )
}

fn with_fixed_context(req: &Request, fixed: &[(String, String)]) -> Request {
    let mut req = req.clone();
    for (k, v) in fixed {
        if !req.context.contains_key(&k.to_ascii_lowercase()) {
            req = req.with(k, ContextValue::Single(v.clone()));
        }
    }
    req
}

fn any_glob(patterns: &[String], subject: &str, case_insensitive: bool) -> bool {
    patterns.is_empty()
        || patterns
            .iter()
            .any(|p| Glob::wildcard(p, case_insensitive).matches(subject))
}

/// The constraints checked on a concrete request (the certification side of
/// [`constraint_terms`]).
fn satisfies(req: &Request, c: &Constraints) -> bool {
    any_glob(&c.actions, &req.action, true)
        && any_glob(&c.resources, &req.resource, false)
        && any_glob(&c.principals, &req.principal, false)
        && !c.not_principals.iter().any(|p| Glob::wildcard(p, false).matches(&req.principal))
        && c.context.iter().all(|(k, v)| matches!(req.value(&k.to_ascii_lowercase()).as_deref(), Some(ContextValue::Single(x)) if x == v))
        && c.absent.iter().all(|k| req.value(&k.to_ascii_lowercase()).is_none())
        && c.principal_tags.as_ref().is_none_or(|tags| tags_match(req, PRINCIPAL_TAG, tags))
        && c.resource_tags.as_ref().is_none_or(|tags| tags_match(req, RESOURCE_TAG, tags))
}

/// `tags` as context keys under `prefix`, lower-cased.
fn tag_keys<'t>(
    prefix: &str,
    tags: &'t std::collections::BTreeMap<String, String>,
) -> std::collections::BTreeMap<String, &'t String> {
    tags.iter()
        .map(|(k, v)| (format!("{prefix}{}", k.to_ascii_lowercase()), v))
        .collect()
}

/// Every key of `req` under `prefix` is one of `tags`, with its value.
fn tags_match(
    req: &Request,
    prefix: &str,
    tags: &std::collections::BTreeMap<String, String>,
) -> bool {
    let lower = tag_keys(prefix, tags);
    req.context
        .iter()
        .filter(|(k, _)| k.starts_with(prefix))
        .all(|(k, e)| {
            matches!((&e.value, lower.get(k)), (ContextValue::Single(v), Some(want)) if v == *want)
        })
}

/// Every modelled key under `prefix` has its tag's value, or is absent.
fn tags_fixed(
    sym: &mut Symbolic,
    prefix: &str,
    tags: &std::collections::BTreeMap<String, String>,
) -> Vec<Term> {
    let lower = tag_keys(prefix, tags);
    let modelled: Vec<String> = sym
        .keys
        .keys()
        .filter(|k| k.starts_with(prefix))
        .cloned()
        .collect();
    modelled
        .into_iter()
        .map(|k| match lower.get(&k) {
            Some(v) => airtight_encodings::smt::compile::key_equals(sym, &k, v),
            None => not(sym.key_present(&k)),
        })
        .collect()
}

fn constraint_terms(sym: &mut Symbolic, c: &Constraints) -> Term {
    let mut parts = Vec::new();
    if !c.actions.is_empty() {
        let alts: Vec<Term> = c
            .actions
            .iter()
            .map(|a| factory::matches(&mut sym.vars, sym.action, Glob::wildcard(a, true)))
            .collect();
        parts.push(or(alts));
    }
    if !c.resources.is_empty() {
        let cases = sym.resource_cases();
        let alts: Vec<Term> = c
            .resources
            .iter()
            .map(|r| sym.cases_match(&cases, &Glob::wildcard(r, false)))
            .collect();
        parts.push(or(alts));
    }
    let cases = sym.principal_cases();
    if !c.principals.is_empty() {
        let alts: Vec<Term> = c
            .principals
            .iter()
            .map(|p| sym.cases_match(&cases, &Glob::wildcard(p, false)))
            .collect();
        parts.push(or(alts));
    }
    for p in &c.not_principals {
        parts.push(not(sym.cases_match(&cases, &Glob::wildcard(p, false))));
    }
    for (k, v) in &c.context {
        parts.push(airtight_encodings::smt::compile::key_equals(
            sym,
            &k.to_ascii_lowercase(),
            v,
        ));
    }
    for k in &c.absent {
        parts.push(not(sym.key_present(&k.to_ascii_lowercase())));
    }
    if let Some(tags) = &c.principal_tags {
        parts.extend(tags_fixed(sym, PRINCIPAL_TAG, tags));
    }
    if let Some(tags) = &c.resource_tags {
        parts.extend(tags_fixed(sym, RESOURCE_TAG, tags));
    }
    and(parts)
}

type Certify<'a> = dyn Fn(&Request) -> (bool, Evaluation, Option<Evaluation>) + 'a;

fn run(
    sets: &[&PolicySet],
    options: &QueryOptions,
    goal: impl FnOnce(&mut Symbolic) -> Result<Term, CompileError>,
    certify: impl Fn(&Request) -> (bool, Evaluation, Option<Evaluation>),
) -> Result<Answer, QueryError> {
    let start = Instant::now();
    let unknown = |reason: String| Answer {
        outcome: Outcome::Unknown { reason, span: None },
        counterexamples: Vec::new(),
        elapsed: start.elapsed(),
    };
    if let Err(e) = options.budget.check(|| Stage::Queued) {
        return Ok(unknown(e.to_string()));
    }
    let mut sym = universe(sets);
    let goal = match goal(&mut sym) {
        Ok(g) => g,
        Err(e) => {
            let span = Some(e.span());
            return Ok(Answer {
                outcome: Outcome::Unknown {
                    reason: e.to_string(),
                    span,
                },
                counterexamples: Vec::new(),
                elapsed: start.elapsed(),
            });
        }
    };
    let certify: &Certify = &certify;
    let search_options = SearchOptions {
        budget: options.budget.clone(),
        max_results: options.max_counterexamples.max(1),
        state_limit: DEFAULT_STATE_LIMIT,
    };
    let outcome = search(&sym, goal, &search_options, &|req| certify(req).0);
    let (outcome, requests) = match outcome {
        SearchOutcome::NoneExists => (Outcome::NoneExists, Vec::new()),
        SearchOutcome::Found(reqs) => (Outcome::Found, reqs),
        SearchOutcome::Unknown(reason) => (Outcome::Unknown { reason, span: None }, Vec::new()),
        SearchOutcome::Uncertified(req) => {
            return Err(QueryError::Uncertified(req.to_json().to_string()))
        }
    };
    let counterexamples = requests
        .into_iter()
        .map(|request| {
            let (_, left, right) = certify(&request);
            let why = sets
                .first()
                .map(|set| explain(set, &request))
                .unwrap_or_default();
            let why_right = sets
                .get(1)
                .map(|set| explain(set, &request))
                .unwrap_or_default();
            Counterexample {
                request,
                left,
                right,
                why,
                why_right,
            }
        })
        .collect();
    Ok(Answer {
        outcome,
        counterexamples,
        elapsed: start.elapsed(),
    })
}
