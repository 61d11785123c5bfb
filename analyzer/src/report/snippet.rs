//! Source snippets of bounded size: what codespan-reporting renders instead of the loaded
//! files.
//!
//! codespan-reporting prints every source line it shows in full. A policy fetched from an AWS
//! API is one minified line of 100 KB or more, so every diagnostic pointing into it would print
//! the whole line (a policy with a few hundred errors made hundreds of megabytes of stderr).
//! [`window`] builds, per diagnostic, a small file database ([`Snippets`]) holding only the
//! lines codespan-reporting will show, each cut to a window around the label boundaries on it
//! (rustc does the same): a line of at most [`MAX_LINE`] characters is kept whole; a longer one
//! keeps [`CONTEXT`] characters on each side of every label start and end, with `...` where it
//! is cut. The windows are sanitized ([`super::sanitize::line`]), since the source text is
//! untrusted too.
//!
//! The database reports the original line indices (so line numbers, the gaps codespan-reporting
//! marks between distant lines and its context lines come out as for the whole file), and the
//! original line and column of every label start (so the `file:line:column` header is the one
//! of the file on disk); the carets fall under the same text as they would in the whole line.
//! Messages, labels and notes are sanitized and bounded ([`MAX_MESSAGE`] characters per line).

use std::collections::BTreeSet;
use std::ops::Range;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error, Files, Location};
use codespan_reporting::term::Config;

use super::sanitize;
use crate::load::Loader;

/// A line of at most this many characters is shown whole.
pub const MAX_LINE: usize = 200;
/// Characters kept on each side of a label boundary on a longer line.
pub const CONTEXT: usize = 60;
/// At most this many characters per line of a message, label or note.
pub const MAX_MESSAGE: usize = 1000;

/// Where a cut line continues.
const CUT: &str = "...";
/// Between two windows of one line.
const GAP: &str = " ... ";

/// The shown parts of the files one diagnostic points into; file id `n` is the `n`-th file
/// the diagnostic's labels name.
pub struct Snippets {
    files: Vec<SnippetFile>,
}

struct SnippetFile {
    name: String,
    text: String,
    /// The shown lines, in order.
    lines: Vec<Shown>,
    /// The original location of every label boundary, by its offset in `text`.
    locations: Vec<(usize, Location)>,
}

/// One shown line: its index in the original file and its bytes in the snippet text (without
/// the line break that follows it).
struct Shown {
    index: usize,
    start: usize,
    end: usize,
}

/// A window of one line: original bytes `orig`, starting at byte `at` of the snippet text.
struct Piece {
    orig: Range<usize>,
    at: usize,
}

/// The snippet database for `d` (whose labels point into `loader`'s files) and `d` rewritten to
/// point into it. Labels into a file the loader does not have are dropped.
pub fn window(
    loader: &Loader,
    d: &cs::Diagnostic<usize>,
    config: &Config,
) -> (Snippets, cs::Diagnostic<usize>) {
    let db = loader.files();
    let mut ids: Vec<usize> = Vec::new();
    for l in &d.labels {
        if !ids.contains(&l.file_id) && db.get(l.file_id).is_ok() {
            ids.push(l.file_id);
        }
    }
    let mut files = Vec::new();
    let mut labels = Vec::new();
    for (n, &id) in ids.iter().enumerate() {
        let mine: Vec<&cs::Label<usize>> = d.labels.iter().filter(|l| l.file_id == id).collect();
        let (file, ranges) = shown_file(loader, id, &mine, config);
        for (l, range) in mine.iter().zip(ranges) {
            labels.push(cs::Label {
                style: l.style,
                file_id: n,
                range,
                message: bounded(&l.message, false),
            });
        }
        files.push(file);
    }
    let rewritten = cs::Diagnostic {
        severity: d.severity,
        code: d.code.clone(),
        message: bounded(&d.message, false),
        labels,
        notes: d.notes.iter().map(|n| bounded(n, true)).collect(),
    };
    (Snippets { files }, rewritten)
}

