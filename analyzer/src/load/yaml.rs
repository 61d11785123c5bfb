//! YAML text → the spanned JSON tree the policy parser reads ([`Json`]), so that a CloudFormation
//! or SAM template written in YAML gets the same diagnostics, with line and column, as a JSON
//! file.
//!
//! The events come from `saphyr-parser` (a maintained, YAML 1.2 event parser that reports a
//! start and end marker for every node and keeps tags); the tree is built here with an explicit
//! stack, never by recursion.
//!
//! | YAML | becomes |
//! |---|---|
//! | a mapping (block or flow) | an object; keys must be scalars; duplicate keys are kept (and reported by [`json::duplicate_keys`]) |
//! | a sequence | an array |
//! | a quoted, literal (`\|`) or folded (`>`) scalar, or one tagged `!!str` | a string |
//! | a plain scalar `null`, `~` or nothing | null |
//! | a plain scalar `true` / `false` (any case) | a boolean |
//! | a plain scalar that reads as a decimal number | a number (its text) |
//! | any other plain scalar | a string |
//! | `!Ref X` | `{"Ref": X}` |
//! | `!Condition X` | `{"Condition": X}` |
//! | `!Sub`, `!GetAtt`, `!Join`, `!If`, … (the short forms CloudFormation defines) | `{"Fn::Sub": …}`, … (`!GetAtt A.B` stays the string `A.B`, as CloudFormation reads it) |
//! | `&anchor` and `*alias` | the anchored value, copied (at most [`MAX_ALIAS_NODES`] values in all) |
//! | another tag (`!Foo`) | an error: CloudFormation rejects it |
//! | a second document (`---`) | an error: a template is one document |
//!
//! Spans are byte offsets into the file: a key or a string covers its text without the quotes,
//! a tagged node covers its tag too, a mapping or sequence runs from its first character to the
//! end of its last value.

use std::collections::HashMap;

use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::json::{self, Json, JsonKind, JsonString, Member};
use airtight_encodings::span::{FileId, Span};
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

/// How many values aliases may copy in one file (a "billion laughs" document is refused).
pub const MAX_ALIAS_NODES: usize = 100_000;

