//! Policy sets → terms over the [`Symbolic`] request, mirroring [`crate::eval::evaluate`]
//! branch for branch (docs/semantics.md §5). One helper per construct, each returning
//! `Result<Term, CompileError>`; a construct that is not encoded is an error value, reported
//! by queries as `unknown` with its reason and span — never dropped.
//!
//! | IAM construct | encoding |
//! |---|---|
//! | Action / NotAction | OR of case-insensitive glob atoms on `action` (negated for NotAction) |
//! | Resource / NotResource | glob over the resource structure ([`super::segments`]) |
//! | Principal entries | account/role/user/service tests on the principal structure |
//! | positive operator, key present | OR over policy values |
//! | negated operator, key present | NOR over policy values |
//! | key absent | §3.3 table: IfExists → true; ForAllValues → true; ForAnyValue → false; negated → true; positive → false |
//! | ForAllValues / ForAnyValue on a list | ∀/∃ over the first `count` elements |
//! | `${key}` as a whole condition value | string equality with that key (default value when absent) |
//!
//! Section numbers (§) refer to `docs/semantics.md`, the IAM and Lambda semantics airtight
//! implements.

use super::factory::{self, and, implies, ite, not, or, FALSE, TRUE};
use super::segments::{glob_over, Seg};
use super::symbolic::{Elem, KeySort, KeyVar, KeyView, Symbolic, PK_ROLE, PK_SERVICE};
use super::term::Term;
use crate::condition::{BaseOp, Cmp, CondValue, Family, SetOp};
use crate::eval::PolicySet;
use crate::glob::{Glob, GlobToken};
use crate::policy::{
    arn_shape, Condition, Effect, Matcher, Policy, PolicyKind, PrincipalBlock, PrincipalEntry,
    Statement,
};
use crate::span::Span;
use crate::template::Piece;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    #[error("{what} is not supported by the SMT encoding yet")]
    Unsupported { what: String, span: Span },
}

impl CompileError {
    fn at(what: impl Into<String>, span: Span) -> CompileError {
        CompileError::Unsupported {
            what: what.into(),
            span,
        }
    }

    pub fn span(&self) -> Span {
        match self {
            CompileError::Unsupported { span, .. } => *span,
        }
    }
}

/// The decision of one policy set as terms.
#[derive(Debug, Clone)]
pub struct DecisionTerms {
    pub allow: Term,
    pub explicit_deny: Term,
}

type R<T> = Result<T, CompileError>;

