//! Tests of the AA stand-in itself over plain HTTP (no browser): cookies, the session check, the
//! fixture routing, every failure mode, and what it records. A tiny HTTP/1.1 client on std's
//! TcpStream keeps the test free of extra dependencies.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::standin::{Config, Mode, StandIn};

const TIMEOUT: Duration = Duration::from_secs(20);

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.all(name).into_iter().next()
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            let start = String::from_utf8_lossy(&self.body[..self.body.len().min(200)]);
            panic!("body is not JSON ({e}): {start}")
        })
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 exchange with `Connection: close`, so the body ends at EOF.
fn http(
    server: &StandIn,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(server.addr())?;
    stream.set_read_timeout(Some(timeout))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        server.addr(),
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;

    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("no end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("bad status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    Ok(Reply {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size");
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
            .expect("chunk size is hex");
        if size == 0 {
            return out;
        }
        data = &data[line_end + 2..];
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// Cookies a page load handed out, ready for a `Cookie` header, plus the XSRF token.
struct Session {
    cookie: String,
    xsrf: String,
    spa_session_id: String,
}

fn load_page(server: &StandIn, path: &str) -> (Reply, Session) {
    let reply = http(server, "GET", path, &[], b"", TIMEOUT).expect("page request");
    let mut cookie = Vec::new();
    let (mut xsrf, mut spa) = (String::new(), String::new());
    for set in reply.all("set-cookie") {
        let pair = set.split(';').next().unwrap().trim().to_string();
        let (name, value) = pair.split_once('=').unwrap();
        match name {
            "XSRF-TOKEN" => xsrf = value.to_string(),
            "spa_session_id" => spa = value.to_string(),
            _ => {}
        }
        cookie.push(pair.clone());
    }
    let session = Session {
        cookie: cookie.join("; "),
        xsrf,
        spa_session_id: spa,
    };
    (reply, session)
}

fn search_body(search_type: &str, pax: u64, origin: &str, dest: &str, date: &str) -> Vec<u8> {
    json!({
        "metadata": {"selectedProducts": [], "tripType": "OneWay", "udo": {}},
        "passengers": [{"type": "adult", "count": pax}],
        "requestHeader": {"clientId": "AAcom"},
        "slices": [{
            "allCarriers": true, "cabin": "", "departureDate": date,
            "origin": origin, "destination": dest,
            "originNearbyAirports": false, "destinationNearbyAirports": false, "maxStops": null
        }],
        "tripOptions": {
            "corporateBooking": false, "fareType": "Lowest", "locale": "en_US",
            "pointOfSale": null, "searchType": search_type
        },
        "loyaltyInfo": null,
        "version": "cfr",
        "queryParams": {"sliceIndex": 0, "sessionId": "", "solutionSet": "", "solutionId": "", "sort": "CARRIER"}
    })
    .to_string()
    .into_bytes()
}

fn search(server: &StandIn, session: Option<&Session>, body: &[u8]) -> Reply {
    let mut headers = vec![
        ("accept", "application/json, text/plain, */*"),
        ("content-type", "application/json"),
    ];
    if let Some(s) = session {
        headers.push(("cookie", &s.cookie));
        headers.push(("x-xsrf-token", &s.xsrf));
    }
    http(
        server,
        "POST",
        "/booking/api/search/itinerary",
        &headers,
        body,
        TIMEOUT,
    )
    .expect("itinerary request")
}

fn fixture(rel: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const B5D11D6: &str = "captures/aifares__CreditCardPoints__american-raw.b5d11d6.json";
const SIXA98BA2: &str = "captures/aifares__CreditCardPoints__american-raw.6a98ba2.json";

fn nyc_lax(search_type: &str, pax: u64) -> Vec<u8> {
    search_body(search_type, pax, "NYC", "LAX", "2025-04-24")
}

/// Every priced product of a body as (slice hash, product index, price object).
fn products(body: &Value) -> Vec<(String, usize, Value)> {
    let mut out = Vec::new();
    for slice in body["slices"].as_array().unwrap() {
        let hash = slice["hash"].as_str().unwrap().to_string();
        for (i, p) in slice["pricingDetail"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            out.push((hash.clone(), i, p.clone()));
        }
    }
    out
}

fn amount(v: &Value) -> f64 {
    v["amount"].as_f64().expect("money amount")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.005
}

#[test]
fn pages_set_the_three_session_cookies_and_renew_the_session() {
    let server = StandIn::start(Config::default());

    let (reply, first) = load_page(&server, "/booking/choose-flights/1");
    assert_eq!(reply.status, 200);
    assert!(reply
        .text()
        .contains("<title>American Airlines - Choose flights</title>"));
    let names: Vec<&str> = reply
        .all("set-cookie")
        .iter()
        .map(|c| c.split('=').next().unwrap())
        .collect();
    assert_eq!(names, ["XSRF-TOKEN", "spa_session_id", "JSESSIONID"]);
    assert!(reply.all("set-cookie").iter().all(|c| c.contains("Path=/")));
    assert!(!first.xsrf.is_empty() && !first.spa_session_id.is_empty());

    let query = "/booking/search?locale=en_US&pax=1&adult=1&type=OneWay&searchType=Award";
    for path in ["/", "/booking/find-flights", query] {
        let (reply, next) = load_page(&server, path);
        assert_eq!(reply.status, 200, "{path}");
        assert_ne!(next.spa_session_id, first.spa_session_id, "{path}");
    }
    assert_eq!(server.page_loads(), 4);
    assert!(server.requests().is_empty());
}

#[test]
fn a_search_without_a_session_cookie_gets_the_309_body() {
    let server = StandIn::start(Config::default());

    let reply = search(&server, None, &nyc_lax("Award", 1));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, fixture("errors/error-309.json"));
    assert_eq!(reply.json()["error"], "309");
    assert_eq!(reply.json()["slices"], json!([]));

    // A cookie the stand-in never issued is no better.
    let forged = Session {
        cookie: "spa_session_id=forged; XSRF-TOKEN=x".into(),
        xsrf: "x".into(),
        spa_session_id: "forged".into(),
    };
    assert_eq!(
        search(&server, Some(&forged), &nyc_lax("Award", 1)).json()["error"],
        "309"
    );

    let log = server.requests();
    assert_eq!(log.len(), 2);
    assert!(!log[0].had_session_cookie && !log[0].xsrf_ok);
    assert!(!log[1].had_session_cookie && log[1].xsrf_ok);
}

#[test]
fn award_search_with_a_session_serves_the_real_capture_byte_for_byte() {
    let server = StandIn::start(Config::default());
    let (_, session) = load_page(&server, "/booking/choose-flights/1");

    let reply = search(&server, Some(&session), &nyc_lax("Award", 1));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.body, fixture(B5D11D6));
    let body = reply.json();
    assert_eq!(body["slices"].as_array().unwrap().len(), 40);
    assert_eq!(body["slices"][0]["hash"], "SHIPljRiT0L1t48n");
    assert_eq!(body["responseMetadata"]["searchType"], "Award");

    let log = server.requests();
    assert_eq!(log.len(), 1);
    let r = &log[0];
    assert_eq!(
        (
            r.search_type.as_str(),
            r.passengers,
            r.origin.as_str(),
            r.destination.as_str(),
            r.date.as_str()
        ),
        ("Award", 1, "NYC", "LAX", "2025-04-24")
    );
    assert!(r.had_session_cookie && r.xsrf_ok);
    assert_eq!(r.status, Some(200));
    assert!(r.finished.unwrap() >= r.started);
}

#[test]
fn data_is_routed_on_the_destination() {
    let server = StandIn::start(Config::default());
    let (_, session) = load_page(&server, "/");

    let mia = search(
        &server,
        Some(&session),
        &search_body("Award", 1, "NYC", "MIA", "2025-04-30"),
    );
    assert_eq!(mia.body, fixture(SIXA98BA2));
    assert_eq!(mia.json()["slices"][0]["hash"], "SBXg8ATVQoWMEzvz");

    // Anything that is not MIA gets the NYC→LAX data, whatever the date.
    let ord = search(
        &server,
        Some(&session),
        &search_body("Award", 1, "DFW", "ORD", "2026-01-15"),
    );
    assert_eq!(ord.body, fixture(B5D11D6));

    let revenue = search(
        &server,
        Some(&session),
        &search_body("Revenue", 1, "NYC", "MIA", "2025-04-30"),
    );
    assert_eq!(revenue.body, fixture("revenue/revenue-6a98ba2-pax1.json"));
    assert_eq!(revenue.json()["responseMetadata"]["searchType"], "Revenue");
}

#[test]
fn revenue_party_totals_scale_with_passengers_and_per_person_values_do_not() {
    let server = StandIn::start(Config::default());
    let (_, session) = load_page(&server, "/");

    let pax1 = search(&server, Some(&session), &nyc_lax("Revenue", 1)).json();
    let pax2 = search(&server, Some(&session), &nyc_lax("Revenue", 2)).json();
    let pax3 = search(&server, Some(&session), &nyc_lax("Revenue", 3)).json();
    assert_eq!(pax1["slices"].as_array().unwrap().len(), 39);

    let (one, two, three) = (products(&pax1), products(&pax2), products(&pax3));
    assert_eq!(one.len(), two.len());
    assert_eq!(one.len(), three.len());
    let mut priced = 0;
    for ((h1, _, p1), ((h2, _, p2), (h3, _, p3))) in one.iter().zip(two.iter().zip(&three)) {
        assert_eq!((h1, h1), (h2, h3));
        assert_eq!(
            p1["perPassengerDisplayTotal"],
            p2["perPassengerDisplayTotal"]
        );
        assert_eq!(
            p1["perPassengerDisplayTotal"],
            p3["perPassengerDisplayTotal"]
        );
        if p1["slicePricing"].is_null() {
            continue; // unavailable stub
        }
        priced += 1;
        let total = amount(&p1["allPassengerDisplayTotal"]);
        assert!(close(amount(&p2["allPassengerDisplayTotal"]), 2.0 * total));
        assert!(close(amount(&p3["allPassengerDisplayTotal"]), 3.0 * total));
        for key in [
            "allPassengerDisplayTotal",
            "allPassengerDisplayTaxTotal",
            "allPassengerDisplayFareTotal",
        ] {
            let base = amount(&p1["slicePricing"][key]);
            assert!(
                close(amount(&p2["slicePricing"][key]), 2.0 * base),
                "{h1} {key}"
            );
        }
    }
    assert!(priced > 100);

    // The first slice's Main Cabin, exactly as README.md lists it.
    let main = &pax2["slices"][0]["productGroups"]["MAIN"][1];
    assert_eq!(main["productType"], "COACH");
    assert_eq!(main["perPassengerDisplayTotal"]["amount"], json!(314.24));
    assert_eq!(main["allPassengerDisplayTotal"]["amount"], json!(628.48));
}

#[test]
fn award_for_three_passengers_multiplies_party_taxes_only() {
    let server = StandIn::start(Config::default());
    let (_, session) = load_page(&server, "/");

    let body = search(&server, Some(&session), &nyc_lax("Award", 3)).json();
    let coach = &body["slices"][0]["pricingDetail"][0];
    assert_eq!(body["slices"][0]["hash"], "SHIPljRiT0L1t48n");
    assert_eq!(coach["perPassengerAwardPoints"], 15000);
    assert_eq!(coach["perPassengerTaxesAndFees"]["amount"], json!(5.6));
    assert_eq!(coach["allPassengerTaxesAndFees"]["amount"], json!(16.8));
    assert_eq!(
        coach["slicePricing"]["allPassengerDisplayTotal"]["amount"],
        json!(16.8)
    );
    assert_eq!(coach["slicePricing"]["perPassengerAwardPoints"], "15000");
    assert_eq!(body["utag"]["adult_passengers"], "3");

    let pax2 = search(&server, Some(&session), &nyc_lax("Award", 2));
    assert_eq!(pax2.body, fixture("award-pax2/award-b5d11d6-pax2.json"));
}

#[test]
fn every_failure_mode_answers_as_documented() {
    let server = StandIn::start(Config::default());
    let (_, session) = load_page(&server, "/");
    let body = nyc_lax("Award", 1);

    let cases: Vec<(Mode, u16, &str, Vec<u8>)> = vec![
        (
            Mode::Blocked403,
            403,
            "text/html",
            fixture("errors/akamai-403.html"),
        ),
        (
            Mode::Challenge,
            200,
            "text/html",
            fixture("errors/challenge.html"),
        ),
        (
            Mode::CprChallenge,
            200,
            "application/json",
            fixture("errors/cpr-chlge.json"),
        ),
        (
            Mode::NoSession,
            200,
            "application/json",
            fixture("errors/error-309.json"),
        ),
        (
            Mode::PastDate,
            400,
            "application/json",
            fixture("errors/error-1100.json"),
        ),
    ];
    for (mode, status, content_type, expected) in cases {
        server.set_mode(mode.clone());
        let reply = search(&server, Some(&session), &body);
        assert_eq!(reply.status, status, "{mode:?}");
        assert_eq!(reply.header("content-type"), Some(content_type), "{mode:?}");
        assert_eq!(reply.body, expected, "{mode:?}");
    }

    server.set_mode(Mode::RateLimited {
        retry_after_secs: Some(42),
    });
    let reply = search(&server, Some(&session), &body);
    assert_eq!(
        (reply.status, reply.header("retry-after")),
        (429, Some("42"))
    );
    server.set_mode(Mode::RateLimited {
        retry_after_secs: None,
    });
    let reply = search(&server, Some(&session), &body);
    assert_eq!((reply.status, reply.header("retry-after")), (429, None));

    server.set_mode(Mode::NotJson);
    let reply = search(&server, Some(&session), &body);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert!(reply.body.starts_with(b"{"));
    assert!(serde_json::from_slice::<Value>(&reply.body).is_err());

    for (mode, status) in [
        (Mode::ServerError, 503),
        (Mode::Status(428), 428),
        (Mode::Status(451), 451),
    ] {
        server.set_mode(mode.clone());
        assert_eq!(search(&server, Some(&session), &body).status, status);
        // Only itinerary requests fail in these modes.
        assert_eq!(load_page(&server, "/").0.status, 200, "{mode:?}");
    }

    server.set_mode(Mode::PageStatus(503));
    let (page, _) = load_page(&server, "/booking/choose-flights/1");
    assert_eq!(page.status, 503);
    assert!(page.all("set-cookie").is_empty());
    assert_eq!(search(&server, Some(&session), &body).status, 503);

    server.set_mode(Mode::Ok);
    assert_eq!(search(&server, Some(&session), &body).status, 200);
    let statuses: Vec<Option<u16>> = server.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses.len(), 13);
    assert_eq!(statuses.last(), Some(&Some(200)));
}

#[test]
fn fail_next_fails_that_many_requests_then_recovers() {
    let server = StandIn::start(Config::default());
    let (_, session) = load_page(&server, "/");
    let body = nyc_lax("Award", 1);

    server.fail_next(1, Mode::Blocked403);
    assert_eq!(search(&server, Some(&session), &body).status, 403);
    assert_eq!(search(&server, Some(&session), &body).status, 200);

    server.fail_next(2, Mode::Status(451));
    server.fail_next(1, Mode::CprChallenge);
    assert_eq!(search(&server, Some(&session), &body).status, 451);
    assert_eq!(search(&server, Some(&session), &body).status, 451);
    let challenge = search(&server, Some(&session), &body);
    assert_eq!(challenge.json(), json!({"cpr_chlge": "true"}));
    assert_eq!(search(&server, Some(&session), &body).status, 200);
    assert_eq!(server.mode(), Mode::Ok);
}

#[test]
fn malformed_searches_get_400() {
    let server = StandIn::start(Config::default());
    let (_, session) = load_page(&server, "/");

    let mut child = serde_json::from_slice::<Value>(&nyc_lax("Award", 1)).unwrap();
    child["passengers"][0]["type"] = json!("child");
    let bad: Vec<(&str, Vec<u8>)> = vec![
        ("not json", b"{\"slices\": [".to_vec()),
        ("search type", nyc_lax("Miles", 1)),
        ("zero passengers", nyc_lax("Award", 0)),
        ("ten passengers", nyc_lax("Award", 10)),
        ("child", child.to_string().into_bytes()),
        ("date", search_body("Award", 1, "NYC", "LAX", "24/04/2025")),
        (
            "month",
            search_body("Revenue", 1, "NYC", "LAX", "2025-13-01"),
        ),
        ("origin", search_body("Award", 1, "", "LAX", "2025-04-24")),
        (
            "destination",
            search_body("Award", 1, "NYC", "LA", "2025-04-24"),
        ),
    ];
    for (what, body) in bad {
        let reply = search(&server, Some(&session), &body);
        assert_eq!(reply.status, 400, "{what}");
        assert!(reply.json()["message"].as_str().is_some(), "{what}");
    }
    // A bad request is refused as such even without a session.
    assert_eq!(search(&server, None, &nyc_lax("Award", 0)).status, 400);
}

#[test]
fn concurrent_award_and_revenue_searches_are_seen_in_flight_together() {
    let server = StandIn::start(Config {
        delay: Duration::from_millis(400),
        ..Config::default()
    });
    let (_, session) = load_page(&server, "/");

    std::thread::scope(|scope| {
        let award = scope.spawn(|| search(&server, Some(&session), &nyc_lax("Award", 1)));
        let revenue = scope.spawn(|| search(&server, Some(&session), &nyc_lax("Revenue", 1)));
        assert_eq!(award.join().unwrap().status, 200);
        assert_eq!(revenue.join().unwrap().status, 200);
    });

    assert_eq!(server.max_in_flight(), 2);
    assert_eq!(server.in_flight(), 0);
    let log = server.requests();
    let mut types: Vec<&str> = log.iter().map(|r| r.search_type.as_str()).collect();
    types.sort();
    assert_eq!(types, ["Award", "Revenue"]);
    for r in &log {
        assert!(r.finished.unwrap() - r.started >= Duration::from_millis(400));
    }
    // The two intervals overlap.
    assert!(log[0].started < log[1].finished.unwrap() && log[1].started < log[0].finished.unwrap());
}

#[test]
fn hang_never_answers_and_dropping_the_stand_in_still_returns() {
    let server = StandIn::start(Config {
        mode: Mode::Hang,
        ..Config::default()
    });
    let (_, session) = load_page(&server, "/");

    let reply = http(
        &server,
        "POST",
        "/booking/api/search/itinerary",
        &[("cookie", &session.cookie)],
        &nyc_lax("Award", 1),
        Duration::from_millis(300),
    );
    let error = reply.err().expect("a hung request must time out");
    assert!(matches!(
        error.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    ));
    let log = server.requests();
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].status, log[0].finished), (None, None));

    let started = Instant::now();
    drop(server);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn modes_and_log_are_reachable_over_http() {
    let server = StandIn::start(Config::default());
    let (_, session) = load_page(&server, "/");
    let control = |body: Value| {
        http(
            &server,
            "POST",
            "/__standin/mode",
            &[("content-type", "application/json")],
            body.to_string().as_bytes(),
            TIMEOUT,
        )
        .unwrap()
    };

    let reply = control(json!({"mode": "Status", "status": 428}));
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json()["mode"],
        json!({"mode": "Status", "status": 428})
    );
    assert_eq!(server.mode(), Mode::Status(428));
    assert_eq!(
        search(&server, Some(&session), &nyc_lax("Award", 1)).status,
        428
    );

    control(json!({"mode": "Ok", "delay_ms": 5}));
    let queued = control(json!({"mode": "RateLimited", "retry_after_secs": 3, "fail_next": 1}));
    assert_eq!(queued.json()["fail_next"].as_array().unwrap().len(), 1);
    let limited = search(&server, Some(&session), &nyc_lax("Award", 1));
    assert_eq!(
        (limited.status, limited.header("retry-after")),
        (429, Some("3"))
    );
    assert_eq!(
        search(&server, Some(&session), &nyc_lax("Award", 1)).status,
        200
    );

    for bad in [
        json!({"mode": "Sideways"}),
        json!({"mode": "Status"}),
        json!({"fail_next": 2}),
    ] {
        assert_eq!(control(bad.clone()).status, 400, "{bad}");
    }

    let log = http(&server, "GET", "/__standin/log", &[], b"", TIMEOUT)
        .unwrap()
        .json();
    assert_eq!(log["page_loads"], 1);
    assert_eq!(log["delay_ms"], 5);
    let statuses: Vec<&Value> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["status"])
        .collect();
    assert_eq!(statuses, [&json!(428), &json!(429), &json!(200)]);
    assert_eq!(log["requests"][2]["search_type"], "Award");
    assert_eq!(log["requests"][2]["had_session_cookie"], true);
}

#[test]
fn expired_sessions_get_309_until_a_page_is_loaded_again() {
    let server = StandIn::start(Config::default());
    let (_, old) = load_page(&server, "/");
    server.expire_sessions();

    let reply = search(&server, Some(&old), &nyc_lax("Award", 1));
    assert_eq!(reply.json()["error"], "309");

    let (_, fresh) = load_page(&server, "/booking/choose-flights/1");
    let reply = search(&server, Some(&fresh), &nyc_lax("Award", 1));
    assert_eq!(reply.json()["slices"][0]["hash"], "SHIPljRiT0L1t48n");
}

#[tokio::test]
async fn works_from_inside_a_tokio_runtime() {
    let server = StandIn::start(Config::default());
    let base = server.base_url();
    assert!(base.starts_with("http://127.0.0.1:"));

    let server = tokio::task::spawn_blocking(move || {
        let (_, session) = load_page(&server, "/");
        let reply = search(&server, Some(&session), &nyc_lax("Revenue", 2));
        assert_eq!(reply.body, fixture("revenue/revenue-b5d11d6-pax2.json"));
        server
    })
    .await
    .unwrap();
    assert_eq!(server.requests()[0].passengers, 2);
}
