//! The symbolic request: every request the analysis ranges over, as variables.
//!
//! | request part | encoding |
//! |---|---|
//! | principal | kind ∈ {root, role, user, service, anonymous} (an int) and string components: `arn:aws:iam::{account}:root`, `…:role/{role_path}`, `…:user/{user_path}{user_name}`, `{service}`, `anonymous` |
//! | action | one string, matched by case-insensitive globs, of the form `?*:?*` |
//! | resource | kind ∈ {`*`, ARN}; an ARN is `arn:{partition}:{service}:{region}:{account}:{rest}` with colon-free components |
//! | resource_account | a string, equal to the ARN's account component when that is non-empty |
//! | context key of type String/ARN | presence flag + string (a list of `n ≤ N` strings when multivalued) |
//! | Numeric | presence + the index of its class among those the policies' literals for that key cut the numbers into ([`super::numbers`]) |
//! | Date | presence + integer milliseconds since the epoch |
//! | Bool | presence + boolean |
//! | IP | presence + (is-IPv6 flag, integer address) |
//!
//! Keys the evaluator derives (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:ResourceAccount`,
//! …) are not variables: they are views of the principal and resource structure, so the two
//! can never disagree. What the model leaves out is listed in `docs/encoding.md`.

use std::collections::BTreeMap;

use super::factory::{self, and, not, or, FALSE};
use super::numbers::NumberLine;
use super::segments::{glob_over, Seg};
use super::term::{BoolVar, IntVar, StrVar, Term, Vars};
use crate::condition::{Family, SetOp};
use crate::decimal::Decimal;
use crate::eval::PolicySet;
use crate::glob::{Glob, GlobToken};
use crate::partition::Domain;
use crate::policy::Policy;
use crate::service_data::ServiceData;

pub const PK_ROOT: i128 = 0;
pub const PK_ROLE: i128 = 1;
pub const PK_USER: i128 = 2;
pub const PK_SERVICE: i128 = 3;
pub const PK_ANONYMOUS: i128 = 4;
pub const RK_STAR: i128 = 0;
pub const RK_ARN: i128 = 1;

/// The sort a context key's values are modelled with (not to be confused with the service
/// data's [`crate::service_data::KeyType`], the type AWS documents for the key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySort {
    Str,
    /// A class of numbers ([`KeyVar::numbers`]).
    Num,
    Date,
    Bool,
    Ip,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Elem {
    Str(StrVar),
    Int(IntVar),
    Bool(BoolVar),
    Ip(BoolVar, IntVar),
}

/// A plain (non-derived) context key.
#[derive(Debug, Clone)]
pub struct KeyVar {
    pub written: String,
    pub ty: KeySort,
    pub present: BoolVar,
    /// `Some(n)` for a multivalued key: the list holds `elems[..n]`.
    pub count: Option<IntVar>,
    pub elems: Vec<Elem>,
    /// For a numeric key: the classes its literals cut the numbers into (empty otherwise).
    pub numbers: NumberLine,
}

#[derive(Debug, Clone)]
pub struct Symbolic {
    pub vars: Vars,
    pub principal_kind: IntVar,
    pub account: StrVar,
    pub role_path: StrVar,
    pub user_path: StrVar,
    pub user_name: StrVar,
    pub service: StrVar,
    pub action: StrVar,
    pub resource_kind: IntVar,
    pub partition: StrVar,
    pub resource_service: StrVar,
    pub region: StrVar,
    pub resource_arn_account: StrVar,
    pub resource_rest: StrVar,
    pub resource_account: StrVar,
    pub keys: BTreeMap<String, KeyVar>,
    /// Constraints every modelled request satisfies.
    pub well_formed: Vec<Term>,
    /// Abstraction atoms for patterns with a policy variable inside (see
    /// `compile::abstract_template`), keyed by what they test; shared by both sides of a query.
    pub abstractions: BTreeMap<String, BoolVar>,
    /// Whether the Lambda request model applies (`lambda_model`): Lambda actions are in play.
    pub lambda: bool,
    /// For a caller of an account the policies do not describe: its own account's identity
    /// side allows the request ([`crate::request::OutsideCaller::identity_allows`]).
    pub outside_identity: BoolVar,
    /// … and its boundary and session policy do ([`crate::request::OutsideCaller::limits_allow`]).
    pub outside_limits: BoolVar,
}

