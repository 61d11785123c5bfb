//! The layers, checked mechanically: `cargo test -p airtight-tests --test architecture`.
//!
//! ```text
//! airtight-encodings  (the model and its meaning; no IO)
//!        ▲
//! airtight-analysis   (queries, deny intents, diff, lint; no IO, no clap, no rendering)
//!        ▲
//! airtight-analyzer   (the shell: cli → commands → load, report)
//! ```
//!
//! Cargo already forbids a lower crate from importing a higher one. These tests check the
//! rest: what each crate may depend on, which modules may do IO, that only one module imports
//! `z3`, that the shell's parts point one way, and that no crate's modules import each other in
//! a cycle. Comments and `#[cfg(test)]` modules are ignored: tests may read files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use airtight_tests::workspace_root;

/// A crate's non-test source, module by module (`smt::compile`), comments removed.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).expect("a source directory");
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(src).expect("under src");
                let mut parts: Vec<String> = rel
                    .with_extension("")
                    .iter()
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect();
                if parts.last().is_some_and(|p| p == "mod") {
                    parts.pop();
                }
                let name = if parts == ["lib"] || parts == ["main"] {
                    String::new()
                } else {
                    parts.join("::")
                };
                let text = std::fs::read_to_string(&path).expect("a source file");
                out.insert(name, code_only(&text));
            }
        }
    }
    out
}

