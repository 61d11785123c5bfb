//! The one module that imports `z3`: lowers a finite problem (booleans and bounded integers
//! only, see [`super::finite`]) into Z3 and reads back a model as plain data.
//!
//! z3 0.22 values are not `Send`; every call builds its own context inside
//! `z3::with_z3_config`, so queries can run on rayon workers.

use z3::ast::{Bool, Int};
use z3::{Config, SatResult, Solver};

use super::term::{Term, Vars};
use crate::condition::Cmp;

/// What the solver said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A model: the value of every integer and boolean variable.
    Sat { ints: Vec<i128>, bools: Vec<bool> },
    Unsat,
    /// Timeout, resource limit or another reason Z3 gave.
    Unknown(String),
}

/// Decides the conjunction of `assertions` over `vars` (which must hold no string atoms).
pub fn solve(vars: &Vars, assertions: &[Term], timeout_ms: u64) -> Outcome {
    let mut cfg = Config::new();
    cfg.set_timeout_msec(timeout_ms);
    cfg.set_model_generation(true);
    let vars = vars.clone();
    let assertions = assertions.to_vec();
    z3::with_z3_config(&cfg, move || {
        let ints: Vec<Int> = vars.ints.iter().enumerate().map(|(i, _)| Int::new_const(format!("i{i}"))).collect();
        let bools: Vec<Bool> = vars.bools.iter().enumerate().map(|(i, _)| Bool::new_const(format!("b{i}"))).collect();
        let solver = Solver::new();
        for (i, info) in vars.ints.iter().enumerate() {
            solver.assert(ints[i].ge(Int::from_i128(info.lo)));
            solver.assert(ints[i].le(Int::from_i128(info.hi)));
        }
        for t in &assertions {
            match lower(t, &ints, &bools) {
                Some(b) => solver.assert(&b),
                None => return Outcome::Unknown("internal: a string atom reached the solver".into()),
            }
        }
        match solver.check() {
            SatResult::Unsat => Outcome::Unsat,
            SatResult::Unknown => Outcome::Unknown(solver.get_reason_unknown().unwrap_or_else(|| "unknown".into())),
            SatResult::Sat => {
                let Some(model) = solver.get_model() else {
                    return Outcome::Unknown("the solver returned no model".into());
                };
                let ints = ints.iter().map(|v| model.eval(v, true).and_then(|x| x.as_i128()).unwrap_or(0)).collect();
                let bools = bools.iter().map(|v| model.eval(v, true).and_then(|x| x.as_bool()).unwrap_or(false)).collect();
                Outcome::Sat { ints, bools }
            }
        }
    })
}

fn lower(t: &Term, ints: &[Int], bools: &[Bool]) -> Option<Bool> {
    Some(match t {
        Term::Const(b) => Bool::from_bool(*b),
        Term::Var(v) => bools[v.0 as usize].clone(),
        Term::Not(x) => lower(x, ints, bools)?.not(),
        Term::And(xs) => Bool::and(&xs.iter().map(|x| lower(x, ints, bools)).collect::<Option<Vec<_>>>()?),
        Term::Or(xs) => Bool::or(&xs.iter().map(|x| lower(x, ints, bools)).collect::<Option<Vec<_>>>()?),
        Term::IntCmp(v, cmp, k) => {
            let x = &ints[v.0 as usize];
            let k = Int::from_i128(*k);
            match cmp {
                Cmp::Eq => x.eq(&k),
                Cmp::Lt => x.lt(&k),
                Cmp::Le => x.le(&k),
                Cmp::Gt => x.gt(&k),
                Cmp::Ge => x.ge(&k),
            }
        }
        Term::IntVarEq(a, b) => ints[a.0 as usize].eq(&ints[b.0 as usize]),
        Term::Matches(..) | Term::StrEq(..) => return None,
    })
}

/// The Z3 version string, e.g. `4.8.12`.
pub fn z3_version() -> String {
    let v = z3::full_version();
    v.to_string()
}
