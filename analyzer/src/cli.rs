//! The command line: every clap definition, and nothing else.
//!
//! Each subcommand is a variant of [`Command`] with its own argument struct, run by the module
//! of the same name in [`crate::commands`]. The policies that take part in a decision are
//! described once, by [`PolicySetArgs`], which a subcommand embeds with `#[command(flatten)]`
//! (or per side, for two-sided queries, [`SidesArgs`]) and turns into a `PolicySet` with
//! [`crate::load::load_policy_set`]. Value enums (`--kind`, `--lambda-auth`) map to the
//! analysis layer's types here, so that layer knows nothing of clap.
//!
//! Output goes to the writers in [`Io`], never straight to the process's streams, so the whole
//! CLI can be run in-process by tests.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, WriteColor};

use airtight_analysis::diff::compare::DiffOptions;
use airtight_analysis::lambda_auth::LambdaAuth;
use airtight_analysis::query::QueryOptions;
use airtight_encodings::budget::Budget;
use airtight_encodings::policy::PolicyKind;

use crate::load::PolicyFiles;

/// Proves things about AWS IAM policies, offline.
#[derive(Debug, Parser)]
#[command(
    name = "airtight",
    version,
    about = "Proves things about AWS IAM policies, offline, with AWS Lambda first",
    long_about = "Proves things about AWS IAM policies, offline, with AWS Lambda first.\n\n\
airtight reads the policies you already have (identity policies, a function's resource-based\n\
policy, permissions boundaries, session policies, SCPs and RCPs) and proves things about every\n\
request AWS could receive: that two policy sets are equivalent, that a change grants no new\n\
access, that a Lambda deny is airtight. An answer is `holds` only when the Z3 solver proved it;\n\
every counterexample is a concrete request re-decided by airtight's own evaluator, ready to\n\
paste into a bug report. Nothing is sent to AWS; no credentials are needed.",
    after_help = "Exit codes: 0 ok, 1 a checked property is violated (or a lint warning),\n\
2 bad input, 3 unknown (timeout, unsupported construct) or internal error.\n\
Docs: README.md, docs/queries.md, docs/diff.md, docs/rules.md.",
    max_term_width = 100
)]
pub struct Cli {
    /// When to colour diagnostics and reports.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    pub color: Color,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decide one request against a set of policies, as AWS would, and explain the decision.
    #[command(after_help = SIMULATE_EXAMPLES)]
    Simulate(SimulateArgs),
    /// Prove that two policy sets allow exactly the same requests, or show one that differs.
    #[command(after_help = EQUIV_EXAMPLES)]
    Equiv(EquivArgs),
    /// Prove that NEW allows nothing OLD does not (CheckNoNewAccess), or show the new access.
    #[command(after_help = NO_NEW_ACCESS_EXAMPLES)]
    NoNewAccess(EquivArgs),
    /// Is some request matching the constraints allowed? Shows one if so.
    #[command(after_help = CAN_EXAMPLES)]
    Can(CanArgs),
    /// Prove that none of these actions is granted on these resources (CheckAccessNotGranted).
    #[command(after_help = NEVER_EXAMPLES)]
    Never(NeverArgs),
    /// Prove a Lambda deny intent airtight under current and legacy qualifier authorization,
    /// or show the bypass.
    #[command(after_help = DENY_CHECK_EXAMPLES)]
    DenyCheck(DenyCheckArgs),
    /// What a policy change does to access: equivalent, new access, removed access, with
    /// certified example requests (files, directories, or `--git BASE..HEAD`).
    #[command(after_help = DIFF_EXAMPLES)]
    Diff(DiffArgs),
    /// Report mistakes and risky patterns in policies of every service (each finding with a
    /// stable rule id, docs/rules.md) along with every parser diagnostic.
    #[command(after_help = LINT_EXAMPLES)]
    Lint(LintArgs),
    /// Who in a world can perform an action on a resource: every principal, root user and
    /// outside class (another account, a service, anonymous), each with a certified example.
    #[command(after_help = WHO_CAN_EXAMPLES)]
    WhoCan(WhoCanArgs),
}

