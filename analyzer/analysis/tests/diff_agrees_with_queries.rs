//! The diff's split ([`airtight_analysis::diff::split`]) against the plain queries on whole
//! policies, under every judgement of the policy ([`airtight_analysis::diff::judgement`]: as
//! it stands, and as a guardrail): no-new-access must find new access in the same
//! direction(s) as the diff, equivalence must hold exactly when the diff says "equivalent" —
//! the one answer `diff`, `no-new-access` and `equiv` give for one pair — and every example
//! the diff reports is certified on the full policies (a failure would be an `Err`).
//!
//! The pairs: a deterministic sample of the real managed-policy edits (every 20th pair of
//! `../shared/corpus/aws-managed-history.jsonl`, plus every edit that holds a Deny statement,
//! so that the guardrail judgement is exercised on real policies; skipped cleanly when the
//! shared corpus is absent) and every version pair of the guardrail fixtures in
//! `corpus/diff/guardrails/` (identity and resource policies with Deny statements).

#[path = "../benches/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use airtight_analysis::builtin::Baselines;
use airtight_analysis::diff::compare::{compare, Change, DiffOptions};
use airtight_analysis::diff::judgement::{has_denies, judged};
use airtight_analysis::query::{equiv, no_new_access, Outcome, QueryOptions};
use airtight_encodings::budget::{Budget, DEFAULT_MEMORY};
use airtight_encodings::policy::PolicyKind;
use common::{corpus, history, parse, Pair};
use rayon::prelude::*;

/// Checks every pair (each judged as the type it looks like, or as `kind`); returns the
/// number of directions compared.
fn check(pairs: &[(Pair, Option<PolicyKind>)]) -> usize {
    let b = Baselines::unregistered().expect("the built-in policies parse");
    // One budget per question: a budget's clock starts when it is made.
    let options = || DiffOptions {
        budget: Budget::new(Duration::from_secs(20), DEFAULT_MEMORY),
        max_examples: 1,
    };
    // The whole-policy queries get less time than the diff's small ones: a whole managed
    // policy with dozens of infix wildcards can take minutes, and a direction without an answer
    // is left out (the counts below make sure most are compared).
    let query_options = || QueryOptions {
        budget: Budget::new(Duration::from_secs(5), DEFAULT_MEMORY),
        max_counterexamples: 1,
    };
    let results: Vec<Result<usize, String>> = pairs
        .par_iter()
        .map(|(p, kind)| {
            let kind = kind.unwrap_or_else(|| PolicyKind::detect(&p.new));
            let diff = compare(&p.old, &p.new, kind, &b, &options())
                .map_err(|e| format!("{}: {e}", p.name))?;
            if diff.unknown.is_some() {
                return Ok(0);
            }
            let mut compared = 0;
            for (from, to, diff_found, dir) in [
                (&p.old, &p.new, !diff.new_access.is_empty(), "new access"),
                (
                    &p.new,
                    &p.old,
                    !diff.removed_access.is_empty(),
                    "removed access",
                ),
            ] {
                let whole = judged(from, to, kind, &b, |o, n| {
                    no_new_access(o, n, &query_options())
                })
                .map_err(|e| format!("{}: {e}", p.name))?;
                let whole_found = match whole.outcome() {
                    Outcome::Found => true,
                    Outcome::NoneExists => false,
                    Outcome::Unknown { .. } => continue,
                };
                if whole_found != diff_found {
                    return Err(format!(
                        "{}: {dir}: diff says {diff_found}, the whole-policy queries {whole_found} \
                         ({:?})",
                        p.name,
                        whole
                            .judgements()
                            .iter()
                            .map(|j| (j.as_str(), whole.outcome_of(*j)))
                            .collect::<Vec<_>>()
                    ));
                }
                // An example the diff found under a judgement is one the whole query under
                // that judgement can find.
                let examples = if dir == "new access" {
                    &diff.new_access
                } else {
                    &diff.removed_access
                };
                for e in examples {
                    if whole.outcome_of(e.judgement) == Outcome::NoneExists {
                        return Err(format!(
                            "{}: {dir}: the diff found {:?} as {}, the whole-policy query proved \
                             there is none",
                            p.name,
                            e.request,
                            e.judgement.as_str()
                        ));
                    }
                }
                compared += 1;
            }
            // Equivalence: proved exactly when the diff proved both directions empty.
            let both = judged(&p.old, &p.new, kind, &b, |o, n| {
                equiv(o, n, &query_options())
            })
            .map_err(|e| format!("{}: {e}", p.name))?;
            match (both.outcome(), diff.change) {
                (Outcome::Unknown { .. }, _) => {}
                (Outcome::NoneExists, Change::Equivalent) => {}
                (Outcome::Found, c) if c != Change::Equivalent => {}
                (o, c) => {
                    return Err(format!(
                        "{}: equiv says {o:?}, the diff {}",
                        p.name,
                        c.as_str()
                    ))
                }
            }
            Ok(compared)
        })
        .collect();
    let failures: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
    results.iter().filter_map(|r| r.as_ref().ok()).sum()
}

