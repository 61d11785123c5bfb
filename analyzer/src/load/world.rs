//! A world read from a folder (the layout is documented in `docs/world.md`):
//!
//! ```text
//! WORLD/
//!   org.json                                 the organization (optional)
//!   policies/…                               SCP and RCP documents org.json names
//!   accounts/<12-digit id>/
//!     account.json                           {"name": "…", "region": "us-east-1"} (optional)
//!     gaad.json                              aws iam get-account-authorization-details
//!     lambda/functions.json                  aws lambda list-functions (optional)
//!     lambda/aliases/<function>.json         aws lambda list-aliases (optional)
//!     lambda/tags/<function>.json            aws lambda list-tags (optional)
//!     lambda/policies/<function>.json        aws lambda get-policy --function-name F
//!     lambda/policies/<function>@<qual>.json aws lambda get-policy … --qualifier Q
//! ```
//!
//! Every file is read inside the world folder only (symlinks out of it are refused) and every
//! problem is a diagnostic pointing into the file it came from, inside embedded and
//! URL-encoded policy documents too. Nothing is dropped silently: a managed policy that is
//! attached but missing is an error naming it, and the principal it belongs to is marked, so
//! answers about it are `unknown`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::json::{self, Json, JsonKind, JsonString};
use airtight_encodings::parse::{check_kind, parse_policy_json};
use airtight_encodings::policy::{Policy, PolicyKind};
use airtight_encodings::span::{FileId, Span};
use airtight_encodings::world::{
    Account, OrgNode, Organization, Principal, PrincipalType, Resource, World,
};

use super::file::{read_regular, resolve_within, slashes};
use super::{Failed, Loader};

/// Reads the world in `dir`. Every file is read and checked even after a failure, so all
/// problems are reported at once.
pub fn load_world(dir: &Path, loader: &mut Loader) -> Result<World, Failed> {
    let before = loader.diagnostics().len();
    let mut reader = WorldReader::new(dir, loader);
    let world = reader.world();
    let failed = loader.diagnostics()[before..]
        .iter()
        .any(Diagnostic::is_error);
    match world {
        Some(w) if !failed => Ok(w),
        _ => Err(Failed),
    }
}

struct WorldReader<'l> {
    root: PathBuf,
    canonical: Option<PathBuf>,
    loader: &'l mut Loader,
}

/// Where org.json puts each account: its parent node and the SCPs and RCPs attached to it.
type Placement = BTreeMap<String, (Option<String>, Vec<Policy>, Vec<Policy>)>;

/// A spanned JSON document and the file it is in.
struct Doc {
    file: FileId,
    value: Json,
}