/// The CloudFormation short forms and the long names they stand for.
const SHORT_FORMS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("Sub", "Fn::Sub"),
    ("GetAtt", "Fn::GetAtt"),
    ("Join", "Fn::Join"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("If", "Fn::If"),
    ("Equals", "Fn::Equals"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Not", "Fn::Not"),
    ("FindInMap", "Fn::FindInMap"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("ImportValue", "Fn::ImportValue"),
    ("GetAZs", "Fn::GetAZs"),
    ("Transform", "Fn::Transform"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("Length", "Fn::Length"),
    ("ForEach", "Fn::ForEach"),
];

/// Parses `src` as one YAML document into a spanned [`Json`] value, or the first error.
pub fn parse(src: &str, file: FileId) -> Result<Json, Diagnostic> {
    Builder::new(src, file).run()
}

/// A mapping or sequence being built.
enum Frame {
    Seq {
        start: usize,
        end: usize,
        tag: Option<String>,
        anchor: usize,
        items: Vec<Json>,
    },
    Map {
        start: usize,
        end: usize,
        tag: Option<String>,
        anchor: usize,
        members: Vec<Member>,
        key: Option<(String, Span)>,
    },
}

struct Builder<'s> {
    src: &'s str,
    file: FileId,
    /// Byte offset of every character index (`None` when the text is ASCII: they are equal).
    offsets: Option<Vec<u32>>,
    anchors: HashMap<usize, Json>,
    copied: usize,
}

impl<'s> Builder<'s> {
    fn new(src: &'s str, file: FileId) -> Builder<'s> {
        let offsets = (!src.is_ascii()).then(|| {
            let mut v: Vec<u32> = src
                .char_indices()
                .map(|(i, _)| u32::try_from(i).unwrap_or(u32::MAX))
                .collect();
            v.push(u32::try_from(src.len()).unwrap_or(u32::MAX));
            v
        });
        Builder {
            src,
            file,
            offsets,
            anchors: HashMap::new(),
            copied: 0,
        }
    }

    /// The byte offset of a character index.
    fn byte(&self, index: usize) -> usize {
        match &self.offsets {
            None => index.min(self.src.len()),
            Some(v) => v
                .get(index)
                .or(v.last())
                .map_or(self.src.len(), |o| *o as usize),
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end.max(start))
    }

    fn error(&self, message: impl Into<String>, at: usize) -> Diagnostic {
        let end = self.src[at.min(self.src.len())..]
            .chars()
            .next()
            .map_or(at, |c| at + c.len_utf8());
        Diagnostic::error("yaml-syntax", message, self.span(at, end))
    }

    fn run(mut self) -> Result<Json, Diagnostic> {
        let mut parser = Parser::new_from_str(self.src);
        let mut stack: Vec<Frame> = Vec::new();
        let mut root: Option<Json> = None;
        let mut documents = 0;
        while let Some(event) = parser.next_event() {
            let (event, marks) = match event {
                Ok(e) => e,
                Err(e) => {
                    let at = self.byte(e.marker().index());
                    return Err(self
                        .error(format!("YAML syntax error: {}", e.info()), at)
                        .with_label("here"));
                }
            };
            let (start, end) = (self.byte(marks.start.index()), self.byte(marks.end.index()));
            let done: Option<(Json, usize)> = match event {
                Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => None,
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        return Err(self
                            .error(
                                "a template is one YAML document; this is a second one",
                                start,
                            )
                            .with_label("second document"));
                    }
                    None
                }
                Event::Alias(id) => {
                    let Some(value) = self.anchors.get(&id) else {
                        return Err(self.error("an alias to an unknown anchor", start));
                    };
                    let size = count_nodes(value);
                    self.copied += size;
                    if self.copied > MAX_ALIAS_NODES {
                        return Err(self
                            .error(
                                format!("aliases copy more than {MAX_ALIAS_NODES} values"),
                                start,
                            )
                            .with_label("this alias")
                            .with_note(
                                "a template that expands this much is refused rather than read",
                            ));
                    }
                    Some((value.clone(), end))
                }
                Event::Scalar(text, style, anchor, tag) => {
                    let value = self.scalar(&text, style, tag.as_deref(), start, end)?;
                    if anchor > 0 {
                        self.anchors.insert(anchor, value.clone());
                    }
                    Some((value, end))
                }
                Event::SequenceStart(anchor, tag) => {
                    self.check_depth(stack.len(), start)?;
                    stack.push(Frame::Seq {
                        start,
                        end,
                        tag: self.tag_name(tag.as_deref(), start)?,
                        anchor,
                        items: Vec::new(),
                    });
                    None
                }
                Event::MappingStart(anchor, tag) => {
                    self.check_depth(stack.len(), start)?;
                    stack.push(Frame::Map {
                        start,
                        end,
                        tag: self.tag_name(tag.as_deref(), start)?,
                        anchor,
                        members: Vec::new(),
                        key: None,
                    });
                    None
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    // A flow container's end event covers its `]` or `}`; a block container's
                    // is empty, and the container ends with its last value.
                    let closing = (marks.end.index() > marks.start.index()).then_some(end);
                    let Some(frame) = stack.pop() else {
                        return Err(self.error("unbalanced YAML events", start));
                    };
                    let (value, anchor, last) = match frame {
                        Frame::Seq {
                            start,
                            end,
                            tag,
                            anchor,
                            items,
                        } => {
                            let last = closing.unwrap_or(end);
                            let span = self.span(start, last);
                            (
                                wrap(
                                    tag,
                                    Json {
                                        kind: JsonKind::Array(items),
                                        span,
                                    },
                                ),
                                anchor,
                                last,
                            )
                        }
                        Frame::Map {
                            start,
                            end,
                            tag,
                            anchor,
                            members,
                            key,
                        } => {
                            if let Some((k, span)) = key {
                                return Err(Diagnostic::error(
                                    "yaml-syntax",
                                    format!("the key `{k}` has no value"),
                                    span,
                                ));
                            }
                            let last = closing.unwrap_or(end);
                            let span = self.span(start, last);
                            (
                                wrap(
                                    tag,
                                    Json {
                                        kind: JsonKind::Object(members),
                                        span,
                                    },
                                ),
                                anchor,
                                last,
                            )
                        }
                    };
                    if anchor > 0 {
                        self.anchors.insert(anchor, value.clone());
                    }
                    Some((value, last))
                }
            };
            let Some((value, value_end)) = done else {
                continue;
            };
            match stack.last_mut() {
                None => root = Some(value),
                Some(Frame::Seq { items, end, .. }) => {
                    *end = (*end).max(value_end);
                    items.push(value);
                }
                Some(Frame::Map {
                    members, key, end, ..
                }) => {
                    *end = (*end).max(value_end);
                    match key.take() {
                        Some((k, key_span)) => members.push(Member {
                            key: k,
                            key_span,
                            value,
                        }),
                        None => match value.kind {
                            JsonKind::String(s) => *key = Some((s.text, value.span)),
                            JsonKind::Number(n) => *key = Some((n, value.span)),
                            JsonKind::Bool(b) => *key = Some((b.to_string(), value.span)),
                            JsonKind::Null => *key = Some(("null".into(), value.span)),
                            _ => return Err(Diagnostic::error(
                                "yaml-syntax",
                                "a mapping key must be a plain value, not a mapping or sequence",
                                value.span,
                            )),
                        },
                    }
                }
            }
        }
        root.ok_or_else(|| {
            Diagnostic::error("yaml-empty", "the file is empty", self.span(0, 0))
                .with_label("expected a template")
        })
    }

    fn check_depth(&self, depth: usize, at: usize) -> Result<(), Diagnostic> {
        if depth >= json::MAX_DEPTH {
            return Err(self
                .error(
                    format!("nesting deeper than {} levels", json::MAX_DEPTH),
                    at,
                )
                .with_label("too deep"));
        }
        Ok(())
    }

    /// The long name of a CloudFormation short-form tag; `None` for no tag or a core-schema
    /// tag; an error for any other tag.
    fn tag_name(&self, tag: Option<&Tag>, at: usize) -> Result<Option<String>, Diagnostic> {
        let Some(tag) = tag else { return Ok(None) };
        if tag.is_yaml_core_schema() {
            return Ok(None);
        }
        if tag.handle == "!" {
            if let Some((_, long)) = SHORT_FORMS.iter().find(|(s, _)| *s == tag.suffix) {
                return Ok(Some((*long).to_string()));
            }
        }
        Err(self
            .error(format!("unknown tag `{tag}`"), at)
            .with_label("CloudFormation does not define this tag")
            .with_note("the short forms are !Ref, !Sub, !GetAtt, !Join, !Select, !Split, !If, !Equals, !And, !Or, !Not, !FindInMap, !Base64, !Cidr, !ImportValue, !GetAZs, !Condition, !Transform, !ToJsonString, !Length"))
    }

    fn scalar(
        &self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        start: usize,
        end: usize,
    ) -> Result<Json, Diagnostic> {
        let short = self.tag_name(tag, start)?;
        // The value's own text, after the tag and without the quotes.
        let mut cs = start;
        if tag.is_some() {
            let rest = &self.src[start..end];
            let after_tag = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
            let skip = rest[after_tag..]
                .find(|c: char| !c.is_whitespace())
                .map_or(rest.len(), |i| after_tag + i);
            cs = start + skip;
        }
        let mut ce = end;
        if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) && ce > cs + 1 {
            cs += 1;
            ce -= 1;
        }
        let content = self.span(cs, ce);
        let forced_string = tag.is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "str");
        let kind = if style != ScalarStyle::Plain || forced_string || short.is_some() {
            JsonKind::String(self.string(text, cs, ce))
        } else {
            plain(text).unwrap_or_else(|| JsonKind::String(self.string(text, cs, ce)))
        };
        let value = Json {
            kind,
            span: content,
        };
        Ok(match short {
            Some(name) => Json {
                kind: JsonKind::Object(vec![Member {
                    key: name,
                    key_span: self.span(start, end),
                    value,
                }]),
                span: self.span(start, end),
            },
            None => value,
        })
    }

    /// A decoded string with the source offset of each byte: exact when the text is the source
    /// as written, else every byte at the value's start.
    fn string(&self, text: &str, cs: usize, ce: usize) -> JsonString {
        let exact = self.src.get(cs..ce) == Some(text);
        let at = |i: usize| u32::try_from(if exact { cs + i } else { cs }).unwrap_or(u32::MAX);
        let mut offsets: Vec<u32> = (0..text.len()).map(at).collect();
        offsets.push(u32::try_from(if exact { ce } else { cs }).unwrap_or(u32::MAX));
        JsonString {
            text: text.to_string(),
            offsets,
        }
    }
}

