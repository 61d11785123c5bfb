//! The world a proof is about: an organization, its accounts, their principals (users and
//! roles, with their policies, boundaries and tags) and their resources (with their
//! resource-based policies), and the rule for everything the world does not describe.
//!
//! | caller | identity side | SCPs |
//! |---|---|---|
//! | a user or role of a world account | its policies (inline, attached, its groups') and boundary | the levels above its account |
//! | the root user of a world account | none: it may do everything in its account | the same levels |
//! | a principal of an account outside the world | its own account's, unseen: may allow anything ([`crate::request::OutsideCaller`]) | unknown: not applied |
//! | a service principal, an anonymous caller | none (only a resource-based policy can allow) | not applied |
//!
//! The resource side of a request is the resource's own policy (for Lambda, the function, each
//! version and each alias have their own, docs/semantics.md §7.5) and the RCP levels above the
//! resource's account. SCPs and RCPs do not apply to the organization's management account
//! (§5.6).
//!
//! [`World::policy_set`] turns a request into the [`PolicySet`] that decides it, so the
//! evaluator and the encoding need nothing else to decide requests in a world.

use std::collections::BTreeMap;

use crate::eval::PolicySet;
use crate::policy::Policy;
use crate::request::{ContextValue, PrincipalKind, Request};

/// A snapshot of accounts and, optionally, the organization they belong to.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// By 12-digit account id.
    pub accounts: BTreeMap<String, Account>,
    pub organization: Option<Organization>,
}

/// An AWS Organizations tree: the root and the organizational units, each with the SCPs and
/// RCPs attached to it.
#[derive(Debug, Clone, Default)]
pub struct Organization {
    /// By id (`r-…`, `ou-…`).
    pub nodes: BTreeMap<String, OrgNode>,
    /// The management account, which SCPs and RCPs never restrict.
    pub management_account: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct OrgNode {
    pub id: String,
    pub name: String,
    /// `None` for the root.
    pub parent: Option<String>,
    pub scps: Vec<Policy>,
    pub rcps: Vec<Policy>,
}

/// One account: where it sits in the organization, what is attached to it, who is in it and
/// what it owns.
#[derive(Debug, Clone, Default)]
pub struct Account {
    pub id: String,
    pub name: Option<String>,
    /// The organization node the account sits directly under; `None` when it is not part of
    /// the organization described.
    pub parent: Option<String>,
    /// Policies attached to the account itself.
    pub scps: Vec<Policy>,
    pub rcps: Vec<Policy>,
    /// Users and roles, by ARN.
    pub principals: BTreeMap<String, Principal>,
    /// Resources with their resource-based policies, by ARN.
    pub resources: BTreeMap<String, Resource>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalType {
    User,
    Role,
}

/// An IAM user or role.
#[derive(Debug, Clone, Default)]
pub struct Principal {
    /// The full ARN, path included: `arn:aws:iam::ID:role/team/ops`.
    pub arn: String,
    pub kind: Option<PrincipalType>,
    pub name: String,
    /// `/` or `/team/`.
    pub path: String,
    pub tags: BTreeMap<String, String>,
    /// Inline, attached managed and (for users) group policies.
    pub identity: Vec<Policy>,
    pub boundary: Option<Policy>,
    /// Why some of its policies could not be read; a principal with problems gets `unknown`
    /// answers instead of answers about part of its permissions.
    pub problems: Vec<String>,
    /// Principals of one account with the same non-empty key have the same policies, boundary
    /// and tags (for example the same managed policies and no inline one): they differ only in
    /// their ARN. Empty when nothing is known to be shared.
    pub shared_key: String,
}

/// A resource with its resource-based policy.
#[derive(Debug, Clone, Default)]
pub struct Resource {
    pub arn: String,
    pub policy: Option<Policy>,
    pub tags: BTreeMap<String, String>,
}

/// Who a request's caller is, in a world.
#[derive(Debug, Clone, Copy)]
pub enum Caller<'w> {
    Principal(&'w Account, &'w Principal),
    Root(&'w Account),
    /// A principal of an account the world does not hold.
    Outside,
    Service,
    Anonymous,
}

/// A request the world cannot decide.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorldError {
    #[error("`{0}` is not a user or role of account `{1}` in the world")]
    NoSuchPrincipal(String, String),
    #[error(
        "the resource's account `{0}` is not in the world, so its resource-based policy is unknown"
    )]
    ResourceOutside(String),
    #[error("the policies of `{0}` could not all be read: {1}")]
    Unreadable(String, String),
}

