//! The `lint` command: read policy files, and report the parser's diagnostics, the element rules
//! of the policy type and the [`crate::findings`] rules, file by file.
//!
//! Findings are the command's result, so they go to stdout: as codespan-reporting diagnostics
//! followed by a one-line summary (`--format text`), or as one JSON object (`--format json`):
//!
//! ```json
//! {"findings": [{"rule": "lambda-deny-qualified-only", "severity": "warning",
//!                "message": "...", "file": "path as given", "line": 3, "column": 20,
//!                "end_line": 3, "end_column": 88, "notes": ["..."]}]}
//! ```
//!
//! `line` and `column` (1-based) are where the primary label starts, `end_line` and
//! `end_column` where it ends (the position just after its last character); all four are
//! `null` for a finding about a whole file (e.g. unreadable). Files are reported in the order
//! given, findings of one file in source order.
//!
//! Exit codes: 2 when a file cannot be read or parsed, or breaks the element rules of its policy
//! type (any error-severity finding); otherwise 1 when there is a warning; otherwise 0 (notes
//! alone do not fail).

use std::io;
use std::path::{Path, PathBuf};

use airtight_encodings::diagnostic::{Diagnostic, Severity};
use airtight_encodings::parse::{check_kind, parse_policy};
use airtight_encodings::policy::PolicyKind;
use airtight_encodings::span::{FileId, Span};
use clap::Args;
use codespan_reporting::term::termcolor::WriteColor;
use serde_json::{json, Value};

use crate::cli::{Format, Io, KindArg};
use crate::exit::Exit;
use crate::findings;
use crate::load::Loader;
use crate::report::{emit_diagnostics, line_column};

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Policy files: a policy document, `aws iam get-policy-version` or `aws lambda get-policy`
    /// output.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// The policy type of every FILE [default: resource-based when a statement names a
    /// `Principal` (as in `lambda get-policy` output), identity-based otherwise].
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// What `lint` found in one file.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The path as given.
    pub name: String,
    /// The policy type the file was checked as; `None` when it did not parse.
    pub kind: Option<PolicyKind>,
    /// Parser and loader diagnostics, then element-rule diagnostics, then rule findings.
    pub findings: Vec<Diagnostic>,
}

impl FileReport {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Diagnostic::is_error)
    }
}

/// Reads, parses and checks one file. The text stays in the loader's database, so the report's
/// spans can be rendered.
pub fn lint_file(loader: &mut Loader, path: &Path, kind: Option<PolicyKind>) -> FileReport {
    let before = loader.diagnostics().len();
    match loader.read(path) {
        Some(file) => lint_source(loader, file, kind),
        None => FileReport {
            name: path.display().to_string(),
            kind: None,
            findings: loader.diagnostics()[before..].to_vec(),
        },
    }
}

/// Parses and checks a text already in the loader's database.
pub fn lint_source(loader: &Loader, file: FileId, kind: Option<PolicyKind>) -> FileReport {
    let name = loader.name(file).to_string();
    let parsed = parse_policy(loader.source(file), file);
    let mut found = parsed.diagnostics;
    let Some(policy) = parsed.policy else {
        return FileReport {
            name,
            kind: None,
            findings: found,
        };
    };
    let kind = kind.unwrap_or_else(|| crate::load::detect_kind(&policy));
    found.extend(check_kind(&policy, kind));
    found.extend(findings::check(&policy, kind));
    FileReport {
        name,
        kind: Some(kind),
        findings: found,
    }
}

/// Runs `lint` over every file given, then reports them all.
pub fn run(args: &LintArgs, io: &mut Io<'_>) -> Exit {
    let mut loader = Loader::new();
    let kind = args.kind.map(KindArg::kind);
    let reports: Vec<FileReport> = args
        .files
        .iter()
        .map(|path| lint_file(&mut loader, path, kind))
        .collect();
    let written = match args.format {
        Format::Text => text(&loader, &reports, io.out),
        Format::Json => writeln!(io.out, "{:#}", to_json(&loader, &reports)),
    };
    if let Err(e) = written {
        // Nothing sensible is left to do if stderr fails too.
        let _ = writeln!(io.err, "error: cannot write the findings: {e}");
        return Exit::BadInput;
    }
    exit_code(&reports)
}

