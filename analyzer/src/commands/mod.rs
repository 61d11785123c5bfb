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

use airtight_analysis::diff::judgement::judged;
use airtight_analysis::query::{Answer, QueryError, QueryKind, Verdict};
use airtight_encodings::eval::PolicySet;
use airtight_encodings::policy::{Policy, PolicyKind};

use codespan_reporting::term::termcolor::{NoColor, WriteColor};

use crate::cli::{Cli, Command, Io, OutputArgs, PolicySetArgs, QueryArgs, ReportFormat, SidesArgs};
use crate::exit::Exit;
use crate::load::{load_policy_set, Loader};
use crate::report;
use crate::report::query::Shown;

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

/// Writes a command's report: in `--format` on stdout, then in each `--output FORMAT=PATH` to
/// its file (text without colour, through the same sanitizer as stdout; each file written whole
/// or not at all, [`crate::load::output::write_file`]). `render` writes the report in one format.
///
/// A report that cannot be written to stdout is said on stderr and the run goes on (the exit
/// code still tells the verdict); a file that cannot be written is bad input (`Err`, exit 2),
/// since a CI step would otherwise read a missing or stale report.
pub fn write_report(
    outputs: &OutputArgs,
    io: &mut Io<'_>,
    render: impl Fn(ReportFormat, &mut dyn WriteColor) -> std::io::Result<()>,
) -> Result<(), Exit> {
    if let Err(e) = render(outputs.format, io.out).and_then(|()| io.out.flush()) {
        let _ = writeln!(io.err, "error: cannot write the report: {e}");
    }
    for (format, path) in &outputs.output {
        let mut bytes = NoColor::new(Vec::new());
        let result = render(*format, &mut report::sanitize::Sanitized::new(&mut bytes))
            .and_then(|()| crate::load::output::write_file(path, bytes.get_ref()));
        if let Err(e) = result {
            let _ = writeln!(io.err, "error: cannot write {}: {e}", path.display());
            return Err(Exit::BadInput);
        }
    }
    Ok(())
}

/// What the two-sided queries share: load both sides, ask, render, exit.
///
/// The simple form's two files (`equiv OLD NEW`) are typed like `diff` types them: NEW is a
/// resource-based policy when a statement names a `Principal`, else an identity-based policy,
/// and OLD is read as the same type. With one policy per side (of the same type, and no shared
/// policy), the question is asked the way `diff` asks it — under every judgement of the policy
/// (`airtight_analysis::diff::judgement`: on its own, and as a guardrail next to policies that
/// allow everything) — so that `diff`, `equiv` and `no-new-access` give one verdict for one
/// pair. Otherwise it is asked about the two policy sets as given.
fn run_two_sided(
    sides: &SidesArgs,
    query: &QueryArgs,
    kind: QueryKind,
    io: &mut Io<'_>,
    ask: impl Fn(&PolicySet, &PolicySet) -> Result<Answer, QueryError>,
) -> Exit {
    let mut loader = Loader::new();
    let Some(baselines) = loader.baselines() else {
        let _ = writeln!(io.err, "internal error: the built-in policies do not parse");
        return Exit::Unknown;
    };
    let mut left_files = sides.side(true).files();
    let mut right_files = sides.side(false).files();
    // The simple form's files are read apart from the flags: NEW first, to give OLD its type.
    for (files, path) in [
        (&mut left_files, &sides.left),
        (&mut right_files, &sides.right),
    ] {
        if let Some(p) = path {
            if let Some(i) = files.identity.iter().position(|x| x == p) {
                files.identity.remove(i);
            }
        }
    }
    let right_simple = sides
        .right
        .as_ref()
        .map(|p| load_typed(p, None, &mut loader));
    let simple_kind = right_simple
        .as_ref()
        .and_then(|r| r.as_ref().map(|(k, _)| *k));
    let left_simple = sides
        .left
        .as_ref()
        .map(|p| load_typed(p, simple_kind, &mut loader));
    let left = load_policy_set(&left_files, &mut loader);
    let right = load_policy_set(&right_files, &mut loader);
    if report::emit_diagnostics(&loader, loader.diagnostics(), io.err).is_err() {
        return Exit::BadInput;
    }
    let (Ok(mut left), Ok(mut right)) = (left, right) else {
        return Exit::BadInput;
    };
    for (set, simple) in [(&mut left, left_simple), (&mut right, right_simple)] {
        match simple {
            None => {}
            Some(None) => return Exit::BadInput,
            Some(Some((policy_kind, policy))) => {
                if let Err(e) = place(set, policy_kind, policy) {
                    let _ = writeln!(io.err, "error: {e}");
                    return Exit::BadInput;
                }
            }
        }
    }
    if let (Some((lk, old)), Some((rk, new))) = (single(&left), single(&right)) {
        if lk == rk {
            let judged = match judged(old, new, lk, &baselines, &ask) {
                Ok(j) => j,
                Err(e) => {
                    // An uncertified model is a bug in airtight, reported loudly and never as
                    // a finding.
                    let _ = writeln!(io.err, "{e}");
                    return Exit::Unknown;
                }
            };
            return finish(&loader, kind, &Shown::of_judged(&judged), query, io);
        }
    }
    if left.identity.is_empty() && left.resource.is_none()
        || right.identity.is_empty() && right.resource.is_none()
    {
        let _ = writeln!(io.err, "error: each side needs at least one identity or resource-based policy, or a single policy of the same type on each side (e.g. `airtight {} OLD.json NEW.json`)", kind.name());
        return Exit::BadInput;
    }
    match ask(&left, &right) {
        Ok(answer) => finish(
            &loader,
            kind,
            &Shown::of_sets(&answer, &[&left, &right]),
            query,
            io,
        ),
        Err(e) => {
            let _ = writeln!(io.err, "{e}");
            Exit::Unknown
        }
    }
}

