//! `airtight never`: are these actions never granted on these resources (AWS
//! CheckAccessNotGranted)?

use airtight_analysis::lambda_auth::resources_under;
use airtight_analysis::query::{self, QueryKind};

use crate::cli::{Io, NeverArgs};
use crate::exit::Exit;

pub fn run(args: &NeverArgs, io: &mut Io<'_>) -> Exit {
    let resources = resources_under(&args.resource, args.lambda_auth.auth());
    let options = args.query.options();
    super::run_one_sided(&args.policies, &args.query, QueryKind::Never, io, |set| {
        query::never(set, &args.action, &resources, &options)
    })
}
