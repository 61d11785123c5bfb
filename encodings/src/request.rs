//! The request model — a public contract:
//!
//! ```json
//! { "principal": "arn:aws:iam::123456789012:role/app",
//!   "action": "lambda:InvokeFunction",
//!   "resource": "arn:aws:lambda:us-west-2:123456789012:function:my-function:prod",
//!   "resource_account": "123456789012",
//!   "context": { "aws:SourceVpc": "vpc-1", "aws:TagKeys": ["a", "b"] } }
//! ```
//! `principal` is optional (default: a role in the resource's account); a service principal is
//! its service name (`s3.amazonaws.com`); `resource_account` defaults to the ARN's account
//! field. `outside_caller` (default: both `true`) says what the caller's own account decides when
//! the policies given do not describe that account (see [`Request::outside`]):
//! `{"identity_allows": true, "limits_allow": true}`. A JSON list in `context` is a multivalued key; numbers and booleans may be JSON
//! numbers/booleans or strings.

use std::collections::BTreeMap;

use crate::arn::Arn;
use crate::diagnostic::Diagnostic;
use crate::json::{self, Json, JsonKind};
use crate::span::{FileId, Span};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Request {
    /// The principal as written (an ARN, a service name, or `anonymous`).
    pub principal: String,
    pub action: String,
    pub resource: String,
    /// The account that owns the resource (`""` when unknown, e.g. an S3 ARN with no account
    /// and none given).
    pub resource_account: String,
    /// Keyed by the lower-cased key name.
    pub context: BTreeMap<String, ContextEntry>,
    /// For a caller of an account the policies do not describe (a principal of another
    /// account): what that account's own policies decide. AWS decides it in the caller's
    /// account, which airtight cannot see; the default is "they may allow anything". Ignored
    /// for callers the policies describe.
    pub outside: OutsideCaller,
}

/// What the policies of an account airtight does not see decide for its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OutsideCaller {
    /// Its identity-based policies allow the request (and nothing there denies it).
    pub identity_allows: bool,
    /// Its permissions boundary and session policy allow the request (they limit a role
    /// session even when a resource-based policy names the role).
    pub limits_allow: bool,
}

impl Default for OutsideCaller {
    fn default() -> OutsideCaller {
        OutsideCaller {
            identity_allows: true,
            limits_allow: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContextEntry {
    /// The key as written.
    pub written: String,
    pub value: ContextValue,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContextValue {
    Single(String),
    Multi(Vec<String>),
}

/// What kind of caller a request's principal string denotes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalKind {
    /// `arn:aws:iam::ID:root`.
    AccountRoot {
        account: String,
    },
    /// `arn:aws:iam::ID:role/path/name`: a session of that role, session name unknown.
    Role {
        account: String,
        role_arn: String,
    },
    /// `arn:aws:sts::ID:assumed-role/name/session`.
    AssumedRole {
        account: String,
        role_arn: String,
    },
    /// `arn:aws:iam::ID:user/path/name`.
    User {
        account: String,
        name: String,
    },
    /// `arn:aws:sts::ID:federated-user/name`.
    FederatedUser {
        account: String,
    },
    /// A service principal such as `s3.amazonaws.com`.
    Service {
        name: String,
    },
    Anonymous,
}

impl PrincipalKind {
    /// Classifies a principal string. Anything that is not an IAM/STS ARN, `anonymous` or `*`
    /// is a service principal name.
    pub fn of(principal: &str) -> PrincipalKind {
        Caller::of(principal).to_kind()
    }

    /// The principal's own account (IAM principals only).
    pub fn account(&self) -> Option<&str> {
        match self {
            PrincipalKind::AccountRoot { account }
            | PrincipalKind::Role { account, .. }
            | PrincipalKind::AssumedRole { account, .. }
            | PrincipalKind::User { account, .. }
            | PrincipalKind::FederatedUser { account } => Some(account),
            PrincipalKind::Service { .. } | PrincipalKind::Anonymous => None,
        }
    }
}

/// What kind of caller a principal string denotes, borrowed from the string: what
/// [`PrincipalKind`] holds, without allocating. The evaluator asks it of every request; an
/// assumed role's role ARN, which is not a substring of the principal, is written only when
/// asked for ([`Caller::role_arn`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller<'a> {
    AccountRoot {
        account: &'a str,
    },
    Role {
        account: &'a str,
        role_arn: &'a str,
    },
    /// `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    AssumedRole {
        partition: &'a str,
        account: &'a str,
        role: &'a str,
    },
    User {
        account: &'a str,
        name: &'a str,
    },
    FederatedUser {
        account: &'a str,
    },
    Service {
        name: &'a str,
    },
    Anonymous,
}

impl<'a> Caller<'a> {
    /// Classifies a principal string (see [`PrincipalKind::of`]).
    pub fn of(principal: &'a str) -> Caller<'a> {
        if principal == "anonymous" || principal == "*" {
            return Caller::Anonymous;
        }
        let Some(Arn {
            partition,
            service,
            account,
            resource: rest,
            ..
        }) = Arn::parse(principal)
        else {
            return Caller::Service { name: principal };
        };
        match (service, rest.split_once('/')) {
            ("iam", None) if rest == "root" => Caller::AccountRoot { account },
            ("iam", Some(("role", _))) => Caller::Role {
                account,
                role_arn: principal,
            },
            ("iam", Some(("user", path))) => Caller::User {
                name: path.rsplit('/').next().unwrap_or(path),
                account,
            },
            ("sts", Some(("assumed-role", path))) => Caller::AssumedRole {
                partition,
                account,
                role: path.split('/').next().unwrap_or(path),
            },
            ("sts", Some(("federated-user", _))) => Caller::FederatedUser { account },
            _ => Caller::Service { name: principal },
        }
    }

    /// The principal's own account (IAM principals only).
    pub fn account(self) -> Option<&'a str> {
        match self {
            Caller::AccountRoot { account }
            | Caller::Role { account, .. }
            | Caller::AssumedRole { account, .. }
            | Caller::User { account, .. }
            | Caller::FederatedUser { account } => Some(account),
            Caller::Service { .. } | Caller::Anonymous => None,
        }
    }

