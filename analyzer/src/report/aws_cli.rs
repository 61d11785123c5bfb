//! `aws iam simulate-custom-policy` command lines that let a reader confirm an example with
//! AWS's own policy simulator.
//!
//! A reader pastes these lines into a shell, and every value in them comes from a policy, a
//! request or a file name, all untrusted: every argument is quoted by [`shell_quote`] (single
//! quotes, so the shell expands nothing), `file://` paths and the resource owner included.
//! Only the fixed command and option names are written bare.
//!
//! JSON reports carry the line exactly. Text reports show it through
//! [`crate::report::sanitize::line`]: a value holding a control character (which no real ARN
//! does) is shown as `\u{…}`, so the pasted line passes that text instead, still inert.

use airtight_encodings::eval::PolicySet;
use airtight_encodings::request::{ContextValue, Request};

use crate::load::Loader;

/// An `aws iam simulate-custom-policy` command line being built (text only: nothing is run).
pub struct SimulateLine {
    line: String,
}

impl Default for SimulateLine {
    fn default() -> SimulateLine {
        SimulateLine::new()
    }
}

impl SimulateLine {
    pub fn new() -> SimulateLine {
        SimulateLine {
            line: String::from("aws iam simulate-custom-policy"),
        }
    }

    /// Appends `--option` and its values, each quoted.
    pub fn arg<S: AsRef<str>>(&mut self, option: &str, values: &[S]) -> &mut SimulateLine {
        self.line.push_str(" --");
        self.line.push_str(option);
        for v in values {
            self.line.push(' ');
            self.line.push_str(&shell_quote(v.as_ref()));
        }
        self
    }

    /// Appends one `--context-entries` argument per context key of a request.
    pub fn context(&mut self, r: &Request) -> &mut SimulateLine {
        for e in r.context.values() {
            let (values, ty) = match &e.value {
                ContextValue::Single(v) => (v.clone(), "string"),
                ContextValue::Multi(vs) => (vs.join(","), "stringList"),
            };
            self.arg(
                "context-entries",
                &[format!(
                    "ContextKeyName={},ContextKeyValues={values},ContextKeyType={ty}",
                    e.written
                )],
            );
        }
        self
    }

    pub fn finish(&self) -> String {
        self.line.clone()
    }
}

/// The argument that names a local file for the AWS CLI: `file://PATH`.
pub fn file_url(path: &str) -> String {
    format!("file://{path}")
}

/// An `aws iam simulate-custom-policy` command line for one policy set and request.
pub fn aws_cli(loader: &Loader, set: &PolicySet, r: &Request) -> String {
    // A built-in policy (allow everything, next to which a guardrail is judged) has no file:
    // its text goes on the command line.
    let file = |p: &airtight_encodings::policy::Policy| {
        if loader.is_builtin(p.file) {
            loader.source(p.file).to_string()
        } else {
            file_url(loader.name(p.file))
        }
    };
    let mut cmd = SimulateLine::new();
    let ids: Vec<String> = set
        .identity
        .iter()
        .chain(set.session.iter())
        .map(file)
        .collect();
    if !ids.is_empty() {
        cmd.arg("policy-input-list", &ids);
    }
    if let Some(b) = &set.boundary {
        cmd.arg("permissions-boundary-policy-input-list", &[file(b)]);
    }
    cmd.arg("action-names", &[&r.action])
        .arg("resource-arns", &[&r.resource]);
    if let Some(rp) = &set.resource {
        cmd.arg("resource-policy", &[file(rp)]);
        if r.principal.starts_with("arn:") {
            cmd.arg("caller-arn", &[&r.principal]);
        }
        if !r.resource_account.is_empty() {
            cmd.arg(
                "resource-owner",
                &[format!("arn:aws:iam::{}:root", r.resource_account)],
            );
        }
    }
    cmd.context(r).finish()
}

/// `s` as one POSIX shell word: always in single quotes, inside which the shell expands
/// nothing, with each `'` written as `'\''` (close, escaped quote, reopen).
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_single_quoted() {
        assert_eq!(
            shell_quote("lambda:InvokeFunction"),
            "'lambda:InvokeFunction'"
        );
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a'b"), "'a'\\''b'");
        assert_eq!(shell_quote("1;touch x;$(id)`id`"), "'1;touch x;$(id)`id`'");
        let mut cmd = SimulateLine::new();
        cmd.arg("resource-owner", &["arn:aws:iam::1;touch /tmp/pwned;:root"]);
        assert_eq!(
            cmd.finish(),
            "aws iam simulate-custom-policy --resource-owner 'arn:aws:iam::1;touch /tmp/pwned;:root'"
        );
    }
}
