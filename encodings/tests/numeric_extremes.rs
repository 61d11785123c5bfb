//! Numeric condition values at the extremes of magnitude and precision (issue 17): literals
//! beyond `i128`, literals with 38 decimals beside plain integers, exponents of ±65535 and at
//! the ends of the range. The concrete evaluator and the SMT encoding must agree on every
//! request, queries must find the requests that exist (certified by the evaluator), values out
//! of range must be parse errors with a span, and nothing may panic.

#![allow(clippy::unwrap_used, reason = "tests")]

use airtight_encodings::eval::{evaluate, Decision, PolicySet};
use airtight_encodings::glob::Glob;
use airtight_encodings::parse::parse_policy;
use airtight_encodings::policy::Policy;
use airtight_encodings::request::{ContextValue, Request};
use airtight_encodings::smt::compile::{compile_set, request_is};
use airtight_encodings::smt::factory::{self, and, not, or};
use airtight_encodings::smt::finite::finitize;
use airtight_encodings::smt::search::{search, SearchOptions, SearchOutcome};
use airtight_encodings::smt::solver::{solve, Outcome};
use airtight_encodings::smt::symbolic::Symbolic;
use airtight_encodings::smt::term::Term;
use airtight_encodings::smt::universe::universe;
use airtight_encodings::span::FileId;
use proptest::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

const CALLER: &str = "arn:aws:iam::111122223333:role/app";
const KEY: &str = "s3:max-keys";

/// An identity policy of `(effect, condition body)` statements on `s3:ListBucket`.
fn try_policy(statements: &[(&str, String)]) -> Option<Policy> {
    let body: Vec<String> = statements
        .iter()
        .map(|(effect, condition)| {
            format!(
                r#"{{"Effect": "{effect}", "Action": "s3:ListBucket", "Resource": "*", "Condition": {{{condition}}}}}"#
            )
        })
        .collect();
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        body.join(", ")
    );
    parse_policy(&text, FileId(0)).policy
}

fn set(statements: &[(&str, &str)]) -> PolicySet {
    let owned: Vec<(&str, String)> = statements
        .iter()
        .map(|(e, c)| (*e, c.to_string()))
        .collect();
    let policy = try_policy(&owned).unwrap_or_else(|| panic!("does not parse: {statements:?}"));
    identity(policy)
}

fn identity(policy: Policy) -> PolicySet {
    PolicySet {
        identity: vec![policy],
        resource: None,
        boundary: None,
        session: None,
        scps: Vec::new(),
        rcps: Vec::new(),
        principal_account: None,
    }
}

fn request(max_keys: Option<&str>) -> Request {
    let r = Request::new(Some(CALLER), "s3:ListBucket", "arn:aws:s3:::bucket", None);
    match max_keys {
        Some(v) => r.with(KEY, ContextValue::Single(v.to_string())),
        None => r,
    }
}

fn allows(set: &PolicySet, request: &Request) -> bool {
    evaluate(set, request).decision == Decision::Allow
}

/// Whether the encoding says `request` is allowed by `set` (the solver asked whether
/// "allowed ∧ request = r" and "denied ∧ request = r" are satisfiable); `None` for a request
/// outside the model (a context value its key's type cannot read).
fn encoded_allows(set: &PolicySet, request: &Request) -> Option<bool> {
    let mut sym = universe(&[set]);
    let decision = compile_set(&mut sym, set).unwrap();
    let fixed = request_is(&mut sym, request);
    let sat = |goal: Term| -> bool {
        let mut assertions = sym.well_formed.clone();
        assertions.push(fixed.clone());
        assertions.push(goal);
        if and(assertions.clone()) == factory::FALSE {
            return false;
        }
        let f = finitize(&sym.vars, &assertions, 100_000).unwrap();
        match solve(&f.vars, &f.assertions, 20_000) {
            Outcome::Sat { .. } => true,
            Outcome::Unsat => false,
            Outcome::Unknown(why) => panic!("solver: {why}"),
        }
    };
    let (a, d) = (sat(decision.allow.clone()), sat(not(decision.allow)));
    assert!(!(a && d), "encoding both allows and denies {request:?}");
    (a || d).then_some(a)
}

