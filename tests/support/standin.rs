//! A local stand-in for aa.com: the booking pages that hand out session cookies and the internal
//! itinerary API, answering from `tests/fixtures` on a random loopback port. Tests switch it into
//! failure modes (bot defence, rate limits, hangs, …) from Rust or over HTTP, and read what it saw.

// Each test binary and the demo example use a different subset of this module.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

/// Path of the itinerary API, as on aa.com.
pub const ITINERARY_PATH: &str = "/booking/api/search/itinerary";

/// Booking pages that set the session cookies (any query string is accepted).
pub const PAGE_PATHS: [&str; 4] = [
    "/",
    "/booking/choose-flights/1",
    "/booking/find-flights",
    "/booking/search",
];

/// How many bytes of the real body [`Mode::NotJson`] sends: enough to look like JSON, cut mid-object.
const NOT_JSON_BYTES: usize = 2048;

/// How the stand-in answers itinerary requests (and, for [`Mode::PageStatus`], the pages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Serve the fixture for the request (after validation and the session check).
    Ok,
    /// HTTP 403 `text/html`, Akamai's "Access Denied" page (`errors/akamai-403.html`).
    Blocked403,
    /// HTTP 200 `text/html`, the "Challenge Validation" page (`errors/challenge.html`).
    Challenge,
    /// HTTP 200 JSON `{"cpr_chlge": "true"}`.
    CprChallenge,
    /// HTTP 429, with `Retry-After: <secs>` when given.
    RateLimited {
        /// Value of the `Retry-After` header; `None` sends no header.
        retry_after_secs: Option<u64>,
    },
    /// HTTP 200 JSON, the 309 "no session" body, whatever cookies the request carries.
    NoSession,
    /// HTTP 400 JSON, the `errorNumber: 1100` "date in the past" body.
    PastDate,
    /// HTTP 200 `application/json` whose body is the first 2048 bytes of the real answer.
    NotJson,
    /// HTTP 503 `text/html`.
    ServerError,
    /// That HTTP status with a short `text/html` body (e.g. 428, 451).
    Status(u16),
    /// Accept the request and never answer.
    Hang,
    /// Booking pages AND itinerary requests answer this status (`text/html`): "AA unreachable".
    PageStatus(u16),
}

impl Mode {
    /// Parse the JSON form used by `POST /__standin/mode`: `{"mode": "Ok"}`,
    /// `{"mode": "RateLimited", "retry_after_secs": 30}`, `{"mode": "Status", "status": 451}`,
    /// `{"mode": "PageStatus", "status": 503}`; the names are the variant names.
    pub fn from_json(value: &Value) -> Result<Mode, String> {
        let name = value
            .get("mode")
            .and_then(Value::as_str)
            .ok_or("\"mode\" must be a string")?;
        let status = || -> Result<u16, String> {
            value
                .get("status")
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .filter(|s| (100..=999).contains(s))
                .ok_or_else(|| format!("mode {name} needs \"status\": 100..=999"))
        };
        Ok(match name {
            "Ok" => Mode::Ok,
            "Blocked403" => Mode::Blocked403,
            "Challenge" => Mode::Challenge,
            "CprChallenge" => Mode::CprChallenge,
            "RateLimited" => Mode::RateLimited {
                retry_after_secs: match value.get("retry_after_secs") {
                    None | Some(Value::Null) => None,
                    Some(v) => Some(v.as_u64().ok_or("\"retry_after_secs\" must be a number")?),
                },
            },
            "NoSession" => Mode::NoSession,
            "PastDate" => Mode::PastDate,
            "NotJson" => Mode::NotJson,
            "ServerError" => Mode::ServerError,
            "Status" => Mode::Status(status()?),
            "Hang" => Mode::Hang,
            "PageStatus" => Mode::PageStatus(status()?),
            other => return Err(format!("unknown mode {other:?}")),
        })
    }