/// Whether `policy` holds a Deny statement that the whole-policy queries can answer in
/// seconds: one with more than 16 wildcard action entries (the diff asks such parts entry by
/// entry, `split::WILDCARDS_PER_PART`) takes minutes to partition as a whole.
fn guards(policy: &airtight_encodings::policy::Policy) -> bool {
    let wildcards: usize = policy
        .statements
        .iter()
        .filter(|s| s.effect.value == airtight_encodings::policy::Effect::Deny)
        .flat_map(|s| &s.action.entries)
        .filter(|e| !e.value.is_literal())
        .count();
    has_denies(policy) && wildcards <= 16
}

#[test]
fn split_diff_agrees_with_whole_policy_queries() {
    let Some(root) = corpus() else {
        eprintln!("../shared/corpus is absent: skipped");
        return;
    };
    let all = history(&root);
    let with_denies = all
        .iter()
        .filter(|p| has_denies(&p.old) || has_denies(&p.new))
        .count();
    let pairs: Vec<(Pair, Option<PolicyKind>)> = all
        .into_iter()
        .enumerate()
        .filter(|(i, p)| i % 20 == 0 || guards(&p.old) || guards(&p.new))
        .map(|(_, p)| (p, None))
        .collect();
    assert!(pairs.len() > 100, "only {} pairs", pairs.len());
    assert!(with_denies > 10, "only {with_denies} edits hold a Deny");
    let compared = check(&pairs);
    assert!(compared > 200, "only {compared} directions compared");
}

/// `corpus/diff/guardrails/<case>/*.json`, every ordered pair of versions of a case, with the
/// type `cases.json` gives the case.
fn fixture_pairs() -> Vec<(Pair, Option<PolicyKind>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/diff/guardrails");
    let text = std::fs::read_to_string(dir.join("cases.json")).expect("cases.json");
    let spec: serde_json::Value = serde_json::from_str(&text).expect("cases.json is JSON");
    let mut pairs = Vec::new();
    for case in spec["cases"].as_array().expect("a list of cases") {
        let name = case["name"].as_str().expect("a name");
        let kind = match case["kind"].as_str() {
            Some("resource") => PolicyKind::Resource,
            Some("scp") => PolicyKind::Scp,
            Some("rcp") => PolicyKind::Rcp,
            _ => PolicyKind::Identity,
        };
        let folder: PathBuf = dir.join(name);
        let mut versions: Vec<(String, airtight_encodings::policy::Policy)> =
            std::fs::read_dir(&folder)
                .expect("a case folder")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .map(|p| {
                    let version = p
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let text = std::fs::read_to_string(&p).expect("a readable fixture");
                    let policy =
                        parse(&text).unwrap_or_else(|| panic!("{} does not parse", p.display()));
                    (version, policy)
                })
                .collect();
        versions.sort_by(|a, b| a.0.cmp(&b.0));
        for (a, pa) in &versions {
            for (b, pb) in &versions {
                if a != b {
                    pairs.push((
                        Pair {
                            name: format!("{name}: {a} → {b}"),
                            old: pa.clone(),
                            new: pb.clone(),
                            labels: None,
                        },
                        Some(kind),
                    ));
                }
            }
        }
    }
    pairs
}

#[test]
fn split_diff_agrees_with_whole_policy_queries_on_the_guardrail_fixtures() {
    let pairs = fixture_pairs();
    assert!(pairs.len() >= 90, "only {} pairs", pairs.len());
    let compared = check(&pairs);
    assert_eq!(compared, pairs.len() * 2, "some directions had no answer");
}