impl<'l> WorldReader<'l> {
    fn new(root: &Path, loader: &'l mut Loader) -> WorldReader<'l> {
        WorldReader {
            root: root.to_path_buf(),
            canonical: std::fs::canonicalize(root).ok(),
            loader,
        }
    }

    fn error(&mut self, code: &'static str, message: String, span: Span) {
        self.loader
            .extend_diagnostics([Diagnostic::error(code, message, span)]);
    }

    fn whole(&mut self, code: &'static str, message: String) {
        self.loader
            .extend_diagnostics([Diagnostic::whole_file(code, message)]);
    }

    /// Reads and parses a JSON file of the world, or records why not.
    fn doc(&mut self, path: &Path) -> Option<Doc> {
        let shown = slashes(path);
        let read = match &self.canonical {
            Some(tree) => resolve_within(path, &shown, tree, "the world folder")
                .and_then(|p| read_regular(&p, &shown)),
            None => read_regular(path, &shown),
        };
        let file = match read {
            Ok(bytes) => self.loader.add_bytes(shown, bytes).ok()?,
            Err(e) => {
                self.whole(e.code(), e.to_string());
                return None;
            }
        };
        match json::parse(self.loader.source(file), file) {
            Ok(value) => {
                let dups = json::duplicate_keys(&value);
                self.loader.extend_diagnostics(dups);
                Some(Doc { file, value })
            }
            Err(d) => {
                self.loader.extend_diagnostics([d]);
                None
            }
        }
    }

    fn world(&mut self) -> Option<World> {
        if !self.root.is_dir() {
            self.whole(
                "bad-world",
                format!(
                    "`{}` is not a world folder (expected accounts/<id>/…, see docs/world.md)",
                    slashes(&self.root)
                ),
            );
            return None;
        }
        let mut world = World::default();
        let org_path = self.root.join("org.json");
        let mut placement: Placement = BTreeMap::new();
        if org_path.exists() {
            if let Some(doc) = self.doc(&org_path) {
                world.organization = self.organization(&doc, &mut placement);
            }
        }
        let accounts_dir = self.root.join("accounts");
        let mut ids: Vec<String> = match std::fs::read_dir(&accounts_dir) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect(),
            Err(e) => {
                self.whole(
                    "bad-world",
                    format!("cannot list `{}`: {e}", slashes(&accounts_dir)),
                );
                return None;
            }
        };
        ids.sort();
        for id in ids {
            if id.starts_with('.') {
                continue;
            }
            if !is_account_id(&id) {
                self.whole(
                    "bad-world",
                    format!(
                        "`{}` is not named after a 12-digit account id",
                        slashes(&accounts_dir.join(&id))
                    ),
                );
                continue;
            }
            let mut account = self.account(&accounts_dir.join(&id), &id);
            if let Some((parent, scps, rcps)) = placement.remove(&id) {
                account.parent = parent;
                account.scps = scps;
                account.rcps = rcps;
            }
            world.accounts.insert(id, account);
        }
        // Accounts the organization lists but the world holds no files for: still members,
        // with no principals or resources described.
        for (id, (parent, scps, rcps)) in placement {
            world.accounts.insert(
                id.clone(),
                Account {
                    id,
                    parent,
                    scps,
                    rcps,
                    ..Account::default()
                },
            );
        }
        Some(world)
    }

    /// Reads `org.json`: `{"management_account": ID, "root": NODE, "policies": {NAME: FILE}}`
    /// where a NODE is `{"id", "name", "scps": [NAME], "rcps": [NAME], "children": [NODE],
    /// "accounts": [{"id", "name", "scps", "rcps"}]}`.
    fn organization(&mut self, doc: &Doc, placement: &mut Placement) -> Option<Organization> {
        let top = self.object(&doc.value, "org.json")?;
        let mut library: BTreeMap<String, (Span, PathBuf)> = BTreeMap::new();
        if let Some(p) = member(top, "policies") {
            if let Some(entries) = self.object(p, "`policies`") {
                for m in entries {
                    if let Some(file) = self.string(&m.value, "a policy file name") {
                        library.insert(m.key.clone(), (m.key_span, self.root.join(file)));
                    }
                }
            }
        }
        let mut loaded: BTreeMap<String, Option<Policy>> = BTreeMap::new();
        let mut org = Organization {
            management_account: member(top, "management_account")
                .and_then(|v| self.string(v, "an account id")),
            ..Organization::default()
        };
        let Some(root) = member(top, "root") else {
            self.error("bad-org", "org.json has no `root`".into(), doc.value.span);
            return None;
        };
        let mut stack = vec![(root, None::<String>)];
        while let Some((node, parent)) = stack.pop() {
            let Some(fields) = self.object(node, "an organization node") else {
                continue;
            };
            let Some(id) = member(fields, "id").and_then(|v| self.string(v, "a node id")) else {
                self.error(
                    "bad-org",
                    "an organization node needs an `id`".into(),
                    node.span,
                );
                continue;
            };
            let name = member(fields, "name")
                .and_then(|v| self.string(v, "a name"))
                .unwrap_or_else(|| id.clone());
            let scps = self.attached(fields, "scps", PolicyKind::Scp, &library, &mut loaded);
            let rcps = self.attached(fields, "rcps", PolicyKind::Rcp, &library, &mut loaded);
            if let Some(accounts) = member(fields, "accounts") {
                for a in self.array(accounts, "`accounts`") {
                    let Some(af) = self.object(a, "an account") else {
                        continue;
                    };
                    let Some(aid) = member(af, "id").and_then(|v| self.string(v, "an account id"))
                    else {
                        self.error("bad-org", "an account needs an `id`".into(), a.span);
                        continue;
                    };
                    if !is_account_id(&aid) {
                        self.error(
                            "bad-org",
                            format!("`{aid}` is not a 12-digit account id"),
                            a.span,
                        );
                        continue;
                    }
                    let scps = self.attached(af, "scps", PolicyKind::Scp, &library, &mut loaded);
                    let rcps = self.attached(af, "rcps", PolicyKind::Rcp, &library, &mut loaded);
                    placement.insert(aid, (Some(id.clone()), scps, rcps));
                }
            }
            if let Some(children) = member(fields, "children") {
                for c in self.array(children, "`children`") {
                    stack.push((c, Some(id.clone())));
                }
            }
            org.nodes.insert(
                id.clone(),
                OrgNode {
                    id,
                    name,
                    parent,
                    scps,
                    rcps,
                },
            );
        }
        Some(org)
    }

