//! Pairs Award and Revenue itineraries on AA's slice `hash`, picks the like-for-like product
//! in each, and computes cents per point for the whole party.

use crate::core::model::{ItineraryResponse, Money, Place, Price, Slice};
use crate::core::query::Cabin;
use crate::core::report::{Flight, SegmentOut};
use crate::core::verdict::{judge, DEFAULT_VALUE_CPP};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::hash_map::{Entry, HashMap};

/// Why slices were left out of a comparison; logged at debug level.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PairStats {
    /// Slices in the award answer.
    pub award_slices: usize,
    /// Slices in the revenue answer.
    pub revenue_slices: usize,
    /// Slices with no hash, on either side.
    pub missing_hash: usize,
    /// Hashes seen a second time on one side (only the first is used).
    pub duplicate_hash: usize,
    /// Hashes only in the award answer.
    pub award_only: usize,
    /// Hashes only in the revenue answer.
    pub revenue_only: usize,
    /// Same hash, but the two sides name different flights: never paired.
    pub mismatched: usize,
    /// Paired, but no available award product in the cabin.
    pub no_award_price: usize,
    /// Paired, but no available cash product in the cabin.
    pub no_cash_price: usize,
    /// Flights in the report.
    pub compared: usize,
}

/// Compares the two answers for a party of `passengers` adults in `cabin`. Never panics.
pub fn compare(
    award: &ItineraryResponse,
    revenue: &ItineraryResponse,
    passengers: u8,
    cabin: Cabin,
) -> (Vec<Flight>, PairStats) {
    let mut stats = PairStats {
        award_slices: award.slices().len(),
        revenue_slices: revenue.slices().len(),
        ..PairStats::default()
    };
    let cash_by_hash = index(revenue.slices(), &mut stats);
    let mut seen: HashMap<&str, ()> = HashMap::with_capacity(award.slices().len());
    let mut flights = Vec::new();
    let mut matched = 0usize;

    for slice in award.slices() {
        let Some(hash) = slice.hash.as_deref().filter(|h| !h.is_empty()) else {
            stats.missing_hash += 1;
            continue;
        };
        if seen.insert(hash, ()).is_some() {
            stats.duplicate_hash += 1;
            continue;
        }
        let Some(cash_slice) = cash_by_hash.get(hash) else {
            stats.award_only += 1;
            continue;
        };
        matched += 1;
        if flight_numbers(slice) != flight_numbers(cash_slice) {
            stats.mismatched += 1;
            continue;
        }
        let Some(award_price) = award_product(slice, cabin) else {
            stats.no_award_price += 1;
            continue;
        };
        let Some(cash_price) = cash_product(cash_slice, cabin) else {
            stats.no_cash_price += 1;
            continue;
        };
        match build(slice, hash, award_price, cash_price, passengers) {
            Some(flight) => flights.push(flight),
            None => stats.no_award_price += 1,
        }
    }
    stats.revenue_only = cash_by_hash.len().saturating_sub(matched);
    flights.sort_by(|a, b| {
        a.departure
            .cmp(&b.departure)
            .then_with(|| a.flight_numbers.cmp(&b.flight_numbers))
    });
    stats.compared = flights.len();
    (flights, stats)
}

/// Revenue slices by hash, first occurrence kept.
fn index<'a>(slices: &'a [Slice], stats: &mut PairStats) -> HashMap<&'a str, &'a Slice> {
    let mut map = HashMap::with_capacity(slices.len());
    for slice in slices {
        match slice.hash.as_deref().filter(|h| !h.is_empty()) {
            None => stats.missing_hash += 1,
            // Keep the first, as for award slices.
            Some(hash) => match map.entry(hash) {
                Entry::Occupied(_) => stats.duplicate_hash += 1,
                Entry::Vacant(v) => {
                    v.insert(slice);
                }
            },
        }
    }
    map
}

/// `AA171`: carrier code and number exactly as AA gives them.
fn segment_number(carrier: Option<&str>, number: Option<&str>) -> String {
    format!("{}{}", carrier.unwrap_or(""), number.unwrap_or(""))
}

fn flight_numbers(slice: &Slice) -> Vec<String> {
    slice
        .segments
        .iter()
        .map(|s| {
            let f = s.flight.as_ref();
            segment_number(
                f.and_then(|f| f.carrier_code.as_deref()),
                f.and_then(|f| f.flight_number.as_deref()),
            )
        })
        .collect()
}

