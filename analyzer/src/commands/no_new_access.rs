//! `airtight no-new-access`: does NEW allow anything OLD does not (AWS CheckNoNewAccess)?

use airtight_analysis::query::{self, QueryKind};

use crate::cli::{EquivArgs, Io};
use crate::exit::Exit;

pub fn run(args: &EquivArgs, io: &mut Io<'_>) -> Exit {
    let options = args.query.options();
    super::run_two_sided(
        &args.sides,
        &args.query,
        QueryKind::NoNewAccess,
        io,
        |old, new| query::no_new_access(old, new, &options),
    )
}
