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
use airtight_analysis::diff::summary::{PatternAt, StatementAt, Was};

use crate::load::Loader;
use crate::report::aws_cli::{file_url, shell_quote, SimulateLine};
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
        let summary = &self.example.summary;
        let action = summary
            .action
            .as_ref()
            .or(summary.guardrail.as_ref().and_then(|g| g.action.as_ref()));
        if let Some(a) = action {
            let text = written(loader, a);
            if text.eq_ignore_ascii_case(&r.action) {
                r.action = text;
            }
        }
        r
    }

    /// The one-line summary: "now allows `A` on `R`; OLD …".
    pub fn sentence(&self, loader: &Loader) -> String {
        self.sentence_with(loader, &|v| format!("`{v}`"), &|v| v.to_string())
    }

    /// The one-line summary with every policy-derived value written by the report: `code` for
    /// patterns and request values, `label` for statement labels. The words are those of
    /// [`airtight_analysis::diff::summary::Summary::sentence`]; a format whose syntax a value
    /// could break (Markdown) passes its own quoting.
    pub fn sentence_with(
        &self,
        loader: &Loader,
        code: &dyn Fn(&str) -> String,
        label: &dyn Fn(&str) -> String,
    ) -> String {
        let (verb, other) = match self.direction {
            Direction::Gained => ("now allows", "OLD"),
            Direction::Lost => ("no longer allows", "NEW"),
        };
        let summary = &self.example.summary;
        let request = &self.example.request;
        if let Some(g) = &summary.guardrail {
            return g.sentence(request, verb, &|p| written(loader, p), code);
        }
        let action = summary
            .action
            .as_ref()
            .map_or_else(|| request.action.clone(), |p| written(loader, p));
        let resource = summary
            .resource
            .as_ref()
            .map_or_else(|| request.resource.clone(), |p| written(loader, p));
        let statements = |by: &[StatementAt]| {
            by.iter()
                .map(|s| format!("statement {}", label(&s.label)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        // For a file that exists on one side only, what the other side did says nothing.
        let was = match (&self.file.outcome, &summary.was) {
            (FileOutcome::Added(_), _) => "the policy is new".to_string(),
            (FileOutcome::Removed(_), _) => "the policy was removed".to_string(),
            (_, Was::Denied(by)) => format!("{other} denied it ({})", statements(by)),
            (_, Was::OnlyOn(patterns)) => format!(
                "{other} allowed it only on {}",
                patterns
                    .iter()
                    .map(|p| code(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (_, Was::Narrower(by)) => format!(
                "{other} allowed it only under the conditions or principals of {}",
                statements(by)
            ),
            (_, Was::NotGranted) => format!("{other} did not grant this action"),
        };
        format!("{verb} {} on {}; {was}", code(&action), code(&resource))
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
        if !self.file.whole_file {
            return None;
        }
        let path = file_url(&self.file.path);
        let r = &self.request(loader);
        // A guardrail example is decided next to a policy that allows everything.
        let guardrail = self.example.judgement == Judgement::Guardrail;
        // With a resource-based policy the simulator takes only an IAM user as the caller.
        if self.file.kind == PolicyKind::Resource
            && !matches!(
                r.kind(),
                airtight_encodings::request::PrincipalKind::User { .. }
            )
        {
            let why = "with a resource-based policy, AWS's policy simulator takes only an IAM user as the caller";
            if guardrail {
                // Judged as a guardrail, the policy's statements sit in one resource policy
                // with a statement that allows every caller: no file holds that policy.
                return Some(format!(
                    "# {why}; the example was decided with the policy's statements next to one that allows every caller"
                ));
            }
            // On its own, or next to callers whose own side allows everything (a role or user
            // needs an identity-based allow): the caller's side allows everything here, which
            // changes nothing for callers no identity policy binds.
            return Some(format!(
                "# {why}; decide it with airtight: echo {} > request.json && airtight simulate --request request.json --resource-policy {} --identity {} --session-policy {}",
                shell_quote(&r.to_json().to_string()),
                shell_quote(&self.file.path),
                ALLOW_ALL.argument,
                ALLOW_ALL.argument,
            ));
        }
        let mut cmd = SimulateLine::new();
        let allow_all = ALLOW_ALL.text;
        match self.file.kind {
            PolicyKind::Identity if guardrail => {
                cmd.arg("policy-input-list", &[path.as_str(), allow_all]);
            }
            PolicyKind::Identity => {
                cmd.arg("policy-input-list", &[path]);
            }
            PolicyKind::Resource if guardrail => {
                cmd.arg("policy-input-list", &[allow_all])
                    .arg("resource-policy", &[path.as_str()]);
                if r.principal.starts_with("arn:") {
                    cmd.arg("caller-arn", &[&r.principal]);
                }
            }
            PolicyKind::Resource => {
                cmd.arg(
                    "policy-input-list",
                    &[r#"{"Version":"2012-10-17","Statement":[]}"#],
                )
                .arg("resource-policy", &[path]);
                if r.principal.starts_with("arn:") {
                    cmd.arg("caller-arn", &[&r.principal]);
                }
            }
            _ => return None,
        }
        cmd.arg("action-names", &[&r.action])
            .arg("resource-arns", &[&r.resource])
            .context(r);
        Some(cmd.finish())
    }
}

/// The file an entry's annotations and SARIF locations point at: its path, or for an entry
/// of a template or plan (named by principal or function) the template's or plan's path.
pub fn artifact<'a>(loader: &'a Loader, file: &'a FileDiff) -> &'a str {
    file.new
        .or(file.old)
        .and_then(|id| loader.artifact(id))
        .unwrap_or(&file.path)
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

/// How a policy of `kind` was judged, where the verdict needs saying: an SCP or RCP grants
/// nothing by itself (docs/diff.md, "How a policy is judged").
pub fn judged_as(kind: PolicyKind) -> &'static str {
    match kind {
        PolicyKind::Scp | PolicyKind::Rcp => {
            "; judged as attached at its level next to policies that allow everything, and its Deny statements next to FullAWSAccess"
        }
        _ => "",
    }
}
