//! The classes a set of globs cuts the string space into — the core of the "fast by design"
//! encoding.
//!
//! Two strings are in the same class iff every glob matches both or neither. For a string
//! variable tested only by globs (and equalities with variables of the same group), the SMT
//! encoding gives Z3 an integer class index instead of a string, and decoding picks a witness
//! string of the chosen class.
//!
//! Soundness: the classes are computed by exploring the *reachable* states of the product of
//! the globs' automata (a subset construction, kept sparse: a glob whose position set becomes
//! empty is dead and dropped). A reachable state's acceptance vector is the membership vector of
//! the strings that reach it, so the set of vectors found is exactly the set of realizable
//! vectors: no class is missing (that would make a "proved" answer wrong) and none is
//! unrealizable (that would produce a bogus counterexample). At each state only the characters
//! some live glob expects next can behave differently; every other character behaves like one
//! representative, and there are infinitely many of those, so such an edge stands for many
//! strings.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::rc::Rc;

use crate::budget::{Budget, BudgetError, Stage};
use crate::glob::{case_variants, fold, Glob, GlobToken};

/// Restrictions on the strings of a variable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Domain {
    /// Characters no string of this domain may contain.
    pub forbidden: Vec<char>,
    /// Minimum length.
    pub min_len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    pub classes: Vec<Class>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    /// `members[i]`: glob `i` matches the strings of this class.
    pub members: Vec<bool>,
    /// A shortest string of the class.
    pub witness: String,
    /// A second, different string of the class, or `None` when the class has one string.
    pub second: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartitionError {
    #[error("more than {limit} automaton states")]
    TooManyStates { limit: usize },
    /// The deadline passed, or the automaton outgrew its share of the memory budget.
    #[error(transparent)]
    Budget(#[from] BudgetError),
}

/// Sparse product state, flat in one allocation shared by the node list and its index: for
/// each live glob, in increasing order, its index and then its NFA position set (a bitset of
/// [`words`] words). A glob whose position set becomes empty is dead and left out.
type State = Rc<[u64]>;

/// Characters tried, in order, as the representative of "any other character".
const OTHERS: &str = "xyzqwkjvbgpfhmtuoinlrcdesa0123456789-_.";

/// Computes the classes of `globs` over the strings of `domain`, with no deadline and no
/// memory budget (see [`partition_within`]).
pub fn partition(
    globs: &[Glob],
    domain: &Domain,
    state_limit: usize,
) -> Result<Partition, PartitionError> {
    partition_within(
        globs,
        domain,
        state_limit,
        &Budget::unlimited(),
        u64::MAX,
        &|| Stage::Rewriting,
    )
}

/// Computes the classes of `globs` over the strings of `domain`, within `budget`: the deadline
/// is checked at every state, and the automaton's memory (its states, edges and the links
/// that spell witnesses) is counted against the budget, capped at `memory_cap` bytes for this
/// partition. Errors name `stage`.
pub fn partition_within(
    globs: &[Glob],
    domain: &Domain,
    state_limit: usize,
    budget: &Budget,
    memory_cap: u64,
    stage: &dyn Fn() -> Stage,
) -> Result<Partition, PartitionError> {
    let mut memory = budget.reservation_capped(memory_cap);
    let mut start: Vec<u64> = Vec::new();
    for (i, g) in globs.iter().enumerate() {
        start.push(i as u64);
        start.extend(closed(g, &bits_with(g, 0)));
    }
    let start: State = start.into();
    let mut ids: HashMap<(State, usize), usize> = HashMap::new();
    let mut nodes: Vec<(State, usize)> = Vec::new();
    // How each node was first reached (BFS parent and character): its shortest string.
    let mut parents: Vec<Option<(usize, char)>> = Vec::new();
    let mut edges: Vec<Vec<(char, usize)>> = Vec::new();
    let mut queue = VecDeque::new();
    memory.grow(node_bytes(&start), stage)?;
    ids.insert((start.clone(), 0), 0);
    nodes.push((start, 0));
    parents.push(None);
    edges.push(Vec::new());
    queue.push_back(0usize);
    while let Some(u) = queue.pop_front() {
        budget.check(stage)?;
        let (state, len) = nodes[u].clone();
        let index = StepIndex::new(globs, &state);
        for c in alphabet(globs, &state, domain) {
            let next: State = index.step(globs, &state, c).into();
            let nlen = (len + 1).min(domain.min_len);
            let key = (next, nlen);
            let v = match ids.get(&key) {
                Some(&v) => v,
                None => {
                    if nodes.len() >= state_limit {
                        return Err(PartitionError::TooManyStates { limit: state_limit });
                    }
                    memory.grow(node_bytes(&key.0), stage)?;
                    let v = nodes.len();
                    ids.insert(key.clone(), v);
                    nodes.push(key);
                    parents.push(Some((u, c)));
                    edges.push(Vec::new());
                    queue.push_back(v);
                    v
                }
            };
            memory.grow(EDGE_BYTES, stage)?;
            edges[u].push((c, v));
        }
    }
    drop(ids);
    // Up to two distinct strings per node (worklist to a fixpoint), each a link to a string of
    // the node it extends. The product automaton is deterministic, so every string reaches one
    // node, and two links spell the same string only if they are the same link.
    let mut strings: Vec<Vec<Link>> = vec![Vec::new(); nodes.len()];
    memory.grow(nodes.len() as u64 * LINK_BYTES, stage)?;
    strings[0].push(Link::Empty);
    let mut work: VecDeque<usize> = (0..nodes.len()).collect();
    while let Some(u) = work.pop_front() {
        let count = strings[u].len();
        for &(c, v) in &edges[u] {
            for which in 0..count {
                let cand = Link::Step {
                    from: u,
                    which: which as u8,
                    c,
                };
                if strings[v].len() < 2 && !strings[v].contains(&cand) {
                    strings[v].push(cand);
                    work.push_back(v);
                }
            }
        }
    }
    // Group accepting nodes by vector, in BFS order (deterministic).
    let mut classes: Vec<Class> = Vec::new();
    let mut index: HashMap<Vec<bool>, usize> = HashMap::new();
    for (u, (state, len)) in nodes.iter().enumerate() {
        if *len < domain.min_len {
            continue;
        }
        let members = vector(globs, state);
        let k = match index.get(&members) {
            Some(&k) => k,
            None => {
                let witness = spell_path(&parents, u);
                memory.grow(witness.len() as u64 + globs.len() as u64, stage)?;
                classes.push(Class {
                    members: members.clone(),
                    witness,
                    second: None,
                });
                index.insert(members, classes.len() - 1);
                classes.len() - 1
            }
        };
        if classes[k].second.is_none() {
            budget.check(stage)?;
            let witness = &classes[k].witness;
            classes[k].second = (0..strings[u].len())
                .map(|which| spell(&strings, u, which))
                .find(|s| s != witness);
        }
    }
    Ok(Partition { classes })
}

/// The bytes one automaton node holds: its state, the index's slot, its parent link and its
/// edge list.
fn node_bytes(state: &[u64]) -> u64 {
    8 * state.len() as u64 + 128
}

/// The number of bitset words of `g`'s position sets.
fn words(g: &Glob) -> usize {
    (g.tokens.len() + 1).div_ceil(64)
}

/// The live globs of a state, each with the offset of its position set in the state and the
/// set itself.
fn entries<'s>(
    globs: &'s [Glob],
    state: &'s [u64],
) -> impl Iterator<Item = (usize, usize, &'s [u64])> + 's {
    let mut at = 0;
    std::iter::from_fn(move || {
        let i = usize::try_from(*state.get(at)?).ok()?;
        let n = words(globs.get(i)?);
        let bits = state.get(at + 1..at + 1 + n)?;
        let entry = (i, at + 1, bits);
        at += 1 + n;
        Some(entry)
    })
}

/// The bytes of one edge.
const EDGE_BYTES: u64 = 16;
/// The bytes of one node's string links.
const LINK_BYTES: u64 = 56;

/// One of the (at most two) strings kept for a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// The empty string (the start node).
    Empty,
    /// String `which` of node `from`, then `c`.
    Step { from: usize, which: u8, c: char },
}

