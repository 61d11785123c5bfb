//! Answers as findings, for the formats that annotate files: SARIF 2.1.0 and GitHub workflow
//! commands. The queries, `deny-check` and `who-can` each turn their answer into
//! [`Finding`]s (a rule, a message, the statements responsible); this module writes them.
//! (`lint` and `diff` have renderers of their own, which carry their fingerprints and regions.)
//!
//! Every rule carries the metadata code scanning shows: a short and a full description, help
//! text, a `helpUri` into the docs and a `security-severity` (GitHub ranks alerts by it: 7 and
//! above is high, 4 to 7 medium, below 4 low). A finding is located at the statements
//! responsible (never at a built-in policy), or at the policy files asked about when no
//! statement is; its fingerprint is built from what it is about, never from a line number.

use std::io;

use airtight_encodings::eval::StatementRef;
use airtight_encodings::span::{FileId, Span};
use serde_json::{json, Value};

use crate::load::Loader;
use crate::report::diff::github::{escape_data, escape_property};
use crate::report::diff::sarif::uri;
use crate::report::line_column;
use crate::report::lint::fnv;

/// Where the documentation lives; rules point into it.
pub const DOCS: &str = "https://github.com/airtight/airtight/blob/main/docs/";

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl Level {
    fn sarif(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }

    fn github(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "notice",
        }
    }
}

/// A kind of finding, with what code scanning shows about it.
#[derive(Debug)]
pub struct Rule {
    /// The stable id, `airtight/...`.
    pub id: &'static str,
    /// A CamelCase name.
    pub name: &'static str,
    pub level: Level,
    /// One line.
    pub short: &'static str,
    /// What it means and what to do.
    pub full: &'static str,
    /// The page about it, relative to [`DOCS`] (`queries.md#deny-check`).
    pub page: &'static str,
    /// GitHub's `security-severity`, a number from 0.0 to 10.0 as text.
    pub security_severity: &'static str,
}

/// No answer: the solver gave up or a construct is not encoded exactly.
pub const UNKNOWN: Rule = Rule {
    id: "airtight/unknown",
    name: "Unknown",
    level: Level::Warning,
    short: "No answer",
    full: "airtight could not decide the question (a solver timeout, or a construct it does not encode exactly), so nothing was proved. Raise --timeout, or simplify the construct named in the message.",
    page: "queries.md#output-and-exit-codes",
    security_severity: "5.0",
};

/// A region of a file: `(line, column, end line, end column)`, 1-based.
pub type Region = (usize, usize, usize, usize);

/// A place a finding points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    /// `None` for the whole file.
    pub region: Option<Region>,
}

/// One finding.
#[derive(Debug)]
pub struct Finding {
    pub rule: &'static Rule,
    pub message: String,
    pub locations: Vec<Location>,
    /// What the finding is about (rule, statement, request...), hashed into its fingerprint.
    pub identity: Vec<String>,
}

/// Where a span of a loaded file is.
pub fn region(loader: &Loader, span: Span) -> Option<Region> {
    let (line, column) = line_column(loader, span);
    let (end_line, end_column) = line_column(
        loader,
        Span {
            start: span.end,
            ..span
        },
    );
    (line > 0).then_some((line, column, end_line, end_column.max(1)))
}

/// The statements as locations, built-in policies left out; when none is left, the files
/// `fallback` as a whole (built-in ones left out too).
pub fn locations(
    loader: &Loader,
    statements: &[&StatementRef],
    fallback: &[FileId],
) -> Vec<Location> {
    let mut out: Vec<Location> = Vec::new();
    for s in statements.iter().filter(|s| !loader.is_builtin(s.file)) {
        let l = Location {
            path: loader.name(s.file).to_string(),
            region: region(loader, s.span),
        };
        if !out.contains(&l) {
            out.push(l);
        }
    }
    if out.is_empty() {
        for f in fallback.iter().filter(|f| !loader.is_builtin(**f)) {
            let l = Location {
                path: loader.name(*f).to_string(),
                region: None,
            };
            if !out.contains(&l) {
                out.push(l);
            }
        }
    }
    out
}

