//! A CloudFormation or SAM template (JSON or YAML, already read into spanned [`Json`]) as a
//! [`World`] of one account: its roles and users with their policies, and its functions with
//! the resource-based policy of each function, version and alias. `docs/iac.md` has the user's
//! view of this table.
//!
//! | construct | what is read |
//! |---|---|
//! | `AWS::IAM::Role` | a role `arn:…:role{Path}{RoleName}`: `Policies` (inline), `ManagedPolicyArns`, `PermissionsBoundary`, `Tags`; `AssumeRolePolicyDocument` as the role's resource-based policy (its trust policy) |
//! | `AWS::IAM::User`, `AWS::IAM::Group` | a user (with `Groups`) or a group: `Policies`, `ManagedPolicyArns`, `PermissionsBoundary` (users), `Tags` |
//! | `AWS::IAM::Policy`, `AWS::IAM::RolePolicy`, `UserPolicy`, `GroupPolicy` | an inline policy of the `Roles`, `Users`, `Groups` (or `RoleName`, …) it names |
//! | `AWS::IAM::ManagedPolicy` | a managed policy `arn:…:policy{Path}{ManagedPolicyName}`, attached to the principals it names and to those listing its ARN |
//! | `AWS::IAM::UserToGroupAddition` | users added to a group |
//! | `AWS::Lambda::Function`, `AWS::Serverless::Function` | a function `arn:…:function:{FunctionName}` with its `Tags` |
//! | `AWS::Lambda::Alias`, `AWS::Lambda::Version` | the qualifier's ARN (a version is named by its logical id: its number is not known before deployment) |
//! | `AWS::Lambda::Permission` | one statement of the resource-based policy of the function, version or alias `FunctionName` names, as `AddPermission` writes it |
//! | `AWS::Lambda::LayerVersionPermission` | one statement of the layer version's policy |
//! | `AWS::Lambda::Url` | nothing (CloudFormation adds no permission); a note when `AuthType` is `NONE` |
//! | `AWS::S3::BucketPolicy`, `AWS::SNS::TopicPolicy`, `AWS::SQS::QueuePolicy` | the bucket's, topic's or queue's resource-based policy |
//! | SAM `Policies` | managed policy names and ARNs, inline documents, and the policy templates in [`SAM_TEMPLATES`] |
//! | SAM `Events` | the permissions SAM creates ([`sam_event`]); polled sources (SQS, Kinesis, DynamoDB, MQ, MSK, …) create none |
//! | SAM `AutoPublishAlias`, `FunctionUrlConfig` | the alias (events and the URL permission go to it); `AuthType: NONE` adds the public `lambda:InvokeFunctionUrl` permission SAM writes |
//! | SAM `Globals.Function` | `AutoPublishAlias`, `PermissionsBoundary`, `Tags`, `RolePath`, `FunctionUrlConfig` |
//!
//! Intrinsic functions are resolved where the value is static: `Ref` and `Fn::GetAtt` of a
//! parameter (its `--param` value or default), a pseudo parameter or a resource of the
//! template; `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::If` (with the template's
//! `Conditions`), `Fn::FindInMap`, `Fn::Length`, `Fn::Base64`. Anything else (`Fn::ImportValue`,
//! a parameter without a value, an attribute only known after deployment) is a placeholder
//! that stands for any value, with a note pointing at it. A resource without an explicit name
//! is named by its logical id, in both versions of a diff alike.

use std::collections::{BTreeMap, BTreeSet};

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::json::{Json, JsonKind, Member};
use airtight_encodings::policy::{Policy, PolicyKind};
use airtight_encodings::span::{FileId, Span};
use airtight_encodings::world::{Account, Principal, PrincipalType, Resource};

use super::iac::{
    add_resource_policies, builtin_value, empty, function_target, known_managed_policy, member,
    note, placeholder_note, policy_from, qualified, IacOptions, IacWorld, Permission, Str, V, VK,
};

/// The SAM policy templates airtight expands (from the SAM policy templates reference):
/// `(name, parameter, statements)` where `${P}` is the parameter's value.
pub const SAM_TEMPLATES: &[(&str, &str, &str)] = &[
    (
        "S3ReadPolicy",
        "BucketName",
        r#"[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket","s3:GetBucketLocation","s3:GetObjectVersion","s3:GetLifecycleConfiguration"],"Resource":["arn:${AWS::Partition}:s3:::${P}","arn:${AWS::Partition}:s3:::${P}/*"]}]"#,
    ),
    (
        "S3CrudPolicy",
        "BucketName",
        r#"[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket","s3:GetBucketLocation","s3:GetObjectVersion","s3:PutObject","s3:PutObjectAcl","s3:GetLifecycleConfiguration","s3:PutLifecycleConfiguration","s3:DeleteObject"],"Resource":["arn:${AWS::Partition}:s3:::${P}","arn:${AWS::Partition}:s3:::${P}/*"]}]"#,
    ),
    (
        "DynamoDBCrudPolicy",
        "TableName",
        r#"[{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:DeleteItem","dynamodb:PutItem","dynamodb:Scan","dynamodb:Query","dynamodb:UpdateItem","dynamodb:BatchWriteItem","dynamodb:BatchGetItem","dynamodb:DescribeTable","dynamodb:ConditionCheckItem"],"Resource":["arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${P}","arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${P}/index/*"]}]"#,
    ),
    (
        "DynamoDBReadPolicy",
        "TableName",
        r#"[{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Scan","dynamodb:Query","dynamodb:BatchGetItem","dynamodb:DescribeTable"],"Resource":["arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${P}","arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${P}/index/*"]}]"#,
    ),
    (
        "SQSSendMessagePolicy",
        "QueueName",
        r#"[{"Effect":"Allow","Action":["sqs:SendMessage*"],"Resource":"arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${P}"}]"#,
    ),
    (
        "SQSPollerPolicy",
        "QueueName",
        r#"[{"Effect":"Allow","Action":["sqs:ChangeMessageVisibility","sqs:ChangeMessageVisibilityBatch","sqs:DeleteMessage","sqs:DeleteMessageBatch","sqs:GetQueueAttributes","sqs:ReceiveMessage"],"Resource":"arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${P}"}]"#,
    ),
    (
        "SNSPublishMessagePolicy",
        "TopicName",
        r#"[{"Effect":"Allow","Action":["sns:Publish"],"Resource":"arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${P}"}]"#,
    ),
    (
        "LambdaInvokePolicy",
        "FunctionName",
        r#"[{"Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":"arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${P}*"}]"#,
    ),
    (
        "CloudWatchPutMetricPolicy",
        "",
        r#"[{"Effect":"Allow","Action":["cloudwatch:PutMetricData"],"Resource":"*"}]"#,
    ),
    (
        "EC2DescribePolicy",
        "",
        r#"[{"Effect":"Allow","Action":["ec2:DescribeRegions","ec2:DescribeInstances"],"Resource":"*"}]"#,
    ),
];

/// SAM event types whose function is invoked by a poller with the execution role: no
/// resource-based policy statement.
const POLLED: &[&str] = &[
    "SQS",
    "Kinesis",
    "DynamoDB",
    "MSK",
    "MQ",
    "SelfManagedKafka",
    "DocumentDB",
    "ScheduleV2",
];

/// Reads the world a template describes. Problems are added to `diags`.
pub fn template_world(
    doc: &Json,
    file: FileId,
    opts: &IacOptions,
    diags: &mut Vec<Diagnostic>,
) -> IacWorld {
    let mut cfn = Cfn::new(doc, file, opts);
    cfn.read();
    let world = cfn.assemble();
    diags.append(&mut cfn.diags);
    world
}

/// One resource of the template.
#[derive(Clone)]
struct Res<'j> {
    id: String,
    id_span: Span,
    ty: String,
    props: Option<&'j Json>,
    node: &'j Json,
}

/// An inline policy, or a managed policy's document, with who it is attached to.
#[derive(Default)]
struct PrincipalM {
    arn: String,
    name: String,
    path: String,
    kind: Option<PrincipalType>,
    trust: Option<V>,
    inline: Vec<V>,
    managed: Vec<V>,
    boundary: Option<V>,
    tags: BTreeMap<String, String>,
    groups: Vec<String>,
    names: BTreeSet<String>,
    /// Not declared in this template (a policy of the template names it).
    external: bool,
}

struct ManagedM {
    id: String,
    doc: Option<V>,
}

struct Cfn<'j> {
    root: &'j Json,
    file: FileId,
    opts: IacOptions,
    resources: BTreeMap<String, Res<'j>>,
    globals: Option<&'j Json>,
    diags: Vec<Diagnostic>,
    noted: BTreeSet<u32>,
    depth: usize,
    /// Values resolved so far; past [`MAX_STEPS`] every value is a placeholder.
    steps: usize,
    /// Resources whose name or ARN is being resolved: one met again is a circular reference.
    naming: BTreeSet<String>,
    /// Physical names resolved so far, by logical id ([`Cfn::physical`]).
    named: BTreeMap<String, (String, bool)>,
    /// Conditions decided so far (`None`: cannot be decided), and those being decided.
    decided: BTreeMap<String, Option<bool>>,
    deciding: BTreeSet<String>,
    /// Resources read as existing although their `Condition` could not be decided, with the
    /// condition's span.
    undecided: BTreeMap<String, Span>,
    /// `Fn::If`s whose condition could not be decided and whose true branch was read.
    guessed: Vec<Span>,
    principals: BTreeMap<String, PrincipalM>,
    groups: BTreeMap<String, PrincipalM>,
    /// Managed policies of the template, by ARN.
    managed: BTreeMap<String, ManagedM>,
    /// Statements of resource-based policies, by resource ARN.
    statements: BTreeMap<String, Vec<(String, V)>>,
    /// Functions, aliases and versions of the template, by ARN (resources without a policy
    /// until a permission names them), with tags.
    functions: BTreeMap<String, (String, BTreeMap<String, String>)>,
}