/// How the policies use one key.
#[derive(Debug, Default, Clone)]
struct Usage {
    written: String,
    families: Vec<Family>,
    set_ops: usize,
    numbers: Vec<Decimal>,
    as_variable: bool,
}

fn colon_free(min_len: usize) -> Domain {
    Domain {
        forbidden: vec![':'],
        min_len,
    }
}

fn lit(text: &str) -> Glob {
    Glob::literal(text, false)
}

impl Symbolic {
    /// Builds the variables of a request for everything the given policy sets mention, with
    /// the well-formedness every request has. What restricts the requests further (the
    /// service models, who the callers are) is added by [`super::universe::universe`].
    pub fn new(sets: &[&PolicySet]) -> Symbolic {
        let mut vars = Vars::default();
        let principal_kind = vars.new_int("principal.kind", PK_ROOT, PK_ANONYMOUS);
        let account = vars.new_str("principal.account", colon_free(1));
        let role_path = vars.new_str("principal.role", colon_free(1));
        let user_path = vars.new_str("principal.user_path", colon_free(0));
        let user_name = vars.new_str(
            "principal.user_name",
            Domain {
                forbidden: vec![':', '/'],
                min_len: 1,
            },
        );
        let service = vars.new_str("principal.service", colon_free(1));
        let action = vars.new_str(
            "action",
            Domain {
                forbidden: vec![],
                min_len: 3,
            },
        );
        let resource_kind = vars.new_int("resource.kind", RK_STAR, RK_ARN);
        let partition = vars.new_str("resource.partition", colon_free(1));
        let resource_service = vars.new_str("resource.service", colon_free(1));
        let region = vars.new_str("resource.region", colon_free(0));
        let resource_arn_account = vars.new_str("resource.account", colon_free(0));
        let resource_rest = vars.new_str(
            "resource.rest",
            Domain {
                forbidden: vec![],
                min_len: 1,
            },
        );
        let resource_account = vars.new_str("resource_account", colon_free(0));
        for (v, c) in [
            (account, "123456789012"),
            (role_path, "app"),
            (user_name, "alice"),
            (service, "s3.amazonaws.com"),
            (partition, "aws"),
            (resource_service, "lambda"),
            (region, "us-east-1"),
            (resource_arn_account, "123456789012"),
            (resource_account, "123456789012"),
            (resource_rest, "function:my-function"),
            (action, "lambda:InvokeFunction"),
        ] {
            vars.add_candidate(v, c);
        }
        let outside_identity = vars.new_bool("outside.identity_allows");
        let outside_limits = vars.new_bool("outside.limits_allow");
        let mut sym = Symbolic {
            vars,
            principal_kind,
            account,
            role_path,
            user_path,
            user_name,
            service,
            action,
            resource_kind,
            partition,
            resource_service,
            region,
            resource_arn_account,
            resource_rest,
            resource_account,
            keys: BTreeMap::new(),
            well_formed: Vec::new(),
            abstractions: BTreeMap::new(),
            lambda: false,
            outside_identity,
            outside_limits,
        };
        let mut usage: BTreeMap<String, Usage> = BTreeMap::new();
        for set in sets {
            for (_, p) in set.policies() {
                collect_usage(p, &mut usage);
            }
        }
        for (name, u) in usage {
            if crate::request::DERIVED_KEYS.contains(&name.as_str()) {
                continue;
            }
            sym.add_key(&name, &u);
        }
        sym.add_well_formedness();
        sym
    }

