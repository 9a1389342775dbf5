//! The browser layer against a real Firefox and a real geckodriver, with a small axum server on
//! a free loopback port standing in for AA's page and API. These tests fail (never skip) when
//! Firefox or geckodriver is missing.

mod support;

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{AppendHeaders, Html, IntoResponse};
use axum::routing::{get, post};
use axum::{Json, Router};
use point_break::browser::{run_until, Browser, BrowserError, BrowserOptions};
use serde_json::{json, Value};
use support::procs::require_tools;
use tokio::io::AsyncBufReadExt;

const COOKIE_SESSION: &str = "sess-123";
/// Sent URL-encoded (`tok%2Babc`), so the page must decode it before using it as a header.
const COOKIE_XSRF: &str = "tok+abc";
/// How long the echo endpoint holds a request that waits for others to arrive.
const BARRIER_WAIT: Duration = Duration::from_secs(15);

// ---------------------------------------------------------------------------------------------
// The stand-in server

#[derive(Clone)]
struct Server {
    started: Instant,
    /// How many echo requests have arrived so far.
    arrived: Arc<tokio::sync::watch::Sender<u64>>,
}

async fn page() -> impl IntoResponse {
    (
        // Two Set-Cookie headers: a plain header array would keep only the last one.
        AppendHeaders([
            (
                header::SET_COOKIE,
                format!("spa_session_id={COOKIE_SESSION}; Path=/"),
            ),
            (
                header::SET_COOKIE,
                "XSRF-TOKEN=tok%2Babc; Path=/".to_string(),
            ),
        ]),
        Html("<!doctype html><html><head><title>stand-in</title></head><body>ok</body></html>"),
    )
}

/// Tells what arrived: the search type, whether the session cookie came, whether the XSRF
/// header matched the cookie. A body with `"expect": N` is held until N echo requests have
/// arrived in all (or [`BARRIER_WAIT`] passed): `barrierMet` then proves they were in flight
/// together, however slow the machine.
async fn echo(State(s): State<Server>, headers: HeaderMap, Json(body): Json<Value>) -> Json<Value> {
    let started_ms = s.started.elapsed().as_millis() as u64;
    s.arrived.send_modify(|n| *n += 1);
    let expect = body["expect"].as_u64().unwrap_or(0);
    let mut arrived = s.arrived.subscribe();
    let barrier_met = tokio::time::timeout(BARRIER_WAIT, arrived.wait_for(|n| *n >= expect))
        .await
        .is_ok();
    let cookies = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    };
    Json(json!({
        "searchType": body["tripOptions"]["searchType"],
        "cookieSent": cookies.contains(&format!("spa_session_id={COOKIE_SESSION}")),
        "xsrfMatches": header("x-xsrf-token").as_deref() == Some(COOKIE_XSRF),
        "cid": header("x-cid"),
        "accept": header("accept"),
        "barrierMet": barrier_met,
        "startedMs": started_ms,
        "endedMs": s.started.elapsed().as_millis() as u64,
    }))
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(20)).await;
    "late"
}

async fn throttled() -> impl IntoResponse {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [
            (header::RETRY_AFTER, "7"),
            (header::CONTENT_TYPE, "text/plain"),
        ],
        "slow down",
    )
}

