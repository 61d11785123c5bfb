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
use airtight_encodings::span::FileId;

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

    /// Appends one `--context-entries` argument per context key of a request, each with the
    /// type the service data gives the key (`numeric`, `boolean`, `ip`, `date`, `string`, and
    /// their `…List` forms for multivalued keys).
    pub fn context(&mut self, r: &Request) -> &mut SimulateLine {
        for e in r.context.values() {
            let ty = context_type(&e.written);
            let (values, ty) = match &e.value {
                ContextValue::Single(v) => (v.clone(), ty.to_string()),
                ContextValue::Multi(vs) => (vs.join(","), format!("{ty}List")),
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

/// The `ContextKeyType` of a key for the simulator, from the service data's type of its
/// values (`string` when the key is unknown).
fn context_type(key: &str) -> &'static str {
    use airtight_encodings::service_data::{KeyType, ServiceData};
    match ServiceData::get().condition_key(key).map(|k| k.key_type) {
        Some(KeyType::Numeric) => "numeric",
        Some(KeyType::Bool) => "boolean",
        Some(KeyType::IpAddress) => "ip",
        Some(KeyType::Date) => "date",
        Some(KeyType::Binary) => "binary",
        _ => "string",
    }
}

/// Why AWS's simulator cannot decide `r` under `set` as airtight does, when it cannot:
/// `simulate-custom-policy` takes no SCPs or RCPs, takes a caller only as an IAM user (and
/// needs one whenever a resource-based policy is given), and knows nothing of an outside
/// caller's own account.
pub fn not_expressible(set: &PolicySet, r: &Request) -> Option<&'static str> {
    use airtight_encodings::request::{OutsideCaller, PrincipalKind};
    if !set.scps.is_empty() || !set.rcps.is_empty() {
        return Some("AWS's policy simulator does not take SCPs or RCPs");
    }
    if set.resource.is_some() && !matches!(r.kind(), PrincipalKind::User { .. }) {
        return Some("with a resource-based policy, AWS's policy simulator takes only an IAM user as the caller");
    }
    if set.resource.is_some() && set.boundary.is_some() {
        return Some("AWS's policy simulator does not combine a permissions boundary with a resource-based policy");
    }
    if r.outside != OutsideCaller::default() {
        return Some("the example depends on what the caller's own account decides, which AWS's policy simulator cannot be told");
    }
    None
}

/// How a command line names the policy in `file`: its path, or a built-in's argument.
fn argument(loader: &Loader, file: FileId) -> String {
    let name = loader.name(file);
    if loader.is_builtin(file) {
        if let Some(b) = airtight_analysis::builtin::ALL
            .into_iter()
            .find(|b| b.name == name)
        {
            return b.argument.to_string();
        }
    }
    name.to_string()
}

/// The line that confirms an example: `aws iam simulate-custom-policy` when AWS's simulator can
/// express the case, else the reason and the `airtight simulate` command that decides it.
pub fn confirm(loader: &Loader, set: &PolicySet, r: &Request) -> String {
    match not_expressible(set, r) {
        None => aws_cli(loader, set, r),
        Some(why) => {
            let mut cmd = format!(
                "# {why}; decide it with airtight: echo {} > request.json && airtight simulate --request request.json",
                shell_quote(&r.to_json().to_string())
            );
            let mut flag = |name: &str, p: &airtight_encodings::policy::Policy| {
                cmd.push_str(&format!(
                    " --{name} {}",
                    shell_quote(&argument(loader, p.file))
                ));
            };
            for p in &set.identity {
                flag("identity", p);
            }
            if let Some(p) = &set.resource {
                flag("resource-policy", p);
            }
            if let Some(p) = &set.boundary {
                flag("boundary", p);
            }
            if let Some(p) = &set.session {
                flag("session-policy", p);
            }
            for (levels, name) in [(&set.scps, "scp"), (&set.rcps, "rcp")] {
                for level in levels {
                    let files: Vec<String> =
                        level.iter().map(|p| argument(loader, p.file)).collect();
                    if !files.is_empty() {
                        cmd.push_str(&format!(" --{name} {}", shell_quote(&files.join(","))));
                    }
                }
            }
            if let Some(a) = &set.principal_account {
                cmd.push_str(&format!(" --principal-account {}", shell_quote(a)));
            }
            cmd
        }
    }
}

/// An `aws iam simulate-custom-policy` command line for one policy set and request. The
/// simulator needs `--policy-input-list` always (an empty policy when the set has no
/// identity-side policy).
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
    if ids.is_empty() {
        cmd.arg(
            "policy-input-list",
            &[r#"{"Version":"2012-10-17","Statement":[]}"#],
        );
    } else {
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