/// The award product type that stands for a cabin.
fn award_type(cabin: Cabin) -> &'static str {
    match cabin {
        Cabin::Main => "COACH",
        Cabin::PremiumEconomy => "PREMIUM_ECONOMY",
        Cabin::Business => "BUSINESS",
        Cabin::First => "FIRST",
    }
}

/// Per-passenger points of an award price, from the number or else slicePricing's text.
fn points(price: &Price) -> Option<u64> {
    price.per_passenger_award_points.filter(|p| *p > 0).or(price
        .slice_pricing
        .as_ref()
        .and_then(|s| s.per_passenger_award_points)
        .filter(|p| *p > 0))
}

/// The cheapest available award price of the cabin's product on a slice.
fn award_product(slice: &Slice, cabin: Cabin) -> Option<&Price> {
    let wanted = award_type(cabin);
    let usable = |p: &&Price| p.kind() == Some(wanted) && p.is_available() && points(p).is_some();
    let from_products = slice
        .product_pricing
        .iter()
        .filter_map(|pp| pp.best())
        .filter(usable)
        .min_by_key(|p| points(p));
    // Older bodies carry only the flat list.
    from_products.or_else(|| {
        slice
            .pricing_detail
            .iter()
            .filter(usable)
            .min_by_key(|p| points(p))
    })
}

/// Whether a cash price is the like-for-like product of a cabin.
fn is_cash_match(price: &Price, cabin: Cabin) -> bool {
    let kind = price.kind();
    match cabin {
        // Main Cabin only: the COACH product whose brand is MAIN, or carries no brand at all
        // (partner-operated slices send `brandInfo {}`). Basic Economy never qualifies, even
        // when AA lists it first in the MAIN group or labels it COACH.
        Cabin::Main => kind == Some("COACH") && matches!(price.brand(), None | Some("MAIN")),
        Cabin::PremiumEconomy => kind == Some("PREMIUM_ECONOMY"),
        Cabin::Business => kind == Some("BUSINESS"),
        Cabin::First => kind == Some("FIRST"),
    }
}

/// A figure for the whole party: AA's party figure, else slicePricing's, else the per-person
/// figure times the party (bodies differ in which of the three they fill in).
fn party_amount(
    party: Option<&Money>,
    slice: Option<&Money>,
    per_person: Option<&Money>,
    passengers: u8,
) -> Option<Decimal> {
    party
        .and_then(Money::usd)
        .or_else(|| slice.and_then(Money::usd))
        .or_else(|| per_person?.usd()?.checked_mul(Decimal::from(passengers)))
}

/// Party total of a cash price.
fn cash_total(price: &Price, passengers: u8) -> Option<Decimal> {
    party_amount(
        price.all_passenger_display_total.as_ref(),
        price
            .slice_pricing
            .as_ref()
            .and_then(|s| s.all_passenger_display_total.as_ref()),
        price.per_passenger_display_total.as_ref(),
        passengers,
    )
    .filter(|t| *t > Decimal::ZERO)
}

/// The cheapest available cash product of the cabin on a slice: from `productGroups`, or from a
/// revenue `pricingDetail` list when the groups are absent.
fn cash_product(slice: &Slice, cabin: Cabin) -> Option<&Price> {
    let grouped = slice
        .product_groups
        .iter()
        .flat_map(|groups| groups.values())
        .flatten()
        .flatten();
    let mut candidates: Vec<&Price> = grouped.collect();
    if candidates.is_empty() {
        candidates = slice.pricing_detail.iter().collect();
    }
    candidates
        .into_iter()
        .filter(|p| p.is_available() && is_cash_match(p, cabin) && cash_total(p, 1).is_some())
        .min_by_key(|p| cash_total(p, 1))
}

/// Award taxes for the party: the party figure when AA gives one, else per passenger × party.
fn award_taxes(price: &Price, passengers: u8) -> Option<Decimal> {
    party_amount(
        price.all_passenger_taxes_and_fees.as_ref(),
        price
            .slice_pricing
            .as_ref()
            .and_then(|s| s.all_passenger_display_tax_total.as_ref()),
        price.per_passenger_taxes_and_fees.as_ref(),
        passengers,
    )
    .filter(|t| *t >= Decimal::ZERO)
}

