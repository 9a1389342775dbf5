//! The pure core: AA's response model, flight matching, cabin selection and cents per point.
//!
//! Nothing here touches a browser, a file, a process or the clock, so every rule is unit-tested
//! against the real captures in `tests/fixtures/`.
