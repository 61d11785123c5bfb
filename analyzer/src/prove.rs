//! The query commands: `equiv`, `no-new-access`, `can` and `never`.
//!
//! Two-sided queries take the simple form `airtight equiv A.json B.json` (each side one
//! identity policy) or the full form with per-side flags (`--left-…`/`--right-…`, also spelled
//! `--old-…`/`--new-…`) plus shared flags that apply to both sides (`--scp org.json`).

use std::path::PathBuf;

use airtight_encodings::eval::PolicySet;
use clap::Args;

use crate::cli::{Format, Io, Level, PolicySetArgs};
use crate::deny_check::{resources_under, LambdaAuth};
use crate::exit::Exit;
use crate::load::{load_policy_set, Loader};
use crate::query::{self, Answer, Constraints, QueryOptions, Verdict};
use crate::report;

/// Options every query takes.
#[derive(Debug, Clone, Args)]
pub struct QueryArgs {
    /// Give up (answer `unknown`) after this many seconds per solver call.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,

    /// How many distinct counterexamples to look for (differing in action or resource).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub max_counterexamples: usize,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

impl QueryArgs {
    pub fn options(&self) -> QueryOptions {
        QueryOptions {
            timeout_ms: (self.timeout.max(0.001) * 1000.0) as u64,
            max_counterexamples: self.max_counterexamples.max(1),
        }
    }
}

/// The two sides of `equiv` / `no-new-access`.
#[derive(Debug, Clone, Args)]
pub struct SidesArgs {
    /// The left (old) identity policy, in the simple form.
    #[arg(value_name = "LEFT")]
    pub left: Option<PathBuf>,
    /// The right (new) identity policy, in the simple form.
    #[arg(value_name = "RIGHT")]
    pub right: Option<PathBuf>,

    /// Policies shared by both sides.
    #[command(flatten)]
    pub shared: PolicySetArgs,

    #[arg(
        long = "left-identity",
        visible_alias = "old-identity",
        value_name = "FILE"
    )]
    pub left_identity: Vec<PathBuf>,
    #[arg(
        long = "left-resource-policy",
        visible_alias = "old-resource-policy",
        value_name = "FILE"
    )]
    pub left_resource_policy: Option<PathBuf>,
    #[arg(
        long = "left-boundary",
        visible_alias = "old-boundary",
        value_name = "FILE"
    )]
    pub left_boundary: Option<PathBuf>,
    #[arg(
        long = "left-session-policy",
        visible_alias = "old-session-policy",
        value_name = "FILE"
    )]
    pub left_session_policy: Option<PathBuf>,
    #[arg(long = "left-scp", visible_alias = "old-scp", value_name = "FILE[,FILE...]", value_parser = crate::cli::parse_level)]
    pub left_scp: Vec<Level>,
    #[arg(long = "left-rcp", visible_alias = "old-rcp", value_name = "FILE[,FILE...]", value_parser = crate::cli::parse_level)]
    pub left_rcp: Vec<Level>,

    #[arg(
        long = "right-identity",
        visible_alias = "new-identity",
        value_name = "FILE"
    )]
    pub right_identity: Vec<PathBuf>,
    #[arg(
        long = "right-resource-policy",
        visible_alias = "new-resource-policy",
        value_name = "FILE"
    )]
    pub right_resource_policy: Option<PathBuf>,
    #[arg(
        long = "right-boundary",
        visible_alias = "new-boundary",
        value_name = "FILE"
    )]
    pub right_boundary: Option<PathBuf>,
    #[arg(
        long = "right-session-policy",
        visible_alias = "new-session-policy",
        value_name = "FILE"
    )]
    pub right_session_policy: Option<PathBuf>,
    #[arg(long = "right-scp", visible_alias = "new-scp", value_name = "FILE[,FILE...]", value_parser = crate::cli::parse_level)]
    pub right_scp: Vec<Level>,
    #[arg(long = "right-rcp", visible_alias = "new-rcp", value_name = "FILE[,FILE...]", value_parser = crate::cli::parse_level)]
    pub right_rcp: Vec<Level>,
}

