//! Output under hostile input: a policy (and its file name) may come from the pull request
//! under review, so every output must stay bounded, escaped and well-formed whatever the
//! policy holds.
//!
//! - a minified policy with many errors: snippets are windows of the long line, at most 50
//!   diagnostics per file, then `… and K more in FILE`; `lint --format json` stays complete;
//! - a multi-line span over huge lines is bounded too;
//! - `--format json` prints one complete JSON document on stdout or nothing, for every command,
//!   errors included;
//! - `--color auto` never colours a pipe; `--color always` writes only colour sequences;
//! - the "confirm with AWS" lines, pasted into a real shell, run nothing but `aws`;
//! - the Markdown comment cannot be closed from inside a value;
//! - control characters and bidi overrides are shown visibly in text, escaped in JSON;
//! - GitHub annotations cannot be forged, SARIF keeps values exact.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use airtight_tests::{describe, run, workspace_root};
use serde_json::Value;

/// A Resource that tries to close the Markdown code span and claim a verdict.
const MARKDOWN_RESOURCE: &str =
    "arn:aws:lambda:us-east-1:123456789012:function:x`</code> **No new access (proved)** <code>`";
/// A Sid (as written in JSON) that retitles the terminal and rings the bell.
const TERMINAL_SID: &str = r"A\u001b]0;pwned\u0007";
/// The same Sid, decoded.
const TERMINAL_SID_DECODED: &str = "A\u{1b}]0;pwned\u{7}";
/// A resource account that runs commands when pasted into a shell.
const SHELL_ACCOUNT: &str = "1;touch pwned1;$(touch pwned2)`touch pwned3`";

/// A fresh folder for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile_output")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

fn write(dir: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("cannot create {rel}: {e}"));
    }
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {rel}: {e}"));
}

fn corpus(rel: &str) -> PathBuf {
    workspace_root().join("corpus").join(rel)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// An identity policy with one Allow statement.
fn identity_policy(sid: &str, action: &str, resource: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [
  {{"Sid": "{sid}", "Effect": "Allow", "Action": "{action}", "Resource": "{resource}"}}]}}"#
    )
}

const EMPTY_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": []}"#;
const BAD_POLICY: &str = r#"{"Version": "2020-07-20", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;

const REQUEST: &str = r#"{"principal": "arn:aws:iam::123456789012:role/app",
 "action": "lambda:InvokeFunction",
 "resource": "arn:aws:lambda:us-east-1:123456789012:function:f"}"#;

/// Characters no output may carry raw: control characters other than line feed and tab,
/// Unicode bidi formatting and the line and paragraph separators.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

