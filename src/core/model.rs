//! A serde model of the parts of AA's itinerary response that point-break reads.
//!
//! AA changes this API without notice, so the model is tolerant: unknown fields are ignored,
//! numbers may come as text, and a missing or null block is `None` (absent), never zero.

use crate::core::number;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The body of a `POST /booking/api/search/itinerary` answer.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItineraryResponse {
    /// `""` on success; an AA error code such as `"309"` otherwise.
    #[serde(default, deserialize_with = "number::text")]
    pub error: Option<String>,
    /// What AA says it searched.
    #[serde(default)]
    pub response_metadata: Option<ResponseMetadata>,
    /// One entry per itinerary; `None` when the body has no `slices` key at all.
    #[serde(default)]
    pub slices: Option<Vec<Slice>>,
    /// Set on AA's other error shape (`{"timestamp","message","details","errorNumber"}`).
    #[serde(default, deserialize_with = "number::text")]
    pub error_number: Option<String>,
    /// The message that comes with `errorNumber`.
    #[serde(default, deserialize_with = "number::text")]
    pub message: Option<String>,
    /// Analytics strings; `adult_passengers` tells the party size the body was priced for.
    #[serde(default)]
    pub utag: Option<Utag>,
    /// `"true"` when Akamai wants a challenge solved.
    #[serde(default, rename = "cpr_chlge", deserialize_with = "number::text")]
    pub cpr_chlge: Option<String>,
}

impl ItineraryResponse {
    /// The itineraries; empty when the body had none.
    pub fn slices(&self) -> &[Slice] {
        self.slices.as_deref().unwrap_or_default()
    }
}

/// `utag`: AA's analytics strings, of which only the party size is read.
#[derive(Debug, Default, Deserialize)]
pub struct Utag {
    /// Adults the body was priced for, as text ("2").
    #[serde(default, deserialize_with = "number::count")]
    pub adult_passengers: Option<u64>,
}

/// `responseMetadata`: the search as AA understood it.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseMetadata {
    /// `Award` or `Revenue`.
    #[serde(default)]
    pub search_type: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub departure_date: Option<String>,
    /// The searched origin (a city code such as NYC, or an airport).
    #[serde(default)]
    pub origin: Option<Place>,
    /// The searched destination.
    #[serde(default)]
    pub destination: Option<Place>,
}

/// An airport or city as AA describes it; only the code is used.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Place {
    /// IATA code, e.g. `JFK`.
    #[serde(default)]
    pub code: Option<String>,
}

/// One itinerary: a nonstop flight or a connection.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Slice {
    /// AA's id of the itinerary, shared by the Award and Revenue answers of one session.
    #[serde(default)]
    pub hash: Option<String>,
    /// Door-to-door minutes.
    #[serde(default, deserialize_with = "number::count")]
    pub duration_in_minutes: Option<u64>,
    /// Number of connections.
    #[serde(default, deserialize_with = "number::count")]
    pub stops: Option<u64>,
    /// Days after the departure day on which the slice arrives (0 or more).
    #[serde(default, deserialize_with = "number::count")]
    pub arrives_next_day: Option<u64>,
    /// Airport-local departure, `2025-04-24T06:00:00.000-04:00`.
    #[serde(default)]
    pub departure_date_time: Option<String>,
    /// Airport-local arrival.
    #[serde(default)]
    pub arrival_date_time: Option<String>,
    /// First departure airport.
    #[serde(default)]
    pub origin: Option<Place>,
    /// Last arrival airport.
    #[serde(default)]
    pub destination: Option<Place>,
    /// The flights, in order.
    #[serde(default, deserialize_with = "number::list")]
    pub segments: Vec<Segment>,
    /// Award prices per product (newer bodies).
    #[serde(default, deserialize_with = "number::list")]
    pub product_pricing: Vec<ProductPricing>,
    /// A flat list of price objects (older bodies, and Revenue bodies with `productGroup`).
    #[serde(default, deserialize_with = "number::list")]
    pub pricing_detail: Vec<Price>,
    /// Revenue prices by product group (`MAIN`, `PREMIUM_ECONOMY`, `PREMIUM`); null in Award bodies.
    #[serde(default)]
    pub product_groups: Option<BTreeMap<String, Option<Vec<Price>>>>,
}

/// One flight of a slice.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Segment {
    /// Marketing carrier and number.
    #[serde(default)]
    pub flight: Option<FlightId>,
    /// Airport-local departure.
    #[serde(default)]
    pub departure_date_time: Option<String>,
    /// Airport-local arrival.
    #[serde(default)]
    pub arrival_date_time: Option<String>,
    /// Departure airport.
    #[serde(default)]
    pub origin: Option<Place>,
    /// Arrival airport.
    #[serde(default)]
    pub destination: Option<Place>,
    /// The physical legs (a through flight may have several).
    #[serde(default, deserialize_with = "number::list")]
    pub legs: Vec<Leg>,
}

/// `flight {carrierCode, flightNumber}`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlightId {
    /// `AA`, `AS`, …
    #[serde(default, deserialize_with = "number::text")]
    pub carrier_code: Option<String>,
    /// A string in AA's bodies; accepted as a number too.
    #[serde(default, deserialize_with = "number::text")]
    pub flight_number: Option<String>,
}

