//! The concrete evaluator: decides one request exactly as AWS documents it (docs/semantics.md §3–§5).
//!
//! This is the reference every SMT answer is certified against. It is a plain function of a
//! [`PolicySet`] and a [`Request`]; it never fails (malformed request values simply do not
//! match, as §3.6 recommends).
//!
//! Section numbers (§) refer to `docs/semantics.md`, the IAM and Lambda semantics airtight
//! implements.

use base64::Engine as _;

use crate::condition::{
    parse_bool, parse_date, parse_ip, BaseOp, CondValue, Decimal, Family, SetOp,
};
use crate::policy::{
    Condition, Effect, Matcher, Policy, PolicyKind, PrincipalBlock, PrincipalEntry, Statement,
};
use crate::request::{Caller, ContextValue, Request};
use crate::span::{FileId, Span};

/// Every policy that takes part in one authorization decision.
///
/// The identity side (`identity`, `boundary`, `session`) and `scps` describe the users and
/// roles of one account, the *home* account ([`PolicySet::home_account`]); its root user is a
/// caller too, bound by the SCPs but by no identity policy or boundary. A principal of any
/// other account is an outside caller: its own account decides its identity side, which
/// airtight cannot see ([`Request::outside`]). The resource side (`resource`, `rcps`) belongs
/// to the resource of the request.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    /// Identity-based policies of the home account's users and roles (inline and managed,
    /// group).
    pub identity: Vec<Policy>,
    /// The resource-based policy on the target resource.
    pub resource: Option<Policy>,
    pub boundary: Option<Policy>,
    pub session: Option<Policy>,
    /// SCP levels from the organization root to the principal's account; each level holds the
    /// policies attached there.
    pub scps: Vec<Vec<Policy>>,
    /// RCP levels from the root to the resource's account.
    pub rcps: Vec<Vec<Policy>>,
    /// The home account; `None`: the resource's account (and, for a resource with no account
    /// in its ARN, the caller's own).
    pub principal_account: Option<String>,
}

impl PolicySet {
    /// The account whose users and roles the identity side describes, for `request`.
    pub fn home_account<'a>(
        &'a self,
        request: &'a Request,
        caller: Option<&'a str>,
    ) -> Option<&'a str> {
        match &self.principal_account {
            Some(a) => Some(a.as_str()),
            None if !request.resource_account.is_empty() => Some(request.resource_account.as_str()),
            None => caller,
        }
    }

    /// Every policy with its kind, in a fixed order.
    pub fn policies(&self) -> impl Iterator<Item = (PolicyKind, &Policy)> {
        self.identity
            .iter()
            .map(|p| (PolicyKind::Identity, p))
            .chain(self.resource.iter().map(|p| (PolicyKind::Resource, p)))
            .chain(self.boundary.iter().map(|p| (PolicyKind::Boundary, p)))
            .chain(self.session.iter().map(|p| (PolicyKind::Session, p)))
            .chain(self.scps.iter().flatten().map(|p| (PolicyKind::Scp, p)))
            .chain(self.rcps.iter().flatten().map(|p| (PolicyKind::Rcp, p)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Decision {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::ExplicitDeny => "explicit_deny",
            Decision::ImplicitDeny => "implicit_deny",
        }
    }
}

/// A statement that decided a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRef {
    pub kind: PolicyKind,
    pub file: FileId,
    /// Sid, or `#index`.
    pub label: String,
    pub index: usize,
    pub effect: Effect,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    /// For an explicit deny: the applicable Deny statements. For an allow: the Allow statements
    /// that granted it. For an implicit deny: empty.
    pub deciding: Vec<StatementRef>,
    /// One sentence saying why, e.g. which policy type failed to allow.
    pub reason: String,
}

/// How a resource-based policy statement names the caller (§5.3 step 5), strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Grant {
    /// `*`, a user ARN, a session ARN, a service: needs nothing from identity policies.
    Direct,
    /// A role ARN: limited by the boundary and session policy.
    Role,
    /// The account: identity policies must allow.
    Account,
}

/// A request with what every statement asks of it worked out once per decision: the caller
/// (kind, account, role), read from the principal ARN without allocating. Before, each
/// Principal block, each derived condition key and the decision itself parsed the ARN again
/// into owned strings.
struct Prepared<'r> {
    request: &'r Request,
    caller: Caller<'r>,
}

