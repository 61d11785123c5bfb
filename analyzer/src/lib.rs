//! The `airtight` command line: the shell around the analyses.
//!
//! The analyses themselves live in `airtight-analysis` (no IO, no command line, no rendering)
//! over the policy model of `airtight-encodings`. This crate reads input ([`load`]: files,
//! directories, git revisions), runs one module per subcommand ([`commands`]), renders results
//! ([`report`]: text with codespan-reporting, JSON, SARIF, GitHub annotations, Markdown),
//! defines the command line ([`cli`]) and the process exit codes ([`exit`]).

pub mod cli;
pub mod commands;
pub mod exit;
pub mod load;
pub mod report;
