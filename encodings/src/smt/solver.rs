//! The one module that imports `z3`: lowers a finite problem (booleans and bounded integers,
//! see [`super::finite`], plus the string variables of oversized partitions) into Z3 and reads
//! back a model as plain data.
//!
//! A string variable left as a string is spelled, inside Z3, over *codes*: printable ASCII
//! characters other than the backslash (which Z3 4.8.12 reads as the start of an escape in
//! string literals and writes back escaped). Code `i` stands for the `i`-th character of the
//! variable's alphabet ([`super::finite::StringVar`]), every glob token becomes the set of
//! codes whose characters it accepts (folded as the glob folds), and a model's codes are
//! turned back into those characters. The alphabet holds, for each way a character can behave
//! in the globs, as many characters as the variable's group has members, so this loses no
//! model (not even one needing several different strings of a class) and invents none.
//!
//! z3 0.22 values are not `Send` and live in an implicit per-thread context: every call builds
//! its Z3 objects on the calling thread from the plain-data IR and returns plain data, so
//! queries can run on rayon workers.
//!
//! Every call works within a [`Budget`]: each `check` gets the time left as Z3's `timeout`,
//! lowering checks the deadline as it goes, and Z3's allocator is given the budget's memory
//! limit as its high watermark (a soft limit its solvers check as they work, answering
//! `unknown` with "memout" when above it). Z3's "timeout", "canceled" and "memout" answers
//! become `unknown` reasons that name the deadline or the memory budget.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use z3::ast::{Bool, Int, Regexp, String as ZString};
use z3::{Params, SatResult, Solver};

use super::finite::StringVar;
use super::term::{Term, Vars};
use crate::budget::{Budget, Stage};
use crate::condition::Cmp;
use crate::glob::{fold, Glob};

/// The longest pattern handed to Z3's string solver. Z3 4.8.12 decides none this long in
/// seconds, and its regular-expression code recurses on the pattern's length: 10,000
/// characters overflow a 2 MiB thread stack (rayon's), 20,000 the main thread's 8 MiB.
pub const MAX_STRING_PATTERN: usize = 1_000;

/// What the solver said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A model: the value of every integer and boolean variable.
    Sat {
        ints: Vec<i128>,
        bools: Vec<bool>,
        strings: BTreeMap<u32, std::string::String>,
    },
    Unsat,
    /// Timeout, resource limit or another reason Z3 gave.
    Unknown(String),
}

/// Decides the conjunction of `assertions` over `vars` (which must hold no string atoms),
/// within `timeout_ms` milliseconds.
pub fn solve(vars: &Vars, assertions: &[Term], timeout_ms: u64) -> Outcome {
    let budget = Budget::new(Duration::from_millis(timeout_ms), u64::MAX);
    solve_preferring(vars, assertions, &[], &BTreeMap::new(), &budget)
}

