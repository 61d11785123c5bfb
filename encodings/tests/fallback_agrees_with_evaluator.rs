//! Property test for the string fallback: policy sets whose string groups are too large to
//! partition (many infix wildcards, 20+ condition keys tied by policy variables, 25+ statements
//! of a scaling family), so their variables stay Z3 strings (`smt/finite.rs`).
//!
//! For every generated set and request, the solver is asked, through [`search`] (which also
//! asks for readable models, pushing solver scopes, and certifies every model with the
//! evaluator), whether an allowed and whether a denied request equal to it exists; exactly the
//! evaluator's answer must come back. A second question, "is anything allowed?", must find a
//! certified request whenever a sampled request is allowed, and never claim that nothing is.
//! Strings use characters the fallback once could not spell (`é`, `\`) and the Kelvin sign
//! U+212A, which folds to `k`.
//!
//! The partition budget is lowered (to [`LIMIT`] states) so that each question gives up on the
//! partition quickly; past the budget the code path is the one the default budget takes (the
//! scaling family of statements exceeds the default as well, and
//! `oversized_partition_regression.rs` checks a query at the default budget). The test asserts
//! that most cases really take the fallback.

#![allow(clippy::unwrap_used, reason = "tests")]

use airtight_encodings::eval::{evaluate, Decision, PolicySet};
use airtight_encodings::glob::Glob;
use airtight_encodings::parse::parse_policy;
use airtight_encodings::request::{ContextValue, Request};
use airtight_encodings::smt::compile::{compile_set, request_is};
use airtight_encodings::smt::factory::{self, and, not};
use airtight_encodings::smt::finite::finitize;
use airtight_encodings::smt::search::{search, SearchOptions, SearchOutcome};
use airtight_encodings::smt::symbolic::Symbolic;
use airtight_encodings::span::FileId;
use proptest::prelude::*;
use proptest::test_runner::{RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};

/// The partition budget of every question here (the default is 200,000).
const LIMIT: usize = 200;
const ROLE: &str = "arn:aws:iam::111122223333:role/app";
const ACCOUNT: &str = "111122223333";
/// Pattern and string characters: lower and upper case, the Kelvin sign, non-ASCII, the
/// backslash, a slash.
const CHARS: [char; 9] = ['a', 'b', 'k', 'K', '\u{212A}', 'é', 'É', '\\', '/'];

/// One generated problem: a policy set and requests to compare on.
#[derive(Debug, Clone)]
struct Case {
    /// The identity policy's text, for failure messages.
    text: String,
    set: PolicySet,
    requests: Vec<Request>,
}

impl Case {
    fn new(statements: Vec<Value>, requests: Vec<Request>) -> Case {
        let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        let parsed = parse_policy(&text, FileId(0));
        let policy = parsed
            .policy
            .unwrap_or_else(|| panic!("does not parse: {text}\n{:?}", parsed.diagnostics));
        Case {
            text,
            set: PolicySet {
                identity: vec![policy],
                ..PolicySet::default()
            },
            requests,
        }
    }
}

#[derive(Debug, Default)]
struct Stats {
    cases: usize,
    fallback_cases: usize,
    compared: usize,
    allowed: usize,
    unknown: usize,
    found_any: usize,
    any_unknown: usize,
}

fn word(chars: &[usize]) -> String {
    chars.iter().map(|&i| CHARS[i % CHARS.len()]).collect()
}

/// A pattern `*w1*w2*…*` (anchored at either end sometimes), `?` now and then.
fn infix_pattern() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::collection::vec(0..CHARS.len() + 1, 1..3), 1..4),
        prop::bool::weighted(0.8),
        prop::bool::weighted(0.8),
    )
        .prop_map(|(words, lead, trail)| {
            let words: Vec<String> = words
                .iter()
                .map(|w| {
                    w.iter()
                        .map(|&i| CHARS.get(i).copied().unwrap_or('?'))
                        .collect()
                })
                .collect();
            format!(
                "{}{}{}",
                if lead { "*" } else { "" },
                words.join("*"),
                if trail { "*" } else { "" }
            )
        })
}

/// A string matching `pattern`: each `*` becomes 0–2 characters, each `?` one.
fn instance(pattern: &str, fill: &[usize]) -> String {
    let mut out = String::new();
    let mut k = 0;
    let mut next = || {
        k += 1;
        fill.get(k - 1).copied().unwrap_or(k)
    };
    for c in pattern.chars() {
        match c {
            '*' => {
                let n = next() % 3;
                for _ in 0..n {
                    out.push(CHARS[next() % CHARS.len()]);
                }
            }
            '?' => out.push(CHARS[next() % CHARS.len()]),
            c => out.push(c),
        }
    }
    out
}