/// A tagged container as `{"Fn::X": container}`.
fn wrap(tag: Option<String>, value: Json) -> Json {
    match tag {
        None => value,
        Some(name) => Json {
            span: value.span,
            kind: JsonKind::Object(vec![Member {
                key: name,
                key_span: value.span,
                value,
            }]),
        },
    }
}

/// The type of a plain scalar that is not a string.
fn plain(text: &str) -> Option<JsonKind> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(JsonKind::Null),
        "true" | "True" | "TRUE" => return Some(JsonKind::Bool(true)),
        "false" | "False" | "FALSE" => return Some(JsonKind::Bool(false)),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match digits.find(['e', 'E']) {
        Some(i) => (&digits[..i], Some(&digits[i + 1..])),
        None => (digits, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let number = !(int.is_empty() && frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && exponent.is_none_or(|e| {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
        });
    number.then(|| JsonKind::Number(text.to_string()))
}

/// How many values a tree holds (for the alias budget).
fn count_nodes(value: &Json) -> usize {
    let mut n = 0;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        n += 1;
        match &v.kind {
            JsonKind::Array(items) => stack.extend(items),
            JsonKind::Object(members) => stack.extend(members.iter().map(|m| &m.value)),
            _ => {}
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'j>(v: &'j Json, key: &str) -> &'j Json {
        match &v.kind {
            JsonKind::Object(m) => &m.iter().find(|m| m.key == key).expect("key").value,
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn tags_become_intrinsics_with_spans() {
        let src = "A: !Sub 'arn:${X}'\nB: !GetAtt Fn.Arn\nC: !Join [\":\", [a, !Ref B]]\nD: \"q\"\nE: 12\nF: yes\n";
        let v = parse(src, FileId(0)).expect("parses");
        let a = at(&v, "A");
        let sub = at(a, "Fn::Sub");
        assert!(matches!(&sub.kind, JsonKind::String(s) if s.text == "arn:${X}"));
        assert_eq!(&src[sub.span.range()], "arn:${X}");
        assert_eq!(&src[a.span.range()], "!Sub 'arn:${X}'");
        let b = at(at(&v, "B"), "Fn::GetAtt");
        assert_eq!(&src[b.span.range()], "Fn.Arn");
        let c = at(at(&v, "C"), "Fn::Join");
        assert!(matches!(&c.kind, JsonKind::Array(items) if items.len() == 2));
        assert_eq!(&src[at(&v, "D").span.range()], "q");
        assert!(matches!(at(&v, "E").kind, JsonKind::Number(_)));
        assert!(matches!(&at(&v, "F").kind, JsonKind::String(s) if s.text == "yes"));
    }

    #[test]
    fn block_containers_end_at_their_last_value() {
        let src = "Top:\n  - a\n  - b\n\n\nNext: 1\n";
        let v = parse(src, FileId(0)).expect("parses");
        assert_eq!(&src[at(&v, "Top").span.range()], "- a\n  - b");
    }

    #[test]
    fn errors_point_at_lines() {
        let e = parse("A: [1, 2\nB: 3\n", FileId(0)).expect_err("bad");
        assert_eq!(e.code, "yaml-syntax");
        let e = parse("A: !Bogus x\n", FileId(0)).expect_err("bad tag");
        assert!(e.message.contains("!Bogus"));
        let e = parse("a: 1\n---\nb: 2\n", FileId(0)).expect_err("two documents");
        assert!(e.message.contains("one YAML document"));
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(&deep, FileId(0)).is_err());
    }

    #[test]
    fn aliases_are_copied_within_a_budget() {
        let v = parse("a: &x {k: v}\nb: *x\n", FileId(0)).expect("parses");
        assert!(matches!(at(at(&v, "b"), "k").kind, JsonKind::String(_)));
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(parse(&bomb, FileId(0)).is_err());
    }

    #[test]
    fn non_ascii_offsets_are_bytes() {
        let src = "é: \"ü\"\nk: v\n";
        let v = parse(src, FileId(0)).expect("parses");
        assert_eq!(&src[at(&v, "k").span.range()], "v");
    }
}
