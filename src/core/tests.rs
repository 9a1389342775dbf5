//! Unit tests of the core on the real AA captures and on small hand-built bodies.

use super::*;
use crate::core::model::ItineraryResponse;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::str::FromStr;

fn fixture(rel: &str) -> String {
    let path = format!("{}/tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn read(text: &str) -> ItineraryResponse {
    read_answer(Answer::body(text), "test").unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

const CAPTURES: [&str; 6] = [
    "aifares__CreditCardPoints__american-raw.0146af1.json",
    "aifares__CreditCardPoints__american-raw.1f91a45.json",
    "aifares__CreditCardPoints__american-raw.6a98ba2.json",
    "aifares__CreditCardPoints__american-raw.b5d11d6.json",
    "aifares__CreditCardPoints__rawResponse.05c3e88.json",
    "lg__awardwiz__aa_sample.json",
];

#[test]
fn every_real_capture_parses() {
    for name in CAPTURES {
        let body = read(&fixture(&format!("captures/{name}")));
        let expected = if name.starts_with("lg__") { 21 } else { 40 };
        assert_eq!(body.slices().len(), expected, "{name}");
        let meta = body.response_metadata.as_ref().unwrap();
        assert_eq!(meta.search_type.as_deref(), Some("Award"), "{name}");
        assert_eq!(body.error.as_deref(), Some(""), "{name}");
    }
}

#[test]
fn known_slice_of_a_real_capture() {
    let body = read(&fixture(
        "captures/aifares__CreditCardPoints__american-raw.b5d11d6.json",
    ));
    let slice = &body.slices()[0];
    assert_eq!(slice.hash.as_deref(), Some("SHIPljRiT0L1t48n"));
    let flight = slice.segments[0].flight.as_ref().unwrap();
    assert_eq!(flight.carrier_code.as_deref(), Some("AA"));
    assert_eq!(flight.flight_number.as_deref(), Some("171"));
    assert_eq!(
        slice.departure_date_time.as_deref(),
        Some("2025-04-24T06:00:00.000-04:00")
    );
    let coach = slice
        .product_pricing
        .iter()
        .filter_map(|p| p.best())
        .find(|p| p.kind() == Some("COACH"))
        .unwrap();
    assert_eq!(coach.per_passenger_award_points, Some(15000));
    // The same figure arrives as text in slicePricing.
    assert_eq!(
        coach
            .slice_pricing
            .as_ref()
            .unwrap()
            .per_passenger_award_points,
        Some(15000)
    );
    assert_eq!(
        coach.all_passenger_taxes_and_fees.as_ref().unwrap().usd(),
        Some(dec("5.6"))
    );
    // AS-operated partner slices keep their own carrier.
    let partner = body
        .slices()
        .iter()
        .find(|s| s.hash.as_deref() == Some("SdFfAwX5Htmq5KWT"))
        .unwrap();
    assert_eq!(
        partner.segments[0]
            .flight
            .as_ref()
            .unwrap()
            .carrier_code
            .as_deref(),
        Some("AS")
    );
}

#[test]
fn old_capture_has_no_hashes_so_nothing_pairs() {
    let body = read(&fixture("captures/lg__awardwiz__aa_sample.json"));
    let (flights, stats) = compare(&body, &body, 1, Cabin::Main);
    assert!(flights.is_empty());
    assert_eq!(stats.missing_hash, 42);
}

// ---- hand-built bodies -------------------------------------------------------------------

fn money(amount: Value) -> Value {
    json!({"amount": amount, "currency": "USD"})
}

fn award_price(kind: &str, points: Value, taxes: f64, available: bool) -> Value {
    json!({
        "productType": kind,
        "perPassengerAwardPoints": points,
        "perPassengerTaxesAndFees": money(json!(taxes)),
        "allPassengerTaxesAndFees": money(json!(taxes)),
        "productAvailable": available,
        "seatsRemaining": 0,
        "fares": [{"brandInfo": {"brandCode": "MAIN"}}],
    })
}

fn cash_price(kind: &str, brand: Option<&str>, total: f64) -> Value {
    let brand_info = match brand {
        Some(b) => json!({"brandCode": b}),
        None => json!({}),
    };
    json!({
        "productType": kind,
        "perPassengerAwardPoints": 0,
        "perPassengerDisplayTotal": money(json!(total)),
        "allPassengerDisplayTotal": money(json!(total)),
        "productAvailable": true,
        "seatsRemaining": 0,
        "fares": [{"brandInfo": brand_info}],
    })
}

fn slice(hash: Option<&str>, flight: &str, dep: &str, pricing: Value, groups: Value) -> Value {
    let (carrier, number) = flight.split_at(2);
    json!({
        "hash": hash,
        "durationInMinutes": 330,
        "stops": 0,
        "arrivesNextDay": 0,
        "departureDateTime": format!("2025-04-24T{dep}:00.000-04:00"),
        "arrivalDateTime": "2025-04-24T11:30:00.000-07:00",
        "origin": {"code": "JFK"},
        "destination": {"code": "LAX"},
        "segments": [{
            "flight": {"carrierCode": carrier, "flightNumber": number},
            "departureDateTime": format!("2025-04-24T{dep}:00.000-04:00"),
            "arrivalDateTime": "2025-04-24T11:30:00.000-07:00",
            "origin": {"code": "JFK"},
            "destination": {"code": "LAX"},
            "legs": [{"aircraft": {"name": "Airbus A321"}, "operationalDisclosure": ""}],
        }],
        "productPricing": pricing,
        "productGroups": groups,
    })
}

fn body(slices: Vec<Value>) -> String {
    json!({"error": "", "responseMetadata": {"searchType": "X"}, "slices": slices}).to_string()
}

fn award_slice(hash: Option<&str>, flight: &str, dep: &str, points: Value) -> Value {
    slice(
        hash,
        flight,
        dep,
        json!([{"cheapestPrice": award_price("COACH", points, 5.6, true)}]),
        Value::Null,
    )
}

fn cash_slice(hash: Option<&str>, flight: &str, dep: &str, groups: Value) -> Value {
    slice(hash, flight, dep, Value::Null, groups)
}

fn main_group(basic: f64, main: f64) -> Value {
    json!({"MAIN": [
        cash_price("BASIC_ECONOMY", Some("BASIC_ECONOMY"), basic),
        cash_price("COACH", Some("MAIN"), main),
    ]})
}

#[test]
fn basic_economy_listed_first_is_never_the_main_cabin_price() {
    let award = read(&body(vec![award_slice(
        Some("H1"),
        "AA100",
        "08:00",
        json!(12500),
    )]));
    let cash = read(&body(vec![cash_slice(
        Some("H1"),
        "AA100",
        "08:00",
        main_group(199.0, 289.0),
    )]));
    let (flights, _) = compare(&award, &cash, 1, Cabin::Main);
    assert_eq!(flights.len(), 1);
    let f = &flights[0];
    assert_eq!(f.cash_price_usd, dec("289"));
    assert_eq!(f.cash_fare_brand.as_deref(), Some("MAIN"));
    assert_eq!(f.points_required, 12500);
    assert_eq!(f.taxes_fees_usd, dec("5.6"));
    // (289 - 5.60) / 12500 * 100 = 2.2672 -> 2.27
    assert_eq!(f.cpp, dec("2.27"));
    assert_eq!(f.flight_number, "AA100");
    assert_eq!(f.departure_time, "08:00");
    assert_eq!(f.arrival_time, "11:30");
}

#[test]
fn basic_economy_alone_gives_no_main_cabin_row() {
    let award = read(&body(vec![award_slice(
        Some("H1"),
        "AA100",
        "08:00",
        json!(12500),
    )]));
    let only_basic = json!({"MAIN": [cash_price("BASIC_ECONOMY", Some("BASIC_ECONOMY"), 150.0)]});
    // Even when AA labels it COACH, the brand gives Basic Economy away.
    let coach_labelled = json!({"MAIN": [cash_price("COACH", Some("BASIC_ECONOMY"), 150.0)]});
    for groups in [only_basic, coach_labelled] {
        let cash = read(&body(vec![cash_slice(
            Some("H1"),
            "AA100",
            "08:00",
            groups,
        )]));
        let (flights, stats) = compare(&award, &cash, 1, Cabin::Main);
        assert!(flights.is_empty());
        assert_eq!(stats.no_cash_price, 1);
    }
}

#[test]
fn partner_slice_with_empty_brand_uses_its_coach_fare() {
    let award = read(&body(vec![award_slice(
        Some("H9"),
        "AS289",
        "07:30",
        json!(30000),
    )]));
    let groups = json!({"MAIN": [cash_price("COACH", None, 410.2)]});
    let cash = read(&body(vec![cash_slice(
        Some("H9"),
        "AS289",
        "07:30",
        groups,
    )]));
    let (flights, _) = compare(&award, &cash, 1, Cabin::Main);
    assert_eq!(flights[0].flight_number, "AS289");
    assert_eq!(flights[0].cash_fare_brand, None);
    // (410.20 - 5.60) / 30000 * 100 = 1.3486..
    assert_eq!(flights[0].cpp, dec("1.35"));
}

#[test]
fn party_of_two_and_four_multiplies_points_and_uses_party_totals() {
    for n in [2u8, 4] {
        let nd = f64::from(n);
        let mut award_price = award_price("COACH", json!("15,000"), 5.6, true);
        award_price["allPassengerTaxesAndFees"] = money(json!(5.6 * nd));
        let award = slice(
            Some("H1"),
            "AA1",
            "07:00",
            json!([{"cheapestPrice": award_price}]),
            Value::Null,
        );
        let mut main = cash_price("COACH", Some("MAIN"), 300.0);
        main["allPassengerDisplayTotal"] = money(json!(300.0 * nd));
        let cash = cash_slice(Some("H1"), "AA1", "07:00", json!({"MAIN": [main]}));
        let (flights, _) = compare(
            &read(&body(vec![award])),
            &read(&body(vec![cash])),
            n,
            Cabin::Main,
        );
        let f = &flights[0];
        assert_eq!(f.points_required, 15000 * u64::from(n));
        assert_eq!(f.cash_price_usd, dec("300") * Decimal::from(n));
        assert_eq!(f.taxes_fees_usd, dec("5.6") * Decimal::from(n));
        // Per-person CPP is the same as the party's: (300 - 5.6) / 15000 * 100 = 1.9627 -> 1.96
        assert_eq!(f.cpp, dec("1.96"));
    }
}

#[test]
fn party_taxes_fall_back_to_per_passenger_times_party() {
    let mut price = award_price("COACH", json!(10000), 5.6, true);
    price["allPassengerTaxesAndFees"] = Value::Null;
    let award = slice(
        Some("H1"),
        "AA1",
        "07:00",
        json!([{"cheapestPrice": price}]),
        Value::Null,
    );
    let cash = cash_slice(Some("H1"), "AA1", "07:00", main_group(100.0, 400.0));
    let (flights, _) = compare(
        &read(&body(vec![award])),
        &read(&body(vec![cash])),
        3,
        Cabin::Main,
    );
    assert_eq!(flights[0].taxes_fees_usd, dec("16.8"));
    assert_eq!(flights[0].points_required, 30000);
}

#[test]
fn unavailable_and_zero_point_products_are_skipped() {
    let unavailable = slice(
        Some("H1"),
        "AA1",
        "07:00",
        json!([{"cheapestPrice": award_price("COACH", json!(15000), 5.6, false)}]),
        Value::Null,
    );
    let zero = award_slice(Some("H2"), "AA2", "08:00", json!(0));
    let award = read(&body(vec![unavailable, zero]));
    let cash = read(&body(vec![
        cash_slice(Some("H1"), "AA1", "07:00", main_group(100.0, 200.0)),
        cash_slice(Some("H2"), "AA2", "08:00", main_group(100.0, 200.0)),
    ]));
    let (flights, stats) = compare(&award, &cash, 1, Cabin::Main);
    assert!(flights.is_empty());
    assert_eq!(stats.no_award_price, 2);
}

#[test]
fn missing_one_sided_and_duplicate_hashes() {
    let award = read(&body(vec![
        award_slice(None, "AA1", "06:00", json!(10000)),
        award_slice(Some("A-ONLY"), "AA2", "07:00", json!(10000)),
        award_slice(Some("DUP"), "AA3", "08:00", json!(10000)),
        award_slice(Some("DUP"), "AA4", "09:00", json!(20000)),
        award_slice(Some("OK"), "AA5", "10:00", json!(10000)),
    ]));
    let cash = read(&body(vec![
        cash_slice(Some("DUP"), "AA3", "08:00", main_group(100.0, 200.0)),
        cash_slice(Some("DUP"), "AA4", "09:00", main_group(100.0, 900.0)),
        cash_slice(Some("OK"), "AA5", "10:00", main_group(100.0, 250.0)),
        cash_slice(Some("R-ONLY"), "AA6", "11:00", main_group(100.0, 250.0)),
        cash_slice(Some(""), "AA7", "12:00", main_group(100.0, 250.0)),
    ]));
    let (flights, stats) = compare(&award, &cash, 1, Cabin::Main);
    let numbers: Vec<_> = flights.iter().map(|f| f.flight_number.as_str()).collect();
    // DUP pairs once, on its first occurrence each side (AA3 with AA3's price), never AA4's.
    assert_eq!(numbers, ["AA3", "AA5"]);
    assert_eq!(flights[0].cash_price_usd, dec("200"));
    assert_eq!(stats.missing_hash, 2);
    assert_eq!(stats.award_only, 1);
    assert_eq!(stats.revenue_only, 1);
    assert_eq!(stats.duplicate_hash, 2);
}

#[test]
fn same_hash_on_different_flights_is_not_paired() {
    let award = read(&body(vec![award_slice(
        Some("H1"),
        "AA1",
        "07:00",
        json!(10000),
    )]));
    let cash = read(&body(vec![cash_slice(
        Some("H1"),
        "AA9",
        "07:00",
        main_group(1.0, 2.0),
    )]));
    let (flights, stats) = compare(&award, &cash, 1, Cabin::Main);
    assert!(flights.is_empty());
    assert_eq!(stats.mismatched, 1);
}

#[test]
fn flights_come_sorted_by_departure() {
    let award = read(&body(vec![
        award_slice(Some("B"), "AA2", "21:00", json!(10000)),
        award_slice(Some("A"), "AA1", "06:05", json!(10000)),
    ]));
    let cash = read(&body(vec![
        cash_slice(Some("A"), "AA1", "06:05", main_group(1.0, 200.0)),
        cash_slice(Some("B"), "AA2", "21:00", main_group(1.0, 200.0)),
    ]));
    let (flights, _) = compare(&award, &cash, 1, Cabin::Main);
    let times: Vec<_> = flights.iter().map(|f| f.departure_time.as_str()).collect();
    assert_eq!(times, ["06:05", "21:00"]);
}

#[test]
fn premium_business_first_compare_like_with_like() {
    let pricing = json!([
        {"cheapestPrice": award_price("COACH", json!(15000), 5.6, true)},
        {"cheapestPrice": award_price("PREMIUM_ECONOMY", json!(40000), 5.6, true)},
        {"cheapestPrice": award_price("BUSINESS", json!(0), 5.6, false)},
        {"cheapestPrice": award_price("FIRST", json!(50000), 5.6, true)},
    ]);
    let award = read(&body(vec![slice(
        Some("H"),
        "AA1",
        "07:00",
        pricing,
        Value::Null,
    )]));
    let groups = json!({
        "MAIN": [cash_price("BASIC_ECONOMY", Some("BASIC_ECONOMY"), 100.0), cash_price("COACH", Some("MAIN"), 200.0)],
        "PREMIUM_ECONOMY": [cash_price("PREMIUM_ECONOMY", Some("PE"), 600.0)],
        "PREMIUM": [cash_price("BUSINESS", Some("BUS"), 900.0), cash_price("FIRST", Some("FIR"), 1005.6)],
    });
    let cash = read(&body(vec![cash_slice(Some("H"), "AA1", "07:00", groups)]));
    let cpp = |cabin| compare(&award, &cash, 1, cabin).0.first().map(|f| f.cpp);
    assert_eq!(cpp(Cabin::Main), Some(dec("1.30")));
    assert_eq!(cpp(Cabin::PremiumEconomy), Some(dec("1.49")));
    assert_eq!(cpp(Cabin::Business), None);
    assert_eq!(cpp(Cabin::First), Some(dec("2.00")));
}

#[test]
fn cpp_rounds_half_away_from_zero() {
    // 0.125 cents exactly -> 0.13; -0.125 -> -0.13; 2.2672 -> 2.27; 1.2349 -> 1.23
    assert_eq!(
        cents_per_point(dec("12.5"), dec("0"), 10000),
        Some(dec("0.13"))
    );
    assert_eq!(
        cents_per_point(dec("0"), dec("12.5"), 10000),
        Some(dec("-0.13"))
    );
    assert_eq!(
        cents_per_point(dec("289"), dec("5.6"), 12500),
        Some(dec("2.27"))
    );
    assert_eq!(
        cents_per_point(dec("123.49"), dec("0"), 10000),
        Some(dec("1.23"))
    );
    assert_eq!(cents_per_point(dec("1"), dec("0"), 0), None);
}

#[test]
fn error_bodies_are_recognised() {
    let e = read_answer(Answer::body(r#"{"error":"309","slices":[]}"#), "award").unwrap_err();
    assert!(e.is_no_session());
    let e = read_answer(
        Answer::body(r#"{"timestamp":"2025-01-01","message":"Invalid date","details":"x","errorNumber":1100}"#),
        "award",
    )
    .unwrap_err();
    assert!(
        matches!(&e, ResponseError::Aa { code, .. } if code == "1100"),
        "{e}"
    );
    assert!(e.to_string().contains("in the past"), "{e}");
    let e = read_answer(Answer::body(r#"{"cpr_chlge":"true"}"#), "award").unwrap_err();
    assert!(matches!(
        e,
        ResponseError::Blocked {
            kind: BlockKind::CprChallenge,
            ..
        }
    ));
    let denied = "<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY>You don't have permission. Reference #18.6f2e1002.1700000000.1a2b3c4d <P>https://errors.edgesuite.net/18.6f2e1002</BODY></HTML>";
    let e = read_answer(
        Answer {
            status: Some(403),
            content_type: Some("text/html"),
            retry_after: None,
            body: denied,
        },
        "award",
    )
    .unwrap_err();
    assert!(
        matches!(&e, ResponseError::Blocked { kind: BlockKind::AccessDenied, reference: Some(r), .. } if r.starts_with("Reference #18.6f2e1002")),
        "{e:?}"
    );
    let challenge =
        r#"<html><form id="sec_chlge_form"></form><div id="sec-if-cpt-container"></div></html>"#;
    let e = read_answer(Answer::body(challenge), "award").unwrap_err();
    assert!(matches!(
        e,
        ResponseError::Blocked {
            kind: BlockKind::Challenge,
            ..
        }
    ));
    let e = read_answer(
        Answer {
            status: Some(429),
            content_type: Some("text/html"),
            retry_after: Some("30"),
            body: "slow down",
        },
        "revenue",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "AA is rate limiting the revenue search (HTTP 429, Retry-After: 30)"
    );
}

#[test]
fn malformed_json_names_the_body_and_position() {
    let e = read_answer(
        Answer::body("{\n  \"slices\": [\n    {\"hash\": }\n]}"),
        "award.json",
    )
    .unwrap_err();
    match e {
        ResponseError::Malformed {
            body, line, column, ..
        } => {
            assert_eq!(body, "award.json");
            assert_eq!((line, column), (3, 14));
        }
        other => panic!("{other:?}"),
    }
    let e = read_answer(Answer::body(r#"{"slices": [{"stops": "many"}]}"#), "x").unwrap_err();
    assert!(
        matches!(e, ResponseError::Malformed { line: 1, .. }),
        "{e:?}"
    );
    let e = read_answer(Answer::body("{}"), "x").unwrap_err();
    assert!(matches!(e, ResponseError::Unexpected { .. }), "{e:?}");
    let e = read_answer(Answer::body("hello"), "x").unwrap_err();
    assert!(matches!(e, ResponseError::Unexpected { .. }), "{e:?}");
}

mod no_panic {
    use super::*;
    use proptest::prelude::*;

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            "[0-9,.$ -]{0,12}".prop_map(Value::from),
            "[A-Z_]{0,16}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("hash".to_string()),
                        Just("slices".to_string()),
                        Just("segments".to_string()),
                        Just("productPricing".to_string()),
                        Just("cheapestPrice".to_string()),
                        Just("productType".to_string()),
                        Just("perPassengerAwardPoints".to_string()),
                        Just("amount".to_string()),
                        Just("allPassengerTaxesAndFees".to_string()),
                        Just("productGroups".to_string()),
                        Just("MAIN".to_string()),
                        Just("allPassengerDisplayTotal".to_string()),
                        Just("departureDateTime".to_string()),
                        Just("flight".to_string()),
                        Just("error".to_string()),
                        "[a-z]{1,6}",
                    ],
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn core_never_panics(a in arb_json(), r in arb_json(), n in 1u8..=9, text in ".{0,200}") {
            let a = a.to_string();
            let r = r.to_string();
            let _ = read_answer(Answer::body(&text), "t");
            if let (Ok(a), Ok(r)) = (read_answer(Answer::body(&a), "a"), read_answer(Answer::body(&r), "r")) {
                for cabin in [Cabin::Main, Cabin::PremiumEconomy, Cabin::Business, Cabin::First] {
                    let (flights, _) = compare(&a, &r, n, cabin);
                    for f in flights {
                        prop_assert!(f.points_required > 0);
                    }
                }
            }
        }
    }
}

// ---- real Award captures against the generated Revenue fixtures ----------------------------

fn pair(capture: &str, pax: u8) -> (ItineraryResponse, ItineraryResponse) {
    let award = if pax == 1 {
        fixture(&format!(
            "captures/aifares__CreditCardPoints__american-raw.{capture}.json"
        ))
    } else {
        fixture(&format!("award-pax2/award-{capture}-pax{pax}.json"))
    };
    let revenue = fixture(&format!("revenue/revenue-{capture}-pax{pax}.json"));
    (read(&award), read(&revenue))
}

fn find<'a>(flights: &'a [Flight], hash: &str) -> &'a Flight {
    flights
        .iter()
        .find(|f| f.hash == hash)
        .unwrap_or_else(|| panic!("{hash} missing"))
}

#[test]
fn nyc_lax_main_cabin_one_adult() {
    let (award, revenue) = pair("b5d11d6", 1);
    let (flights, stats) = compare(&award, &revenue, 1, Cabin::Main);
    assert_eq!(flights.len(), 36);
    assert_eq!((stats.award_only, stats.revenue_only), (2, 1));
    // S81m1DKTFceONKcr and Sv9pCDiKm+SLm8np sell no award Main Cabin.
    assert_eq!(stats.no_award_price, 2);
    let f = find(&flights, "SHIPljRiT0L1t48n");
    assert_eq!(f.flight_number, "AA171");
    assert_eq!(
        (f.departure_time.as_str(), f.arrival_time.as_str()),
        ("06:00", "09:16")
    );
    assert_eq!(f.points_required, 15000);
    assert_eq!(f.taxes_fees_usd, dec("5.6"));
    // Main Cabin 314.24, not the Basic Economy 242.86 listed before it.
    assert_eq!(f.cash_price_usd, dec("314.24"));
    assert_eq!(f.cash_fare_brand.as_deref(), Some("MAIN"));
    // (314.24 - 5.60) / 15000 * 100 = 2.0576
    assert_eq!(f.cpp, dec("2.06"));
    assert_eq!(f.segments[0].origin, "JFK");
    assert_eq!(f.destination, "LAX");
    // A connection lists every flight; a partner flight keeps its carrier.
    let c = find(&flights, "S1hVAI02+dP1x074");
    assert_eq!(c.flight_numbers, ["AA4536", "AA1966"]);
    assert_eq!(c.stops, 1);
    let partner = find(&flights, "SdFfAwX5Htmq5KWT");
    assert_eq!(partner.flight_number, "AS289");
    assert_eq!(partner.cash_fare_brand, None);
    // (275.67 - 5.60) / 30000 * 100 = 0.9002
    assert_eq!(partner.cpp, dec("0.90"));
    // Sorted by departure.
    assert!(flights.windows(2).all(|w| w[0].departure <= w[1].departure));
    assert_eq!(flights[0].departure_time, "06:00");
}

#[test]
fn nyc_lax_main_cabin_two_adults() {
    let (award, revenue) = pair("b5d11d6", 2);
    let (flights, _) = compare(&award, &revenue, 2, Cabin::Main);
    assert_eq!(flights.len(), 36);
    let f = find(&flights, "SHIPljRiT0L1t48n");
    assert_eq!(f.points_required, 30000);
    assert_eq!(f.cash_price_usd, dec("628.48"));
    assert_eq!(f.taxes_fees_usd, dec("11.2"));
    assert_eq!(f.cpp, dec("2.06"));
}

#[test]
fn nyc_lax_premium_cabins() {
    let (award, revenue) = pair("b5d11d6", 1);
    let (first, _) = compare(&award, &revenue, 1, Cabin::First);
    assert_eq!(first.len(), 16);
    // (761.40 - 5.60) / 43500 * 100 = 1.7375..
    assert_eq!(find(&first, "SHIPljRiT0L1t48n").cpp, dec("1.74"));
    assert_eq!(
        find(&first, "SHIPljRiT0L1t48n").cash_fare_brand.as_deref(),
        Some("FIR")
    );
    // Cash First on Sjpq8Erc2VrjrDa7 is not for sale.
    assert!(first.iter().all(|f| f.hash != "Sjpq8Erc2VrjrDa7"));
    let (business, _) = compare(&award, &revenue, 1, Cabin::Business);
    assert_eq!(business.len(), 7);
    // (617.66 - 5.60) / 100000 * 100 = 0.612
    assert_eq!(find(&business, "SnM8ucKiUJgQYqlf").cpp, dec("0.61"));
    // The award side never sells Premium Economy on this route.
    let (premium, stats) = compare(&award, &revenue, 1, Cabin::PremiumEconomy);
    assert!(premium.is_empty());
    assert_eq!(stats.no_award_price, 38);
}

#[test]
fn nyc_mia_next_day_arrival_and_stub_products() {
    let (award, revenue) = pair("6a98ba2", 1);
    let (main, _) = compare(&award, &revenue, 1, Cabin::Main);
    assert_eq!(main.len(), 38);
    let late = find(&main, "SWX0CfsumM0bRk4-");
    assert_eq!(late.arrival_time, "00:25");
    assert_eq!(late.arrives_next_day, 1);
    let (first, _) = compare(&award, &revenue, 1, Cabin::First);
    assert_eq!(first.len(), 34);
    assert!(first
        .iter()
        .all(|f| f.hash != "SAvvo1xBUIN5f7Lu" && f.hash != "SjacFM4sB1px+iFO"));
}

fn edge(case: &str) -> Vec<Flight> {
    let a = read(&fixture(&format!("edge/{case}-award.json")));
    let r = read(&fixture(&format!("edge/{case}-revenue.json")));
    compare(&a, &r, 1, Cabin::Main).0
}

#[test]
fn edge_fixtures() {
    let text = edge("points-as-text");
    assert_eq!(find(&text, "STextPoints00001").points_required, 15000);
    assert_eq!(find(&text, "STextPoints00001").cpp, dec("2.00"));
    assert_eq!(find(&text, "STextPoints00002").points_required, 7500);
    assert_eq!(find(&text, "STextPoints00002").cpp, dec("1.50"));

    let hashes = |flights: &[Flight]| flights.iter().map(|f| f.hash.clone()).collect::<Vec<_>>();
    assert_eq!(hashes(&edge("missing-hash")), ["SMissingHash0001"]);
    let dup = edge("duplicate-hash");
    assert_eq!(find(&dup, "SDuplicateHash01").flight_number, "AA171");
    assert_eq!(find(&dup, "SDuplicateHash01").points_required, 15000);
    assert_eq!(dup.len(), 2);
    let basic = edge("basic-first");
    // Both leave at 06:00; ties are ordered by flight number.
    assert_eq!(hashes(&basic), ["SBasicFirst00001", "SBasicFirst00003"]);
    assert_eq!(
        find(&basic, "SBasicFirst00001").cash_price_usd,
        dec("245.6")
    );
    assert_eq!(
        find(&basic, "SBasicFirst00003").cash_price_usd,
        dec("266.2")
    );
    assert!(edge("unavailable").is_empty());
    let nulls = edge("null-blocks");
    assert_eq!(find(&nulls, "SNullBlocks00001").cpp, dec("2.00"));
    let per_person_only = find(&nulls, "SNullBlocks00002");
    assert_eq!(per_person_only.taxes_fees_usd, dec("5.6"));
    assert_eq!(per_person_only.cpp, dec("1.73"));
    assert_eq!(find(&nulls, "SNullBlocks00003").cpp, dec("1.03"));
}

#[test]
fn error_fixtures_are_recognised() {
    let e = read_answer(Answer::body(&fixture("errors/error-309.json")), "award").unwrap_err();
    assert!(e.is_no_session());
    let e = read_answer(Answer::body(&fixture("errors/error-1100.json")), "award").unwrap_err();
    assert!(matches!(&e, ResponseError::Aa { code, .. } if code == "1100"));
    let e = read_answer(Answer::body(&fixture("errors/cpr-chlge.json")), "award").unwrap_err();
    assert!(e.is_blocked());
    let e = read_answer(Answer::body(&fixture("errors/challenge.html")), "award").unwrap_err();
    assert!(matches!(
        e,
        ResponseError::Blocked {
            kind: BlockKind::Challenge,
            ..
        }
    ));
    let denied = fixture("errors/akamai-403.html");
    let e = read_answer(
        Answer {
            status: Some(403),
            content_type: Some("text/html"),
            retry_after: None,
            body: &denied,
        },
        "award",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "AA's bot defence blocked the award search (HTTP 403 Access Denied page, Reference #18.5e2f1502.1745420089.1c9d7a3b)"
    );
}
