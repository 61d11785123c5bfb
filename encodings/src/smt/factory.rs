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

/// Values fixed for some variables, for [`fix`].
#[derive(Debug, Clone, Default)]
pub struct Fixed {
    pub strs: Vec<(StrVar, String)>,
    pub bools: Vec<(BoolVar, bool)>,
}

/// `t` with the fixed variables replaced by their values (a string variable's `Matches`
/// atoms decided on its value), simplified. Used to ask about a second request that differs
/// from the symbolic one only in those variables (a function-URL call's `InvokeFunction`).
pub fn fix(t: &Term, vars: &Vars, fixed: &Fixed) -> Term {
    match t {
        Term::Var(b) => fixed
            .bools
            .iter()
            .find(|(v, _)| v == b)
            .map_or(t.clone(), |(_, value)| Term::Const(*value)),
        Term::Matches(v, g) => match fixed.strs.iter().find(|(x, _)| x == v) {
            Some((_, value)) => Term::Const(
                vars.strs[v.0 as usize]
                    .globs
                    .get(g.0 as usize)
                    .is_some_and(|glob| glob.matches(value)),
            ),
            None => t.clone(),
        },
        Term::Not(a) => not(fix(a, vars, fixed)),
        Term::And(xs) => and(xs.iter().map(|x| fix(x, vars, fixed)).collect::<Vec<_>>()),
        Term::Or(xs) => or(xs.iter().map(|x| fix(x, vars, fixed)).collect::<Vec<_>>()),
        Term::StrEq(a, b) if fixed.strs.iter().any(|(v, _)| v == a || v == b) => {
            // Fixed strings are never compared with other variables (actions are not).
            t.clone()
        }
        _ => t.clone(),
    }
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

    #[test]
    fn fixing_variables() {
        let mut vars = Vars::default();
        let a = vars.new_str("action", crate::partition::Domain::default());
        let b = vars.new_bool("b");
        let c = vars.new_bool("c");
        let invoke = matches(&mut vars, a, Glob::wildcard("lambda:Invoke*", true));
        let url = matches(
            &mut vars,
            a,
            Glob::literal("lambda:InvokeFunctionUrl", true),
        );
        let t = and([invoke, not(url), or([var(b), var(c)])]);
        let fixed = Fixed {
            strs: vec![(a, "lambda:InvokeFunction".into())],
            bools: vec![(b, false)],
        };
        assert_eq!(fix(&t, &vars, &fixed), var(c));
    }
}
