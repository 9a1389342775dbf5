//! The request bodies point-break POSTs to AA's itinerary endpoint, one per search type, in the
//! shape AA's own booking page sends (see AA-API.md).

use crate::core::query::{format_date, Query};
use serde_json::{json, Value};

/// The path of the itinerary endpoint under the base URL.
pub const ITINERARY_PATH: &str = "/booking/api/search/itinerary";

/// The page opened first so that the browser holds AA's session cookies.
pub const BOOKING_PAGE_PATH: &str = "/booking/choose-flights/1";

/// Award (miles) or Revenue (cash).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchType {
    /// AAdvantage award prices.
    Award,
    /// Cash fares.
    Revenue,
}

impl SearchType {
    /// AA's spelling, also used in file names.
    pub fn as_str(&self) -> &'static str {
        match self {
            SearchType::Award => "Award",
            SearchType::Revenue => "Revenue",
        }
    }
}

/// The JSON body for one one-way, adults-only search.
pub fn body(query: &Query, search_type: SearchType) -> Value {
    json!({
        "metadata": {"selectedProducts": [], "tripType": "OneWay", "udo": {}},
        "passengers": [{"type": "adult", "count": query.passengers}],
        "requestHeader": {"clientId": "AAcom"},
        "slices": [{
            "allCarriers": true,
            "cabin": "",
            "departureDate": format_date(query.date),
            "origin": query.origin.as_str(),
            "destination": query.destination.as_str(),
            "originNearbyAirports": false,
            "destinationNearbyAirports": false,
            "maxStops": null,
        }],
        "tripOptions": {
            "corporateBooking": false,
            "fareType": "Lowest",
            "locale": "en_US",
            "pointOfSale": null,
            "searchType": search_type.as_str(),
        },
        "loyaltyInfo": null,
        "version": "cfr",
        "queryParams": {"sliceIndex": 0, "sessionId": "", "solutionSet": "", "solutionId": "", "sort": "CARRIER"},
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::query::Cabin;

    #[test]
    fn body_carries_the_query() {
        let q = Query::check(
            "nyc",
            "lax",
            "2027-01-02",
            3,
            "main",
            time::macros::date!(2026 - 12 - 03),
        )
        .unwrap();
        assert_eq!(q.cabin, Cabin::Main);
        let b = body(&q, SearchType::Revenue);
        assert_eq!(b["tripOptions"]["searchType"], "Revenue");
        assert_eq!(b["passengers"][0]["count"], 3);
        assert_eq!(b["slices"][0]["origin"], "NYC");
        assert_eq!(b["slices"][0]["destination"], "LAX");
        assert_eq!(b["slices"][0]["departureDate"], "2027-01-02");
        assert_eq!(
            body(&q, SearchType::Award)["tripOptions"]["searchType"],
            "Award"
        );
    }
}
