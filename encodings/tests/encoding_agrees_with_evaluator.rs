//! Property test: for random policy sets built from every supported construct and random
//! concrete requests, the SMT encoding evaluated at the request (the solver asked whether
//! "allowed ∧ request = r" is satisfiable) equals the concrete evaluator's decision.

#![allow(clippy::unwrap_used, reason = "tests")]

use airtight_encodings::eval::{evaluate, Decision, PolicySet};
use airtight_encodings::parse::parse_policy;
use airtight_encodings::request::{ContextValue, OutsideCaller, Request};
use airtight_encodings::smt::compile::{compile_set, request_is};
use airtight_encodings::smt::factory::{and, not};
use airtight_encodings::smt::finite::finitize;
use airtight_encodings::smt::solver::{solve, Outcome};
use airtight_encodings::smt::universe::universe;
use airtight_encodings::span::FileId;
use proptest::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

static COMPARED: AtomicUsize = AtomicUsize::new(0);
static ALLOWED: AtomicUsize = AtomicUsize::new(0);
static SKIPPED: AtomicUsize = AtomicUsize::new(0);

const ACTIONS: [&str; 6] = [
    "lambda:InvokeFunction",
    "lambda:Get*",
    "lambda:*",
    "s3:GetObject",
    "*",
    "LAMBDA:invokefunction",
];
const RESOURCES: [&str; 7] = [
    "*",
    "arn:aws:lambda:us-east-1:111122223333:function:f",
    "arn:aws:lambda:us-east-1:111122223333:function:f*",
    "arn:aws:lambda:us-east-1:111122223333:function:f:*",
    "arn:aws:lambda:*:*:function:f:prod",
    "arn:aws:s3:::b/*",
    "arn:aws:lambda:us-east-1:444455556666:function:g",
];
const CONDITIONS: [&str; 22] = [
    r#""StringEquals": {"aws:SourceVpc": "vpc-1"}"#,
    r#""StringNotEqualsIfExists": {"aws:SourceVpc": ["vpc-1", "vpc-2"]}"#,
    r#""StringLike": {"aws:PrincipalTag/team": "a*"}"#,
    r#""StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "Alpha"}"#,
    r#""StringNotLike": {"aws:PrincipalTag/team": "?"}"#,
    r#""StringEquals": {"aws:ResourceTag/project": "${aws:PrincipalTag/project}"}"#,
    r#""StringEquals": {"aws:ResourceTag/project": "${aws:PrincipalTag/project, 'none'}"}"#,
    r#""ArnLike": {"lambda:SourceFunctionArn": "arn:aws:lambda:*:111122223333:function:src"}"#,
    r#""ArnNotEqualsIfExists": {"lambda:SourceFunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:src"}"#,
    r#""ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ops"}"#,
    r#""StringEquals": {"aws:PrincipalAccount": "111122223333"}"#,
    r#""Bool": {"aws:SecureTransport": "true"}"#,
    r#""BoolIfExists": {"aws:MultiFactorAuthPresent": false}"#,
    r#""Bool": {"aws:PrincipalIsAWSService": "true"}"#,
    r#""NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}"#,
    r#""NumericGreaterThanEquals": {"s3:max-keys": ["10", "2.5"]}"#,
    r#""DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}"#,
    r#""IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}"#,
    r#""NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"}"#,
    r#""ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}"#,
    r#""ForAnyValue:StringLike": {"aws:TagKeys": "x*"}"#,
    r#""Null": {"aws:ResourceTag/project": "true"}"#,
];
const PRINCIPALS: [&str; 8] = [
    r#""*""#,
    r#"{"AWS": "111122223333"}"#,
    r#"{"AWS": "arn:aws:iam::444455556666:root"}"#,
    r#"{"AWS": "arn:aws:iam::111122223333:role/ops"}"#,
    r#"{"AWS": "arn:aws:iam::111122223333:user/alice"}"#,
    r#"{"Service": "s3.amazonaws.com"}"#,
    r#"{"AWS": "arn:aws:iam::111122223333:role/team/ops"}"#,
    r#"{"AWS": "arn:aws:iam::444455556666:role/ops"}"#,
];
/// Callers: roles (with and without a path), users and root users of the home account and of
/// another, a service and an anonymous caller.
const REQ_PRINCIPALS: [&str; 9] = [
    "arn:aws:iam::111122223333:role/ops",
    "arn:aws:iam::111122223333:role/dev",
    "arn:aws:iam::444455556666:role/ops",
    "arn:aws:iam::111122223333:user/alice",
    "s3.amazonaws.com",
    "anonymous",
    "arn:aws:iam::111122223333:role/team/ops",
    "arn:aws:iam::111122223333:root",
    "arn:aws:iam::444455556666:root",
];
const REQ_RESOURCES: [&str; 6] = [
    "arn:aws:lambda:us-east-1:111122223333:function:f",
    "arn:aws:lambda:us-east-1:111122223333:function:f:prod",
    "arn:aws:lambda:us-east-1:111122223333:function:f-evil",
    "arn:aws:lambda:eu-west-1:444455556666:function:g",
    "arn:aws:s3:::b/key",
    "*",
];
const REQ_ACTIONS: [&str; 4] = [
    "lambda:InvokeFunction",
    "lambda:GetFunction",
    "s3:GetObject",
    "iam:PassRole",
];
const CONTEXT: [(&str, &[&str]); 14] = [
    ("aws:SourceVpc", &["vpc-1", "vpc-3"]),
    ("aws:PrincipalTag/team", &["alpha", "a", "ALPHA", "b"]),
    ("aws:PrincipalTag/project", &["falcon", "eagle"]),
    ("aws:ResourceTag/project", &["falcon", "eagle", "none"]),
    (
        "lambda:SourceFunctionArn",
        &[
            "arn:aws:lambda:us-east-1:111122223333:function:src",
            "arn:aws:lambda:us-east-1:111122223333:function:src:1",
            "not-an-arn",
        ],
    ),
    ("aws:SecureTransport", &["true", "false"]),
    ("aws:MultiFactorAuthPresent", &["true", "false"]),
    ("aws:MultiFactorAuthAge", &["100", "3600", "9999"]),
    ("s3:max-keys", &["2", "3", "10", "11"]),
    (
        "aws:CurrentTime",
        &[
            "2025-06-01T00:00:00Z",
            "2026-01-01T00:00:00Z",
            "2027-01-01T00:00:00Z",
        ],
    ),
    (
        "aws:SourceIp",
        &["203.0.113.9", "198.51.100.7", "2001:db8::1", "10.0.0.1"],
    ),
    ("aws:TagKeys", &["a", "b", "xyz"]),
    ("aws:PrincipalAccount", &["111122223333"]),
    ("aws:ResourceAccount", &["111122223333"]),
];

