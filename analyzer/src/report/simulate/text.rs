//! A decision explained to a person, on one screen: the output of `simulate`, and of every
//! example request the other commands show.
//!
//! The decision comes as a headline with its reason, the request in one line, and then, for
//! every statement that decided the request, a note-level codespan-reporting diagnostic
//! pointing at that statement in its policy file.

use std::io;

use airtight_encodings::arn::Arn;
use airtight_encodings::eval::{Decision, Evaluation, StatementRef};
use airtight_encodings::policy::Effect;
use airtight_encodings::request::{ContextValue, Request};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::term::termcolor::{Color, ColorSpec, WriteColor};

use crate::load::Loader;
use crate::report::{byte_range, emit, sanitize};

/// One decision, explained.
pub fn decision(
    loader: &Loader,
    evaluation: &Evaluation,
    request: &Request,
    w: &mut dyn WriteColor,
) -> io::Result<()> {
    let (word, color) = match evaluation.decision {
        Decision::Allow => ("ALLOW", Color::Green),
        Decision::ExplicitDeny => ("EXPLICIT DENY", Color::Red),
        Decision::ImplicitDeny => ("IMPLICIT DENY", Color::Yellow),
    };
    w.set_color(ColorSpec::new().set_bold(true).set_fg(Some(color)))?;
    write!(w, "{word}")?;
    w.reset()?;
    writeln!(w, ": {}", sanitize::line(&evaluation.reason))?;
    writeln!(w, "  request: {}", describe_request(request))?;
    if evaluation.deciding.is_empty() {
        if evaluation.decision == Decision::ImplicitDeny {
            writeln!(
                w,
                "  no statement decided it: the request is denied because nothing allows it"
            )?;
        }
        return Ok(());
    }
    writeln!(w)?;
    for s in &evaluation.deciding {
        emit(loader, &statement_note(loader, s), w)?;
    }
    Ok(())
}

/// The evaluator's explanation of a decision, one line each
/// ([`airtight_encodings::trace::explain`]).
pub fn why(lines: &[String], w: &mut dyn WriteColor) -> io::Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    writeln!(w, "  why:")?;
    for l in lines {
        writeln!(w, "    - {}", crate::report::sanitize::line(l))?;
    }
    Ok(())
}

/// Every statement, tested against the request: what matched and what did not.
pub fn trace(
    loader: &Loader,
    traces: &[airtight_encodings::trace::StatementTrace],
    w: &mut dyn WriteColor,
) -> io::Result<()> {
    let mark = |b: bool| if b { "matches" } else { "does not match" };
    writeln!(w, "  trace:")?;
    for t in traces {
        let effect = match t.at.effect {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        };
        let (line, _) = crate::report::line_column(loader, t.at.span);
        writeln!(
            w,
            "    {effect} `{}` ({}, {}:{line}): {}",
            crate::report::sanitize::line(&t.at.label),
            t.at.kind.name(),
            crate::report::sanitize::line(loader.name(t.at.file)),
            if t.applies() {
                "applies"
            } else {
                "does not apply"
            }
        )?;
        writeln!(
            w,
            "      action {}, resource {}",
            mark(t.action),
            mark(t.resource)
        )?;
        if let Some(p) = t.principal {
            writeln!(w, "      principal {}", mark(p))?;
        }
        for c in &t.conditions {
            writeln!(
                w,
                "      {} {} [{}]: request {} → {}",
                c.op,
                crate::report::sanitize::line(&c.key),
                crate::report::sanitize::line(&c.values.join(", ")),
                match &c.request {
                    Some(v) => format!("`{}`", crate::report::sanitize::line(v)),
                    None => "has no value".into(),
                },
                if c.holds { "true" } else { "false" }
            )?;
        }
    }
    Ok(())
}

/// The request on one line: who does what to which resource, with its context (its values
/// sanitized, line breaks included, so that it stays one line).
pub fn describe_request(r: &Request) -> String {
    sanitize::line(&request_words(r)).into_owned()
}

fn request_words(r: &Request) -> String {
    let mut text = format!("{} calls `{}` on `{}`", r.principal, r.action, r.resource);
    let arn_account = Arn::parse(&r.resource).map(|a| a.account);
    if !r.resource_account.is_empty() && arn_account != Some(r.resource_account.as_str()) {
        text.push_str(&format!(" (resource account {})", r.resource_account));
    }
    if !r.context.is_empty() {
        let entries: Vec<String> = r
            .context
            .values()
            .map(|e| match &e.value {
                ContextValue::Single(v) => format!("{}={v}", e.written),
                ContextValue::Multi(vs) => format!("{}=[{}]", e.written, vs.join(", ")),
            })
            .collect();
        text.push_str(&format!(" with {}", entries.join(", ")));
    }
    text
}

/// A note pointing at one deciding statement.
fn statement_note(loader: &Loader, s: &StatementRef) -> cs::Diagnostic<usize> {
    let verb = match s.effect {
        Effect::Allow => "allows",
        Effect::Deny => "denies",
    };
    let name = if s.label.starts_with('#') {
        format!("statement {}", s.label)
    } else {
        format!("statement `{}`", s.label)
    };
    cs::Diagnostic::note()
        .with_message(format!(
            "{name} of the {} {verb} the request",
            s.kind.name()
        ))
        // The statement's own span names its file: a statement airtight added to a policy
        // (the allow-every-caller statement of a guardrail judgement) lives in a built-in one.
        .with_labels(vec![cs::Label::primary(
            s.span.file.0 as usize,
            byte_range(loader, s.span),
        )
        .with_message(format!("this statement {verb} the request"))])
}
