//! A JSON reader that keeps source spans, reports duplicate keys and never recurses
//! without bound.
//!
//! Policies need what generic JSON libraries drop: the byte range of every value and key (so
//! diagnostics can point into the file), every key of an object in order including duplicates
//! (IAM rejects duplicate keys), and a precise position for the first bad character.
//! A JSON string can itself hold a policy (`aws lambda get-policy` output); [`parse_embedded`]
//! parses such a decoded string while mapping spans back to the enclosing file.

use std::collections::hash_map::{Entry, HashMap};

use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};

/// A JSON value with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    pub kind: JsonKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JsonKind {
    Null,
    Bool(bool),
    /// The number exactly as written (IAM treats numbers as their text).
    Number(String),
    String(JsonString),
    Array(Vec<Json>),
    /// Members in source order; duplicates are kept (and reported by [`duplicate_keys`]).
    Object(Vec<Member>),
}

/// A decoded string with the source offset of every decoded byte, so that a policy embedded in
/// a string can be parsed with spans into the enclosing file.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonString {
    pub text: String,
    /// `offsets[i]` = absolute source offset of the source character that produced decoded byte
    /// `i` (for an escape, its backslash); `offsets.len() == text.len() + 1`, the last entry
    /// being the offset of the closing quote.
    pub offsets: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Json,
}

/// How deep arrays and objects may nest before the reader gives up with a diagnostic.
pub const MAX_DEPTH: usize = 128;

/// Parses `src` as one JSON document: the value, or the first syntax error pointing at the
/// first bad character. Duplicate keys are reported separately by [`duplicate_keys`].
pub fn parse(src: &str, file: FileId) -> Result<Json, Diagnostic> {
    Reader {
        src: src.as_bytes(),
        text: src,
        pos: 0,
        file,
        map: None,
    }
    .document()
}

/// Parses the decoded text of a JSON string that holds a JSON document, mapping every span
/// back to the source of the enclosing file through `embedded.offsets`.
pub fn parse_embedded(embedded: &JsonString, file: FileId) -> Result<Json, Diagnostic> {
    Reader {
        src: embedded.text.as_bytes(),
        text: &embedded.text,
        pos: 0,
        file,
        map: Some(&embedded.offsets),
    }
    .document()
}

impl JsonString {
    /// The text with `%XX` escapes decoded (IAM returns policy documents URL-encoded, as in
    /// `aws iam get-account-authorization-details`), each decoded byte keeping the source
    /// offset of the character it came from. `None` when the result is not UTF-8 or an escape
    /// is malformed.
    pub fn url_decoded(&self) -> Option<JsonString> {
        let bytes = self.text.as_bytes();
        let mut text = Vec::with_capacity(bytes.len());
        let mut offsets = Vec::with_capacity(bytes.len() + 1);
        let mut i = 0;
        while i < bytes.len() {
            let at = *self.offsets.get(i)?;
            if bytes[i] == b'%' {
                let hex = self.text.get(i + 1..i + 3)?;
                text.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            } else {
                text.push(bytes[i]);
                i += 1;
            }
            offsets.push(at);
        }
        offsets.push(*self.offsets.last()?);
        Some(JsonString {
            text: String::from_utf8(text).ok()?,
            offsets,
        })
    }
}

/// Every key that occurs more than once in one object, anywhere in the document: a
/// diagnostic per repeated occurrence, with the first occurrence as a secondary label. Keys are
/// compared exactly (case-sensitively), in time linear in the size of the document.
pub fn duplicate_keys(value: &Json) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut stack = vec![value];
    let mut first_spans: HashMap<&str, Span> = HashMap::new();
    while let Some(v) = stack.pop() {
        match &v.kind {
            JsonKind::Array(items) => stack.extend(items.iter().rev()),
            // A small object (a request, most policy elements) is checked pairwise, which is
            // cheaper than hashing; a large one through the map, which keeps it linear.
            JsonKind::Object(members) if members.len() <= SMALL_OBJECT => {
                for (i, m) in members.iter().enumerate() {
                    if let Some(first) = members[..i].iter().find(|f| f.key == m.key) {
                        out.push(duplicate(m, first.key_span));
                    }
                }
                stack.extend(members.iter().rev().map(|m| &m.value));
            }
            JsonKind::Object(members) => {
                first_spans.clear();
                for m in members {
                    match first_spans.entry(m.key.as_str()) {
                        Entry::Vacant(e) => {
                            e.insert(m.key_span);
                        }
                        Entry::Occupied(first) => out.push(duplicate(m, *first.get())),
                    }
                }
                stack.extend(members.iter().rev().map(|m| &m.value));
            }
            _ => {}
        }
    }
    out
}

