//! Splitting "does NEW grant anything OLD does not?" into small, independent questions.
//!
//! A policy allows a request when one of its Allow statements matches it and none of its Deny
//! statements does. So a request NEW allows and OLD does not is granted by some Allow
//! statement of NEW through one of its action entries. The question therefore splits by
//! *action entry*:
//!
//! 1. **Covered entries are skipped.** An entry is covered when OLD has an Allow statement
//!    with the same effect, principal, resources and conditions whose action list holds the
//!    same entry or a pattern that matches it (a literal entry `s3:GetObject` under `s3:*`),
//!    and every Deny statement of OLD is also in NEW (so no Deny of OLD can reject what NEW
//!    allows), and the two policies have the same `Version` (variables mean the same).
//!    Whatever such an entry lets NEW allow, OLD allows too.
//! 2. **The rest is asked in small groups.** For each uncovered entry, the statements that
//!    can apply to one of its actions are those with `NotAction` or with an action pattern
//!    that intersects the entry ([`Glob::intersects`]). Entries with the same such statements
//!    form one part: a reduced NEW (those entries in their statements, plus NEW's Deny
//!    statements that can apply) compared with a reduced OLD (OLD's statements that can
//!    apply). For the part's actions the dropped statements cannot match, so the reduced
//!    policies decide exactly like the full ones there. `NotAction` Allow statements of NEW
//!    form one more part, compared with the whole of OLD and every Deny of NEW.
//!
//! Every request NEW allows and OLD does not is thus found in some part, and every request a
//! part finds is one the full policies disagree on — which the caller certifies again with
//! the evaluator on the full policies. The parts are small: one service's patterns instead of
//! a managed policy's thousand, which is what keeps large diffs fast.

use airtight_encodings::glob::Glob;
use airtight_encodings::policy::{Effect, Policy, Statement};
use indexmap::IndexMap;

/// The service an action entry is confined to, or `None` when its service part is a pattern
/// (or it has no `service:` prefix), in which case it may match any service.
fn service_of(entry: &Glob) -> Option<String> {
    let text = entry.to_string();
    let (service, _) = text.split_once(':')?;
    (!service.contains(['*', '?'])).then(|| service.to_ascii_lowercase())
}

/// What the actions a part asks about have in common, which decides the statements that can
/// take part in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Any action (a `NotAction` statement of NEW).
    Any,
    /// Action entries that the statements at these positions of OLD and the Deny statements at
    /// these positions of NEW can apply to; no other statement can apply to their actions.
    Actions {
        old: Vec<usize>,
        new_denies: Vec<usize>,
    },
}

/// Whether `statement` can apply to some action that `entry` matches.
fn may_apply(statement: &Statement, entry: &Glob) -> bool {
    statement.action.negated
        || statement
            .action
            .entries
            .iter()
            .any(|e| e.value.intersects(entry))
}

/// The same statement apart from its actions, Sid and position.
fn same_scope(a: &Statement, b: &Statement) -> bool {
    a.effect == b.effect
        && a.principal == b.principal
        && a.resource == b.resource
        && a.conditions == b.conditions
}

fn same_statement(a: &Statement, b: &Statement) -> bool {
    same_scope(a, b) && a.action == b.action
}

/// Whether every request `entry` matches is matched by `by`.
fn entry_covers(by: &Glob, entry: &Glob) -> bool {
    if by.is_any() {
        return true;
    }
    match entry.literal_text() {
        Some(literal) => by.matches(&literal),
        None => by.to_string().eq_ignore_ascii_case(&entry.to_string()),
    }
}

/// One of the small questions: does `new` allow anything `old` does not?
#[derive(Debug, Clone)]
pub struct Part {
    /// The actions the part is about.
    pub scope: Scope,
    pub old: Policy,
    pub new: Policy,
}

impl Part {
    /// The service the part is confined to, for messages.
    pub fn service(&self) -> Option<String> {
        match &self.scope {
            Scope::Any => None,
            Scope::Actions { .. } => self
                .new
                .statements
                .iter()
                .find(|s| s.effect.value == Effect::Allow)
                .and_then(|s| s.action.entries.first())
                .and_then(|e| service_of(&e.value)),
        }
    }
}