/// A message, label or note: sanitized (line breaks kept only in `multiline` text) and every
/// line at most [`MAX_MESSAGE`] characters.
fn bounded(s: &str, multiline: bool) -> String {
    let clean = if multiline {
        sanitize::text(s)
    } else {
        sanitize::line(s)
    };
    clean
        .split('\n')
        .map(|l| sanitize::shorten(l, MAX_MESSAGE))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The shown lines of file `id` for `labels`, and each label's range in the snippet text.
fn shown_file(
    loader: &Loader,
    id: usize,
    labels: &[&cs::Label<usize>],
    config: &Config,
) -> (SnippetFile, Vec<Range<usize>>) {
    let db = loader.files();
    let src = db.get(id).map(|f| f.source().as_str()).unwrap_or("");
    let clamp = |mut i: usize| {
        i = i.min(src.len());
        while !src.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let line_of = |b: usize| db.line_index(id, b).unwrap_or(0);
    let bounds: Vec<(usize, usize)> = labels
        .iter()
        .map(|l| {
            let start = clamp(l.range.start);
            (start, clamp(l.range.end).max(start))
        })
        .collect();

    // The lines codespan-reporting renders: those where a label starts or ends, the context
    // lines of multi-line labels, and a single line between two of them.
    let mut shown = BTreeSet::new();
    for &(start, end) in &bounds {
        let (first, last) = (line_of(start), line_of(end));
        shown.insert(first);
        shown.insert(last);
        if last > first + 1 {
            let after = (first + 1)..=(first + config.start_context_lines).min(last - 1);
            let before = last.saturating_sub(config.end_context_lines).max(first + 1)..last;
            shown.extend(after);
            shown.extend(before);
        }
    }
    let gaps: Vec<usize> = shown
        .iter()
        .zip(shown.iter().skip(1))
        .filter(|(a, b)| **b == **a + 2)
        .map(|(a, _)| a + 1)
        .collect();
    shown.extend(gaps);

    let points: Vec<usize> = bounds.iter().flat_map(|&(s, e)| [s, e]).collect();
    let mut text = String::new();
    let mut lines = Vec::new();
    let mut pieces: Vec<(usize, Vec<Piece>)> = Vec::new();
    for &index in &shown {
        let Ok(range) = db.line_range(id, index) else {
            continue;
        };
        let content_end = src[range.clone()].trim_end_matches(['\n', '\r']).len() + range.start;
        let content = range.start..content_end;
        let on_line: Vec<usize> = points
            .iter()
            .filter(|&&p| line_of(p) == index)
            .map(|&p| p.clamp(content.start, content.end))
            .collect();
        let start = text.len();
        let windows = windows(src, content.clone(), &on_line);
        let mut line_pieces = Vec::new();
        if windows.first().is_some_and(|w| w.start > content.start) {
            text.push_str(CUT);
        }
        for (i, w) in windows.iter().enumerate() {
            if i > 0 {
                text.push_str(GAP);
            }
            line_pieces.push(Piece {
                orig: w.clone(),
                at: text.len(),
            });
            text.push_str(&sanitize::line(&src[w.clone()]));
        }
        if windows.last().is_some_and(|w| w.end < content.end) {
            text.push_str(CUT);
        }
        lines.push(Shown {
            index,
            start,
            end: text.len(),
        });
        text.push('\n');
        pieces.push((index, line_pieces));
    }

    // A boundary's offset in the snippet text: inside the window that holds it.
    let to_snippet = |b: usize| -> usize {
        let index = line_of(b);
        let Some((_, line_pieces)) = pieces.iter().find(|(i, _)| *i == index) else {
            return 0;
        };
        let b = line_pieces
            .iter()
            .map(|p| p.orig.end)
            .max()
            .map_or(b, |end| b.min(end));
        line_pieces
            .iter()
            .find(|p| p.orig.start <= b && b <= p.orig.end)
            .map_or(0, |p| p.at + sanitize::line(&src[p.orig.start..b]).len())
    };
    let mut locations = Vec::new();
    let ranges = bounds
        .iter()
        .map(|&(start, end)| {
            let (s, e) = (to_snippet(start), to_snippet(end));
            for (orig, at) in [(start, s), (end, e)] {
                if let Ok(location) = db.location(id, orig) {
                    locations.push((at, location));
                }
            }
            s..e.max(s)
        })
        .collect();
    let name = db
        .get(id)
        .map(|f| sanitize::line(f.name()).into_owned())
        .unwrap_or_default();
    (
        SnippetFile {
            name,
            text,
            lines,
            locations,
        },
        ranges,
    )
}

/// The parts of one line's content to show: the whole line when it is short, otherwise
/// [`CONTEXT`] characters around each of `points` (or the beginning of the line when no label
/// boundary is on it), merged where they meet.
fn windows(src: &str, content: Range<usize>, points: &[usize]) -> Vec<Range<usize>> {
    let line = &src[content.clone()];
    let short = line.len() <= MAX_LINE || line.chars().nth(MAX_LINE).is_none();
    if short {
        return vec![content];
    }
    let back = |p: usize| {
        src[content.start..p]
            .char_indices()
            .rev()
            .take(CONTEXT)
            .last()
            .map_or(p, |(i, _)| content.start + i)
    };
    let forward = |p: usize| {
        src[p..content.end]
            .char_indices()
            .nth(CONTEXT)
            .map_or(content.end, |(i, _)| p + i)
    };
    let mut windows: Vec<Range<usize>> = if points.is_empty() {
        let beginning = content.start..forward(forward(content.start));
        vec![beginning]
    } else {
        points.iter().map(|&p| back(p)..forward(p)).collect()
    };
    windows.sort_by_key(|w| (w.start, w.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for w in windows {
        match merged.last_mut() {
            Some(last) if w.start <= last.end + GAP.len() => last.end = last.end.max(w.end),
            _ => merged.push(w),
        }
    }
    merged
}

impl<'a> Files<'a> for Snippets {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, Error> {
        Ok(&self.file(id)?.name)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, Error> {
        Ok(&self.file(id)?.text)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, Error> {
        let lines = &self.file(id)?.lines;
        let i = lines
            .partition_point(|l| l.start <= byte_index)
            .saturating_sub(1);
        Ok(lines.get(i).map_or(0, |l| l.index))
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, Error> {
        let lines = &self.file(id)?.lines;
        // A line that is not shown is only asked for by a multi-line label passing over it.
        Ok(match lines.binary_search_by_key(&line_index, |l| l.index) {
            Ok(i) => lines[i].start..lines[i].end + 1,
            Err(_) => 0..0,
        })
    }

    fn location(&'a self, id: usize, byte_index: usize) -> Result<Location, Error> {
        let file = self.file(id)?;
        if let Some((_, location)) = file.locations.iter().find(|(at, _)| *at == byte_index) {
            return Ok(*location);
        }
        // Not a label boundary: the line is right, the column counts the snippet's characters.
        let line_index = self.line_index(id, byte_index)?;
        let range = self.line_range(id, line_index)?;
        Ok(Location {
            line_number: line_index + 1,
            column_number: codespan_reporting::files::column_index(&file.text, range, byte_index)
                + 1,
        })
    }
}

impl Snippets {
    fn file(&self, id: usize) -> Result<&SnippetFile, Error> {
        self.files.get(id).ok_or(Error::FileMissing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codespan_reporting::term::termcolor::NoColor;

    fn render(loader: &Loader, d: &cs::Diagnostic<usize>) -> String {
        let config = Config::default();
        let (snippets, d) = window(loader, d, &config);
        let mut out = NoColor::new(Vec::new());
        codespan_reporting::term::emit(&mut out, &config, &snippets, &d).expect("render");
        String::from_utf8(out.into_inner()).expect("utf-8")
    }

    /// The rendering of the whole files, as codespan-reporting does it.
    fn render_whole(loader: &Loader, d: &cs::Diagnostic<usize>) -> String {
        let mut out = NoColor::new(Vec::new());
        codespan_reporting::term::emit(&mut out, &Config::default(), loader.files(), d)
            .expect("render");
        String::from_utf8(out.into_inner()).expect("utf-8")
    }

    #[test]
    fn short_lines_render_as_codespan_does() {
        let mut loader = Loader::new();
        let src = "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2,\n    3,\n    4,\n    5\n  ],\n  \"c\": \"x\"\n}\n";
        let f = loader.add("p.json", src).0 as usize;
        let b = src.find("\"b\"").expect("b");
        let end = src.find("],").expect("end") + 1;
        let c = src.find("\"x\"").expect("x");
        let d = cs::Diagnostic::error()
            .with_message("m")
            .with_labels(vec![
                cs::Label::primary(f, b..end).with_message("multi"),
                cs::Label::secondary(f, c..c + 3).with_message("single"),
                cs::Label::secondary(f, 0..1),
            ])
            .with_notes(vec!["a\nnote".into()]);
        assert_eq!(render(&loader, &d), render_whole(&loader, &d));
    }

    #[test]
    fn long_lines_are_windowed_around_the_label() {
        let mut loader = Loader::new();
        let pad = "x".repeat(100_000);
        let src = format!("{{\"a\": \"{pad}\", \"Effect\": \"Alow\", \"b\": \"{pad}\"}}");
        let f = loader.add("min.json", src.as_str()).0 as usize;
        let at = src.find("\"Alow\"").expect("Alow");
        let d = cs::Diagnostic::error()
            .with_message("bad effect")
            .with_labels(vec![cs::Label::primary(f, at..at + 6).with_message("here")]);
        let out = render(&loader, &d);
        assert!(out.len() < 1000, "{out}");
        assert!(out.contains(&format!("min.json:1:{}", at + 1)), "{out}");
        let lines: Vec<&str> = out.lines().collect();
        let source = lines
            .iter()
            .find(|l| l.starts_with("1 │"))
            .expect("source line");
        let carets = lines.iter().find(|l| l.contains('^')).expect("caret line");
        let col = carets.find('^').expect("caret");
        let under: String = source[col..].chars().take(6).collect();
        assert_eq!(under, "\"Alow\"", "{out}");
        assert!(source.contains("...") && source.ends_with("..."), "{out}");
    }

    #[test]
    fn multi_line_labels_over_long_lines_are_bounded() {
        let mut loader = Loader::new();
        let pad = "y".repeat(50_000);
        let src = format!("{pad}\n{pad}\n{pad}\n{pad}\n{pad}\n{pad}\n{pad}\n");
        let f = loader.add("m.json", src.as_str()).0 as usize;
        let d = cs::Diagnostic::note().with_labels(vec![cs::Label::primary(f, 10..src.len() - 10)]);
        let out = render(&loader, &d);
        assert!(out.len() < 3000, "{out}");
        assert!(out.contains("m.json:1:11"), "{out}");
        // Lines 1-4 (start and context), line 6 before the end, line 7 with the end.
        for n in ["1 │", "4 │", "6 │", "7 │"] {
            assert!(out.lines().any(|l| l.starts_with(n)), "{n}\n{out}");
        }
    }

    #[test]
    fn control_characters_in_the_source_are_escaped_in_place() {
        let mut loader = Loader::new();
        let src = "{\"Sid\": \"\u{1b}]0;x\u{7}\", \"Effect\": \"Alow\"}";
        let f = loader.add("c.json", src).0 as usize;
        let at = src.find("\"Alow\"").expect("Alow");
        let d = cs::Diagnostic::error()
            .with_message("bad \u{1b}[2J")
            .with_labels(vec![cs::Label::primary(f, at..at + 6).with_message("x\ny")]);
        let out = render(&loader, &d);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out}");
        assert!(out.contains("\\u{1b}]0;x\\u{7}"), "{out}");
        assert!(
            out.contains("bad \\u{1b}[2J") && out.contains("x\\u{a}y"),
            "{out}"
        );
        // The column is the file's, the caret under the token in the escaped line.
        assert!(
            out.contains(&format!("c.json:1:{}", src[..at].chars().count() + 1)),
            "{out}"
        );
        let lines: Vec<&str> = out.lines().collect();
        let source = lines.iter().find(|l| l.starts_with("1 │")).expect("source");
        let carets = lines.iter().find(|l| l.contains('^')).expect("carets");
        let col = carets.find('^').expect("caret");
        assert!(source[col..].starts_with("\"Alow\""), "{out}");
    }
}
