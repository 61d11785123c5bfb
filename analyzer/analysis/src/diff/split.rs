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
//!
//! Two more splits serve the other ways a policy is judged (`super::judgement`):
//!
//! - [`guardrail_parts`]: next to policies that allow everything, an identity or resource
//!   policy allows a request exactly when none of its Deny statements applies. "NEW lets
//!   through something OLD stopped" is then "some Deny statement of OLD applies where none of
//!   NEW does" — the question above with the Deny statements read as Allow statements and the
//!   two versions swapped, so it splits the same way, by the action entries of OLD's Deny
//!   statements.
//! - [`root_part`]: a resource-based policy on its own lets the account root user of the
//!   resource's account do anything no Deny statement stops (docs/semantics.md §5.3 step 1),
//!   without any Allow statement; the split by Allow statements cannot see those requests,
//!   so they are one more part, asked over the Deny statements alone.

use airtight_encodings::glob::{Glob, GlobToken};
use airtight_encodings::policy::{Effect, Matcher, Policy, Statement};
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

/// The statement with only the action entries that can match an action of `entry`: for those
/// actions it applies exactly when the whole statement does (with `Action` or `NotAction`).
fn actions_meeting(statement: &Statement, entry: &Glob) -> Statement {
    let mut s = statement.clone();
    s.action.entries.retain(|e| e.value.intersects(entry));
    s
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
        None => same_text_ignoring_ascii_case(by, entry),
    }
}

/// Whether two globs are written alike up to ASCII case, as their `Display` texts compared
/// with `eq_ignore_ascii_case`, without building the texts: this runs for every pair of
/// entries, and two thousand action patterns make four million pairs.
fn same_text_ignoring_ascii_case(a: &Glob, b: &Glob) -> bool {
    fn shown(t: &GlobToken) -> char {
        match t {
            GlobToken::Char(c) => *c,
            GlobToken::AnyChar | GlobToken::AnyCharNoColon => '?',
            GlobToken::AnyRun | GlobToken::AnyRunNoColon => '*',
        }
    }
    a.tokens.len() == b.tokens.len()
        && a.tokens
            .iter()
            .zip(&b.tokens)
            .all(|(x, y)| shown(x).eq_ignore_ascii_case(&shown(y)))
}

/// One of the small questions: does `new` allow anything `old` does not?
#[derive(Debug, Clone)]
pub struct Part {
    /// The actions the part is about.
    pub scope: Scope,
    pub old: Policy,
    pub new: Policy,
    /// The service the asked actions are confined to, for messages.
    pub service: Option<String>,
}

impl Part {
    /// A rough cost: the patterns the solver will see.
    fn size(&self) -> usize {
        self.old
            .statements
            .iter()
            .chain(&self.new.statements)
            .map(|s| s.action.entries.len() + s.resource.as_ref().map_or(0, |r| r.entries.len()))
            .sum()
    }

    /// The service the part is confined to, for messages.
    pub fn service(&self) -> Option<String> {
        self.service.clone()
    }

    /// The service of the first asked action entry (an Allow statement of `new`), if it names
    /// one.
    fn asked_service(&self) -> Option<String> {
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
    let same_version = old.version == new.version;
    // Cover needs every Deny of OLD that can apply to the entry's actions to be in NEW, as far
    // as those actions go (a `NotAction` list may change elsewhere).
    let denies_kept_for = |entry: Option<&Glob>| match entry {
        _ if denies_kept => true,
        None => false,
        Some(e) => old
            .statements
            .iter()
            .filter(|d| d.effect.value == Effect::Deny)
            .map(|d| actions_meeting(d, e))
            .all(|d| {
                new.statements
                    .iter()
                    .filter(|n| n.effect.value == Effect::Deny)
                    .any(|n| same_statement(&d, &actions_meeting(n, e)))
            }),
    };
    let covered_by_old = |statement: &Statement, entry: Option<&Glob>| {
        same_version
            && denies_kept_for(entry)
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
        let mut groups: IndexMap<(Scope, Option<Vec<usize>>), Statement> = IndexMap::new();
        for entry in &statement.action.entries {
            if covered_by_old(statement, Some(&entry.value)) {
                continue;
            }
            let left = if same_version && denies_kept_for(Some(&entry.value)) {
                uncovered_resources(old, statement, &entry.value)
            } else {
                Some(None)
            };
            let Some(left) = left else { continue };
            let scope = Scope::Actions {
                old: positions(old.statements.iter(), |s| may_apply(s, &entry.value)),
                new_denies: positions(new_denies.iter().copied(), |s| may_apply(s, &entry.value)),
            };
            groups
                .entry((scope, left.clone()))
                .or_insert_with(|| {
                    let mut s = statement.clone();
                    s.action.entries.clear();
                    if let (Some(block), Some(keep)) = (s.resource.as_mut(), &left) {
                        let entries = std::mem::take(&mut block.entries);
                        block.entries = entries
                            .into_iter()
                            .enumerate()
                            .filter(|(i, _)| keep.contains(i))
                            .map(|(_, e)| e)
                            .collect();
                    }
                    s
                })
                .action
                .entries
                .push(entry.clone());
        }
        for ((scope, _), s) in groups {
            by_scope.entry(scope).or_default().push(s);
        }
    }

    let mut parts: Vec<Part> = by_scope
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
                service: None,
            }
        })
        .flat_map(narrow)
        .map(|mut p| {
            p.service = p.asked_service();
            p
        })
        .collect();
    // Cheap parts first: a search that only needs one example stops at the first it finds.
    parts.sort_by_key(Part::size);
    parts
}

