//! What CloudFormation/SAM templates ([`super::cfn`]) and Terraform plans ([`super::terraform`])
//! share on their way to a [`World`]: recognising them, the options that fill in what a file
//! does not say (`--param`, `--account`, `--region`), resolved values with their spans
//! ([`V`]), the statement Lambda's `AddPermission` writes for each permission, and the names
//! (logical ids, Terraform addresses) each world entry came from, for reports.
//!
//! | recognised as | when the file (JSON or YAML) is an object with |
//! |---|---|
//! | a CloudFormation or SAM template | `AWSTemplateFormatVersion`, or a `Transform` naming `AWS::Serverless-2016-10-31`, or `Resources` with a `Type` starting `AWS::` |
//! | a Terraform plan (`terraform show -json`) | `format_version` and `terraform_version` |
//!
//! Nothing here reads a file: the loader hands over text it has read.

use std::collections::{BTreeMap, BTreeSet};

use airtight_encodings::diagnostic::{Diagnostic, Severity};
use airtight_encodings::json::{self, Json, JsonKind, JsonString, Member};
use airtight_encodings::parse::{check_kind, parse_policy_json};
use airtight_encodings::policy::{Policy, PolicyKind};
use airtight_encodings::span::{FileId, Span};
use airtight_encodings::world::{Account, Principal, Resource, World};

use super::yaml;

/// Values a template or plan leaves open, given on the command line.
#[derive(Debug, Clone)]
pub struct IacOptions {
    /// `--param KEY=VALUE`: template parameters and pseudo parameters (`AWS::StackName`).
    pub params: BTreeMap<String, String>,
    /// `--account`: the account the stack or plan deploys to.
    pub account: String,
    /// `--region`.
    pub region: String,
}

impl Default for IacOptions {
    fn default() -> IacOptions {
        IacOptions {
            params: BTreeMap::new(),
            account: DEFAULT_ACCOUNT.to_string(),
            region: DEFAULT_REGION.to_string(),
        }
    }
}

pub const DEFAULT_ACCOUNT: &str = "123456789012";
pub const DEFAULT_REGION: &str = "us-east-1";

impl IacOptions {
    /// The partition of the region (`aws-cn`, `aws-us-gov` or `aws`).
    pub fn partition(&self) -> &'static str {
        if self.region.starts_with("cn-") {
            "aws-cn"
        } else if self.region.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        }
    }
}

/// What a file holds.
#[derive(Debug)]
pub enum Detected {
    /// A CloudFormation or SAM template, parsed (from JSON or YAML).
    Template(Json),
    /// A Terraform plan.
    Plan(Json),
    /// Neither (a policy, or another file).
    Other,
    /// YAML meant as a template that does not parse.
    Broken(Diagnostic),
}

/// Whether the text is a template or a plan. JSON is read as JSON; other text is read as YAML
/// when `yaml_allowed` (its name ends in `.yaml`, `.yml` or `.template`, or it was named on the
/// command line). YAML that does not parse is [`Detected::Broken`] only when it mentions a
/// template's keys; other YAML files (workflows, manifests) are [`Detected::Other`].
pub fn detect(text: &str, file: FileId, yaml_allowed: bool) -> Detected {
    if let Ok(value) = json::parse(text, file) {
        return classify(value);
    }
    if !yaml_allowed {
        return Detected::Other;
    }
    match yaml::parse(text, file) {
        Ok(value) => classify(value),
        Err(d) => {
            if text.contains("AWSTemplateFormatVersion")
                || text.contains("AWS::Serverless")
                || text.contains("Type: AWS::")
                || text.contains("Type: \"AWS::")
            {
                Detected::Broken(d)
            } else {
                Detected::Other
            }
        }
    }
}

