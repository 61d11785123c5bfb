//! The process exit codes of the `airtight` binary, defined in one place.
//!
//! | code | meaning |
//! |------|---------|
//! | 0 | the command ran; for `simulate`, whatever the decision |
//! | 1 | a checked property is violated: `no-new-access`/`never`/`deny-check` violated, `equiv` different, `can` found nothing, `diff` found a change `--fail-on` rejects, `lint` found a warning |
//! | 2 | bad input: a policy or request file is unreadable, not UTF-8, or has an error diagnostic; or the command line is wrong |
//! | 3 | the answer is unknown (solver timeout, a construct encoded only approximately), or an internal error (an uncertified counterexample) |

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok,
    Violated,
    BadInput,
    Unknown,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Violated => 1,
            Exit::BadInput => 2,
            Exit::Unknown => 3,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> std::process::ExitCode {
        std::process::ExitCode::from(exit.code())
    }
}