/// One leg of a segment: the aircraft and who operates it.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Leg {
    /// The aircraft type.
    #[serde(default)]
    pub aircraft: Option<Aircraft>,
    /// e.g. "SkyWest Airlines as American Eagle"; empty for mainline.
    #[serde(default)]
    pub operational_disclosure: Option<String>,
}

/// `aircraft {code, name, shortName}`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Aircraft {
    /// e.g. "Airbus A321 (Sharklets)".
    #[serde(default)]
    pub name: Option<String>,
}

/// One award product's prices: the cheapest, the regular and the web-special variant.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductPricing {
    /// The lowest price of the product.
    #[serde(default)]
    pub cheapest_price: Option<Price>,
    /// The regular price.
    #[serde(default)]
    pub regular_price: Option<Price>,
    /// A web-special price, when offered.
    #[serde(default)]
    pub web_special_price: Option<Price>,
}

impl ProductPricing {
    /// The price to compare: the cheapest, else the regular, else the web special.
    pub fn best(&self) -> Option<&Price> {
        self.cheapest_price
            .as_ref()
            .or(self.regular_price.as_ref())
            .or(self.web_special_price.as_ref())
    }
}

/// A price object; Award and Revenue answers share its keys.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Price {
    /// COACH, BASIC_ECONOMY, PREMIUM_ECONOMY, BUSINESS, FIRST, …
    #[serde(default)]
    pub product_type: Option<String>,
    /// Same vocabulary as `productType` in award bodies.
    #[serde(default)]
    pub benefit_key: Option<String>,
    /// Revenue `pricingDetail` items name their group here.
    #[serde(default)]
    pub product_group: Option<String>,
    /// Miles per passenger (award only).
    #[serde(default, deserialize_with = "number::count")]
    pub per_passenger_award_points: Option<u64>,
    /// Taxes for one passenger.
    #[serde(default)]
    pub per_passenger_taxes_and_fees: Option<Money>,
    /// Taxes for the party.
    #[serde(default)]
    pub all_passenger_taxes_and_fees: Option<Money>,
    /// Total for one passenger (for an award: its taxes).
    #[serde(default)]
    pub per_passenger_display_total: Option<Money>,
    /// Total for the party (for an award: its taxes).
    #[serde(default)]
    pub all_passenger_display_total: Option<Money>,
    /// Party totals, and the award points as text.
    #[serde(default)]
    pub slice_pricing: Option<SlicePricing>,
    /// One per segment; carries the fare brand.
    #[serde(default, deserialize_with = "number::list")]
    pub fares: Vec<Fare>,
    /// 0 means no warning; 1–9 a low count.
    #[serde(default, deserialize_with = "number::count")]
    pub seats_remaining: Option<u64>,
    /// False when the product cannot be bought on this slice.
    #[serde(default)]
    pub product_available: Option<bool>,
}

/// `slicePricing`: party totals for the slice.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlicePricing {
    /// Party total.
    #[serde(default)]
    pub all_passenger_display_total: Option<Money>,
    /// Party taxes.
    #[serde(default)]
    pub all_passenger_display_tax_total: Option<Money>,
    /// Party base fare.
    #[serde(default)]
    pub all_passenger_display_fare_total: Option<Money>,
    /// Miles per passenger, as text in real bodies.
    #[serde(default, deserialize_with = "number::count")]
    pub per_passenger_award_points: Option<u64>,
}

/// `{amount, currency}`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Money {
    /// The amount; a number or text.
    #[serde(default, deserialize_with = "number::amount")]
    pub amount: Option<Decimal>,
    /// ISO code, USD in every body seen.
    #[serde(default)]
    pub currency: Option<String>,
}

/// One fare component; only its brand is read.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fare {
    /// Empty `{}` on partner-operated slices.
    #[serde(default)]
    pub brand_info: Option<BrandInfo>,
}

/// `brandInfo {brandCode}`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrandInfo {
    /// MAIN, BASIC_ECONOMY, FIR, …
    #[serde(default)]
    pub brand_code: Option<String>,
}

impl Price {
    /// The product type, from `productType` or else `benefitKey`.
    pub fn kind(&self) -> Option<&str> {
        self.product_type
            .as_deref()
            .or(self.benefit_key.as_deref())
            .filter(|s| !s.is_empty())
    }

    /// The fare brand of the first fare, if AA gave one.
    pub fn brand(&self) -> Option<&str> {
        self.fares
            .first()
            .and_then(|f| f.brand_info.as_ref())
            .and_then(|b| b.brand_code.as_deref())
            .filter(|s| !s.is_empty())
    }

    /// False when AA marks the product unavailable; absent means available.
    pub fn is_available(&self) -> bool {
        self.product_available != Some(false)
    }
}

impl Money {
    /// The amount, if present and in US dollars (or with no currency given).
    pub fn usd(&self) -> Option<Decimal> {
        match self.currency.as_deref() {
            None | Some("") | Some("USD") => self.amount,
            Some(_) => None,
        }
    }
}
