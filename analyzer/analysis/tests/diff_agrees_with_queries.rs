//! The diff's split ([`airtight_analysis::diff::split`]) against the plain no-new-access query
//! on whole policies: on a deterministic sample of the real managed-policy edits (every 20th
//! pair of `../shared/corpus/aws-managed-history.jsonl`) both must find new access in the same
//! direction(s), and every example the diff reports is certified on the full policies (a
//! failure would be an `Err`). Skips cleanly when the shared corpus is absent.

#[path = "../benches/common/mod.rs"]
mod common;

use std::time::Duration;

use airtight_analysis::builtin::ALLOW_ALL;
use airtight_analysis::diff::compare::{compare, judged_set, DiffOptions};
use airtight_analysis::query::{no_new_access, Outcome, QueryOptions};
use airtight_encodings::budget::{Budget, DEFAULT_MEMORY};
use airtight_encodings::policy::PolicyKind;
use common::{corpus, history, parse};
use rayon::prelude::*;

#[test]
fn split_diff_agrees_with_whole_policy_queries() {
    let Some(root) = corpus() else {
        eprintln!("../shared/corpus is absent: skipped");
        return;
    };
    let pairs: Vec<_> = history(&root).into_iter().step_by(20).collect();
    assert!(pairs.len() > 100, "only {} pairs", pairs.len());
    let allow_all = parse(ALLOW_ALL.text).expect("the allow-all policy parses");
    // One budget per question.
    let diff_options = || DiffOptions {
        budget: Budget::new(Duration::from_secs(20), DEFAULT_MEMORY),
        max_examples: 1,
    };
    let query_options = || QueryOptions {
        budget: Budget::new(Duration::from_secs(20), DEFAULT_MEMORY),
        max_counterexamples: 1,
    };
    let results: Vec<Result<(bool, usize), String>> = pairs
        .par_iter()
        .map(|p| {
            let kind = PolicyKind::detect(&p.new);
            let diff = compare(&p.old, &p.new, kind, &allow_all, &diff_options())
                .map_err(|e| format!("{}: {e}", p.name))?;
            if diff.unknown.is_some() {
                return Ok((false, 0));
            }
            let old = judged_set(&p.old, kind, &allow_all);
            let new = judged_set(&p.new, kind, &allow_all);
            let mut compared = 0;
            for (from, to, diff_found, dir) in [
                (&old, &new, !diff.new_access.is_empty(), "new access"),
                (
                    &new,
                    &old,
                    !diff.removed_access.is_empty(),
                    "removed access",
                ),
            ] {
                let whole = no_new_access(from, to, &query_options())
                    .map_err(|e| format!("{}: {e}", p.name))?;
                let whole_found = match whole.outcome {
                    Outcome::Found => true,
                    Outcome::NoneExists => false,
                    Outcome::Unknown { .. } => continue,
                };
                if whole_found != diff_found {
                    return Err(format!(
                        "{}: {dir}: diff says {diff_found}, the whole-policy query {whole_found}",
                        p.name
                    ));
                }
                compared += 1;
            }
            Ok((true, compared))
        })
        .collect();
    let failures: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
    let compared: usize = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|r| r.1)
        .sum();
    assert!(compared > 200, "only {compared} directions compared");
}
