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
///
/// Build one with the constructors ([`Glob::wildcard`], [`Glob::literal`],
/// [`Glob::from_tokens`], [`Glob::from_folded`], [`Glob::any`]): they also work out how
/// [`Glob::matches`] is best run (its [`Plan`]). `tokens` is public to read; a glob is never
/// changed in place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Glob {
    pub tokens: Vec<GlobToken>,
    /// When set, literal characters are stored lower-cased and the subject is lower-cased
    /// (ASCII and Unicode simple lower-case mapping, char by char) before comparison.
    pub case_insensitive: bool,
    /// How to match, worked out once from `tokens` (a function of them, so it takes no part
    /// in what a glob means).
    plan: Plan,
}

/// How [`Glob::matches`] runs for a glob, decided once when it is built. The evaluator
/// matches every action and resource of every statement against every request, so the
/// matcher must not rediscover the shape of a pattern on each call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Plan {
    /// `*`: every string.
    Any,
    /// No wildcard: the subject has exactly these characters.
    Literal,
    /// Literals, `?` and `*` only: single-star backtracking is exact.
    Greedy,
    /// An ARN pattern ([`crate::policy::arn_template`]): five literal colons (at these token
    /// positions), colon-free wildcards only before the fifth, and only `?` and `*` after it.
    /// The subject splits at its first five colons and each part matches on its own.
    Arn([u16; 5]),
    /// Anything else: position-set simulation.
    Nfa,
}

impl Plan {
    fn of(tokens: &[GlobToken]) -> Plan {
        let no_colon =
            |t: &GlobToken| matches!(t, GlobToken::AnyRunNoColon | GlobToken::AnyCharNoColon);
        if tokens == [GlobToken::AnyRun] {
            return Plan::Any;
        }
        if tokens.iter().all(|t| matches!(t, GlobToken::Char(_))) {
            return Plan::Literal;
        }
        if !tokens.contains(&GlobToken::AnyRunNoColon) {
            return Plan::Greedy;
        }
        let mut cuts = [0u16; 5];
        let mut found = 0;
        for (i, t) in tokens.iter().enumerate() {
            match t {
                GlobToken::Char(':') if found < 5 => {
                    let Ok(i) = u16::try_from(i) else {
                        return Plan::Nfa;
                    };
                    cuts[found] = i;
                    found += 1;
                }
                GlobToken::AnyRun | GlobToken::AnyChar if found < 5 => return Plan::Nfa,
                t if found == 5 && no_colon(t) => return Plan::Nfa,
                _ => {}
            }
        }
        if found < 5 {
            return Plan::Nfa;
        }
        Plan::Arn(cuts)
    }
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
        Glob::normalized(tokens, case_insensitive)
    }

    /// A glob that matches exactly `text` (`*` and `?` are literal).
    pub fn literal(text: &str, case_insensitive: bool) -> Glob {
        let tokens = text
            .chars()
            .map(|c| GlobToken::Char(fold(c, case_insensitive)))
            .collect();
        Glob::from_folded(tokens, case_insensitive)
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
        Glob::normalized(tokens, case_insensitive)
    }

    /// A glob of tokens taken as they are: literal characters already folded when
    /// case-insensitive (a piece of another glob's tokens, say).
    pub fn from_folded(tokens: Vec<GlobToken>, case_insensitive: bool) -> Glob {
        let plan = Plan::of(&tokens);
        Glob {
            tokens,
            case_insensitive,
            plan,
        }
    }

    /// Matches everything.
    pub fn any() -> Glob {
        Glob::from_folded(vec![GlobToken::AnyRun], false)
    }

    /// The glob of `tokens` with runs of `*` collapsed (they mean the same as one).
    fn normalized(mut tokens: Vec<GlobToken>, case_insensitive: bool) -> Glob {
        tokens.dedup_by(|a, b| a == b && matches!(a, GlobToken::AnyRun | GlobToken::AnyRunNoColon));
        Glob::from_folded(tokens, case_insensitive)
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
    ///
    /// An ASCII subject is matched byte by byte without allocating; a literal character of
    /// the glob outside ASCII never equals one of its bytes, folded or not (folding maps ASCII
    /// to ASCII). Another subject is folded into characters first.
    pub fn matches(&self, subject: &str) -> bool {
        if self.plan == Plan::Any {
            return true;
        }
        if subject.is_ascii() {
            let s = subject.as_bytes();
            return if self.case_insensitive {
                self.run_plan(s, |t, b| accepts_byte(t, b.to_ascii_lowercase()))
            } else {
                self.run_plan(s, accepts_byte)
            };
        }
        let ci = self.case_insensitive;
        let s: Vec<char> = subject.chars().map(|c| fold(c, ci)).collect();
        self.run_plan(&s, |t, c| t.accepts(c))
    }

    /// The plan run over the subject's bytes or (folded) characters; `accepts` compares one
    /// token with one of them.
    fn run_plan<T: Copy + PartialEq + From<u8>>(
        &self,
        s: &[T],
        accepts: impl Fn(GlobToken, T) -> bool + Copy,
    ) -> bool {
        let p = &self.tokens;
        match self.plan {
            Plan::Any => true,
            Plan::Literal => p.len() == s.len() && p.iter().zip(s).all(|(t, c)| accepts(*t, *c)),
            Plan::Greedy => greedy(p, s, accepts),
            Plan::Arn(cuts) => arn_components(p, &cuts, s, accepts),
            Plan::Nfa => nfa(p, s, accepts),
        }
    }
}

