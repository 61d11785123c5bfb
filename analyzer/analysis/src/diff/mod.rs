//! What a change to a policy does to access.
//!
//! - [`judgement`] says how a policy is judged — on its own, and as a guardrail next to
//!   policies that allow everything — and in which policy sets;
//! - [`split`] cuts "does NEW grant anything OLD does not?" into small per-service questions,
//!   skipping what is syntactically unchanged;
//! - [`guess`] proposes cheap example requests that the evaluator confirms before the solver
//!   is asked;
//! - [`compare`] asks both directions and certifies every example on the full policies;
//! - [`realize`] gives an example a real action and a resource of its type;
//! - [`summary`] explains an example to a reviewer: the statement and patterns responsible and
//!   what the other version did;
//! - [`report`] compares many files in parallel and holds the result as data;
//! - [`worlds`] compares two worlds per principal, resource and organization level.

pub mod compare;
pub mod guess;
pub mod judgement;
pub mod realize;
pub mod report;
pub mod split;
pub mod summary;
pub mod worlds;

/// Policies for the diff's unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use airtight_encodings::parse::parse_policy;
    use airtight_encodings::policy::Policy;
    use airtight_encodings::span::FileId;

    /// A 2012-10-17 policy with these statements (JSON objects, comma-separated), in `file`.
    pub fn policy_in(file: u32, statements: &str) -> Policy {
        let text = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
        parse_policy(&text, FileId(file))
            .policy
            .expect("test policy parses")
    }

    pub fn policy(statements: &str) -> Policy {
        policy_in(0, statements)
    }
}