impl SidesArgs {
    /// The policy-set flags of one side: shared flags, then that side's own.
    fn side(&self, left: bool) -> PolicySetArgs {
        let mut s = self.shared.clone();
        let (pos, identity, resource, boundary, session, scp, rcp) = if left {
            (
                &self.left,
                &self.left_identity,
                &self.left_resource_policy,
                &self.left_boundary,
                &self.left_session_policy,
                &self.left_scp,
                &self.left_rcp,
            )
        } else {
            (
                &self.right,
                &self.right_identity,
                &self.right_resource_policy,
                &self.right_boundary,
                &self.right_session_policy,
                &self.right_scp,
                &self.right_rcp,
            )
        };
        s.identity.extend(pos.iter().cloned());
        s.identity.extend(identity.iter().cloned());
        if resource.is_some() {
            s.resource_policy = resource.clone();
        }
        if boundary.is_some() {
            s.boundary = boundary.clone();
        }
        if session.is_some() {
            s.session_policy = session.clone();
        }
        s.scp.extend(scp.iter().cloned());
        s.rcp.extend(rcp.iter().cloned());
        s
    }
}

#[derive(Debug, Args)]
pub struct EquivArgs {
    #[command(flatten)]
    pub sides: SidesArgs,
    #[command(flatten)]
    pub query: QueryArgs,
}

#[derive(Debug, Args)]
pub struct CanArgs {
    #[command(flatten)]
    pub policies: PolicySetArgs,
    /// Action pattern the request must match (repeatable; any of them).
    #[arg(long, value_name = "PATTERN")]
    pub action: Vec<String>,
    /// Resource pattern the request must match (repeatable; any of them).
    #[arg(long, value_name = "PATTERN")]
    pub resource: Vec<String>,
    /// Principal pattern the caller must match (repeatable; any of them), e.g.
    /// `arn:aws:iam::123456789012:role/*` or `s3.amazonaws.com`.
    #[arg(long, value_name = "PATTERN")]
    pub principal: Vec<String>,
    /// Principal pattern the caller must NOT match (repeatable).
    #[arg(long, value_name = "PATTERN")]
    pub not_principal: Vec<String>,
    /// A context key fixed to a value: `KEY=VALUE` (repeatable).
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub context: Vec<(String, String)>,
    /// A context key that must be absent (repeatable).
    #[arg(long, value_name = "KEY")]
    pub absent: Vec<String>,
    /// Lambda qualifier authorization: under `legacy` (or `both`) a qualified function ARN
    /// `F:Q` in --resource also covers the unqualified `F` (a call with `Qualifier=Q`).
    #[arg(long, value_enum, default_value_t = LambdaAuth::Current)]
    pub lambda_auth: LambdaAuth,
    #[command(flatten)]
    pub query: QueryArgs,
}

#[derive(Debug, Args)]
pub struct NeverArgs {
    #[command(flatten)]
    pub policies: PolicySetArgs,
    /// Action pattern that must never be granted (repeatable).
    #[arg(long, value_name = "PATTERN", required = true)]
    pub action: Vec<String>,
    /// Resource pattern (repeatable; default: every resource).
    #[arg(long, value_name = "PATTERN")]
    pub resource: Vec<String>,
    /// Lambda qualifier authorization: under `legacy` (or `both`) a qualified function ARN
    /// `F:Q` in --resource also covers the unqualified `F` (a call with `Qualifier=Q`).
    #[arg(long, value_enum, default_value_t = LambdaAuth::Current)]
    pub lambda_auth: LambdaAuth,
    #[command(flatten)]
    pub query: QueryArgs,
}

fn parse_key_value(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .ok_or_else(|| "expected KEY=VALUE".to_string())
}

/// Which query, for rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    Equiv,
    NoNewAccess,
    Can,
    Never,
}

impl QueryKind {
    pub fn name(self) -> &'static str {
        match self {
            QueryKind::Equiv => "equiv",
            QueryKind::NoNewAccess => "no-new-access",
            QueryKind::Can => "can",
            QueryKind::Never => "never",
        }
    }

    /// The `result` word of the JSON contract.
    pub fn result_word(self, verdict: &Verdict) -> &'static str {
        match (self, verdict) {
            (_, Verdict::Unknown { .. }) => "unknown",
            (QueryKind::Equiv, Verdict::Holds) => "equivalent",
            (QueryKind::Equiv, Verdict::Violated) => "different",
            (_, Verdict::Holds) => "holds",
            (_, Verdict::Violated) => "violated",
        }
    }
}

