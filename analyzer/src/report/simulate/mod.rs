//! Rendering decisions: one, as [`text`] for people or [`json`] for programs; many, one
//! [`lines`] each (`simulate --requests`).

pub mod json;
pub mod lines;
pub mod text;
