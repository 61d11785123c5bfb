//! `airtight diff`: read the pairs (files, directories or git revisions), parse both
//! versions, compare them ([`airtight_analysis::diff`]), render the report, choose the exit
//! code. CloudFormation/SAM templates and Terraform plans are compared as worlds
//! ([`super::diff_iac`]).

use airtight_analysis::builtin::Baselines;
use airtight_analysis::diff::report::{
    compare_all, DiffReport, FileDiff, FileOutcome, PolicyPair, PolicyVersion,
};
use airtight_encodings::policy::PolicyKind;

use airtight_analysis::diff::compare::DiffOptions;

use crate::cli::{DiffArgs, FailOn, Io, KindArg, ReportFormat};
use crate::commands::diff_iac;
use crate::exit::Exit;
use crate::load::config;
use crate::load::git::from_git;
use crate::load::pairs::{from_paths, FilePair, Version};
use crate::load::Loader;
use crate::report;
use crate::report::progress::Progress;

/// Runs `airtight diff`.
pub fn run(args: &DiffArgs, io: &mut Io<'_>) -> Exit {
    if let Some(plan) = &args.plan {
        return run_plan(plan, args, io);
    }
    if let (None, [old, new]) = (&args.git, args.paths.as_slice()) {
        if is_world(old) && is_world(new) {
            return run_worlds(old, new, args, io);
        }
    }
    let pairs = match (&args.git, args.paths.as_slice()) {
        (Some(range), paths) => from_git(range, paths),
        (None, [old, new]) => from_paths(old, new),
        (None, _) => {
            let _ = writeln!(
                io.err,
                "error: give OLD and NEW (two files or two directories), or --git BASE..HEAD"
            );
            return Exit::BadInput;
        }
    };
    let pairs = match pairs {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(io.err, "error: {e}");
            return Exit::BadInput;
        }
    };
    let mut loader = Loader::new();
    let Some(fail_on) = fail_on(args, &mut loader, io) else {
        return Exit::BadInput;
    };
    let Some(baselines) = loader.baselines() else {
        let _ = writeln!(io.err, "internal error: the built-in policies do not parse");
        return Exit::Unknown;
    };
    // One budget for the whole diff: templates, plans and policy files share it.
    let options = args.options();
    // Templates and plans are compared as worlds (docs/iac.md); YAML files that are neither
    // are skipped like JSON files that are not policies.
    let mut iac_files = Vec::new();
    let mut unchanged = 0;
    let mut policy_pairs = Vec::new();
    let mut skipped_yaml = Vec::new();
    let iac = args.iac_options();
    // Entries are reported in the order of the pairs (by path, as paired), a template's
    // entries where the template is.
    let mut order = std::collections::BTreeMap::new();
    for (index, pair) in pairs.into_iter().enumerate() {
        order.insert(pair.path.clone(), index);
        match diff_iac::classify(&pair) {
            diff_iac::Kind::Iac => {
                let (files, same) =
                    diff_iac::compare_pair(pair, &mut loader, &baselines, &iac, &options);
                iac_files.extend(files.into_iter().map(|f| (index, f)));
                unchanged += same;
            }
            diff_iac::Kind::OtherYaml if !pair.named => skipped_yaml.push(pair.path),
            _ => policy_pairs.push(pair),
        }
    }
    let (parsed, mut skipped) =
        parse_pairs(policy_pairs, args.kind.map(KindArg::kind), &mut loader);
    skipped.extend(skipped_yaml);
    skipped.sort();
    let mut files: Vec<(usize, FileDiff)> = compared(parsed, &baselines, &options)
        .into_iter()
        .map(|f| (order.get(&f.path).copied().unwrap_or(usize::MAX), f))
        .collect();
    files.extend(iac_files);
    // Stable: a template's entries keep their own order.
    files.sort_by_key(|(index, _)| *index);
    let files = files.into_iter().map(|(_, f)| f).collect();
    let report = DiffReport {
        files,
        skipped,
        unchanged,
    };
    render(&loader, &report, args, fail_on, io)
}

