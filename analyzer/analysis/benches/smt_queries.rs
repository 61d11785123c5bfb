//! Benchmark (not a test): no-new-access over real policy pairs, in both directions.
//!
//! (a) every edit in `../shared/corpus/aws-managed-history.jsonl`;
//! (b) the quacky (original, mutant) pairs of `../shared/corpus/quacky/labels/*.csv`.
//! Prints p50/p90/p99/max per query, the unknowns, the Z3 version and the wall time on 1 and
//! 2 threads, and for (b) the agreement with the published labels. Skips cleanly when the
//! shared corpus is absent.
//!
//! `cargo bench -p airtight-analysis --bench smt_queries [-- --quick] [-- --only history|quacky]`

use std::path::Path;
use std::time::{Duration, Instant};

use airtight_analysis::query::{no_new_access, Outcome, QueryOptions};
use airtight_encodings::budget::{Budget, DEFAULT_MEMORY};
use airtight_encodings::eval::PolicySet;
use airtight_encodings::policy::Policy;
use rayon::prelude::*;

mod common;

use common::{corpus, history, parse, percentile, Pair};

fn quacky(root: &Path) -> Vec<Pair> {
    let mut out = Vec::new();
    for svc in ["ec2", "iam", "s3"] {
        let Ok(text) = std::fs::read_to_string(root.join(format!("quacky/labels/{svc}.csv")))
        else {
            continue;
        };
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split(',').collect();
            if cols.len() < 10 {
                continue;
            }
            let read = |p: &str| {
                std::fs::read_to_string(root.join("quacky").join(p.trim_start_matches('/')))
                    .ok()
                    .and_then(|t| parse(&t))
            };
            let (Some(old), Some(new)) = (read(cols[0]), read(cols[1])) else {
                eprintln!("skipped (does not parse): {} {}", cols[0], cols[1]);
                continue;
            };
            // SAT = a request allowed by the first and not by the second exists.
            let p1_implies_p2 = cols[2] == "UNSAT";
            let p2_implies_p1 = cols[9] == "UNSAT";
            out.push(Pair {
                name: format!("{} vs {}", cols[0], cols[1]),
                old,
                new,
                labels: Some((p1_implies_p2, p2_implies_p1)),
            });
        }
    }
    out
}

/// A policy that names principals is a resource-based policy; any other an identity policy.
fn set(p: &Policy) -> PolicySet {
    if p.statements.iter().any(|s| s.principal.is_some()) {
        PolicySet {
            resource: Some(p.clone()),
            ..PolicySet::default()
        }
    } else {
        PolicySet {
            identity: vec![p.clone()],
            ..PolicySet::default()
        }
    }
}

/// (elapsed, verdict) for `a ⇒ b`: every request `a` allows, `b` allows (no-new-access(b, a)).
fn implies(a: &Policy, b: &Policy, timeout: Duration) -> (Duration, Outcome) {
    let start = Instant::now();
    // One budget per question.
    let options = QueryOptions {
        budget: Budget::new(timeout, DEFAULT_MEMORY),
        max_counterexamples: 1,
    };
    let verdict = match no_new_access(&set(b), &set(a), &options) {
        Ok(answer) => answer.outcome,
        Err(e) => Outcome::Unknown {
            reason: e.to_string(),
            span: None,
        },
    };
    (start.elapsed(), verdict)
}

fn report(
    label: &str,
    pairs: &[Pair],
    threads: usize,
    timeout: Duration,
) -> Vec<(Outcome, Outcome)> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .ok();
    let start = Instant::now();
    let run = || -> Vec<((Duration, Outcome), (Duration, Outcome))> {
        pairs
            .par_iter()
            .map(|p| {
                (
                    implies(&p.old, &p.new, timeout),
                    implies(&p.new, &p.old, timeout),
                )
            })
            .collect()
    };
    let results = match &pool {
        Some(pool) => pool.install(run),
        None => run(),
    };
    let wall = start.elapsed();
    let mut times: Vec<Duration> = results.iter().flat_map(|(a, b)| [a.0, b.0]).collect();
    times.sort();
    let unknown: Vec<String> = results
        .iter()
        .zip(pairs)
        .flat_map(|((a, b), p)| {
            [a, b].into_iter().filter_map(move |(_, v)| match v {
                Outcome::Unknown { reason, .. } => Some(format!("{}: {reason}", p.name)),
                _ => None,
            })
        })
        .collect();
    println!(
        "{label}: {} queries on {threads} thread(s): p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms; unknown {}; wall {:.2} s",
        times.len(),
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.9).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        unknown.len(),
        wall.as_secs_f64()
    );
    for u in unknown.iter().take(10) {
        println!("  unknown: {u}");
    }
    results.into_iter().map(|(a, b)| (a.1, b.1)).collect()
}

fn main() {
    let Some(root) = corpus() else {
        println!("../shared/corpus is absent: nothing to benchmark");
        return;
    };
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    // `--only history` or `--only quacky` runs one half.
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned();
    println!(
        "Z3 version: {}",
        airtight_encodings::smt::solver::z3_version()
    );
    let timeout = Duration::from_secs(10);
    let mut hist = if only.as_deref() == Some("quacky") {
        Vec::new()
    } else {
        history(&root)
    };
    let mut qk = if only.as_deref() == Some("history") {
        Vec::new()
    } else {
        quacky(&root)
    };
    if quick {
        hist.truncate(200);
        qk.truncate(100);
    }
    println!(
        "managed-policy history: {} pairs; quacky: {} pairs",
        hist.len(),
        qk.len()
    );
    for threads in [1, 2] {
        report(
            "history (no-new-access, both directions)",
            &hist,
            threads,
            timeout,
        );
    }
    let mut verdicts = Vec::new();
    for threads in [1, 2] {
        verdicts = report(
            "quacky (containment, both directions)",
            &qk,
            threads,
            timeout,
        );
    }
    // Agreement with the published labels.
    let (mut agree, mut disagree) = (0, Vec::new());
    for (p, (ab, ba)) in qk.iter().zip(&verdicts) {
        let Some((l_ab, l_ba)) = p.labels else {
            continue;
        };
        for (ours, theirs, dir) in [(ab, l_ab, "P1=>P2"), (ba, l_ba, "P2=>P1")] {
            match ours {
                Outcome::NoneExists if theirs => agree += 1,
                Outcome::Found if !theirs => agree += 1,
                Outcome::Unknown { .. } => disagree.push(format!("{} {dir}: ours unknown", p.name)),
                v => disagree.push(format!(
                    "{} {dir}: ours {v:?}, label {}",
                    p.name,
                    if theirs { "holds" } else { "violated" }
                )),
            }
        }
    }
    println!("quacky labels: {agree} agree, {} disagree", disagree.len());
    for d in &disagree {
        println!("  disagree: {d}");
    }
}
