//! Making an example request read like one AWS could receive.
//!
//! The solver reasons over classes of strings, so the action of a request it proposes is any
//! member of its class — `s3:x` is as good as `s3:GetObject` to it — and a resource pattern's
//! wildcards may be filled with empty text. A reviewer is better served by a real action of
//! the service data (docs/service-data.md) and a resource of one of its resource types.
//! [`realize`] looks for such a request that the caller's check (the same disagreement
//! between the two versions, re-decided by the evaluator) still accepts, and keeps the
//! original when it finds none: an example is never changed into one that is not certified.

use airtight_encodings::arn::Arn;
use airtight_encodings::request::Request;
use airtight_encodings::service_data::{Action, ServiceData};

/// At most this many candidate requests are checked per example with a made-up action.
const CANDIDATES: usize = 200;

/// At most this many plainer reading actions are tried in place of a real one.
const PLAINER: usize = 20;

/// Services tried, after the request's own, when its action names no service airtight knows.
const COMMON: [&str; 10] = [
    "s3", "ec2", "iam", "lambda", "sts", "dynamodb", "sqs", "sns", "kms", "logs",
];

/// Whether `request` names a real action and a resource of one of its types (`*` for an
/// action that takes no resource).
pub fn is_real(request: &Request) -> bool {
    ServiceData::get()
        .action(&request.action)
        .is_some_and(|a| fits(a, &request.resource))
}

/// A request like `request` with a real action and a resource of its type that `keep`
/// accepts, or `request` itself.
pub fn realize(request: &Request, keep: &dyn Fn(&Request) -> bool) -> Request {
    let data = ServiceData::get();
    if let Some(action) = data
        .action(&request.action)
        .filter(|a| fits(a, &request.resource))
    {
        // The solver names the first action of a class, as good as any other to it; a reading
        // action with a plain verb (`Get…`, `List…`, `Describe…`) of the same service on the
        // same resource, when it is just as much an example, reads more plainly. An action
        // that writes (permissions and tags included) is kept: it is what the change is about.
        if action.access_level().contains("Write") || plain_verb(action.name()) {
            return request.clone();
        }
        let mut plainer: Vec<&'static Action> = data
            .service(action.service())
            .into_iter()
            .flat_map(|s| s.actions.iter())
            .filter(|a| plain_verb(a.name()) && fits(a, &request.resource))
            .collect();
        plainer.sort_by_key(|a| !a.name().starts_with("Get"));
        return plainer
            .into_iter()
            .take(PLAINER)
            .map(|a| {
                let mut candidate = request.clone();
                candidate.action = a.id().to_string();
                candidate
            })
            .find(|c| keep(c))
            .unwrap_or_else(|| request.clone());
    }
    // A real action is what the change is about: only its resource is made to fit. A made-up
    // one is replaced by a real action of its service (or one like it).
    let pool: Vec<&'static Action> = match data.action(&request.action) {
        Some(own) => vec![own],
        None => candidates(&request.action).take(CANDIDATES).collect(),
    };
    let mut tried = 0;
    'actions: for action in pool {
        // The resource as it is when it fits the action, else an instance of each of the
        // action's resource types, in the request's account and region.
        let resources: Vec<String> = if fits(action, &request.resource) {
            vec![request.resource.clone()]
        } else if action.resource_types().is_empty() {
            vec!["*".to_string()]
        } else {
            action
                .resource_types()
                .iter()
                .map(|t| instance(t.resource_type().arn_format, request))
                .collect()
        };
        for resource in resources {
            tried += 1;
            if tried > CANDIDATES {
                break 'actions;
            }
            let mut candidate = request.clone();
            candidate.action = action.id().to_string();
            // The resource's account follows its ARN when that names one.
            if let Some(account) = Arn::parse(&resource)
                .map(|a| a.account.to_string())
                .filter(|a| !a.is_empty())
            {
                candidate.resource_account = account;
            }
            candidate.resource = resource;
            if keep(&candidate) {
                return candidate;
            }
        }
    }
    // No resource could be made to fit: a real action on the request's resource is still
    // better than a made-up one.
    if data.action(&request.action).is_none() {
        for action in candidates(&request.action).take(CANDIDATES) {
            let mut candidate = request.clone();
            candidate.action = action.id().to_string();
            if keep(&candidate) {
                return candidate;
            }
        }
    }
    request.clone()
}

/// Whether an action name starts with a reading verb.
fn plain_verb(name: &str) -> bool {
    ["Get", "List", "Describe"]
        .iter()
        .any(|v| name.starts_with(v))
}

/// The real actions to try in place of the made-up `action`: those of its service, of
/// services whose prefix begins like its own, of the common services and of every other
/// service; within a service, plain reading actions first.
fn candidates(action: &str) -> impl Iterator<Item = &'static Action> {
    let data = ServiceData::get();
    let prefix = action
        .split_once(':')
        .map_or("", |(s, _)| s)
        .to_ascii_lowercase();
    let start: String = prefix.chars().take(2).collect();
    let mut services: Vec<String> = vec![prefix];
    services.extend(
        data.services()
            .map(|s| s.prefix.to_ascii_lowercase())
            .filter(|s| !start.is_empty() && s.starts_with(&start)),
    );
    services.extend(COMMON.iter().map(|s| s.to_string()));
    services.extend(data.services().map(|s| s.prefix.to_ascii_lowercase()));
    let mut seen = std::collections::HashSet::new();
    services.retain(|s| seen.insert(s.clone()));
    // Plain reading verbs first (`Get…` before `List…`/`Describe…`), then other reading
    // actions, then the rest.
    let rank = |a: &Action| match (a.name().starts_with("Get"), plain_verb(a.name())) {
        (true, _) => 0,
        (false, true) => 1,
        _ if matches!(a.access_level(), "Read" | "List") => 2,
        _ => 3,
    };
    services
        .into_iter()
        .filter_map(move |s| data.service(&s))
        .flat_map(move |s| {
            let mut actions: Vec<&'static Action> = s.actions.iter().collect();
            actions.sort_by_key(|a| rank(a));
            actions
        })
}