/// The BFS path to node `u`: a shortest string reaching it.
fn spell_path(parents: &[Option<(usize, char)>], mut u: usize) -> String {
    let mut chars = Vec::new();
    while let Some((p, c)) = parents[u] {
        chars.push(c);
        u = p;
    }
    chars.iter().rev().collect()
}

/// String `which` of node `u`.
fn spell(strings: &[Vec<Link>], mut u: usize, mut which: usize) -> String {
    let mut chars = Vec::new();
    while let Some(Link::Step { from, which: w, c }) = strings[u].get(which).copied() {
        chars.push(c);
        u = from;
        which = usize::from(w);
    }
    chars.iter().rev().collect()
}

impl Partition {
    /// The class of a concrete string, or `None` if it violates the domain.
    pub fn class_of(&self, globs: &[Glob], domain: &Domain, s: &str) -> Option<usize> {
        if s.chars().count() < domain.min_len || s.chars().any(|c| domain.forbidden.contains(&c)) {
            return None;
        }
        let v: Vec<bool> = globs.iter().map(|g| g.matches(s)).collect();
        self.classes.iter().position(|c| c.members == v)
    }
}

/// The first candidate that satisfies the domain and has exactly the class's vector, else the
/// class witness. Used to prefer readable values taken from policies.
pub fn pick_witness(globs: &[Glob], domain: &Domain, class: &Class, candidates: &[&str]) -> String {
    candidates
        .iter()
        .find(|s| {
            s.chars().count() >= domain.min_len
                && !s.chars().any(|c| domain.forbidden.contains(&c))
                && globs
                    .iter()
                    .zip(&class.members)
                    .all(|(g, m)| g.matches(s) == *m)
        })
        .map(|s| s.to_string())
        .unwrap_or_else(|| class.witness.clone())
}

