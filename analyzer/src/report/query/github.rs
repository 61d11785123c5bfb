//! Query answers as GitHub Actions workflow commands: one annotation per
//! [`finding`](super::findings) and statement responsible (`::error` for new access and access
//! that must never be granted, `::warning` for a difference, missing access or no answer).

use std::io;

use airtight_analysis::query::QueryKind;

use crate::load::Loader;
use crate::report::findings;
use crate::report::query::Shown;

pub fn render(
    loader: &Loader,
    kind: QueryKind,
    shown: &Shown<'_>,
    w: &mut dyn io::Write,
) -> io::Result<()> {
    findings::github(&super::findings(loader, kind, shown), w)
}
