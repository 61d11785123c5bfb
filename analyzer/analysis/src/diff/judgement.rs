//! How one policy is judged: the policy sets in which its two versions are compared.
//!
//! A policy rarely decides a request alone. An identity policy sits next to the principal's
//! other policies, a bucket policy next to the callers' identity policies, an SCP next to
//! everything its accounts attach. What a change to one policy does to access therefore
//! depends on the question asked of it. airtight asks up to two (docs/diff.md, "How a policy is
//! judged"):
//!
//! - [`Judgement::Standalone`] — the policy as it stands: an identity or resource-based policy
//!   on its own (what it grants); a guardrail policy type (permissions boundary, session
//!   policy, SCP, RCP), which grants nothing, by what it lets through policies that allow
//!   everything — an SCP or RCP attached alone at its level.
//! - [`Judgement::Guardrail`] — for a policy that holds Deny statements (in either version),
//!   those statements where they act: next to policies that allow everything (for an SCP or
//!   RCP, `FullAWSAccess` at its own level), the policy allows exactly what none of its Deny
//!   statements stops, whatever its Allow statements say. A narrowed Deny is new access, a
//!   widened one removed access. Permissions boundaries and session policies are not judged
//!   this way: each is the only policy of its kind, so its own Allow statements always count.
//!
//! Each judgement is one or more *contexts*: policy sets that place the judged policy next to
//! the built-in allow-everything policies ([`crate::builtin`]). Several contexts are needed
//! where one set cannot reach every caller: a set with an identity-based policy is never asked
//! about the account root user (identity policies never attach to it), and a set without one
//! cannot let a user or role of another account in (cross-account access needs an
//! identity-based allow, docs/semantics.md §5.4). A change is "no new access" under a judgement
//! only when no context shows a request that NEW allows and OLD does not.
//!
//! [`judged`] asks a whole-policy query (equivalence or no-new-access) in every context of
//! every judgement — what `airtight equiv` and `airtight no-new-access` do with one policy per
//! side; [`super::compare`] asks the same questions split into small parts.

use airtight_encodings::eval::{evaluate, Decision, PolicySet};
use airtight_encodings::policy::{Effect, Policy, PolicyKind};
use airtight_encodings::request::Request;

use super::realize::realize;

use crate::builtin::Baselines;
use crate::query::{Answer, Counterexample, Outcome, QueryError};

/// A way of judging one policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Judgement {
    /// The policy as it stands: on its own, or (a guardrail policy type) next to policies that
    /// allow everything.
    Standalone,
    /// Its Deny statements where they act: next to policies that allow everything.
    Guardrail,
}

impl Judgement {
    /// The name in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Judgement::Standalone => "standalone",
            Judgement::Guardrail => "guardrail",
        }
    }

    /// The judgement in a person's words, for a policy of `kind`.
    pub fn describe(self, kind: PolicyKind) -> &'static str {
        match (self, kind) {
            (Judgement::Standalone, PolicyKind::Identity | PolicyKind::Resource) => "on its own",
            (Judgement::Standalone, PolicyKind::Scp | PolicyKind::Rcp) => {
                "as attached alone at its level, next to policies that allow everything"
            }
            (Judgement::Standalone, _) => "next to an identity policy that allows everything",
            (Judgement::Guardrail, PolicyKind::Scp | PolicyKind::Rcp) => {
                "as a guardrail (its Deny statements, next to FullAWSAccess and policies that allow everything)"
            }
            (Judgement::Guardrail, _) => {
                "as a guardrail (its Deny statements, next to policies that allow everything)"
            }
        }
    }
}

/// Whether `policy` holds a Deny statement.
pub fn has_denies(policy: &Policy) -> bool {
    policy
        .statements
        .iter()
        .any(|s| s.effect.value == Effect::Deny)
}

/// The judgements two versions of a policy of `kind` get, in the order they are asked.
pub fn judgements(kind: PolicyKind, old: &Policy, new: &Policy) -> Vec<Judgement> {
    let mut out = vec![Judgement::Standalone];
    let guards = !matches!(kind, PolicyKind::Boundary | PolicyKind::Session);
    if guards && (has_denies(old) || has_denies(new)) {
        out.push(Judgement::Guardrail);
    }
    out
}

