//! What can go wrong in the browser layer, split along the lines a caller has to act on: a
//! missing tool (install hint), an unreachable AA (network), a timeout (retry later) or a dead
//! browser (start a new one).

use std::path::PathBuf;
use std::time::Duration;

/// Why an in-page `fetch` failed before any HTTP response arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchFailure {
    /// The request never got an answer: connection refused, DNS failure, TLS error, proxy
    /// refused. For the CLI this means "AA unreachable".
    Network,
    /// The script itself failed (the page broke `fetch`, a body could not be read, ...).
    Other,
}

/// An error from the browser layer.
///
/// Messages are lowercase and name the thing that failed; they never contain cookie values,
/// tokens or proxy passwords.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BrowserError {
    /// The geckodriver executable does not exist (or is not on `PATH`).
    #[error(
        "geckodriver not found at {}; install it with `cargo install geckodriver --locked` \
         or pass its path",
        path.display()
    )]
    DriverNotFound {
        /// The path that was tried (the bare name `geckodriver` when searched on `PATH`).
        path: PathBuf,
    },

    /// geckodriver was found but did not come up.
    #[error("failed to start geckodriver at {}: {reason}", path.display())]
    DriverStart {
        /// The executable that was started.
        path: PathBuf,
        /// What happened, with the tail of geckodriver's output when it exited early.
        reason: String,
    },

    /// No Firefox binary could be found.
    #[error(
        "firefox not found{}; install it with `apt-get install firefox-esr` or pass its path",
        path.as_ref().map(|p| format!(" at {}", p.display())).unwrap_or_default()
    )]
    FirefoxNotFound {
        /// The path that was given, if any.
        path: Option<PathBuf>,
    },

    /// The WebDriver server answered but refused to open a Firefox session.
    #[error("failed to open a firefox session through {url}: {message}")]
    SessionStart {
        /// The WebDriver server (credentials removed).
        url: String,
        /// The server's explanation.
        message: String,
    },

    /// Nothing answers at the WebDriver URL.
    #[error("webdriver server at {url} is unreachable: {reason}")]
    WebDriverUnreachable {
        /// The WebDriver server (credentials removed).
        url: String,
        /// The connection error.
        reason: String,
    },

    /// The proxy setting cannot be used.
    #[error("invalid proxy {proxy}: {reason}")]
    InvalidProxy {
        /// The proxy without its password.
        proxy: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The page could not be loaded: connection refused, DNS failure, TLS failure, ...
    #[error("failed to load {url}: {reason}")]
    Navigation {
        /// The page that was requested.
        url: String,
        /// Firefox's reason, e.g. `connectionFailure` from its network error page.
        reason: String,
    },

    /// The page did not finish loading in time.
    #[error("loading {url} timed out after {after:?}")]
    PageLoadTimeout {
        /// The page that was requested.
        url: String,
        /// How long we waited.
        after: Duration,
    },

    /// The in-page fetch did not complete in time.
    #[error("fetch of {endpoint} timed out after {after:?}")]
    ScriptTimeout {
        /// The endpoint that was called.
        endpoint: String,
        /// How long we waited.
        after: Duration,
    },

    /// The in-page fetch threw before any HTTP response arrived.
    #[error("fetch of {endpoint} failed in the page: {message}")]
    Script {
        /// The endpoint that was called.
        endpoint: String,
        /// Network failure (AA unreachable) or anything else.
        kind: FetchFailure,
        /// The JavaScript error, e.g. `TypeError: NetworkError when attempting to fetch resource.`
        message: String,
    },

    /// The browser or geckodriver died, hung, or the session was ended.
    #[error("the browser session was lost: {reason}")]
    SessionLost {
        /// What the WebDriver layer reported.
        reason: String,
    },

    /// Any other WebDriver failure.
    #[error("webdriver command {command} failed: {message}")]
    WebDriver {
        /// Which of our operations issued the command.
        command: &'static str,
        /// The WebDriver error.
        message: String,
    },

    /// The work was cancelled (Ctrl-C); the browser has been shut down.
    #[error("interrupted")]
    Interrupted,
}

