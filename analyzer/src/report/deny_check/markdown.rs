//! A deny-check as a pull-request comment: the intent, a table of the verdict under each
//! qualifier authorization model, then each bypass with its explanation and the certified
//! request. Text from policies and the intent is escaped as in `diff --format markdown`.

use std::io;

use airtight_analysis::deny::{bypass, DenyCheck, IntentVerdict};
use airtight_analysis::query::Outcome;

use crate::report::diff::markdown::{cell, code, fenced};
use crate::report::sanitize;

pub fn render(check: &DenyCheck, w: &mut dyn io::Write) -> io::Result<()> {
    let intent = &check.intent;
    writeln!(w, "## airtight deny-check\n")?;
    let target = match &intent.qualifier {
        Some(q) => format!("{}:{q}", intent.function),
        None => format!("{} (every version and alias)", intent.function),
    };
    let who = if intent.except.is_empty() {
        "nobody".to_string()
    } else {
        format!(
            "nobody but {}",
            intent
                .except
                .iter()
                .map(|e| code(e))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let actions: Vec<String> = intent.actions.iter().map(|a| code(a)).collect();
    writeln!(
        w,
        "Intent: {who} may {} on {}.\n",
        actions.join(", "),
        code(&target)
    )?;
    writeln!(w, "**{}**\n", check.verdict().as_str().to_uppercase())?;
    writeln!(w, "| Qualifier authorization | Result |")?;
    writeln!(w, "|---|---|")?;
    for m in &check.models {
        let result = match &m.answer.outcome {
            Outcome::Unknown { reason, .. } => format!("unknown: {}", cell(&code(reason))),
            o => IntentVerdict::of(o).as_str().to_string(),
        };
        writeln!(w, "| {} | {result} |", m.auth.name())?;
    }
    for m in &check.models {
        for (i, c) in m.answer.counterexamples.iter().enumerate() {
            writeln!(
                w,
                "\n<details open><summary>Bypass {} under {} authorization (certified by the evaluator)</summary>\n",
                i + 1,
                m.auth.name()
            )?;
            for line in bypass(c, &intent.function, intent.qualifier.as_deref()) {
                writeln!(w, "- {}", code(&line))?;
            }
            let granted: Vec<String> = c.left.deciding.iter().map(|s| code(&s.label)).collect();
            if !granted.is_empty() {
                writeln!(w, "- allowed by statement {}", granted.join(", "))?;
            }
            writeln!(w)?;
            let request = sanitize::json(&c.request.to_json(), false);
            write!(w, "{}", fenced("", "json", &request))?;
            writeln!(w, "\n</details>")?;
        }
    }
    Ok(())
}
