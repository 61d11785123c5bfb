//! Who can perform an action on a resource, in a world: every principal of the world that
//! can, and every class of caller outside it (another account, a service principal, an
//! anonymous caller), each with a certified example request and the conditions it needs.
//!
//! Each caller is asked separately, against the policies that decide its requests
//! ([`World::policy_set_for`]): a user or role with its own policies, boundary, tags and SCP
//! path; each account's root user; and the outside classes, whose own account decides their
//! identity side. Most principals are settled without the solver:
//!
//! 1. **cover**: no Allow statement of its identity policies nor of the resource-based
//!    policy can apply to the action and resource (conditions aside) → it cannot;
//! 2. **guess**: the plain request (the principal, the action, the resource, its tags) is
//!    decided by the evaluator → allowed means it can, with no condition needed;
//! 3. **solver**: a `can` question constrained to that principal and its tags.
//!
//! The conditions an example needs are the context keys it cannot do without: each key of a
//! certified example is dropped in turn and kept only if the request is no longer allowed
//! without it.

use std::collections::BTreeMap;

use airtight_encodings::eval::{evaluate, Decision, PolicySet};
use airtight_encodings::glob::Glob;
use airtight_encodings::policy::{Effect, Policy};
use airtight_encodings::request::{ContextValue, Request};
use airtight_encodings::trace::explain;
use airtight_encodings::world::{Account, Principal, World};
use rayon::prelude::*;

use crate::lambda_auth::{authorized_resources, LambdaAuth};
use crate::query::{self, Answer, Constraints, Counterexample, Outcome, QueryError, QueryOptions};

/// The question.
#[derive(Debug, Clone, Default)]
pub struct WhoCanQuestion {
    /// Actions (any of them); patterns are allowed. `lambda:InvokeFunctionUrl` is asked as a
    /// function-URL call, authorized twice (docs/semantics.md §7.7).
    pub actions: Vec<String>,
    /// The resource's ARN.
    pub resource: String,
    /// More resources of the same account asked together with `resource` (ARNs or patterns).
    pub also: Vec<String>,
    /// For a Lambda alias or version: which qualifier authorization models to ask under.
    pub lambda_auth: LambdaAuth,
    /// Principal patterns left out of the question (a deny intent's exceptions).
    pub except: Vec<String>,
}

/// A caller, or a class of callers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Who {
    Principal {
        account: String,
        arn: String,
    },
    Root {
        account: String,
    },
    /// Any principal of an account outside the world.
    OtherAccount,
    Service,
    Anonymous,
}

impl Who {
    /// How reports name it.
    pub fn describe(&self) -> String {
        match self {
            Who::Principal { arn, .. } => arn.clone(),
            Who::Root { account } => format!("the root user of account {account}"),
            Who::OtherAccount => "a principal of an account outside the world".into(),
            Who::Service => "a service principal".into(),
            Who::Anonymous => "an anonymous caller".into(),
        }
    }

    /// The short kind word of the JSON contract.
    pub fn kind(&self) -> &'static str {
        match self {
            Who::Principal { .. } => "principal",
            Who::Root { .. } => "root",
            Who::OtherAccount => "other_account",
            Who::Service => "service",
            Who::Anonymous => "anonymous",
        }
    }
}

/// How a caller's answer was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Cover,
    Guess,
    Solver,
}

/// One caller's answer.
#[derive(Debug, Clone)]
pub struct Access {
    pub who: Who,
    /// `Found`: it can (examples); `NoneExists`: proved it cannot; `Unknown`.
    pub outcome: Outcome,
    pub examples: Vec<Counterexample>,
    /// For each example, the context keys it needs (`key = value`).
    pub conditions: Vec<Vec<(String, String)>>,
    pub method: Method,
}

/// Every caller's answer.
#[derive(Debug, Clone)]
pub struct WhoCan {
    pub question: WhoCanQuestion,
    /// Callers that can, then those with no answer; callers proved unable are counted only.
    pub accesses: Vec<Access>,
    /// How many callers were asked, and how many were proved unable.
    pub asked: usize,
    pub cannot: usize,
}

/// Why the question cannot be asked.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WhoCanError {
    #[error("the resource `{0}` has no account in its ARN; give a resource of a world account")]
    NoAccount(String),
    #[error("the resource's account `{0}` is not in the world")]
    NotInWorld(String),
    #[error(transparent)]
    Query(#[from] QueryError),
}

