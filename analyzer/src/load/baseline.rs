//! Baselines: the findings a team has accepted for now, recorded by stable fingerprint so that
//! only new findings fail a run (`lint --baseline FILE`, written with `--write-baseline`).
//!
//! Two formats are read: airtight's own JSON (what `--write-baseline` writes for any file name
//! not ending in `.sarif`),
//!
//! ```json
//! {"version": 1, "tool": "airtight", "findings": [
//!   {"fingerprint": "9c1d…", "rule": "public-access", "file": "policies/web.json",
//!    "statement": "PublicRead"}]}
//! ```
//!
//! and SARIF 2.1.0 as `lint --format sarif` writes it: the `airtightFinding/v1` entry of each
//! result's `partialFingerprints`. A fingerprint is built from the rule, the file's path, the
//! statement and the text of the element the finding points at — never a line number — so
//! moving a statement or reformatting the file keeps it.

use std::collections::BTreeSet;
use std::path::Path;

use airtight_encodings::diagnostic::Diagnostic;
use serde_json::Value;

use super::file::read_regular;

/// The fingerprints of a baseline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    pub fingerprints: BTreeSet<String>,
}

/// Reads a baseline file (airtight JSON or SARIF). A problem is one error diagnostic.
pub fn read(path: &Path) -> Result<Baseline, Diagnostic> {
    let shown = path.display().to_string();
    let bytes = read_regular(path, &shown)
        .map_err(|e| Diagnostic::whole_file("baseline-error", e.to_string()))?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        Diagnostic::whole_file(
            "baseline-error",
            format!("{shown} is not a baseline (JSON or SARIF): {e}"),
        )
    })?;
    parse(&value).ok_or_else(|| {
        Diagnostic::whole_file(
            "baseline-error",
            format!("{shown} is neither an airtight baseline nor SARIF with airtight fingerprints"),
        )
    })
}

/// The fingerprints of a baseline document, either format.
pub fn parse(value: &Value) -> Option<Baseline> {
    let mut fingerprints = BTreeSet::new();
    if let Some(findings) = value.get("findings").and_then(Value::as_array) {
        for f in findings {
            fingerprints.insert(f.get("fingerprint")?.as_str()?.to_string());
        }
        return Some(Baseline { fingerprints });
    }
    let runs = value.get("runs")?.as_array()?;
    for run in runs {
        for result in run
            .get("results")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(f) = result
                .pointer("/partialFingerprints/airtightFinding~1v1")
                .and_then(Value::as_str)
            {
                fingerprints.insert(f.to_string());
            }
        }
    }
    Some(Baseline { fingerprints })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_formats_read() {
        let own = json!({"version": 1, "findings": [{"fingerprint": "a"}, {"fingerprint": "b"}]});
        assert_eq!(parse(&own).map(|b| b.fingerprints.len()), Some(2));
        let sarif = json!({"version": "2.1.0", "runs": [{"results": [
            {"ruleId": "x", "partialFingerprints": {"airtightFinding/v1": "c"}}]}]});
        assert_eq!(
            parse(&sarif).map(|b| b.fingerprints.into_iter().collect::<Vec<_>>()),
            Some(vec!["c".to_string()])
        );
        assert!(parse(&json!({"nothing": 1})).is_none());
    }
}
