//! Cheap first guesses at an example of new access, tried before the solver.
//!
//! Most changes add literal actions to unconditional identity-policy statements. For such a
//! statement the request "this action on a plain instance of this resource pattern, by a role
//! of the resource's account" is very likely allowed by NEW and not by OLD — and checking that
//! takes the evaluator microseconds, where the solver may need seconds for a statement with
//! dozens of wildcard resources. A guess is only a candidate: the caller certifies it on the
//! full policies like any solver model, and asks the solver when no guess is confirmed.

use airtight_encodings::lambda::request_shape_ok;
use airtight_encodings::policy::{Effect, Policy, Statement};
use airtight_encodings::request::Request;
use airtight_encodings::service_data::example_resource;

/// At most this many guesses per part.
const GUESSES: usize = 4;

/// Candidate requests for a part's NEW policy (an identity-based policy).
pub fn guesses(new: &Policy) -> Vec<Request> {
    let mut out = Vec::new();
    for s in new.statements.iter().filter(|s| plain(s)) {
        let Some(block) = &s.resource else { continue };
        for action in s
            .action
            .entries
            .iter()
            .filter_map(|e| e.value.literal_text())
        {
            let Some((service, _)) = action.split_once(':') else {
                continue;
            };
            for r in &block.entries {
                if r.value.glob.is_none() {
                    continue;
                }
                let pattern = r.value.template.to_string();
                // `*` on an action the service data knows: a resource of its type, or `*`
                // itself for an action that takes none.
                let mut resource = match example_resource(&action) {
                    Some(e) if pattern == "*" => e,
                    _ => instance(&pattern, service),
                };
                // A Lambda request names a resource its action takes.
                if !request_shape_ok(&action, &resource) {
                    match example_resource(&action) {
                        Some(e) if pattern == "*" && request_shape_ok(&action, &e) => resource = e,
                        _ => continue,
                    }
                }
                out.push(Request::new(
                    Some(&format!(
                        "arn:aws:iam::{}:role/app",
                        airtight_encodings::arn::Arn::parse(&resource)
                            .map(|a| a.account)
                            .filter(|a| !a.is_empty())
                            .unwrap_or("123456789012")
                    )),
                    &action,
                    &resource,
                    None,
                ));
                if out.len() >= GUESSES {
                    return out;
                }
            }
        }
    }
    out
}

/// An Allow statement a request can meet without any context: no principal, no conditions,
/// a plain resource list.
fn plain(s: &Statement) -> bool {
    s.effect.value == Effect::Allow
        && s.principal.is_none()
        && s.conditions.is_empty()
        && !s.action.negated
        && s.resource.as_ref().is_some_and(|b| !b.negated)
}

/// A readable resource that `pattern` matches: wildcards in the ARN's fields become `aws`,
/// the action's service, `us-east-1` and `123456789012`; in the resource part `example`.
fn instance(pattern: &str, service: &str) -> String {
    if pattern == "*" {
        return format!("arn:aws:{service}:us-east-1:123456789012:example");
    }
    let fill = |part: &str, default: &str| {
        if part.contains(['*', '?']) {
            default.to_string()
        } else {
            part.to_string()
        }
    };
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    match parts.as_slice() {
        [arn, partition, svc, region, account, rest] => format!(
            "{}:{}:{}:{}:{}:{}",
            fill(arn, "arn"),
            fill(partition, "aws"),
            fill(svc, service),
            fill(region, "us-east-1"),
            fill(account, "123456789012"),
            rest.replace('*', "example").replace('?', "x")
        ),
        _ => pattern.replace('*', "example").replace('?', "x"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_are_readable() {
        assert_eq!(
            instance("arn:aws:lambda:*:*:function:app-*", "lambda"),
            "arn:aws:lambda:us-east-1:123456789012:function:app-example"
        );
        assert_eq!(
            instance("*", "s3"),
            "arn:aws:s3:us-east-1:123456789012:example"
        );
        assert_eq!(
            instance("arn:aws:apigateway:*::/apis/*/stages", "apigateway"),
            "arn:aws:apigateway:us-east-1::/apis/example/stages"
        );
    }
}
