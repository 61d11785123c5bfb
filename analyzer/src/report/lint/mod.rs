//! Rendering lint findings: [`text`] for people, [`json`] for programs.

pub mod json;
pub mod text;