/// Asks the question of every caller. `progress` is called once per caller asked.
pub fn who_can(
    world: &World,
    question: &WhoCanQuestion,
    options: &QueryOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<WhoCan, WhoCanError> {
    let probe = Request::new(None, "lambda:InvokeFunction", &question.resource, None);
    if probe.resource_account.is_empty() {
        return Err(WhoCanError::NoAccount(question.resource.clone()));
    }
    let resource_account = world
        .accounts
        .get(&probe.resource_account)
        .ok_or_else(|| WhoCanError::NotInWorld(probe.resource_account.clone()))?;
    let mut resources = resources_asked(&question.resource, question.lambda_auth);
    for r in &question.also {
        for x in resources_asked(r, question.lambda_auth) {
            if !resources.contains(&x) {
                resources.push(x);
            }
        }
    }
    let excepted = |arn: &str| {
        question
            .except
            .iter()
            .any(|p| Glob::wildcard(p, false).matches(arn))
    };
    let mut callers: Vec<Who> = world
        .principals()
        .filter(|(_, p)| !excepted(&p.arn))
        .map(|(a, p)| Who::Principal {
            account: a.id.clone(),
            arn: p.arn.clone(),
        })
        .collect();
    callers.extend(
        world
            .accounts
            .keys()
            .filter(|a| !excepted(&format!("arn:aws:iam::{a}:root")))
            .map(|a| Who::Root { account: a.clone() }),
    );
    callers.extend([Who::OtherAccount, Who::Service, Who::Anonymous]);
    let asked = callers.len();
    // Cheap steps first, caller by caller; what they leave open goes to the solver, once per
    // group of principals that share their policies.
    let cheap: Vec<(Who, Option<Access>)> = callers
        .into_par_iter()
        .map(|who| {
            let settled = settle(world, resource_account, &who, question, &resources);
            if settled.is_some() {
                progress();
            }
            (who, settled)
        })
        .collect();
    let mut answers: Vec<Result<Access, QueryError>> = Vec::new();
    let mut groups: BTreeMap<(String, String), Vec<Who>> = BTreeMap::new();
    let mut singles: Vec<Who> = Vec::new();
    for (who, settled) in cheap {
        match settled {
            Some(a) => answers.push(Ok(a)),
            None => match shared_key(world, &who) {
                Some(key) => groups.entry(key).or_default().push(who),
                None => singles.push(who),
            },
        }
    }
    let grouped: Vec<Result<Vec<Access>, QueryError>> = groups
        .into_values()
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|members| {
            let out = ask_group(
                world,
                resource_account,
                &members,
                question,
                &resources,
                options,
            );
            for _ in &members {
                progress();
            }
            out
        })
        .collect();
    for g in grouped {
        answers.extend(g?.into_iter().map(Ok));
    }
    answers.extend(
        singles
            .into_par_iter()
            .map(|who| {
                let a = ask(world, resource_account, &who, question, &resources, options);
                progress();
                a
            })
            .collect::<Vec<_>>(),
    );
    let mut accesses = Vec::new();
    let mut cannot = 0;
    for a in answers {
        let a = a?;
        if a.outcome == Outcome::NoneExists {
            cannot += 1;
        } else {
            accesses.push(a);
        }
    }
    // Callers that can first, then those with no answer; each group in caller order.
    accesses.sort_by_key(|a| (matches!(a.outcome, Outcome::Unknown { .. }), a.who.clone()));
    Ok(WhoCan {
        question: question.clone(),
        accesses,
        asked,
        cannot,
    })
}

/// The resource ARNs a call to `resource` can be authorized against under `auth`.
fn resources_asked(resource: &str, auth: LambdaAuth) -> Vec<String> {
    match airtight_encodings::arn::FunctionArn::parse(resource) {
        Some(f) if f.qualifier.is_some() && auth != LambdaAuth::Current => {
            authorized_resources(&f.unqualified(), f.qualifier, LambdaAuth::Legacy)
        }
        _ => vec![resource.to_string()],
    }
}

/// The key of the group of principals `who` belongs to (same account, same policies,
/// boundary and tags), when it has one.
fn shared_key(world: &World, who: &Who) -> Option<(String, String)> {
    let Who::Principal { account, arn } = who else {
        return None;
    };
    let p = world.accounts.get(account)?.principals.get(arn)?;
    (!p.shared_key.is_empty()).then(|| (account.clone(), p.shared_key.clone()))
}