/// Compiles a policy set's decision procedure.
pub fn compile_set(sym: &mut Symbolic, set: &PolicySet) -> R<DecisionTerms> {
    let is_iam = sym.is_iam();
    let root = sym.kind_is(super::symbolic::PK_ROOT);
    // The callers each part describes, as in `eval::evaluate`: the home account's users and
    // roles (the identity side), its root user, and callers of other accounts.
    let same_account_or_none = or([
        factory::matches(
            &mut sym.vars,
            sym.resource_account,
            Glob::literal("", false),
        ),
        factory::str_eq(sym.resource_account, sym.account),
    ]);
    let home = match &set.principal_account {
        Some(a) => factory::matches(&mut sym.vars, sym.account, Glob::literal(a, false)),
        None => same_account_or_none.clone(),
    };
    let in_home = and([is_iam.clone(), home.clone()]);
    let described = and([in_home.clone(), not(root.clone())]);
    let outside = and([is_iam.clone(), not(home)]);
    // The unknown parts of an outside caller's account are free: a described caller's values
    // are irrelevant and fixed to the default, so examples only mention them when they matter.
    let (oi, ol) = (
        factory::var(sym.outside_identity),
        factory::var(sym.outside_limits),
    );
    sym.well_formed
        .push(implies(not(outside.clone()), and([oi.clone(), ol.clone()])));

    let mut denies = Vec::new();
    let mut identity_allows = Vec::new();
    for p in &set.identity {
        let (a, d) = compile_policy(sym, p, PolicyKind::Identity)?;
        identity_allows.push(a);
        denies.push(and([described.clone(), d]));
    }
    let mut limits = Vec::new();
    for (p, kind) in set
        .boundary
        .iter()
        .map(|p| (p, PolicyKind::Boundary))
        .chain(set.session.iter().map(|p| (p, PolicyKind::Session)))
    {
        let (a, d) = compile_policy(sym, p, kind)?;
        limits.push(a);
        denies.push(and([described.clone(), d]));
    }
    let mut scp_levels = Vec::new();
    for level in &set.scps {
        let mut level_allow = Vec::new();
        for p in level {
            let (a, d) = compile_policy(sym, p, PolicyKind::Scp)?;
            level_allow.push(a);
            denies.push(and([in_home.clone(), d]));
        }
        scp_levels.push(or(level_allow));
    }
    let mut rcp_levels = Vec::new();
    for level in &set.rcps {
        let mut level_allow = Vec::new();
        for p in level {
            let (a, d) = compile_policy(sym, p, PolicyKind::Rcp)?;
            level_allow.push(a);
            denies.push(d);
        }
        rcp_levels.push(or(level_allow));
    }
    let (mut g_direct, mut g_role, mut g_account) = (Vec::new(), Vec::new(), Vec::new());
    if let Some(p) = &set.resource {
        for s in &p.statements {
            let core = statement_core(sym, s, p)?;
            let block = s.principal.as_ref().ok_or_else(|| {
                CompileError::at(
                    "a resource-based policy statement without `Principal`",
                    s.span,
                )
            })?;
            let g = principal_grants(sym, block)?;
            match s.effect.value {
                Effect::Deny => denies.push(and([core, g.any()])),
                Effect::Allow => {
                    g_direct.push(and([core.clone(), g.direct]));
                    g_role.push(and([core.clone(), g.role]));
                    g_account.push(and([core, g.account]));
                }
            }
        }
    }
    let (g_direct, g_role, g_account) = (or(g_direct), or(g_role), or(g_account));
    let any_grant = or([g_direct.clone(), g_role.clone(), g_account]);
    let explicit_deny = or(denies);
    let rcp_ok = and(rcp_levels);
    let scp_ok = implies(in_home, and(scp_levels));
    let id_ok = or([
        root.clone(),
        and([described.clone(), or(identity_allows)]),
        and([outside.clone(), oi]),
    ]);
    // Federated-user sessions are not modelled (docs/encoding.md), so "no session policy"
    // always means "not limited".
    let limits_ok = or([root, and([described, and(limits)]), and([outside, ol])]);
    let same_account = and([is_iam.clone(), same_account_or_none]);
    let identity_path = and([id_ok, limits_ok.clone()]);
    let same = or([g_direct, and([g_role, limits_ok]), identity_path.clone()]);
    let cross = and([any_grant.clone(), identity_path]);
    let granted = or([
        and([not(is_iam.clone()), any_grant]),
        and([same_account.clone(), same]),
        and([is_iam, not(same_account), cross]),
    ]);
    let allow = and([not(explicit_deny.clone()), rcp_ok, scp_ok, granted]);
    Ok(DecisionTerms {
        allow,
        explicit_deny,
    })
}

/// (some Allow statement applies, some Deny statement applies) for an identity-side policy,
/// SCP or RCP.
fn compile_policy(sym: &mut Symbolic, p: &Policy, kind: PolicyKind) -> R<(Term, Term)> {
    let (mut allows, mut denies) = (Vec::new(), Vec::new());
    for s in &p.statements {
        let mut t = statement_core(sym, s, p)?;
        if kind == PolicyKind::Rcp {
            if let Some(b) = &s.principal {
                t = and([t, principal_grants(sym, b)?.any()]);
            }
        }
        match s.effect.value {
            Effect::Allow => allows.push(t),
            Effect::Deny => denies.push(t),
        }
    }
    Ok((or(allows), or(denies)))
}