impl<'r> Prepared<'r> {
    fn new(request: &'r Request) -> Prepared<'r> {
        Prepared {
            request,
            caller: request.caller(),
        }
    }

    /// The value of a context key (lower-cased name): as given, else derived.
    fn value(&self, key: &str) -> Option<std::borrow::Cow<'r, ContextValue>> {
        self.request.value_for(self.caller, key)
    }
}

/// Decides `request` against `set`.
pub fn evaluate(set: &PolicySet, request: &Request) -> Evaluation {
    let prepared = Prepared::new(request);
    let kind = prepared.caller;
    let caller_account = kind.account();
    let is_iam = caller_account.is_some();
    let root = matches!(kind, Caller::AccountRoot { .. });
    let request = &prepared;
    // Who the identity side describes: the home account's users and roles. Its root user is
    // bound by the SCPs but by no identity policy, boundary or session policy (§5.7).
    let in_home = is_iam && set.home_account(request.request, caller_account) == caller_account;
    let described = in_home && !root;
    let outside = is_iam && !in_home;
    let scps_apply = in_home;

    // Step 2: explicit deny anywhere.
    let mut denies = Vec::new();
    let identity_side = set
        .identity
        .iter()
        .map(|p| (PolicyKind::Identity, p))
        .chain(set.boundary.iter().map(|p| (PolicyKind::Boundary, p)))
        .chain(set.session.iter().map(|p| (PolicyKind::Session, p)));
    for (k, p) in identity_side.filter(|_| described) {
        collect(p, k, request, Effect::Deny, &mut denies);
    }
    if scps_apply {
        for p in set.scps.iter().flatten() {
            collect(p, PolicyKind::Scp, request, Effect::Deny, &mut denies);
        }
    }
    if let Some(p) = &set.resource {
        collect(p, PolicyKind::Resource, request, Effect::Deny, &mut denies);
    }
    for p in set.rcps.iter().flatten() {
        collect(p, PolicyKind::Rcp, request, Effect::Deny, &mut denies);
    }
    if !denies.is_empty() {
        return Evaluation {
            decision: Decision::ExplicitDeny,
            deciding: denies,
            reason: "an applicable statement denies the request".into(),
        };
    }

    // Steps 3 and 4: every RCP level, and every SCP level, must allow.
    for (i, level) in set.rcps.iter().enumerate() {
        if !level_allows(level, PolicyKind::Rcp, request) {
            return implicit(format!(
                "no resource control policy at organization level {} allows the request",
                i + 1
            ));
        }
    }
    if scps_apply {
        for (i, level) in set.scps.iter().enumerate() {
            if !level_allows(level, PolicyKind::Scp, request) {
                return implicit(format!(
                    "no service control policy at organization level {} allows the request",
                    i + 1
                ));
            }
        }
    }

    // Step 5: the resource-based policy.
    let mut rbp_allows = Vec::new();
    let mut grant: Option<Grant> = None;
    if let Some(p) = &set.resource {
        for s in &p.statements {
            if s.effect.value == Effect::Allow && applies_without_principal(s, request) {
                if let Some(g) = s
                    .principal
                    .as_ref()
                    .and_then(|b| principal_grant(b, request))
                {
                    grant = Some(grant.map_or(g, |old| old.min(g)));
                    rbp_allows.push(statement_ref(p, s, PolicyKind::Resource));
                }
            }
        }
    }

    let resource_account = &request.request.resource_account;
    let (principal_account, same_account) = match caller_account {
        Some(a) => (
            a.to_string(),
            resource_account.is_empty() || resource_account == a,
        ),
        None => (String::new(), false),
    };
    if !is_iam {
        // Service principals and anonymous callers: only the resource-based policy can allow.
        return match grant {
            Some(_) => allowed(rbp_allows, "the resource-based policy grants the request"),
            None => implicit(match kind {
                Caller::Anonymous => {
                    "anonymous requests are allowed only by a resource-based policy that names `*`"
                        .into()
                }
                _ => "a service principal is allowed only by a resource-based policy that names it"
                    .into(),
            }),
        };
    }

    // Steps 6–8: identity policies, permissions boundary, session policy — for the callers
    // they describe. The root user has none; an outside caller's own account decides.
    let mut id_allows = Vec::new();
    for p in set.identity.iter().filter(|_| described) {
        collect(
            p,
            PolicyKind::Identity,
            request,
            Effect::Allow,
            &mut id_allows,
        );
    }
    let id_ok = if outside {
        root || request.request.outside.identity_allows
    } else {
        root || !id_allows.is_empty()
    };
    let mut pb_allows = Vec::new();
    let pb_ok = match &set.boundary {
        _ if outside => root || request.request.outside.limits_allow,
        _ if root => true,
        None => true,
        Some(p) => {
            collect(
                p,
                PolicyKind::Boundary,
                request,
                Effect::Allow,
                &mut pb_allows,
            );
            !pb_allows.is_empty()
        }
    };
    let mut sp_allows = Vec::new();
    let sp_ok = match &set.session {
        _ if outside || root => true,
        Some(p) => {
            collect(
                p,
                PolicyKind::Session,
                request,
                Effect::Allow,
                &mut sp_allows,
            );
            !sp_allows.is_empty()
        }
        None => !matches!(kind, Caller::FederatedUser { .. }),
    };
    let limits_ok = pb_ok && sp_ok;
    let identity_path = id_ok && limits_ok;
    let limits_reason = || {
        if !pb_ok {
            "the permissions boundary does not allow the request"
        } else {
            "the session policy does not allow the request"
        }
    };

    if same_account {
        let rbp_ok = match grant {
            Some(Grant::Direct) => true,
            Some(Grant::Role) => limits_ok,
            Some(Grant::Account) | None => false,
        };
        if rbp_ok {
            let mut deciding = rbp_allows;
            if grant == Some(Grant::Role) {
                deciding.extend(pb_allows);
                deciding.extend(sp_allows);
            }
            return allowed(deciding, "the resource-based policy grants the request");
        }
        if identity_path {
            let mut deciding = id_allows;
            deciding.extend(pb_allows);
            deciding.extend(sp_allows);
            return allowed(
                deciding,
                if root {
                    "the account root user is allowed unless something denies"
                } else if outside {
                    "the caller's account is not described by the policies given, and its own identity-based policies may allow the request"
                } else {
                    "an identity-based policy allows the request"
                },
            );
        }
        return implicit(if !id_ok {
            "no identity-based policy allows the request".into()
        } else {
            limits_reason().into()
        });
    }

    // Cross-account (§5.4): both sides must allow.
    if grant.is_none() {
        return implicit(format!(
            "the principal's account `{principal_account}` differs from the resource's account `{resource_account}`, and no resource-based policy statement grants it"
        ));
    }
    if !identity_path {
        return implicit(if outside {
            "cross-account access needs an allow in the caller's own account, which the policies given do not describe; this request assumes it does not allow".into()
        } else if !id_ok {
            "cross-account access needs an identity-based policy allow in the caller's account, and none allows the request".into()
        } else {
            limits_reason().into()
        });
    }
    let mut deciding = rbp_allows;
    deciding.extend(id_allows);
    deciding.extend(pb_allows);
    deciding.extend(sp_allows);
    allowed(
        deciding,
        if outside && !root {
            "the resource-based policy grants the request, and the caller's own account (not described by the policies given) may allow it"
        } else if root {
            "the resource-based policy grants the request to the caller's account, whose root user may do anything there"
        } else {
            "both the resource-based policy and the caller's identity-based policies allow the request"
        },
    )
}

