//! Fuzzing the readers and the pipeline with proptest: nothing panics, every input finishes in
//! bounded time, and every answer is a value (a policy, a request, diagnostics, an `unknown`).
//!
//! * **Mutated real input.** The JSON reader, the policy parser (`parse_policy`, and
//!   `parse_policy_as` for every policy type), lint, the request reader (`parse_request`) and the
//!   deny-intent sentence parser are fed seeds — the policies of `../shared/corpus` when it is
//!   present (AWS managed policies, the IAM and Lambda guides' examples valid and invalid, the
//!   quacky samples, SCP and RCP examples), the repository's request files, and built-in seeds
//!   otherwise — after random mutations: flipped bits, truncation, structural characters
//!   (`{}[]",:`) duplicated or removed, huge and malformed numbers, deep nesting, long strings,
//!   long arrays, awkward Unicode (bidi overrides, lone surrogate escapes, characters whose case
//!   folding changes length) and spliced fragments. Beyond "no panic", every diagnostic's span
//!   must lie inside the input on character boundaries (the CLI slices the text with it), an
//!   error must withhold the policy, a request that reads must read back the same from its own
//!   JSON, and a sentence error must point inside the sentence.
//! * **Generated policies.** Valid policies from a small grammar (every statement element,
//!   condition operators of every family, set operators, policy variables) go through the whole
//!   pipeline: parse, evaluate requests, and SMT questions with a one-second deadline (`can`,
//!   `equiv` of a policy with itself, which can never find a difference, and `equiv` with another
//!   policy), which must end in time with an answer and never an uncertified counterexample.
//!
//! The default case counts keep the whole file near 30 s in a release build. For a longer run
//! set `FUZZ_CASES` (cases per test, for every test):
//!
//! ```text
//! FUZZ_CASES=20000 cargo test --release -p airtight-analysis --test fuzz -- --nocapture
//! ```
//!
//! A failure prints the shrunk input; add it to the regression tests of the reader it broke.

#![allow(clippy::unwrap_used, reason = "tests")]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use airtight_analysis::deny::sentence::parse_sentence;
use airtight_analysis::lint::lint;
use airtight_analysis::query::{self, Constraints, Outcome, QueryOptions};
use airtight_encodings::budget::Budget;
use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::eval::{evaluate, PolicySet};
use airtight_encodings::json;
use airtight_encodings::parse::{parse_policy, parse_policy_as};
use airtight_encodings::policy::{Policy, PolicyKind};
use airtight_encodings::request::{parse_request, ContextValue, Request};
use airtight_encodings::span::FileId;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};

/// Cases per test: `FUZZ_CASES`, or `default`.
fn cases(default: u32) -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        // Inputs can be large; a shrunk case is found well before this.
        max_shrink_iters: 2_000,
        ..Config::default()
    })
}

/// Runs `test` on `strategy`, panicking with proptest's report (the shrunk input) on failure.
fn fuzz<S: Strategy>(cases: u32, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    if let Err(e) = runner(cases).run(&strategy, test) {
        panic!("{e}");
    }
}

/// How long one input may take to read (generous: a slow, shared CI machine).
const READ_BOUND: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------
// Seeds.

const BUILT_IN_POLICIES: [&str; 4] = [
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"Invoke","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:function:f:*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"${aws:username}"},"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}}]}"#,
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":["s3:Get*","iam:*"],"NotResource":"*","Condition":{"ForAllValues:StringLike":{"aws:TagKeys":["a*","b?"]},"NumericLessThan":{"s3:max-keys":"1e3"},"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"},"Null":{"aws:ResourceTag/x":true}}}}"#,
    r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/ops","444455556666"],"Service":"s3.amazonaws.com"},"Action":"lambda:*","Resource":"*","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"},"Bool":{"aws:SecureTransport":"false"}}}]}"#,
    r#"{"PolicyVersion":{"Document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]},"VersionId":"v1","IsDefaultVersion":true}}"#,
];

