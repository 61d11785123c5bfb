//! `who-can` as SARIF 2.1.0: one result per caller that can (`airtight/who-can`, a note),
//! located at the statements that granted its example, and one per caller with no answer
//! (`airtight/unknown`); the rules carry help, a `helpUri` and a `security-severity`.

use airtight_analysis::who_can::WhoCan;
use serde_json::Value;

use crate::load::Loader;
use crate::report::findings;

pub fn render(loader: &Loader, result: &WhoCan) -> Value {
    findings::sarif(&super::RULES, &super::findings(loader, result))
}