/// `airtight diff --plan PLAN`: the world before a Terraform plan against the world after it.
fn run_plan(plan: &std::path::Path, args: &DiffArgs, io: &mut Io<'_>) -> Exit {
    let mut loader = Loader::new();
    let Some(fail_on) = fail_on(args, &mut loader, io) else {
        return Exit::BadInput;
    };
    let Some(baselines) = loader.baselines() else {
        let _ = writeln!(io.err, "internal error: the built-in policies do not parse");
        return Exit::Unknown;
    };
    let Some((files, unchanged)) = diff_iac::compare_plan(
        plan,
        &mut loader,
        &baselines,
        &args.iac_options(),
        &args.options(),
    ) else {
        let _ = report::emit_diagnostics(&loader, loader.diagnostics(), io.err);
        return Exit::BadInput;
    };
    let report = DiffReport {
        files,
        skipped: Vec::new(),
        unchanged,
    };
    render(&loader, &report, args, fail_on, io)
}

/// `--fail-on`, or else `[diff] fail-on` of airtight.toml, or else `new-access`; `None` when
/// airtight.toml is bad (its errors are reported).
fn fail_on(args: &DiffArgs, loader: &mut Loader, io: &mut Io<'_>) -> Option<FailOn> {
    let Ok(config) = config::load(loader, None) else {
        let _ = report::emit_diagnostics(loader, loader.diagnostics(), io.err);
        return None;
    };
    Some(
        args.fail_on
            .or_else(|| {
                config
                    .diff
                    .fail_on
                    .as_deref()
                    .and_then(|v| <FailOn as clap::ValueEnum>::from_str(v, true).ok())
            })
            .unwrap_or(FailOn::NewAccess),
    )
}

/// Compares every pair, with a progress bar on a terminal for long runs.
fn compared(pairs: Vec<PolicyPair>, baselines: &Baselines, options: &DiffOptions) -> Vec<FileDiff> {
    let progress = Progress::new(pairs.len() as u64, "diff");
    let files = compare_all(pairs, baselines, options, &|| progress.step());
    progress.finish();
    files
}

/// A world folder (`docs/world.md`) rather than a folder of policy files.
fn is_world(dir: &std::path::Path) -> bool {
    dir.join("accounts").is_dir()
}

/// `airtight diff OLD NEW` with two world folders: per principal, resource and organization
/// level ([`airtight_analysis::diff::worlds`]).
fn run_worlds(
    old: &std::path::Path,
    new: &std::path::Path,
    args: &DiffArgs,
    io: &mut Io<'_>,
) -> Exit {
    let mut loader = Loader::new();
    let Some(fail_on) = fail_on(args, &mut loader, io) else {
        return Exit::BadInput;
    };
    let (o, n) = (
        crate::load::world::load_world(old, &mut loader),
        crate::load::world::load_world(new, &mut loader),
    );
    let Some(baselines) = loader.baselines() else {
        let _ = writeln!(io.err, "internal error: the built-in policies do not parse");
        return Exit::Unknown;
    };
    let (Ok(o), Ok(n)) = (o, n) else {
        let _ = report::emit_diagnostics(&loader, loader.diagnostics(), io.err);
        return Exit::BadInput;
    };
    let (pairs, unchanged) = airtight_analysis::diff::worlds::changed_pairs(&o, &n, &baselines);
    let report = DiffReport {
        files: compared(pairs, &baselines, &args.options()),
        skipped: Vec::new(),
        unchanged,
    };
    render(&loader, &report, args, fail_on, io)
}