/// 2 on any error, else 1 on any warning, else 0.
pub fn exit_code(reports: &[FileReport]) -> Exit {
    let all = || reports.iter().flat_map(|r| &r.findings);
    if all().any(Diagnostic::is_error) {
        Exit::BadInput
    } else if all().any(|d| d.severity == Severity::Warning) {
        Exit::Violated
    } else {
        Exit::Ok
    }
}

/// Every finding rendered with its snippet, then one summary line.
pub fn text(loader: &Loader, reports: &[FileReport], w: &mut dyn WriteColor) -> io::Result<()> {
    for r in reports {
        emit_diagnostics(loader, &r.findings, w)?;
    }
    writeln!(w, "{}", summary(reports))
}

/// `2 warnings, 1 note in 3 files`, or `no findings in 3 files`.
pub fn summary(reports: &[FileReport]) -> String {
    let count = |severity: Severity| {
        reports
            .iter()
            .flat_map(|r| &r.findings)
            .filter(|d| d.severity == severity)
            .count()
    };
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let parts: Vec<String> = [
        (count(Severity::Error), "error"),
        (count(Severity::Warning), "warning"),
        (count(Severity::Note), "note"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, word)| plural(n, word))
    .collect();
    let files = plural(reports.len(), "file");
    if parts.is_empty() {
        format!("no findings in {files}")
    } else {
        format!("{} in {files}", parts.join(", "))
    }
}

/// The `--format json` object.
pub fn to_json(loader: &Loader, reports: &[FileReport]) -> Value {
    let findings: Vec<Value> = reports
        .iter()
        .flat_map(|r| r.findings.iter().map(move |d| finding(loader, &r.name, d)))
        .collect();
    json!({ "findings": findings })
}

fn finding(loader: &Loader, file: &str, d: &Diagnostic) -> Value {
    let span = d
        .labels
        .iter()
        .find(|l| l.primary)
        .or(d.labels.first())
        .map(|l| l.span);
    let (start, end) = match span {
        Some(s) => (
            Some(line_column(loader, s)),
            Some(line_column(loader, Span { start: s.end, ..s })),
        ),
        None => (None, None),
    };
    json!({
        "rule": d.code,
        "severity": severity(d.severity),
        "message": d.message,
        "file": file,
        "line": start.map(|p| p.0),
        "column": start.map(|p| p.1),
        "end_line": end.map(|p| p.0),
        "end_column": end.map(|p| p.1),
        "notes": d.notes,
    })
}

pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codespan_reporting::term::termcolor::NoColor;

    fn lint_text(name: &str, src: &str, kind: Option<PolicyKind>) -> (Loader, FileReport) {
        let mut loader = Loader::new();
        let file = loader.add(name, src);
        let report = lint_source(&loader, file, kind);
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
        let v = to_json(&loader, &[r]);
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
        text(&loader, &[r], &mut out).expect("write to memory");
        let s = String::from_utf8(out.into_inner()).expect("utf-8");
        assert!(
            s.contains("warning[lambda-service-principal-without-source]"),
            "{s}"
        );
        assert!(s.ends_with("1 warning in 1 file\n"), "{s}");
        let clean = FileReport {
            name: "x".into(),
            kind: Some(PolicyKind::Identity),
            findings: Vec::new(),
        };
        assert_eq!(summary(&[clean.clone(), clean]), "no findings in 2 files");
    }

    #[test]
    fn unreadable_files_have_no_position() {
        let mut loader = Loader::new();
        let r = lint_file(&mut loader, Path::new("/nonexistent/airtight/p.json"), None);
        assert_eq!(r.findings[0].code, "unreadable-file");
        let v = to_json(&loader, std::slice::from_ref(&r));
        assert!(v["findings"][0]["line"].is_null());
        assert_eq!(v["findings"][0]["file"], "/nonexistent/airtight/p.json");
        assert_eq!(exit_code(&[r]), Exit::BadInput);
    }
}