const BUILT_IN_REQUESTS: [&str; 3] = [
    r#"{"principal":"arn:aws:iam::111122223333:role/app","action":"lambda:InvokeFunction","resource":"arn:aws:lambda:us-east-1:111122223333:function:f:prod","context":{"aws:SourceIp":"203.0.113.9","aws:TagKeys":["a","b"],"aws:CurrentTime":"2025-06-01T00:00:00Z"}}"#,
    r#"{"principal":"s3.amazonaws.com","action":"s3:GetObject","resource":"arn:aws:s3:::b/key","resource_account":"111122223333","outside_caller":{"identity_allows":false,"limits_allow":true}}"#,
    r#"{"principal":"anonymous","action":"iam:PassRole","resource":"*","context":{"s3:max-keys":"10","aws:SecureTransport":"true"}}"#,
];

const BUILT_IN_SENTENCES: [&str; 8] = [
    "nobody but role/ops may invoke my-function alias prod",
    "no principal except ops and arn:aws:iam::111122223333:role/ci can invoke alias prod of my-function",
    "nobody invokes arn:aws:lambda:us-east-1:123456789012:function:my-function:prod",
    "no one but ops may lambda:UpdateFunctionCode or lambda:InvokeFunction my-function",
    "nobody may invoke my-function alias live via its url",
    "no principals other than account 111122223333, s3.amazonaws.com or the root user will call function f version 3",
    "nobody but user/alice is allowed to invoke my-function",
    "none may invoke",
];

struct Seeds {
    policies: Vec<String>,
    requests: Vec<String>,
}

/// The seeds, read once: built-in, the repository's request files, and the shared corpus when
/// present.
fn seeds() -> &'static Seeds {
    static SEEDS: OnceLock<Seeds> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut policies: Vec<String> = BUILT_IN_POLICIES.iter().map(|s| s.to_string()).collect();
        let corpus = root.join("../shared/corpus");
        if corpus.is_dir() {
            for dir in ["aws-managed", "aws-docs", "quacky/samples", "aws-samples"] {
                policies.extend(files(&corpus.join(dir)));
            }
        } else {
            eprintln!("../shared/corpus is absent: fuzzing from the built-in seeds only");
        }
        let mut requests: Vec<String> = BUILT_IN_REQUESTS.iter().map(|s| s.to_string()).collect();
        requests.extend(
            files(&root.join("corpus/scenarios"))
                .into_iter()
                .filter(|t| t.contains("\"action\"")),
        );
        Seeds { policies, requests }
    })
}