/// Action, resource and condition of a statement (principal excluded).
pub fn statement_core(sym: &mut Symbolic, s: &Statement, _p: &Policy) -> R<Term> {
    let mut parts = Vec::new();
    let hits: Vec<Term> = s
        .action
        .entries
        .iter()
        .map(|g| factory::matches(&mut sym.vars, sym.action, g.value.clone()))
        .collect();
    let hit = or(hits);
    parts.push(if s.action.negated { not(hit) } else { hit });
    if let Some(r) = &s.resource {
        let cases = sym.resource_cases();
        let mut hits = Vec::new();
        for e in &r.entries {
            hits.push(match_template(sym, &cases, &e.value)?);
        }
        let hit = or(hits);
        parts.push(if r.negated { not(hit) } else { hit });
    }
    for c in &s.conditions {
        parts.push(condition(sym, c)?);
    }
    Ok(and(parts))
}

/// A Resource entry over the resource structure.
fn match_template(sym: &mut Symbolic, cases: &[(Term, Vec<Seg>)], m: &Matcher) -> R<Term> {
    match &m.glob {
        Some(g) => Ok(sym.cases_match(cases, g)),
        None => abstract_template(sym, "resource", cases, m),
    }
}

/// A pattern with a policy variable inside (`arn:aws:iam::*:user/${aws:username}`), which the
/// class encoding cannot express exactly, is replaced by a boolean atom shared by every
/// occurrence of the same test, constrained by what the real test implies: every variable
/// resolves (present or defaulted) and the subject matches the pattern with the variables
/// widened to `*`. This over-approximates the real test, so an unsat answer is still a proof;
/// a model that the evaluator does not confirm makes the query `unknown` (see `search`).
fn abstract_template(
    sym: &mut Symbolic,
    subject: &str,
    cases: &[(Term, Vec<Seg>)],
    m: &Matcher,
) -> R<Term> {
    let key = format!("{subject} ~ {}", m.template);
    if let Some(b) = sym.abstractions.get(&key) {
        return Ok(factory::var(*b));
    }
    let atom = sym.vars.new_bool(&key);
    sym.abstractions.insert(key, atom);
    let widened: Vec<GlobToken> = m
        .template
        .pieces
        .iter()
        .map(|p| match p {
            Piece::Char(c) => GlobToken::Char(*c),
            Piece::Wild(t) => *t,
            Piece::Var(_) => GlobToken::AnyRun,
        })
        .collect();
    let widened = Glob::from_tokens(widened, m.template.case_insensitive);
    let mut implied = vec![sym.cases_match(cases, &widened)];
    for v in m.template.variables() {
        if v.default.is_none() {
            implied.push(sym.key_present(&v.key));
        }
    }
    let implied = and(implied);
    sym.well_formed.push(implies(factory::var(atom), implied));
    Ok(factory::var(atom))
}

/// The three kinds of grant a principal block gives (§5.3 step 5).
struct Grants {
    direct: Term,
    role: Term,
    account: Term,
}

impl Grants {
    fn any(&self) -> Term {
        or([self.direct.clone(), self.role.clone(), self.account.clone()])
    }
}