fn get_object(resource: &str) -> Request {
    Request::new(Some(ROLE), "s3:GetObject", resource, Some(ACCOUNT))
}

/// Family 1: a few statements, each allowing or denying `s3:GetObject` on several infix
/// resources. Requests: instances of the patterns and random keys.
fn infix_resources() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(
            (
                prop::bool::weighted(0.75),
                prop::collection::vec(infix_pattern(), 2..5),
            ),
            2..4,
        ),
        prop::collection::vec((0..16usize, prop::collection::vec(0..64usize, 12)), 4),
    )
        .prop_map(|(stmts, reqs)| {
            let patterns: Vec<String> = stmts.iter().flat_map(|(_, ps)| ps.clone()).collect();
            let statements = stmts
                .iter()
                .map(|(allow, ps)| {
                    let resources: Vec<String> =
                        ps.iter().map(|p| format!("arn:aws:s3:::{p}")).collect();
                    json!({
                        "Effect": if *allow { "Allow" } else { "Deny" },
                        "Action": "s3:GetObject",
                        "Resource": resources,
                    })
                })
                .collect();
            let requests = reqs
                .iter()
                .map(|(pick, fill)| {
                    let key = match patterns.get(*pick) {
                        Some(p) => instance(p, fill),
                        None => word(&fill[..1 + fill[0] % 5]),
                    };
                    // The resource part of an ARN is never empty.
                    let key = if key.is_empty() { "a".to_string() } else { key };
                    get_object(&format!("arn:aws:s3:::{key}"))
                })
                .collect();
            Case::new(statements, requests)
        })
}

/// Family 2: 20–23 string condition keys, each tested with an infix `StringLike` pattern
/// `*c1*c2*`, about a third also tied to `${aws:PrincipalTag/team}`, so that those form one
/// group with one infix glob per key (the others are partitioned on their own, next to it); a
/// Deny statement refuses values containing `z` in a few keys. (Tying every key would make the
/// solver intersect twenty expressions on one string, which Z3 4.8.12 takes minutes over.)
/// Requests mostly set every key to a team value that satisfies all patterns, then change one
/// key (absent, other value, `z` added).
fn condition_keys() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(
            (0..CHARS.len(), 0..CHARS.len(), prop::bool::weighted(0.35)),
            20..24,
        ),
        prop::collection::vec(0..24usize, 1..4),
        prop::collection::vec(prop::collection::vec(0..64usize, 8), 3),
    )
        .prop_map(|(keys, denied, reqs)| {
            let n = keys.len();
            let name = |i: usize| format!("aws:ResourceTag/k{i}");
            let mut like = serde_json::Map::new();
            let mut tied = serde_json::Map::new();
            let mut deny = serde_json::Map::new();
            for (i, (c1, c2, tie)) in keys.iter().enumerate() {
                like.insert(name(i), json!(format!("*{}*{}*", CHARS[*c1], CHARS[*c2])));
                if *tie {
                    tied.insert(name(i), json!("${aws:PrincipalTag/team}"));
                }
            }
            for j in &denied {
                deny.insert(name(j % n), json!("*z*"));
            }
            let statements = vec![
                json!({
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "*",
                    "Condition": {"StringLike": like, "StringEquals": tied},
                }),
                json!({
                    "Effect": "Deny",
                    "Action": "s3:GetObject",
                    "Resource": "*",
                    "Condition": {"StringLike": deny},
                }),
            ];
            // A value every pattern matches.
            let solution: String = keys
                .iter()
                .flat_map(|(c1, c2, _)| [CHARS[*c1], CHARS[*c2]])
                .collect();
            let requests = reqs
                .iter()
                .map(|fill| {
                    let random = fill[0] % 4 == 0;
                    let team = if random {
                        word(&fill[1..1 + fill[1] % 6])
                    } else {
                        solution.clone()
                    };
                    let changed = (fill[0] % 4 == 3).then_some(fill[2] % n);
                    let mut r = get_object("arn:aws:s3:::bucket/key")
                        .with("aws:PrincipalTag/team", ContextValue::Single(team.clone()));
                    for i in 0..n {
                        let value = match (changed == Some(i), fill[3] % 3) {
                            (true, 0) => continue,
                            (true, 1) => format!("{team}z"),
                            (true, _) => word(&fill[4..4 + fill[4] % 4]),
                            (false, _) if random && (fill[5] + i) % 5 == 0 => {
                                word(&fill[6..6 + fill[6] % 3])
                            }
                            (false, _) => team.clone(),
                        };
                        r = r.with(&name(i), ContextValue::Single(value));
                    }
                    r
                })
                .collect();
            Case::new(statements, requests)
        })
}

