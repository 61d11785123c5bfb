//! Rendering query answers (`equiv`, `no-new-access`, `can`, `never`).
//!
//! JSON (a public contract; keys in this order):
//!
//! ```json
//! { "query": "equiv" | "no-new-access" | "can" | "never",
//!   "result": "equivalent" | "different" | "holds" | "violated" | "unknown",
//!   "reason": null | "why the answer is unknown",
//!   "counterexamples": [
//!     { "request": { ...request JSON... },
//!       "left":  { "decision": ..., "deciding": [...], "reason": ... },
//!       "right": { ... } | null,
//!       "aws_cli": ["aws iam simulate-custom-policy ...", ...] } ],
//!   "elapsed_ms": 12 }
//! ```
//! `left`/`right` are the `simulate` decisions of each side (OLD/NEW for `no-new-access`; for
//! `can` and `never` only `left`). For `can`, `holds` means an allowed request exists and the
//! "counterexamples" are examples of it.

use std::io;

use airtight_encodings::eval::{Evaluation, PolicySet};
use airtight_encodings::request::{ContextValue, Request};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::term::termcolor::{Color, ColorSpec, WriteColor};
use serde_json::{json, Value};

use crate::load::Loader;
use crate::prove::QueryKind;
use crate::query::{Answer, Verdict};
use crate::report::{byte_range, emit};

pub fn json(loader: &Loader, kind: QueryKind, answer: &Answer, sets: &[&PolicySet]) -> Value {
    let side = |e: &Evaluation| {
        json!({
            "decision": e.decision.as_str(),
            "deciding": e.deciding.iter().map(|s| crate::report::json::statement(loader, s)).collect::<Vec<_>>(),
            "reason": e.reason,
        })
    };
    let reason = match &answer.verdict {
        Verdict::Unknown { reason, .. } => Value::String(reason.clone()),
        _ => Value::Null,
    };
    json!({
        "query": kind.name(),
        "result": kind.result_word(&answer.verdict),
        "reason": reason,
        "counterexamples": answer.counterexamples.iter().map(|c| json!({
            "request": c.request.to_json(),
            "left": side(&c.left),
            "right": c.right.as_ref().map(side),
            "aws_cli": sets.iter().map(|s| aws_cli(loader, s, &c.request)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "elapsed_ms": answer.elapsed.as_millis() as u64,
    })
}

pub fn text(
    loader: &Loader,
    kind: QueryKind,
    answer: &Answer,
    sets: &[&PolicySet],
    w: &mut dyn WriteColor,
) -> io::Result<()> {
    let ms = answer.elapsed.as_millis();
    let (word, color, sentence) = match (&answer.verdict, kind) {
        (Verdict::Holds, QueryKind::Equiv) => (
            "EQUIVALENT",
            Color::Green,
            format!("proved: both sides allow exactly the same requests ({ms} ms)"),
        ),
        (Verdict::Violated, QueryKind::Equiv) => (
            "DIFFERENT",
            Color::Red,
            "a request is allowed by one side and not by the other".to_string(),
        ),
        (Verdict::Holds, QueryKind::NoNewAccess) => (
            "HOLDS",
            Color::Green,
            format!("proved: the new policies allow nothing the old ones did not ({ms} ms)"),
        ),
        (Verdict::Violated, QueryKind::NoNewAccess) => (
            "VIOLATED",
            Color::Red,
            "the new policies grant new access".to_string(),
        ),
        (Verdict::Holds, QueryKind::Can) => (
            "YES",
            Color::Yellow,
            "such a request is allowed".to_string(),
        ),
        (Verdict::Violated, QueryKind::Can) => (
            "NO",
            Color::Green,
            format!("proved: no request matching the constraints is allowed ({ms} ms)"),
        ),
        (Verdict::Holds, QueryKind::Never) => (
            "HOLDS",
            Color::Green,
            format!("proved: none of these actions is granted on these resources ({ms} ms)"),
        ),
        (Verdict::Violated, QueryKind::Never) => {
            ("VIOLATED", Color::Red, "access is granted".to_string())
        }
        (Verdict::Unknown { reason, .. }, _) => {
            ("UNKNOWN", Color::Yellow, format!("no answer: {reason}"))
        }
    };
    w.set_color(ColorSpec::new().set_bold(true).set_fg(Some(color)))?;
    write!(w, "{word}")?;
    w.reset()?;
    writeln!(w, ": {sentence}")?;
    if let Verdict::Unknown {
        span: Some(span),
        reason,
    } = &answer.verdict
    {
        let d = cs::Diagnostic::note()
            .with_message(reason.clone())
            .with_labels(vec![cs::Label::primary(
                span.file.0 as usize,
                byte_range(loader, *span),
            )
            .with_message("not encoded")]);
        emit(loader, &d, w)?;
    }
    let (left_name, right_name) = match kind {
        QueryKind::NoNewAccess => ("old", "new"),
        _ => ("left", "right"),
    };
    for (i, c) in answer.counterexamples.iter().enumerate() {
        let title = if kind == QueryKind::Can {
            "example"
        } else {
            "counterexample"
        };
        writeln!(w, "\n── {title} {} (certified by the evaluator) ──", i + 1)?;
        writeln!(w, "{:#}", c.request.to_json())?;
        writeln!(w, "\n{left_name}:")?;
        crate::report::text::simulate(loader, &c.left, &c.request, w)?;
        if let Some(r) = &c.right {
            writeln!(w, "\n{right_name}:")?;
            crate::report::text::simulate(loader, r, &c.request, w)?;
        }
        writeln!(w, "\nconfirm with AWS:")?;
        for s in sets {
            writeln!(w, "  {}", aws_cli(loader, s, &c.request))?;
        }
    }
    Ok(())
}

/// An `aws iam simulate-custom-policy` command line for one policy set and request.
pub fn aws_cli(loader: &Loader, set: &PolicySet, r: &Request) -> String {
    let file = |p: &airtight_encodings::policy::Policy| {
        format!("file://{}", shell_quote(loader.name(p.file)))
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
pub(crate) fn context_entries(r: &Request) -> String {
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

pub(crate) fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
