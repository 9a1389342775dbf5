//! The output model: what point-break prints for one search. Field names here are the public
//! JSON interface; the required keys are those of the README's example.

use crate::core::query::Cabin;
use crate::core::verdict::Valuation;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Serialize;

/// One search's answer.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Report {
    /// What was searched.
    pub search_metadata: SearchMetadata,
    /// Comparable flights, sorted by departure unless `--sort` says otherwise.
    pub flights: Vec<Flight>,
    /// `flights.len()`: the flights printed, after any filter.
    pub total_results: usize,
}

impl Report {
    /// Wraps flights with their search, counting them.
    pub fn new(search_metadata: SearchMetadata, flights: Vec<Flight>) -> Self {
        Report {
            total_results: flights.len(),
            search_metadata,
            flights,
        }
    }
}

/// The search a report answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SearchMetadata {
    /// Origin code as searched (an airport or a city such as NYC).
    pub origin: String,
    /// Destination code as searched.
    pub destination: String,
    /// Departure day, `YYYY-MM-DD`.
    pub date: String,
    /// Adults in the party.
    pub passengers: u8,
    /// Cabin compared.
    pub cabin_class: Cabin,
}

/// One itinerary, priced both ways for the whole party.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Flight {
    /// First segment's carrier and number as AA gives them, e.g. `AA171` or `AS289`.
    pub flight_number: String,
    /// Local departure wall-clock time, `HH:MM`.
    pub departure_time: String,
    /// Local arrival wall-clock time, `HH:MM`.
    pub arrival_time: String,
    /// Miles for the party.
    pub points_required: u64,
    /// Cash fare for the party, taxes included.
    #[serde(with = "rust_decimal::serde::float")]
    #[schemars(with = "f64")]
    pub cash_price_usd: Decimal,
    /// Taxes and fees payable on the award, for the party.
    #[serde(with = "rust_decimal::serde::float")]
    #[schemars(with = "f64")]
    pub taxes_fees_usd: Decimal,
    /// Cents of cash fare saved per mile spent, rounded half away from zero to 2 places.
    #[serde(with = "rust_decimal::serde::float")]
    #[schemars(with = "f64")]
    pub cpp: Decimal,
    /// Miles or cash at the user's valuation of a mile (`--value-cpp`), and by how much.
    #[serde(flatten)]
    pub valuation: Valuation,
    /// Every segment's flight number, in order.
    pub flight_numbers: Vec<String>,
    /// First departure airport.
    pub origin: String,
    /// Last arrival airport.
    pub destination: String,
    /// Connections.
    pub stops: u64,
    /// Door-to-door minutes.
    pub duration_minutes: Option<u64>,
    /// Full local departure with its UTC offset, as AA gives it.
    pub departure: String,
    /// Full local arrival with its UTC offset, as AA gives it.
    pub arrival: String,
    /// Days after the departure day on which it arrives (0 the same day).
    pub arrives_next_day: u64,
    /// The cash fare brand compared (`MAIN` for Main Cabin); `None` when AA gave no brand.
    pub cash_fare_brand: Option<String>,
    /// The cash product type compared (e.g. `COACH`).
    pub cash_product: String,
    /// The award product type compared (e.g. `COACH`).
    pub award_product: String,
    /// Award seats left when AA warns of a low count.
    pub award_seats_remaining: Option<u64>,
    /// Cash seats left when AA warns of a low count.
    pub cash_seats_remaining: Option<u64>,
    /// AA's itinerary hash, the key both prices were paired on.
    pub hash: String,
    /// Each flight of the itinerary.
    pub segments: Vec<SegmentOut>,
}

/// One flight of an itinerary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SegmentOut {
    /// Carrier code and number, e.g. `AA4536`.
    pub flight_number: String,
    /// Departure airport.
    pub origin: String,
    /// Arrival airport.
    pub destination: String,
    /// Full local departure.
    pub departure: String,
    /// Full local arrival.
    pub arrival: String,
    /// Aircraft name, when given.
    pub aircraft: Option<String>,
    /// Who flies it when not the marketing carrier, e.g. "SkyWest Airlines as American Eagle".
    pub operated_by: Option<String>,
}