    fn add_key(&mut self, name: &str, u: &Usage) {
        let typed: Vec<Family> = u
            .families
            .iter()
            .copied()
            .filter(|f| !matches!(f, Family::Null))
            .collect();
        let ty = if typed
            .iter()
            .all(|f| matches!(f, Family::String | Family::Arn))
            || u.as_variable
        {
            KeySort::Str
        } else if typed.iter().all(|f| *f == Family::Numeric) {
            KeySort::Num
        } else if typed.iter().all(|f| *f == Family::Date) {
            KeySort::Date
        } else if typed.iter().all(|f| *f == Family::Bool) {
            KeySort::Bool
        } else if typed.iter().all(|f| *f == Family::Ip) {
            KeySort::Ip
        } else {
            // Mixed families (or Binary): modelled as a string; the compiler rejects the
            // operators it cannot encode on it, so nothing is silently dropped.
            KeySort::Str
        };
        // The service data says which keys are lists (ArrayOf… in the Service Authorization
        // Reference); a key it does not know is a list when the policies use set operators
        // on it.
        let multi = match ServiceData::get().condition_key(name) {
            Some(info) => info.multivalued,
            None => u.set_ops > 0 && !u.as_variable,
        };
        let n = if multi { u.set_ops.max(1) } else { 1 };
        let numbers = if ty == KeySort::Num {
            NumberLine::new(u.numbers.iter().cloned())
        } else {
            NumberLine::default()
        };
        let present = self.vars.new_bool(&format!("{name}.present"));
        let count = multi.then(|| self.vars.new_int(&format!("{name}.count"), 0, n as i128));
        let mut elems = Vec::new();
        for i in 0..n {
            let label = if multi {
                format!("{name}[{i}]")
            } else {
                name.to_string()
            };
            elems.push(match ty {
                KeySort::Str => Elem::Str(self.vars.new_str(
                    &label,
                    Domain {
                        forbidden: vec![],
                        min_len: 0,
                    },
                )),
                KeySort::Num => Elem::Int(self.vars.new_int(&label, 0, numbers.classes() - 1)),
                KeySort::Date => Elem::Int(self.vars.new_int(
                    &label,
                    -62_135_596_800_000,
                    253_402_300_799_999,
                )),
                KeySort::Bool => Elem::Bool(self.vars.new_bool(&label)),
                KeySort::Ip => Elem::Ip(
                    self.vars.new_bool(&format!("{label}.v6")),
                    self.vars.new_int(&label, i128::MIN, i128::MAX),
                ),
            });
        }
        if name == "lambda:sourcefunctionarn" {
            // Lambda sets it to the *unqualified* ARN of the calling function (docs/semantics.md §7.6).
            if let Some(Elem::Str(v)) = elems.first() {
                let function = factory::matches(
                    &mut self.vars,
                    *v,
                    crate::policy::arn_template("arn:*:lambda:*:*:function:*", false)
                        .0
                        .to_glob()
                        .unwrap_or_else(Glob::any),
                );
                let qualified = factory::matches(
                    &mut self.vars,
                    *v,
                    crate::policy::arn_template("arn:*:lambda:*:*:function:*:*", false)
                        .0
                        .to_glob()
                        .unwrap_or_else(Glob::any),
                );
                self.well_formed.push(and([function, not(qualified)]));
            }
        }
        for e in &elems {
            if let (Elem::Int(v), KeySort::Num) = (e, ty) {
                for empty in numbers.empty_classes() {
                    let excluded = not(factory::int_eq(&self.vars, *v, empty));
                    self.well_formed.push(excluded);
                }
            }
            if let Elem::Ip(v6, addr) = e {
                let v4_max = ip_enc(u128::from(u32::MAX));
                let in_v4 = factory::int_cmp(&self.vars, *addr, crate::condition::Cmp::Le, v4_max);
                self.well_formed.push(or([factory::var(*v6), in_v4]));
            }
        }
        self.keys.insert(
            name.to_string(),
            KeyVar {
                written: u.written.clone(),
                ty,
                present,
                count,
                elems,
                numbers,
            },
        );
    }

