//! Policies airtight brings itself, each with a name so that a pointer into one reads as
//! such (`<built-in: allow everything>`) rather than as a file.
//!
//! A guardrail (permissions boundary, session policy, SCP, RCP) grants nothing by itself, and
//! the Deny statements of an identity or resource policy take effect next to the other policies
//! of the principal or resource, so such policies are also judged next to policies that allow
//! everything: [`ALLOW_ALL`] on the caller's side, [`ALLOW_EVERY_CALLER`] on the resource's
//! side (see `crate::diff::judgement`). An added or removed policy is compared with [`EMPTY`].

use airtight_encodings::parse::parse_policy;
use airtight_encodings::policy::Policy;
use airtight_encodings::span::FileId;

/// An identity policy that allows everything.
pub const ALLOW_ALL: BuiltIn = BuiltIn {
    name: "<built-in: allow everything>",
    argument: "builtin:allow-all",
    text: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
};

/// A resource-based policy that allows every caller (any principal of any account, AWS
/// services and anonymous callers) everything.
pub const ALLOW_EVERY_CALLER: BuiltIn = BuiltIn {
    name: "<built-in: allow every caller>",
    argument: "builtin:allow-every-caller",
    text: r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowEveryCaller","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
};

/// A policy with no statement.
pub const EMPTY: BuiltIn = BuiltIn {
    name: "<built-in: no statement>",
    argument: "builtin:empty",
    text: r#"{"Version":"2012-10-17","Statement":[]}"#,
};

/// A named policy text.
#[derive(Debug, Clone, Copy)]
pub struct BuiltIn {
    /// The name reports show for it.
    pub name: &'static str,
    /// How a command line names it in place of a policy file (so that a printed
    /// `airtight simulate` line reproduces a decision made next to it).
    pub argument: &'static str,
    pub text: &'static str,
}

impl BuiltIn {
    /// The policy, its spans in `file` (the caller registers `name` and `text` under it).
    pub fn policy(&self, file: FileId) -> Option<Policy> {
        parse_policy(self.text, file).policy
    }
}

/// The built-in policies a diff or a judged query compares against.
#[derive(Debug, Clone)]
pub struct Baselines {
    pub empty: Policy,
    pub allow_all: Policy,
    pub allow_every_caller: Policy,
}

impl Baselines {
    /// Parses [`EMPTY`], [`ALLOW_ALL`] and [`ALLOW_EVERY_CALLER`] with their spans in the given
    /// files.
    pub fn new(
        empty_file: FileId,
        allow_all_file: FileId,
        allow_every_caller_file: FileId,
    ) -> Option<Baselines> {
        Some(Baselines {
            empty: EMPTY.policy(empty_file)?,
            allow_all: ALLOW_ALL.policy(allow_all_file)?,
            allow_every_caller: ALLOW_EVERY_CALLER.policy(allow_every_caller_file)?,
        })
    }

    /// The built-in policies in files 0, 1 and 2, for programs that show no pointers into them
    /// (benchmarks, tests).
    pub fn unregistered() -> Option<Baselines> {
        Baselines::new(FileId(0), FileId(1), FileId(2))
    }
}

/// Every built-in policy.
pub const ALL: [BuiltIn; 3] = [ALLOW_ALL, ALLOW_EVERY_CALLER, EMPTY];

/// The built-in policy a command-line argument names (`builtin:allow-all`, …), if any.
pub fn by_argument(argument: &str) -> Option<BuiltIn> {
    ALL.into_iter().find(|b| b.argument == argument)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_policies_parse() {
        let b = Baselines::new(FileId(0), FileId(1), FileId(2)).expect("built-in policies parse");
        assert!(b.empty.statements.is_empty());
        assert_eq!(b.allow_all.statements.len(), 1);
        assert_eq!(b.allow_all.file, FileId(1));
        assert!(b.allow_every_caller.statements[0].principal.is_some());
    }
}
