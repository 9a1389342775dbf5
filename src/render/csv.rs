//! CSV through the `csv` crate: a header row, then one row per flight with the fixed columns of
//! [`COLUMNS`]. Dollar amounts and cents per point have two decimals; a missing value is an empty
//! field; a multi-segment trip's flight numbers are joined with `+`.

use crate::core::{Flight, Report, SearchMetadata};
use rust_decimal::Decimal;

/// The columns, in order. New columns are only ever added at the end.
pub const COLUMNS: &[&str] = &[
    "flight_number",
    "departure_time",
    "arrival_time",
    "stops",
    "duration_minutes",
    "points_required",
    "cash_price_usd",
    "taxes_fees_usd",
    "cpp",
    "verdict",
    "savings_usd",
    "value_of_miles_usd",
    "value_cpp",
    "origin",
    "destination",
    "flight_numbers",
    "arrives_next_day",
    "departure",
    "arrival",
    "cash_fare_brand",
    "award_seats_remaining",
    "cash_seats_remaining",
    "hash",
    "search_origin",
    "search_destination",
    "date",
    "passengers",
    "cabin_class",
];

/// The report as CSV.
pub fn render(report: &Report) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(COLUMNS)
        .expect("writing to memory cannot fail");
    for flight in &report.flights {
        writer
            .write_record(row(flight, &report.search_metadata))
            .expect("writing to memory cannot fail");
    }
    writer.into_inner().expect("writing to memory cannot fail")
}

fn row(f: &Flight, s: &SearchMetadata) -> [String; COLUMNS.len()] {
    let opt = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    [
        f.flight_number.clone(),
        f.departure_time.clone(),
        f.arrival_time.clone(),
        f.stops.to_string(),
        opt(f.duration_minutes),
        f.points_required.to_string(),
        two(f.cash_price_usd),
        two(f.taxes_fees_usd),
        two(f.cpp),
        f.valuation.verdict.as_str().to_owned(),
        two(f.valuation.savings_usd),
        two(f.valuation.value_of_miles_usd),
        f.valuation.value_cpp.normalize().to_string(),
        f.origin.clone(),
        f.destination.clone(),
        f.flight_numbers.join("+"),
        f.arrives_next_day.to_string(),
        f.departure.clone(),
        f.arrival.clone(),
        f.cash_fare_brand.clone().unwrap_or_default(),
        opt(f.award_seats_remaining),
        opt(f.cash_seats_remaining),
        f.hash.clone(),
        s.origin.clone(),
        s.destination.clone(),
        s.date.clone(),
        s.passengers.to_string(),
        s.cabin_class.as_str().to_owned(),
    ]
}

/// Two decimals, rounded half away from zero: `5.6` → `5.60`.
pub(crate) fn two(d: Decimal) -> String {
    let d = d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    format!("{d:.2}")
}
