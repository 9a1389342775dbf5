//! The failures a caller must tell apart, each mapped to its exit code and to a hint that says
//! what to try. Messages are lowercase and name the thing that failed.

use crate::core::{QueryError, ResponseError};
use crate::exit::Exit;

/// A failure of one search or merge.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad flag value, found before anything started.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// A bad flag value that is not part of a query.
    #[error("{0}")]
    Usage(String),
    /// AA's answer was a failure or not the expected JSON.
    #[error(transparent)]
    Response(#[from] ResponseError),
    /// The browser layer failed.
    #[error(transparent)]
    Browser(#[from] crate::browser::BrowserError),
    /// The booking page or the endpoint could not be reached.
    #[error("cannot reach {url}: {detail}")]
    Unreachable {
        /// What was being opened.
        url: String,
        /// What the browser said.
        detail: String,
    },
    /// Ctrl-C or SIGTERM.
    #[error("interrupted")]
    Interrupted,
    /// Anything else (files, stdout).
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl Error {
    /// The exit code for this failure.
    pub fn exit(&self) -> Exit {
        match self {
            Error::Query(_) | Error::Usage(_) => Exit::Usage,
            Error::Response(r) => match r {
                ResponseError::NoSession { .. } => Exit::NoSession,
                ResponseError::Blocked { .. } => Exit::Blocked,
                ResponseError::RateLimited { .. } => Exit::RateLimited,
                ResponseError::Aa { .. } | ResponseError::Http { .. } => Exit::AaError,
                ResponseError::Unexpected { .. } | ResponseError::Malformed { .. } => {
                    Exit::BadResponse
                }
            },
            Error::Browser(b) if b.is_interrupted() => Exit::Interrupted,
            Error::Browser(b) if b.is_timeout() => Exit::Timeout,
            Error::Browser(b) if b.is_unreachable() => Exit::Unreachable,
            Error::Browser(_) => Exit::Browser,
            Error::Unreachable { .. } => Exit::Unreachable,
            Error::Interrupted => Exit::Interrupted,
            Error::Other(_) => Exit::Failure,
        }
    }

    /// A stable short name of the failure kind (batch output, logs).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Query(_) | Error::Usage(_) => "usage",
            Error::Response(r) => r.kind(),
            Error::Browser(b) if b.is_interrupted() => "interrupted",
            Error::Browser(b) if b.is_timeout() => "timeout",
            Error::Browser(b) if b.is_unreachable() => "unreachable",
            Error::Browser(_) => "browser",
            Error::Unreachable { .. } => "unreachable",
            Error::Interrupted => "interrupted",
            Error::Other(_) => "other",
        }
    }

    /// What to try next, when there is something useful to say.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self.exit() {
            // The browser errors already say how to install what is missing.
            Exit::Browser => "`point-break doctor` checks the whole set-up",
            Exit::Unreachable => "check the network or --base-url; try again later",
            Exit::Blocked => {
                "AA's bot defence refused this connection; wait before retrying, or run from a \
                 residential connection (--proxy); data-centre addresses are blocked"
            }
            Exit::RateLimited => "AA is rate limiting; wait (see Retry-After) and search less often",
            Exit::NoSession => "AA did not keep a session; try again, or --headed to watch the page",
            Exit::Timeout => "AA answered too slowly; try a larger --timeout",
            Exit::BadResponse => {
                "AA may have changed its API; rerun with --save-raw DIR and attach the files to a bug report"
            }
            _ => return None,
        })
    }
}