const SIMULATE_EXAMPLES: &str = "Examples:
  airtight simulate --request req.json --identity role-policy.json
  airtight simulate --request req.json --identity p.json --scp root.json --scp ou.json,ou-extra.json
  airtight simulate --requests expectations.jsonl --resource-policy function-policy.json --format json";

const EQUIV_EXAMPLES: &str = "Examples:
  airtight equiv old.json new.json
  airtight equiv --left-resource-policy old-fn.json --right-resource-policy new-fn.json
  airtight equiv --left-scp old-scp.json --right-scp new-scp.json --identity app.json --format json";

const NO_NEW_ACCESS_EXAMPLES: &str = "Examples:
  airtight no-new-access old.json new.json
  airtight no-new-access --old-identity a.json --new-identity b.json --boundary boundary.json
  airtight no-new-access old.json new.json --max-counterexamples 3 --format json --output sarif=airtight.sarif";

const CAN_EXAMPLES: &str = "Examples:
  airtight can --resource-policy fn.json --action lambda:InvokeFunction --not-principal 'arn:aws:iam::123456789012:*'
  airtight can --identity p.json --action s3:GetObject --resource 'arn:aws:s3:::bucket/*' --absent aws:SourceVpc
  airtight can --identity p.json --resource-policy fn.json --resource arn:aws:lambda:us-east-1:123456789012:function:f:prod --lambda-auth both";

const NEVER_EXAMPLES: &str = "Examples:
  airtight never --identity p.json --action iam:PassRole
  airtight never --identity p.json --action 'lambda:Update*' --resource 'arn:aws:lambda:*:*:function:prod-*'
  airtight never --identity p.json --action lambda:InvokeFunction --resource arn:aws:lambda:us-east-1:123456789012:function:f:prod --lambda-auth both";

const DENY_CHECK_EXAMPLES: &str = "Examples:
  airtight deny-check \"nobody but role/ops may invoke my-function alias prod\" --identity deny.json --resource-policy fn.json
  airtight deny-check \"nobody may invoke my-function via its url\" --resource-policy fn.json
  airtight deny-check --identity deny.json --function arn:aws:lambda:us-west-2:123456789012:function:my-function --qualifier my-alias --format github --output markdown=comment.md";

const DIFF_EXAMPLES: &str = "Examples:
  airtight diff corpus/diff/lambda-team/old corpus/diff/lambda-team/new --format markdown
  airtight diff --git origin/main..HEAD template.yaml policies --param Env=prod --format github --output sarif=airtight.sarif
  airtight diff --plan plan.json   (terraform show -json plan.out > plan.json; docs/iac.md)";

const WHO_CAN_EXAMPLES: &str = "Examples:
  airtight who-can --world corpus/worlds/seeds --action lambda:InvokeFunction --resource arn:aws:lambda:us-west-2:123456789012:function:my-function:my-alias
  airtight who-can --world ./snapshot --action 'lambda:Update*' --resource arn:aws:lambda:us-east-1:111122223333:function:api --format json
  airtight who-can --world ./snapshot --action lambda:InvokeFunction --resource arn:aws:lambda:us-east-1:111122223333:function:api:prod --lambda-auth both --format markdown";

