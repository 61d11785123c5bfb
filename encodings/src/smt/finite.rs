//! From string atoms to a finite problem: the "partition strings" step.
//!
//! String variables linked by equalities form groups. The globs a group is tested against cut
//! the string space into finitely many classes ([`crate::partition`]); each variable becomes an
//! integer class index, each `Matches` atom a disjunction over the classes whose strings match,
//! and each equality `x = y` becomes `class(x) = class(y) ∧ (singleton(class(x)) ∨ e_xy)`,
//! where the free boolean `e_xy` says whether two members of a class with several strings were
//! chosen equal (transitivity of these equalities is asserted for every triple in a group).
//! Every string model of the original formula maps to a model of this one and back (choosing
//! witnesses per class), so sat/unsat answers are preserved exactly.

use std::collections::BTreeMap;

use super::factory::{self, and, not, or};
use super::term::{BoolVar, GlobId, IntVar, StrVar, Term, Vars};
use crate::budget::{Budget, BudgetError, Reservation, Stage};
use crate::glob::Glob;
use crate::partition::{self, Domain, Partition, PartitionError};

/// A string variable left as a string (the fallback), as the solver needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringVar {
    /// The globs its `Matches` atoms name (the group's list).
    pub globs: Vec<Glob>,
    /// The characters its strings are spelled with ([`partition::representatives`]), shared
    /// by the group so that equal strings are spelled alike.
    pub alphabet: Vec<char>,
}

/// The variables left as strings (the fallback), for the solver.
pub fn string_vars(finite: &Finite) -> BTreeMap<u32, StringVar> {
    let mut out = BTreeMap::new();
    for g in finite.groups.iter().filter(|g| g.partition.is_none()) {
        // As many characters per behaviour as the group has members: enough for all of them
        // to be different strings of one class.
        let var = StringVar {
            globs: g.globs.clone(),
            alphabet: partition::representatives(&g.globs, g.members.len()),
        };
        for m in &g.members {
            out.insert(m.0, var.clone());
        }
    }
    out
}

/// A group of string variables sharing one partition.
#[derive(Debug, Clone)]
pub struct Group {
    pub members: Vec<StrVar>,
    pub globs: Vec<Glob>,
    /// The classes, or `None` when the group's automaton is too large: its variables then stay
    /// strings for Z3's string solver (the fallback).
    pub partition: Option<Partition>,
    /// Class variable of each member.
    pub class_vars: BTreeMap<StrVar, IntVar>,
    pub eq_vars: BTreeMap<(StrVar, StrVar), BoolVar>,
}

/// The finite problem and what is needed to turn its models back into strings.
#[derive(Debug, Clone)]
pub struct Finite {
    /// The original variables plus class and equality variables.
    pub vars: Vars,
    pub assertions: Vec<Term>,
    pub groups: Vec<Group>,
    /// Which group each string variable is in.
    pub group_of: BTreeMap<StrVar, usize>,
}

/// Rewrites `assertions` over `vars` into class form, with no deadline and no memory budget
/// (see [`finitize_within`]).
pub fn finitize(
    vars: &Vars,
    assertions: &[Term],
    state_limit: usize,
) -> Result<Finite, BudgetError> {
    finitize_within(vars, assertions, state_limit, &Budget::unlimited())
}

/// The share of the memory budget one group's partition may use before the group falls back
/// to strings.
const PARTITION_SHARE: u64 = 4;
/// The bytes counted for one term node the rewriting adds.
const TERM_BYTES: u64 = 48;

