//! Rendering query answers: [`text`] for people, [`json`] for programs.

pub mod json;
pub mod text;