    /// The policies a node or account lists under `key`, read from the library.
    fn attached(
        &mut self,
        fields: &[json::Member],
        key: &str,
        kind: PolicyKind,
        library: &BTreeMap<String, (Span, PathBuf)>,
        loaded: &mut BTreeMap<String, Option<Policy>>,
    ) -> Vec<Policy> {
        let Some(list) = member(fields, key) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for v in self.array(list, key) {
            let Some(name) = self.string(v, "a policy name") else {
                continue;
            };
            let cache_key = format!("{key}:{name}");
            if let Some(p) = loaded.get(&cache_key) {
                out.extend(p.clone());
                continue;
            }
            let Some((_, path)) = library.get(&name) else {
                self.error(
                    "missing-policy",
                    format!("the policy `{name}` is attached here but `policies` does not name its file"),
                    v.span,
                );
                loaded.insert(cache_key, None);
                continue;
            };
            let path = path.clone();
            let policy = self
                .loader
                .read_within(&path, self.canonical.as_deref(), kind);
            out.extend(policy.clone());
            loaded.insert(cache_key, policy);
        }
        out
    }

    fn account(&mut self, dir: &Path, id: &str) -> Account {
        let mut account = Account {
            id: id.to_string(),
            ..Account::default()
        };
        let mut region = None;
        let meta = dir.join("account.json");
        if meta.exists() {
            if let Some(doc) = self.doc(&meta) {
                if let Some(fields) = self.object(&doc.value, "account.json") {
                    account.name = member(fields, "name").and_then(|v| self.string(v, "a name"));
                    region = member(fields, "region").and_then(|v| self.string(v, "a region"));
                }
            }
        }
        let gaad = dir.join("gaad.json");
        if gaad.exists() {
            if let Some(doc) = self.doc(&gaad) {
                self.gaad(&doc, &mut account);
            }
        }
        let lambda = dir.join("lambda");
        if lambda.is_dir() {
            self.lambda(&lambda, &mut account, region.as_deref());
        }
        account
    }

