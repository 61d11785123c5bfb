//! `airtight who-can`: load a world, ask who can perform an action on a resource
//! ([`airtight_analysis::who_can`]), render, exit (0 whoever can; 2 bad input; 3 when some
//! caller has no answer and nobody was found able).

use airtight_analysis::query::{Outcome, QueryOptions};
use airtight_analysis::who_can::{who_can, WhoCanQuestion};

use crate::cli::{Io, ReportFormat, WhoCanArgs};
use crate::exit::Exit;
use crate::load::world::load_world;
use crate::load::Loader;
use crate::report;
use crate::report::progress::Progress;

pub fn run(args: &WhoCanArgs, io: &mut Io<'_>) -> Exit {
    let mut loader = Loader::new();
    let world = load_world(&args.world, &mut loader);
    if report::emit_diagnostics(&loader, loader.diagnostics(), io.err).is_err() {
        return Exit::BadInput;
    }
    let Ok(world) = world else {
        return Exit::BadInput;
    };
    let question = WhoCanQuestion {
        actions: args.action.clone(),
        resource: args.resource.clone(),
        lambda_auth: args.lambda_auth.auth(),
        ..WhoCanQuestion::default()
    };
    let options = QueryOptions {
        budget: airtight_encodings::budget::Budget::new(args.timeout, args.memory),
        max_counterexamples: 1,
    };
    let callers = world
        .accounts
        .values()
        .map(|a| a.principals.len() as u64 + 1)
        .sum::<u64>()
        + 3;
    let progress = Progress::new(callers, "who-can");
    let result = who_can(&world, &question, &options, &|| progress.step());
    progress.finish();
    let result = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(io.err, "error: {e}");
            return match e {
                airtight_analysis::who_can::WhoCanError::Query(_) => Exit::Unknown,
                _ => Exit::BadInput,
            };
        }
    };
    let written = match args.format {
        ReportFormat::Text => report::who_can::text::render(&loader, &result, io.out),
        ReportFormat::Json => {
            report::write_json(io.out, &report::who_can::json::render(&loader, &result))
        }
        ReportFormat::Sarif => {
            report::write_json(io.out, &report::who_can::sarif::render(&loader, &result))
        }
        ReportFormat::Markdown => report::who_can::markdown::render(&result, io.out),
    };
    if let Err(e) = written {
        let _ = writeln!(io.err, "error: cannot write the result: {e}");
    }
    let unknown = result
        .accesses
        .iter()
        .any(|a| matches!(a.outcome, Outcome::Unknown { .. }));
    if unknown {
        Exit::Unknown
    } else {
        Exit::Ok
    }
}