/// An alphabet that loses nothing for `globs`: up to `per_behaviour` characters (all of them,
/// when fewer behave so) for each way a single character can behave in the globs' tokens.
///
/// A token tells characters apart only by equality with its literal (after folding, for a
/// case-insensitive glob) or, for a colon-free wildcard, by being `:`. So a character that is
/// no literal, not `:` and folds to no case-insensitive literal behaves like every other such
/// character; the candidates are the literals, their case variants, `:`, and `per_behaviour`
/// characters that are none of these. Of candidates that behave alike, the most readable are
/// kept.
///
/// Replacing each character of a string by one that behaves alike keeps every membership, so
/// strings over this alphabet realize every membership vector. More: a set of strings that
/// all have one vector has, over this alphabet, at least as many members as it has over all
/// of Unicode, up to `per_behaviour` — so `per_behaviour` variables that must be pairwise
/// different strings of one class still can be (pick, per string, other characters of the
/// same behaviour). This is what lets a solver work over a small alphabet without losing a
/// model.
pub fn representatives(globs: &[Glob], per_behaviour: usize) -> Vec<char> {
    let per_behaviour = per_behaviour.max(1);
    let mut tests: BTreeSet<(GlobToken, bool)> = BTreeSet::new();
    let mut candidates: BTreeSet<char> = BTreeSet::new();
    for g in globs {
        for t in &g.tokens {
            match t {
                GlobToken::Char(x) => {
                    tests.insert((*t, g.case_insensitive));
                    candidates.insert(*x);
                    if g.case_insensitive {
                        candidates.extend(case_variants(*x));
                    }
                }
                GlobToken::AnyCharNoColon | GlobToken::AnyRunNoColon => {
                    tests.insert((*t, false));
                    candidates.insert(':');
                }
                GlobToken::AnyChar | GlobToken::AnyRun => {}
            }
        }
    }
    // Every character that behaves unlike "none of the above" is a candidate already: it is a
    // literal, folds to one, or is `:`.
    let unlike_every_literal = |c: &char| {
        *c != ':'
            && tests.iter().all(|(t, ci)| match t {
                GlobToken::Char(x) => *x != fold(*c, *ci),
                _ => true,
            })
    };
    let others: Vec<char> = OTHERS
        .chars()
        .chain((0x21u32..).filter_map(char::from_u32))
        .filter(|c| !candidates.contains(c) && unlike_every_literal(c))
        .take(per_behaviour)
        .collect();
    let behaviour = |c: char| -> Vec<bool> {
        tests
            .iter()
            .map(|(t, ci)| t.accepts(fold(c, *ci)))
            .collect()
    };
    let mut ordered: Vec<char> = candidates.into_iter().chain(others).collect();
    ordered.sort_by_key(|c| (readability(*c), *c));
    let mut kept: HashMap<Vec<bool>, usize> = HashMap::new();
    ordered
        .into_iter()
        .filter(|c| {
            let n = kept.entry(behaviour(*c)).or_default();
            *n += 1;
            *n <= per_behaviour
        })
        .collect()
}

