//! Rendering query answers: [`text`] for people, [`json`] for programs.
//!
//! Both render a [`Shown`]: the answer, and for each counterexample the policy sets it was
//! decided in (for the lines that confirm it with AWS) and, when a single policy per side was
//! judged in several ways (`diff::judgement`), which judgement found it.

pub mod json;
pub mod text;

use airtight_analysis::diff::judgement::{JudgedAnswer, Judgement};
use airtight_analysis::query::{Answer, Counterexample, Outcome};
use airtight_encodings::eval::PolicySet;
use airtight_encodings::policy::PolicyKind;

/// An answer as the renderers show it.
pub struct Shown<'a> {
    /// The combined answer: its outcome decides the verdict.
    pub answer: Answer,
    pub counterexamples: Vec<ShownExample<'a>>,
    /// For a single policy per side: the type it was read as and each judgement's outcome.
    pub judged: Option<(PolicyKind, Vec<(Judgement, Outcome)>)>,
}

/// One counterexample with where it was decided.
pub struct ShownExample<'a> {
    pub counterexample: &'a Counterexample,
    pub sets: Vec<&'a PolicySet>,
    pub judgement: Option<Judgement>,
}

impl<'a> Shown<'a> {
    /// An answer about the policy sets `sets`.
    pub fn of_sets(answer: &'a Answer, sets: &[&'a PolicySet]) -> Shown<'a> {
        Shown {
            answer: answer.clone(),
            counterexamples: answer
                .counterexamples
                .iter()
                .map(|c| ShownExample {
                    counterexample: c,
                    sets: sets.to_vec(),
                    judgement: None,
                })
                .collect(),
            judged: None,
        }
    }

    /// An answer about one policy per side, judged in every way it gets.
    pub fn of_judged(judged: &'a JudgedAnswer) -> Shown<'a> {
        Shown {
            answer: judged.answer(),
            counterexamples: judged
                .counterexamples()
                .map(|(part, c)| ShownExample {
                    counterexample: c,
                    sets: vec![&part.old, &part.new],
                    judgement: Some(part.judgement),
                })
                .collect(),
            judged: Some((
                judged.kind,
                judged
                    .judgements()
                    .into_iter()
                    .map(|j| (j, judged.outcome_of(j)))
                    .collect(),
            )),
        }
    }
}