fn implicit(reason: String) -> Evaluation {
    Evaluation {
        decision: Decision::ImplicitDeny,
        deciding: Vec::new(),
        reason,
    }
}

fn allowed(deciding: Vec<StatementRef>, reason: &str) -> Evaluation {
    Evaluation {
        decision: Decision::Allow,
        deciding,
        reason: reason.into(),
    }
}

fn level_allows(level: &[Policy], kind: PolicyKind, request: &Prepared) -> bool {
    level.iter().any(|p| {
        p.statements
            .iter()
            .any(|s| s.effect.value == Effect::Allow && applies(s, request, kind))
    })
}

fn collect(
    policy: &Policy,
    kind: PolicyKind,
    request: &Prepared,
    effect: Effect,
    out: &mut Vec<StatementRef>,
) {
    for s in &policy.statements {
        if s.effect.value == effect && applies(s, request, kind) {
            out.push(statement_ref(policy, s, kind));
        }
    }
}

fn statement_ref(policy: &Policy, s: &Statement, kind: PolicyKind) -> StatementRef {
    StatementRef {
        kind,
        file: policy.file,
        label: s.label(),
        index: s.index,
        effect: s.effect.value,
        span: s.span,
    }
}

/// §5.1: principal, action, resource and condition all match.
pub fn statement_applies(
    s: &Statement,
    request: &Request,
    _policy: &Policy,
    kind: PolicyKind,
) -> bool {
    applies(s, &Prepared::new(request), kind)
}

