//! The browser layer: a geckodriver process, a WebDriver session in Firefox, and the in-page
//! fetch of AA's itinerary endpoint.
//!
//! No browser outlives the program: [`Browser::close`] and `Drop` kill geckodriver's process
//! group (Firefox is in it), [`run_with_cleanup`] turns Ctrl-C, SIGTERM and SIGHUP into a
//! close, and a watchdog process catches the rest (SIGKILL, `process::exit`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), point_break::browser::BrowserError> {
//! use point_break::browser::{run_with_cleanup, Browser, BrowserOptions};
//! use std::time::Duration;
//!
//! let browser = Browser::launch(&BrowserOptions::default()).await?;
//! let (award, revenue) = run_with_cleanup(browser, async |b: &Browser| {
//!     b.open("https://www.aa.com/booking/choose-flights/1").await?;
//!     let body = serde_json::json!({"tripOptions": {"searchType": "Award"}});
//!     let endpoint = "/booking/api/search/itinerary";
//!     b.fetch_pair(endpoint, &body, &body, Duration::from_secs(30)).await
//! })
//! .await??;
//! # let _ = (award, revenue);
//! # Ok(())
//! # }
//! ```

mod driver;
mod error;
mod fetch;
mod options;
mod proxy_addon;
mod session;

use std::future::Future;

pub use error::{BrowserError, FetchFailure};
pub use options::{BrowserOptions, ProxyConfig, ProxyScheme};
pub use session::{Browser, PageInfo, RawResponse};

/// Runs `work` on `browser`, then closes the browser, also when Ctrl-C (SIGINT), SIGTERM or
/// SIGHUP arrives first.
///
/// On such a signal the work is dropped, the browser closed and [`BrowserError::Interrupted`]
/// returned. Otherwise the work's output is returned after closing; a failure to close is only
/// logged, since the work's result is what the caller wants. A panic inside `work` still kills
/// the processes, through `Drop`; and if this process dies without running any of that (e.g.
/// SIGKILL), a watchdog process ends the browser.
pub async fn run_with_cleanup<T>(
    browser: Browser,
    work: impl AsyncFnOnce(&Browser) -> T,
) -> Result<T, BrowserError> {
    run_until(browser, work, termination_signal()).await
}

/// Resolves on the first SIGINT, SIGTERM or SIGHUP.
async fn termination_signal() {
    use tokio::signal::unix::{signal, SignalKind};

    // A signal whose handler cannot be installed keeps its default action (the process ends,
    // and the watchdog cleans up), so waiting on it forever is right.
    async fn on(kind: SignalKind) {
        match signal(kind) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    }
    tokio::select! {
        () = on(SignalKind::interrupt()) => {}
        () = on(SignalKind::terminate()) => {}
        () = on(SignalKind::hangup()) => {}
    }
}

/// Like [`run_with_cleanup`], with any future as the interrupt (a shutdown channel, a deadline).
pub async fn run_until<T>(
    browser: Browser,
    work: impl AsyncFnOnce(&Browser) -> T,
    interrupt: impl Future<Output = ()>,
) -> Result<T, BrowserError> {
    let outcome = {
        let work = work(&browser);
        tokio::select! {
            out = work => Some(out),
            () = interrupt => None,
        }
    };
    let closed = browser.close().await;
    match outcome {
        Some(out) => {
            if let Err(e) = closed {
                tracing::warn!("closing the browser failed: {e}");
            }
            Ok(out)
        }
        None => {
            tracing::info!("interrupted; browser closed");
            Err(BrowserError::Interrupted)
        }
    }
}
