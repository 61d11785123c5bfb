//! A JSON Lines file of requests, for `simulate --requests FILE`: one request a line, each an
//! object of the request contract (`encodings/src/request.rs`), blank lines skipped.
//!
//! The file is read a line at a time, so a file of millions of requests is decided in bounded
//! memory: a line may hold at most [`MAX_LINE_BYTES`], the file any number of lines. `-` reads
//! standard input. The file is opened with the checks every named file gets
//! ([`super::file::open_named`]).
//!
//! A line that is not a request (bad JSON, an unknown field, a Lambda action on the wrong
//! resource, …) does not stop the others: [`RequestLines::next`] hands back its number and the
//! first error, and for the first [`MAX_SHOWN`] such lines records the parser's diagnostics in
//! the [`Loader`], pointing at the right line and column of the file. To get those positions,
//! the line is registered in the file database behind as many newlines as lines come before
//! it, under the file's name, and parsed again there; only lines shown pay for it.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use airtight_encodings::diagnostic::{Diagnostic, Severity};
use airtight_encodings::request::{parse_request, Request};
use airtight_encodings::span::FileId;

use super::file::{open_named, slashes};
use super::Loader;

/// The longest line read: 1 MiB. A request is a few hundred bytes; a longer line is refused
/// (and skipped) rather than held in memory.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// Bad lines whose diagnostics are recorded; the rest are only counted.
pub const MAX_SHOWN: usize = 50;

/// A file id for lines parsed outside the database (their spans are never shown).
const UNREGISTERED: FileId = FileId(u32::MAX);

/// One line that is not a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based.
    pub line: usize,
    /// The first error, in one sentence.
    pub message: String,
}

/// The requests of a JSON Lines file, in order.
pub struct RequestLines {
    reader: Box<dyn BufRead>,
    /// The file as named on the command line.
    name: String,
    /// The number of the last line read.
    line: usize,
    buf: Vec<u8>,
    bad: usize,
    done: bool,
}

impl RequestLines {
    /// Opens `path` (`-`: standard input). On failure records a diagnostic naming the file and
    /// returns `None`.
    pub fn open(path: &Path, loader: &mut Loader) -> Option<RequestLines> {
        let name = slashes(path);
        let reader: Box<dyn BufRead> = if path == Path::new("-") {
            Box::new(BufReader::new(std::io::stdin()))
        } else {
            match open_named(path) {
                Ok(file) => Box::new(BufReader::with_capacity(1 << 16, file)),
                Err(e) => {
                    loader.extend_diagnostics([Diagnostic::whole_file(e.code(), e.to_string())]);
                    return None;
                }
            }
        };
        Some(RequestLines {
            reader,
            name,
            line: 0,
            buf: Vec::new(),
            bad: 0,
            done: false,
        })
    }

    /// The file's name, as given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How many lines so far were not requests.
    pub fn bad_lines(&self) -> usize {
        self.bad
    }

    /// The next request with its line number, a line that is not one, or `None` at the end of
    /// the file (or after a read error, which is reported as a bad line first).
    pub fn next(&mut self, loader: &mut Loader) -> Option<Result<(usize, Request), BadLine>> {
        loop {
            if self.done {
                return None;
            }
            match self.read_line() {
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Ok(true) => {}
                Err(message) => return Some(Err(self.bad_line(loader, message, None))),
            }
            let Ok(text) = std::str::from_utf8(&self.buf) else {
                let message = "the line is not valid UTF-8".to_string();
                return Some(Err(self.bad_line(loader, message, None)));
            };
            let text = text.trim_end_matches(['\n', '\r']);
            if text.trim().is_empty() {
                continue;
            }
            return Some(match parse_request(text, UNREGISTERED) {
                Ok(request) => Ok((self.line, request)),
                Err(diagnostics) => {
                    let message = first_error(&diagnostics);
                    let text = text.to_string();
                    Err(self.bad_line(loader, message, Some(&text)))
                }
            });
        }
    }

    /// Reads the next line into `buf`: `Ok(false)` at the end of the file, `Err` with a message
    /// for a line longer than [`MAX_LINE_BYTES`] (skipped) or a read error (the end).
    fn read_line(&mut self) -> Result<bool, String> {
        self.buf.clear();
        let limit = MAX_LINE_BYTES as u64 + 1;
        let read = (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut self.buf);
        match read {
            Ok(0) => Ok(false),
            Ok(_) => {
                self.line += 1;
                if self.buf.len() > MAX_LINE_BYTES && self.buf.last() != Some(&b'\n') {
                    self.skip_rest_of_line()?;
                    return Err(format!(
                        "the line is longer than {} MiB, the most airtight reads as one request",
                        MAX_LINE_BYTES >> 20
                    ));
                }
                Ok(true)
            }
            Err(e) => {
                self.done = true;
                Err(format!("cannot read `{}`: {e}", self.name))
            }
        }
    }

