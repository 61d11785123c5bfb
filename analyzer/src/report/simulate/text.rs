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
use crate::report::{byte_range, emit};

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
    writeln!(w, ": {}", evaluation.reason)?;
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

/// The request on one line: who does what to which resource, with its context.
pub fn describe_request(r: &Request) -> String {
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