/// Family 3: 25–28 statements of a scaling family, statement `i` allowing `s3:GetObject` on
/// `arn:aws:s3:::*{w(i)}*` (and a few denying), with `w(i)` a letter and `i / 3`.
fn many_statements() -> impl Strategy<Value = Case> {
    (
        25..29usize,
        prop::collection::vec(0..29usize, 2),
        prop::collection::vec(prop::collection::vec(0..30usize, 4), 4),
    )
        .prop_map(|(n, denied, reqs)| {
            let w = |i: usize| format!("{}{}", CHARS[i % 3 * 3], i / 3);
            let statements = (0..n)
                .map(|i| {
                    let effect = if denied.contains(&i) { "Deny" } else { "Allow" };
                    json!({
                        "Effect": effect,
                        "Action": "s3:GetObject",
                        "Resource": format!("arn:aws:s3:::*{}*", w(i)),
                    })
                })
                .collect();
            let requests = reqs
                .iter()
                .map(|picks| {
                    let mut key = String::new();
                    for &p in picks {
                        key.push_str(&match p % 3 {
                            0 => w(p),
                            1 => CHARS[p % CHARS.len()].to_string(),
                            _ => format!("{}", p % 10),
                        });
                    }
                    get_object(&format!("arn:aws:s3:::{key}"))
                })
                .collect();
            Case::new(statements, requests)
        })
}

fn options() -> SearchOptions {
    SearchOptions {
        state_limit: LIMIT,
        budget: airtight_encodings::budget::Budget::new(
            std::time::Duration::from_millis(30_000),
            airtight_encodings::budget::DEFAULT_MEMORY,
        ),
        ..SearchOptions::default()
    }
}

fn allowed(set: &PolicySet, r: &Request) -> bool {
    evaluate(set, r).decision == Decision::Allow
}

/// Checks one case; returns an error message on disagreement. `ask_any`: also ask whether
/// anything is allowed (costly when many fallback strings are tied together).
fn check(case: &Case, ask_any: bool, stats: &mut Stats) -> Result<(), String> {
    let set = &case.set;
    stats.cases += 1;
    // Coverage: whether some group of the set itself is left as a string.
    {
        let mut sym = Symbolic::new(&[set]);
        let allow = compile_set(&mut sym, set).unwrap().allow;
        let mut assertions = sym.well_formed.clone();
        assertions.push(allow);
        let finite = finitize(&sym.vars, &assertions, LIMIT).unwrap();
        if finite.groups.iter().any(|g| g.partition.is_none()) {
            stats.fallback_cases += 1;
        }
    }
    let mut some_allowed = false;
    for request in &case.requests {
        let expected = allowed(set, request);
        some_allowed |= expected;
        let mut answers = [None; 2];
        for (i, want) in [true, false].into_iter().enumerate() {
            let mut sym = Symbolic::new(&[set]);
            let allow = compile_set(&mut sym, set).unwrap().allow;
            let fixed = request_is(&mut sym, request);
            let decision = if want { allow } else { not(allow) };
            let outcome = search(&sym, and([decision, fixed]), &options(), &|r| {
                allowed(set, r) == want && r.resource == request.resource
            });
            answers[i] = match outcome {
                SearchOutcome::Found(_) => Some(true),
                SearchOutcome::NoneExists => Some(false),
                SearchOutcome::Unknown(_) => None,
                SearchOutcome::Uncertified(r) => {
                    return Err(format!(
                        "uncertified model {} for {}",
                        r.to_json(),
                        request.to_json()
                    ))
                }
            };
        }
        match answers {
            [Some(a), Some(d)] => {
                stats.compared += 1;
                if expected {
                    stats.allowed += 1;
                }
                if (a, d) != (expected, !expected) {
                    return Err(format!(
                        "solver (allowed: {a}, denied: {d}), evaluator allowed: {expected}, for {}",
                        request.to_json()
                    ));
                }
            }
            _ => stats.unknown += 1,
        }
    }
    if !ask_any {
        return Ok(());
    }
    // "Is anything allowed?": a certified request whenever one exists.
    let mut sym = Symbolic::new(&[set]);
    let allow = compile_set(&mut sym, set).unwrap().allow;
    let action = factory::matches(
        &mut sym.vars,
        sym.action,
        Glob::literal("s3:GetObject", true),
    );
    // Open questions over many infix expressions can take Z3 4.8.12 long: a shorter timeout,
    // its unknowns counted apart.
    let options = SearchOptions {
        budget: airtight_encodings::budget::Budget::new(
            std::time::Duration::from_millis(5_000),
            airtight_encodings::budget::DEFAULT_MEMORY,
        ),
        ..options()
    };
    match search(&sym, and([allow, action]), &options, &|r| {
        allowed(set, r) && r.action == "s3:GetObject"
    }) {
        SearchOutcome::Found(_) => stats.found_any += 1,
        SearchOutcome::NoneExists if some_allowed => {
            return Err("the solver says nothing is allowed, the evaluator allows a sample".into())
        }
        SearchOutcome::NoneExists => {}
        SearchOutcome::Unknown(_) => stats.any_unknown += 1,
        SearchOutcome::Uncertified(r) => return Err(format!("uncertified model {}", r.to_json())),
    }
    Ok(())
}

