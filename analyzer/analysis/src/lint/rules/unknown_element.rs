//! `unknown-element`: a policy or statement element IAM does not know (`Condtion`, `Actions`).
//!
//! Reported by the parser (`encodings/src/parse.rs`), with a "did you mean" note for the closest
//! element name (`Condtion` → `Condition`; element names are case-sensitive). The policy does
//! not parse, so no other rule runs on it; the rule is listed here so that it is documented and
//! can be searched for like the others.

pub const ID: &str = "unknown-element";