/// Whether `resource` is one `action` acts on: `*` for an action without resource types,
/// else an instance of one of its types' ARN formats.
fn fits(action: &Action, resource: &str) -> bool {
    if action.resource_types().is_empty() {
        return resource == "*";
    }
    action
        .resource_types()
        .iter()
        .any(|t| bind(&pieces(t.resource_type().arn_format), resource, false).is_some())
}

/// One piece of an ARN format: literal text or a `${Placeholder}` (its name).
enum Piece<'a> {
    Text(&'a str),
    Hole(&'a str),
}

fn pieces(format: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = format;
    while let Some(i) = rest.find("${") {
        if i > 0 {
            out.push(Piece::Text(&rest[..i]));
        }
        let end = rest[i..].find('}').map_or(rest.len(), |j| i + j + 1);
        out.push(Piece::Hole(&rest[i..end]));
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// Whether `value` can stand for the placeholder `name`: an account ID has twelve digits, a
/// partition or Region no `:` or `/`, a bucket name no `/`; no value holds a wildcard, and
/// only `allow_empty` lets one be empty.
fn valid(name: &str, value: &str, allow_empty: bool) -> bool {
    if value.is_empty() {
        return allow_empty;
    }
    if value.contains(['*', '?']) {
        return false;
    }
    match name {
        "${Account}" => value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()),
        "${Partition}" | "${Region}" | "${BucketName}" => !value.contains([':', '/']),
        _ => true,
    }
}

/// The text each placeholder of `pieces` takes when `text` is read as an instance of them
/// (the first reading, placeholders as short as possible, whose values are all [`valid`]).
fn bind<'t>(pieces: &[Piece<'_>], text: &'t str, allow_empty: bool) -> Option<Vec<&'t str>> {
    match pieces.split_first() {
        None => text.is_empty().then(Vec::new),
        Some((Piece::Text(t), rest)) => bind(rest, text.strip_prefix(t)?, allow_empty),
        Some((Piece::Hole(name), rest)) => (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .filter(|&i| valid(name, &text[..i], allow_empty))
            .find_map(|i| {
                let mut values = vec![&text[..i]];
                values.extend(bind(rest, &text[i..], allow_empty)?);
                Some(values)
            }),
    }
}

/// An instance of an ARN format that keeps what it can of the request's resource (its
/// partition, region, names), in the request's account; placeholders it cannot fill are
/// `aws`, `us-east-1`, `123456789012` or `example`.
fn instance(format: &str, request: &Request) -> String {
    let pieces = pieces(format);
    let values = bind(&pieces, &request.resource, true).unwrap_or_default();
    let arn = Arn::parse(&request.resource);
    let account_id = |a: &str| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit());
    let account = [
        request.resource_account.as_str(),
        arn.as_ref().map_or("", |a| a.account),
    ]
    .into_iter()
    .find(|a| account_id(a))
    .unwrap_or("123456789012")
    .to_string();
    let mut out = String::new();
    let mut hole = 0;
    for piece in &pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Hole(name) => {
                let known = values.get(hole).filter(|v| !v.is_empty());
                hole += 1;
                match (*name, known) {
                    ("${Account}", _) => out.push_str(&account),
                    (_, Some(v)) => out.push_str(v),
                    ("${Partition}", _) => out.push_str("aws"),
                    ("${Region}", _) => out.push_str("us-east-1"),
                    _ => out.push_str("example"),
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(action: &str, resource: &str) -> Request {
        Request::new(
            Some("arn:aws:iam::123456789012:role/app"),
            action,
            resource,
            None,
        )
    }

    #[test]
    fn a_made_up_action_becomes_a_real_one_of_its_service() {
        let r = request("s3:x", "arn:aws:s3:::bucket");
        let real = realize(&r, &|c| {
            c.action.to_ascii_lowercase().starts_with("s3:list")
        });
        assert!(is_real(&real), "{real:?}");
        assert!(real.action.starts_with("s3:List"), "{real:?}");
    }

    #[test]
    fn nothing_changes_when_no_candidate_is_accepted() {
        let r = request("s3:x", "arn:aws:s3:::bucket");
        assert_eq!(realize(&r, &|_| false), r);
    }

    #[test]
    fn an_empty_object_name_is_filled_and_the_bucket_kept() {
        let r = request("s3:GetObject", "arn:aws:s3:::bucket/");
        assert!(!is_real(&r));
        let real = realize(&r, &|c| c.resource.starts_with("arn:aws:s3:::bucket/"));
        assert_eq!(real.resource, "arn:aws:s3:::bucket/example");
    }

    #[test]
    fn a_resource_is_filled_in_the_request_account() {
        let r = request(
            "lambda:InvokeFunction",
            "arn:aws:lambda:us-east-1::function:f",
        );
        assert!(!is_real(&r));
        let real = realize(&r, &|c| c.action == "lambda:InvokeFunction");
        assert!(is_real(&real), "{real:?}");
        assert!(
            real.resource.contains(":123456789012:function:"),
            "{real:?}"
        );
    }
}