/// Runs a query: requests satisfying `goal`, each certified by `certify`.
fn query(
    sets: &[&PolicySet],
    goal: impl FnOnce(&mut Symbolic) -> Term,
    certify: &dyn Fn(&Request) -> bool,
) -> SearchOutcome {
    let mut sym = universe(sets);
    let goal = goal(&mut sym);
    let options = SearchOptions {
        max_results: 2,
        ..SearchOptions::default()
    };
    search(&sym, goal, &options, certify)
}

/// `airtight never --action s3:ListBucket`, inverted: an allowed ListBucket request.
fn some_allowed(set: &PolicySet) -> SearchOutcome {
    let certify = |r: &Request| allows(set, r) && r.action.eq_ignore_ascii_case("s3:ListBucket");
    query(
        &[set],
        |sym| {
            let allow = compile_set(sym, set).unwrap().allow;
            let action = factory::matches(
                &mut sym.vars,
                sym.action,
                Glob::literal("s3:ListBucket", true),
            );
            and([allow, action])
        },
        &certify,
    )
}

/// A request `set` denies (of any action).
fn some_denied(set: &PolicySet) -> SearchOutcome {
    let certify = |r: &Request| !allows(set, r);
    query(
        &[set],
        |sym| not(compile_set(sym, set).unwrap().allow),
        &certify,
    )
}

/// `airtight equiv`, inverted: a request the two sets decide differently.
fn difference(a: &PolicySet, b: &PolicySet) -> SearchOutcome {
    let certify = |r: &Request| allows(a, r) != allows(b, r);
    query(
        &[a, b],
        |sym| {
            let (x, y) = (
                compile_set(sym, a).unwrap().allow,
                compile_set(sym, b).unwrap().allow,
            );
            or([and([x.clone(), not(y.clone())]), and([not(x), y])])
        },
        &certify,
    )
}

fn max_keys(r: &Request) -> Option<String> {
    match r.context.get(KEY).map(|e| &e.value) {
        Some(ContextValue::Single(v)) => Some(v.clone()),
        _ => None,
    }
}

/// The evaluator and the encoding agree on `s3:max-keys = value`.
fn agree(set: &PolicySet, value: &str, expected: bool) {
    let r = request(Some(value));
    assert_eq!(allows(set, &r), expected, "evaluator on {value}");
    assert_eq!(
        encoded_allows(set, &r),
        Some(expected),
        "encoding on {value}"
    );
}

