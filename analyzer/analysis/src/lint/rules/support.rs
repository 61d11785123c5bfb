//! What the service-data rules share: the text of an element as the policy writes it, "did you
//! mean" suggestions by edit distance, the actions a statement's entries name, ARN formats as
//! globs, and what counts as a condition that restricts its key.

use airtight_encodings::condition::BaseOp;
use airtight_encodings::glob::{Glob, GlobToken};
use airtight_encodings::policy::{arn_template, Condition, Matcher, Statement};
use airtight_encodings::service_data::{Action, ServiceData};
use airtight_encodings::span::Span;
use airtight_encodings::template::Piece;

use crate::lint::Context;

/// The text under `span` as the policy writes it, quotes removed (also the `\"…\"` of a
/// policy embedded in a string, as `aws lambda get-policy` prints it). `None` when the span
/// does not point into the source.
pub fn written<'a>(cx: &Context<'a>, span: Span) -> Option<&'a str> {
    let text = cx.source.get(span.range())?.trim();
    let text = text
        .strip_prefix("\\\"")
        .and_then(|t| t.strip_suffix("\\\""))
        .or_else(|| text.strip_prefix('"').and_then(|t| t.strip_suffix('"')))
        .unwrap_or(text);
    (!text.is_empty()).then_some(text)
}

/// The text under `span` when it spells `folded` (ignoring ASCII case), else `folded` itself:
/// findings quote the policy's own spelling, never the lower-cased form the matcher uses.
pub fn spelling(cx: &Context<'_>, span: Span, folded: &str) -> String {
    match written(cx, span) {
        Some(text) if text.eq_ignore_ascii_case(folded) => text.to_string(),
        _ => folded.to_string(),
    }
}

/// The Levenshtein distance between two strings, ignoring ASCII case.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The candidate closest to `word` when it is close enough to be a typo: at most a third of the
/// word's length (and at least one edit) away. Ties go to the first candidate, so callers pass
/// candidates in a stable order.
pub fn suggest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (word.chars().count() / 3).clamp(1, 4);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        // Lengths that differ by more than the limit cannot be within it.
        if c.len().abs_diff(word.len()) > limit {
            continue;
        }
        let d = edit_distance(word, c);
        if d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The service prefix and the rest of an action entry, when the prefix is literal.
pub fn split_action(glob: &Glob) -> Option<(String, String)> {
    let text = glob.to_string();
    let (prefix, name) = text.split_once(':')?;
    if prefix.contains(['*', '?']) || prefix.is_empty() {
        return None;
    }
    Some((prefix.to_string(), name.to_string()))
}

/// The actions of the service data an `Action` entry matches.
pub fn actions_matching(glob: &Glob) -> Vec<&'static Action> {
    let data = ServiceData::get();
    match split_action(glob) {
        Some((prefix, _)) => data
            .service(&prefix)
            .map(|s| s.actions.iter().filter(|a| glob.matches(a.id())).collect())
            .unwrap_or_default(),
        None => data
            .services()
            .flat_map(|s| s.actions.iter())
            .filter(|a| glob.matches(a.id()))
            .collect(),
    }
}

/// The known actions a statement names through `Action` (not `NotAction`), each once, and
/// whether every entry is a literal-prefix entry of a known service (so that the list is the
/// whole of what the statement is about). `None` for `NotAction` or an entry matching every
/// service (`*`, `*:Get*`).
pub fn statement_actions(s: &Statement) -> Option<Vec<&'static Action>> {
    if s.action.negated {
        return None;
    }
    let mut out: Vec<&'static Action> = Vec::new();
    for e in &s.action.entries {
        split_action(&e.value)?;
        for a in actions_matching(&e.value) {
            if !out.iter().any(|b| std::ptr::eq(*b, a)) {
                out.push(a);
            }
        }
    }
    Some(out)
}

/// An ARN format of the service data (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`) as
/// the glob of the ARNs it describes: each placeholder any text (without `:` in the first five
/// components, as IAM reads ARNs); `${Region}` at least one character, since a resource of a
/// format that has it is in a region. `${Account}` may be empty: resources AWS owns (SSM
/// documents such as `arn:aws:ssm:us-east-1::document/AWS-RunShellScript`) have no account.
pub fn format_glob(format: &str) -> Option<Glob> {
    let mut text = String::with_capacity(format.len());
    let mut rest = format;
    while let Some(i) = rest.find("${") {
        text.push_str(&rest[..i]);
        let end = rest[i..].find('}').map(|j| i + j + 1);
        let name = end.map_or("", |e| &rest[i..e]);
        text.push_str(if name == "${Region}" { "?*" } else { "*" });
        rest = end.map_or("", |e| &rest[e..]);
    }
    text.push_str(rest);
    arn_template(&text, false).0.to_glob()
}

/// Whether a resource pattern can name a resource of this ARN format. An S3 bucket's format
/// (`arn:${Partition}:s3:::${BucketName}`) takes no `/`: bucket names cannot hold one, so
/// `arn:aws:s3:::bucket/*` names objects, not the bucket (parliament reads it the same way).
pub fn resource_fits(resource: &Glob, format: &str) -> bool {
    let Some(shape) = format_glob(format) else {
        return true;
    };
    if format.ends_with(":::${BucketName}") {
        let text = resource.to_string();
        let tail = text.splitn(6, ':').nth(5).unwrap_or("");
        if tail.contains('/') {
            return false;
        }
    }
    shape.intersects(resource)
}

