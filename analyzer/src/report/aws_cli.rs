//! `aws iam simulate-custom-policy` command lines that let a reader confirm an example with
//! AWS's own policy simulator.

use airtight_encodings::eval::PolicySet;
use airtight_encodings::request::{ContextValue, Request};

use crate::load::Loader;

/// An `aws iam simulate-custom-policy` command line for one policy set and request.
pub fn aws_cli(loader: &Loader, set: &PolicySet, r: &Request) -> String {
    // A built-in policy (allow everything, next to which a guardrail is judged) has no file:
    // its text goes on the command line.
    let file = |p: &airtight_encodings::policy::Policy| {
        if loader.is_builtin(p.file) {
            shell_quote(loader.source(p.file))
        } else {
            format!("file://{}", shell_quote(loader.name(p.file)))
        }
    };
    let mut cmd = String::from("aws iam simulate-custom-policy");
    let ids: Vec<String> = set
        .identity
        .iter()
        .chain(set.session.iter())
        .map(file)
        .collect();
    if !ids.is_empty() {
        cmd.push_str(&format!(" --policy-input-list {}", ids.join(" ")));
    }
    if let Some(b) = &set.boundary {
        cmd.push_str(&format!(
            " --permissions-boundary-policy-input-list {}",
            file(b)
        ));
    }
    cmd.push_str(&format!(" --action-names {}", shell_quote(&r.action)));
    cmd.push_str(&format!(" --resource-arns {}", shell_quote(&r.resource)));
    if let Some(rp) = &set.resource {
        cmd.push_str(&format!(" --resource-policy {}", file(rp)));
        if r.principal.starts_with("arn:") {
            cmd.push_str(&format!(" --caller-arn {}", shell_quote(&r.principal)));
        }
        if !r.resource_account.is_empty() {
            cmd.push_str(&format!(
                " --resource-owner arn:aws:iam::{}:root",
                r.resource_account
            ));
        }
    }
    cmd.push_str(&context_entries(r));
    cmd
}

/// The `--context-entries` arguments of `aws iam simulate-custom-policy` for a request.
pub fn context_entries(r: &Request) -> String {
    let mut out = String::new();
    for e in r.context.values() {
        let (values, ty) = match &e.value {
            ContextValue::Single(v) => (v.clone(), "string"),
            ContextValue::Multi(vs) => (vs.join(","), "stringList"),
        };
        out.push_str(&format!(
            " --context-entries {}",
            shell_quote(&format!(
                "ContextKeyName={},ContextKeyValues={values},ContextKeyType={ty}",
                e.written
            ))
        ));
    }
    out
}

pub fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
