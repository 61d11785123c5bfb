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
use crate::report::query::json::result_word;
use crate::report::query::Shown;
use crate::report::{byte_range, emit, sanitize};

pub fn render(
    loader: &Loader,
    kind: QueryKind,
    shown: &Shown<'_>,
    w: &mut dyn WriteColor,
) -> io::Result<()> {
    let answer = &shown.answer;
    let ms = answer.elapsed.as_millis();
    let verdict = kind.verdict(&answer.outcome);
    let (word, color, sentence) = match (verdict, kind) {
        (Verdict::Yes, QueryKind::Equiv) => (
            "EQUIVALENT",
            Color::Green,
            format!("proved: both sides allow exactly the same requests ({ms} ms)"),
        ),
        (Verdict::No, QueryKind::Equiv) => (
            "DIFFERENT",
            Color::Red,
            "a request is allowed by one side and not by the other".to_string(),
        ),
        (Verdict::Yes, QueryKind::NoNewAccess) => (
            "HOLDS",
            Color::Green,
            format!("proved: the new policies allow nothing the old ones did not ({ms} ms)"),
        ),
        (Verdict::No, QueryKind::NoNewAccess) => (
            "VIOLATED",
            Color::Red,
            "the new policies grant new access".to_string(),
        ),
        (Verdict::Yes, QueryKind::Can) => (
            "YES",
            Color::Yellow,
            "such a request is allowed".to_string(),
        ),
        (Verdict::No, QueryKind::Can) => (
            "NO",
            Color::Green,
            format!("proved: no request matching the constraints is allowed ({ms} ms)"),
        ),
        (Verdict::Yes, QueryKind::Never) => (
            "HOLDS",
            Color::Green,
            format!("proved: none of these actions is granted on these resources ({ms} ms)"),
        ),
        (Verdict::No, QueryKind::Never) => {
            ("VIOLATED", Color::Red, "access is granted".to_string())
        }
        (Verdict::Unknown, _) => {
            let reason = match &answer.outcome {
                Outcome::Unknown { reason, .. } => reason.as_str(),
                _ => "",
            };
            (
                "UNKNOWN",
                Color::Yellow,
                format!("no answer: {}", sanitize::line(reason)),
            )
        }
    };
    w.set_color(ColorSpec::new().set_bold(true).set_fg(Some(color)))?;
    write!(w, "{word}")?;
    w.reset()?;
    writeln!(w, ": {sentence}")?;
    if let Some((policy_kind, judgements)) = &shown.judged {
        let results: Vec<String> = judgements
            .iter()
            .map(|(j, outcome)| {
                format!(
                    "{}: {}",
                    j.describe(*policy_kind),
                    result_word(kind, outcome)
                )
            })
            .collect();
        writeln!(
            w,
            "policy type: {}; judged {}",
            policy_kind.name(),
            results.join("; ")
        )?;
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
