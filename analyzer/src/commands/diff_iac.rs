//! `airtight diff` for CloudFormation/SAM templates and Terraform plans (`docs/iac.md`): each
//! version becomes a world ([`crate::load::cfn`], [`crate::load::terraform`]) and the two
//! worlds are compared per principal and per resource policy
//! ([`airtight_analysis::diff::worlds::compare_worlds`]), not as files. Each entry is named
//! `FILE: ARN (what) — logical ids or addresses`, and its annotations point into FILE.
//!
//! | input | OLD world | NEW world |
//! |---|---|---|
//! | two versions of a template (files, directory entries, `--git` revisions) | OLD's template | NEW's template |
//! | `--plan plan.json` | the plan's `before` | the plan's `after` |
//! | two versions of a plan file | OLD's `after` | NEW's `after` |
//!
//! A managed policy whose statements airtight does not know (an AWS managed policy it does not
//! carry, one of another stack) cannot be compared: attaching or detaching one is an
//! `unknown` entry naming it, so the check does not pass it unproved.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use airtight_analysis::builtin::Baselines;
use airtight_analysis::diff::compare::{Change, Comparison, DiffOptions};
use airtight_analysis::diff::report::{FileDiff, FileOutcome};
use airtight_analysis::diff::worlds::compare_worlds;
use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::json::duplicate_keys;
use airtight_encodings::policy::PolicyKind;
use airtight_encodings::span::{FileId, Span};

use crate::load::cfn::template_world;
use crate::load::iac::{detect, yaml_name, Detected, IacOptions, IacWorld};
use crate::load::pairs::{FilePair, Version};
use crate::load::terraform::plan_worlds;
use crate::load::Loader;

/// What a version of an infrastructure file holds, read.
enum Side {
    /// The file is not there (added or removed).
    Absent,
    /// Read: the world and the file it is in.
    World(Box<IacWorld>, FileId),
    /// Could not be read, or has errors (reported in the loader).
    Invalid(Option<FileId>),
}

/// Whether the pair holds a template or a plan (on either side), or a YAML file that is not
/// one (to be skipped unless named on the command line).
pub enum Kind {
    Iac,
    OtherYaml,
    Other,
}

/// Classifies a pair by its content, without recording anything.
pub fn classify(pair: &FilePair) -> Kind {
    let yaml_allowed = pair.named || yaml_name(&pair.path);
    let mut any_yaml = false;
    for v in pair.old.iter().chain(&pair.new) {
        let Ok(bytes) = &v.content else { continue };
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        match detect(text, FileId(u32::MAX), yaml_allowed) {
            Detected::Template(_) | Detected::Plan(_) | Detected::Broken(_) => return Kind::Iac,
            Detected::Other => any_yaml |= yaml_name(&pair.path),
        }
    }
    if any_yaml {
        Kind::OtherYaml
    } else {
        Kind::Other
    }
}

/// Compares the two versions of a template or plan file. Returns the entries and how many
/// were unchanged.
pub fn compare_pair(
    pair: FilePair,
    loader: &mut Loader,
    baselines: &Baselines,
    opts: &IacOptions,
    options: &DiffOptions,
) -> (Vec<FileDiff>, usize) {
    let yaml_allowed = pair.named || yaml_name(&pair.path);
    let old = read_side(pair.old, loader, opts, yaml_allowed, &pair.path);
    let new = read_side(pair.new, loader, opts, yaml_allowed, &pair.path);
    match (old, new) {
        (Side::Invalid(o), n)
        | (n @ Side::World(..), Side::Invalid(o))
        | (n @ Side::Absent, Side::Invalid(o)) => {
            let n = match n {
                Side::World(_, f) => Some(f),
                Side::Invalid(f) => f,
                Side::Absent => None,
            };
            (
                vec![FileDiff {
                    path: pair.path.clone(),
                    kind: PolicyKind::Identity,
                    old: o,
                    new: n,
                    outcome: FileOutcome::Invalid,
                    whole_file: false,
                }],
                0,
            )
        }
        (o, n) => {
            let (old, old_file) = world_of(o);
            let (new, new_file) = world_of(n);
            let file = new_file.or(old_file).unwrap_or_default();
            let texts = Texts {
                old: old_file.map_or("", |f| loader.source(f)),
                new: new_file.map_or("", |f| loader.source(f)),
            };
            compare(&old, &new, &texts, &pair.path, file, baselines, options)
        }
    }
}