    /// The role ARN of a role or of a role session (`arn:PARTITION:iam::ACCOUNT:role/ROLE`).
    pub fn role_arn(self) -> Option<std::borrow::Cow<'a, str>> {
        match self {
            Caller::Role { role_arn, .. } => Some(std::borrow::Cow::Borrowed(role_arn)),
            Caller::AssumedRole {
                partition,
                account,
                role,
            } => Some(std::borrow::Cow::Owned(format!(
                "arn:{partition}:iam::{account}:role/{role}"
            ))),
            _ => None,
        }
    }

    /// The owned form.
    pub fn to_kind(self) -> PrincipalKind {
        let owned = |s: &str| s.to_string();
        match self {
            Caller::AccountRoot { account } => PrincipalKind::AccountRoot {
                account: owned(account),
            },
            Caller::Role { account, role_arn } => PrincipalKind::Role {
                account: owned(account),
                role_arn: owned(role_arn),
            },
            Caller::AssumedRole { account, .. } => PrincipalKind::AssumedRole {
                account: owned(account),
                role_arn: self.role_arn().map(|a| a.into_owned()).unwrap_or_default(),
            },
            Caller::User { account, name } => PrincipalKind::User {
                account: owned(account),
                name: owned(name),
            },
            Caller::FederatedUser { account } => PrincipalKind::FederatedUser {
                account: owned(account),
            },
            Caller::Service { name } => PrincipalKind::Service { name: owned(name) },
            Caller::Anonymous => PrincipalKind::Anonymous,
        }
    }
}

/// Condition keys the evaluator derives from the principal and resource when the request's
/// context does not give them (lower-cased names).
pub const DERIVED_KEYS: [&str; 7] = [
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:principalisawsservice",
    "aws:principalservicename",
    "aws:resourceaccount",
    "aws:username",
];

impl Request {
    /// Builds a request, defaulting `resource_account` to the ARN's account field.
    pub fn new(
        principal: Option<&str>,
        action: &str,
        resource: &str,
        resource_account: Option<&str>,
    ) -> Request {
        let resource_account = resource_account.map(str::to_string).unwrap_or_else(|| {
            Arn::parse(resource)
                .map(|a| a.account.to_string())
                .unwrap_or_default()
        });
        let principal = principal.map(str::to_string).unwrap_or_else(|| {
            let account = if resource_account.is_empty() {
                "123456789012"
            } else {
                &resource_account
            };
            format!("arn:aws:iam::{account}:role/caller")
        });
        Request {
            principal,
            action: action.to_string(),
            resource: resource.to_string(),
            resource_account,
            context: BTreeMap::new(),
            outside: OutsideCaller::default(),
        }
    }

