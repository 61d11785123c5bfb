//! Many decisions, one line each: the output of `simulate --requests FILE`, in the order of
//! the file's lines.
//!
//! JSON Lines (`--format json`), one object a line, keys in this order:
//!
//! ```json
//! {"line": 3, "decision": "allow", "deciding": [ {statement} ], "reason": "why, in one sentence"}
//! {"line": 4, "error": "the request has no `resource`"}
//! ```
//!
//! `line` is the request's line in the file (blank lines are skipped, so it counts from 1 over
//! every line); a statement object is the one of `simulate --format json` ([`super::json`]). A
//! line that is not a request gives an `error` object, so that every request line has its
//! answer line.
//!
//! Text (`--format text`), one line each: `3: ALLOW: reason [Sid (file:4:5), …]` or
//! `4: ERROR: message`.
//!
//! A statement decides many requests, so each is rendered once and its text reused.

use std::collections::HashMap;
use std::io::{self, Write};

use airtight_encodings::eval::{Decision, Evaluation, StatementRef};

use crate::load::requests::BadLine;
use crate::load::Loader;
use crate::report::line_column;
use crate::report::sanitize;

/// Writes decisions as lines, JSON or text.
pub struct Lines {
    json: bool,
    /// A statement (file, start, end of its span) → its rendered text.
    statements: HashMap<(u32, u32, u32), String>,
}

impl Lines {
    /// JSON Lines when `json`, else text.
    pub fn new(json: bool) -> Lines {
        Lines {
            json,
            statements: HashMap::new(),
        }
    }

    /// The line of one decision; `loader` holds the policies.
    pub fn decision(
        &mut self,
        loader: &Loader,
        line: usize,
        evaluation: &Evaluation,
        w: &mut dyn Write,
    ) -> io::Result<()> {
        if self.json {
            write!(
                w,
                "{{\"line\":{line},\"decision\":\"{}\",\"deciding\":[",
                evaluation.decision.as_str()
            )?;
        } else {
            write!(w, "{line}: {}: ", word(evaluation.decision))?;
            write!(w, "{} [", sanitize::line(&evaluation.reason))?;
        }
        for (i, s) in evaluation.deciding.iter().enumerate() {
            if i > 0 {
                w.write_all(if self.json { b"," } else { b", " })?;
            }
            w.write_all(self.statement(loader, s).as_bytes())?;
        }
        if self.json {
            w.write_all(b"],\"reason\":")?;
            write_json_string(w, &evaluation.reason)?;
            w.write_all(b"}\n")
        } else {
            writeln!(w, "]")
        }
    }

    /// The line of a line that is not a request.
    pub fn error(&mut self, bad: &BadLine, w: &mut dyn Write) -> io::Result<()> {
        if self.json {
            write!(w, "{{\"line\":{},\"error\":", bad.line)?;
            write_json_string(w, &bad.message)?;
            w.write_all(b"}\n")
        } else {
            writeln!(w, "{}: ERROR: {}", bad.line, sanitize::line(&bad.message))
        }
    }

    /// The rendered statement, from the cache.
    fn statement(&mut self, loader: &Loader, s: &StatementRef) -> &str {
        let key = (s.span.file.0, s.span.start, s.span.end);
        let json = self.json;
        self.statements.entry(key).or_insert_with(|| {
            if json {
                sanitize::json(&super::json::statement(loader, s), false)
            } else {
                let (line, column) = line_column(loader, s.span);
                format!(
                    "{} ({}:{line}:{column})",
                    sanitize::line(&s.label),
                    sanitize::line(loader.name(s.span.file))
                )
            }
        })
    }
}

fn word(decision: Decision) -> &'static str {
    match decision {
        Decision::Allow => "ALLOW",
        Decision::ExplicitDeny => "EXPLICIT DENY",
        Decision::ImplicitDeny => "IMPLICIT DENY",
    }
}

/// Writes `text` as a JSON string literal, unsafe characters escaped ([`sanitize::json`]). Printable
/// ASCII without quotes or backslashes, what reasons are made of, needs no escape at all.
fn write_json_string(w: &mut dyn Write, text: &str) -> io::Result<()> {
    if text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        w.write_all(b"\"")?;
        w.write_all(text.as_bytes())?;
        return w.write_all(b"\"");
    }
    w.write_all(sanitize::json(&serde_json::Value::from(text), false).as_bytes())
}