fn principal_grants(sym: &mut Symbolic, block: &PrincipalBlock) -> R<Grants> {
    let (mut direct, mut role, mut account) = (Vec::new(), Vec::new(), Vec::new());
    for e in &block.entries {
        match &e.value {
            PrincipalEntry::Everyone => direct.push(TRUE),
            PrincipalEntry::Account(id) => {
                let m = factory::matches(&mut sym.vars, sym.account, Glob::literal(id, false));
                account.push(and([sym.is_iam(), m]));
            }
            PrincipalEntry::Arn(arn) => {
                let parsed = crate::arn::Arn::parse(arn);
                match parsed {
                    Some(a) if a.service == "sts" => {
                        return Err(CompileError::at(
                            format!("the session principal `{arn}`"),
                            e.span,
                        ))
                    }
                    Some(crate::arn::Arn {
                        service: "iam",
                        account: acct,
                        resource: rest,
                        ..
                    }) if rest.starts_with("role/") => {
                        let path = &rest["role/".len()..];
                        let acct_m = factory::matches(
                            &mut sym.vars,
                            sym.account,
                            Glob::literal(acct, false),
                        );
                        // A role is named by its whole ARN, path included (§5.7).
                        let exact = factory::matches(
                            &mut sym.vars,
                            sym.role_path,
                            Glob::literal(path, false),
                        );
                        role.push(and([sym.kind_is(PK_ROLE), acct_m, exact]));
                    }
                    _ => {
                        let cases = sym.principal_cases();
                        let eq = sym.cases_match(&cases, &Glob::literal(arn, false));
                        direct.push(and([not(sym.kind_is(PK_ROLE)), eq]));
                    }
                }
            }
            PrincipalEntry::Service(name) => {
                let m = factory::matches(&mut sym.vars, sym.service, Glob::literal(name, false));
                direct.push(and([sym.kind_is(PK_SERVICE), m]));
            }
            PrincipalEntry::Federated(_) | PrincipalEntry::CanonicalUser(_) => {}
        }
    }
    let g = Grants {
        direct: or(direct),
        role: or(role),
        account: or(account),
    };
    if block.negated {
        return Ok(Grants {
            direct: not(g.any()),
            role: FALSE,
            account: FALSE,
        });
    }
    Ok(g)
}

fn condition(sym: &mut Symbolic, c: &Condition) -> R<Term> {
    let view = sym.key_view(&c.key.name).ok_or_else(|| {
        CompileError::at(format!("condition key `{}`", c.key.written), c.key.span)
    })?;
    let negated = c.op.base.is_negated();
    let absent = if c.op.if_exists {
        TRUE
    } else {
        match c.op.set {
            Some(SetOp::ForAllValues) => TRUE,
            Some(SetOp::ForAnyValue) => FALSE,
            None => factory::constant(negated),
        }
    };
    match view {
        KeyView::Derived(cases) => {
            let present = or(cases.iter().map(|(g, _)| g.clone()).collect::<Vec<_>>());
            if c.op.base == BaseOp::Null {
                return Ok(null_test(c, present));
            }
            let mut when = Vec::new();
            for (guard, segs) in &cases {
                let t = single_test_segs(sym, c, segs)?;
                when.push(and([guard.clone(), t]));
            }
            Ok(ite(present, or(when), absent))
        }
        KeyView::Plain(name) => {
            let Some(key) = sym.keys.get(&name).cloned() else {
                return Err(CompileError::at(
                    format!("condition key `{}`", c.key.written),
                    c.key.span,
                ));
            };
            let present = factory::var(key.present);
            if c.op.base == BaseOp::Null {
                return Ok(null_test(c, present));
            }
            let body = match (c.op.set, key.count) {
                (None, Some(_)) => FALSE,
                (_, None) => elem_test(sym, c, &key.elems[0], &key)?,
                (Some(set), Some(count)) => {
                    let mut items = Vec::new();
                    for (i, e) in key.elems.iter().enumerate() {
                        let inside = factory::int_cmp(&sym.vars, count, Cmp::Gt, i as i128);
                        let t = elem_test(sym, c, e, &key)?;
                        items.push(match set {
                            SetOp::ForAllValues => implies(inside, t),
                            SetOp::ForAnyValue => and([inside, t]),
                        });
                    }
                    match set {
                        SetOp::ForAllValues => and(items),
                        SetOp::ForAnyValue => or(items),
                    }
                }
            };
            Ok(ite(present, body, absent))
        }
    }
}

fn null_test(c: &Condition, present: Term) -> Term {
    or(c.values
        .iter()
        .filter_map(|v| match v.value {
            CondValue::Null(want_absent) => Some(if want_absent {
                not(present.clone())
            } else {
                present.clone()
            }),
            _ => None,
        })
        .collect::<Vec<_>>())
}

