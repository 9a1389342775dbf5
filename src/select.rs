//! What of a report is printed, and in which order: the filters (`--nonstop`, `--min-cpp`,
//! `--max-points`, `--max-stops`), the sort (`--sort`) and the verdict at the user's valuation
//! (`--value-cpp`). Pure functions from one report to a new one, so `search`, `merge` and `batch`
//! (per query) share them.

use crate::core::{judge, Flight, Report, DEFAULT_VALUE_CPP};
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::str::FromStr;

/// The order of the printed flights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Earliest departure first (the report's own order).
    #[default]
    Departure,
    /// Best cents per point first.
    Cpp,
    /// Fewest miles first.
    Points,
    /// Cheapest cash fare first.
    Cash,
    /// Shortest trip first; flights without a duration last.
    Duration,
}

impl SortKey {
    /// The names `--sort` accepts.
    pub const NAMES: &'static [&'static str] = &["departure", "cpp", "points", "cash", "duration"];
}

impl FromStr for SortKey {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "departure" => SortKey::Departure,
            "cpp" => SortKey::Cpp,
            "points" | "miles" => SortKey::Points,
            "cash" => SortKey::Cash,
            "duration" => SortKey::Duration,
            _ => {
                return Err(format!(
                    "{s:?} is not a sort key; use departure, cpp, points, cash or duration"
                ))
            }
        })
    }
}

/// Which flights are kept. The default keeps all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Only flights without a connection.
    pub nonstop: bool,
    /// Only flights with at least this many cents per point.
    pub min_cpp: Option<Decimal>,
    /// Only flights costing at most this many miles for the party.
    pub max_points: Option<u64>,
    /// Only flights with at most this many connections.
    pub max_stops: Option<u64>,
}

impl Filters {
    /// True when `flight` passes every filter.
    pub fn keeps(&self, flight: &Flight) -> bool {
        (!self.nonstop || flight.stops == 0)
            && self.min_cpp.is_none_or(|min| flight.cpp >= min)
            && self
                .max_points
                .is_none_or(|max| flight.points_required <= max)
            && self.max_stops.is_none_or(|max| flight.stops <= max)
    }
}

/// Everything that turns a report into what is printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The order.
    pub sort: SortKey,
    /// The filters.
    pub filters: Filters,
    /// The user's valuation of a mile, in cents, for the verdict.
    pub value_cpp: Decimal,
}

impl Default for Selection {
    fn default() -> Self {
        Selection {
            sort: SortKey::Departure,
            filters: Filters::default(),
            value_cpp: DEFAULT_VALUE_CPP,
        }
    }
}

/// The report as printed: verdicts at `selection.value_cpp`, filtered, sorted, and
/// `total_results` counting what is left.
pub fn apply(report: &Report, selection: &Selection) -> Report {
    let mut flights: Vec<Flight> = report
        .flights
        .iter()
        .filter(|f| selection.filters.keeps(f))
        .cloned()
        .map(|f| revalue(f, selection.value_cpp))
        .collect();
    sort(&mut flights, selection.sort);
    Report::new(report.search_metadata.clone(), flights)
}

/// `flight` with its verdict at `value_cpp` cents per mile. Should the arithmetic overflow (it
/// cannot for real fares), the verdict it had is kept.
pub fn revalue(mut flight: Flight, value_cpp: Decimal) -> Flight {
    if let Some(v) = judge(
        flight.cash_price_usd,
        flight.taxes_fees_usd,
        flight.points_required,
        value_cpp,
    ) {
        flight.valuation = v;
    }
    flight
}

/// Sorts in place, stably: ties (and the whole of `departure`) go by departure, then by flight
/// numbers, as the report orders them. `cpp` is best first (descending); the others ascend.
pub fn sort(flights: &mut [Flight], key: SortKey) {
    flights.sort_by(|a, b| by_key(a, b, key).then_with(|| by_departure(a, b)));
}

fn by_key(a: &Flight, b: &Flight, key: SortKey) -> Ordering {
    match key {
        SortKey::Departure => Ordering::Equal,
        SortKey::Cpp => b.cpp.cmp(&a.cpp),
        SortKey::Points => a.points_required.cmp(&b.points_required),
        SortKey::Cash => a.cash_price_usd.cmp(&b.cash_price_usd),
        // `None` last: Some(_) < None under this mapping.
        SortKey::Duration => match (a.duration_minutes, b.duration_minutes) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
    }
}

