//! One file per subcommand: each turns its raw arguments into checked values, runs, and writes
//! its output. Shared checks live here.

pub mod batch;
pub mod completions;
pub mod doctor;
pub mod merge;
pub mod output;
pub mod schema;
pub mod search;

use crate::cli::PartyArgs;
use crate::core::query::{check_passengers, Field, QueryError};
use crate::core::Cabin;
use crate::error::Error;

/// Checks `--passengers` and `--cabin`.
pub fn party(args: &PartyArgs) -> Result<(u8, Cabin), Error> {
    let n: u32 = args.passengers.trim().parse().map_err(|_| QueryError {
        field: Field::Passengers,
        message: format!("{:?} is not a number; give 1 to 9", args.passengers),
    })?;
    let passengers = check_passengers(n)?;
    let cabin = args.cabin.parse().map_err(|message| QueryError {
        field: Field::Cabin,
        message,
    })?;
    Ok((passengers, cabin))
}