#[track_caller]
fn assert_no_raw_controls(o: &Output, what: &str) {
    for (name, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        let bad: Vec<char> = text.chars().filter(|&c| is_unsafe(c)).collect();
        assert!(
            bad.is_empty(),
            "{what}: raw {bad:?} on {name}\n{}",
            describe(o)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Bounded output
// ---------------------------------------------------------------------------------------------

/// One line of about 150 KB: 1,200 statements with an invalid Effect, as AWS APIs return
/// policies (minified).
fn minified_policy() -> String {
    let statements: Vec<String> = (0..1200)
        .map(|i| {
            format!(
                r#"{{"Sid":"S{i}","Effect":"Alow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f{i}"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}

/// The rendered source line (`1 │ …`) and the caret line under it, for the diagnostic whose
/// header names `location`.
fn snippet_at<'a>(text: &'a str, location: &str) -> (&'a str, &'a str) {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.ends_with(location))
        .unwrap_or_else(|| panic!("no diagnostic at {location}\n{text}"));
    let source = lines[at..]
        .iter()
        .find(|l| l.starts_with("1 │"))
        .unwrap_or_else(|| panic!("no source line\n{text}"));
    let carets = lines[at..]
        .iter()
        .find(|l| l.contains('^'))
        .unwrap_or_else(|| panic!("no caret line\n{text}"));
    (source, carets)
}

#[test]
fn minified_policy_diagnostics_are_windowed_and_capped() {
    let dir = scratch("minified");
    let policy = minified_policy();
    assert!(policy.len() > 135_000 && !policy.contains('\n'));
    write(&dir, "policy.json", &policy);
    write(&dir, "request.json", REQUEST);
    let sim = run(
        &dir,
        &[
            "simulate",
            "--request",
            "request.json",
            "--identity",
            "policy.json",
        ],
    );
    let lint = run(&dir, &["lint", "policy.json"]);
    for (o, text) in [(&sim, stderr(&sim)), (&lint, stdout(&lint))] {
        assert_eq!(o.status.code(), Some(2), "{}", describe(o));
        assert!(text.len() < 64 * 1024, "{} bytes", text.len());
        let longest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(longest <= 200, "a line of {longest} characters");
        assert_eq!(text.matches("error[invalid-effect]").count(), 50, "{text}");
        assert_eq!(
            text.matches("… and 1150 more in policy.json").count(),
            1,
            "{text}"
        );
        // The 50th diagnostic: the header has the file's column, the carets sit under the
        // invalid value in the window.
        let at = policy
            .match_indices(r#""Alow""#)
            .nth(49)
            .map(|(i, _)| i)
            .unwrap_or(0);
        let (source, carets) = snippet_at(&text, &format!("policy.json:1:{}", at + 1));
        let col = carets.find('^').unwrap_or(0);
        assert!(source[col..].starts_with(r#""Alow""#), "{source}\n{carets}");
        assert!(source.contains("..."), "{source}");
    }
    assert!(stdout(&lint).ends_with("1200 errors in 1 file\n"));
    // JSON stays complete: every finding, no source text.
    let json = run(&dir, &["lint", "--format", "json", "policy.json"]);
    let v: Value = serde_json::from_slice(&json.stdout).expect("one JSON document");
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(1200));
    assert!(
        json.stdout.len() < 2 * policy.len(),
        "{} bytes",
        json.stdout.len()
    );
}

#[test]
fn multi_line_spans_over_huge_lines_are_bounded() {
    let dir = scratch("multi_line");
    let pad = "x".repeat(100_000);
    // One statement over two lines of 100 KB each; it decides the request.
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Wide","Effect":"Allow","Action":"lambda:*","Resource":"*","Condition":{{"StringNotEqualsIfExists":{{"aws:PrincipalTag/t":"{pad}"}}
,"StringNotLikeIfExists":{{"aws:PrincipalTag/u":"{pad}"}}}}}}]}}"#
    );
    write(&dir, "policy.json", &policy);
    write(&dir, "request.json", REQUEST);
    let o = run(
        &dir,
        &[
            "simulate",
            "--request",
            "request.json",
            "--identity",
            "policy.json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", describe(&o));
    let text = stdout(&o);
    assert!(text.starts_with("ALLOW"), "{text}");
    assert!(text.len() < 4096, "{} bytes:\n{text}", text.len());
    assert!(text.contains("policy.json:1:38"), "{text}");
    for prefix in ["1 │", "2 │"] {
        assert!(text.lines().any(|l| l.starts_with(prefix)), "{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// JSON on stdout
// ---------------------------------------------------------------------------------------------

/// Stdout is empty or exactly one JSON document (serde_json rejects anything after it), and
/// no diagnostic is in it.
#[track_caller]
fn assert_json_or_nothing(o: &Output, what: &str) -> Option<Value> {
    let out = stdout(o);
    assert!(
        !out.contains("error["),
        "{what}: a diagnostic on stdout\n{}",
        describe(o)
    );
    if o.stdout.is_empty() {
        return None;
    }
    match serde_json::from_slice::<Value>(&o.stdout) {
        Ok(v) => Some(v),
        Err(e) => panic!(
            "{what}: stdout is not one JSON document: {e}\n{}",
            describe(o)
        ),
    }
}

#[test]
fn json_stdout_is_one_document_or_nothing() {
    let dir = scratch("json");
    write(&dir, "bad.json", BAD_POLICY);
    write(&dir, "empty.json", EMPTY_POLICY);
    write(&dir, "request.json", REQUEST);
    write(
        &dir,
        "hostile.json",
        identity_policy(
            TERMINAL_SID,
            "lambda:InvokeFunction",
            r"arn:aws:lambda:us-east-1:123456789012:function:x\u202e\u009b",
        ),
    );
    write(&dir, "old/p.json", EMPTY_POLICY);
    write(
        &dir,
        "new/p.json",
        identity_policy(TERMINAL_SID, "lambda:InvokeFunction", "*"),
    );
    write(&dir, "invalid-old/p.json", EMPTY_POLICY);
    write(&dir, "invalid-new/p.json", BAD_POLICY);
    let seed = corpus("queries/seed001-deny-alias");
    let seed = seed.to_string_lossy();
    let alias_only = format!("{seed}/deny-alias-only.json");
    let and_function = format!("{seed}/deny-alias-and-function.json");
    let arn = "arn:aws:lambda:us-west-2:123456789012:function:my-function:my-alias";
    // (arguments, whether a result is expected on stdout)
    let cases: Vec<(Vec<&str>, bool)> = vec![
        (
            vec![
                "simulate",
                "--request",
                "request.json",
                "--identity",
                "hostile.json",
            ],
            true,
        ),
        (
            vec![
                "simulate",
                "--request",
                "request.json",
                "--identity",
                "bad.json",
            ],
            false,
        ),
        (
            vec![
                "simulate",
                "--request",
                "missing.json",
                "--identity",
                "empty.json",
            ],
            false,
        ),
        (vec!["simulate", "--identity", "empty.json"], false),
        (vec!["equiv", &and_function, &alias_only], true),
        (vec!["equiv", "bad.json", &alias_only], false),
        (vec!["no-new-access", &and_function, &alias_only], true),
        (vec!["no-new-access", "empty.json", "hostile.json"], true),
        (vec!["no-new-access", &and_function, "bad.json"], false),
        (
            vec![
                "can",
                "--identity",
                "hostile.json",
                "--action",
                "lambda:InvokeFunction",
            ],
            true,
        ),
        (
            vec![
                "can",
                "--identity",
                "bad.json",
                "--action",
                "lambda:InvokeFunction",
            ],
            false,
        ),
        (
            vec![
                "never",
                "--identity",
                &alias_only,
                "--action",
                "lambda:InvokeFunction",
                "--resource",
                arn,
            ],
            true,
        ),
        (
            vec![
                "never",
                "--identity",
                "bad.json",
                "--action",
                "lambda:InvokeFunction",
                "--resource",
                arn,
            ],
            false,
        ),
        (
            vec![
                "deny-check",
                "nobody but role/ops may invoke my-function alias my-alias",
                "--identity",
                &alias_only,
            ],
            true,
        ),
        (
            vec![
                "deny-check",
                "everybody may invoke my-function",
                "--identity",
                &alias_only,
            ],
            false,
        ),
        (
            vec![
                "deny-check",
                "nobody may invoke f",
                "--identity",
                "bad.json",
            ],
            false,
        ),
        (vec!["diff", "old", "new"], true),
        (vec!["diff", "invalid-old", "invalid-new"], true),
        (vec!["diff", "old", "missing-dir"], false),
        (
            vec!["lint", "hostile.json", "bad.json", "missing.json"],
            true,
        ),
    ];
    for (args, result) in cases {
        for format in ["json", "sarif"] {
            if format == "sarif" && args[0] != "diff" {
                continue;
            }
            let mut argv = args.clone();
            argv.extend(["--format", format]);
            let what = argv.join(" ");
            let o = run(&dir, &argv);
            assert!(
                o.status.code().is_some(),
                "{what}: crashed\n{}",
                describe(&o)
            );
            assert_no_raw_controls(&o, &what);
            let value = assert_json_or_nothing(&o, &what);
            assert_eq!(value.is_some(), result, "{what}\n{}", describe(&o));
            if !result {
                assert!(
                    stderr(&o).contains("error"),
                    "{what}: failed without saying why\n{}",
                    describe(&o)
                );
            }
        }
    }
    // Escaped values decode to what the policy holds.
    let o = run(&dir, &["diff", "old", "new", "--format", "json"]);
    let v = assert_json_or_nothing(&o, "diff json").unwrap_or(Value::Null);
    let statement = &v["files"][0]["new_access"][0]["statement"]["statement"];
    assert_eq!(statement, TERMINAL_SID_DECODED, "{v:#}");
}

// ---------------------------------------------------------------------------------------------
// Colour
// ---------------------------------------------------------------------------------------------

#[test]
fn auto_colour_never_reaches_a_pipe() {
    let dir = scratch("colour");
    write(&dir, "bad.json", BAD_POLICY);
    write(&dir, "request.json", REQUEST);
    write(
        &dir,
        "hostile.json",
        identity_policy(TERMINAL_SID, "lambda:*", "*"),
    );
    write(&dir, "raw.json", "{\"Version\": \"2012-10-17\u{1b}[2J\"}");
    write(&dir, "old/p.json", EMPTY_POLICY);
    write(
        &dir,
        "new/p.json",
        identity_policy(TERMINAL_SID, "lambda:InvokeFunction", "*"),
    );
    let runs: [&[&str]; 6] = [
        &[
            "simulate",
            "--request",
            "request.json",
            "--identity",
            "hostile.json",
        ],
        &[
            "simulate",
            "--request",
            "request.json",
            "--identity",
            "bad.json",
        ],
        &[
            "simulate",
            "--request",
            "request.json",
            "--identity",
            "raw.json",
        ],
        &["no-new-access", "bad.json", "hostile.json"],
        &["diff", "old", "new"],
        &["lint", "hostile.json", "bad.json", "raw.json"],
    ];
    for args in runs {
        for colour in [None, Some("auto"), Some("never")] {
            let mut argv = args.to_vec();
            if let Some(c) = colour {
                argv.extend(["--color", c]);
            }
            let o = run(&dir, &argv);
            assert!(
                !o.stdout.contains(&0x1b) && !o.stderr.contains(&0x1b),
                "`{}` wrote ESC to a pipe\n{}",
                argv.join(" "),
                describe(&o)
            );
        }
        // Forced colour: every ESC starts a colour sequence (ESC [ digits ; … m), none comes
        // from the policy.
        let mut argv = args.to_vec();
        argv.extend(["--color", "always"]);
        let o = run(&dir, &argv);
        for bytes in [&o.stdout, &o.stderr] {
            let text = String::from_utf8_lossy(bytes);
            for (i, _) in text.match_indices('\u{1b}') {
                let rest = &text[i + 1..];
                let ok = rest.strip_prefix('[').is_some_and(|r| {
                    let params = r.trim_start_matches(|c: char| c.is_ascii_digit() || c == ';');
                    params.starts_with('m')
                });
                assert!(
                    ok,
                    "`{}`: ESC not starting a colour sequence: {:?}",
                    argv.join(" "),
                    &rest[..rest.len().min(12)]
                );
            }
        }
        let any = o.stdout.contains(&0x1b) || o.stderr.contains(&0x1b);
        assert!(
            any,
            "`{}` with --color always has no colour",
            argv.join(" ")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Confirm-with-AWS lines
// ---------------------------------------------------------------------------------------------

/// Runs `line` in `sh` (in `dir`) with `aws` defined as a function that prints its arguments,
/// one per line; returns them.
fn run_in_shell(dir: &Path, line: &str) -> Vec<String> {
    let script = format!(
        "aws() {{ for a in \"$@\"; do printf '%s\\n' \"$a\"; done; }}\nairtight() {{ aws \"$@\"; }}\n{line}\n"
    );
    let o = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run sh: {e}"));
    assert!(o.status.success(), "{line}\n{}", describe(&o));
    stdout(&o).lines().map(str::to_string).collect()
}

/// The value after `option` in a parsed argument list.
fn option<'a>(args: &'a [String], option: &str) -> Option<&'a str> {
    let i = args.iter().position(|a| a == option)?;
    args.get(i + 1).map(String::as_str)
}

#[test]
fn confirm_lines_are_inert_in_a_shell() {
    let dir = scratch("shell");
    write(
        &dir,
        "old-rp.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"lambda:GetPolicy","Resource":"*"}]}"#,
    );
    let resource = format!("arn:aws:lambda:us-east-1:{SHELL_ACCOUNT}:function:x");
    let new_name = "it's;touch pwned4.json";
    write(
        &dir,
        new_name,
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"S","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111122223333:user/u"}},"Action":"lambda:InvokeFunction","Resource":"{resource}"}}]}}"#
        ),
    );
    write(&dir, "old/it's;touch pwned5.json", EMPTY_POLICY);
    // A grant to a whole account: its examples' callers are roles, which AWS's simulator does
    // not take with a resource-based policy (an `airtight simulate` line instead).
    write(
        &dir,
        "old/rp;touch pwned6.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"lambda:GetPolicy","Resource":"*"}]}"#,
    );
    write(
        &dir,
        "new/rp;touch pwned6.json",
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"S","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111122223333:root"}},"Action":"lambda:InvokeFunction","Resource":"{resource}"}}]}}"#
        ),
    );
    write(
        &dir,
        "new/it's;touch pwned5.json",
        identity_policy("S", "lambda:InvokeFunction", &resource),
    );
    let mut lines: Vec<String> = Vec::new();
    let query = [
        "no-new-access",
        "--old-resource-policy",
        "old-rp.json",
        "--new-resource-policy",
        new_name,
    ];
    let text = run(&dir, &query);
    assert_eq!(text.status.code(), Some(1), "{}", describe(&text));
    lines.extend(
        stdout(&text)
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("aws iam") || l.starts_with("# "))
            .map(str::to_string),
    );
    let mut argv = query.to_vec();
    argv.extend(["--format", "json"]);
    let json: Value = serde_json::from_slice(&run(&dir, &argv).stdout).unwrap_or(Value::Null);
    let diff_text = run(&dir, &["diff", "old", "new"]);
    lines.extend(stdout(&diff_text).lines().filter_map(|l| {
        l.split_once("confirm with AWS: ")
            .map(|(_, c)| c.to_string())
    }));
    let diff_json: Value =
        serde_json::from_slice(&run(&dir, &["diff", "old", "new", "--format", "json"]).stdout)
            .unwrap_or(Value::Null);
    let in_json = |v: &Value, pointer: &str| -> Vec<String> {
        v.pointer(pointer)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .flat_map(|c| c["aws_cli"].as_array().cloned().unwrap_or_default())
            .filter_map(|l| l.as_str().map(str::to_string))
            .collect()
    };
    lines.extend(in_json(&json, "/counterexamples"));
    lines.extend(in_json(&diff_json, "/files/0/new_access"));
    lines.extend(in_json(&diff_json, "/files/1/new_access"));
    assert!(lines.len() >= 6, "{lines:#?}");
    let mut owners = 0;
    let mut simulated = 0;
    for line in &lines {
        // Where AWS's simulator cannot express the case, the line is a comment with the reason
        // and the `airtight simulate` command that decides the request.
        if let Some((_, command)) = line.split_once("decide it with airtight: ") {
            assert!(line.starts_with("# "), "{line}");
            let _ = std::fs::remove_file(dir.join("request.json"));
            let args = run_in_shell(&dir, command);
            assert_eq!(args.first().map(String::as_str), Some("simulate"), "{line}");
            assert_eq!(option(&args, "--request"), Some("request.json"), "{line}");
            let request: Value = std::fs::read(dir.join("request.json"))
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or(Value::Null);
            assert_eq!(request["resource"], resource.as_str(), "{line}");
            let files: Vec<&str> = ["--resource-policy", "--identity"]
                .iter()
                .filter_map(|o| option(&args, o))
                .filter(|f| !f.starts_with("builtin:"))
                .collect();
            assert!(!files.is_empty(), "{line}");
            for f in files {
                assert!(dir.join(f).is_file(), "{line}: {f} is not the file");
            }
            simulated += 1;
            continue;
        }
        let args = run_in_shell(&dir, line);
        assert_eq!(args.first().map(String::as_str), Some("iam"), "{line}");
        assert_eq!(
            option(&args, "--resource-arns"),
            Some(resource.as_str()),
            "{line}"
        );
        if let Some(owner) = option(&args, "--resource-owner") {
            assert_eq!(
                owner,
                format!("arn:aws:iam::{SHELL_ACCOUNT}:root"),
                "{line}"
            );
            owners += 1;
        }
        let files: Vec<&str> = ["--resource-policy", "--policy-input-list"]
            .iter()
            .filter_map(|o| option(&args, o))
            .filter(|f| f.starts_with("file://"))
            .collect();
        assert!(!files.is_empty(), "{line}");
        for f in files {
            let path = f.trim_start_matches("file://");
            assert!(dir.join(path).is_file(), "{line}: {path} is not the file");
        }
    }
    assert!(owners >= 2, "{lines:#?}");
    assert!(simulated >= 1, "{lines:#?}");
    let pwned: Vec<String> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("pwned"))
        .collect();
    assert!(pwned.is_empty(), "a pasted line ran a command: {pwned:?}");
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

