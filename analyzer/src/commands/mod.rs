//! One module per subcommand, each doing load → analyse → render → exit code, and the
//! dispatch from a parsed command line to them.

pub mod can;
pub mod deny_check;
pub mod diff;
pub mod diff_iac;
pub mod equiv;
pub mod lint;
pub mod never;
pub mod no_new_access;
pub mod simulate;
pub mod who_can;

use airtight_analysis::query::{Answer, QueryError, QueryKind, Verdict};
use airtight_encodings::eval::PolicySet;

use crate::cli::{Cli, Command, Format, Io, PolicySetArgs, QueryArgs, SidesArgs};
use crate::exit::Exit;
use crate::load::{load_policy_set, Loader};
use crate::report;

/// Runs a parsed command line. Everything a command writes passes through
/// [`report::sanitize::Sanitized`], so that no control character from a policy or a file name
/// reaches the terminal, whichever renderer wrote it.
pub fn run(cli: Cli, io: &mut Io<'_>) -> Exit {
    let mut out = report::sanitize::Sanitized::new(&mut *io.out);
    let mut err = report::sanitize::Sanitized::new(&mut *io.err);
    let io = &mut Io {
        out: &mut out,
        err: &mut err,
    };
    match cli.command {
        Command::Simulate(args) => simulate::run(&args, io),
        Command::Equiv(args) => equiv::run(&args, io),
        Command::NoNewAccess(args) => no_new_access::run(&args, io),
        Command::Can(args) => can::run(&args, io),
        Command::Never(args) => never::run(&args, io),
        Command::DenyCheck(args) => deny_check::run(&args, io),
        Command::Diff(args) => diff::run(&args, io),
        Command::Lint(args) => lint::run(&args, io),
        Command::WhoCan(args) => who_can::run(&args, io),
    }
}

/// What the two-sided queries share: load both sides, ask, render, exit.
fn run_two_sided(
    sides: &SidesArgs,
    query: &QueryArgs,
    kind: QueryKind,
    io: &mut Io<'_>,
    ask: impl FnOnce(&PolicySet, &PolicySet) -> Result<Answer, QueryError>,
) -> Exit {
    let mut loader = Loader::new();
    let left = load_policy_set(&sides.side(true).files(), &mut loader);
    let right = load_policy_set(&sides.side(false).files(), &mut loader);
    if report::emit_diagnostics(&loader, loader.diagnostics(), io.err).is_err() {
        return Exit::BadInput;
    }
    let (Ok(left), Ok(right)) = (left, right) else {
        return Exit::BadInput;
    };
    if left.identity.is_empty() && left.resource.is_none()
        || right.identity.is_empty() && right.resource.is_none()
    {
        let _ = writeln!(io.err, "error: each side needs at least one identity or resource-based policy (e.g. `airtight {} OLD.json NEW.json`)", kind.name());
        return Exit::BadInput;
    }
    let answer = ask(&left, &right);
    finish(&loader, kind, answer, &[&left, &right], query.format, io)
}

/// What `can` and `never` share: load one policy set, ask, render, exit.
fn run_one_sided(
    policies: &PolicySetArgs,
    query: &QueryArgs,
    kind: QueryKind,
    io: &mut Io<'_>,
    ask: impl FnOnce(&PolicySet) -> Result<Answer, QueryError>,
) -> Exit {
    let mut loader = Loader::new();
    let set = load_policy_set(&policies.files(), &mut loader);
    if report::emit_diagnostics(&loader, loader.diagnostics(), io.err).is_err() {
        return Exit::BadInput;
    }
    let Ok(set) = set else { return Exit::BadInput };
    let answer = ask(&set);
    finish(&loader, kind, answer, &[&set], query.format, io)
}

/// What `can` and `never` do with `--world`: ask every caller of the world.
fn run_in_world(
    dir: &std::path::Path,
    question: airtight_analysis::who_can::WhoCanQuestion,
    query: &QueryArgs,
    kind: QueryKind,
    io: &mut Io<'_>,
) -> Exit {
    let mut loader = Loader::new();
    let world = crate::load::world::load_world(dir, &mut loader);
    if report::emit_diagnostics(&loader, loader.diagnostics(), io.err).is_err() {
        return Exit::BadInput;
    }
    let Ok(world) = world else {
        return Exit::BadInput;
    };
    let answer =
        match airtight_analysis::who_can::who_can(&world, &question, &query.options(), &|| {}) {
            Ok(r) => Ok(airtight_analysis::who_can::as_answer(&r)),
            Err(airtight_analysis::who_can::WhoCanError::Query(e)) => Err(e),
            Err(e) => {
                let _ = writeln!(io.err, "error: {e}");
                return Exit::BadInput;
            }
        };
    finish(&loader, kind, answer, &[], query.format, io)
}

/// The question `can`/`never` ask in a world: `--resource` must name resources of one world
/// account; `--not-principal` leaves callers out.
fn world_question(
    actions: &[String],
    resources: &[String],
    not_principals: &[String],
    auth: airtight_analysis::lambda_auth::LambdaAuth,
) -> Option<airtight_analysis::who_can::WhoCanQuestion> {
    let (first, rest) = resources.split_first()?;
    Some(airtight_analysis::who_can::WhoCanQuestion {
        actions: actions.to_vec(),
        resource: first.clone(),
        also: rest.to_vec(),
        lambda_auth: auth,
        except: not_principals.to_vec(),
    })
}

fn finish(
    loader: &Loader,
    kind: QueryKind,
    answer: Result<Answer, QueryError>,
    sets: &[&PolicySet],
    format: Format,
    io: &mut Io<'_>,
) -> Exit {
    let answer = match answer {
        Ok(a) => a,
        Err(e) => {
            // An uncertified model is a bug in airtight, reported loudly and never as a finding.
            let _ = writeln!(io.err, "{e}");
            return Exit::Unknown;
        }
    };
    let written = match format {
        Format::Text => report::query::text::render(loader, kind, &answer, sets, io.out),
        Format::Json => report::write_json(
            io.out,
            &report::query::json::render(loader, kind, &answer, sets),
        ),
    };
    if let Err(e) = written {
        let _ = writeln!(io.err, "error: cannot write the result: {e}");
    }
    match kind.verdict(&answer.outcome) {
        Verdict::Unknown => Exit::Unknown,
        Verdict::Yes => Exit::Ok,
        Verdict::No => Exit::Violated,
    }
}
