//! Query answers (`equiv`, `no-new-access`, `can`, `never`) explained to a person: a headline
//! with the verdict (and, for one policy per side, the result of each way it was judged),
//! then every counterexample with each side's decision, pointers to the deciding statements
//! and the lines that confirm it with AWS.

use std::io;

use airtight_analysis::query::{Outcome, QueryKind, Verdict};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::term::termcolor::{Color, ColorSpec, WriteColor};

use crate::load::Loader;
use crate::report::aws_cli::confirm;
use crate::report::query::{headline, judged_words, Shown};
use crate::report::{byte_range, emit, sanitize};

pub fn render(
    loader: &Loader,
    kind: QueryKind,
    shown: &Shown<'_>,
    w: &mut dyn WriteColor,
) -> io::Result<()> {
    let answer = &shown.answer;
    let (word, sentence) = headline(kind, answer);
    let sentence = sanitize::line(&sentence);
    let color = match (kind.verdict(&answer.outcome), kind) {
        (Verdict::Yes, QueryKind::Can) | (Verdict::Unknown, _) => Color::Yellow,
        (Verdict::Yes, _) | (Verdict::No, QueryKind::Can) => Color::Green,
        (Verdict::No, _) => Color::Red,
    };
    w.set_color(ColorSpec::new().set_bold(true).set_fg(Some(color)))?;
    write!(w, "{word}")?;
    w.reset()?;
    writeln!(w, ": {sentence}")?;
    if let Some((policy_kind, results)) = judged_words(kind, shown) {
        writeln!(w, "policy type: {policy_kind}; judged {results}")?;
    }
    if let Outcome::Unknown {
        span: Some(span),
        reason,
    } = &answer.outcome
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
    for (i, x) in shown.counterexamples.iter().enumerate() {
        let c = x.counterexample;
        let title = if kind == QueryKind::Can {
            "example"
        } else {
            "counterexample"
        };
        let judged = match (x.judgement, &shown.judged) {
            (Some(j), Some((policy_kind, js))) if js.len() > 1 => {
                format!("; judged {}", j.describe(*policy_kind))
            }
            _ => String::new(),
        };
        writeln!(
            w,
            "\n── {title} {} (certified by the evaluator{judged}) ──",
            i + 1
        )?;
        writeln!(w, "{}", sanitize::json(&c.request.to_json(), true))?;
        writeln!(w, "\n{left_name}:")?;
        crate::report::simulate::text::decision(loader, &c.left, &c.request, w)?;
        crate::report::simulate::text::why(&c.why, w)?;
        if let Some(r) = &c.right {
            writeln!(w, "\n{right_name}:")?;
            crate::report::simulate::text::decision(loader, r, &c.request, w)?;
            crate::report::simulate::text::why(&c.why_right, w)?;
        }
        writeln!(w, "\nconfirm with AWS:")?;
        for s in &x.sets {
            writeln!(w, "  {}", sanitize::line(&confirm(loader, s, &c.request)))?;
        }
    }
    Ok(())
}
