//! The [`Browser`]: a WebDriver session in Firefox (and the geckodriver we started for it), with
//! the three things point-break needs from it: open a page, POST from inside that page, close.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::error::{CmdError, ErrorStatus, NewSessionError};
use fantoccini::{Client, ClientBuilder};
use serde::Deserialize;
use serde_json::Value;

use super::driver::Driver;
use super::error::{from_cmd, redact_url, BrowserError, FetchFailure};
use super::fetch::Fetcher;
use super::options::{capabilities, find_on_path, is_executable, BrowserOptions};
use super::proxy_addon;

const PAGE_JS: &str = include_str!("page.js");
/// How long `close` waits for a WebDriver server we did not start to end the session; there
/// is no process to kill instead, and a busy grid can be slow.
const REMOTE_QUIT_TIMEOUT: Duration = Duration::from_secs(30);

/// One HTTP response as the page's `fetch` saw it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawResponse {
    /// HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, empty when absent.
    pub content_type: String,
    /// The body as text.
    pub body: String,
    /// The `Retry-After` header (sent with 429), verbatim.
    pub retry_after: Option<String>,
}

/// What `open` found after the page loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageInfo {
    /// The document's URL after redirects.
    pub url: String,
    /// HTTP status of the main document, when the browser exposes it.
    pub status: Option<u16>,
    /// The document title.
    pub title: String,
}

/// A Firefox under WebDriver control.
///
/// Methods take `&self` and may be called from several tasks at once (share it in an `Arc`):
/// fetches are started and then collected, so no caller holds the WebDriver session while AA
/// is thinking. Call [`Browser::close`] when done; dropping a `Browser` without it still kills
/// geckodriver and Firefox, synchronously.
pub struct Browser {
    client: Client,
    /// The geckodriver we spawned; `None` when connected to an existing WebDriver server.
    driver: Option<Driver>,
    webdriver_url: String,
    page_load_timeout: Duration,
    fetcher: Fetcher,
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser")
            .field("webdriver_url", &self.webdriver_url)
            .field("driver_pid", &self.driver_pid())
            .finish_non_exhaustive()
    }
}

impl Browser {
    /// Starts geckodriver and Firefox (or connects to `opts.webdriver`) and opens a session.
    pub async fn launch(opts: &BrowserOptions) -> Result<Browser, BrowserError> {
        let started = Instant::now();
        let browser = match &opts.webdriver {
            Some(url) => {
                let client = connect(url, opts, opts.firefox.as_deref(), None).await?;
                Browser::new(client, None, redact_url(url), opts)
            }
            None => {
                let geckodriver = resolve_geckodriver(opts.geckodriver.as_ref())?;
                let firefox = resolve_firefox(opts.firefox.as_ref())?;
                let driver = Driver::spawn(&geckodriver, opts.startup_timeout).await?;
                let remaining = opts.startup_timeout.saturating_sub(started.elapsed());
                // On error `driver` is dropped here, which kills geckodriver and any Firefox.
                let client = connect(&driver.url(), opts, firefox.as_deref(), Some(remaining))
                    .await
                    .map_err(|e| with_driver_output(e, &driver))?;
                let url = driver.url();
                Browser::new(client, Some(driver), url, opts)
            }
        };
        if let Some(proxy) = proxy_addon::needed(opts.proxy.as_ref()) {
            if let Err(e) = proxy_addon::install(&browser.client, proxy).await {
                // Never browse around the proxy: give up on this browser.
                let _ = browser.close().await;
                return Err(e);
            }
        }
        tracing::debug!(
            webdriver = %browser.webdriver_url,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "browser session open"
        );
        Ok(browser)
    }

    fn new(
        client: Client,
        driver: Option<Driver>,
        webdriver_url: String,
        opts: &BrowserOptions,
    ) -> Browser {
        Browser {
            fetcher: Fetcher::new(client.clone()),
            client,
            driver,
            webdriver_url,
            page_load_timeout: opts.page_load_timeout,
        }
    }

