//! Benchmark (not a test): `airtight diff` over every edit in
//! `../shared/corpus/aws-managed-history.jsonl` — the realistic workload for "does this change
//! grant new access?". Prints the verdict tallies, p50/p90/p99/max per pair, the unknowns and
//! the wall time on 2 threads (and 1 with `--one-thread`). Skips cleanly when the shared
//! corpus is absent.
//!
//! `cargo bench -p airtight-analysis --bench diff_history [-- --one-thread] [-- --quick]`
//! Target: all 2,342 pairs in under 60 s on 2 threads, zero unknowns.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use airtight_analysis::diff::compare::{compare, Change, DiffOptions};
use airtight_encodings::budget::{Budget, DEFAULT_MEMORY};
use airtight_encodings::policy::PolicyKind;
use rayon::prelude::*;

mod common;

use common::{corpus, history, ms, percentile};

/// A pair's verdict, solver queries and unknown reason, or the error.
type Outcome = Result<(Change, usize, Option<String>, Vec<String>), String>;

fn main() {
    let Some(root) = corpus() else {
        println!("../shared/corpus is absent: nothing to benchmark");
        return;
    };
    let args: Vec<String> = std::env::args().collect();
    let mut pairs = history(&root);
    if args.iter().any(|a| a == "--quick") {
        pairs.truncate(300);
    }
    // `--only TEXT` keeps the pairs whose id contains TEXT.
    if let Some(only) = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
    {
        pairs.retain(|p| p.name.contains(only.as_str()));
    }
    let Some(baselines) = airtight_analysis::builtin::Baselines::unregistered() else {
        println!("internal error: the built-in policies do not parse");
        return;
    };
    println!(
        "Z3 version: {}; {} pairs",
        airtight_encodings::smt::solver::z3_version(),
        pairs.len()
    );
    let thread_counts: &[usize] = if args.iter().any(|a| a == "--one-thread") {
        &[1, 2]
    } else {
        &[2]
    };
    for &threads in thread_counts {
        let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(threads).build() else {
            println!("cannot build a thread pool");
            return;
        };
        let start = Instant::now();
        let results: Vec<(Duration, Outcome)> = pool.install(|| {
            pairs
                .par_iter()
                .map(|p| {
                    let t = Instant::now();
                    let kind = PolicyKind::detect(&p.new);
                    // One budget per policy edit.
                    let options = DiffOptions {
                        budget: Budget::new(Duration::from_secs(10), DEFAULT_MEMORY),
                        max_examples: 1,
                    };
                    let r = compare(&p.old, &p.new, kind, &baselines, &options)
                        .map(|c| {
                            // Every example shown, checked as a request AWS could receive.
                            let problems: Vec<String> = c
                                .new_access
                                .iter()
                                .chain(&c.removed_access)
                                .map(|e| {
                                    airtight_encodings::validity::check(&e.request)
                                        .first()
                                        .map(|i| {
                                            let text = format!("{i:?}");
                                            text.split(['(', ' ', '{'])
                                                .next()
                                                .unwrap_or("")
                                                .to_string()
                                        })
                                        .unwrap_or_default()
                                })
                                .collect();
                            (c.change, c.solver_queries, c.unknown.map(|u| u.0), problems)
                        })
                        .map_err(|e| e.to_string());
                    (t.elapsed(), r)
                })
                .collect()
        });
        let wall = start.elapsed();
        let mut times: Vec<Duration> = results.iter().map(|r| r.0).collect();
        times.sort();
        let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
        let mut queries = 0;
        let mut syntactic = 0;
        let mut examples = 0;
        let mut invalid: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, r) in &results {
            match r {
                Ok((v, q, _, problems)) => {
                    *tally.entry(v.as_str()).or_default() += 1;
                    queries += q;
                    syntactic += usize::from(*q == 0);
                    examples += problems.len();
                    for p in problems.iter().filter(|p| !p.is_empty()) {
                        *invalid.entry(p.as_str()).or_default() += 1;
                    }
                }
                Err(_) => *tally.entry("error").or_default() += 1,
            }
        }
        println!(
            "{threads} thread(s): wall {:.2} s; per pair p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {queries} solver queries, {syntactic} pairs decided without the solver",
            wall.as_secs_f64(),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.9)),
            ms(percentile(&times, 0.99)),
            ms(times.last().copied().unwrap_or_default()),
        );
        println!("  verdicts: {tally:?}");
        let bad: usize = invalid.values().sum();
        println!(
            "  examples: {examples}, valid AWS requests: {} ({:.1}%); invalid by first reason: {invalid:?}",
            examples - bad,
            100.0 * (examples - bad) as f64 / examples.max(1) as f64
        );
        let mut slow: Vec<(Duration, &str)> = results
            .iter()
            .zip(&pairs)
            .map(|((d, _), p)| (*d, p.name.as_str()))
            .collect();
        slow.sort();
        for (d, name) in slow.iter().rev().take(5) {
            println!("  slow: {name} {:.0} ms", ms(*d));
        }
        // `--verdicts FILE` writes one `id verdict` line per pair, for comparing runs.
        if let Some(path) = args
            .iter()
            .position(|a| a == "--verdicts")
            .and_then(|i| args.get(i + 1))
        {
            let lines: Vec<String> = results
                .iter()
                .zip(&pairs)
                .map(|((_, r), p)| match r {
                    Ok((v, _, _, _)) => format!("{} {}", p.name, v.as_str()),
                    Err(e) => format!("{} error {e}", p.name),
                })
                .collect();
            if let Err(e) = std::fs::write(path, lines.join("\n") + "\n") {
                println!("cannot write {path}: {e}");
            }
        }
        for ((_, r), p) in results.iter().zip(&pairs) {
            match r {
                Ok((_, _, Some(reason), _)) => println!("  unknown: {}: {reason}", p.name),
                Err(e) => println!("  error: {}: {e}", p.name),
                _ => {}
            }
        }
    }
}