/// Reads and parses a policy file of the simple form, as `kind` or (when `None`) the type it
/// looks like; `None` when it has errors (recorded in the loader).
fn load_typed(
    path: &std::path::Path,
    kind: Option<PolicyKind>,
    loader: &mut Loader,
) -> Option<(PolicyKind, Policy)> {
    let file = loader.read(path)?;
    let typed = loader.parse_policy(file, kind);
    let policy = typed.usable().cloned()?;
    Some((
        kind.or(typed.kind)
            .unwrap_or_else(|| PolicyKind::detect(&policy)),
        policy,
    ))
}

/// The error of placing a second resource-based policy in a set.
#[derive(Debug, thiserror::Error)]
#[error("a side has two resource-based policies (a resource has one); give one per side")]
struct TwoResourcePolicies;

/// Adds a simple-form policy to its side's set, by type.
fn place(set: &mut PolicySet, kind: PolicyKind, policy: Policy) -> Result<(), TwoResourcePolicies> {
    match kind {
        PolicyKind::Resource if set.resource.is_some() => return Err(TwoResourcePolicies),
        PolicyKind::Resource => set.resource = Some(policy),
        // The simple form reads only identity and resource-based policies.
        _ => set.identity.push(policy),
    }
    Ok(())
}

/// The one policy of a set, with its type, when the set holds exactly one.
fn single(set: &PolicySet) -> Option<(PolicyKind, &Policy)> {
    let mut all = set.policies();
    let first = all.next()?;
    all.next().is_none().then_some(first)
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
    match ask(&set) {
        Ok(answer) => finish(&loader, kind, &Shown::of_sets(&answer, &[&set]), query, io),
        Err(e) => {
            // An uncertified model is a bug in airtight, reported loudly and never as a finding.
            let _ = writeln!(io.err, "{e}");
            Exit::Unknown
        }
    }
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
    match answer {
        Ok(answer) => finish(&loader, kind, &Shown::of_sets(&answer, &[]), query, io),
        Err(e) => {
            let _ = writeln!(io.err, "{e}");
            Exit::Unknown
        }
    }
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

/// Renders a query's answer in every format asked for and picks the exit code.
fn finish(
    loader: &Loader,
    kind: QueryKind,
    shown: &Shown<'_>,
    query: &QueryArgs,
    io: &mut Io<'_>,
) -> Exit {
    let answer = &shown.answer;
    let written = write_report(&query.report, io, |format, w| match format {
        ReportFormat::Text => report::query::text::render(loader, kind, shown, w),
        ReportFormat::Json => {
            report::write_json(w, &report::query::json::render(loader, kind, shown))
        }
        ReportFormat::Sarif => {
            report::write_json(w, &report::query::sarif::render(loader, kind, shown))
        }
        ReportFormat::Github => report::query::github::render(loader, kind, shown, w),
        ReportFormat::Markdown => report::query::markdown::render(loader, kind, shown, w),
    });
    if let Err(exit) = written {
        return exit;
    }
    match kind.verdict(&answer.outcome) {
        Verdict::Unknown => Exit::Unknown,
        Verdict::Yes => Exit::Ok,
        Verdict::No => Exit::Violated,
    }
}
