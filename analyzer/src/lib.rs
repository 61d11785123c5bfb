//! The airtight analyzer: input loading, commands, reports and the `airtight` CLI.
//!
//! The policy model and its meaning live in `airtight-encodings`, which does no IO. This crate
//! is the shell around it: [`load`] reads files into a codespan-reporting database, a command
//! module ([`simulate`]) runs one job, [`report`] renders results and diagnostics, [`cli`]
//! defines the command line, and [`exit`] the process exit codes.

pub mod cli;
pub mod deny_check;
pub mod diff;
pub mod exit;
pub mod findings;
pub mod intent;
pub mod lint;
pub mod load;
pub mod prove;
pub mod query;
pub mod report;
pub mod simulate;
