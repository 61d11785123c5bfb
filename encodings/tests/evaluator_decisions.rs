//! The evaluator's decision procedure (docs/semantics.md §5): explicit deny, SCP and RCP levels,
//! resource-based grant kinds, permissions boundary, session policy, same- and cross-account,
//! service principals and anonymous callers.
//!
//! Section numbers (§) refer to `docs/semantics.md`, the IAM and Lambda semantics airtight
//! implements.

#![allow(clippy::unwrap_used, reason = "tests")]

use airtight_encodings::eval::{evaluate, Decision, PolicySet};
use airtight_encodings::parse::parse_policy;
use airtight_encodings::policy::Policy;
use airtight_encodings::request::Request;
use airtight_encodings::span::FileId;

const FN: &str = "arn:aws:lambda:us-east-1:111122223333:function:f";

fn p(statements: &str) -> Policy {
    let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
    parse_policy(&text, FileId(0))
        .policy
        .unwrap_or_else(|| panic!("does not parse: {text}"))
}

fn allow(action: &str) -> Policy {
    p(&format!(
        r#"{{"Effect": "Allow", "Action": "{action}", "Resource": "*"}}"#
    ))
}

fn deny(action: &str) -> Policy {
    p(&format!(
        r#"{{"Effect": "Deny", "Action": "{action}", "Resource": "*"}}"#
    ))
}

fn rbp(principal: &str) -> Policy {
    p(&format!(
        r#"{{"Sid": "Grant", "Effect": "Allow", "Principal": {principal}, "Action": "lambda:InvokeFunction", "Resource": "{FN}"}}"#
    ))
}

fn invoke(principal: &str) -> Request {
    Request::new(Some(principal), "lambda:InvokeFunction", FN, None)
}

fn decide(set: &PolicySet, r: &Request) -> Decision {
    evaluate(set, r).decision
}

#[test]
fn explicit_deny_beats_allow_beats_implicit_deny() {
    let role = invoke("arn:aws:iam::111122223333:role/app");
    let set = PolicySet {
        identity: vec![allow("lambda:*")],
        ..PolicySet::default()
    };
    assert_eq!(decide(&set, &role), Decision::Allow);
    let deny = p(&format!(
        r#"{{"Sid": "No", "Effect": "Deny", "Action": "lambda:Invoke*", "Resource": "{FN}*"}}"#
    ));
    let set = PolicySet {
        identity: vec![allow("lambda:*"), deny],
        ..PolicySet::default()
    };
    let e = evaluate(&set, &role);
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert_eq!(e.deciding[0].label, "No");
    assert_eq!(decide(&PolicySet::default(), &role), Decision::ImplicitDeny);
}

