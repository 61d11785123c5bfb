//! Guardrails end to end: policies whose Deny statements guard an account or a resource
//! (`corpus/diff/guardrails/`, from AWS documentation examples), and one answer to one question.
//!
//! For every case of `corpus/diff/guardrails/cases.json`, each version is compared with
//! `old.json` by `airtight diff`, `airtight no-new-access` (both ways) and `airtight equiv`:
//! the verdicts must be the expected ones and agree; a narrowed Deny is new access whose
//! example names a real action and a resource of its type, with the Deny statement named as a
//! guardrail in the summary; a widened one is removed access; a reformatted one is
//! equivalent. The same agreement is checked on every pair of `corpus/diff/*/{old,new}`.

use std::path::{Path, PathBuf};

use airtight_encodings::service_data::ServiceData;
use airtight_tests::{describe, run, workspace_root};
use serde_json::Value;

fn guardrails() -> PathBuf {
    workspace_root().join("corpus/diff/guardrails")
}

/// Runs `airtight ARGS --format json` in `dir`: exit code, output, and a description for
/// messages.
fn json_out(dir: &Path, args: &[&str]) -> (Option<i32>, Value, String) {
    let mut argv = args.to_vec();
    argv.extend(["--format", "json"]);
    let output = run(dir, &argv);
    let value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (
        output.status.code(),
        value,
        format!("airtight {}\n{}", argv.join(" "), describe(&output)),
    )
}

/// The arguments of a two-sided query about `old` and `new` of `kind`: the simple form for
/// identity and resource-based policies (their type detected like `diff` does), per-side
/// flags for the others.
fn sides<'a>(kind: &str, old: &'a str, new: &'a str) -> Vec<&'a str> {
    match kind {
        "scp" => vec!["--left-scp", old, "--right-scp", new],
        "rcp" => vec!["--left-rcp", old, "--right-rcp", new],
        "boundary" => vec!["--left-boundary", old, "--right-boundary", new],
        _ => vec![old, new],
    }
}

/// The verdicts of `diff`, `no-new-access` both ways and `equiv` on one pair, checked against
/// each other; returns the diff's verdict and report (or the failure).
fn one_answer(dir: &Path, kind: &str, old: &str, new: &str) -> Result<(String, Value), String> {
    let kind_args: Vec<&str> = match kind {
        "identity" | "resource" | "" => Vec::new(),
        k => vec!["--kind", k],
    };
    let mut diff_args = vec!["diff"];
    diff_args.extend(&kind_args);
    diff_args.extend([old, new]);
    let (code, diff, log) = json_out(dir, &diff_args);
    let file = diff["files"][0].clone();
    let verdict = file["verdict"].as_str().unwrap_or("?").to_string();
    let new_access = matches!(verdict.as_str(), "new_access" | "both");
    let removed = matches!(verdict.as_str(), "removed_access" | "both");
    if code != Some(if new_access { 1 } else { 0 }) {
        return Err(format!("diff exited {code:?} for {verdict}\n{log}"));
    }
    let query = |name: &str, a: &str, b: &str| {
        let mut args = vec![name];
        args.extend(sides(kind, a, b));
        json_out(dir, &args)
    };
    for (a, b, expected) in [(old, new, new_access), (new, old, removed)] {
        let (code, out, log) = query("no-new-access", a, b);
        let want = if expected { "violated" } else { "holds" };
        if out["result"] != want || code != Some(i32::from(expected)) {
            return Err(format!(
                "no-new-access {a} {b}: {} (exit {code:?}), diff says {verdict}\n{log}",
                out["result"]
            ));
        }
    }
    let (code, out, log) = query("equiv", old, new);
    let want = if verdict == "equivalent" {
        "equivalent"
    } else {
        "different"
    };
    if out["result"] != want || code != Some(i32::from(want == "different")) {
        return Err(format!(
            "equiv: {} (exit {code:?}), diff says {verdict}\n{log}",
            out["result"]
        ));
    }
    Ok((verdict, file))
}

/// Whether the request names a real action (service data) and a resource of one of its
/// types (`*` for an action that takes none).
fn real_request(request: &Value) -> bool {
    let action = request["action"].as_str().unwrap_or("");
    let resource = request["resource"].as_str().unwrap_or("");
    let Some(known) = ServiceData::get().action(action) else {
        return false;
    };
    if known.resource_types().is_empty() {
        return resource == "*";
    }
    known
        .resource_types()
        .iter()
        .any(|t| format_matches(t.resource_type().arn_format, resource))
}