/// The error for a file given where a policy is expected that is a template, a plan or YAML
/// (`airtight lint template.yaml`), in place of the policy parser's errors: one sentence that
/// says what the file is and which command reads it, not a JSON syntax error at 1:1 or an
/// `unknown-element` per top-level key. `None` for anything else (a policy with errors keeps
/// its own diagnostics).
pub fn not_a_policy(text: &str, file: FileId) -> Option<Diagnostic> {
    let first_line = text.find('\n').unwrap_or(text.len());
    let start = Span::new(file, 0, first_line.min(text.len()));
    let (message, note) = match detect(text, file, true) {
        Detected::Template(_) | Detected::Broken(_) => (
            "this is a CloudFormation or SAM template, not a policy",
            "`airtight diff OLD NEW` and `airtight diff --git BASE..HEAD` read templates and compare what each principal and function may do (docs/iac.md); the other commands take policy files",
        ),
        Detected::Plan(doc) if is_state(&doc) => (
            "this is Terraform state (`terraform show -json` without a plan file), not a policy",
            "write a plan and give it to `airtight diff --plan plan.json`: `terraform plan -out plan.out && terraform show -json plan.out > plan.json` (docs/iac.md)",
        ),
        Detected::Plan(_) => (
            "this is a Terraform plan, not a policy",
            "`airtight diff --plan plan.json` compares what the plan changes (docs/iac.md); the other commands take policy files",
        ),
        // Block-style YAML only: text that opens like JSON is meant as JSON, and its own
        // syntax errors say more (YAML's flow style would accept many broken JSON texts).
        Detected::Other
            if !text.trim_start_matches('\u{feff}').trim_start().starts_with(['{', '['])
                && json::parse(text, file).is_err()
                && yaml::parse(text, file).is_ok_and(|v| matches!(v.kind, JsonKind::Object(_))) =>
        {
            (
                "this is YAML, not a JSON policy",
                "policies are JSON documents; templates, in YAML or JSON, are read by `airtight diff` (docs/iac.md)",
            )
        }
        Detected::Other => return None,
    };
    Some(
        Diagnostic::error("not-a-policy", message, start)
            .with_label("the file starts here")
            .with_note(note),
    )
}

/// Whether a document with `format_version` and `terraform_version` is state (`values`), not
/// a plan (`resource_changes`, `planned_values`).
pub fn is_state(doc: &Json) -> bool {
    let JsonKind::Object(members) = &doc.kind else {
        return false;
    };
    member(members, "values").is_some()
        && member(members, "resource_changes").is_none()
        && member(members, "planned_values").is_none()
}

/// Whether a file name is one a YAML template may have.
pub fn yaml_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".yaml", ".yml", ".template"]
        .iter()
        .any(|e| lower.ends_with(e))
}

fn classify(value: Json) -> Detected {
    let JsonKind::Object(members) = &value.kind else {
        return Detected::Other;
    };
    let has = |k: &str| members.iter().any(|m| m.key == k);
    if has("format_version") && has("terraform_version") {
        return Detected::Plan(value);
    }
    let serverless = member(members, "Transform").is_some_and(|t| match &t.kind {
        JsonKind::String(s) => s.text.starts_with("AWS::Serverless"),
        JsonKind::Array(items) => items.iter().any(
            |i| matches!(&i.kind, JsonKind::String(s) if s.text.starts_with("AWS::Serverless")),
        ),
        _ => false,
    });
    let aws_resources = member(members, "Resources").is_some_and(|r| match &r.kind {
        JsonKind::Object(resources) => resources.iter().any(|res| match &res.value.kind {
            JsonKind::Object(f) => member(f, "Type").is_some_and(
                |t| matches!(&t.kind, JsonKind::String(s) if s.text.starts_with("AWS::")),
            ),
            _ => false,
        }),
        _ => false,
    });
    if has("AWSTemplateFormatVersion") || serverless || aws_resources {
        Detected::Template(value)
    } else {
        Detected::Other
    }
}

/// The member `key` of an object's members.
pub fn member<'v>(members: &'v [Member], key: &str) -> Option<&'v Json> {
    members.iter().find(|m| m.key == key).map(|m| &m.value)
}

