//! Rendering query answers: [`text`] for people, [`json`] for programs, [`sarif`] for code
//! scanning, [`github`] for annotations and [`markdown`] for a pull-request comment.
//!
//! All render a [`Shown`]: the answer, and for each counterexample the policy sets it was
//! decided in (for the lines that confirm it with AWS) and, when a single policy per side was
//! judged in several ways (`diff::judgement`), which judgement found it. SARIF and the
//! annotations show the answer as [`findings`]: one per counterexample of a violated property
//! (located at the statements that allow it), one for `can` when nothing is allowed, one when
//! there is no answer; a property that holds has none.

pub mod github;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod text;

use airtight_analysis::diff::judgement::{JudgedAnswer, Judgement};
use airtight_analysis::query::{Answer, Counterexample, Outcome, QueryKind, Verdict};
use airtight_encodings::eval::{Decision, PolicySet};
use airtight_encodings::policy::PolicyKind;
use airtight_encodings::span::FileId;

use crate::load::Loader;
use crate::report::findings::{self, Finding, Level, Rule, UNKNOWN};

/// An answer as the renderers show it.
pub struct Shown<'a> {
    /// The combined answer: its outcome decides the verdict.
    pub answer: Answer,
    pub counterexamples: Vec<ShownExample<'a>>,
    /// For a single policy per side: the type it was read as and each judgement's outcome.
    pub judged: Option<(PolicyKind, Vec<(Judgement, Outcome)>)>,
    /// The policy files asked about, in order (built-in ones included).
    pub files: Vec<FileId>,
}

/// One counterexample with where it was decided.
pub struct ShownExample<'a> {
    pub counterexample: &'a Counterexample,
    pub sets: Vec<&'a PolicySet>,
    pub judgement: Option<Judgement>,
}

impl<'a> Shown<'a> {
    /// An answer about the policy sets `sets`.
    pub fn of_sets(answer: &'a Answer, sets: &[&'a PolicySet]) -> Shown<'a> {
        Shown {
            answer: answer.clone(),
            counterexamples: answer
                .counterexamples
                .iter()
                .map(|c| ShownExample {
                    counterexample: c,
                    sets: sets.to_vec(),
                    judgement: None,
                })
                .collect(),
            judged: None,
            files: files_of(sets.iter().copied()),
        }
    }

    /// An answer about one policy per side, judged in every way it gets.
    pub fn of_judged(judged: &'a JudgedAnswer) -> Shown<'a> {
        Shown {
            answer: judged.answer(),
            counterexamples: judged
                .counterexamples()
                .map(|(part, c)| ShownExample {
                    counterexample: c,
                    sets: vec![&part.old, &part.new],
                    judgement: Some(part.judgement),
                })
                .collect(),
            judged: Some((
                judged.kind,
                judged
                    .judgements()
                    .into_iter()
                    .map(|j| (j, judged.outcome_of(j)))
                    .collect(),
            )),
            files: files_of(judged.parts.iter().flat_map(|p| [&p.old, &p.new])),
        }
    }
}

/// The files of the policies of `sets`, each once, in order.
fn files_of<'a>(sets: impl Iterator<Item = &'a PolicySet>) -> Vec<FileId> {
    let mut out = Vec::new();
    for (_, p) in sets.flat_map(PolicySet::policies) {
        if !out.contains(&p.file) {
            out.push(p.file);
        }
    }
    out
}

/// For one policy per side: its type and each judgement's result in words (`identity-based
/// policy`, `on its own: holds; as a guardrail (…): violated`).
pub fn judged_words(kind: QueryKind, shown: &Shown<'_>) -> Option<(&'static str, String)> {
    let (policy_kind, judgements) = shown.judged.as_ref()?;
    let results: Vec<String> = judgements
        .iter()
        .map(|(j, outcome)| {
            format!(
                "{}: {}",
                j.describe(*policy_kind),
                json::result_word(kind, outcome)
            )
        })
        .collect();
    Some((policy_kind.name(), results.join("; ")))
}

