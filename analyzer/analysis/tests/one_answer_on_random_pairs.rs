//! Property test: on random pairs of small policies — Allow and Deny statements, actions of a
//! few services, resources, a condition or two, principals for resource-based policies — the
//! diff ([`compare`]) and the whole-policy queries under every judgement ([`judged`] with
//! `equiv` and `no_new_access`, what `airtight equiv` and `airtight no-new-access` run for one
//! policy per side) give one answer: new access exactly when no-new-access is violated,
//! removed access exactly when it is violated the other way, equivalent exactly when equiv
//! holds — and, judgement by judgement (on its own, as a guardrail), the diff has examples
//! exactly where the whole-policy query finds some. Pairs are drawn by a fixed-seed generator,
//! so a failure names a pair that can be reproduced.

use std::time::Duration;

use airtight_analysis::builtin::Baselines;
use airtight_analysis::diff::compare::{compare, Change, DiffOptions};
use airtight_analysis::diff::judgement::judged;
use airtight_analysis::query::{equiv, no_new_access, Outcome, QueryOptions};
use airtight_encodings::budget::{Budget, DEFAULT_MEMORY};
use airtight_encodings::parse::parse_policy;
use airtight_encodings::policy::{Policy, PolicyKind};
use airtight_encodings::span::FileId;
use rayon::prelude::*;

/// xorshift64*: small, deterministic, good enough to pick from lists.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const ACTIONS: [&str; 10] = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:Get*",
    "s3:*",
    "ec2:RunInstances",
    "ec2:*",
    "lambda:InvokeFunction",
    "lambda:*",
    "iam:PassRole",
    "*",
];
const RESOURCES: [&str; 6] = [
    "*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/*",
    "arn:aws:ec2:us-east-1:111122223333:instance/*",
    "arn:aws:lambda:us-east-1:111122223333:function:f",
    "arn:aws:lambda:*:111122223333:function:*",
];
const CONDITIONS: [&str; 9] = [
    r#""StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}"#,
    r#""StringEquals": {"aws:RequestedRegion": "us-east-1"}"#,
    r#""BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}"#,
    r#""Bool": {"aws:MultiFactorAuthPresent": "false"}"#,
    r#""StringNotEqualsIfExists": {"aws:SourceVpce": "vpce-1a2b3c4d"}"#,
    r#""StringNotEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}"#,
    r#""BoolIfExists": {"aws:PrincipalIsAWSService": "false"}"#,
    r#""StringEquals": {"aws:PrincipalAccount": "111122223333"}"#,
    r#""StringNotEquals": {"aws:ResourceAccount": "111122223333"}"#,
];
const PRINCIPALS: [&str; 4] = [
    r#""*""#,
    r#"{"AWS": "111122223333"}"#,
    r#"{"AWS": "arn:aws:iam::444455556666:role/r"}"#,
    r#"{"Service": "s3.amazonaws.com"}"#,
];

