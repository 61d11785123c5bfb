//! `airtight equiv`: do two policy sets allow exactly the same requests?

use airtight_analysis::query::{self, QueryKind};

use crate::cli::{EquivArgs, Io};
use crate::exit::Exit;

pub fn run(args: &EquivArgs, io: &mut Io<'_>) -> Exit {
    let options = args.query.options();
    super::run_two_sided(&args.sides, &args.query, QueryKind::Equiv, io, |l, r| {
        query::equiv(l, r, &options)
    })
}