/// A world read from a template or a plan, with the names its entries came from.
#[derive(Debug, Clone, Default)]
pub struct IacWorld {
    pub world: World,
    /// Per principal or resource ARN: the logical ids or Terraform addresses that made it.
    pub names: BTreeMap<String, BTreeSet<String>>,
    /// Per principal ARN: the attached managed policies whose statements are not known (AWS
    /// managed policies airtight does not carry, policies of other stacks), with where each
    /// is named.
    pub unknown_managed: BTreeMap<String, BTreeMap<String, Span>>,
    /// Per principal or resource ARN: the values not known here that its policies depend on
    /// (placeholders, resources whose `Condition` or an `Fn::If` could not be decided), each
    /// with its place in the entry's documents (which policy or permission, which element)
    /// and where it is in the file. A comparison of such an entry proves nothing
    /// (`crate::commands::diff_iac`).
    pub unknowns: BTreeMap<String, Vec<(String, Span)>>,
}

impl IacWorld {
    /// Records the placeholders of `v`, a document or statement of the entry `arn` at `place`,
    /// and every part of it read from a guess (`guessed`: the spans of `Fn::If`s whose
    /// condition could not be decided, whose true branch was read).
    pub fn note_unknowns(&mut self, arn: &str, place: &str, v: &V, guessed: &[Span]) {
        let mut found = Vec::new();
        unknowns_in(v, place, guessed, &mut found);
        if !found.is_empty() {
            self.unknowns
                .entry(arn.to_string())
                .or_default()
                .extend(found);
        }
    }

    /// Records that `name` (a logical id or an address) contributed to the entry `arn`.
    pub fn name(&mut self, arn: &str, name: &str) {
        self.names
            .entry(arn.to_string())
            .or_default()
            .insert(name.to_string());
    }

    /// Places a principal read from a template or plan in `account`: its trust policy (if it
    /// has one; `None` inside when the document has errors) as the role's resource policy, the
    /// managed policies whose statements are not known (`unknown`), and the principal itself.
    pub fn place_principal(
        &mut self,
        account: &mut Account,
        principal: Principal,
        trust: Option<Option<Policy>>,
        unknown: BTreeMap<String, Span>,
    ) {
        let arn = principal.arn.clone();
        if let Some(policy) = trust {
            account.resources.insert(
                arn.clone(),
                Resource {
                    arn: arn.clone(),
                    policy,
                    tags: BTreeMap::new(),
                },
            );
        }
        if !unknown.is_empty() {
            self.unknown_managed.insert(arn.clone(), unknown);
        }
        account.principals.insert(arn, principal);
    }
}

fn unknowns_in(v: &V, place: &str, guessed: &[Span], out: &mut Vec<(String, Span)>) {
    if let Some(g) = guessed
        .iter()
        .find(|g| g.file == v.span.file && g.start <= v.span.start && v.span.end <= g.end)
    {
        out.push((place.to_string(), *g));
        return;
    }
    match &v.kind {
        VK::Str(s) if s.placeholder => out.push((place.to_string(), v.span)),
        VK::List(items) => {
            for (i, item) in items.iter().enumerate() {
                unknowns_in(item, &format!("{place}/{i}"), guessed, out);
            }
        }
        VK::Map(entries) => {
            for (k, _, item) in entries {
                unknowns_in(item, &format!("{place}/{k}"), guessed, out);
            }
        }
        _ => {}
    }
}

