//! What the Lambda rules share: reading a resource or condition pattern as a Lambda function
//! ARN (`arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`, docs/semantics.md §7.1), and
//! deciding whether a statement is about Lambda at all.
//!
//! Patterns are read from the parsed [`Template`]'s pieces, not from their display text, so a
//! policy variable (whose name holds a colon) never splits a component.

use airtight_encodings::glob::{Glob, GlobToken};
use airtight_encodings::policy::Statement;
use airtight_encodings::template::{Piece, Template};

/// A pattern whose resource component starts with `function:`.
#[derive(Debug, Clone, Copy)]
pub struct FunctionArn<'a> {
    /// `arn:PARTITION:lambda:REGION:ACCOUNT:`, with its trailing colon.
    pub head: &'a [Piece],
    /// What follows `function:` up to the next literal `:` (or the end).
    pub name: &'a [Piece],
    /// What follows that `:`, when there is one: the version or alias.
    pub qualifier: Option<&'a [Piece]>,
}

impl FunctionArn<'_> {
    /// The unqualified function pattern: `head` + `function:` + `name`.
    pub fn unqualified(&self) -> String {
        format!("{}function:{}", render(self.head), render(self.name))
    }
}

/// The first five components of an ARN pattern (without the colons) and the resource
/// component, split at the first five literal colons ([`airtight_encodings::arn::components`]).
pub fn components(pieces: &[Piece]) -> Option<([&[Piece]; 5], &[Piece])> {
    airtight_encodings::arn::components(pieces, &Piece::Char(':'))
}

/// Reads `template` as a Lambda function ARN pattern.
pub fn function_arn(template: &Template) -> Option<FunctionArn<'_>> {
    let pieces = template.pieces.as_slice();
    let (parts, resource) = components(pieces)?;
    if !is_text(parts[0], "arn") || !is_text(parts[2], "lambda") {
        return None;
    }
    let rest = strip_text(resource, "function:")?;
    let head = &pieces[..pieces.len() - resource.len()];
    let (name, qualifier) = match rest.iter().position(|p| *p == Piece::Char(':')) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    if name.is_empty() {
        return None;
    }
    Some(FunctionArn {
        head,
        name,
        qualifier,
    })
}

/// The pattern as a user wrote it (wildcards as `*` and `?`, variables as `${...}`).
pub fn render(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Char(c) => out.push(*c),
            Piece::Wild(GlobToken::AnyChar | GlobToken::AnyCharNoColon) => out.push('?'),
            Piece::Wild(_) => out.push('*'),
            Piece::Var(v) => {
                out.push_str("${");
                out.push_str(&v.written);
                if let Some(d) = &v.default {
                    out.push_str(", '");
                    out.push_str(d);
                    out.push('\'');
                }
                out.push('}');
            }
        }
    }
    out
}

/// Whether `pieces` are exactly the literal characters of `text`.
pub fn is_text(pieces: &[Piece], text: &str) -> bool {
    pieces.len() == text.chars().count()
        && pieces
            .iter()
            .zip(text.chars())
            .all(|(p, c)| *p == Piece::Char(c))
}

/// `pieces` after a literal prefix `text`, if they start with it.
fn strip_text<'a>(pieces: &'a [Piece], text: &str) -> Option<&'a [Piece]> {
    let n = text.chars().count();
    (pieces.len() >= n && is_text(&pieces[..n], text)).then(|| &pieces[n..])
}

/// Whether every piece is a wildcard or a colon: the pattern matches every value of its shape
/// (`*`, or `*:*:*:*:*:*` as `ArnLike` reads a bare `*`).
pub fn matches_everything(pieces: &[Piece]) -> bool {
    pieces
        .iter()
        .all(|p| matches!(p, Piece::Wild(_) | Piece::Char(':')))
        && pieces.iter().any(|p| matches!(p, Piece::Wild(_)))
}

/// Whether an action pattern can name a Lambda action (`lambda:…`, or a bare `*`).
pub fn is_lambda_action(glob: &Glob) -> bool {
    glob.is_any() || glob.to_string().starts_with("lambda:")
}

/// Whether a statement is about Lambda: one of its actions is a Lambda action, or one of its
/// resources is a Lambda function ARN.
pub fn touches_lambda(s: &Statement) -> bool {
    let lambda_action = !s.action.negated
        && s.action
            .entries
            .iter()
            .any(|e| !e.value.is_any() && is_lambda_action(&e.value));
    let lambda_resource = s.resource.as_ref().is_some_and(|r| {
        !r.negated
            && r.entries
                .iter()
                .any(|e| function_arn(&e.value.template).is_some())
    });
    lambda_action || lambda_resource
}

#[cfg(test)]
mod tests {
    use super::*;
    use airtight_encodings::policy::arn_template;

    fn arn(text: &str) -> Template {
        arn_template(text, true).0
    }

    #[test]
    fn reads_function_arns() {
        let t = arn("arn:aws:lambda:us-east-1:111122223333:function:my-fn:prod");
        let f = function_arn(&t).expect("a function ARN");
        assert_eq!(render(f.name), "my-fn");
        assert_eq!(f.qualifier.map(render).as_deref(), Some("prod"));
        assert_eq!(
            f.unqualified(),
            "arn:aws:lambda:us-east-1:111122223333:function:my-fn"
        );

        let t = arn("arn:aws:lambda:*:*:function:my-fn*");
        let f = function_arn(&t).expect("a function ARN");
        assert_eq!(render(f.name), "my-fn*");
        assert!(f.qualifier.is_none());

        let t = arn("arn:aws:lambda:us-east-1:111122223333:function:${aws:username}:prod");
        let f = function_arn(&t).expect("a variable does not split the name");
        assert_eq!(render(f.name), "${aws:username}");
        assert_eq!(f.qualifier.map(render).as_deref(), Some("prod"));
    }

    #[test]
    fn other_arns_are_not_functions() {
        for text in [
            "arn:aws:lambda:us-east-1:111122223333:layer:l:1",
            "arn:aws:s3:::bucket",
            "arn:aws:lambda:us-east-1:111122223333:function:",
            "*",
        ] {
            assert!(function_arn(&arn(text)).is_none(), "{text}");
        }
    }

    #[test]
    fn match_all_patterns() {
        assert!(matches_everything(&arn("*").pieces));
        assert!(matches_everything(&arn("*:*:*:*:*:*").pieces));
        assert!(!matches_everything(&arn("arn:aws:s3:::*").pieces));
        assert!(!matches_everything(&[]));
    }
}
