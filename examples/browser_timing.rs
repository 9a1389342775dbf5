//! Measures the browser layer against a local stand-in: a cold launch + open + fetch_pair, a
//! warm fetch_pair, and, for comparison, the same pair as one blocking `execute_async`.
//!
//! Run: `cargo run --release --example browser_timing [-- ROUNDS]`

use std::time::{Duration, Instant};

use axum::http::header;
use axum::response::{AppendHeaders, Html, IntoResponse};
use axum::routing::{get, post};
use axum::{Json, Router};
use point_break::browser::{Browser, BrowserOptions};
use serde_json::{json, Value};

async fn page() -> impl IntoResponse {
    (
        AppendHeaders([
            (header::SET_COOKIE, "spa_session_id=s1; Path=/"),
            (header::SET_COOKIE, "XSRF-TOKEN=t1; Path=/"),
        ]),
        Html("<!doctype html><title>timing</title>"),
    )
}

/// Answers at once with a body of about AA's size (a few hundred kB).
async fn echo(Json(body): Json<Value>) -> Json<Value> {
    Json(json!({"searchType": body["tripOptions"]["searchType"], "pad": "x".repeat(300_000)}))
}

/// The same pair as a single `execute_async`: simpler, but it holds the WebDriver session until
/// both responses are in, so no other caller can use the browser meanwhile.
const BLOCKING_PAIR_JS: &str = r#"
const [endpoint, bodies, done] = arguments;
Promise.all(bodies.map((b) => fetch(endpoint, {method: "POST", credentials: "include",
    headers: {"content-type": "application/json"}, body: JSON.stringify(b)})
  .then(async (r) => ({status: r.status, body: await r.text()}))))
  .then(done, (e) => done({error: String(e)}));
"#;

fn stats(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    println!(
        "{label:<34} median {:>7.1?}  mean {:>7.1?}  min {:>7.1?}  max {:>7.1?}",
        samples[samples.len() / 2],
        mean,
        samples[0],
        samples[samples.len() - 1]
    );
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(20);
    let app = Router::new()
        .route("/page", get(page))
        .route("/api", post(echo));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let award = json!({"tripOptions": {"searchType": "Award"}});
    let revenue = json!({"tripOptions": {"searchType": "Revenue"}});
    let timeout = Duration::from_secs(30);

    let t0 = Instant::now();
    let browser = Browser::launch(&BrowserOptions::default()).await?;
    let launched = t0.elapsed();
    browser.open(&format!("{base}/page")).await?;
    let opened = t0.elapsed();
    browser
        .fetch_pair("/api", &award, &revenue, timeout)
        .await?;
    let fetched = t0.elapsed();
    println!(
        "cold: launch {launched:.1?}, +open {:.1?}, +fetch_pair {:.1?} = {fetched:.1?}",
        opened - launched,
        fetched - opened
    );

    // Interleaved, so that background work in a fresh Firefox hurts both alike.
    let mut collected = Vec::new();
    let mut blocking = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        browser
            .fetch_pair("/api", &award, &revenue, timeout)
            .await?;
        collected.push(t.elapsed());

        let t = Instant::now();
        let args = vec![json!("/api"), json!([award, revenue])];
        browser
            .client()
            .execute_async(BLOCKING_PAIR_JS, args)
            .await?;
        blocking.push(t.elapsed());
    }
    stats("warm fetch_pair (start + collect)", collected);
    stats("warm pair as one execute_async", blocking);

    let mut trivial = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        browser.client().execute("return 1;", vec![]).await?;
        trivial.push(t.elapsed());
    }
    stats("one trivial execute (round trip)", trivial);

    let t = Instant::now();
    browser.close().await?;
    println!("close: {:.1?}", t.elapsed());
    Ok(())
}
