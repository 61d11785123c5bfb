//! Regression test for issue 15, item 1: seven infix-wildcard resources whose partition is too
//! large, so the resource stays a Z3 string (the fallback of `smt/finite.rs`).
//!
//! "allowed ∧ action = s3:GetObject ∧ resource matches arn:aws:s3:::*" used to end in an
//! uncertified model with the resource `arn:aws:s3:::`, which none of the patterns matches:
//! the solver was created for `QF_LIA`, and once a preference pushed a scope Z3 4.8.12
//! answered from a solver without the string theory, whose models give strings abstract
//! values that were read back as the empty string. The fallback also spelled strings in
//! printable ASCII only, so a request whose resource holds `é` or `\` could never be allowed
//! (a false "holds"). See `docs/encoding.md`, "When the partition is too large".

#![allow(clippy::unwrap_used, reason = "tests")]

use airtight_encodings::eval::{evaluate, Decision, PolicySet};
use airtight_encodings::glob::Glob;
use airtight_encodings::parse::parse_policy;
use airtight_encodings::policy::arn_template;
use airtight_encodings::request::Request;
use airtight_encodings::smt::compile::{compile_set, request_is};
use airtight_encodings::smt::factory::{self, and, not};
use airtight_encodings::smt::finite::finitize;
use airtight_encodings::smt::search::{search, SearchOptions, SearchOutcome};
use airtight_encodings::smt::symbolic::Symbolic;
use airtight_encodings::smt::term::Term;
use airtight_encodings::span::FileId;

const PATTERNS: [&str; 7] = [
    "arn:aws:s3:::*l*",
    "arn:aws:s3:::*m*t*",
    "arn:aws:s3:::*n*t*u*",
    "arn:aws:s3:::*o*t*u*v*",
    "arn:aws:s3:::*p*s*t*u*v*w*",
    "arn:aws:s3:::*q*t*u*v*w*x*",
    "arn:aws:s3:::*r*s*u*v*w*x*y*",
];

const ROLE: &str = "arn:aws:iam::123456789012:role/app";

/// The state budget for the fixed-request checks: far below the default, so each check gives
/// up on the partition quickly; the group falls back at this budget too (asserted below).
const SMALL_LIMIT: usize = 5_000;

fn policy_set() -> PolicySet {
    let text = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": PATTERNS}],
    })
    .to_string();
    PolicySet {
        identity: vec![parse_policy(&text, FileId(0)).policy.unwrap()],
        ..PolicySet::default()
    }
}

fn allowed(set: &PolicySet, request: &Request) -> bool {
    evaluate(set, request).decision == Decision::Allow
}

/// `sym` with `set` compiled, and "allowed ∧ action = s3:GetObject ∧ resource matches
/// arn:aws:s3:::*".
fn goal(set: &PolicySet) -> (Symbolic, Term) {
    let mut sym = Symbolic::new(&[set]);
    let allow = compile_set(&mut sym, set).unwrap().allow;
    let action = factory::matches(
        &mut sym.vars,
        sym.action,
        Glob::literal("s3:GetObject", true),
    );
    let cases = sym.resource_cases();
    let any_bucket = arn_template("arn:aws:s3:::*", false).0.to_glob().unwrap();
    let resource = sym.cases_match(&cases, &any_bucket);
    (sym, and([allow, action, resource]))
}

/// Whether the group holding the resource's last component is left as a string.
fn rest_falls_back(sym: &Symbolic, goal: &Term, limit: usize) -> bool {
    let mut assertions = sym.well_formed.clone();
    assertions.push(goal.clone());
    let finite = finitize(&sym.vars, &assertions, limit).unwrap();
    let group = finite.group_of[&sym.resource_rest];
    finite.groups[group].partition.is_none()
}

#[test]
fn any_bucket_query_finds_certified_requests_through_the_fallback() {
    let set = policy_set();
    let (sym, goal) = goal(&set);
    // The default partition bound, as `airtight can` uses it. Without the fallback the test
    // would no longer be about it.
    assert!(
        rest_falls_back(&sym, &goal, SearchOptions::default().state_limit),
        "the seven patterns no longer exceed the default partition budget"
    );
    // A budget's clock starts when it is made: a fresh one, generous for a loaded machine.
    let options = SearchOptions {
        budget: generous(),
        ..SearchOptions::default()
    };
    let outcome = search(&sym, goal, &options, &|r| certified(&set, r));
    let SearchOutcome::Found(requests) = outcome else {
        panic!("expected a certified request, got {outcome:?}");
    };
    assert_eq!(requests.len(), 1);
    assert_ne!(requests[0].resource, "arn:aws:s3:::");
    assert!(certified(&set, &requests[0]));
}

/// What `airtight can` certifies for this query.
fn certified(set: &PolicySet, r: &Request) -> bool {
    allowed(set, r) && r.action == "s3:GetObject" && r.resource.starts_with("arn:aws:s3:::")
}