/// `line` with every code span (CommonMark: a backtick run closed by the next run of the same
/// length) replaced by `<CODE>`; `None` when a backtick run is left open (it could pair with a
/// run on another line).
fn outside_code(line: &str) -> Option<String> {
    let chars: Vec<char> = line.chars().collect();
    let run_at = |i: usize| chars[i..].iter().take_while(|&&c| c == '`').count();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                out.push(chars[i]);
                out.push(chars[i + 1]);
                i += 2;
            }
            '`' => {
                let n = run_at(i);
                let mut j = i + n;
                let mut closed = None;
                while j < chars.len() {
                    if chars[j] == '`' {
                        let m = run_at(j);
                        if m == n {
                            closed = Some(j + m);
                            break;
                        }
                        j += m;
                    } else {
                        j += 1;
                    }
                }
                i = closed?;
                out.push_str("<CODE>");
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Some(out)
}

#[test]
fn markdown_values_cannot_close_their_code() {
    let dir = scratch("markdown");
    let name = "x`|<b>&**No new access (proved)**.json";
    write(&dir, &format!("old/{name}"), EMPTY_POLICY);
    write(
        &dir,
        &format!("new/{name}"),
        identity_policy(
            r"A` **No new access (proved)** ``\n| x | y |\u001b",
            "lambda:InvokeFunction",
            &format!(r"{MARKDOWN_RESOURCE}\u202e"),
        ),
    );
    write(&dir, "old/p.json", EMPTY_POLICY);
    write(
        &dir,
        "new/p.json",
        identity_policy("B", "lambda:GetFunction", r"```\n</details>"),
    );
    let o = run(&dir, &["diff", "old", "new", "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&o));
    assert_no_raw_controls(&o, "markdown");
    let md = stdout(&o);
    assert!(
        md.contains("\n**1 policy file(s) grant new access.**\n"),
        "{md}"
    );
    let mut fence: Option<usize> = None;
    for line in md.lines() {
        let trimmed = line.trim_start();
        let ticks = trimmed.chars().take_while(|&c| c == '`').count();
        if let Some(open) = fence {
            if ticks >= open {
                assert_eq!(ticks, open, "a fence closed by a longer one: {line}");
                fence = None;
            } else {
                assert!(!line.contains('\n'));
            }
            continue;
        }
        if ticks >= 3 {
            fence = Some(ticks);
            continue;
        }
        // The `<summary>` line is an HTML block: Markdown is not read in it, so only HTML
        // matters there.
        if let Some(rest) = line.strip_prefix("<details open><summary><code>") {
            let (inside, after) = rest.split_once("</code>").unwrap_or(("<", ""));
            assert!(!inside.contains(['<', '>']), "{line}");
            assert!(
                after.ends_with("</summary>") && !after[..after.len() - 10].contains('<'),
                "{line}"
            );
            continue;
        }
        let outside =
            outside_code(line).unwrap_or_else(|| panic!("an open code span: {line}\n{md}"));
        assert!(!outside.contains("No new access"), "{line}\n{md}");
        assert!(
            !outside.contains("**") || line.starts_with("**1 policy"),
            "{line}"
        );
        if line.starts_with("| ") {
            let cells = outside.replace("\\|", "").matches('|').count();
            assert_eq!(cells, 5, "a value split the row: {line}");
        }
        let html = outside.replace("<CODE>", "");
        assert!(
            !html.contains('<') || line == "</details>",
            "raw HTML: {line}"
        );
    }
    assert_eq!(fence, None, "an unclosed fence\n{md}");
}

// ---------------------------------------------------------------------------------------------
// Text, GitHub, SARIF
// ---------------------------------------------------------------------------------------------

#[test]
fn text_shows_control_characters_visibly() {
    let dir = scratch("text");
    write(&dir, "request.json", REQUEST);
    write(
        &dir,
        "hostile.json",
        identity_policy(
            TERMINAL_SID,
            "lambda:InvokeFunction",
            r"arn:aws:lambda:us-east-1:123456789012:function:\u202ex\r\u009b",
        ),
    );
    // Raw control bytes in the file: invalid JSON, reported with a snippet of the line.
    write(
        &dir,
        "raw.json",
        "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"\u{1b}]0;pwned\u{7}\", \"Effect\": \"Alow\u{202e}\"}]}",
    );
    write(&dir, "old/p.json", EMPTY_POLICY);
    write(
        &dir,
        "new/p.json",
        identity_policy(TERMINAL_SID, "lambda:*", "*"),
    );
    let runs: [&[&str]; 7] = [
        &[
            "simulate",
            "--request",
            "request.json",
            "--identity",
            "hostile.json",
        ],
        &[
            "can",
            "--identity",
            "hostile.json",
            "--action",
            "lambda:InvokeFunction",
        ],
        &["no-new-access", "old/p.json", "hostile.json"],
        &["diff", "old", "new"],
        &["lint", "hostile.json", "raw.json"],
        &[
            "simulate",
            "--request",
            "request.json",
            "--identity",
            "raw.json",
        ],
        &[
            "deny-check",
            "--identity",
            "hostile.json",
            "--function",
            "arn:aws:lambda:us-east-1:123456789012:function:\u{1b}[2J\u{202e}",
        ],
    ];
    let mut shown = String::new();
    for args in runs {
        let o = run(&dir, args);
        assert!(o.status.code().is_some(), "{}", describe(&o));
        assert_no_raw_controls(&o, &args.join(" "));
        shown.push_str(&stdout(&o));
        shown.push_str(&stderr(&o));
    }
    // The characters are there, visibly.
    for visible in [
        "\\u{1b}]0;pwned\\u{7}",
        "\\u{202e}",
        "\\u{9b}",
        "\\u{1b}[2J",
    ] {
        assert!(shown.contains(visible), "{visible} not shown\n{shown}");
    }
}

/// A diff whose OLD version denies through a statement with a hostile Sid (line breaks and a
/// workflow command), in a file whose name has a line break, a comma and colons.
fn forged_annotations_dir(test: &str) -> (PathBuf, &'static str) {
    let dir = scratch(test);
    let name = "a,b:c\n::error file=forged.json::forged.json";
    let old = r#"{"Version":"2012-10-17","Statement":[
 {"Sid":"Allow","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"},
 {"Sid":"D\n::error file=forged.json::forged\r50%\u001b]0;x\u0007\u202e","Effect":"Deny","Action":"lambda:InvokeFunction","Resource":"*"}]}"#;
    write(&dir, &format!("old/{name}"), old);
    write(
        &dir,
        &format!("new/{name}"),
        identity_policy("Allow", "lambda:InvokeFunction", "*"),
    );
    write(&dir, "old/bad.json", EMPTY_POLICY);
    write(&dir, "new/bad.json", BAD_POLICY);
    (
        dir,
        "D\n::error file=forged.json::forged\r50%\u{1b}]0;x\u{7}\u{202e}",
    )
}