/// A principal's answer when the cheap steps give one: no statement can apply (it cannot), or
/// the plain request is allowed (it can, with no condition). `None`: the solver must decide.
fn settle(
    world: &World,
    resource_account: &Account,
    who: &Who,
    question: &WhoCanQuestion,
    resources: &[String],
) -> Option<Access> {
    let cannot = || no_access(who);
    let root_of = match who {
        Who::Principal { .. } => None,
        Who::Root { account } => Some(account),
        // Callers from outside get in only through a resource-based policy.
        Who::OtherAccount | Who::Service | Who::Anonymous => {
            let any_policy = resources.iter().any(|r| {
                world
                    .policy_set_for(&caller_arn(who), r, resource_account)
                    .resource
                    .is_some()
            });
            return (!any_policy).then(cannot);
        }
    };
    if let Some(account) = root_of {
        return settle_root(world, resource_account, who, account, question, resources);
    }
    let Who::Principal { account, arn } = who else {
        return None;
    };
    let p = world.accounts.get(account)?.principals.get(arn)?;
    if !p.problems.is_empty() {
        return None;
    }
    let mut open = false;
    for resource in resources {
        let set = world.policy_set_for(&p.arn, resource, resource_account);
        let identity_may = may_apply(
            &PolicySet {
                identity: set.identity.clone(),
                ..PolicySet::default()
            },
            &question.actions,
            resource,
        );
        let resource_may = set
            .resource
            .as_ref()
            .is_some_and(|rp| may_name(rp, &p.arn, &question.actions, resource));
        // In its own account an identity allow or a grant naming it suffices; across accounts
        // it needs both (docs/semantics.md §5.4).
        let same = p.arn.split(':').nth(4) == Some(resource_account.id.as_str());
        if !(if same {
            identity_may || resource_may
        } else {
            identity_may && resource_may
        }) {
            continue;
        }
        open = true;
        if let Some(access) = plain_access(world, &set, &p.arn, who, question, resource) {
            return Some(access);
        }
    }
    (!open).then(|| no_access(who))
}

/// A root user's answer when the cheap steps give one: in another account, only a
/// resource-based policy naming its account lets it in; the plain request, decided by the
/// evaluator, is allowed (it can, with no condition).
fn settle_root(
    world: &World,
    resource_account: &Account,
    who: &Who,
    account: &str,
    question: &WhoCanQuestion,
    resources: &[String],
) -> Option<Access> {
    let arn = format!("arn:aws:iam::{account}:root");
    let mut open = false;
    for resource in resources {
        let set = world.policy_set_for(&arn, resource, resource_account);
        if account != resource_account.id
            && !set
                .resource
                .as_ref()
                .is_some_and(|rp| may_name(rp, &arn, &question.actions, resource))
        {
            continue;
        }
        open = true;
        if let Some(access) = plain_access(world, &set, &arn, who, question, resource) {
            return Some(access);
        }
    }
    (!open).then(|| no_access(who))
}

/// The plain request of `caller` for each literal action of the question on `resource`,
/// decided by the evaluator: the first one `set` allows is an answer with no condition.
fn plain_access(
    world: &World,
    set: &PolicySet,
    caller: &str,
    who: &Who,
    question: &WhoCanQuestion,
    resource: &str,
) -> Option<Access> {
    for action in question.actions.iter().filter(|a| !a.contains(['*', '?'])) {
        let request = plain_request(world, caller, action, resource);
        let evaluation = evaluate(set, &request);
        // A function-URL call is authorized twice (docs/semantics.md §7.7).
        let twin_allowed = !action.eq_ignore_ascii_case("lambda:InvokeFunctionUrl")
            || evaluate(set, &query::url_invoke_request(&request)).decision == Decision::Allow;
        if evaluation.decision == Decision::Allow && twin_allowed {
            return Some(Access {
                who: who.clone(),
                outcome: Outcome::Found,
                conditions: vec![Vec::new()],
                examples: vec![Counterexample {
                    why: explain(set, &request),
                    request,
                    left: evaluation,
                    right: None,
                    why_right: Vec::new(),
                }],
                method: Method::Guess,
            });
        }
    }
    None
}