/// Whether `text` is an instance of an ARN format, each `${Placeholder}` non-empty.
fn format_matches(format: &str, text: &str) -> bool {
    match format.find("${") {
        None => format == text,
        Some(i) => {
            let Some(rest) = text.strip_prefix(&format[..i]) else {
                return false;
            };
            let end = format[i..].find('}').map_or(format.len(), |j| i + j + 1);
            (1..=rest.len())
                .filter(|&k| rest.is_char_boundary(k))
                .any(|k| format_matches(&format[end..], &rest[k..]))
        }
    }
}

#[test]
fn guardrail_edits_have_their_verdicts_in_every_command() {
    let text = std::fs::read_to_string(guardrails().join("cases.json")).expect("cases.json");
    let spec: Value = serde_json::from_str(&text).expect("cases.json is JSON");
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in spec["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("a name");
        let kind = case["kind"].as_str().unwrap_or("identity");
        let dir = guardrails().join(name);
        for (version, expected) in case["versions"].as_object().expect("versions") {
            let new = format!("{version}.json");
            checked += 1;
            let (verdict, file) = match one_answer(&dir, kind, "old.json", &new) {
                Ok(v) => v,
                Err(e) => {
                    failures.push(format!("{name}/{version}: {e}"));
                    continue;
                }
            };
            if verdict != expected.as_str().unwrap_or("?") {
                failures.push(format!(
                    "{name}/{version}: {verdict}, expected {expected}\n{file:#}"
                ));
                continue;
            }
            for (list, allowed_by) in [("new_access", "right"), ("removed_access", "left")] {
                let examples = file[list].as_array().cloned().unwrap_or_default();
                for e in &examples {
                    // The example goes the way its list says.
                    if e[allowed_by]["decision"] != "allow" {
                        failures.push(format!(
                            "{name}/{version}: {list} example not allowed by {allowed_by}: {e}"
                        ));
                    }
                }
                let wanted = expected.as_str() == Some(list);
                if !wanted {
                    continue;
                }
                // A narrowed or widened Deny is shown as a guardrail change, on a request AWS
                // could receive.
                if !examples.iter().any(|e| {
                    e["summary"]
                        .as_str()
                        .is_some_and(|s| s.contains("(acts as a guardrail)"))
                }) {
                    failures.push(format!(
                        "{name}/{version}: no {list} example names the Deny as a guardrail: {file:#}"
                    ));
                }
                for e in &examples {
                    if !real_request(&e["request"]) {
                        failures.push(format!(
                            "{name}/{version}: {list} example is not a real action on a resource of its type: {}",
                            e["request"]
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(checked >= 25, "only {checked} versions checked");
}

#[test]
fn diff_and_the_queries_agree_on_the_corpus_pairs() {
    let root = workspace_root().join("corpus/diff");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|it| it.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    dirs.sort();
    let mut failures = Vec::new();
    let mut checked = 0;
    for dir in dirs
        .iter()
        .filter(|d| d.join("old").is_dir() && d.join("new").is_dir())
    {
        let spec: Value = std::fs::read_to_string(dir.join("expected.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(Value::Null);
        let args: Vec<&str> = spec["args"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let kind = args
            .iter()
            .position(|a| *a == "--kind")
            .and_then(|i| args.get(i + 1))
            .copied()
            .unwrap_or("");
        let mut names: Vec<String> = std::fs::read_dir(dir.join("new"))
            .map(|it| {
                it.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        for name in names.iter().filter(|n| dir.join("old").join(n).is_file()) {
            let (old, new) = (format!("old/{name}"), format!("new/{name}"));
            checked += 1;
            if let Err(e) = one_answer(dir, kind, &old, &new) {
                failures.push(format!("{}: {name}: {e}", dir.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(checked >= 5, "only {checked} pairs checked");
}

#[test]
fn removing_a_guardrail_policy_is_new_access() {
    // Two directories: the Region guard is deleted from NEW.
    let root = std::env::temp_dir().join(format!("airtight-guardrail-{}", std::process::id()));
    let (old, new) = (root.join("old"), root.join("new"));
    for d in [&old, &new] {
        std::fs::create_dir_all(d).expect("a temporary directory");
    }
    std::fs::copy(
        guardrails().join("region-identity/old.json"),
        old.join("region.json"),
    )
    .expect("a copy of the fixture");
    let (code, out, log) = json_out(&root, &["diff", "old", "new"]);
    let _ = std::fs::remove_dir_all(&root);
    let file = &out["files"][0];
    assert_eq!(file["verdict"], "removed", "{log}");
    assert_eq!(code, Some(1), "{log}");
    let examples = file["removed_access"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let gained = file["new_access"].as_array().cloned().unwrap_or_default();
    assert!(examples.is_empty(), "{log}");
    assert!(
        gained.iter().any(|e| e["judgement"] == "guardrail"),
        "{log}"
    );
}
