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
    /// `?` inside one of the first five components of an ARN: exactly one character that is
    /// not `:`.
    AnyCharNoColon,
    /// `*` inside one of the first five components of an ARN: any run of characters without
    /// `:`. (ARN components are split at the first five colons, so a wildcard there cannot
    /// swallow a colon; only the sixth, resource, component uses [`GlobToken::AnyRun`].)
    AnyRunNoColon,
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
        Glob {
            tokens,
            case_insensitive,
        }
        .normalized()
    }

    /// A glob that matches exactly `text` (`*` and `?` are literal).
    pub fn literal(text: &str, case_insensitive: bool) -> Glob {
        let tokens = text
            .chars()
            .map(|c| GlobToken::Char(fold(c, case_insensitive)))
            .collect();
        Glob {
            tokens,
            case_insensitive,
        }
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
        Glob {
            tokens,
            case_insensitive,
        }
        .normalized()
    }

    /// Matches everything.
    pub fn any() -> Glob {
        Glob {
            tokens: vec![GlobToken::AnyRun],
            case_insensitive: false,
        }
    }

    /// Collapses runs of `*` (they mean the same as one).
    fn normalized(mut self) -> Glob {
        self.tokens
            .dedup_by(|a, b| a == b && matches!(a, GlobToken::AnyRun | GlobToken::AnyRunNoColon));
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
        if subject.is_ascii() {
            if let Some(m) = self.matches_ascii(subject.as_bytes()) {
                return m;
            }
        }
        let ci = self.case_insensitive;
        let s: Vec<char> = subject.chars().map(|c| fold(c, ci)).collect();
        let p = &self.tokens;
        if !p.contains(&GlobToken::AnyRunNoColon) {
            return match_greedy(p, &s);
        }
        match_nfa(p, &s)
    }
}

impl Glob {
    /// The same match over ASCII bytes without allocating, or `None` when a non-ASCII literal
    /// makes the byte view inapplicable.
    fn matches_ascii(&self, s: &[u8]) -> Option<bool> {
        if self
            .tokens
            .iter()
            .any(|t| matches!(t, GlobToken::Char(c) if !c.is_ascii()))
        {
            return None;
        }
        let ci = self.case_insensitive;
        let accepts = |t: GlobToken, b: u8| match t {
            GlobToken::Char(c) => {
                c as u32 == u32::from(if ci { b.to_ascii_lowercase() } else { b })
            }
            GlobToken::AnyChar | GlobToken::AnyRun => true,
            GlobToken::AnyCharNoColon | GlobToken::AnyRunNoColon => b != b':',
        };
        if !self.tokens.contains(&GlobToken::AnyRunNoColon) {
            return Some(greedy(&self.tokens, s, accepts));
        }
        if let Some(m) = arn_components(&self.tokens, s, &accepts) {
            return Some(m);
        }
        Some(nfa(&self.tokens, s, accepts))
    }
}

/// ARN patterns (`arn_template`): five literal colons, before which every wildcard is
/// colon-free. The subject then splits at its first five colons and each component matches on
/// its own — inside a colon-free component a colon-free run is an ordinary run, so
/// backtracking is exact. `None` when the pattern does not have that shape.
fn arn_components(
    p: &[GlobToken],
    s: &[u8],
    accepts: &impl Fn(GlobToken, u8) -> bool,
) -> Option<bool> {
    let mut cuts = [0usize; 5];
    let mut found = 0;
    for (i, t) in p.iter().enumerate() {
        match t {
            GlobToken::Char(':') => {
                cuts[found] = i;
                found += 1;
                if found == 5 {
                    break;
                }
            }
            GlobToken::AnyRun | GlobToken::AnyChar => return None,
            _ => {}
        }
    }
    if found < 5
        || p[cuts[4] + 1..]
            .iter()
            .any(|t| matches!(t, GlobToken::AnyRunNoColon | GlobToken::AnyCharNoColon))
    {
        return None;
    }
    let mut start_p = 0;
    let mut rest = s;
    for &cut in &cuts {
        let Some(colon) = rest.iter().position(|b| *b == b':') else {
            return Some(false);
        };
        if !greedy(&p[start_p..cut], &rest[..colon], accepts) {
            return Some(false);
        }
        start_p = cut + 1;
        rest = &rest[colon + 1..];
    }
    Some(greedy(&p[start_p..], rest, accepts))
}

