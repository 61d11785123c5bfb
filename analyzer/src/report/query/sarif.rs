//! Query answers as SARIF 2.1.0: the answer's [`findings`](super::findings) with the rules of
//! the query (`airtight/new-access`, `airtight/not-equivalent`, `airtight/access-granted`,
//! `airtight/no-access`, and `airtight/unknown`), each with help, a `helpUri` and a
//! `security-severity`. A property that holds gives a run with no results.

use airtight_analysis::query::QueryKind;
use serde_json::Value;

use crate::load::Loader;
use crate::report::findings;
use crate::report::query::Shown;

pub fn render(loader: &Loader, kind: QueryKind, shown: &Shown<'_>) -> Value {
    findings::sarif(&super::rules(kind), &super::findings(loader, kind, shown))
}
