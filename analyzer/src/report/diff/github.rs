//! `airtight diff --format github`: GitHub Actions workflow commands, one per finding, that
//! the runner turns into annotations on the pull request's files.
//!
//! `::error file=F,line=L,col=C,endLine=E,endColumn=D,title=T::MESSAGE` for new access,
//! `::notice` for removed access, `::warning` for an unknown answer or an invalid policy. The
//! message is escaped as the runner expects (`%`, CR, LF), property values also `:` and `,`,
//! so that no value can end a command or start another (`::error` at the start of a line);
//! the other control characters are shown visibly ([`sanitize::line`]): the log viewer
//! interprets terminal sequences.

use std::io;

use super::{views, Direction};
use crate::load::Loader;
use crate::report::sanitize;
use airtight_analysis::diff::report::DiffReport;

/// Escapes a message (the data after `::`): one line, whatever it holds.
pub fn escape_data(s: &str) -> String {
    let escaped = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    sanitize::line(&escaped).into_owned()
}

/// Escapes a property value (`file=`, `title=`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(loader: &Loader, report: &DiffReport, w: &mut dyn io::Write) -> io::Result<()> {
    for f in views(report) {
        let (command, title) = match f.direction {
            Direction::Gained => ("error", "airtight: new access"),
            Direction::Lost => ("notice", "airtight: removed access"),
        };
        let mut props = vec![format!(
            "file={}",
            escape_property(super::artifact(loader, f.file))
        )];
        // Lines of OLD mean nothing in the NEW file, so removed access is annotated on the file.
        if let (Direction::Gained, Some((line, col, end_line, end_col))) =
            (f.direction, f.region(loader))
        {
            props.push(format!("line={line}"));
            props.push(format!("col={col}"));
            props.push(format!("endLine={end_line}"));
            props.push(format!("endColumn={end_col}"));
        }
        props.push(format!("title={}", escape_property(title)));
        let message = format!(
            "{}\nExample request (certified): {}",
            f.sentence(loader),
            sanitize::json(&f.request(loader).to_json(), false)
        );
        writeln!(
            w,
            "::{command} {}::{}",
            props.join(","),
            escape_data(&message)
        )?;
    }
    for f in &report.files {
        let problem = match f.verdict() {
            "invalid" => Some("the policy has errors; see the job log".to_string()),
            "unknown" => f.unknown_reason().map(|r| format!("no answer: {r}")),
            _ => None,
        };
        if let Some(message) = problem {
            writeln!(
                w,
                "::warning file={},title={}::{}",
                escape_property(super::artifact(loader, f)),
                escape_property("airtight: no verdict"),
                escape_data(&message)
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(
            escape_data("x\n::error file=a::forged\u{1b}[2J\u{85}"),
            "x%0A::error file=a::forged\\u{1b}[2J\\u{85}"
        );
        assert_eq!(escape_property("p\n::x"), "p%0A%3A%3Ax");
    }
}
