//! The real [`Engine`]: Firefox through geckodriver, AA's booking page opened once per session,
//! searches POSTed from inside it as `search` does. Unlike `search::run`, a 309 is handed to the
//! scheduler instead of reloading the page here: a reload would cut off the other searches in
//! flight on the same page.

use super::scheduler::Engine;
use crate::browser::{Browser, BrowserError, BrowserOptions};
use crate::core::request::{self, SearchType, ITINERARY_PATH};
use crate::core::{Query, Report};
use crate::error::Error;
use crate::search::{self, Site};
use std::time::Instant;

/// Firefox sessions on `site`.
#[derive(Debug, Clone)]
pub struct FirefoxEngine {
    options: BrowserOptions,
    site: Site,
}

impl FirefoxEngine {
    /// An engine that launches browsers with `options` and searches `site`.
    pub fn new(options: BrowserOptions, site: Site) -> Self {
        FirefoxEngine { options, site }
    }

    /// The longest a search can take before the browser counts as hung: the page's own
    /// timeout, the Rust side's grace, and slack for a busy machine.
    pub fn watchdog(&self) -> std::time::Duration {
        self.site.timeout + std::time::Duration::from_secs(15)
    }
}

impl Engine for FirefoxEngine {
    type Session = Browser;

    async fn start(&self) -> Result<Browser, Error> {
        let started = Instant::now();
        let browser = Browser::launch(&self.options).await?;
        if let Err(e) = search::open_session(&browser, &self.site).await {
            if let Err(close) = browser.close().await {
                tracing::debug!("closing the browser: {close}");
            }
            return Err(e);
        }
        tracing::info!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            pid = browser.driver_pid(),
            "browser ready"
        );
        Ok(browser)
    }

    async fn renew(&self, session: &Browser) -> Result<(), Error> {
        search::open_session(session, &self.site).await
    }

    async fn search(&self, session: &Browser, query: &Query) -> Result<Report, Error> {
        let endpoint = format!("{}{}", self.site.base_url, ITINERARY_PATH);
        let award = request::body(query, SearchType::Award);
        let revenue = request::body(query, SearchType::Revenue);
        let started = Instant::now();
        match session
            .fetch_pair(&endpoint, &award, &revenue, self.site.timeout)
            .await
        {
            Ok((award, revenue)) => {
                tracing::debug!(
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    award_status = award.status,
                    revenue_status = revenue.status,
                    "fetched both answers"
                );
                // Parsing two large bodies is CPU work: keep it off the scheduler's thread.
                let query = query.clone();
                tokio::task::spawn_blocking(move || search::evaluate(&query, &award, &revenue))
                    .await
                    .map_err(|e| Error::Other(anyhow::anyhow!("parsing AA's answers: {e}")))?
            }
            // A timeout on a browser that no longer answers is a hung browser, not a slow
            // AA: report it as lost so the scheduler starts a new one.
            Err(e) if e.is_timeout() && !session.is_alive().await => {
                Err(BrowserError::SessionLost {
                    reason: format!("firefox stopped answering ({e})"),
                }
                .into())
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn stop(&self, session: Browser) {
        if let Err(e) = session.close().await {
            tracing::warn!("closing the browser: {e}");
        }
    }
}