    /// Discards the rest of an overlong line, a buffer at a time.
    fn skip_rest_of_line(&mut self) -> Result<(), String> {
        loop {
            let (used, found) = match self.reader.fill_buf() {
                Ok([]) => return Ok(()),
                Ok(available) => match available.iter().position(|b| *b == b'\n') {
                    Some(i) => (i + 1, true),
                    None => (available.len(), false),
                },
                Err(e) => {
                    self.done = true;
                    return Err(format!("cannot read `{}`: {e}", self.name));
                }
            };
            self.reader.consume(used);
            if found {
                return Ok(());
            }
        }
    }

    /// Counts a bad line and, for the first [`MAX_SHOWN`], records its diagnostics: the
    /// parser's, placed at the line (`text`), or one about the whole line.
    fn bad_line(&mut self, loader: &mut Loader, message: String, text: Option<&str>) -> BadLine {
        self.bad += 1;
        if self.bad <= MAX_SHOWN {
            let diagnostics = match text {
                Some(text) => {
                    let before = "\n".repeat(self.line.saturating_sub(1));
                    let file = loader.add(self.name.clone(), format!("{before}{text}"));
                    match parse_request(loader.source(file), file) {
                        Err(diagnostics) => diagnostics,
                        Ok(_) => vec![self.whole_line(&message)],
                    }
                }
                None => vec![self.whole_line(&message)],
            };
            loader.extend_diagnostics(diagnostics);
        }
        BadLine {
            line: self.line,
            message,
        }
    }

    fn whole_line(&self, message: &str) -> Diagnostic {
        Diagnostic::whole_file(
            "invalid-request",
            format!("`{}` line {}: {message}", self.name, self.line),
        )
    }
}

/// The message of the first error among `diagnostics`.
fn first_error(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
        .map_or_else(|| "not a request".to_string(), |d| d.message.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each line read: its number and action, or why it is not a request.
    type Read = Vec<Result<(usize, String), BadLine>>;

    fn reader(bytes: &[u8]) -> RequestLines {
        RequestLines {
            reader: Box::new(BufReader::new(std::io::Cursor::new(bytes.to_vec()))),
            name: "r.jsonl".into(),
            line: 0,
            buf: Vec::new(),
            bad: 0,
            done: false,
        }
    }

    fn lines(text: &str) -> (Read, Loader) {
        let mut loader = Loader::new();
        let mut reader = reader(text.as_bytes());
        let mut out = Vec::new();
        while let Some(next) = reader.next(&mut loader) {
            out.push(next.map(|(line, r)| (line, r.action)));
        }
        (out, loader)
    }

    #[test]
    fn requests_are_read_line_by_line_and_blank_lines_skipped() {
        let (out, loader) = lines(
            "{\"action\": \"s3:GetObject\", \"resource\": \"*\"}\n\n  \r\n{\"action\": \"s3:PutObject\", \"resource\": \"*\"}\r\n",
        );
        assert_eq!(
            out,
            [
                Ok((1, "s3:GetObject".to_string())),
                Ok((4, "s3:PutObject".to_string()))
            ]
        );
        assert!(loader.diagnostics().is_empty());
    }

    #[test]
    fn a_bad_line_is_reported_at_its_line_and_the_others_are_read() {
        let (out, loader) = lines(
            "{\"action\": \"s3:GetObject\", \"resource\": \"*\"}\n{\"action\": \"s3:GetObject\"}\n{\"action\": \"s3:PutObject\", \"resource\": \"*\"}",
        );
        assert_eq!(out.len(), 3);
        assert_eq!(
            out[1],
            Err(BadLine {
                line: 2,
                message: "the request has no `resource`".into()
            })
        );
        assert_eq!(out[2], Ok((3, "s3:PutObject".to_string())));
        let [d] = loader.diagnostics() else {
            panic!("one diagnostic: {:?}", loader.diagnostics());
        };
        let span = d.labels[0].span;
        let location = crate::report::line_column(&loader, span);
        assert_eq!(location, (2, 1));
        assert_eq!(loader.name(span.file), "r.jsonl");
    }

    #[test]
    fn an_overlong_line_is_skipped() {
        let long = format!("{{\"action\": \"{}\"}}", "x".repeat(MAX_LINE_BYTES));
        let text = format!("{long}\n{{\"action\": \"s3:GetObject\", \"resource\": \"*\"}}\n");
        let (out, _) = lines(&text);
        assert!(
            matches!(&out[0], Err(BadLine { line: 1, message }) if message.contains("longer than 1 MiB"))
        );
        assert_eq!(out[1], Ok((2, "s3:GetObject".to_string())));
    }

    #[test]
    fn invalid_utf8_is_a_bad_line() {
        let mut loader = Loader::new();
        let mut reader = reader(b"\xff\xfe\n{\"action\": \"s3:GetObject\", \"resource\": \"*\"}\n");
        assert!(matches!(
            reader.next(&mut loader),
            Some(Err(BadLine { line: 1, .. }))
        ));
        assert!(matches!(reader.next(&mut loader), Some(Ok((2, _)))));
        assert!(reader.next(&mut loader).is_none());
        assert_eq!(reader.bad_lines(), 1);
    }
}