    pub fn with(mut self, key: &str, value: ContextValue) -> Request {
        self.context.insert(
            key.to_ascii_lowercase(),
            ContextEntry {
                written: key.to_string(),
                value,
            },
        );
        self
    }

    pub fn kind(&self) -> PrincipalKind {
        PrincipalKind::of(&self.principal)
    }

    /// The caller, borrowed from the principal string.
    pub fn caller(&self) -> Caller<'_> {
        Caller::of(&self.principal)
    }

    /// The value of a derived key, computed from principal and resource.
    pub fn derived(&self, key: &str) -> Option<ContextValue> {
        self.derived_for(self.caller(), key)
    }

    /// [`Request::derived`] with the caller already worked out (`caller` must be
    /// [`Request::caller`]).
    pub fn derived_for(&self, caller: Caller<'_>, key: &str) -> Option<ContextValue> {
        let single = |s: &str| Some(ContextValue::Single(s.to_string()));
        match key {
            "aws:principalarn" => match caller {
                Caller::Role { .. } | Caller::AssumedRole { .. } => caller
                    .role_arn()
                    .map(|a| ContextValue::Single(a.into_owned())),
                Caller::AccountRoot { .. } | Caller::User { .. } | Caller::FederatedUser { .. } => {
                    single(&self.principal)
                }
                _ => None,
            },
            "aws:principalaccount" => match caller {
                Caller::Anonymous => single("anonymous"),
                c => c.account().and_then(single),
            },
            "aws:principaltype" => match caller {
                Caller::AccountRoot { .. } => single("Account"),
                Caller::Role { .. } | Caller::AssumedRole { .. } => single("AssumedRole"),
                Caller::User { .. } => single("User"),
                Caller::FederatedUser { .. } => single("FederatedUser"),
                Caller::Anonymous => single("Anonymous"),
                Caller::Service { .. } => None,
            },
            "aws:principalisawsservice" => match caller {
                Caller::Anonymous => None,
                Caller::Service { .. } => single("true"),
                _ => single("false"),
            },
            "aws:principalservicename" => match caller {
                Caller::Service { name } => single(name),
                _ => None,
            },
            "aws:resourceaccount" => (!self.resource_account.is_empty())
                .then(|| ContextValue::Single(self.resource_account.clone())),
            "aws:username" => match caller {
                Caller::User { name, .. } => single(name),
                _ => None,
            },
            _ => None,
        }
    }

    /// The value of a context key (lower-cased name): as given, else derived.
    pub fn value(&self, key: &str) -> Option<std::borrow::Cow<'_, ContextValue>> {
        self.value_for(self.caller(), key)
    }

    /// [`Request::value`] with the caller already worked out.
    pub fn value_for(
        &self,
        caller: Caller<'_>,
        key: &str,
    ) -> Option<std::borrow::Cow<'_, ContextValue>> {
        match self.context.get(key) {
            Some(e) => Some(std::borrow::Cow::Borrowed(&e.value)),
            None => self.derived_for(caller, key).map(std::borrow::Cow::Owned),
        }
    }

    /// The single value of a key, for policy variables (multivalued keys cannot be variables).
    pub fn single(&self, key: &str) -> Option<std::borrow::Cow<'_, str>> {
        self.single_for(self.caller(), key)
    }

    /// [`Request::single`] with the caller already worked out.
    pub fn single_for(&self, caller: Caller<'_>, key: &str) -> Option<std::borrow::Cow<'_, str>> {
        match self.context.get(key) {
            Some(ContextEntry {
                value: ContextValue::Single(s),
                ..
            }) => Some(std::borrow::Cow::Borrowed(s.as_str())),
            Some(_) => None,
            None => match self.derived_for(caller, key) {
                Some(ContextValue::Single(s)) => Some(std::borrow::Cow::Owned(s)),
                _ => None,
            },
        }
    }

    /// The request as the JSON of the public contract (keys in a stable order).
    pub fn to_json(&self) -> serde_json::Value {
        let mut ctx = serde_json::Map::new();
        for e in self.context.values() {
            let v = match &e.value {
                ContextValue::Single(s) => serde_json::Value::String(s.clone()),
                ContextValue::Multi(vs) => serde_json::Value::Array(
                    vs.iter().cloned().map(serde_json::Value::String).collect(),
                ),
            };
            ctx.insert(e.written.clone(), v);
        }
        let mut m = serde_json::Map::new();
        m.insert("principal".into(), self.principal.clone().into());
        m.insert("action".into(), self.action.clone().into());
        m.insert("resource".into(), self.resource.clone().into());
        m.insert(
            "resource_account".into(),
            self.resource_account.clone().into(),
        );
        m.insert("context".into(), serde_json::Value::Object(ctx));
        if self.outside != OutsideCaller::default() {
            m.insert(
                "outside_caller".into(),
                serde_json::json!({
                    "identity_allows": self.outside.identity_allows,
                    "limits_allow": self.outside.limits_allow,
                }),
            );
        }
        serde_json::Value::Object(m)
    }
}

