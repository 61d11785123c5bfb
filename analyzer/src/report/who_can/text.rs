//! `who-can` for people: who can, each with its example request and the conditions it needs.

use std::io;

use airtight_analysis::query::Outcome;
use airtight_analysis::who_can::WhoCan;
use codespan_reporting::term::termcolor::{Color, ColorSpec, WriteColor};

use crate::load::Loader;
use crate::report::simulate;
use crate::report::simulate::text::describe_request;

pub fn render(loader: &Loader, result: &WhoCan, w: &mut dyn WriteColor) -> io::Result<()> {
    let q = &result.question;
    writeln!(w, "who can {} on {}", q.actions.join(" or "), q.resource)?;
    let can: Vec<_> = result
        .accesses
        .iter()
        .filter(|a| a.outcome == Outcome::Found)
        .collect();
    let unknown: Vec<_> = result
        .accesses
        .iter()
        .filter(|a| matches!(a.outcome, Outcome::Unknown { .. }))
        .collect();
    w.set_color(ColorSpec::new().set_bold(true))?;
    writeln!(
        w,
        "{} of {} callers can; {} proved unable; {} unknown",
        can.len(),
        result.asked,
        result.cannot,
        unknown.len()
    )?;
    w.reset()?;
    for a in &can {
        writeln!(w)?;
        w.set_color(ColorSpec::new().set_bold(true).set_fg(Some(Color::Red)))?;
        write!(w, "CAN")?;
        w.reset()?;
        writeln!(w, ": {}", a.who.describe())?;
        let conditions = super::conditions(a);
        if conditions.is_empty() {
            writeln!(w, "  with no condition")?;
        } else {
            writeln!(w, "  only with {}", conditions.join(", "))?;
        }
        if let Some(e) = a.examples.first() {
            writeln!(w, "  example: {}", describe_request(&e.request))?;
            simulate::text::decision(loader, &e.left, &e.request, w)?;
            simulate::text::why(&e.why, w)?;
        }
    }
    for a in &unknown {
        if let Outcome::Unknown { reason, .. } = &a.outcome {
            writeln!(w, "\nUNKNOWN: {}: {reason}", a.who.describe())?;
        }
    }
    Ok(())
}
