//! JSON and NDJSON. The pretty form is the report exactly; each NDJSON line is one flight with
//! the search's `search_metadata` in front, so a line means something on its own (`grep`,
//! `jq -c 'select(.cpp > 2)'`, a log shipper).

use crate::core::{Flight, Report, SearchMetadata};
use serde::Serialize;

/// The report as pretty JSON, newline-terminated.
pub fn pretty(report: &Report) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(report).expect("a report always serializes");
    out.push(b'\n');
    out
}

/// One NDJSON line.
#[derive(Serialize)]
struct Line<'a> {
    search_metadata: &'a SearchMetadata,
    #[serde(flatten)]
    flight: &'a Flight,
}

/// One compact JSON object per flight, each ending in a newline; nothing for no flights.
pub fn lines(report: &Report) -> Vec<u8> {
    let mut out = Vec::new();
    for flight in &report.flights {
        let line = Line {
            search_metadata: &report.search_metadata,
            flight,
        };
        serde_json::to_writer(&mut out, &line).expect("a flight always serializes");
        out.push(b'\n');
    }
    out
}
