//! point-break: is an American Airlines flight better paid in cash or in AAdvantage miles?
//!
//! The pure [`core`] turns AA's Award and Revenue itinerary responses into a cents-per-point
//! report; [`browser`] drives a real Firefox through WebDriver to fetch those responses from
//! inside AA's booking page. The binary's CLI lives in `src/cli.rs` and `src/main.rs`.

pub mod browser;
pub mod core;
