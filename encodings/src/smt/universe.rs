//! The requests a question ranges over: the symbolic request ([`Symbolic`]) with what
//! restricts it to requests AWS can receive.
//!
//! | restriction | where |
//! |---|---|
//! | well-formed principals, resources and keys | [`Symbolic::new`] |
//! | Lambda requests: real actions, resources of the action's types, supported keys | [`super::lambda_model`] |
//! | identity policies, boundaries and session policies never apply to the account root user | here |

use super::factory::not;
use super::lambda_model::add_lambda_model;
use super::symbolic::{Symbolic, PK_ROOT};
use crate::eval::PolicySet;

/// The symbolic request for questions about `sets`.
pub fn universe(sets: &[&PolicySet]) -> Symbolic {
    let mut sym = Symbolic::new(sets);
    add_lambda_model(&mut sym, sets);
    // Identity policies, boundaries and session policies attach to users and roles, never to
    // the account root user: a set that has them is evaluated for such a caller.
    if sets
        .iter()
        .any(|s| !s.identity.is_empty() || s.boundary.is_some() || s.session.is_some())
    {
        let not_root = not(sym.kind_is(PK_ROOT));
        sym.well_formed.push(not_root);
    }
    sym
}
