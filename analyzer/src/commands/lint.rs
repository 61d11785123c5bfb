//! `airtight lint`: read policy files, lint each ([`airtight_analysis::lint`]), render the
//! findings, and exit.
//!
//! Findings are the command's result, so they go to stdout (`report::lint`). Exit codes: 2 when
//! a file cannot be read or parsed, or breaks the element rules of its policy type (any
//! error-severity finding); otherwise 1 when there is a warning; otherwise 0 (notes alone do
//! not fail).

use std::path::Path;

use airtight_analysis::lint::{lint, LintedFile};
use airtight_encodings::diagnostic::{Diagnostic, Severity};
use airtight_encodings::policy::PolicyKind;

use crate::cli::{Format, Io, KindArg, LintArgs};
use crate::exit::Exit;
use crate::load::Loader;
use crate::report;

/// Reads and lints one file. The text stays in the loader's database, so the findings' spans
/// can be rendered.
pub fn lint_path(loader: &mut Loader, path: &Path, kind: Option<PolicyKind>) -> LintedFile {
    let name = path.display().to_string();
    let before = loader.diagnostics().len();
    match loader.read(path) {
        Some(file) => {
            let mut linted = lint(&name, loader.source(file), file, kind);
            // A template, a plan or YAML: one error that says so, not a JSON error at 1:1.
            if linted.findings.iter().any(Diagnostic::is_error) {
                if let Some(d) = crate::load::iac::not_a_policy(loader.source(file), file) {
                    linted.kind = None;
                    linted.findings = vec![d];
                }
            }
            linted
        }
        None => LintedFile {
            name,
            kind: None,
            findings: loader.diagnostics()[before..].to_vec(),
        },
    }
}

/// Runs `lint` over every file given, then reports them all.
pub fn run(args: &LintArgs, io: &mut Io<'_>) -> Exit {
    let mut loader = Loader::new();
    let kind = args.kind.map(KindArg::kind);
    let files: Vec<LintedFile> = args
        .files
        .iter()
        .map(|path| lint_path(&mut loader, path, kind))
        .collect();
    let written = match args.format {
        Format::Text => report::lint::text::render(&loader, &files, io.out),
        Format::Json => report::write_json(io.out, &report::lint::json::render(&loader, &files)),
    };
    if let Err(e) = written {
        // Nothing sensible is left to do if stderr fails too.
        let _ = writeln!(io.err, "error: cannot write the findings: {e}");
        return Exit::BadInput;
    }
    exit_code(&files)
}

/// 2 on any error, else 1 on any warning, else 0.
pub fn exit_code(files: &[LintedFile]) -> Exit {
    let all = || files.iter().flat_map(|r| &r.findings);
    if all().any(Diagnostic::is_error) {
        Exit::BadInput
    } else if all().any(|d| d.severity == Severity::Warning) {
        Exit::Violated
    } else {
        Exit::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codespan_reporting::term::termcolor::NoColor;

    fn lint_text(name: &str, src: &str, kind: Option<PolicyKind>) -> (Loader, LintedFile) {
        let mut loader = Loader::new();
        let file = loader.add(name, src);
        let report = lint(name, loader.source(file), file, kind);
        (loader, report)
    }

    const FUNCTION_POLICY: &str = "{\"Version\": \"2012-10-17\", \"Statement\": [\n  {\"Sid\": \"s3\", \"Effect\": \"Allow\", \"Principal\": {\"Service\": \"s3.amazonaws.com\"},\n   \"Action\": \"lambda:InvokeFunction\", \"Resource\": \"arn:aws:lambda:us-east-1:111122223333:function:f\"}]}\n";

    #[test]
    fn a_principal_makes_a_resource_policy() {
        let (_, r) = lint_text("p.json", FUNCTION_POLICY, None);
        assert_eq!(r.kind, Some(PolicyKind::Resource));
        let codes: Vec<&str> = r.findings.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["lambda-service-principal-without-source"]);
        assert_eq!(exit_code(&[r]), Exit::Violated);
    }

    #[test]
    fn json_findings_have_positions() {
        let (loader, r) = lint_text("p.json", FUNCTION_POLICY, None);
        let v = report::lint::json::render(&loader, &[r]);
        let f = &v["findings"][0];
        assert_eq!(f["rule"], "lambda-service-principal-without-source");
        assert_eq!(f["severity"], "warning");
        assert_eq!(f["file"], "p.json");
        assert_eq!(
            (f["line"].as_u64(), f["column"].as_u64()),
            (Some(2), Some(61))
        );
        assert_eq!(
            (f["end_line"].as_u64(), f["end_column"].as_u64()),
            (Some(2), Some(79))
        );
        assert!(f["notes"].as_array().is_some_and(|n| !n.is_empty()));
    }

    #[test]
    fn kind_rules_and_parse_errors_are_bad_input() {
        let (_, r) = lint_text("p.json", FUNCTION_POLICY, Some(PolicyKind::Identity));
        assert!(r.findings.iter().any(|d| d.code == "principal-not-allowed"));
        assert_eq!(exit_code(&[r]), Exit::BadInput);
        let (_, r) = lint_text(
            "v.json",
            r#"{"Version": "2020-07-20", "Statement": []}"#,
            None,
        );
        assert_eq!(r.findings[0].code, "invalid-version");
        assert_eq!(exit_code(&[r]), Exit::BadInput);
    }

    #[test]
    fn text_ends_with_a_summary() {
        let (loader, r) = lint_text("p.json", FUNCTION_POLICY, None);
        let mut out = NoColor::new(Vec::new());
        report::lint::text::render(&loader, &[r], &mut out).expect("write to memory");
        let s = String::from_utf8(out.into_inner()).expect("utf-8");
        assert!(
            s.contains("warning[lambda-service-principal-without-source]"),
            "{s}"
        );
        assert!(s.ends_with("1 warning in 1 file\n"), "{s}");
        let clean = LintedFile {
            name: "x".into(),
            kind: Some(PolicyKind::Identity),
            findings: Vec::new(),
        };
        assert_eq!(
            report::lint::text::summary(&[clean.clone(), clean]),
            "no findings in 2 files"
        );
    }

    #[test]
    fn unreadable_files_have_no_position() {
        let mut loader = Loader::new();
        let r = lint_path(&mut loader, Path::new("/nonexistent/airtight/p.json"), None);
        assert_eq!(r.findings[0].code, "unreadable-file");
        let v = report::lint::json::render(&loader, std::slice::from_ref(&r));
        assert!(v["findings"][0]["line"].is_null());
        assert_eq!(v["findings"][0]["file"], "/nonexistent/airtight/p.json");
        assert_eq!(exit_code(&[r]), Exit::BadInput);
    }
}