/// A value after intrinsic functions are resolved, with where it came from.
#[derive(Debug, Clone)]
pub struct V {
    pub kind: VK,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum VK {
    Null,
    Bool(bool),
    Num(String),
    Str(Str),
    List(Vec<V>),
    Map(Vec<(String, Span, V)>),
}

/// A resolved string.
#[derive(Debug, Clone)]
pub struct Str {
    pub s: JsonString,
    /// The span covers exactly this text (a literal); otherwise it points at the expression
    /// that produced it, and reports show the value rather than the expression.
    pub literal: bool,
    /// It holds a placeholder (`*`) for a value that is not known.
    pub placeholder: bool,
}

impl V {
    /// A string made here (not written in the file), pointing at `at`.
    pub fn made(text: impl Into<String>, at: Span) -> V {
        let text = text.into();
        V {
            kind: VK::Str(Str {
                s: JsonString {
                    offsets: vec![at.start; text.len() + 1],
                    text,
                },
                literal: false,
                placeholder: false,
            }),
            span: at,
        }
    }

    /// The placeholder for an unknown value.
    pub fn placeholder(at: Span) -> V {
        let mut v = V::made("*", at);
        if let VK::Str(s) = &mut v.kind {
            s.placeholder = true;
        }
        v
    }

    pub fn map(entries: Vec<(&str, V)>, at: Span) -> V {
        V {
            kind: VK::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.span, v))
                    .collect(),
            ),
            span: at,
        }
    }

    pub fn list(items: Vec<V>, at: Span) -> V {
        V {
            kind: VK::List(items),
            span: at,
        }
    }

    /// A value read from a JSON file as it is (every string a literal).
    pub fn from_json(j: &Json) -> V {
        let kind = match &j.kind {
            JsonKind::Null => VK::Null,
            JsonKind::Bool(b) => VK::Bool(*b),
            JsonKind::Number(n) => VK::Num(n.clone()),
            JsonKind::String(s) => VK::Str(Str {
                s: s.clone(),
                literal: true,
                placeholder: false,
            }),
            JsonKind::Array(items) => VK::List(items.iter().map(V::from_json).collect()),
            JsonKind::Object(members) => VK::Map(
                members
                    .iter()
                    .map(|m| (m.key.clone(), m.key_span, V::from_json(&m.value)))
                    .collect(),
            ),
        };
        V { kind, span: j.span }
    }

    /// The text of a string or a number.
    pub fn text(&self) -> Option<&str> {
        match &self.kind {
            VK::Str(s) => Some(&s.s.text),
            VK::Num(n) => Some(n),
            _ => None,
        }
    }

    pub fn is_placeholder(&self) -> bool {
        matches!(&self.kind, VK::Str(s) if s.placeholder)
    }

    /// Whether any string in the value holds a placeholder.
    pub fn has_placeholder(&self) -> bool {
        match &self.kind {
            VK::Str(s) => s.placeholder,
            VK::List(items) => items.iter().any(V::has_placeholder),
            VK::Map(entries) => entries.iter().any(|(_, _, v)| v.has_placeholder()),
            _ => false,
        }
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        match &self.kind {
            VK::Map(entries) => entries.iter().find(|(k, _, _)| k == key).map(|e| &e.2),
            _ => None,
        }
    }

    /// The items of a list, or the value itself as a list of one.
    pub fn items(&self) -> Vec<&V> {
        match &self.kind {
            VK::List(items) => items.iter().collect(),
            VK::Null => Vec::new(),
            _ => vec![self],
        }
    }

    /// The spanned JSON the policy parser reads. A string that is not a literal gets an empty
    /// span at its origin, so that reports show the value, not the expression.
    pub fn to_json(&self) -> Json {
        let kind = match &self.kind {
            VK::Null => JsonKind::Null,
            VK::Bool(b) => JsonKind::Bool(*b),
            VK::Num(n) => JsonKind::Number(n.clone()),
            VK::Str(s) => {
                let span = if s.literal {
                    self.span
                } else {
                    Span {
                        end: self.span.start,
                        ..self.span
                    }
                };
                return Json {
                    kind: JsonKind::String(s.s.clone()),
                    span,
                };
            }
            VK::List(items) => JsonKind::Array(items.iter().map(V::to_json).collect()),
            VK::Map(entries) => JsonKind::Object(
                entries
                    .iter()
                    .map(|(k, ks, v)| Member {
                        key: k.clone(),
                        key_span: *ks,
                        value: v.to_json(),
                    })
                    .collect(),
            ),
        };
        Json {
            kind,
            span: self.span,
        }
    }
}

