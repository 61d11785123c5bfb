//! `airtight lint`: read the configuration and the policy files, lint each
//! ([`airtight_analysis::lint`], in parallel, with a progress bar on a terminal), drop the
//! findings that `airtight.toml` suppresses or the baseline records, render the rest in every
//! format asked for, and exit.
//!
//! Findings are the command's result, so they go to stdout (`report::lint`), and to the files
//! of `--output FORMAT=PATH`. Exit codes: 2 when the configuration or the baseline is invalid,
//! or a file cannot be read or parsed, or breaks the element rules of its policy type (any
//! error-severity finding); otherwise 1 when a finding at or above `--fail-on` (default:
//! warning) is left; otherwise 0.

use std::path::{Path, PathBuf};

use airtight_analysis::lint::{lint_with, LintedFile, Options};
use airtight_encodings::diagnostic::{Diagnostic, Severity};
use airtight_encodings::policy::PolicyKind;
use codespan_reporting::term::termcolor::WriteColor;
use rayon::prelude::*;
use serde_json::json;

use crate::cli::{Io, KindArg, LintArgs, LintFailOn, ReportFormat};
use crate::exit::Exit;
use crate::load::config::{relative_path, Config};
use crate::load::{baseline, config, output, Loader};
use crate::report;
use crate::report::lint::{LintReport, Suppressed};
use crate::report::progress::Progress;

/// Reads and lints one file with the default options. The text stays in the loader's
/// database, so the findings' spans can be rendered.
pub fn lint_path(loader: &mut Loader, path: &Path, kind: Option<PolicyKind>) -> LintedFile {
    let name = path.display().to_string();
    let before = loader.diagnostics().len();
    match loader.read(path) {
        Some(file) => lint_text(&name, loader.source(file), file, kind, &Options::default()),
        None => unreadable(name, loader.diagnostics()[before..].to_vec()),
    }
}

/// Lints one file's text. A template, a plan or YAML that does not parse as a policy gets one
/// error that says what it is, not a JSON error at 1:1.
fn lint_text(
    name: &str,
    text: &str,
    file: airtight_encodings::span::FileId,
    kind: Option<PolicyKind>,
    options: &Options,
) -> LintedFile {
    let mut linted = lint_with(name, text, file, kind, options);
    if linted.findings.iter().any(Diagnostic::is_error) {
        if let Some(d) = crate::load::iac::not_a_policy(text, file) {
            linted.kind = None;
            linted.findings = vec![d];
            linted.statements = Vec::new();
        }
    }
    linted
}

fn unreadable(name: String, findings: Vec<Diagnostic>) -> LintedFile {
    LintedFile {
        name,
        kind: None,
        findings,
        statements: Vec::new(),
    }
}

/// The lint options from the configuration.
fn options(config: &Config) -> Options {
    let defaults = Options::default();
    Options {
        accounts: config.lint.accounts.clone(),
        solver: config.lint.solver.unwrap_or(defaults.solver),
        timeout_ms: config.lint.solver_timeout_ms.unwrap_or(defaults.timeout_ms),
        file_timeout_ms: config
            .lint
            .solver_file_timeout_ms
            .unwrap_or(defaults.file_timeout_ms),
    }
}

/// Reads every file, then lints them in parallel.
fn lint_all(
    loader: &mut Loader,
    paths: &[PathBuf],
    kind: Option<PolicyKind>,
    options: &Options,
) -> Vec<LintedFile> {
    let read: Vec<(
        String,
        Result<airtight_encodings::span::FileId, Vec<Diagnostic>>,
    )> = paths
        .iter()
        .map(|path| {
            let name = path.display().to_string();
            let before = loader.diagnostics().len();
            match loader.read(path) {
                Some(file) => (name, Ok(file)),
                None => (name, Err(loader.diagnostics()[before..].to_vec())),
            }
        })
        .collect();
    // On a terminal, a bar on stderr once the run has lasted a second.
    let bar = Progress::new(read.len() as u64, "lint");
    let loader = &*loader;
    let files = read
        .into_par_iter()
        .map(|(name, file)| {
            let linted = match file {
                Ok(file) => lint_text(&name, loader.source(file), file, kind, options),
                Err(findings) => unreadable(name, findings),
            };
            bar.step();
            linted
        })
        .collect();
    bar.finish();
    files
}