fn run(name: &str, strategy: impl Strategy<Value = Case>, cases: u32, ask_any: bool) -> Stats {
    let mut runner = TestRunner::new_with_rng(
        ProptestConfig {
            cases,
            // Shrinking re-runs many slow cases; the first counterexample is reported as is.
            max_shrink_iters: 0,
            ..ProptestConfig::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let stats = std::cell::RefCell::new(Stats::default());
    let result = runner.run(&strategy, |case| {
        check(&case, ask_any, &mut stats.borrow_mut())
            .map_err(|e| TestCaseError::fail(format!("{e}\npolicy: {}", case.text)))
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    let stats = stats.into_inner();
    eprintln!("{name}: {stats:?}");
    // Not vacuous: the fallback was taken, decisions were compared both ways, and the solver
    // rarely gave up.
    assert!(
        stats.fallback_cases * 4 >= stats.cases * 3,
        "{name}: too few cases take the fallback"
    );
    assert!(
        stats.compared >= stats.cases * 2,
        "{name}: too few compared"
    );
    assert!(
        stats.allowed * 5 >= stats.compared,
        "{name}: too few allowed"
    );
    assert!(
        stats.allowed < stats.compared,
        "{name}: no denied request compared"
    );
    assert!(
        stats.unknown * 20 <= stats.compared,
        "{name}: too many unknowns"
    );
    assert!(
        !ask_any || stats.found_any * 2 >= stats.cases,
        "{name}: the solver rarely finds an allowed request"
    );
    assert!(
        stats.any_unknown * 5 <= stats.cases,
        "{name}: too many unknowns asking for any allowed request"
    );
    stats
}

#[test]
fn fallback_agrees_on_infix_resources() {
    run("infix resources", infix_resources(), 24, true);
}

#[test]
fn fallback_agrees_on_many_condition_keys() {
    // Asking for any allowed request takes Z3 4.8.12 seconds per check here (several tied
    // strings, each with its own infix expression); the fixed requests are what is compared.
    run("condition keys", condition_keys(), 8, false);
}

#[test]
fn fallback_agrees_on_many_statements() {
    run("many statements", many_statements(), 8, true);
}

/// Two variables of one fallback group that must be different strings of a class whose
/// characters all behave alike: `ResourceTag/owner` and `PrincipalTag/team` both equal `k`
/// ignoring case, yet differ (`K` and `k`, or the Kelvin sign). An alphabet with one character
/// per behaviour could not spell two such strings and would wrongly prove that nothing is
/// allowed. The many `StringNotLike` patterns on a third tied key only make the group too large
/// to partition.
#[test]
fn fallback_spells_different_strings_of_one_class() {
    let not_like: Vec<String> = ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .enumerate()
        .map(|(i, c)| format!("*{c}*{}*", ["x", "y", "z"][i % 3]))
        .collect();
    let statements = vec![json!({
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {
            "StringEqualsIgnoreCase": {"aws:ResourceTag/owner": "k", "aws:PrincipalTag/team": "k"},
            "StringNotEquals": {"aws:ResourceTag/owner": "${aws:PrincipalTag/team}"},
            "StringEquals": {"aws:ResourceTag/other": "${aws:PrincipalTag/team}"},
            "StringNotLike": {"aws:ResourceTag/other": not_like},
        },
    })];
    let case = Case::new(statements, Vec::new());
    let set = &case.set;
    let allowed_example = get_object("arn:aws:s3:::b/k")
        .with("aws:ResourceTag/owner", ContextValue::Single("K".into()))
        .with("aws:PrincipalTag/team", ContextValue::Single("k".into()))
        .with("aws:ResourceTag/other", ContextValue::Single("k".into()));
    assert!(allowed(set, &allowed_example));
    let mut sym = Symbolic::new(&[set]);
    let allow = compile_set(&mut sym, set).unwrap().allow;
    let mut assertions = sym.well_formed.clone();
    assertions.push(allow.clone());
    let finite = finitize(&sym.vars, &assertions, LIMIT).unwrap();
    assert!(
        finite
            .groups
            .iter()
            .any(|g| g.partition.is_none() && g.members.len() == 3),
        "the tied keys no longer fall back"
    );
    let outcome = search(&sym, allow, &options(), &|r| allowed(set, r));
    assert!(
        matches!(outcome, SearchOutcome::Found(_)),
        "expected an allowed request, got {outcome:?}"
    );
}