/// A note that a value is not known and stands for any value.
pub fn placeholder_note(what: &str, at: Span, hint: Option<String>) -> Diagnostic {
    let mut d = Diagnostic::warning(
        "iac-placeholder",
        format!("{what} is not known here, so it stands for any value (`*`)"),
        at,
    )
    .with_label("any value");
    d.severity = Severity::Note;
    if let Some(h) = hint {
        d = d.with_note(h);
    }
    d
}

/// A note about what a construct means for the world, pointing at it.
pub fn note(code: &'static str, message: impl Into<String>, at: Span) -> Diagnostic {
    let mut d = Diagnostic::warning(code, message, at);
    d.severity = Severity::Note;
    d
}

/// Condition operators under which a placeholder value must match any value: the equality
/// operators become their `Like` forms (`*` then matches anything). The others are kept, and
/// a note says the placeholder is the literal `*` there.
fn like_operator(op: &str) -> Option<String> {
    let (prefix, base) = match op.split_once(':') {
        Some((p, b)) => (format!("{p}:"), b),
        None => (String::new(), op),
    };
    let (base, if_exists) = match base.strip_suffix("IfExists") {
        Some(b) => (b, "IfExists"),
        None => (base, ""),
    };
    let like = match base {
        "StringEquals" | "StringEqualsIgnoreCase" | "StringLike" => "StringLike",
        "ArnEquals" | "ArnLike" => "ArnLike",
        _ => return None,
    };
    Some(format!("{prefix}{like}{if_exists}"))
}

/// Parses a policy document built from resolved values, as a policy of `kind`. A placeholder
/// in a condition value makes an equality operator its `Like` form, so that it matches any
/// value. Diagnostics go to `diags` (duplicate keys were reported with the whole file).
pub fn policy_from(
    doc: &V,
    kind: PolicyKind,
    file: FileId,
    diags: &mut Vec<Diagnostic>,
) -> Option<Policy> {
    let mut doc = doc.clone();
    widen_placeholders(&mut doc, diags);
    let json = doc.to_json();
    let parsed = parse_policy_json(&json, file);
    let failed = parsed.diagnostics.iter().any(Diagnostic::is_error);
    diags.extend(
        parsed
            .diagnostics
            .into_iter()
            .filter(|d| d.code != "duplicate-key"),
    );
    let policy = parsed.policy.filter(|_| !failed)?;
    let checks = check_kind(&policy, kind);
    let ok = !checks.iter().any(Diagnostic::is_error);
    diags.extend(checks);
    ok.then_some(policy)
}

fn widen_placeholders(doc: &mut V, diags: &mut Vec<Diagnostic>) {
    let VK::Map(top) = &mut doc.kind else { return };
    for (k, _, statements) in top.iter_mut() {
        if k != "Statement" {
            continue;
        }
        let list: Vec<&mut V> = match &mut statements.kind {
            VK::List(items) => items.iter_mut().collect(),
            _ => vec![statements],
        };
        for s in list {
            let VK::Map(fields) = &mut s.kind else {
                continue;
            };
            for (k, _, cond) in fields.iter_mut() {
                if k != "Condition" {
                    continue;
                }
                let VK::Map(ops) = &mut cond.kind else {
                    continue;
                };
                for (op, op_span, block) in ops.iter_mut() {
                    if !block.has_placeholder() {
                        continue;
                    }
                    match like_operator(op) {
                        Some(like) => *op = like,
                        None => diags.push(note(
                            "iac-placeholder-literal",
                            format!("a placeholder under `{op}` is the literal `*`, not any value"),
                            *op_span,
                        )),
                    }
                }
            }
        }
    }
}