/// One statement as JSON.
fn statement(rng: &mut Rng, resource_policy: bool) -> String {
    let effect = if rng.chance(55) { "Allow" } else { "Deny" };
    let mut parts = vec![format!(r#""Effect": "{effect}""#)];
    if resource_policy {
        let key = if effect == "Deny" && rng.chance(15) {
            "NotPrincipal"
        } else {
            "Principal"
        };
        let principal = if key == "NotPrincipal" {
            PRINCIPALS[2]
        } else {
            rng.pick(&PRINCIPALS)
        };
        parts.push(format!(r#""{key}": {principal}"#));
    }
    let actions: Vec<String> = (0..1 + rng.below(2))
        .map(|_| format!(r#""{}""#, rng.pick(&ACTIONS)))
        .collect();
    let action_key = if rng.chance(15) {
        "NotAction"
    } else {
        "Action"
    };
    parts.push(format!(r#""{action_key}": [{}]"#, actions.join(", ")));
    parts.push(format!(r#""Resource": "{}""#, rng.pick(&RESOURCES)));
    let conditions: Vec<&str> = (0..rng.below(3)).map(|_| rng.pick(&CONDITIONS)).collect();
    if !conditions.is_empty() {
        // Two conditions with the same operator are merged into one block of keys.
        let mut blocks: Vec<(String, Vec<String>)> = Vec::new();
        for c in conditions {
            let Some((op, body)) = c.split_once(':') else {
                continue;
            };
            let body = body.trim().trim_start_matches('{').trim_end_matches('}');
            match blocks.iter_mut().find(|(o, _)| o == op) {
                Some((_, keys)) if !keys.iter().any(|k| k == body) => keys.push(body.into()),
                Some(_) => {}
                None => blocks.push((op.to_string(), vec![body.into()])),
            }
        }
        let blocks: Vec<String> = blocks
            .into_iter()
            .map(|(op, keys)| format!("{op}: {{{}}}", keys.join(", ")))
            .collect();
        parts.push(format!(r#""Condition": {{{}}}"#, blocks.join(", ")));
    }
    format!("{{{}}}", parts.join(", "))
}

/// A policy of one to three statements.
fn policy_text(rng: &mut Rng, resource_policy: bool) -> Vec<String> {
    (0..1 + rng.below(3))
        .map(|_| statement(rng, resource_policy))
        .collect()
}

/// NEW from OLD: one statement replaced, added or removed, or a fresh policy.
fn mutate(rng: &mut Rng, old: &[String], resource_policy: bool) -> Vec<String> {
    let mut new = old.to_vec();
    match rng.below(5) {
        0 => return policy_text(rng, resource_policy),
        1 => new.push(statement(rng, resource_policy)),
        2 if new.len() > 1 => {
            let i = rng.below(new.len());
            new.remove(i);
        }
        _ => {
            let i = rng.below(new.len());
            new[i] = statement(rng, resource_policy);
        }
    }
    new
}

fn parse(statements: &[String], file: u32) -> Policy {
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements.join(", ")
    );
    parse_policy(&text, FileId(file))
        .policy
        .unwrap_or_else(|| panic!("generated policy does not parse: {text}"))
}

/// The pair number `n`: its kind and two versions.
fn pair(n: u64) -> (PolicyKind, Policy, Policy, String) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (n + 1).wrapping_mul(0x1000_0000_01b3));
    let kind = match rng.below(5) {
        0 | 1 => PolicyKind::Identity,
        2 | 3 => PolicyKind::Resource,
        _ => PolicyKind::Scp,
    };
    let resource_policy = kind == PolicyKind::Resource;
    let old = policy_text(&mut rng, resource_policy);
    let new = mutate(&mut rng, &old, resource_policy);
    let shown = format!(
        "pair {n} ({}):\n  OLD [{}]\n  NEW [{}]",
        kind.short_name(),
        old.join(", "),
        new.join(", ")
    );
    (kind, parse(&old, 10), parse(&new, 11), shown)
}

/// `Some(found)` for an answer, `None` for unknown.
fn found(outcome: &Outcome) -> Option<bool> {
    match outcome {
        Outcome::Found => Some(true),
        Outcome::NoneExists => Some(false),
        Outcome::Unknown { .. } => None,
    }
}

#[test]
fn diff_equiv_and_no_new_access_agree_on_random_pairs() {
    const PAIRS: u64 = 150;
    let b = Baselines::new(FileId(0), FileId(1), FileId(2)).expect("built-in policies parse");
    // One budget per question: a budget's clock starts when it is made.
    let diff_options = || DiffOptions {
        budget: Budget::new(Duration::from_secs(10), DEFAULT_MEMORY),
        max_examples: 1,
    };
    let options = || QueryOptions {
        budget: Budget::new(Duration::from_secs(10), DEFAULT_MEMORY),
        max_counterexamples: 1,
    };
    let results: Vec<Result<Option<Change>, String>> = (0..PAIRS)
        .into_par_iter()
        .map(|n| {
            let (kind, old, new, shown) = pair(n);
            let diff = compare(&old, &new, kind, &b, &diff_options())
                .map_err(|e| format!("{shown}\n  diff: {e}"))?;
            let ask = |o: &Policy, n: &Policy, eq: bool| {
                judged(o, n, kind, &b, |x, y| {
                    if eq {
                        equiv(x, y, &options())
                    } else {
                        no_new_access(x, y, &options())
                    }
                })
                .map_err(|e| format!("{shown}\n  query: {e}"))
            };
            let (gained, lost, differ) = (
                ask(&old, &new, false)?,
                ask(&new, &old, false)?,
                ask(&old, &new, true)?,
            );
            let (Some(g), Some(l), Some(d)) = (
                found(&gained.outcome()),
                found(&lost.outcome()),
                found(&differ.outcome()),
            ) else {
                return Ok(None);
            };
            if diff.change == Change::Unknown {
                return Ok(None);
            }
            let expected = match (g, l) {
                (false, false) => Change::Equivalent,
                (true, false) => Change::NewAccess,
                (false, true) => Change::RemovedAccess,
                (true, true) => Change::Both,
            };
            if diff.change != expected || d != (expected != Change::Equivalent) {
                return Err(format!(
                    "{shown}\n  diff: {}, no-new-access: {g} / reverse {l}, equiv different: {d}",
                    diff.change.as_str()
                ));
            }
            // Judgement by judgement: the diff shows an example where the whole query finds one.
            for (whole, examples, dir) in [
                (&gained, &diff.new_access, "new access"),
                (&lost, &diff.removed_access, "removed access"),
            ] {
                for j in whole.judgements() {
                    let Some(whole_found) = found(&whole.outcome_of(j)) else {
                        continue;
                    };
                    let diff_found = examples.iter().any(|e| e.judgement == j);
                    if whole_found != diff_found {
                        return Err(format!(
                            "{shown}\n  {dir} judged {}: diff {diff_found}, whole query {whole_found}",
                            j.as_str()
                        ));
                    }
                }
            }
            Ok(Some(diff.change))
        })
        .collect();
    let failures: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        failures.is_empty(),
        "{}",
        failures
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let answered: Vec<Change> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().copied().flatten())
        .collect();
    assert!(
        answered.len() as u64 >= PAIRS * 9 / 10,
        "only {} of {PAIRS} pairs answered",
        answered.len()
    );
    // The generator reaches every verdict.
    for v in [
        Change::Equivalent,
        Change::NewAccess,
        Change::RemovedAccess,
        Change::Both,
    ] {
        assert!(answered.contains(&v), "no pair is {}", v.as_str());
    }
}
