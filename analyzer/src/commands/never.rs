//! `airtight never`: are these actions never granted on these resources (AWS
//! CheckAccessNotGranted)?

use airtight_analysis::lambda_auth::resources_under;
use airtight_analysis::query::{self, QueryKind};

use crate::cli::{Io, NeverArgs};
use crate::exit::Exit;

pub fn run(args: &NeverArgs, io: &mut Io<'_>) -> Exit {
    if let Some(dir) = &args.world {
        let Some(question) =
            super::world_question(&args.action, &args.resource, &[], args.lambda_auth.auth())
        else {
            let _ = writeln!(
                io.err,
                "error: with --world, give the resource with --resource ARN"
            );
            return Exit::BadInput;
        };
        return super::run_in_world(dir, question, &args.query, QueryKind::Never, io);
    }
    let resources = resources_under(&args.resource, args.lambda_auth.auth());
    let options = args.query.options();
    super::run_one_sided(&args.policies, &args.query, QueryKind::Never, io, |set| {
        query::never(set, &args.action, &resources, &options)
    })
}