/// A policy document `{"Version": "2012-10-17", "Id": "default", "Statement": [...]}` around
/// statements made here (a function's resource-based policy).
pub fn document(statements: Vec<V>, at: Span) -> V {
    V::map(
        vec![
            ("Version", V::made("2012-10-17", empty(at))),
            ("Id", V::made("default", empty(at))),
            ("Statement", V::list(statements, at)),
        ],
        at,
    )
}

/// An empty span at the start of `at`.
pub fn empty(at: Span) -> Span {
    Span {
        end: at.start,
        ..at
    }
}

/// One `AddPermission` call (an `AWS::Lambda::Permission`, an `aws_lambda_permission`, or one
/// SAM creates for an event), with where each parameter is written.
#[derive(Debug, Clone)]
pub struct Permission {
    /// The statement id: the logical id or the Terraform address.
    pub sid: String,
    /// Where the permission is declared (its logical id or address).
    pub at: Span,
    pub action: V,
    pub principal: V,
    /// The function ARN with the qualifier, as the statement's `Resource`.
    pub resource: V,
    pub source_arn: Option<V>,
    pub source_account: Option<V>,
    pub principal_org_id: Option<V>,
    pub function_url_auth_type: Option<V>,
    pub event_source_token: Option<V>,
    pub invoked_via_function_url: Option<V>,
}

impl Permission {
    /// The statement Lambda stores (docs/semantics.md §7.5): the principal as written
    /// (an account id becomes `arn:aws:iam::ID:root`, a name with a dot a service), the optional
    /// parameters as `StringEquals` (`AWS:SourceAccount`, `aws:PrincipalOrgID`,
    /// `lambda:FunctionUrlAuthType`, `lambda:EventSourceToken`), `ArnLike` (`AWS:SourceArn`) and
    /// `Bool` (`lambda:InvokedViaFunctionUrl`) conditions.
    pub fn statement(&self, partition: &str) -> V {
        let principal = principal_element(&self.principal, partition);
        let mut fields = vec![
            ("Sid", V::made(self.sid.clone(), empty(self.at))),
            ("Effect", V::made("Allow", empty(self.at))),
            ("Principal", principal),
            ("Action", self.action.clone()),
            ("Resource", self.resource.clone()),
        ];
        let mut equals = Vec::new();
        for (key, v) in [
            ("AWS:SourceAccount", &self.source_account),
            ("aws:PrincipalOrgID", &self.principal_org_id),
            ("lambda:FunctionUrlAuthType", &self.function_url_auth_type),
            ("lambda:EventSourceToken", &self.event_source_token),
        ] {
            if let Some(v) = v {
                equals.push((key, v.clone()));
            }
        }
        let mut conditions = Vec::new();
        if !equals.is_empty() {
            let at = equals[0].1.span;
            conditions.push(("StringEquals", V::map(equals, at)));
        }
        if let Some(arn) = &self.source_arn {
            conditions.push((
                "ArnLike",
                V::map(vec![("AWS:SourceArn", arn.clone())], arn.span),
            ));
        }
        if let Some(b) = &self.invoked_via_function_url {
            let on = matches!(&b.kind, VK::Bool(true))
                || b.text().is_some_and(|t| t.eq_ignore_ascii_case("true"));
            if on {
                conditions.push((
                    "Bool",
                    V::map(
                        vec![("lambda:InvokedViaFunctionUrl", V::made("true", b.span))],
                        b.span,
                    ),
                ));
            }
        }
        if !conditions.is_empty() {
            fields.push(("Condition", V::map(conditions, self.at)));
        }
        V::map(fields, self.at)
    }
}

