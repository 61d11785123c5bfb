//! Whether a request is one AWS could receive, judged by the service data: a real action, a
//! resource of one of the action's resource types (in its ARN format, or `*` for an action that
//! takes none), condition keys the action or the global context supports with values of the
//! key's shape, and well-formed ids (12-digit accounts, real partitions and regions, service
//! principals that look like `*.amazonaws.com`).
//!
//! airtight's examples are certified by the evaluator; this is the second check — that a person
//! can paste the example into a bug report and AWS would recognise it. A benchmark and a test
//! measure the share of valid examples.

use crate::arn::Arn;
use crate::request::{ContextValue, PrincipalKind, Request};
use crate::service_data::{Action, ServiceData};

/// What makes a request one AWS would not receive.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("`{0}` is not an action of the service data")]
    UnknownAction(String),
    #[error("`{action}` takes no resource, but the request names `{resource}`")]
    ResourceNotTaken { action: String, resource: String },
    #[error("`{resource}` is not a resource of any type `{action}` takes")]
    WrongResourceType { action: String, resource: String },
    #[error("`{0}` is not a 12-digit account id")]
    Account(String),
    #[error("`{0}` is not a partition (aws, aws-cn, aws-us-gov, …)")]
    Partition(String),
    #[error("`{0}` is not a region name")]
    Region(String),
    #[error("`{0}` is not a service principal name (`SERVICE.amazonaws.com`)")]
    ServicePrincipal(String),
    #[error("`{key}` is not a condition key `{action}` or the global context supports")]
    UnsupportedKey { key: String, action: String },
    #[error("`{0}` takes one value, but the request gives a list")]
    ListForSingle(String),
    #[error("`{0}` has an empty value")]
    EmptyValue(String),
    #[error("the principal `{0}` is not a well-formed IAM or STS ARN")]
    Principal(String),
}

const PARTITIONS: [&str; 6] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-eusc",
];

/// Whether `r` looks like `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, …
fn region_ok(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| !p.is_empty())
        && parts
            .last()
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[0].len() == 2
}

fn account_ok(a: &str) -> bool {
    a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit())
}

