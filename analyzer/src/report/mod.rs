//! Turning results into output: the only place where the core's plain-data diagnostics and
//! spans become codespan-reporting diagnostics, text, JSON, SARIF, annotations and Markdown.
//!
//! - [`emit_diagnostics`] renders parser and loader diagnostics (file name, line, column,
//!   snippet) for stderr, at most [`MAX_DIAGNOSTICS_PER_FILE`] per file;
//! - one module per command, one renderer per format inside it: [`simulate`], [`query`],
//!   [`deny_check`], [`diff`], [`lint`];
//! - [`aws_cli`] writes the lines that confirm an example with AWS.
//!
//! Every output is bounded, escaped and deterministic:
//!
//! - **Bounded.** A snippet shows a window of each long line ([`snippet`]), and a file shows at
//!   most [`MAX_DIAGNOSTICS_PER_FILE`] diagnostics, then `… and K more in FILE`. JSON documents
//!   are complete (they hold no source text).
//! - **Escaped.** Policies and file names are untrusted: [`sanitize`] decides how their
//!   characters are shown, and `commands::run` passes stdout and stderr through
//!   [`sanitize::Sanitized`], so that no control character or bidirectional override reaches
//!   a terminal from any renderer. Each format escapes what its syntax needs on top: shell
//!   quoting ([`aws_cli::shell_quote`]), Markdown ([`diff::markdown`]), workflow commands
//!   ([`diff::github`]), JSON ([`write_json`]).
//! - **JSON is one document.** With `--format json` (and `sarif`), stdout holds exactly one
//!   complete JSON document, written at once by [`write_json`], or nothing when the command
//!   failed before it had a result (bad input, exit 2; an internal error, exit 3); diagnostics
//!   and errors always go to stderr.
//! - **Deterministic.** The same input gives the same bytes, whatever the number of threads;
//!   only the timings of the query reports (`(12 ms)`, `elapsed_ms`) vary.

pub mod aws_cli;
pub mod deny_check;
pub mod diff;
pub mod lint;
pub mod progress;
pub mod query;
pub mod sanitize;
pub mod simulate;
pub mod snippet;
pub mod who_can;

use std::io;

use airtight_encodings::diagnostic::{Diagnostic, Severity};
use airtight_encodings::span::{FileId, Span};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::Files;
use codespan_reporting::term::termcolor::WriteColor;
use codespan_reporting::term::{self, Config};

use crate::load::Loader;

/// At most this many diagnostics of one file are rendered; the rest are counted.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 50;

/// Renders the diagnostics in order, with a source snippet where they have labels: at most
/// [`MAX_DIAGNOSTICS_PER_FILE`] per file (the file of the primary label), then one line
/// `… and K more in FILE` per file that had more. Diagnostics about no position (e.g. an
/// unreadable file, at most one per file) are always shown.
pub fn emit_diagnostics(
    loader: &Loader,
    diagnostics: &[Diagnostic],
    w: &mut dyn WriteColor,
) -> io::Result<()> {
    // Per file: how many were seen, in the order the files first appear.
    let mut seen: Vec<(FileId, usize)> = Vec::new();
    for d in diagnostics {
        let file = d
            .labels
            .iter()
            .find(|l| l.primary)
            .or(d.labels.first())
            .map(|l| l.span.file);
        if let Some(file) = file {
            let i = match seen.iter().position(|(f, _)| *f == file) {
                Some(i) => i,
                None => {
                    seen.push((file, 0));
                    seen.len() - 1
                }
            };
            seen[i].1 += 1;
            if seen[i].1 > MAX_DIAGNOSTICS_PER_FILE {
                continue;
            }
        }
        emit(loader, &to_codespan(loader, d), w)?;
    }
    for (file, n) in seen {
        if n > MAX_DIAGNOSTICS_PER_FILE {
            writeln!(
                w,
                "… and {} more in {}",
                n - MAX_DIAGNOSTICS_PER_FILE,
                sanitize::line(loader.name(file))
            )?;
        }
    }
    Ok(())
}

/// Emits one codespan diagnostic whose labels point into `loader`'s files, through a bounded,
/// sanitized copy of the lines it shows ([`snippet::window`]). A span that cannot be resolved
/// (which would be a bug in the producer) degrades to the message without a snippet instead of
/// failing.
pub(crate) fn emit(
    loader: &Loader,
    diagnostic: &cs::Diagnostic<usize>,
    w: &mut dyn WriteColor,
) -> io::Result<()> {
    let config = Config::default();
    let (snippets, windowed) = snippet::window(loader, diagnostic, &config);
    match term::emit(w, &config, &snippets, &windowed) {
        Ok(()) => Ok(()),
        Err(codespan_reporting::files::Error::Io(e)) => Err(e),
        Err(_) => {
            let plain = cs::Diagnostic {
                labels: Vec::new(),
                ..windowed
            };
            term::emit(w, &config, &snippets, &plain).map_err(|e| io::Error::other(e.to_string()))
        }
    }
}

/// Writes one JSON document (indented) and a line break in a single write, so that a
/// failure can never leave half a document; unsafe characters are escaped
/// ([`sanitize::json`]).
pub fn write_json(w: &mut dyn io::Write, value: &serde_json::Value) -> io::Result<()> {
    let mut text = sanitize::json(value, true);
    text.push('\n');
    w.write_all(text.as_bytes())?;
    w.flush()
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
        // A core note is one line (a value in it could hold a line break).
        .with_notes(
            d.notes
                .iter()
                .map(|n| sanitize::line(n).into_owned())
                .collect(),
        )
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