/// Classic single-star backtracking, valid when every run token is [`GlobToken::AnyRun`].
fn match_greedy(p: &[GlobToken], s: &[char]) -> bool {
    greedy(p, s, |t, c| t.accepts(c))
}

/// Position-set simulation, valid for every token kind. O(len(s) · len(p)).
fn match_nfa(p: &[GlobToken], s: &[char]) -> bool {
    nfa(p, s, |t, c| t.accepts(c))
}

/// Single-star backtracking over any element type.
fn greedy<T: Copy>(p: &[GlobToken], s: &[T], accepts: impl Fn(GlobToken, T) -> bool) -> bool {
    let (mut si, mut pi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match p.get(pi) {
            // Every run is a star here: callers pass colon-free runs only where the subject has
            // no colon (see `arn_components`).
            Some(t) if t.is_run() => {
                star = Some((pi, si));
                pi += 1;
            }
            Some(t) if accepts(*t, s[si]) => {
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
    p[pi..].iter().all(|t| t.is_run())
}

/// Position-set simulation over any element type.
fn nfa<T: Copy>(p: &[GlobToken], s: &[T], accepts: impl Fn(GlobToken, T) -> bool) -> bool {
    let n = p.len();
    let mut cur = vec![false; n + 1];
    let mut next = vec![false; n + 1];
    cur[0] = true;
    close(p, &mut cur);
    for &c in s {
        next.iter_mut().for_each(|b| *b = false);
        for i in 0..n {
            if cur[i] && accepts(p[i], c) {
                next[if p[i].is_run() { i } else { i + 1 }] = true;
            }
        }
        close(p, &mut next);
        if !next.iter().any(|b| *b) {
            return false;
        }
        std::mem::swap(&mut cur, &mut next);
    }
    cur[n]
}

/// Epsilon closure: a run token may match nothing.
fn close(p: &[GlobToken], set: &mut [bool]) {
    for i in 0..p.len() {
        if set[i] && p[i].is_run() {
            set[i + 1] = true;
        }
    }
}

impl GlobToken {
    /// Whether this token can consume `c` (a run token consumes it and stays).
    pub fn accepts(self, c: char) -> bool {
        match self {
            GlobToken::Char(x) => x == c,
            GlobToken::AnyChar | GlobToken::AnyRun => true,
            GlobToken::AnyCharNoColon | GlobToken::AnyRunNoColon => c != ':',
        }
    }

    /// `*`-like tokens.
    pub fn is_run(self) -> bool {
        matches!(self, GlobToken::AnyRun | GlobToken::AnyRunNoColon)
    }
}

impl Glob {
    /// Whether some string matches both globs. Exact for globs of the same case sensitivity;
    /// when they differ, characters are compared folded, which can only say "yes" more often.
    pub fn intersects(&self, other: &Glob) -> bool {
        let fold_both = self.case_insensitive || other.case_insensitive;
        let (a, b) = (&self.tokens, &other.tokens);
        let compatible = |x: GlobToken, y: GlobToken| match (x, y) {
            (GlobToken::Char(c), GlobToken::Char(d)) => fold(c, fold_both) == fold(d, fold_both),
            (GlobToken::Char(c), t) | (t, GlobToken::Char(c)) => t.accepts(c),
            // Two wildcard classes share every character but `:`.
            _ => true,
        };
        // Depth-first search over pairs of positions; a pair once seen is not explored again.
        let mut seen = vec![false; (a.len() + 1) * (b.len() + 1)];
        let mut stack = vec![(0usize, 0usize)];
        while let Some((i, j)) = stack.pop() {
            let slot = i * (b.len() + 1) + j;
            if seen[slot] {
                continue;
            }
            seen[slot] = true;
            if i == a.len() && j == b.len() {
                return true;
            }
            let (x, y) = (a.get(i).copied(), b.get(j).copied());
            // A run may match nothing.
            if x.is_some_and(GlobToken::is_run) {
                stack.push((i + 1, j));
            }
            if y.is_some_and(GlobToken::is_run) {
                stack.push((i, j + 1));
            }
            // Both consume one common character; a run stays where it is.
            if let (Some(x), Some(y)) = (x, y) {
                if compatible(x, y) && !(x.is_run() && y.is_run()) {
                    let ni = if x.is_run() { i } else { i + 1 };
                    let nj = if y.is_run() { j } else { j + 1 };
                    stack.push((ni, nj));
                }
            }
        }
        false
    }
}

impl std::fmt::Display for Glob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for t in &self.tokens {
            match t {
                GlobToken::Char(c) => write!(f, "{c}")?,
                GlobToken::AnyChar | GlobToken::AnyCharNoColon => write!(f, "?")?,
                GlobToken::AnyRun | GlobToken::AnyRunNoColon => write!(f, "*")?,
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

/// Every character that [`fold`] maps to `c` when case-insensitive: `c` itself when it is
/// already folded, and its other case forms (`K` and the Kelvin sign `\u{212A}` for `k`). A
/// case-insensitive literal `c` in a glob accepts exactly these characters.
pub fn case_variants(c: char) -> impl Iterator<Item = char> {
    // The pairs (folded, original) with `folded == c`, in code point order.
    let start = CASE_PREIMAGES.partition_point(|&(f, _)| f < c);
    let others = CASE_PREIMAGES[start..]
        .iter()
        .take_while(move |&&(f, _)| f == c)
        .map(|&(_, x)| x);
    std::iter::once(c)
        .filter(|c| fold(*c, true) == *c)
        .chain(others)
}

// `CASE_PREIMAGES`: every (fold(x), x) with fold(x) ≠ x, sorted; written by the build script
// (`encodings/build/case_fold.rs`) so that no process walks all of Unicode at start-up.
include!(concat!(env!("OUT_DIR"), "/case_fold.rs"));

/// Folds a whole string with [`fold`].
pub fn fold_str(s: &str, case_insensitive: bool) -> String {
    s.chars().map(|c| fold(c, case_insensitive)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_variants_are_the_preimages_of_fold() {
        let variants = |c: char| case_variants(c).collect::<Vec<char>>();
        assert_eq!(variants('k'), vec!['k', 'K', '\u{212A}']);
        assert_eq!(variants('a'), vec!['a', 'A']);
        assert_eq!(variants(':'), vec![':']);
        // `A` is not a folded character: nothing folds to it.
        assert!(variants('A').is_empty());
        for c in ['k', 's', 'é', 'ß', 'i', 'σ'] {
            for v in case_variants(c) {
                assert_eq!(fold(v, true), c, "{v:?}");
            }
        }
    }

    #[test]
    fn the_built_table_is_every_preimage_of_fold() {
        let mut pairs: Vec<(char, char)> = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .map(|x| (fold(x, true), x))
            .filter(|(f, x)| f != x)
            .collect();
        pairs.sort_unstable();
        assert_eq!(pairs, CASE_PREIMAGES);
    }

    #[test]
    fn intersection_of_globs() {
        let g = |t: &str| Glob::wildcard(t, true);
        assert!(g("connect:Create*").intersects(&g("connect:*Contact")));
        assert!(g("connect:Create*").intersects(&g("connect:CreateUser*")));
        assert!(!g("connect:Create*").intersects(&g("connect:Delete*")));
        assert!(g("*:Describe*").intersects(&g("EC2:describeInstances")));
        assert!(!g("s3:Get?").intersects(&g("s3:GetObject")));
        assert!(g("a*b*c").intersects(&g("*bc")));
        assert!(!g("a*").intersects(&g("b*")));
        assert!(g("*").intersects(&g("")));
        assert!(!g("?").intersects(&g("")));
        let arn = |t: &str| {
            crate::policy::arn_template(t, false)
                .0
                .to_glob()
                .expect("no variables")
        };
        assert!(!arn("arn:aws:s3:::x*").intersects(&arn("arn:aws:lambda:*:*:*")));
        assert!(arn("arn:aws:lambda:*:*:function:f").intersects(&arn("arn:aws:lambda:us-*:1:*")));
        // Cross-checked with matching on a sample of strings.
        let globs = ["a*", "*b", "?b*", "a?", "*:*", "ab", "*a*b*"];
        let subjects = ["", "a", "b", "ab", "ba", "abb", "a:b", "xb", "aab", "bab"];
        for x in globs {
            for y in globs {
                let witnessed = subjects.iter().any(|s| g(x).matches(s) && g(y).matches(s));
                if witnessed {
                    assert!(g(x).intersects(&g(y)), "{x} {y}");
                }
            }
        }
    }

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
        for s in [
            "function:f",
            "function:f:1",
            "function:f:prod",
            "function:f-evil",
        ] {
            assert!(g.matches(s), "{s}");
        }
        let q = Glob::wildcard("function:f:*", false);
        assert!(!q.matches("function:f"));
        assert!(q.matches("function:f:1"));
    }

    #[test]
    fn s3_documented_examples() {
        let g = Glob::wildcard("DOC-EXAMPLE-BUCKET/*/test/*", false);
        for s in [
            "DOC-EXAMPLE-BUCKET/1/2/test/3/object.jpg",
            "DOC-EXAMPLE-BUCKET/1///test///object.jpg",
            "DOC-EXAMPLE-BUCKET//test/object.jpg",
            "DOC-EXAMPLE-BUCKET/1/test/",
        ] {
            assert!(g.matches(s), "{s}");
        }
        for s in [
            "DOC-EXAMPLE-BUCKET/1-test/object.jpg",
            "DOC-EXAMPLE-BUCKET/test/object.jpg",
            "DOC-EXAMPLE-BUCKET/1/2/test.jpg",
        ] {
            assert!(!g.matches(s), "{s}");
        }
    }

    #[test]
    fn no_colon_runs() {
        let arn = Glob::from_tokens(
            "arn:aws:x:"
                .chars()
                .map(GlobToken::Char)
                .chain([
                    GlobToken::AnyRunNoColon,
                    GlobToken::Char(':'),
                    GlobToken::Char('1'),
                    GlobToken::Char(':'),
                    GlobToken::AnyRun,
                ])
                .collect(),
            false,
        );
        assert!(arn.matches("arn:aws:x:us-east-2:1:store/abc:1:finance"));
        assert!(!arn.matches("arn:aws:x:us-east-2:9:store/abc:1:finance"));
        assert!(arn.matches("arn:aws:x::1:"));
    }

    #[test]
    fn ascii_fast_path_agrees_with_the_general_matcher() {
        let globs = ["a*b?c", "*", "", "s3:get*", "arn:*:x", "?", "*:*", "ä*"];
        let subjects = [
            "",
            "abxc",
            "aXbYc",
            "S3:GetObject",
            "arn::x",
            "arn:a:b:x",
            "é",
            "äb",
            ":",
        ];
        for g in globs {
            for ci in [false, true] {
                let glob = Glob::wildcard(g, ci);
                for s in subjects {
                    let chars: Vec<char> = s.chars().map(|c| fold(c, ci)).collect();
                    let general = if glob.tokens.contains(&GlobToken::AnyRunNoColon) {
                        match_nfa(&glob.tokens, &chars)
                    } else {
                        match_greedy(&glob.tokens, &chars)
                    };
                    assert_eq!(glob.matches(s), general, "{g} ci={ci} on {s:?}");
                }
            }
        }
        let templates = [
            "arn:aws:lambda:*:*:function:*",
            "arn:aws:s3:::b/*",
            "arn:*:iam::1?:role/x*",
            "arn:aws:someservice:*:111122223333:finance/*",
            "arn:aws:a::",
            "*",
        ];
        let arns = [
            "arn:aws:lambda:us-east-1:1:function:f:prod",
            "arn:aws:s3:::b/k",
            "arn:aws:iam::12:role/xy",
            "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/d",
            "arn:aws:a::",
            "arn:aws:a:::",
            "arn:aws",
            "",
            "arn:aws:lambda:::function:",
        ];
        for t in templates {
            let glob = crate::policy::arn_template(t, false)
                .0
                .to_glob()
                .expect("no variables");
            for a in arns {
                let chars: Vec<char> = a.chars().collect();
                assert_eq!(
                    glob.matches(a),
                    match_nfa(&glob.tokens, &chars),
                    "{t} on {a}"
                );
            }
        }
        let arn = crate::policy::arn_shape();
        assert!(arn.matches("arn:aws:s3:::b"));
        assert!(!arn.matches("arn:aws:s3::b"));
    }

    #[test]
    fn case_sensitivity() {
        assert!(!Glob::wildcard("Abc", false).matches("abc"));
        assert!(Glob::wildcard("Abc", true).matches("aBC"));
        assert!(Glob::literal("a*", false).matches("a*"));
        assert!(!Glob::literal("a*", false).matches("ab"));
    }
}
