//! `redundant-statement`: an `Allow` statement that grants nothing the policy's other `Allow`
//! statements do not already grant.
//!
//! **What it does.** For each `Allow` statement whose action entries are each covered by an
//! action entry of another `Allow` statement (`s3:Get*` covers `s3:GetObject`; a cheap filter),
//! asks the SMT engine whether the policy
//! without the statement allows everything the policy with it allows. When that is proved, the
//! statement is flagged (a note: it changes nothing). Statements are checked from last to first,
//! and one already found redundant no longer covers others, so of two identical statements only
//! the later one is reported.
//!
//! **Why is this bad.** A redundant statement is noise that reviewers must read, and it hides
//! intent: narrowing the statement later changes nothing, because another statement still
//! grants the same access. IAM Access Analyzer reports "Redundant statement" for duplicates.
//!
//! **References.** <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>

use airtight_encodings::diagnostic::{Diagnostic, Severity};
use airtight_encodings::glob::Glob;
use airtight_encodings::policy::{Effect, Policy, Statement};

use super::solver::{adds_nothing, as_allow};
use crate::lint::Context;

pub const ID: &str = "redundant-statement";

/// Whether the action pattern `by` matches every action `entry` matches, as far as the text
/// shows: `*`, the same pattern, a literal it matches, or a `prefix*` whose prefix starts the
/// entry.
fn covers(by: &Glob, entry: &Glob) -> bool {
    if by.is_any() || by == entry {
        return true;
    }
    if let Some(text) = entry.literal_text() {
        return by.matches(&text);
    }
    let (by_text, entry_text) = (by.to_string(), entry.to_string());
    match by_text.strip_suffix('*') {
        Some(prefix) if !prefix.contains(['*', '?']) => entry_text.starts_with(prefix),
        _ => false,
    }
}

/// Whether every action entry of `s` is covered by one of `o`.
fn actions_covered(s: &Statement, o: &Statement) -> bool {
    !s.action.negated
        && !o.action.negated
        && s.action
            .entries
            .iter()
            .all(|e| o.action.entries.iter().any(|f| covers(&f.value, &e.value)))
}

/// Whether every resource entry of `s` is covered by one of `o` (a statement without
/// `Resource` applies to every resource).
fn resources_covered(s: &Statement, o: &Statement) -> bool {
    let Some(theirs) = &o.resource else {
        return true;
    };
    if theirs.negated {
        return false;
    }
    let Some(mine) = &s.resource else {
        return false;
    };
    !mine.negated
        && mine.entries.iter().all(|e| {
            theirs
                .entries
                .iter()
                .any(|f| match (&f.value.glob, &e.value.glob) {
                    (Some(by), Some(entry)) => {
                        by.is_any()
                            || by == entry
                            || entry.literal_text().is_some_and(|t| by.matches(&t))
                            || by.to_string().strip_suffix('*').is_some_and(|p| {
                                !p.contains(['*', '?']) && entry.to_string().starts_with(p)
                            })
                    }
                    _ => f.value == e.value,
                })
        })
}

/// A statement of `others` that, as far as the text shows, allows everything `s` allows: it
/// covers its actions and resources, names the same principals, and each of its conditions is
/// also one of `s`'s. Only then is the solver asked (a cheap filter that keeps `lint` fast;
/// a statement covered only by several others together is not reported).
fn coverer<'a>(s: &Statement, others: &[&'a Statement]) -> Option<&'a Statement> {
    others.iter().copied().find(|o| {
        actions_covered(s, o)
            && resources_covered(s, o)
            && o.principal == s.principal
            && o.conditions.iter().all(|c| s.conditions.contains(c))
    })
}

pub fn check(policy: &Policy, cx: &Context<'_>) -> Vec<Diagnostic> {
    if !cx.options.solver {
        return Vec::new();
    }
    let allows: Vec<&Statement> = policy
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
        .collect();
    if allows.len() < 2 {
        return Vec::new();
    }
    let mut redundant: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    for (i, s) in allows.iter().enumerate().rev() {
        let others: Vec<&Statement> = allows
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i && !redundant.contains(j))
            .map(|(_, o)| *o)
            .collect();
        let Some(by) = coverer(s, &others) else {
            continue;
        };
        let fewer = vec![as_allow(by)];
        let more = vec![as_allow(by), as_allow(s)];
        if adds_nothing(cx, policy, fewer, more) != Some(true) {
            continue;
        }
        redundant.push(i);
        let mut d = Diagnostic::warning(
            ID,
            format!(
                "statement `{}` is redundant: statement `{}` already allows everything it allows",
                s.label(),
                by.label()
            ),
            s.effect.span,
        )
        .with_label("removing this statement changes no decision")
        .with_secondary(by.effect.span, format!("`{}` covers it", by.label()));
        d.severity = Severity::Note;
        out.push(d
            .with_note("proved by the SMT solver: the policy without this statement allows the same requests")
            .with_note("fix: remove the statement, or narrow the broader statement if this one states the intended access"));
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::{primary_text, run};
    use airtight_encodings::policy::PolicyKind;

    #[test]
    fn fires_on_a_statement_another_covers() {
        let bad = r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "All", "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"},
            {"Sid": "One", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/reports/*"}]}"#;
        let found = run(check, bad, PolicyKind::Identity);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("`One`"));
        assert_eq!(primary_text(bad, &found[0]), "\"Allow\"");
        let dup = r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Sid": "B", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;
        let found = run(check, dup, PolicyKind::Identity);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("`B`"));
    }
}