/// Lower is tried first: lowercase letters, digits, `-_.`, `/`, uppercase, `:`, the rest.
fn readability(c: char) -> u8 {
    match c {
        'a'..='z' => 0,
        '0'..='9' => 1,
        '-' | '_' | '.' => 2,
        '/' => 3,
        'A'..='Z' => 4,
        ':' => 5,
        _ => 6,
    }
}

fn bits_with(g: &Glob, p: usize) -> Vec<u64> {
    let mut b = vec![0u64; words(g)];
    b[p / 64] |= 1 << (p % 64);
    b
}

fn has(b: &[u64], p: usize) -> bool {
    b[p / 64] >> (p % 64) & 1 == 1
}

fn set(b: &mut [u64], p: usize) {
    b[p / 64] |= 1 << (p % 64);
}

/// Epsilon closure over run tokens.
fn closed(g: &Glob, b: &[u64]) -> Vec<u64> {
    let mut out = b.to_vec();
    // Positions in increasing order, so a position a run adds is visited after it; only the
    // set bits are visited (a long literal has one live position among thousands).
    for w in 0..out.len() {
        let mut bits = out[w];
        while bits != 0 {
            let p = w * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if p < g.tokens.len() && g.tokens[p].is_run() {
                set(&mut out, p + 1);
                if (p + 1) / 64 == w {
                    bits |= 1 << ((p + 1) % 64);
                }
            }
        }
    }
    out
}

/// The positions of a glob's position set that hold a token (the set bits below `len`).
fn live(b: &[u64], len: usize) -> impl Iterator<Item = usize> + '_ {
    b.iter().enumerate().flat_map(move |(w, &word)| {
        let mut bits = word;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let p = w * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            Some(p)
        })
        .filter(move |&p| p < len)
    })
}

/// Which live globs can consume which character at one state: globs with a wildcard at a live
/// position may consume anything; the others only their next literal characters. Stepping only
/// those keeps long lists of literal actions cheap (most globs die on most characters).
struct StepIndex {
    /// Globs with a live wildcard, as (glob, offset of its position set in the state).
    wild: Vec<(usize, usize)>,
    /// Literal character (folded for case-insensitive globs) → (glob, offset).
    sensitive: HashMap<char, Vec<(usize, usize)>>,
    insensitive: HashMap<char, Vec<(usize, usize)>>,
}

