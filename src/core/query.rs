//! A search as the program will run it: checked once, trusted afterwards. Raw flag values are
//! turned into a [`Query`] that cannot hold a bad airport, date, party size or cabin.
//!
//! The check needs "today"; it is passed in, so this module never reads the clock.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::{Date, Duration};

/// How far ahead AA sells seats: departures up to 331 days from today.
pub const BOOKING_WINDOW_DAYS: i64 = 331;

/// An IATA airport or city code: three ASCII letters, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Airport([u8; 3]);

impl Airport {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl FromStr for Airport {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        match t.as_bytes() {
            [a, b, c] if t.bytes().all(|b| b.is_ascii_alphabetic()) => Ok(Airport([
                a.to_ascii_uppercase(),
                b.to_ascii_uppercase(),
                c.to_ascii_uppercase(),
            ])),
            _ => Err(format!(
                "{s:?} is not an airport or city code: three letters, e.g. LAX or NYC"
            )),
        }
    }
}

impl fmt::Display for Airport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Airport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The cabin compared on both sides.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Cabin {
    /// Main Cabin: award COACH against the cash Main Cabin fare (never Basic Economy).
    #[default]
    Main,
    /// Premium Economy on both sides.
    PremiumEconomy,
    /// Business on both sides.
    Business,
    /// First on both sides.
    First,
}

impl Cabin {
    /// The name used on the command line and in output.
    pub fn as_str(&self) -> &'static str {
        match self {
            Cabin::Main => "main",
            Cabin::PremiumEconomy => "premium_economy",
            Cabin::Business => "business",
            Cabin::First => "first",
        }
    }
}

impl FromStr for Cabin {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "main" | "economy" | "coach" => Ok(Cabin::Main),
            "premium_economy" => Ok(Cabin::PremiumEconomy),
            "business" => Ok(Cabin::Business),
            "first" => Ok(Cabin::First),
            _ => Err(format!(
                "{s:?} is not a cabin: use main, premium_economy, business or first"
            )),
        }
    }
}

impl fmt::Display for Cabin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which field of a query a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `--origin`
    Origin,
    /// `--destination`
    Destination,
    /// `--date`
    Date,
    /// `--passengers`
    Passengers,
    /// `--cabin`
    Cabin,
}

impl Field {
    /// The column or key name (`origin`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Field::Origin => "origin",
            Field::Destination => "destination",
            Field::Date => "date",
            Field::Passengers => "passengers",
            Field::Cabin => "cabin",
        }
    }
}

/// A query that failed its check: which field, and what is wanted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid --{}: {message}", field.name())]
pub struct QueryError {
    /// The offending field.
    pub field: Field,
    /// What is wrong and what is wanted, without the flag name.
    pub message: String,
}

fn bad(field: Field, message: impl Into<String>) -> QueryError {
    QueryError {
        field,
        message: message.into(),
    }
}

/// One checked search.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Query {
    /// Where from.
    pub origin: Airport,
    /// Where to; never equal to `origin`.
    pub destination: Airport,
    /// The departure day, within AA's booking window.
    pub date: Date,
    /// Adults in the party, 1 to 9.
    pub passengers: u8,
    /// The cabin compared.
    pub cabin: Cabin,
}

/// `YYYY-MM-DD` for `time`.
const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Parses a real calendar date written `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text.trim(), DATE_FORMAT)
        .map_err(|_| format!("{text:?} is not a calendar date written YYYY-MM-DD"))
}

/// Writes a date as `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    date.format(DATE_FORMAT)
        .unwrap_or_else(|_| date.to_string())
}

impl Query {
    /// Checks raw values against the rules, with `today` as the first bookable day.
    pub fn check(
        origin: &str,
        destination: &str,
        date: &str,
        passengers: u32,
        cabin: &str,
        today: Date,
    ) -> Result<Query, QueryError> {
        let origin: Airport = origin.parse().map_err(|m| bad(Field::Origin, m))?;
        let destination: Airport = destination
            .parse()
            .map_err(|m| bad(Field::Destination, m))?;
        if origin == destination {
            return Err(bad(
                Field::Destination,
                format!("{destination} is also the origin; the two must differ"),
            ));
        }
        let date = parse_date(date).map_err(|m| bad(Field::Date, m))?;
        check_date(date, today)?;
        let passengers = check_passengers(passengers)?;
        let cabin: Cabin = cabin.parse().map_err(|m| bad(Field::Cabin, m))?;
        Ok(Query {
            origin,
            destination,
            date,
            passengers,
            cabin,
        })
    }
}

