//! Build script of `airtight-encodings`: writes static Rust tables, so that a process computes
//! nothing at start-up that the build can compute once.
//!
//! | module | writes | read by |
//! |---|---|---|
//! | `tables` | `$OUT_DIR/service_data.rs`: the service data (`data/service-data.json` and `data/global-condition-keys.json`, see `docs/service-data.md`) | `src/service_data.rs` |
//! | `case_fold` | `$OUT_DIR/case_fold.rs`: the characters case folding maps to each character | `src/glob.rs` |
//!
//! Parsing the 1.3 MB of JSON on every run cost about 45 ms of CPU and 40 MB of memory, most
//! of a small query's process time. The tables written here (`$OUT_DIR/service_data.rs`,
//! included by `src/service_data.rs`) hold the same data and the indexes the lookups need,
//! sorted for binary search; the process maps them in from the binary and touches only the
//! pages a lookup reads.

mod case_fold;
mod tables;

use std::path::{Path, PathBuf};

fn main() {
    let here = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let service = here.join("data/service-data.json");
    let global = here.join("data/global-condition-keys.json");
    for path in [&service, &global] {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    println!("cargo:rerun-if-changed=build");
    let code = match tables::generate(&read(&service), &read(&global)) {
        Ok(code) => code,
        Err(e) => fail(&format!("the service data is malformed: {e}")),
    };
    write(&out.join("service_data.rs"), &code);
    write(&out.join("case_fold.rs"), &case_fold::generate());
}

fn write(path: &Path, code: &str) {
    if let Err(e) = std::fs::write(path, code) {
        fail(&format!("cannot write {}: {e}", path.display()));
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", path.display())))
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}