/// `Principal` as `AddPermission` stores it.
fn principal_element(p: &V, partition: &str) -> V {
    let Some(text) = p.text() else {
        return p.clone();
    };
    if text == "*" {
        return p.clone();
    }
    let (key, value) = if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
        let mut v = V::made(format!("arn:{partition}:iam::{text}:root"), p.span);
        if let (VK::Str(s), VK::Str(orig)) = (&mut v.kind, &p.kind) {
            s.placeholder = orig.placeholder;
        }
        ("AWS", v)
    } else if text.starts_with("arn:") {
        ("AWS", p.clone())
    } else {
        ("Service", p.clone())
    };
    V::map(vec![(key, value)], p.span)
}

/// A function named as Lambda's `FunctionName` accepts it — a name, `name:qualifier`, a
/// partial ARN (`ACCOUNT:function:name`) or a full ARN, qualified or not — as the unqualified
/// function ARN and the qualifier.
pub fn function_target(text: &str, opts: &IacOptions) -> (String, Option<String>) {
    let parts: Vec<&str> = text.split(':').collect();
    let (partition, region, account, name, qualifier) = if text.starts_with("arn:") {
        (
            parts.get(1).copied().unwrap_or("aws"),
            parts.get(3).copied().unwrap_or(&opts.region),
            parts.get(4).copied().unwrap_or(&opts.account),
            parts.get(6).copied().unwrap_or(""),
            parts.get(7).copied(),
        )
    } else if parts.len() >= 3 && parts[1] == "function" {
        (
            opts.partition(),
            opts.region.as_str(),
            parts[0],
            parts[2],
            parts.get(3).copied(),
        )
    } else {
        (
            opts.partition(),
            opts.region.as_str(),
            opts.account.as_str(),
            parts[0],
            parts.get(1).copied(),
        )
    };
    (
        format!("arn:{partition}:lambda:{region}:{account}:function:{name}"),
        qualifier.map(str::to_string),
    )
}

/// The ARN with the qualifier appended, if any.
pub fn qualified(base: &str, qualifier: Option<&str>) -> String {
    match qualifier {
        Some(q) if !q.is_empty() => format!("{base}:{q}"),
        _ => base.to_string(),
    }
}

/// The statements of a few AWS managed policies that Lambda templates attach all the time, so
/// that attaching them is not an unknown. Any other AWS managed policy is an unknown
/// ([`IacWorld::unknown_managed`]).
pub fn known_managed_policy(arn: &str) -> Option<&'static str> {
    let name = arn.rsplit('/').next()?;
    if !arn.contains(":iam::aws:policy/") {
        return None;
    }
    Some(match name {
        "AWSLambdaBasicExecutionRole" => {
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#
        }
        "AWSLambdaVPCAccessExecutionRole" => {
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents","ec2:CreateNetworkInterface","ec2:DescribeNetworkInterfaces","ec2:DescribeSubnets","ec2:DeleteNetworkInterface","ec2:AssignPrivateIpAddresses","ec2:UnassignPrivateIpAddresses"],"Resource":"*"}]}"#
        }
        "AWSLambdaSQSQueueExecutionRole" => {
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#
        }
        "AWSLambdaKinesisExecutionRole" => {
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kinesis:DescribeStream","kinesis:DescribeStreamSummary","kinesis:GetRecords","kinesis:GetShardIterator","kinesis:ListShards","kinesis:ListStreams","kinesis:SubscribeToShard","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#
        }
        "AWSLambdaDynamoDBExecutionRole" => {
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:DescribeStream","dynamodb:GetRecords","dynamodb:GetShardIterator","dynamodb:ListStreams","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#
        }
        "AWSXRayDaemonWriteAccess" => {
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["xray:PutTraceSegments","xray:PutTelemetryRecords","xray:GetSamplingRules","xray:GetSamplingTargets","xray:GetSamplingStatisticSummaries"],"Resource":["*"]}]}"#
        }
        "AWSLambdaRole" => {
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":["*"]}]}"#
        }
        "AdministratorAccess" => {
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        }
        _ => return None,
    })
}