/// The parts of "NEW allows nothing OLD does not". No parts means proved syntactically.
pub fn parts(old: &Policy, new: &Policy) -> Vec<Part> {
    let denies_kept = old
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Deny)
        .all(|d| new.statements.iter().any(|n| same_statement(d, n)));
    let may_cover = denies_kept && old.version == new.version;
    let covered_by_old = |statement: &Statement, entry: Option<&Glob>| {
        may_cover
            && old.statements.iter().any(|o| {
                o.effect.value == Effect::Allow
                    && same_scope(o, statement)
                    && match entry {
                        // A NotAction statement is covered only by the same statement.
                        None => o.action == statement.action,
                        Some(e) => {
                            !o.action.negated
                                && o.action.entries.iter().any(|b| entry_covers(&b.value, e))
                        }
                    }
            })
    };
    let new_denies: Vec<&Statement> = new
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Deny)
        .collect();

    // The uncovered part of each Allow statement, by scope.
    let mut by_scope: IndexMap<Scope, Vec<Statement>> = IndexMap::new();
    for statement in new
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
    {
        if statement.action.negated {
            if !covered_by_old(statement, None) {
                by_scope
                    .entry(Scope::Any)
                    .or_default()
                    .push(statement.clone());
            }
            continue;
        }
        let mut groups: IndexMap<Scope, Statement> = IndexMap::new();
        for entry in &statement.action.entries {
            if covered_by_old(statement, Some(&entry.value)) {
                continue;
            }
            let scope = Scope::Actions {
                old: positions(old.statements.iter(), |s| may_apply(s, &entry.value)),
                new_denies: positions(new_denies.iter().copied(), |s| may_apply(s, &entry.value)),
            };
            groups
                .entry(scope)
                .or_insert_with(|| {
                    let mut s = statement.clone();
                    s.action.entries.clear();
                    s
                })
                .action
                .entries
                .push(entry.clone());
        }
        for (scope, s) in groups {
            by_scope.entry(scope).or_default().push(s);
        }
    }

    by_scope
        .into_iter()
        .map(|(scope, allows)| {
            let keep = |s: &Statement, positions: &[usize]| match &scope {
                Scope::Any => true,
                Scope::Actions { .. } => positions.contains(&s.index),
            };
            let (old_kept, denies_kept) = match &scope {
                Scope::Any => (Vec::new(), Vec::new()),
                Scope::Actions { old, new_denies } => (old.clone(), new_denies.clone()),
            };
            let denies = new_denies
                .iter()
                .filter(|s| keep(s, &denies_kept))
                .map(|s| (*s).clone());
            let mut statements: Vec<Statement> = allows.into_iter().chain(denies).collect();
            statements.sort_by_key(|s| s.index);
            Part {
                old: Policy {
                    statements: old
                        .statements
                        .iter()
                        .filter(|s| keep(s, &old_kept))
                        .cloned()
                        .collect(),
                    ..old.clone()
                },
                new: Policy {
                    statements,
                    ..new.clone()
                },
                scope,
            }
        })
        .flat_map(narrow)
        .collect()
}

/// Above this many wildcard patterns left in a part, it is asked entry by entry: the classes
/// of many infix wildcards (`connect:*Contact*`) multiply.
const WILDCARDS_PER_PART: usize = 16;

/// Drops, from the statements a part compares with, the action entries that cannot match any
/// action the part asks about (a statement left with none is dropped); a part still holding
/// many wildcard patterns is split into one part per asked entry. `NotAction` statements are
/// kept whole: removing one of their entries would widen them.
fn narrow(part: Part) -> Vec<Part> {
    if part.scope == Scope::Any {
        return vec![part];
    }
    let asked: Vec<Glob> = part
        .new
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
        .flat_map(|s| s.action.entries.iter().map(|e| e.value.clone()))
        .collect();
    let narrowed = restrict(&part, &asked);
    let wildcards = narrowed
        .old
        .statements
        .iter()
        .chain(&narrowed.new.statements)
        .flat_map(|s| s.action.entries.iter())
        .filter(|e| !e.value.is_literal())
        .count();
    if wildcards <= WILDCARDS_PER_PART || asked.len() < 2 {
        return vec![narrowed];
    }
    asked
        .iter()
        .map(|entry| {
            let mut one = part.clone();
            for s in &mut one.new.statements {
                if s.effect.value == Effect::Allow {
                    s.action.entries.retain(|e| &e.value == entry);
                }
            }
            one.new
                .statements
                .retain(|s| s.effect.value == Effect::Deny || !s.action.entries.is_empty());
            restrict(&one, std::slice::from_ref(entry))
        })
        .collect()
}

