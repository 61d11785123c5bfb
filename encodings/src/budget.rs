//! One deadline and one memory budget for a whole question (or a whole command).
//!
//! A [`Budget`] is made once, when the question is asked, and handed down to every stage that
//! can take long or grow large: compiling, partitioning strings, rewriting them into classes,
//! lowering into Z3, solving, certifying and the search for further examples. Nothing is
//! stopped from outside: each stage checks the budget cooperatively ([`Budget::check`]) in its
//! loops and returns a [`BudgetError`] naming itself when the deadline has passed or the
//! memory it counts would exceed the limit. Z3 gets the remaining time as its timeout and the
//! memory limit as its own (see `smt::solver`).
//!
//! What is counted (estimates of the bytes a structure holds, not the allocator's figures):
//!
//! | stage | counted |
//! |---|---|
//! | partitioning | the automaton's states (live globs and their position sets), edges and witnesses |
//! | rewriting into classes | the term nodes the class tests add |
//! | Z3 | Z3's own allocator, limited through its `memory_high_watermark` / `memory_max_size` |
//!
//! Clones share one clock and one memory counter, so that parallel questions of one command
//! (the files of a `diff`) draw from the same budget.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The default deadline of one question.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default memory budget: 2 GiB.
pub const DEFAULT_MEMORY: u64 = 2 << 30;

/// A deadline and a memory budget, shared by clones.
#[derive(Debug, Clone)]
pub struct Budget {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    timeout: Duration,
    /// `None` when `start + timeout` does not fit in an `Instant` (never reached).
    deadline: Option<Instant>,
    memory_limit: u64,
    memory_used: AtomicU64,
}

/// What was being done when the budget ran out, for the `unknown` reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Before the question was asked (the command's deadline passed on another question).
    Queued,
    /// Turning the policies into terms.
    Compiling,
    /// Cutting one string variable's patterns into classes.
    Partitioning {
        /// How many distinct patterns.
        patterns: usize,
        /// What they test ("resource", "action", a condition key's name).
        subject: String,
    },
    /// Replacing string tests by class tests.
    Rewriting,
    /// Handing the problem to Z3.
    Lowering,
    /// Z3 deciding the problem.
    Solving,
    /// Looking for another example after `found` certified ones.
    Searching { found: usize },
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stage::Queued => write!(f, "before the question was asked"),
            Stage::Compiling => write!(f, "while compiling the policies"),
            Stage::Partitioning { patterns, subject } => {
                write!(f, "while partitioning {patterns} {subject} patterns")
            }
            Stage::Rewriting => write!(f, "while rewriting string tests into classes"),
            Stage::Lowering => write!(f, "while handing the problem to the solver"),
            Stage::Solving => write!(f, "while the solver was deciding the question"),
            Stage::Searching { found } => {
                write!(f, "while looking for more examples ({found} found)")
            }
        }
    }
}

/// The budget ran out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BudgetError {
    #[error("the deadline of {} passed {stage}", seconds(*timeout))]
    Deadline { timeout: Duration, stage: Stage },
    #[error("the memory budget of {} ran out {stage}", bytes(*limit))]
    Memory { limit: u64, stage: Stage },
}

impl Default for Budget {
    /// [`DEFAULT_TIMEOUT`] from now and [`DEFAULT_MEMORY`].
    fn default() -> Budget {
        Budget::new(DEFAULT_TIMEOUT, DEFAULT_MEMORY)
    }
}

impl Budget {
    /// A budget whose deadline is `timeout` from now.
    pub fn new(timeout: Duration, memory_limit: u64) -> Budget {
        Budget {
            inner: Arc::new(Inner {
                timeout,
                deadline: Instant::now().checked_add(timeout),
                memory_limit,
                memory_used: AtomicU64::new(0),
            }),
        }
    }

    /// No deadline and no memory limit (for callers that bound the work otherwise, and tests).
    pub fn unlimited() -> Budget {
        Budget::new(Duration::MAX, u64::MAX)
    }

    /// The whole time allowed.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The memory limit in bytes.
    pub fn memory_limit(&self) -> u64 {
        self.inner.memory_limit
    }

    /// The time left (zero once the deadline has passed).
    pub fn remaining(&self) -> Duration {
        match self.inner.deadline {
            Some(d) => d.saturating_duration_since(Instant::now()),
            None => Duration::MAX,
        }
    }

    /// Whether the deadline has passed.
    pub fn expired(&self) -> bool {
        self.remaining().is_zero()
    }

    /// `Err` when the deadline has passed, naming `stage`.
    pub fn check(&self, stage: impl FnOnce() -> Stage) -> Result<(), BudgetError> {
        if self.expired() {
            return Err(self.deadline_error(stage()));
        }
        Ok(())
    }

