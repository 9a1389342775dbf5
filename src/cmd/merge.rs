//! `point-break merge`: the core on two saved bodies, with no browser. It re-runs a search saved
//! with `--save-raw`, and is how the comparison is checked offline.

use crate::cli::MergeArgs;
use crate::core::model::ItineraryResponse;
use crate::core::query::{parse_date, Field, QueryError};
use crate::core::{compare, read_answer, Airport, Answer, Report, ResponseError, SearchMetadata};
use crate::error::Error;
use anyhow::Context;
use std::io::Read;
use std::path::Path;

/// Runs the merge command.
pub fn run(args: &MergeArgs) -> Result<(), Error> {
    let (passengers, cabin) = super::party(&args.party)?;
    let output = super::output::Output::check(&args.output)?;
    if args.award == Path::new("-") && args.revenue == Path::new("-") {
        return Err(Error::Usage(
            "invalid --revenue: only one of --award and --revenue can read stdin (-)".into(),
        ));
    }
    let origin = args
        .origin
        .as_deref()
        .map(|o| checked_airport(o, Field::Origin))
        .transpose()?;
    let destination = args
        .destination
        .as_deref()
        .map(|d| checked_airport(d, Field::Destination))
        .transpose()?;
    let date = args
        .date
        .as_deref()
        .map(|d| {
            parse_date(d).map_err(|message| QueryError {
                field: Field::Date,
                message,
            })
        })
        .transpose()?;

    let award = load(&args.award)?;
    let revenue = load(&args.revenue)?;
    let award = read_answer(Answer::body(&award), &display(&args.award))?;
    let revenue = read_answer(Answer::body(&revenue), &display(&args.revenue))?;
    check_body(&award, "--award", "Award", &args.award, passengers)?;
    check_body(&revenue, "--revenue", "Revenue", &args.revenue, passengers)?;

    let from_bodies =
        |pick: fn(&ItineraryResponse) -> Option<String>| pick(&award).or_else(|| pick(&revenue));
    let origin = origin
        .map(|a| a.to_string())
        .or_else(|| from_bodies(|r| r.response_metadata.as_ref()?.origin.as_ref()?.code.clone()))
        .ok_or_else(|| missing(Field::Origin))?;
    let destination = destination
        .map(|a| a.to_string())
        .or_else(|| {
            from_bodies(|r| {
                r.response_metadata
                    .as_ref()?
                    .destination
                    .as_ref()?
                    .code
                    .clone()
            })
        })
        .ok_or_else(|| missing(Field::Destination))?;
    let date = date
        .map(crate::core::query::format_date)
        .or_else(|| from_bodies(|r| r.response_metadata.as_ref()?.departure_date.clone()))
        .ok_or_else(|| missing(Field::Date))?;

    let (flights, stats) = compare(&award, &revenue, passengers, cabin);
    tracing::debug!(?stats, "paired award and revenue slices");
    let report = Report::new(
        SearchMetadata {
            origin,
            destination,
            date,
            passengers,
            cabin_class: cabin,
        },
        flights,
    );
    output.write(&report)
}

/// Refuses a body of the wrong search type or for another party size: the comparison would
/// print wrong numbers (per-person miles against a party's fare) with nothing to show for it.
fn check_body(
    body: &ItineraryResponse,
    flag: &str,
    wanted: &str,
    path: &Path,
    passengers: u8,
) -> Result<(), Error> {
    let kind = body
        .response_metadata
        .as_ref()
        .and_then(|m| m.search_type.as_deref());
    if let Some(kind) = kind.filter(|k| !k.eq_ignore_ascii_case(wanted)) {
        return Err(Error::Usage(format!(
            "invalid {flag}: {} answers the {kind} search, not the {wanted} one",
            display(path)
        )));
    }
    let party = body.utag.as_ref().and_then(|u| u.adult_passengers);
    if let Some(party) = party.filter(|p| *p != u64::from(passengers)) {
        return Err(Error::Usage(format!(
            "invalid --passengers: {} was priced for {party} adult(s), not {passengers}; give \
             --passengers {party}",
            display(path)
        )));
    }
    Ok(())
}

fn checked_airport(text: &str, field: Field) -> Result<Airport, QueryError> {
    text.parse()
        .map_err(|message| QueryError { field, message })
}

fn missing(field: Field) -> Error {
    Error::Usage(format!(
        "invalid --{0}: the bodies do not say the {0}; give --{0}",
        field.name()
    ))
}

fn display(path: &Path) -> String {
    if path == Path::new("-") {
        "stdin".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Reads a file, or stdin for `-`. Bytes that are not text are a bad answer (exit 9), not an
/// I/O failure: the file was read, it just is not AA's JSON.
fn load(path: &Path) -> Result<String, Error> {
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read stdin")?;
    } else {
        bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    }
    String::from_utf8(bytes).map_err(|e| {
        ResponseError::Unexpected {
            body: display(path),
            detail: format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        }
        .into()
    })
}