/// `airtight diff --plan PLAN`: the world before the plan against the world after it.
pub fn compare_plan(
    path: &Path,
    loader: &mut Loader,
    baselines: &Baselines,
    opts: &IacOptions,
    options: &DiffOptions,
) -> Option<(Vec<FileDiff>, usize)> {
    let file = loader.read(path)?;
    let shown = path.display().to_string();
    loader.set_artifact(file, &shown);
    let doc = match detect(loader.source(file), file, false) {
        Detected::Plan(doc) => doc,
        _ => {
            loader.extend_diagnostics([Diagnostic::whole_file(
                "not-a-plan",
                format!("`{shown}` is not a Terraform plan in JSON: expected `format_version` and `terraform_version` (write it with `terraform show -json plan.out > plan.json`)"),
            )]);
            return None;
        }
    };
    let mut diags = duplicate_keys(&doc);
    let worlds = plan_worlds(&doc, file, opts, &mut diags);
    let failed = diags.iter().any(Diagnostic::is_error);
    loader.extend_diagnostics(diags);
    if failed {
        return None;
    }
    let text = loader.source(file);
    Some(compare(
        &worlds.before,
        &worlds.after,
        &Texts {
            old: text,
            new: text,
        },
        &shown,
        file,
        baselines,
        options,
    ))
}

fn world_of(side: Side) -> (IacWorld, Option<FileId>) {
    match side {
        Side::World(w, f) => (*w, Some(f)),
        Side::Absent | Side::Invalid(_) => (IacWorld::default(), None),
    }
}

fn read_side(
    version: Option<Version>,
    loader: &mut Loader,
    opts: &IacOptions,
    yaml_allowed: bool,
    path: &str,
) -> Side {
    let Some(version) = version else {
        return Side::Absent;
    };
    let file = match loader.add_version(version) {
        Ok(f) => f,
        Err(f) => return Side::Invalid(Some(f)),
    };
    loader.set_artifact(file, path);
    let mut diags = Vec::new();
    let world = match detect(loader.source(file), file, yaml_allowed) {
        Detected::Template(doc) => {
            diags.extend(duplicate_keys(&doc));
            Some(template_world(&doc, file, opts, &mut diags))
        }
        Detected::Plan(doc) => {
            diags.extend(duplicate_keys(&doc));
            Some(plan_worlds(&doc, file, opts, &mut diags).after)
        }
        Detected::Broken(d) => {
            diags.push(d);
            None
        }
        Detected::Other => {
            diags.push(Diagnostic::whole_file(
                "not-a-template",
                format!("`{}` is not a CloudFormation or SAM template (no `AWSTemplateFormatVersion`, no `Transform: AWS::Serverless-2016-10-31`, no `Resources` with `AWS::` types) nor a Terraform plan, while its other version is", loader.name(file)),
            ));
            None
        }
    };
    let failed = diags.iter().any(Diagnostic::is_error);
    loader.extend_diagnostics(diags);
    match world {
        Some(w) if !failed => Side::World(Box::new(w), file),
        _ => Side::Invalid(Some(file)),
    }
}

/// The text of the file each world was read from.
struct Texts<'a> {
    old: &'a str,
    new: &'a str,
}