    /// The error for a deadline that passed during `stage`.
    pub fn deadline_error(&self, stage: Stage) -> BudgetError {
        BudgetError::Deadline {
            timeout: self.inner.timeout,
            stage,
        }
    }

    /// The error for memory that ran out during `stage`.
    pub fn memory_error(&self, stage: Stage) -> BudgetError {
        BudgetError::Memory {
            limit: self.inner.memory_limit,
            stage,
        }
    }

    /// Counted memory in use by all holders of this budget.
    pub fn memory_used(&self) -> u64 {
        self.inner.memory_used.load(Ordering::Relaxed)
    }

    /// An empty reservation, grown as a structure grows and released when dropped.
    pub fn reservation(&self) -> Reservation<'_> {
        Reservation {
            budget: self,
            bytes: 0,
            cap: u64::MAX,
        }
    }

    /// Like [`Budget::reservation`], and also failing once this reservation alone holds more
    /// than `cap` bytes (a share of the budget for one structure).
    pub fn reservation_capped(&self, cap: u64) -> Reservation<'_> {
        Reservation {
            budget: self,
            bytes: 0,
            cap,
        }
    }
}

/// Memory counted against a [`Budget`] for one structure; released when dropped.
#[derive(Debug)]
pub struct Reservation<'a> {
    budget: &'a Budget,
    bytes: u64,
    cap: u64,
}

impl Reservation<'_> {
    /// Counts `more` bytes. `Err` (with nothing counted) when the budget's total, or this
    /// reservation's cap, would be exceeded.
    pub fn grow(&mut self, more: u64, stage: impl FnOnce() -> Stage) -> Result<(), BudgetError> {
        let inner = &self.budget.inner;
        let total = self.bytes.saturating_add(more);
        let used = inner.memory_used.fetch_add(more, Ordering::Relaxed);
        if total > self.cap || used.saturating_add(more) > inner.memory_limit {
            inner.memory_used.fetch_sub(more, Ordering::Relaxed);
            return Err(self.budget.memory_error(stage()));
        }
        self.bytes = total;
        Ok(())
    }

    /// The bytes this reservation counts.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        self.budget
            .inner
            .memory_used
            .fetch_sub(self.bytes, Ordering::Relaxed);
    }
}

/// `5 s`, `0.5 s`, `1.25 s`.
fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        let s = format!("{:.3}", d.as_secs_f64());
        format!("{} s", s.trim_end_matches('0'))
    }
}

/// `2 GiB`, `512 MiB`, `1000 bytes`.
fn bytes(n: u64) -> String {
    const MIB: u64 = 1 << 20;
    if n >= 1 << 30 && n.is_multiple_of(1 << 30) {
        format!("{} GiB", n >> 30)
    } else if n >= MIB {
        format!("{} MiB", n / MIB)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_limit_and_the_stage() {
        let b = Budget::new(Duration::from_millis(5000), 1 << 30);
        let e = b.deadline_error(Stage::Partitioning {
            patterns: 200,
            subject: "resource".into(),
        });
        assert_eq!(
            e.to_string(),
            "the deadline of 5 s passed while partitioning 200 resource patterns"
        );
        let b = Budget::new(Duration::from_millis(250), 64 << 20);
        assert_eq!(
            b.deadline_error(Stage::Solving).to_string(),
            "the deadline of 0.25 s passed while the solver was deciding the question"
        );
        assert_eq!(
            b.memory_error(Stage::Rewriting).to_string(),
            "the memory budget of 64 MiB ran out while rewriting string tests into classes"
        );
    }

    #[test]
    fn a_passed_deadline_is_reported() {
        let b = Budget::new(Duration::ZERO, 1 << 30);
        assert!(b.expired());
        assert!(b.check(|| Stage::Compiling).is_err());
        let far = Budget::new(Duration::MAX, 1 << 30);
        assert!(far.check(|| Stage::Compiling).is_ok());
    }

    #[test]
    fn reservations_are_shared_capped_and_released() {
        let b = Budget::new(Duration::from_secs(60), 1000);
        let twin = b.clone();
        {
            let mut r = b.reservation();
            r.grow(600, || Stage::Rewriting).expect("fits");
            assert_eq!(twin.memory_used(), 600);
            let mut other = twin.reservation();
            assert!(other.grow(500, || Stage::Rewriting).is_err());
            assert_eq!(twin.memory_used(), 600);
            other.grow(400, || Stage::Rewriting).expect("fits");
        }
        assert_eq!(b.memory_used(), 0);
        let mut capped = b.reservation_capped(100);
        assert!(capped.grow(101, || Stage::Rewriting).is_err());
        assert_eq!(b.memory_used(), 0);
    }
}