/// Parses a request file. All problems are reported at once.
pub fn parse_request(src: &str, file: FileId) -> Result<Request, Vec<Diagnostic>> {
    let value = json::parse(src, file).map_err(|d| vec![d])?;
    let mut diags = json::duplicate_keys(&value);
    let JsonKind::Object(members) = &value.kind else {
        return Err(vec![Diagnostic::error(
            "invalid-request",
            "a request must be a JSON object",
            value.span,
        )]);
    };
    let mut fields: BTreeMap<&str, &Json> = BTreeMap::new();
    for m in members {
        match m.key.as_str() {
            "principal" | "action" | "resource" | "resource_account" | "context"
            | "outside_caller" => {
                fields.insert(m.key.as_str(), &m.value);
            }
            other => diags.push(
                Diagnostic::error("invalid-request", format!("unknown request field `{other}`"), m.key_span)
                    .with_note("a request has `principal`, `action`, `resource`, `resource_account`, `context` and `outside_caller`"),
            ),
        }
    }
    let text = |name: &str, required: bool, diags: &mut Vec<Diagnostic>| -> Option<String> {
        match fields.get(name).map(|v| (&v.kind, v.span)) {
            Some((JsonKind::String(s), _)) => Some(s.text.clone()),
            Some((_, span)) => {
                diags.push(Diagnostic::error(
                    "invalid-request",
                    format!("`{name}` must be a string"),
                    span,
                ));
                None
            }
            None if required => {
                diags.push(Diagnostic::error(
                    "invalid-request",
                    format!("the request has no `{name}`"),
                    value.span,
                ));
                None
            }
            None => None,
        }
    };
    let principal = text("principal", false, &mut diags);
    let action = text("action", true, &mut diags);
    let resource = text("resource", true, &mut diags);
    let resource_account = text("resource_account", false, &mut diags);
    if let Some(a) = &action {
        if a != "*" && !a.contains(':') {
            if let Some(v) = fields.get("action") {
                diags.push(Diagnostic::error(
                    "invalid-request",
                    format!("action `{a}` is not of the form `service:Action`"),
                    v.span,
                ));
            }
        }
    }
    if let (Some(a), Some(r)) = (&action, &resource) {
        let span_of = |name: &str| fields.get(name).map_or(value.span, |v| v.span);
        diags.extend(check_lambda(a, r, span_of("action"), span_of("resource")));
    }
    let mut request = Request::new(
        principal.as_deref(),
        action.as_deref().unwrap_or(""),
        resource.as_deref().unwrap_or(""),
        resource_account.as_deref(),
    );
    if let Some(v) = fields.get("outside_caller") {
        let flag = |m: &json::Member| match m.value.kind {
            JsonKind::Bool(b) => Some(b),
            _ => None,
        };
        let bad = |span| {
            Diagnostic::error(
                "invalid-request",
                "`outside_caller` is an object with `identity_allows` and `limits_allow`, each `true` or `false`",
                span,
            )
        };
        match &v.kind {
            JsonKind::Object(members) => {
                for m in members {
                    match (m.key.as_str(), flag(m)) {
                        ("identity_allows", Some(b)) => request.outside.identity_allows = b,
                        ("limits_allow", Some(b)) => request.outside.limits_allow = b,
                        _ => diags.push(bad(m.key_span)),
                    }
                }
            }
            _ => diags.push(bad(v.span)),
        }
    }
    if let Some(ctx) = fields.get("context") {
        match &ctx.kind {
            JsonKind::Object(entries) => {
                for e in entries {
                    let scalar = |v: &Json| match &v.kind {
                        JsonKind::String(s) => Some(s.text.clone()),
                        JsonKind::Number(n) => Some(n.clone()),
                        JsonKind::Bool(b) => Some(b.to_string()),
                        _ => None,
                    };
                    let value = match &e.value.kind {
                        JsonKind::Array(items) => items
                            .iter()
                            .map(scalar)
                            .collect::<Option<Vec<_>>>()
                            .map(ContextValue::Multi),
                        _ => scalar(&e.value).map(ContextValue::Single),
                    };
                    match value {
                        Some(v) => request = request.with(&e.key, v),
                        None => diags.push(Diagnostic::error("invalid-request", format!("context value of `{}` must be a string, number, boolean or a list of them", e.key), e.value.span)),
                    }
                }
            }
            _ => diags.push(Diagnostic::error(
                "invalid-request",
                "`context` must be an object",
                ctx.span,
            )),
        }
    }
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    Ok(request)
}

