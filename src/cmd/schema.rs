//! `point-break schema`: the JSON Schema (draft 2020-12, from schemars) of the `--format json`
//! output, for validating saved results or generating types. Each `--format ndjson` line is one
//! element of `flights` with the report's `search_metadata` added.

use crate::core::Report;
use crate::error::Error;

/// The schema as a JSON value, `$schema`, `title` and `description` first.
pub fn schema() -> serde_json::Value {
    let generated = schemars::schema_for!(Report).to_value();
    let mut out = serde_json::Map::new();
    for key in ["$schema", "title"] {
        if let Some(v) = generated.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    out.insert(
        "description".into(),
        "The output of `point-break search` and `point-break merge` with --format json: one \
         search, its comparable flights priced in cash and in AAdvantage miles, and the verdict \
         at the user's valuation of a mile."
            .into(),
    );
    if let serde_json::Value::Object(rest) = generated {
        for (k, v) in rest {
            out.entry(k).or_insert(v);
        }
    }
    serde_json::Value::Object(out)
}

/// Prints the schema.
pub fn run() -> Result<(), Error> {
    let mut out = serde_json::to_vec_pretty(&schema()).expect("a schema always serializes");
    out.push(b'\n');
    crate::output::emit(None, &out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_lists_the_required_keys() {
        let s = schema();
        let required = s["required"].as_array().unwrap();
        for key in ["search_metadata", "flights", "total_results"] {
            assert!(required.iter().any(|r| r == key), "{key}: {s}");
        }
        let flight = &s["$defs"]["Flight"];
        let required = flight["required"].as_array().unwrap();
        for key in [
            "flight_number",
            "cpp",
            "verdict",
            "savings_usd",
            "value_cpp",
        ] {
            assert!(required.iter().any(|r| r == key), "{key}: {flight}");
        }
    }
}