#[test]
fn same_account_resource_policy_grant_kinds() {
    let role = invoke("arn:aws:iam::111122223333:role/app");
    let user = invoke("arn:aws:iam::111122223333:user/alice");
    let boundary = Some(allow("s3:*"));
    // A grant to the role ARN is limited by the boundary; to the account it needs an identity allow.
    let to_role = PolicySet {
        resource: Some(rbp(r#"{"AWS": "arn:aws:iam::111122223333:role/app"}"#)),
        ..PolicySet::default()
    };
    assert_eq!(decide(&to_role, &role), Decision::Allow);
    assert_eq!(
        decide(
            &PolicySet {
                boundary: boundary.clone(),
                ..to_role.clone()
            },
            &role
        ),
        Decision::ImplicitDeny
    );
    let to_account = PolicySet {
        resource: Some(rbp(r#"{"AWS": "111122223333"}"#)),
        ..PolicySet::default()
    };
    assert_eq!(decide(&to_account, &role), Decision::ImplicitDeny);
    assert_eq!(
        decide(
            &PolicySet {
                identity: vec![allow("lambda:*")],
                ..to_account
            },
            &role
        ),
        Decision::Allow
    );
    // A grant to the user ARN or to `*` is direct: the boundary's implicit deny does not limit it.
    let to_user = PolicySet {
        resource: Some(rbp(r#"{"AWS": "arn:aws:iam::111122223333:user/alice"}"#)),
        boundary: boundary.clone(),
        ..PolicySet::default()
    };
    assert_eq!(decide(&to_user, &user), Decision::Allow);
    let to_all = PolicySet {
        resource: Some(rbp(r#""*""#)),
        boundary,
        ..PolicySet::default()
    };
    assert_eq!(decide(&to_all, &role), Decision::Allow);
}

#[test]
fn cross_account_needs_both_sides() {
    // The identity side given is the caller's (its account is the home account).
    let foreign = invoke("arn:aws:iam::444455556666:role/app");
    let home = Some("444455556666".to_string());
    let rp = Some(rbp(r#"{"AWS": "arn:aws:iam::444455556666:root"}"#));
    assert_eq!(
        decide(
            &PolicySet {
                resource: rp.clone(),
                principal_account: home.clone(),
                ..PolicySet::default()
            },
            &foreign
        ),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(
            &PolicySet {
                identity: vec![allow("lambda:*")],
                principal_account: home.clone(),
                ..PolicySet::default()
            },
            &foreign
        ),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(
            &PolicySet {
                identity: vec![allow("lambda:*")],
                resource: rp,
                principal_account: home.clone(),
                ..PolicySet::default()
            },
            &foreign
        ),
        Decision::Allow
    );
    // Even `"*"` in a resource policy needs the caller's own identity allow across accounts.
    let star = PolicySet {
        resource: Some(rbp(r#""*""#)),
        principal_account: home,
        ..PolicySet::default()
    };
    assert_eq!(decide(&star, &foreign), Decision::ImplicitDeny);
}

#[test]
fn callers_of_other_accounts_are_decided_by_their_own_account() {
    // The identity side describes the resource's account (111122223333); a role of another
    // account has policies airtight cannot see, which may allow anything.
    let foreign = invoke("arn:aws:iam::444455556666:role/app");
    let set = PolicySet {
        identity: vec![deny("lambda:*")],
        resource: Some(rbp(r#"{"AWS": "arn:aws:iam::444455556666:root"}"#)),
        ..PolicySet::default()
    };
    assert_eq!(decide(&set, &foreign), Decision::Allow);
    let mut refused = foreign.clone();
    refused.outside.identity_allows = false;
    assert_eq!(decide(&set, &refused), Decision::ImplicitDeny);
    let mut limited = foreign;
    limited.outside.limits_allow = false;
    assert_eq!(decide(&set, &limited), Decision::ImplicitDeny);
    // Without a grant in the resource-based policy nothing gets in from outside.
    let no_grant = PolicySet {
        identity: vec![allow("*")],
        ..PolicySet::default()
    };
    assert_eq!(
        decide(&no_grant, &invoke("arn:aws:iam::444455556666:role/app")),
        Decision::ImplicitDeny
    );
}

#[test]
fn the_root_user_is_bound_by_no_identity_policy_or_boundary() {
    let root = invoke("arn:aws:iam::111122223333:root");
    let set = PolicySet {
        identity: vec![deny("lambda:*")],
        boundary: Some(allow("s3:*")),
        ..PolicySet::default()
    };
    assert_eq!(decide(&set, &root), Decision::Allow);
    // SCPs and resource-based policy denies bind it.
    let scp = PolicySet {
        scps: vec![vec![deny("lambda:InvokeFunction")]],
        ..PolicySet::default()
    };
    assert_eq!(decide(&scp, &root), Decision::ExplicitDeny);
    let rbp_deny = PolicySet {
        resource: Some(p(
            r#"{"Effect": "Deny", "Principal": "*", "Action": "lambda:*", "Resource": "*"}"#,
        )),
        ..PolicySet::default()
    };
    assert_eq!(decide(&rbp_deny, &root), Decision::ExplicitDeny);
}

#[test]
fn a_role_is_named_by_its_whole_arn() {
    let grant = |arn: &str| PolicySet {
        resource: Some(rbp(&format!(r#"{{"AWS": "{arn}"}}"#))),
        principal_account: Some("111122223333".into()),
        ..PolicySet::default()
    };
    let pathed = invoke("arn:aws:iam::111122223333:role/team/ops");
    assert_eq!(
        decide(&grant("arn:aws:iam::111122223333:role/team/ops"), &pathed),
        Decision::Allow
    );
    assert_eq!(
        decide(&grant("arn:aws:iam::111122223333:role/ops"), &pathed),
        Decision::ImplicitDeny
    );
    // A session's ARN has no path: it is matched by account and role name.
    let session = invoke("arn:aws:sts::111122223333:assumed-role/ops/s1");
    assert_eq!(
        decide(&grant("arn:aws:iam::111122223333:role/team/ops"), &session),
        Decision::Allow
    );
}

#[test]
fn services_and_anonymous_only_through_resource_policies() {
    let s3 = invoke("s3.amazonaws.com");
    let anon = invoke("anonymous");
    let to_s3 = PolicySet {
        resource: Some(rbp(r#"{"Service": "s3.amazonaws.com"}"#)),
        ..PolicySet::default()
    };
    assert_eq!(decide(&to_s3, &s3), Decision::Allow);
    assert_eq!(decide(&to_s3, &anon), Decision::ImplicitDeny);
    assert_eq!(
        decide(
            &PolicySet {
                identity: vec![allow("*")],
                ..PolicySet::default()
            },
            &s3
        ),
        Decision::ImplicitDeny
    );
    let to_all = PolicySet {
        resource: Some(rbp(r#""*""#)),
        ..PolicySet::default()
    };
    assert_eq!(decide(&to_all, &anon), Decision::Allow);
    // SCPs do not restrict service principals.
    let scp_deny = p(r#"{"Effect": "Deny", "Action": "*", "Resource": "*"}"#);
    assert_eq!(
        decide(
            &PolicySet {
                scps: vec![vec![scp_deny]],
                ..to_s3
            },
            &s3
        ),
        Decision::Allow
    );
}

#[test]
fn every_organization_level_must_allow() {
    let role = invoke("arn:aws:iam::111122223333:role/app");
    let base = PolicySet {
        identity: vec![allow("*")],
        ..PolicySet::default()
    };
    let levels = |l: Vec<Vec<Policy>>| PolicySet {
        scps: l,
        ..base.clone()
    };
    assert_eq!(
        decide(
            &levels(vec![vec![allow("*")], vec![allow("lambda:*")]]),
            &role
        ),
        Decision::Allow
    );
    assert_eq!(
        decide(&levels(vec![vec![allow("*")], vec![allow("s3:*")]]), &role),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(
            &levels(vec![
                vec![allow("*")],
                vec![allow("s3:*"), allow("lambda:Invoke*")]
            ]),
            &role
        ),
        Decision::Allow
    );
    let rcp_deny = p(
        r#"{"Effect": "Deny", "Principal": "*", "Action": "lambda:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}}}"#,
    );
    let with_rcp = PolicySet {
        rcps: vec![vec![allow("*"), rcp_deny]],
        ..base
    };
    assert_eq!(decide(&with_rcp, &role), Decision::Allow);
    assert_eq!(
        decide(&with_rcp, &invoke("arn:aws:iam::444455556666:role/app")),
        Decision::ExplicitDeny
    );
}

#[test]
fn session_policies_and_the_root_user() {
    let session = invoke("arn:aws:sts::111122223333:assumed-role/app/s1");
    let set = PolicySet {
        identity: vec![allow("*")],
        session: Some(allow("s3:*")),
        ..PolicySet::default()
    };
    assert_eq!(decide(&set, &session), Decision::ImplicitDeny);
    // A resource policy naming the session ARN is not limited by the session policy.
    let direct = PolicySet {
        resource: Some(rbp(
            r#"{"AWS": "arn:aws:sts::111122223333:assumed-role/app/s1"}"#,
        )),
        ..set
    };
    assert_eq!(decide(&direct, &session), Decision::Allow);
    // Federated users without a session policy have no permissions.
    let fed = invoke("arn:aws:sts::111122223333:federated-user/bob");
    assert_eq!(
        decide(
            &PolicySet {
                identity: vec![allow("*")],
                ..PolicySet::default()
            },
            &fed
        ),
        Decision::ImplicitDeny
    );
    // The root user needs no identity policy, but explicit denies still apply.
    let root = invoke("arn:aws:iam::111122223333:root");
    assert_eq!(decide(&PolicySet::default(), &root), Decision::Allow);
    let deny = p(r#"{"Effect": "Deny", "Action": "*", "Resource": "*"}"#);
    assert_eq!(
        decide(
            &PolicySet {
                scps: vec![vec![allow("*"), deny]],
                ..PolicySet::default()
            },
            &root
        ),
        Decision::ExplicitDeny
    );
}

#[test]
fn lambda_resource_matching() {
    let role = "arn:aws:iam::111122223333:role/app";
    let deny = |resource: &str| PolicySet {
        identity: vec![
            allow("lambda:*"),
            p(&format!(
                r#"{{"Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": "{resource}"}}"#
            )),
        ],
        ..PolicySet::default()
    };
    let at = |suffix: &str| {
        Request::new(
            Some(role),
            "lambda:InvokeFunction",
            &format!("{FN}{suffix}"),
            None,
        )
    };
    let star = deny(&format!("{FN}*"));
    for s in ["", ":1", ":prod", "-evil"] {
        assert_eq!(decide(&star, &at(s)), Decision::ExplicitDeny, "{s}");
    }
    let qualified = deny(&format!("{FN}:*"));
    assert_eq!(decide(&qualified, &at("")), Decision::Allow);
    assert_eq!(decide(&qualified, &at(":1")), Decision::ExplicitDeny);
    // Resource ARNs are case-sensitive; actions are not.
    assert_eq!(
        decide(
            &deny(
                &FN.to_uppercase()
                    .replace("ARN:AWS:LAMBDA", "arn:aws:lambda")
            ),
            &at("")
        ),
        Decision::Allow
    );
    let upper = Request::new(Some(role), "LAMBDA:invokefunction", FN, None);
    assert_eq!(decide(&deny(FN), &upper), Decision::ExplicitDeny);
}