/// The two worlds compared, entries named after `source` and the names that made them.
fn compare(
    old: &IacWorld,
    new: &IacWorld,
    texts: &Texts<'_>,
    source: &str,
    file: FileId,
    baselines: &Baselines,
    options: &DiffOptions,
) -> (Vec<FileDiff>, usize) {
    let result = compare_worlds(&old.world, &new.world, baselines, options);
    let mut files = result.files;
    let mut unchanged = result.unchanged;
    not_proved_with_unknowns(old, new, texts, file, &mut files, &mut unchanged);
    for f in &mut files {
        f.path = label(source, &f.path, old, new);
        // Entries whose one side is missing still point into the file.
        if f.new.is_none() && f.old.is_none() {
            f.new = Some(file);
        }
    }
    let principals: BTreeSet<&String> = old
        .unknown_managed
        .keys()
        .chain(new.unknown_managed.keys())
        .collect();
    for arn in principals {
        let empty = BTreeMap::new();
        let o = old.unknown_managed.get(arn).unwrap_or(&empty);
        let n = new.unknown_managed.get(arn).unwrap_or(&empty);
        let (ok, nk): (BTreeSet<&String>, BTreeSet<&String>) =
            (o.keys().collect(), n.keys().collect());
        if ok == nk {
            continue;
        }
        let list = |s: Vec<&&String>| {
            s.iter()
                .map(|x| format!("`{x}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let added: Vec<&&String> = nk.difference(&ok).collect();
        let removed: Vec<&&String> = ok.difference(&nk).collect();
        let mut why = Vec::new();
        if !added.is_empty() {
            why.push(format!("now attaches {}", list(added.clone())));
        }
        if !removed.is_empty() {
            why.push(format!("no longer attaches {}", list(removed)));
        }
        let span = added
            .first()
            .and_then(|k| n.get(**k))
            .copied()
            .filter(|s| s.end > 0 || s.start > 0);
        files.push(FileDiff {
            path: label(source, &format!("{arn} (managed policies)"), old, new),
            kind: PolicyKind::Identity,
            old: Some(file),
            new: Some(file),
            outcome: FileOutcome::Changed(Comparison {
                change: Change::Unknown,
                new_access: Vec::new(),
                removed_access: Vec::new(),
                unknown: Some((
                    format!(
                        "{}: airtight does not know the statements of these policies, so what the change grants is unknown (review them, or define them in the template)",
                        why.join("; ")
                    ),
                    span.map(|s: Span| s),
                )),
                solver_queries: 0,
                elapsed: Duration::ZERO,
            }),
            whole_file: false,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (files, unchanged)
}

/// One value not known here, as a reader recognises it: its place in the entry's documents
/// and the text that stands for it (`!Ref Partner`).
type UnknownAt = (String, String);

/// An entry whose policies depend on values not known here (placeholders, undecided
/// conditions; `docs/iac.md`) is not proved by comparing what they become when each stands
/// for any value: `*` for a parameter may widen OLD enough to hide what NEW grants, or make
/// OLD and NEW read alike when they are not.
///
/// - An entry that changed and depends on them (in either version) is `unknown`; the examples
///   found when each stands for any value are still shown.
/// - An entry that reads the same in both versions is unchanged only when both depend on the
///   same values at the same places (the same `!Ref Partner` in the same statement): with the
///   same parameters, they are the same. Otherwise it is an `unknown` entry of its own.
fn not_proved_with_unknowns(
    old: &IacWorld,
    new: &IacWorld,
    texts: &Texts<'_>,
    file: FileId,
    files: &mut Vec<FileDiff>,
    unchanged: &mut usize,
) {
    let arns: BTreeSet<&String> = old.unknowns.keys().chain(new.unknowns.keys()).collect();
    for arn in arns {
        let o = recognised(old, arn, texts.old);
        let n = recognised(new, arn, texts.new);
        let prefix = format!("{arn} (");
        let span = first_span(new, arn).or_else(|| first_span(old, arn));
        let reason = unknowns_reason(&o, &n);
        let mut listed = false;
        for f in files.iter_mut().filter(|f| f.path.starts_with(&prefix)) {
            listed = true;
            let comparison = match &mut f.outcome {
                FileOutcome::Changed(c)
                | FileOutcome::Added(Some(c))
                | FileOutcome::Removed(Some(c)) => c,
                _ => continue,
            };
            if comparison.change != Change::Unknown {
                comparison.change = Change::Unknown;
                comparison.unknown = Some((reason.clone(), span));
            }
        }
        if listed || o == n {
            continue;
        }
        // Read alike only because the unknowns stand for any value.
        *unchanged = unchanged.saturating_sub(1);
        let principal = [old, new].iter().any(|w| {
            w.world
                .accounts
                .values()
                .any(|a| a.principals.contains_key(arn.as_str()))
        });
        files.push(FileDiff {
            path: format!("{arn} (policies with values not known here)"),
            kind: if principal {
                PolicyKind::Identity
            } else {
                PolicyKind::Resource
            },
            old: Some(file),
            new: Some(file),
            outcome: FileOutcome::Changed(Comparison {
                change: Change::Unknown,
                new_access: Vec::new(),
                removed_access: Vec::new(),
                unknown: Some((reason, span)),
                solver_queries: 0,
                elapsed: Duration::ZERO,
            }),
            whole_file: false,
        });
    }
}

/// The unknowns of `arn` in `world`, each with the text that stands for it.
fn recognised(world: &IacWorld, arn: &str, text: &str) -> BTreeSet<UnknownAt> {
    world
        .unknowns
        .get(arn)
        .into_iter()
        .flatten()
        .map(|(place, span)| {
            let shown = span_text(text, *span);
            // An undecided `Condition` is named as such, not by the bare condition name.
            let shown = if place.starts_with("Condition of ") {
                format!("Condition: {shown}")
            } else {
                shown
            };
            (place.clone(), shown)
        })
        .collect()
}

fn first_span(world: &IacWorld, arn: &str) -> Option<Span> {
    world
        .unknowns
        .get(arn)
        .and_then(|u| u.first())
        .map(|(_, s)| *s)
        .filter(|s| s.end > s.start)
}

/// The text of `span`, on one line and short.
fn span_text(text: &str, span: Span) -> String {
    let raw = text.get(span.range()).unwrap_or("");
    let flat: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 60 {
        let cut: String = flat.chars().take(57).collect();
        format!("{cut}...")
    } else {
        flat
    }
}

/// Why an entry with unknowns is not proved, naming a few of them.
fn unknowns_reason(o: &BTreeSet<UnknownAt>, n: &BTreeSet<UnknownAt>) -> String {
    let list = |side: &BTreeSet<UnknownAt>| {
        let texts: BTreeSet<&str> = side.iter().map(|(_, t)| t.as_str()).collect();
        let mut shown: Vec<String> = texts.iter().take(3).map(|t| format!("`{t}`")).collect();
        if texts.len() > 3 {
            shown.push(format!("{} more", texts.len() - 3));
        }
        if shown.is_empty() {
            "none".to_string()
        } else {
            shown.join(", ")
        }
    };
    format!(
        "the policies depend on values not known here, read as any value (OLD: {}; NEW: {}), so the comparison proves nothing; give them with --param NAME=VALUE, --account, --region (docs/iac.md)",
        list(o),
        list(n)
    )
}

/// `FILE: ARN (what) — names`.
fn label(source: &str, entry: &str, old: &IacWorld, new: &IacWorld) -> String {
    let arn = entry.split(" (").next().unwrap_or(entry);
    let names: BTreeSet<&String> = old
        .names
        .get(arn)
        .into_iter()
        .chain(new.names.get(arn))
        .flatten()
        .collect();
    if names.is_empty() {
        format!("{source}: {entry}")
    } else {
        let names: Vec<&str> = names.into_iter().map(String::as_str).collect();
        format!("{source}: {entry} — {}", names.join(", "))
    }
}
