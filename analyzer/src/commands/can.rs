//! `airtight can`: is some request matching the constraints allowed?

use airtight_analysis::lambda_auth::resources_under;
use airtight_analysis::query::{self, Constraints, QueryKind};

use crate::cli::{CanArgs, Io};
use crate::exit::Exit;

pub fn run(args: &CanArgs, io: &mut Io<'_>) -> Exit {
    if let Some(dir) = &args.world {
        if !args.principal.is_empty() || !args.context.is_empty() || !args.absent.is_empty() {
            let _ = writeln!(io.err, "error: with --world, `can` takes --action, --resource and --not-principal; use `who-can` to see every caller");
            return Exit::BadInput;
        }
        let Some(question) = super::world_question(
            &args.action,
            &args.resource,
            &args.not_principal,
            args.lambda_auth.auth(),
        ) else {
            let _ = writeln!(
                io.err,
                "error: with --world, give the resource with --resource ARN"
            );
            return Exit::BadInput;
        };
        return super::run_in_world(dir, question, &args.query, QueryKind::Can, io);
    }
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