#[test]
fn several_requests_are_found_by_blocking() {
    // Each further request is asked for with the previous ones excluded, so the solver has to
    // produce different strings, each checked by the evaluator.
    let set = policy_set();
    let (sym, goal) = goal(&set);
    assert!(rest_falls_back(&sym, &goal, SMALL_LIMIT));
    let options = SearchOptions {
        max_results: 4,
        state_limit: SMALL_LIMIT,
        budget: generous(),
    };
    let outcome = search(&sym, goal, &options, &|r| certified(&set, r));
    let SearchOutcome::Found(requests) = outcome else {
        panic!("expected certified requests, got {outcome:?}");
    };
    assert_eq!(requests.len(), 4, "blocking found too few requests");
    for r in &requests {
        assert!(certified(&set, r), "{}", r.to_json());
    }
}

/// The solver's answer for `request`, in both directions: (some allowed request equals it,
/// some denied request equals it). Each found request is certified by the evaluator.
fn solver_decides(set: &PolicySet, request: &Request) -> (bool, bool) {
    let options = SearchOptions {
        state_limit: SMALL_LIMIT,
        budget: generous(),
        ..SearchOptions::default()
    };
    let mut answers = [false; 2];
    for (i, want_allowed) in [true, false].into_iter().enumerate() {
        let mut sym = Symbolic::new(&[set]);
        let allow = compile_set(&mut sym, set).unwrap().allow;
        let fixed = request_is(&mut sym, request);
        let decision = if want_allowed { allow } else { not(allow) };
        let goal = and([decision, fixed]);
        assert!(
            rest_falls_back(&sym, &goal, SMALL_LIMIT),
            "{}: the resource no longer falls back",
            request.resource
        );
        let outcome = search(&sym, goal, &options, &|r| {
            allowed(set, r) == want_allowed && r.resource == request.resource
        });
        answers[i] = match outcome {
            SearchOutcome::Found(_) => true,
            SearchOutcome::NoneExists => false,
            other => panic!("{}: {other:?}", request.resource),
        };
    }
    (answers[0], answers[1])
}

#[test]
fn fixed_requests_agree_with_the_evaluator() {
    let set = policy_set();
    let cases: [(&str, bool); 10] = [
        ("arn:aws:s3:::l", true),
        ("arn:aws:s3:::bucket/mint", true),
        ("arn:aws:s3:::tm", false),
        ("arn:aws:s3:::rsuvwxy", true),
        ("arn:aws:s3:::yxwvusr", false),
        ("arn:aws:s3:::NTU", false),
        // Characters outside printable ASCII, and the backslash, which the fallback used to
        // exclude from every string.
        ("arn:aws:s3:::él", true),
        ("arn:aws:s3:::\\m\\t", true),
        ("arn:aws:s3:::é\\", false),
        ("arn:aws:s3:::b", false),
    ];
    for (resource, expected) in cases {
        let request = Request::new(Some(ROLE), "s3:GetObject", resource, Some("123456789012"));
        assert_eq!(allowed(&set, &request), expected, "evaluator on {resource}");
        let (can_allow, can_deny) = solver_decides(&set, &request);
        assert_eq!(
            (can_allow, can_deny),
            (expected, !expected),
            "solver on {resource}"
        );
    }
    // The resource of the old bogus model: no pattern matches it, so it is not allowed. Its
    // resource part is empty, which the request model leaves out, so neither direction finds
    // it; the point is that the allowed direction does not.
    let empty = Request::new(
        Some(ROLE),
        "s3:GetObject",
        "arn:aws:s3:::",
        Some("123456789012"),
    );
    assert!(!allowed(&set, &empty));
    assert!(!solver_decides(&set, &empty).0);
}

/// The direction certification cannot catch: `never --resource 'arn:aws:s3:::é*'` used to
/// answer "holds" because the fallback could not spell `é`, although `arn:aws:s3:::él` is
/// allowed. The solver must find such a request.
#[test]
fn keys_beyond_printable_ascii_are_not_proved_unreachable() {
    let set = policy_set();
    for (prefix, example) in [("é", "arn:aws:s3:::él"), ("\\", "arn:aws:s3:::\\l")] {
        assert!(allowed(
            &set,
            &Request::new(Some(ROLE), "s3:GetObject", example, None)
        ));
        let mut sym = Symbolic::new(&[&set]);
        let allow = compile_set(&mut sym, &set).unwrap().allow;
        let action = factory::matches(
            &mut sym.vars,
            sym.action,
            Glob::literal("s3:GetObject", true),
        );
        let cases = sym.resource_cases();
        let pattern = arn_template(&format!("arn:aws:s3:::{prefix}*"), false)
            .0
            .to_glob()
            .unwrap();
        let resource = sym.cases_match(&cases, &pattern);
        let goal = and([allow, action, resource]);
        assert!(rest_falls_back(&sym, &goal, SMALL_LIMIT));
        let options = SearchOptions {
            state_limit: SMALL_LIMIT,
            budget: generous(),
            ..SearchOptions::default()
        };
        let outcome = search(&sym, goal, &options, &|r| {
            allowed(&set, r) && pattern.matches(&r.resource)
        });
        assert!(
            matches!(outcome, SearchOutcome::Found(_)),
            "{prefix}: expected a certified request, got {outcome:?}"
        );
    }
}

/// A budget for one search, its clock starting now: generous, so that a loaded machine does
/// not turn the answer these tests check into `unknown`.
fn generous() -> airtight_encodings::budget::Budget {
    airtight_encodings::budget::Budget::new(
        std::time::Duration::from_secs(120),
        airtight_encodings::budget::DEFAULT_MEMORY,
    )
}
