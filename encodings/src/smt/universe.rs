//! The requests a question ranges over: the symbolic request ([`Symbolic`]) with what
//! restricts it to requests AWS can receive.
//!
//! | restriction | where |
//! |---|---|
//! | well-formed principals, resources and keys | [`Symbolic::new`] |
//! | Lambda requests: real actions, resources of the action's types, supported keys | [`super::lambda_model`] |
//!
//! Every caller AWS would let in is in the universe: the users, roles and root user of every
//! account, service principals and anonymous callers. Which of them the policies describe is
//! decided per set in [`super::compile::compile_set`].

use super::lambda_model::add_lambda_model;
use super::symbolic::Symbolic;
use crate::eval::PolicySet;

/// The symbolic request for questions about `sets`.
pub fn universe(sets: &[&PolicySet]) -> Symbolic {
    let mut sym = Symbolic::new(sets);
    add_lambda_model(&mut sym, sets);
    sym
}
