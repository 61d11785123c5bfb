//! `airtight diff --format markdown`: a pull-request comment — a summary table, then the
//! details of each changed file with its certified example requests.

use std::io;

use super::{verdict_words, views, Direction};
use crate::load::Loader;
use airtight_analysis::diff::report::DiffReport;

/// Escapes text for a table cell or a line of prose.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
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
            "| `{}` | {} | {} | {} |",
            cell(&f.path),
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
            "<details open><summary><code>{}</code>: {}</summary>",
            html(&f.path),
            verdict_words(f)
        )?;
        writeln!(w)?;
        if let Some(r) = reason {
            writeln!(w, "No answer: {}", cell(&r))?;
            writeln!(w)?;
        }
        for x in mine {
            let mark = match x.direction {
                Direction::Gained => "🔓",
                Direction::Lost => "🔒",
            };
            let at = match (x.statement(), x.region(loader)) {
                (Some(s), Some((line, ..))) => format!(" — statement `{}`, line {line}", cell(s)),
                (Some(s), None) => format!(" — statement `{}`", cell(s)),
                _ => String::new(),
            };
            writeln!(w, "- {mark} {}{at}", cell(&x.sentence(loader)))?;
            writeln!(w)?;
            writeln!(w, "  ```json")?;
            writeln!(w, "  {}", x.request(loader).to_json())?;
            writeln!(w, "  ```")?;
        }
        writeln!(w)?;
        writeln!(w, "</details>")?;
    }
    Ok(())
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