fn two_sided(sides: &SidesArgs, loader: &mut Loader) -> Option<(PolicySet, PolicySet)> {
    let left = load_policy_set(&sides.side(true), loader);
    let right = load_policy_set(&sides.side(false), loader);
    match (left, right) {
        (Ok(l), Ok(r)) => Some((l, r)),
        _ => None,
    }
}

pub fn run_equiv(args: &EquivArgs, io: &mut Io<'_>) -> Exit {
    run_two(args, QueryKind::Equiv, io)
}

pub fn run_no_new_access(args: &EquivArgs, io: &mut Io<'_>) -> Exit {
    run_two(args, QueryKind::NoNewAccess, io)
}

fn run_two(args: &EquivArgs, kind: QueryKind, io: &mut Io<'_>) -> Exit {
    let mut loader = Loader::new();
    let sets = two_sided(&args.sides, &mut loader);
    if report::emit_diagnostics(&loader, loader.diagnostics(), io.err).is_err() {
        return Exit::BadInput;
    }
    let Some((left, right)) = sets else {
        return Exit::BadInput;
    };
    if left.identity.is_empty() && left.resource.is_none()
        || right.identity.is_empty() && right.resource.is_none()
    {
        let _ = writeln!(io.err, "error: each side needs at least one identity or resource-based policy (e.g. `airtight {} OLD.json NEW.json`)", kind.name());
        return Exit::BadInput;
    }
    let options = args.query.options();
    let answer = match kind {
        QueryKind::Equiv => query::equiv(&left, &right, &options),
        _ => query::no_new_access(&left, &right, &options),
    };
    finish(
        &loader,
        kind,
        answer,
        &[&left, &right],
        args.query.format,
        io,
    )
}

pub fn run_can(args: &CanArgs, io: &mut Io<'_>) -> Exit {
    let constraints = Constraints {
        actions: args.action.clone(),
        resources: resources_under(&args.resource, args.lambda_auth),
        principals: args.principal.clone(),
        not_principals: args.not_principal.clone(),
        context: args.context.clone(),
        absent: args.absent.clone(),
    };
    run_one(
        &args.policies,
        QueryKind::Can,
        &args.query,
        io,
        |set, options| query::can(set, &constraints, options),
    )
}

pub fn run_never(args: &NeverArgs, io: &mut Io<'_>) -> Exit {
    run_one(
        &args.policies,
        QueryKind::Never,
        &args.query,
        io,
        |set, options| {
            query::never(
                set,
                &args.action,
                &resources_under(&args.resource, args.lambda_auth),
                options,
            )
        },
    )
}

fn run_one(
    policies: &PolicySetArgs,
    kind: QueryKind,
    q: &QueryArgs,
    io: &mut Io<'_>,
    ask: impl FnOnce(&PolicySet, &QueryOptions) -> Result<Answer, query::QueryError>,
) -> Exit {
    let mut loader = Loader::new();
    let set = load_policy_set(policies, &mut loader);
    if report::emit_diagnostics(&loader, loader.diagnostics(), io.err).is_err() {
        return Exit::BadInput;
    }
    let Ok(set) = set else { return Exit::BadInput };
    let answer = ask(&set, &q.options());
    finish(&loader, kind, answer, &[&set], q.format, io)
}

fn finish(
    loader: &Loader,
    kind: QueryKind,
    answer: Result<Answer, query::QueryError>,
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
        Format::Text => report::answer::text(loader, kind, &answer, sets, io.out),
        Format::Json => {
            let v = report::answer::json(loader, kind, &answer, sets);
            writeln!(io.out, "{v:#}")
        }
    };
    if let Err(e) = written {
        let _ = writeln!(io.err, "error: cannot write the result: {e}");
    }
    match (&answer.verdict, kind) {
        (Verdict::Unknown { .. }, _) => Exit::Unknown,
        (Verdict::Holds, _) => Exit::Ok,
        (Verdict::Violated, _) => Exit::Violated,
    }
}
