//! A `deny-check` intent read from a JSON file:
//!
//! ```json
//! {"function": "arn:aws:lambda:us-west-2:123456789012:function:my-function",
//!  "qualifier": "prod", "actions": ["lambda:InvokeFunction"],
//!  "except_principals": ["arn:aws:iam::123456789012:role/ops"]}
//! ```

use std::path::Path;

use airtight_analysis::deny::DenyIntent;
use airtight_encodings::diagnostic::Diagnostic;
use airtight_encodings::json::{self, Json, JsonKind};
use airtight_encodings::span::Span;

use super::Loader;

impl Loader {
    /// Reads an intent file. Problems are recorded as diagnostics pointing into it.
    pub fn load_intent(&mut self, path: &Path) -> Option<DenyIntent> {
        let file = self.read(path)?;
        let value = match json::parse(self.source(file), file) {
            Ok(v) => v,
            Err(d) => {
                self.extend_diagnostics([d]);
                return None;
            }
        };
        let JsonKind::Object(members) = &value.kind else {
            self.extend_diagnostics([bad(value.span, "an intent is a JSON object")]);
            return None;
        };
        let mut intent = DenyIntent {
            function: String::new(),
            qualifier: None,
            actions: Vec::new(),
            except: Vec::new(),
        };
        let mut problems = Vec::new();
        for m in members {
            let string = |v: &Json| match &v.kind {
                JsonKind::String(s) => Some(s.text.clone()),
                _ => None,
            };
            let strings = |v: &Json| match &v.kind {
                JsonKind::Array(items) => items.iter().map(string).collect::<Option<Vec<_>>>(),
                _ => None,
            };
            match m.key.as_str() {
                "function" => match string(&m.value) {
                    Some(s) => intent.function = s,
                    None => problems.push(bad(m.value.span, "`function` is a string")),
                },
                "qualifier" => match string(&m.value) {
                    Some(s) => intent.qualifier = Some(s),
                    None => problems.push(bad(m.value.span, "`qualifier` is a string")),
                },
                "actions" => match strings(&m.value) {
                    Some(s) => intent.actions = s,
                    None => problems.push(bad(m.value.span, "`actions` is a list of strings")),
                },
                "except_principals" => match strings(&m.value) {
                    Some(s) => intent.except = s,
                    None => problems.push(bad(
                        m.value.span,
                        "`except_principals` is a list of strings",
                    )),
                },
                other => problems.push(bad(m.key_span, &format!("unknown intent field `{other}`"))),
            }
        }
        let ok = problems.is_empty();
        self.extend_diagnostics(problems);
        ok.then_some(intent)
    }
}

fn bad(span: Span, message: &str) -> Diagnostic {
    Diagnostic::error("bad-intent", message.to_string(), span).with_note(
        "an intent file holds {\"function\": ARN, \"qualifier\": \"prod\", \"actions\": [...], \"except_principals\": [...]}",
    )
}