/// The single-value test on one element `e` of the plain key `key`.
fn elem_test(sym: &mut Symbolic, c: &Condition, e: &Elem, key: &KeyVar) -> R<Term> {
    let ty = key.ty;
    let family = c.op.base.family();
    let negated = c.op.base.is_negated();
    let wrong = || {
        CompileError::at(
            format!(
                "`{}` on `{}`, which other conditions use with another type",
                c.op.name(),
                c.key.written
            ),
            c.op_span,
        )
    };
    let any = match (family, e) {
        (Family::String | Family::Arn, Elem::Str(v)) => {
            return single_test_segs(sym, c, &[Seg::Var(*v)])
        }
        (Family::Numeric, Elem::Int(v)) => {
            if ty != KeySort::Num {
                return Err(wrong());
            }
            // A literal is compared through its class: exact, whatever its size (`numbers`).
            let mut any = Vec::new();
            for p in &c.values {
                let CondValue::Number(d) = &p.value else {
                    continue;
                };
                let class = key.numbers.literal_class(d).ok_or_else(|| {
                    CompileError::at(
                        format!(
                            "the number `{d}` of a policy the symbolic request was not built from"
                        ),
                        p.span,
                    )
                })?;
                any.push(factory::int_cmp(&sym.vars, *v, c.op.base.cmp(), class));
            }
            or(any)
        }
        (Family::Date, Elem::Int(v)) if ty == KeySort::Date => or(c
            .values
            .iter()
            .filter_map(|p| match &p.value {
                CondValue::Date(ms) => Some(factory::int_cmp(
                    &sym.vars,
                    *v,
                    c.op.base.cmp(),
                    i128::from(*ms),
                )),
                _ => None,
            })
            .collect::<Vec<_>>()),
        (Family::Bool, Elem::Bool(b)) => or(c
            .values
            .iter()
            .filter_map(|p| match &p.value {
                CondValue::Bool(true) => Some(factory::var(*b)),
                CondValue::Bool(false) => Some(not(factory::var(*b))),
                _ => None,
            })
            .collect::<Vec<_>>()),
        (Family::Ip, Elem::Ip(v6, addr)) => or(c
            .values
            .iter()
            .filter_map(|p| match &p.value {
                CondValue::Ip(cidr) => {
                    let (lo, hi) = cidr.range();
                    let fam = if cidr.v6 {
                        factory::var(*v6)
                    } else {
                        not(factory::var(*v6))
                    };
                    Some(and([
                        fam,
                        factory::int_cmp(&sym.vars, *addr, Cmp::Ge, super::symbolic::ip_enc(lo)),
                        factory::int_cmp(&sym.vars, *addr, Cmp::Le, super::symbolic::ip_enc(hi)),
                    ]))
                }
                _ => None,
            })
            .collect::<Vec<_>>()),
        (Family::Binary, _) => return Err(CompileError::at("`BinaryEquals`", c.op_span)),
        _ => return Err(wrong()),
    };
    Ok(if negated { not(any) } else { any })
}

/// The single-value test for a string-valued element given as segments.
fn single_test_segs(sym: &mut Symbolic, c: &Condition, segs: &[Seg]) -> R<Term> {
    let family = c.op.base.family();
    if !matches!(family, Family::String | Family::Arn) {
        // A typed operator on a derived key: only constant values can be decided here.
        return match segs {
            [Seg::Const(v)] => crate::eval::single_test_constant(c, v)
                .map(factory::constant)
                .ok_or_else(|| {
                    CompileError::at(
                        format!("`{}` with a policy variable", c.op.name()),
                        c.op_span,
                    )
                }),
            _ => Err(CompileError::at(
                format!("`{}` on `{}`", c.op.name(), c.key.written),
                c.op_span,
            )),
        };
    }
    let mut any = Vec::new();
    let mut matchers = c.matchers.iter();
    for v in &c.values {
        let CondValue::Pattern(_) = &v.value else {
            continue;
        };
        let Some(m) = matchers.next() else { continue };
        any.push(match &m.glob {
            Some(g) => glob_over(&mut sym.vars, segs, g),
            None => match variable_equality(sym, c, m, segs, v.span) {
                Ok(t) => t,
                Err(_) if !m.template.case_insensitive => {
                    let names: Vec<&str> = segs
                        .iter()
                        .filter_map(|s| match s {
                            Seg::Var(v) => Some(sym.vars.str_info(*v).name.as_str()),
                            Seg::Const(_) => None,
                        })
                        .collect();
                    let subject = names.join("+");
                    abstract_template(sym, &subject, &[(TRUE, segs.to_vec())], m)?
                }
                Err(e) => return Err(e),
            },
        });
    }
    let any = or(any);
    let shape = if family == Family::Arn {
        glob_over(&mut sym.vars, segs, &arn_shape())
    } else {
        TRUE
    };
    Ok(if c.op.base.is_negated() {
        and([shape, not(any)])
    } else {
        and([shape, any])
    })
}

