//! Untrusted text made safe to print: the one place that decides which characters of a policy
//! may reach a terminal, a JSON document or a log as they are.
//!
//! A policy is untrusted input (it may come from the pull request under review), and so are
//! the file names of a `diff --git`. Their strings can hold control characters — ESC starts
//! terminal sequences that retitle the window, erase lines or write the clipboard, BEL rings,
//! CR overwrites a line — and Unicode bidirectional overrides that make text read differently
//! from what it is. Every such character is shown visibly, as Rust writes it: `\u{1b}`.
//!
//! - [`line`] escapes every unsafe character, line breaks included (tabs are kept): for a value
//!   shown on one line, a diagnostic's message and labels, and the source lines of a snippet;
//! - [`text`] keeps line breaks: for text whose own line breaks are layout (notes, whole
//!   reports);
//! - [`json`] writes a JSON value with the unsafe characters JSON allows raw escaped as
//!   `\uXXXX`, so that the document stays valid, means the same and is safe to print;
//! - [`shorten`] bounds a long value by cutting its middle;
//! - [`Sanitized`] applies [`text`] to everything written to a stream (colours pass through),
//!   so that no renderer can forget it: `commands::run` wraps stdout and stderr in it.

use std::borrow::Cow;
use std::io;

use codespan_reporting::term::termcolor::{ColorSpec, HyperlinkSpec, WriteColor};
use serde_json::Value;

