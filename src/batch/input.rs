//! Where a batch's queries come from: `--origin`/`--destination`/`--date` lists expanded into
//! every differing pair and every day, or an `--input` file (CSV with a header, or JSON lines).
//! Every query is checked before anything starts; a bad one is named by its flag, or by its
//! file, line and field.

use crate::core::query::{check_date, parse_date, Field};
use crate::core::{Airport, Cabin, Query, QueryError};
use crate::error::Error;
use std::collections::HashSet;
use std::path::Path;
use time::Date;

/// The party and cabin a query gets when its row does not say.
#[derive(Debug, Clone, Copy)]
pub struct Defaults {
    /// `--passengers`.
    pub passengers: u8,
    /// `--cabin`.
    pub cabin: Cabin,
}

/// Every origin with every other destination, on every day of `dates`.
///
/// `origins` and `destinations` are comma-separated codes; `dates` is a comma-separated list of
/// days (`2027-01-02`) and inclusive ranges (`2027-01-02..2027-01-09`).
pub fn from_lists(
    origins: &str,
    destinations: &str,
    dates: &str,
    defaults: Defaults,
    today: Date,
) -> Result<Vec<Query>, Error> {
    let origins = airports(origins, Field::Origin)?;
    let destinations = airports(destinations, Field::Destination)?;
    let days = days(dates, today)?;

    let mut queries = Vec::new();
    for origin in &origins {
        for destination in destinations.iter().filter(|d| *d != origin) {
            for day in &days {
                queries.push(Query {
                    origin: *origin,
                    destination: *destination,
                    date: *day,
                    passengers: defaults.passengers,
                    cabin: defaults.cabin,
                });
            }
        }
    }
    if queries.is_empty() {
        return Err(Error::Usage(
            "no query to run: every --origin is also the only --destination".into(),
        ));
    }
    Ok(queries)
}

fn airports(list: &str, field: Field) -> Result<Vec<Airport>, Error> {
    list.split(',')
        .map(|code| {
            code.parse::<Airport>()
                .map_err(|message| QueryError { field, message }.into())
        })
        .collect()
}

/// The days of a `--date` list, each checked against the booking window.
fn days(list: &str, today: Date) -> Result<Vec<Date>, Error> {
    let bad = |message: String| -> Error {
        QueryError {
            field: Field::Date,
            message,
        }
        .into()
    };
    let mut days = Vec::new();
    for item in list.split(',') {
        let (first, last) = match item.split_once("..") {
            Some((a, b)) => (parse_date(a).map_err(bad)?, parse_date(b).map_err(bad)?),
            None => {
                let day = parse_date(item).map_err(bad)?;
                (day, day)
            }
        };
        if last < first {
            return Err(bad(format!(
                "the range {:?} ends before it starts",
                item.trim()
            )));
        }
        // Both ends inside the booking window bound the loop below to 332 days.
        check_date(first, today)?;
        check_date(last, today)?;
        let mut day = first;
        loop {
            days.push(day);
            match day.next_day() {
                Some(next) if next <= last => day = next,
                _ => break,
            }
        }
    }
    Ok(days)
}

/// The two file formats `--input` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A header line `origin,destination,date[,passengers,cabin]`, then one query per line.
    Csv,
    /// One JSON object per line with those keys.
    JsonLines,
}

impl Format {
    /// By extension (`.csv`; `.jsonl`, `.ndjson`, `.json`), else by the first non-blank
    /// character (`{` is JSON lines).
    pub fn detect(path: &Path, text: &str) -> Format {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("csv") => Format::Csv,
            Some("jsonl" | "ndjson" | "json") => Format::JsonLines,
            _ if text.trim_start().starts_with('{') => Format::JsonLines,
            _ => Format::Csv,
        }
    }
}

/// Reads and checks every query of an `--input` file.
pub fn from_file(path: &Path, defaults: Defaults, today: Date) -> Result<Vec<Query>, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Usage(format!("cannot read --input {}: {e}", path.display())))?;
    // Spreadsheet exports often start with a byte-order mark; it is not part of the data.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let name = path.display().to_string();
    let queries = match Format::detect(path, text) {
        Format::Csv => parse_csv(&name, text, defaults, today)?,
        Format::JsonLines => parse_json_lines(&name, text, defaults, today)?,
    };
    if queries.is_empty() {
        return Err(Error::Usage(format!("{name} holds no query")));
    }
    Ok(queries)
}

