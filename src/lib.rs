//! point-break: is an American Airlines flight better paid in cash or in AAdvantage miles?
//!
//! The pure [`core`] turns AA's Award and Revenue itinerary answers into a cents-per-point
//! report; [`browser`] drives a real Firefox through WebDriver to fetch those answers from inside
//! AA's booking page; [`select`] filters, sorts and judges a report and [`render`] writes it as
//! JSON, NDJSON, CSV or a table; [`cmd`] holds one module per subcommand around them.

pub mod batch;
/// Prints one line on stderr. A closed or full stderr is ignored rather than a panic: there is
/// nowhere left to report it, and the exit code still tells what happened.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod browser;
pub mod cli;
pub mod cmd;
pub mod core;
pub mod error;
pub mod exit;
pub mod logging;
pub mod output;
pub mod progress;
pub mod render;
pub mod search;
pub mod select;