    /// The JSON form accepted by [`Mode::from_json`].
    pub fn to_json(&self) -> Value {
        match self {
            Mode::Ok => json!({"mode": "Ok"}),
            Mode::Blocked403 => json!({"mode": "Blocked403"}),
            Mode::Challenge => json!({"mode": "Challenge"}),
            Mode::CprChallenge => json!({"mode": "CprChallenge"}),
            Mode::RateLimited { retry_after_secs } => {
                json!({"mode": "RateLimited", "retry_after_secs": retry_after_secs})
            }
            Mode::NoSession => json!({"mode": "NoSession"}),
            Mode::PastDate => json!({"mode": "PastDate"}),
            Mode::NotJson => json!({"mode": "NotJson"}),
            Mode::ServerError => json!({"mode": "ServerError"}),
            Mode::Status(s) => json!({"mode": "Status", "status": s}),
            Mode::Hang => json!({"mode": "Hang"}),
            Mode::PageStatus(s) => json!({"mode": "PageStatus", "status": s}),
        }
    }
}

/// Start-up settings of a [`StandIn`].
#[derive(Clone, Debug)]
pub struct Config {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Latency added before every itinerary response.
    pub delay: Duration,
    /// Initial mode.
    pub mode: Mode,
    /// Print one line per request to stderr (never cookie or token values).
    pub log_requests: bool,
    /// Where the fixtures live; defaults to `CARGO_MANIFEST_DIR/tests/fixtures`.
    pub fixtures_dir: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 0,
            delay: Duration::ZERO,
            mode: Mode::Ok,
            log_requests: false,
            fixtures_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        }
    }
}

/// One itinerary request as the stand-in saw it. Fields the body did not carry are empty / 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// `tripOptions.searchType` ("Award", "Revenue", or whatever was sent).
    pub search_type: String,
    /// `passengers[0].count`.
    pub passengers: u32,
    /// `slices[0].origin`.
    pub origin: String,
    /// `slices[0].destination`.
    pub destination: String,
    /// `slices[0].departureDate`.
    pub date: String,
    /// The request carried a `spa_session_id` cookie that this stand-in issued and has not expired.
    pub had_session_cookie: bool,
    /// An `x-xsrf-token` header equal to the request's `XSRF-TOKEN` cookie was present.
    pub xsrf_ok: bool,
    /// When the request arrived, since the stand-in started.
    pub started: Duration,
    /// When the answer was handed to the server, since the stand-in started; `None` while open
    /// (or forever, for [`Mode::Hang`] and requests the client gave up on).
    pub finished: Option<Duration>,
    /// HTTP status of the answer; `None` while open.
    pub status: Option<u16>,
}

impl Recorded {
    /// The form served by `GET /__standin/log` (times in milliseconds).
    pub fn to_json(&self) -> Value {
        json!({
            "search_type": self.search_type,
            "passengers": self.passengers,
            "origin": self.origin,
            "destination": self.destination,
            "date": self.date,
            "had_session_cookie": self.had_session_cookie,
            "xsrf_ok": self.xsrf_ok,
            "started_ms": self.started.as_millis() as u64,
            "finished_ms": self.finished.map(|d| d.as_millis() as u64),
            "status": self.status,
        })
    }
}

