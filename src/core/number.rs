//! Lenient readers for the numbers AA sends: the same figure arrives as a JSON number in one
//! place and as text ("15000", "15,000") in another, so every number the core uses goes through
//! here. Text is parsed, never multiplied as text.

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;
use std::str::FromStr;

/// Strips the thousands separators and blanks AA (or a hand-edited body) may put in a number.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| *c != ',' && *c != '_' && !c.is_whitespace())
        .collect()
}

/// Parses a whole, non-negative count such as points: `15000`, `"15000"`, `"15,000"`, `15000.0`.
pub fn parse_count(text: &str) -> Option<u64> {
    let cleaned = clean(text);
    if let Ok(n) = cleaned.parse::<u64>() {
        return Some(n);
    }
    // "15000.00" is a count written as a decimal; anything with a real fraction is not a count.
    let d = Decimal::from_str(&cleaned).ok()?;
    if d.is_sign_negative() || !d.fract().is_zero() {
        return None;
    }
    u64::try_from(d).ok()
}

/// Parses an amount of money: `289`, `289.5`, `"1,234.50"`, `"$1,234.50"`.
pub fn parse_amount(text: &str) -> Option<Decimal> {
    let cleaned = clean(text);
    let cleaned = cleaned.strip_prefix('$').unwrap_or(&cleaned);
    Decimal::from_str(cleaned)
        .or_else(|_| Decimal::from_scientific(cleaned))
        .ok()
}

struct CountVisitor;

impl<'de> Visitor<'de> for CountVisitor {
    type Value = Option<u64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number, as a JSON number or as text")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        u64::try_from(v)
            .map(Some)
            .map_err(|_| E::custom(format!("negative count {v}")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= u64::MAX as f64 {
            Ok(Some(v as u64))
        } else {
            Err(E::custom(format!("{v} is not a whole count")))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            return Ok(None);
        }
        parse_count(v)
            .map(Some)
            .ok_or_else(|| E::custom(format!("{v:?} is not a whole count")))
    }
}

/// Deserializes an optional count given as a number or as text; null and "" are absent.
pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    d.deserialize_option(CountVisitor)
}

struct AmountVisitor;

impl<'de> Visitor<'de> for AmountVisitor {
    type Value = Option<Decimal>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an amount, as a JSON number or as text")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // Through the shortest decimal text, so 5.6 stays 5.6 instead of 5.5999999999999996447.
        parse_amount(&v.to_string())
            .map(Some)
            .ok_or_else(|| E::custom(format!("{v} is not a usable amount")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.trim().is_empty() {
            return Ok(None);
        }
        parse_amount(v)
            .map(Some)
            .ok_or_else(|| E::custom(format!("{v:?} is not an amount")))
    }
}

/// Deserializes an optional amount given as a number or as text; null and "" are absent.
pub fn amount<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    d.deserialize_option(AmountVisitor)
}

/// Deserializes a list that AA may send as `null`: null is the empty list.
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Deserializes a text field that AA sometimes sends as a number (flight numbers, error codes).
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct TextVisitor;

    impl<'de> Visitor<'de> for TextVisitor {
        type Value = Option<String>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("text or a number")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
    }

    d.deserialize_option(TextVisitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct C {
        #[serde(default, deserialize_with = "count")]
        n: Option<u64>,
        #[serde(default, deserialize_with = "amount")]
        a: Option<Decimal>,
    }

    fn read(json: &str) -> C {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn counts_as_number_text_and_separators() {
        assert_eq!(read(r#"{"n": 15000}"#).n, Some(15000));
        assert_eq!(read(r#"{"n": "15000"}"#).n, Some(15000));
        assert_eq!(read(r#"{"n": "15,000"}"#).n, Some(15000));
        assert_eq!(read(r#"{"n": "1,500,000"}"#).n, Some(1_500_000));
        assert_eq!(read(r#"{"n": 15000.0}"#).n, Some(15000));
        assert_eq!(read(r#"{"n": null}"#).n, None);
        assert_eq!(read(r#"{}"#).n, None);
        assert_eq!(read(r#"{"n": ""}"#).n, None);
    }

    #[test]
    fn bad_counts_are_errors_not_zero() {
        assert!(serde_json::from_str::<C>(r#"{"n": "lots"}"#).is_err());
        assert!(serde_json::from_str::<C>(r#"{"n": -5}"#).is_err());
        assert!(serde_json::from_str::<C>(r#"{"n": 1.5}"#).is_err());
    }

    #[test]
    fn amounts_keep_their_decimal_value() {
        assert_eq!(read(r#"{"a": 5.6}"#).a, Some(Decimal::new(56, 1)));
        assert_eq!(
            read(r#"{"a": "1,234.50"}"#).a,
            Some(Decimal::new(123450, 2))
        );
        assert_eq!(read(r#"{"a": "$19.99"}"#).a, Some(Decimal::new(1999, 2)));
        assert_eq!(read(r#"{"a": 289}"#).a, Some(Decimal::from(289)));
        assert_eq!(read(r#"{"a": null}"#).a, None);
    }
}