/// Whether `t` accepts the (already folded) byte `b`.
fn accepts_byte(t: GlobToken, b: u8) -> bool {
    match t {
        GlobToken::Char(c) => c as u32 == u32::from(b),
        GlobToken::AnyChar | GlobToken::AnyRun => true,
        GlobToken::AnyCharNoColon | GlobToken::AnyRunNoColon => b != b':',
    }
}

/// An ARN pattern (see [`Plan::Arn`]; `cuts` are the positions of its five colons): the
/// subject splits at its first five colons and each component matches on its own. Inside a
/// colon-free component a colon-free run is an ordinary run, so backtracking is exact.
fn arn_components<T: Copy + PartialEq + From<u8>>(
    p: &[GlobToken],
    cuts: &[u16; 5],
    s: &[T],
    accepts: impl Fn(GlobToken, T) -> bool + Copy,
) -> bool {
    let colon = T::from(b':');
    let mut start_p = 0;
    let mut rest = s;
    for &cut in cuts {
        let cut = usize::from(cut);
        let Some(at) = rest.iter().position(|c| *c == colon) else {
            return false;
        };
        if !greedy(&p[start_p..cut], &rest[..at], accepts) {
            return false;
        }
        start_p = cut + 1;
        rest = &rest[at + 1..];
    }
    greedy(&p[start_p..], rest, accepts)
}

/// Classic single-star backtracking, valid when every run token is [`GlobToken::AnyRun`].
#[cfg(test)]
fn match_greedy(p: &[GlobToken], s: &[char]) -> bool {
    greedy(p, s, |t, c| t.accepts(c))
}

/// Position-set simulation, valid for every token kind. O(len(s) · len(p)).
#[cfg(test)]
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
            // no colon (see `arn_components`). A run that ends the glob takes the rest.
            Some(t) if t.is_run() && pi + 1 == p.len() => return true,
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

    /// The reference: position sets over the folded characters, whatever the glob's shape.
    fn reference(glob: &Glob, subject: &str) -> bool {
        let chars: Vec<char> = subject
            .chars()
            .map(|c| fold(c, glob.case_insensitive))
            .collect();
        match_nfa(&glob.tokens, &chars)
    }

    #[test]
    fn every_plan_is_chosen() {
        let arn = |t: &str| {
            crate::policy::arn_template(t, false)
                .0
                .to_glob()
                .expect("no variables")
        };
        assert_eq!(Glob::wildcard("*", true).plan, Plan::Any);
        assert_eq!(Glob::wildcard("s3:GetObject", true).plan, Plan::Literal);
        assert_eq!(Glob::wildcard("s3:Get*", true).plan, Plan::Greedy);
        // No wildcard in the first five components: the one run takes colons.
        assert_eq!(arn("arn:aws:s3:::b/*").plan, Plan::Greedy);
        assert!(matches!(
            arn("arn:aws:lambda:*:*:function:*").plan,
            Plan::Arn(_)
        ));
        assert!(matches!(crate::policy::arn_shape().plan, Plan::Arn(_)));
        // A colon-free run after the fifth colon, or none at all.
        assert_eq!(
            Glob::from_folded(
                vec![
                    GlobToken::Char(':'),
                    GlobToken::AnyRunNoColon,
                    GlobToken::Char(':')
                ],
                false
            )
            .plan,
            Plan::Nfa
        );
        assert_eq!(
            Glob::from_tokens(vec![GlobToken::AnyRunNoColon], false).plan,
            Plan::Nfa
        );
    }

    #[test]
    fn arn_shape_is_five_colons() {
        let shape = crate::policy::arn_shape();
        for v in [
            "",
            "arn",
            "a:b:c:d:e",
            "a:b:c:d:e:",
            "arn:aws:s3:::b",
            ":::::",
            "é:::::é",
            "a:b:c:d:e:f:g",
        ] {
            assert_eq!(crate::policy::is_arn_shaped(v), shape.matches(v), "{v}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4000, ..Default::default() })]

        /// Whatever plan a glob gets, it matches what the position-set reference matches:
        /// wildcard patterns and ARN patterns (colon-free runs in the first five components),
        /// case-sensitive or not, on ASCII and other subjects.
        #[test]
        fn planned_matching_agrees_with_the_reference(
            pattern in "[aAbK\\u{212a}é:*?]{0,8}",
            arn_pattern in "[ab*?:]{0,4}:[a*]{0,2}:[b?]{0,2}:[*a]{0,2}:[:b*]{0,2}:[a:*?]{0,3}",
            subject in "[aAbkK\\u{212a}éÉ:]{0,9}",
            ci in proptest::bool::ANY,
        ) {
            let glob = Glob::wildcard(&pattern, ci);
            proptest::prop_assert_eq!(glob.matches(&subject), reference(&glob, &subject), "{} ci={} on {:?}", pattern, ci, subject);
            let arn = crate::policy::arn_template(&arn_pattern, false).0.to_glob().expect("no variables");
            proptest::prop_assert_eq!(arn.matches(&subject), reference(&arn, &subject), "{} on {:?}", arn_pattern, subject);
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
