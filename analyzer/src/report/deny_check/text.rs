//! A deny-check explained to a person: the intent, then the verdict under each qualifier
//! authorization model with every bypass request and the statements that decided it.

use std::io;

use airtight_analysis::deny::{bypass, DenyCheck, IntentVerdict};
use airtight_analysis::query::Outcome;
use codespan_reporting::term::termcolor::WriteColor;

use crate::load::Loader;
use crate::report::{sanitize, simulate};

pub fn render(loader: &Loader, check: &DenyCheck, w: &mut dyn WriteColor) -> io::Result<()> {
    let intent = &check.intent;
    let target = match &intent.qualifier {
        Some(q) => format!("{}:{q}", intent.function),
        None => format!("{} (every version and alias)", intent.function),
    };
    let who = if intent.except.is_empty() {
        "no principal".to_string()
    } else {
        format!("no principal except {}", intent.except.join(", "))
    };
    let line = format!(
        "intent: {who} may {} on {target}",
        intent.actions.join(", ")
    );
    writeln!(w, "{}", sanitize::line(&line))?;
    for m in &check.models {
        writeln!(
            w,
            "\n{} authorization: {}",
            m.auth.name(),
            IntentVerdict::of(&m.answer.outcome).as_str().to_uppercase()
        )?;
        if let Outcome::Unknown { reason, .. } = &m.answer.outcome {
            writeln!(w, "  no answer: {}", sanitize::line(reason))?;
        }
        for c in &m.answer.counterexamples {
            writeln!(w, "  bypass:")?;
            for line in bypass(c, &intent.function, intent.qualifier.as_deref()) {
                writeln!(w, "    - {}", sanitize::line(&line))?;
            }
            writeln!(w, "{}", sanitize::json(&c.request.to_json(), true))?;
            simulate::text::decision(loader, &c.left, &c.request, w)?;
        }
    }
    Ok(())
}
