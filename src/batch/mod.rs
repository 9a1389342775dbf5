//! `point-break batch`: many searches on one warm browser, for cron runs that must not lose
//! work. [`input`] turns flags or a file into checked queries, [`scheduler`] runs them with
//! pacing, retries, session renewal and browser restarts behind the [`scheduler::Engine`] trait
//! ([`engine`] is the real Firefox one), [`journal`] writes one JSON line per query and reads them
//! back for `--resume`, and [`lock`] keeps two runs from overlapping.

pub mod engine;
pub mod input;
pub mod journal;
pub mod lock;
pub mod scheduler;

pub use engine::FirefoxEngine;
pub use scheduler::{Ending, Engine, Policy, Sink};