/// Rewrites `assertions` over `vars` into class form, within `budget`. A group whose
/// automaton has more than `state_limit` states, or outgrows a quarter of the memory budget,
/// falls back to strings; the deadline passing, or the rewritten terms outgrowing the budget,
/// is an error naming the stage.
pub fn finitize_within(
    vars: &Vars,
    assertions: &[Term],
    state_limit: usize,
    budget: &Budget,
) -> Result<Finite, BudgetError> {
    let n = vars.strs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], x: usize) -> usize {
        let mut r = x;
        while p[r] != r {
            r = p[r];
        }
        let mut y = x;
        while p[y] != r {
            let next = p[y];
            p[y] = r;
            y = next;
        }
        r
    }
    let mut eqs = Vec::new();
    for t in assertions {
        collect_eqs(t, &mut eqs);
    }
    for (a, b) in &eqs {
        let (ra, rb) = (
            find(&mut parent, a.0 as usize),
            find(&mut parent, b.0 as usize),
        );
        if ra != rb {
            parent[ra] = rb;
        }
    }
    let mut by_root: BTreeMap<usize, Vec<StrVar>> = BTreeMap::new();
    for i in 0..n {
        let r = find(&mut parent, i);
        by_root.entry(r).or_default().push(StrVar(i as u32));
    }
    let mut out_vars = vars.clone();
    let mut groups = Vec::new();
    let mut group_of = BTreeMap::new();
    let mut glob_index: BTreeMap<(StrVar, GlobId), usize> = BTreeMap::new();
    for members in by_root.into_values() {
        let gi = groups.len();
        let mut globs: Vec<Glob> = Vec::new();
        for m in &members {
            group_of.insert(*m, gi);
            for (j, g) in vars.strs[m.0 as usize].globs.iter().enumerate() {
                let idx = match globs.iter().position(|x| x == g) {
                    Some(i) => i,
                    None => {
                        globs.push(g.clone());
                        globs.len() - 1
                    }
                };
                glob_index.insert((*m, GlobId(j as u32)), idx);
            }
        }
        let stage = || Stage::Partitioning {
            patterns: globs.len(),
            subject: subject(vars, &members),
        };
        let partition = match partition::partition_within(
            &globs,
            &Domain {
                forbidden: vec![],
                min_len: 0,
            },
            state_limit,
            budget,
            budget.memory_limit() / PARTITION_SHARE,
            &stage,
        ) {
            Ok(mut p) => {
                // Number classes in witness order: the classes matching a prefix glob
                // (`ec2:Describe*`) then form one contiguous range, so atoms become a few
                // interval tests.
                p.classes.sort_by(|a, b| a.witness.cmp(&b.witness));
                Some(p)
            }
            // Too large to partition: the group's variables stay strings.
            Err(PartitionError::TooManyStates { .. })
            | Err(PartitionError::Budget(BudgetError::Memory { .. })) => None,
            Err(PartitionError::Budget(e)) => return Err(e),
        };
        let mut class_vars = BTreeMap::new();
        if let Some(p) = &partition {
            let k = p.classes.len() as i128;
            for m in &members {
                let name = format!("{}#class", vars.strs[m.0 as usize].name);
                class_vars.insert(*m, out_vars.new_int(&name, 0, k - 1));
            }
        }
        groups.push(Group {
            members,
            globs,
            partition,
            class_vars,
            eq_vars: BTreeMap::new(),
        });
    }
    let mut out = Vec::new();
    let mut memory = budget.reservation();
    let mut rewriter = Rewriter {
        vars: &mut out_vars,
        groups: &mut groups,
        group_of: &group_of,
        glob_index: &glob_index,
        budget,
        memory: &mut memory,
    };
    for t in assertions {
        out.push(rewriter.rewrite(t)?);
    }
    // Transitivity of equality inside each group.
    for group in groups.iter_mut() {
        let members = group.members.clone();
        if members.len() < 3 || group.eq_vars.is_empty() || group.partition.is_none() {
            continue;
        }
        for a in 0..members.len() {
            budget.check(|| Stage::Rewriting)?;
            memory.grow(
                (members.len() * members.len()) as u64 * 8 * TERM_BYTES,
                || Stage::Rewriting,
            )?;
            for b in 0..members.len() {
                for c in 0..members.len() {
                    if a == b || b == c || a == c {
                        continue;
                    }
                    let ab = eq_term(&mut out_vars, group, members[a], members[b]);
                    let bc = eq_term(&mut out_vars, group, members[b], members[c]);
                    let ac = eq_term(&mut out_vars, group, members[a], members[c]);
                    out.push(factory::implies(and([ab, bc]), ac));
                }
            }
        }
    }
    Ok(Finite {
        vars: out_vars,
        assertions: out,
        groups,
        group_of,
    })
}

fn collect_eqs(t: &Term, out: &mut Vec<(StrVar, StrVar)>) {
    match t {
        Term::StrEq(a, b) => out.push((*a, *b)),
        Term::Not(x) => collect_eqs(x, out),
        Term::And(xs) | Term::Or(xs) => xs.iter().for_each(|x| collect_eqs(x, out)),
        _ => {}
    }
}

