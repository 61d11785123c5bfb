//! The SMT core: policy sets → solver-agnostic terms → a finite problem → Z3 → a concrete
//! request. Pipeline stages, one module each:
//!
//! | module | stage |
//! |---|---|
//! | [`term`], [`factory`] | the term IR and its simplifying constructors |
//! | [`symbolic`] | the symbolic request: variables for every part of a request |
//! | [`numbers`] | numeric keys as classes cut by the policies' literals |
//! | [`lambda_model`] | what a Lambda request can look like (service data) |
//! | [`universe`] | the requests a question ranges over: the symbolic request and its models |
//! | [`segments`] | globs over structured strings (principal and resource ARNs) |
//! | [`compile`] | policy sets → decision terms, mirroring the evaluator |
//! | [`finite`] | string atoms → class indices ("partition strings") |
//! | [`solver`] | the only module that imports `z3` |
//! | [`decode`] | a model → a [`crate::request::Request`] |
//! | [`search`] | solve, decode, certify, repeat |

pub mod compile;
pub mod decode;
pub mod factory;
pub mod finite;
pub mod lambda_model;
pub mod numbers;
pub mod search;
pub mod segments;
pub mod solver;
pub mod symbolic;
pub mod term;
pub mod universe;
