//! The policy model and its meaning: spanned AST, wildcard and ARN patterns, typed condition
//! operators, the request model, the concrete evaluator, a solver-agnostic term IR, its lowering
//! to Z3 and the decoding of models back into requests.
//!
//! This crate does no IO and never prints.

pub mod arn;
pub mod budget;
pub mod condition;
pub mod decimal;
pub mod diagnostic;
pub mod eval;
pub mod glob;
pub mod json;
pub mod lambda;
pub mod parse;
pub mod partition;
pub mod policy;
pub mod request;
pub mod service_data;
pub mod smt;
pub mod span;
pub mod template;
pub mod trace;
pub mod validity;
pub mod world;