/// What a group's patterns test, for messages: `resource`, `action`, `principal`, or a
/// condition key's name.
fn subject(vars: &Vars, members: &[StrVar]) -> String {
    let name = members
        .first()
        .map_or("", |m| vars.strs[m.0 as usize].name.as_str());
    if name == "action" {
        "action".into()
    } else if name == "resource_account" || name.starts_with("resource.") {
        "resource".into()
    } else if name.starts_with("principal.") {
        "principal".into()
    } else {
        // A condition key, or one element (`key[i]`) of a multivalued one.
        let key = name.rsplit_once('[').map_or(name, |(key, _)| key);
        format!("`{key}`")
    }
}

/// Replaces string atoms by class tests, counting the terms it adds against the budget.
struct Rewriter<'a, 'b> {
    vars: &'a mut Vars,
    groups: &'a mut [Group],
    group_of: &'a BTreeMap<StrVar, usize>,
    glob_index: &'a BTreeMap<(StrVar, GlobId), usize>,
    budget: &'b Budget,
    memory: &'a mut Reservation<'b>,
}

impl Rewriter<'_, '_> {
    fn rewrite(&mut self, t: &Term) -> Result<Term, BudgetError> {
        Ok(match t {
            Term::Not(x) => not(self.rewrite(x)?),
            Term::And(xs) => and(xs
                .iter()
                .map(|x| self.rewrite(x))
                .collect::<Result<Vec<_>, _>>()?),
            Term::Or(xs) => or(xs
                .iter()
                .map(|x| self.rewrite(x))
                .collect::<Result<Vec<_>, _>>()?),
            Term::Matches(v, g) => {
                let (Some(&gi), Some(&idx)) =
                    (self.group_of.get(v), self.glob_index.get(&(*v, *g)))
                else {
                    return Ok(factory::FALSE);
                };
                let group = &self.groups[gi];
                let Some(partition) = &group.partition else {
                    // String fallback: the atom stays, naming the glob in the group's list.
                    return Ok(Term::Matches(*v, GlobId(idx as u32)));
                };
                self.budget.check(|| Stage::Rewriting)?;
                let cv = group.class_vars[v];
                let inside: Vec<i128> = (0..partition.classes.len())
                    .filter(|&k| partition.classes[k].members[idx])
                    .map(|k| k as i128)
                    .collect();
                let term = class_in(self.vars, cv, &inside, partition.classes.len());
                self.count(&term)?;
                term
            }
            Term::StrEq(a, b) => match self.group_of.get(a) {
                Some(&gi) if self.groups[gi].partition.is_none() => t.clone(),
                Some(&gi) => {
                    let term = eq_term(self.vars, &mut self.groups[gi], *a, *b);
                    self.count(&term)?;
                    term
                }
                None => factory::FALSE,
            },
            other => other.clone(),
        })
    }

    /// Counts the nodes of `term` (a class test: shallow) against the budget.
    fn count(&mut self, term: &Term) -> Result<(), BudgetError> {
        self.memory
            .grow(nodes(term) * TERM_BYTES, || Stage::Rewriting)
    }
}

/// The number of nodes of a term.
fn nodes(t: &Term) -> u64 {
    match t {
        Term::Not(x) => 1 + nodes(x),
        Term::And(xs) | Term::Or(xs) => 1 + xs.iter().map(nodes).sum::<u64>(),
        _ => 1,
    }
}

/// `cv ∈ inside` (sorted), written as intervals over whichever of the set or its complement
/// has fewer runs of consecutive classes.
fn class_in(vars: &Vars, cv: IntVar, inside: &[i128], k: usize) -> Term {
    let outside: Vec<i128> = {
        let mut it = inside.iter().peekable();
        (0..k as i128)
            .filter(|c| {
                while it.peek().is_some_and(|x| **x < *c) {
                    it.next();
                }
                it.peek() != Some(&c)
            })
            .collect()
    };
    let (runs_in, runs_out) = (runs(inside), runs(&outside));
    if runs_in.len() <= runs_out.len() {
        intervals(vars, cv, &runs_in)
    } else {
        not(intervals(vars, cv, &runs_out))
    }
}

/// Maximal runs of consecutive integers in a sorted list.
fn runs(sorted: &[i128]) -> Vec<(i128, i128)> {
    let mut out: Vec<(i128, i128)> = Vec::new();
    for &x in sorted {
        match out.last_mut() {
            Some((_, hi)) if *hi + 1 == x => *hi = x,
            _ => out.push((x, x)),
        }
    }
    out
}