/// Like [`solve`], and when satisfiable, also satisfies as many of `preferences` as it can,
/// greedily in order (each kept only if the problem stays satisfiable with it). Preferences
/// never change sat/unsat; they only pick a more readable model.
///
/// `strings` holds, for each string variable left as a string (the fallback of
/// [`super::finite`]), the globs its `Matches` atoms refer to and its alphabet; those
/// variables become Z3 strings over codes (see the module documentation) and their globs
/// regular expressions.
pub fn solve_preferring(
    vars: &Vars,
    assertions: &[Term],
    preferences: &[Term],
    strings: &BTreeMap<u32, StringVar>,
    budget: &Budget,
) -> Outcome {
    limit_memory(budget.memory_limit());
    if let Some(long) = strings
        .values()
        .flat_map(|v| &v.globs)
        .map(|g| g.tokens.len())
        .find(|&n| n > MAX_STRING_PATTERN)
    {
        return Outcome::Unknown(format!(
            "a pattern of {long} characters is too long for the string solver (at most {MAX_STRING_PATTERN})"
        ));
    }
    let codes = codes();
    if let Some(v) = strings.values().find(|v| v.alphabet.len() > codes.len()) {
        return Outcome::Unknown(format!(
            "a string variable's patterns tell {} characters apart, more than the {} the string solver is given",
            v.alphabet.len(),
            codes.len()
        ));
    }
    // z3 0.22 keeps one implicit context per thread, so repeated queries on a rayon worker
    // reuse it instead of paying for a new context each time.
    let ints: Vec<Int> = (0..vars.ints.len())
        .map(|i| Int::new_const(format!("i{i}")))
        .collect();
    let bools: Vec<Bool> = (0..vars.bools.len())
        .map(|i| Bool::new_const(format!("b{i}")))
        .collect();
    // A logic-specific solver skips the general-purpose preprocessing, which dominates on the
    // small problems partitioning produces. The logic must cover every atom: under `QF_LIA`,
    // Z3 4.8.12 decides string atoms on the first `check` only; once a preference pushes a
    // scope it answers from its incremental solver, which then has no string theory and gives
    // strings abstract values (`String!val!0`) that need not satisfy the string atoms.
    let logic = if strings.is_empty() {
        "QF_LIA"
    } else {
        "QF_SLIA"
    };
    let solver = Solver::new_for_logic(logic).unwrap_or_default();
    if !strings.is_empty() {
        let mut params = Params::new();
        // Z3's incremental solver, which answers once a preference has pushed a scope, is far
        // slower on strings than the first, non-incremental check (a preference could take the
        // whole timeout). After this many milliseconds a check goes to the non-incremental
        // solver, which solves the whole problem again as the first check did.
        params.set_u32("solver2_timeout", 100);
        solver.set_params(&params);
    }
    for (i, info) in vars.ints.iter().enumerate() {
        solver.assert(ints[i].ge(Int::from_i128(info.lo)));
        solver.assert(ints[i].le(Int::from_i128(info.hi)));
    }
    let strs: BTreeMap<u32, ZString> = strings
        .keys()
        .map(|&v| (v, ZString::new_const(format!("s{v}"))))
        .collect();
    for (v, s) in &strs {
        let n = strings.get(v).map_or(0, |x| x.alphabet.len());
        let all: Vec<usize> = (0..n).collect();
        solver.assert(s.regex_matches(&code_class(&codes, &all).star()));
    }
    let env = Env {
        ints: &ints,
        bools: &bools,
        strs: &strs,
        globs: strings,
        budget,
        lowered: Cell::new(0),
        codes: &codes,
    };
    for t in assertions {
        match lower(t, &env) {
            Some(b) => solver.assert(&b),
            None if budget.expired() => {
                return Outcome::Unknown(budget.deadline_error(Stage::Lowering).to_string())
            }
            None => return Outcome::Unknown("internal: a string atom reached the solver".into()),
        }
    }
    let read = |solver: &Solver| -> Outcome {
        match solver.get_model() {
            Some(model) => Outcome::Sat {
                ints: ints
                    .iter()
                    .map(|v| model.eval(v, true).and_then(|x| x.as_i128()).unwrap_or(0))
                    .collect(),
                bools: bools
                    .iter()
                    .map(|v| {
                        model
                            .eval(v, true)
                            .and_then(|x| x.as_bool())
                            .unwrap_or(false)
                    })
                    .collect(),
                strings: match strs
                    .iter()
                    .map(|(k, v)| {
                        let alphabet = strings.get(k).map_or(&[][..], |x| &x.alphabet[..]);
                        read_string(&model, v, &codes, alphabet).map(|s| (*k, s))
                    })
                    .collect::<Option<BTreeMap<u32, std::string::String>>>()
                {
                    Some(strings) => strings,
                    None => {
                        return Outcome::Unknown(
                            "the solver's model gives a string variable no concrete value".into(),
                        )
                    }
                },
            },
            None => Outcome::Unknown("the solver returned no model".into()),
        }
    };
    let mut best = match check(&solver, budget) {
        Some(SatResult::Unsat) => return Outcome::Unsat,
        Some(SatResult::Sat) => read(&solver),
        Some(SatResult::Unknown) => return Outcome::Unknown(unknown_reason(&solver, budget)),
        None => return Outcome::Unknown(budget.deadline_error(Stage::Solving).to_string()),
    };
    if !matches!(best, Outcome::Sat { .. }) {
        return best;
    }
    // Preferences only pick a more readable model: once the deadline has passed, the model
    // found so far is the answer.
    for p in preferences {
        if budget.expired() {
            break;
        }
        let Some(b) = lower(p, &env) else { continue };
        solver.push();
        solver.assert(&b);
        if check(&solver, budget) == Some(SatResult::Sat) {
            match read(&solver) {
                sat @ Outcome::Sat { .. } => best = sat,
                // An unreadable model under a preference: keep the one already read.
                _ => solver.pop(1),
            }
        } else {
            solver.pop(1);
        }
    }
    best
}

