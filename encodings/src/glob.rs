//! Wildcard patterns: `*` (any run of characters, including none) and `?` (exactly one
//! character), optionally case-insensitive. This is the one matcher behind Action, Resource
//! components, `StringLike` and `ArnLike`; every other matching rule is built from it.

/// One token of a glob.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GlobToken {
    /// A literal character (already lower-cased when the glob is case-insensitive).
    Char(char),
    /// `?`: exactly one character.
    AnyChar,
    /// `*`: any run of characters, including the empty one.
    AnyRun,
}

/// A compiled wildcard pattern over a whole string.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Glob {
    pub tokens: Vec<GlobToken>,
    /// When set, literal characters are stored lower-cased and the subject is lower-cased
    /// (ASCII and Unicode simple lower-case mapping, char by char) before comparison.
    pub case_insensitive: bool,
}

impl Glob {
    /// A glob in which `*` and `?` are wildcards.
    pub fn wildcard(text: &str, case_insensitive: bool) -> Glob {
        let tokens = text
            .chars()
            .map(|c| match c {
                '*' => GlobToken::AnyRun,
                '?' => GlobToken::AnyChar,
                c => GlobToken::Char(fold(c, case_insensitive)),
            })
            .collect();
        Glob { tokens, case_insensitive }.normalized()
    }

    /// A glob that matches exactly `text` (`*` and `?` are literal).
    pub fn literal(text: &str, case_insensitive: bool) -> Glob {
        let tokens = text.chars().map(|c| GlobToken::Char(fold(c, case_insensitive))).collect();
        Glob { tokens, case_insensitive }
    }

    /// Builds a glob from tokens, folding literal characters when case-insensitive.
    pub fn from_tokens(tokens: Vec<GlobToken>, case_insensitive: bool) -> Glob {
        let tokens = tokens
            .into_iter()
            .map(|t| match t {
                GlobToken::Char(c) => GlobToken::Char(fold(c, case_insensitive)),
                other => other,
            })
            .collect();
        Glob { tokens, case_insensitive }.normalized()
    }

    /// Matches everything.
    pub fn any() -> Glob {
        Glob { tokens: vec![GlobToken::AnyRun], case_insensitive: false }
    }

    /// Collapses runs of `*` (they mean the same as one).
    fn normalized(mut self) -> Glob {
        self.tokens.dedup_by(|a, b| *a == GlobToken::AnyRun && *b == GlobToken::AnyRun);
        self
    }

    /// True when the glob has no wildcard token.
    pub fn is_literal(&self) -> bool {
        self.tokens.iter().all(|t| matches!(t, GlobToken::Char(_)))
    }

    /// True when the glob is a single `*`.
    pub fn is_any(&self) -> bool {
        self.tokens == [GlobToken::AnyRun]
    }

    /// The literal text when [`Glob::is_literal`].
    pub fn literal_text(&self) -> Option<String> {
        self.tokens
            .iter()
            .map(|t| match t {
                GlobToken::Char(c) => Some(*c),
                _ => None,
            })
            .collect()
    }

    /// Whether `subject` matches the whole glob. Linear-space backtracking over the last `*`,
    /// O(len(subject) · len(glob)) time in the worst case.
    pub fn matches(&self, subject: &str) -> bool {
        let ci = self.case_insensitive;
        let s: Vec<char> = subject.chars().map(|c| fold(c, ci)).collect();
        let p = &self.tokens;
        let (mut si, mut pi) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while si < s.len() {
            match p.get(pi) {
                Some(GlobToken::AnyRun) => {
                    star = Some((pi, si));
                    pi += 1;
                }
                Some(GlobToken::AnyChar) => {
                    si += 1;
                    pi += 1;
                }
                Some(GlobToken::Char(c)) if *c == s[si] => {
                    si += 1;
                    pi += 1;
                }
                _ => match star {
                    Some((sp, ss)) => {
                        pi = sp + 1;
                        si = ss + 1;
                        star = Some((sp, ss + 1));
                    }
                    None => return false,
                },
            }
        }
        p[pi..].iter().all(|t| *t == GlobToken::AnyRun)
    }
}

impl std::fmt::Display for Glob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for t in &self.tokens {
            match t {
                GlobToken::Char(c) => write!(f, "{c}")?,
                GlobToken::AnyChar => write!(f, "?")?,
                GlobToken::AnyRun => write!(f, "*")?,
            }
        }
        Ok(())
    }
}

/// Case folding used by every case-insensitive comparison in airtight.
pub fn fold(c: char, case_insensitive: bool) -> char {
    if case_insensitive {
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) => l,
            _ => c,
        }
    } else {
        c
    }
}

/// Folds a whole string with [`fold`].
pub fn fold_str(s: &str, case_insensitive: bool) -> String {
    s.chars().map(|c| fold(c, case_insensitive)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_and_question() {
        let g = Glob::wildcard("iam:*AccessKey*", true);
        assert!(g.matches("iam:CreateAccessKey"));
        assert!(g.matches("IAM:listaccesskeys"));
        assert!(!g.matches("iam:CreateUser"));
        let q = Glob::wildcard("a?c", false);
        assert!(q.matches("abc"));
        assert!(!q.matches("ac"));
        assert!(!q.matches("abbc"));
    }

    #[test]
    fn star_spans_colon_and_slash() {
        let g = Glob::wildcard("function:f*", false);
        for s in ["function:f", "function:f:1", "function:f:prod", "function:f-evil"] {
            assert!(g.matches(s), "{s}");
        }
        let q = Glob::wildcard("function:f:*", false);
        assert!(!q.matches("function:f"));
        assert!(q.matches("function:f:1"));
    }

    #[test]
    fn s3_documented_examples() {
        let g = Glob::wildcard("DOC-EXAMPLE-BUCKET/*/test/*", false);
        for s in ["DOC-EXAMPLE-BUCKET/1/2/test/3/object.jpg", "DOC-EXAMPLE-BUCKET/1///test///object.jpg", "DOC-EXAMPLE-BUCKET//test/object.jpg", "DOC-EXAMPLE-BUCKET/1/test/"] {
            assert!(g.matches(s), "{s}");
        }
        for s in ["DOC-EXAMPLE-BUCKET/1-test/object.jpg", "DOC-EXAMPLE-BUCKET/test/object.jpg", "DOC-EXAMPLE-BUCKET/1/2/test.jpg"] {
            assert!(!g.matches(s), "{s}");
        }
    }

    #[test]
    fn case_sensitivity() {
        assert!(!Glob::wildcard("Abc", false).matches("abc"));
        assert!(Glob::wildcard("Abc", true).matches("aBC"));
        assert!(Glob::literal("a*", false).matches("a*"));
        assert!(!Glob::literal("a*", false).matches("ab"));
    }
}