impl StepIndex {
    fn new(globs: &[Glob], state: &[u64]) -> StepIndex {
        let mut index = StepIndex {
            wild: Vec::new(),
            sensitive: HashMap::new(),
            insensitive: HashMap::new(),
        };
        for (i, at, b) in entries(globs, state) {
            let g = &globs[i];
            let mut wild = false;
            for p in live(b, g.tokens.len()) {
                match g.tokens[p] {
                    GlobToken::Char(x) => {
                        let map = if g.case_insensitive {
                            &mut index.insensitive
                        } else {
                            &mut index.sensitive
                        };
                        let list = map.entry(x).or_default();
                        if list.last() != Some(&(i, at)) {
                            list.push((i, at));
                        }
                    }
                    _ => wild = true,
                }
            }
            if wild {
                index.wild.push((i, at));
            }
        }
        index
    }

    /// The state after `c`: the globs that can consume it, stepped, in glob order.
    fn step(&self, globs: &[Glob], state: &[u64], c: char) -> Vec<u64> {
        let mut picks: Vec<(usize, usize)> = self.wild.clone();
        if let Some(l) = self.sensitive.get(&c) {
            picks.extend(l);
        }
        if let Some(l) = self.insensitive.get(&fold(c, true)) {
            picks.extend(l);
        }
        picks.sort_unstable();
        picks.dedup();
        let mut next = Vec::new();
        for (i, at) in picks {
            let g = &globs[i];
            let b = &state[at..at + words(g)];
            let c = fold(c, g.case_insensitive);
            let mut nb = vec![0u64; b.len()];
            let mut any = false;
            for p in live(b, g.tokens.len()) {
                if g.tokens[p].accepts(c) {
                    set(&mut nb, if g.tokens[p].is_run() { p } else { p + 1 });
                    any = true;
                }
            }
            if any {
                next.push(i as u64);
                next.extend(closed(g, &nb));
            }
        }
        next
    }
}

fn vector(globs: &[Glob], state: &[u64]) -> Vec<bool> {
    let mut v = vec![false; globs.len()];
    for (i, _, b) in entries(globs, state) {
        v[i] = has(b, globs[i].tokens.len());
    }
    v
}