/// Whether `c` must not reach an output as it is: C0 and C1 control characters and DEL, the
/// Unicode bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A–U+202E,
/// U+2066–U+2069) and the line and paragraph separators (U+2028, U+2029).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// `s` with every unsafe character that `keep` does not accept written as `\u{…}`.
fn escape(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe(c) && !keep(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` for one line of output: every unsafe character escaped, line breaks included; tabs are
/// kept (they are indentation in a snippet, and harmless).
pub fn line(s: &str) -> Cow<'_, str> {
    escape(s, |c| c == '\t')
}

/// `s` for text whose line breaks are its own: unsafe characters escaped except `\n` and tabs.
pub fn text(s: &str) -> Cow<'_, str> {
    escape(s, |c| c == '\n' || c == '\t')
}

/// `s`, at most `max` characters: a longer string keeps its beginning and its end around ` ... `.
pub fn shorten(s: &str, max: usize) -> Cow<'_, str> {
    let count = s.chars().count();
    if count <= max {
        return Cow::Borrowed(s);
    }
    let head = max * 2 / 3;
    let tail = max.saturating_sub(head);
    let start: String = s.chars().take(head).collect();
    let end: String = s.chars().skip(count - tail).collect();
    Cow::Owned(format!("{start} ... {end}"))
}

/// A JSON value as text (`pretty`: indented, as `{:#}` prints it), with the unsafe characters
/// JSON allows raw (DEL, C1 controls, bidirectional formatting, U+2028, U+2029) escaped as
/// `\uXXXX`. They can only occur inside strings of serde_json's output, so the result is valid
/// JSON with the same value.
pub fn json(value: &Value, pretty: bool) -> String {
    let raw = if pretty {
        format!("{value:#}")
    } else {
        value.to_string()
    };
    if !raw.chars().any(is_unsafe_in_json) {
        return raw;
    }
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        if is_unsafe_in_json(c) {
            // Every character `is_unsafe` names is in the Basic Multilingual Plane.
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// An unsafe character serde_json leaves raw; the layout's `\n` and the C0 controls inside
/// strings (which serde_json escapes) are not.
fn is_unsafe_in_json(c: char) -> bool {
    is_unsafe(c) && u32::from(c) >= 0x7f
}

/// A stream that writes everything through [`text`]; colour changes pass through untouched.
///
/// Renderers write whole strings, but a write may in principle end inside a UTF-8 sequence;
/// the unfinished bytes wait for the next write. Bytes that are not UTF-8 are written as U+FFFD.
pub struct Sanitized<'a> {
    inner: &'a mut dyn WriteColor,
    pending: Vec<u8>,
}

impl<'a> Sanitized<'a> {
    pub fn new(inner: &'a mut dyn WriteColor) -> Sanitized<'a> {
        Sanitized {
            inner,
            pending: Vec::new(),
        }
    }
}

impl io::Write for Sanitized<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Printable ASCII, line breaks and tabs pass as they are (what almost all output is):
        // no copy, no decoding.
        if self.pending.is_empty()
            && buf
                .iter()
                .all(|&b| (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t')
        {
            self.inner.write_all(buf)?;
            return Ok(buf.len());
        }
        self.pending.extend_from_slice(buf);
        let mut out = String::new();
        let mut rest: &[u8] = &self.pending;
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    out.push_str(&text(s));
                    rest = &[];
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    // `valid_up_to` says these bytes are UTF-8.
                    out.push_str(&text(&String::from_utf8_lossy(valid)));
                    match e.error_len() {
                        Some(n) => {
                            out.push('\u{fffd}');
                            rest = &after[n..];
                        }
                        // An unfinished sequence at the end: wait for the next write.
                        None => {
                            rest = after;
                            break;
                        }
                    }
                }
            }
        }
        let left = rest.to_vec();
        self.pending = left;
        self.inner.write_all(out.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl WriteColor for Sanitized<'_> {
    fn supports_color(&self) -> bool {
        self.inner.supports_color()
    }

    fn set_color(&mut self, spec: &ColorSpec) -> io::Result<()> {
        self.inner.set_color(spec)
    }

    fn reset(&mut self) -> io::Result<()> {
        self.inner.reset()
    }

    fn is_synchronous(&self) -> bool {
        self.inner.is_synchronous()
    }

    fn set_hyperlink(&mut self, link: &HyperlinkSpec) -> io::Result<()> {
        self.inner.set_hyperlink(link)
    }

    fn supports_hyperlinks(&self) -> bool {
        self.inner.supports_hyperlinks()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codespan_reporting::term::termcolor::{Ansi, Color, NoColor};
    use std::io::Write;

    #[test]
    fn control_and_bidi_characters_are_shown() {
        assert_eq!(line("a\u{1b}]0;x\u{7}b"), "a\\u{1b}]0;x\\u{7}b");
        assert_eq!(line("r\u{202e}l\u{2066}"), "r\\u{202e}l\\u{2066}");
        assert_eq!(line("a\r\nb\tc"), "a\\u{d}\\u{a}b\tc");
        assert_eq!(text("a\r\nb\tc\u{9b}"), "a\\u{d}\nb\tc\\u{9b}");
        assert!(matches!(line("plain é ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_stays_valid_and_equal() {
        let v = serde_json::json!({"a": "x\u{1b}\u{9b}\u{202e}\u{2028}\u{7f}y\n"});
        for pretty in [false, true] {
            let s = json(&v, pretty);
            assert!(!s.chars().any(|c| is_unsafe(c) && c != '\n'), "{s}");
            assert!(s.contains("\\u009b") && s.contains("\\u202e"), "{s}");
            let back: Value = serde_json::from_str(&s).expect("valid JSON");
            assert_eq!(back, v);
        }
    }

    #[test]
    fn long_values_are_shortened() {
        assert_eq!(shorten("abcdef", 6), "abcdef");
        assert_eq!(shorten("abcdefghij", 6), "abcd ... ij");
    }

    #[test]
    fn the_stream_escapes_text_and_keeps_colours() {
        let mut inner = Ansi::new(Vec::new());
        {
            let mut w = Sanitized::new(&mut inner);
            w.set_color(ColorSpec::new().set_fg(Some(Color::Red)))
                .expect("memory");
            writeln!(w, "x\u{1b}[2J").expect("memory");
            // A character split over two writes.
            let bidi = "\u{202e}".as_bytes();
            w.write_all(&bidi[..1]).expect("memory");
            w.write_all(&bidi[1..]).expect("memory");
            w.write_all(b"\xff!").expect("memory");
            w.reset().expect("memory");
        }
        let out = String::from_utf8(inner.into_inner()).expect("utf-8");
        assert_eq!(
            out,
            "\u{1b}[0m\u{1b}[31mx\\u{1b}[2J\n\\u{202e}\u{fffd}!\u{1b}[0m"
        );
        let mut plain = NoColor::new(Vec::new());
        write!(Sanitized::new(&mut plain), "\u{7}").expect("memory");
        assert_eq!(plain.into_inner(), b"\\u{7}");
    }
}
