//! Smart constructors for [`Term`]s. They fold constants and trivial cases, so that a query
//! whose answer is decided by the policies' text alone never reaches the solver.

use super::term::{BoolVar, GlobId, IntVar, StrVar, Term, Vars};
use crate::condition::Cmp;
use crate::glob::Glob;

pub const TRUE: Term = Term::Const(true);
pub const FALSE: Term = Term::Const(false);

pub fn constant(b: bool) -> Term {
    Term::Const(b)
}

pub fn var(v: BoolVar) -> Term {
    Term::Var(v)
}

pub fn not(t: Term) -> Term {
    match t {
        Term::Const(b) => Term::Const(!b),
        Term::Not(inner) => *inner,
        other => Term::Not(Box::new(other)),
    }
}

pub fn and(terms: impl IntoIterator<Item = Term>) -> Term {
    let mut out = Vec::new();
    for t in terms {
        match t {
            Term::Const(true) => {}
            Term::Const(false) => return FALSE,
            Term::And(inner) => out.extend(inner),
            other => out.push(other),
        }
    }
    out.sort();
    out.dedup();
    match out.len() {
        0 => TRUE,
        1 => out.pop().unwrap_or(TRUE),
        _ => Term::And(out),
    }
}

pub fn or(terms: impl IntoIterator<Item = Term>) -> Term {
    let mut out = Vec::new();
    for t in terms {
        match t {
            Term::Const(false) => {}
            Term::Const(true) => return TRUE,
            Term::Or(inner) => out.extend(inner),
            other => out.push(other),
        }
    }
    out.sort();
    out.dedup();
    match out.len() {
        0 => FALSE,
        1 => out.pop().unwrap_or(FALSE),
        _ => Term::Or(out),
    }
}

pub fn and2(a: Term, b: Term) -> Term {
    and([a, b])
}

pub fn or2(a: Term, b: Term) -> Term {
    or([a, b])
}

pub fn implies(a: Term, b: Term) -> Term {
    or([not(a), b])
}

pub fn ite(c: Term, t: Term, e: Term) -> Term {
    match c {
        Term::Const(true) => t,
        Term::Const(false) => e,
        c => or([and([c.clone(), t]), and([not(c), e])]),
    }
}

/// `var` matches `glob`. A lone `*` is true for every string.
pub fn matches(vars: &mut Vars, var: StrVar, glob: Glob) -> Term {
    if glob.is_any() {
        return TRUE;
    }
    let id: GlobId = vars.glob(var, glob);
    Term::Matches(var, id)
}

pub fn str_eq(a: StrVar, b: StrVar) -> Term {
    if a == b {
        return TRUE;
    }
    Term::StrEq(a.min(b), a.max(b))
}

pub fn int_cmp(vars: &Vars, v: IntVar, cmp: Cmp, value: i128) -> Term {
    let info = &vars.ints[v.0 as usize];
    let (lo, hi) = (info.lo, info.hi);
    let always = match cmp {
        Cmp::Eq => (lo == hi && lo == value)
            .then_some(true)
            .or((value < lo || value > hi).then_some(false)),
        Cmp::Lt => (hi < value)
            .then_some(true)
            .or((lo >= value).then_some(false)),
        Cmp::Le => (hi <= value)
            .then_some(true)
            .or((lo > value).then_some(false)),
        Cmp::Gt => (lo > value)
            .then_some(true)
            .or((hi <= value).then_some(false)),
        Cmp::Ge => (lo >= value)
            .then_some(true)
            .or((hi < value).then_some(false)),
    };
    match always {
        Some(b) => Term::Const(b),
        None => Term::IntCmp(v, cmp, value),
    }
}

pub fn int_eq(vars: &Vars, v: IntVar, value: i128) -> Term {
    int_cmp(vars, v, Cmp::Eq, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        let mut vars = Vars::default();
        let b = vars.new_bool("b");
        assert_eq!(and([TRUE, var(b)]), var(b));
        assert_eq!(and([FALSE, var(b)]), FALSE);
        assert_eq!(or([TRUE, var(b)]), TRUE);
        assert_eq!(not(not(var(b))), var(b));
        assert_eq!(or(Vec::<Term>::new()), FALSE);
        let i = vars.new_int("i", 0, 4);
        assert_eq!(int_eq(&vars, i, 7), FALSE);
        assert_eq!(int_cmp(&vars, i, Cmp::Le, 4), TRUE);
    }
}
