//! The verdict: at the user's own valuation of a mile, is a flight better paid in miles or in
//! cash, and by how many dollars for the party. Pure decimal arithmetic, rounded to cents.

use rust_decimal::{Decimal, RoundingStrategy};
use schemars::JsonSchema;
use serde::Serialize;

/// The valuation used when the user gives no `--value-cpp`: 1.5 cents per AAdvantage mile.
///
/// A round figure in the middle of the published valuations of AAdvantage miles (roughly 1.3 to
/// 1.7 cents): below it miles are usually better kept, above it they are a good redemption.
pub const DEFAULT_VALUE_CPP: Decimal = Decimal::from_parts(15, 0, 0, false, 1);

/// Which way of paying is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    /// Pay with miles (and the award's taxes).
    Miles,
    /// Pay the cash fare and keep the miles.
    Cash,
}

impl Better {
    /// `miles` or `cash`, as in the output.
    pub fn as_str(self) -> &'static str {
        match self {
            Better::Miles => "miles",
            Better::Cash => "cash",
        }
    }
}

/// One flight judged at one valuation of a mile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Valuation {
    /// `miles` when the cash fare saved per mile beats `value_cpp` (exactly, before the rounding
    /// of `cpp`), otherwise `cash`; a tie is `cash`, since spending miles then gains nothing.
    pub verdict: Better,
    /// The valuation used, in US cents per mile.
    #[serde(with = "rust_decimal::serde::float")]
    #[schemars(with = "f64")]
    pub value_cpp: Decimal,
    /// What the party's miles are worth at that valuation: `points_required × value_cpp / 100`,
    /// in dollars, rounded half away from zero to cents.
    #[serde(with = "rust_decimal::serde::float")]
    #[schemars(with = "f64")]
    pub value_of_miles_usd: Decimal,
    /// Dollars the party is better off by following the verdict, never negative:
    /// `|cash_price_usd − taxes_fees_usd − points_required × value_cpp / 100|`, rounded half away
    /// from zero to cents.
    #[serde(with = "rust_decimal::serde::float")]
    #[schemars(with = "f64")]
    pub savings_usd: Decimal,
}

/// Judges a fare: `cash` for the party, the award's `taxes` and `points`, at `value_cpp` cents
/// per mile. `None` only when the arithmetic overflows.
pub fn judge(cash: Decimal, taxes: Decimal, points: u64, value_cpp: Decimal) -> Option<Valuation> {
    let miles_worth = Decimal::from(points)
        .checked_mul(value_cpp)?
        .checked_div(Decimal::ONE_HUNDRED)?;
    // Positive: the miles save more than they are worth to the user.
    let advantage = cash.checked_sub(taxes)?.checked_sub(miles_worth)?;
    let verdict = if advantage > Decimal::ZERO {
        Better::Miles
    } else {
        Better::Cash
    };
    Some(Valuation {
        verdict,
        value_cpp: value_cpp.normalize(),
        value_of_miles_usd: cents(miles_worth),
        savings_usd: cents(advantage.abs()),
    })
}

fn cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn default_is_one_and_a_half_cents() {
        assert_eq!(DEFAULT_VALUE_CPP, dec("1.5"));
    }

    #[test]
    fn aa171_at_default_and_high_valuations() {
        // AA171 JFK-LAX: $314.24 cash, 15,000 miles + $5.60, cpp 2.06.
        let v = judge(dec("314.24"), dec("5.6"), 15_000, dec("1.5")).unwrap();
        assert_eq!(v.verdict, Better::Miles);
        assert_eq!(v.value_of_miles_usd, dec("225.00"));
        assert_eq!(v.savings_usd, dec("83.64"));

        let v = judge(dec("314.24"), dec("5.6"), 15_000, dec("2.5")).unwrap();
        assert_eq!(v.verdict, Better::Cash);
        assert_eq!(v.value_of_miles_usd, dec("375"));
        assert_eq!(v.savings_usd, dec("66.36"));
    }

    #[test]
    fn tie_is_cash_and_rounding_is_half_away_from_zero() {
        // 10,000 miles at 1.5 = $150 = 160 - 10: no gain from miles.
        let v = judge(dec("160"), dec("10"), 10_000, dec("1.5")).unwrap();
        assert_eq!(v.verdict, Better::Cash);
        assert_eq!(v.savings_usd, Decimal::ZERO);
        // 333 miles at 1.5 = $4.995 → $5.00; 10 - 0 - 4.995 = 5.005 → 5.01.
        let v = judge(dec("10"), dec("0"), 333, dec("1.5")).unwrap();
        assert_eq!(v.value_of_miles_usd, dec("5.00"));
        assert_eq!(v.savings_usd, dec("5.01"));
        assert_eq!(v.verdict, Better::Miles);
    }

    #[test]
    fn verdict_uses_exact_cpp_not_the_rounded_one() {
        // (100.30 - 0) / 6,680 × 100 = 1.50149… cpp, shown as 1.50: still just above 1.5.
        let v = judge(dec("100.30"), dec("0"), 6_680, dec("1.5")).unwrap();
        assert_eq!(v.verdict, Better::Miles);
        assert_eq!(v.savings_usd, dec("0.10"));
    }
}
