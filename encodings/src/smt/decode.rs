//! A solver model → a concrete [`Request`] in the request-JSON contract.
//!
//! Strings come from [`super::finite::choose_strings`], which prefers values taken from the
//! policies and plausible defaults (`123456789012`, `us-east-1`) over solver junk.

use super::finite::{choose_strings, Finite};
use super::symbolic::{
    Elem, KeySort, Symbolic, PK_ANONYMOUS, PK_ROLE, PK_ROOT, PK_SERVICE, PK_USER, RK_STAR,
};
use crate::condition::{format_date, format_ip};
use crate::request::{ContextValue, Request};

/// Builds the request a model describes.
pub fn decode(
    sym: &Symbolic,
    finite: &Finite,
    ints: &[i128],
    bools: &[bool],
    model_strings: &std::collections::BTreeMap<u32, String>,
) -> Request {
    let strings = choose_strings(finite, ints, bools, model_strings);
    let s = |v: super::term::StrVar| strings[v.0 as usize].clone();
    let int = |v: super::term::IntVar| ints[v.0 as usize];
    let account = s(sym.account);
    let principal = match int(sym.principal_kind) {
        PK_ROOT => format!("arn:aws:iam::{account}:root"),
        PK_ROLE => format!("arn:aws:iam::{account}:role/{}", s(sym.role_path)),
        PK_USER => format!(
            "arn:aws:iam::{account}:user/{}{}",
            s(sym.user_path),
            s(sym.user_name)
        ),
        PK_SERVICE => s(sym.service),
        PK_ANONYMOUS => "anonymous".to_string(),
        _ => "anonymous".to_string(),
    };
    let resource = if int(sym.resource_kind) == RK_STAR {
        "*".to_string()
    } else {
        format!(
            "arn:{}:{}:{}:{}:{}",
            s(sym.partition),
            s(sym.resource_service),
            s(sym.region),
            s(sym.resource_arn_account),
            s(sym.resource_rest)
        )
    };
    let resource_account = s(sym.resource_account);
    // Actions are case-insensitive; spell a known one as AWS does.
    let action = s(sym.action);
    let action = crate::service_data::ServiceData::get()
        .action(&action)
        .map_or(action, |a| a.id().to_string());
    let mut request = Request::new(
        Some(&principal),
        &action,
        &resource,
        Some(&resource_account),
    );
    request.outside.identity_allows = bools[sym.outside_identity.0 as usize];
    request.outside.limits_allow = bools[sym.outside_limits.0 as usize];
    for key in sym.keys.values() {
        if !bools[key.present.0 as usize] {
            continue;
        }
        let elem = |e: &Elem| -> String {
            match (e, key.ty) {
                (Elem::Str(v), _) => s(*v),
                (Elem::Int(v), KeySort::Num) => key.numbers.decode(int(*v)),
                (Elem::Int(v), _) => format_date(i64::try_from(int(*v)).unwrap_or(0)),
                (Elem::Bool(b), _) => bools[b.0 as usize].to_string(),
                (Elem::Ip(v6, addr), _) => {
                    format_ip(bools[v6.0 as usize], super::symbolic::ip_dec(int(*addr)))
                }
            }
        };
        let value = match key.count {
            None => ContextValue::Single(elem(&key.elems[0])),
            Some(count) => {
                let n = usize::try_from(int(count))
                    .unwrap_or(0)
                    .min(key.elems.len());
                let mut values: Vec<String> = key.elems[..n].iter().map(elem).collect();
                values.sort();
                values.dedup();
                ContextValue::Multi(values)
            }
        };
        request = request.with(&key.written, value);
    }
    request
}