impl BrowserError {
    /// True when a required program (geckodriver or Firefox) is missing.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            Self::DriverNotFound { .. } | Self::FirefoxNotFound { .. }
        )
    }

    /// True when geckodriver itself did not start.
    pub fn is_driver_start(&self) -> bool {
        matches!(self, Self::DriverStart { .. })
    }

    /// True when a WebDriver server given by URL cannot be reached.
    pub fn is_webdriver_unreachable(&self) -> bool {
        matches!(self, Self::WebDriverUnreachable { .. })
    }

    /// True when the browser could not be started (any of the launch failures).
    pub fn is_launch(&self) -> bool {
        matches!(
            self,
            Self::DriverNotFound { .. }
                | Self::DriverStart { .. }
                | Self::FirefoxNotFound { .. }
                | Self::SessionStart { .. }
                | Self::WebDriverUnreachable { .. }
                | Self::InvalidProxy { .. }
        )
    }

    /// True when a page failed to load.
    pub fn is_navigation(&self) -> bool {
        matches!(self, Self::Navigation { .. })
    }

    /// True when a page load or an in-page fetch ran out of time.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            Self::ScriptTimeout { .. } | Self::PageLoadTimeout { .. }
        )
    }

    /// True when the remote site could not be reached at all: a network error page on
    /// navigation or a network error in the page's `fetch`.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            Self::Navigation { .. }
                | Self::Script {
                    kind: FetchFailure::Network,
                    ..
                }
        )
    }

    /// True when the in-page script failed (any kind).
    pub fn is_script(&self) -> bool {
        matches!(self, Self::Script { .. })
    }

    /// True when the browser is gone and a new one must be launched.
    pub fn is_session_lost(&self) -> bool {
        matches!(self, Self::SessionLost { .. })
    }

    /// True when the work was cancelled by Ctrl-C.
    pub fn is_interrupted(&self) -> bool {
        matches!(self, Self::Interrupted)
    }
}

/// Maps a failed WebDriver command to our error, telling a dead session from other failures.
pub(crate) fn from_cmd(command: &'static str, err: fantoccini::error::CmdError) -> BrowserError {
    use fantoccini::error::{CmdError, ErrorStatus};

    match &err {
        // The connection to geckodriver broke: geckodriver (and with it Firefox) is gone.
        CmdError::Lost(_) | CmdError::Failed(_) | CmdError::FailedC(_) | CmdError::NotJson(_) => {
            BrowserError::SessionLost {
                reason: err.to_string(),
            }
        }
        CmdError::Standard(wd) => match wd.error {
            ErrorStatus::InvalidSessionId | ErrorStatus::NoSuchWindow => {
                BrowserError::SessionLost {
                    reason: wd.to_string(),
                }
            }
            // geckodriver reports a crashed or vanished Firefox as an unknown error about its
            // Marionette connection.
            ErrorStatus::UnknownError if mentions_lost_browser(&wd.message) => {
                BrowserError::SessionLost {
                    reason: wd.to_string(),
                }
            }
            _ => BrowserError::WebDriver {
                command,
                message: wd.to_string(),
            },
        },
        _ => BrowserError::WebDriver {
            command,
            message: err.to_string(),
        },
    }
}

fn mentions_lost_browser(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("marionette") || m.contains("browsing context has been discarded")
}

/// Removes `user:password@` from a URL so it can appear in messages and logs, with or without
/// a scheme (`user:pass@host:8080` is how a proxy is often written).
///
/// The user information ends at the last `@` before the path. An `@` further on is either in
/// the path or in a password with an unencoded `/`; the two cannot be told apart, so everything
/// up to the last `@` is hidden then: a message may lose a path, but never shows a password.
pub(crate) fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(i) => url.split_at(i + 3),
        None => ("", url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let at = rest[..authority_end].rfind('@').or_else(|| rest.rfind('@'));
    match at {
        Some(at) => format!("{scheme}***@{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_url_hides_credentials_without_a_scheme() {
        // The leak this guards against: no `://`, and the password came back unchanged.
        assert_eq!(redact_url("user:pass@host:8080"), "***@host:8080");
        assert_eq!(redact_url("u:p@[::1]:1080/"), "***@[::1]:1080/");
        assert_eq!(redact_url("host:8080"), "host:8080");
    }

    #[test]
    fn redact_url_never_shows_a_password_with_odd_characters() {
        for (url, secret) in [
            ("http://u:pa/ss@h:1", "pa/ss"),
            ("u:pa/ss@h:1", "pa/ss"),
            ("socks5://u:p@ss@h:1", "p@ss"),
            ("http://u:s3cret@h:1/path@x", "s3cret"),
        ] {
            let shown = redact_url(url);
            assert!(!shown.contains(secret), "{url} -> {shown}");
            assert!(shown.contains("***@"), "{url} -> {shown}");
        }
    }

    #[test]
    fn redact_url_hides_credentials() {
        assert_eq!(
            redact_url("http://u:p@grid:4444/wd/hub"),
            "http://***@grid:4444/wd/hub"
        );
        assert_eq!(redact_url("not a url"), "not a url");
    }

    #[test]
    fn predicates_tell_cases_apart() {
        let t = BrowserError::ScriptTimeout {
            endpoint: "/x".into(),
            after: Duration::from_secs(1),
        };
        assert!(t.is_timeout() && !t.is_unreachable() && !t.is_session_lost());
        let n = BrowserError::Script {
            endpoint: "/x".into(),
            kind: FetchFailure::Network,
            message: "TypeError".into(),
        };
        assert!(n.is_unreachable() && n.is_script() && !n.is_timeout());
        let d = BrowserError::DriverNotFound {
            path: "geckodriver".into(),
        };
        assert!(d.is_not_found() && d.is_launch());
        assert!(d.to_string().contains("cargo install geckodriver --locked"));
        let f = BrowserError::FirefoxNotFound { path: None };
        assert!(f.to_string().contains("apt-get install firefox-esr"));
    }
}
