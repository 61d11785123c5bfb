//! Rendering `who-can`: [`text`] for people, [`json`] for programs, [`sarif`] for code
//! scanning, [`markdown`] for a pull-request comment.

pub mod json;
pub mod markdown;
pub mod sarif;
pub mod text;

use airtight_analysis::who_can::Access;

/// The conditions of an access's first example, as `key = value` words.
pub fn conditions(a: &Access) -> Vec<String> {
    a.conditions
        .first()
        .map(|c| c.iter().map(|(k, v)| format!("{k} = {v}")).collect())
        .unwrap_or_default()
}
