//! Rendering `airtight diff` reports: [`text`] for people (codespan-reporting pointers into
//! the policy), [`json`] for programs (a public contract), [`sarif`] for code scanning,
//! [`github`] for workflow annotations and [`markdown`] for pull-request comments.
//!
//! Every format shows the same examples, from [`views`]: one per certified example, with its
//! one-line summary and the statement responsible.

pub mod github;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod text;

use airtight_encodings::policy::PolicyKind;
use airtight_encodings::request::Request;
use airtight_encodings::span::Span;

use airtight_analysis::builtin::ALLOW_ALL;
use airtight_analysis::diff::compare::Example;
use airtight_analysis::diff::judgement::Judgement;
pub use airtight_analysis::diff::report::Direction;
use airtight_analysis::diff::report::{DiffReport, DirectedExample, FileDiff, FileOutcome};
use airtight_analysis::diff::summary::PatternAt;

use crate::load::Loader;
use crate::report::aws_cli::{context_entries, shell_quote};
use crate::report::{byte_range, line_column};

/// One certified example as reports show it: [`DirectedExample`] with what rendering needs
/// from the file database (patterns as written, positions, confirmation lines).
#[derive(Clone, Copy)]
pub struct ExampleView<'a> {
    pub file: &'a FileDiff,
    pub direction: Direction,
    pub example: &'a Example,
}

/// Every example of the report, file by file, new access first.
pub fn views(report: &DiffReport) -> impl Iterator<Item = ExampleView<'_>> {
    report.examples().map(|d: DirectedExample<'_>| ExampleView {
        file: d.file,
        direction: d.direction,
        example: d.example,
    })
}

/// A pattern as written in its file (quotes removed), or its folded form when the span does
/// not point into a loaded file.
pub fn written(loader: &Loader, pattern: &PatternAt) -> String {
    let src = loader.source(pattern.span.file);
    let range = byte_range(loader, pattern.span);
    match src.get(range) {
        Some(text) if !text.is_empty() => {
            let t = text.trim();
            // A plain string, or one inside an embedded document (`aws lambda get-policy`).
            t.strip_prefix("\\\"")
                .and_then(|t| t.strip_suffix("\\\""))
                .or_else(|| t.strip_prefix('"').and_then(|t| t.strip_suffix('"')))
                .unwrap_or(t)
                .to_string()
        }
        _ => pattern.text.clone(),
    }
}

impl ExampleView<'_> {
    /// The example request, its action spelled as the policy writes it when the policy names
    /// it literally (actions are case-insensitive; the solver works on folded text).
    pub fn request(&self, loader: &Loader) -> Request {
        let mut r = self.example.request.clone();
        if let Some(a) = &self.example.summary.action {
            let text = written(loader, a);
            if text.eq_ignore_ascii_case(&r.action) {
                r.action = text;
            }
        }
        r
    }

    /// The one-line summary: "now allows `A` on `R`; OLD …".
    pub fn sentence(&self, loader: &Loader) -> String {
        let (verb, other) = match self.direction {
            Direction::Gained => ("now allows", "OLD"),
            Direction::Lost => ("no longer allows", "NEW"),
        };
        let sentence = self
            .example
            .summary
            .sentence(&self.example.request, verb, other, &|p| written(loader, p));
        // For a file that exists on one side only, what the other side did says nothing.
        let lone = match self.file.outcome {
            FileOutcome::Added(_) => Some("the policy is new"),
            FileOutcome::Removed(_) => Some("the policy was removed"),
            _ => None,
        };
        match (lone, sentence.split_once("; ")) {
            (Some(why), Some((head, _))) => format!("{head}; {why}"),
            _ => sentence,
        }
    }

    /// Where the responsible statement is: its matching action entry (or the statement), in
    /// NEW for new access and in OLD for removed access.
    pub fn span(&self) -> Option<Span> {
        let s = &self.example.summary;
        s.action
            .as_ref()
            .map(|a| a.span)
            .or(s.statement.as_ref().map(|st| st.span))
            .filter(|span| Some(span.file) == self.side_file())
    }

    /// The file holding the responsible statement.
    pub fn side_file(&self) -> Option<airtight_encodings::span::FileId> {
        self.file.side(self.direction)
    }

    /// `(line, column, end line, end column)` of [`ExampleView::span`], 1-based.
    pub fn region(&self, loader: &Loader) -> Option<(usize, usize, usize, usize)> {
        let span = self.span()?;
        let (line, column) = line_column(loader, span);
        let end = Span {
            start: span.end,
            ..span
        };
        let (end_line, end_column) = line_column(loader, end);
        (line > 0).then_some((line, column, end_line, end_column))
    }

    /// The label of the responsible statement, e.g. `Invoke` or `#2`.
    pub fn statement(&self) -> Option<&str> {
        self.example
            .summary
            .statement
            .as_ref()
            .map(|s| s.label.as_str())
    }

    /// An `aws iam simulate-custom-policy` line that shows the granting version allowing the
    /// request (identity and resource policies only).
    pub fn aws_cli(&self, loader: &Loader) -> Option<String> {
        let path = shell_quote(&self.file.path);
        let r = &self.request(loader);
        let mut cmd = String::from("aws iam simulate-custom-policy");
        // A guardrail example is decided next to a policy that allows everything.
        let guardrail = self.example.judgement == Judgement::Guardrail;
        let allow_all = shell_quote(ALLOW_ALL.text);
        match self.file.kind {
            PolicyKind::Identity if guardrail => {
                cmd.push_str(&format!(" --policy-input-list file://{path} {allow_all}"));
            }
            PolicyKind::Identity => {
                cmd.push_str(&format!(" --policy-input-list file://{path}"));
            }
            PolicyKind::Resource if guardrail => {
                cmd.push_str(&format!(
                    " --policy-input-list {allow_all} --resource-policy file://{path}"
                ));
                if r.principal.starts_with("arn:") {
                    cmd.push_str(&format!(" --caller-arn {}", shell_quote(&r.principal)));
                }
            }
            PolicyKind::Resource => {
                cmd.push_str(&format!(
                    " --policy-input-list '{{\"Version\":\"2012-10-17\",\"Statement\":[]}}' --resource-policy file://{path}"
                ));
                if r.principal.starts_with("arn:") {
                    cmd.push_str(&format!(" --caller-arn {}", shell_quote(&r.principal)));
                }
            }
            _ => return None,
        }
        cmd.push_str(&format!(" --action-names {}", shell_quote(&r.action)));
        cmd.push_str(&format!(" --resource-arns {}", shell_quote(&r.resource)));
        cmd.push_str(&context_entries(r));
        Some(cmd)
    }
}

/// The words a person reads for a verdict.
pub fn verdict_words(file: &FileDiff) -> &'static str {
    match file.verdict() {
        "equivalent" => "equivalent (proved: same access)",
        "new_access" => "grants new access",
        "removed_access" => "removes access (proved: nothing new)",
        "both" => "grants new access and removes access",
        "added" => "added",
        "removed" => "removed",
        "invalid" => "invalid (see the errors above)",
        _ => "unknown",
    }
}