/// `solver.check()` with the time left as its timeout; `None` when no time is left.
fn check(solver: &Solver, budget: &Budget) -> Option<SatResult> {
    let left = budget.remaining().as_millis();
    if left == 0 {
        return None;
    }
    let mut params = Params::new();
    params.set_u32("timeout", u32::try_from(left).unwrap_or(u32::MAX));
    solver.set_params(&params);
    Some(solver.check())
}

/// Why Z3 answered `unknown`, in the budget's words when it ran out of time or memory.
fn unknown_reason(solver: &Solver, budget: &Budget) -> String {
    let reason = solver
        .get_reason_unknown()
        .unwrap_or_else(|| "unknown".into());
    if reason.contains("timeout") || reason.contains("canceled") || budget.expired() {
        budget.deadline_error(Stage::Solving).to_string()
    } else if reason.contains("memout") || reason.contains("memory") {
        budget.memory_error(Stage::Solving).to_string()
    } else {
        reason
    }
}

/// Gives Z3's allocator `limit` bytes as its high watermark (process-wide; set again only
/// when the limit changes). Z3's solvers check it as they work and give up with "memout".
fn limit_memory(limit: u64) {
    static SET: AtomicU64 = AtomicU64::new(u64::MAX);
    if SET.swap(limit, Ordering::Relaxed) == limit {
        return;
    }
    // Z3 4.8.12 reads the watermark in bytes (its help says megabytes), as a 32-bit unsigned
    // number; 0 means no limit.
    let bytes = if limit == u64::MAX {
        0
    } else {
        limit.clamp(1, u64::from(u32::MAX))
    };
    z3::set_global_param("memory_high_watermark", &bytes.to_string());
}

/// The characters a fallback string is spelled with inside Z3 (see the module documentation).
fn codes() -> Vec<char> {
    (' '..='~').filter(|c| *c != '\\').collect()
}

/// The value of string variable `v` in `model`, with its codes turned back into characters of
/// `alphabet`, or `None` when the model gives no string literal over those codes (an abstract
/// value, or a character that is no code).
fn read_string(
    model: &z3::Model,
    v: &ZString,
    codes: &[char],
    alphabet: &[char],
) -> Option<std::string::String> {
    let value = model.eval(v, true)?;
    let text = value.as_string()?;
    // `Z3_get_string` answers something even for a value that is not a literal; the value is
    // a literal iff it equals the literal read back.
    let literal = ZString::from(text.as_str());
    if model.eval(&value.eq(&literal), true)?.as_bool() != Some(true) {
        return None;
    }
    text.chars()
        .map(|c| {
            let i = codes.iter().position(|x| *x == c)?;
            alphabet.get(i).copied()
        })
        .collect()
}

struct Env<'a> {
    ints: &'a [Int],
    bools: &'a [Bool],
    strs: &'a BTreeMap<u32, ZString>,
    globs: &'a BTreeMap<u32, StringVar>,
    budget: &'a Budget,
    /// Nodes lowered so far (the deadline is checked every few thousand).
    lowered: Cell<u64>,
    codes: &'a [char],
}

impl Env<'_> {
    /// Counts one lowered node; `false` once the deadline has passed.
    fn tick(&self) -> bool {
        let n = self.lowered.get() + 1;
        self.lowered.set(n);
        !n.is_multiple_of(4096) || !self.budget.expired()
    }
}

