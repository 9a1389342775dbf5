//! The command line as the user types it. Values stay raw strings here and are checked into
//! typed queries by the commands, so every bad value gets one line naming its flag and exit 2.

use clap::{ArgAction, Args, Parser, Subcommand};
use std::path::PathBuf;

/// Cash or miles? Compares American Airlines cash fares with AAdvantage award prices, flight by
/// flight, as cents per point.
#[derive(Debug, Parser)]
#[command(name = "point-break", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// More logging on stderr: -v for debug with timings, -vv for trace. RUST_LOG overrides.
    #[arg(short, long, action = ArgAction::Count, global = true)]
    pub verbose: u8,

    /// No progress display and only errors on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search AA for one route and day, in a real Firefox, and compare cash with miles.
    Search(SearchArgs),
    /// Compare two saved bodies (an Award and a Revenue answer), offline.
    Merge(MergeArgs),
    /// Search many routes and days on one warm browser; one JSON line per query.
    Batch(BatchArgs),
}

/// What one search asks for.
#[derive(Debug, Args, Clone)]
pub struct QueryArgs {
    /// Origin airport or city code, e.g. LAX or NYC.
    #[arg(long, value_name = "IATA")]
    pub origin: String,

    /// Destination airport or city code.
    #[arg(long, value_name = "IATA")]
    pub destination: String,

    /// Departure day, YYYY-MM-DD: today up to 331 days ahead.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: String,
}

/// Party and cabin, shared by every command.
#[derive(Debug, Args, Clone)]
pub struct PartyArgs {
    /// Adults in the party, 1 to 9; points, cash and taxes are for the whole party.
    #[arg(long, value_name = "N", default_value = "1")]
    pub passengers: String,

    /// Cabin to compare: main, premium_economy, business or first.
    #[arg(long, value_name = "CABIN", default_value = "main")]
    pub cabin: String,
}

/// How to reach and drive the browser.
#[derive(Debug, Args, Clone)]
pub struct BrowserArgs {
    /// AA's site, or a stand-in for tests and demos.
    #[arg(
        long,
        value_name = "URL",
        env = "POINT_BREAK_BASE_URL",
        default_value = "https://www.aa.com"
    )]
    pub base_url: String,

    /// The geckodriver binary (default: found on PATH).
    #[arg(long, value_name = "PATH")]
    pub geckodriver: Option<PathBuf>,

    /// The Firefox binary (default: firefox, then firefox-esr, on PATH).
    #[arg(long, value_name = "PATH")]
    pub firefox: Option<PathBuf>,

    /// Use a running WebDriver server (a remote geckodriver or a Selenium Grid) instead of
    /// starting geckodriver.
    #[arg(long, value_name = "URL", conflicts_with = "geckodriver")]
    pub webdriver: Option<String>,

    /// Show the Firefox window instead of running headless.
    #[arg(long)]
    pub headed: bool,

    /// How long to wait for AA's answers, e.g. 60, 90s, 2m.
    #[arg(long, value_name = "DURATION", default_value = "60s")]
    pub timeout: String,
}

/// `point-break search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The route and day.
    #[command(flatten)]
    pub query: QueryArgs,

    /// Party and cabin.
    #[command(flatten)]
    pub party: PartyArgs,

    /// Browser and site.
    #[command(flatten)]
    pub browser: BrowserArgs,

    /// Write the result to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Save both raw answers and the requests into DIR, for `merge` or a bug report.
    #[arg(long, value_name = "DIR")]
    pub save_raw: Option<PathBuf>,
}

/// `point-break merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The saved Award answer (`-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub award: PathBuf,

    /// The saved Revenue answer (`-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub revenue: PathBuf,

    /// Party and cabin.
    #[command(flatten)]
    pub party: PartyArgs,

    /// Origin to report (default: from the bodies' responseMetadata).
    #[arg(long, value_name = "IATA")]
    pub origin: Option<String>,

    /// Destination to report (default: from the bodies).
    #[arg(long, value_name = "IATA")]
    pub destination: Option<String>,

    /// Date to report, YYYY-MM-DD (default: from the bodies).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,

    /// Write the result to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `point-break batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Origins, comma-separated, e.g. NYC,BOS; each is paired with every other destination.
    #[arg(
        long,
        value_name = "IATA,...",
        required_unless_present = "input",
        conflicts_with = "input"
    )]
    pub origin: Option<String>,

    /// Destinations, comma-separated, e.g. LAX,MIA.
    #[arg(
        long,
        value_name = "IATA,...",
        required_unless_present = "input",
        conflicts_with = "input"
    )]
    pub destination: Option<String>,

    /// Days: YYYY-MM-DD, an inclusive range FROM..TO, or a comma-separated list of both.
    #[arg(
        long,
        value_name = "DAYS",
        required_unless_present = "input",
        conflicts_with = "input"
    )]
    pub date: Option<String>,

    /// Read the queries from FILE: CSV with the header origin,destination,date[,passengers,cabin]
    /// or JSON lines with those keys (told apart by extension, else by content).
    #[arg(short, long, value_name = "FILE")]
    pub input: Option<PathBuf>,

    /// Party and cabin: the defaults for rows that do not give them.
    #[command(flatten)]
    pub party: PartyArgs,

    /// Browser and site.
    #[command(flatten)]
    pub browser: BrowserArgs,

    /// Append one JSON line per query to FILE instead of printing to stdout. An existing FILE
    /// with lines is refused unless --resume or --force is given.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Continue the --output FILE of an earlier run: skip the queries answered there and search
    /// again those that failed (their old lines are dropped).
    #[arg(long, requires = "output")]
    pub resume: bool,

    /// Replace an existing --output FILE.
    #[arg(long, requires = "output", conflicts_with = "resume")]
    pub force: bool,

    /// Searches in flight at once, 1 to 8 (AA blocks clients with 10 or more).
    #[arg(long, value_name = "N", default_value = "2")]
    pub concurrency: String,

    /// Mean pause between the starts of two searches, with ±50 % jitter, e.g. 1s, 500ms, 0.
    #[arg(long, value_name = "DURATION", default_value = "1s")]
    pub delay: String,

    /// Renew the AA session (a fresh page load) after N searches; 0 never does.
    #[arg(long, value_name = "N", default_value = "75")]
    pub rotate_after: String,

    /// Pause after AA's bot defence blocks a search; a block after it ends the run.
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub cooldown: String,

    /// Hold an advisory lock on FILE for the whole run; a second run exits with code 12.
    #[arg(long, value_name = "FILE")]
    pub lock: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