/// Objects with at most this many members are checked for duplicate keys pairwise.
const SMALL_OBJECT: usize = 16;

/// The diagnostic of member `m`, whose key was first defined at `first`.
fn duplicate(m: &Member, first: Span) -> Diagnostic {
    Diagnostic::error(
        "duplicate-key",
        format!("duplicate key `{}`", m.key),
        m.key_span,
    )
    .with_label("repeated here")
    .with_secondary(first, "first defined here")
}

struct Reader<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    file: FileId,
    map: Option<&'a [u32]>,
}

/// A container being built.
enum Frame {
    Array {
        start: usize,
        items: Vec<Json>,
    },
    Object {
        start: usize,
        members: Vec<Member>,
        key: Option<(String, Span)>,
    },
}

impl<'a> Reader<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        match self.map {
            None => Span::new(self.file, start, end),
            Some(map) => {
                let at = |i: usize| map.get(i).or(map.last()).copied().unwrap_or(0) as usize;
                let s = at(start);
                let e = if end > start { at(end) } else { s };
                Span::new(self.file, s, e.max(s))
            }
        }
    }

    fn error_here(&self, message: String) -> Diagnostic {
        let (len, note) = match self.text[self.pos.min(self.text.len())..].chars().next() {
            Some(c) => (c.len_utf8(), matches!(c, '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}').then_some("typographic quotes are not JSON quotes; replace them with straight quotes `\"`")),
            None => (0, None),
        };
        let mut d = Diagnostic::error("json-syntax", message, self.span(self.pos, self.pos + len));
        if let Some(n) = note {
            d = d.with_note(n);
        }
        d
    }

    fn unexpected(&self, expected: &str) -> Diagnostic {
        match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            None => self.error_here(format!("unexpected end of input, expected {expected}")),
            Some(c) if c.is_ascii_graphic() => {
                self.error_here(format!("expected {expected}, found `{c}`"))
            }
            Some(c) => self.error_here(format!(
                "expected {expected}, found `{c}` (U+{:04X}{})",
                c as u32,
                unicode_name(c)
            )),
        }
        .with_label(format!("expected {expected}"))
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.src.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn document(mut self) -> Result<Json, Diagnostic> {
        if self.text.starts_with('\u{FEFF}') {
            self.pos = 3;
        }
        self.skip_ws();
        if self.pos >= self.src.len() {
            return Err(
                Diagnostic::error("json-empty", "the file is empty", self.span(0, 0))
                    .with_label("expected a JSON policy document"),
            );
        }
        let value = self.value()?;
        self.skip_ws();
        if self.pos < self.src.len() {
            return Err(self
                .error_here("trailing characters after the JSON document".into())
                .with_label("unexpected text after the end of the document"));
        }
        Ok(value)
    }

    /// Reads one value with an explicit stack (no recursion).
    fn value(&mut self) -> Result<Json, Diagnostic> {
        let mut stack: Vec<Frame> = Vec::new();
        loop {
            self.skip_ws();
            // Either start a value, or close the container on top of the stack.
            let mut done: Option<Json> = match self.src.get(self.pos) {
                Some(b'{') => {
                    self.check_depth(stack.len())?;
                    stack.push(Frame::Object {
                        start: self.pos,
                        members: Vec::new(),
                        key: None,
                    });
                    self.pos += 1;
                    self.skip_ws();
                    if self.src.get(self.pos) == Some(&b'}') {
                        None
                    } else {
                        self.object_key(&mut stack)?;
                        continue;
                    }
                }
                Some(b'[') => {
                    self.check_depth(stack.len())?;
                    stack.push(Frame::Array {
                        start: self.pos,
                        items: Vec::new(),
                    });
                    self.pos += 1;
                    self.skip_ws();
                    if self.src.get(self.pos) == Some(&b']') {
                        None
                    } else {
                        continue;
                    }
                }
                _ => Some(self.scalar()?),
            };
            // Attach `done` to the parent, closing containers as their ends are reached.
            loop {
                if done.is_none() {
                    // Close the top container (its closing bracket is at self.pos).
                    let end = self.pos + 1;
                    self.pos += 1;
                    done = Some(match stack.pop() {
                        Some(Frame::Array { start, items }) => Json {
                            kind: JsonKind::Array(items),
                            span: self.span(start, end),
                        },
                        Some(Frame::Object { start, members, .. }) => Json {
                            kind: JsonKind::Object(members),
                            span: self.span(start, end),
                        },
                        None => return Err(self.unexpected("a value")),
                    });
                }
                let Some(value) = done.take() else { continue };
                let Some(top) = stack.last_mut() else {
                    return Ok(value);
                };
                match top {
                    Frame::Array { items, .. } => items.push(value),
                    Frame::Object { members, key, .. } => {
                        let (k, ks) = key.take().unwrap_or_default();
                        members.push(Member {
                            key: k,
                            key_span: ks,
                            value,
                        });
                    }
                }
                self.skip_ws();
                let is_array = matches!(stack.last(), Some(Frame::Array { .. }));
                match (self.src.get(self.pos), is_array) {
                    (Some(b','), true) => {
                        self.pos += 1;
                        break;
                    }
                    (Some(b','), false) => {
                        self.pos += 1;
                        self.skip_ws();
                        self.object_key(&mut stack)?;
                        break;
                    }
                    (Some(b']'), true) | (Some(b'}'), false) => continue,
                    (_, true) => return Err(self.unexpected("`,` or `]`")),
                    (_, false) => return Err(self.unexpected("`,` or `}`")),
                }
            }
        }
    }

    /// Refuses to open one more container beyond [`MAX_DEPTH`].
    fn check_depth(&self, depth: usize) -> Result<(), Diagnostic> {
        if depth < MAX_DEPTH {
            return Ok(());
        }
        Err(Diagnostic::error(
            "json-too-deep",
            format!("JSON nested deeper than {MAX_DEPTH} levels"),
            self.span(self.pos, self.pos + 1),
        )
        .with_label("too deep"))
    }

    /// Reads `"key":` for the object on top of the stack.
    fn object_key(&mut self, stack: &mut [Frame]) -> Result<(), Diagnostic> {
        if self.src.get(self.pos) != Some(&b'"') {
            return Err(self.unexpected("`\"` to start an object key"));
        }
        let start = self.pos;
        let s = self.string()?;
        let key_span = self.span(start, self.pos);
        self.skip_ws();
        if self.src.get(self.pos) != Some(&b':') {
            return Err(self.unexpected("`:` after the object key"));
        }
        self.pos += 1;
        if let Some(Frame::Object { key, .. }) = stack.last_mut() {
            *key = Some((s.text, key_span));
        }
        Ok(())
    }

    fn scalar(&mut self) -> Result<Json, Diagnostic> {
        let start = self.pos;
        let kind = match self.src.get(self.pos) {
            Some(b'"') => JsonKind::String(self.string()?),
            Some(b't') if self.src[self.pos..].starts_with(b"true") => {
                self.pos += 4;
                JsonKind::Bool(true)
            }
            Some(b'f') if self.src[self.pos..].starts_with(b"false") => {
                self.pos += 5;
                JsonKind::Bool(false)
            }
            Some(b'n') if self.src[self.pos..].starts_with(b"null") => {
                self.pos += 4;
                JsonKind::Null
            }
            Some(b'-' | b'0'..=b'9') => JsonKind::Number(self.number()?),
            _ => return Err(self.unexpected("a value")),
        };
        Ok(Json {
            kind,
            span: self.span(start, self.pos),
        })
    }

    fn number(&mut self) -> Result<String, Diagnostic> {
        let start = self.pos;
        let digits = |r: &mut Reader| {
            let s = r.pos;
            while r.src.get(r.pos).is_some_and(u8::is_ascii_digit) {
                r.pos += 1;
            }
            r.pos > s
        };
        if self.src.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        if self.src.get(self.pos) == Some(&b'0') {
            self.pos += 1;
        } else if !digits(self) {
            return Err(self.unexpected("a digit"));
        }
        if self.src.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.unexpected("a digit after `.`"));
            }
        }
        if matches!(self.src.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.src.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.unexpected("a digit in the exponent"));
            }
        }
        Ok(self.text[start..self.pos].to_string())
    }

    fn string(&mut self) -> Result<JsonString, Diagnostic> {
        self.pos += 1; // opening quote
        let mut text = String::new();
        let mut offsets: Vec<u32> = Vec::new();
        let abs = |r: &Reader, i: usize| -> u32 {
            match r.map {
                Some(map) => map.get(i).or(map.last()).copied().unwrap_or(0),
                None => u32::try_from(i).unwrap_or(u32::MAX),
            }
        };
        loop {
            let Some(&b) = self.src.get(self.pos) else {
                return Err(self
                    .error_here("unterminated string".into())
                    .with_label("the string is not closed"));
            };
            match b {
                b'"' => {
                    offsets.push(abs(self, self.pos));
                    self.pos += 1;
                    return Ok(JsonString { text, offsets });
                }
                b'\\' => {
                    let at = self.pos;
                    let c = match self.src.get(self.pos + 1) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let hi = self.hex4(self.pos + 2)?;
                            let (code, len) = if (0xD800..0xDC00).contains(&hi) {
                                if self.src.get(self.pos + 6) != Some(&b'\\')
                                    || self.src.get(self.pos + 7) != Some(&b'u')
                                {
                                    return Err(self
                                        .error_here("unpaired surrogate in `\\u` escape".into()));
                                }
                                let lo = self.hex4(self.pos + 8)?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self
                                        .error_here("unpaired surrogate in `\\u` escape".into()));
                                }
                                (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00), 12)
                            } else if (0xDC00..0xE000).contains(&hi) {
                                return Err(
                                    self.error_here("unpaired surrogate in `\\u` escape".into())
                                );
                            } else {
                                (hi, 6)
                            };
                            let c = char::from_u32(code)
                                .ok_or_else(|| self.error_here("invalid `\\u` escape".into()))?;
                            self.push(&mut text, &mut offsets, c, abs(self, at));
                            self.pos += len;
                            continue;
                        }
                        _ => {
                            return Err(self
                                .error_here("invalid escape in string".into())
                                .with_label(
                                    "valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX",
                                ))
                        }
                    };
                    self.push(&mut text, &mut offsets, c, abs(self, at));
                    self.pos += 2;
                }
                0..=0x1f => {
                    return Err(self
                        .error_here("control character in string".into())
                        .with_label("escape it, e.g. `\\n`"))
                }
                _ => {
                    // A run of ordinary characters, copied at once: it ends at a quote, a
                    // backslash, a control character or the end of the text, all ASCII, so
                    // both ends are on character boundaries.
                    let start = self.pos;
                    let end = self.src[start..]
                        .iter()
                        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                        .map_or(self.src.len(), |n| start + n);
                    text.push_str(&self.text[start..end]);
                    offsets.extend((start..end).map(|i| abs(self, i)));
                    self.pos = end;
                }
            }
        }
    }

    fn push(&self, text: &mut String, offsets: &mut Vec<u32>, c: char, at: u32) {
        text.push(c);
        offsets.extend(std::iter::repeat_n(at, c.len_utf8()));
    }

    fn hex4(&self, at: usize) -> Result<u32, Diagnostic> {
        let digits = self
            .text
            .get(at..at + 4)
            .filter(|d| d.chars().all(|c| c.is_ascii_hexdigit()));
        digits
            .and_then(|d| u32::from_str_radix(d, 16).ok())
            .ok_or_else(|| self.error_here("invalid `\\u` escape: expected four hex digits".into()))
    }
}

