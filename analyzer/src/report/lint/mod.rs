//! Rendering lint findings: [`text`] for people, [`json`] for programs, [`sarif`] for code
//! scanning, [`github`] for workflow annotations and [`markdown`] for pull-request comments.
//!
//! Every format renders one [`LintReport`]: the findings left after suppressions and the
//! baseline, each with its stable fingerprint, and what was left out (suppressions are shown
//! with their reasons, baselined findings counted).

pub mod github;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod text;

use airtight_analysis::lint::LintedFile;
use airtight_encodings::diagnostic::{Diagnostic, Severity};
use airtight_encodings::span::Span;

use crate::load::Loader;
use crate::report::{byte_range, line_column};

/// What one `lint` run reports.
#[derive(Debug, Clone, Default)]
pub struct LintReport {
    /// The files in the order given; their findings are the ones shown.
    pub files: Vec<LintedFile>,
    /// `fingerprints[i][j]` is the fingerprint of `files[i].findings[j]`.
    pub fingerprints: Vec<Vec<String>>,
    /// Findings an `airtight.toml` suppression removed, with its reason.
    pub suppressed: Vec<Suppressed>,
    /// How many findings the baseline removed.
    pub baselined: usize,
}

/// A finding a suppression removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub file: String,
    pub rule: &'static str,
    pub statement: Option<String>,
    pub reason: String,
}

/// One finding as every format shows it.
pub struct FindingView<'a> {
    pub file: &'a LintedFile,
    pub diagnostic: &'a Diagnostic,
    pub fingerprint: &'a str,
}

impl LintReport {
    /// A report of everything found (no suppression, no baseline), fingerprints computed with
    /// the file names as given.
    pub fn unfiltered(loader: &Loader, files: Vec<LintedFile>) -> LintReport {
        let fingerprints = files
            .iter()
            .map(|f| {
                f.findings
                    .iter()
                    .map(|d| fingerprint(loader, &f.name, f, d))
                    .collect()
            })
            .collect();
        LintReport {
            files,
            fingerprints,
            suppressed: Vec::new(),
            baselined: 0,
        }
    }

    /// Every finding shown, file by file in source order.
    pub fn findings(&self) -> impl Iterator<Item = FindingView<'_>> {
        self.files
            .iter()
            .zip(&self.fingerprints)
            .flat_map(|(f, prints)| {
                f.findings
                    .iter()
                    .zip(prints)
                    .map(move |(d, p)| FindingView {
                        file: f,
                        diagnostic: d,
                        fingerprint: p,
                    })
            })
    }

    /// How many findings of `severity` are shown.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings()
            .filter(|f| f.diagnostic.severity == severity)
            .count()
    }
}

impl FindingView<'_> {
    /// `(line, column, end line, end column)` of the primary label, 1-based; `None` for a
    /// finding about a whole file.
    pub fn region(&self, loader: &Loader) -> Option<(usize, usize, usize, usize)> {
        let span = primary_span(self.diagnostic)?;
        let (line, column) = line_column(loader, span);
        let (end_line, end_column) = line_column(
            loader,
            Span {
                start: span.end,
                ..span
            },
        );
        (line > 0).then_some((line, column, end_line, end_column))
    }

    /// The label of the statement the finding is in (`Sid` or `#index`).
    pub fn statement(&self) -> Option<&str> {
        self.file
            .statement_of(self.diagnostic)
            .map(|s| s.label.as_str())
    }
}

/// The primary label's span (or the first label's).
pub fn primary_span(d: &Diagnostic) -> Option<Span> {
    d.labels
        .iter()
        .find(|l| l.primary)
        .or(d.labels.first())
        .map(|l| l.span)
}

/// FNV-1a, 64 bits, over the parts (each ended by a NUL): small, and stable across versions
/// and platforms, which a fingerprint must be.
pub fn fnv(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// The stable fingerprint of a finding: the rule, the file's path (`path`, relative to the
/// configuration's root so that it does not depend on the working directory), the statement
/// (`Sid` or position) and the text the finding points at with its white space removed — no
/// line or column, so moving or reformatting the policy keeps it.
pub fn fingerprint(loader: &Loader, path: &str, file: &LintedFile, d: &Diagnostic) -> String {
    let statement = file.statement_of(d).map(|s| s.label.as_str()).unwrap_or("");
    let text: String = primary_span(d)
        .and_then(|s| loader.source(s.file).get(byte_range(loader, s)))
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    fnv(&[d.code, path, statement, &text])
}

/// The severity as a word.
pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The page of a rule in the docs (`docs/rules.md#rule-id`), for rules of the registry.
pub fn rule_url(rule: &str) -> Option<String> {
    airtight_analysis::lint::rule(rule).map(|r| format!("{DOCS}#{}", r.id))
}

/// The rule pages.
pub const DOCS: &str = "https://github.com/airtight/airtight/blob/main/docs/rules.md";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable() {
        // Fixed values: changing the hash would reopen every baselined finding.
        assert_eq!(fnv(&[]), "cbf29ce484222325");
        assert_ne!(fnv(&["a", "b"]), fnv(&["ab"]));
    }

    #[test]
    fn fingerprints_ignore_layout() {
        let src = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"A\", \"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\"}]}";
        let moved = format!("\n\n\n{}", src.replace(", ", ",\n      "));
        let print = |text: &str| {
            let mut loader = Loader::new();
            let file = loader.add("p.json", text);
            let linted = airtight_analysis::lint::lint("p.json", text, file, None);
            let report = LintReport::unfiltered(&loader, vec![linted]);
            report.fingerprints[0].clone()
        };
        let (a, b) = (print(src), print(&moved));
        assert!(!a.is_empty());
        assert_eq!(a, b);
    }
}