/// Above this many wildcard patterns left in a part, it is asked entry by entry: the classes
/// of many infix wildcards (`connect:*Contact*`) multiply.
const WILDCARDS_PER_PART: usize = 16;

/// Drops, from the statements a part compares with, the action entries that cannot match any
/// action the part asks about (a statement left with none is dropped); a part still holding
/// many wildcard patterns is split into one part per asked entry.
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
    // Nothing in OLD to compare with: each Allow statement is a question of its own, and the
    // cheapest answers first.
    let allows = narrowed
        .new
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
        .count();
    if narrowed.old.statements.is_empty() && allows > 1 {
        return (0..allows)
            .map(|k| {
                let mut one = narrowed.clone();
                let mut seen = 0;
                one.new.statements.retain(|s| {
                    if s.effect.value == Effect::Deny {
                        return true;
                    }
                    seen += 1;
                    seen - 1 == k
                });
                one
            })
            .collect();
    }
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
                if only_denies && s.effect.value == Effect::Allow {
                    return Some(s.clone());
                }
                // An entry that meets no asked action never matches one: dropping it changes
                // nothing there, for `Action` and `NotAction` alike. A statement left with no
                // `Action` entry cannot apply; one left with an empty `NotAction` applies to
                // every asked action.
                let mut s = s.clone();
                s.action
                    .entries
                    .retain(|e| asked.iter().any(|a| a.intersects(&e.value)));
                (s.action.negated || !s.action.entries.is_empty()).then_some(s)
            })
            .collect()
    };
    let mut narrowed = part.clone();
    narrowed.old.statements = cut(&part.old.statements, false);
    narrowed.new.statements = cut(&part.new.statements, true);
    // Likewise for resources, when every asked statement lists its resources as patterns.
    let mut asked_resources: Vec<Glob> = Vec::new();
    for s in part
        .new
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
    {
        match &s.resource {
            Some(b) if !b.negated && b.entries.iter().all(|e| e.value.glob.is_some()) => {
                asked_resources.extend(b.entries.iter().filter_map(|e| e.value.glob.clone()));
            }
            _ => return narrowed,
        }
    }
    let cut_resources = |statements: &mut Vec<Statement>, only_denies: bool| {
        statements.retain_mut(|s| {
            if only_denies && s.effect.value == Effect::Allow {
                return true;
            }
            let Some(block) = s.resource.as_mut() else {
                return true;
            };
            block.entries.retain(|e| {
                e.value
                    .glob
                    .as_ref()
                    .is_none_or(|g| asked_resources.iter().any(|a| a.intersects(g)))
            });
            block.negated || !block.entries.is_empty()
        });
    };
    cut_resources(&mut narrowed.old.statements, false);
    cut_resources(&mut narrowed.new.statements, true);
    narrowed
}

/// Which resource entries of `statement` still need asking for action `entry`: `None` when
/// every one is covered, `Some(None)` when the resource block cannot be split (no block,
/// `NotResource`), else the positions of the entries that no Allow statement of OLD with the
/// same principals and conditions covers together with the action entry. A request through a
/// covered (action, resource) pair is allowed by that OLD statement.
fn uncovered_resources(
    old: &Policy,
    statement: &Statement,
    entry: &Glob,
) -> Option<Option<Vec<usize>>> {
    let Some(block) = statement.resource.as_ref().filter(|b| !b.negated) else {
        return Some(None);
    };
    let left: Vec<usize> = (0..block.entries.len())
        .filter(|&i| {
            let wanted = &block.entries[i].value;
            !old.statements.iter().any(|o| {
                o.effect.value == Effect::Allow
                    && o.principal == statement.principal
                    && o.conditions == statement.conditions
                    && !o.action.negated
                    && o.action
                        .entries
                        .iter()
                        .any(|b| entry_covers(&b.value, entry))
                    && o.resource.as_ref().is_some_and(|ob| {
                        !ob.negated && ob.entries.iter().any(|e| resource_covers(&e.value, wanted))
                    })
            })
        })
        .collect();
    (!left.is_empty()).then_some(Some(left))
}