/// Every way `request` is not one AWS could receive (empty: valid).
pub fn check(request: &Request) -> Vec<Invalid> {
    let mut out = Vec::new();
    let data = ServiceData::get();
    let action = data.action(&request.action);
    match action {
        None => out.push(Invalid::UnknownAction(request.action.clone())),
        Some(a) => resource(a, request, &mut out),
    }
    match request.kind() {
        PrincipalKind::Service { name } => {
            let ok = name.strip_suffix(".amazonaws.com").is_some_and(|s| {
                s.split('.').all(|label| {
                    !label.is_empty()
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
            });
            if !ok {
                out.push(Invalid::ServicePrincipal(name));
            }
        }
        PrincipalKind::Anonymous => {}
        k => {
            if let Some(acct) = k.account() {
                if !account_ok(acct) {
                    out.push(Invalid::Account(acct.to_string()));
                }
            }
            let principal_ok = Arn::parse(&request.principal).is_some_and(|a| {
                PARTITIONS.contains(&a.partition)
                    && a.region.is_empty()
                    && a.resource.split('/').all(|p| !p.is_empty())
            });
            if !principal_ok {
                out.push(Invalid::Principal(request.principal.clone()));
            }
        }
    }
    if !request.resource_account.is_empty() && !account_ok(&request.resource_account) {
        out.push(Invalid::Account(request.resource_account.clone()));
    }
    for e in request.context.values() {
        let info = data.condition_key(&e.written);
        let supported = match (info, action) {
            (Some(k), _) if k.global => true,
            (Some(k), Some(a)) => {
                a.condition_keys().any(|x| x.name.eq_ignore_ascii_case(k.name))
                    || a.resource_types()
                        .iter()
                        .any(|r| r.condition_keys().any(|x| x.name.eq_ignore_ascii_case(k.name)))
                    || a.resource_types().iter().any(|r| {
                        r.resource_type()
                            .condition_keys
                            .iter()
                            .any(|x| x.name.eq_ignore_ascii_case(k.name))
                    })
                    // A key of the action's service that the data lists for the service as a
                    // whole (tags, `${service}:ResourceTag/…`).
                    || k.name
                        .split(':')
                        .next()
                        .is_some_and(|s| s.eq_ignore_ascii_case(a.service()) && k.is_template())
            }
            _ => false,
        };
        if !supported {
            out.push(Invalid::UnsupportedKey {
                key: e.written.clone(),
                action: request.action.clone(),
            });
        }
        match (&e.value, info) {
            (ContextValue::Multi(_), Some(k)) if !k.multivalued => {
                out.push(Invalid::ListForSingle(e.written.clone()))
            }
            (ContextValue::Single(v), _) if v.is_empty() => {
                out.push(Invalid::EmptyValue(e.written.clone()))
            }
            _ => {}
        }
    }
    out
}

/// The resource against the action's resource types.
fn resource(a: &Action, request: &Request, out: &mut Vec<Invalid>) {
    let r = &request.resource;
    if r == "*" {
        // `*` is what a request names for an action that takes no resource, or one whose
        // resource is optional.
        if !(a.wildcard_only() || a.resource_types().iter().any(|t| !t.required())) {
            out.push(Invalid::WrongResourceType {
                action: a.id().to_string(),
                resource: r.clone(),
            });
        }
        return;
    }
    if a.wildcard_only() {
        out.push(Invalid::ResourceNotTaken {
            action: a.id().to_string(),
            resource: r.clone(),
        });
        return;
    }
    let Some(arn) = Arn::parse(r) else {
        out.push(Invalid::WrongResourceType {
            action: a.id().to_string(),
            resource: r.clone(),
        });
        return;
    };
    if !PARTITIONS.contains(&arn.partition) {
        out.push(Invalid::Partition(arn.partition.to_string()));
    }
    if !arn.region.is_empty() && !region_ok(arn.region) {
        out.push(Invalid::Region(arn.region.to_string()));
    }
    if !arn.account.is_empty() && !account_ok(arn.account) {
        out.push(Invalid::Account(arn.account.to_string()));
    }
    let fits = a
        .resource_types()
        .iter()
        .any(|t| format_matches(t.resource_type().arn_format, r));
    if !fits {
        out.push(Invalid::WrongResourceType {
            action: a.id().to_string(),
            resource: r.clone(),
        });
    }
}

/// Whether `arn` fits a SAR ARN format
/// (`arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}`): literal parts
/// equal, ignoring case; each `${…}` one or more characters without `:`, except the last,
/// which takes the rest (a qualified function ARN `function:f:prod` is one AWS accepts where
/// the data lists only `function`).
pub fn format_matches(format: &str, arn: &str) -> bool {
    let mut pieces: Vec<Option<&str>> = Vec::new(); // `None`: a placeholder
    let mut rest = format;
    while let Some(i) = rest.find("${") {
        if i > 0 {
            pieces.push(Some(&rest[..i]));
        }
        let end = rest[i..].find('}').map_or(rest.len(), |j| i + j + 1);
        pieces.push(None);
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        pieces.push(Some(rest));
    }
    fits(&pieces, arn.as_bytes())
}

fn fits(pieces: &[Option<&str>], s: &[u8]) -> bool {
    match pieces.split_first() {
        None => s.is_empty(),
        Some((Some(lit), tail)) => {
            let n = lit.len();
            s.len() >= n && s[..n].eq_ignore_ascii_case(lit.as_bytes()) && fits(tail, &s[n..])
        }
        Some((None, [])) => !s.is_empty(),
        Some((None, tail)) => (1..=s.len())
            .take_while(|&end| s[end - 1] != b':')
            .any(|end| fits(tail, &s[end..])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(principal: &str, action: &str, resource: &str) -> Vec<Invalid> {
        check(&Request::new(Some(principal), action, resource, None))
    }

    #[test]
    fn real_requests_are_valid() {
        let role = "arn:aws:iam::123456789012:role/app";
        assert_eq!(
            invalid(
                role,
                "lambda:InvokeFunction",
                "arn:aws:lambda:us-east-1:123456789012:function:f"
            ),
            []
        );
        assert_eq!(
            invalid(role, "s3:GetObject", "arn:aws:s3:::bucket/key/with/slashes"),
            []
        );
        assert_eq!(invalid(role, "lambda:ListFunctions", "*"), []);
        assert_eq!(
            invalid(
                "s3.amazonaws.com",
                "lambda:InvokeFunction",
                "arn:aws:lambda:us-east-1:123456789012:function:f"
            ),
            []
        );
    }

    #[test]
    fn the_issues_examples_are_invalid() {
        let role = "arn:aws:iam::123456789012:role/app";
        let f = "arn:aws:lambda:us-east-1:123456789012:function:f";
        assert!(matches!(
            invalid(role, "kms:Decrypt", f)[..],
            [Invalid::WrongResourceType { .. }]
        ));
        assert!(matches!(
            invalid(role, "lambda:ListFunctions", f)[..],
            [Invalid::ResourceNotTaken { .. }]
        ));
        assert!(matches!(
            invalid(role, "s3::", "*")[..],
            [Invalid::UnknownAction(_), ..]
        ));
        assert!(invalid("glue..amazonaws.com", "lambda:InvokeFunction", f)
            .contains(&Invalid::ServicePrincipal("glue..amazonaws.com".into())));
        assert!(invalid("a", "lambda:InvokeFunction", f)
            .contains(&Invalid::ServicePrincipal("a".into())));
        assert!(invalid("arn:aws:iam::1:role/x", "lambda:InvokeFunction", f)
            .contains(&Invalid::Account("1".into())));
        assert!(invalid(
            role,
            "lambda:InvokeFunction",
            "arn:x:lambda:u:123456789012:function:f"
        )
        .iter()
        .any(|i| matches!(i, Invalid::Partition(_))));
        assert!(invalid(
            "arn:aws:iam::123456789012:role//ops",
            "lambda:InvokeFunction",
            f
        )
        .iter()
        .any(|i| matches!(i, Invalid::Principal(_))));
        let list = Request::new(Some(role), "lambda:InvokeFunction", f, None)
            .with("aws:SourceVpc", ContextValue::Multi(vec!["vpc-1".into()]));
        assert!(check(&list).contains(&Invalid::ListForSingle("aws:SourceVpc".into())));
        let empty = Request::new(Some(role), "lambda:InvokeFunction", f, None)
            .with("aws:SourceVpc", ContextValue::Single(String::new()));
        assert!(check(&empty).contains(&Invalid::EmptyValue("aws:SourceVpc".into())));
    }

    #[test]
    fn qualified_functions_fit_their_formats() {
        let role = "arn:aws:iam::123456789012:role/app";
        assert_eq!(
            invalid(
                role,
                "lambda:InvokeFunction",
                "arn:aws:lambda:us-east-1:123456789012:function:f:prod"
            ),
            []
        );
    }
}