/// The headline of an answer: the verdict in one word and a sentence.
pub fn headline(kind: QueryKind, answer: &Answer) -> (&'static str, String) {
    let ms = answer.elapsed.as_millis();
    match (kind.verdict(&answer.outcome), kind) {
        (Verdict::Yes, QueryKind::Equiv) => (
            "EQUIVALENT",
            format!("proved: both sides allow exactly the same requests ({ms} ms)"),
        ),
        (Verdict::No, QueryKind::Equiv) => (
            "DIFFERENT",
            "a request is allowed by one side and not by the other".to_string(),
        ),
        (Verdict::Yes, QueryKind::NoNewAccess) => (
            "HOLDS",
            format!("proved: the new policies allow nothing the old ones did not ({ms} ms)"),
        ),
        (Verdict::No, QueryKind::NoNewAccess) => {
            ("VIOLATED", "the new policies grant new access".to_string())
        }
        (Verdict::Yes, QueryKind::Can) => ("YES", "such a request is allowed".to_string()),
        (Verdict::No, QueryKind::Can) => (
            "NO",
            format!("proved: no request matching the constraints is allowed ({ms} ms)"),
        ),
        (Verdict::Yes, QueryKind::Never) => (
            "HOLDS",
            format!("proved: none of these actions is granted on these resources ({ms} ms)"),
        ),
        (Verdict::No, QueryKind::Never) => ("VIOLATED", "access is granted".to_string()),
        (Verdict::Unknown, _) => {
            let reason = match &answer.outcome {
                Outcome::Unknown { reason, .. } => reason.as_str(),
                _ => "",
            };
            ("UNKNOWN", format!("no answer: {reason}"))
        }
    }
}

/// `no-new-access` is violated.
pub static NEW_ACCESS: Rule = Rule {
    id: "airtight/new-access",
    name: "NewAccess",
    level: Level::Error,
    short: "The new policies grant new access",
    full: "The new policies allow a request the old ones did not (no-new-access is violated). The example request is certified by airtight's evaluator; the result points at the statements that allow it.",
    page: "queries.md",
    security_severity: "8.0",
};

/// `equiv` found a difference.
pub static NOT_EQUIVALENT: Rule = Rule {
    id: "airtight/not-equivalent",
    name: "NotEquivalent",
    level: Level::Warning,
    short: "The two sides allow different requests",
    full: "One side allows a request the other does not (equiv answered different). The example request is certified by airtight's evaluator; the result points at the statements that allow it.",
    page: "queries.md",
    security_severity: "5.0",
};

/// `never` is violated.
pub static ACCESS_GRANTED: Rule = Rule {
    id: "airtight/access-granted",
    name: "AccessGranted",
    level: Level::Error,
    short: "Access that must never be granted is granted",
    full: "A request for one of the actions on one of the resources is allowed (never is violated). The example request is certified by airtight's evaluator; the result points at the statements that allow it.",
    page: "queries.md#constraints-can-never",
    security_severity: "8.0",
};

/// `can` proved that nothing matching the constraints is allowed.
pub static NO_ACCESS: Rule = Rule {
    id: "airtight/no-access",
    name: "NoAccess",
    level: Level::Warning,
    short: "No request matching the constraints is allowed",
    full: "airtight proved that the policies allow no request matching the constraints of `can`: the access the check expects is missing.",
    page: "queries.md#constraints-can-never",
    security_severity: "3.0",
};

/// The rules a query reports.
pub fn rules(kind: QueryKind) -> [&'static Rule; 2] {
    let main = match kind {
        QueryKind::Equiv => &NOT_EQUIVALENT,
        QueryKind::NoNewAccess => &NEW_ACCESS,
        QueryKind::Can => &NO_ACCESS,
        QueryKind::Never => &ACCESS_GRANTED,
    };
    [main, &UNKNOWN]
}