fn intervals(vars: &Vars, cv: IntVar, runs: &[(i128, i128)]) -> Term {
    use crate::condition::Cmp;
    or(runs
        .iter()
        .map(|&(lo, hi)| {
            if lo == hi {
                factory::int_eq(vars, cv, lo)
            } else {
                and([
                    factory::int_cmp(vars, cv, Cmp::Ge, lo),
                    factory::int_cmp(vars, cv, Cmp::Le, hi),
                ])
            }
        })
        .collect::<Vec<_>>())
}

/// `a = b` for two members of one group.
fn eq_term(vars: &mut Vars, group: &mut Group, a: StrVar, b: StrVar) -> Term {
    if a == b {
        return factory::TRUE;
    }
    let key = (a.min(b), a.max(b));
    let e = match group.eq_vars.get(&key) {
        Some(e) => *e,
        None => {
            let e = vars.new_bool(&format!(
                "eq({},{})",
                vars.strs[key.0 .0 as usize].name, vars.strs[key.1 .0 as usize].name
            ));
            group.eq_vars.insert(key, e);
            e
        }
    };
    let (ca, cb) = (group.class_vars[&a], group.class_vars[&b]);
    let Some(partition) = &group.partition else {
        return Term::StrEq(a.min(b), a.max(b));
    };
    let singletons: Vec<i128> = (0..partition.classes.len())
        .filter(|&k| partition.classes[k].second.is_none())
        .map(|k| k as i128)
        .collect();
    let single = class_in(vars, ca, &singletons, partition.classes.len());
    and([
        Term::IntVarEq(ca.min(cb), ca.max(cb)),
        or([single, factory::var(e)]),
    ])
}

/// The strings of one model: per string variable, chosen so that each has its class and the
/// equalities of the model hold (equal where `eq` says so, distinct otherwise).
pub fn choose_strings(
    finite: &Finite,
    ints: &[i128],
    bools: &[bool],
    strings: &BTreeMap<u32, String>,
) -> Vec<String> {
    let mut out = vec![String::new(); finite.vars.strs.len()];
    for group in &finite.groups {
        let Some(partition) = &group.partition else {
            for m in &group.members {
                out[m.0 as usize] = strings.get(&m.0).cloned().unwrap_or_default();
            }
            continue;
        };
        let class_of = |v: &StrVar| ints[group.class_vars[v].0 as usize] as usize;
        // Blocks of members that the model says are equal.
        let mut blocks: Vec<Vec<StrVar>> = Vec::new();
        for m in &group.members {
            let k = class_of(m);
            let singleton = partition.classes.get(k).is_some_and(|c| c.second.is_none());
            let joins = blocks.iter().position(|b| {
                let o = b[0];
                class_of(&o) == k
                    && (singleton
                        || group
                            .eq_vars
                            .get(&(o.min(*m), o.max(*m)))
                            .is_some_and(|e| bools[e.0 as usize]))
            });
            match joins {
                Some(i) => blocks[i].push(*m),
                None => blocks.push(vec![*m]),
            }
        }
        let mut used: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for block in blocks {
            let k = class_of(&block[0]);
            let Some(class) = partition.classes.get(k) else {
                continue;
            };
            let mut candidates: Vec<&str> = Vec::new();
            for m in &block {
                candidates.extend(
                    finite.vars.strs[m.0 as usize]
                        .candidates
                        .iter()
                        .map(String::as_str),
                );
            }
            let taken = used.entry(k).or_default();
            let domain = Domain {
                forbidden: vec![],
                min_len: 0,
            };
            let first = partition::pick_witness(&group.globs, &domain, class, &candidates);
            let value = if !taken.contains(&first) {
                first
            } else {
                distinct_member(&group.globs, class, taken).unwrap_or(first)
            };
            taken.push(value.clone());
            for m in block {
                out[m.0 as usize] = value.clone();
            }
        }
    }
    out
}

/// Another string of `class`, different from every string in `taken`.
fn distinct_member(globs: &[Glob], class: &partition::Class, taken: &[String]) -> Option<String> {
    let mut tries: Vec<String> = class.second.iter().cloned().collect();
    for base in [&class.witness].into_iter().chain(class.second.iter()) {
        for suffix in ["x", "y", "z", "0", "1", "2", "-a", "-b"] {
            tries.push(format!("{base}{suffix}"));
            tries.push(format!("{suffix}{base}"));
        }
    }
    tries.into_iter().find(|t| {
        !taken.contains(t)
            && globs
                .iter()
                .zip(&class.members)
                .all(|(g, m)| g.matches(t) == *m)
    })
}
