//! `airtight can`: is some request matching the constraints allowed?

use airtight_analysis::lambda_auth::resources_under;
use airtight_analysis::query::{self, Constraints, QueryKind};

use crate::cli::{CanArgs, Io};
use crate::exit::Exit;

pub fn run(args: &CanArgs, io: &mut Io<'_>) -> Exit {
    let constraints = Constraints {
        actions: args.action.clone(),
        resources: resources_under(&args.resource, args.lambda_auth.auth()),
        principals: args.principal.clone(),
        not_principals: args.not_principal.clone(),
        context: args.context.clone(),
        absent: args.absent.clone(),
        principal_tags: None,
        resource_tags: None,
    };
    let options = args.query.options();
    super::run_one_sided(&args.policies, &args.query, QueryKind::Can, io, |set| {
        query::can(set, &constraints, &options)
    })
}
