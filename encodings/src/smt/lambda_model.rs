//! What a Lambda request can look like, from the service data, as well-formedness constraints
//! on the symbolic request: a request whose action is in the `lambda` service names a real
//! Lambda action; that action's resource is one of its resource types' ARNs (a function ARN,
//! qualified or not, for `lambda:InvokeFunction`; a layer version for `lambda:GetLayerVersion`)
//! or `*` when the action takes no resource (or takes one optionally); and a `lambda:` condition
//! key the action does not support is absent.
//!
//! Applied only to the Lambda actions the policies can apply to, so questions about other
//! services (or a few Lambda actions) are not burdened. The constraints describe a superset of the real requests (ARN formats are
//! read with every `${Placeholder}` widened to `*`), so a proof about the modelled requests
//! covers the real ones.

use std::collections::{BTreeMap, BTreeSet};

use super::factory::{self, and, implies, not, or};
use super::symbolic::{Symbolic, RK_STAR};
use super::term::Term;
use crate::eval::PolicySet;
use crate::glob::{Glob, GlobToken};
use crate::service_data::{Action, ServiceData};

/// The Lambda actions some statement of the sets can apply to: those an `Action` entry matches
/// (all of them behind a `NotAction`). A Lambda action outside this list is allowed by nothing,
/// so leaving it out of the modelled requests changes no answer.
fn relevant<'a>(sets: &[&PolicySet], actions: &'a [Action]) -> Vec<&'a Action> {
    let statements: Vec<_> = sets
        .iter()
        .flat_map(|s| s.policies())
        .flat_map(|(_, p)| p.statements.iter())
        .collect();
    if statements.iter().any(|s| s.action.negated) {
        return actions.iter().collect();
    }
    actions
        .iter()
        .filter(|a| {
            let id = format!("lambda:{}", a.name());
            statements
                .iter()
                .any(|s| s.action.entries.iter().any(|e| e.value.matches(&id)))
        })
        .collect()
}

/// The glob of an ARN format such as
/// `arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}`: every placeholder
/// stands for a non-empty, colon-free name (`?*` without `:`).
fn format_glob(format: &str) -> Glob {
    let mut tokens = Vec::new();
    let mut rest = format;
    while let Some(i) = rest.find("${") {
        tokens.extend(rest[..i].chars().map(GlobToken::Char));
        tokens.push(GlobToken::AnyCharNoColon);
        tokens.push(GlobToken::AnyRunNoColon);
        rest = rest[i..].find('}').map_or("", |j| &rest[i + j + 1..]);
    }
    tokens.extend(rest.chars().map(GlobToken::Char));
    Glob::from_tokens(tokens, false)
}

/// The formats a resource type stands for: a function is named unqualified or with a
/// version or alias (`function:NAME:QUALIFIER`), whichever resource type the action lists.
fn formats_of(format: &str) -> Vec<String> {
    if format.ends_with(":function:${FunctionName}") {
        vec![format.to_string(), format!("{format}:${{Qualifier}}")]
    } else {
        vec![format.to_string()]
    }
}

/// The resources a request can name: `*` when `star`, or an ARN of one of `formats`.
fn resource_term(sym: &mut Symbolic, star: bool, formats: &BTreeSet<&str>) -> Term {
    let cases = sym.resource_cases();
    let mut alts = Vec::new();
    if star {
        alts.push(factory::int_eq(&sym.vars, sym.resource_kind, RK_STAR));
    }
    for f in formats.iter().flat_map(|f| formats_of(f)) {
        alts.push(sym.cases_match(&cases, &format_glob(&f)));
    }
    or(alts)
}

