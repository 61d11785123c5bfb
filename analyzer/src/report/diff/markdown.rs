//! `airtight diff --format markdown`: a pull-request comment — a summary table, then the
//! details of each changed file with its certified example requests.
//!
//! Every string that comes from a policy or a file name (paths, patterns, request values,
//! statement labels, reasons) may have been written by the author of the pull request, so
//! nothing in it may close the construct it is put in, or the comment could be made to say
//! anything ("No new access (proved)"):
//!
//! - in prose and table cells it is inline code ([`code`]) delimited by a backtick run longer
//!   than any inside it (the CommonMark rule), so Markdown, HTML, links and mentions inside
//!   are not interpreted; in a table, `|` is written `\|` (GFM reads it as `|` inside code);
//! - inside the HTML of `<summary>` it is HTML-escaped ([`html`]);
//! - a request is a fenced block whose fence is longer than any backtick run inside
//!   ([`fenced`]);
//! - line breaks and other control characters are shown as `\u{…}` ([`sanitize::line`]), so
//!   that no value can end a table row, a list item or an HTML block.

use std::io;

use super::{judged_as, verdict_words, views, Direction};
use crate::load::Loader;
use crate::report::sanitize;
use airtight_analysis::diff::report::DiffReport;

/// The longest run of backticks in `s`.
fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// `s` as inline code that nothing inside can close: a delimiter one backtick longer than the
/// longest run inside. When `s` starts or ends with a backtick (which would join the
/// delimiter), or with spaces at both ends (CommonMark would strip one each), or is empty, it
/// is padded with a space on each side, which CommonMark removes.
pub fn code(s: &str) -> String {
    let s = sanitize::line(s);
    let fence = "`".repeat(longest_backtick_run(&s) + 1);
    let pad = s.is_empty()
        || s.starts_with('`')
        || s.ends_with('`')
        || (s.starts_with(' ') && s.ends_with(' '));
    if pad {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// Text for a table cell: a `|` would end the cell even inside code, so it is written `\|`.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// A fenced code block (indented by `indent`) holding one line of `content`; the fence is
/// longer than any backtick run in it.
fn fenced(indent: &str, info: &str, content: &str) -> String {
    let fence = "`".repeat((longest_backtick_run(content) + 1).max(3));
    format!("{indent}{fence}{info}\n{indent}{content}\n{indent}{fence}\n")
}

pub fn render(loader: &Loader, report: &DiffReport, w: &mut dyn io::Write) -> io::Result<()> {
    let all: Vec<_> = views(report).collect();
    let new_files = report
        .files
        .iter()
        .filter(|f| {
            all.iter()
                .any(|x| std::ptr::eq(x.file, *f) && x.direction == Direction::Gained)
        })
        .count();
    writeln!(w, "## airtight diff")?;
    writeln!(w)?;
    if new_files > 0 {
        writeln!(w, "**{new_files} policy file(s) grant new access.**")?;
    } else if report.files.iter().any(|f| f.verdict() == "unknown") {
        writeln!(w, "**No new access found, but some answers are unknown.**")?;
    } else {
        writeln!(w, "No new access (proved).")?;
    }
    writeln!(w)?;
    writeln!(w, "| File | Verdict | New access | Removed access |")?;
    writeln!(w, "|---|---|---|---|")?;
    for f in &report.files {
        let count = |d: Direction| {
            all.iter()
                .filter(|x| std::ptr::eq(x.file, f) && x.direction == d)
                .count()
        };
        writeln!(
            w,
            "| {} | {} | {} | {} |",
            cell(&code(&f.path)),
            verdict_words(f),
            count(Direction::Gained),
            count(Direction::Lost)
        )?;
    }
    let counts: Vec<String> = report
        .tally()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(v, n)| format!("{n} {}", v.replace('_', " ")))
        .collect();
    writeln!(w)?;
    writeln!(w, "{} file(s): {}", report.files.len(), counts.join(", "))?;
    for f in &report.files {
        let mine: Vec<_> = all.iter().filter(|x| std::ptr::eq(x.file, f)).collect();
        let reason = f.unknown_reason();
        if mine.is_empty() && reason.is_none() {
            continue;
        }
        writeln!(w)?;
        writeln!(
            w,
            "<details open><summary><code>{}</code>: {}{}</summary>",
            html(&f.path),
            verdict_words(f),
            judged_as(f.kind)
        )?;
        writeln!(w)?;
        if let Some(r) = reason {
            writeln!(w, "No answer: {}", code(&r))?;
            writeln!(w)?;
        }
        for x in mine {
            let mark = match x.direction {
                Direction::Gained => "🔓",
                Direction::Lost => "🔒",
            };
            let at = match (x.statement(), x.region(loader)) {
                (Some(s), Some((line, ..))) => format!(" — statement {}, line {line}", code(s)),
                (Some(s), None) => format!(" — statement {}", code(s)),
                _ => String::new(),
            };
            writeln!(w, "- {mark} {}{at}", x.sentence_with(loader, &code, &code))?;
            writeln!(w)?;
            let request = sanitize::json(&x.request(loader).to_json(), false);
            write!(w, "{}", fenced("  ", "json", &request))?;
        }
        writeln!(w)?;
        writeln!(w, "</details>")?;
    }
    Ok(())
}

/// `s` as HTML text: `&`, `<`, `>` and quotes escaped.
pub fn html(s: &str) -> String {
    sanitize::line(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_cannot_be_closed_from_inside() {
        assert_eq!(code("lambda:*"), "`lambda:*`");
        assert_eq!(code("a`b``c"), "```a`b``c```");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code(" x "), "`  x  `");
        assert_eq!(code(""), "`  `");
        assert_eq!(code("x\ny"), "`x\\u{a}y`");
        assert_eq!(cell(&code("a|b")), "`a\\|b`");
        assert_eq!(html("<b>&\"'"), "&lt;b&gt;&amp;&quot;&#39;");
        assert_eq!(fenced("", "json", "\"```\""), "````json\n\"```\"\n````\n");
    }
}