#[test]
fn a_literal_beyond_i128_still_allows() {
    let s = set(&[("Allow", r#""NumericLessThan": {"s3:max-keys": "1e38"}"#)]);
    agree(&s, "5", true);
    agree(&s, "99999999999999999999999999999999999999.9", true);
    agree(&s, "1e38", false);
    match some_allowed(&s) {
        SearchOutcome::Found(found) => assert!(!found.is_empty()),
        other => panic!("`never` would say it holds: {other:?}"),
    }
}

#[test]
fn literals_near_1e38_are_told_apart() {
    let a = set(&[("Allow", r#""NumericLessThan": {"s3:max-keys": "5e37"}"#)]);
    let b = set(&[("Allow", r#""NumericLessThan": {"s3:max-keys": "1e38"}"#)]);
    agree(&a, "6e37", false);
    agree(&b, "6e37", true);
    match difference(&a, &b) {
        SearchOutcome::Found(found) => {
            for r in found {
                let v = max_keys(&r).expect("the difference is in s3:max-keys");
                assert!(allows(&b, &r) && !allows(&a, &r), "{v}");
            }
        }
        other => panic!("`equiv` would say equivalent: {other:?}"),
    }
}

#[test]
fn a_literal_with_38_decimals_does_not_hide_plain_integers() {
    let tiny = r#""NumericEquals": {"s3:max-keys": "0.00000000000000000000000000000000000001"}"#;
    let a = set(&[
        ("Allow", r#""NumericLessThan": {"s3:max-keys": "5"}"#),
        ("Deny", tiny),
    ]);
    let b = set(&[
        ("Allow", r#""NumericLessThan": {"s3:max-keys": "6"}"#),
        ("Deny", tiny),
    ]);
    agree(&a, "4", true);
    agree(&a, "1e-38", false);
    agree(&a, "2e-38", true);
    agree(&b, "5.5", true);
    agree(&a, "5.5", false);
    // `equiv`, `no-new-access` and `diff` all rest on this difference.
    match difference(&a, &b) {
        SearchOutcome::Found(found) => assert!(!found.is_empty()),
        other => panic!("`equiv` would say equivalent: {other:?}"),
    }
}

#[test]
fn a_tiny_exponent_neither_panics_nor_vanishes() {
    let s = set(&[("Allow", r#""NumericEquals": {"s3:max-keys": "1e-65535"}"#)]);
    agree(&s, "1e-65535", true);
    agree(&s, "0", false);
    agree(&s, "1.0e-65535", true);
    agree(&s, "1.1e-65535", false);
    match some_allowed(&s) {
        SearchOutcome::Found(found) => {
            for r in found {
                assert!(max_keys(&r).is_some_and(|v| v.contains("65535")), "{r:?}");
            }
        }
        other => panic!("no allowed request found: {other:?}"),
    }
    let below = set(&[("Allow", r#""NumericLessThan": {"s3:max-keys": "1e-65535"}"#)]);
    agree(&below, "0", true);
    agree(&below, "1e-65536", true);
    agree(&below, "1e-65535", false);
    assert!(matches!(some_denied(&below), SearchOutcome::Found(_)));
}

#[test]
fn a_huge_exponent_is_read_exactly() {
    let s = set(&[(
        "Allow",
        r#""NumericGreaterThan": {"s3:max-keys": "1e65535"}"#,
    )]);
    agree(&s, "2e65535", true);
    agree(&s, "1e65535", false);
    agree(&s, "-3e65535", false);
    assert!(matches!(some_allowed(&s), SearchOutcome::Found(_)));
    assert!(matches!(some_denied(&s), SearchOutcome::Found(_)));
}

#[test]
fn forty_digit_literals_compare_digit_by_digit() {
    let s = set(&[(
        "Allow",
        r#""NumericLessThanEquals": {"s3:max-keys": "1234567890123456789012345678901234567890"}"#,
    )]);
    agree(&s, "1234567890123456789012345678901234567890", true);
    agree(
        &s,
        "1234567890123456789012345678901234567890.0000000001",
        false,
    );
    agree(
        &s,
        "1234567890123456789012345678901234567889.9999999999",
        true,
    );
    agree(&s, "1234567890123456789012345678901234567891", false);
    agree(&s, "-1234567890123456789012345678901234567891", true);
}

#[test]
fn out_of_range_numbers_are_parse_errors_with_a_span() {
    for far in ["1e2147483648", "1e-2147483648", "1e99999999999999999999"] {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {{"NumericLessThan": {{"s3:max-keys": "{far}"}}}}}}]}}"#
        );
        let parsed = parse_policy(&text, FileId(0));
        assert!(parsed.policy.is_none(), "{far}");
        let errors: Vec<_> = parsed.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "{far}: {errors:?}");
        let e = errors[0];
        assert!(e.message.contains("out of range"), "{}", e.message);
        let label = e
            .labels
            .iter()
            .find(|l| l.primary)
            .expect("a primary label");
        assert!(text[label.span.range()].contains(far), "{far}");
    }
    // The same text in a request is a value the key's type cannot read: the test is false,
    // for positive and negated operators alike (§3.6).
    for op in ["NumericLessThan", "NumericNotEquals"] {
        let s = set(&[("Allow", &format!(r#""{op}": {{"s3:max-keys": "5"}}"#))]);
        assert!(!allows(&s, &request(Some("1e2147483648"))), "{op}");
        assert!(allows(&s, &request(Some("1e2147483647"))) == (op == "NumericNotEquals"));
    }
}

/// Number texts of every shape airtight reads: signs (`+` too), `.5` and `5.`, leading and
/// trailing zeros, 38–42 digit strings, exponents near 0, ±38, ±65535 and the ends of the range.
fn number_text() -> impl Strategy<Value = String> {
    let exponent = prop_oneof![
        3 => Just(None),
        3 => (-40i64..40).prop_map(Some),
        1 => (65530i64..65540).prop_map(Some),
        1 => (-65540i64..-65530).prop_map(Some),
        1 => (2147483600i64..2147483647).prop_map(Some),
        1 => (-2147483647i64..-2147483600).prop_map(Some),
    ];
    let generated = (
        prop::sample::select(vec!["", "+", "-"]),
        prop_oneof!["[0-9]{1,3}", "[1-9][0-9]{37,41}", "0{0,3}[1-9]{1,2}"],
        prop::option::of(prop_oneof!["[0-9]{0,3}", "0{30,40}[1-9]", "[0-9]{38,40}"]),
        exponent,
    )
        .prop_map(|(sign, int, frac, exp)| {
            let mut s = format!("{sign}{int}");
            if let Some(f) = frac {
                s.push('.');
                s.push_str(&f);
            }
            if let Some(x) = exp {
                s.push_str(&format!("e{x}"));
            }
            s
        });
    let fixed = prop::sample::select(vec![
        "5",
        "1e38",
        "5e37",
        "1e-38",
        "0.00000000000000000000000000000000000001",
        "1e-65535",
        "1e65535",
        "-1e-65535",
        "+5",
        ".5",
        "5.",
        "-0",
        "1e2147483647",
        "1e-2147483647",
        "12345678901234567890123456789012345678901",
    ])
    .prop_map(str::to_string);
    prop_oneof![3 => generated, 1 => fixed]
}

/// Any text: numbers, numbers out of range, hex-like and other junk.
fn any_text() -> impl Strategy<Value = String> {
    let junk = prop::sample::select(vec![
        "0x10",
        "1e2147483648",
        "1e-2147483648",
        "1e99999999999999999999",
        "NaN",
        "Infinity",
        "",
        ".",
        "-",
        "1e",
        "e5",
        "1.2.3",
        "1_000",
        "\u{661}",
    ])
    .prop_map(str::to_string);
    prop_oneof![3 => number_text(), 1 => junk, 1 => "[0-9a-fxXeE+. -]{0,12}", 1 => ".{0,12}"]
}

const OPS: [&str; 6] = [
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
];

type Stmt = (bool, usize, bool, Vec<String>);

fn statement() -> impl Strategy<Value = Stmt> {
    (
        prop::bool::weighted(0.7),
        0..OPS.len(),
        prop::bool::weighted(0.2),
        prop::collection::vec(number_text(), 1..4),
    )
}

fn condition((_, op, if_exists, values): &Stmt) -> String {
    let quoted: Vec<String> = values
        .iter()
        .map(|v| serde_json::Value::String(v.clone()).to_string())
        .collect();
    let suffix = if *if_exists { "IfExists" } else { "" };
    format!(
        r#""{}{suffix}": {{"{KEY}": [{}]}}"#,
        OPS[*op],
        quoted.join(", ")
    )
}

/// A request's `s3:max-keys`.
#[derive(Debug, Clone)]
enum Value {
    Text(String),
    /// The policy's i-th literal as written, so that equality is exercised.
    Literal(usize),
    Absent,
}

const CASES: u32 = 600;

static COMPARED: AtomicUsize = AtomicUsize::new(0);
static ALLOWED: AtomicUsize = AtomicUsize::new(0);
static UNPARSED: AtomicUsize = AtomicUsize::new(0);

/// On random numeric conditions × random request values, the encoding decides as the evaluator
/// does; and the requests the solver finds allowed or denied are confirmed by the evaluator
/// (each class decodes to a number that the evaluator reads in that class).
#[test]
fn encoding_agrees_with_evaluator_on_extreme_numbers() {
    let strategy = (
        prop::collection::vec(statement(), 1..4),
        prop::collection::vec(
            prop_oneof![
                2 => any_text().prop_map(Value::Text),
                2 => (0usize..12).prop_map(Value::Literal),
                1 => Just(Value::Absent),
            ],
            1..6,
        ),
    );
    let mut runner = proptest::test_runner::TestRunner::new_with_rng(
        ProptestConfig {
            cases: CASES,
            ..ProptestConfig::default()
        },
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let result = runner.run(&strategy, |(mut stmts, values)| {
        // The first statement allows, so that allow paths are exercised.
        stmts[0].0 = true;
        let owned: Vec<(&str, String)> = stmts
            .iter()
            .map(|s| (if s.0 { "Allow" } else { "Deny" }, condition(s)))
            .collect();
        let Some(policy) = try_policy(&owned) else {
            // A malformed or out-of-range literal: a parse error, which is the point.
            UNPARSED.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        };
        let s = identity(policy);
        let literals: Vec<&String> = stmts.iter().flat_map(|s| &s.3).collect();
        for v in &values {
            let value = match v {
                Value::Text(t) => Some(t.clone()),
                Value::Literal(i) => Some(literals[i % literals.len()].clone()),
                Value::Absent => None,
            };
            let r = request(value.as_deref());
            let concrete = allows(&s, &r);
            if let Some(symbolic) = encoded_allows(&s, &r) {
                COMPARED.fetch_add(1, Ordering::Relaxed);
                if concrete {
                    ALLOWED.fetch_add(1, Ordering::Relaxed);
                }
                prop_assert_eq!(symbolic, concrete, "s3:max-keys = {:?}", value);
            }
        }
        for outcome in [some_allowed(&s), some_denied(&s)] {
            prop_assert!(
                !matches!(
                    outcome,
                    SearchOutcome::Uncertified(_) | SearchOutcome::Unknown(_)
                ),
                "{:?}",
                outcome
            );
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (compared, allowed, unparsed) = (
        COMPARED.load(Ordering::Relaxed),
        ALLOWED.load(Ordering::Relaxed),
        UNPARSED.load(Ordering::Relaxed),
    );
    eprintln!("compared {compared} decisions, {allowed} allow; {unparsed} policies rejected");
    assert!(
        compared >= CASES as usize,
        "only {compared} decisions compared"
    );
    assert!(
        allowed * 10 >= compared,
        "too few allows: {allowed} of {compared}"
    );
    assert!(
        unparsed * 10 <= CASES as usize,
        "too many rejected policies: {unparsed}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Parsing any text as a numeric literal, evaluating any text as the request value, and
    /// asking the solver about the policy never panic; a literal that is not read is a parse
    /// error pointing at it.
    #[test]
    fn nothing_panics_on_any_text(op in 0..OPS.len(), literal in any_text(), value in any_text()) {
        let stmt = (true, op, false, vec![literal.clone()]);
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*", "Condition": {{{}}}}}]}}"#,
            condition(&stmt)
        );
        let parsed = parse_policy(&text, FileId(0));
        match parsed.policy {
            None => {
                let e = parsed.diagnostics.iter().find(|d| d.is_error()).expect("an error");
                prop_assert_eq!(e.code, "malformed-value");
                let label = e.labels.iter().find(|l| l.primary).expect("a primary label");
                let quoted = serde_json::Value::String(literal.clone()).to_string();
                prop_assert_eq!(&text[label.span.range()], quoted.as_str());
            }
            Some(policy) => {
                let s = identity(policy);
                let r = request(Some(&value));
                let concrete = allows(&s, &r);
                if let Some(symbolic) = encoded_allows(&s, &r) {
                    prop_assert_eq!(symbolic, concrete, "{} {:?} vs {:?}", OPS[op], literal, value);
                }
                prop_assert!(matches!(some_allowed(&s), SearchOutcome::Found(_) | SearchOutcome::NoneExists));
            }
        }
    }
}