/// `(cash - taxes) / points × 100`, rounded half away from zero to two places.
pub fn cents_per_point(cash: Decimal, taxes: Decimal, points: u64) -> Option<Decimal> {
    if points == 0 {
        return None;
    }
    let net = cash.checked_sub(taxes)?;
    let cents = net
        .checked_mul(Decimal::ONE_HUNDRED)?
        .checked_div(Decimal::from(points))?;
    Some(cents.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

/// `HH:MM` out of AA's `2025-04-24T06:00:00.000-04:00`.
fn wall_clock(date_time: &str) -> Option<String> {
    let hhmm = date_time.get(11..16)?;
    let b = hhmm.as_bytes();
    let ok = b[2] == b':' && [0, 1, 3, 4].iter().all(|i| b[*i].is_ascii_digit());
    ok.then(|| hhmm.to_owned())
}

fn build(slice: &Slice, hash: &str, award: &Price, cash: &Price, passengers: u8) -> Option<Flight> {
    let per_passenger = points(award)?;
    let points_required = per_passenger.checked_mul(u64::from(passengers))?;
    let taxes = award_taxes(award, passengers)?;
    let cash_total = cash_total(cash, passengers)?;
    let cpp = cents_per_point(cash_total, taxes, points_required)?;
    let valuation = judge(cash_total, taxes, points_required, DEFAULT_VALUE_CPP)?;
    let first = slice.segments.first()?;
    let departure = slice
        .departure_date_time
        .clone()
        .or_else(|| first.departure_date_time.clone())?;
    let arrival = slice
        .arrival_date_time
        .clone()
        .or_else(|| slice.segments.last()?.arrival_date_time.clone())?;
    let segments: Vec<SegmentOut> = slice
        .segments
        .iter()
        .map(|s| {
            let f = s.flight.as_ref();
            let leg = s.legs.first();
            SegmentOut {
                flight_number: segment_number(
                    f.and_then(|f| f.carrier_code.as_deref()),
                    f.and_then(|f| f.flight_number.as_deref()),
                ),
                origin: code(s.origin.as_ref()).unwrap_or_default(),
                destination: code(s.destination.as_ref()).unwrap_or_default(),
                departure: s.departure_date_time.clone().unwrap_or_default(),
                arrival: s.arrival_date_time.clone().unwrap_or_default(),
                aircraft: leg
                    .and_then(|l| l.aircraft.as_ref())
                    .and_then(|a| a.name.clone()),
                operated_by: leg
                    .and_then(|l| l.operational_disclosure.clone())
                    .filter(|d| !d.is_empty()),
            }
        })
        .collect();
    let low = |n: Option<u64>| n.filter(|n| *n > 0);
    Some(Flight {
        flight_number: segments[0].flight_number.clone(),
        departure_time: wall_clock(&departure)?,
        arrival_time: wall_clock(&arrival)?,
        points_required,
        cash_price_usd: cash_total,
        taxes_fees_usd: taxes,
        cpp,
        valuation,
        flight_numbers: segments.iter().map(|s| s.flight_number.clone()).collect(),
        origin: code(slice.origin.as_ref()).unwrap_or_else(|| segments[0].origin.clone()),
        destination: code(slice.destination.as_ref())
            .unwrap_or_else(|| segments[segments.len() - 1].destination.clone()),
        stops: slice
            .stops
            .unwrap_or(slice.segments.len().saturating_sub(1) as u64),
        duration_minutes: slice.duration_in_minutes,
        departure,
        arrival,
        arrives_next_day: slice.arrives_next_day.unwrap_or(0),
        cash_fare_brand: cash.brand().map(str::to_owned),
        cash_product: cash.kind().unwrap_or_default().to_owned(),
        award_product: award.kind().unwrap_or_default().to_owned(),
        award_seats_remaining: low(award.seats_remaining),
        cash_seats_remaining: low(cash.seats_remaining),
        hash: hash.to_owned(),
        segments,
    })
}

/// An airport code, if AA gave a non-empty one.
fn code(place: Option<&Place>) -> Option<String> {
    place.and_then(|p| p.code.clone()).filter(|c| !c.is_empty())
}