/// Adds the Lambda request model to `sym` when the sets talk about Lambda.
pub fn add_lambda_model(sym: &mut Symbolic, sets: &[&PolicySet]) {
    let Some(service) = ServiceData::get().service("lambda") else {
        return;
    };
    // Modelled when a statement names Lambda explicitly (`lambda:…`). A policy that reaches
    // Lambda only through `*` or `NotAction` is left with the wider domain: still sound, and
    // questions about other services stay cheap.
    let lambda_glob = Glob::wildcard("lambda:*", true);
    let names_lambda = sets
        .iter()
        .flat_map(|s| s.policies())
        .flat_map(|(_, p)| p.statements.iter())
        .any(|s| {
            s.action
                .entries
                .iter()
                .any(|e| e.value.to_string().starts_with("lambda:"))
        });
    if !names_lambda {
        return;
    }
    // A pattern such as `lambda:GetPolicy2*` names no real action: then no Lambda request is
    // modelled at all (`or` of nothing is false).
    let actions = relevant(sets, service.actions);
    sym.lambda = !actions.is_empty();
    let is_lambda = factory::matches(&mut sym.vars, sym.action, lambda_glob);
    // The `lambda:` keys the policies test; each is absent where the action does not support it.
    let lambda_keys: Vec<String> = sym
        .keys
        .keys()
        .filter(|k| k.starts_with("lambda:"))
        // Keys set on any request of a session (`lambda:SourceFunctionArn`) are not the action's.
        .filter(|k| {
            ServiceData::get()
                .condition_key(k)
                .is_none_or(|info| !info.global)
        })
        .cloned()
        .collect();
    // Actions with the same shape (resource formats, unsupported keys) share one constraint.
    type Shape<'a> = (bool, BTreeSet<&'a str>, Vec<&'a str>);
    let mut shapes: BTreeMap<Shape<'_>, Vec<Term>> = BTreeMap::new();
    let mut names = Vec::new();
    for action in actions {
        let named = factory::matches(
            &mut sym.vars,
            sym.action,
            Glob::literal(&format!("lambda:{}", action.name()), true),
        );
        names.push(named.clone());
        // Decoded requests spell the action as AWS does.
        sym.vars
            .add_candidate(sym.action, &format!("lambda:{}", action.name()));
        let star = action.wildcard_only() || action.resource_types().iter().all(|r| !r.required());
        let formats: BTreeSet<&str> = action
            .resource_types()
            .iter()
            .map(|r| r.resource_type().arn_format)
            .collect();
        let supported = |key: &str| {
            action
                .condition_keys()
                .chain(
                    action
                        .resource_types()
                        .iter()
                        .flat_map(|r| r.condition_keys()),
                )
                .any(|k| k.matches(key))
        };
        let unsupported: Vec<&str> = lambda_keys
            .iter()
            .map(String::as_str)
            .filter(|key| !supported(key))
            .collect();
        shapes
            .entry((star, formats, unsupported))
            .or_default()
            .push(named);
    }
    let mut rules = Vec::new();
    for ((star, formats, unsupported), actions) in shapes {
        let mut shape = vec![resource_term(sym, star, &formats)];
        shape.extend(unsupported.iter().map(|k| not(sym.key_present(k))));
        rules.push(implies(or(actions), and(shape)));
    }
    sym.well_formed.push(implies(is_lambda, or(names)));
    sym.well_formed.extend(rules);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_formats_become_globs() {
        let f = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}";
        let globs: Vec<Glob> = formats_of(f).iter().map(|f| format_glob(f)).collect();
        let any = |s: &str| globs.iter().any(|g| g.matches(s));
        assert!(any("arn:aws:lambda:us-east-1:123456789012:function:f"));
        assert!(any("arn:aws:lambda:us-east-1:123456789012:function:f:prod"));
        assert!(!any("arn:aws:lambda:us-east-1:123456789012:function:f:"));
        assert!(!any("arn:aws:lambda:us-east-1:123456789012:function:f:1:2"));
        assert!(!any("arn:aws:lambda:us-east-1:123456789012:layer:l:1"));
        let g = format_glob(
            "arn:${Partition}:lambda:${Region}:${Account}:layer:${LayerName}:${LayerVersion}",
        );
        assert!(g.matches("arn:aws:lambda:us-east-1:123456789012:layer:l:1"));
        assert!(!g.matches("arn:aws:lambda:us-east-1:123456789012:layer:l"));
    }
}