const LINT_EXAMPLES: &str = "Examples:
  airtight lint function-policy.json
  airtight lint policies/*.json --format json --output sarif=lint.sarif --output markdown=lint.md
  airtight lint policies/*.json --baseline airtight-baseline.json --fail-on warning";

/// The policies that take part in one authorization decision.
#[derive(Debug, Clone, Default, Args)]
pub struct PolicySetArgs {
    /// An identity-based policy of the principal (repeatable).
    #[arg(long, value_name = "FILE")]
    pub identity: Vec<PathBuf>,

    /// The resource-based policy on the target resource.
    #[arg(long, value_name = "FILE")]
    pub resource_policy: Option<PathBuf>,

    /// The principal's permissions boundary.
    #[arg(long, value_name = "FILE")]
    pub boundary: Option<PathBuf>,

    /// The session policy passed when the role session was created.
    #[arg(long, value_name = "FILE")]
    pub session_policy: Option<PathBuf>,

    /// One organization level of service control policies, from the root down to the account
    /// (repeat once per level; a comma list attaches several policies at one level).
    #[arg(long, value_name = "FILE[,FILE...]", value_parser = parse_level)]
    pub scp: Vec<Level>,

    /// One organization level of resource control policies, from the root down to the resource's
    /// account (repeat once per level; a comma list attaches several policies at one level).
    #[arg(long, value_name = "FILE[,FILE...]", value_parser = parse_level)]
    pub rcp: Vec<Level>,

    /// The account whose users and roles --identity, --boundary, --session-policy and --scp
    /// describe [default: the resource's account; for `simulate`, the caller's]. Its root
    /// user is a caller too; principals of other accounts are decided by their own account,
    /// which may allow anything.
    #[arg(long, value_name = "ACCOUNT", value_parser = parse_account)]
    pub principal_account: Option<String>,
}

/// A 12-digit AWS account id.
pub fn parse_account(text: &str) -> Result<String, String> {
    if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.to_string())
    } else {
        Err(format!("`{text}` is not a 12-digit AWS account id"))
    }
}

impl PolicySetArgs {
    /// The files these flags name.
    pub fn files(&self) -> PolicyFiles {
        PolicyFiles {
            identity: self.identity.clone(),
            resource_policy: self.resource_policy.clone(),
            boundary: self.boundary.clone(),
            session_policy: self.session_policy.clone(),
            scp: self.scp.iter().map(|l| l.0.clone()).collect(),
            rcp: self.rcp.iter().map(|l| l.0.clone()).collect(),
            principal_account: self.principal_account.clone(),
        }
    }
}

/// The policies attached at one level of the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level(pub Vec<PathBuf>);

pub fn parse_level(text: &str) -> Result<Level, String> {
    let files: Vec<PathBuf> = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .collect();
    if files.is_empty() {
        return Err("expected one or more policy files separated by commas".into());
    }
    Ok(Level(files))
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The request to decide (JSON: principal, action, resource, resource_account, context).
    #[arg(long, value_name = "FILE", required_unless_present = "requests")]
    pub request: Option<PathBuf>,
    /// Decide every request of a JSON Lines file (one request object a line; `-` reads
    /// standard input) against the policies, in one process, and write one line per request:
    /// its line number, decision, deciding statements and reason (see README.md).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["request", "explain", "world", "principal"])]
    pub requests: Option<PathBuf>,

    #[command(flatten)]
    pub policies: PolicySetArgs,
    /// With --world: the caller, instead of the request's principal.
    #[arg(long, value_name = "ARN", requires = "world")]
    pub principal: Option<String>,
    /// Explain the decision statement by statement: for each, whether its action, resource,
    /// principal and every condition matched, with the request's values.
    #[arg(long)]
    pub explain: bool,
    /// Decide in a world (see docs/world.md) instead of the policy files: every principal,
    /// root user and outside caller of the world is asked.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["identity", "resource_policy", "boundary", "session_policy", "scp", "rcp"])]
    pub world: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// The policy types `--kind` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Identity,
    Resource,
    Boundary,
    Session,
    Scp,
    Rcp,
}

impl KindArg {
    pub fn kind(self) -> PolicyKind {
        match self {
            KindArg::Identity => PolicyKind::Identity,
            KindArg::Resource => PolicyKind::Resource,
            KindArg::Boundary => PolicyKind::Boundary,
            KindArg::Session => PolicyKind::Session,
            KindArg::Scp => PolicyKind::Scp,
            KindArg::Rcp => PolicyKind::Rcp,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour when the stream is a terminal.
    Auto,
    Always,
    Never,
}

/// Where a command writes: its result to `out`, diagnostics to `err`.
pub struct Io<'a> {
    pub out: &'a mut dyn WriteColor,
    pub err: &'a mut dyn WriteColor,
}

/// The colour setting for one output stream: `auto` colours only a terminal.
pub fn color_choice(color: Color, is_terminal: bool) -> ColorChoice {
    match color {
        Color::Auto if is_terminal => ColorChoice::Auto,
        Color::Auto | Color::Never => ColorChoice::Never,
        Color::Always => ColorChoice::Always,
    }
}

/// Options every query takes.
#[derive(Debug, Clone, Args)]
pub struct QueryArgs {
    /// Answer `unknown` (exit 3) once the analysis has taken this many seconds in all:
    /// partitioning strings, solving, certifying and looking for more examples, for every
    /// question the command asks.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds)]
    pub timeout: Duration,

    /// Answer `unknown` (exit 3) rather than let the analysis use more memory than this:
    /// what airtight counts (string automata, terms) and Z3's own allocations. K, M, G and T
    /// are powers of 1024: `512M`, `2GiB`; a bare number is bytes.
    #[arg(long, value_name = "SIZE", default_value = "2GiB", value_parser = parse_size)]
    pub memory: u64,

    /// How many distinct counterexamples to look for (differing in action or resource).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub max_counterexamples: usize,

    #[command(flatten)]
    pub report: OutputArgs,
}

/// Where a report goes: stdout in one format, and any number of files in others.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,

    /// Also write the report in FORMAT to PATH (repeatable), e.g. `--output sarif=airtight.sarif
    /// --output markdown=comment.md`. Text is written without colour.
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_output::<ReportFormat>)]
    pub output: Vec<(ReportFormat, PathBuf)>,
}

impl QueryArgs {
    /// The options of the command's questions: one budget, its clock starting now.
    pub fn options(&self) -> QueryOptions {
        QueryOptions {
            budget: Budget::new(self.timeout, self.memory),
            max_counterexamples: self.max_counterexamples.max(1),
        }
    }
}

/// A positive, finite number of seconds (`5`, `0.5`).
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if seconds.is_nan() || seconds <= 0.0 {
        return Err(format!("`{text}`: the timeout must be more than 0 seconds"));
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("`{text}` seconds is too long"))
}

/// A size in bytes: a number with an optional unit, `K`, `M`, `G` or `T` (powers of 1024,
/// optionally followed by `iB` or `B`), or `B`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => {
            return Err(format!(
                "`{text}`: the unit must be K, M, G or T (e.g. `512M`, `2GiB`)"
            ))
        }
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size (e.g. `512M`, `2GiB`)"))?;
    let bytes = value * (1u64 << shift) as f64;
    if bytes.is_nan() || bytes < 1.0 || bytes >= u64::MAX as f64 {
        return Err(format!("`{text}` is not a usable memory size"));
    }
    Ok(bytes as u64)
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
    #[arg(long = "left-scp", visible_alias = "old-scp", value_name = "FILE[,FILE...]", value_parser = parse_level)]
    pub left_scp: Vec<Level>,
    #[arg(long = "left-rcp", visible_alias = "old-rcp", value_name = "FILE[,FILE...]", value_parser = parse_level)]
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
    #[arg(long = "right-scp", visible_alias = "new-scp", value_name = "FILE[,FILE...]", value_parser = parse_level)]
    pub right_scp: Vec<Level>,
    #[arg(long = "right-rcp", visible_alias = "new-rcp", value_name = "FILE[,FILE...]", value_parser = parse_level)]
    pub right_rcp: Vec<Level>,
}

impl SidesArgs {
    /// The policy-set flags of one side: shared flags, then that side's own.
    pub fn side(&self, left: bool) -> PolicySetArgs {
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
    /// Decide in a world (see docs/world.md) instead of the policy files: every principal,
    /// root user and outside caller of the world is asked.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["identity", "resource_policy", "boundary", "session_policy", "scp", "rcp"])]
    pub world: Option<PathBuf>,
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
    #[arg(long, value_enum, default_value_t = LambdaAuthArg::Current)]
    pub lambda_auth: LambdaAuthArg,
    #[command(flatten)]
    pub query: QueryArgs,
}

#[derive(Debug, Args)]
pub struct NeverArgs {
    #[command(flatten)]
    pub policies: PolicySetArgs,
    /// Decide in a world (see docs/world.md) instead of the policy files: every principal,
    /// root user and outside caller of the world is asked.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["identity", "resource_policy", "boundary", "session_policy", "scp", "rcp"])]
    pub world: Option<PathBuf>,
    /// Action pattern that must never be granted (repeatable).
    #[arg(long, value_name = "PATTERN", required = true)]
    pub action: Vec<String>,
    /// Resource pattern (repeatable; default: every resource).
    #[arg(long, value_name = "PATTERN")]
    pub resource: Vec<String>,
    /// Lambda qualifier authorization: under `legacy` (or `both`) a qualified function ARN
    /// `F:Q` in --resource also covers the unqualified `F` (a call with `Qualifier=Q`).
    #[arg(long, value_enum, default_value_t = LambdaAuthArg::Current)]
    pub lambda_auth: LambdaAuthArg,
    #[command(flatten)]
    pub query: QueryArgs,
}

fn parse_key_value(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .ok_or_else(|| "expected KEY=VALUE".to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum LambdaAuthArg {
    /// Both call forms are authorized against the qualified ARN (AWS behaviour since 2022).
    Current,
    /// An unqualified FunctionName plus `Qualifier` is authorized against the unqualified ARN.
    Legacy,
    /// Check under both.
    Both,
}

impl LambdaAuthArg {
    pub fn auth(self) -> LambdaAuth {
        match self {
            LambdaAuthArg::Current => LambdaAuth::Current,
            LambdaAuthArg::Legacy => LambdaAuth::Legacy,
            LambdaAuthArg::Both => LambdaAuth::Both,
        }
    }
}

#[derive(Debug, Args)]
pub struct DenyCheckArgs {
    /// The intent in one sentence, e.g. "nobody but role/ops may invoke my-function alias
    /// prod" (see docs/queries.md for the grammar). A function named without its ARN is found
    /// in the policies, or given with --function.
    #[arg(value_name = "SENTENCE", conflicts_with = "intent")]
    pub sentence: Option<String>,
    #[command(flatten)]
    pub policies: PolicySetArgs,
    /// Decide in a world (see docs/world.md) instead of the policy files: every principal,
    /// root user and outside caller of the world is asked.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["identity", "resource_policy", "boundary", "session_policy", "scp", "rcp"])]
    pub world: Option<PathBuf>,
    /// The function: its unqualified ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`).
    #[arg(long, value_name = "ARN", required_unless_present_any = ["intent", "sentence"])]
    pub function: Option<String>,
    /// The alias or version the intent protects (omit to protect every version and alias).
    #[arg(long, value_name = "ALIAS|VERSION")]
    pub qualifier: Option<String>,
    /// The actions nobody may perform (repeatable; default `lambda:InvokeFunction`).
    #[arg(long, value_name = "ACTION")]
    pub action: Vec<String>,
    /// Principals still allowed (repeatable patterns, e.g. `arn:aws:iam::123456789012:role/ops`).
    #[arg(long, value_name = "PATTERN")]
    pub except_principal: Vec<String>,
    /// Which qualifier authorization to check.
    #[arg(long, value_enum, default_value_t = LambdaAuthArg::Both)]
    pub lambda_auth: LambdaAuthArg,
    #[command(flatten)]
    pub query: QueryArgs,
    /// Read the intent from a JSON file instead:
    /// `{"function": ARN, "qualifier": "prod", "actions": [...], "except_principals": [...]}`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["function"])]
    pub intent: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// OLD and NEW: two policy files, or two directories whose `*.json` files are paired by
    /// relative path. With `--git`: optional paths limiting which changed files are compared.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Compare two revisions of the current git repository: `BASE..HEAD`, or `BASE` alone to
    /// compare with the working tree.
    #[arg(long, value_name = "BASE..HEAD")]
    pub git: Option<String>,

    /// The policy type of every file (default: a policy naming principals is resource-based,
    /// any other identity-based). Guardrails (boundary, session, scp, rcp) are judged by what
    /// they let through an identity policy that allows everything.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,

    #[command(flatten)]
    pub report: OutputArgs,

    /// Which changes make the exit code 1 [default: `fail-on` of `[diff]` in airtight.toml,
    /// else `new-access`].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Example requests to show per direction and file.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub max_examples: usize,

    /// The whole diff, every file, gets this many seconds: once they have passed, what is
    /// left of each comparison answers `unknown` (exit 3), and certified examples found so
    /// far are still shown.
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = parse_seconds)]
    pub timeout: Duration,

    /// Memory for the whole diff, as for the queries: what airtight counts (string automata,
    /// terms) and Z3's own allocations; past it, a comparison answers `unknown`. K, M, G and T
    /// are powers of 1024: `512M`, `2GiB`; a bare number is bytes.
    #[arg(long, value_name = "SIZE", default_value = "2GiB", value_parser = parse_size)]
    pub memory: u64,

    /// A Terraform plan (`terraform show -json plan.out > plan.json`): compare the world
    /// before the plan with the world after it (docs/iac.md).
    #[arg(long, value_name = "PLAN.json", conflicts_with_all = ["git", "paths"])]
    pub plan: Option<PathBuf>,

    /// A CloudFormation parameter or pseudo parameter for templates (repeatable):
    /// `--param Env=prod`, `--param AWS::StackName=app`. Values not given are placeholders.
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,

    /// The account templates and plans deploy to (default 123456789012; a plan's known ARNs
    /// name it otherwise).
    #[arg(long, value_name = "ID", value_parser = parse_account)]
    pub account: Option<String>,

    /// The region templates and plans deploy to (default us-east-1).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
}

/// `KEY=VALUE`.
fn parse_param(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("expected KEY=VALUE, found `{s}`")),
    }
}

impl DiffArgs {
    /// What templates and plans leave open, from `--param`, `--account` and `--region`.
    pub fn iac_options(&self) -> crate::load::iac::IacOptions {
        let mut o = crate::load::iac::IacOptions::default();
        o.params.extend(self.params.iter().cloned());
        if let Some(a) = &self.account {
            o.account.clone_from(a);
        }
        if let Some(r) = &self.region {
            o.region.clone_from(r);
        }
        o
    }

    /// The options of the whole diff: one budget for every file, its clock starting now.
    pub fn options(&self) -> DiffOptions {
        DiffOptions {
            budget: Budget::new(self.timeout, self.memory),
            max_examples: self.max_examples.max(1),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 1 when a change grants new access (an added policy that grants anything counts).
    NewAccess,
    /// Exit 1 on any change in access, in either direction, and on added or removed policies.
    AnyChange,
    /// Never exit 1 (bad input is still 2, an unknown answer still 3).
    Never,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Policy files: a policy document, `aws iam get-policy-version` or `aws lambda get-policy`
    /// output.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// The policy type of every FILE [default: resource-based when a statement names a
    /// `Principal` (as in `lambda get-policy` output), identity-based otherwise].
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,

    #[command(flatten)]
    pub report: OutputArgs,

    /// Which findings make the exit code 1 [default: `fail-on` in airtight.toml, else
    /// `warning`]. Errors (unreadable or invalid policies) always exit with 2.
    #[arg(long, value_enum)]
    pub fail_on: Option<LintFailOn>,

    /// Findings recorded in FILE (airtight baseline JSON, or SARIF from `--format sarif`) do not
    /// fail the run and are not shown [default: `baseline` in airtight.toml].
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in the baseline file (--baseline or airtight.toml) and exit
    /// 0: SARIF when the name ends in `.sarif`, airtight's JSON otherwise.
    #[arg(long)]
    pub write_baseline: bool,

    /// The configuration file [default: the nearest airtight.toml in the working directory or
    /// a parent].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The formats a report can be written in: every command but `simulate` writes all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// For people: the verdict, examples, snippets of the statements responsible.
    Text,
    /// One JSON object, a public contract (see the command's page in docs/).
    Json,
    /// SARIF 2.1.0 for code scanning, with rule metadata (help, helpUri, security-severity).
    Sarif,
    /// GitHub Actions workflow commands (annotations on the policy files).
    Github,
    /// A pull-request comment.
    Markdown,
}

/// Which lint findings make the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum LintFailOn {
    /// Notes, warnings and errors.
    Note,
    /// Warnings and errors (the default).
    Warning,
    /// Only errors (which exit with 2 anyway): warnings are reported but pass.
    Error,
    /// Never exit 1 (bad input is still 2).
    Never,
}

/// `FORMAT=PATH` of `--output`.
pub fn parse_output<F: ValueEnum>(text: &str) -> Result<(F, PathBuf), String> {
    let (format, path) = text
        .split_once('=')
        .ok_or_else(|| "expected FORMAT=PATH, e.g. sarif=airtight.sarif".to_string())?;
    let format = F::from_str(format.trim(), true).map_err(|_| {
        let names: Vec<String> = F::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
            .collect();
        format!(
            "unknown format `{format}`; expected one of {}",
            names.join(", ")
        )
    })?;
    if path.is_empty() {
        return Err("expected a path after `=`".into());
    }
    Ok((format, PathBuf::from(path)))
}

/// `airtight who-can`.
#[derive(Debug, Args)]
pub struct WhoCanArgs {
    /// The world folder (see docs/world.md): org.json, accounts/<id>/gaad.json, Lambda policies.
    #[arg(long, value_name = "DIR")]
    pub world: PathBuf,
    /// The action (repeatable; any of them; patterns allowed).
    #[arg(long, value_name = "ACTION", required = true)]
    pub action: Vec<String>,
    /// The resource's ARN (a function, or an alias or version of it).
    #[arg(long, value_name = "ARN")]
    pub resource: String,
    /// Lambda qualifier authorization, for an alias or version: under `legacy` (or `both`) a
    /// call with the unqualified function and `Qualifier` is asked too.
    #[arg(long, value_enum, default_value_t = LambdaAuthArg::Current)]
    pub lambda_auth: LambdaAuthArg,
    /// The whole question, every caller, gets this many seconds: once they have passed, each
    /// caller not yet decided answers `unknown` (exit 3); callers already found are shown.
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = parse_seconds)]
    pub timeout: Duration,
    /// Memory for the whole question, as for the queries: what airtight counts (string
    /// automata, terms) and Z3's own allocations. K, M, G and T are powers of 1024.
    #[arg(long, value_name = "SIZE", default_value = "2GiB", value_parser = parse_size)]
    pub memory: u64,
    #[command(flatten)]
    pub report: OutputArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_subcommand_help_ends_with_real_examples() {
        let mut cli = Cli::command();
        for sub in cli.get_subcommands_mut() {
            let help = sub.render_long_help().to_string();
            let tail = help.rsplit("Examples:").next().unwrap_or("");
            let examples = tail
                .lines()
                .filter(|l| l.trim_start().starts_with("airtight "))
                .count();
            assert!(
                help.contains("Examples:") && (2..=3).contains(&examples),
                "`airtight {} --help` should end with two or three examples:\n{help}",
                sub.get_name()
            );
        }
    }

    #[test]
    fn scp_levels_keep_their_grouping() {
        let cli = Cli::try_parse_from([
            "airtight",
            "simulate",
            "--request",
            "r.json",
            "--scp",
            "root.json",
            "--scp",
            "ou1.json, ou2.json",
            "--rcp",
            "r1.json",
        ])
        .expect("valid command line");
        let Command::Simulate(args) = cli.command else {
            panic!("not simulate")
        };
        assert_eq!(
            args.policies.scp,
            vec![
                Level(vec!["root.json".into()]),
                Level(vec!["ou1.json".into(), "ou2.json".into()])
            ]
        );
        assert_eq!(args.policies.rcp.len(), 1);
    }

    #[test]
    fn empty_level_is_rejected() {
        assert!(
            Cli::try_parse_from(["airtight", "simulate", "--request", "r.json", "--scp", ","])
                .is_err()
        );
    }
}
