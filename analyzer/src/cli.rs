//! The command line: clap definitions and a thin dispatch to the library.
//!
//! Each subcommand is a variant of [`Command`] with its own argument struct. The policies that
//! take part in a decision are described once, by [`PolicySetArgs`], which a subcommand embeds
//! with `#[command(flatten)]` (or twice, with a prefix, for two-sided queries) and turns into a
//! `PolicySet` with [`crate::load::load_policy_set`].
//!
//! Output goes to the writers in [`Io`], never straight to the process's streams, so the whole
//! CLI can be run in-process by tests.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, WriteColor};

use crate::exit::Exit;

/// Proves things about AWS IAM policies, offline.
#[derive(Debug, Parser)]
#[command(name = "airtight", version, about, max_term_width = 100)]
pub struct Cli {
    /// When to colour diagnostics and reports.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    pub color: Color,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decide one request against a set of policies, as AWS would, and explain the decision.
    Simulate(SimulateArgs),
    /// Prove that two policy sets allow exactly the same requests, or show one that differs.
    Equiv(crate::prove::EquivArgs),
    /// Prove that NEW allows nothing OLD does not (CheckNoNewAccess), or show the new access.
    NoNewAccess(crate::prove::EquivArgs),
    /// Is some request matching the constraints allowed? Shows one if so.
    Can(crate::prove::CanArgs),
    /// Prove that none of these actions is granted on these resources (CheckAccessNotGranted).
    Never(crate::prove::NeverArgs),
    /// Prove a Lambda deny intent airtight under current and legacy qualifier authorization,
    /// or show the bypass.
    DenyCheck(crate::deny_check::DenyCheckArgs),
    /// What a policy change does to access: equivalent, new access, removed access, with
    /// certified example requests (files, directories, or `--git BASE..HEAD`).
    Diff(crate::diff::command::DiffArgs),
    /// Report risky patterns in policies (Lambda findings, each with a stable rule id) along
    /// with every parser diagnostic.
    Lint(crate::lint::LintArgs),
}

/// The policies that take part in one authorization decision.
#[derive(Debug, Clone, Default, Args)]
pub struct PolicySetArgs {
    /// An identity-based policy of the principal (repeatable).
    #[arg(long, value_name = "FILE")]
    pub identity: Vec<PathBuf>,

    /// The resource-based policy on the target resource.
    #[arg(long, value_name = "FILE")]
    pub resource_policy: Option<PathBuf>,

    /// The principal's permissions boundary.
    #[arg(long, value_name = "FILE")]
    pub boundary: Option<PathBuf>,

    /// The session policy passed when the role session was created.
    #[arg(long, value_name = "FILE")]
    pub session_policy: Option<PathBuf>,

    /// One organization level of service control policies, from the root down to the account
    /// (repeat once per level; a comma list attaches several policies at one level).
    #[arg(long, value_name = "FILE[,FILE...]", value_parser = parse_level)]
    pub scp: Vec<Level>,

    /// One organization level of resource control policies, from the root down to the resource's
    /// account (repeat once per level; a comma list attaches several policies at one level).
    #[arg(long, value_name = "FILE[,FILE...]", value_parser = parse_level)]
    pub rcp: Vec<Level>,
}

/// The policies attached at one level of the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level(pub Vec<PathBuf>);

pub fn parse_level(text: &str) -> Result<Level, String> {
    let files: Vec<PathBuf> = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .collect();
    if files.is_empty() {
        return Err("expected one or more policy files separated by commas".into());
    }
    Ok(Level(files))
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The request to decide (JSON: principal, action, resource, resource_account, context).
    #[arg(long, value_name = "FILE")]
    pub request: PathBuf,

    #[command(flatten)]
    pub policies: PolicySetArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// The policy types `--kind` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Identity,
    Resource,
    Boundary,
    Session,
    Scp,
    Rcp,
}

impl KindArg {
    pub fn kind(self) -> airtight_encodings::policy::PolicyKind {
        use airtight_encodings::policy::PolicyKind;
        match self {
            KindArg::Identity => PolicyKind::Identity,
            KindArg::Resource => PolicyKind::Resource,
            KindArg::Boundary => PolicyKind::Boundary,
            KindArg::Session => PolicyKind::Session,
            KindArg::Scp => PolicyKind::Scp,
            KindArg::Rcp => PolicyKind::Rcp,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour when the stream is a terminal.
    Auto,
    Always,
    Never,
}

/// Where a command writes: its result to `out`, diagnostics to `err`.
pub struct Io<'a> {
    pub out: &'a mut dyn WriteColor,
    pub err: &'a mut dyn WriteColor,
}

/// The colour setting for one output stream: `auto` colours only a terminal.
pub fn color_choice(color: Color, is_terminal: bool) -> ColorChoice {
    match color {
        Color::Auto if is_terminal => ColorChoice::Auto,
        Color::Auto | Color::Never => ColorChoice::Never,
        Color::Always => ColorChoice::Always,
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli, io: &mut Io<'_>) -> Exit {
    match cli.command {
        Command::Simulate(args) => crate::simulate::run(&args, io),
        Command::Equiv(args) => crate::prove::run_equiv(&args, io),
        Command::NoNewAccess(args) => crate::prove::run_no_new_access(&args, io),
        Command::Can(args) => crate::prove::run_can(&args, io),
        Command::Never(args) => crate::prove::run_never(&args, io),
        Command::DenyCheck(args) => crate::deny_check::run(&args, io),
        Command::Diff(args) => crate::diff::command::run(&args, io),
        Command::Lint(args) => crate::lint::run(&args, io),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn scp_levels_keep_their_grouping() {
        let cli = Cli::try_parse_from([
            "airtight",
            "simulate",
            "--request",
            "r.json",
            "--scp",
            "root.json",
            "--scp",
            "ou1.json, ou2.json",
            "--rcp",
            "r1.json",
        ])
        .expect("valid command line");
        let Command::Simulate(args) = cli.command else {
            panic!("not simulate")
        };
        assert_eq!(
            args.policies.scp,
            vec![
                Level(vec!["root.json".into()]),
                Level(vec!["ou1.json".into(), "ou2.json".into()])
            ]
        );
        assert_eq!(args.policies.rcp.len(), 1);
    }

    #[test]
    fn empty_level_is_rejected() {
        assert!(
            Cli::try_parse_from(["airtight", "simulate", "--request", "r.json", "--scp", ","])
                .is_err()
        );
    }
}
