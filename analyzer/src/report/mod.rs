//! Turning results into output: the only place where the core's plain-data diagnostics and
//! spans become codespan-reporting diagnostics, text, JSON, SARIF, annotations and Markdown.
//!
//! - [`emit_diagnostics`] renders parser and loader diagnostics (file name, line, column,
//!   snippet) for stderr;
//! - one module per command, one renderer per format inside it: [`simulate`], [`query`],
//!   [`deny_check`], [`diff`], [`lint`];
//! - [`aws_cli`] writes the lines that confirm an example with AWS.

pub mod aws_cli;
pub mod deny_check;
pub mod diff;
pub mod lint;
pub mod query;
pub mod simulate;

use std::io;

use airtight_encodings::diagnostic::{Diagnostic, Severity};
use airtight_encodings::span::Span;
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::Files;
use codespan_reporting::term::termcolor::WriteColor;
use codespan_reporting::term::{self, Config};

use crate::load::Loader;

/// Renders every diagnostic, in order, with a source snippet where it has labels.
pub fn emit_diagnostics(
    loader: &Loader,
    diagnostics: &[Diagnostic],
    w: &mut dyn WriteColor,
) -> io::Result<()> {
    for d in diagnostics {
        emit(loader, &to_codespan(loader, d), w)?;
    }
    Ok(())
}

/// Emits one codespan diagnostic. A span the database cannot resolve (which would be a bug in
/// the producer) degrades to the message without a snippet instead of failing.
pub(crate) fn emit(
    loader: &Loader,
    diagnostic: &cs::Diagnostic<usize>,
    w: &mut dyn WriteColor,
) -> io::Result<()> {
    let config = Config::default();
    match term::emit(w, &config, loader.files(), diagnostic) {
        Ok(()) => Ok(()),
        Err(codespan_reporting::files::Error::Io(e)) => Err(e),
        Err(_) => {
            let plain = cs::Diagnostic {
                labels: Vec::new(),
                ..diagnostic.clone()
            };
            term::emit(w, &config, loader.files(), &plain)
                .map_err(|e| io::Error::other(e.to_string()))
        }
    }
}

/// The codespan-reporting form of a core diagnostic.
pub fn to_codespan(loader: &Loader, d: &Diagnostic) -> cs::Diagnostic<usize> {
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Note => cs::Severity::Note,
    };
    let labels = d
        .labels
        .iter()
        .map(|l| {
            let style = if l.primary {
                cs::LabelStyle::Primary
            } else {
                cs::LabelStyle::Secondary
            };
            cs::Label::new(style, l.span.file.0 as usize, byte_range(loader, l.span))
                .with_message(l.message.clone())
        })
        .collect();
    cs::Diagnostic::new(severity)
        .with_code(d.code)
        .with_message(d.message.clone())
        .with_labels(labels)
        .with_notes(d.notes.clone())
}

/// The span as a byte range of its file, clamped to the text and to character boundaries so
/// that rendering can never slice inside a character.
pub(crate) fn byte_range(loader: &Loader, span: Span) -> std::ops::Range<usize> {
    let src = loader.source(span.file);
    let clamp = |mut i: usize| {
        i = i.min(src.len());
        while !src.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = clamp(span.start as usize);
    start..clamp(span.end as usize).max(start)
}

/// The 1-based line and column where a span starts.
pub fn line_column(loader: &Loader, span: Span) -> (usize, usize) {
    let range = byte_range(loader, span);
    match loader.files().location(span.file.0 as usize, range.start) {
        Ok(loc) => (loc.line_number, loc.column_number),
        Err(_) => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use airtight_encodings::span::FileId;

    #[test]
    fn ranges_are_clamped_to_char_boundaries() {
        let mut loader = Loader::new();
        let f = loader.add("x.json", "a\u{e9}b");
        assert_eq!(byte_range(&loader, Span::new(f, 2, 100)), 1..4);
        assert_eq!(byte_range(&loader, Span::new(f, 5, 1)), 4..4);
        assert_eq!(line_column(&loader, Span::new(f, 3, 4)), (1, 3));
        assert_eq!(line_column(&loader, Span::new(FileId(9), 0, 0)), (0, 0));
    }

    #[test]
    fn diagnostics_render_with_file_line_and_snippet() {
        let mut loader = Loader::new();
        let f = loader.add("p.json", "{\n  \"Version\": \"2020-07-20\"\n}\n");
        let d = Diagnostic::error(
            "invalid-version",
            "invalid policy version `2020-07-20`",
            Span::new(f, 15, 27),
        )
        .with_label("not a policy language version");
        let mut out = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
        emit_diagnostics(&loader, &[d], &mut out).expect("write to memory");
        let text = String::from_utf8(out.into_inner()).expect("utf-8");
        assert!(text.contains("error[invalid-version]"), "{text}");
        assert!(text.contains("p.json:2:14"), "{text}");
        assert!(text.contains("not a policy language version"), "{text}");
    }
}