/// [`statement_applies`] on a prepared request.
fn applies(s: &Statement, request: &Prepared, kind: PolicyKind) -> bool {
    let principal_ok = match (&s.principal, kind) {
        (Some(b), PolicyKind::Resource | PolicyKind::Rcp) => principal_grant(b, request).is_some(),
        _ => true,
    };
    principal_ok && applies_without_principal(s, request)
}

fn applies_without_principal(s: &Statement, request: &Prepared) -> bool {
    let action = &request.request.action;
    let action_hit = s.action.entries.iter().any(|g| g.value.matches(action));
    if action_hit == s.action.negated {
        return false;
    }
    if let Some(r) = &s.resource {
        let resource = &request.request.resource;
        let hit = r
            .entries
            .iter()
            .any(|m| matches_in(&m.value, resource, request));
        if hit == r.negated {
            return false;
        }
    }
    s.conditions.iter().all(|c| holds(c, request))
}

/// Whether a Resource/NotResource entry matches `subject`, resolving its policy variables
/// against `request`; an unresolvable policy variable matches nothing.
pub fn matcher_matches(m: &Matcher, subject: &str, request: &Request) -> bool {
    match &m.glob {
        Some(g) => g.matches(subject),
        None => matches_in(m, subject, &Prepared::new(request)),
    }
}

/// [`matcher_matches`] on a prepared request.
fn matches_in(m: &Matcher, subject: &str, request: &Prepared) -> bool {
    match &m.glob {
        Some(g) => g.matches(subject),
        None => m
            .template
            .resolve(|key| request.request.single_for(request.caller, key))
            .is_some_and(|g| g.matches(subject)),
    }
}

/// Whether a Principal/NotPrincipal block names this request's caller.
pub fn principal_applies(block: &PrincipalBlock, request: &Request) -> bool {
    principal_grant(block, &Prepared::new(request)).is_some()
}

/// Which grant, if any, a Principal/NotPrincipal block gives this request.
fn principal_grant(block: &PrincipalBlock, request: &Prepared) -> Option<Grant> {
    let best = block
        .entries
        .iter()
        .filter_map(|e| principal_entry_grant(&e.value, request.caller, request.request))
        .min();
    if block.negated {
        // NotPrincipal: everyone except the listed principals.
        return if best.is_some() {
            None
        } else {
            Some(Grant::Direct)
        };
    }
    best
}

fn principal_entry_grant(
    entry: &PrincipalEntry,
    kind: Caller<'_>,
    request: &Request,
) -> Option<Grant> {
    match entry {
        PrincipalEntry::Everyone => Some(Grant::Direct),
        PrincipalEntry::Account(id) => {
            (kind.account() == Some(id.as_str())).then_some(Grant::Account)
        }
        PrincipalEntry::Arn(arn) => {
            if *arn == request.principal {
                return Some(match kind {
                    Caller::Role { .. } => Grant::Role,
                    _ => Grant::Direct,
                });
            }
            // A role is named by its whole ARN, path included (§5.7): a role caller matched
            // above or not at all. A role session's ARN has no path, so a session is matched
            // by account and role name.
            match kind {
                Caller::AssumedRole { .. } => kind
                    .role_arn()
                    .is_some_and(|role_arn| same_role(arn, &role_arn))
                    .then_some(Grant::Role),
                _ => None,
            }
        }
        PrincipalEntry::Service(name) => {
            matches!(kind, Caller::Service { name: n } if n == name).then_some(Grant::Direct)
        }
        PrincipalEntry::Federated(_) | PrincipalEntry::CanonicalUser(_) => None,
    }
}