/// Renders the report in the chosen format and picks the exit code.
fn render(
    loader: &Loader,
    report: &DiffReport,
    args: &DiffArgs,
    fail_on: FailOn,
    io: &mut Io<'_>,
) -> Exit {
    let diagnostics = loader.diagnostics().to_vec();
    let _ = report::emit_diagnostics(loader, &diagnostics, io.err);
    let written = super::write_report(&args.report, io, |format, w| match format {
        ReportFormat::Text => report::diff::text::render(loader, report, w),
        ReportFormat::Json => report::diff::json::render(loader, report, w),
        ReportFormat::Sarif => report::diff::sarif::render(loader, report, w),
        ReportFormat::Github => report::diff::github::render(loader, report, w),
        ReportFormat::Markdown => report::diff::markdown::render(loader, report, w),
    });
    if let Err(exit) = written {
        return exit;
    }
    for f in &report.files {
        if let FileOutcome::Internal(e) = &f.outcome {
            let _ = writeln!(io.err, "error: {}: {e}", f.path);
        }
    }
    exit(report, fail_on)
}

/// The exit code under `fail_on`: bad input (2) first, then a certified change that fails the
/// check (1), then an unknown answer (3).
pub fn exit(report: &DiffReport, fail_on: FailOn) -> Exit {
    let fails = |f: &FileDiff| match fail_on {
        FailOn::NewAccess => f.grants_new_access(),
        FailOn::AnyChange => f.changes_access(),
        FailOn::Never => false,
    };
    if report
        .files
        .iter()
        .any(|f| matches!(f.outcome, FileOutcome::Invalid))
    {
        Exit::BadInput
    } else if report.files.iter().any(fails) {
        Exit::Violated
    } else if report.files.iter().any(|f| f.unknown()) {
        Exit::Unknown
    } else {
        Exit::Ok
    }
}

/// Whether a version is meant as a policy: a JSON object with `Statement`, or one of the
/// wrappers airtight reads (`PolicyVersion`, `Policy`, `Role`). Text that is not JSON counts
/// as meant (its errors are reported), and so does a file that could not be read.
fn looks_like_policy(v: &Version) -> bool {
    let Ok(bytes) = &v.content else {
        return true;
    };
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Object(map)) => ["Statement", "PolicyVersion", "Policy", "Role"]
            .iter()
            .any(|k| map.contains_key(*k)),
        Ok(_) => false,
        Err(_) => true,
    }
}

/// Adds both versions of every pair to the loader and parses them, NEW first: OLD is read
/// as the same type as NEW, so that both are judged alike. Returns the pairs to compare and
/// the paths left out because neither version is a policy.
fn parse_pairs(
    pairs: Vec<FilePair>,
    kind: Option<PolicyKind>,
    loader: &mut Loader,
) -> (Vec<PolicyPair>, Vec<String>) {
    let mut parsed = Vec::new();
    let mut skipped = Vec::new();
    for pair in pairs {
        if !pair.named && !pair.old.iter().chain(&pair.new).any(looks_like_policy) {
            skipped.push(pair.path);
            continue;
        }
        let mut side = |v: Option<Version>, kind: Option<PolicyKind>| {
            let v = v?;
            Some(match loader.add_version(v) {
                Ok(file) => {
                    let typed = loader.parse_policy(file, kind);
                    let policy = typed.usable().cloned();
                    (PolicyVersion { file, policy }, typed.kind)
                }
                // Unreadable or not UTF-8: invalid like a version with errors (the loader
                // reported it).
                Err(file) => (PolicyVersion { file, policy: None }, None),
            })
        };
        let new = side(pair.new, kind);
        let new_kind = new.as_ref().and_then(|(_, k)| *k);
        let old = side(pair.old, kind.or(new_kind));
        let old_kind = old.as_ref().and_then(|(_, k)| *k);
        parsed.push(PolicyPair {
            path: pair.path,
            kind: kind
                .or(new_kind)
                .or(old_kind)
                .unwrap_or(PolicyKind::Identity),
            old: old.map(|(v, _)| v),
            new: new.map(|(v, _)| v),
            whole_file: true,
        });
    }
    (parsed, skipped)
}
