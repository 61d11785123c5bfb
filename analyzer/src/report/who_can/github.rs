//! `who-can` as GitHub Actions workflow commands: a `::notice` per caller that can, at the
//! statements that granted its example, and a `::warning` per caller with no answer.

use std::io;

use airtight_analysis::who_can::WhoCan;

use crate::load::Loader;
use crate::report::findings;

pub fn render(loader: &Loader, result: &WhoCan, w: &mut dyn io::Write) -> io::Result<()> {
    findings::github(&super::findings(loader, result), w)
}