/// Applies the suppressions and the baseline: the report of what is left.
fn filter(
    loader: &Loader,
    config: &Config,
    files: Vec<LintedFile>,
    baseline: Option<&baseline::Baseline>,
) -> LintReport {
    let mut report = LintReport::default();
    for mut file in files {
        let path = relative_path(&config.root, Path::new(&file.name));
        let findings = std::mem::take(&mut file.findings);
        let mut kept = Vec::new();
        let mut prints = Vec::new();
        for d in findings {
            let print = report::lint::fingerprint(loader, &path, &file, &d);
            // Errors are never hidden: a policy that does not parse cannot be accepted.
            if !d.is_error() {
                let statement = file.statement_of(&d);
                let sid = statement.and_then(|s| s.sid.as_deref());
                if let Some(s) = config
                    .suppressions
                    .iter()
                    .find(|s| s.matches(d.code, &path, sid))
                {
                    report.suppressed.push(Suppressed {
                        file: file.name.clone(),
                        rule: d.code,
                        statement: statement.map(|s| s.label.clone()),
                        reason: s.reason.clone(),
                    });
                    continue;
                }
                if baseline.is_some_and(|b| b.fingerprints.contains(&print)) {
                    report.baselined += 1;
                    continue;
                }
            }
            kept.push(d);
            prints.push(print);
        }
        file.findings = kept;
        report.files.push(file);
        report.fingerprints.push(prints);
    }
    report
}

/// Writes the report in one format.
fn render(
    loader: &Loader,
    report: &LintReport,
    format: ReportFormat,
    w: &mut dyn WriteColor,
) -> std::io::Result<()> {
    match format {
        ReportFormat::Text => report::lint::text::render(loader, report, w),
        ReportFormat::Json => report::write_json(w, &report::lint::json::render(loader, report)),
        ReportFormat::Sarif => report::lint::sarif::render(loader, report, w),
        ReportFormat::Github => report::lint::github::render(loader, report, w),
        ReportFormat::Markdown => report::lint::markdown::render(loader, report, w),
    }
}

/// The baseline document of every finding: SARIF for a `.sarif` file, airtight JSON otherwise.
fn baseline_bytes(loader: &Loader, report: &LintReport, path: &Path) -> std::io::Result<Vec<u8>> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("sarif"))
    {
        let mut out = Vec::new();
        report::lint::sarif::render(loader, report, &mut out)?;
        return Ok(out);
    }
    let findings: Vec<serde_json::Value> = report
        .findings()
        .map(|f| {
            json!({
                "fingerprint": f.fingerprint,
                "rule": f.diagnostic.code,
                "file": f.file.name,
                "statement": f.statement(),
            })
        })
        .collect();
    let mut out = Vec::new();
    report::write_json(
        &mut out,
        &json!({"version": 1, "tool": "airtight", "findings": findings}),
    )?;
    Ok(out)
}

/// Runs `lint` over every file given, then reports them all.
pub fn run(args: &LintArgs, io: &mut Io<'_>) -> Exit {
    let mut loader = Loader::new();
    let config = config::load(&mut loader, args.config.as_deref());
    // Configuration diagnostics (errors and warnings) go to stderr, before anything else.
    let _ = report::emit_diagnostics(&loader, loader.diagnostics(), io.err);
    let Ok(config) = config else {
        return Exit::BadInput;
    };
    let baseline_path = args
        .baseline
        .clone()
        .or_else(|| config.lint.baseline.clone());
    if args.write_baseline && baseline_path.is_none() {
        let _ = writeln!(
            io.err,
            "error: --write-baseline needs a file: --baseline FILE, or `baseline` in airtight.toml"
        );
        return Exit::BadInput;
    }
    let baseline = match (&baseline_path, args.write_baseline) {
        (Some(path), false) => match baseline::read(path) {
            Ok(b) => Some(b),
            Err(d) => {
                let _ = report::emit_diagnostics(&loader, &[d], io.err);
                return Exit::BadInput;
            }
        },
        _ => None,
    };
    let files = lint_all(
        &mut loader,
        &args.files,
        args.kind.map(KindArg::kind),
        &options(&config),
    );
    let report = filter(&loader, &config, files, baseline.as_ref());
    if args.write_baseline {
        let Some(path) = baseline_path else {
            return Exit::BadInput;
        };
        let written = baseline_bytes(&loader, &report, &path)
            .and_then(|bytes| output::write_file(&path, &bytes));
        return match written {
            Ok(()) => {
                let _ = writeln!(
                    io.err,
                    "wrote {} finding(s) to the baseline {}",
                    report.findings().count(),
                    path.display()
                );
                Exit::Ok
            }
            Err(e) => {
                let _ = writeln!(io.err, "error: cannot write {}: {e}", path.display());
                Exit::BadInput
            }
        };
    }
    if let Err(exit) = super::write_report(&args.report, io, |format, w| {
        render(&loader, &report, format, w)
    }) {
        return exit;
    }
    let fail_on = args
        .fail_on
        .or_else(|| {
            config
                .lint
                .fail_on
                .as_deref()
                .and_then(|v| <LintFailOn as clap::ValueEnum>::from_str(v, true).ok())
        })
        .unwrap_or(LintFailOn::Warning);
    exit_code(&report.files, fail_on)
}

