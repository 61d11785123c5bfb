//! The parser against real policies from the shared corpus (`../shared/corpus` beside the
//! checkout): every valid policy parses without an error diagnostic, every invalid document
//! yields at least one error, and nothing panics. Skips, with a note, when the corpus is absent.
//!
//! These call the library directly: there are thousands of files, and the question is the
//! parser's, not the CLI's.

use std::path::{Path, PathBuf};

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::parse::{parse_policy, ParsedPolicy};
use airtight_encodings::span::FileId;
use airtight_tests::shared_corpus;

/// `*.json` files under `dir`, recursively, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.filter_map(Result::ok) {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Every file directly in `dir`, sorted.
fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|es| {
            es.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Parses a file, catching panics so that one bad file cannot hide the others.
fn parse_file(path: &Path) -> Result<ParsedPolicy, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| format!("not UTF-8 at byte {}", e.utf8_error().valid_up_to()))?;
    std::panic::catch_unwind(|| parse_policy(&text, FileId(0))).map_err(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!("the parser panicked: {msg}")
    })
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

fn format_error(path: &Path, d: &Diagnostic) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let (line, col) = d
        .labels
        .first()
        .map_or((0, 0), |l| line_col(&text, l.span.start as usize));
    format!(
        "{}:{line}:{col}: error[{}] {}",
        path.display(),
        d.code,
        d.message
    )
}

/// Checks that every valid file parses without error; returns the failures.
fn check_valid(files: &[PathBuf]) -> Vec<String> {
    let mut failures = Vec::new();
    for path in files {
        match parse_file(path) {
            Err(e) => failures.push(format!("{}: {e}", path.display())),
            Ok(parsed) => {
                let errors: Vec<String> = parsed
                    .diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| format_error(path, d))
                    .collect();
                if !errors.is_empty() || parsed.policy.is_none() {
                    failures.push(if errors.is_empty() {
                        format!("{}: no policy and no error", path.display())
                    } else {
                        errors.join("\n")
                    });
                }
            }
        }
    }
    failures
}

/// Files in the shared corpus that are not AWS IAM policies (quacky also ships GCP and Azure
/// samples and its own `domain.json` constraint files).
fn not_an_iam_policy(path: &Path) -> bool {
    let p = path.to_string_lossy();
    p.contains("/gcp/") || p.contains("/azure/") || p.ends_with("/domain.json")
}

/// Files the corpus ships that are genuinely invalid: each must be *rejected* with an error.
const KNOWN_INVALID: [(&str, &str); 6] = [
    (
        "aws-managed/AWSCodePipelineFullAccess.json",
        "the file is empty",
    ),
    (
        "aws-managed/AWSECRPullThroughCacheServiceRolePolicy.json",
        "the file is empty",
    ),
    (
        "deny-service-specific-credential-by-type.json",
        "a `//` comment inside the JSON",
    ),
    (
        "s3_allow_pstar/policy.json",
        "`Principal` given as a list of strings",
    ),
    (
        "s3_allow_principals/policy.json",
        "`Principal` given as a list of strings",
    ),
    (
        "s3_allow_notprincipal/policy.json",
        "`NotPrincipal` given as a list of strings",
    ),
];

fn known_invalid(path: &Path) -> Option<&'static str> {
    let p = path.to_string_lossy();
    KNOWN_INVALID
        .iter()
        .find(|(suffix, _)| p.ends_with(suffix))
        .map(|(_, why)| *why)
}

/// A template with `<PLACEHOLDER>` values (the data-perimeter examples): every error it gets
/// must be about a placeholder.
fn only_placeholder_errors(path: &Path) -> bool {
    match parse_file(path) {
        Ok(parsed) => {
            let errors: Vec<&Diagnostic> =
                parsed.diagnostics.iter().filter(|d| d.is_error()).collect();
            !errors.is_empty()
                && errors
                    .iter()
                    .all(|d| d.message.contains("`<") && d.message.contains(">`"))
        }
        Err(_) => false,
    }
}

fn valid_set(corpus: &Path, sub: &str, recursive: bool) {
    let dir = corpus.join(sub);
    let files = if recursive {
        json_files(&dir)
    } else {
        all_files(&dir)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect()
    };
    assert!(!files.is_empty(), "no policy files in {}", dir.display());
    let files: Vec<PathBuf> = files
        .into_iter()
        .filter(|p| !not_an_iam_policy(p))
        .collect();
    let mut failures = Vec::new();
    // The known-invalid files must still be rejected, so this list cannot hide a regression.
    for path in files.iter().filter(|p| known_invalid(p).is_some()) {
        let rejected = match parse_file(path) {
            Ok(parsed) => parsed.diagnostics.iter().any(Diagnostic::is_error),
            Err(_) => true,
        };
        if !rejected {
            failures.push(format!(
                "{}: known invalid ({}) but accepted",
                path.display(),
                known_invalid(path).unwrap_or("")
            ));
        }
    }
    let templates: Vec<&PathBuf> = files
        .iter()
        .filter(|p| known_invalid(p).is_none() && only_placeholder_errors(p))
        .collect();
    let rest: Vec<PathBuf> = files
        .iter()
        .filter(|p| known_invalid(p).is_none() && !templates.contains(p))
        .cloned()
        .collect();
    println!(
        "{sub}: {} templates with `<PLACEHOLDER>` values, rejected with pointed errors",
        templates.len()
    );
    failures.extend(check_valid(&rest));
    println!(
        "{sub}: {} files, {} with errors",
        files.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} files in {sub} do not parse:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

macro_rules! corpus_or_skip {
    () => {
        match shared_corpus() {
            Some(dir) => dir,
            None => {
                eprintln!("note: ../shared/corpus is absent; skipping the shared-corpus test");
                return;
            }
        }
    };
}

#[test]
fn aws_managed_policies_parse() {
    let corpus = corpus_or_skip!();
    valid_set(&corpus, "aws-managed", false);
}

#[test]
fn aws_docs_valid_examples_parse() {
    let corpus = corpus_or_skip!();
    valid_set(&corpus, "aws-docs/valid", false);
}

#[test]
fn aws_samples_parse() {
    let corpus = corpus_or_skip!();
    valid_set(&corpus, "aws-samples", true);
}

#[test]
fn quacky_samples_parse() {
    let corpus = corpus_or_skip!();
    valid_set(&corpus, "quacky/samples", true);
}

#[test]
fn aws_docs_invalid_examples_are_rejected() {
    let corpus = corpus_or_skip!();
    let dir = corpus.join("aws-docs/invalid");
    let files = all_files(&dir);
    assert!(!files.is_empty(), "no files in {}", dir.display());
    let mut failures = Vec::new();
    for path in &files {
        match parse_file(path) {
            // The loader rejects a file that is not UTF-8 before parsing.
            Err(e) if e.starts_with("not UTF-8") => {}
            Err(e) => failures.push(format!("{}: {e}", path.display())),
            Ok(parsed) if !parsed.diagnostics.iter().any(Diagnostic::is_error) => {
                failures.push(format!("{}: accepted without an error", path.display()))
            }
            Ok(_) => {}
        }
    }
    println!(
        "aws-docs/invalid: {} files, {} not rejected",
        files.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} invalid files were not rejected:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