    /// `aws iam get-account-authorization-details`: users (with groups), groups, roles and
    /// managed policies (the default version applies).
    fn gaad(&mut self, doc: &Doc, account: &mut Account) {
        let Some(top) = self.object(&doc.value, "gaad.json") else {
            return;
        };
        // Managed policies by ARN: the default version's document.
        let mut managed: BTreeMap<String, Option<Policy>> = BTreeMap::new();
        for p in member(top, "Policies")
            .map(|v| self.array(v, "`Policies`"))
            .unwrap_or_default()
        {
            let Some(f) = self.object(p, "a managed policy") else {
                continue;
            };
            let Some(arn) = member(f, "Arn").and_then(|v| self.string(v, "an ARN")) else {
                continue;
            };
            let default =
                member(f, "DefaultVersionId").and_then(|v| self.string(v, "a version id"));
            let versions = member(f, "PolicyVersionList")
                .map(|v| self.array(v, "`PolicyVersionList`"))
                .unwrap_or_default();
            let chosen = versions.into_iter().find(|v| {
                let Some(vf) = v.kind_object() else {
                    return false;
                };
                let is_default = member(vf, "IsDefaultVersion")
                    .is_some_and(|b| matches!(b.kind, JsonKind::Bool(true)));
                let id = member(vf, "VersionId").and_then(|x| x.kind_string());
                is_default || (default.is_some() && id.as_deref() == default.as_deref())
            });
            let policy = chosen
                .and_then(|v| v.kind_object())
                .and_then(|vf| member(vf, "Document"))
                .and_then(|d| self.embedded_policy(d, PolicyKind::Identity, doc.file));
            if chosen.is_none() {
                self.error(
                    "bad-gaad",
                    format!("managed policy `{arn}` has no default version"),
                    p.span,
                );
            }
            managed.insert(arn, policy);
        }
        // Groups: their inline and attached policies.
        let mut groups: BTreeMap<String, (Vec<Policy>, Vec<String>)> = BTreeMap::new();
        for g in member(top, "GroupDetailList")
            .map(|v| self.array(v, "`GroupDetailList`"))
            .unwrap_or_default()
        {
            let Some(f) = self.object(g, "a group") else {
                continue;
            };
            let name = member(f, "GroupName")
                .and_then(|v| v.kind_string())
                .unwrap_or_default();
            let (policies, problems) =
                self.principal_policies(f, "GroupPolicyList", &managed, doc.file);
            groups.insert(name, (policies, problems));
        }
        for (list, kind, inline) in [
            ("UserDetailList", PrincipalType::User, "UserPolicyList"),
            ("RoleDetailList", PrincipalType::Role, "RolePolicyList"),
        ] {
            for u in member(top, list)
                .map(|v| self.array(v, list))
                .unwrap_or_default()
            {
                let Some(f) = self.object(u, "a principal") else {
                    continue;
                };
                let Some(arn) = member(f, "Arn").and_then(|v| self.string(v, "an ARN")) else {
                    self.error("bad-gaad", "a principal without `Arn`".into(), u.span);
                    continue;
                };
                let name_key = if kind == PrincipalType::User {
                    "UserName"
                } else {
                    "RoleName"
                };
                let (mut identity, mut problems) =
                    self.principal_policies(f, inline, &managed, doc.file);
                if kind == PrincipalType::User {
                    for g in member(f, "GroupList")
                        .map(|v| self.array(v, "`GroupList`"))
                        .unwrap_or_default()
                    {
                        let Some(gname) = g.kind_string() else {
                            continue;
                        };
                        match groups.get(&gname) {
                            Some((p, pr)) => {
                                identity.extend(p.iter().cloned());
                                problems.extend(pr.iter().cloned());
                            }
                            None => {
                                self.error(
                                    "missing-group",
                                    format!("group `{gname}` is not in `GroupDetailList`"),
                                    g.span,
                                );
                                problems.push(format!("group `{gname}` is missing"));
                            }
                        }
                    }
                }
                let boundary = member(f, "PermissionsBoundary")
                    .and_then(|b| b.kind_object())
                    .and_then(|b| member(b, "PermissionsBoundaryArn"))
                    .and_then(|b| {
                        let arn = b.kind_string()?;
                        match managed.get(&arn) {
                            Some(Some(p)) => Some(p.clone()),
                            Some(None) => {
                                problems.push(format!("boundary `{arn}` cannot be read"));
                                None
                            }
                            None => {
                                self.error(
                                    "missing-policy",
                                    format!("permissions boundary `{arn}` is not in `Policies`"),
                                    b.span,
                                );
                                problems.push(format!("boundary `{arn}` is missing"));
                                None
                            }
                        }
                    });
                let tags = member(f, "Tags").map(|t| self.tags(t)).unwrap_or_default();
                // Principals with only managed (and group) policies, the same boundary and the
                // same tags share their permissions.
                let has_inline = member(f, inline)
                    .and_then(|v| match &v.kind {
                        JsonKind::Array(items) => Some(!items.is_empty()),
                        _ => None,
                    })
                    .unwrap_or(false);
                let shared_key = if has_inline || !problems.is_empty() {
                    String::new()
                } else {
                    let mut parts: Vec<String> = member(f, "AttachedManagedPolicies")
                        .and_then(|v| match &v.kind {
                            JsonKind::Array(items) => Some(
                                items
                                    .iter()
                                    .filter_map(|a| {
                                        a.kind_object()
                                            .and_then(|o| member(o, "PolicyArn"))
                                            .and_then(|x| x.kind_string())
                                    })
                                    .collect(),
                            ),
                            _ => None,
                        })
                        .unwrap_or_default();
                    parts.extend(
                        member(f, "GroupList")
                            .and_then(|v| match &v.kind {
                                JsonKind::Array(items) => Some(
                                    items
                                        .iter()
                                        .filter_map(|g| {
                                            g.kind_string().map(|g| format!("group:{g}"))
                                        })
                                        .collect::<Vec<_>>(),
                                ),
                                _ => None,
                            })
                            .unwrap_or_default(),
                    );
                    parts.sort();
                    format!(
                        "{:?}|{:?}|{:?}|{:?}",
                        kind,
                        tags,
                        parts,
                        member(f, "PermissionsBoundary")
                            .and_then(|b| b.kind_object())
                            .and_then(|b| member(b, "PermissionsBoundaryArn"))
                            .and_then(|b| b.kind_string())
                    )
                };
                let principal = Principal {
                    name: member(f, name_key)
                        .and_then(|v| v.kind_string())
                        .unwrap_or_default(),
                    path: member(f, "Path")
                        .and_then(|v| v.kind_string())
                        .unwrap_or_else(|| "/".into()),
                    arn: arn.clone(),
                    kind: Some(kind),
                    tags,
                    identity,
                    boundary,
                    problems,
                    shared_key,
                };
                account.principals.insert(arn, principal);
            }
        }
    }

