//! `airtight diff` for a person: per file its verdict, then each certified example as a
//! diagnostic pointing at the statement responsible, with the request to paste into a bug
//! report.

use std::io;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::term::termcolor::{Color, ColorSpec, WriteColor};

use super::{judged_as, verdict_words, views, Direction, ExampleView};
use crate::load::Loader;
use crate::report::{byte_range, emit, sanitize};
use airtight_analysis::diff::report::DiffReport;

pub fn render(loader: &Loader, report: &DiffReport, w: &mut dyn WriteColor) -> io::Result<()> {
    let all: Vec<ExampleView<'_>> = views(report).collect();
    for f in &report.files {
        let color = match f.verdict() {
            "equivalent" => Color::Green,
            "removed_access" | "removed" => Color::Cyan,
            "unknown" | "invalid" => Color::Yellow,
            _ => Color::Red,
        };
        write!(w, "{}: ", sanitize::line(&f.path))?;
        w.set_color(ColorSpec::new().set_bold(true).set_fg(Some(color)))?;
        write!(w, "{}", verdict_words(f))?;
        w.reset()?;
        writeln!(w, " ({}{})", f.kind.name(), judged_as(f.kind))?;
        if let Some(reason) = f.unknown_reason() {
            writeln!(w, "  no answer: {}", sanitize::line(&reason))?;
        }
        for finding in all.iter().filter(|x| std::ptr::eq(x.file, f)) {
            example(loader, finding, w)?;
        }
    }
    if report.unchanged > 0 {
        writeln!(
            w,
            "\n{} principals, resources and organization levels unchanged",
            report.unchanged
        )?;
    }
    if !report.skipped.is_empty() {
        writeln!(
            w,
            "\nskipped (not policies, templates or plans): {}",
            sanitize::line(&report.skipped.join(", "))
        )?;
    }
    let counts: Vec<String> = report
        .tally()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(v, n)| format!("{n} {}", v.replace('_', " ")))
        .collect();
    writeln!(
        w,
        "\n{} file(s) compared: {}",
        report.files.len(),
        if counts.is_empty() {
            "no policy changed".to_string()
        } else {
            counts.join(", ")
        }
    )
}

fn example(loader: &Loader, f: &ExampleView<'_>, w: &mut dyn WriteColor) -> io::Result<()> {
    let (severity, title) = match f.direction {
        Direction::Gained => (cs::Severity::Warning, "new access"),
        Direction::Lost => (cs::Severity::Note, "removed access"),
    };
    let sentence = f.sentence(loader);
    let mut labels = Vec::new();
    let summary = &f.example.summary;
    if let (Some(file), Some(span)) = (f.side_file(), f.span()) {
        labels.push(
            cs::Label::primary(file.0 as usize, byte_range(loader, span)).with_message(
                match f.direction {
                    Direction::Gained => "grants it",
                    Direction::Lost => "granted it",
                },
            ),
        );
        if let Some(r) = summary.resource.as_ref().filter(|r| r.span.file == file) {
            labels.push(
                cs::Label::secondary(file.0 as usize, byte_range(loader, r.span))
                    .with_message("on this resource"),
            );
        }
    }
    let (other_name, other) = match f.direction {
        Direction::Gained => ("OLD", &f.example.old),
        Direction::Lost => ("NEW", &f.example.new),
    };
    let mut notes = vec![
        format!(
            "example request (certified by the evaluator):\n{}",
            sanitize::json(&f.request(loader).to_json(), false)
        ),
        format!(
            "{other_name}: {} — {}",
            other.decision.as_str(),
            sanitize::line(&other.reason)
        ),
    ];
    if let Some(cmd) = f.aws_cli(loader) {
        // A line AWS's simulator cannot run is a comment: its reason and airtight's command.
        notes.push(match cmd.strip_prefix("# ") {
            Some(instead) => sanitize::line(instead).into_owned(),
            None => format!("confirm with AWS: {}", sanitize::line(&cmd)),
        });
    }
    let statement = f
        .statement()
        .map_or(String::new(), |s| format!(" (statement {s})"));
    let d = cs::Diagnostic::new(severity)
        .with_code(f.direction.rule())
        .with_message(format!("{title}{statement}: {sentence}"))
        .with_labels(labels)
        .with_notes(notes);
    emit(loader, &d, w)
}
