//! Two worlds (two snapshots of accounts) compared per principal and per resource: who gains or
//! loses what.
//!
//! | compared | as |
//! |---|---|
//! | a user's or role's identity-based policies, all of them as one | an identity policy: moving a statement between two policies of one role changes nothing |
//! | its permissions boundary | a boundary |
//! | a resource's resource-based policy (each Lambda function, version and alias) | a resource-based policy |
//! | the SCPs (RCPs) attached at one organization node or account, all of them as one | an SCP (RCP) level |
//!
//! Several policies of one principal (or of one level) are one policy with all their
//! statements: an identity side allows what any of its policies allows and denies what any
//! denies, and a level allows what any policy attached there allows. Entries whose policies
//! are the same in both worlds (ignoring layout) are left out and counted.

use std::collections::BTreeSet;

use airtight_encodings::policy::{Policy, PolicyKind};
use airtight_encodings::world::World;

use super::compare::DiffOptions;
use super::report::{compare_all, FileDiff, PolicyPair, PolicyVersion};
use crate::builtin::Baselines;

/// What comparing two worlds found.
#[derive(Debug, Clone)]
pub struct WorldDiff {
    /// One entry per principal side, resource and organization level that changed.
    pub files: Vec<FileDiff>,
    /// How many entries were the same in both worlds.
    pub unchanged: usize,
}

/// One compared entry: its name and each world's policy.
struct Entry {
    path: String,
    kind: PolicyKind,
    old: Option<Policy>,
    new: Option<Policy>,
}

/// Compares `old` and `new`.
pub fn compare_worlds(
    old: &World,
    new: &World,
    baselines: &Baselines,
    options: &DiffOptions,
) -> WorldDiff {
    let mut entries = Vec::new();
    principals(old, new, &baselines.empty, &mut entries);
    resources(old, new, &mut entries);
    levels(old, new, &mut entries);
    let mut unchanged = 0;
    let mut pairs = Vec::new();
    for e in entries {
        // The same statements, whatever file and layout they come from.
        let same = match (&e.old, &e.new) {
            (Some(o), Some(n)) => o.statements == n.statements,
            (None, None) => true,
            _ => false,
        };
        if same {
            unchanged += 1;
            continue;
        }
        let version = |p: Option<Policy>| {
            p.map(|policy| PolicyVersion {
                file: policy.file,
                policy: Some(policy),
            })
        };
        pairs.push(PolicyPair {
            path: e.path,
            kind: e.kind,
            old: version(e.old),
            new: version(e.new),
            whole_file: false,
        });
    }
    WorldDiff {
        files: compare_all(pairs, baselines, options),
        unchanged,
    }
}

/// Several policies as one: every statement, in order; `None` when there are none.
fn merged(policies: &[Policy]) -> Option<Policy> {
    let first = policies.first()?;
    Some(Policy {
        statements: policies
            .iter()
            .flat_map(|p| p.statements.iter().cloned())
            .collect(),
        ..first.clone()
    })
}

fn principals(old: &World, new: &World, none: &Policy, out: &mut Vec<Entry>) {
    let arns: BTreeSet<(String, String)> = old
        .principals()
        .chain(new.principals())
        .map(|(a, p)| (a.id.clone(), p.arn.clone()))
        .collect();
    for (account, arn) in arns {
        let find = |w: &World| {
            w.accounts
                .get(&account)
                .and_then(|a| a.principals.get(&arn))
                .cloned()
        };
        let (o, n) = (find(old), find(new));
        // A principal that exists with no policy has an empty identity side: the built-in
        // policy with no statement.
        let empty = |p: &Option<airtight_encodings::world::Principal>| {
            p.as_ref()
                .map(|x| merged(&x.identity).unwrap_or_else(|| none.clone()))
        };
        out.push(Entry {
            path: format!("{arn} (identity-based policies)"),
            kind: PolicyKind::Identity,
            old: empty(&o),
            new: empty(&n),
        });
        let boundary = |p: &Option<airtight_encodings::world::Principal>| {
            p.as_ref().and_then(|x| x.boundary.clone())
        };
        if boundary(&o).is_some() || boundary(&n).is_some() {
            out.push(Entry {
                path: format!("{arn} (permissions boundary)"),
                kind: PolicyKind::Boundary,
                old: boundary(&o),
                new: boundary(&n),
            });
        }
    }
}

fn resources(old: &World, new: &World, out: &mut Vec<Entry>) {
    let arns: BTreeSet<(String, String)> = [old, new]
        .iter()
        .flat_map(|w| {
            w.accounts
                .values()
                .flat_map(|a| a.resources.keys().map(move |r| (a.id.clone(), r.clone())))
        })
        .collect();
    for (account, arn) in arns {
        let find = |w: &World| {
            w.accounts
                .get(&account)
                .and_then(|a| a.resources.get(&arn))
                .and_then(|r| r.policy.clone())
        };
        let (o, n) = (find(old), find(new));
        if o.is_some() || n.is_some() {
            out.push(Entry {
                path: format!("{arn} (resource-based policy)"),
                kind: PolicyKind::Resource,
                old: o,
                new: n,
            });
        }
    }
}

fn levels(old: &World, new: &World, out: &mut Vec<Entry>) {
    let mut names: BTreeSet<String> = BTreeSet::new();
    for w in [old, new] {
        if let Some(org) = &w.organization {
            names.extend(org.nodes.keys().cloned());
        }
        names.extend(w.accounts.keys().cloned());
    }
    for name in names {
        let attached = |w: &World, scp: bool| -> Option<Policy> {
            let list = if let Some(node) = w.organization.as_ref().and_then(|o| o.nodes.get(&name))
            {
                if scp {
                    &node.scps
                } else {
                    &node.rcps
                }
            } else if let Some(a) = w.accounts.get(&name) {
                if scp {
                    &a.scps
                } else {
                    &a.rcps
                }
            } else {
                return None;
            };
            merged(list)
        };
        for (scp, kind, what) in [
            (true, PolicyKind::Scp, "service control policies"),
            (false, PolicyKind::Rcp, "resource control policies"),
        ] {
            let (o, n) = (attached(old, scp), attached(new, scp));
            if o.is_some() || n.is_some() {
                out.push(Entry {
                    path: format!("{name} ({what})"),
                    kind,
                    old: o,
                    new: n,
                });
            }
        }
    }
}
