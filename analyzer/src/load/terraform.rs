//! A Terraform plan (`terraform show -json plan.out`) as two worlds: before and after the
//! change. Each side is read from `resource_changes[].change.before` and `.after`; a value
//! "known after apply" (`after_unknown`) is taken from the resource it references when the
//! plan's `configuration` names one (`aws_iam_policy.app.arn` → that policy's ARN), and is a
//! placeholder that stands for any value otherwise, with a note pointing at it. Policy
//! documents are JSON strings inside the plan; diagnostics point into them.
//!
//! | resource type | what is read |
//! |---|---|
//! | `aws_iam_role` | a role (`name`, `path`, `tags`): `inline_policy`, `managed_policy_arns`, `permissions_boundary`; `assume_role_policy` as its resource-based policy |
//! | `aws_iam_role_policy`, `aws_iam_user_policy`, `aws_iam_group_policy` | an inline policy of `role` / `user` / `group` |
//! | `aws_iam_policy` | a managed policy (`arn`, or `arn:…:policy{path}{name}`) |
//! | `aws_iam_role_policy_attachment`, `aws_iam_user_policy_attachment`, `aws_iam_group_policy_attachment`, `aws_iam_policy_attachment` | `policy_arn` attached to the principals named |
//! | `aws_iam_user`, `aws_iam_group`, `aws_iam_group_membership`, `aws_iam_user_group_membership` | users, groups and who is in them |
//! | `aws_lambda_function`, `aws_lambda_alias` | the function (`function_name`, `tags`) and alias ARNs |
//! | `aws_lambda_permission` | one statement of the function's (or `qualifier`'s) resource-based policy, as `AddPermission` writes it (`principal`, `action`, `source_arn`, `source_account`, `principal_org_id`, `function_url_auth_type`, `event_source_token`) |
//! | `aws_lambda_layer_version_permission` | one statement of the layer version's policy |
//! | `aws_lambda_function_url` | nothing (no permission is added); a note when `authorization_type` is `NONE` |
//!
//! Statements made from a permission carry its address as their `Sid`, so reports name it.

use std::collections::{BTreeMap, BTreeSet};

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::json::{self, Json, JsonKind, Member};
use airtight_encodings::policy::{Policy, PolicyKind};
use airtight_encodings::span::{FileId, Span};
use airtight_encodings::world::{Account, Principal, PrincipalType, Resource};

use super::iac::{
    add_resource_policies, builtin_value, function_target, known_managed_policy, member, note,
    placeholder_note, policy_from, qualified, IacOptions, IacWorld, Permission, DEFAULT_ACCOUNT,
    DEFAULT_REGION, V, VK,
};

/// The world before and after a plan.
#[derive(Debug, Clone, Default)]
pub struct PlanWorlds {
    pub before: IacWorld,
    pub after: IacWorld,
}

/// Reads both sides of a plan. Problems go to `diags`.
pub fn plan_worlds(
    doc: &Json,
    file: FileId,
    opts: &IacOptions,
    diags: &mut Vec<Diagnostic>,
) -> PlanWorlds {
    let top = obj(doc).unwrap_or(&[]);
    let mut opts = opts.clone();
    infer_account(doc, &mut opts);
    let references = config_references(top);
    let mut sides: [Vec<Res<'_>>; 2] = [Vec::new(), Vec::new()];
    // Errors about the whole document point at where it opens, not underlining all of it.
    let opening = Span {
        end: doc.span.start.saturating_add(1).min(doc.span.end),
        ..doc.span
    };
    if let Some(JsonKind::Array(changes)) = member(top, "resource_changes").map(|c| &c.kind) {
        for c in changes {
            let Some(f) = obj(c) else { continue };
            if member(f, "mode").and_then(str_of).as_deref() == Some("data") {
                continue;
            }
            let address = member(f, "address").and_then(str_of).unwrap_or_default();
            let ty = member(f, "type").and_then(str_of).unwrap_or_default();
            let at = member(f, "address").map_or(c.span, |a| a.span);
            let change = member(f, "change").and_then(obj).unwrap_or(&[]);
            for (i, key) in ["before", "after"].iter().enumerate() {
                let Some(values) =
                    member(change, key).filter(|v| matches!(v.kind, JsonKind::Object(_)))
                else {
                    continue;
                };
                sides[i].push(Res {
                    address: address.clone(),
                    ty: ty.clone(),
                    at,
                    values,
                    unknown: if i == 1 {
                        member(change, "after_unknown")
                    } else {
                        None
                    },
                });
            }
        }
    } else if super::iac::is_state(doc) {
        diags.push(
            Diagnostic::error(
                "bad-plan",
                "this is Terraform state (`terraform show -json` without a plan file), not a plan",
                opening,
            )
            .with_note("write the plan with `terraform plan -out plan.out && terraform show -json plan.out > plan.json`"),
        );
    } else if !plans_nothing(top) {
        diags.push(Diagnostic::error(
            "bad-plan",
            "the plan has no `resource_changes` (write it with `terraform show -json plan.out`)",
            opening,
        ));
    }
    // A plan whose `planned_values` hold no resource has no `resource_changes` (Terraform
    // leaves the empty list out): both worlds are empty.
    let [before, after] = sides;
    let mut read = |list: Vec<Res<'_>>| {
        let mut side = Side {
            opts: &opts,
            file,
            list,
            references: &references,
            diags: Vec::new(),
            noted: BTreeSet::new(),
        };
        let world = side.world();
        diags.append(&mut side.diags);
        world
    };
    PlanWorlds {
        before: read(before),
        after: read(after),
    }
}

