//! `point-break search`: one route and day. Checks every flag, starts Firefox through
//! geckodriver (or joins `--webdriver`), opens AA's booking page, runs both searches from inside
//! it and writes the comparison. The browser is closed on every path, Ctrl-C and SIGTERM included.

use crate::browser::{Browser, BrowserError, BrowserOptions, ProxyConfig};
use crate::cli::{BrowserArgs, SearchArgs, Secret};
use crate::core::Query;
use crate::error::Error;
use crate::progress::Steps;
use crate::search::{self, Site};
use std::time::Duration;

/// Runs the search command.
pub fn run(args: &SearchArgs, quiet: bool) -> Result<(), Error> {
    let today = today();
    let (passengers, cabin) = super::party(&args.party)?;
    let query = Query::check(
        &args.query.origin,
        &args.query.destination,
        &args.query.date,
        u32::from(passengers),
        cabin.as_str(),
        today,
    )?;
    let (options, site) = browser_setup(&args.browser)?;
    let output = super::output::Output::check(&args.output)?;
    if let Some(dir) = args
        .save_raw
        .as_deref()
        .filter(|d| d.exists() && !d.is_dir())
    {
        return Err(Error::Usage(format!(
            "invalid --save-raw: {} exists and is not a directory",
            dir.display()
        )));
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Other(e.into()))?;
    runtime.block_on(async {
        let steps = Steps::new(quiet);
        steps.step("starting Firefox");
        let browser = tokio::select! {
            b = Browser::launch(&options) => b?,
            _ = shutdown_signal() => return Err(Error::Interrupted),
        };
        let outcome = tokio::select! {
            r = async {
                steps.step("opening AA");
                search::open_session(&browser, &site).await?;
                steps.step("searching award and cash fares");
                search::run(&browser, &site, &query, args.save_raw.as_deref()).await
            } => r,
            _ = shutdown_signal() => Err(Error::Interrupted),
        };
        // Results first: a reader of stdout need not wait for Firefox to go away.
        let written = outcome.and_then(|report| output.write(&report));
        steps.step("closing Firefox");
        if let Err(e) = browser.close().await {
            tracing::warn!("closing the browser: {e}");
        }
        steps.done();
        written
    })
}

/// Checks the browser flags and builds the options and site.
pub fn browser_setup(args: &BrowserArgs) -> Result<(BrowserOptions, Site), Error> {
    for (path, flag) in [
        (&args.geckodriver, "--geckodriver"),
        (&args.firefox, "--firefox"),
    ] {
        if let Some(p) = path {
            if !p.exists() && p.components().count() > 1 {
                return Err(Error::Usage(format!(
                    "invalid {flag}: {} does not exist",
                    p.display()
                )));
            }
        }
    }
    browser_options(args)
}

/// Like [`browser_setup`], but a `--geckodriver` or `--firefox` path that does not exist is left
/// for the browser layer to report (`doctor` shows it as a failed check, not a usage error).
pub fn browser_options(args: &BrowserArgs) -> Result<(BrowserOptions, Site), Error> {
    let timeout = parse_duration(&args.timeout)
        .map_err(|message| Error::Usage(format!("invalid --timeout: {message}")))?;
    check_url(&args.base_url, "--base-url")?;
    if let Some(url) = &args.webdriver {
        check_url(url, "--webdriver")?;
    }
    let proxy = args.proxy.as_ref().map(parse_proxy).transpose()?;
    if let Some(proxy) = &proxy {
        // Display hides the password.
        tracing::debug!(%proxy, "sending Firefox's traffic through a proxy");
    }
    let options = BrowserOptions {
        geckodriver: args.geckodriver.clone(),
        firefox: args.firefox.clone(),
        headed: args.headed,
        webdriver: args.webdriver.clone(),
        proxy,
        ..BrowserOptions::default()
    };
    Ok((options, Site::new(&args.base_url, timeout)))
}

/// Parses `--proxy`; the error shows the URL with its user information replaced.
pub fn parse_proxy(raw: &Secret) -> Result<ProxyConfig, Error> {
    raw.0.trim().parse().map_err(|e| {
        let reason = match e {
            BrowserError::InvalidProxy { reason, .. } => reason,
            other => other.to_string(),
        };
        Error::Usage(format!("invalid --proxy: {}: {reason}", raw.redacted()))
    })
}

/// The longest duration any flag accepts.
const MAX_DURATION: Duration = Duration::from_secs(24 * 60 * 60);

/// `60`, `90s`, `2m`, `1500ms`; a bare number is seconds; at most 24h.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let d = match t.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => humantime::parse_duration(t)
            .map_err(|_| format!("{text:?} is not a duration; write e.g. 60, 90s or 2m"))?,
    };
    if d.is_zero() {
        return Err(format!("{text:?} is zero; give a positive duration"));
    }
    // Browsers fire longer timers at once, and sums with it must not overflow.
    if d > MAX_DURATION {
        return Err(format!("{text:?} is longer than the 24h this accepts"));
    }
    Ok(d)
}

pub(crate) fn check_url(url: &str, flag: &str) -> Result<(), Error> {
    let ok = (url.starts_with("http://") || url.starts_with("https://"))
        && url.split("://").nth(1).is_some_and(|rest| !rest.is_empty());
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "invalid {flag}: {url:?} is not an http:// or https:// URL"
        )))
    }
}

/// Today's date where the user is (UTC if the local offset cannot be read).
pub fn today() -> time::Date {
    time::OffsetDateTime::now_local()
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .date()
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        let term = async {
            match term.as_mut() {
                Some(t) => {
                    t.recv().await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("60"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1500ms"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("soon").is_err());
        assert_eq!(parse_duration("24h"), Ok(Duration::from_secs(86400)));
        // Regression: 25d fired at once in the page; u64::MAX seconds overflowed and panicked.
        assert!(parse_duration("25d").is_err());
        assert!(parse_duration("18446744073709551615").is_err());
    }

    #[test]
    fn proxy_errors_name_the_flag_and_hide_the_password() {
        let p = parse_proxy(&Secret("socks5://me:s3cret@127.0.0.1:1080".into())).unwrap();
        assert_eq!(p.to_string(), "socks5://me:***@127.0.0.1:1080");
        for bad in ["ftp://me:s3cret@h:1", "http://me:s3cret@h", "me:s3cret@h:1"] {
            let err = parse_proxy(&Secret(bad.into())).unwrap_err().to_string();
            assert!(err.starts_with("invalid --proxy: "), "{err}");
            assert!(!err.contains("s3cret"), "{err}");
        }
    }
}
