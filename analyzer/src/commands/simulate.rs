//! The `simulate` command: load a policy set and a request, decide the request with the
//! concrete evaluator, and report the decision.

use airtight_encodings::eval::evaluate;
use airtight_encodings::trace::{explain, trace};

use crate::cli::{Format, Io, SimulateArgs};
use crate::exit::Exit;
use crate::load::world::load_world;
use crate::load::{load_policy_set, Loader};
use crate::report;

/// Runs `simulate`. Every input file is read and checked first; any error diagnostic makes the
/// command fail with [`Exit::BadInput`] after all diagnostics have been printed.
pub fn run(args: &SimulateArgs, io: &mut Io<'_>) -> Exit {
    let mut loader = Loader::new();
    let world = args.world.as_ref().map(|dir| load_world(dir, &mut loader));
    let set = load_policy_set(&args.policies.files(), &mut loader);
    let request = loader.load_request(&args.request);
    if report::emit_diagnostics(&loader, loader.diagnostics(), io.err).is_err() {
        return Exit::BadInput;
    }
    let (Ok(mut set), Some(mut request)) = (set, request) else {
        return Exit::BadInput;
    };
    match world {
        Some(Ok(world)) => {
            if let Some(p) = &args.principal {
                request.principal = p.clone();
            }
            request = world.with_tags(&request);
            match world.policy_set(&request) {
                Ok(s) => set = s,
                Err(e) => {
                    let _ = writeln!(io.err, "error: {e}");
                    return Exit::BadInput;
                }
            }
        }
        Some(Err(_)) => return Exit::BadInput,
        None => {}
    }
    // The request names its caller, so the identity side given is that caller's unless
    // `--principal-account` says otherwise.
    if set.principal_account.is_none() {
        set.principal_account = request.kind().account().map(str::to_string);
    }
    let evaluation = evaluate(&set, &request);
    let written = match args.format {
        Format::Text => report::simulate::text::decision(&loader, &evaluation, &request, io.out)
            .and_then(|()| {
                if args.explain {
                    report::simulate::text::why(&explain(&set, &request), io.out)?;
                    report::simulate::text::trace(&loader, &trace(&set, &request), io.out)
                } else {
                    Ok(())
                }
            }),
        Format::Json => {
            let mut value = report::simulate::json::decision(&loader, &evaluation, &request);
            if args.explain {
                value["explanation"] = serde_json::json!(explain(&set, &request));
                value["trace"] = report::simulate::json::trace(&loader, &trace(&set, &request));
            }
            report::write_json(io.out, &value)
        }
    };
    match written {
        Ok(()) => Exit::Ok,
        Err(e) => {
            // Nothing sensible is left to do if stderr fails too.
            let _ = writeln!(io.err, "error: cannot write the result: {e}");
            Exit::BadInput
        }
    }
}