/// The policy sets in which `policy`, of `kind`, is judged under `judgement`; the same
/// number, in the same order, for every policy of that kind and judgement, so that two
/// versions are compared context by context. Under the guardrail judgement only the policy's
/// Deny statements take part.
///
/// | kind | standalone | guardrail (Deny statements) |
/// |---|---|---|
/// | identity | the policy alone | with allow-all identity and session policies and an allow-every-caller resource policy |
/// | resource | the policy alone; and with allow-all identity and session policies | the policy plus an allow-every-caller statement; and the same with allow-all identity and session policies |
/// | boundary, session | with an allow-all identity policy | — |
/// | SCP, RCP | alone at its level, with an allow-every-caller resource policy; and the same with allow-all identity and session policies | the same with `FullAWSAccess` (allow all) at its level |
pub fn contexts(
    policy: &Policy,
    kind: PolicyKind,
    judgement: Judgement,
    b: &Baselines,
) -> Vec<PolicySet> {
    let all = || b.allow_all.clone();
    // Every caller of every account is let in by its own side: identity and session policies
    // that allow everything (a federated user needs a session policy).
    let callers_allow_all = |mut set: PolicySet| {
        set.identity.push(all());
        set.session = Some(all());
        set
    };
    // Next to policies that allow everything, the policy's own Allow statements change no
    // decision: the sets of the guardrail judgement hold its Deny statements only, which
    // spares the solver a large policy's grants.
    let denies = denies_only(policy);
    let policy = match judgement {
        Judgement::Guardrail => &denies,
        Judgement::Standalone => policy,
    };
    match (kind, judgement) {
        (PolicyKind::Identity, Judgement::Standalone) => vec![PolicySet {
            identity: vec![policy.clone()],
            ..PolicySet::default()
        }],
        // On its own, and next to callers whose own side allows everything: a grant to a
        // role or account elsewhere needs that account's identity-based allow (§5.4), and a
        // grant to the resource's own account needs one from its users and roles.
        (PolicyKind::Resource, Judgement::Standalone) => {
            let alone = PolicySet {
                resource: Some(policy.clone()),
                ..PolicySet::default()
            };
            vec![alone.clone(), callers_allow_all(alone)]
        }
        // Users and roles of any account (cross-account requests are granted by the resource
        // policy that allows every caller); the policy's Deny statements are what remains.
        (PolicyKind::Identity, Judgement::Guardrail) => vec![callers_allow_all(PolicySet {
            identity: vec![policy.clone()],
            resource: Some(b.allow_every_caller.clone()),
            ..PolicySet::default()
        })],
        // The resource policy's own statements plus one that allows every caller: without an
        // identity policy the set reaches the account root user of every account, AWS
        // services, anonymous callers and the resource account's users and roles; with
        // allow-all identity and session policies, the users and roles of every account.
        (PolicyKind::Resource, Judgement::Guardrail) => {
            let resource = with_every_caller(policy, &b.allow_every_caller);
            let alone = PolicySet {
                resource: Some(resource),
                ..PolicySet::default()
            };
            vec![alone.clone(), callers_allow_all(alone)]
        }
        (PolicyKind::Boundary, _) => vec![PolicySet {
            boundary: Some(policy.clone()),
            identity: vec![all()],
            ..PolicySet::default()
        }],
        (PolicyKind::Session, _) => vec![PolicySet {
            session: Some(policy.clone()),
            identity: vec![all()],
            ..PolicySet::default()
        }],
        // SCPs bind the users, roles and root user of member accounts, RCPs every caller of a
        // member account's resources: the root user needs a set without an identity policy,
        // the users and roles of other accounts one with. At its level the policy is attached
        // alone (an allow list replacing FullAWSAccess) or, for its Deny statements, next to
        // FullAWSAccess (a deny list).
        (PolicyKind::Scp | PolicyKind::Rcp, _) => {
            let mut level = vec![policy.clone()];
            if judgement == Judgement::Guardrail {
                level.push(all());
            }
            let mut alone = PolicySet {
                resource: Some(b.allow_every_caller.clone()),
                ..PolicySet::default()
            };
            if kind == PolicyKind::Scp {
                alone.scps.push(level);
            } else {
                alone.rcps.push(level);
            }
            vec![alone.clone(), callers_allow_all(alone)]
        }
    }
}

/// The Deny statements of `policy` (positions and spans kept).
fn denies_only(policy: &Policy) -> Policy {
    Policy {
        statements: policy
            .statements
            .iter()
            .filter(|s| s.effect.value == Effect::Deny)
            .cloned()
            .collect(),
        ..policy.clone()
    }
}

/// Whether a part of the split ([`super::split`]) asked under this judgement must carry every
/// Deny statement of both versions. It must where a request can be allowed without any Allow
/// statement of the policy — a resource-based policy on its own lets in the account root
/// user, and next to allow-all identity policies every user and role of the resource's
/// account — because such a request need not be one of the part's actions, and only the
/// whole Deny statements decide it as the full policies do.
pub fn parts_carry_all_denies(kind: PolicyKind, judgement: Judgement) -> bool {
    kind == PolicyKind::Resource && judgement == Judgement::Standalone
}