/// A condition value that is exactly one policy variable (`${aws:PrincipalTag/team}`, with
/// or without a default): equality with that key's value.
fn variable_equality(
    sym: &mut Symbolic,
    c: &Condition,
    m: &Matcher,
    segs: &[Seg],
    span: Span,
) -> R<Term> {
    let [Piece::Var(pv)] = m.template.pieces.as_slice() else {
        return Err(CompileError::at(
            "a policy variable inside a larger condition value",
            span,
        ));
    };
    if m.template.case_insensitive {
        return Err(CompileError::at(
            "a policy variable in an IgnoreCase operator",
            span,
        ));
    }
    let [Seg::Var(x)] = segs else {
        return Err(CompileError::at(
            format!("a policy variable compared with `{}`", c.key.written),
            span,
        ));
    };
    let view = sym
        .key_view(&pv.key)
        .ok_or_else(|| CompileError::at(format!("the policy variable `{}`", pv.written), span))?;
    let (present, eq) = match view {
        KeyView::Plain(name) => {
            let key = sym.keys.get(&name).cloned().ok_or_else(|| {
                CompileError::at(format!("the policy variable `{}`", pv.written), span)
            })?;
            match (&key.count, key.elems.first()) {
                (None, Some(Elem::Str(y))) => (factory::var(key.present), factory::str_eq(*x, *y)),
                _ => {
                    return Err(CompileError::at(
                        format!(
                            "the policy variable `{}` (not a single-valued string key)",
                            pv.written
                        ),
                        span,
                    ))
                }
            }
        }
        KeyView::Derived(cases) => {
            let mut eqs = Vec::new();
            for (guard, vsegs) in &cases {
                let eq = match vsegs.as_slice() {
                    [Seg::Var(y)] => factory::str_eq(*x, *y),
                    [Seg::Const(k)] => factory::matches(&mut sym.vars, *x, Glob::literal(k, false)),
                    _ => {
                        return Err(CompileError::at(
                            format!("the policy variable `{}`", pv.written),
                            span,
                        ))
                    }
                };
                eqs.push(and([guard.clone(), eq]));
            }
            (
                or(cases.iter().map(|(g, _)| g.clone()).collect::<Vec<_>>()),
                or(eqs),
            )
        }
    };
    let fallback = match &pv.default {
        Some(d) => factory::matches(&mut sym.vars, *x, Glob::literal(d, false)),
        None => FALSE,
    };
    Ok(ite(present, eq, fallback))
}

/// The context key `key` (lower-cased) is present with the single value `value`. A key the
/// policies never mention is unconstrained (callers add it to the decoded request).
pub fn key_equals(sym: &mut Symbolic, key: &str, value: &str) -> Term {
    match sym.key_view(key) {
        None => TRUE,
        Some(KeyView::Derived(cases)) => sym.cases_match(&cases, &Glob::literal(value, false)),
        Some(KeyView::Plain(name)) => {
            let Some(k) = sym.keys.get(&name).cloned() else {
                return TRUE;
            };
            if k.count.is_some() {
                // A multivalued key never holds a single value.
                return FALSE;
            }
            let v = KeyVarView {
                name: &name,
                elem: &k.elems[0],
                ty: k.ty,
            }
            .equals(sym, value);
            and([factory::var(k.present), v])
        }
    }
}

