//! Rendering a deny-check: [`text`] for people, [`json`] for programs, [`sarif`] for code
//! scanning, [`github`] for annotations and [`markdown`] for a pull-request comment.
//!
//! SARIF and the annotations show the check as [`findings`]: one per bypass request (located
//! at the statements that allow it), one per authorization model without an answer; an intent
//! that holds has none.

pub mod github;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod text;

use airtight_analysis::deny::{bypass, DenyCheck};
use airtight_analysis::query::Outcome;
use airtight_encodings::span::FileId;

use crate::load::Loader;
use crate::report::findings::{self, Finding, Level, Rule, UNKNOWN};

/// A request the intent forbids is allowed.
pub static DENY_BYPASS: Rule = Rule {
    id: "airtight/deny-bypass",
    name: "DenyBypass",
    level: Level::Error,
    short: "The deny can be bypassed",
    full: "A request the deny intent forbids (a principal other than the exceptions performing the action on the function, alias or version) is allowed. The request is certified by airtight's evaluator; the result points at the statements that allow it. Fix: add or widen the Deny (both the qualified and the unqualified function ARN), or narrow the Allow.",
    page: "queries.md#deny-check",
    security_severity: "8.0",
};

/// The rules a deny-check reports.
pub const RULES: [&Rule; 2] = [&DENY_BYPASS, &UNKNOWN];

/// The check as findings; `files` are the policy files it was asked about (where a finding
/// with no statement responsible points).
pub fn findings(loader: &Loader, check: &DenyCheck, files: &[FileId]) -> Vec<Finding> {
    let intent = &check.intent;
    let mut out = Vec::new();
    for m in &check.models {
        if let Outcome::Unknown { reason, .. } = &m.answer.outcome {
            out.push(Finding {
                rule: &UNKNOWN,
                message: format!(
                    "deny-check under {} authorization: no answer: {reason}",
                    m.auth.name()
                ),
                locations: findings::locations(loader, &[], files),
                identity: vec![m.auth.name().to_string(), intent.function.clone()],
            });
        }
        for c in &m.answer.counterexamples {
            let statements: Vec<_> = c.left.deciding.iter().collect();
            let why = bypass(c, &intent.function, intent.qualifier.as_deref());
            let mut message = format!(
                "bypass under {} authorization: `{}` may `{}` on `{}`",
                m.auth.name(),
                c.request.principal,
                c.request.action,
                c.request.resource
            );
            for line in &why {
                message.push_str("; ");
                message.push_str(line);
            }
            message.push_str(&format!(
                ". Example request (certified by the evaluator): {}",
                crate::report::sanitize::json(&c.request.to_json(), false)
            ));
            let mut identity = vec![
                m.auth.name().to_string(),
                c.request.action.clone(),
                c.request.resource.clone(),
            ];
            identity.extend(statements.iter().map(|s| s.label.clone()));
            out.push(Finding {
                rule: &DENY_BYPASS,
                message,
                locations: findings::locations(loader, &statements, files),
                identity,
            });
        }
    }
    out
}