fn by_departure(a: &Flight, b: &Flight) -> Ordering {
    a.departure
        .cmp(&b.departure)
        .then_with(|| a.flight_numbers.cmp(&b.flight_numbers))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Better, Cabin, SearchMetadata};

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn flight(
        number: &str,
        dep: &str,
        points: u64,
        cash: &str,
        stops: u64,
        minutes: Option<u64>,
    ) -> Flight {
        let cash = dec(cash);
        let taxes = dec("5.60");
        Flight {
            flight_number: number.into(),
            departure_time: dep.into(),
            arrival_time: "12:00".into(),
            points_required: points,
            cash_price_usd: cash,
            taxes_fees_usd: taxes,
            cpp: crate::core::cents_per_point(cash, taxes, points).unwrap(),
            valuation: judge(cash, taxes, points, DEFAULT_VALUE_CPP).unwrap(),
            flight_numbers: vec![number.into()],
            origin: "JFK".into(),
            destination: "LAX".into(),
            stops,
            duration_minutes: minutes,
            departure: format!("2025-04-24T{dep}:00.000-04:00"),
            arrival: "2025-04-24T12:00:00.000-07:00".into(),
            arrives_next_day: 0,
            cash_fare_brand: None,
            cash_product: "COACH".into(),
            award_product: "COACH".into(),
            award_seats_remaining: None,
            cash_seats_remaining: None,
            hash: number.into(),
            segments: vec![],
        }
    }

    fn report() -> Report {
        Report::new(
            SearchMetadata {
                origin: "NYC".into(),
                destination: "LAX".into(),
                date: "2025-04-24".into(),
                passengers: 1,
                cabin_class: Cabin::Main,
            },
            vec![
                flight("AA1", "06:00", 15_000, "314.24", 0, Some(376)),
                flight("AA2", "07:00", 12_500, "189.00", 1, Some(420)),
                flight("AA3", "08:00", 15_000, "314.24", 0, None),
                flight("AA4", "09:00", 30_000, "250.00", 2, Some(376)),
            ],
        )
    }

    fn numbers(r: &Report) -> Vec<&str> {
        r.flights.iter().map(|f| f.flight_number.as_str()).collect()
    }

    #[test]
    fn sort_keys_with_ties_by_departure() {
        let r = report();
        let by = |key| {
            let s = Selection {
                sort: key,
                ..Selection::default()
            };
            apply(&r, &s)
        };
        assert_eq!(
            numbers(&by(SortKey::Departure)),
            ["AA1", "AA2", "AA3", "AA4"]
        );
        // AA1 and AA3 tie on cpp (2.06): departure decides.
        assert_eq!(numbers(&by(SortKey::Cpp)), ["AA1", "AA3", "AA2", "AA4"]);
        assert_eq!(numbers(&by(SortKey::Points)), ["AA2", "AA1", "AA3", "AA4"]);
        assert_eq!(numbers(&by(SortKey::Cash)), ["AA2", "AA4", "AA1", "AA3"]);
        assert_eq!(
            numbers(&by(SortKey::Duration)),
            ["AA1", "AA4", "AA2", "AA3"]
        );
    }

    #[test]
    fn filters_and_count() {
        let r = report();
        let with = |filters| {
            apply(
                &r,
                &Selection {
                    filters,
                    ..Selection::default()
                },
            )
        };
        let nonstop = with(Filters {
            nonstop: true,
            ..Filters::default()
        });
        assert_eq!(numbers(&nonstop), ["AA1", "AA3"]);
        assert_eq!(nonstop.total_results, 2);
        let cheap = with(Filters {
            max_points: Some(15_000),
            max_stops: Some(1),
            ..Filters::default()
        });
        assert_eq!(numbers(&cheap), ["AA1", "AA2", "AA3"]);
        let good = with(Filters {
            min_cpp: Some(dec("2.06")),
            ..Filters::default()
        });
        assert_eq!(numbers(&good), ["AA1", "AA3"]);
        assert_eq!(with(Filters::default()).total_results, 4);
    }

    #[test]
    fn revalues_every_flight() {
        let r = apply(
            &report(),
            &Selection {
                value_cpp: dec("2.5"),
                ..Selection::default()
            },
        );
        let aa1 = &r.flights[0];
        assert_eq!(aa1.valuation.verdict, Better::Cash);
        assert_eq!(aa1.valuation.value_cpp, dec("2.5"));
        assert_eq!(aa1.valuation.savings_usd, dec("66.36"));
        // The input is left as it was.
        assert_eq!(report().flights[0].valuation.verdict, Better::Miles);
    }

    #[test]
    fn sort_key_names() {
        for name in SortKey::NAMES {
            assert!(name.parse::<SortKey>().is_ok());
        }
        assert!("price"
            .parse::<SortKey>()
            .unwrap_err()
            .contains("departure, cpp"));
    }
}