/// The glob of a `Resource` entry, a policy variable read as `*` (it can be any text).
pub fn resource_glob(m: &Matcher) -> Glob {
    if let Some(g) = &m.glob {
        return g.clone();
    }
    let tokens = m
        .template
        .pieces
        .iter()
        .map(|p| match p {
            Piece::Char(c) => GlobToken::Char(*c),
            Piece::Wild(t) => *t,
            Piece::Var(_) => GlobToken::AnyRun,
        })
        .collect();
    Glob::from_tokens(tokens, false)
}

/// Lower-cased keys (or key prefixes ending in `/`) that say who the caller is or where the
/// request comes from: a positive test on one of them keeps a statement with `Principal: "*"`
/// from being public.
const CALLER_KEYS: [&str; 30] = [
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principaltag/",
    "aws:principalisawsservice",
    "aws:principalservicename",
    "aws:principalservicenameslist",
    "aws:userid",
    "aws:username",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourcevpcarn",
    "aws:sourceip",
    "aws:vpcsourceip",
    "aws:vpceaccount",
    "aws:vpceorgid",
    "aws:vpceorgpaths",
    "aws:federatedprovider",
    "lambda:eventsourcetoken",
    "sts:externalid",
    "kms:calleraccount",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
    "cognito-identity.amazonaws.com:aud",
];

/// Whether a statement has a condition that restricts who the caller is or where the request
/// comes from ([`restricts`] on one of [`CALLER_KEYS`]).
pub fn restricts_caller(s: &Statement) -> bool {
    s.conditions.iter().any(|c| {
        restricts(c)
            && CALLER_KEYS.iter().any(|k| match k.strip_suffix('/') {
                Some(prefix) => c.key.name.starts_with(prefix) && c.key.name.len() > k.len(),
                None => c.key.name == *k,
            })
    })
}

/// Whether a statement names everyone: `"Principal": "*"` or `{"AWS": "*"}`.
pub fn names_everyone(s: &Statement) -> bool {
    s.principal.as_ref().is_some_and(|p| {
        !p.negated
            && p.entries
                .iter()
                .any(|e| e.value == airtight_encodings::policy::PrincipalEntry::Everyone)
    })
}

/// Whether a statement allows `lambda:InvokeFunctionUrl` without IAM authentication: its
/// actions match the action, and `lambda:FunctionUrlAuthType` is tested equal to `NONE` or not
/// tested positively at all.
pub fn function_url_without_auth(s: &Statement) -> bool {
    let url = "lambda:invokefunctionurl";
    let names_url = if s.action.negated {
        !s.action.entries.iter().any(|e| e.value.matches(url))
    } else {
        s.action.entries.iter().any(|e| e.value.matches(url))
    };
    if !names_url {
        return false;
    }
    let auth: Vec<&Condition> = s
        .conditions
        .iter()
        .filter(|c| c.key.name == "lambda:functionurlauthtype" && restricts(c))
        .collect();
    auth.is_empty()
        || auth.iter().all(|c| {
            c.matchers
                .iter()
                .any(|m| m.glob.as_ref().is_some_and(|g| g.matches("NONE")))
        })
}

/// Whether a condition restricts its key: a positive operator (not `…Not…`, not `Null`, not
/// `…IfExists`) with at least one value that is more than a bare wildcard.
pub fn restricts(c: &Condition) -> bool {
    !c.op.base.is_negated()
        && c.op.base != BaseOp::Null
        && !c.op.if_exists
        && c.matchers.iter().zip(&c.values).any(|(m, _)| {
            !m.template
                .pieces
                .iter()
                .all(|p| matches!(p, Piece::Wild(_) | Piece::Char(':')))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_suggestions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("GetObjekt", "getobject"), 1);
        assert_eq!(
            suggest("GetObjekt", ["PutObject", "GetObject", "GetObjectAcl"]),
            Some("GetObject")
        );
        assert_eq!(suggest("Condtion", ["Sid", "Condition"]), Some("Condition"));
        assert_eq!(suggest("Frobnicate", ["GetObject"]), None);
    }

    #[test]
    fn formats_match_their_arns() {
        let glob = |t: &str| arn_template(t, false).0.to_glob().expect("a glob");
        let bucket = "arn:${Partition}:s3:::${BucketName}";
        let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        assert!(resource_fits(&glob("arn:aws:s3:::b"), bucket));
        assert!(!resource_fits(&glob("arn:aws:s3:::b/*"), bucket));
        assert!(resource_fits(&glob("arn:aws:s3:::b/*"), object));
        assert!(!resource_fits(&glob("arn:aws:s3:::b"), object));
        let function = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}";
        assert!(resource_fits(
            &glob("arn:aws:lambda:us-east-1:111122223333:function:f:prod"),
            function
        ));
        assert!(!resource_fits(
            &glob("arn:aws:lambda:us-east-1:111122223333:layer:l"),
            function
        ));
        let queue = "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}";
        assert!(!resource_fits(&glob("arn:aws:sqs::111122223333:q"), queue));
        assert!(resource_fits(&glob("arn:aws:sqs:*:*:q"), queue));
        let document = "arn:${Partition}:ssm:${Region}:${Account}:document/${DocumentName}";
        assert!(resource_fits(
            &glob("arn:aws:ssm:*::document/AWS-*"),
            document
        ));
    }
}
