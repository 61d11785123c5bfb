//! The `airtight` binary: parse the command line, run it, exit with its code.

use std::io::IsTerminal;
use std::process::ExitCode;

use airtight_analyzer::cli::{color_choice, Cli, Io};
use airtight_analyzer::commands::run;
use clap::Parser;
use codespan_reporting::term::termcolor::StandardStream;

fn main() -> ExitCode {
    // A usage error makes clap exit with code 2, the same as any other bad input.
    let cli = Cli::parse();
    let mut out = StandardStream::stdout(color_choice(cli.color, std::io::stdout().is_terminal()));
    let mut err = StandardStream::stderr(color_choice(cli.color, std::io::stderr().is_terminal()));
    run(
        cli,
        &mut Io {
            out: &mut out,
            err: &mut err,
        },
    )
    .into()
}