/// A term true exactly for the given concrete request: principal, action, resource,
/// resource account and every modelled context key fixed to its values. Used to hold the
/// encoding and the evaluator together in tests, and by `can` for fixed values.
pub fn request_is(sym: &mut Symbolic, request: &crate::request::Request) -> Term {
    use crate::request::ContextValue;
    let mut parts = Vec::new();
    parts.push(factory::matches(
        &mut sym.vars,
        sym.action,
        Glob::literal(&request.action, false),
    ));
    let cases = sym.resource_cases();
    parts.push(sym.cases_match(&cases, &Glob::literal(&request.resource, false)));
    let cases = sym.principal_cases();
    parts.push(sym.cases_match(&cases, &Glob::literal(&request.principal, false)));
    parts.push(factory::matches(
        &mut sym.vars,
        sym.resource_account,
        Glob::literal(&request.resource_account, false),
    ));
    for (var, value) in [
        (sym.outside_identity, request.outside.identity_allows),
        (sym.outside_limits, request.outside.limits_allow),
    ] {
        let v = factory::var(var);
        parts.push(if value { v } else { not(v) });
    }
    let names: Vec<String> = sym.keys.keys().cloned().collect();
    for name in names {
        let Some(key) = sym.keys.get(&name).cloned() else {
            continue;
        };
        match request.context.get(&name).map(|e| &e.value) {
            None => parts.push(not(factory::var(key.present))),
            Some(ContextValue::Single(v)) if key.count.is_none() => {
                parts.push(key_equals(sym, &name, v))
            }
            Some(ContextValue::Multi(vs)) if key.count.is_some() && vs.len() <= key.elems.len() => {
                let Some(count) = key.count else { continue };
                parts.push(factory::var(key.present));
                parts.push(factory::int_eq(&sym.vars, count, vs.len() as i128));
                for (e, v) in key.elems.iter().zip(vs) {
                    let single = KeyVarView {
                        name: &name,
                        elem: e,
                        ty: key.ty,
                    };
                    parts.push(single.equals(sym, v));
                }
            }
            // A shape the model does not have (a list for a single-valued key, …).
            Some(_) => parts.push(FALSE),
        }
    }
    and(parts)
}

/// One element of the plain key `name`.
struct KeyVarView<'a> {
    name: &'a str,
    elem: &'a Elem,
    ty: KeySort,
}

impl KeyVarView<'_> {
    /// The element holds `value` (false for a value the key's type cannot read).
    fn equals(&self, sym: &mut Symbolic, value: &str) -> Term {
        match (self.elem, self.ty) {
            (Elem::Str(x), _) => factory::matches(&mut sym.vars, *x, Glob::literal(value, false)),
            (Elem::Int(x), KeySort::Num) => {
                // The value's class; decoding that class gives back `value` as written.
                let class = sym
                    .keys
                    .get_mut(self.name)
                    .and_then(|k| k.numbers.prefer(value));
                match class {
                    Some(class) => factory::int_eq(&sym.vars, *x, class),
                    None => FALSE,
                }
            }
            (Elem::Int(x), _) => crate::condition::parse_date(value)
                .map(|ms| factory::int_eq(&sym.vars, *x, i128::from(ms)))
                .unwrap_or(FALSE),
            (Elem::Bool(b), _) => match crate::condition::parse_bool(value) {
                Some(true) => factory::var(*b),
                Some(false) => not(factory::var(*b)),
                None => FALSE,
            },
            (Elem::Ip(v6, addr), _) => match crate::condition::parse_ip(value) {
                Some((is6, bits, _)) => and([
                    if is6 {
                        factory::var(*v6)
                    } else {
                        not(factory::var(*v6))
                    },
                    factory::int_eq(&sym.vars, *addr, super::symbolic::ip_enc(bits)),
                ]),
                None => FALSE,
            },
        }
    }
}