/// The answer for a caller no statement can let in, settled without the solver.
fn no_access(who: &Who) -> Access {
    Access {
        who: who.clone(),
        outcome: Outcome::NoneExists,
        examples: Vec::new(),
        conditions: Vec::new(),
        method: Method::Cover,
    }
}

/// The answers of principals that share their policies, boundary, tags and account: one
/// solver question over all of them ("some one of these ARNs"); a found example is tried on
/// every member by the evaluator, and members it does not hold for are asked alone.
fn ask_group(
    world: &World,
    resource_account: &Account,
    members: &[Who],
    question: &WhoCanQuestion,
    resources: &[String],
    options: &QueryOptions,
) -> Result<Vec<Access>, QueryError> {
    let arns: Vec<String> = members
        .iter()
        .filter_map(|w| match w {
            Who::Principal { arn, .. } => Some(arn.clone()),
            _ => None,
        })
        .collect();
    let (Some(first), true) = (members.first(), members.len() > 1) else {
        return members
            .iter()
            .map(|w| ask(world, resource_account, w, question, resources, options))
            .collect();
    };
    let representative = match first {
        Who::Principal { account, arn } => world
            .accounts
            .get(account)
            .and_then(|a| a.principals.get(arn)),
        _ => None,
    };
    let mut found: Option<(PolicySet, Counterexample)> = None;
    let mut unknown = None;
    for resource in resources {
        let set = world.policy_set_for(&arns[0], resource, resource_account);
        let mut c = constraints(first, representative, question, resource, world);
        c.principals = arns.clone();
        let answer = ask_actions(&set, &c, question, options)?;
        match answer.outcome {
            Outcome::Found => {
                if let Some(e) = answer.counterexamples.into_iter().next() {
                    found = Some((set, e));
                }
                break;
            }
            Outcome::Unknown { reason, .. } => unknown = Some(reason),
            Outcome::NoneExists => {}
        }
    }
    let Some((set, example)) = found else {
        // Proved for every member at once, or no answer for any of them.
        return Ok(members
            .iter()
            .map(|w| Access {
                who: w.clone(),
                outcome: match &unknown {
                    Some(reason) => Outcome::Unknown {
                        reason: reason.clone(),
                        span: None,
                    },
                    None => Outcome::NoneExists,
                },
                examples: Vec::new(),
                conditions: Vec::new(),
                method: Method::Solver,
            })
            .collect());
    };
    let mut out = Vec::new();
    for w in members {
        let Who::Principal { arn, .. } = w else {
            continue;
        };
        let mut request = example.request.clone();
        request.principal = arn.clone();
        let evaluation = evaluate(&set, &request);
        let twin_ok = !request
            .action
            .eq_ignore_ascii_case("lambda:InvokeFunctionUrl")
            || evaluate(&set, &query::url_invoke_request(&request)).decision == Decision::Allow;
        if evaluation.decision == Decision::Allow && twin_ok {
            let conditions = vec![needed_conditions(&set, &request)];
            out.push(Access {
                who: w.clone(),
                outcome: Outcome::Found,
                examples: vec![Counterexample {
                    why: explain(&set, &request),
                    request,
                    left: evaluation,
                    right: None,
                    why_right: Vec::new(),
                }],
                conditions,
                method: Method::Solver,
            });
        } else {
            out.push(ask(
                world,
                resource_account,
                w,
                question,
                resources,
                options,
            )?);
        }
    }
    Ok(out)
}

/// One `can` question per kind of action: function-URL calls are authorized twice.
fn ask_actions(
    set: &PolicySet,
    c: &Constraints,
    question: &WhoCanQuestion,
    options: &QueryOptions,
) -> Result<Answer, QueryError> {
    let (url, others): (Vec<String>, Vec<String>) = question
        .actions
        .iter()
        .cloned()
        .partition(|a| a.eq_ignore_ascii_case("lambda:InvokeFunctionUrl"));
    let mut answers = Vec::new();
    if !others.is_empty() {
        let only = Constraints {
            actions: others,
            ..c.clone()
        };
        answers.push(query::can(set, &only, options)?);
    }
    if !url.is_empty() {
        answers.push(query::can_invoke_url(set, c, options)?);
    }
    Ok(answers
        .iter()
        .find(|a| a.outcome == Outcome::Found)
        .or_else(|| {
            answers
                .iter()
                .find(|a| matches!(a.outcome, Outcome::Unknown { .. }))
        })
        .cloned()
        .unwrap_or(Answer {
            outcome: Outcome::NoneExists,
            counterexamples: Vec::new(),
            elapsed: std::time::Duration::ZERO,
        }))
}

