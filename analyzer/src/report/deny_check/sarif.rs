//! A deny-check as SARIF 2.1.0: its [`findings`](super::findings) with the rules
//! `airtight/deny-bypass` and `airtight/unknown` (help, `helpUri`, `security-severity`). An
//! intent that holds gives a run with no results.

use airtight_analysis::deny::DenyCheck;
use airtight_encodings::span::FileId;
use serde_json::Value;

use crate::load::Loader;
use crate::report::findings;

pub fn render(loader: &Loader, check: &DenyCheck, files: &[FileId]) -> Value {
    findings::sarif(&super::RULES, &super::findings(loader, check, files))
}