    fn add_well_formedness(&mut self) {
        let pk = self.principal_kind;
        let mut wf = Vec::new();
        // Principal components.
        let is_user = factory::int_eq(&self.vars, pk, PK_USER);
        let user_path_ok = or([
            factory::matches(&mut self.vars, self.user_path, lit("")),
            factory::matches(&mut self.vars, self.user_path, Glob::wildcard("*/", false)),
        ]);
        wf.push(factory::implies(is_user, user_path_ok));
        let not_anonymous = not(factory::matches(
            &mut self.vars,
            self.service,
            lit("anonymous"),
        ));
        let not_star = not(factory::matches(&mut self.vars, self.service, lit("*")));
        wf.push(and([not_anonymous, not_star]));
        // Action: `service:name`.
        wf.push(factory::matches(
            &mut self.vars,
            self.action,
            Glob::wildcard("?*:?*", true),
        ));
        // resource_account agrees with the ARN's account component when that is non-empty.
        let is_arn = factory::int_eq(&self.vars, self.resource_kind, RK_ARN);
        let arn_account_empty =
            factory::matches(&mut self.vars, self.resource_arn_account, lit(""));
        wf.push(factory::implies(
            and([is_arn, not(arn_account_empty)]),
            factory::str_eq(self.resource_account, self.resource_arn_account),
        ));
        // Domains (colon-free components, non-empty names) as glob constraints.
        for i in 0..self.vars.strs.len() {
            let v = StrVar(i as u32);
            let domain = self.vars.strs[i].domain.clone();
            for c in &domain.forbidden {
                let g = Glob::from_tokens(
                    vec![GlobToken::AnyRun, GlobToken::Char(*c), GlobToken::AnyRun],
                    false,
                );
                wf.push(not(factory::matches(&mut self.vars, v, g)));
            }
            if domain.min_len > 0 {
                let mut tokens = vec![GlobToken::AnyChar; domain.min_len];
                tokens.push(GlobToken::AnyRun);
                wf.push(factory::matches(
                    &mut self.vars,
                    v,
                    Glob::from_tokens(tokens, false),
                ));
            }
        }
        self.well_formed.extend(wf);
    }

    /// How a condition key is seen in this request: a plain variable, or a view of the
    /// principal and resource structure (cases of guard and segments).
    pub fn key_view(&mut self, key: &str) -> Option<KeyView> {
        let c = |s: &str| vec![Seg::Const(s.into())];
        let cases = match key {
            "aws:principalarn" => self.principal_arn_cases(),
            "aws:principalaccount" => vec![
                (self.is_iam(), vec![Seg::Var(self.account)]),
                (self.kind_is(PK_ANONYMOUS), c("anonymous")),
            ],
            "aws:principaltype" => vec![
                (self.kind_is(PK_ROOT), c("Account")),
                (self.kind_is(PK_ROLE), c("AssumedRole")),
                (self.kind_is(PK_USER), c("User")),
                (self.kind_is(PK_ANONYMOUS), c("Anonymous")),
            ],
            "aws:principalisawsservice" => vec![
                (self.is_iam(), c("false")),
                (self.kind_is(PK_SERVICE), c("true")),
            ],
            "aws:principalservicename" => {
                vec![(self.kind_is(PK_SERVICE), vec![Seg::Var(self.service)])]
            }
            "aws:username" => vec![(self.kind_is(PK_USER), vec![Seg::Var(self.user_name)])],
            "aws:resourceaccount" => {
                let nonempty = factory::matches(
                    &mut self.vars,
                    self.resource_account,
                    Glob::wildcard("?*", false),
                );
                vec![(nonempty, vec![Seg::Var(self.resource_account)])]
            }
            _ => {
                return self
                    .keys
                    .contains_key(key)
                    .then(|| KeyView::Plain(key.to_string()))
            }
        };
        Some(KeyView::Derived(cases))
    }

    /// The context key `key` (lower-cased) is present.
    pub fn key_present(&mut self, key: &str) -> Term {
        match self.key_view(key) {
            None => FALSE,
            Some(KeyView::Derived(cases)) => {
                or(cases.into_iter().map(|(g, _)| g).collect::<Vec<_>>())
            }
            Some(KeyView::Plain(name)) => self
                .keys
                .get(&name)
                .map(|k| factory::var(k.present))
                .unwrap_or(FALSE),
        }
    }

    pub fn is_iam(&self) -> Term {
        factory::int_cmp(
            &self.vars,
            self.principal_kind,
            crate::condition::Cmp::Le,
            PK_USER,
        )
    }

    pub fn kind_is(&self, k: i128) -> Term {
        factory::int_eq(&self.vars, self.principal_kind, k)
    }