/// The raw fields of one row, before checking.
struct Row<'a> {
    origin: &'a str,
    destination: &'a str,
    date: &'a str,
    passengers: Option<String>,
    cabin: Option<&'a str>,
}

/// `FILE:LINE: message`, the one line a bad row gets.
fn at(name: &str, line: u64, message: impl std::fmt::Display) -> Error {
    Error::Usage(format!("{name}:{line}: {message}"))
}

fn check_row(row: Row<'_>, defaults: Defaults, today: Date) -> Result<Query, QueryError> {
    let passengers = match row.passengers.as_deref().map(str::trim) {
        None | Some("") => u32::from(defaults.passengers),
        Some(text) => text.parse().map_err(|_| QueryError {
            field: Field::Passengers,
            message: format!("{text:?} is not a number; give 1 to 9"),
        })?,
    };
    let cabin = match row.cabin.map(str::trim) {
        None | Some("") => defaults.cabin.as_str(),
        Some(text) => text,
    };
    Query::check(
        row.origin,
        row.destination,
        row.date,
        passengers,
        cabin,
        today,
    )
}

/// A checked row's error as `FILE:LINE: invalid FIELD: message`.
fn row_error(name: &str, line: u64, e: QueryError) -> Error {
    at(
        name,
        line,
        format!("invalid {}: {}", e.field.name(), e.message),
    )
}

const COLUMNS: [&str; 5] = ["origin", "destination", "date", "passengers", "cabin"];
const REQUIRED: usize = 3;

fn parse_csv(name: &str, text: &str, defaults: Defaults, today: Date) -> Result<Vec<Query>, Error> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| {
            let line = e.position().map_or(1, |p| p.line());
            at(name, line, csv_message(&e))
        })?
        .clone();
    let header_at = headers.position().map_or(1, |p| p.line());
    // Column index of each known field.
    let mut index = [None; COLUMNS.len()];
    for (i, column) in headers.iter().enumerate() {
        let column = column.to_ascii_lowercase();
        match COLUMNS.iter().position(|c| *c == column) {
            Some(k) if index[k].is_none() => index[k] = Some(i),
            Some(_) => return Err(at(name, header_at, format!("column {column:?} appears twice"))),
            None => {
                return Err(at(
                    name,
                    header_at,
                    format!(
                        "unknown column {column:?}; the header is origin,destination,date[,passengers,cabin]"
                    ),
                ))
            }
        }
    }
    if let Some(k) = (0..REQUIRED).find(|k| index[*k].is_none()) {
        return Err(at(
            name,
            header_at,
            format!(
                "missing column {:?}; the header is origin,destination,date[,passengers,cabin]",
                COLUMNS[k]
            ),
        ));
    }

    let mut queries = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            at(name, line, csv_message(&e))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |k: usize| index[k].and_then(|i| record.get(i));
        let row = Row {
            origin: field(0).unwrap_or(""),
            destination: field(1).unwrap_or(""),
            date: field(2).unwrap_or(""),
            passengers: field(3).map(str::to_owned),
            cabin: field(4),
        };
        queries.push(check_row(row, defaults, today).map_err(|e| row_error(name, line, e))?);
    }
    Ok(queries)
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".into(),
        _ => e.to_string(),
    }
}

fn parse_json_lines(
    name: &str,
    text: &str,
    defaults: Defaults,
    today: Date,
) -> Result<Vec<Query>, Error> {
    let mut queries = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i as u64 + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(raw)
            .map_err(|e| at(name, line, format!("not a JSON object: {e}")))?;
        let serde_json::Value::Object(object) = value else {
            return Err(at(name, line, "not a JSON object"));
        };
        if let Some(key) = object.keys().find(|k| !COLUMNS.contains(&k.as_str())) {
            return Err(at(
                name,
                line,
                format!(
                    "unknown key {key:?}; the keys are origin, destination, date, passengers, cabin"
                ),
            ));
        }
        let text_of = |k: usize| -> Result<Option<&str>, Error> {
            match object.get(COLUMNS[k]) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s)),
                Some(other) => Err(at(
                    name,
                    line,
                    format!("invalid {}: {other} is not a string", COLUMNS[k]),
                )),
            }
        };
        let required = |k: usize| -> Result<&str, Error> {
            text_of(k)?.ok_or_else(|| at(name, line, format!("missing key {:?}", COLUMNS[k])))
        };
        let passengers = match object.get("passengers") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
        };
        let row = Row {
            origin: required(0)?,
            destination: required(1)?,
            date: required(2)?,
            passengers,
            cabin: text_of(4)?,
        };
        queries.push(check_row(row, defaults, today).map_err(|e| row_error(name, line, e))?);
    }
    Ok(queries)
}

