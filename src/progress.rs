//! Progress on stderr with indicatif: a spinner naming the current step for `search`, a bar for
//! `batch`. Hidden when stderr is not a terminal (cron, pipes, tests) or with `--quiet`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// Whether progress should be drawn at all.
pub fn visible(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// A spinner with the name of the current step.
pub struct Steps {
    bar: ProgressBar,
}

impl Steps {
    /// A spinner, hidden unless [`visible`].
    pub fn new(quiet: bool) -> Self {
        let bar = if visible(quiet) {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed:.dim}")
                    .expect("the template is valid"),
            );
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        } else {
            ProgressBar::hidden()
        };
        Steps { bar }
    }

    /// Shows the step now running.
    pub fn step(&self, message: &'static str) {
        tracing::debug!("{message}");
        self.bar.set_message(message);
    }

    /// Removes the spinner.
    pub fn done(&self) {
        self.bar.finish_and_clear();
    }
}

/// A bar for `batch`: queries done of all, failures so far (the message), rate and ETA.
pub fn bar(total: u64, quiet: bool) -> ProgressBar {
    if !visible(quiet) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:30.cyan/blue} {pos}/{len} {msg} {per_sec:.dim} ETA {eta} {elapsed:.dim}",
        )
        .expect("the template is valid")
        .progress_chars("=> "),
    );
    bar.set_message("0 failed");
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

impl Drop for Steps {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
