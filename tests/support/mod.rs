//! Helpers shared by the integration tests; include with `mod support;`.
//! `standin` is the local AA stand-in the browser and CLI tests talk to instead of aa.com;
//! `procs` checks for the real browser and for processes left behind.

pub mod procs;
pub mod standin;