/// The findings as one SARIF 2.1.0 document; `rules` lists every rule the command can report
/// (in `ruleIndex` order), whether or not it occurs.
pub fn sarif(rules: &[&Rule], findings: &[Finding]) -> Value {
    let index = |id: &str| rules.iter().position(|r| r.id == id);
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let locations: Vec<Value> = f
                .locations
                .iter()
                .map(|l| {
                    let (line, col, end_line, end_col) = l.region.unwrap_or((1, 1, 1, 1));
                    json!({"physicalLocation": {
                        "artifactLocation": {"uri": uri(&l.path), "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": line,
                            "startColumn": col,
                            "endLine": end_line,
                            "endColumn": if end_line == line { end_col.max(col) } else { end_col },
                        },
                    }})
                })
                .collect();
            let identity: Vec<&str> = std::iter::once(f.rule.id)
                .chain(f.identity.iter().map(String::as_str))
                .collect();
            json!({
                "ruleId": f.rule.id,
                "ruleIndex": index(f.rule.id),
                "level": f.rule.level.sarif(),
                "message": {"text": f.message},
                "locations": locations,
                "partialFingerprints": {"airtightFinding/v1": fnv(&identity)},
            })
        })
        .collect();
    let rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            let url = format!("{DOCS}{}", r.page);
            json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": {"text": r.short},
                "fullDescription": {"text": r.full},
                "help": {"text": format!("{} See {url}", r.full), "markdown": format!("{} See [the documentation]({url}).", r.full)},
                "helpUri": url,
                "defaultConfiguration": {"level": r.level.sarif()},
                "properties": {
                    "tags": ["security", "iam"],
                    "precision": "very-high",
                    "security-severity": r.security_severity,
                },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "airtight",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": DOCS,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// The findings as GitHub Actions workflow commands, one per finding and location (a finding
/// without a location is one command without a file), escaped so that no text from a policy
/// can end a command or start another.
pub fn github(findings: &[Finding], w: &mut dyn io::Write) -> io::Result<()> {
    for f in findings {
        let title = format!(
            "title={}",
            escape_property(&format!("airtight: {}", f.rule.short))
        );
        let message = escape_data(&f.message);
        let command = f.rule.level.github();
        if f.locations.is_empty() {
            writeln!(w, "::{command} {title}::{message}")?;
        }
        for l in &f.locations {
            let mut props = vec![format!("file={}", escape_property(&l.path))];
            if let Some((line, col, end_line, end_col)) = l.region {
                props.push(format!("line={line}"));
                props.push(format!("col={col}"));
                props.push(format!("endLine={end_line}"));
                props.push(format!("endColumn={end_col}"));
            }
            props.push(title.clone());
            writeln!(w, "::{command} {}::{message}", props.join(","))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    static RULE: Rule = Rule {
        id: "airtight/test",
        name: "Test",
        level: Level::Error,
        short: "a test",
        full: "A rule for tests.",
        page: "queries.md",
        security_severity: "8.0",
    };

    fn finding(path: &str, message: &str) -> Finding {
        Finding {
            rule: &RULE,
            message: message.into(),
            locations: vec![Location {
                path: path.into(),
                region: Some((2, 3, 4, 5)),
            }],
            identity: vec!["s".into()],
        }
    }

    #[test]
    fn sarif_carries_rule_metadata_and_a_located_result() {
        let v = sarif(&[&UNKNOWN, &RULE], &[finding("p/a b.json", "m")]);
        let run = &v["runs"][0];
        let rule = &run["tool"]["driver"]["rules"][1];
        assert_eq!(rule["id"], "airtight/test");
        assert_eq!(rule["helpUri"], format!("{DOCS}queries.md"));
        assert_eq!(rule["properties"]["security-severity"], "8.0");
        let result = &run["results"][0];
        assert_eq!(result["ruleIndex"], 1);
        assert_eq!(result["level"], "error");
        let loc = &result["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "p/a%20b.json");
        assert_eq!(loc["region"]["startLine"], 2);
        assert_eq!(loc["region"]["endColumn"], 5);
        // The fingerprint does not depend on the region.
        let mut moved = finding("p/a b.json", "m");
        moved.locations[0].region = Some((9, 1, 9, 2));
        let print = |f: Finding| {
            sarif(&[&RULE], &[f])["runs"][0]["results"][0]["partialFingerprints"].clone()
        };
        assert_eq!(print(finding("p/a b.json", "m")), print(moved));
    }

    #[test]
    fn github_commands_cannot_be_forged() {
        let mut out = Vec::new();
        github(&[finding("a,b.json", "x\n::error::forged")], &mut out).expect("memory");
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(
            text.starts_with("::error file=a%2Cb.json,line=2,col=3,endLine=4,endColumn=5,title=airtight%3A a test::x%0A::error::forged"),
            "{text}"
        );
    }
}