/// Whether the plan manages no resource: `planned_values.root_module` has no resources and no
/// child modules. A plan that plans resources but lists no change is malformed, not empty.
fn plans_nothing(top: &[Member]) -> bool {
    let Some(root) = member(top, "planned_values")
        .and_then(obj)
        .map(|p| member(p, "root_module").and_then(obj).unwrap_or(&[]))
    else {
        return false;
    };
    let empty = |key: &str| match member(root, key).map(|v| &v.kind) {
        None | Some(JsonKind::Null) => true,
        Some(JsonKind::Array(items)) => items.is_empty(),
        Some(_) => false,
    };
    empty("resources") && empty("child_modules")
}

/// Without `--account`/`--region`, the account and region of the ARNs the plan already knows.
fn infer_account(doc: &Json, opts: &mut IacOptions) {
    if opts.account != DEFAULT_ACCOUNT && opts.region != DEFAULT_REGION {
        return;
    }
    let mut stack = vec![doc];
    while let Some(v) = stack.pop() {
        match &v.kind {
            JsonKind::String(s) if s.text.starts_with("arn:aws") => {
                let parts: Vec<&str> = s.text.split(':').collect();
                if parts.len() > 5 && parts[2] == "lambda" {
                    if opts.account == DEFAULT_ACCOUNT && parts[4].len() == 12 {
                        opts.account = parts[4].to_string();
                    }
                    if opts.region == DEFAULT_REGION && !parts[3].is_empty() {
                        opts.region = parts[3].to_string();
                    }
                    return;
                }
            }
            JsonKind::Array(items) => stack.extend(items),
            JsonKind::Object(members) => stack.extend(members.iter().map(|m| &m.value)),
            _ => {}
        }
    }
}

/// `configuration.root_module.resources[].expressions.<attr>.references`, by address and
/// attribute.
fn config_references(top: &[Member]) -> BTreeMap<(String, String), Vec<String>> {
    let mut out = BTreeMap::new();
    let resources = member(top, "configuration")
        .and_then(obj)
        .and_then(|c| member(c, "root_module"))
        .and_then(obj)
        .and_then(|m| member(m, "resources"));
    let Some(JsonKind::Array(list)) = resources.map(|r| &r.kind) else {
        return out;
    };
    for r in list {
        let Some(f) = obj(r) else { continue };
        let address = member(f, "address").and_then(str_of).unwrap_or_default();
        let Some(exprs) = member(f, "expressions").and_then(obj) else {
            continue;
        };
        for e in exprs {
            let refs: Vec<String> = obj(&e.value)
                .and_then(|x| member(x, "references"))
                .map(|r| match &r.kind {
                    JsonKind::Array(items) => items.iter().filter_map(str_of).collect(),
                    _ => Vec::new(),
                })
                .unwrap_or_default();
            if !refs.is_empty() {
                out.insert((address.clone(), e.key.clone()), refs);
            }
        }
    }
    out
}

