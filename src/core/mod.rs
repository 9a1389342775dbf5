//! The pure core: AA's response model, flight matching, cabin selection and cents per point.
//!
//! Nothing here touches a browser, a file, a process or the clock, so every rule is unit-tested
//! against the real captures in `tests/fixtures/`.

pub mod classify;
pub mod model;
pub mod number;
pub mod pair;
pub mod query;
pub mod report;
pub mod request;
pub mod verdict;

pub use classify::{read_answer, Answer, BlockKind, ResponseError};
pub use pair::{cents_per_point, compare, PairStats};
pub use query::{Airport, Cabin, Query, QueryError};
pub use report::{Flight, Report, SearchMetadata};
pub use request::SearchType;
pub use verdict::{judge, Better, Valuation, DEFAULT_VALUE_CPP};

#[cfg(test)]
mod tests;
