//! One search on an open browser: make sure the page holds an AA session, POST the Award and
//! Revenue searches from inside it, read both answers and compare them. Used by `search` and, on
//! a warm browser, by `batch`.

use crate::browser::{Browser, RawResponse};
use crate::core::query::format_date;
use crate::core::request::{self, SearchType, BOOKING_PAGE_PATH, ITINERARY_PATH};
use crate::core::{
    compare, read_answer, Answer, BlockKind, Query, Report, ResponseError, SearchMetadata,
};
use crate::error::Error;
use anyhow::Context;
use std::path::Path;
use std::time::{Duration, Instant};

/// Where and how long.
#[derive(Debug, Clone)]
pub struct Site {
    /// `https://www.aa.com` or a stand-in, without a trailing slash.
    pub base_url: String,
    /// The longest wait for AA's two answers.
    pub timeout: Duration,
}

impl Site {
    /// A site from the user's `--base-url`, trailing slashes dropped.
    pub fn new(base_url: &str, timeout: Duration) -> Self {
        Site {
            base_url: base_url.trim_end_matches('/').to_owned(),
            timeout,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

/// Opens AA's booking page so the browser holds a fresh session.
pub async fn open_session(browser: &Browser, site: &Site) -> Result<(), Error> {
    let url = site.url(BOOKING_PAGE_PATH);
    let started = Instant::now();
    let page = browser.open(&url).await?;
    tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, status = ?page.status, "opened the booking page");
    match page.status {
        Some(403) | Some(428) | Some(451) => Err(ResponseError::Blocked {
            body: "booking page".into(),
            kind: if page.status == Some(403) {
                BlockKind::AccessDenied
            } else {
                BlockKind::Status(page.status.unwrap_or_default())
            },
            reference: None,
        }
        .into()),
        Some(429) => Err(ResponseError::RateLimited {
            body: "booking page".into(),
            retry_after: None,
        }
        .into()),
        Some(status) if status >= 400 => Err(Error::Unreachable {
            url,
            detail: format!("the booking page answered HTTP {status}"),
        }),
        _ => Ok(()),
    }
}

/// Runs one query on a browser whose page holds a session; on error 309 the page is reloaded
/// once and the query retried. With `save_raw`, both answers and requests are written there.
pub async fn run(
    browser: &Browser,
    site: &Site,
    query: &Query,
    save_raw: Option<&Path>,
) -> Result<Report, Error> {
    let award_body = request::body(query, SearchType::Award);
    let revenue_body = request::body(query, SearchType::Revenue);
    let endpoint = site.url(ITINERARY_PATH);
    let mut reloaded = false;
    loop {
        let started = Instant::now();
        let (award, revenue) = browser
            .fetch_pair(&endpoint, &award_body, &revenue_body, site.timeout)
            .await?;
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            award_status = award.status,
            award_bytes = award.body.len(),
            revenue_status = revenue.status,
            revenue_bytes = revenue.body.len(),
            "fetched both answers"
        );
        if let Some(dir) = save_raw {
            save(
                dir,
                query,
                [(&award_body, &award), (&revenue_body, &revenue)],
            )?;
        }
        match evaluate(query, &award, &revenue) {
            Err(Error::Response(e)) if e.is_no_session() && !reloaded => {
                tracing::info!("AA answered 309 (no session); reloading the booking page once");
                reloaded = true;
                open_session(browser, site).await?;
            }
            other => return other,
        }
    }
}

/// Reads both answers and compares them.
pub fn evaluate(
    query: &Query,
    award: &RawResponse,
    revenue: &RawResponse,
) -> Result<Report, Error> {
    let started = Instant::now();
    let award = read_answer(answer(award), "award")?;
    let revenue = read_answer(answer(revenue), "revenue")?;
    let (flights, stats) = compare(&award, &revenue, query.passengers, query.cabin);
    tracing::debug!(
        elapsed_us = started.elapsed().as_micros() as u64,
        ?stats,
        "parsed and paired"
    );
    Ok(Report::new(metadata(query), flights))
}

/// The report header for a query.
pub fn metadata(query: &Query) -> SearchMetadata {
    SearchMetadata {
        origin: query.origin.to_string(),
        destination: query.destination.to_string(),
        date: format_date(query.date),
        passengers: query.passengers,
        cabin_class: query.cabin,
    }
}

fn answer(raw: &RawResponse) -> Answer<'_> {
    Answer {
        status: Some(raw.status),
        content_type: Some(&raw.content_type),
        retry_after: raw.retry_after.as_deref(),
        body: &raw.body,
    }
}

/// Writes `award.json`, `revenue.json` (the bodies exactly as received), and
/// `award.request.json`, `revenue.request.json` (what was POSTed, with the HTTP status).
fn save(
    dir: &Path,
    query: &Query,
    pairs: [(&serde_json::Value, &RawResponse); 2],
) -> Result<(), Error> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for ((request, raw), name) in pairs.into_iter().zip(["award", "revenue"]) {
        crate::output::write_atomic(&dir.join(format!("{name}.json")), raw.body.as_bytes())?;
        let meta = serde_json::json!({
            "query": {
                "origin": query.origin.as_str(),
                "destination": query.destination.as_str(),
                "date": format_date(query.date),
                "passengers": query.passengers,
                "cabin": query.cabin,
            },
            "request": request,
            "response": {"status": raw.status, "content_type": raw.content_type},
        });
        let mut text = serde_json::to_vec_pretty(&meta).expect("JSON values serialize");
        text.push(b'\n');
        crate::output::write_atomic(&dir.join(format!("{name}.request.json")), &text)?;
    }
    Ok(())
}