/// A role ARN in a policy (possibly with a path) names the role of a session when account and
/// role name agree: role names are unique in an account whatever the path, and the session's
/// ARN (`assumed-role/NAME/SESSION`) does not show the path.
fn same_role(policy_arn: &str, role_arn: &str) -> bool {
    let name_of = |arn: &str| -> Option<(String, String)> {
        let arn = crate::arn::Arn::parse(arn)?;
        let path = arn.resource.strip_prefix("role/")?;
        Some((
            arn.account.to_string(),
            path.rsplit('/').next().unwrap_or(path).to_string(),
        ))
    };
    match (name_of(policy_arn), name_of(role_arn)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// One condition: §3.2–§3.4, including the missing-key table of §3.3.
pub fn condition_holds(c: &Condition, request: &Request) -> bool {
    holds(c, &Prepared::new(request))
}

/// [`condition_holds`] on a prepared request.
fn holds(c: &Condition, request: &Prepared) -> bool {
    let value = request.value(&c.key.name);
    if c.op.base == BaseOp::Null {
        let present = value.is_some();
        return c
            .values
            .iter()
            .any(|v| matches!(v.value, CondValue::Null(want_absent) if want_absent != present));
    }
    let Some(value) = value else {
        if c.op.if_exists {
            return true;
        }
        return match c.op.set {
            Some(SetOp::ForAllValues) => true,
            Some(SetOp::ForAnyValue) => false,
            None => c.op.base.is_negated(),
        };
    };
    match (c.op.set, value.as_ref()) {
        (None, ContextValue::Single(v)) => single_test(c, v, request),
        // A plain operator on a multivalued value does not match (§3.4, IMPL SIM).
        (None, ContextValue::Multi(_)) => false,
        (Some(SetOp::ForAllValues), ContextValue::Single(v)) => single_test(c, v, request),
        (Some(SetOp::ForAnyValue), ContextValue::Single(v)) => single_test(c, v, request),
        (Some(SetOp::ForAllValues), ContextValue::Multi(vs)) => {
            vs.iter().all(|v| single_test(c, v, request))
        }
        (Some(SetOp::ForAnyValue), ContextValue::Multi(vs)) => {
            vs.iter().any(|v| single_test(c, v, request))
        }
    }
}

/// The single-value test of `c` on the constant request value `v`, for conditions whose
/// values hold no policy variable (`None` otherwise). Used by the SMT compiler for keys whose
/// value is fixed by the principal's kind.
pub fn single_test_constant(c: &Condition, v: &str) -> Option<bool> {
    if c.matchers.iter().any(|m| m.glob.is_none()) {
        return None;
    }
    let dummy = Request::new(None, "", "", None);
    Some(single_test(c, v, &Prepared::new(&dummy)))
}

/// The single-value test: positive `∃p. match(v, p)`; negated `∀p. ¬match(v, p)`. A request
/// value that cannot be read in the operator's type makes the test false either way (§3.6).
fn single_test(c: &Condition, v: &str, request: &Prepared) -> bool {
    let family = c.op.base.family();
    let Some(typed) = TypedValue::read(family, v) else {
        return false;
    };
    let mut matchers = c.matchers.iter();
    let any = c.values.iter().any(|p| match &p.value {
        CondValue::Pattern(_) => matchers.next().is_some_and(|m| matches_in(m, v, request)),
        other => typed.compare(c.op.base, other),
    });
    if c.op.base.is_negated() {
        !any
    } else {
        any
    }
}

/// A request value read in an operator family's type.
enum TypedValue {
    Text,
    Number(Decimal),
    Date(i64),
    Bool(bool),
    Bytes(Vec<u8>),
    Ip(bool, u128),
}

impl TypedValue {
    fn read(family: Family, v: &str) -> Option<TypedValue> {
        Some(match family {
            Family::String | Family::Null => TypedValue::Text,
            Family::Arn => {
                if !crate::policy::is_arn_shaped(v) {
                    return None;
                }
                TypedValue::Text
            }
            Family::Numeric => TypedValue::Number(Decimal::parse(v).ok()?),
            Family::Date => TypedValue::Date(parse_date(v)?),
            Family::Bool => TypedValue::Bool(parse_bool(v)?),
            Family::Binary => {
                TypedValue::Bytes(base64::engine::general_purpose::STANDARD.decode(v).ok()?)
            }
            Family::Ip => {
                let (v6, bits, _) = parse_ip(v)?;
                TypedValue::Ip(v6, bits)
            }
        })
    }

    /// The positive comparison of `op` between this request value and a policy value.
    fn compare(&self, op: BaseOp, policy: &CondValue) -> bool {
        match (self, policy) {
            (TypedValue::Number(a), CondValue::Number(b)) => op.cmp().holds(a.cmp(b)),
            (TypedValue::Date(a), CondValue::Date(b)) => op.cmp().holds(a.cmp(b)),
            (TypedValue::Bool(a), CondValue::Bool(b)) => a == b,
            (TypedValue::Bytes(a), CondValue::Binary(b)) => a == b,
            (TypedValue::Ip(v6, bits), CondValue::Ip(c)) => c.contains(*v6, *bits),
            _ => false,
        }
    }
}