/// Whether every resource `entry` matches is matched by `by`.
fn resource_covers(by: &Matcher, entry: &Matcher) -> bool {
    if by == entry {
        return true;
    }
    match (&by.glob, entry.glob.as_ref().and_then(Glob::literal_text)) {
        (Some(g), Some(literal)) => g.matches(&literal),
        _ => false,
    }
}

fn positions<'a>(
    statements: impl Iterator<Item = &'a Statement>,
    keep: impl Fn(&Statement) -> bool,
) -> Vec<usize> {
    statements.filter(|s| keep(s)).map(|s| s.index).collect()
}

/// The Deny statements of `policy` read as Allow statements (its Allow statements dropped):
/// the flipped policy "allows" exactly the requests the original's Deny statements stop.
pub fn flipped(policy: &Policy) -> Policy {
    Policy {
        statements: policy
            .statements
            .iter()
            .filter(|s| s.effect.value == Effect::Deny)
            .cloned()
            .map(|mut s| {
                s.effect.value = Effect::Allow;
                s
            })
            .collect(),
        ..policy.clone()
    }
}

/// The inverse of [`flipped`]: every statement read as a Deny statement again.
fn unflipped(policy: &Policy) -> Policy {
    Policy {
        statements: policy
            .statements
            .iter()
            .cloned()
            .map(|mut s| {
                s.effect.value = Effect::Deny;
                s
            })
            .collect(),
        ..policy.clone()
    }
}

/// The parts of "the Deny statements of `to` stop nothing that those of `from` let through"
/// — the requests `to` allows and `from` does not when everything else allows them. Each part
/// holds Deny statements only: `old` those of `from` that the part asks about, `new` those of
/// `to` that can apply to them (the orientation of [`parts`]: the part asks whether `new`
/// allows anything `old` does not). Same version and same Deny statements leave nothing to
/// ask.
pub fn guardrail_parts(from: &Policy, to: &Policy) -> Vec<Part> {
    // A request `from`'s Deny statements stop and `to`'s do not is "allowed" by the flipped
    // `from` and not by the flipped `to`: the split of that question, turned back.
    parts(&flipped(to), &flipped(from))
        .into_iter()
        .map(|p| Part {
            scope: p.scope,
            old: unflipped(&p.new),
            new: unflipped(&p.old),
            service: p.service,
        })
        .collect()
}

/// For a resource-based policy on its own: the requests of the account root user of the
/// resource's account that `to` lets through and `from` stops, which need no Allow statement.
/// `None` when every Deny statement of `from` is also in `to` (then there are none); else one
/// part over the Deny statements of both versions, which — with no Allow statement left —
/// allows exactly those root-user requests no Deny statement stops.
pub fn root_part(from: &Policy, to: &Policy) -> Option<Part> {
    let denies = |p: &Policy| Policy {
        statements: p
            .statements
            .iter()
            .filter(|s| s.effect.value == Effect::Deny)
            .cloned()
            .collect(),
        ..p.clone()
    };
    let (from, to) = (denies(from), denies(to));
    let kept = from.version == to.version
        && from
            .statements
            .iter()
            .all(|d| to.statements.iter().any(|n| same_statement(d, n)));
    (!kept).then_some(Part {
        scope: Scope::Any,
        old: from,
        new: to,
        service: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::testing::policy;

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
    fn an_added_resource_is_asked_alone_against_the_old_resources_it_meets() {
        let old = policy(
            r#"{"Effect":"Allow","Action":"apigateway:GET","Resource":["arn:aws:apigateway:*::/apis","arn:aws:apigateway:*::/apis/*","arn:aws:apigateway:*::/domainnames"]}"#,
        );
        let new = policy(
            r#"{"Effect":"Allow","Action":"apigateway:GET","Resource":["arn:aws:apigateway:*::/apis","arn:aws:apigateway:*::/apis/*","arn:aws:apigateway:*::/domainnames","arn:aws:apigateway:*::/domainnames/*"]}"#,
        );
        let parts = parts(&old, &new);
        assert_eq!(parts.len(), 1);
        let asked = parts[0].new.statements[0]
            .resource
            .as_ref()
            .expect("resources");
        assert_eq!(
            asked.entries.len(),
            1,
            "only the added resource is asked about"
        );
        // None of OLD's resources meets `…/domainnames/*`, so OLD's statement drops out.
        assert!(parts[0].old.statements.is_empty(), "{:?}", parts[0].old);
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