fn unicode_name(c: char) -> &'static str {
    match c {
        '\u{201C}' => " LEFT DOUBLE QUOTATION MARK",
        '\u{201D}' => " RIGHT DOUBLE QUOTATION MARK",
        '\u{2018}' => " LEFT SINGLE QUOTATION MARK",
        '\u{2019}' => " RIGHT SINGLE QUOTATION MARK",
        '\u{FEFF}' => " BYTE ORDER MARK",
        _ => "",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    const F: FileId = FileId(0);

    #[test]
    fn values_and_spans() {
        let src = r#"{"a": [1, -2.5e3, true, null], "b": "x\ny", "a": {}}"#;
        let v = parse(src, F).unwrap();
        let JsonKind::Object(m) = &v.kind else {
            panic!()
        };
        assert_eq!(m.len(), 3);
        assert_eq!(&src[m[0].key_span.range()], "\"a\"");
        assert_eq!(&src[m[0].value.span.range()], "[1, -2.5e3, true, null]");
        let JsonKind::String(s) = &m[1].value.kind else {
            panic!()
        };
        assert_eq!(s.text, "x\ny");
        assert_eq!(s.offsets.len(), s.text.len() + 1);
        assert_eq!(s.offsets[1] as usize, src.find("\\n").unwrap());
        let d = duplicate_keys(&v);
        assert_eq!(d.len(), 1);
        assert_eq!(&src[d[0].labels[0].span.range()], "\"a\"");
        assert_eq!(
            d[0].labels[0].span.start as usize,
            src.rfind("\"a\"").unwrap()
        );
    }

    #[test]
    fn seed_004_points_at_the_first_curly_quote() {
        let src = "{\n\"Version\": \"2012-10-17\",\n\"Statement\": [\n    {\n    \"Sid\": \"AllowLambdaTagOnCreate\",\n    \"Effect\": \"Allow\",\n    \"Action\": [\n        \"lambda:CreateFunction\",\n        \u{201C}lambda:TagResource\"\n    ]\n}]}";
        let e = parse(src, F).unwrap_err();
        let at = src.find('\u{201C}').unwrap();
        assert_eq!(e.labels[0].span.start as usize, at);
        assert_eq!(e.labels[0].span.end as usize, at + 3);
        assert!(
            e.message.contains("LEFT DOUBLE QUOTATION MARK"),
            "{}",
            e.message
        );
        assert!(!e.notes.is_empty());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = "[".repeat(100_000);
        let e = parse(&src, F).unwrap_err();
        assert_eq!(e.code, "json-too-deep");
        let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse(&ok, F).is_ok());
    }

    #[test]
    fn empty_bom_and_trailing() {
        assert_eq!(parse("  \n", F).unwrap_err().code, "json-empty");
        assert!(parse("\u{FEFF}{}", F).is_ok());
        assert_eq!(
            parse("{} x", F).unwrap_err().message,
            "trailing characters after the JSON document"
        );
        assert!(parse("{\"a\": 01}", F).is_err());
        assert!(parse("{\"a\" 1}", F).is_err());
        assert!(parse("[1,]", F).is_err());
        assert!(parse("{\"a\":1,}", F).is_err());
        assert!(parse("\"\\ud800\"", F).is_err());
        assert_eq!(
            parse("\"\\ud83d\\ude00\"", F).unwrap().kind,
            JsonKind::String(JsonString {
                text: "😀".into(),
                offsets: vec![1, 1, 1, 1, 13]
            })
        );
    }

    #[test]
    fn embedded_policy_maps_spans_to_the_file() {
        let src =
            r#"{"Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}", "RevisionId": "x"}"#;
        let outer = parse(src, F).unwrap();
        let JsonKind::Object(m) = &outer.kind else {
            panic!()
        };
        let JsonKind::String(s) = &m[0].value.kind else {
            panic!()
        };
        let inner = parse_embedded(s, F).unwrap();
        let JsonKind::Object(im) = &inner.kind else {
            panic!()
        };
        assert_eq!(&src[im[0].key_span.range()], "\\\"Version\\\"");
        let bad = JsonString {
            text: "{\"a\" 1}".into(),
            offsets: (10..18).collect(),
        };
        let e = parse_embedded(&bad, F).unwrap_err();
        assert_eq!(e.labels[0].span.start, 15);
    }

    #[test]
    fn duplicate_keys_among_200k_are_found_in_linear_time() {
        // Quadratic before: 200k keys took close to a minute.
        let n = 200_000;
        let mut members: Vec<String> = (0..n).map(|i| format!("\"k{i}\": {i}")).collect();
        members.push(r#""k7": "again""#.into());
        members.push(r#""K7": "other case""#.into());
        members.push(r#""k7": "third""#.into());
        let src = format!(
            "{{{}, \"inner\": {{\"x\": 1, \"x\": 2}}}}",
            members.join(", ")
        );
        let v = parse(&src, F).unwrap();
        let d = duplicate_keys(&v);
        // Both repeats of `k7` (not `K7`: keys are case-sensitive), then the nested `x`.
        assert_eq!(d.len(), 3, "{d:?}");
        let first = src.find("\"k7\"").unwrap();
        let repeats: Vec<usize> = src
            .match_indices("\"k7\"")
            .map(|(i, _)| i)
            .skip(1)
            .collect();
        for (diag, at) in d.iter().zip(&repeats) {
            assert_eq!(diag.message, "duplicate key `k7`");
            assert_eq!(diag.labels[0].span.start as usize, *at);
            assert_eq!(diag.labels[1].span.start as usize, first);
        }
        assert_eq!(d[2].message, "duplicate key `x`");
        assert_eq!(&src[d[2].labels[0].span.range()], "\"x\"");
        assert_eq!(
            d[2].labels[1].span.start as usize,
            src.find("\"x\"").unwrap()
        );
    }

    #[test]
    fn large_document() {
        let stmt = r#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::bucket/*"}"#;
        let n = 10_000_000 / stmt.len();
        let src = format!(
            "{{\"Version\": \"2012-10-17\", \"Statement\": [{}]}}",
            vec![stmt; n].join(",")
        );
        let v = parse(&src, F).unwrap();
        let JsonKind::Object(m) = &v.kind else {
            panic!()
        };
        let JsonKind::Array(items) = &m[1].value.kind else {
            panic!()
        };
        assert_eq!(items.len(), n);
    }
}
