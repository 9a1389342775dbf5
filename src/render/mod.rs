//! The output formats: pretty JSON (the default and the documented interface), NDJSON (one
//! self-contained line per flight), CSV (a fixed column list) and a terminal table. Each turns a
//! finished [`Report`] into bytes; nothing here filters, sorts or judges (see [`crate::select`]).

mod csv;
mod json;
mod table;

pub use self::csv::COLUMNS as CSV_COLUMNS;
pub use self::table::TableOptions;

use crate::core::Report;
use std::str::FromStr;

/// How a report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// The whole report as pretty JSON.
    #[default]
    Json,
    /// One compact JSON object per flight, each with the search's `search_metadata`.
    Ndjson,
    /// A header row and one row per flight; see [`CSV_COLUMNS`].
    Csv,
    /// A table for people, fitted to a width, best redemptions highlighted.
    Table,
}

impl Format {
    /// The names `--format` accepts.
    pub const NAMES: &'static [&'static str] = &["json", "ndjson", "csv", "table"];
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "json" => Format::Json,
            "ndjson" | "jsonl" | "jsonlines" => Format::Ndjson,
            "csv" => Format::Csv,
            "table" => Format::Table,
            _ => {
                return Err(format!(
                    "{s:?} is not a format; use json, ndjson, csv or table"
                ))
            }
        })
    }
}

/// Renders `report` as `format`; `table` only matters for [`Format::Table`].
pub fn render(report: &Report, format: Format, table: &TableOptions) -> Vec<u8> {
    match format {
        Format::Json => json::pretty(report),
        Format::Ndjson => json::lines(report),
        Format::Csv => csv::render(report),
        Format::Table => table::render(report, table),
    }
}