    /// Inline policies (`list`) and attached managed policies of a user, group or role.
    fn principal_policies(
        &mut self,
        f: &[json::Member],
        list: &str,
        managed: &BTreeMap<String, Option<Policy>>,
        file: FileId,
    ) -> (Vec<Policy>, Vec<String>) {
        let mut policies = Vec::new();
        let mut problems = Vec::new();
        for p in member(f, list)
            .map(|v| self.array(v, list))
            .unwrap_or_default()
        {
            let doc = p.kind_object().and_then(|o| member(o, "PolicyDocument"));
            match doc.and_then(|d| self.embedded_policy(d, PolicyKind::Identity, file)) {
                Some(policy) => policies.push(policy),
                None => problems.push("an inline policy cannot be read".to_string()),
            }
        }
        for a in member(f, "AttachedManagedPolicies")
            .map(|v| self.array(v, "`AttachedManagedPolicies`"))
            .unwrap_or_default()
        {
            let Some(arn) = a
                .kind_object()
                .and_then(|o| member(o, "PolicyArn"))
                .and_then(|v| v.kind_string())
            else {
                continue;
            };
            match managed.get(&arn) {
                Some(Some(p)) => policies.push(p.clone()),
                Some(None) => problems.push(format!("managed policy `{arn}` cannot be read")),
                None => {
                    self.error(
                        "missing-policy",
                        format!("managed policy `{arn}` is attached but not in `Policies` (run get-account-authorization-details without a --filter that leaves it out)"),
                        a.span,
                    );
                    problems.push(format!("managed policy `{arn}` is missing"));
                }
            }
        }
        (policies, problems)
    }

    /// A policy document inside another file: a JSON object, a JSON string holding one, or a
    /// URL-encoded string (as IAM returns them). Spans point into `file`.
    fn embedded_policy(&mut self, value: &Json, kind: PolicyKind, file: FileId) -> Option<Policy> {
        let parsed_value;
        let v = match &value.kind {
            JsonKind::Object(_) => value,
            JsonKind::String(s) => {
                let decoded = if s.text.trim_start().starts_with('%') || s.text.contains("%22") {
                    match s.url_decoded() {
                        Some(d) => d,
                        None => {
                            self.error(
                                "bad-policy-document",
                                "the policy document is not valid URL-encoded text".into(),
                                value.span,
                            );
                            return None;
                        }
                    }
                } else {
                    JsonString {
                        text: s.text.clone(),
                        offsets: s.offsets.clone(),
                    }
                };
                match json::parse_embedded(&decoded, file) {
                    Ok(v) => {
                        parsed_value = v;
                        &parsed_value
                    }
                    Err(d) => {
                        self.loader.extend_diagnostics([d]);
                        return None;
                    }
                }
            }
            _ => {
                self.error(
                    "bad-policy-document",
                    "a policy document is an object or a string".into(),
                    value.span,
                );
                return None;
            }
        };
        let parsed = parse_policy_json(v, file);
        let failed = parsed.diagnostics.iter().any(Diagnostic::is_error);
        self.loader.extend_diagnostics(parsed.diagnostics);
        let policy = parsed.policy.filter(|_| !failed)?;
        let checks = check_kind(&policy, kind);
        let ok = !checks.iter().any(Diagnostic::is_error);
        self.loader.extend_diagnostics(checks);
        ok.then_some(policy)
    }

