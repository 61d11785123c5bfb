//! A deny-check as GitHub Actions workflow commands: an `::error` annotation per bypass
//! request at each statement that allows it, a `::warning` per model without an answer.

use std::io;

use airtight_analysis::deny::DenyCheck;
use airtight_encodings::span::FileId;

use crate::load::Loader;
use crate::report::findings;

pub fn render(
    loader: &Loader,
    check: &DenyCheck,
    files: &[FileId],
    w: &mut dyn io::Write,
) -> io::Result<()> {
    findings::github(&super::findings(loader, check, files), w)
}