/// The text of every file under `dir` (`.json`, and the text blocks of `aws-docs/invalid`).
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .is_some_and(|e| e == "json" || e == "txt" || e == "md")
            {
                if let Ok(text) = std::fs::read_to_string(&p) {
                    out.push(text);
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Mutations.

#[derive(Debug, Clone)]
enum Mutation {
    /// Flip one bit of the byte at this position.
    Flip(usize, u8),
    /// Keep only the first bytes.
    Truncate(usize),
    /// Duplicate the n-th structural character.
    Duplicate(usize),
    /// Remove the n-th structural character.
    Remove(usize),
    /// Insert a number (or something that looks like one) at a position.
    Number(usize, usize),
    /// Insert a value nested this deep at a position.
    Nest(usize, usize),
    /// Insert a run of one character at a position.
    Long(usize, usize, char),
    /// Insert an array of this many strings at a position.
    Array(usize, usize),
    /// Insert an awkward Unicode fragment at a position.
    Unicode(usize, usize),
    /// Copy a region (start, length) to a position.
    Splice(usize, usize, usize),
}

const NUMBERS: [&str; 14] = [
    "1e2147483648",
    "-1e-2147483649",
    "1E+999999999999999999999",
    "123456789012345678901234567890123456789012345678901234567890.5",
    "0.0000000000000000000000000000000000000000000000000000000000000001",
    "-0",
    "NaN",
    "Infinity",
    "0x10",
    "1_000",
    "\"1e2147483647\"",
    "\"-.5e-7\"",
    "18446744073709551616",
    "1.",
];

const UNICODE: [&str; 14] = [
    "\u{202E}",
    "\\u0000",
    "\\ud800",
    "\\udc00\\ud800",
    "\\u",
    "é",
    "\u{1D518}",
    "\u{FEFF}",
    "\u{212A}",
    "ß",
    "\u{130}",
    "\u{10FFFF}",
    "\u{0}",
    "\\\"",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        4 => (at, any::<u8>()).prop_map(|(a, b)| Mutation::Flip(a, b)),
        1 => at.prop_map(Mutation::Truncate),
        3 => at.prop_map(Mutation::Duplicate),
        3 => at.prop_map(Mutation::Remove),
        2 => (at, 0..NUMBERS.len()).prop_map(|(a, w)| Mutation::Number(a, w)),
        1 => (at, prop_oneof![1..200usize, Just(100_000usize)]).prop_map(|(a, d)| Mutation::Nest(a, d)),
        1 => (at, prop_oneof![1..100usize, Just(100_000usize)], prop_oneof![Just('a'), Just('*'), Just('$'), Just('{'), Just(':'), Just('é')])
            .prop_map(|(a, n, c)| Mutation::Long(a, n, c)),
        1 => (at, prop_oneof![1..50usize, Just(20_000usize)]).prop_map(|(a, n)| Mutation::Array(a, n)),
        2 => (at, 0..UNICODE.len()).prop_map(|(a, w)| Mutation::Unicode(a, w)),
        2 => (at, 0..64usize, at).prop_map(|(f, l, t)| Mutation::Splice(f, l, t)),
    ]
}

fn insert(bytes: &mut Vec<u8>, at: usize, what: &[u8]) {
    let at = at % (bytes.len() + 1);
    bytes.splice(at..at, what.iter().copied());
}

/// `seed` after `mutations`, as text (invalid UTF-8 replaced, as no reader sees raw bytes).
fn mutate(seed: &str, mutations: &[Mutation]) -> String {
    let mut b = seed.as_bytes().to_vec();
    for m in mutations {
        let structural: Vec<usize> = b
            .iter()
            .enumerate()
            .filter(|(_, c)| b"{}[]\",:".contains(c))
            .map(|(i, _)| i)
            .collect();
        match m {
            Mutation::Flip(at, bit) if !b.is_empty() => {
                let n = b.len();
                b[at % n] ^= 1 << (bit % 8);
            }
            Mutation::Truncate(at) => b.truncate(at % (b.len() + 1)),
            Mutation::Duplicate(n) if !structural.is_empty() => {
                let p = structural[n % structural.len()];
                b.insert(p, b[p]);
            }
            Mutation::Remove(n) if !structural.is_empty() => {
                b.remove(structural[n % structural.len()]);
            }
            Mutation::Number(at, w) => insert(&mut b, *at, NUMBERS[*w].as_bytes()),
            Mutation::Nest(at, depth) => {
                let nested = format!("{}1{}", "[".repeat(*depth), "]".repeat(*depth));
                insert(&mut b, *at, nested.as_bytes());
            }
            Mutation::Long(at, n, c) => insert(&mut b, *at, c.to_string().repeat(*n).as_bytes()),
            Mutation::Array(at, n) => {
                let array = format!("[{}\"a\"]", "\"s3:Get*\",".repeat(*n));
                insert(&mut b, *at, array.as_bytes());
            }
            Mutation::Unicode(at, w) => insert(&mut b, *at, UNICODE[*w].as_bytes()),
            Mutation::Splice(from, len, to) if !b.is_empty() => {
                let from = from % b.len();
                let end = (from + len).min(b.len());
                let piece = b[from..end].to_vec();
                insert(&mut b, *to, &piece);
            }
            _ => {}
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

fn mutated(seeds: &'static [String]) -> impl Strategy<Value = String> {
    (0..seeds.len(), prop::collection::vec(mutation(), 0..6))
        .prop_map(move |(i, ms)| mutate(&seeds[i], &ms))
}

// ---------------------------------------------------------------------------------------------
// Properties of the readers.

/// Every label inside `src`, on character boundaries; a bounded number of diagnostics.
fn check_diagnostics(src: &str, diagnostics: &[Diagnostic]) -> Result<(), TestCaseError> {
    for d in diagnostics {
        for l in &d.labels {
            let (s, e) = (l.span.start as usize, l.span.end as usize);
            prop_assert!(
                s <= e && e <= src.len() && src.is_char_boundary(s) && src.is_char_boundary(e),
                "`{}` labels {s}..{e} of a {}-byte input: {}",
                d.code,
                src.len(),
                d.message
            );
        }
    }
    prop_assert!(
        diagnostics.len() <= src.len() + 16,
        "{} diagnostics for {} bytes",
        diagnostics.len(),
        src.len()
    );
    Ok(())
}

const KINDS: [PolicyKind; 6] = [
    PolicyKind::Identity,
    PolicyKind::Resource,
    PolicyKind::Boundary,
    PolicyKind::Session,
    PolicyKind::Scp,
    PolicyKind::Rcp,
];

/// A few requests to evaluate read policies against.
fn probe_requests() -> Vec<Request> {
    vec![
        Request::new(
            Some("arn:aws:iam::111122223333:role/ops"),
            "lambda:InvokeFunction",
            "arn:aws:lambda:us-east-1:111122223333:function:f:prod",
            None,
        )
        .with(
            "aws:TagKeys",
            ContextValue::Multi(vec!["a".into(), "bb".into()]),
        )
        .with("aws:SourceIp", ContextValue::Single("203.0.113.9".into())),
        Request::new(
            Some("s3.amazonaws.com"),
            "s3:GetObject",
            "arn:aws:s3:::b/k",
            Some("111122223333"),
        )
        .with(
            "aws:CurrentTime",
            ContextValue::Single("2025-01-01T00:00:00Z".into()),
        )
        .with("s3:max-keys", ContextValue::Single("7".into())),
        Request::new(Some("anonymous"), "iam:PassRole", "*", None),
    ]
}

fn set_for(policy: &Policy, kind: PolicyKind) -> PolicySet {
    let mut set = PolicySet::default();
    match kind {
        PolicyKind::Resource => set.resource = Some(policy.clone()),
        _ => set.identity.push(policy.clone()),
    }
    set
}

fn check_policy_text(src: &str) -> Result<(), TestCaseError> {
    let start = Instant::now();
    if let Ok(value) = json::parse(src, FileId(0)) {
        check_diagnostics(src, &json::duplicate_keys(&value))?;
    }
    let parsed = parse_policy(src, FileId(0));
    check_diagnostics(src, &parsed.diagnostics)?;
    if parsed.diagnostics.iter().any(Diagnostic::is_error) {
        prop_assert!(parsed.policy.is_none(), "a policy despite an error");
    }
    for kind in std::iter::once(None).chain(KINDS.map(Some)) {
        let typed = parse_policy_as(src, FileId(0), kind);
        check_diagnostics(src, &typed.diagnostics)?;
        let linted = lint("fuzz.json", src, FileId(0), kind);
        check_diagnostics(src, &linted.findings)?;
    }
    if let Some(policy) = &parsed.policy {
        let kind = PolicyKind::detect(policy);
        let set = set_for(policy, kind);
        for r in probe_requests() {
            let _ = evaluate(&set, &r);
        }
    }
    prop_assert!(
        start.elapsed() < READ_BOUND,
        "reading a {}-byte policy took {:?}",
        src.len(),
        start.elapsed()
    );
    Ok(())
}

fn check_request_text(src: &str) -> Result<(), TestCaseError> {
    let start = Instant::now();
    match parse_request(src, FileId(0)) {
        Err(diagnostics) => {
            prop_assert!(!diagnostics.is_empty(), "rejected without a diagnostic");
            check_diagnostics(src, &diagnostics)?;
        }
        Ok(request) => {
            // What the CLI prints reads back as the same request.
            let again = parse_request(&request.to_json().to_string(), FileId(0));
            prop_assert_eq!(
                again.as_ref().ok(),
                Some(&request),
                "{:?}",
                again.as_ref().err()
            );
            let set = set_for(
                &parse_policy(BUILT_IN_POLICIES[0], FileId(0))
                    .policy
                    .unwrap(),
                PolicyKind::Identity,
            );
            let _ = evaluate(&set, &request);
        }
    }
    prop_assert!(
        start.elapsed() < READ_BOUND,
        "reading a {}-byte request took {:?}",
        src.len(),
        start.elapsed()
    );
    Ok(())
}

fn check_sentence(sentence: &str) -> Result<(), TestCaseError> {
    if let Err(e) = parse_sentence(sentence) {
        prop_assert!(
            e.at.start <= e.at.end
                && e.at.end <= sentence.len()
                && sentence.is_char_boundary(e.at.start)
                && sentence.is_char_boundary(e.at.end),
            "error at {:?} of a {}-byte sentence: {}",
            e.at,
            sentence.len(),
            e.message
        );
    }
    Ok(())
}

#[test]
fn mutated_policies_are_read_without_panics() {
    let seeds = &seeds().policies;
    fuzz(cases(400), mutated(seeds), |src| check_policy_text(&src));
}

#[test]
fn the_seed_policies_are_read_without_panics() {
    // Every seed once, unmutated (the corpus itself must read cleanly, with errors for
    // the invalid examples).
    for src in &seeds().policies {
        if let Err(e) = check_policy_text(src) {
            panic!("{e}\n{src}");
        }
    }
}

#[test]
fn mutated_requests_are_read_without_panics() {
    let seeds = &seeds().requests;
    fuzz(cases(400), mutated(seeds), |src| check_request_text(&src));
}

/// Sentences: mutated seeds, and words shuffled from the grammar's vocabulary.
fn sentence() -> impl Strategy<Value = String> {
    const WORDS: [&str; 30] = [
        "nobody",
        "no",
        "one",
        "principal",
        "but",
        "except",
        "other",
        "than",
        "may",
        "can",
        "invoke",
        "invokes",
        "call",
        "lambda:InvokeFunction",
        "my-function",
        "alias",
        "version",
        "prod",
        "of",
        "via",
        "its",
        "url",
        "role/ops",
        "user/alice",
        "account",
        "111122223333",
        "the",
        "root",
        "arn:aws:lambda:us-east-1:123456789012:function:f:1",
        ",",
    ];
    let seeds: Vec<String> = BUILT_IN_SENTENCES.iter().map(|s| s.to_string()).collect();
    let seeds: &'static [String] = Box::leak(seeds.into_boxed_slice());
    prop_oneof![
        mutated(seeds),
        prop::collection::vec(0..WORDS.len(), 0..14).prop_map(|ws| ws
            .iter()
            .map(|&w| WORDS[w])
            .collect::<Vec<_>>()
            .join(" ")),
        "\\PC{0,80}",
    ]
}

#[test]
fn sentences_are_read_without_panics() {
    fuzz(cases(2_000), sentence(), |s| check_sentence(&s));
}

// ---------------------------------------------------------------------------------------------
// Generated policies through the whole pipeline.

const ACTIONS: [&str; 10] = [
    "s3:GetObject",
    "s3:Get*",
    "s3:*Object",
    "s3:?etObject",
    "lambda:InvokeFunction",
    "lambda:*",
    "*",
    "iam:PassRole",
    "ec2:Describe*",
    "LAMBDA:invoke*",
];
const RESOURCES: [&str; 9] = [
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::*/key",
    "arn:aws:s3:::b*",
    "arn:aws:lambda:us-east-1:111122223333:function:f",
    "arn:aws:lambda:*:*:function:f:*",
    "arn:aws:lambda:us-east-1:111122223333:function:*",
    "arn:aws:iam::*:role/${aws:username}",
    "arn:aws:lambda:us-east-1:444455556666:function:g",
];
const CONDITIONS: [(&str, &str, &str); 20] = [
    ("StringEquals", "aws:SourceVpc", r#""vpc-1""#),
    (
        "StringNotEqualsIfExists",
        "aws:SourceVpc",
        r#"["vpc-1","vpc-2"]"#,
    ),
    ("StringLike", "aws:PrincipalTag/team", r#""a*""#),
    (
        "StringEqualsIgnoreCase",
        "aws:PrincipalTag/team",
        r#""Alpha""#,
    ),
    ("StringNotLike", "aws:PrincipalTag/team", r#""?""#),
    (
        "StringEquals",
        "aws:ResourceTag/project",
        r#""${aws:PrincipalTag/project}""#,
    ),
    (
        "ArnLike",
        "aws:PrincipalArn",
        r#""arn:aws:iam::*:role/ops""#,
    ),
    ("StringEquals", "aws:PrincipalAccount", r#""111122223333""#),
    ("Bool", "aws:SecureTransport", r#""true""#),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", "false"),
    ("NumericLessThan", "aws:MultiFactorAuthAge", r#""3600""#),
    ("NumericGreaterThanEquals", "s3:max-keys", r#"["10","2.5"]"#),
    (
        "DateLessThan",
        "aws:CurrentTime",
        r#""2026-01-01T00:00:00Z""#,
    ),
    (
        "IpAddress",
        "aws:SourceIp",
        r#"["203.0.113.0/24","2001:db8::/32"]"#,
    ),
    ("NotIpAddress", "aws:SourceIp", r#""198.51.100.0/24""#),
    ("ForAllValues:StringEquals", "aws:TagKeys", r#"["a","b"]"#),
    ("ForAnyValue:StringLike", "aws:TagKeys", r#""x*""#),
    (
        "ForAllValues:StringLike",
        "aws:TagKeys",
        r#"["*k1*","*k2*"]"#,
    ),
    ("Null", "aws:ResourceTag/project", r#""true""#),
    ("StringLike", "aws:PrincipalTag/x", r#""*mid*dle*""#),
];
const PRINCIPALS: [&str; 5] = [
    r#""*""#,
    r#"{"AWS":"111122223333"}"#,
    r#"{"AWS":"arn:aws:iam::111122223333:role/ops"}"#,
    r#"{"Service":"s3.amazonaws.com"}"#,
    r#"{"AWS":"arn:aws:iam::444455556666:root"}"#,
];

#[derive(Debug, Clone)]
struct GenStatement {
    allow: bool,
    not_action: bool,
    actions: Vec<usize>,
    not_resource: bool,
    resources: Vec<usize>,
    conditions: Vec<usize>,
}

fn gen_statement() -> impl Strategy<Value = GenStatement> {
    (
        any::<bool>(),
        prop::bool::weighted(0.15),
        prop::collection::vec(0..ACTIONS.len(), 1..3),
        prop::bool::weighted(0.15),
        prop::collection::vec(0..RESOURCES.len(), 1..3),
        prop::collection::vec(0..CONDITIONS.len(), 0..3),
    )
        .prop_map(
            |(allow, not_action, actions, not_resource, resources, conditions)| GenStatement {
                allow,
                not_action,
                actions,
                not_resource,
                resources,
                conditions,
            },
        )
}

/// A policy's text: identity-based, or resource-based with `principal` on every statement.
fn policy_text(statements: &[GenStatement], principal: Option<usize>) -> String {
    let statements: Vec<Value> = statements
        .iter()
        .map(|s| {
            let mut m = serde_json::Map::new();
            m.insert(
                "Effect".into(),
                (if s.allow { "Allow" } else { "Deny" }).into(),
            );
            if let Some(p) = principal {
                m.insert(
                    "Principal".into(),
                    serde_json::from_str(PRINCIPALS[p]).unwrap(),
                );
            }
            let actions: Vec<&str> = s.actions.iter().map(|&a| ACTIONS[a]).collect();
            m.insert(
                (if s.not_action { "NotAction" } else { "Action" }).into(),
                json!(actions),
            );
            let resources: Vec<&str> = s.resources.iter().map(|&r| RESOURCES[r]).collect();
            m.insert(
                (if s.not_resource {
                    "NotResource"
                } else {
                    "Resource"
                })
                .into(),
                json!(resources),
            );
            let mut conditions = serde_json::Map::new();
            for &c in &s.conditions {
                let (op, key, value) = CONDITIONS[c];
                let entry = conditions.entry(op).or_insert_with(|| json!({}));
                if let Some(keys) = entry.as_object_mut() {
                    keys.insert(key.into(), serde_json::from_str(value).unwrap());
                }
            }
            if !conditions.is_empty() {
                m.insert("Condition".into(), Value::Object(conditions));
            }
            Value::Object(m)
        })
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

#[derive(Debug, Clone)]
struct GenCase {
    left: Vec<GenStatement>,
    right: Vec<GenStatement>,
    principal: Option<usize>,
    action: usize,
}

fn gen_case() -> impl Strategy<Value = GenCase> {
    (
        prop::collection::vec(gen_statement(), 1..4),
        prop::collection::vec(gen_statement(), 1..4),
        prop::option::weighted(0.3, 0..PRINCIPALS.len()),
        0..ACTIONS.len(),
    )
        .prop_map(|(left, right, principal, action)| GenCase {
            left,
            right,
            principal,
            action,
        })
}

/// The deadline of each generated question.
const QUESTION_DEADLINE: Duration = Duration::from_secs(1);

fn options() -> QueryOptions {
    QueryOptions {
        budget: Budget::new(QUESTION_DEADLINE, 512 << 20),
        max_counterexamples: 2,
    }
}

fn parse_generated(text: &str, principal: Option<usize>) -> Result<PolicySet, TestCaseError> {
    let parsed = parse_policy(text, FileId(0));
    let Some(policy) = parsed.policy else {
        return Err(TestCaseError::fail(format!(
            "a generated policy does not parse: {:?}\n{text}",
            parsed.diagnostics
        )));
    };
    let kind = if principal.is_some() {
        PolicyKind::Resource
    } else {
        PolicyKind::Identity
    };
    Ok(set_for(&policy, kind))
}

/// One question: it must end within the deadline (with slack for certification) and answer,
/// never with an uncertified counterexample.
fn ask(
    what: &str,
    question: impl FnOnce() -> Result<query::Answer, query::QueryError>,
) -> Result<query::Answer, TestCaseError> {
    let start = Instant::now();
    let answer = question();
    let elapsed = start.elapsed();
    prop_assert!(
        elapsed < 3 * QUESTION_DEADLINE + Duration::from_secs(2),
        "{what} took {elapsed:?}"
    );
    answer.map_err(|e| TestCaseError::fail(format!("{what}: {e}")))
}

#[test]
fn generated_policies_go_through_the_pipeline() {
    fuzz(cases(48), gen_case(), |case| {
        let left_text = policy_text(&case.left, case.principal);
        let right_text = policy_text(&case.right, case.principal);
        let left = parse_generated(&left_text, case.principal)?;
        let right = parse_generated(&right_text, case.principal)?;
        for r in probe_requests() {
            let _ = evaluate(&left, &r);
        }
        let constraints = Constraints {
            actions: vec![ACTIONS[case.action].to_string()],
            ..Constraints::default()
        };
        ask("can", || query::can(&left, &constraints, &options()))?;
        let same = ask("equiv with itself", || {
            query::equiv(&left, &left, &options())
        })?;
        prop_assert!(
            same.outcome != Outcome::Found,
            "a policy differs from itself: {:?}\n{left_text}",
            same.counterexamples.first().map(|c| c.request.to_json())
        );
        ask("equiv", || query::equiv(&left, &right, &options()))?;
        Ok(())
    });
}
