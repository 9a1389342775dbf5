//! `point-break batch`: many searches on one warm browser, for cron runs that must not lose
//! work. [`input`] turns flags or a file into checked queries, [`scheduler`] runs them with
//! pacing, retries, session renewal and browser restarts behind the [`scheduler::Engine`] trait
//! ([`engine`] is the real Firefox one), [`journal`] writes one JSON line per query and reads them
//! back for `--resume`, and [`lock`] keeps two runs from overlapping.
//!
//! Behaviour worth knowing when reading the code:
//!
//! - **Output**: one JSON line per query as soon as it finishes, a single `write(2)` on a file
//!   opened for appending: `search_metadata`, `flights`, `total_results` (as `search` prints
//!   them), `fetched_at` (RFC 3339, UTC) and `attempts`; a failed query has `error: {kind,
//!   message}` instead of `flights` and `total_results`. An existing `--output` with lines is
//!   refused (exit 2) unless `--resume` or `--force` is given.
//! - **Resume**: answered queries are skipped; failed ones are searched again and their old
//!   lines dropped (the file is rewritten atomically only when something is dropped, including a
//!   torn last line), so the file ends with every query exactly once. Lines of queries that are
//!   not part of this run are kept as they are.
//! - **Session renewal**: `--rotate-after N` and AA's 309 both mean a fresh load of the booking
//!   page in the same Firefox (new AA session cookies, same bot-defence cookies), done only when
//!   no search is in flight, since a page load cuts off the fetches running in it.
//! - **Restart**: a Firefox or geckodriver that died (`SessionLost`), or hung (a timed-out search
//!   on a browser that no longer answers a trivial script, or the scheduler's watchdog), is
//!   closed (its process group killed) and a new one started; the searches that were in flight
//!   are run again, at no cost to their retry budget.
//! - **Retries**: 429, 5xx, timeouts and network errors: up to 4 tries with exponential backoff
//!   and jitter (2 s doubling, at most 60 s); a 429's `Retry-After` (at most 2 min) holds every
//!   search back, not just the one that got it.
//! - **Block**: AA's bot defence stops new searches, lets those in flight land, pauses for
//!   `--cooldown`, renews the session and sends one search; if that one is blocked too the run
//!   ends (exit 5) and the blocked queries are not written, so `--resume` picks them up.
//! - **Exit codes**: 0 all answered; 11 the run finished but some queries failed; 12 `--lock` is
//!   held; 130 Ctrl-C or SIGTERM (the line being written is finished, the browser closed); 2 a bad
//!   flag or row (nothing started); otherwise the code of what stopped the run (3 browser, 4
//!   unreachable, 5 blocked, 1 output not writable).

pub mod engine;
pub mod input;
pub mod journal;
pub mod lock;
pub mod scheduler;

pub use engine::FirefoxEngine;
pub use scheduler::{Ending, Engine, Policy, Sink};