/// The text without line comments and without what follows the first `#[cfg(test)]`.
fn code_only(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|l| match l.find("//") {
            // A `//` inside a string literal (a URL) is rare in this code base and only makes
            // the check stricter.
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The modules of the same crate that `module` uses (`crate::x::y`, `super::z`).
fn uses(module: &str, code: &str, all: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let base: Vec<&str> = if module.is_empty() {
        Vec::new()
    } else {
        module.split("::").collect()
    };
    let words: Vec<&str> = code
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .collect();
    for word in words {
        let path: Vec<&str> = if let Some(rest) = word.strip_prefix("crate::") {
            rest.split("::").collect()
        } else if let Some(rest) = word.strip_prefix("super::") {
            let parent = &base[..base.len().saturating_sub(1)];
            parent.iter().copied().chain(rest.split("::")).collect()
        } else {
            continue;
        };
        for k in (1..=path.len()).rev() {
            let candidate = path[..k].join("::");
            if all.contains_key(&candidate) {
                if candidate != module {
                    out.insert(candidate);
                }
                break;
            }
        }
    }
    out
}

/// Every cycle of the module graph (strongly connected components of more than one module).
fn cycles(src: &Path) -> Vec<Vec<String>> {
    let all = modules(src);
    let graph: BTreeMap<String, BTreeSet<String>> = all
        .iter()
        .map(|(m, code)| (m.clone(), uses(m, code, &all)))
        .collect();
    // Kosaraju: order by finish time, then walk the reversed graph.
    let mut order = Vec::new();
    let mut seen = BTreeSet::new();
    for start in graph.keys() {
        let mut stack = vec![(start.clone(), false)];
        while let Some((m, done)) = stack.pop() {
            if done {
                order.push(m);
                continue;
            }
            if !seen.insert(m.clone()) {
                continue;
            }
            stack.push((m.clone(), true));
            for next in &graph[&m] {
                if !seen.contains(next) {
                    stack.push((next.clone(), false));
                }
            }
        }
    }
    let mut reversed: BTreeMap<&String, Vec<&String>> = BTreeMap::new();
    for (m, deps) in &graph {
        for d in deps {
            reversed.entry(d).or_default().push(m);
        }
    }
    let mut assigned = BTreeSet::new();
    let mut out = Vec::new();
    for m in order.iter().rev() {
        if assigned.contains(m) {
            continue;
        }
        let mut component = Vec::new();
        let mut stack = vec![m];
        while let Some(x) = stack.pop() {
            if !assigned.insert(x.clone()) {
                continue;
            }
            component.push(x.clone());
            for y in reversed.get(x).into_iter().flatten() {
                if !assigned.contains(*y) {
                    stack.push(y);
                }
            }
        }
        if component.len() > 1 {
            component.sort();
            out.push(component);
        }
    }
    out
}

fn crate_src(rel: &str) -> PathBuf {
    workspace_root().join(rel)
}

/// `(module, offending text)` for every module whose code contains one of `needles`.
fn offenders(src: &Path, needles: &[&str], allowed: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (m, code) in modules(src) {
        if allowed.contains(&m.as_str()) {
            continue;
        }
        for n in needles {
            if code.contains(n) {
                out.push((m.clone(), n.to_string()));
            }
        }
    }
    out
}

/// What does IO, prints or exits.
const IO: &[&str] = &[
    "std::fs",
    "std::process",
    "std::env",
    "TcpStream",
    "TcpListener",
    "UdpSocket",
    "println!",
    "eprintln!",
    "print!(",
    "eprint!(",
    "stdout()",
    "stderr()",
    "dbg!",
];

#[test]
fn no_module_graph_has_a_cycle() {
    for src in ["encodings/src", "analyzer/analysis/src", "analyzer/src"] {
        let found = cycles(&crate_src(src));
        assert!(found.is_empty(), "{src}: import cycles {found:?}");
    }
}

#[test]
fn the_checker_finds_cycles() {
    // The check itself must be able to fail: a two-module cycle in a scratch crate.
    let dir = std::env::temp_dir().join(format!("airtight-arch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("a")).expect("scratch dir");
    std::fs::write(dir.join("lib.rs"), "pub mod a;\npub mod b;\n").expect("write");
    std::fs::write(dir.join("a/mod.rs"), "use crate::b::B;\npub struct A;\n").expect("write");
    std::fs::write(
        dir.join("b.rs"),
        "// crate::x in a comment does not count\nuse super::a::A;\npub struct B;\n",
    )
    .expect("write");
    assert_eq!(cycles(&dir), vec![vec!["a".to_string(), "b".to_string()]]);
    std::fs::write(dir.join("b.rs"), "// use super::a::A;\npub struct B;\n").expect("write");
    assert!(cycles(&dir).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_core_and_the_analyses_do_no_io() {
    for src in ["encodings/src", "analyzer/analysis/src"] {
        let found = offenders(&crate_src(src), IO, &[]);
        assert!(found.is_empty(), "{src} does IO: {found:?}");
    }
}

#[test]
fn the_analysis_layer_knows_no_command_line_or_rendering() {
    let manifest = std::fs::read_to_string(crate_src("analyzer/analysis/Cargo.toml"))
        .expect("the analysis manifest");
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("a [dependencies] table");
    let names: BTreeSet<&str> = deps
        .lines()
        .filter_map(|l| l.split(['.', '=', ' ']).next())
        .filter(|n| !n.is_empty())
        .collect();
    let allowed: BTreeSet<&str> = ["airtight-encodings", "rayon", "indexmap", "thiserror"].into();
    assert!(
        names.is_subset(&allowed),
        "airtight-analysis depends on {:?}",
        names.difference(&allowed).collect::<Vec<_>>()
    );
    let found = offenders(
        &crate_src("analyzer/analysis/src"),
        &[
            "clap",
            "codespan_reporting",
            "airtight_analyzer",
            "serde_json",
        ],
        &[],
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn only_the_solver_module_imports_z3() {
    for src in ["encodings/src", "analyzer/analysis/src", "analyzer/src"] {
        let found = offenders(&crate_src(src), &["z3::", "use z3"], &["smt::solver"]);
        assert!(found.is_empty(), "{src}: {found:?}");
    }
}

#[test]
fn in_the_shell_only_load_reads_input_and_only_main_exits() {
    let src = crate_src("analyzer/src");
    let reads = ["std::fs", "Command::new", "std::env"];
    let found: Vec<_> = offenders(&src, &reads, &[])
        .into_iter()
        .filter(|(m, _)| m != "load" && !m.starts_with("load::"))
        .collect();
    assert!(found.is_empty(), "reads input outside load: {found:?}");
    let exits = ["process::exit", "ExitCode"];
    let found: Vec<_> = offenders(&src, &exits, &[""])
        .into_iter()
        .filter(|(m, _)| m != "exit")
        .collect();
    assert!(found.is_empty(), "exits outside main and exit: {found:?}");
}

#[test]
fn the_shell_points_one_way() {
    // cli → commands → {load, report}; report reads the loader's file database; load depends
    // on nothing else of the shell.
    let src = crate_src("analyzer/src");
    let all = modules(&src);
    let top = |m: &str| m.split("::").next().unwrap_or("").to_string();
    let forbidden: &[(&str, &[&str])] = &[
        ("load", &["cli", "commands", "report"]),
        ("report", &["cli", "commands"]),
        ("cli", &["commands", "report"]),
    ];
    for (m, code) in &all {
        for (layer, not) in forbidden {
            if top(m) != *layer {
                continue;
            }
            for dep in uses(m, code, &all) {
                assert!(
                    !not.contains(&top(&dep).as_str()),
                    "`{m}` uses `{dep}`: {layer} must not depend on {not:?}"
                );
            }
        }
    }
}