/// At most this many values are resolved in one template (each `Ref`, `Fn::Sub`, … and each
/// literal counts): a real template needs a few thousand.
const MAX_STEPS: usize = 1_000_000;

/// A computed text (`Fn::Sub`, `Fn::Join`) longer than this is a placeholder: no name or ARN is
/// this long, and texts doubled at each step of a chain of references would fill memory.
const MAX_TEXT: usize = 64 * 1024;

/// Resolution scope: names bound by `Fn::Sub`'s map or a SAM policy template.
type Scope = BTreeMap<String, V>;

impl<'j> Cfn<'j> {
    fn new(root: &'j Json, file: FileId, opts: &IacOptions) -> Cfn<'j> {
        let mut resources = BTreeMap::new();
        let top = obj(root).unwrap_or(&[]);
        if let Some(JsonKind::Object(list)) = member(top, "Resources").map(|r| &r.kind) {
            for m in list {
                let Some(fields) = obj(&m.value) else {
                    continue;
                };
                let ty = member(fields, "Type").and_then(str_of).unwrap_or_default();
                resources.insert(
                    m.key.clone(),
                    Res {
                        id: m.key.clone(),
                        id_span: m.key_span,
                        ty,
                        props: member(fields, "Properties"),
                        node: &m.value,
                    },
                );
            }
        }
        let globals = member(top, "Globals")
            .and_then(obj)
            .and_then(|g| member(g, "Function"));
        Cfn {
            root,
            file,
            opts: opts.clone(),
            resources,
            globals,
            diags: Vec::new(),
            noted: BTreeSet::new(),
            depth: 0,
            steps: 0,
            naming: BTreeSet::new(),
            named: BTreeMap::new(),
            decided: BTreeMap::new(),
            deciding: BTreeSet::new(),
            undecided: BTreeMap::new(),
            guessed: Vec::new(),
            principals: BTreeMap::new(),
            groups: BTreeMap::new(),
            managed: BTreeMap::new(),
            statements: BTreeMap::new(),
            functions: BTreeMap::new(),
        }
    }

    fn top(&self) -> &'j [Member] {
        obj(self.root).unwrap_or(&[])
    }

    fn partition(&self) -> String {
        self.opts
            .params
            .get("AWS::Partition")
            .cloned()
            .unwrap_or_else(|| self.opts.partition().to_string())
    }

    fn region(&self) -> String {
        self.opts
            .params
            .get("AWS::Region")
            .cloned()
            .unwrap_or_else(|| self.opts.region.clone())
    }

    fn account(&self) -> String {
        self.opts
            .params
            .get("AWS::AccountId")
            .cloned()
            .unwrap_or_else(|| self.opts.account.clone())
    }

    fn placeholder(&mut self, what: &str, at: Span, hint: Option<String>) -> V {
        if self.noted.insert(at.start) {
            self.diags.push(placeholder_note(what, at, hint));
        }
        V::placeholder(at)
    }

