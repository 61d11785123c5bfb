//! The solver-agnostic term IR: plain data (`Send + Sync`, `Ord`), built only through the
//! simplifying constructors in [`super::factory`].
//!
//! | IAM construct | term |
//! |---|---|
//! | a string variable matching a glob (Action, Resource component, StringLike, ArnLike, …) | [`Term::Matches`] |
//! | two string variables equal (policy variables, account ties) | [`Term::StrEq`] |
//! | Numeric, Date and IP comparisons, principal/resource kinds, set sizes | [`Term::IntCmp`] |
//! | key presence, Bool keys | [`Term::Var`] |

use crate::condition::Cmp;
use crate::glob::Glob;
use crate::partition::Domain;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StrVar(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IntVar(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BoolVar(pub u32);
/// Index of a glob in its string variable's glob list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GlobId(pub u32);

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Term {
    Const(bool),
    Var(BoolVar),
    Not(Box<Term>),
    And(Vec<Term>),
    Or(Vec<Term>),
    Matches(StrVar, GlobId),
    StrEq(StrVar, StrVar),
    IntCmp(IntVar, Cmp, i128),
    /// Two integer variables are equal (string classes after [`super::finite`]).
    IntVarEq(IntVar, IntVar),
}

/// A string variable: its name (for diagnostics), the strings it may hold, the globs it is
/// tested against, and readable values to prefer when decoding.
#[derive(Debug, Clone)]
pub struct StrVarInfo {
    pub name: String,
    pub domain: Domain,
    pub globs: Vec<Glob>,
    pub candidates: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct IntVarInfo {
    pub name: String,
    pub lo: i128,
    pub hi: i128,
}

/// Every variable of a problem.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    pub strs: Vec<StrVarInfo>,
    pub ints: Vec<IntVarInfo>,
    pub bools: Vec<String>,
}

impl Vars {
    pub fn new_str(&mut self, name: &str, domain: Domain) -> StrVar {
        self.strs.push(StrVarInfo {
            name: name.to_string(),
            domain,
            globs: Vec::new(),
            candidates: Vec::new(),
        });
        StrVar(self.strs.len() as u32 - 1)
    }

    pub fn new_int(&mut self, name: &str, lo: i128, hi: i128) -> IntVar {
        self.ints.push(IntVarInfo {
            name: name.to_string(),
            lo,
            hi,
        });
        IntVar(self.ints.len() as u32 - 1)
    }

    pub fn new_bool(&mut self, name: &str) -> BoolVar {
        self.bools.push(name.to_string());
        BoolVar(self.bools.len() as u32 - 1)
    }

    /// Interns `glob` for `var`.
    pub fn glob(&mut self, var: StrVar, glob: Glob) -> GlobId {
        let info = &mut self.strs[var.0 as usize];
        if let Some(i) = info.globs.iter().position(|g| *g == glob) {
            return GlobId(i as u32);
        }
        if let Some(text) = glob.literal_text() {
            if !info.candidates.contains(&text) {
                info.candidates.push(text);
            }
        }
        info.globs.push(glob);
        GlobId(info.globs.len() as u32 - 1)
    }

    pub fn str_info(&self, var: StrVar) -> &StrVarInfo {
        &self.strs[var.0 as usize]
    }

    pub fn add_candidate(&mut self, var: StrVar, value: &str) {
        let info = &mut self.strs[var.0 as usize];
        if !info.candidates.iter().any(|c| c == value) {
            info.candidates.push(value.to_string());
        }
    }
}