/// For a Lambda action: the action exists (an API name that differs from its action is
/// pointed to the action), and the resource is a well-formed Lambda ARN of a type the action
/// takes (or `*` for actions that take no resource).
fn check_lambda(
    action: &str,
    resource: &str,
    action_span: Span,
    resource_span: Span,
) -> Vec<Diagnostic> {
    let Some((service, name)) = action.split_once(':') else {
        return Vec::new();
    };
    if !service.eq_ignore_ascii_case("lambda") || name.contains(['*', '?']) {
        return Vec::new();
    }
    let Some(known) = crate::lambda::lambda_action(action) else {
        let mut d = Diagnostic::error(
            "unknown-lambda-action",
            format!("`{action}` is not a Lambda action"),
            action_span,
        );
        d = match crate::service_data::lambda_api_action(name) {
            Some(real) => d.with_note(format!(
                "the API operation `{name}` is authorized as `{real}`: write that action"
            )),
            None => d.with_note(
                "the actions are listed in the Service Authorization Reference for AWS Lambda",
            ),
        };
        return vec![d];
    };
    if resource == "*" {
        return Vec::new();
    }
    let classified = match crate::lambda::classify(resource) {
        Ok(c) => c,
        Err(e) => {
            return vec![Diagnostic::error("invalid-lambda-arn", e.to_string(), resource_span)
                .with_note(format!("`{action}` needs a Lambda resource ARN such as arn:aws:lambda:us-east-1:123456789012:function:my-function"))]
        }
    };
    match crate::lambda::check_action_resource(known, &classified) {
        Ok(()) => Vec::new(),
        Err(e) => vec![Diagnostic::error(
            "lambda-resource-mismatch",
            e.to_string(),
            resource_span,
        )],
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn a_request_with_200k_context_keys_parses_and_reports_its_duplicate() {
        // Quadratic before: 200k context keys took close to a minute.
        let n = 200_000;
        let mut context: Vec<String> = (0..n).map(|i| format!(r#""tag:k{i}": "v{i}""#)).collect();
        context.push(r#""tag:k5": "again""#.into());
        let src = format!(
            r#"{{"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "context": {{{}}}}}"#,
            context.join(", ")
        );
        let diags = parse_request(&src, FileId(0)).unwrap_err();
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, "duplicate-key");
        assert_eq!(diags[0].message, "duplicate key `tag:k5`");
        assert_eq!(
            diags[0].labels[0].span.start as usize,
            src.rfind(r#""tag:k5""#).unwrap()
        );
        assert_eq!(
            diags[0].labels[1].span.start as usize,
            src.find(r#""tag:k5""#).unwrap()
        );
        context.pop();
        let src = src.replace(r#", "tag:k5": "again""#, "");
        let request = parse_request(&src, FileId(0)).unwrap();
        assert_eq!(request.context.len(), n);
        assert_eq!(
            request.context["tag:k199999"].value,
            ContextValue::Single("v199999".into())
        );
    }

    #[test]
    fn context_keys_differing_only_in_case_are_one_key_the_last_wins() {
        let src = r#"{"action": "s3:GetObject", "resource": "*", "context": {"aws:SourceVpc": "vpc-1", "AWS:sourcevpc": "vpc-2"}}"#;
        let request = parse_request(src, FileId(0)).unwrap();
        assert_eq!(request.context.len(), 1);
        let entry = &request.context["aws:sourcevpc"];
        assert_eq!(entry.written, "AWS:sourcevpc");
        assert_eq!(entry.value, ContextValue::Single("vpc-2".into()));
    }
}