    fn prop(&self, r: &Res<'j>, key: &str) -> Option<&'j Json> {
        let own = r.props.and_then(obj).and_then(|p| member(p, key));
        if own.is_none() && r.ty == "AWS::Serverless::Function" {
            return self.globals.and_then(obj).and_then(|g| member(g, key));
        }
        own
    }

    // ----- resolution -------------------------------------------------------------------

    /// Resolves intrinsic functions; `None` is `AWS::NoValue`.
    ///
    /// A hostile template cannot make this take long or use much memory: nesting is limited
    /// to 64 levels, the whole template to [`MAX_STEPS`] resolutions, and a computed text to
    /// [`MAX_TEXT`] bytes; past a limit the value is a placeholder, which is sound.
    fn resolve(&mut self, j: &Json, scope: &Scope) -> Option<V> {
        self.depth += 1;
        self.steps += 1;
        let out = if self.depth > 64 {
            Some(self.placeholder("a value nested this deeply in references", j.span, None))
        } else if self.steps > MAX_STEPS {
            Some(self.placeholder(
                "a value past the template's budget of references",
                j.span,
                None,
            ))
        } else {
            self.resolve_inner(j, scope)
        };
        self.depth -= 1;
        match out {
            Some(v) if v.text().is_some_and(|t| t.len() > MAX_TEXT) => {
                Some(self.placeholder("a computed text this long", j.span, None))
            }
            out => out,
        }
    }

    fn resolve_inner(&mut self, j: &Json, scope: &Scope) -> Option<V> {
        let kind = match &j.kind {
            JsonKind::Null => VK::Null,
            JsonKind::Bool(b) => VK::Bool(*b),
            JsonKind::Number(n) => VK::Num(n.clone()),
            JsonKind::String(s) => VK::Str(Str {
                s: s.clone(),
                literal: true,
                placeholder: false,
            }),
            JsonKind::Array(items) => VK::List(
                items
                    .iter()
                    .filter_map(|i| self.resolve(i, scope))
                    .collect(),
            ),
            JsonKind::Object(members) => {
                if let [m] = members.as_slice() {
                    if m.key == "Ref" || m.key == "Condition" || m.key.starts_with("Fn::") {
                        return self.intrinsic(&m.key, &m.value, j.span, scope);
                    }
                }
                VK::Map(
                    members
                        .iter()
                        .filter_map(|m| {
                            self.resolve(&m.value, scope)
                                .map(|v| (m.key.clone(), m.key_span, v))
                        })
                        .collect(),
                )
            }
        };
        Some(V { kind, span: j.span })
    }

    fn resolve_str(&mut self, j: &Json, scope: &Scope) -> Option<V> {
        let v = self.resolve(j, scope)?;
        match &v.kind {
            VK::Str(_) => Some(v),
            VK::Num(n) => Some(V::made(n.clone(), v.span)),
            VK::Bool(b) => Some(V::made(b.to_string(), v.span)),
            _ => Some(self.placeholder("a value that is not a string", j.span, None)),
        }
    }

    fn intrinsic(&mut self, name: &str, arg: &Json, at: Span, scope: &Scope) -> Option<V> {
        match name {
            "Ref" => {
                let Some(target) = str_of(arg) else {
                    return Some(self.placeholder("a `Ref` that is not a name", at, None));
                };
                self.reference(&target, at, scope)
            }
            "Fn::GetAtt" => {
                let (id, attr) = match &arg.kind {
                    JsonKind::String(s) => match s.text.split_once('.') {
                        Some((a, b)) => (a.to_string(), b.to_string()),
                        None => (s.text.clone(), String::new()),
                    },
                    JsonKind::Array(items) if items.len() == 2 => (
                        str_of(&items[0]).unwrap_or_default(),
                        self.resolve_str(&items[1], scope)
                            .and_then(|v| v.text().map(str::to_string))
                            .unwrap_or_default(),
                    ),
                    _ => (String::new(), String::new()),
                };
                Some(self.attribute(&id, &attr, at))
            }
            "Fn::Sub" => Some(self.sub(arg, at, scope)),
            "Fn::Join" => {
                let JsonKind::Array(parts) = &arg.kind else {
                    return Some(self.placeholder("this `Fn::Join`", at, None));
                };
                let (Some(delim), Some(list)) = (parts.first(), parts.get(1)) else {
                    return Some(self.placeholder("this `Fn::Join`", at, None));
                };
                let delim = self
                    .resolve_str(delim, scope)
                    .and_then(|v| v.text().map(str::to_string))
                    .unwrap_or_default();
                let list = self.resolve(list, scope)?;
                let mut placeholder = false;
                let texts: Vec<String> = list
                    .items()
                    .into_iter()
                    .map(|i| {
                        placeholder |= i.has_placeholder();
                        i.text().unwrap_or("*").to_string()
                    })
                    .collect();
                Some(made(texts.join(&delim), at, placeholder))
            }
            "Fn::Select" => {
                let JsonKind::Array(parts) = &arg.kind else {
                    return Some(self.placeholder("this `Fn::Select`", at, None));
                };
                let index = parts
                    .first()
                    .and_then(|i| self.resolve_str(i, scope))
                    .and_then(|v| v.text().and_then(|t| t.parse::<usize>().ok()));
                let list = parts.get(1).and_then(|l| self.resolve(l, scope));
                match (index, list) {
                    (Some(i), Some(list)) if !list.is_placeholder() => match list.items().get(i) {
                        Some(v) => Some((*v).clone()),
                        None => Some(self.placeholder("this `Fn::Select`", at, None)),
                    },
                    _ => Some(self.placeholder("this `Fn::Select`", at, None)),
                }
            }
            "Fn::Split" => {
                let JsonKind::Array(parts) = &arg.kind else {
                    return Some(self.placeholder("this `Fn::Split`", at, None));
                };
                let delim = parts
                    .first()
                    .and_then(|d| self.resolve_str(d, scope))
                    .and_then(|v| v.text().map(str::to_string));
                let text = parts.get(1).and_then(|t| self.resolve_str(t, scope));
                match (delim, text) {
                    (Some(d), Some(t)) if !t.is_placeholder() && !d.is_empty() => {
                        let items = t
                            .text()
                            .unwrap_or_default()
                            .split(d.as_str())
                            .map(|s| made(s.to_string(), at, t.has_placeholder()))
                            .collect();
                        Some(V::list(items, at))
                    }
                    _ => Some(self.placeholder("this `Fn::Split`", at, None)),
                }
            }
            "Fn::If" => {
                let JsonKind::Array(parts) = &arg.kind else {
                    return Some(self.placeholder("this `Fn::If`", at, None));
                };
                let (Some(cond), Some(yes), Some(no)) = (parts.first(), parts.get(1), parts.get(2))
                else {
                    return Some(self.placeholder("this `Fn::If`", at, None));
                };
                let name = str_of(cond).unwrap_or_default();
                match self.condition(&name, at) {
                    Some(true) => self.resolve(yes, scope),
                    Some(false) => self.resolve(no, scope),
                    None => {
                        let (y, n) = (self.resolve(yes, scope), self.resolve(no, scope));
                        match (&y, &n) {
                            (Some(a), Some(b)) if a.text().is_some() && b.text().is_some() => {
                                if a.text() == b.text() {
                                    y
                                } else {
                                    Some(self.placeholder(
                                        &format!("the condition `{name}`"),
                                        at,
                                        Some("give the parameters it depends on with --param NAME=VALUE".into()),
                                    ))
                                }
                            }
                            _ => {
                                self.diags.push(note(
                                    "iac-condition-unknown",
                                    format!("the condition `{name}` cannot be decided here; its true branch is read"),
                                    at,
                                ).with_note("give the parameters it depends on with --param NAME=VALUE"));
                                self.guessed.push(at);
                                y
                            }
                        }
                    }
                }
            }
            "Fn::FindInMap" => {
                let JsonKind::Array(parts) = &arg.kind else {
                    return Some(self.placeholder("this `Fn::FindInMap`", at, None));
                };
                let keys: Vec<Option<String>> = parts
                    .iter()
                    .take(3)
                    .map(|p| {
                        self.resolve_str(p, scope)
                            .filter(|v| !v.has_placeholder())
                            .and_then(|v| v.text().map(str::to_string))
                    })
                    .collect();
                let found = match keys.as_slice() {
                    [Some(m), Some(a), Some(b)] => member(self.top(), "Mappings")
                        .and_then(obj)
                        .and_then(|ms| member(ms, m))
                        .and_then(obj)
                        .and_then(|x| member(x, a))
                        .and_then(obj)
                        .and_then(|x| member(x, b)),
                    _ => None,
                };
                match found {
                    Some(v) => self.resolve(v, scope),
                    None => Some(self.placeholder("this `Fn::FindInMap`", at, None)),
                }
            }
            "Fn::Length" => {
                let v = self.resolve(arg, scope)?;
                match &v.kind {
                    VK::List(items) => Some(V::made(items.len().to_string(), at)),
                    _ => Some(self.placeholder("this `Fn::Length`", at, None)),
                }
            }
            "Fn::Base64" => self.resolve(arg, scope),
            "Fn::ImportValue" => Some(self.placeholder(
                "a value imported from another stack (`Fn::ImportValue`)",
                at,
                None,
            )),
            "Condition" => {
                let name = str_of(arg).unwrap_or_default();
                match self.condition(&name, at) {
                    Some(b) => Some(V {
                        kind: VK::Bool(b),
                        span: at,
                    }),
                    None => Some(self.placeholder(&format!("the condition `{name}`"), at, None)),
                }
            }
            other => Some(self.placeholder(&format!("`{other}`"), at, None)),
        }
    }

    /// `Ref` of a name: the scope, a pseudo parameter, a parameter, a resource.
    fn reference(&mut self, target: &str, at: Span, scope: &Scope) -> Option<V> {
        if let Some(v) = scope.get(target) {
            return Some(V {
                span: at,
                ..v.clone()
            });
        }
        if let Some(value) = self.opts.params.get(target) {
            return Some(self.parameter_value(target, value.clone(), at));
        }
        match target {
            "AWS::AccountId" => return Some(V::made(self.account(), at)),
            "AWS::Region" => return Some(V::made(self.region(), at)),
            "AWS::Partition" => return Some(V::made(self.partition(), at)),
            "AWS::URLSuffix" => return Some(V::made("amazonaws.com", at)),
            "AWS::NoValue" => return None,
            "AWS::StackName" | "AWS::StackId" | "AWS::NotificationARNs" => {
                return Some(self.placeholder(
                    &format!("`{target}`"),
                    at,
                    Some(format!("give it with --param {target}=VALUE")),
                ))
            }
            _ => {}
        }
        let parameter = member(self.top(), "Parameters")
            .and_then(obj)
            .and_then(|p| member(p, target));
        if let Some(p) = parameter {
            let default = obj(p).and_then(|f| member(f, "Default"));
            return match default {
                Some(d) => match &d.kind {
                    JsonKind::Array(_) => self.resolve(d, &Scope::new()),
                    _ => {
                        let text = str_of(d).unwrap_or_default();
                        Some(self.parameter_value(target, text, at))
                    }
                },
                None => Some(self.placeholder(
                    &format!("the parameter `{target}` (no default)"),
                    at,
                    Some(format!("give it with --param {target}=VALUE")),
                )),
            };
        }
        if let Some(r) = self.resources.get(target).cloned() {
            return Some(self.ref_of(&r, at));
        }
        if let Some(v) = self.sam_generated(target, "", at) {
            return Some(v);
        }
        if target.starts_with("ServerlessRestApi") || target.starts_with("ServerlessHttpApi") {
            return Some(V::made(target.to_string(), at));
        }
        Some(self.placeholder(
            &format!("`{target}` (neither a parameter nor a resource of this template)"),
            at,
            None,
        ))
    }

    /// A parameter's text as its type reads it: a list type splits at commas.
    fn parameter_value(&mut self, name: &str, text: String, at: Span) -> V {
        let ty = member(self.top(), "Parameters")
            .and_then(obj)
            .and_then(|p| member(p, name))
            .and_then(obj)
            .and_then(|f| member(f, "Type"))
            .and_then(str_of)
            .unwrap_or_default();
        if ty == "CommaDelimitedList" || ty.starts_with("List<") {
            V::list(
                text.split(',')
                    .map(|s| V::made(s.trim().to_string(), at))
                    .collect(),
                at,
            )
        } else {
            V::made(text, at)
        }
    }

    /// A template condition: `Some(value)` when it can be decided.
    fn condition(&mut self, name: &str, at: Span) -> Option<bool> {
        let def = member(self.top(), "Conditions")
            .and_then(obj)
            .and_then(|c| member(c, name))?;
        // Each condition is decided once (conditions that name others many times would
        // otherwise take exponential time); one that depends on itself cannot be decided.
        if let Some(known) = self.decided.get(name) {
            return *known;
        }
        if !self.deciding.insert(name.to_string()) {
            return None;
        }
        self.depth += 1;
        let out = if self.depth > 64 {
            None
        } else {
            self.condition_value(def, at)
        };
        self.depth -= 1;
        self.deciding.remove(name);
        self.decided.insert(name.to_string(), out);
        out
    }

    fn condition_value(&mut self, j: &Json, at: Span) -> Option<bool> {
        let members = obj(j)?;
        let [m] = members else { return None };
        let args: Vec<&Json> = match &m.value.kind {
            JsonKind::Array(items) => items.iter().collect(),
            _ => vec![&m.value],
        };
        match m.key.as_str() {
            "Fn::Equals" => {
                let vals: Vec<Option<String>> = args
                    .iter()
                    .map(|a| {
                        self.resolve_str(a, &Scope::new())
                            .filter(|v| !v.has_placeholder())
                            .and_then(|v| v.text().map(str::to_string))
                    })
                    .collect();
                match vals.as_slice() {
                    [Some(a), Some(b)] => Some(a == b),
                    _ => None,
                }
            }
            "Fn::And" => {
                let vals: Vec<Option<bool>> =
                    args.iter().map(|a| self.condition_value(a, at)).collect();
                if vals.contains(&Some(false)) {
                    Some(false)
                } else if vals.iter().all(Option::is_some) {
                    Some(true)
                } else {
                    None
                }
            }
            "Fn::Or" => {
                let vals: Vec<Option<bool>> =
                    args.iter().map(|a| self.condition_value(a, at)).collect();
                if vals.contains(&Some(true)) {
                    Some(true)
                } else if vals.iter().all(Option::is_some) {
                    Some(false)
                } else {
                    None
                }
            }
            "Fn::Not" => args
                .first()
                .and_then(|a| self.condition_value(a, at))
                .map(|b| !b),
            "Condition" => {
                let name = str_of(&m.value)?;
                self.condition(&name, at)
            }
            _ => None,
        }
    }

    /// `Fn::Sub`: `${Name}`, `${Resource.Attribute}`, `${!Literal}`.
    fn sub(&mut self, arg: &Json, at: Span, scope: &Scope) -> V {
        let (template, vars) = match &arg.kind {
            JsonKind::String(s) => (s.text.clone(), None),
            JsonKind::Array(items) => (
                items.first().and_then(str_of).unwrap_or_default(),
                items.get(1),
            ),
            _ => return self.placeholder("this `Fn::Sub`", at, None),
        };
        let mut local = scope.clone();
        if let Some(JsonKind::Object(members)) = vars.map(|v| &v.kind) {
            for m in members {
                if let Some(v) = self.resolve(&m.value, scope) {
                    local.insert(m.key.clone(), v);
                }
            }
        }
        let mut out = String::new();
        let mut placeholder = false;
        let mut rest = template.as_str();
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[i..]);
                rest = "";
                break;
            };
            let var = &after[..end];
            rest = &after[end + 1..];
            if let Some(lit) = var.strip_prefix('!') {
                out.push_str("${");
                out.push_str(lit);
                out.push('}');
                continue;
            }
            let value = if local.contains_key(var) || !var.contains('.') {
                self.reference(var, at, &local)
            } else {
                let (id, attr) = var.split_once('.').unwrap_or((var, ""));
                Some(self.attribute(id, attr, at))
            };
            // `AWS::NoValue` adds nothing.
            if let Some(v) = value {
                placeholder |= v.has_placeholder();
                match v.text() {
                    Some(t) => out.push_str(t),
                    None => {
                        placeholder = true;
                        out.push('*');
                    }
                }
            }
        }
        out.push_str(rest);
        made(out, at, placeholder)
    }

    // ----- resources --------------------------------------------------------------------

    /// A resource's physical name: its name property, or its logical id.
    fn physical(&mut self, r: &Res<'j>) -> (String, bool) {
        let key = match r.ty.as_str() {
            "AWS::IAM::Role" => "RoleName",
            "AWS::IAM::User" => "UserName",
            "AWS::IAM::Group" => "GroupName",
            "AWS::IAM::ManagedPolicy" => "ManagedPolicyName",
            "AWS::IAM::Policy" => "PolicyName",
            "AWS::Lambda::Function" | "AWS::Serverless::Function" => "FunctionName",
            "AWS::S3::Bucket" => "BucketName",
            "AWS::SNS::Topic" => "TopicName",
            "AWS::SQS::Queue" => "QueueName",
            "AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable" => "TableName",
            "AWS::Events::Rule" | "AWS::Kinesis::Stream" => "Name",
            "AWS::Logs::LogGroup" => "LogGroupName",
            "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine" => {
                "StateMachineName"
            }
            "AWS::Lambda::LayerVersion" | "AWS::Serverless::LayerVersion" => "LayerName",
            "AWS::Cognito::UserPool" => "UserPoolName",
            _ => "",
        };
        let prop = if key.is_empty() {
            None
        } else {
            self.prop(r, key)
        };
        if let Some(known) = self.named.get(&r.id) {
            return known.clone();
        }
        // A name that refers back to itself (`FunctionName: !GetAtt Other.Arn` where Other's
        // name refers to this one) is not known.
        if !self.naming.insert(r.id.clone()) {
            let at = prop.map_or(r.id_span, |p| p.span);
            self.placeholder(
                &format!("the name of `{}` (a circular reference)", r.id),
                at,
                None,
            );
            return ("*".to_string(), true);
        }
        let out = match prop.and_then(|p| self.resolve_str(p, &Scope::new())) {
            Some(v) => (v.text().unwrap_or("*").to_string(), v.has_placeholder()),
            None => (r.id.clone(), false),
        };
        self.naming.remove(&r.id);
        self.named.insert(r.id.clone(), out.clone());
        out
    }

    fn iam_path(&mut self, r: &Res<'j>, key: &str) -> String {
        self.prop(r, key)
            .and_then(|p| self.resolve_str(p, &Scope::new()))
            .and_then(|v| v.text().map(str::to_string))
            .unwrap_or_else(|| "/".into())
    }

    fn principal_arn(&mut self, r: &Res<'j>) -> (String, String, String) {
        let (name, _) = self.physical(r);
        let (kind, path_key) = match r.ty.as_str() {
            "AWS::IAM::User" => ("user", "Path"),
            "AWS::IAM::Group" => ("group", "Path"),
            _ => ("role", "Path"),
        };
        let path = self.iam_path(r, path_key);
        (
            format!(
                "arn:{}:iam::{}:{kind}{path}{name}",
                self.partition(),
                self.account()
            ),
            name,
            path,
        )
    }

    fn function_arn(&mut self, r: &Res<'j>) -> String {
        let (name, _) = self.physical(r);
        format!(
            "arn:{}:lambda:{}:{}:function:{name}",
            self.partition(),
            self.region(),
            self.account()
        )
    }

    /// The unqualified function ARN a `FunctionName` property names (resolved).
    fn function_of_prop(&mut self, r: &Res<'j>, key: &str) -> Option<V> {
        let p = self.prop(r, key)?;
        self.resolve_str(p, &Scope::new())
    }

    fn ref_of(&mut self, r: &Res<'j>, at: Span) -> V {
        let (p, reg, acct) = (self.partition(), self.region(), self.account());
        let (name, placeholder) = self.physical(r);
        let text = match r.ty.as_str() {
            "AWS::IAM::ManagedPolicy" => {
                let path = self.iam_path(r, "Path");
                format!("arn:{p}:iam::{acct}:policy{path}{name}")
            }
            "AWS::SNS::Topic" => format!("arn:{p}:sns:{reg}:{acct}:{name}"),
            "AWS::SQS::Queue" => format!("https://sqs.{reg}.amazonaws.com/{acct}/{name}"),
            "AWS::Lambda::Alias" | "AWS::Lambda::Version" => return self.qualifier_arn(r, at),
            "AWS::Lambda::LayerVersion" | "AWS::Serverless::LayerVersion" => {
                format!("arn:{p}:lambda:{reg}:{acct}:layer:{name}:{}", r.id)
            }
            "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine" => {
                format!("arn:{p}:states:{reg}:{acct}:stateMachine:{name}")
            }
            _ => name,
        };
        made(text, at, placeholder)
    }

    /// The ARN of an alias or version of the template.
    fn qualifier_arn(&mut self, r: &Res<'j>, at: Span) -> V {
        let key = format!("{}#qualifier", r.id);
        if !self.naming.insert(key.clone()) {
            return self.placeholder(
                &format!("the function of `{}` (a circular reference)", r.id),
                at,
                None,
            );
        }
        let function = self.function_of_prop(r, "FunctionName");
        self.naming.remove(&key);
        let Some(function) = function else {
            return self.placeholder("the function of this alias or version", at, None);
        };
        let (base, _) = function_target(function.text().unwrap_or("*"), &self.opts);
        let qualifier = if r.ty == "AWS::Lambda::Alias" {
            self.prop(r, "Name")
                .and_then(|n| self.resolve_str(n, &Scope::new()))
                .and_then(|v| v.text().map(str::to_string))
                .unwrap_or_else(|| r.id.clone())
        } else {
            r.id.clone()
        };
        made(
            qualified(&base, Some(&qualifier)),
            at,
            function.has_placeholder(),
        )
    }

    /// A resource SAM generates for a function, referred to by its logical id:
    /// `{Function}Role` (its execution role), `{Function}Alias{Name}` (its `AutoPublishAlias`),
    /// `{Function}.Alias`.
    fn sam_generated(&mut self, target: &str, attr: &str, at: Span) -> Option<V> {
        let functions: Vec<Res<'j>> = self
            .resources
            .values()
            .filter(|r| r.ty == "AWS::Serverless::Function")
            .cloned()
            .collect();
        for r in functions {
            let auto = self
                .prop(&r, "AutoPublishAlias")
                .and_then(|a| self.resolve_str(a, &Scope::new()))
                .and_then(|v| v.text().map(str::to_string));
            if target == format!("{}Role", r.id) && self.prop(&r, "Role").is_none() {
                let name = format!("{}Role", r.id);
                return Some(match attr {
                    "" => V::made(name, at),
                    "Arn" => {
                        let path = self
                            .prop(&r, "RolePath")
                            .and_then(|x| self.resolve_str(x, &Scope::new()))
                            .and_then(|v| v.text().map(str::to_string))
                            .unwrap_or_else(|| "/".into());
                        V::made(
                            format!(
                                "arn:{}:iam::{}:role{path}{name}",
                                self.partition(),
                                self.account()
                            ),
                            at,
                        )
                    }
                    _ => return None,
                });
            }
            let Some(alias) = auto else { continue };
            if attr.is_empty()
                && (target == format!("{}Alias{alias}", r.id)
                    || target == format!("{}.Alias", r.id))
            {
                let base = self.function_arn(&r);
                return Some(V::made(qualified(&base, Some(&alias)), at));
            }
        }
        None
    }

    fn attribute(&mut self, id: &str, attr: &str, at: Span) -> V {
        if !self.resources.contains_key(id) {
            if let Some(v) = self.sam_generated(id, attr, at) {
                return v;
            }
        }
        let Some(r) = self.resources.get(id).cloned() else {
            return self.placeholder(
                &format!("`{id}.{attr}` (not a resource of this template)"),
                at,
                None,
            );
        };
        let (p, reg, acct) = (self.partition(), self.region(), self.account());
        let (name, placeholder) = self.physical(&r);
        let text = match (r.ty.as_str(), attr) {
            ("AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group", "Arn") => {
                self.principal_arn(&r).0
            }
            ("AWS::IAM::ManagedPolicy", "PolicyArn") => {
                return self.ref_of(&r, at);
            }
            ("AWS::Lambda::Function" | "AWS::Serverless::Function", "Arn") => self.function_arn(&r),
            ("AWS::S3::Bucket", "Arn") => format!("arn:{p}:s3:::{name}"),
            ("AWS::S3::Bucket", "BucketName") => name,
            ("AWS::SNS::Topic", "TopicArn") => format!("arn:{p}:sns:{reg}:{acct}:{name}"),
            ("AWS::SNS::Topic", "TopicName") => name,
            ("AWS::SQS::Queue", "Arn") => format!("arn:{p}:sqs:{reg}:{acct}:{name}"),
            ("AWS::SQS::Queue", "QueueName") => name,
            ("AWS::SQS::Queue", "QueueUrl") => {
                format!("https://sqs.{reg}.amazonaws.com/{acct}/{name}")
            }
            ("AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable", "Arn") => {
                format!("arn:{p}:dynamodb:{reg}:{acct}:table/{name}")
            }
            ("AWS::DynamoDB::Table", "StreamArn") => {
                return made(
                    format!("arn:{p}:dynamodb:{reg}:{acct}:table/{name}/stream/*"),
                    at,
                    true,
                );
            }
            ("AWS::Events::Rule", "Arn") => format!("arn:{p}:events:{reg}:{acct}:rule/{name}"),
            ("AWS::Logs::LogGroup", "Arn") => {
                format!("arn:{p}:logs:{reg}:{acct}:log-group:{name}:*")
            }
            ("AWS::Kinesis::Stream", "Arn") => {
                format!("arn:{p}:kinesis:{reg}:{acct}:stream/{name}")
            }
            ("AWS::Cognito::UserPool", "Arn") => {
                format!("arn:{p}:cognito-idp:{reg}:{acct}:userpool/{}", r.id)
            }
            ("AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine", "Arn") => {
                format!("arn:{p}:states:{reg}:{acct}:stateMachine:{name}")
            }
            ("AWS::Lambda::Alias", "AliasArn") => return self.qualifier_arn(&r, at),
            _ => {
                return self.placeholder(
                    &format!("`{id}.{attr}` (known only after deployment)"),
                    at,
                    None,
                )
            }
        };
        made(text, at, placeholder)
    }

    // ----- reading ----------------------------------------------------------------------

    fn read(&mut self) {
        let all: Vec<Res<'j>> = self.resources.values().cloned().collect();
        // Resources whose `Condition` is false do not exist; each condition is decided once.
        let list: Vec<Res<'j>> = all.into_iter().filter(|r| self.exists(r)).collect();
        // Principals and functions first, so that policies and permissions find them.
        for r in &list {
            match r.ty.as_str() {
                "AWS::IAM::Role" | "AWS::IAM::User" => self.principal(r),
                "AWS::IAM::Group" => self.group(r),
                "AWS::Lambda::Function" => {
                    let arn = self.function_arn(r);
                    let tags = self.tags(r);
                    self.functions.insert(arn, (r.id.clone(), tags));
                }
                "AWS::Lambda::Alias" | "AWS::Lambda::Version" => {
                    let v = self.qualifier_arn(r, r.id_span);
                    if let Some(t) = v.text() {
                        self.functions
                            .insert(t.to_string(), (r.id.clone(), BTreeMap::new()));
                    }
                }
                "AWS::Serverless::Function" => self.sam_function(r),
                _ => {}
            }
        }
        for r in &list {
            match r.ty.as_str() {
                "AWS::IAM::Policy"
                | "AWS::IAM::RolePolicy"
                | "AWS::IAM::UserPolicy"
                | "AWS::IAM::GroupPolicy" => self.inline_policy(r),
                // After the principals: it attaches itself to those it names, in whatever order
                // the template lists them.
                "AWS::IAM::ManagedPolicy" => self.managed_policy(r),
                "AWS::IAM::UserToGroupAddition" => self.group_addition(r),
                "AWS::Lambda::Permission" => self.permission(r),
                "AWS::Lambda::LayerVersionPermission" => self.layer_permission(r),
                "AWS::Lambda::Url" => self.url(r),
                "AWS::S3::BucketPolicy" | "AWS::SNS::TopicPolicy" | "AWS::SQS::QueuePolicy" => {
                    self.service_policy(r)
                }
                "AWS::CloudFormation::Stack" | "AWS::Serverless::Application" => {
                    self.diags.push(note(
                        "iac-not-read",
                        format!("the nested stack `{}` is not read: give its template to airtight on its own", r.id),
                        r.id_span,
                    ));
                }
                "AWS::KMS::Key"
                | "AWS::SecretsManager::ResourcePolicy"
                | "AWS::ECR::Repository"
                | "AWS::Events::EventBusPolicy"
                | "AWS::ApiGateway::RestApi"
                | "AWS::Serverless::Api"
                | "AWS::Serverless::StateMachine"
                | "AWS::Lambda::ResourcePolicy" => {
                    self.diags.push(note(
                        "iac-not-read",
                        format!(
                            "`{}` ({}) may hold a policy; airtight does not read this type yet",
                            r.id, r.ty
                        ),
                        r.id_span,
                    ));
                }
                _ => {}
            }
        }
    }

    /// Whether a resource exists: no `Condition`, or one that is not known to be false.
    fn exists(&mut self, r: &Res<'j>) -> bool {
        let cond = obj(r.node).and_then(|f| member(f, "Condition"));
        let Some(c) = cond else { return true };
        let name = str_of(c).unwrap_or_default();
        match self.condition(&name, c.span) {
            Some(b) => b,
            None => {
                self.undecided.insert(r.id.clone(), c.span);
                self.diags.push(
                    note(
                        "iac-condition-unknown",
                        format!("the condition `{name}` cannot be decided here; `{}` is read as if it exists", r.id),
                        c.span,
                    )
                    .with_note("give the parameters it depends on with --param NAME=VALUE"),
                );
                true
            }
        }
    }

    fn tags(&mut self, r: &Res<'j>) -> BTreeMap<String, String> {
        let Some(t) = self.prop(r, "Tags") else {
            return BTreeMap::new();
        };
        let Some(v) = self.resolve(t, &Scope::new()) else {
            return BTreeMap::new();
        };
        let mut out = BTreeMap::new();
        match &v.kind {
            // SAM: a map.
            VK::Map(entries) => {
                for (k, _, v) in entries {
                    if let Some(t) = v.text() {
                        out.insert(k.clone(), t.to_string());
                    }
                }
            }
            VK::List(items) => {
                for i in items {
                    if let (Some(k), Some(v)) = (
                        i.get("Key").and_then(V::text),
                        i.get("Value").and_then(V::text),
                    ) {
                        out.insert(k.to_string(), v.to_string());
                    }
                }
            }
            _ => {}
        }
        out
    }

    fn principal(&mut self, r: &Res<'j>) {
        let (arn, name, path) = self.principal_arn(r);
        let kind = if r.ty == "AWS::IAM::User" {
            PrincipalType::User
        } else {
            PrincipalType::Role
        };
        let mut p = PrincipalM {
            arn: arn.clone(),
            name,
            path,
            kind: Some(kind),
            tags: self.tags(r),
            ..PrincipalM::default()
        };
        p.names.insert(r.id.clone());
        if kind == PrincipalType::Role {
            p.trust = self
                .prop(r, "AssumeRolePolicyDocument")
                .and_then(|d| self.resolve(d, &Scope::new()));
        }
        self.read_policies(r, &mut p);
        if let Some(groups) = self.prop(r, "Groups") {
            if let Some(v) = self.resolve(groups, &Scope::new()) {
                p.groups = v
                    .items()
                    .into_iter()
                    .filter_map(|g| g.text().map(str::to_string))
                    .collect();
            }
        }
        self.principals.insert(arn, p);
    }

    fn group(&mut self, r: &Res<'j>) {
        let (arn, name, path) = self.principal_arn(r);
        let mut g = PrincipalM {
            arn,
            name: name.clone(),
            path,
            ..PrincipalM::default()
        };
        g.names.insert(r.id.clone());
        self.read_policies(r, &mut g);
        self.groups.insert(name, g);
    }

    /// `Policies`, `ManagedPolicyArns` and `PermissionsBoundary` of a role, user or group.
    fn read_policies(&mut self, r: &Res<'j>, p: &mut PrincipalM) {
        if let Some(list) = self.prop(r, "Policies") {
            if let Some(v) = self.resolve(list, &Scope::new()) {
                for item in v.items() {
                    if let Some(doc) = item.get("PolicyDocument") {
                        p.inline.push(doc.clone());
                    }
                }
            }
        }
        if let Some(list) = self.prop(r, "ManagedPolicyArns") {
            if let Some(v) = self.resolve(list, &Scope::new()) {
                p.managed.extend(v.items().into_iter().cloned());
            }
        }
        if let Some(b) = self.prop(r, "PermissionsBoundary") {
            p.boundary = self.resolve_str(b, &Scope::new());
        }
    }

    fn managed_policy(&mut self, r: &Res<'j>) {
        let arn = self.ref_of(r, r.id_span);
        let Some(arn) = arn.text().map(str::to_string) else {
            return;
        };
        let doc = self
            .prop(r, "PolicyDocument")
            .and_then(|d| self.resolve(d, &Scope::new()));
        self.managed.insert(
            arn.clone(),
            ManagedM {
                id: r.id.clone(),
                doc,
            },
        );
        // Attached to the principals it names.
        let at = V::made(arn, r.id_span);
        self.attach(r, |p| p.managed.push(at.clone()));
    }

    /// Applies `f` to every role, user and group `r` names (`Roles`, `Users`, `Groups`, or
    /// `RoleName`, `UserName`, `GroupName`); a principal the template does not declare is
    /// added, with a note.
    fn attach(&mut self, r: &Res<'j>, f: impl Fn(&mut PrincipalM)) {
        for (list, one, kind) in [
            ("Roles", "RoleName", "role"),
            ("Users", "UserName", "user"),
            ("Groups", "GroupName", "group"),
        ] {
            let mut names: Vec<(String, Span)> = Vec::new();
            for key in [list, one] {
                if let Some(j) = self.prop(r, key) {
                    if let Some(v) = self.resolve(j, &Scope::new()) {
                        for i in v.items() {
                            if let Some(t) = i.text() {
                                names.push((t.to_string(), i.span));
                            }
                        }
                    }
                }
            }
            for (name, span) in names {
                let target = if kind == "group" {
                    if !self.groups.contains_key(&name) {
                        self.external(kind, &name, span, r);
                    }
                    self.groups.get_mut(&name)
                } else {
                    let found = self
                        .principals
                        .values()
                        .find(|p| p.name == name && p.kind == Some(principal_type(kind)))
                        .map(|p| p.arn.clone());
                    let arn = match found {
                        Some(a) => a,
                        None => self.external(kind, &name, span, r),
                    };
                    self.principals.get_mut(&arn)
                };
                if let Some(p) = target {
                    p.names.insert(r.id.clone());
                    f(p);
                }
            }
        }
    }

    /// A role, user or group a policy names that the template does not declare: it exists
    /// elsewhere; the policy is part of it all the same.
    fn external(&mut self, kind: &str, name: &str, span: Span, r: &Res<'j>) -> String {
        let arn = format!(
            "arn:{}:iam::{}:{kind}/{name}",
            self.partition(),
            self.account()
        );
        self.diags.push(note(
            "iac-external-principal",
            format!("`{}` attaches a policy to the {kind} `{name}`, which this template does not declare; it is read as `{arn}` with only the policies of this template", r.id),
            span,
        ));
        let p = PrincipalM {
            arn: arn.clone(),
            name: name.to_string(),
            path: "/".into(),
            kind: (kind != "group").then(|| principal_type(kind)),
            external: true,
            ..PrincipalM::default()
        };
        if kind == "group" {
            self.groups.insert(name.to_string(), p);
        } else {
            self.principals.insert(arn.clone(), p);
        }
        arn
    }

    fn inline_policy(&mut self, r: &Res<'j>) {
        let Some(doc) = self
            .prop(r, "PolicyDocument")
            .and_then(|d| self.resolve(d, &Scope::new()))
        else {
            return;
        };
        self.attach(r, |p| p.inline.push(doc.clone()));
    }

    fn group_addition(&mut self, r: &Res<'j>) {
        let group = self
            .prop(r, "GroupName")
            .and_then(|g| self.resolve_str(g, &Scope::new()))
            .and_then(|v| v.text().map(str::to_string));
        let users = self
            .prop(r, "Users")
            .and_then(|u| self.resolve(u, &Scope::new()));
        if let (Some(g), Some(users)) = (group, users) {
            for u in users.items() {
                if let Some(name) = u.text() {
                    for p in self.principals.values_mut() {
                        if p.name == name && p.kind == Some(PrincipalType::User) {
                            p.groups.push(g.clone());
                            p.names.insert(r.id.clone());
                        }
                    }
                }
            }
        }
    }

    /// The resource a `FunctionName` names, as the statement's `Resource` value.
    fn permission_target(&mut self, v: &V, qualifier: Option<&str>) -> (String, V) {
        let (base, q) = function_target(v.text().unwrap_or("*"), &self.opts);
        let arn = qualified(&base, qualifier.or(q.as_deref()));
        let resource = if v.text() == Some(arn.as_str()) {
            v.clone()
        } else {
            made(arn.clone(), v.span, v.has_placeholder())
        };
        (arn, resource)
    }

    fn permission(&mut self, r: &Res<'j>) {
        let get = |c: &mut Cfn<'j>, key: &str| {
            c.prop(r, key).and_then(|j| c.resolve_str(j, &Scope::new()))
        };
        let (Some(function), Some(action), Some(principal)) = (
            get(self, "FunctionName"),
            get(self, "Action"),
            get(self, "Principal"),
        ) else {
            self.diags.push(Diagnostic::error(
                "iac-bad-permission",
                format!("`{}` needs `FunctionName`, `Action` and `Principal`", r.id),
                r.id_span,
            ));
            return;
        };
        let (arn, resource) = self.permission_target(&function, None);
        let invoked = self
            .prop(r, "InvokedViaFunctionUrl")
            .and_then(|j| self.resolve(j, &Scope::new()));
        let permission = Permission {
            sid: r.id.clone(),
            at: r.id_span,
            action,
            principal,
            resource,
            source_arn: get(self, "SourceArn"),
            source_account: get(self, "SourceAccount"),
            principal_org_id: get(self, "PrincipalOrgID"),
            function_url_auth_type: get(self, "FunctionUrlAuthType"),
            event_source_token: get(self, "EventSourceToken"),
            invoked_via_function_url: invoked,
        };
        let statement = permission.statement(&self.partition());
        self.statements
            .entry(arn)
            .or_default()
            .push((r.id.clone(), statement));
    }

    fn layer_permission(&mut self, r: &Res<'j>) {
        let get = |c: &mut Cfn<'j>, key: &str| {
            c.prop(r, key).and_then(|j| c.resolve_str(j, &Scope::new()))
        };
        let (Some(layer), Some(action), Some(principal)) = (
            get(self, "LayerVersionArn"),
            get(self, "Action"),
            get(self, "Principal"),
        ) else {
            return;
        };
        let arn = layer.text().unwrap_or("*").to_string();
        let permission = Permission {
            sid: r.id.clone(),
            at: r.id_span,
            action,
            principal,
            resource: layer,
            source_arn: None,
            source_account: None,
            principal_org_id: get(self, "OrganizationId"),
            function_url_auth_type: None,
            event_source_token: None,
            invoked_via_function_url: None,
        };
        let statement = permission.statement(&self.partition());
        self.statements
            .entry(arn)
            .or_default()
            .push((r.id.clone(), statement));
    }

    fn url(&mut self, r: &Res<'j>) {
        let auth = self
            .prop(r, "AuthType")
            .and_then(|j| self.resolve_str(j, &Scope::new()));
        if auth.as_ref().and_then(V::text) == Some("NONE") {
            let at = auth.map_or(r.id_span, |a| a.span);
            self.diags.push(note(
                "iac-url-none",
                format!("`{}` is a function URL with `AuthType: NONE`: CloudFormation adds no permission for it, so callers get 403 unless an `AWS::Lambda::Permission` grants `lambda:InvokeFunctionUrl` to `*`; airtight models only the permissions the template declares", r.id),
                at,
            ));
        }
    }

    /// `AWS::S3::BucketPolicy`, `AWS::SNS::TopicPolicy`, `AWS::SQS::QueuePolicy`: the
    /// document as the resource-based policy of each bucket, topic or queue.
    fn service_policy(&mut self, r: &Res<'j>) {
        let Some(doc) = self
            .prop(r, "PolicyDocument")
            .and_then(|d| self.resolve(d, &Scope::new()))
        else {
            return;
        };
        let p = self.partition();
        let (reg, acct) = (self.region(), self.account());
        let targets: Vec<String> = match r.ty.as_str() {
            "AWS::S3::BucketPolicy" => self
                .prop(r, "Bucket")
                .and_then(|b| self.resolve_str(b, &Scope::new()))
                .and_then(|v| v.text().map(|b| format!("arn:{p}:s3:::{b}")))
                .into_iter()
                .collect(),
            "AWS::SNS::TopicPolicy" => self
                .prop(r, "Topics")
                .and_then(|t| self.resolve(t, &Scope::new()))
                .map(|v| {
                    v.items()
                        .into_iter()
                        .filter_map(|i| i.text().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            _ => self
                .prop(r, "Queues")
                .and_then(|t| self.resolve(t, &Scope::new()))
                .map(|v| {
                    v.items()
                        .into_iter()
                        .filter_map(|i| {
                            let url = i.text()?;
                            let name = url.rsplit('/').next()?;
                            Some(format!("arn:{p}:sqs:{reg}:{acct}:{name}"))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        };
        let VK::Map(_) = &doc.kind else { return };
        let statements = doc
            .get("Statement")
            .map(|s| s.items().into_iter().cloned().collect::<Vec<V>>())
            .unwrap_or_default();
        for t in targets {
            for s in &statements {
                self.statements
                    .entry(t.clone())
                    .or_default()
                    .push((r.id.clone(), s.clone()));
            }
        }
    }

    // ----- SAM --------------------------------------------------------------------------

    fn sam_function(&mut self, r: &Res<'j>) {
        let arn = self.function_arn(r);
        let tags = self.tags(r);
        self.functions.insert(arn.clone(), (r.id.clone(), tags));
        let alias = self
            .prop(r, "AutoPublishAlias")
            .and_then(|a| self.resolve_str(a, &Scope::new()))
            .and_then(|v| v.text().map(str::to_string));
        let target = match &alias {
            Some(a) => {
                let q = qualified(&arn, Some(a));
                self.functions
                    .insert(q.clone(), (format!("{}Alias{a}", r.id), BTreeMap::new()));
                q
            }
            None => arn.clone(),
        };
        if self.prop(r, "Role").is_none() {
            self.sam_role(r);
        }
        if let Some(events) = self.prop(r, "Events").and_then(obj) {
            for e in events {
                self.sam_event(r, &e.key, e.key_span, &e.value, &target);
            }
        }
        if let Some(url) = self.prop(r, "FunctionUrlConfig") {
            let auth = obj(url)
                .and_then(|u| member(u, "AuthType"))
                .and_then(|a| self.resolve_str(a, &Scope::new()));
            if auth.as_ref().and_then(V::text) == Some("NONE") {
                let at = auth.map_or(url.span, |a| a.span);
                let id = format!("{}UrlPublicPermissions", r.id);
                let statement = Permission {
                    sid: id.clone(),
                    at,
                    action: V::made("lambda:InvokeFunctionUrl", at),
                    principal: V::made("*", at),
                    resource: V::made(target.clone(), at),
                    source_arn: None,
                    source_account: None,
                    principal_org_id: None,
                    function_url_auth_type: Some(V::made("NONE", at)),
                    event_source_token: None,
                    invoked_via_function_url: None,
                }
                .statement(&self.partition());
                self.statements
                    .entry(target.clone())
                    .or_default()
                    .push((id, statement));
            }
        }
    }

    /// The execution role SAM creates (`{Function}Role`) when `Role` is not given.
    fn sam_role(&mut self, r: &Res<'j>) {
        let p = self.partition();
        let id = format!("{}Role", r.id);
        let path = self
            .prop(r, "RolePath")
            .and_then(|x| self.resolve_str(x, &Scope::new()))
            .and_then(|v| v.text().map(str::to_string))
            .unwrap_or_else(|| "/".into());
        let arn = format!("arn:{p}:iam::{}:role{path}{id}", self.account());
        let at = r.id_span;
        let trust = builtin_value(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}"#,
            at,
        );
        let mut role = PrincipalM {
            arn: arn.clone(),
            name: id.clone(),
            path,
            kind: Some(PrincipalType::Role),
            trust,
            tags: self.tags(r),
            ..PrincipalM::default()
        };
        role.names.insert(r.id.clone());
        let managed = |name: &str| V::made(format!("arn:{p}:iam::aws:policy/{name}"), empty(at));
        role.managed
            .push(managed("service-role/AWSLambdaBasicExecutionRole"));
        if self.prop(r, "VpcConfig").is_some() {
            role.managed
                .push(managed("service-role/AWSLambdaVPCAccessExecutionRole"));
        }
        if self
            .prop(r, "Tracing")
            .and_then(str_of)
            .is_some_and(|t| t == "Active")
        {
            role.managed.push(managed("AWSXRayDaemonWriteAccess"));
        }
        if let Some(events) = self.prop(r, "Events").and_then(obj) {
            for e in events {
                let ty = obj(&e.value)
                    .and_then(|f| member(f, "Type"))
                    .and_then(str_of)
                    .unwrap_or_default();
                let policy = match ty.as_str() {
                    "SQS" => Some("service-role/AWSLambdaSQSQueueExecutionRole"),
                    "Kinesis" => Some("service-role/AWSLambdaKinesisExecutionRole"),
                    "DynamoDB" => Some("service-role/AWSLambdaDynamoDBExecutionRole"),
                    _ => None,
                };
                if let Some(name) = policy {
                    role.managed.push(managed(name));
                }
            }
        }
        if let Some(b) = self.prop(r, "PermissionsBoundary") {
            role.boundary = self.resolve_str(b, &Scope::new());
        }
        if let Some(policies) = self.prop(r, "Policies") {
            let items: Vec<&Json> = match &policies.kind {
                JsonKind::Array(items) => items.iter().collect(),
                _ => vec![policies],
            };
            for item in items {
                self.sam_policy(item, &mut role);
            }
        }
        self.principals.insert(arn, role);
    }

    /// One entry of SAM `Policies`: a managed policy name or ARN, an inline document, or a
    /// policy template.
    fn sam_policy(&mut self, item: &Json, role: &mut PrincipalM) {
        let p = self.partition();
        if let Some(members) = obj(item) {
            if let [m] = members {
                if let Some((name, param, statements)) =
                    SAM_TEMPLATES.iter().find(|(n, _, _)| *n == m.key)
                {
                    let mut scope = Scope::new();
                    if !param.is_empty() {
                        let value = obj(&m.value)
                            .and_then(|f| member(f, param))
                            .and_then(|v| self.resolve_str(v, &Scope::new()))
                            .unwrap_or_else(|| {
                                self.placeholder(
                                    &format!("the `{param}` of `{name}`"),
                                    m.value.span,
                                    None,
                                )
                            });
                        scope.insert("P".into(), value);
                    }
                    let Some(list) = builtin_value(statements, m.key_span) else {
                        return;
                    };
                    // The template's strings are `Fn::Sub` patterns.
                    let subbed: Vec<V> = list
                        .items()
                        .into_iter()
                        .map(|s| self.sub_all(s, &scope))
                        .collect();
                    role.inline.push(V::map(
                        vec![
                            ("Version", V::made("2012-10-17", empty(m.key_span))),
                            ("Statement", V::list(subbed, m.key_span)),
                        ],
                        m.key_span,
                    ));
                    return;
                }
                if m.key != "Statement"
                    && m.key != "Version"
                    && !m.key.starts_with("Fn::")
                    && m.key != "Ref"
                {
                    role.managed.push(V::made(
                        format!("sam-policy-template:{}", m.key),
                        m.key_span,
                    ));
                    return;
                }
            }
            if member(members, "Statement").is_some() {
                if let Some(doc) = self.resolve(item, &Scope::new()) {
                    role.inline.push(doc);
                }
                return;
            }
        }
        let Some(v) = self.resolve_str(item, &Scope::new()) else {
            return;
        };
        let text = v.text().unwrap_or("*").to_string();
        if text.starts_with("arn:") || v.has_placeholder() {
            role.managed.push(v);
        } else {
            role.managed.push(made(
                format!("arn:{p}:iam::aws:policy/{text}"),
                v.span,
                false,
            ));
        }
    }

    /// Every string of a built-in value read as an `Fn::Sub` pattern in `scope`.
    fn sub_all(&mut self, v: &V, scope: &Scope) -> V {
        match &v.kind {
            VK::Str(s) => {
                let j = Json {
                    kind: JsonKind::String(s.s.clone()),
                    span: v.span,
                };
                self.sub(&j, v.span, scope)
            }
            VK::List(items) => V::list(
                items.iter().map(|i| self.sub_all(i, scope)).collect(),
                v.span,
            ),
            VK::Map(entries) => V {
                kind: VK::Map(
                    entries
                        .iter()
                        .map(|(k, ks, x)| (k.clone(), *ks, self.sub_all(x, scope)))
                        .collect(),
                ),
                span: v.span,
            },
            _ => v.clone(),
        }
    }

    /// The permission a SAM event source creates (from SAM's event sources): the principal,
    /// and `SourceArn` or `SourceAccount` as SAM writes them.
    fn sam_event(&mut self, r: &Res<'j>, name: &str, at: Span, event: &Json, target: &str) {
        let Some(fields) = obj(event) else { return };
        let ty = member(fields, "Type").and_then(str_of).unwrap_or_default();
        let props = member(fields, "Properties").and_then(obj).unwrap_or(&[]);
        let get = |c: &mut Cfn<'j>, key: &str| {
            member(props, key).and_then(|j| c.resolve_str(j, &Scope::new()))
        };
        let (p, reg, acct) = (self.partition(), self.region(), self.account());
        let mut id = format!("{}{name}Permission", r.id);
        let mut source_arn = None;
        let mut source_account = None;
        let mut token = None;
        let principal = match ty.as_str() {
            "S3" => {
                source_account = Some(V::made(acct.clone(), at));
                "s3.amazonaws.com"
            }
            "SNS" => {
                if member(props, "SqsSubscription").is_some() {
                    self.diags.push(note(
                        "iac-sam-event",
                        format!("the event `{name}` delivers through an SQS queue the function polls: no permission on the function"),
                        at,
                    ));
                    return;
                }
                source_arn = get(self, "Topic");
                "sns.amazonaws.com"
            }
            "Api" | "HttpApi" => {
                let implicit = if ty == "Api" {
                    "ServerlessRestApi"
                } else {
                    "ServerlessHttpApi"
                };
                let api_key = if ty == "Api" { "RestApiId" } else { "ApiId" };
                let api = get(self, api_key).unwrap_or_else(|| V::made(implicit, at));
                let method = get(self, "Method")
                    .and_then(|m| m.text().map(str::to_string))
                    .unwrap_or_else(|| "ANY".into());
                let method = if method.eq_ignore_ascii_case("any") {
                    "*".to_string()
                } else {
                    method.to_ascii_uppercase()
                };
                let path = get(self, "Path").and_then(|m| m.text().map(str::to_string));
                let path = match path {
                    Some(path) => api_path(&path),
                    None => String::new(),
                };
                if ty == "Api" {
                    id.push_str("Prod");
                }
                source_arn = Some(made(
                    format!(
                        "arn:{p}:execute-api:{reg}:{acct}:{}/*/{method}{path}",
                        api.text().unwrap_or("*")
                    ),
                    at,
                    api.has_placeholder(),
                ));
                "apigateway.amazonaws.com"
            }
            "Schedule" | "CloudWatchEvent" | "EventBridgeRule" => {
                let rule = get(self, "Name")
                    .or_else(|| get(self, "RuleName"))
                    .and_then(|v| v.text().map(str::to_string))
                    .unwrap_or_else(|| format!("{}{name}", r.id));
                source_arn = Some(V::made(
                    format!("arn:{p}:events:{reg}:{acct}:rule/{rule}"),
                    at,
                ));
                "events.amazonaws.com"
            }
            "CloudWatchLogs" => {
                let group = get(self, "LogGroupName");
                source_arn = Some(made(
                    format!(
                        "arn:{p}:logs:{reg}:{acct}:log-group:{}:*",
                        group.as_ref().and_then(V::text).unwrap_or("*")
                    ),
                    at,
                    group.as_ref().is_none_or(V::has_placeholder),
                ));
                "logs.amazonaws.com"
            }
            "IoTRule" => {
                source_arn = Some(V::made(
                    format!("arn:{p}:iot:{reg}:{acct}:rule/{}{name}", r.id),
                    at,
                ));
                source_account = Some(V::made(acct.clone(), at));
                "iot.amazonaws.com"
            }
            "AlexaSkill" => {
                token = get(self, "SkillId");
                "alexa-appkit.amazon.com"
            }
            "Cognito" => {
                id = format!("{}Cognito{name}Permission", r.id);
                source_arn = member(props, "UserPool").map(|u| {
                    match obj(u).and_then(|f| member(f, "Ref")).and_then(str_of) {
                        Some(pool) => self.attribute(&pool, "Arn", at),
                        None => self.placeholder("this user pool", u.span, None),
                    }
                });
                "cognito-idp.amazonaws.com"
            }
            t if POLLED.contains(&t) => {
                self.diags.push(note(
                    "iac-sam-event",
                    format!("the event `{name}` ({t}) is read by a poller with the function's execution role: no permission on the function"),
                    at,
                ));
                return;
            }
            other => {
                self.diags.push(note(
                    "iac-sam-event",
                    format!("the event `{name}` of type `{other}` is not modelled: any permission SAM creates for it is not in the world"),
                    at,
                ));
                return;
            }
        };
        let statement = Permission {
            sid: id.clone(),
            at,
            action: V::made("lambda:InvokeFunction", at),
            principal: V::made(principal, at),
            resource: V::made(target.to_string(), at),
            source_arn,
            source_account,
            principal_org_id: None,
            function_url_auth_type: None,
            event_source_token: token,
            invoked_via_function_url: None,
        }
        .statement(&p);
        self.statements
            .entry(target.to_string())
            .or_default()
            .push((id, statement));
    }

    // ----- the world --------------------------------------------------------------------

    fn assemble(&mut self) -> IacWorld {
        let mut out = IacWorld::default();
        let account_id = self.account();
        let file = self.file;
        let mut account = Account {
            id: account_id.clone(),
            ..Account::default()
        };
        let principals = std::mem::take(&mut self.principals);
        let groups = std::mem::take(&mut self.groups);
        for p in principals.values() {
            let mut identity = Vec::new();
            let mut problems = Vec::new();
            let mut unknown: BTreeMap<String, Span> = BTreeMap::new();
            let mut sources: Vec<&PrincipalM> = vec![p];
            for g in &p.groups {
                match groups.get(g) {
                    Some(group) => sources.push(group),
                    None => {
                        unknown.insert(format!("group `{g}`"), Span::default());
                        problems.push(format!("the group `{g}` is not in the template"));
                    }
                }
            }
            for src in &sources {
                for (i, doc) in src.inline.iter().enumerate() {
                    out.note_unknowns(
                        &p.arn,
                        &format!("{} inline {i}", src.arn),
                        doc,
                        &self.guessed,
                    );
                    match policy_from(doc, PolicyKind::Identity, file, &mut self.diags) {
                        Some(policy) => identity.push(policy),
                        None => problems.push("an inline policy has errors".into()),
                    }
                }
                for m in &src.managed {
                    self.note_managed_unknowns(&mut out, &p.arn, m);
                    match self.managed_document(m) {
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
                self.note_managed_unknowns(&mut out, &p.arn, b);
            }
            let boundary = p
                .boundary
                .as_ref()
                .and_then(|b| match self.managed_document(b) {
                    Ok(policy) => policy,
                    Err(arn) => {
                        unknown.insert(format!("{arn} (permissions boundary)"), b.span);
                        problems.push(format!("the boundary `{arn}` is not known"));
                        None
                    }
                });
            let trust = p.trust.as_ref().map(|trust| {
                out.note_unknowns(&p.arn, "trust", trust, &self.guessed);
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
            let _ = p.external;
        }
        for (arn, (id, tags)) in &self.functions {
            out.name(arn, id);
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
        let statements = std::mem::take(&mut self.statements);
        add_resource_policies(
            &mut out,
            &account_id,
            statements,
            file,
            &mut self.diags,
            &self.guessed,
        );
        // What a resource read as existing, though its `Condition` could not be decided, is
        // part of is not known.
        let named: Vec<(String, String)> = out
            .names
            .iter()
            .flat_map(|(arn, ids)| ids.iter().map(move |id| (arn.clone(), id.clone())))
            .collect();
        for (arn, id) in named {
            if let Some(span) = self.undecided.get(&id) {
                out.unknowns
                    .entry(arn)
                    .or_default()
                    .push((format!("Condition of {id}"), *span));
            }
        }
        // A qualifier's tags are its function's.
        if let Some(account) = out.world.accounts.get_mut(&account_id) {
            let tagged: Vec<(String, BTreeMap<String, String>)> = self
                .functions
                .iter()
                .filter(|(_, (_, t))| !t.is_empty())
                .map(|(a, (_, t))| (a.clone(), t.clone()))
                .collect();
            for (base, tags) in tagged {
                let prefix = format!("{base}:");
                for r in account.resources.values_mut() {
                    if r.arn.starts_with(&prefix) && r.tags.is_empty() {
                        r.tags = tags.clone();
                    }
                }
            }
        }
        out
    }

    /// Records the placeholders of the template's managed policy `arn` names, for `principal`.
    fn note_managed_unknowns(&self, out: &mut IacWorld, principal: &str, arn: &V) {
        if let Some(doc) = arn
            .text()
            .and_then(|t| self.managed.get(t))
            .and_then(|m| m.doc.as_ref())
        {
            let place = format!("managed {}", arn.text().unwrap_or("*"));
            out.note_unknowns(principal, &place, doc, &self.guessed);
        }
    }

    /// The document of an attached managed policy: the template's, or one airtight knows.
    /// `Err(arn)` when its statements are not known.
    fn managed_document(&mut self, arn: &V) -> Result<Option<Policy>, String> {
        let text = arn.text().unwrap_or("*").to_string();
        if let Some(m) = self.managed.get(&text) {
            let _ = &m.id;
            let doc = m.doc.clone();
            return Ok(
                doc.and_then(|d| policy_from(&d, PolicyKind::Identity, self.file, &mut self.diags))
            );
        }
        if let Some(builtin) = known_managed_policy(&text).and_then(|t| builtin_value(t, arn.span))
        {
            return Ok(policy_from(
                &builtin,
                PolicyKind::Identity,
                self.file,
                &mut self.diags,
            ));
        }
        Err(text)
    }
}

fn principal_type(kind: &str) -> PrincipalType {
    if kind == "user" {
        PrincipalType::User
    } else {
        PrincipalType::Role
    }
}

/// A SAM API path as its permission names it: no trailing slash, path parameters as `*`.
fn api_path(path: &str) -> String {
    let trimmed = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    let mut out = String::new();
    let mut rest = trimmed;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        match rest[i..].find('}') {
            Some(j) => {
                out.push('*');
                rest = &rest[i + j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    if out == "/" {
        // SAM writes the root path as `/`.
        out
    } else {
        out
    }
}

fn made(text: String, at: Span, placeholder: bool) -> V {
    let mut v = V::made(text, at);
    if let VK::Str(s) = &mut v.kind {
        s.placeholder = placeholder;
    }
    v
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
    use crate::load::yaml;

    fn world(src: &str) -> (IacWorld, Vec<Diagnostic>) {
        let doc = yaml::parse(src, FileId(0)).expect("yaml");
        let mut diags = Vec::new();
        let w = template_world(&doc, FileId(0), &IacOptions::default(), &mut diags);
        (w, diags)
    }

    const F: &str = "arn:aws:lambda:us-east-1:123456789012:function:thumbs";

    #[test]
    fn a_permission_is_the_statement_add_permission_writes() {
        let (w, diags) = world(
            "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      FunctionName: thumbs\n  FnPerm:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: !GetAtt Fn.Arn\n      Action: lambda:InvokeFunction\n      Principal: s3.amazonaws.com\n      SourceAccount: !Ref AWS::AccountId\n      SourceArn: !Sub arn:${AWS::Partition}:s3:::uploads\n",
        );
        assert!(!diags.iter().any(Diagnostic::is_error), "{diags:?}");
        let r = &w.world.accounts["123456789012"].resources[F];
        let p = r.policy.as_ref().expect("policy");
        assert_eq!(p.statements.len(), 1);
        let s = &p.statements[0];
        assert_eq!(s.sid.as_ref().map(|x| x.value.as_str()), Some("FnPerm"));
        assert_eq!(s.conditions.len(), 2);
        assert!(w.names[F].contains("FnPerm"));
    }

    #[test]
    fn unknown_values_are_placeholders_with_a_note() {
        let (w, diags) = world(
            "Parameters:\n  Partner: {Type: String}\nResources:\n  P:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: thumbs:live\n      Action: lambda:InvokeFunction\n      Principal: !Ref Partner\n",
        );
        assert!(diags.iter().any(|d| d.code == "iac-placeholder"));
        let r = &w.world.accounts["123456789012"].resources[&format!("{F}:live")];
        assert!(r.policy.is_some());
    }

    #[test]
    fn sam_functions_get_their_role_events_and_url() {
        let (w, diags) = world(
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  Thumbs:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: thumbs\n      AutoPublishAlias: live\n      FunctionUrlConfig: {AuthType: NONE}\n      Policies:\n        - S3ReadPolicy: {BucketName: uploads}\n      Events:\n        Up:\n          Type: S3\n          Properties: {Bucket: !Ref B, Events: s3:ObjectCreated:*}\n        Q:\n          Type: SQS\n          Properties: {Queue: x}\n  B:\n    Type: AWS::S3::Bucket\n",
        );
        assert!(!diags.iter().any(Diagnostic::is_error), "{diags:?}");
        let a = &w.world.accounts["123456789012"];
        let alias = &a.resources[&format!("{F}:live")];
        let p = alias.policy.as_ref().expect("alias policy");
        assert_eq!(p.statements.len(), 2);
        let role = &a.principals["arn:aws:iam::123456789012:role/ThumbsRole"];
        assert_eq!(role.identity.len(), 3, "basic, SQS, S3ReadPolicy");
        assert!(role.problems.is_empty(), "{:?}", role.problems);
    }

    #[test]
    fn api_paths() {
        assert_eq!(api_path("/items/{id}/"), "/items/*");
        assert_eq!(api_path("/"), "/");
        assert_eq!(api_path("/{proxy+}"), "/*");
    }
}