#[test]
fn github_annotations_cannot_be_forged() {
    let (dir, _) = forged_annotations_dir("github");
    let o = run(&dir, &["diff", "old", "new", "--format", "github"]);
    assert!(o.status.code().is_some(), "{}", describe(&o));
    assert_no_raw_controls(&o, "github");
    assert!(!o.stdout.contains(&b'\r'), "{}", describe(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    // Annotations for the new access (the policy as it stands, and its removed Deny as a
    // guardrail), one warning for the invalid policy; nothing else.
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("::warning ")).count(),
        1,
        "{out}"
    );
    assert!(lines.iter().any(|l| l.starts_with("::error ")), "{out}");
    for line in &lines {
        assert!(
            line.starts_with("::error file=") || line.starts_with("::warning file="),
            "{line}"
        );
        // Properties end at the first `::` after the command and are split at `,`: the file
        // name's `:` and `,` are escaped, so it is one property, the file's.
        let rest = line.split_once(' ').map(|(_, r)| r).unwrap_or("");
        let props = rest.split_once("::").map(|(p, _)| p).unwrap_or("");
        let files: Vec<&str> = props
            .split(',')
            .filter(|p| p.starts_with("file="))
            .collect();
        assert_eq!(files.len(), 1, "{line}");
        assert!(files[0].starts_with("file=new/"), "{line}");
    }
    assert!(
        out.contains("file=new/a%2Cb%3Ac%0A%3A%3Aerror file=forged.json%3A%3Aforged.json,line="),
        "{out}"
    );
    assert!(
        out.contains(
            "(statement D%0A::error file=forged.json::forged%0D50%25\\u{1b}]0;x\\u{7}\\u{202e})"
        ),
        "{out}"
    );
}

#[test]
fn sarif_keeps_values_exact_and_escaped() {
    let (dir, sid) = forged_annotations_dir("sarif");
    let o = run(&dir, &["diff", "old", "new", "--format", "sarif"]);
    assert_no_raw_controls(&o, "sarif");
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON: {e}\n{}", describe(&o)));
    let results = v["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let texts: Vec<&str> = results
        .iter()
        .filter_map(|r| r["message"]["text"].as_str())
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains(&format!("(statement {sid})"))),
        "{texts:#?}"
    );
    for r in &results {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or("");
        assert!(
            uri.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~/%".contains(c)),
            "{uri}"
        );
    }
    assert!(
        results.iter().any(
            |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "new/a%2Cb%3Ac%0A%3A%3Aerror%20file%3Dforged.json%3A%3Aforged.json"
        ),
        "{v:#}"
    );
}
