//! Exit codes: one table, mirrored in the README. Scripts and cron wrappers branch on these, so a
//! code never changes meaning once released.

/// What the process tells its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Success (also when the day has no comparable flights).
    Ok = 0,
    /// An unexpected failure, e.g. the output file could not be written.
    Failure = 1,
    /// A bad flag or value; nothing was started.
    Usage = 2,
    /// geckodriver, Firefox or the WebDriver server could not be started or reached, or died.
    Browser = 3,
    /// aa.com (or `--base-url`) could not be reached.
    Unreachable = 4,
    /// AA's bot defence blocked the search (403 page, challenge, 428, 451).
    Blocked = 5,
    /// AA rate limited the search (HTTP 429).
    RateLimited = 6,
    /// AA kept answering error 309 (no session) after a fresh page load.
    NoSession = 7,
    /// AA answered with an error body (e.g. 1100: date in the past) or an error status.
    AaError = 8,
    /// AA's answer was not the expected JSON (or a saved file is malformed).
    BadResponse = 9,
    /// AA did not answer within `--timeout`.
    Timeout = 10,
    /// batch: the run finished, but some queries failed (see the summary on stderr).
    Partial = 11,
    /// batch: another run holds the `--lock` file.
    Locked = 12,
    /// Interrupted by Ctrl-C or SIGTERM.
    Interrupted = 130,
}

impl Exit {
    /// The numeric code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e.code())
    }
}