/// The part with the entries of its compared statements cut down to those meeting `asked`.
fn restrict(part: &Part, asked: &[Glob]) -> Part {
    let cut = |statements: &[Statement], only_denies: bool| -> Vec<Statement> {
        statements
            .iter()
            .filter_map(|s| {
                if s.action.negated || (only_denies && s.effect.value == Effect::Allow) {
                    return Some(s.clone());
                }
                let mut s = s.clone();
                s.action
                    .entries
                    .retain(|e| asked.iter().any(|a| a.intersects(&e.value)));
                (!s.action.entries.is_empty()).then_some(s)
            })
            .collect()
    };
    let mut narrowed = part.clone();
    narrowed.old.statements = cut(&part.old.statements, false);
    narrowed.new.statements = cut(&part.new.statements, true);
    narrowed
}

fn positions<'a>(
    statements: impl Iterator<Item = &'a Statement>,
    keep: impl Fn(&Statement) -> bool,
) -> Vec<usize> {
    statements.filter(|s| keep(s)).map(|s| s.index).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use airtight_encodings::parse::parse_policy;
    use airtight_encodings::span::FileId;

    fn policy(statements: &str) -> Policy {
        let text = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
        parse_policy(&text, FileId(0))
            .policy
            .expect("test policy parses")
    }

    fn services(parts: &[Part]) -> Vec<Option<String>> {
        parts.iter().map(Part::service).collect()
    }

    #[test]
    fn reformatting_and_reordering_leave_nothing_to_ask() {
        let old = policy(
            r#"{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","ec2:Describe*"],"Resource":"*"},
               {"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}"#,
        );
        let new = policy(
            r#"{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"},
               {"Sid":"B","Effect":"Allow","Action":["ec2:Describe*","S3:GetObject"],"Resource":["*"]}"#,
        );
        assert!(parts(&old, &new).is_empty());
    }

    #[test]
    fn an_added_action_is_asked_about_its_service_only() {
        let old = policy(
            r#"{"Effect":"Allow","Action":["xray:PutTraceSegments","s3:Get*"],"Resource":"*"},
               {"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:*:*:*"}"#,
        );
        let new = policy(
            r#"{"Effect":"Allow","Action":["xray:PutTraceSegments","xray:GetSamplingRules","s3:Get*","s3:GetObject"],"Resource":"*"},
               {"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:*:*:*"}"#,
        );
        let parts = parts(&old, &new);
        // s3:GetObject is covered by s3:Get*; only the xray addition remains.
        assert_eq!(services(&parts), [Some("xray".to_string())]);
        let part = &parts[0];
        assert_eq!(part.new.statements.len(), 1);
        assert_eq!(part.new.statements[0].action.entries.len(), 1);
        assert!(
            part.old.statements.is_empty(),
            "no statement of OLD applies to xray:GetSamplingRules"
        );
    }

    #[test]
    fn a_removed_deny_disables_syntactic_cover() {
        let old = policy(
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"},
               {"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}"#,
        );
        let new = policy(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#);
        let parts = parts(&old, &new);
        assert_eq!(services(&parts), [Some("s3".to_string())]);
        assert_eq!(parts[0].old.statements.len(), 2, "OLD's Deny takes part");
    }

    #[test]
    fn wildcard_services_meet_what_they_intersect_and_not_action_meets_all() {
        let old = policy(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
               {"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}"#,
        );
        let new = policy(
            r#"{"Effect":"Allow","Action":"*:Describe*","Resource":"*"},
               {"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#,
        );
        let parts = parts(&old, &new);
        assert_eq!(services(&parts), [None, None]);
        // `*:Describe*` meets `ec2:Describe*` but not `s3:GetObject`.
        assert!(matches!(&parts[0].scope, Scope::Actions { old, .. } if old == &[1]));
        assert_eq!(parts[0].old.statements.len(), 1);
        // The NotAction statement is compared with all of OLD.
        assert_eq!(parts[1].scope, Scope::Any);
        assert_eq!(parts[1].old.statements.len(), 2);
    }

    #[test]
    fn a_changed_condition_is_not_covered() {
        let old = policy(
            r#"{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"a"}}}"#,
        );
        let new = policy(
            r#"{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"b"}}}"#,
        );
        assert_eq!(services(&parts(&old, &new)), [Some("lambda".to_string())]);
    }
}