/// One caller's answer by the solver, over every resource a call may be authorized against.
fn ask(
    world: &World,
    resource_account: &Account,
    who: &Who,
    question: &WhoCanQuestion,
    resources: &[String],
    options: &QueryOptions,
) -> Result<Access, QueryError> {
    let principal = match who {
        Who::Principal { account, arn } => world
            .accounts
            .get(account)
            .and_then(|a| a.principals.get(arn)),
        _ => None,
    };
    if let Some(p) = principal.filter(|p| !p.problems.is_empty()) {
        return Ok(Access {
            who: who.clone(),
            outcome: Outcome::Unknown {
                reason: format!(
                    "the policies of `{}` could not all be read: {}",
                    p.arn,
                    p.problems.join("; ")
                ),
                span: None,
            },
            examples: Vec::new(),
            conditions: Vec::new(),
            method: Method::Cover,
        });
    }
    let mut unknown = None;
    for resource in resources {
        let set = world.policy_set_for(&caller_arn(who), resource, resource_account);
        let mut c = constraints(who, principal, question, resource, world);
        if !matches!(who, Who::Principal { .. } | Who::Root { .. }) {
            c.not_principals.extend(question.except.iter().cloned());
        }
        let answer = ask_actions(&set, &c, question, options)?;
        match answer.outcome {
            Outcome::Found => return Ok(found(who, answer, &set)),
            Outcome::Unknown { reason, .. } => unknown = Some(reason),
            Outcome::NoneExists => {}
        }
    }
    Ok(Access {
        who: who.clone(),
        outcome: match unknown {
            Some(reason) => Outcome::Unknown { reason, span: None },
            None => Outcome::NoneExists,
        },
        examples: Vec::new(),
        conditions: Vec::new(),
        method: Method::Solver,
    })
}

/// The caller's ARN as requests name it (a class stands for an ARN of its kind).
fn caller_arn(who: &Who) -> String {
    match who {
        Who::Principal { arn, .. } => arn.clone(),
        Who::Root { account } => format!("arn:aws:iam::{account}:root"),
        Who::OtherAccount => "arn:aws:iam::000000000000:root".into(),
        Who::Service => "lambda.amazonaws.com".into(),
        Who::Anonymous => "anonymous".into(),
    }
}

fn plain_request(world: &World, arn: &str, action: &str, resource: &str) -> Request {
    world.with_tags(&Request::new(Some(arn), action, resource, None))
}

/// The constraints that pin a question to one caller (or class).
fn constraints(
    who: &Who,
    principal: Option<&Principal>,
    question: &WhoCanQuestion,
    resource: &str,
    world: &World,
) -> Constraints {
    let resource_tags = Request::new(None, "lambda:InvokeFunction", resource, None);
    let mut c = Constraints {
        actions: question.actions.clone(),
        resources: vec![resource.to_string()],
        resource_tags: world.resource(&resource_tags).map(|r| r.tags.clone()),
        ..Constraints::default()
    };
    match who {
        Who::Principal { arn, .. } => {
            c.principals = vec![arn.clone()];
            c.principal_tags = Some(principal.map(|p| p.tags.clone()).unwrap_or_default());
        }
        Who::Root { account } => c.principals = vec![format!("arn:aws:iam::{account}:root")],
        Who::OtherAccount => {
            c.principals = vec!["arn:aws:iam::*".into()];
            c.not_principals = world
                .accounts
                .keys()
                .map(|a| format!("arn:aws:iam::{a}:*"))
                .collect();
        }
        Who::Service => {
            c.principals = vec!["*".into()];
            c.not_principals = vec!["arn:*".into(), "anonymous".into()];
        }
        Who::Anonymous => c.principals = vec!["anonymous".into()],
    }
    c
}