fn statement(
    allow: bool,
    action: usize,
    not_action: bool,
    resource: usize,
    not_resource: bool,
    conds: &[usize],
    principal: Option<usize>,
) -> String {
    let effect = if allow { "Allow" } else { "Deny" };
    let action_key = if not_action { "NotAction" } else { "Action" };
    let resource_key = if not_resource {
        "NotResource"
    } else {
        "Resource"
    };
    let mut by_op: std::collections::BTreeMap<String, Vec<String>> =
        std::collections::BTreeMap::new();
    for &c in conds {
        let text = CONDITIONS[c];
        let (op, body) = text.split_once(": ").unwrap();
        let inner = body
            .trim()
            .trim_start_matches('{')
            .trim_end_matches('}')
            .trim()
            .to_string();
        let entry = by_op.entry(op.to_string()).or_default();
        // One key once per operator.
        let key = inner.split(':').next().unwrap_or("").to_string();
        if !entry
            .iter()
            .any(|e| e.split(':').next().unwrap_or("") == key)
        {
            entry.push(inner);
        }
    }
    let condition = if by_op.is_empty() {
        String::new()
    } else {
        let parts: Vec<String> = by_op
            .iter()
            .map(|(op, keys)| format!("{op}: {{{}}}", keys.join(", ")))
            .collect();
        format!(r#", "Condition": {{{}}}"#, parts.join(", "))
    };
    let principal = principal
        .map(|p| format!(r#""Principal": {}, "#, PRINCIPALS[p]))
        .unwrap_or_default();
    format!(
        r#"{{{principal}"Effect": "{effect}", "{action_key}": "{}", "{resource_key}": "{}"{condition}}}"#,
        ACTIONS[action], RESOURCES[resource]
    )
}

type Stmt = (bool, usize, bool, usize, bool, Vec<usize>, usize);

fn stmt_strategy() -> impl Strategy<Value = Stmt> {
    let action = prop_oneof![2 => Just(4usize), 3 => 0..ACTIONS.len()];
    let resource = prop_oneof![2 => Just(0usize), 3 => 0..RESOURCES.len()];
    let conditions =
        prop_oneof![2 => Just(Vec::new()), 3 => prop::collection::vec(0..CONDITIONS.len(), 1..3)];
    (
        prop::bool::weighted(0.75),
        action,
        prop::bool::weighted(0.1),
        resource,
        prop::bool::weighted(0.1),
        conditions,
        0..PRINCIPALS.len(),
    )
}

fn policy(stmts: &[Stmt], with_principal: bool, file: u32) -> airtight_encodings::policy::Policy {
    let body: Vec<String> = stmts
        .iter()
        .map(|(a, ac, na, r, nr, c, p)| {
            statement(*a, *ac, *na, *r, *nr, c, with_principal.then_some(*p))
        })
        .collect();
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        body.join(", ")
    );
    let parsed = parse_policy(&text, FileId(file));
    match parsed.policy {
        Some(p) => p,
        None => panic!(
            "generated policy does not parse: {text}\n{:?}",
            parsed.diagnostics
        ),
    }
}

type Req = (
    usize,
    usize,
    usize,
    Option<usize>,
    Vec<(usize, usize, bool)>,
    (bool, bool),
);

fn request_strategy() -> impl Strategy<Value = Req> {
    (
        // Mostly callers that identity policies can allow; the rest exercise cross-account,
        // service and anonymous paths.
        prop_oneof![3 => prop::sample::select(vec![0usize, 1, 3]), 2 => 0..REQ_PRINCIPALS.len()],
        0..REQ_ACTIONS.len(),
        0..REQ_RESOURCES.len(),
        prop::option::of(0..2usize),
        prop::collection::vec((0..CONTEXT.len(), 0..4usize, prop::bool::ANY), 0..6),
        // What an outside caller's own account decides.
        (prop::bool::weighted(0.7), prop::bool::weighted(0.8)),
    )
}

fn request(r: &Req) -> Request {
    let (p, a, res, acct, ctx, _) = r;
    let resource_account = acct.map(|i| ["111122223333", "444455556666"][i]);
    // A Lambda action acts on a function (the model knows what Lambda requests look like).
    let resource = if REQ_ACTIONS[*a].starts_with("lambda:") {
        REQ_RESOURCES[*res % 4]
    } else {
        REQ_RESOURCES[*res]
    };
    let mut req = Request::new(
        Some(REQ_PRINCIPALS[*p]),
        REQ_ACTIONS[*a],
        resource,
        resource_account,
    );
    for (k, v, second) in ctx {
        let (key, values) = CONTEXT[*k];
        if key == "aws:PrincipalAccount" || key == "aws:ResourceAccount" {
            continue;
        }
        let value = values[*v % values.len()].to_string();
        let cv = if key == "aws:TagKeys" {
            let mut list = vec![value];
            if *second {
                list.push(values[(*v + 1) % values.len()].to_string());
            }
            ContextValue::Multi(list)
        } else {
            ContextValue::Single(value)
        };
        req = req.with(key, cv);
    }
    req
}

/// Whether the encoding says `request` is allowed by `set`.
fn encoded_allows(set: &PolicySet, request: &Request) -> Option<bool> {
    let mut sym = universe(&[set]);
    let decision = compile_set(&mut sym, set).ok()?;
    let fixed = request_is(&mut sym, request);
    let mut assertions = sym.well_formed.clone();
    assertions.push(fixed);
    let allowed = assertions
        .iter()
        .cloned()
        .chain([decision.allow.clone()])
        .collect::<Vec<_>>();
    let denied = assertions
        .iter()
        .cloned()
        .chain([not(decision.allow)])
        .collect::<Vec<_>>();
    let sat = |a: &[airtight_encodings::smt::term::Term]| -> bool {
        if and(a.to_vec()) == airtight_encodings::smt::factory::FALSE {
            return false;
        }
        let f = finitize(&sym.vars, a, 100_000).unwrap();
        matches!(solve(&f.vars, &f.assertions, 20_000), Outcome::Sat { .. })
    };
    let (a, d) = (sat(&allowed), sat(&denied));
    // Exactly one must hold for a request the model can represent.
    assert!(a != d || !a, "encoding both allows and denies {request:?}");
    if !a && !d {
        return None;
    }
    Some(a)
}

#[test]
fn encoding_agrees_with_evaluator() {
    let strategy = (
        prop::collection::vec(stmt_strategy(), 1..4),
        prop::option::of(prop::collection::vec(stmt_strategy(), 1..3)),
        prop::option::of(prop::collection::vec(stmt_strategy(), 1..2)),
        prop::option::of(prop::collection::vec(stmt_strategy(), 1..2)),
        prop::collection::vec(request_strategy(), 1..6),
        prop::option::of(0..2usize),
    );
    // A fixed seed keeps the coverage figures asserted below stable from run to run.
    let mut runner = proptest::test_runner::TestRunner::new_with_rng(
        ProptestConfig {
            cases: 1500,
            ..ProptestConfig::default()
        },
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let result = runner.run(
        &strategy,
        |(identity, resource, boundary, scp, reqs, home)| {
            let set = PolicySet {
                identity: vec![policy(&identity, false, 0)],
                resource: resource.map(|r| policy(&r, true, 1)),
                boundary: boundary.map(|b| policy(&b, false, 2)),
                session: None,
                scps: scp
                    .map(|s| vec![vec![policy(&s, false, 3)]])
                    .unwrap_or_default(),
                rcps: Vec::new(),
                principal_account: home.map(|i| ["111122223333", "444455556666"][i].to_string()),
            };
            for r in &reqs {
                let mut req = request(r);
                let caller = req.kind().account().map(str::to_string);
                if caller.is_some()
                    && set.home_account(&req, caller.as_deref()) != caller.as_deref()
                {
                    req.outside = OutsideCaller {
                        identity_allows: r.5 .0,
                        limits_allow: r.5 .1,
                    };
                }
                let concrete = evaluate(&set, &req).decision == Decision::Allow;
                // `None`: the request is outside the modelled space (e.g. a list longer than the
                // bound the policies need, see docs/encoding.md).
                match encoded_allows(&set, &req) {
                    Some(symbolic) => {
                        COMPARED.fetch_add(1, Ordering::Relaxed);
                        if concrete {
                            ALLOWED.fetch_add(1, Ordering::Relaxed);
                        }
                        prop_assert_eq!(symbolic, concrete, "request {}", req.to_json());
                    }
                    None => {
                        SKIPPED.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            Ok(())
        },
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    let (compared, allowed, skipped) = (
        COMPARED.load(Ordering::Relaxed),
        ALLOWED.load(Ordering::Relaxed),
        SKIPPED.load(Ordering::Relaxed),
    );
    eprintln!("compared {compared} decisions, {allowed} of them allow; {skipped} requests outside the model");
    // The property must have compared real cases, including allows, not skipped everything.
    assert!(compared >= 1000, "only {compared} decisions compared");
    assert!(allowed * 20 >= compared, "too few allowed cases ({allowed} of {compared}): the generator no longer exercises allow paths");
    // Outside the model: Lambda requests for actions no statement of the set can apply to
    // (the Lambda request model leaves them out: nothing allows them).
    assert!(
        skipped * 2 <= compared,
        "too many requests outside the model ({skipped})"
    );
}