    fn tags(&mut self, t: &Json) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for tag in self.array(t, "`Tags`") {
            let Some(f) = tag.kind_object() else {
                continue;
            };
            if let (Some(k), Some(v)) = (
                member(f, "Key").and_then(|v| v.kind_string()),
                member(f, "Value").and_then(|v| v.kind_string()),
            ) {
                out.insert(k, v);
            }
        }
        out
    }

    /// Lambda functions, aliases and their resource-based policies.
    fn lambda(&mut self, dir: &Path, account: &mut Account, region: Option<&str>) {
        let mut arns: BTreeMap<String, String> = BTreeMap::new();
        let functions = dir.join("functions.json");
        if functions.exists() {
            if let Some(doc) = self.doc(&functions) {
                let list = doc
                    .value
                    .kind_object()
                    .and_then(|o| member(o, "Functions"))
                    .map(|v| self.array(v, "`Functions`"))
                    .unwrap_or_default();
                for f in list {
                    let Some(o) = f.kind_object() else { continue };
                    if let (Some(name), Some(arn)) = (
                        member(o, "FunctionName").and_then(|v| v.kind_string()),
                        member(o, "FunctionArn").and_then(|v| v.kind_string()),
                    ) {
                        account.resources.insert(
                            arn.clone(),
                            Resource {
                                arn: arn.clone(),
                                ..Resource::default()
                            },
                        );
                        arns.insert(name, arn);
                    }
                }
            }
        }
        let mut tagged: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let aliases = dir.join("aliases");
        for path in sorted_json_files(&aliases) {
            let Some(doc) = self.doc(&path) else { continue };
            let list = doc
                .value
                .kind_object()
                .and_then(|o| member(o, "Aliases"))
                .map(|v| self.array(v, "`Aliases`"))
                .unwrap_or_default();
            for a in list {
                if let Some(arn) = a
                    .kind_object()
                    .and_then(|o| member(o, "AliasArn"))
                    .and_then(|v| v.kind_string())
                {
                    account.resources.entry(arn.clone()).or_insert(Resource {
                        arn,
                        ..Resource::default()
                    });
                }
            }
        }
        for path in sorted_json_files(&dir.join("tags")) {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Some(doc) = self.doc(&path) else { continue };
            let tags: BTreeMap<String, String> = doc
                .value
                .kind_object()
                .and_then(|o| member(o, "Tags"))
                .and_then(|t| t.kind_object())
                .map(|members| {
                    members
                        .iter()
                        .filter_map(|m| Some((m.key.clone(), m.value.kind_string()?)))
                        .collect()
                })
                .unwrap_or_default();
            // A function's tags are on the function, its versions and its aliases.
            let Some(base) = arns.get(&name).cloned() else {
                self.whole(
                    "bad-world",
                    format!(
                        "`{}`: function `{name}` is not in lambda/functions.json",
                        slashes(&path)
                    ),
                );
                continue;
            };
            let prefix = format!("{base}:");
            for r in account.resources.values_mut() {
                if r.arn == base || r.arn.starts_with(&prefix) {
                    r.tags = tags.clone();
                }
            }
            tagged.insert(base, tags);
        }
        for path in sorted_json_files(&dir.join("policies")) {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let (name, qualifier) = match stem.split_once('@') {
                Some((n, q)) => (n.to_string(), Some(q.to_string())),
                None => (stem.clone(), None),
            };
            let base = arns.get(&name).cloned().or_else(|| {
                region.map(|r| format!("arn:aws:lambda:{r}:{}:function:{name}", account.id))
            });
            let Some(base) = base else {
                self.whole(
                    "bad-world",
                    format!(
                        "`{}`: function `{name}` is not in lambda/functions.json and account.json gives no region, so its ARN is unknown",
                        slashes(&path)
                    ),
                );
                continue;
            };
            let arn = match qualifier {
                Some(q) => format!("{base}:{q}"),
                None => base,
            };
            let Some(file) = self
                .loader
                .read_world_file(&path, self.canonical.as_deref())
            else {
                continue;
            };
            let typed = self.loader.parse_policy(file, Some(PolicyKind::Resource));
            match typed.usable() {
                Some(p) => {
                    let base = arn
                        .rsplit_once(':')
                        .map(|x| x.0)
                        .filter(|_| arn.matches(':').count() > 6);
                    let tags = tagged
                        .get(&arn)
                        .or_else(|| base.and_then(|b| tagged.get(b)))
                        .cloned()
                        .unwrap_or_default();
                    account.resources.insert(
                        arn.clone(),
                        Resource {
                            arn,
                            policy: Some(p.clone()),
                            tags,
                        },
                    );
                }
                None => {
                    // The diagnostics are recorded; the world fails to load.
                }
            }
        }
    }

    fn object<'v>(&mut self, v: &'v Json, what: &str) -> Option<&'v [json::Member]> {
        match &v.kind {
            JsonKind::Object(m) => Some(m),
            _ => {
                self.error("bad-world", format!("{what} must be a JSON object"), v.span);
                None
            }
        }
    }

    fn array<'v>(&mut self, v: &'v Json, what: &str) -> Vec<&'v Json> {
        match &v.kind {
            JsonKind::Array(items) => items.iter().collect(),
            _ => {
                self.error("bad-world", format!("{what} must be a JSON array"), v.span);
                Vec::new()
            }
        }
    }

    fn string(&mut self, v: &Json, what: &str) -> Option<String> {
        match &v.kind {
            JsonKind::String(s) => Some(s.text.clone()),
            _ => {
                self.error("bad-world", format!("expected {what} (a string)"), v.span);
                None
            }
        }
    }
}