/// Some Allow statement of the identity side or of the resource-based policy can apply to one
/// of `actions` on `resource`, conditions and principals aside (a policy variable in a
/// resource pattern counts as a match).
fn may_apply(set: &PolicySet, actions: &[String], resource: &str) -> bool {
    let globs: Vec<Glob> = actions.iter().map(|a| Glob::wildcard(a, true)).collect();
    let applies = |p: &Policy| {
        p.statements.iter().any(|s| {
            if s.effect.value != Effect::Allow {
                return false;
            }
            let action_hit = globs
                .iter()
                .any(|q| s.action.entries.iter().any(|e| e.value.intersects(q)));
            if s.action.negated {
                // `NotAction`: decided by the solver.
            } else if !action_hit {
                return false;
            }
            match &s.resource {
                None => true,
                Some(r) if r.negated => true,
                Some(r) => r
                    .entries
                    .iter()
                    .any(|m| m.value.glob.as_ref().is_none_or(|g| g.matches(resource))),
            }
        })
    };
    set.identity.iter().any(applies) || set.resource.as_ref().is_some_and(applies)
}

/// Some Allow statement of a resource-based policy can name `arn` (as `*`, its account or its
/// ARN) for one of `actions` on `resource`, conditions aside.
fn may_name(policy: &Policy, arn: &str, actions: &[String], resource: &str) -> bool {
    use airtight_encodings::policy::PrincipalEntry;
    let account = arn.split(':').nth(4).unwrap_or_default();
    let single = PolicySet {
        resource: Some(Policy {
            statements: policy
                .statements
                .iter()
                .filter(|s| {
                    s.principal.as_ref().is_some_and(|b| {
                        b.negated
                            || b.entries.iter().any(|e| match &e.value {
                                PrincipalEntry::Everyone => true,
                                PrincipalEntry::Account(a) => a == account,
                                PrincipalEntry::Arn(x) => x == arn,
                                _ => false,
                            })
                    })
                })
                .cloned()
                .collect(),
            ..policy.clone()
        }),
        ..PolicySet::default()
    };
    may_apply(&single, actions, resource)
}

/// A found answer, with the conditions each example needs.
fn found(who: &Who, answer: Answer, set: &PolicySet) -> Access {
    let conditions = answer
        .counterexamples
        .iter()
        .map(|c| needed_conditions(set, &c.request))
        .collect();
    Access {
        who: who.clone(),
        outcome: Outcome::Found,
        examples: answer.counterexamples,
        conditions,
        method: Method::Solver,
    }
}

/// The context keys of an allowed request that it cannot do without (tags of the caller and
/// of the resource are facts, not conditions, and are left out).
pub fn needed_conditions(set: &PolicySet, request: &Request) -> Vec<(String, String)> {
    let mut kept = request.clone();
    let mut needed = Vec::new();
    let keys: Vec<String> = request.context.keys().cloned().collect();
    for k in keys {
        if k.starts_with("aws:principaltag/") || k.starts_with("aws:resourcetag/") {
            continue;
        }
        let mut without = kept.clone();
        let Some(entry) = without.context.remove(&k) else {
            continue;
        };
        if evaluate(set, &without).decision == Decision::Allow {
            kept = without;
        } else {
            let value = match &entry.value {
                ContextValue::Single(v) => v.clone(),
                ContextValue::Multi(vs) => format!("[{}]", vs.join(", ")),
            };
            needed.push((entry.written.clone(), value));
        }
    }
    needed
}

/// The result as one answer: some caller can (an example per caller), nobody can, or no
/// answer for some caller.
pub fn as_answer(result: &WhoCan) -> Answer {
    let found: Vec<Counterexample> = result
        .accesses
        .iter()
        .filter(|a| a.outcome == Outcome::Found)
        .filter_map(|a| a.examples.first().cloned())
        .collect();
    let unknown = result.accesses.iter().find_map(|a| match &a.outcome {
        Outcome::Unknown { reason, .. } => Some(format!("{}: {reason}", a.who.describe())),
        _ => None,
    });
    Answer {
        outcome: match (found.is_empty(), unknown) {
            (false, _) => Outcome::Found,
            (true, Some(reason)) => Outcome::Unknown { reason, span: None },
            (true, None) => Outcome::NoneExists,
        },
        counterexamples: found,
        elapsed: std::time::Duration::ZERO,
    }
}

/// What the JSON contract and the text report share: callers by kind.
pub fn tally(result: &WhoCan) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for a in result
        .accesses
        .iter()
        .filter(|a| a.outcome == Outcome::Found)
    {
        *out.entry(a.who.kind()).or_insert(0) += 1;
    }
    out
}