    /// The principal's IAM ARN, per principal kind (guard, segments).
    pub fn principal_arn_cases(&self) -> Vec<(Term, Vec<Seg>)> {
        let head = || Seg::Const("arn:aws:iam::".into());
        vec![
            (
                self.kind_is(PK_ROOT),
                vec![head(), Seg::Var(self.account), Seg::Const(":root".into())],
            ),
            (
                self.kind_is(PK_ROLE),
                vec![
                    head(),
                    Seg::Var(self.account),
                    Seg::Const(":role/".into()),
                    Seg::Var(self.role_path),
                ],
            ),
            (
                self.kind_is(PK_USER),
                vec![
                    head(),
                    Seg::Var(self.account),
                    Seg::Const(":user/".into()),
                    Seg::Var(self.user_path),
                    Seg::Var(self.user_name),
                ],
            ),
        ]
    }

    /// The principal string of the request contract, per principal kind.
    pub fn principal_cases(&self) -> Vec<(Term, Vec<Seg>)> {
        let mut cases = self.principal_arn_cases();
        cases.push((self.kind_is(PK_SERVICE), vec![Seg::Var(self.service)]));
        cases.push((
            self.kind_is(PK_ANONYMOUS),
            vec![Seg::Const("anonymous".into())],
        ));
        cases
    }

    pub fn resource_cases(&self) -> Vec<(Term, Vec<Seg>)> {
        let c = |s: &str| Seg::Const(s.into());
        vec![
            (
                factory::int_eq(&self.vars, self.resource_kind, RK_STAR),
                vec![c("*")],
            ),
            (
                factory::int_eq(&self.vars, self.resource_kind, RK_ARN),
                vec![
                    c("arn:"),
                    Seg::Var(self.partition),
                    c(":"),
                    Seg::Var(self.resource_service),
                    c(":"),
                    Seg::Var(self.region),
                    c(":"),
                    Seg::Var(self.resource_arn_account),
                    c(":"),
                    Seg::Var(self.resource_rest),
                ],
            ),
        ]
    }

    /// Cases (guard, segments) matching a glob.
    pub fn cases_match(&mut self, cases: &[(Term, Vec<Seg>)], glob: &Glob) -> Term {
        let mut alts = Vec::new();
        for (guard, segs) in cases {
            let m = glob_over(&mut self.vars, segs, glob);
            alts.push(and([guard.clone(), m]));
        }
        or(alts)
    }
}

fn collect_usage(policy: &Policy, usage: &mut BTreeMap<String, Usage>) {
    let note_var = |key: &str, written: &str, usage: &mut BTreeMap<String, Usage>| {
        let u = usage.entry(key.to_string()).or_default();
        if u.written.is_empty() {
            u.written = written.to_string();
        }
        u.as_variable = true;
    };
    for s in &policy.statements {
        if let Some(r) = &s.resource {
            for e in &r.entries {
                for v in e.value.template.variables() {
                    note_var(&v.key, &v.written, usage);
                }
            }
        }
        for c in &s.conditions {
            for m in &c.matchers {
                for v in m.template.variables() {
                    note_var(&v.key, &v.written, usage);
                }
            }
            let u = usage.entry(c.key.name.clone()).or_default();
            if u.written.is_empty()
                || u.written.to_ascii_lowercase() == u.written && c.key.written != u.written
            {
                u.written = c.key.written.clone();
            }
            let fam = c.op.base.family();
            if !u.families.contains(&fam) {
                u.families.push(fam);
            }
            if c.op.set.is_some() && fam != Family::Null {
                u.set_ops += match c.op.set {
                    Some(SetOp::ForAllValues) | Some(SetOp::ForAnyValue) => 1,
                    None => 0,
                };
            }
            for v in &c.values {
                if let crate::condition::CondValue::Number(d) = &v.value {
                    u.numbers.push(d.clone());
                }
            }
        }
    }
}

/// What a condition key is, symbolically.
pub enum KeyView {
    /// A plain context key.
    Plain(String),
    /// A key derived from the principal/resource: cases (guard, value segments).
    Derived(Vec<(Term, Vec<Seg>)>),
}

/// Encodes an IP address as a signed integer, preserving order (`bits - 2^127`).
pub fn ip_enc(bits: u128) -> i128 {
    (bits as i128).wrapping_add(i128::MIN)
}

/// Decodes [`ip_enc`].
pub fn ip_dec(enc: i128) -> u128 {
    enc.wrapping_sub(i128::MIN) as u128
}