/// The last day AA sells, counted from `today`.
pub fn last_bookable(today: Date) -> Date {
    today.saturating_add(Duration::days(BOOKING_WINDOW_DAYS))
}

/// A departure day must be between today and the end of the booking window.
pub fn check_date(date: Date, today: Date) -> Result<(), QueryError> {
    if date < today {
        return Err(bad(
            Field::Date,
            format!(
                "{} is in the past; give today ({}) or a later day",
                format_date(date),
                format_date(today)
            ),
        ));
    }
    let last = last_bookable(today);
    if date > last {
        return Err(bad(
            Field::Date,
            format!(
                "{} is beyond AA's {BOOKING_WINDOW_DAYS}-day booking window (last bookable day: {})",
                format_date(date),
                format_date(last)
            ),
        ));
    }
    Ok(())
}

/// A party is 1 to 9 adults, as on aa.com.
pub fn check_passengers(n: u32) -> Result<u8, QueryError> {
    match u8::try_from(n) {
        Ok(n @ 1..=9) => Ok(n),
        _ => Err(bad(
            Field::Passengers,
            format!("{n} is not a party size AA searches; give 1 to 9"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 03);

    fn check(o: &str, d: &str, day: &str, n: u32, c: &str) -> Result<Query, QueryError> {
        Query::check(o, d, day, n, c, TODAY)
    }

    #[test]
    fn accepts_city_codes_and_lower_case() {
        let q = check("nyc", "lax", "2026-12-15", 2, "main").unwrap();
        assert_eq!(q.origin.as_str(), "NYC");
        assert_eq!(q.destination.as_str(), "LAX");
        assert_eq!(q.passengers, 2);
        assert_eq!(q.cabin, Cabin::Main);
    }

    #[test]
    fn each_bad_value_names_its_flag() {
        let e = check("LA", "JFK", "2026-12-15", 1, "main").unwrap_err();
        assert_eq!(e.field, Field::Origin);
        assert!(e.to_string().starts_with("invalid --origin: "), "{e}");
        let e = check("LAX", "J1K", "2026-12-15", 1, "main").unwrap_err();
        assert_eq!(e.field, Field::Destination);
        let e = check("LAX", "lax", "2026-12-15", 1, "main").unwrap_err();
        assert_eq!(e.field, Field::Destination);
        let e = check("LAX", "JFK", "2026-02-30", 1, "main").unwrap_err();
        assert_eq!(e.field, Field::Date);
        let e = check("LAX", "JFK", "15/12/2026", 1, "main").unwrap_err();
        assert_eq!(e.field, Field::Date);
        let e = check("LAX", "JFK", "2026-12-15", 0, "main").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid --passengers: 0 is not a party size AA searches; give 1 to 9"
        );
        assert!(check("LAX", "JFK", "2026-12-15", 10, "main").is_err());
        let e = check("LAX", "JFK", "2026-12-15", 1, "economy-plus").unwrap_err();
        assert_eq!(e.field, Field::Cabin);
    }

    #[test]
    fn date_window_is_today_to_331_days() {
        assert!(check("LAX", "JFK", "2026-12-03", 1, "main").is_ok());
        let e = check("LAX", "JFK", "2026-12-02", 1, "main").unwrap_err();
        assert!(e.message.contains("in the past"), "{e}");
        // 2026-12-03 + 331 days = 2027-10-30.
        assert!(check("LAX", "JFK", "2027-10-30", 1, "main").is_ok());
        let e = check("LAX", "JFK", "2027-10-31", 1, "main").unwrap_err();
        assert!(e.message.contains("2027-10-30"), "{e}");
    }

    #[test]
    fn cabins_parse_in_their_written_forms() {
        assert_eq!(
            "premium_economy".parse::<Cabin>(),
            Ok(Cabin::PremiumEconomy)
        );
        assert_eq!(
            "premium-economy".parse::<Cabin>(),
            Ok(Cabin::PremiumEconomy)
        );
        assert_eq!("FIRST".parse::<Cabin>(), Ok(Cabin::First));
    }
}