/// Drops repeated queries, keeping the first of each; returns how many were dropped.
pub fn dedup(queries: Vec<Query>) -> (Vec<Query>, usize) {
    let before = queries.len();
    let mut seen = HashSet::new();
    let unique: Vec<Query> = queries
        .into_iter()
        .filter(|q| seen.insert(q.clone()))
        .collect();
    let dropped = before - unique.len();
    (unique, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 03);
    const DEFAULTS: Defaults = Defaults {
        passengers: 1,
        cabin: Cabin::Main,
    };

    fn usage(e: Error) -> String {
        match e {
            Error::Usage(m) => m,
            other => other.to_string(),
        }
    }

    #[test]
    fn lists_expand_to_every_differing_pair_and_day() {
        let q = from_lists(
            "NYC,BOS",
            "LAX,MIA,bos",
            "2027-01-02..2027-01-04,2027-02-01",
            DEFAULTS,
            TODAY,
        )
        .unwrap();
        // NYC: 3 destinations, BOS: 2 (not itself); 4 days each.
        assert_eq!(q.len(), (3 + 2) * 4);
        assert!(q.iter().all(|q| q.origin != q.destination));
        assert_eq!(q[0].origin.as_str(), "NYC");
        assert_eq!(q[0].destination.as_str(), "LAX");
        assert_eq!(q[0].date, date!(2027 - 01 - 02));
        assert_eq!(q[3].date, date!(2027 - 02 - 01));
    }

    #[test]
    fn bad_list_values_name_their_flag() {
        let e = from_lists("NYC,B0S", "LAX", "2027-01-02", DEFAULTS, TODAY).unwrap_err();
        assert!(e.to_string().starts_with("invalid --origin: "), "{e}");
        let e = from_lists("NYC", "LAX", "2027-01-09..2027-01-02", DEFAULTS, TODAY).unwrap_err();
        assert!(e.to_string().contains("ends before it starts"), "{e}");
        let e = from_lists("NYC", "LAX", "2026-12-01..2027-01-02", DEFAULTS, TODAY).unwrap_err();
        assert!(e.to_string().contains("in the past"), "{e}");
        let e = from_lists("NYC", "LAX", "2026-12-03..2030-01-02", DEFAULTS, TODAY).unwrap_err();
        assert!(e.to_string().starts_with("invalid --date: "), "{e}");
        let e = from_lists("NYC", "NYC", "2027-01-02", DEFAULTS, TODAY).unwrap_err();
        assert!(e.to_string().contains("no query"), "{e}");
    }

    #[test]
    fn csv_rows_with_optional_columns_and_defaults() {
        let text = "origin,destination,date,passengers,cabin\n\
                    NYC,LAX,2027-01-02,2,business\n\
                    # a comment\n\
                    bos,mia,2027-01-03,,\n";
        let q = parse_csv("q.csv", text, DEFAULTS, TODAY).unwrap();
        assert_eq!(q.len(), 2);
        assert_eq!((q[0].passengers, q[0].cabin), (2, Cabin::Business));
        assert_eq!((q[1].passengers, q[1].cabin), (1, Cabin::Main));
        assert_eq!(q[1].origin.as_str(), "BOS");

        // Columns in any order, without the optional ones.
        let q = parse_csv(
            "q.csv",
            "date,origin,destination\n2027-01-02,NYC,LAX\n",
            DEFAULTS,
            TODAY,
        )
        .unwrap();
        assert_eq!(q[0].destination.as_str(), "LAX");
    }

    #[test]
    fn a_bad_csv_row_names_its_line_and_field() {
        let text =
            "origin,destination,date\nNYC,LAX,2027-01-02\nNYC,LAX,2027-01-03\nNYC,LAX,2027-02-30\n";
        let e = usage(parse_csv("q.csv", text, DEFAULTS, TODAY).unwrap_err());
        assert!(e.starts_with("q.csv:4: invalid date: "), "{e}");

        let e = usage(
            parse_csv(
                "q.csv",
                "origin,destination,date,passengers\nNYC,LAX,2027-01-02,ten\n",
                DEFAULTS,
                TODAY,
            )
            .unwrap_err(),
        );
        assert!(e.starts_with("q.csv:2: invalid passengers: "), "{e}");

        let e = usage(
            parse_csv("q.csv", "origin,date\nNYC,2027-01-02\n", DEFAULTS, TODAY).unwrap_err(),
        );
        assert!(e.contains("q.csv:1: missing column \"destination\""), "{e}");

        let e = usage(parse_csv("q.csv", "origin,destination,day\n", DEFAULTS, TODAY).unwrap_err());
        assert!(e.contains("unknown column \"day\""), "{e}");

        let e = usage(
            parse_csv(
                "q.csv",
                "origin,destination,date\nNYC,LAX\n",
                DEFAULTS,
                TODAY,
            )
            .unwrap_err(),
        );
        assert!(
            e.starts_with("q.csv:2: 2 fields where the header has 3"),
            "{e}"
        );
    }

    /// Regression: a BOM before JSON lines gave "not a JSON object", and made a file with
    /// another extension be read as CSV.
    #[test]
    fn a_byte_order_mark_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("queries.txt");
        std::fs::write(
            &path,
            "\u{feff}{\"origin\":\"NYC\",\"destination\":\"LAX\",\"date\":\"2027-01-02\"}\n",
        )
        .unwrap();
        let q = from_file(&path, DEFAULTS, TODAY).unwrap();
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].destination.as_str(), "LAX");
    }

    #[test]
    fn json_lines_rows() {
        let text = "{\"origin\":\"NYC\",\"destination\":\"LAX\",\"date\":\"2027-01-02\"}\n\n\
                    {\"origin\":\"NYC\",\"destination\":\"MIA\",\"date\":\"2027-01-02\",\"passengers\":3,\"cabin\":\"first\"}\n";
        let q = parse_json_lines("q.jsonl", text, DEFAULTS, TODAY).unwrap();
        assert_eq!(q.len(), 2);
        assert_eq!((q[1].passengers, q[1].cabin), (3, Cabin::First));

        let bad = "{\"origin\":\"NYC\",\"destination\":\"LAX\",\"date\":\"2027-01-02\"}\n\
                   {\"origin\":\"NYC\",\"destination\":\"LAX\",\"date\":\"2027-01-02\",\"passengers\":12}\n";
        let e = usage(parse_json_lines("q.jsonl", bad, DEFAULTS, TODAY).unwrap_err());
        assert!(e.starts_with("q.jsonl:2: invalid passengers: "), "{e}");

        let e = usage(
            parse_json_lines("q.jsonl", "{\"origin\":\"NYC\"}\n", DEFAULTS, TODAY).unwrap_err(),
        );
        assert!(e.contains("q.jsonl:1: missing key \"destination\""), "{e}");
        let e = usage(parse_json_lines("q.jsonl", "[1]\n", DEFAULTS, TODAY).unwrap_err());
        assert!(e.contains("q.jsonl:1: not a JSON object"), "{e}");
        let e = usage(
            parse_json_lines(
                "q.jsonl",
                "{\"origin\":\"NYC\",\"dest\":\"LAX\"}\n",
                DEFAULTS,
                TODAY,
            )
            .unwrap_err(),
        );
        assert!(e.contains("unknown key \"dest\""), "{e}");
    }

    #[test]
    fn format_by_extension_then_content() {
        assert_eq!(Format::detect(Path::new("a.csv"), "{"), Format::Csv);
        assert_eq!(
            Format::detect(Path::new("a.jsonl"), "origin"),
            Format::JsonLines
        );
        assert_eq!(
            Format::detect(Path::new("a.txt"), "  {\"origin\""),
            Format::JsonLines
        );
        assert_eq!(
            Format::detect(Path::new("queries"), "origin,destination"),
            Format::Csv
        );
    }

    #[test]
    fn duplicates_are_searched_once() {
        let q = from_lists(
            "NYC",
            "LAX",
            "2027-01-02,2027-01-02..2027-01-03",
            DEFAULTS,
            TODAY,
        )
        .unwrap();
        assert_eq!(q.len(), 3);
        let (unique, dropped) = dedup(q);
        assert_eq!((unique.len(), dropped), (2, 1));
        assert_eq!(unique[0].date, date!(2027 - 01 - 02));
    }
}
