//! What the benchmarks share: the shared corpus, the managed-policy history, percentiles.

#![allow(dead_code, reason = "each benchmark uses part of this module")]

use std::path::{Path, PathBuf};
use std::time::Duration;

use airtight_encodings::parse::parse_policy;
use airtight_encodings::policy::Policy;
use airtight_encodings::span::FileId;

/// A pair of policy versions.
pub struct Pair {
    pub name: String,
    pub old: Policy,
    pub new: Policy,
    /// quacky labels: (old ⇒ new holds, new ⇒ old holds), where "P1 ⇒ P2" means every request
    /// P1 allows, P2 allows.
    pub labels: Option<(bool, bool)>,
}

/// `../shared/corpus`, when present.
pub fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    p.is_dir().then_some(p)
}

pub fn parse(text: &str) -> Option<Policy> {
    parse_policy(text, FileId(0)).policy
}

/// Every edit in `aws-managed-history.jsonl` whose two versions parse.
pub fn history(root: &Path) -> Vec<Pair> {
    let Ok(text) = std::fs::read_to_string(root.join("aws-managed-history.jsonl")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for line in text.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let (Some(old), Some(new)) = (parse(&v["old"].to_string()), parse(&v["new"].to_string()))
        else {
            eprintln!("skipped (does not parse): {}", v["id"]);
            continue;
        };
        out.push(Pair {
            name: v["id"].as_str().unwrap_or("?").to_string(),
            old,
            new,
            labels: None,
        });
    }
    out
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
