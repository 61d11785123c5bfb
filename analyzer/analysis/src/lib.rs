//! The analyses of airtight, as a library: what a program embedding airtight calls.
//!
//! | module | question |
//! |---|---|
//! | [`query`] | are two policy sets equivalent? does NEW grant anything OLD does not? can some request matching constraints happen? is an action never granted? |
//! | [`deny`] | is a Lambda deny intent ("nobody but role/ops may invoke my-function alias prod") airtight, under each qualifier authorization model? |
//! | [`lambda_auth`] | which resources a question about a function alias or version covers |
//! | [`diff`] | what a change to a policy does to access: split, guesses, both directions, summaries, a whole report |
//! | [`lint`] | Lambda-specific mistakes in one policy, one rule per file |
//! | [`who_can`] | who in a world (principals, root users, other accounts, services, anonymous callers) can perform an action on a resource |
//! | [`builtin`] | the policies airtight brings itself (allow everything, no statement) |
//!
//! This layer does no IO: it never reads a file, runs git, prints, renders or exits. Policies
//! come in parsed (`airtight_encodings::parse`), answers go out as data whose spans point
//! into the caller's files. The `airtight` command line (crate `airtight-analyzer`) is a thin
//! shell over it. Every "holds" comes from an unsat answer of the solver; every request
//! shown was re-decided by the concrete evaluator.
//!
//! # Example
//!
//! Does widening a resource pattern grant new access? The answer is a certified request.
//!
//! ```
//! use airtight_analysis::query::{no_new_access, Outcome, QueryOptions};
//! use airtight_encodings::eval::{evaluate, Decision, PolicySet};
//! use airtight_encodings::parse::parse_policy;
//! use airtight_encodings::span::FileId;
//!
//! let policy = |file: u32, resource: &str| {
//!     let text = format!(
//!         r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
//!              "Action": "lambda:InvokeFunction", "Resource": "{resource}"}}]}}"#
//!     );
//!     parse_policy(&text, FileId(file)).policy.expect("the policy parses")
//! };
//! let old = PolicySet {
//!     identity: vec![policy(0, "arn:aws:lambda:us-east-1:123456789012:function:app-*")],
//!     ..PolicySet::default()
//! };
//! let new = PolicySet {
//!     identity: vec![policy(1, "arn:aws:lambda:us-east-1:123456789012:function:*")],
//!     ..PolicySet::default()
//! };
//!
//! let answer = no_new_access(&old, &new, &QueryOptions::default()).expect("certified");
//! assert_eq!(answer.outcome, Outcome::Found);
//! let example = &answer.counterexamples[0].request;
//! assert_eq!(evaluate(&new, example).decision, Decision::Allow);
//! assert_ne!(evaluate(&old, example).decision, Decision::Allow);
//!
//! // The other way round nothing is new: proved, not guessed.
//! let answer = no_new_access(&new, &old, &QueryOptions::default()).expect("certified");
//! assert_eq!(answer.outcome, Outcome::NoneExists);
//! ```

pub mod builtin;
pub mod deny;
pub mod diff;
pub mod lambda_auth;
pub mod lint;
pub mod query;
pub mod who_can;
