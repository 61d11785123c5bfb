//! Policy values that may hold policy variables (`${aws:username}`, `${aws:PrincipalTag/k, 'x'}`)
//! and the escapes `${*}`, `${?}`, `${$}`.
//!
//! A [`Template`] is parsed once; at evaluation time it is resolved against a request's context
//! into a [`Glob`]. Text substituted for a variable is always literal (a `*` in a tag value is
//! not a wildcard). Under Version `2008-10-17` or with no Version, `${...}` is plain text.

use crate::glob::{Glob, GlobToken};

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Piece {
    /// A literal character (including the escapes `${*}` → `*`).
    Char(char),
    /// A wildcard token (only in contexts that honour wildcards).
    Wild(GlobToken),
    /// A policy variable: the lower-cased key name and its default, if any.
    Var(PolicyVar),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PolicyVar {
    /// Lower-cased condition key name, e.g. `aws:principaltag/project-name`.
    pub key: String,
    /// The key name as written.
    pub written: String,
    pub default: Option<String>,
}

/// How to read the text of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateSyntax {
    /// `*` and `?` are wildcards (StringLike, ArnLike, Resource, Action).
    pub wildcards: bool,
    /// `${...}` is a policy variable (Version 2012-10-17 and a place that supports them).
    pub variables: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Template {
    pub pieces: Vec<Piece>,
    pub case_insensitive: bool,
}

impl Template {
    /// Parses `text`. Never fails: an unterminated `${` is literal text.
    pub fn parse(text: &str, syntax: TemplateSyntax, case_insensitive: bool) -> Template {
        let chars: Vec<char> = text.chars().collect();
        let mut pieces = Vec::with_capacity(chars.len());
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if syntax.variables && c == '$' && chars.get(i + 1) == Some(&'{') {
                if let Some(close) = chars[i + 2..].iter().position(|&c| c == '}') {
                    let inner: String = chars[i + 2..i + 2 + close].iter().collect();
                    pieces.push(parse_variable(&inner));
                    i += close + 3;
                    continue;
                }
            }
            pieces.push(match c {
                '*' if syntax.wildcards => Piece::Wild(GlobToken::AnyRun),
                '?' if syntax.wildcards => Piece::Wild(GlobToken::AnyChar),
                c => Piece::Char(c),
            });
            i += 1;
        }
        Template {
            pieces,
            case_insensitive,
        }
    }

    /// A template of literal characters.
    pub fn literal(text: &str, case_insensitive: bool) -> Template {
        Template {
            pieces: text.chars().map(Piece::Char).collect(),
            case_insensitive,
        }
    }

    pub fn has_variables(&self) -> bool {
        self.pieces.iter().any(|p| matches!(p, Piece::Var(_)))
    }

    pub fn variables(&self) -> impl Iterator<Item = &PolicyVar> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Var(v) => Some(v),
            _ => None,
        })
    }

    /// The glob when the template has no variables.
    pub fn to_glob(&self) -> Option<Glob> {
        self.resolve(|_| None::<&str>)
    }

    /// Resolves variables with `lookup` (which returns the single value of a key, if present).
    /// Returns `None` when a variable has no value and no default: the caller applies the
    /// "unresolvable variable" rule (docs/semantics.md §4).
    pub fn resolve<S: AsRef<str>>(&self, lookup: impl Fn(&str) -> Option<S>) -> Option<Glob> {
        let mut tokens = Vec::with_capacity(self.pieces.len());
        for p in &self.pieces {
            match p {
                Piece::Char(c) => tokens.push(GlobToken::Char(*c)),
                Piece::Wild(t) => tokens.push(*t),
                Piece::Var(v) => match lookup(&v.key) {
                    Some(value) => tokens.extend(value.as_ref().chars().map(GlobToken::Char)),
                    None => tokens.extend(v.default.as_deref()?.chars().map(GlobToken::Char)),
                },
            }
        }
        Some(Glob::from_tokens(tokens, self.case_insensitive))
    }
}

impl std::fmt::Display for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in &self.pieces {
            match p {
                Piece::Char(c @ ('*' | '?' | '$')) => write!(f, "${{{c}}}")?,
                Piece::Char(c) => write!(f, "{c}")?,
                Piece::Wild(GlobToken::AnyChar | GlobToken::AnyCharNoColon) => write!(f, "?")?,
                Piece::Wild(_) => write!(f, "*")?,
                Piece::Var(v) => match &v.default {
                    Some(d) => write!(f, "${{{}, '{}'}}", v.written, d)?,
                    None => write!(f, "${{{}}}", v.written)?,
                },
            }
        }
        Ok(())
    }
}

fn parse_variable(inner: &str) -> Piece {
    match inner {
        "*" | "?" | "$" => return Piece::Char(inner.chars().next().unwrap_or('$')),
        _ => {}
    }
    let (name, default) = match inner.split_once(',') {
        Some((name, rest)) => {
            let rest = rest.trim();
            let default = rest
                .strip_prefix('\'')
                .and_then(|r| r.strip_suffix('\''))
                .unwrap_or(rest)
                .to_string();
            (name.trim(), Some(default))
        }
        None => (inner.trim(), None),
    };
    Piece::Var(PolicyVar {
        key: name.to_ascii_lowercase(),
        written: name.to_string(),
        default,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIKE: TemplateSyntax = TemplateSyntax {
        wildcards: true,
        variables: true,
    };

    #[test]
    fn variables_defaults_and_escapes() {
        let t = Template::parse("home/${aws:username}/${*}x${?}${$}", LIKE, false);
        let g = t
            .resolve(|k| (k == "aws:username").then_some("bob"))
            .expect("resolves");
        assert!(g.matches("home/bob/*x?$"));
        assert!(!g.matches("home/bob/axb$"));
        assert!(t.resolve(|_| None::<&str>).is_none());
        let d = Template::parse("${aws:PrincipalTag/team, 'company-wide'}", LIKE, false);
        assert!(d
            .resolve(|_| None::<&str>)
            .expect("default")
            .matches("company-wide"));
    }

    #[test]
    fn substituted_text_is_literal() {
        let t = Template::parse("${aws:username}", LIKE, false);
        let g = t.resolve(|_| Some("a*")).expect("resolves");
        assert!(g.matches("a*"));
        assert!(!g.matches("abc"));
    }

    #[test]
    fn variables_off_means_literal() {
        let t = Template::parse(
            "${aws:username}",
            TemplateSyntax {
                wildcards: true,
                variables: false,
            },
            false,
        );
        assert!(!t.has_variables());
        assert!(t.to_glob().expect("no vars").matches("${aws:username}"));
    }
}