/// 2 on any error; else 1 when a finding at or above `fail_on` is left; else 0.
pub fn exit_code(files: &[LintedFile], fail_on: LintFailOn) -> Exit {
    let all = || files.iter().flat_map(|r| &r.findings);
    let threshold = match fail_on {
        LintFailOn::Note => Some(Severity::Note),
        LintFailOn::Warning => Some(Severity::Warning),
        LintFailOn::Error | LintFailOn::Never => None,
    };
    if all().any(Diagnostic::is_error) {
        Exit::BadInput
    } else if threshold.is_some_and(|t| all().any(|d| d.severity <= t)) {
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
        let report = airtight_analysis::lint::lint(name, loader.source(file), file, kind);
        (loader, report)
    }

    const FUNCTION_POLICY: &str = "{\"Version\": \"2012-10-17\", \"Statement\": [\n  {\"Sid\": \"s3\", \"Effect\": \"Allow\", \"Principal\": {\"Service\": \"s3.amazonaws.com\"},\n   \"Action\": \"lambda:InvokeFunction\", \"Resource\": \"arn:aws:lambda:us-east-1:111122223333:function:f\"}]}\n";

    #[test]
    fn a_principal_makes_a_resource_policy() {
        let (_, r) = lint_text("p.json", FUNCTION_POLICY, None);
        assert_eq!(r.kind, Some(PolicyKind::Resource));
        let codes: Vec<&str> = r.findings.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["lambda-service-principal-without-source"]);
        assert_eq!(exit_code(&[r], LintFailOn::Warning), Exit::Violated);
    }

    #[test]
    fn json_findings_have_positions() {
        let (loader, r) = lint_text("p.json", FUNCTION_POLICY, None);
        let report = LintReport::unfiltered(&loader, vec![r]);
        let v = report::lint::json::render(&loader, &report);
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
        assert_eq!(exit_code(&[r], LintFailOn::Never), Exit::BadInput);
        let (_, r) = lint_text(
            "v.json",
            r#"{"Version": "2020-07-20", "Statement": []}"#,
            None,
        );
        assert_eq!(r.findings[0].code, "invalid-version");
        assert_eq!(exit_code(&[r], LintFailOn::Warning), Exit::BadInput);
    }

    #[test]
    fn text_ends_with_a_summary() {
        let (loader, r) = lint_text("p.json", FUNCTION_POLICY, None);
        let mut out = NoColor::new(Vec::new());
        let report = LintReport::unfiltered(&loader, vec![r]);
        report::lint::text::render(&loader, &report, &mut out).expect("write to memory");
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
            statements: Vec::new(),
        };
        let report = LintReport {
            files: vec![clean.clone(), clean],
            fingerprints: vec![Vec::new(), Vec::new()],
            ..LintReport::default()
        };
        assert_eq!(
            report::lint::text::summary(&report),
            "no findings in 2 files"
        );
    }

    #[test]
    fn unreadable_files_have_no_position() {
        let mut loader = Loader::new();
        let r = lint_path(&mut loader, Path::new("/nonexistent/airtight/p.json"), None);
        assert_eq!(r.findings[0].code, "unreadable-file");
        let report = LintReport::unfiltered(&loader, vec![r.clone()]);
        let v = report::lint::json::render(&loader, &report);
        assert!(v["findings"][0]["line"].is_null());
        assert_eq!(v["findings"][0]["file"], "/nonexistent/airtight/p.json");
        assert_eq!(exit_code(&[r], LintFailOn::Warning), Exit::BadInput);
    }

    #[test]
    fn fail_on_chooses_what_fails() {
        let (_, r) = lint_text("p.json", FUNCTION_POLICY, None);
        let files = [r];
        assert_eq!(exit_code(&files, LintFailOn::Note), Exit::Violated);
        assert_eq!(exit_code(&files, LintFailOn::Warning), Exit::Violated);
        assert_eq!(exit_code(&files, LintFailOn::Error), Exit::Ok);
        assert_eq!(exit_code(&files, LintFailOn::Never), Exit::Ok);
    }
}
