//! A progress bar on stderr for long runs — only when stderr is a terminal, so pipes, CI logs
//! and tests never see it — and only once a run has lasted a second.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar over `len` steps, hidden unless stderr is a terminal.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    pub fn new(len: u64, what: &str) -> Progress {
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({elapsed})")
            {
                bar.set_style(style);
            }
            bar.set_message(what.to_string());
            // Drawn only after a second: short runs print nothing.
            bar.set_draw_target(ProgressDrawTarget::hidden());
            let shown = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(1));
                if !shown.is_finished() {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                }
            });
            bar
        } else {
            ProgressBar::hidden()
        };
        Progress { bar }
    }

    /// One step done.
    pub fn step(&self) {
        self.bar.inc(1);
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