    /// Navigates to `url` and returns once the document has loaded.
    ///
    /// A page that cannot be reached (Firefox shows its network error page) is
    /// [`BrowserError::Navigation`], so "AA unreachable" surfaces here rather than as a
    /// confusing failure later.
    pub async fn open(&self, url: &str) -> Result<PageInfo, BrowserError> {
        let started = Instant::now();
        // geckodriver enforces the session's pageLoad timeout; ours only guards against a
        // geckodriver that stopped answering.
        let limit = self.page_load_timeout + Duration::from_secs(5);
        let timed_out = || BrowserError::PageLoadTimeout {
            url: url.to_string(),
            after: self.page_load_timeout,
        };
        match tokio::time::timeout(limit, self.client.goto(url)).await {
            Err(_) => return Err(timed_out()),
            Ok(Ok(())) => {}
            Ok(Err(CmdError::Standard(wd))) if wd.error == ErrorStatus::Timeout => {
                return Err(timed_out());
            }
            Ok(Err(CmdError::Standard(wd))) if wd.message.contains("about:neterror") => {
                return Err(BrowserError::Navigation {
                    url: url.to_string(),
                    reason: neterror_reason(&wd.message),
                });
            }
            Ok(Err(CmdError::BadUrl(e))) => {
                return Err(BrowserError::Navigation {
                    url: url.to_string(),
                    reason: format!("bad url: {e}"),
                });
            }
            Ok(Err(e)) => return Err(from_cmd("navigate", e)),
        }

        loop {
            let info: PageState = self.script("page info", PAGE_JS, vec![]).await?;
            if info.uri.starts_with("about:neterror") {
                return Err(BrowserError::Navigation {
                    url: url.to_string(),
                    reason: neterror_reason(&info.uri),
                });
            }
            if info.ready_state == "complete" {
                let current = self
                    .client
                    .current_url()
                    .await
                    .map_err(|e| from_cmd("current url", e))?;
                tracing::debug!(
                    url,
                    status = info.status,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "page loaded"
                );
                return Ok(PageInfo {
                    url: current.to_string(),
                    status: (info.status != 0).then_some(info.status),
                    title: info.title,
                });
            }
            if started.elapsed() > limit {
                return Err(timed_out());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// POSTs the award and the revenue body to `endpoint` from inside the current page, both in
    /// flight at once, and returns `(award, revenue)`.
    ///
    /// The requests carry the page's cookies, `x-xsrf-token` (from the `XSRF-TOKEN` cookie) and
    /// `x-cid` (from `spa_session_id`) when those cookies are readable. Any HTTP status is a
    /// success here; judging it is the caller's job. Errors: [`BrowserError::ScriptTimeout`]
    /// after `timeout`, [`BrowserError::Script`] when a request got no response at all.
    pub async fn fetch_pair(
        &self,
        endpoint: &str,
        award: &Value,
        revenue: &Value,
        timeout: Duration,
    ) -> Result<(RawResponse, RawResponse), BrowserError> {
        let mut responses = self
            .fetch_many(endpoint, &[award.clone(), revenue.clone()], timeout)
            .await?
            .into_iter();
        match (responses.next(), responses.next()) {
            (Some(award), Some(revenue)) => Ok((award, revenue)),
            _ => Err(BrowserError::Script {
                endpoint: endpoint.to_string(),
                kind: FetchFailure::Other,
                message: "the page returned fewer responses than requests".into(),
            }),
        }
    }

    /// POSTs one body to `endpoint` from inside the current page; see [`Browser::fetch_pair`].
    pub async fn fetch_one(
        &self,
        endpoint: &str,
        body: &Value,
        timeout: Duration,
    ) -> Result<RawResponse, BrowserError> {
        self.fetch_many(endpoint, std::slice::from_ref(body), timeout)
            .await?
            .pop()
            .ok_or_else(|| BrowserError::Script {
                endpoint: endpoint.to_string(),
                kind: FetchFailure::Other,
                message: "the page returned no response".into(),
            })
    }

    /// POSTs every body to `endpoint` at once from inside the current page; responses come
    /// back in the order of `bodies`. See [`Browser::fetch_pair`].
    pub async fn fetch_many(
        &self,
        endpoint: &str,
        bodies: &[Value],
        timeout: Duration,
    ) -> Result<Vec<RawResponse>, BrowserError> {
        self.fetcher.fetch(endpoint, bodies, timeout).await
    }

    /// Cheap health check for a scheduler: false when geckodriver has exited or the session
    /// does not answer a trivial script within two seconds.
    pub async fn is_alive(&self) -> bool {
        if self.driver.as_ref().is_some_and(Driver::has_exited) {
            return false;
        }
        let probe = self.client.execute("return 1;", vec![]);
        matches!(
            tokio::time::timeout(Duration::from_secs(2), probe).await,
            Ok(Ok(_))
        )
    }

    /// Ends the browser: with a spawned geckodriver, geckodriver and everything it started
    /// (Firefox) are terminated and awaited; with `webdriver` set, only the session is ended.
    ///
    /// A spawned browser is not asked to quit over WebDriver first: its profile is thrown away
    /// anyway, and SIGTERM to the process group takes about 0.5 s where a WebDriver quit takes
    /// about 2 s. This also works when Firefox has crashed or hangs, so it does not fail.
    pub async fn close(mut self) -> Result<(), BrowserError> {
        if let Some(driver) = self.driver.take() {
            driver.stop().await;
            return Ok(());
        }
        match tokio::time::timeout(REMOTE_QUIT_TIMEOUT, self.client.clone().close()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(from_cmd("end session", e)),
            Err(_) => Err(BrowserError::SessionLost {
                reason: format!("ending the session took longer than {REMOTE_QUIT_TIMEOUT:?}"),
            }),
        }
    }

    /// The pid of the geckodriver we spawned, which is also the process group id of it and its
    /// Firefox; `None` when connected to an existing WebDriver server.
    pub fn driver_pid(&self) -> Option<u32> {
        self.driver.as_ref().map(Driver::pid)
    }

    /// The WebDriver server's URL (credentials removed).
    pub fn webdriver_url(&self) -> &str {
        &self.webdriver_url
    }

    /// The underlying fantoccini client, for anything not covered here (screenshots for a
    /// bug report, cookies by name, ...).
    pub fn client(&self) -> &Client {
        &self.client
    }

    async fn script<T: serde::de::DeserializeOwned>(
        &self,
        what: &'static str,
        script: &str,
        args: Vec<Value>,
    ) -> Result<T, BrowserError> {
        let value = self
            .client
            .execute(script, args)
            .await
            .map_err(|e| from_cmd(what, e))?;
        serde_json::from_value(value).map_err(|e| BrowserError::WebDriver {
            command: what,
            message: format!("unexpected script result: {e}"),
        })
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // close() took the driver; otherwise (panic, early `?`) kill the processes right here.
        if let Some(driver) = self.driver.take() {
            tracing::debug!("browser dropped without close(); killing geckodriver");
            driver.stop_blocking();
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageState {
    ready_state: String,
    uri: String,
    title: String,
    status: u16,
}

/// Opens a session at `url`, bounded by `limit` (or `opts.startup_timeout`).
async fn connect(
    url: &str,
    opts: &BrowserOptions,
    firefox: Option<&std::path::Path>,
    limit: Option<Duration>,
) -> Result<Client, BrowserError> {
    let shown = redact_url(url);
    let mut builder = ClientBuilder::rustls().map_err(|e| BrowserError::WebDriverUnreachable {
        url: shown.clone(),
        reason: format!("cannot set up TLS: {e}"),
    })?;
    builder.capabilities(capabilities(opts, firefox));
    let limit = limit.unwrap_or(opts.startup_timeout);
    match tokio::time::timeout(limit, builder.connect(url)).await {
        Ok(Ok(client)) => Ok(client),
        Ok(Err(e)) => Err(match e {
            NewSessionError::BadWebdriverUrl(e) => BrowserError::WebDriverUnreachable {
                url: shown,
                reason: format!("bad url: {e}"),
            },
            NewSessionError::Failed(_) | NewSessionError::FailedC(_) | NewSessionError::Lost(_) => {
                BrowserError::WebDriverUnreachable {
                    url: shown,
                    reason: error_chain(&e),
                }
            }
            NewSessionError::SessionNotCreated(wd) if mentions_missing_binary(&wd.message) => {
                BrowserError::FirefoxNotFound {
                    path: firefox.map(|p| p.to_path_buf()),
                }
            }
            other => BrowserError::SessionStart {
                url: shown,
                message: other.to_string(),
            },
        }),
        Err(_) => Err(BrowserError::SessionStart {
            url: shown,
            message: format!("no session within {limit:?}"),
        }),
    }
}

fn mentions_missing_binary(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("binary") && (m.contains("unable to find") || m.contains("not found"))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Adds geckodriver's recent output to a session start failure: that is where Firefox says
/// why it did not come up.
fn with_driver_output(err: BrowserError, driver: &Driver) -> BrowserError {
    match err {
        BrowserError::SessionStart { url, message } => {
            let tail = driver.output_tail();
            let message = if tail.is_empty() {
                message
            } else {
                format!("{message}; geckodriver's last output:\n{tail}")
            };
            BrowserError::SessionStart { url, message }
        }
        other => other,
    }
}

/// The `e=` code of Firefox's error page URL (`connectionFailure`, `dnsNotFound`, ...).
fn neterror_reason(text: &str) -> String {
    text.split_once("about:neterror?")
        .and_then(|(_, query)| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix("e="))
                .map(|code| {
                    code.split(|c: char| !c.is_ascii_alphanumeric())
                        .next()
                        .unwrap_or(code)
                        .to_string()
                })
        })
        .unwrap_or_else(|| "network error page".to_string())
}

fn resolve_geckodriver(given: Option<&PathBuf>) -> Result<PathBuf, BrowserError> {
    if let Some(path) = given {
        return if path.exists() {
            Ok(path.clone())
        } else {
            Err(BrowserError::DriverNotFound { path: path.clone() })
        };
    }
    if let Some(path) = find_on_path("geckodriver") {
        return Ok(path);
    }
    // `cargo install geckodriver` puts it here, which is not always on PATH.
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    cargo_home
        .map(|home| home.join("bin").join("geckodriver"))
        .filter(|p| is_executable(p))
        .ok_or_else(|| BrowserError::DriverNotFound {
            path: PathBuf::from("geckodriver"),
        })
}

/// The Firefox binary to put into the capabilities; `None` lets geckodriver use `firefox`.
fn resolve_firefox(given: Option<&PathBuf>) -> Result<Option<PathBuf>, BrowserError> {
    if let Some(path) = given {
        return if is_executable(path) {
            Ok(Some(path.clone()))
        } else {
            Err(BrowserError::FirefoxNotFound {
                path: Some(path.clone()),
            })
        };
    }
    if find_on_path("firefox").is_some() {
        return Ok(None);
    }
    // Debian's ESR package may install only `firefox-esr`, which geckodriver does not look for.
    match find_on_path("firefox-esr") {
        Some(path) => Ok(Some(path)),
        None => Err(BrowserError::FirefoxNotFound { path: None }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neterror_reason_is_the_error_code() {
        let msg = "Reached error page: about:neterror?e=connectionFailure&u=http%3A//127.0.0.1%3A9/&c=UTF-8";
        assert_eq!(neterror_reason(msg), "connectionFailure");
        assert_eq!(neterror_reason("about:neterror"), "network error page");
    }

    #[test]
    fn missing_geckodriver_path_is_not_found() {
        let err =
            resolve_geckodriver(Some(&PathBuf::from("/nonexistent/geckodriver"))).unwrap_err();
        assert!(err.is_not_found());
    }
}