/// Starts the stand-in on 127.0.0.1:0 and returns its base URL.
async fn serve() -> String {
    let app = Router::new()
        .route("/page", get(page))
        .route("/api/echo", post(echo))
        .route("/api/slow", post(slow))
        .route("/api/throttled", post(throttled))
        .with_state(Server {
            started: Instant::now(),
            arrived: Arc::new(tokio::sync::watch::channel(0).0),
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// A loopback port with nothing listening on it.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

// ---------------------------------------------------------------------------------------------
// Harness

fn options() -> BrowserOptions {
    require_tools();
    BrowserOptions {
        startup_timeout: Duration::from_secs(60),
        page_load_timeout: Duration::from_secs(20),
        ..Default::default()
    }
}

/// Launches a browser, runs `body` on it, and closes it whether or not `body` panicked; then
/// checks that geckodriver and Firefox are gone, and re-raises the panic.
async fn with_browser<F, Fut>(opts: BrowserOptions, body: F)
where
    F: FnOnce(Arc<Browser>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let browser = Arc::new(Browser::launch(&opts).await.expect("launch the browser"));
    let pgid = browser.driver_pid().expect("a spawned geckodriver");
    assert!(group_running(pgid), "geckodriver's group should be running");
    let outcome = tokio::spawn(body(browser.clone())).await;
    let browser = Arc::try_unwrap(browser).expect("the test body kept the browser");
    browser.close().await.expect("close the browser");
    assert_gone(pgid);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Non-zombie processes in process group `pgid`, from /proc.
fn group_members(pgid: u32) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let name = stat[stat.find('(').unwrap_or(0) + 1..close].to_string();
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        if fields.len() > 2 && fields[0] != "Z" && fields[2].parse() == Ok(pgid) {
            found.push((pid, name));
        }
    }
    found
}

fn group_running(pgid: u32) -> bool {
    !group_members(pgid).is_empty()
}

fn assert_gone(pgid: u32) {
    let left = group_members(pgid);
    assert!(
        left.is_empty(),
        "processes of group {pgid} outlived the browser: {left:?}"
    );
}

fn search_body(kind: &str) -> Value {
    json!({
        "metadata": {"selectedProducts": [], "tripType": "OneWay", "udo": {}},
        "passengers": [{"type": "adult", "count": 1}],
        "tripOptions": {"searchType": kind, "locale": "en_US"},
    })
}

/// A search body the echo endpoint holds until `n` echo requests have arrived.
fn held_body(kind: &str, n: u64) -> Value {
    let mut body = search_body(kind);
    body["expect"] = n.into();
    body
}

fn parse(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

// ---------------------------------------------------------------------------------------------
// Tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_pair_sends_session_and_overlaps() {
    let base = serve().await;
    with_browser(options(), |b| async move {
        let page = b.open(&format!("{base}/page")).await.unwrap();
        assert_eq!(page.status, Some(200));
        assert_eq!(page.title, "stand-in");

        // Each is held until both have arrived: serialized requests would not get through.
        let (award, revenue) = b
            .fetch_pair(
                "/api/echo",
                &held_body("Award", 2),
                &held_body("Revenue", 2),
                BARRIER_WAIT * 2,
            )
            .await
            .unwrap();
        assert_eq!((award.status, revenue.status), (200, 200));
        assert!(award.content_type.starts_with("application/json"));
        let (a, r) = (parse(&award.body), parse(&revenue.body));
        assert_eq!(a["searchType"], "Award");
        assert_eq!(r["searchType"], "Revenue");
        for echo in [&a, &r] {
            assert_eq!(echo["cookieSent"], true, "{echo}");
            assert_eq!(echo["xsrfMatches"], true, "{echo}");
            assert_eq!(echo["cid"], COOKIE_SESSION);
            assert_eq!(echo["accept"], "application/json, text/plain, */*");
        }
        assert!(
            a["barrierMet"] == true && r["barrierMet"] == true,
            "requests were not in flight together: {a} {r}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_statuses_and_unreachable_hosts() {
    let base = serve().await;
    with_browser(options(), |b| async move {
        b.open(&format!("{base}/page")).await.unwrap();

        let started = Instant::now();
        let err = b
            .fetch_one(
                "/api/slow",
                &search_body("Award"),
                Duration::from_millis(500),
            )
            .await
            .unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(b.is_alive().await, "a timeout must not break the session");

        let throttled = b
            .fetch_one(
                "/api/throttled",
                &search_body("Award"),
                Duration::from_secs(5),
            )
            .await
            .unwrap();
        assert_eq!(throttled.status, 429);
        assert_eq!(throttled.retry_after.as_deref(), Some("7"));
        assert_eq!(throttled.body, "slow down");

        let dead = format!("http://127.0.0.1:{}/api", closed_port());
        let err = b
            .fetch_one(&dead, &search_body("Award"), Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(err.is_unreachable() && !err.is_timeout(), "{err:?}");

        let dead_page = format!("http://127.0.0.1:{}/booking", closed_port());
        let err = b.open(&dead_page).await.unwrap_err();
        assert!(matches!(err, BrowserError::Navigation { .. }), "{err:?}");
        assert!(err.to_string().contains(&dead_page), "{err}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_fetches_share_one_browser() {
    let base = serve().await;
    with_browser(options(), |b| async move {
        b.open(&format!("{base}/page")).await.unwrap();
        let started = Instant::now();
        // Three pairs: six requests, the most Firefox runs at once to one HTTP/1.1 server. Each
        // is held until all six have arrived, so this passes only if the three callers' fetches
        // were in flight together on the one session.
        let tasks: Vec<_> = (0..3)
            .map(|i| {
                let b = b.clone();
                tokio::spawn(async move {
                    let kind = format!("Award{i}");
                    let (award, revenue) = b
                        .fetch_pair(
                            "/api/echo",
                            &held_body(&kind, 6),
                            &held_body("Revenue", 6),
                            BARRIER_WAIT * 2,
                        )
                        .await
                        .unwrap();
                    let (a, r) = (parse(&award.body), parse(&revenue.body));
                    assert_eq!(a["searchType"], kind.as_str());
                    assert_eq!(r["searchType"], "Revenue");
                    [a, r]
                })
            })
            .collect();
        for t in tasks {
            for echo in t.await.unwrap() {
                assert_eq!(echo["barrierMet"], true, "fetches were serialized: {echo}");
            }
        }
        println!("three concurrent pairs took {:?}", started.elapsed());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_browsers_at_once() {
    let base = serve().await;
    let run = |tag: &'static str| {
        let base = base.clone();
        with_browser(options(), move |b| async move {
            b.open(&format!("{base}/page")).await.unwrap();
            let r = b
                .fetch_one("/api/echo", &search_body(tag), Duration::from_secs(10))
                .await
                .unwrap();
            assert_eq!(parse(&r.body)["searchType"], tag);
        })
    };
    tokio::join!(run("first"), run("second"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_without_close_kills_everything() {
    let browser = Browser::launch(&options()).await.unwrap();
    let pgid = browser.driver_pid().unwrap();
    assert!(
        group_members(pgid).len() > 1,
        "firefox should run in the group"
    );
    drop(browser);
    assert_gone(pgid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_the_work_still_cleans_up() {
    let browser = Browser::launch(&options()).await.unwrap();
    let pgid = browser.driver_pid().unwrap();
    let joined = tokio::spawn(async move {
        let _owned = browser;
        panic!("assertion failed inside a test body");
    })
    .await;
    assert!(joined.unwrap_err().is_panic());
    assert_gone(pgid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupt_closes_the_browser() {
    let base = serve().await;
    let browser = Browser::launch(&options()).await.unwrap();
    let pgid = browser.driver_pid().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let result = run_until(
        browser,
        async |b: &Browser| {
            b.open(&format!("{base}/page")).await.unwrap();
            let _ = tx.send(());
            b.fetch_one("/api/slow", &search_body("Award"), Duration::from_secs(30))
                .await
        },
        async {
            let _ = rx.await;
        },
    )
    .await;
    assert!(
        matches!(result, Err(ref e) if e.is_interrupted()),
        "{result:?}"
    );
    assert_gone(pgid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_firefox_is_reported_as_session_lost() {
    let base = serve().await;
    let browser = Browser::launch(&options()).await.unwrap();
    let pgid = browser.driver_pid().unwrap();
    browser.open(&format!("{base}/page")).await.unwrap();
    let firefox = browser
        .client()
        .capabilities()
        .and_then(|c| c.get("moz:processID"))
        .and_then(Value::as_u64)
        .expect("geckodriver reports Firefox's pid") as i32;
    // SAFETY: plain kill(2) of a process this test started.
    unsafe { libc::kill(firefox, libc::SIGKILL) };
    let err = browser
        .fetch_one("/api/echo", &search_body("Award"), Duration::from_secs(10))
        .await
        .unwrap_err();
    assert!(err.is_session_lost(), "{err:?}");
    assert!(!browser.is_alive().await);
    browser.close().await.unwrap();
    assert_gone(pgid);
}

#[tokio::test]
async fn missing_or_broken_programs() {
    let err = Browser::launch(&BrowserOptions {
        geckodriver: Some("/nonexistent/geckodriver".into()),
        ..Default::default()
    })
    .await
    .unwrap_err();
    assert!(
        matches!(err, BrowserError::DriverNotFound { .. }) && err.is_not_found(),
        "{err:?}"
    );

    let err = Browser::launch(&BrowserOptions {
        firefox: Some("/nonexistent/firefox".into()),
        ..options()
    })
    .await
    .unwrap_err();
    assert!(
        matches!(err, BrowserError::FirefoxNotFound { .. }),
        "{err:?}"
    );

    // A "geckodriver" that dies at once: its last words belong in the error.
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("geckodriver");
    std::fs::write(&fake, "#!/bin/sh\necho 'cannot bind: boom' >&2\nexit 3\n").unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut attempts = 0;
    let err = loop {
        let err = Browser::launch(&BrowserOptions {
            geckodriver: Some(fake.clone()),
            ..options()
        })
        .await
        .unwrap_err();
        // A thread forking elsewhere in this test process may briefly hold the script open.
        attempts += 1;
        if !err.to_string().contains("Text file busy") || attempts == 5 {
            break err;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(err.is_driver_start(), "{err:?}");
    assert!(err.to_string().contains("boom"), "{err}");

    let err = Browser::launch(&BrowserOptions {
        webdriver: Some(format!("http://127.0.0.1:{}", closed_port())),
        ..Default::default()
    })
    .await
    .unwrap_err();
    assert!(err.is_webdriver_unreachable(), "{err:?}");
}

/// A geckodriver started by hand, as a remote WebDriver server would be.
struct ManualDriver {
    child: tokio::process::Child,
    url: String,
    /// Where its Firefox profile goes, so that killing it leaves nothing in /tmp.
    _profiles: tempfile::TempDir,
}

impl Drop for ManualDriver {
    fn drop(&mut self) {
        // Also when an assertion fails: take Firefox (same process group) down with it.
        if let Some(pid) = self.child.id() {
            // SAFETY: kill(2) of the process group this test started.
            unsafe { libc::kill(-(pid as i32), libc::SIGKILL) };
        }
    }
}

async fn start_manual_geckodriver() -> ManualDriver {
    let path = require_tools();
    let profiles = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(path)
        .args(["--host", "127.0.0.1", "--port", "0", "--profile-root"])
        .arg(profiles.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("geckodriver output");
        if let Some((_, addr)) = line.split_once("Listening on ") {
            break format!("http://{}", addr.trim());
        }
    };
    // Keep draining so Firefox never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    ManualDriver {
        child,
        url,
        _profiles: profiles,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn existing_webdriver_server() {
    let base = serve().await;
    let mut manual = start_manual_geckodriver().await;
    let pgid = manual.child.id().unwrap();

    let opts = BrowserOptions {
        webdriver: Some(manual.url.clone()),
        ..options()
    };
    let browser = Browser::launch(&opts).await.unwrap();
    assert_eq!(browser.driver_pid(), None);
    browser.open(&format!("{base}/page")).await.unwrap();
    let r = browser
        .fetch_one("/api/echo", &search_body("Award"), Duration::from_secs(10))
        .await
        .unwrap();
    let echo = parse(&r.body);
    assert_eq!(echo["cookieSent"], true);
    browser.close().await.unwrap();

    // The session is over (Firefox quit) but the server we did not start keeps running.
    let deadline = Instant::now() + Duration::from_secs(10);
    while group_members(pgid).len() > 1 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let left: HashMap<u32, String> = group_members(pgid).into_iter().collect();
    assert_eq!(left.len(), 1, "only geckodriver should be left: {left:?}");
    assert!(manual.child.try_wait().unwrap().is_none());
}

// ---------------------------------------------------------------------------------------------
// Proxies

/// What a stand-in proxy saw: the requests it served, and how many it turned away.
#[derive(Default)]
struct ProxyLog {
    served: Vec<String>,
    refused: usize,
}

type SharedLog = Arc<std::sync::Mutex<ProxyLog>>;

/// Reads one request head (through the blank line) from `stream`.
async fn read_head(stream: &mut tokio::net::TcpStream) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// Answers as if it were the site: a page whose title says who delivered it.
async fn answer_page(stream: &mut tokio::net::TcpStream, via: &str) {
    use tokio::io::AsyncWriteExt;
    let body = format!("<!doctype html><title>via {via}</title>");
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
}

/// A forward HTTP proxy that serves every request itself; with `login` it first wants Basic
/// proxy credentials (407).
async fn http_proxy(login: Option<&'static str>) -> (u16, SharedLog) {
    use base64::Engine;
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = SharedLog::default();
    let expected = login.map(|l| {
        format!(
            "proxy-authorization: basic {}",
            base64::engine::general_purpose::STANDARD.encode(l)
        )
        .to_lowercase()
    });
    let shared = log.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (log, expected) = (shared.clone(), expected.clone());
            tokio::spawn(async move {
                while let Some(head) = read_head(&mut stream).await {
                    let authorized = match &expected {
                        None => true,
                        Some(want) => head.to_lowercase().lines().any(|l| l.trim() == want),
                    };
                    if !authorized {
                        log.lock().unwrap().refused += 1;
                        let refuse = "HTTP/1.1 407 Proxy Authentication Required\r\n\
                                      proxy-authenticate: Basic realm=\"stand-in\"\r\n\
                                      content-length: 0\r\n\r\n";
                        if stream.write_all(refuse.as_bytes()).await.is_err() {
                            return;
                        }
                        continue;
                    }
                    let line = head.lines().next().unwrap_or_default().to_string();
                    log.lock().unwrap().served.push(line);
                    answer_page(&mut stream, "http proxy").await;
                    return;
                }
            });
        }
    });
    (port, log)
}

/// A SOCKS5 proxy that wants user name and password (RFC 1929) and then plays the site
/// itself on the tunnel.
async fn socks5_proxy(user: &'static str, pass: &'static str) -> (u16, SharedLog) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = SharedLog::default();
    let shared = log.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let log = shared.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 512];
                // greeting: VER NMETHODS METHODS...
                s.read_exact(&mut buf[..2]).await.ok()?;
                let n = buf[1] as usize;
                s.read_exact(&mut buf[..n]).await.ok()?;
                if !buf[..n].contains(&2) {
                    // Offered no credentials: a request the add-on did not route, i.e. Firefox's
                    // own background traffic going by the prefs.
                    log.lock().unwrap().refused += 1;
                    s.write_all(&[5, 0xff]).await.ok()?;
                    return None;
                }
                s.write_all(&[5, 2]).await.ok()?;
                // auth: VER ULEN UNAME PLEN PASSWD
                s.read_exact(&mut buf[..2]).await.ok()?;
                let ulen = buf[1] as usize;
                let mut u = vec![0u8; ulen];
                s.read_exact(&mut u).await.ok()?;
                s.read_exact(&mut buf[..1]).await.ok()?;
                let mut p = vec![0u8; buf[0] as usize];
                s.read_exact(&mut p).await.ok()?;
                if u != user.as_bytes() || p != pass.as_bytes() {
                    log.lock().unwrap().refused += 1;
                    s.write_all(&[1, 1]).await.ok()?;
                    return None;
                }
                s.write_all(&[1, 0]).await.ok()?;
                // request: VER CMD RSV ATYP ADDR PORT; Firefox sends the name (ATYP 3).
                s.read_exact(&mut buf[..4]).await.ok()?;
                let target = match buf[3] {
                    3 => {
                        s.read_exact(&mut buf[..1]).await.ok()?;
                        let mut name = vec![0u8; buf[0] as usize];
                        s.read_exact(&mut name).await.ok()?;
                        String::from_utf8_lossy(&name).into_owned()
                    }
                    1 => {
                        s.read_exact(&mut buf[..4]).await.ok()?;
                        format!("{}.{}.{}.{}", buf[0], buf[1], buf[2], buf[3])
                    }
                    _ => return None,
                };
                s.read_exact(&mut buf[..2]).await.ok()?;
                s.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]).await.ok()?;
                let head = read_head(&mut s).await?;
                let line = head.lines().next().unwrap_or_default();
                log.lock().unwrap().served.push(format!("{target} {line}"));
                answer_page(&mut s, "socks proxy").await;
                Some(())
            });
        }
    });
    (port, log)
}

/// A host name only the proxies know; Firefox must not try to resolve it itself.
const PROXIED_SITE: &str = "http://aa-stand-in.example/booking/page";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_proxy_without_credentials() {
    let (port, log) = http_proxy(None).await;
    let opts = BrowserOptions {
        proxy: Some(format!("http://127.0.0.1:{port}").parse().unwrap()),
        ..options()
    };
    with_browser(opts, move |b| async move {
        let page = b.open(PROXIED_SITE).await.unwrap();
        assert_eq!(page.title, "via http proxy");
        let served = log.lock().unwrap().served.clone();
        assert!(
            served.contains(&format!("GET {PROXIED_SITE} HTTP/1.1")),
            "{served:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_proxy_with_credentials() {
    let (port, log) = http_proxy(Some("scout:pa@ss")).await;
    let opts = BrowserOptions {
        proxy: Some(
            format!("http://scout:pa%40ss@127.0.0.1:{port}")
                .parse()
                .unwrap(),
        ),
        ..options()
    };
    with_browser(opts, move |b| async move {
        let page = b.open(PROXIED_SITE).await.unwrap();
        assert_eq!(page.title, "via http proxy");
        let log = log.lock().unwrap();
        assert!(log.refused >= 1, "the proxy should have asked first");
        assert!(
            log.served.contains(&format!("GET {PROXIED_SITE} HTTP/1.1")),
            "{:?}",
            log.served
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socks5_proxy_with_credentials() {
    let (port, log) = socks5_proxy("scout", "s3cret").await;
    let opts = BrowserOptions {
        proxy: Some(
            format!("socks5://scout:s3cret@127.0.0.1:{port}")
                .parse()
                .unwrap(),
        ),
        ..options()
    };
    with_browser(opts, move |b| async move {
        let page = b.open(PROXIED_SITE).await.unwrap();
        assert_eq!(page.title, "via socks proxy");
        // Firefox's own background traffic (not visible to add-ons) would show up here as
        // connections without credentials; a quiet profile makes none. Remote settings alone
        // made dozens a second before MOZ_REMOTE_SETTINGS_DEVTOOLS was set.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let log = log.lock().unwrap();
        assert_eq!(log.refused, 0, "background connections through the proxy");
        assert!(
            log.served
                .iter()
                .any(|s| s == "aa-stand-in.example GET /booking/page HTTP/1.1"),
            "{:?}",
            log.served
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// A hard kill of the owner

/// Not a test of its own: run by `a_killed_owner_leaves_no_browser` in a child process (with
/// `PB_HOLD_BROWSER` set), it launches a browser, reports its process group and waits to be
/// killed. Without the variable it does nothing.
#[tokio::test]
async fn helper_holds_a_browser_until_killed() {
    if std::env::var_os("PB_HOLD_BROWSER").is_none() {
        return;
    }
    let browser = Browser::launch(&options()).await.unwrap();
    println!("PGID={}", browser.driver_pid().unwrap());
    std::io::Write::flush(&mut std::io::stdout()).unwrap();
    tokio::time::sleep(Duration::from_secs(300)).await;
    drop(browser);
}

/// Not a test of its own: run by `sigterm_closes_the_browser` in a child process (with
/// `PB_RUN_WITH_CLEANUP` set), it waits inside `run_with_cleanup` and prints how that ended.
#[tokio::test]
async fn helper_waits_in_run_with_cleanup() {
    if std::env::var_os("PB_RUN_WITH_CLEANUP").is_none() {
        return;
    }
    let browser = Browser::launch(&options()).await.unwrap();
    let result = point_break::browser::run_with_cleanup(browser, async |b: &Browser| {
        println!("PGID={}", b.driver_pid().unwrap());
        std::io::Write::flush(&mut std::io::stdout()).unwrap();
        tokio::time::sleep(Duration::from_secs(300)).await;
    })
    .await;
    println!(
        "RESULT={}",
        result.map_or_else(|e| e.to_string(), |()| "done".into())
    );
}

/// Runs one of the helper tests above in a child process; returns it with its browser's
/// process group, and the rest of its output.
async fn start_helper(
    test: &str,
    var: &str,
) -> (
    tokio::process::Child,
    u32,
    tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
) {
    require_tools();
    let mut owner = tokio::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture"])
        .env(var, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(owner.stdout.take().unwrap()).lines();
    let pgid: u32 = loop {
        let line = tokio::time::timeout(Duration::from_secs(90), lines.next_line())
            .await
            .expect("the helper reports its browser in time")
            .unwrap()
            .expect("the helper reports its browser");
        if let Some(pgid) = line.strip_prefix("PGID=") {
            break pgid.parse().unwrap();
        }
    };
    assert!(group_members(pgid).len() > 1, "firefox should be running");
    (owner, pgid, lines)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_closes_the_browser() {
    let (mut owner, pgid, mut lines) =
        start_helper("helper_waits_in_run_with_cleanup", "PB_RUN_WITH_CLEANUP").await;
    // SAFETY: kill(2) of the child process this test started.
    unsafe { libc::kill(owner.id().unwrap() as i32, libc::SIGTERM) };
    let mut result = String::new();
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(r) = line.strip_prefix("RESULT=") {
            result = r.to_string();
        }
    }
    owner.wait().await.unwrap();
    assert_eq!(result, "interrupted");
    // Closed by run_with_cleanup itself, before the helper exited.
    assert_gone(pgid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_owner_leaves_no_browser() {
    // SIGKILL runs no destructor and no signal handler: only the watchdog can clean up.
    let (mut owner, pgid, _) =
        start_helper("helper_holds_a_browser_until_killed", "PB_HOLD_BROWSER").await;
    owner.kill().await.unwrap();

    let deadline = Instant::now() + Duration::from_secs(10);
    while group_running(pgid) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_gone(pgid);
}