/// The characters that can behave differently at `state`, plus one representative of all
/// the others.
fn alphabet(globs: &[Glob], state: &[u64], domain: &Domain) -> Vec<char> {
    let mut literal: BTreeSet<char> = BTreeSet::new();
    let mut folded: BTreeSet<char> = BTreeSet::new();
    for (i, _, b) in entries(globs, state) {
        let g = &globs[i];
        for p in live(b, g.tokens.len()) {
            match g.tokens[p] {
                GlobToken::Char(x) => {
                    literal.insert(x);
                    if g.case_insensitive {
                        folded.insert(x);
                        // Every character that folds to `x` is accepted here, and each may
                        // behave differently in the case-sensitive globs (the Kelvin sign
                        // folds to `k` but is neither `k` nor `K`); other case forms are also
                        // distinct strings even where they behave alike.
                        literal.extend(case_variants(x));
                    }
                }
                GlobToken::AnyCharNoColon | GlobToken::AnyRunNoColon => {
                    literal.insert(':');
                }
                GlobToken::AnyChar | GlobToken::AnyRun => {}
            }
        }
    }
    let mut out: Vec<char> = literal
        .iter()
        .copied()
        .filter(|c| !domain.forbidden.contains(c))
        .collect();
    // Explore readable characters first, so shortest witnesses read like names.
    out.sort_by_key(|c| (readability(*c), *c));
    let other = OTHERS
        .chars()
        .chain((0x21u8..0x7f).map(char::from))
        .chain(['é', 'ß', 'ø'])
        .find(|c| {
            !literal.contains(c)
                && !folded.contains(&fold(*c, true))
                && !domain.forbidden.contains(c)
        });
    if let Some(o) = other {
        out.push(o);
        // A second representative, so that "other" edges stand for at least two strings.
        if let Some(o2) = OTHERS
            .chars()
            .chain((0x21u8..0x7f).map(char::from))
            .find(|c| {
                *c != o
                    && !literal.contains(c)
                    && !folded.contains(&fold(*c, true))
                    && !domain.forbidden.contains(c)
            })
        {
            out.push(o2);
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any() -> Domain {
        Domain::default()
    }

    fn check(globs: &[Glob], domain: &Domain) -> Partition {
        let p = partition(globs, domain, 100_000).unwrap();
        for c in &p.classes {
            let v: Vec<bool> = globs.iter().map(|g| g.matches(&c.witness)).collect();
            assert_eq!(v, c.members, "witness {:?}", c.witness);
            if let Some(s) = &c.second {
                assert_ne!(s, &c.witness);
                let v2: Vec<bool> = globs.iter().map(|g| g.matches(s)).collect();
                assert_eq!(v2, c.members, "second {s:?}");
            }
        }
        p
    }

    #[test]
    fn lambda_qualifiers() {
        let globs = vec![
            Glob::wildcard("function:f*", false),
            Glob::wildcard("function:f", false),
            Glob::wildcard("function:f:*", false),
        ];
        let p = check(&globs, &any());
        let vs: BTreeSet<Vec<bool>> = p.classes.iter().map(|c| c.members.clone()).collect();
        assert!(vs.contains(&vec![true, true, false]));
        assert!(vs.contains(&vec![true, false, true]));
        assert!(vs.contains(&vec![true, false, false]));
        assert!(vs.contains(&vec![false, false, false]));
        assert_eq!(vs.len(), 4);
        let exact = p
            .classes
            .iter()
            .find(|c| c.members == vec![true, true, false])
            .unwrap();
        assert_eq!(exact.witness, "function:f");
        assert!(exact.second.is_none());
    }

    #[test]
    fn single_literal() {
        let p = check(&[Glob::literal("abc", false)], &any());
        assert_eq!(p.classes.len(), 2);
        assert!(p
            .classes
            .iter()
            .any(|c| c.members == [true] && c.second.is_none()));
        assert!(p
            .classes
            .iter()
            .any(|c| c.members == [false] && c.second.is_some()));
    }

    #[test]
    fn case_and_domain() {
        let globs = vec![
            Glob::wildcard("s3:get*", true),
            Glob::wildcard("s3:Get*", false),
        ];
        let p = check(&globs, &any());
        assert_eq!(p.classes.len(), 3);
        let colon_free = Domain {
            forbidden: vec![':'],
            min_len: 1,
        };
        let p = check(&[Glob::wildcard("a*", false)], &colon_free);
        assert!(p
            .classes
            .iter()
            .all(|c| !c.witness.contains(':') && !c.witness.is_empty()));
    }

    #[test]
    fn many_literal_actions() {
        let globs: Vec<Glob> = (0..1500)
            .map(|i| Glob::literal(&format!("svc{}:action{}", i % 40, i), true))
            .collect();
        let p = check(&globs, &any());
        assert_eq!(p.classes.len(), 1501);
    }

    #[test]
    fn case_insensitive_literals_meet_every_case_variant() {
        // The Kelvin sign folds to `k` but is neither `k` nor `K`: a class of its own here.
        let globs = vec![
            Glob::literal("k", false),
            Glob::literal("K", false),
            Glob::literal("k", true),
        ];
        let p = check(&globs, &any());
        let kelvin = p.class_of(&globs, &any(), "\u{212A}").unwrap();
        assert_eq!(p.classes[kelvin].members, vec![false, false, true]);
        assert_eq!(p.classes.len(), 4);
    }

    #[test]
    fn representatives_keep_every_behaviour() {
        let globs = vec![
            Glob::wildcard("k*", true),
            Glob::wildcard("*K", false),
            Glob::from_tokens(vec![GlobToken::AnyRunNoColon, GlobToken::Char('a')], false),
        ];
        let one = representatives(&globs, 1);
        // `k` (CI and not `K`), `K` (both), the Kelvin sign behaves like `k`, `a`, `:`, and
        // one other character.
        assert_eq!(one.len(), 5, "{one:?}");
        assert!(one.contains(&'k') && one.contains(&'K') && one.contains(&':'));
        let three = representatives(&globs, 3);
        // Now the Kelvin sign joins `k`, and three characters stand for the rest.
        assert!(three.contains(&'\u{212A}'), "{three:?}");
        assert_eq!(three.len(), 8, "{three:?}");
    }

    fn glob_strategy() -> impl Strategy<Value = Glob> {
        (
            prop::collection::vec(
                prop::sample::select(vec!['a', 'b', ':', '*', '?', 'A']),
                0..5,
            ),
            prop::bool::ANY,
        )
            .prop_map(|(cs, ci)| Glob::wildcard(&cs.into_iter().collect::<String>(), ci))
    }

    fn all_strings(max: usize) -> Vec<String> {
        let alphabet = ['a', 'A', 'b', ':', 'c'];
        let mut out = vec![String::new()];
        let mut layer = vec![String::new()];
        for _ in 0..max {
            let mut next = Vec::new();
            for s in &layer {
                for c in alphabet {
                    next.push(format!("{s}{c}"));
                }
            }
            out.extend(next.iter().cloned());
            layer = next;
        }
        out
    }

    /// The vectors of all strings up to `max` characters over `alphabet`.
    fn vectors(globs: &[Glob], alphabet: &[char], max: usize) -> BTreeSet<Vec<bool>> {
        let mut out = BTreeSet::new();
        let mut layer = vec![String::new()];
        for _ in 0..=max {
            let mut next = Vec::new();
            for s in &layer {
                out.insert(globs.iter().map(|g| g.matches(s)).collect::<Vec<_>>());
                for c in alphabet {
                    next.push(format!("{s}{c}"));
                }
            }
            layer = next;
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
        #[test]
        fn strings_over_representatives_realize_every_vector(
            globs in prop::collection::vec(glob_strategy(), 1..4),
            per_behaviour in 1..3usize,
        ) {
            let reps = representatives(&globs, per_behaviour);
            let wide = ['a', 'A', 'b', 'B', ':', 'k', 'K', '\u{212A}', 'é', 'z'];
            let realized = vectors(&globs, &reps, 3);
            for v in vectors(&globs, &wide, 3) {
                prop_assert!(realized.contains(&v), "{v:?} missing over {reps:?}");
            }
            // And as many characters of each behaviour as asked for (or as exist among `wide`).
            let behaviour = |c: char| -> Vec<bool> {
                globs.iter().map(|g| g.matches(&c.to_string())).collect()
            };
            for c in wide {
                let same_wide = wide.iter().filter(|x| behaviour(**x) == behaviour(c)).count();
                let same_reps = reps.iter().filter(|x| behaviour(**x) == behaviour(c)).count();
                prop_assert!(same_reps >= same_wide.min(per_behaviour), "{c:?} over {reps:?}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn classes_are_exactly_the_realizable_vectors(globs in prop::collection::vec(glob_strategy(), 1..4)) {
            let p = check(&globs, &any());
            let vectors: BTreeSet<Vec<bool>> = p.classes.iter().map(|c| c.members.clone()).collect();
            prop_assert_eq!(vectors.len(), p.classes.len());
            let mut seen: HashMap<Vec<bool>, usize> = HashMap::new();
            for s in all_strings(5) {
                let v: Vec<bool> = globs.iter().map(|g| g.matches(&s)).collect();
                prop_assert!(vectors.contains(&v), "missing class for {:?}", s);
                *seen.entry(v).or_default() += 1;
            }
            for c in &p.classes {
                if c.second.is_none() && c.witness.len() <= 2 {
                    prop_assert!(seen.get(&c.members).copied().unwrap_or(0) <= 1, "class {:?} said singleton", c.members);
                }
            }
        }
    }
}