/// The answer as findings (see the module documentation).
pub fn findings(loader: &Loader, kind: QueryKind, shown: &Shown<'_>) -> Vec<Finding> {
    let [rule, _] = rules(kind);
    let fallback = || findings::locations(loader, &[], &shown.files);
    match kind.verdict(&shown.answer.outcome) {
        Verdict::Yes => Vec::new(),
        Verdict::Unknown => {
            let reason = match &shown.answer.outcome {
                Outcome::Unknown { reason, .. } => reason.clone(),
                _ => String::new(),
            };
            let locations = match &shown.answer.outcome {
                Outcome::Unknown {
                    span: Some(span), ..
                } if !loader.is_builtin(span.file) => vec![findings::Location {
                    path: loader.name(span.file).to_string(),
                    region: findings::region(loader, *span),
                }],
                _ => fallback(),
            };
            vec![Finding {
                rule: &UNKNOWN,
                message: format!("{}: no answer: {reason}", kind.name()),
                locations,
                identity: vec![kind.name().to_string()],
            }]
        }
        Verdict::No if kind == QueryKind::Can => vec![Finding {
            rule,
            message: headline(kind, &shown.answer).1,
            locations: fallback(),
            identity: Vec::new(),
        }],
        Verdict::No => {
            // Judged in several policy sets, one request can be found twice: one finding.
            let mut out: Vec<Finding> = Vec::new();
            for x in &shown.counterexamples {
                let f = counterexample(loader, kind, rule, x, shown);
                if !out.iter().any(|o| o.identity == f.identity) {
                    out.push(f);
                }
            }
            out
        }
    }
}

/// One counterexample of a violated property as a finding, at the statements of the side that
/// allows it.
fn counterexample(
    loader: &Loader,
    kind: QueryKind,
    rule: &'static Rule,
    x: &ShownExample<'_>,
    shown: &Shown<'_>,
) -> Finding {
    let c = x.counterexample;
    let (left, right) = match kind {
        QueryKind::NoNewAccess => ("OLD", "NEW"),
        _ => ("the left side", "the right side"),
    };
    let (allowing, side) = match &c.right {
        Some(r) if c.left.decision != Decision::Allow => (r, 1),
        _ => (&c.left, 0),
    };
    // With no statement of the user's responsible (the root user, a built-in policy next to a
    // guardrail), the finding points at the policy files of the side that allows.
    let fallback = match x.sets.get(side) {
        Some(set) => files_of(std::iter::once(*set)),
        None => shown.files.clone(),
    };
    let statements: Vec<_> = allowing.deciding.iter().collect();
    let request = crate::report::sanitize::json(&c.request.to_json(), false);
    let what = format!("`{}` on `{}`", c.request.action, c.request.resource);
    let (mut message, why) = match &c.right {
        Some(r) => (
            format!(
                "{what}: {left} decides {}, {right} decides {}",
                c.left.decision.as_str(),
                r.decision.as_str()
            ),
            if std::ptr::eq(allowing, r) {
                &c.why_right
            } else {
                &c.why
            },
        ),
        None => (format!("{what} is allowed"), &c.why),
    };
    if let (Some(j), Some((policy_kind, js))) = (x.judgement, &shown.judged) {
        if js.len() > 1 {
            message.push_str(&format!(" (judged {})", j.describe(*policy_kind)));
        }
    }
    message.push_str(&format!(": {}", allowing.reason));
    for line in why {
        message.push_str("; ");
        message.push_str(line);
    }
    message.push_str(&format!(
        ". Example request (certified by the evaluator): {request}"
    ));
    let mut identity = vec![c.request.action.clone(), c.request.resource.clone()];
    identity.extend(statements.iter().map(|s| s.label.clone()));
    Finding {
        rule,
        message,
        locations: findings::locations(loader, &statements, &fallback),
        identity,
    }
}
