//! `who-can` as a Markdown comment: a table of the callers that can, with their conditions.

use std::io;

use airtight_analysis::query::Outcome;
use airtight_analysis::who_can::WhoCan;

use crate::report::diff::markdown::code;

pub fn render(result: &WhoCan, w: &mut dyn io::Write) -> io::Result<()> {
    let q = &result.question;
    writeln!(
        w,
        "### Who can {} on {}\n",
        q.actions
            .iter()
            .map(|a| code(a))
            .collect::<Vec<_>>()
            .join(" or "),
        code(&q.resource)
    )?;
    let can: Vec<_> = result
        .accesses
        .iter()
        .filter(|a| a.outcome == Outcome::Found)
        .collect();
    writeln!(
        w,
        "{} of {} callers can; {} proved unable.\n",
        can.len(),
        result.asked,
        result.cannot
    )?;
    if !can.is_empty() {
        writeln!(w, "| Caller | Conditions |")?;
        writeln!(w, "|---|---|")?;
        for a in &can {
            let c = super::conditions(a);
            let conditions = if c.is_empty() {
                "none".to_string()
            } else {
                c.iter().map(|x| code(x)).collect::<Vec<_>>().join(", ")
            };
            writeln!(w, "| {} | {} |", code(&a.who.describe()), conditions)?;
        }
    }
    for a in &result.accesses {
        if let Outcome::Unknown { reason, .. } = &a.outcome {
            writeln!(
                w,
                "\n- unknown for {}: {}",
                code(&a.who.describe()),
                code(reason)
            )?;
        }
    }
    Ok(())
}