/// `t` as a Z3 boolean; `None` for a string atom without a string variable, or once the
/// deadline has passed ([`Env::tick`]).
fn lower(t: &Term, env: &Env) -> Option<Bool> {
    if !env.tick() {
        return None;
    }
    Some(match t {
        Term::Const(b) => Bool::from_bool(*b),
        Term::Var(v) => env.bools[v.0 as usize].clone(),
        Term::Not(x) => lower(x, env)?.not(),
        Term::And(xs) => Bool::and(
            &xs.iter()
                .map(|x| lower(x, env))
                .collect::<Option<Vec<_>>>()?,
        ),
        Term::Or(xs) => Bool::or(
            &xs.iter()
                .map(|x| lower(x, env))
                .collect::<Option<Vec<_>>>()?,
        ),
        Term::IntCmp(v, cmp, k) => {
            let x = &env.ints[v.0 as usize];
            let k = Int::from_i128(*k);
            match cmp {
                Cmp::Eq => x.eq(&k),
                Cmp::Lt => x.lt(&k),
                Cmp::Le => x.le(&k),
                Cmp::Gt => x.gt(&k),
                Cmp::Ge => x.ge(&k),
            }
        }
        Term::IntVarEq(a, b) => env.ints[a.0 as usize].eq(&env.ints[b.0 as usize]),
        Term::Matches(v, g) => {
            let s = env.strs.get(&v.0)?;
            let var = env.globs.get(&v.0)?;
            let glob = var.globs.get(g.0 as usize)?;
            s.regex_matches(&regex(glob, env.codes, &var.alphabet))
        }
        Term::StrEq(a, b) => env.strs.get(&a.0)?.eq(env.strs.get(&b.0)?),
    })
}

/// A glob as a Z3 regular expression over the codes of `alphabet`: each token is the set of
/// codes whose characters it accepts, folded as the glob folds, so the expression matches a
/// spelling exactly when [`Glob::matches`] matches the characters it stands for.
fn regex(glob: &Glob, codes: &[char], alphabet: &[char]) -> Regexp {
    let parts: Vec<Regexp> = glob
        .tokens
        .iter()
        .map(|t| {
            let accepted: Vec<usize> = alphabet
                .iter()
                .enumerate()
                .filter(|(_, c)| t.accepts(fold(**c, glob.case_insensitive)))
                .map(|(i, _)| i)
                .collect();
            let class = code_class(codes, &accepted);
            if t.is_run() {
                class.star()
            } else {
                class
            }
        })
        .collect();
    match parts.len() {
        0 => Regexp::literal(""),
        1 => union(parts),
        _ => Regexp::concat(&parts),
    }
}

/// One character among the codes with the given (ascending) indices, as a union of ranges of
/// consecutive characters; the empty language when there is none. (Z3 4.8.12 lacks
/// `re.allchar`, so even "any character" is a range.)
fn code_class(codes: &[char], indices: &[usize]) -> Regexp {
    let mut runs: Vec<(char, char)> = Vec::new();
    for c in indices.iter().filter_map(|&i| codes.get(i).copied()) {
        match runs.last_mut() {
            Some((_, hi)) if u32::from(*hi) + 1 == u32::from(c) => *hi = c,
            _ => runs.push((c, c)),
        }
    }
    let parts: Vec<Regexp> = runs
        .into_iter()
        .map(|(lo, hi)| {
            if lo == hi {
                Regexp::literal(&lo.to_string())
            } else {
                Regexp::range(&lo, &hi)
            }
        })
        .collect();
    if parts.is_empty() {
        return Regexp::empty();
    }
    union(parts)
}

/// `re.union` needs two arguments or more on Z3 4.8.12; `parts` must not be empty.
fn union(mut parts: Vec<Regexp>) -> Regexp {
    if parts.len() == 1 {
        return parts.remove(0);
    }
    Regexp::union(&parts)
}

/// The Z3 version string, e.g. `4.8.12`.
pub fn z3_version() -> String {
    let v = z3::full_version();
    v.to_string()
}