/// A JSON text airtight carries (a managed policy, a SAM policy template) as a value pointing
/// at `at`, where the template names it.
pub fn builtin_value(text: &str, at: Span) -> Option<V> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    Some(from_serde(&value, empty(at)))
}

fn from_serde(v: &serde_json::Value, at: Span) -> V {
    let kind = match v {
        serde_json::Value::Null => VK::Null,
        serde_json::Value::Bool(b) => VK::Bool(*b),
        serde_json::Value::Number(n) => VK::Num(n.to_string()),
        serde_json::Value::String(s) => return V::made(s.clone(), at),
        serde_json::Value::Array(items) => {
            VK::List(items.iter().map(|i| from_serde(i, at)).collect())
        }
        serde_json::Value::Object(map) => VK::Map(
            map.iter()
                .map(|(k, v)| (k.clone(), at, from_serde(v, at)))
                .collect(),
        ),
    };
    V { kind, span: at }
}

/// Groups permission statements by the resource they are on, as one resource-based policy
/// each, and puts them in the account. `guessed`: the spans of undecided `Fn::If`s
/// ([`IacWorld::note_unknowns`]).
pub fn add_resource_policies(
    out: &mut IacWorld,
    account_id: &str,
    statements: BTreeMap<String, Vec<(String, V)>>,
    file: FileId,
    diags: &mut Vec<Diagnostic>,
    guessed: &[Span],
) {
    for (arn, list) in statements {
        let Some(first) = list.first() else { continue };
        let at = first.1.span;
        for (name, statement) in &list {
            out.name(&arn, name);
            out.note_unknowns(&arn, name, statement, guessed);
        }
        let doc = document(list.into_iter().map(|(_, s)| s).collect(), at);
        let policy = policy_from(&doc, PolicyKind::Resource, file, diags);
        let account = out
            .world
            .accounts
            .entry(account_id.to_string())
            .or_default();
        let resource = account.resources.entry(arn.clone()).or_default();
        resource.arn = arn.clone();
        resource.policy = policy;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_in_every_form() {
        let o = IacOptions::default();
        let f = "arn:aws:lambda:us-east-1:123456789012:function:f";
        assert_eq!(function_target("f", &o), (f.to_string(), None));
        assert_eq!(
            function_target("f:live", &o),
            (f.to_string(), Some("live".into()))
        );
        assert_eq!(
            function_target("123456789012:function:f", &o),
            (f.to_string(), None)
        );
        assert_eq!(
            function_target(&format!("{f}:7"), &o),
            (f.to_string(), Some("7".into()))
        );
    }

    #[test]
    fn equality_operators_widen_for_placeholders() {
        assert_eq!(like_operator("StringEquals").as_deref(), Some("StringLike"));
        assert_eq!(
            like_operator("ForAnyValue:ArnEqualsIfExists").as_deref(),
            Some("ForAnyValue:ArnLikeIfExists")
        );
        assert_eq!(like_operator("NumericEquals"), None);
    }

    #[test]
    fn detection() {
        let f = FileId(0);
        assert!(matches!(
            detect(
                r#"{"AWSTemplateFormatVersion":"2010-09-09","Resources":{}}"#,
                f,
                false
            ),
            Detected::Template(_)
        ));
        assert!(matches!(
            detect(
                r#"{"format_version":"1.2","terraform_version":"1.9.0"}"#,
                f,
                false
            ),
            Detected::Plan(_)
        ));
        assert!(matches!(
            detect(r#"{"Version":"2012-10-17","Statement":[]}"#, f, false),
            Detected::Other
        ));
        assert!(matches!(
            detect(
                "Transform: AWS::Serverless-2016-10-31\nResources: {}\n",
                f,
                true
            ),
            Detected::Template(_)
        ));
        assert!(matches!(
            detect("on: [push]\njobs: {}\n", f, true),
            Detected::Other
        ));
        assert!(matches!(
            detect("AWSTemplateFormatVersion: x\nResources: [\n", f, true),
            Detected::Broken(_)
        ));
    }
}