/// The member `key` of an object's members.
fn member<'v>(members: &'v [json::Member], key: &str) -> Option<&'v Json> {
    members.iter().find(|m| m.key == key).map(|m| &m.value)
}

trait JsonExt {
    fn kind_object(&self) -> Option<&[json::Member]>;
    fn kind_string(&self) -> Option<String>;
}

impl JsonExt for Json {
    fn kind_object(&self) -> Option<&[json::Member]> {
        match &self.kind {
            JsonKind::Object(m) => Some(m),
            _ => None,
        }
    }

    fn kind_string(&self) -> Option<String> {
        match &self.kind {
            JsonKind::String(s) => Some(s.text.clone()),
            _ => None,
        }
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The `*.json` files directly in `dir`, sorted (none when it does not exist).
fn sorted_json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    out.sort();
    out
}

impl Loader {
    /// Reads a file of a world folder: a regular file inside `tree` (when known).
    pub fn read_world_file(&mut self, path: &Path, tree: Option<&Path>) -> Option<FileId> {
        let shown = slashes(path);
        let read = match tree {
            Some(t) => resolve_within(path, &shown, t, "the world folder")
                .and_then(|p| read_regular(&p, &shown)),
            None => read_regular(path, &shown),
        };
        match read {
            Ok(bytes) => self.add_bytes(shown, bytes).ok(),
            Err(e) => {
                self.extend_diagnostics([Diagnostic::whole_file(e.code(), e.to_string())]);
                None
            }
        }
    }

    /// Reads a policy file of a world folder as a policy of `kind`.
    pub fn read_within(
        &mut self,
        path: &Path,
        tree: Option<&Path>,
        kind: PolicyKind,
    ) -> Option<Policy> {
        let file = self.read_world_file(path, tree)?;
        self.parse_policy(file, Some(kind)).usable().cloned()
    }
}