/// One resource on one side of the plan.
struct Res<'j> {
    address: String,
    ty: String,
    at: Span,
    values: &'j Json,
    unknown: Option<&'j Json>,
}

struct Side<'a, 'j> {
    opts: &'a IacOptions,
    file: FileId,
    list: Vec<Res<'j>>,
    references: &'a BTreeMap<(String, String), Vec<String>>,
    diags: Vec<Diagnostic>,
    noted: BTreeSet<u32>,
}

#[derive(Default)]
struct PrincipalM {
    arn: String,
    name: String,
    path: String,
    kind: Option<PrincipalType>,
    trust: Option<V>,
    inline: Vec<(String, Option<V>)>,
    managed: Vec<V>,
    boundary: Option<V>,
    tags: BTreeMap<String, String>,
    groups: Vec<String>,
    names: BTreeSet<String>,
}

impl<'j> Side<'_, 'j> {
    fn find(&self, address: &str) -> Option<&Res<'j>> {
        self.list.iter().find(|r| r.address == address)
    }

    /// An attribute's value: as planned, else from the resource it references, else a
    /// placeholder (when it is unknown) or `None` (when it is not set).
    fn value(&mut self, r: &Res<'j>, key: &str) -> Option<V> {
        self.value_depth(r, key, 0)
    }

    fn value_depth(&mut self, r: &Res<'j>, key: &str, depth: usize) -> Option<V> {
        let own = obj(r.values).and_then(|f| member(f, key));
        if let Some(v) = own.filter(|v| !matches!(v.kind, JsonKind::Null)) {
            return Some(V::from_json(v));
        }
        let unknown = r
            .unknown
            .and_then(obj)
            .and_then(|u| member(u, key))
            .filter(|u| !matches!(u.kind, JsonKind::Bool(false)));
        let unknown = unknown?;
        // Known after apply: the resource the configuration says it comes from.
        if depth < 8 {
            if let Some(refs) = self
                .references
                .get(&(r.address.clone(), key.to_string()))
                .cloned()
            {
                for reference in refs {
                    if let Some((address, attr)) = reference.rsplit_once('.') {
                        if let Some(v) = self.attribute(address, attr, unknown.span, depth + 1) {
                            return Some(v);
                        }
                    }
                }
            }
        }
        if self.noted.insert(unknown.span.start) {
            self.diags.push(placeholder_note(
                &format!("`{}.{key}` (known after apply)", r.address),
                unknown.span,
                None,
            ));
        }
        Some(V::placeholder(unknown.span))
    }

    fn text(&mut self, r: &Res<'j>, key: &str) -> Option<String> {
        self.value(r, key)
            .and_then(|v| v.text().map(str::to_string))
    }

    /// The texts of a list attribute (none when it is absent or unknown).
    fn texts(&mut self, r: &Res<'j>, key: &str) -> Vec<String> {
        self.value(r, key)
            .map(|v| {
                v.items()
                    .into_iter()
                    .filter_map(|i| i.text().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The value of `address.attr` on this side, computed for ARNs that are known only after
    /// apply.
    fn attribute(&mut self, address: &str, attr: &str, at: Span, depth: usize) -> Option<V> {
        let (values, unknown, ty, own_at) = {
            let r = self.find(address)?;
            (r.values, r.unknown, r.ty.clone(), r.at)
        };
        let r = Res {
            address: address.to_string(),
            ty: ty.clone(),
            at: own_at,
            values,
            unknown,
        };
        let known = obj(values)
            .and_then(|f| member(f, attr))
            .filter(|v| !matches!(v.kind, JsonKind::Null));
        if let Some(v) = known {
            return Some(V::from_json(v));
        }
        let computed = match (ty.as_str(), attr) {
            ("aws_iam_role" | "aws_iam_user" | "aws_iam_group", "arn") => {
                Some(self.principal_arn(&r).0)
            }
            ("aws_iam_policy", "arn") => Some(self.policy_arn(&r)),
            ("aws_lambda_function", "arn") => Some(self.function_arn(&r)),
            ("aws_lambda_function", "function_name") => Some(self.function_arn(&r)),
            ("aws_lambda_alias", "arn") => self.alias_arn(&r),
            ("aws_s3_bucket", "arn") => self.value_depth(&r, "bucket", depth).and_then(|b| {
                b.text()
                    .map(|b| format!("arn:{}:s3:::{b}", self.opts.partition()))
            }),
            _ => None,
        }?;
        let mut v = V::made(computed.clone(), at);
        if let VK::Str(s) = &mut v.kind {
            s.placeholder = computed.contains('*');
        }
        Some(v)
    }

    fn principal_arn(&mut self, r: &Res<'j>) -> (String, String, String) {
        let name = self
            .text(r, "name")
            .unwrap_or_else(|| r.address.rsplit('.').next().unwrap_or("*").to_string());
        let path = self.text(r, "path").unwrap_or_else(|| "/".into());
        let kind = match r.ty.as_str() {
            "aws_iam_user" => "user",
            "aws_iam_group" => "group",
            _ => "role",
        };
        let arn = obj(r.values)
            .and_then(|f| member(f, "arn"))
            .and_then(str_of)
            .unwrap_or_else(|| {
                format!(
                    "arn:{}:iam::{}:{kind}{path}{name}",
                    self.opts.partition(),
                    self.opts.account
                )
            });
        (arn, name, path)
    }

    fn policy_arn(&mut self, r: &Res<'j>) -> String {
        if let Some(a) = obj(r.values)
            .and_then(|f| member(f, "arn"))
            .and_then(str_of)
        {
            return a;
        }
        let name = self.text(r, "name").unwrap_or_else(|| "*".into());
        let path = self.text(r, "path").unwrap_or_else(|| "/".into());
        format!(
            "arn:{}:iam::{}:policy{path}{name}",
            self.opts.partition(),
            self.opts.account
        )
    }

    fn function_arn(&mut self, r: &Res<'j>) -> String {
        if let Some(a) = obj(r.values)
            .and_then(|f| member(f, "arn"))
            .and_then(str_of)
        {
            return a;
        }
        let name = self.text(r, "function_name").unwrap_or_else(|| "*".into());
        function_target(&name, self.opts).0
    }

    fn alias_arn(&mut self, r: &Res<'j>) -> Option<String> {
        if let Some(a) = obj(r.values)
            .and_then(|f| member(f, "arn"))
            .and_then(str_of)
        {
            return Some(a);
        }
        let function = self.text(r, "function_name")?;
        let name = self.text(r, "name")?;
        Some(qualified(
            &function_target(&function, self.opts).0,
            Some(&name),
        ))
    }

    /// A policy document: a JSON string in the plan, read with spans into it.
    fn document(&mut self, v: &V) -> Option<V> {
        let VK::Str(s) = &v.kind else {
            return Some(v.clone());
        };
        if s.placeholder {
            return None;
        }
        match json::parse_embedded(&s.s, self.file) {
            Ok(doc) => Some(V::from_json(&doc)),
            Err(d) => {
                self.diags.push(d);
                None
            }
        }
    }

    fn world(&mut self) -> IacWorld {
        let mut principals: BTreeMap<String, PrincipalM> = BTreeMap::new();
        let mut groups: BTreeMap<String, PrincipalM> = BTreeMap::new();
        let mut managed: BTreeMap<String, (String, Option<V>)> = BTreeMap::new();
        let mut functions: BTreeMap<String, (String, BTreeMap<String, String>)> = BTreeMap::new();
        let mut statements: BTreeMap<String, Vec<(String, V)>> = BTreeMap::new();
        let count = self.list.len();
        // Principals, managed policies and functions first.
        for i in 0..count {
            let r = self.take(i);
            match r.ty.as_str() {
                "aws_iam_role" | "aws_iam_user" | "aws_iam_group" => {
                    let (arn, name, path) = self.principal_arn(&r);
                    let mut p = PrincipalM {
                        arn: arn.clone(),
                        name: name.clone(),
                        path,
                        kind: match r.ty.as_str() {
                            "aws_iam_role" => Some(PrincipalType::Role),
                            "aws_iam_user" => Some(PrincipalType::User),
                            _ => None,
                        },
                        tags: self.tags(&r),
                        ..PrincipalM::default()
                    };
                    p.names.insert(r.address.clone());
                    if r.ty == "aws_iam_role" {
                        p.trust = self
                            .value(&r, "assume_role_policy")
                            .and_then(|d| self.document(&d));
                        if let Some(list) = self.value(&r, "inline_policy") {
                            for item in list.items() {
                                if let Some(doc) = item
                                    .get("policy")
                                    .filter(|d| d.text().is_some_and(|t| !t.is_empty()))
                                {
                                    let label = format!("{} inline_policy", r.address);
                                    let parsed = self.document(doc);
                                    p.inline.push((label, parsed));
                                }
                            }
                        }
                        if let Some(list) = self.value(&r, "managed_policy_arns") {
                            p.managed.extend(list.items().into_iter().cloned());
                        }
                    }
                    if r.ty != "aws_iam_group" {
                        p.boundary = self
                            .value(&r, "permissions_boundary")
                            .filter(|b| b.text().is_some_and(|t| !t.is_empty()));
                    }
                    if r.ty == "aws_iam_group" {
                        groups.insert(name, p);
                    } else {
                        principals.insert(arn, p);
                    }
                }
                "aws_iam_policy" => {
                    let arn = self.policy_arn(&r);
                    let doc = self.value(&r, "policy").and_then(|d| self.document(&d));
                    managed.insert(arn, (r.address.clone(), doc));
                }
                "aws_lambda_function" => {
                    let arn = self.function_arn(&r);
                    let tags = self.tags(&r);
                    functions.insert(arn, (r.address.clone(), tags));
                }
                "aws_lambda_alias" => {
                    if let Some(arn) = self.alias_arn(&r) {
                        functions.insert(arn, (r.address.clone(), BTreeMap::new()));
                    }
                }
                _ => {}
            }
        }
        for i in 0..count {
            let r = self.take(i);
            let by_name =
                |ps: &mut BTreeMap<String, PrincipalM>, kind: PrincipalType, name: &str| {
                    ps.values_mut()
                        .find(|p| p.kind == Some(kind) && p.name == name)
                        .map(|p| p.arn.clone())
                };
            match r.ty.as_str() {
                "aws_iam_role_policy"
                | "aws_iam_user_policy"
                | "aws_iam_group_policy"
                | "aws_iam_role_policy_attachment"
                | "aws_iam_user_policy_attachment"
                | "aws_iam_group_policy_attachment" => {
                    let (key, kind) = match r.ty.as_str() {
                        t if t.starts_with("aws_iam_role") => ("role", Some(PrincipalType::Role)),
                        t if t.starts_with("aws_iam_user") => ("user", Some(PrincipalType::User)),
                        _ => ("group", None),
                    };
                    let Some(name) = self.text(&r, key) else {
                        continue;
                    };
                    let attachment = r.ty.ends_with("_attachment");
                    let policy = if attachment {
                        self.value(&r, "policy_arn")
                    } else {
                        self.value(&r, "policy")
                    };
                    let target = match kind {
                        Some(k) => {
                            let arn = match by_name(&mut principals, k, &name) {
                                Some(a) => a,
                                None => {
                                    let arn = self.external(&r, key, &name);
                                    principals.entry(arn.clone()).or_insert_with(|| PrincipalM {
                                        arn: arn.clone(),
                                        name: name.clone(),
                                        path: "/".into(),
                                        kind: Some(k),
                                        ..PrincipalM::default()
                                    });
                                    arn
                                }
                            };
                            principals.get_mut(&arn)
                        }
                        None => {
                            if !groups.contains_key(&name) {
                                let arn = self.external(&r, key, &name);
                                groups.insert(
                                    name.clone(),
                                    PrincipalM {
                                        arn,
                                        name: name.clone(),
                                        ..PrincipalM::default()
                                    },
                                );
                            }
                            groups.get_mut(&name)
                        }
                    };
                    if let (Some(p), Some(policy)) = (target, policy) {
                        p.names.insert(r.address.clone());
                        if attachment {
                            p.managed.push(policy);
                        } else {
                            let doc = self.document(&policy);
                            p.inline.push((r.address.clone(), doc));
                        }
                    }
                }
                "aws_iam_policy_attachment" => {
                    if let Some(policy) = self.value(&r, "policy_arn") {
                        for (key, kind) in [
                            ("roles", PrincipalType::Role),
                            ("users", PrincipalType::User),
                        ] {
                            let names = self.texts(&r, key);
                            for name in names {
                                if let Some(arn) = by_name(&mut principals, kind, &name) {
                                    if let Some(p) = principals.get_mut(&arn) {
                                        p.managed.push(policy.clone());
                                        p.names.insert(r.address.clone());
                                    }
                                }
                            }
                        }
                        let names = self.texts(&r, "groups");
                        for name in names {
                            if let Some(g) = groups.get_mut(&name) {
                                g.managed.push(policy.clone());
                                g.names.insert(r.address.clone());
                            }
                        }
                    }
                }
                "aws_iam_group_membership" => {
                    let group = self.text(&r, "group").unwrap_or_default();
                    let users = self.texts(&r, "users");
                    for u in users {
                        if let Some(arn) = by_name(&mut principals, PrincipalType::User, &u) {
                            if let Some(p) = principals.get_mut(&arn) {
                                p.groups.push(group.clone());
                                p.names.insert(r.address.clone());
                            }
                        }
                    }
                }
                "aws_iam_user_group_membership" => {
                    let user = self.text(&r, "user").unwrap_or_default();
                    let list = self.texts(&r, "groups");
                    if let Some(arn) = by_name(&mut principals, PrincipalType::User, &user) {
                        if let Some(p) = principals.get_mut(&arn) {
                            p.groups.extend(list);
                            p.names.insert(r.address.clone());
                        }
                    }
                }
                "aws_lambda_permission" => {
                    if let Some((arn, s)) = self.permission(&r) {
                        statements
                            .entry(arn)
                            .or_default()
                            .push((r.address.clone(), s));
                    }
                }
                "aws_lambda_layer_version_permission" => {
                    if let Some((arn, s)) = self.layer_permission(&r) {
                        statements
                            .entry(arn)
                            .or_default()
                            .push((r.address.clone(), s));
                    }
                }
                "aws_lambda_function_url"
                    if self.text(&r, "authorization_type").as_deref() == Some("NONE") =>
                {
                    self.diags.push(note(
                            "iac-url-none",
                            format!("`{}` is a function URL with `authorization_type = \"NONE\"`: no permission is added for it, so callers get 403 unless an `aws_lambda_permission` grants `lambda:InvokeFunctionUrl` to `*`", r.address),
                            r.at,
                        ));
                }
                _ => {}
            }
        }
        self.assemble(principals, groups, managed, functions, statements)
    }

    fn take(&mut self, i: usize) -> Res<'j> {
        let r = &self.list[i];
        Res {
            address: r.address.clone(),
            ty: r.ty.clone(),
            at: r.at,
            values: r.values,
            unknown: r.unknown,
        }
    }

    fn external(&mut self, r: &Res<'j>, kind: &str, name: &str) -> String {
        let arn = format!(
            "arn:{}:iam::{}:{kind}/{name}",
            self.opts.partition(),
            self.opts.account
        );
        self.diags.push(note(
            "iac-external-principal",
            format!("`{}` attaches a policy to the {kind} `{name}`, which the plan does not manage; it is read as `{arn}` with only the policies of the plan", r.address),
            r.at,
        ));
        arn
    }

    fn tags(&mut self, r: &Res<'j>) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        if let Some(VK::Map(entries)) = self.value(r, "tags").map(|v| v.kind) {
            for (k, _, v) in entries {
                if let Some(t) = v.text() {
                    out.insert(k, t.to_string());
                }
            }
        }
        out
    }

    fn permission(&mut self, r: &Res<'j>) -> Option<(String, V)> {
        let function = self.value(r, "function_name")?;
        let qualifier = self.text(r, "qualifier").filter(|q| !q.is_empty());
        let (base, q) = function_target(function.text().unwrap_or("*"), self.opts);
        let arn = qualified(&base, qualifier.as_deref().or(q.as_deref()));
        let resource = if function.text() == Some(arn.as_str()) {
            function.clone()
        } else {
            let mut v = V::made(arn.clone(), function.span);
            if let VK::Str(s) = &mut v.kind {
                s.placeholder = function.has_placeholder();
            }
            v
        };
        let mut opt = |key: &str| {
            self.value(r, key)
                .filter(|v| v.text().is_some_and(|t| !t.is_empty()))
        };
        let permission = Permission {
            sid: r.address.clone(),
            at: r.at,
            action: opt("action")?,
            principal: opt("principal")?,
            resource,
            source_arn: opt("source_arn"),
            source_account: opt("source_account"),
            principal_org_id: opt("principal_org_id"),
            function_url_auth_type: opt("function_url_auth_type"),
            event_source_token: opt("event_source_token"),
            invoked_via_function_url: None,
        };
        Some((arn, permission.statement(self.opts.partition())))
    }

    fn layer_permission(&mut self, r: &Res<'j>) -> Option<(String, V)> {
        let layer = self.text(r, "layer_name")?;
        let version = self.text(r, "version_number")?;
        let arn = if layer.starts_with("arn:") {
            format!("{layer}:{version}")
        } else {
            format!(
                "arn:{}:lambda:{}:{}:layer:{layer}:{version}",
                self.opts.partition(),
                self.opts.region,
                self.opts.account
            )
        };
        let permission = Permission {
            sid: r.address.clone(),
            at: r.at,
            action: self.value(r, "action")?,
            principal: self.value(r, "principal")?,
            resource: V::made(arn.clone(), r.at),
            source_arn: None,
            source_account: None,
            principal_org_id: self
                .value(r, "organization_id")
                .filter(|v| v.text().is_some_and(|t| !t.is_empty())),
            function_url_auth_type: None,
            event_source_token: None,
            invoked_via_function_url: None,
        };
        Some((arn, permission.statement(self.opts.partition())))
    }

    fn assemble(
        &mut self,
        principals: BTreeMap<String, PrincipalM>,
        groups: BTreeMap<String, PrincipalM>,
        managed: BTreeMap<String, (String, Option<V>)>,
        functions: BTreeMap<String, (String, BTreeMap<String, String>)>,
        statements: BTreeMap<String, Vec<(String, V)>>,
    ) -> IacWorld {
        let mut out = IacWorld::default();
        let file = self.file;
        let account_id = self.opts.account.clone();
        let mut account = Account {
            id: account_id.clone(),
            ..Account::default()
        };
        for p in principals.values() {
            let mut identity = Vec::new();
            let mut problems = Vec::new();
            let mut unknown: BTreeMap<String, Span> = BTreeMap::new();
            let mut sources = vec![p];
            for g in &p.groups {
                if let Some(group) = groups.get(g) {
                    sources.push(group);
                }
            }
            for src in &sources {
                for (label, doc) in &src.inline {
                    if let Some(d) = doc {
                        out.note_unknowns(&p.arn, label, d, &[]);
                    }
                    match doc
                        .as_ref()
                        .map(|d| policy_from(d, PolicyKind::Identity, file, &mut self.diags))
                    {
                        Some(Some(policy)) => identity.push(policy),
                        Some(None) => problems.push(format!("`{label}` has errors")),
                        None => {
                            unknown.insert(
                                format!("the policy of `{label}` (known after apply)"),
                                Span::default(),
                            );
                            problems.push(format!("the policy of `{label}` is not known"));
                        }
                    }
                }
                for m in &src.managed {
                    note_managed_unknowns(&mut out, &p.arn, m, &managed);
                    match self.managed_document(m, &managed) {
                        Ok(Some(policy)) => identity.push(policy),
                        Ok(None) => problems.push("a managed policy has errors".into()),
                        Err(arn) => {
                            unknown.insert(arn.clone(), m.span);
                            problems.push(format!("the statements of `{arn}` are not known"));
                        }
                    }
                }
                for n in &src.names {
                    out.name(&p.arn, n);
                }
            }
            if let Some(b) = &p.boundary {
                note_managed_unknowns(&mut out, &p.arn, b, &managed);
            }
            let boundary =
                p.boundary
                    .as_ref()
                    .and_then(|b| match self.managed_document(b, &managed) {
                        Ok(policy) => policy,
                        Err(arn) => {
                            unknown.insert(format!("{arn} (permissions boundary)"), b.span);
                            problems.push(format!("the boundary `{arn}` is not known"));
                            None
                        }
                    });
            let trust = p.trust.as_ref().map(|trust| {
                out.note_unknowns(&p.arn, "assume_role_policy", trust, &[]);
                policy_from(trust, PolicyKind::Resource, file, &mut self.diags)
            });
            let principal = Principal {
                arn: p.arn.clone(),
                kind: p.kind,
                name: p.name.clone(),
                path: p.path.clone(),
                tags: p.tags.clone(),
                identity,
                boundary,
                problems,
                shared_key: String::new(),
            };
            out.place_principal(&mut account, principal, trust, unknown);
        }
        for (arn, (address, tags)) in &functions {
            out.name(arn, address);
            account.resources.insert(
                arn.clone(),
                Resource {
                    arn: arn.clone(),
                    policy: None,
                    tags: tags.clone(),
                },
            );
        }
        out.world.accounts.insert(account_id.clone(), account);
        add_resource_policies(
            &mut out,
            &account_id,
            statements,
            file,
            &mut self.diags,
            &[],
        );
        out
    }

    fn managed_document(
        &mut self,
        arn: &V,
        managed: &BTreeMap<String, (String, Option<V>)>,
    ) -> Result<Option<Policy>, String> {
        let text = arn.text().unwrap_or("*").to_string();
        if let Some((_, doc)) = managed.get(&text) {
            return match doc {
                Some(d) => Ok(policy_from(
                    d,
                    PolicyKind::Identity,
                    self.file,
                    &mut self.diags,
                )),
                None => Err(format!("{text} (its document is known after apply)")),
            };
        }
        if let Some(v) = known_managed_policy(&text).and_then(|t| builtin_value(t, arn.span)) {
            return Ok(policy_from(
                &v,
                PolicyKind::Identity,
                self.file,
                &mut self.diags,
            ));
        }
        Err(text)
    }
}

/// Records the placeholders of the plan's managed policy `arn` names, for `principal`.
fn note_managed_unknowns(
    out: &mut IacWorld,
    principal: &str,
    arn: &V,
    managed: &BTreeMap<String, (String, Option<V>)>,
) {
    if let Some((address, Some(doc))) = arn.text().and_then(|t| managed.get(t)) {
        out.note_unknowns(principal, address, doc, &[]);
    }
}

fn obj(j: &Json) -> Option<&[Member]> {
    match &j.kind {
        JsonKind::Object(m) => Some(m),
        _ => None,
    }
}

fn str_of(j: &Json) -> Option<String> {
    match &j.kind {
        JsonKind::String(s) => Some(s.text.clone()),
        JsonKind::Number(n) => Some(n.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = r#"{"format_version":"1.2","terraform_version":"1.9.0",
      "resource_changes":[
        {"address":"aws_lambda_function.f","mode":"managed","type":"aws_lambda_function","name":"f",
         "change":{"actions":["no-op"],"before":{"function_name":"thumbs","arn":"arn:aws:lambda:eu-west-1:111122223333:function:thumbs"},
                   "after":{"function_name":"thumbs","arn":"arn:aws:lambda:eu-west-1:111122223333:function:thumbs"},"after_unknown":{}}},
        {"address":"aws_lambda_permission.s3","mode":"managed","type":"aws_lambda_permission","name":"s3",
         "change":{"actions":["update"],
           "before":{"function_name":"thumbs","action":"lambda:InvokeFunction","principal":"s3.amazonaws.com","source_arn":"arn:aws:s3:::uploads","source_account":"111122223333","qualifier":""},
           "after":{"function_name":"thumbs","action":"lambda:InvokeFunction","principal":"s3.amazonaws.com","source_arn":null,"source_account":"111122223333","qualifier":""},
           "after_unknown":{"source_arn":true}}}
      ]}"#;

    #[test]
    fn both_sides_and_unknowns() {
        let doc = json::parse(PLAN, FileId(0)).expect("json");
        let mut diags = Vec::new();
        let w = plan_worlds(&doc, FileId(0), &IacOptions::default(), &mut diags);
        assert!(!diags.iter().any(Diagnostic::is_error), "{diags:?}");
        assert!(diags.iter().any(|d| d.code == "iac-placeholder"));
        let f = "arn:aws:lambda:eu-west-1:111122223333:function:thumbs";
        for side in [&w.before, &w.after] {
            let p = side.world.accounts["111122223333"].resources[f]
                .policy
                .as_ref()
                .expect("policy");
            assert_eq!(p.statements.len(), 1);
        }
        assert!(w.after.names[f].contains("aws_lambda_permission.s3"));
    }
}
