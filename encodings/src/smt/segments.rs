//! Matching a glob against a string built from constants and variables.
//!
//! The symbolic principal and resource are not single strings: a Lambda function ARN is
//! `"arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + rest`, so that the
//! account can be tied to `resource_account` and the principal's account. A policy pattern is a
//! glob over the whole string. [`glob_over`] turns "the concatenation matches G" into a formula
//! over "variable v matches sub-glob G[i..j]" atoms, exactly:
//!
//! * Positions `0..=n` of G are the states of its NFA (a run token loops on itself).
//! * After a constant segment, the reachable positions are computed in Rust.
//! * After a variable segment starting at position `p`, the NFA is at position `q` iff
//!   `v` matches `G[p..q]` (or `G[p..=q]` when `G[q]` is a run the variable may end inside).
//! * The whole string matches iff the end of the last segment can reach position `n`.
//!
//! Atoms that the variable's domain makes impossible (a literal `:` in a colon-free component)
//! and alignments that cannot finish are pruned before any glob is interned.

use std::collections::HashMap;

use super::factory::{self, and2, or, FALSE};
use super::term::{StrVar, Term, Vars};
use crate::glob::{fold, Glob, GlobToken};

/// One piece of a structured string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Const(String),
    Var(StrVar),
}

/// `segs` concatenated matches `glob`.
pub fn glob_over(vars: &mut Vars, segs: &[Seg], glob: &Glob) -> Term {
    if let [Seg::Var(v)] = segs {
        return factory::matches(vars, *v, glob.clone());
    }
    if glob.is_any() {
        return factory::TRUE;
    }
    let mut memo = HashMap::new();
    // `runs_from[p]`: every token from `p` on is a run (the end can be reached from `p` on an
    // empty rest), so the last segment's alignments cost nothing to test.
    let mut runs_from = vec![true; glob.tokens.len() + 1];
    for p in (0..glob.tokens.len()).rev() {
        runs_from[p] = runs_from[p + 1] && glob.tokens[p].is_run();
    }
    walk(vars, segs, glob, &runs_from, 0, 0, &mut memo)
}

fn walk(
    vars: &mut Vars,
    segs: &[Seg],
    glob: &Glob,
    runs_from: &[bool],
    i: usize,
    pos: usize,
    memo: &mut HashMap<(usize, usize), Term>,
) -> Term {
    if let Some(t) = memo.get(&(i, pos)) {
        return t.clone();
    }
    let tokens = &glob.tokens;
    let n = tokens.len();
    let result = match segs.get(i) {
        None => factory::constant(runs_from[pos]),
        Some(Seg::Const(c)) => {
            let reach = run_const(glob, pos, c);
            or(reach
                .into_iter()
                .map(|q| walk(vars, segs, glob, runs_from, i + 1, q, memo))
                .collect::<Vec<_>>())
        }
        Some(Seg::Var(v)) => {
            let mut alts = Vec::new();
            let domain = vars.str_info(*v).domain.clone();
            for q in pos..=n {
                // Check the atom first: alignments the variable's domain rules out are never
                // explored, so their sub-globs never reach the variable's partition. A literal
                // the variable cannot hold (a `:` in a colon-free component) rules out this
                // alignment and every longer one; the token a run alignment adds is no
                // literal. So the domain is checked on one token per alignment.
                if q > pos
                    && matches!(tokens[q - 1], GlobToken::Char(c) if domain.forbidden.contains(&c))
                {
                    break;
                }
                let end = if q < n && tokens[q].is_run() {
                    q + 1
                } else {
                    q
                };
                if end == pos && domain.min_len > 0 {
                    continue;
                }
                let rest = walk(vars, segs, glob, runs_from, i + 1, q, memo);
                if rest == FALSE {
                    continue;
                }
                let sub = Glob::from_folded(tokens[pos..end].to_vec(), glob.case_insensitive);
                alts.push(and2(factory::matches(vars, *v, sub), rest));
            }
            or(alts)
        }
    };
    memo.insert((i, pos), result.clone());
    result
}

/// The positions reachable from `pos` after consuming `text`, closed under run tokens.
fn run_const(glob: &Glob, pos: usize, text: &str) -> Vec<usize> {
    let tokens = &glob.tokens;
    let n = tokens.len();
    let mut cur = vec![false; n + 1];
    cur[pos] = true;
    close(tokens, &mut cur);
    for c in text.chars() {
        let c = fold(c, glob.case_insensitive);
        let mut next = vec![false; n + 1];
        for p in 0..n {
            if cur[p] && tokens[p].accepts(c) {
                next[if tokens[p].is_run() { p } else { p + 1 }] = true;
            }
        }
        close(tokens, &mut next);
        cur = next;
    }
    (0..=n).filter(|&p| cur[p]).collect()
}

fn close(tokens: &[GlobToken], set: &mut [bool]) {
    for p in 0..tokens.len() {
        if set[p] && tokens[p].is_run() {
            set[p + 1] = true;
        }
    }
}
