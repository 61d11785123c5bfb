//! Rendering `who-can`: [`text`] for people, [`json`] for programs, [`sarif`] for code
//! scanning, [`github`] for annotations, [`markdown`] for a pull-request comment.
//!
//! SARIF and the annotations show the result as [`findings`]: one per caller that can (a
//! note, at the statements that granted its example) and one per caller with no answer.

pub mod github;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod text;

use airtight_analysis::query::Outcome;
use airtight_analysis::who_can::{Access, WhoCan};

use crate::load::Loader;
use crate::report::findings::{self, Finding, Level, Rule, UNKNOWN};

/// A caller can perform the action on the resource.
pub static WHO_CAN: Rule = Rule {
    id: "airtight/who-can",
    name: "WhoCan",
    level: Level::Note,
    short: "A caller can perform the action on the resource",
    full: "This caller can perform the action on the resource: the example request is certified by airtight's evaluator, and the result points at the statements that granted it. Review that the access is intended.",
    page: "world.md#airtight-who-can",
    security_severity: "2.0",
};

/// The rules who-can reports.
pub const RULES: [&Rule; 2] = [&WHO_CAN, &UNKNOWN];

/// The conditions of an access's first example, as `key = value` words.
pub fn conditions(a: &Access) -> Vec<String> {
    a.conditions
        .first()
        .map(|c| c.iter().map(|(k, v)| format!("{k} = {v}")).collect())
        .unwrap_or_default()
}

/// The result as findings.
pub fn findings(loader: &Loader, result: &WhoCan) -> Vec<Finding> {
    let q = &result.question;
    let identity = |who: String| vec![who, q.resource.clone(), q.actions.join(",")];
    result
        .accesses
        .iter()
        .map(|a| match &a.outcome {
            Outcome::Unknown { reason, .. } => Finding {
                rule: &UNKNOWN,
                message: format!("no answer for {}: {reason}", a.who.describe()),
                locations: Vec::new(),
                identity: identity(a.who.describe()),
            },
            _ => {
                let statements: Vec<_> = a
                    .examples
                    .first()
                    .into_iter()
                    .flat_map(|e| e.left.deciding.iter())
                    .collect();
                Finding {
                    rule: &WHO_CAN,
                    message: format!(
                        "{} can {} on {}{}",
                        a.who.describe(),
                        q.actions.join(" or "),
                        q.resource,
                        match conditions(a).as_slice() {
                            [] => String::new(),
                            c => format!(" (only with {})", c.join(", ")),
                        }
                    ),
                    locations: findings::locations(loader, &statements, &[]),
                    identity: identity(a.who.describe()),
                }
            }
        })
        .collect()
}
