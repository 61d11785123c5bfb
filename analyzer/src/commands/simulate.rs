//! The `simulate` command: load a policy set and a request, decide the request with the
//! concrete evaluator, and report the decision; or, with `--requests`, decide every request of
//! a JSON Lines file and write one line per request.

use std::io::Write;
use std::path::Path;

use airtight_encodings::eval::{evaluate, PolicySet};
use airtight_encodings::trace::{explain, trace};

use crate::cli::{Format, Io, SimulateArgs};
use crate::exit::Exit;
use crate::load::requests::RequestLines;
use crate::load::world::load_world;
use crate::load::{load_policy_set, Loader};
use crate::report;

/// Runs `simulate`. Every input file is read and checked first; any error diagnostic makes the
/// command fail with [`Exit::BadInput`] after all diagnostics have been printed.
pub fn run(args: &SimulateArgs, io: &mut Io<'_>) -> Exit {
    let (Some(request_path), None) = (&args.request, &args.requests) else {
        return match &args.requests {
            Some(path) => run_lines(args, path, io),
            // clap requires one of `--request` and `--requests`.
            None => Exit::BadInput,
        };
    };
    let mut loader = Loader::new();
    let world = args.world.as_ref().map(|dir| load_world(dir, &mut loader));
    let set = load_policy_set(&args.policies.files(), &mut loader);
    let request = loader.load_request(request_path);
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

/// `simulate --requests FILE`: the policies are read and checked first; then the file is read
/// a line at a time, each request decided and its line written at once, so memory stays
/// bounded whatever the number of requests. A line that is not a request gets an `error` line
/// and its diagnostics on stderr, and the others are still decided; the exit code is then
/// [`Exit::BadInput`].
fn run_lines(args: &SimulateArgs, path: &Path, io: &mut Io<'_>) -> Exit {
    let mut loader = Loader::new();
    let set = load_policy_set(&args.policies.files(), &mut loader);
    let lines = RequestLines::open(path, &mut loader);
    if report::emit_diagnostics(&loader, loader.diagnostics(), io.err).is_err() {
        return Exit::BadInput;
    }
    let (Ok(mut set), Some(mut lines)) = (set, lines) else {
        return Exit::BadInput;
    };
    let shown = loader.diagnostics().len();
    match decide_lines(&mut set, &mut lines, &mut loader, args.format, io, shown) {
        Ok(()) => {}
        Err(e) => {
            // Nothing sensible is left to do if stderr fails too.
            let _ = writeln!(io.err, "error: cannot write the result: {e}");
            return Exit::BadInput;
        }
    }
    let bad = lines.bad_lines();
    if bad == 0 {
        return Exit::Ok;
    }
    let hidden = bad.saturating_sub(crate::load::requests::MAX_SHOWN);
    if hidden > 0 {
        let _ = writeln!(
            io.err,
            "… and {hidden} more lines of `{}` that are not requests",
            report::sanitize::line(lines.name())
        );
    }
    let _ = writeln!(
        io.err,
        "error: {bad} line(s) of `{}` are not requests; the others were decided",
        report::sanitize::line(lines.name())
    );
    Exit::BadInput
}

/// Decides every request of `lines` against `set` and writes its line; the diagnostics of bad
/// lines (recorded in `loader` after the first `shown`) go to stderr as they come.
fn decide_lines(
    set: &mut PolicySet,
    lines: &mut RequestLines,
    loader: &mut Loader,
    format: Format,
    io: &mut Io<'_>,
    mut shown: usize,
) -> std::io::Result<()> {
    let given_account = set.principal_account.clone();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, &mut *io.out);
    let mut writer = report::simulate::lines::Lines::new(format == Format::Json);
    while let Some(next) = lines.next(loader) {
        match next {
            Ok((line, request)) => {
                // The request names its caller, so the identity side given is that caller's
                // unless `--principal-account` says otherwise (as for one request).
                set.principal_account = given_account
                    .clone()
                    .or_else(|| request.kind().account().map(str::to_string));
                writer.decision(loader, line, &evaluate(set, &request), &mut out)?;
            }
            Err(bad) => {
                writer.error(&bad, &mut out)?;
                if loader.diagnostics().len() > shown {
                    out.flush()?;
                    let _ =
                        report::emit_diagnostics(loader, &loader.diagnostics()[shown..], io.err);
                    shown = loader.diagnostics().len();
                }
            }
        }
    }
    out.flush()
}
