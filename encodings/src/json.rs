//! A JSON reader that keeps source spans, reports duplicate keys and never recurses
//! without bound.
//!
//! Policies need what generic JSON libraries drop: the byte range of every value and key (so
//! diagnostics can point into the file), every key of an object in order including duplicates
//! (IAM rejects duplicate keys), and a precise position for the first bad character.
//! A JSON string can itself hold a policy (`aws lambda get-policy` output); [`parse_embedded`]
//! parses such a decoded string while mapping spans back to the enclosing file.

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
    /// Members in source order; duplicates are kept (and reported separately).
    Object(Vec<Member>),
}

/// A decoded string with, when it contained escapes, the source offset of every decoded byte,
/// so that a policy embedded in a string can be parsed with spans into the enclosing file.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonString {
    pub text: String,
    /// `offsets[i]` = absolute source offset of decoded byte `i`; `offsets.len() == text.len() + 1`
    /// (the last entry is the offset of the closing quote).
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

/// Parses `src` as one JSON document. Returns the value, or the diagnostics (the first syntax
/// error, pointing at the first bad character; duplicate keys are reported with the value, see
/// [`duplicate_keys`]).
pub fn parse(src: &str, file: FileId) -> Result<Json, Diagnostic> {
    todo_parse(src, file, None)
}

/// Parses the decoded text of a JSON string that holds a JSON document, mapping every span
/// back to the source of the enclosing file through `embedded.offsets`.
pub fn parse_embedded(embedded: &JsonString, file: FileId) -> Result<Json, Diagnostic> {
    todo_parse(&embedded.text, file, Some(&embedded.offsets))
}

/// Every key that occurs more than once in one object, anywhere in the document:
/// a diagnostic per repeated occurrence pointing at it, with the first occurrence as a
/// secondary label.
pub fn duplicate_keys(value: &Json) -> Vec<Diagnostic> {
    let _ = value;
    Vec::new()
}

fn todo_parse(src: &str, file: FileId, offsets: Option<&[u32]>) -> Result<Json, Diagnostic> {
    let _ = (src, offsets);
    Err(Diagnostic::error("json-syntax", "not implemented", Span::new(file, 0, 0)))
}