/// `policy` with the statements of `every_caller` appended (numbered after its own): one
/// resource-based policy, as a resource has only one, whose own Allow statements no longer
/// matter and whose Deny statements still do.
fn with_every_caller(policy: &Policy, every_caller: &Policy) -> Policy {
    let mut out = policy.clone();
    // After every position the policy's statements had, so that no two share one.
    let first = policy
        .statements
        .iter()
        .map(|s| s.index + 1)
        .max()
        .unwrap_or(0);
    out.statements
        .extend(every_caller.statements.iter().enumerate().map(|(i, s)| {
            let mut s = s.clone();
            s.index = first + i;
            s
        }));
    out
}

/// One context of one judgement of a whole-policy query, with its answer.
#[derive(Debug, Clone)]
pub struct JudgedPart {
    pub judgement: Judgement,
    /// The policy sets the two sides were judged in.
    pub old: PolicySet,
    pub new: PolicySet,
    pub answer: Answer,
}

/// A whole-policy query asked under every judgement of a policy.
#[derive(Debug, Clone)]
pub struct JudgedAnswer {
    pub kind: PolicyKind,
    pub parts: Vec<JudgedPart>,
}

impl JudgedAnswer {
    /// The judgements asked, in order.
    pub fn judgements(&self) -> Vec<Judgement> {
        let mut out: Vec<Judgement> = Vec::new();
        for p in &self.parts {
            if !out.contains(&p.judgement) {
                out.push(p.judgement);
            }
        }
        out
    }

    /// The outcome under one judgement: found when a context found requests, else unknown
    /// when a context had no answer, else none exists.
    pub fn outcome_of(&self, judgement: Judgement) -> Outcome {
        combine(
            self.parts
                .iter()
                .filter(|p| p.judgement == judgement)
                .map(|p| &p.answer.outcome),
        )
    }

    /// The outcome of the whole question, over every judgement.
    pub fn outcome(&self) -> Outcome {
        combine(self.parts.iter().map(|p| &p.answer.outcome))
    }

    /// The question's answer: the combined outcome and every certified counterexample.
    pub fn answer(&self) -> Answer {
        Answer {
            outcome: self.outcome(),
            counterexamples: self.counterexamples().map(|(_, c)| c.clone()).collect(),
            elapsed: self.parts.iter().map(|p| p.answer.elapsed).sum(),
        }
    }

    /// Every counterexample, with the part that found it.
    pub fn counterexamples(&self) -> impl Iterator<Item = (&JudgedPart, &Counterexample)> {
        self.parts
            .iter()
            .flat_map(|p| p.answer.counterexamples.iter().map(move |c| (p, c)))
    }
}

/// Replaces a counterexample's request by one with a real action and a resource of its type
/// ([`super::realize`]) on which the two sets decide alike (allowed or not) as on the
/// original, with the decisions re-evaluated.
fn realized(c: &mut Counterexample, old: &PolicySet, new: &PolicySet) {
    let allows = |set: &PolicySet, r: &Request| evaluate(set, r).decision == Decision::Allow;
    let want = (allows(old, &c.request), allows(new, &c.request));
    let request = realize(&c.request, &|r| (allows(old, r), allows(new, r)) == want);
    if request != c.request {
        c.left = evaluate(old, &request);
        c.right = Some(evaluate(new, &request));
        c.request = request;
    }
}

/// Found beats unknown beats none: a certified request settles the question, and "none" needs
/// every part proved.
fn combine<'a>(outcomes: impl Iterator<Item = &'a Outcome>) -> Outcome {
    let mut out = Outcome::NoneExists;
    for o in outcomes {
        match (o, &out) {
            (Outcome::Found, _) => return Outcome::Found,
            (Outcome::Unknown { .. }, Outcome::NoneExists) => out = o.clone(),
            _ => {}
        }
    }
    out
}

