//! A query answer as a pull-request comment: the verdict, how a single policy per side was
//! judged, then each counterexample with both sides' decisions, the statements that decided
//! them, the certified request and the lines that confirm it with AWS.
//!
//! Text from policies and file names is escaped as in `diff --format markdown`: inline code
//! nothing inside can close ([`code`]), HTML-escaped inside `<summary>`, fenced blocks longer
//! than any backtick run inside ([`fenced`]).

use std::io;

use airtight_analysis::query::QueryKind;
use airtight_encodings::eval::Evaluation;

use crate::load::Loader;
use crate::report::aws_cli::confirm;
use crate::report::diff::markdown::{code, fenced};
use crate::report::query::{headline, judged_words, Shown};
use crate::report::sanitize;

pub fn render(
    loader: &Loader,
    kind: QueryKind,
    shown: &Shown<'_>,
    w: &mut dyn io::Write,
) -> io::Result<()> {
    let (word, sentence) = headline(kind, &shown.answer);
    writeln!(w, "## airtight {}\n", kind.name())?;
    writeln!(w, "**{word}**: {}\n", code_reason(&sentence))?;
    if let Some((policy_kind, results)) = judged_words(kind, shown) {
        writeln!(w, "Policy type: {policy_kind}; judged {results}.\n")?;
    }
    let (left, right) = match kind {
        QueryKind::NoNewAccess => ("Old", "New"),
        _ => ("Left", "Right"),
    };
    let title = if kind == QueryKind::Can {
        "Example"
    } else {
        "Counterexample"
    };
    for (i, x) in shown.counterexamples.iter().enumerate() {
        let c = x.counterexample;
        let judged = match (x.judgement, &shown.judged) {
            (Some(j), Some((policy_kind, js))) if js.len() > 1 => {
                format!("; judged {}", j.describe(*policy_kind))
            }
            _ => String::new(),
        };
        writeln!(
            w,
            "<details open><summary>{title} {} (certified by the evaluator{judged})</summary>\n",
            i + 1
        )?;
        match &c.right {
            Some(r) => {
                side(loader, left, &c.left, &c.why, w)?;
                side(loader, right, r, &c.why_right, w)?;
            }
            None => side(loader, "Decision", &c.left, &c.why, w)?,
        }
        writeln!(w)?;
        let request = sanitize::json(&c.request.to_json(), false);
        write!(w, "{}", fenced("", "json", &request))?;
        writeln!(w, "\nConfirm with AWS:\n")?;
        for s in &x.sets {
            let line = confirm(loader, s, &c.request);
            write!(w, "{}", fenced("", "sh", &sanitize::line(&line)))?;
        }
        writeln!(w, "\n</details>\n")?;
    }
    Ok(())
}

/// The reason of an unknown answer comes from the solver or a policy: everything after the
/// fixed words is shown as code.
fn code_reason(sentence: &str) -> String {
    match sentence.strip_prefix("no answer: ") {
        Some(reason) => format!("no answer: {}", code(reason)),
        None => sentence.to_string(),
    }
}

/// One side's decision, the statements that decided it and why.
fn side(
    loader: &Loader,
    name: &str,
    e: &Evaluation,
    why: &[String],
    w: &mut dyn io::Write,
) -> io::Result<()> {
    let statements: Vec<String> = e
        .deciding
        .iter()
        .map(|s| {
            let (line, _) = crate::report::line_column(loader, s.span);
            if loader.is_builtin(s.file) {
                format!("{} ({})", code(&s.label), code(loader.name(s.file)))
            } else {
                format!(
                    "{} in {}, line {line}",
                    code(&s.label),
                    code(loader.name(s.file))
                )
            }
        })
        .collect();
    let by = if statements.is_empty() {
        String::new()
    } else {
        format!(" by statement {}", statements.join(", "))
    };
    writeln!(
        w,
        "- {name}: **{}**{by}: {}",
        e.decision.as_str(),
        code(&e.reason)
    )?;
    for line in why.iter().filter(|l| **l != e.reason) {
        writeln!(w, "  - {}", code(line))?;
    }
    Ok(())
}