/// A running stand-in. Dropping it stops the server, cutting off any request still open.
///
/// What it serves in [`Mode::Ok`], after the body passed validation (else HTTP 400 JSON
/// `{"error": "400", "message": …}`) and carried a live `spa_session_id` cookie (else the 309 body):
///
/// | destination | Award | Revenue |
/// |---|---|---|
/// | `MIA` | capture `6a98ba2` (NYC→MIA 2025-04-30) | `revenue-6a98ba2-pax*.json` |
/// | anything else | capture `b5d11d6` (NYC→LAX 2025-04-24) | `revenue-b5d11d6-pax*.json` |
///
/// Origin and date only have to be well-formed: the answer always describes the captured search.
/// One passenger gets the file byte-for-byte (the real capture for Award), two get the `pax2`
/// files, 3..=9 get the pax1 body with every `allPassenger*` amount multiplied (compact JSON, keys
/// sorted, `utag.adult_passengers` set). Every page load issues a new session; older ones stay valid
/// until [`StandIn::expire_sessions`].
pub struct StandIn {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl StandIn {
    /// Load the fixtures, bind 127.0.0.1 and serve on a thread with its own tokio runtime, so this
    /// works from plain `#[test]`s and from inside `#[tokio::test]` alike.
    ///
    /// Panics when the fixtures cannot be read or the port cannot be bound: it is test support.
    pub fn start(config: Config) -> StandIn {
        let fixtures = Fixtures::load(&config.fixtures_dir);
        let listener = std::net::TcpListener::bind(("127.0.0.1", config.port))
            .unwrap_or_else(|e| panic!("aa stand-in: cannot bind 127.0.0.1:{}: {e}", config.port));
        listener
            .set_nonblocking(true)
            .expect("aa stand-in: cannot make the listener non-blocking");
        let addr = listener
            .local_addr()
            .expect("aa stand-in: no local address");

        let shared = Arc::new(Shared {
            started: Instant::now(),
            fixtures,
            log_requests: config.log_requests,
            state: Mutex::new(StateInner {
                mode: config.mode,
                fail_next: VecDeque::new(),
                delay: config.delay,
                sessions: HashSet::new(),
                log: Vec::new(),
                page_loads: 0,
                in_flight: 0,
                max_in_flight: 0,
            }),
            scaled: Mutex::new(HashMap::new()),
        });

        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = router(shared.clone());
        let thread = std::thread::Builder::new()
            .name("aa-standin".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("aa stand-in: cannot build a tokio runtime");
                rt.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .expect("aa stand-in: cannot register the listener");
                    // Not a graceful shutdown: a Hang request would keep it waiting forever.
                    tokio::select! {
                        result = axum::serve(listener, app) => {
                            if let Err(e) = result {
                                eprintln!("aa stand-in: server stopped: {e}");
                            }
                        }
                        _ = rx => {}
                    }
                });
                // Cancels connection tasks that are still open (hung or slow requests).
                rt.shutdown_background();
            })
            .expect("aa stand-in: cannot spawn its thread");

        StandIn {
            addr,
            shared,
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Set the mode every itinerary request gets once the [`StandIn::fail_next`] queue is empty.
    pub fn set_mode(&self, mode: Mode) {
        self.shared.lock().mode = mode;
    }

    /// The current base mode (ignoring the fail-next queue).
    pub fn mode(&self) -> Mode {
        self.shared.lock().mode.clone()
    }

    /// The next `n` itinerary requests are answered with `mode`, then the base mode applies again.
    /// Calls queue up: `fail_next(1, A); fail_next(1, B)` fails the next request with A, then B.
    pub fn fail_next(&self, n: usize, mode: Mode) {
        let mut state = self.shared.lock();
        state.fail_next.extend(std::iter::repeat_n(mode, n));
    }

    /// Latency added before every itinerary response from now on.
    pub fn set_delay(&self, delay: Duration) {
        self.shared.lock().delay = delay;
    }

    /// Forget every session issued so far: itinerary requests get the 309 body until a booking
    /// page is loaded again (AA's sessions expire after about an hour).
    pub fn expire_sessions(&self) {
        self.shared.lock().sessions.clear();
    }

    /// Every itinerary request so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().log.clone()
    }

    /// How many booking page requests were answered (including failed ones).
    pub fn page_loads(&self) -> usize {
        self.shared.lock().page_loads
    }

    /// The most itinerary requests that were open at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.shared.lock().max_in_flight
    }

    /// Itinerary requests open right now.
    pub fn in_flight(&self) -> usize {
        self.shared.lock().in_flight
    }

    /// Wait until at least `n` itinerary requests have arrived; false on timeout.
    pub fn wait_for_requests(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.shared.lock().log.len() >= n {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Fixtures

/// Which captured search answers a request: routed on the destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Dataset {
    /// b5d11d6: NYC→LAX 2025-04-24 (also every destination other than MIA).
    Lax,
    /// 6a98ba2: NYC→MIA 2025-04-30.
    Mia,
}

impl Dataset {
    fn for_destination(destination: &str) -> Dataset {
        if destination.eq_ignore_ascii_case("MIA") {
            Dataset::Mia
        } else {
            Dataset::Lax
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum SearchType {
    Award,
    Revenue,
}

/// Bodies for one dataset and search type: one and two passengers as files.
struct Bodies {
    pax1: Bytes,
    pax2: Bytes,
}

struct Fixtures {
    bodies: HashMap<(Dataset, SearchType), Bodies>,
    error_309: Bytes,
    error_1100: Bytes,
    akamai_403: Bytes,
    challenge: Bytes,
    cpr_chlge: Bytes,
}

impl Fixtures {
    fn load(dir: &Path) -> Fixtures {
        let read = |rel: &str| -> Bytes {
            let path = dir.join(rel);
            match std::fs::read(&path) {
                Ok(bytes) => Bytes::from(bytes),
                Err(e) => panic!("aa stand-in: cannot read fixture {}: {e}", path.display()),
            }
        };
        let mut bodies = HashMap::new();
        for (dataset, id) in [(Dataset::Lax, "b5d11d6"), (Dataset::Mia, "6a98ba2")] {
            bodies.insert(
                (dataset, SearchType::Award),
                Bodies {
                    pax1: read(&format!(
                        "captures/aifares__CreditCardPoints__american-raw.{id}.json"
                    )),
                    pax2: read(&format!("award-pax2/award-{id}-pax2.json")),
                },
            );
            bodies.insert(
                (dataset, SearchType::Revenue),
                Bodies {
                    pax1: read(&format!("revenue/revenue-{id}-pax1.json")),
                    pax2: read(&format!("revenue/revenue-{id}-pax2.json")),
                },
            );
        }
        Fixtures {
            bodies,
            error_309: read("errors/error-309.json"),
            error_1100: read("errors/error-1100.json"),
            akamai_403: read("errors/akamai-403.html"),
            challenge: read("errors/challenge.html"),
            cpr_chlge: read("errors/cpr-chlge.json"),
        }
    }
}

/// Multiply every `allPassenger*` money amount (and so all of `slicePricing`'s) by `n`, in whole
/// cents, the same rule `make_fixtures.py` uses for the pax2 files.
fn scale_party(value: &mut Value, n: u64) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let is_money = key.starts_with("allPassenger")
                    && child.get("amount").is_some_and(Value::is_number);
                if is_money {
                    let amount = child["amount"].as_f64().unwrap_or(0.0);
                    let cents = (amount * 100.0).round() as i64 * n as i64;
                    child["amount"] = if cents % 100 == 0 {
                        json!(cents / 100)
                    } else {
                        json!(cents as f64 / 100.0)
                    };
                } else {
                    scale_party(child, n);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| scale_party(v, n)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Shared state

struct Shared {
    started: Instant,
    fixtures: Fixtures,
    log_requests: bool,
    state: Mutex<StateInner>,
    /// Bodies for 3..=9 passengers, built on first use.
    scaled: Mutex<HashMap<(Dataset, SearchType, u32), Bytes>>,
}

struct StateInner {
    mode: Mode,
    fail_next: VecDeque<Mode>,
    delay: Duration,
    sessions: HashSet<String>,
    log: Vec<Recorded>,
    page_loads: usize,
    in_flight: usize,
    max_in_flight: usize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, StateInner> {
        // A test that panicked while holding the lock must not hide the state from the others.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn body_for(&self, dataset: Dataset, search: SearchType, passengers: u32) -> Bytes {
        let bodies = &self.fixtures.bodies[&(dataset, search)];
        match passengers {
            1 => return bodies.pax1.clone(),
            2 => return bodies.pax2.clone(),
            _ => {}
        }
        let mut cache = self.scaled.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry((dataset, search, passengers))
            .or_insert_with(|| {
                let mut body: Value = serde_json::from_slice(&bodies.pax1)
                    .expect("aa stand-in: pax1 fixture is not JSON");
                scale_party(&mut body, u64::from(passengers));
                if let Some(utag) = body.get_mut("utag").and_then(Value::as_object_mut) {
                    utag.insert("adult_passengers".into(), json!(passengers.to_string()));
                }
                Bytes::from(serde_json::to_vec(&body).expect("aa stand-in: cannot serialise"))
            })
            .clone()
    }

    fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

/// Counts an itinerary request as open until dropped, then stamps its log entry.
struct Open {
    shared: Arc<Shared>,
    index: usize,
    status: Option<u16>,
}

impl Drop for Open {
    fn drop(&mut self) {
        let finished = self.shared.elapsed();
        let mut state = self.shared.lock();
        state.in_flight -= 1;
        if let Some(status) = self.status {
            let entry = &mut state.log[self.index];
            entry.finished = Some(finished);
            entry.status = Some(status);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP

fn router(shared: Arc<Shared>) -> Router {
    let mut app = Router::new();
    for path in PAGE_PATHS {
        app = app.route(path, get(page));
    }
    app.route(ITINERARY_PATH, post(itinerary))
        .route("/__standin/mode", post(control))
        .route("/__standin/log", get(control_log))
        .with_state(shared)
}

fn respond(status: u16, content_type: &str, body: Bytes) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).expect("content type is ASCII"),
    );
    response
}

fn json_response(status: u16, value: &Value) -> Response {
    respond(status, "application/json", Bytes::from(value.to_string()))
}

fn status_page(status: u16) -> Response {
    let html = format!("<html><head><title>{status}</title></head><body>{status}</body></html>\n");
    respond(status, "text/html", Bytes::from(html))
}

/// A hard-to-guess token; no `rand` in the dependency tree, so mix std's random hasher keys
/// with a counter and the clock.
fn token(len: usize) -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut out = String::new();
    while out.len() < len {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        out.push_str(&format!("{:016x}", hasher.finish()));
    }
    out.truncate(len);
    out
}

const PAGE_HTML: &str = "<!DOCTYPE html>
<html lang=\"en\">
<head>
<meta charset=\"utf-8\">
<title>American Airlines - Choose flights</title>
</head>
<body>
<h1>Choose flights</h1>
<p>Local stand-in for aa.com used by point-break's tests.</p>
</body>
</html>
";

async fn page(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let (failing, session) = {
        let mut state = shared.lock();
        state.page_loads += 1;
        let effective = state.fail_next.front().unwrap_or(&state.mode).clone();
        match effective {
            Mode::PageStatus(status) => (Some(status), None),
            _ => {
                let session = token(32);
                state.sessions.insert(session.clone());
                (None, Some(session))
            }
        }
    };
    if shared.log_requests {
        let outcome = match failing {
            Some(status) => format!("{status} (PageStatus)"),
            None => "200, new session".to_string(),
        };
        eprintln!(
            "aa-standin +{}ms GET {} -> {outcome}",
            shared.elapsed().as_millis(),
            uri.path()
        );
    }
    if let Some(status) = failing {
        return status_page(status);
    }

    let mut response = respond(200, "text/html; charset=utf-8", Bytes::from(PAGE_HTML));
    let session = session.unwrap_or_default();
    // XSRF-TOKEN and spa_session_id stay readable by page scripts, as on aa.com.
    let cookies = [
        format!("XSRF-TOKEN={}; Path=/", token(36)),
        format!("spa_session_id={session}; Path=/"),
        format!("JSESSIONID={}; Path=/; HttpOnly", token(32).to_uppercase()),
    ];
    for cookie in cookies {
        response.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_str(&cookie).expect("cookie is ASCII"),
        );
    }
    response
}

/// Cookie values by name, from every `Cookie` header.
fn cookies(headers: &HeaderMap) -> HashMap<String, String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            Some((name.to_string(), value.to_string()))
        })
        .collect()
}

/// The fields of a request body, as far as they are there (for the log).
fn describe(body: Option<&Value>) -> (String, u32, String, String, String) {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_string();
    let Some(body) = body else {
        return Default::default();
    };
    let slice = body.pointer("/slices/0");
    (
        text(body.pointer("/tripOptions/searchType")),
        body.pointer("/passengers/0/count")
            .and_then(Value::as_u64)
            .and_then(|c| u32::try_from(c).ok())
            .unwrap_or(0),
        text(slice.and_then(|s| s.get("origin"))),
        text(slice.and_then(|s| s.get("destination"))),
        text(slice.and_then(|s| s.get("departureDate"))),
    )
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) {
        return false;
    }
    if !digits(5..7) || !digits(8..10) {
        return false;
    }
    let month: u32 = s[5..7].parse().unwrap_or(0);
    let day: u32 = s[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Check a request body the way AA's front end shapes it; the error names the bad field.
fn validate(body: Option<&Value>) -> Result<(SearchType, u32, String), String> {
    let body = body.ok_or("body is not JSON")?;
    let search = match body
        .pointer("/tripOptions/searchType")
        .and_then(Value::as_str)
    {
        Some("Award") => SearchType::Award,
        Some("Revenue") => SearchType::Revenue,
        _ => return Err("tripOptions.searchType must be \"Award\" or \"Revenue\"".into()),
    };
    if body.pointer("/passengers/0/type").and_then(Value::as_str) != Some("adult") {
        return Err("passengers[0].type must be \"adult\"".into());
    }
    let count = body
        .pointer("/passengers/0/count")
        .and_then(Value::as_u64)
        .filter(|c| (1..=9).contains(c))
        .ok_or("passengers[0].count must be 1..9")?;
    for field in ["origin", "destination"] {
        let code = body
            .pointer(&format!("/slices/0/{field}"))
            .and_then(Value::as_str)
            .unwrap_or("");
        if code.len() != 3 || !code.bytes().all(|c| c.is_ascii_alphabetic()) {
            return Err(format!("slices[0].{field} must be a 3-letter code"));
        }
    }
    let date = body
        .pointer("/slices/0/departureDate")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !is_date(date) {
        return Err("slices[0].departureDate must be YYYY-MM-DD".into());
    }
    let destination = body
        .pointer("/slices/0/destination")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    Ok((search, count as u32, destination))
}

async fn itinerary(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    let (search_type, passengers, origin, destination, date) = describe(parsed.as_ref());
    let jar = cookies(&headers);
    let xsrf_ok = match (
        jar.get("XSRF-TOKEN"),
        headers.get("x-xsrf-token").and_then(|v| v.to_str().ok()),
    ) {
        (Some(cookie), Some(header)) => !cookie.is_empty() && cookie == header,
        _ => false,
    };

    let (mode, delay, index, had_session_cookie) = {
        let mut state = shared.lock();
        let had_session_cookie = jar
            .get("spa_session_id")
            .is_some_and(|id| state.sessions.contains(id));
        let mode = match state.fail_next.pop_front() {
            Some(mode) => mode,
            None => state.mode.clone(),
        };
        state.log.push(Recorded {
            search_type,
            passengers,
            origin,
            destination,
            date,
            had_session_cookie,
            xsrf_ok,
            started: shared.elapsed(),
            finished: None,
            status: None,
        });
        state.in_flight += 1;
        state.max_in_flight = state.max_in_flight.max(state.in_flight);
        (mode, state.delay, state.log.len() - 1, had_session_cookie)
    };
    let mut open = Open {
        shared: shared.clone(),
        index,
        status: None,
    };

    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let response = answer(&shared, &mode, parsed.as_ref(), had_session_cookie).await;
    let status = response.status().as_u16();
    open.status = Some(status);

    if shared.log_requests {
        let entry = shared.lock().log[index].clone();
        eprintln!(
            "aa-standin +{}ms POST itinerary {} pax={} {}-{} {} session={} xsrf={} mode={:?} -> {} in {} ms",
            entry.started.as_millis(),
            entry.search_type,
            entry.passengers,
            entry.origin,
            entry.destination,
            entry.date,
            if entry.had_session_cookie { "yes" } else { "no" },
            if entry.xsrf_ok { "yes" } else { "no" },
            mode,
            status,
            shared.elapsed().saturating_sub(entry.started).as_millis(),
        );
    }
    response
}

async fn answer(
    shared: &Shared,
    mode: &Mode,
    body: Option<&Value>,
    had_session_cookie: bool,
) -> Response {
    let fx = &shared.fixtures;
    match *mode {
        Mode::Ok | Mode::NotJson => {}
        Mode::Blocked403 => return respond(403, "text/html", fx.akamai_403.clone()),
        Mode::Challenge => return respond(200, "text/html", fx.challenge.clone()),
        Mode::CprChallenge => return respond(200, "application/json", fx.cpr_chlge.clone()),
        Mode::RateLimited { retry_after_secs } => {
            let mut response = status_page(429);
            if let Some(secs) = retry_after_secs {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            return response;
        }
        Mode::NoSession => return respond(200, "application/json", fx.error_309.clone()),
        Mode::PastDate => return respond(400, "application/json", fx.error_1100.clone()),
        Mode::ServerError => return status_page(503),
        Mode::Status(status) | Mode::PageStatus(status) => return status_page(status),
        Mode::Hang => return std::future::pending::<Response>().await,
    }

    let (search, passengers, destination) = match validate(body) {
        Ok(valid) => valid,
        Err(message) => {
            return json_response(400, &json!({"error": "400", "message": message}));
        }
    };
    if !had_session_cookie {
        return respond(200, "application/json", fx.error_309.clone());
    }
    let data = shared.body_for(Dataset::for_destination(&destination), search, passengers);
    if *mode == Mode::NotJson {
        return respond(
            200,
            "application/json",
            data.slice(..NOT_JSON_BYTES.min(data.len())),
        );
    }
    respond(200, "application/json", data)
}

/// `POST /__standin/mode`: `{"mode": …}` sets the base mode; with `"fail_next": n` it queues the
/// mode for the next n itinerary requests instead. Optional `"delay_ms"` sets the latency and
/// `"expire_sessions": true` forgets all sessions. Answers with the state as `GET /__standin/log`.
async fn control(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return json_response(400, &json!({"error": "body is not JSON"}));
    };
    let mode = match request.get("mode") {
        None => None,
        Some(_) => match Mode::from_json(&request) {
            Ok(mode) => Some(mode),
            Err(message) => return json_response(400, &json!({"error": message})),
        },
    };
    let fail_next = match request.get("fail_next") {
        None => None,
        Some(v) => match v.as_u64() {
            Some(n) if mode.is_some() => Some(n as usize),
            _ => {
                let error = "\"fail_next\" must be a count and needs \"mode\"";
                return json_response(400, &json!({"error": error}));
            }
        },
    };
    let delay = match request.get("delay_ms") {
        None => None,
        Some(v) => match v.as_u64() {
            Some(ms) => Some(Duration::from_millis(ms)),
            None => return json_response(400, &json!({"error": "\"delay_ms\" must be a number"})),
        },
    };
    {
        let mut state = shared.lock();
        match (mode, fail_next) {
            (Some(mode), Some(n)) => state.fail_next.extend(std::iter::repeat_n(mode, n)),
            (Some(mode), None) => state.mode = mode,
            (None, _) => {}
        }
        if let Some(delay) = delay {
            state.delay = delay;
        }
        if request.get("expire_sessions").and_then(Value::as_bool) == Some(true) {
            state.sessions.clear();
        }
    }
    json_response(200, &log_json(&shared))
}

/// `GET /__standin/log`: mode, queue, delay, counters and every recorded itinerary request.
async fn control_log(State(shared): State<Arc<Shared>>) -> Response {
    json_response(200, &log_json(&shared))
}

fn log_json(shared: &Shared) -> Value {
    let state = shared.lock();
    json!({
        "mode": state.mode.to_json(),
        "fail_next": state.fail_next.iter().map(Mode::to_json).collect::<Vec<_>>(),
        "delay_ms": state.delay.as_millis() as u64,
        "page_loads": state.page_loads,
        "in_flight": state.in_flight,
        "max_in_flight": state.max_in_flight,
        "requests": state.log.iter().map(Recorded::to_json).collect::<Vec<_>>(),
    })
}