/// Asks `ask` (a whole-policy equivalence or no-new-access query, OLD first) about `old` and
/// `new`, both of `kind`, in every context of every judgement they get.
pub fn judged(
    old: &Policy,
    new: &Policy,
    kind: PolicyKind,
    b: &Baselines,
    ask: impl Fn(&PolicySet, &PolicySet) -> Result<Answer, QueryError>,
) -> Result<JudgedAnswer, QueryError> {
    let mut parts = Vec::new();
    for judgement in judgements(kind, old, new) {
        let olds = contexts(old, kind, judgement, b);
        let news = contexts(new, kind, judgement, b);
        for (o, n) in olds.into_iter().zip(news) {
            let mut answer = ask(&o, &n)?;
            for c in &mut answer.counterexamples {
                realized(c, &o, &n);
            }
            parts.push(JudgedPart {
                judgement,
                old: o,
                new: n,
                answer,
            });
        }
    }
    Ok(JudgedAnswer { kind, parts })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::testing::policy;
    use crate::query::{equiv, no_new_access, QueryOptions};

    fn baselines() -> Baselines {
        Baselines::unregistered().expect("built-in policies parse")
    }

    const REGION_ALL: &str = r#"{"Sid":"RegionGuard","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}"#;
    const REGION_EC2: &str = r#"{"Sid":"RegionGuard","Effect":"Deny","Action":"ec2:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}"#;

    #[test]
    fn only_policies_with_deny_statements_are_judged_as_guardrails() {
        let allow = policy(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#);
        let deny = policy(REGION_ALL);
        assert_eq!(
            judgements(PolicyKind::Identity, &allow, &allow),
            [Judgement::Standalone]
        );
        assert_eq!(
            judgements(PolicyKind::Identity, &allow, &deny),
            [Judgement::Standalone, Judgement::Guardrail]
        );
        assert_eq!(
            judgements(PolicyKind::Scp, &allow, &allow),
            [Judgement::Standalone]
        );
        assert_eq!(
            judgements(PolicyKind::Scp, &deny, &allow),
            [Judgement::Standalone, Judgement::Guardrail]
        );
        assert_eq!(
            judgements(PolicyKind::Boundary, &deny, &deny),
            [Judgement::Standalone]
        );
    }

    #[test]
    fn a_narrowed_identity_deny_is_new_access_as_a_guardrail() {
        let (old, new) = (policy(REGION_ALL), policy(REGION_EC2));
        let b = baselines();
        let a = judged(&old, &new, PolicyKind::Identity, &b, |o, n| {
            no_new_access(o, n, &QueryOptions::default())
        })
        .expect("certified");
        // On its own neither version allows anything.
        assert_eq!(a.outcome_of(Judgement::Standalone), Outcome::NoneExists);
        assert_eq!(a.outcome_of(Judgement::Guardrail), Outcome::Found);
        let (part, c) = a.counterexamples().next().expect("an example");
        assert_eq!(part.judgement, Judgement::Guardrail);
        assert!(!c.request.action.to_ascii_lowercase().starts_with("ec2:"));
        // The other way round nothing is new.
        let back = judged(&new, &old, PolicyKind::Identity, &b, |o, n| {
            no_new_access(o, n, &QueryOptions::default())
        })
        .expect("certified");
        assert_eq!(back.outcome(), Outcome::NoneExists);
    }

    #[test]
    fn a_resource_deny_is_judged_for_every_caller() {
        // A bucket policy that stops every caller outside a VPC endpoint, and the same with a
        // service exemption: only AWS services gain access, which only the context without an
        // identity policy can show.
        let old = policy(
            r#"{"Sid":"VpceOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bucket","arn:aws:s3:::bucket/*"],"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}"#,
        );
        let new = policy(
            r#"{"Sid":"VpceOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bucket","arn:aws:s3:::bucket/*"],"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}"#,
        );
        let a = judged(&old, &new, PolicyKind::Resource, &baselines(), |o, n| {
            equiv(o, n, &QueryOptions::default())
        })
        .expect("certified");
        assert_eq!(a.outcome_of(Judgement::Guardrail), Outcome::Found);
        assert!(a
            .counterexamples()
            .any(|(p, c)| p.judgement == Judgement::Guardrail
                && c.request.principal.ends_with(".amazonaws.com")));
    }

    #[test]
    fn a_deny_list_scp_is_judged_next_to_full_aws_access() {
        // Attached alone, a Deny-only SCP lets nothing through in either version; next to
        // FullAWSAccess, narrowing it lets the root user's other actions through.
        let old = policy(
            r#"{"Effect":"Deny","NotAction":["s3:GetBucketPolicy","s3:PutBucketPolicy","s3:DeleteBucketPolicy"],"Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}"#,
        );
        let new = policy(
            r#"{"Effect":"Deny","NotAction":["s3:*"],"Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}"#,
        );
        let a = judged(&old, &new, PolicyKind::Scp, &baselines(), |o, n| {
            no_new_access(o, n, &QueryOptions::default())
        })
        .expect("certified");
        assert_eq!(a.outcome_of(Judgement::Standalone), Outcome::NoneExists);
        assert_eq!(a.outcome_of(Judgement::Guardrail), Outcome::Found);
    }

    #[test]
    fn a_narrowed_scp_deny_on_the_root_user_is_new_access() {
        let old = policy(
            r#"{"Effect":"Allow","Action":"*","Resource":"*"},
               {"Sid":"DenyRoot","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}"#,
        );
        let new = policy(
            r#"{"Effect":"Allow","Action":"*","Resource":"*"},
               {"Sid":"DenyRoot","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:root"}}}"#,
        );
        let a = judged(&old, &new, PolicyKind::Scp, &baselines(), |o, n| {
            no_new_access(o, n, &QueryOptions::default())
        })
        .expect("certified");
        assert_eq!(a.outcome(), Outcome::Found);
        let (_, c) = a.counterexamples().next().expect("an example");
        assert!(c.request.principal.ends_with(":root"), "{:?}", c.request);
    }
}