impl World {
    /// The caller of `request`.
    pub fn caller(&self, request: &Request) -> Result<Caller<'_>, WorldError> {
        let kind = request.kind();
        let Some(account_id) = kind.account() else {
            return Ok(match kind {
                PrincipalKind::Anonymous => Caller::Anonymous,
                _ => Caller::Service,
            });
        };
        let Some(account) = self.accounts.get(account_id) else {
            return Ok(Caller::Outside);
        };
        let arn = match &kind {
            PrincipalKind::AccountRoot { .. } => return Ok(Caller::Root(account)),
            PrincipalKind::Role { role_arn, .. } => role_arn.clone(),
            PrincipalKind::AssumedRole { role_arn, .. } => {
                // A session ARN shows the role's name, not its path.
                let name = role_arn.rsplit('/').next().unwrap_or_default();
                match account
                    .principals
                    .values()
                    .find(|p| p.kind == Some(PrincipalType::Role) && p.name == name)
                {
                    Some(p) => p.arn.clone(),
                    None => role_arn.clone(),
                }
            }
            _ => request.principal.clone(),
        };
        account
            .principals
            .get(&arn)
            .map(|p| Caller::Principal(account, p))
            .ok_or_else(|| {
                WorldError::NoSuchPrincipal(request.principal.clone(), account.id.clone())
            })
    }

    /// The SCP levels above `account`, root first, the account's own level last; none for an
    /// account outside the organization or for the management account. Levels with nothing
    /// attached are left out.
    pub fn scp_levels(&self, account: &Account) -> Vec<Vec<Policy>> {
        self.levels(account, |n| &n.scps, &account.scps)
    }

    /// The RCP levels above `account`, like [`World::scp_levels`].
    pub fn rcp_levels(&self, account: &Account) -> Vec<Vec<Policy>> {
        self.levels(account, |n| &n.rcps, &account.rcps)
    }

    fn levels(
        &self,
        account: &Account,
        of: impl Fn(&OrgNode) -> &Vec<Policy>,
        own: &[Policy],
    ) -> Vec<Vec<Policy>> {
        let Some(org) = &self.organization else {
            return Vec::new();
        };
        if org.management_account.as_deref() == Some(account.id.as_str()) {
            return Vec::new();
        }
        let Some(parent) = &account.parent else {
            return Vec::new();
        };
        let mut path = Vec::new();
        let mut at = Some(parent.clone());
        // The tree is finite; a cycle in a malformed file must not loop forever.
        while let Some(id) = at.take() {
            if path.len() > org.nodes.len() {
                break;
            }
            if let Some(node) = org.nodes.get(&id) {
                path.push(of(node).clone());
                at = node.parent.clone();
            }
        }
        path.reverse();
        path.push(own.to_vec());
        // A level with nothing attached has the policy type switched off (when it is on, AWS
        // attaches `FullAWSAccess` / `RCPFullAWSAccess` and keeps at least one policy there).
        path.retain(|level| !level.is_empty());
        path
    }

    /// The resource a request names, when the world holds it.
    pub fn resource(&self, request: &Request) -> Option<&Resource> {
        self.accounts
            .get(&request.resource_account)
            .and_then(|a| a.resources.get(&request.resource))
    }

    /// The policies that decide `request` in this world.
    pub fn policy_set(&self, request: &Request) -> Result<PolicySet, WorldError> {
        let resource_account = self
            .accounts
            .get(&request.resource_account)
            .ok_or_else(|| WorldError::ResourceOutside(request.resource_account.clone()))?;
        let mut set = PolicySet {
            resource: resource_account
                .resources
                .get(&request.resource)
                .and_then(|r| r.policy.clone()),
            rcps: self.rcp_levels(resource_account),
            ..PolicySet::default()
        };
        match self.caller(request)? {
            Caller::Principal(account, p) => {
                if !p.problems.is_empty() {
                    return Err(WorldError::Unreadable(p.arn.clone(), p.problems.join("; ")));
                }
                set.identity = p.identity.clone();
                set.boundary = p.boundary.clone();
                set.scps = self.scp_levels(account);
                set.principal_account = Some(account.id.clone());
            }
            Caller::Root(account) => {
                set.scps = self.scp_levels(account);
                set.principal_account = Some(account.id.clone());
            }
            // The home account is the resource's: an outside caller's account differs from
            // it, so its identity side is its own account's (`Request::outside`).
            Caller::Outside | Caller::Service | Caller::Anonymous => {
                set.principal_account = Some(resource_account.id.clone());
            }
        }
        Ok(set)
    }

    /// The policies that decide requests of the caller `caller` (an ARN, a service name or
    /// `anonymous`) on `resource` of `resource_account`. A caller the world does not hold is
    /// decided as an outside caller.
    pub fn policy_set_for(
        &self,
        caller: &str,
        resource: &str,
        resource_account: &Account,
    ) -> PolicySet {
        let request = Request::new(
            Some(caller),
            "lambda:InvokeFunction",
            resource,
            Some(&resource_account.id),
        );
        self.policy_set(&request).unwrap_or_else(|_| PolicySet {
            resource: resource_account
                .resources
                .get(resource)
                .and_then(|r| r.policy.clone()),
            rcps: self.rcp_levels(resource_account),
            principal_account: Some(resource_account.id.clone()),
            ..PolicySet::default()
        })
    }

    /// `request` with the `aws:PrincipalTag/…` keys of its caller and the `aws:ResourceTag/…`
    /// keys of its resource filled in (unless given).
    pub fn with_tags(&self, request: &Request) -> Request {
        let mut out = request.clone();
        let mut add = |prefix: &str, tags: &BTreeMap<String, String>| {
            for (k, v) in tags {
                let key = format!("{prefix}{k}");
                if !out.context.contains_key(&key.to_ascii_lowercase()) {
                    out = out.clone().with(&key, ContextValue::Single(v.clone()));
                }
            }
        };
        if let Ok(Caller::Principal(_, p)) = self.caller(request) {
            add("aws:PrincipalTag/", &p.tags);
        }
        if let Some(r) = self.resource(request) {
            add("aws:ResourceTag/", &r.tags);
        }
        out
    }

    /// Every user and role, account by account.
    pub fn principals(&self) -> impl Iterator<Item = (&Account, &Principal)> {
        self.accounts
            .values()
            .flat_map(|a| a.principals.values().map(move |p| (a, p)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{evaluate, Decision};
    use crate::parse::parse_policy;
    use crate::span::FileId;

    fn policy(statements: &str) -> Policy {
        let text = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
        parse_policy(&text, FileId(0)).policy.expect("parses")
    }

    const F: &str = "arn:aws:lambda:us-east-1:111122223333:function:f";

    fn world() -> World {
        let mut a = Account {
            id: "111122223333".into(),
            parent: Some("ou-prod".into()),
            scps: vec![policy(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#)],
            ..Account::default()
        };
        a.principals.insert(
            "arn:aws:iam::111122223333:role/team/ops".into(),
            Principal {
                arn: "arn:aws:iam::111122223333:role/team/ops".into(),
                kind: Some(PrincipalType::Role),
                name: "ops".into(),
                path: "/team/".into(),
                tags: [("team".to_string(), "ops".to_string())].into(),
                identity: vec![policy(
                    r#"{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"ops"}}}"#,
                )],
                ..Principal::default()
            },
        );
        a.resources.insert(
            F.into(),
            Resource {
                arn: F.into(),
                policy: Some(policy(
                    r#"{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"lambda:InvokeFunction","Resource":"*"}"#,
                )),
                ..Resource::default()
            },
        );
        let mut org = Organization::default();
        org.nodes.insert(
            "r-root".into(),
            OrgNode {
                id: "r-root".into(),
                scps: vec![policy(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#)],
                ..OrgNode::default()
            },
        );
        org.nodes.insert(
            "ou-prod".into(),
            OrgNode {
                id: "ou-prod".into(),
                parent: Some("r-root".into()),
                scps: vec![
                    policy(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#),
                    policy(r#"{"Effect":"Deny","Action":"lambda:DeleteFunction","Resource":"*"}"#),
                ],
                ..OrgNode::default()
            },
        );
        let mut w = World {
            organization: Some(org),
            ..World::default()
        };
        w.accounts.insert(a.id.clone(), a);
        w
    }

    fn decide(w: &World, principal: &str, action: &str) -> Decision {
        let r = w.with_tags(&Request::new(Some(principal), action, F, None));
        evaluate(&w.policy_set(&r).expect("decidable"), &r).decision
    }

    #[test]
    fn principals_roots_and_outsiders() {
        let w = world();
        assert_eq!(
            decide(
                &w,
                "arn:aws:iam::111122223333:role/team/ops",
                "lambda:InvokeFunction"
            ),
            Decision::Allow
        );
        // The root user may do everything the SCPs let through.
        assert_eq!(
            decide(&w, "arn:aws:iam::111122223333:root", "lambda:GetFunction"),
            Decision::Allow
        );
        assert_eq!(
            decide(
                &w,
                "arn:aws:iam::111122223333:root",
                "lambda:DeleteFunction"
            ),
            Decision::ExplicitDeny
        );
        // Another account named by the function policy: its own account decides.
        assert_eq!(
            decide(
                &w,
                "arn:aws:iam::444455556666:role/x",
                "lambda:InvokeFunction"
            ),
            Decision::Allow
        );
        assert_eq!(
            decide(
                &w,
                "arn:aws:iam::999988887777:role/x",
                "lambda:InvokeFunction"
            ),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn a_role_that_does_not_exist_is_an_error() {
        let w = world();
        let r = Request::new(
            Some("arn:aws:iam::111122223333:role/ops"),
            "lambda:InvokeFunction",
            F,
            None,
        );
        assert!(matches!(
            w.policy_set(&r),
            Err(WorldError::NoSuchPrincipal(..))
        ));
        // A session is found by its role's name.
        let s = Request::new(
            Some("arn:aws:sts::111122223333:assumed-role/ops/s"),
            "lambda:InvokeFunction",
            F,
            None,
        );
        assert!(matches!(w.caller(&s), Ok(Caller::Principal(..))));
    }

    #[test]
    fn scp_levels_run_from_the_root_to_the_account() {
        let w = world();
        let a = &w.accounts["111122223333"];
        let levels = w.scp_levels(a);
        assert_eq!(levels.iter().map(Vec::len).collect::<Vec<_>>(), [1, 2, 1]);
        let mut managed = w.clone();
        if let Some(org) = &mut managed.organization {
            org.management_account = Some("111122223333".into());
        }
        assert!(managed
            .scp_levels(&managed.accounts["111122223333"])
            .is_empty());
    }
}
